/* ingest_rules.c - readings window, suspicious thresholds and SMS patterns
 * from rules/; see ingest_rules.h. */
#include "ingest_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

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
		xmlNodePtr w = rulesxml_child(root, "ReadingWindow");
		xmlNodePtr s = rulesxml_child(root, "Suspicious");

		int_attr(w, "firstDay", &r->first_day);
		int_attr(w, "lastDay", &r->last_day);
		int_attr(s, "factor", &r->factor);
		int_attr(s, "minKwh", &r->min_kwh);
		int_attr(s, "months", &r->months);
		if (r->first_day > r->last_day)
			faults_add(f, path, rulesxml_line(w), "readings window: firstDay %d is after lastDay %d",
				   r->first_day, r->last_day);
		xmlFreeDoc(doc);
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
	struct ingest_rules r;

	if (ingest_rules_load(rules_dir, &r, f))
		return -1;
	ingest_rules_release(&r);
	return 0;
}

speriod ingest_window_period(const struct ingest_rules *r, sdate d)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	return period_from_ym(y, m) + (day > r->last_day ? 1 : 0);
}
