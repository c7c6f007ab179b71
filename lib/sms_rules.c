/* sms_rules.c - PCRE2 patterns for SMS readings; see sms_rules.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "sms_rules.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

#define SMS_MAX_PATTERNS 64

struct sms_pattern {
	char name[64];
	pcre2_code *code;
	int group[1 + REC_ZONES];   /* group numbers of account, t1, t2, t3 (0: none) */
};

struct sms_rules {
	int n;
	struct sms_pattern p[SMS_MAX_PATTERNS];
	pcre2_match_data *md;
};

static const char *const group_names[1 + REC_ZONES] = { "account", "t1", "t2", "t3" };

void sms_rules_free(struct sms_rules *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->n; i++)
		pcre2_code_free(r->p[i].code);
	pcre2_match_data_free(r->md);
	free(r);
}

int sms_rules_count(const struct sms_rules *r)
{
	return r ? r->n : 0;
}

struct sms_rules *sms_rules_load(const char *rules_dir, struct faults *f)
{
	char path[4096], xsd[4096];
	struct sms_rules *r;
	xmlDocPtr doc;
	xmlNodePtr node;
	int before = f->count;

	snprintf(path, sizeof(path), "%s/sms.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/sms.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r) {
		xmlFreeDoc(doc);
		faults_add(f, path, 0, "out of memory");
		return NULL;
	}
	for (node = rulesxml_child(xmlDocGetRootElement(doc), "Pattern"); node;
	     node = rulesxml_next(node->next, "Pattern")) {
		long line = rulesxml_line(node);
		char *name = rulesxml_attr(node, "name");
		xmlChar *text = xmlNodeGetContent(node);
		struct sms_pattern *p;
		int errcode;
		PCRE2_SIZE erroff;

		if (r->n >= SMS_MAX_PATTERNS) {
			faults_add(f, path, line, "more than %d patterns", SMS_MAX_PATTERNS);
			xmlFree(name);
			xmlFree(text);
			break;
		}
		p = &r->p[r->n];
		snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
		p->code = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED,
					PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &errcode, &erroff, NULL);
		if (!p->code) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(errcode, msg, sizeof(msg));
			faults_add(f, path, line, "pattern '%s': %s at offset %zu", p->name,
				   (const char *)msg, (size_t)erroff);
		} else {
			for (int g = 0; g <= REC_ZONES; g++) {
				int num = pcre2_substring_number_from_name(p->code,
									   (PCRE2_SPTR)group_names[g]);
				p->group[g] = num > 0 ? num : 0;
			}
			if (!p->group[0] || !p->group[1])
				faults_add(f, path, line, "pattern '%s' must name the groups 'account' and 't1'",
					   p->name);
			pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);  /* optional speed-up */
			r->n++;
		}
		xmlFree(name);
		xmlFree(text);
	}
	xmlFreeDoc(doc);
	if (r->n == 0 && f->count == before)
		faults_add(f, path, 0, "no patterns");
	if (f->count > before) {
		sms_rules_free(r);
		return NULL;
	}
	r->md = pcre2_match_data_create(1 + 2 * 8 + 16, NULL);
	if (!r->md) {
		faults_add(f, path, 0, "out of memory");
		sms_rules_free(r);
		return NULL;
	}
	return r;
}

int sms_rules_check(const char *rules_dir, struct faults *f)
{
	struct sms_rules *r = sms_rules_load(rules_dir, f);

	if (!r)
		return -1;
	sms_rules_free(r);
	return 0;
}

int sms_rules_match(struct sms_rules *r, const char *text, size_t len,
		    struct rec_reading *rd, const char **name)
{
	for (int i = 0; i < r->n; i++) {
		struct sms_pattern *p = &r->p[i];
		PCRE2_SIZE *ov;
		int rc = pcre2_match(p->code, (PCRE2_SPTR)text, len, 0, 0, r->md, NULL);

		if (rc < 0)
			continue;
		ov = pcre2_get_ovector_pointer(r->md);
		if (name)
			*name = p->name;
		/* The account. */
		{
			int g = p->group[0];
			if (g >= rc || ov[2 * g] == PCRE2_UNSET ||
			    account_parse(text + ov[2 * g], (int)(ov[2 * g + 1] - ov[2 * g]),
					  &rd->account))
				return -1;
		}
		rd->zones = 0;
		for (int z = 0; z < REC_ZONES; z++) {
			int g = p->group[1 + z];

			rd->has[z] = 0;
			rd->value[z] = 0;
			if (!g || g >= rc || ov[2 * g] == PCRE2_UNSET)
				continue;
			if (reading_value_parse(text + ov[2 * g], (int)(ov[2 * g + 1] - ov[2 * g]),
						&rd->value[z]))
				return -1;
			rd->has[z] = 1;
			rd->zones = z + 1;
		}
		if (!rd->has[0])
			return -1;
		return 1;
	}
	return 0;
}
