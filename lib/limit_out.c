/* limit_out.c - the day's limitation packages and register; see limit_out.h. */
#include "limit_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlwriter.h>

#include "db.h"
#include "limit_text.h"
#include "money.h"
#include "package.h"
#include "explain_ru.h"
#include "xlsx.h"

#define NS "urn:sbyt:limitation:1"

static const char *const notice_kinds[] = { "post", "sms", "email", "edo", "lkk", "personal",
					     "authorities" };

static void attr(xmlTextWriterPtr w, const char *name, const char *v, int *rc)
{
	if (v && v[0])
		*rc |= xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v) < 0;
}

static const char *kopecks(const char *s, char *buf)
{
	return money_format(strtoll(s, NULL, 10), buf);
}

static int record(struct job *j, struct package *p, struct sbyt_err *e)
{
	return j ? job_file(j, "out", p->final, p->sha256, p->bytes, e) : 0;
}

/* Notices of one branch and channel: rows [from, to) of r. */
/* <Text citation="...">the whole text</Text> */
static void text_elem(xmlTextWriterPtr w, const struct limit_rules *rules, const char *key,
		      const char *text, int *rc)
{
	const struct limit_text *t = limit_text_find(rules, key);

	*rc |= xmlTextWriterStartElement(w, BAD_CAST "Text") < 0;
	attr(w, "citation", t ? t->citation : "", rc);
	*rc |= xmlTextWriterWriteString(w, BAD_CAST text) < 0;
	*rc |= xmlTextWriterEndElement(w) < 0;
}

/* The text of notice row i (columns as in limit_write_day()), malloc'd. */
static char *notice_text(const struct limit_env *env, PGresult *r, int i, char *key,
			 size_t keyn, struct sbyt_err *e)
{
	const char *proc = PQgetvalue(r, i, 2), *step = PQgetvalue(r, i, 3);
	const struct limit_procedure *p = limit_procedure_find(env->rules, proc);
	struct limit_textvars tv = { 0 };
	char m[32];
	sdate issued, planned = DATE_NONE;
	char *text = NULL;

	if (!p) {
		err_set(e, ERR_CONFIG, "procedure '%s' is not in the rules", proc);
		return NULL;
	}
	date_parse(PQgetvalue(r, i, 4), -1, &issued);
	if (!PQgetisnull(r, i, 5))
		date_parse(PQgetvalue(r, i, 5), -1, &planned);
	limit_textvars_add(&tv, "notice", PQgetvalue(r, i, 0));
	limit_textvars_add(&tv, "account", PQgetvalue(r, i, 1));
	limit_textvars_add(&tv, "issued", PQgetvalue(r, i, 4));
	limit_textvars_add(&tv, "planned", PQgetisnull(r, i, 5) ? "—" : PQgetvalue(r, i, 5));
	limit_textvars_add(&tv, "snapshot", PQgetvalue(r, i, 7));
	limit_textvars_add(&tv, "debt", kopecks(PQgetvalue(r, i, 8), m));
	limit_textvars_add(&tv, "periods", PQgetvalue(r, i, 9));
	limit_textvars_add(&tv, "threshold", kopecks(PQgetvalue(r, i, 10), m));
	limit_textvars_add(&tv, "name", PQgetvalue(r, i, 12));
	limit_textvars_add(&tv, "address", PQgetvalue(r, i, 13));
	limit_textvars_add(&tv, "branch", PQgetvalue(r, i, 20));
	limit_textvars_add(&tv, "branch_phone", PQgetvalue(r, i, 21));
	limit_textvars_add(&tv, "tech_kw", PQgetvalue(r, i, 22));
	limit_textvars_add(&tv, "emergency_kw", PQgetvalue(r, i, 23));
	if (!strcmp(PQgetvalue(r, i, 19), "authorities"))
		snprintf(key, keyn, "%s.authorities", proc);
	else
		snprintf(key, keyn, "%s.%s", proc, step);
	/* the dates as the notice says them: issued through its own channel
	 * (the authorities' copy: those of the consumer's notice it copies) */
	if (!limit_textvars_dates(&tv, env->rules, env->cal, p, step,
				  !strcmp(PQgetvalue(r, i, 19), "authorities") ? PQgetvalue(r, i, 25)
									  : PQgetvalue(r, i, 19),
				  issued, planned, !strcmp(PQgetvalue(r, i, 24), "t"), e))
		text = limit_text(env->rules, key, &tv, e);
	limit_textvars_release(&tv);
	return text;
}

