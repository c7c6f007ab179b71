/* retention.c - the retention rule of history; see retention.h. */
#include "retention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "rulesxml.h"

int retention_rules_load(const char *rules_dir, struct retention_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr n;
	int before = f->count;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/retention.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/retention.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	n = rulesxml_child(xmlDocGetRootElement(doc), "Snapshots");
	if (n) {
		char *daily = rulesxml_attr(n, "daily"), *ends = rulesxml_attr(n, "monthEnds");

		r->snap_daily = daily ? atoi(daily) : 0;
		r->snap_month_ends = ends && (!strcmp(ends, "true") || !strcmp(ends, "1"));
		/* the limitation run looks back over its last 60 days (catch-up) */
		if (r->snap_daily < 60)
			faults_add(f, path, rulesxml_line(n),
				   "daily snapshots kept %d days: at least 60 are needed", r->snap_daily);
		xmlFree(daily);
		xmlFree(ends);
	} else {
		faults_add(f, path, 0, "no Snapshots rule");
	}
	xmlFreeDoc(doc);
	return f->count > before ? -1 : 0;
}

int retention_rules_check(const char *rules_dir, struct faults *f)
{
	struct retention_rules r;

	return retention_rules_load(rules_dir, &r, f);
}

int retention_apply(PGconn *db, const struct retention_rules *r, sdate day, int64_t *dropped,
		    struct sbyt_err *e)
{
	char b[DATE_BUF], k[16];
	const char *p[3] = { date_format(day, b), k, r->snap_month_ends ? "t" : "f" };
	PGresult *res;

	*dropped = 0;
	snprintf(k, sizeof(k), "%d", r->snap_daily);
	res = db_query(db, e, "SELECT sbyt_snapshot_retire($1::date, $2::int, $3::boolean)", 3, p);
	if (!res)
		return -1;
	*dropped = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}
