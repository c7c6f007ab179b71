/* ingest_rules.c - readings window, suspicious thresholds and SMS patterns
 * from rules/; see ingest_rules.h. */
#include "ingest_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"
#include "tariff.h"

static int int_attr(xmlNodePtr n, const char *name, int *out)
{
	char *v = rulesxml_attr(n, name);
	int ok = v != NULL;

	if (v)
		*out = atoi(v);
	xmlFree(v);
	return ok ? 0 : -1;
}

int ingest_rules_load(const char *rules_dir, struct ingest_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	int before = f->count;
	xmlDocPtr doc;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/ingest.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/ingest.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (doc) {
		xmlNodePtr root = xmlDocGetRootElement(doc);
		xmlNodePtr s = rulesxml_child(root, "Suspicious");

		int_attr(s, "factor", &r->factor);
		int_attr(s, "minKwh", &r->min_kwh);
		int_attr(s, "months", &r->months);
		xmlFreeDoc(doc);
	}
	/* The readings window is billing's (rules/billing.xml). */
	{
		struct tariff_rules *t = NULL;
		if (tariff_rules_load(rules_dir, &t, f) == 0) {
			const struct billing_rules *b = tariff_billing(t);
			r->first_day = b->window_first;
			r->last_day = b->window_last;
		}
		tariff_rules_free(t);
	}
	r->sms = sms_rules_load(rules_dir, f);
	if (f->count > before) {
		ingest_rules_release(r);
		return -1;
	}
	return 0;
}

void ingest_rules_release(struct ingest_rules *r)
{
	sms_rules_free(r->sms);
	r->sms = NULL;
}

int ingest_rules_check(const char *rules_dir, struct faults *f)
{
	char path[4096], xsd[4096];
	int before = f->count;
	xmlDocPtr doc;

	/* billing.xml has its own check (tariff_rules_check). */
	snprintf(path, sizeof(path), "%s/ingest.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/ingest.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	xmlFreeDoc(doc);
	sms_rules_check(rules_dir, f);
	return f->count > before ? -1 : 0;
}

speriod ingest_window_period(const struct ingest_rules *r, sdate d)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	return period_from_ym(y, m) + (day > r->last_day ? 1 : 0);
}