static int write_notices(const struct limit_env *env, PGresult *r, int from, int to,
			 const char *dir, const char *branch, const char *kind, const char *day,
			 struct job *j, const char *rv, struct limit_out_counts *n,
			 struct sbyt_err *e)
{
	struct package p;
	char path[4096], cnt[24], m1[32], m2[32];
	const char *xml, *csv = NULL;
	xmlTextWriterPtr w;
	int rc = 0;
	FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/notices-%s.zip", dir, kind);
	if (package_open(&p, path, e))
		return -1;
	xml = package_entry(&p, "notices.xml", e);
	if (xml && !strcmp(kind, "post"))
		csv = package_entry(&p, "mailing.csv", e);
	if (!xml || (!strcmp(kind, "post") && !csv)) {
		package_abort(&p);
		return -1;
	}
	w = xmlNewTextWriterFilename(xml, 0);
	if (!w) {
		package_abort(&p);
		return err_set(e, ERR_CANTCREATE, "cannot write '%s'", xml);
	}
	if (csv && !(f = fopen(csv, "w"))) {
		xmlFreeTextWriter(w);
		package_abort(&p);
		return err_set(e, ERR_CANTCREATE, "cannot write '%s'", csv);
	}
	if (f)
		fputs("addressee;address;postcode;notice_id\n", f);
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Notices") < 0;
	attr(w, "xmlns", NS, &rc);
	attr(w, "date", day, &rc);
	attr(w, "branch", branch, &rc);
	attr(w, "channel", kind, &rc);
	for (int i = from; i < to; i++) {
		/* 0 notice_id 1 account 2 procedure 3 step 4 issued 5 planned 6 channel
		 * 7 snap 8 stated 9 periods 10 threshold 11 replaces 12 name 13 address
		 * 14 postcode 15 email 16 phones 17 authority emails 18 branch */
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Notice") < 0;
		attr(w, "id", PQgetvalue(r, i, 0), &rc);
		attr(w, "account", PQgetvalue(r, i, 1), &rc);
		attr(w, "procedure", PQgetvalue(r, i, 2), &rc);
		attr(w, "step", PQgetvalue(r, i, 3), &rc);
		attr(w, "issued", PQgetvalue(r, i, 4), &rc);
		attr(w, "planned", PQgetvalue(r, i, 5), &rc);
		attr(w, "channel", PQgetvalue(r, i, 6), &rc);
		attr(w, "replaces", PQgetvalue(r, i, 11), &rc);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Debt") < 0;
		attr(w, "asOf", PQgetvalue(r, i, 7), &rc);
		attr(w, "overdue", kopecks(PQgetvalue(r, i, 8), m1), &rc);
		attr(w, "periods", PQgetvalue(r, i, 9), &rc);
		attr(w, "threshold", kopecks(PQgetvalue(r, i, 10), m2), &rc);
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Addressee") < 0;
		attr(w, "name", PQgetvalue(r, i, 12), &rc);
		attr(w, "address", PQgetvalue(r, i, 13), &rc);
		attr(w, "postcode", PQgetvalue(r, i, 14), &rc);
		if (!strcmp(kind, "email"))
			attr(w, "email", PQgetvalue(r, i, 15), &rc);
		if (!strcmp(kind, "sms"))
			attr(w, "phone", PQgetvalue(r, i, 16), &rc);
		rc |= xmlTextWriterEndElement(w) < 0;
		{
			char key[2 * LIMIT_NAME + 16], *text = notice_text(env, r, i, key,
									   sizeof(key), e);

			if (!text) {
				xmlFreeTextWriter(w);
				if (f)
					fclose(f);
				package_abort(&p);
				return -1;
			}
			text_elem(w, env->rules, key, text, &rc);
			free(text);
		}
		if (!strcmp(kind, "authorities")) {
			char *list = strdup(PQgetvalue(r, i, 17)), *save = NULL;

			for (char *t = list ? strtok_r(list, ",", &save) : NULL; t;
			     t = strtok_r(NULL, ",", &save)) {
				rc |= xmlTextWriterStartElement(w, BAD_CAST "To") < 0;
				attr(w, "email", t, &rc);
				rc |= xmlTextWriterEndElement(w) < 0;
			}
			free(list);
		}
		rc |= xmlTextWriterEndElement(w) < 0;
		if (f) {
			/* CSV: ';' separated, fields quoted when they hold ';' or '"' */
			for (int k = 0; k < 4; k++) {
				const char *v = PQgetvalue(r, i, k == 0 ? 12 : k == 1 ? 13 : k == 2 ? 14 : 0);

				if (k)
					fputc(';', f);
				if (strpbrk(v, ";\"\n")) {
					fputc('"', f);
					for (const char *q = v; *q; q++) {
						if (*q == '"')
							fputc('"', f);
						fputc(*q, f);
					}
					fputc('"', f);
				} else {
					fputs(v, f);
				}
			}
			fputc('\n', f);
		}
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (f && fclose(f))
		rc = 1;
	if (rc) {
		package_abort(&p);
		return err_set(e, ERR_IO, "cannot write the notices of '%s'", path);
	}
	snprintf(cnt, sizeof(cnt), "%d", to - from);
	package_fact(&p, "notices", cnt);
	package_fact(&p, "channel", kind);
	package_fact(&p, "date", day);
	if (package_commit(&p, j ? j->run_id : 0, rv, e) || record(j, &p, e))
		return -1;
	n->packages++;
	n->notices += to - from;
	return 0;
}

/* The text of request row i (columns as in limit_write_day()), malloc'd. */
static char *request_text(const struct limit_env *env, PGresult *r, int i, const char *day,
			  struct sbyt_err *e)
{
	struct limit_textvars tv = { 0 };
	const struct limit_text *act;
	char key[LIMIT_NAME + 16], level[64];
	const char *kw = PQgetvalue(r, i, 4);
	char *text;

