/* report_control.c - the control-readings plan; see report_control.h. */
#include "report_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "rulesxml.h"
#include "xlsx.h"

int control_rules_load(const char *rules_dir, struct control_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	int before = f->count;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/control.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/control.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	for (xmlNodePtr n = rulesxml_child(xmlDocGetRootElement(doc), "Interval"); n;
	     n = rulesxml_next(n->next, "Interval")) {
		char *cat = rulesxml_attr(n, "category"), *mon = rulesxml_attr(n, "months");
		int dup = 0;

		for (int i = 0; i < r->n; i++)
			dup |= strcmp(r->category[i], cat) == 0;
		if (dup)
			faults_add(f, path, rulesxml_line(n), "category '%s' is given twice", cat);
		else if (r->n >= CONTROL_MAX)
			faults_add(f, path, rulesxml_line(n), "more than %d intervals", CONTROL_MAX);
		else {
			snprintf(r->category[r->n], sizeof(r->category[0]), "%s", cat);
			r->months[r->n++] = atoi(mon);
		}
		xmlFree(cat);
		xmlFree(mon);
	}
	xmlFreeDoc(doc);
	return f->count > before ? -1 : 0;
}

int control_rules_check(const char *rules_dir, struct faults *f)
{
	struct control_rules r;

	return control_rules_load(rules_dir, &r, f);
}

struct counts {
	int64_t *rows, *overdue;
};

static int fill(struct xlsx_table *x, PGresult *res, void *ctx, struct sbyt_err *e)
{
	struct counts *c = ctx;

	xlsx_table_str(x, 0, PQgetvalue(res, 0, 0));
	xlsx_table_str(x, 1, PQgetvalue(res, 0, 1));
	xlsx_table_code(x, 2, "category", PQgetvalue(res, 0, 2));
	for (int col = 3; col < 6; col++)
		xlsx_table_str(x, col, PQgetvalue(res, 0, col));
	if (!PQgetisnull(res, 0, 6))
		xlsx_table_date_text(x, 6, PQgetvalue(res, 0, 6));
	else
		xlsx_table_str(x, 6, "не проводилось");
	xlsx_table_int(x, 7, atoi(PQgetvalue(res, 0, 7)));
	xlsx_table_date_text(x, 8, PQgetvalue(res, 0, 8));
	if (PQgetvalue(res, 0, 9)[0] == 't') {
		xlsx_table_str(x, 9, "да");
		(*c->overdue)++;
	}
	(*c->rows)++;
	return 0;
}

int report_control(PGconn *db, const struct control_rules *r, const struct names *names,
		   sdate as_of, const char *path, int64_t *rows, int64_t *overdue,
		   struct sbyt_err *e)
{
	static const char *const head[] = {
		"Участок", "Лицевой счёт", "Категория", "Индекс", "Адрес", "Прибор учёта",
		"Последнее контрольное снятие", "Периодичность, мес.", "Срок контрольного снятия",
		"Просрочено",
	};
	static const double width[] = { 10, 14, 16, 10, 50, 14, 16, 12, 16, 12 };
	char d[DATE_BUF], cats[CONTROL_MAX * 34], months[CONTROL_MAX * 4];
	const char *p[3] = { date_format(as_of, d), cats, months };
	struct xlsx_table x;
	struct counts cn = { rows, overdue };
	size_t nc = 0, nm = 0;

	*rows = *overdue = 0;
	/* The intervals go in as two parallel arrays: parameters, not SQL text. */
	nc += (size_t)snprintf(cats, sizeof(cats), "{");
	nm += (size_t)snprintf(months, sizeof(months), "{");
	for (int i = 0; i < r->n; i++) {
		nc += (size_t)snprintf(cats + nc, sizeof(cats) - nc, "%s%s", i ? "," : "", r->category[i]);
		nm += (size_t)snprintf(months + nm, sizeof(months) - nm, "%s%d", i ? "," : "", r->months[i]);
	}
	snprintf(cats + nc, sizeof(cats) - nc, "}");
	snprintf(months + nm, sizeof(months) - nm, "}");
	if (xlsx_table_open(&x, path, "План контрольных снятий", head, width, 10, e))
		return -1;
	x.names = names;
	x.no_totals = 1;
	xlsx_table_caption(&x, "План контрольных снятий показаний", as_of);
	if (xlsx_table_query(&x, db,
		"WITH iv AS (SELECT * FROM unnest($2::text[], $3::int[]) AS t(category, months)),"
		" plan AS (SELECT a.branch, a.account_id, a.category, a.postcode, a.address, m.meter,"
		"  c.last, iv.months,"
		"  (coalesce(c.last, m.installed_on) + make_interval(months => iv.months))::date AS due"
		"  FROM account a JOIN iv ON iv.category = a.category"
		"  JOIN meter m ON m.account_id = a.account_id"
		"  LEFT JOIN LATERAL (SELECT max(taken_on) AS last FROM reading r"
		"   WHERE r.account_id = m.account_id AND r.meter = m.meter AND r.source = 'inspector'"
		"   AND r.status = 'accepted' AND r.taken_on <= $1::date) c ON true"
		"  WHERE a.kind = 'individual')"
		" SELECT branch, account_id::text, category, postcode, address, meter, last::text,"
		"  months::text, due::text, (due < $1::date)::text FROM plan"
		" WHERE due <= (date_trunc('month', $1::date) + interval '2 months - 1 day')::date"
		" ORDER BY due >= $1::date, branch, postcode, account_id, meter", 3, p, fill, &cn, e))
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