	snprintf(key, sizeof(key), "action.%s", PQgetvalue(r, i, 2));
	act = limit_text_find(env->rules, key);
	if (!act) {
		err_set(e, ERR_CONFIG, "no text for '%s' in the limitation rules", key);
		return NULL;
	}
	if (kw[0])
		snprintf(level, sizeof(level), ", уровень мощности %s кВт", kw);
	else
		level[0] = 0;
	limit_textvars_add(&tv, "request", PQgetvalue(r, i, 0));
	limit_textvars_add(&tv, "account", PQgetvalue(r, i, 1));
	limit_textvars_add(&tv, "action", act->text);
	limit_textvars_add(&tv, "date", PQgetvalue(r, i, 3));
	limit_textvars_add(&tv, "level", level);
	limit_textvars_add(&tv, "issued", day);
	limit_textvars_add(&tv, "address", PQgetvalue(r, i, 7));
	limit_textvars_add(&tv, "name", PQgetvalue(r, i, 9));
	limit_textvars_add(&tv, "basis", PQgetvalue(r, i, 10));
	limit_textvars_add(&tv, "branch", PQgetvalue(r, i, 11));
	limit_textvars_add(&tv, "branch_phone", PQgetvalue(r, i, 12));
	text = limit_text(env->rules, "request", &tv, e);
	limit_textvars_release(&tv);
	return text;
}

static int write_requests(const struct limit_env *env, PGresult *r, int from, int to,
			  const char *dir, const char *branch, const char *day, struct job *j,
			  const char *rv, struct limit_out_counts *n, struct sbyt_err *e)
{
	struct package p;
	char path[4096], cnt[24];
	const char *xml;
	xmlTextWriterPtr w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/grid-requests.zip", dir);
	if (package_open(&p, path, e))
		return -1;
	xml = package_entry(&p, "requests.xml", e);
	if (!xml) {
		package_abort(&p);
		return -1;
	}
	w = xmlNewTextWriterFilename(xml, 0);
	if (!w) {
		package_abort(&p);
		return err_set(e, ERR_CANTCREATE, "cannot write '%s'", xml);
	}
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Requests") < 0;
	attr(w, "xmlns", NS, &rc);
	attr(w, "date", day, &rc);
	attr(w, "branch", branch, &rc);
	for (int i = from; i < to; i++) {
		/* 0 id 1 account 2 action 3 date 4 level 5 procedure 6 case 7 address 8 branch */
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Request") < 0;
		attr(w, "id", PQgetvalue(r, i, 0), &rc);
		attr(w, "account", PQgetvalue(r, i, 1), &rc);
		attr(w, "action", PQgetvalue(r, i, 2), &rc);
		attr(w, "date", PQgetvalue(r, i, 3), &rc);
		attr(w, "levelKw", PQgetvalue(r, i, 4), &rc);
		attr(w, "procedure", PQgetvalue(r, i, 5), &rc);
		attr(w, "case", PQgetvalue(r, i, 6), &rc);
		attr(w, "address", PQgetvalue(r, i, 7), &rc);
		{
			char *text = request_text(env, r, i, day, e);

			if (!text) {
				xmlFreeTextWriter(w);
				package_abort(&p);
				return -1;
			}
			text_elem(w, env->rules, "request", text, &rc);
			free(text);
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (rc) {
		package_abort(&p);
		return err_set(e, ERR_IO, "cannot write the requests of '%s'", path);
	}
	snprintf(cnt, sizeof(cnt), "%d", to - from);
	package_fact(&p, "requests", cnt);
	package_fact(&p, "date", day);
	if (package_commit(&p, j ? j->run_id : 0, rv, e) || record(j, &p, e))
		return -1;
	n->packages++;
	n->requests += to - from;
	return 0;
}

static int write_register(const struct limit_env *env, PGresult *r, int from, int to,
			  const char *dir, struct job *j, struct limit_out_counts *n,
			  struct sbyt_err *e)
{
	/* the rule's code is an identifier (rules/limitation.xml), like the
	 * notice and request numbers; every other column is Russian */
	static const char *const headers[] = {
		"Лицевой счёт", "Дело", "Процедура", "Шаг", "Действие", "Код правила",
		"Основание", "Исходные данные", "Даты (расчёт)"
	};
	static const double widths[] = { 14, 6, 14, 18, 12, 24, 40, 60, 90 };
	struct xlsx_table t;
	char path[4096], tmp[4200];
	struct package_entry pe;

	if (snprintf(path, sizeof(path), "%s/register.xlsx", dir) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.register.xlsx.tmp", dir) >= (int)sizeof(tmp))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", dir);
	if (xlsx_table_open(&t, tmp, "Реестр", headers, widths, 9, e))
		return -1;
	t.names = env->names;
	t.no_totals = 1;
	xlsx_table_caption(&t, "Реестр шагов ограничения за день", env->day);
	for (int i = from; i < to; i++) {
		/* 0 account 1 case 2 procedure 3 step 4 what 5 rule 6 inputs_ru
		 * 7 dates_ru (sql/160) */
		if (xlsx_table_row(&t, e)) {
			xlsx_table_close(&t, NULL);
			return -1;
		}
		xlsx_table_str(&t, 0, PQgetvalue(r, i, 0));
		xlsx_table_int(&t, 1, strtoll(PQgetvalue(r, i, 1), NULL, 10));
		xlsx_table_code(&t, 2, "procedure", PQgetvalue(r, i, 2));
		xlsx_table_code(&t, 3, "step", PQgetvalue(r, i, 3));
		xlsx_table_code(&t, 4, "event", PQgetvalue(r, i, 4));
		xlsx_table_str(&t, 5, PQgetvalue(r, i, 5));
		xlsx_table_str(&t, 6, explain_ru_citation(env->rules, PQgetvalue(r, i, 5)));
		xlsx_table_str(&t, 7, PQgetvalue(r, i, 6));
		xlsx_table_str(&t, 8, PQgetvalue(r, i, 7));
	}
	if (xlsx_table_close(&t, e))
		return -1;
	chmod(tmp, 0640);
	if (package_fsync(tmp, e) || rename(tmp, path))
		return err_set(e, ERR_IO, "cannot write '%s'", path);
	n->registers++;
	if (j) {
		if (sha256_file(path, pe.sha256, &pe.bytes, e))
			return -1;
		return job_file(j, "out", path, pe.sha256, pe.bytes, e);
	}
	return 0;
}

/* Rows [from, to) of a result with the same branch and kind: the results
 * are ordered by them, so each pair's rows are together. */
struct run {
	const char *branch, *kind;
	int from, to;
};

/* The runs of equal (branch, kind) of r, in order; kc < 0: branch only.
 * Returns the number of runs in *out (malloc'd, the caller frees), -1 when
 * out of memory. */
static int runs_of(PGresult *r, int bc, int kc, struct run **out)
{
	int n = PQntuples(r), k = 0;
	struct run *x = malloc(sizeof(*x) * (size_t)(n ? n : 1));

	*out = x;
	if (!x)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *b = PQgetvalue(r, i, bc), *c = kc >= 0 ? PQgetvalue(r, i, kc) : "";

		if (k && !strcmp(x[k - 1].branch, b) && !strcmp(x[k - 1].kind, c)) {
			x[k - 1].to = i + 1;
			continue;
		}
		x[k++] = (struct run){ b, c, i, i + 1 };
	}
	return k;
}

/* The run of branch b and kind c (NULL: any), or NULL. */
static const struct run *run_find(const struct run *x, int n, const char *b, const char *c)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(x[i].branch, b) && (!c || !strcmp(x[i].kind, c)))
			return &x[i];
	return NULL;
}

int limit_write_day(PGconn *db, const struct limit_env *env, const char *out_dir,
		    struct job *j, const char *rv, struct limit_out_counts *n, struct sbyt_err *e)
{
	sdate day = env->day;
	char b[DATE_BUF], dir[4096];
	const char *p[1] = { date_format(day, b) };
	PGresult *nr = NULL, *rr = NULL, *er = NULL;
	struct run *nrun = NULL, *rrun = NULL, *erun = NULL;
	int nn, rn, en, rc = -1;

	memset(n, 0, sizeof(*n));
	nr = db_query(db, e,
		      "SELECT n.notice_id, n.account_id, c.procedure, n.step, n.issued, n.planned,"
		      " CASE WHEN n.channel = 'authorities' THEN 'email' ELSE n.channel END,"
		      " n.snap_as_of, n.stated_debt, n.periods, n.threshold, n.replaces,"
		      " a.name, a.address, a.postcode, a.email, array_to_string(a.phones, ','),"
		      " array_to_string(r.authority_emails, ','), a.branch, n.channel,"
		      " coalesce(br.name, ''), coalesce(br.phone, ''),"
		      " coalesce(rtrim(rtrim(r.tech_kw::text, '0'), '.'), ''),"
		      " coalesce(rtrim(rtrim(r.emergency_kw::text, '0'), '.'), ''), a.remote_metering,"
		      " coalesce((SELECT o.channel FROM limit_notice o WHERE o.account_id = n.account_id"
		      "  AND o.case_no = n.case_no AND o.step = n.step AND o.issued = n.issued"
		      "  AND o.channel <> 'authorities' LIMIT 1), n.channel)"
		      " FROM limit_notice n JOIN limit_case c USING (account_id, case_no)"
		      " JOIN account a USING (account_id) LEFT JOIN reserve r USING (account_id)"
		      " LEFT JOIN branch br ON br.code = a.branch"
		      " WHERE n.issued = $1::date AND n.channel <> 'payment_document'"
		      " ORDER BY a.branch, n.channel, n.account_id, n.case_no,"
		      " length(n.notice_id), n.notice_id", 1, p);
	if (!nr)
		goto out;
	rr = db_query(db, e,
		      "SELECT q.request_id, q.account_id, q.action, q.date,"
		      " rtrim(rtrim(q.level_kw::text, '0'), '.'), c.procedure, q.case_no, a.address,"
		      " a.branch, a.name,"
		      " CASE WHEN q.action IN ('cancel', 'reconnect') THEN"
		      "  coalesce(nullif(c.reason, ''), 'оплата задолженности')"
		      " ELSE coalesce((SELECT 'уведомление № ' || n.notice_id || ' от ' || n.issued"
		      "  || ', доставлено ' || n.delivered FROM limit_notice n"
		      "  WHERE n.account_id = q.account_id AND n.case_no = q.case_no AND NOT n.void"
		      "  AND n.channel <> 'authorities' AND n.delivered IS NOT NULL"
		      "  AND n.delivered <= q.issued ORDER BY n.issued DESC, length(n.notice_id) DESC,"
		      "  n.notice_id DESC LIMIT 1), '') END,"
		      " coalesce(br.name, ''), coalesce(br.phone, '')"
		      " FROM limit_request q JOIN limit_case c USING (account_id, case_no)"
		      " JOIN account a USING (account_id) LEFT JOIN branch br ON br.code = a.branch"
		      " WHERE q.issued = $1::date"
		      " ORDER BY a.branch, q.account_id, q.case_no, length(q.request_id), q.request_id",
		      1, p);
	if (!rr)
		goto out;
	er = db_query(db, e,
		      "SELECT v.account_id, v.case_no, v.procedure, v.step, v.what, v.rule,"
		      " v.inputs_ru, v.dates_ru, a.branch FROM limit_event v"
		      " JOIN account a USING (account_id)"
		      " WHERE v.day = $1::date ORDER BY a.branch, v.account_id, v.n", 1, p);
	if (!er)
		goto out;
	nn = runs_of(nr, 18, 19, &nrun);
	rn = runs_of(rr, 8, -1, &rrun);
	en = runs_of(er, 8, -1, &erun);
	if (nn < 0 || rn < 0 || en < 0) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	/* a folder per branch with a step taken on the day, in branch order */
	for (int bi = 0; bi < en; bi++) {
		const char *branch = erun[bi].branch;
		const struct run *x;

		snprintf(dir, sizeof(dir), "%s/limit/%s/%s", out_dir, b, branch);
		for (size_t k = 0; k < sizeof(notice_kinds) / sizeof(notice_kinds[0]); k++) {
			x = run_find(nrun, nn, branch, notice_kinds[k]);
			if (x && write_notices(env, nr, x->from, x->to, dir, branch,
					       notice_kinds[k], b, j, rv, n, e))
				goto out;
		}
		x = run_find(rrun, rn, branch, NULL);
		if (x && write_requests(env, rr, x->from, x->to, dir, branch, b, j, rv, n, e))
			goto out;
		if (package_mkdirs(dir, e) < 0)
			goto out;
		{
			char probe[4200];

			snprintf(probe, sizeof(probe), "%s/register.xlsx", dir);
			if (package_mkdirs(probe, e) < 0)
				goto out;
		}
		if (write_register(env, er, erun[bi].from, erun[bi].to, dir, j, n, e))
			goto out;
	}
	rc = 0;
out:
	free(nrun);
	free(rrun);
	free(erun);
	PQclear(nr);
	PQclear(rr);
	PQclear(er);
	return rc;
}
