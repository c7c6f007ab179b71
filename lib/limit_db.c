/* limit_db.c - limitation state between the database and memory; see limit.h. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copybin.h"
#include "db.h"
#include "explain_ru.h"
#include "limit.h"
#include "limit_text.h"
#include "shard.h"

static sdate getd(PGresult *r, int i, int j)
{
	sdate d;

	if (PQgetisnull(r, i, j) || date_parse(PQgetvalue(r, i, j), -1, &d))
		return DATE_NONE;
	return d;
}

static int64_t geti(PGresult *r, int i, int j)
{
	return PQgetisnull(r, i, j) ? 0 : strtoll(PQgetvalue(r, i, j), NULL, 10);
}

static void gets_(PGresult *r, int i, int j, char *buf, size_t n)
{
	snprintf(buf, n, "%s", PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
}

/* "150.000" -> "150", "12.500" -> "12.5" */
static void trim_kw(char *s)
{
	char *dot = strchr(s, '.');
	size_t n;

	if (!dot)
		return;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '0')
		s[--n] = 0;
	if (n > 0 && s[n - 1] == '.')
		s[--n] = 0;
}

int64_t limit_record_deliveries(PGconn *db, sdate day, int doc_days, struct sbyt_err *e)
{
	char b[DATE_BUF], dd[16];
	const char *p[2] = { date_format(day, b), dd };
	PGresult *r;
	int64_t n = 0;

	snprintf(dd, sizeof(dd), "%d", doc_days);
	/* confirmations from the post, the SMS gateway, the EDO operator, the
	 * portal: the first delivery (a letter returned unclaimed counts on its
	 * return date), else a failure; none dated before the notice's issue */
	r = db_query(db, e,
		     "WITH d AS (SELECT v.notice_id,"
		     " min(v.at) FILTER (WHERE v.status IN ('delivered', 'returned')) AS ok,"
		     " min(v.at) FILTER (WHERE v.status = 'failed') AS failed,"
		     " string_agg(v.status || ' ' || v.at || CASE WHEN v.evidence <> '' THEN ': ' ||"
		     "  v.evidence ELSE '' END, '; ' ORDER BY v.at, v.status) AS ev"
		     " FROM delivery v JOIN limit_notice n0 ON n0.notice_id = v.notice_id"
		     "  AND v.at >= n0.issued AND n0.delivered IS NULL AND NOT n0.void"
		     "  AND n0.channel NOT IN ('email', 'payment_document', 'authorities')"
		     " WHERE v.at <= $1::date GROUP BY v.notice_id)"
		     " UPDATE limit_notice n SET delivered = d.ok,"
		     " failed_on = CASE WHEN d.ok IS NULL THEN d.failed ELSE NULL END,"
		     " evidence = left(d.ev, 120)"
		     " FROM d WHERE d.notice_id = n.notice_id"
		     " AND (d.ok IS NOT NULL OR n.failed_on IS DISTINCT FROM d.failed)"
		     " AND $2::int IS NOT NULL",
		     2, p);
	if (!r)
		return -1;
	n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	/* warnings printed in a payment document: delivered when that document
	 * is deemed delivered, its issue date + the channel's allowance */
	r = db_query(db, e,
		     "UPDATE limit_notice n SET delivered = doc.issued_on + $2::int,"
		     " evidence = 'платёжный документ № ' || doc.number || ' за '"
		     "  || to_char(doc.period, 'YYYY-MM') || ' от ' || doc.issued_on"
		     " FROM limit_doc_warning w JOIN document doc ON doc.account_id = w.account_id"
		     "  AND doc.period = w.printed_period"
		     " WHERE n.account_id = w.account_id AND n.notice_id = w.notice_id"
		     " AND n.channel = 'payment_document' AND n.delivered IS NULL AND NOT n.void"
		     " AND doc.issued_on <= $1::date",
		     2, p);
	if (!r)
		return -1;
	n += strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	/* e-mail (and the authorities' copy): sent, so delivered, when the
	 * package of its issue day is written; a day written late by a catch-up
	 * sends it that day (the recent days only: the day's work, not history) */
	r = db_query(db, e,
		     "UPDATE limit_notice n SET delivered = w.written_on,"
		     " evidence = 'sent by e-mail with the package of ' || w.day"
		     " FROM limit_day_written w WHERE w.day = n.issued"
		     " AND n.channel IN ('email', 'authorities') AND n.delivered IS NULL AND NOT n.void"
		     " AND n.issued >= $1::date - 60 AND n.issued <= $1::date"
		     " AND w.written_on <= $1::date AND $2::int IS NOT NULL",
		     2, p);
	if (!r)
		return -1;
	n += strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return n;
}

int64_t limit_select(PGconn *db, const struct limit_rules *rules, sdate day, int64_t one,
		     int part, int parts, struct sbyt_err *e)
{
	char b[DATE_BUF], ob[24], ops[LIMIT_MAX_PROCS * (LIMIT_NAME + 1) + 4], sb[DATE_BUF];
	char pb[16], nb[16];
	const char *p[6] = { date_format(day, b), ob, ops, NULL, pb, nb };
	size_t len = 1;
	PGresult *r;
	int64_t n;

	/* the snapshot read: the latest day taken on or before the day (the
	 * day's own when the debt job ran first, sql/170); an account without
	 * a row in it is not in debt.  One partition, not the history. */
	r = db_query(db, e, "SELECT max(as_of) FROM debt_snapshot_day WHERE as_of <= $1::date", 1, p);
	if (!r)
		return -1;
	if (!PQgetisnull(r, 0, 0)) {
		snprintf(sb, sizeof(sb), "%s", PQgetvalue(r, 0, 0));
		p[3] = sb;
	}
	PQclear(r);

	snprintf(ob, sizeof(ob), "%" PRId64, one);
	snprintf(pb, sizeof(pb), "%d", part);
	snprintf(nb, sizeof(nb), "%d", parts);
	/* the operator's procedures (no opens=): their cases do not hold back
	 * a new case the account's debt opens (names are [a-z0-9_]) */
	strcpy(ops, "{");
	for (int i = 0; i < rules->nprocs; i++)
		if (!rules->proc[i].opens[0])
			len += (size_t)snprintf(ops + len, sizeof(ops) - len, "%s%s", len > 1 ? "," : "",
						rules->proc[i].name);
	snprintf(ops + len, sizeof(ops) - len, "}");
	if (db_exec(db, e, "DROP TABLE IF EXISTS lim_cand", 0, NULL))
		return -1;
	r = db_query(db, e,
		     "CREATE TEMP TABLE lim_cand ON COMMIT DROP AS"
		     " WITH mail AS (SELECT DISTINCT account_id FROM limit_notice"
		     "  WHERE $2::bigint = -1 AND issued = $1::date AND delivered = $1::date"
		     "  AND channel = 'email'),"
		     " snap AS (SELECT account_id, as_of, principal, periods, penalty"
		     "  FROM debt_snapshot WHERE as_of = $4::date"
		     "  AND ($2::bigint = 0 OR account_id = $2::bigint"
		     "   OR ($2::bigint = -1 AND account_id IN (SELECT account_id FROM mail)))),"
		     /* part $5 of $6 (0: all), by the shards' hash (shard.h) */
		     " cand AS (SELECT account_id FROM (SELECT account_id FROM snap WHERE principal > 0"
		     "  UNION SELECT account_id FROM limit_case WHERE status IN ('open', 'escalated')"
		     "  AND ($2::bigint = 0 OR account_id = $2::bigint"
		     "   OR ($2::bigint = -1 AND account_id IN (SELECT account_id FROM mail)))"
		     "  UNION SELECT account_id FROM account WHERE account_id = $2::bigint) c"
		     "  WHERE $6::int = 0 OR " SHARD_SQL("account_id", "$6::int") " = $5::int)"
		     " SELECT a.account_id, a.branch, a.kind, a.category, a.residents, a.rooms,"
		     "  coalesce(lc.channel, a.delivery) AS channel, a.remote_metering,"
		     "  r.account_id IS NOT NULL AS has_reserve,"
		     "  coalesce(r.no_below_emergency, false) AS no_below,"
		     "  r.tech_kw::text AS tech_kw, r.emergency_kw::text AS emergency_kw,"
		     "  s.as_of, s.principal, s.periods, s.penalty,"
		     "  least(s.as_of, kc.alive_snap) AS pay_from, kc.max_case_no, kc.last_ended,"
		     "  kc.last_snap,"
		     /* the account's last event number of the day: its latest
		      * event up to the day, one step back along the key from
		      * (account, day), kept when it is of the day.  The day's events
		      * have no statistics until the table is analyzed after the first
		      * pass wrote them (one row estimated): joined to the candidates
		      * they were looped over for every candidate, and a probe by
		      * "day = the day" went down the day's index and filtered every
		      * event of the day for each (make bench-year at 1,000,000, the
		      * second pass: 8 s, then 71 s); day <= the day is the history
		      * to that index, so the key is the one way */
		     "  coalesce((SELECT CASE WHEN e.day = $1::date THEN e.n END FROM limit_event e"
		     "  WHERE e.account_id = a.account_id AND e.day <= $1::date"
		     "  ORDER BY e.account_id DESC, e.day DESC, e.n DESC LIMIT 1), 0) AS events_before"
		     " FROM cand JOIN account a USING (account_id)"
		     " LEFT JOIN (SELECT account_id, max(case_no) AS max_case_no,"
		     "   max(ended_on) FILTER (WHERE procedure <> ALL ($3::text[])) AS last_ended,"
		     "   max(snap_as_of) FILTER (WHERE procedure <> ALL ($3::text[])) AS last_snap,"
		     "   min(snap_as_of) FILTER (WHERE status IN ('open', 'escalated')) AS alive_snap"
		     "  FROM limit_case WHERE account_id IN (SELECT account_id FROM cand)"
		     "  GROUP BY account_id) kc USING (account_id)"
		     " LEFT JOIN snap s USING (account_id)"
		     " LEFT JOIN reserve r USING (account_id)"
		     " LEFT JOIN limit_channel lc USING (account_id)",
		     6, p);
	if (!r)
		return -1;
	n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	if (db_exec(db, e, "CREATE UNIQUE INDEX ON lim_cand (account_id)", 0, NULL) ||
	    /* the columns the batches' queries select by (the others' statistics
	     * are never read: 20 columns of a day's candidates measured for none) */
	    db_exec(db, e, "ANALYZE lim_cand (account_id, kind, pay_from)", 0, NULL))
		return -1;
	return n;
}

/* The account with id in a[0..n-1] (sorted), or NULL. */
static struct limit_account *by_id(struct limit_account *a, int n, int64_t id)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (a[mid].id == id)
			return &a[mid];
		if (a[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static struct lim_case *case_of(struct limit_account *a, int no)
{
	for (int i = 0; i < a->ncases; i++)
		if (a->cases[i].no == no)
			return &a->cases[i];
	return NULL;
}

/* Where a column of a result goes in a struct, and how it is read. */
struct col {
	/* OPT: "" is NULL; INT2: an int in a smallint column (int4 otherwise) */
	enum { COL_STR, COL_OPT, COL_INT, COL_INT2, COL_MONEY, COL_DATE, COL_BOOL } kind;
	size_t off, size;
};
#define COL(kind, type, field) { kind, offsetof(type, field), sizeof(((type *)0)->field) }

/* Read row i of r, from column first on, into the struct at dst by cols. */
static void read_row(PGresult *r, int i, int first, void *dst, const struct col *cols, int n)
{
	for (int k = 0; k < n; k++) {
		char *f = (char *)dst + cols[k].off;
		int j = first + k;

		switch (cols[k].kind) {
		case COL_STR:
		case COL_OPT: gets_(r, i, j, f, cols[k].size); break;
		case COL_INT:
		case COL_INT2: *(int *)(void *)f = (int)geti(r, i, j); break;
		case COL_MONEY: *(money *)(void *)f = geti(r, i, j); break;
		case COL_DATE: *(sdate *)(void *)f = getd(r, i, j); break;
		case COL_BOOL: *(int *)(void *)f = !strcmp(PQgetvalue(r, i, j), "t"); break;
		}
	}
}

/* The case named by row i's first two columns (account_id, case_no) among
 * the accounts a[0..n-1], or NULL. */
static struct lim_case *row_case(struct limit_account *a, int n, PGresult *r, int i)
{
	struct limit_account *x = by_id(a, n, geti(r, i, 0));

	return x ? case_of(x, (int)geti(r, i, 1)) : NULL;
}

/* The columns of limit_step, limit_notice and limit_request after
 * (account_id, case_no), in the order limit_load() selects them and
 * limit_store() COPYs them (a step's seq between). */
static const struct col step_cols[] = {
	COL(COL_STR, struct lim_step, name), COL(COL_STR, struct lim_step, state),
	COL(COL_DATE, struct lim_step, date), COL(COL_STR, struct lim_step, rule),
	COL(COL_STR, struct lim_step, deriv), COL(COL_OPT, struct lim_step, notice_id),
	COL(COL_OPT, struct lim_step, request_id), COL(COL_DATE, struct lim_step, planned),
	COL(COL_STR, struct lim_step, why), COL(COL_STR, struct lim_step, deriv_ru),
};
static const struct col notice_cols[] = {
	COL(COL_STR, struct lim_notice, id), COL(COL_STR, struct lim_notice, step),
	COL(COL_STR, struct lim_notice, channel), COL(COL_DATE, struct lim_notice, issued),
	COL(COL_DATE, struct lim_notice, planned), COL(COL_MONEY, struct lim_notice, stated),
	COL(COL_INT2, struct lim_notice, periods), COL(COL_MONEY, struct lim_notice, threshold),
	COL(COL_DATE, struct lim_notice, snap_as_of), COL(COL_DATE, struct lim_notice, delivered),
	COL(COL_DATE, struct lim_notice, failed_on), COL(COL_OPT, struct lim_notice, evidence),
	COL(COL_BOOL, struct lim_notice, void_), COL(COL_OPT, struct lim_notice, replaces),
};
static const struct col request_cols[] = {
	COL(COL_STR, struct lim_request, id), COL(COL_STR, struct lim_request, action),
	COL(COL_DATE, struct lim_request, date), COL(COL_OPT, struct lim_request, level),
	COL(COL_DATE, struct lim_request, issued),
};
#define NCOLS(c) ((int)(sizeof(c) / sizeof((c)[0])))

/* The kinds of rows a case holds, as lim_case.lrows_* and keep index them. */
enum { ROWS_STEPS, ROWS_NOTICES, ROWS_REQUESTS };
_Static_assert(LIM_MAX_STEPS <= 32, "a bit of lim_case.steps_changed for each step");
static int case_rows_bytes(struct copybin *s, const struct lim_case *c, int k, int from,
			   int to, struct sbyt_err *e);

/* Queries sql[0..n-1] (or the statements prepared as names[0..n-1]), each
 * with the same np params p, sent at once in libpq's pipeline mode (one
 * round trip, not n; the connection idle before and after) into r[0..n-1]
 * (the caller clears them).  0, or -1
 * with e set (every r NULL). */
static int query_batch(PGconn *db, const char *const *sql, const char *const *names, int n,
		       int np, const char *const *p, PGresult **r, struct sbyt_err *e)
{
	PGresult *res;
	int rc = 0, k = 0, sent = 1;

	for (int i = 0; i < n; i++)
		r[i] = NULL;
	if (!PQenterPipelineMode(db))
		return db_result_error(db, NULL, e);
	for (int i = 0; i < n && sent; i++)
		sent = names ? PQsendQueryPrepared(db, names[i], np, p, NULL, NULL, 0)
			     : PQsendQueryParams(db, sql[i], np, NULL, p, NULL, NULL, 0);
	if (!sent || !PQpipelineSync(db)) {
		rc = db_result_error(db, NULL, e);
		PQexitPipelineMode(db);  /* refused while a query is queued: the caller fails */
		return rc;
	}
	/* each query's result then NULL, then the sync's; after an error the
	 * rest come as aborted */
	for (;;) {
		res = PQgetResult(db);
		if (!res) {
			if (PQstatus(db) != CONNECTION_OK) {
				if (!rc)
					rc = db_result_error(db, NULL, e);
				break;
			}
			continue;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK && k < n && !rc) {
			r[k++] = res;
			continue;
		}
		if (!rc)
			rc = db_result_error(db, res, e);
		PQclear(res);
	}
	if (!PQexitPipelineMode(db) && !rc)
		rc = db_result_error(db, NULL, e);
	if (!rc && k != n)
		rc = err_set(e, ERR_INTERNAL, "%d of %d queries answered", k, n);
	if (rc) {
		for (int i = 0; i < n; i++) {
			PQclear(r[i]);
			r[i] = NULL;
		}
		return -1;
	}
	return 0;
}

/* The next batch of lim_cand: the accounts after $1, at most $2. */
#define LOAD_SQL \
	"SELECT account_id, branch, kind, category, residents, rooms, channel," \
	" remote_metering, has_reserve, no_below, tech_kw, emergency_kw," \
	" as_of, principal, periods, penalty, max_case_no, last_ended, last_snap," \
	" events_before" \
	" FROM lim_cand c WHERE account_id > $1::bigint ORDER BY account_id LIMIT $2::int"

/* the batch's range on both sides, so that lim_cand is read by its index */
#define RANGE " account_id > $1::bigint AND account_id <= $2::bigint" \
      " AND account_id IN (SELECT account_id FROM lim_cand" \
      "  WHERE account_id > $1::bigint AND account_id <= $2::bigint)"
/* the cases loaded: open and escalated ones, or all ($4) */
#define CASES " AND (account_id, case_no) IN (SELECT account_id, case_no FROM limit_case" \
      " WHERE account_id > $1::bigint AND account_id <= $2::bigint" \
      " AND (status IN ('open', 'escalated') OR $4::boolean))"

/* the batch's obligations, cases, steps, notices, requests, payments and
 * confirmations, sent at once (one round trip, not six: query_batch()) */
static const char *const batch_sql[] = {
	"SELECT account_id, sum(amount), max(due) FROM obligation WHERE"
	" account_id > $1::bigint AND account_id <= $2::bigint"
	" AND account_id IN (SELECT account_id FROM lim_cand"
	"  WHERE account_id > $1::bigint AND account_id <= $2::bigint"
	"  AND kind <> 'individual')"
	" AND $3::date IS NOT NULL AND $4::boolean IS NOT NULL"
	" GROUP BY account_id, period ORDER BY account_id, period DESC",
	"SELECT account_id, case_no, procedure, status, opened_on, snap_as_of,"
	" stated_debt, periods, penalty, threshold, ended_on, reason"
	" FROM limit_case WHERE" RANGE CASES " AND $3::date IS NOT NULL"
	" ORDER BY account_id, case_no",
	"SELECT account_id, case_no, name, state, date, rule, derivation,"
	" notice_id, request_id, planned, why, derivation_ru FROM limit_step WHERE"
	RANGE CASES
	" AND $3::date IS NOT NULL ORDER BY account_id, case_no, seq",
	"SELECT account_id, case_no, notice_id, step, channel, issued, planned,"
	" stated_debt, periods, threshold, snap_as_of, delivered, failed_on, evidence,"
	" void, replaces FROM limit_notice WHERE" RANGE CASES " AND $3::date IS NOT NULL"
	" ORDER BY account_id, case_no, issued, length(notice_id), notice_id",
	"SELECT account_id, case_no, request_id, action, date, level_kw::text, issued"
	" FROM limit_request WHERE" RANGE CASES " AND $3::date IS NOT NULL"
	" ORDER BY account_id, case_no, length(request_id), request_id",
	"SELECT p.account_id, p.paid_on, p.amount FROM payment p"
	" JOIN lim_cand c USING (account_id)"
	" WHERE p.account_id > $1::bigint AND p.account_id <= $2::bigint"
	" AND p.paid_on <= $3::date AND p.paid_on > c.pay_from"
	" AND c.account_id > $1::bigint AND c.account_id <= $2::bigint"
	" AND c.pay_from < $3::date"
	" AND $4::boolean IS NOT NULL"
	" ORDER BY p.account_id, p.paid_on, p.payment_id",
	"SELECT account_id, notice_id, status <> 'failed', at, evidence FROM"
	" (SELECT substr(split_part(notice_id, '-', 1), 2)::bigint AS account_id, *"
	"  FROM delivery WHERE notice_id ~ '^N[0-9]{1,18}-[0-9]{1,9}-[0-9]{1,9}$'"
	"  AND at <= $3::date) d WHERE" RANGE " AND $4::boolean IS NOT NULL"
	" ORDER BY account_id, at, notice_id",
};
#undef RANGE
#undef CASES
#define NBATCH ((int)(sizeof(batch_sql) / sizeof(batch_sql[0])))
/* batch_sql's statements as limit_load_prepare() names them */
static const char *const batch_names[] = {
	"lim_load_1", "lim_load_2", "lim_load_3", "lim_load_4", "lim_load_5", "lim_load_6",
	"lim_load_7",
};

int limit_load_prepare(PGconn *db, struct sbyt_err *e)
{
	_Static_assert(sizeof(batch_names) / sizeof(batch_names[0]) == NBATCH,
		       "a name for each statement of a batch");
	if (db_prepare(db, e, "lim_load_0", LOAD_SQL))
		return -1;
	for (int i = 0; i < NBATCH; i++)
		if (db_prepare(db, e, batch_names[i], batch_sql[i])) {
			limit_load_unprepare(db);
			return -1;
		}
	return 0;
}

void limit_load_unprepare(PGconn *db)
{
	PQclear(PQexec(db, "DEALLOCATE lim_load_0"));
	for (int i = 0; i < NBATCH; i++) {
		char sql[64];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", batch_names[i]);
		PQclear(PQexec(db, sql));
	}
}

/* Keep in each account's lrows the bytes of its loaded cases' rows as the
 * store would write them (the steps one by one, the notices and the
 * requests a kind at once).  0, or -1 with e set. */
static int keep_loaded(struct limit_account *a, int n, struct sbyt_err *e)
{
	struct copybin s = { 0 };
	int rc = 0;

	for (int i = 0; rc == 0 && i < n; i++) {
		for (int k = 0; rc == 0 && k < a[i].ncases; k++) {
			struct lim_case *c = &a[i].cases[k];

			c->lrows_n[ROWS_STEPS] = c->nsteps;
			c->lrows_n[ROWS_NOTICES] = c->nnotices;
			c->lrows_n[ROWS_REQUESTS] = c->nrequests;
			for (int t = 0; rc == 0 && t < 3; t++) {
				c->lrows_off[t] = a[i].nlrows;
				for (int j = 0; rc == 0 && j < (t == ROWS_STEPS ? c->nsteps : 1); j++) {
					rc = case_rows_bytes(&s, c, t, t == ROWS_STEPS ? j : 0,
							     t == ROWS_STEPS ? j + 1 : c->lrows_n[t], e);
					if (rc == 0 && a[i].nlrows + s.len > a[i].caplrows) {
						size_t cap = (a[i].nlrows + s.len) * 2;
						char *nb = realloc(a[i].lrows, cap);

						if (!nb)
							rc = err_set(e, ERR_INTERNAL, "out of memory");
						else
							a[i].lrows = nb, a[i].caplrows = cap;
					}
					if (rc == 0 && s.len) {
						memcpy(a[i].lrows + a[i].nlrows, s.buf, s.len);
						a[i].nlrows += s.len;
					}
					if (t == ROWS_STEPS)
						c->lstep_end[j] = a[i].nlrows;
				}
				c->lrows_len[t] = a[i].nlrows - c->lrows_off[t];
			}
		}
	}
	free(s.buf);
	return rc;
}

int limit_load(PGconn *db, sdate day, int64_t *after, struct limit_account *a, int max,
	       int all, int prepared, struct sbyt_err *e)
{
	char b[DATE_BUF], ab[24], lb[24], mb[16];
	const char *p[2] = { ab, mb };
	const char *q[4] = { ab, lb, date_format(day, b), all ? "t" : "f" };
	PGresult *r;
	int n;


	snprintf(ab, sizeof(ab), "%" PRId64, *after);
	snprintf(mb, sizeof(mb), "%d", max);
	r = prepared ? db_query_prepared(db, e, "lim_load_0", 2, p)
		     : db_query(db, e, LOAD_SQL, 2, p);
	if (!r)
		return -1;
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		struct limit_account *x = &a[i];

		limit_account_reset(x);
		x->id = geti(r, i, 0);
		gets_(r, i, 1, x->branch, sizeof(x->branch));
		gets_(r, i, 2, x->kind, sizeof(x->kind));
		gets_(r, i, 3, x->category, sizeof(x->category));
		x->residents = (int)geti(r, i, 4);
		x->rooms = (int)geti(r, i, 5);
		gets_(r, i, 6, x->channel, sizeof(x->channel));
		x->remote = !strcmp(PQgetvalue(r, i, 7), "t");
		x->has_reserve = !strcmp(PQgetvalue(r, i, 8), "t");
		x->no_below = !strcmp(PQgetvalue(r, i, 9), "t");
		gets_(r, i, 10, x->tech_kw, sizeof(x->tech_kw));
		gets_(r, i, 11, x->emergency_kw, sizeof(x->emergency_kw));
		trim_kw(x->tech_kw);
		trim_kw(x->emergency_kw);
		x->has_snap = !PQgetisnull(r, i, 12);
		x->snap_as_of = getd(r, i, 12);
		x->principal = geti(r, i, 13);
		x->periods = (int)geti(r, i, 14);
		x->penalty = geti(r, i, 15);
		x->max_case_no = (int)geti(r, i, 16);
		x->last_ended = getd(r, i, 17);
		x->last_snap = getd(r, i, 18);
		x->events_before = (int)geti(r, i, 19);
		x->oblig1 = x->oblig2 = -1;
	}
	PQclear(r);
	if (n == 0)
		return 0;
	snprintf(lb, sizeof(lb), "%" PRId64, a[n - 1].id);
	PGresult *got[NBATCH];
	int ngot = NBATCH;

	if (query_batch(db, batch_sql, prepared ? batch_names : NULL, ngot, 4, q, got, e))
		return -1;

	/* obligations of legal accounts (the only ones whose threshold they
	 * are): the latest periods wholly due */
	r = got[0];
	got[0] = NULL;
	{
		int64_t cur = -1;
		int k = 0;

		for (int i = 0; i < PQntuples(r); i++) {
			struct limit_account *x = by_id(a, n, geti(r, i, 0));
			sdate due = getd(r, i, 2);

			if (!x || !x->has_snap || due > x->snap_as_of)
				continue;
			if (x->id != cur) {
				cur = x->id;
				k = 0;
			}
			if (k == 0)
				x->oblig1 = geti(r, i, 1);
			else if (k == 1)
				x->oblig2 = x->oblig1 + geti(r, i, 1);
			k++;
		}
	}
	PQclear(r);

	r = got[1];
	got[1] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct limit_account *x = by_id(a, n, geti(r, i, 0));
		struct lim_case *c;

		if (!x)
			continue;
		c = limit_case_add(x);
		if (!c) {
			PQclear(r);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		x->max_case_no--;       /* limit_case_add() numbered it: take the stored one */
		c->no = (int)geti(r, i, 1);
		c->stored = 1;
		gets_(r, i, 2, c->procedure, sizeof(c->procedure));
		gets_(r, i, 3, c->status, sizeof(c->status));
		c->opened = getd(r, i, 4);
		c->snap_as_of = getd(r, i, 5);
		c->stated = geti(r, i, 6);
		c->periods = (int)geti(r, i, 7);
		c->penalty = geti(r, i, 8);
		c->threshold = geti(r, i, 9);
		c->ended = getd(r, i, 10);
		gets_(r, i, 11, c->reason, sizeof(c->reason));
	}
	PQclear(r);

	r = got[2];
	got[2] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct lim_case *c = row_case(a, n, r, i);

		if (c && c->nsteps >= LIM_MAX_STEPS) {
			err_set(e, ERR_INTERNAL, "case %d of account %s has more than %d steps",
				c->no, PQgetvalue(r, i, 0), LIM_MAX_STEPS);
			PQclear(r);
			goto fail;
		}
		if (c)
			read_row(r, i, 2, &c->step[c->nsteps++], step_cols, NCOLS(step_cols));
	}
	PQclear(r);

	r = got[3];
	got[3] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct lim_case *c = row_case(a, n, r, i);
		struct lim_notice *t;

		if (!c)
			continue;
		if (c->nnotices >= LIM_MAX_NOTICES) {
			err_set(e, ERR_INTERNAL, "case %d of account %s has more than %d notices",
				c->no, PQgetvalue(r, i, 0), LIM_MAX_NOTICES);
			PQclear(r);
			goto fail;
		}
		t = &c->notice[c->nnotices++];
		memset(t, 0, sizeof(*t));
		read_row(r, i, 2, t, notice_cols, NCOLS(notice_cols));
	}
	PQclear(r);

	r = got[4];
	got[4] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct lim_case *c = row_case(a, n, r, i);
		struct lim_request *t;

		if (!c)
			continue;
		if (c->nrequests >= LIM_MAX_REQUESTS) {
			err_set(e, ERR_INTERNAL, "case %d of account %s has more than %d requests",
				c->no, PQgetvalue(r, i, 0), LIM_MAX_REQUESTS);
			PQclear(r);
			goto fail;
		}
		t = &c->request[c->nrequests++];
		memset(t, 0, sizeof(*t));
		read_row(r, i, 2, t, request_cols, NCOLS(request_cols));
		trim_kw(t->level);
	}
	PQclear(r);

	r = got[5];
	got[5] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct limit_account *x = by_id(a, n, geti(r, i, 0));

		if (!x)
			continue;
		if (limit_account_add_payment(x, getd(r, i, 1), geti(r, i, 2), e)) {
			PQclear(r);
			goto fail;
		}
	}
	PQclear(r);
	r = got[6];
	got[6] = NULL;
	for (int i = 0; i < PQntuples(r); i++) {
		struct limit_account *x = by_id(a, n, geti(r, i, 0));
		struct lim_deliv d;

		if (!x)
			continue;
		gets_(r, i, 1, d.id, sizeof(d.id));
		d.ok = !strcmp(PQgetvalue(r, i, 2), "t");
		d.at = getd(r, i, 3);
		gets_(r, i, 4, d.evidence, sizeof(d.evidence));
		if (limit_account_add_delivery(x, &d, e)) {
			PQclear(r);
			goto fail;
		}
	}
	PQclear(r);
	/* the loaded cases' rows as loaded, to write again only what changes */
	if (keep_loaded(a, n, e))
		goto fail;
	*after = a[n - 1].id;
	return n;
fail:
	for (int k = 0; k < ngot; k++)
		PQclear(got[k]);
	return -1;
}

static int copy_date(struct copy *c, sdate d, struct sbyt_err *e)
{
	char b[DATE_BUF];

	return d == DATE_NONE ? copy_null(c, e) : copy_str(c, date_format(d, b), e);
}

static int copy_opt(struct copy *c, const char *s, struct sbyt_err *e)
{
	return s[0] ? copy_str(c, s, e) : copy_null(c, e);
}

/* COPY the struct at src by cols (the other half of read_row()). */
static int write_row(struct copy *c, const void *src, const struct col *cols, int n,
		     struct sbyt_err *e)
{
	for (int k = 0; k < n; k++) {
		const char *f = (const char *)src + cols[k].off;
		int rc = 0;

		switch (cols[k].kind) {
		case COL_STR: rc = copy_str(c, f, e); break;
		case COL_OPT: rc = copy_opt(c, f, e); break;
		case COL_INT:
		case COL_INT2: rc = copy_int(c, *(const int *)(const void *)f, e); break;
		case COL_MONEY: rc = copy_int(c, *(const money *)(const void *)f, e); break;
		case COL_DATE: rc = copy_date(c, *(const sdate *)(const void *)f, e); break;
		case COL_BOOL: rc = copy_str(c, *(const int *)(const void *)f ? "t" : "f", e); break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* write_row() in COPY's binary format (an int column is int4, an INT2 one
 * int2: the column's own type, as binary COPY wants it). */
static int write_row_bin(struct copybin *c, const void *src, const struct col *cols, int n,
			 struct sbyt_err *e)
{
	for (int k = 0; k < n; k++) {
		const char *f = (const char *)src + cols[k].off;
		int rc = 0;

		switch (cols[k].kind) {
		case COL_STR: rc = copybin_text(c, f, e); break;
		case COL_OPT: rc = f[0] ? copybin_text(c, f, e) : copybin_null(c, e); break;
		case COL_INT: rc = copybin_int4(c, *(const int *)(const void *)f, e); break;
		case COL_INT2: rc = copybin_int2(c, *(const int *)(const void *)f, e); break;
		case COL_MONEY: rc = copybin_int8(c, *(const money *)(const void *)f, e); break;
		case COL_DATE: {
			sdate d = *(const sdate *)(const void *)f;

			rc = d == DATE_NONE ? copybin_null(c, e) : copybin_date(c, d, e);
			break;
		}
		case COL_BOOL: rc = copybin_bool(c, *(const int *)(const void *)f, e); break;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* Rows from..to-1 of kind k of case c into s (emptied first, in memory:
 * s->db NULL) as the store writes them: write_row_bin()'s fields, so that
 * two cases' rows of a kind are written the same when their bytes are.
 * 0, or -1 with e set. */
static int case_rows_bytes(struct copybin *s, const struct lim_case *c, int k, int from,
			   int to, struct sbyt_err *e)
{
	static const struct { const struct col *cols; int n; size_t size; } kind[3] = {
		{ step_cols, NCOLS(step_cols), sizeof(struct lim_step) },
		{ notice_cols, NCOLS(notice_cols), sizeof(struct lim_notice) },
		{ request_cols, NCOLS(request_cols), sizeof(struct lim_request) },
	};
	const char *row = k == ROWS_STEPS ? (const char *)c->step
			  : k == ROWS_NOTICES ? (const char *)c->notice : (const char *)c->request;

	s->len = 0;
	for (int i = from; i < to; i++)
		if (write_row_bin(s, row + (size_t)i * kind[k].size, kind[k].cols, kind[k].n, e))
			return -1;
	return 0;
}

/* A date in COPY's binary format, DATE_NONE as NULL. */
static int bin_date(struct copybin *c, sdate d, struct sbyt_err *e)
{
	return d == DATE_NONE ? copybin_null(c, e) : copybin_date(c, d, e);
}

/* Append "v" to the growing array text *buf ("{1,2,3}" form). */
static int append_num(char **buf, size_t *len, size_t *cap, int64_t v, struct sbyt_err *e)
{
	if (*len + 24 > *cap) {
		size_t ncap = *cap * 2 + 64;
		char *t = realloc(*buf, ncap);

		if (!t)
			return err_set(e, ERR_INTERNAL, "out of memory");
		*buf = t;
		*cap = ncap;
	}
	*len += (size_t)snprintf(*buf + *len, *cap - *len, "%s%" PRId64, *len > 1 ? "," : "", v);
	return 0;
}

/* The Russian text of a warning printed inside the payment document, from
 * its template PROCEDURE.STEP_document, whole (malloc'd), or NULL (e). */
static char *doc_text(const struct limit_env *env, const struct limit_account *a,
		      const struct lim_case *x, const struct lim_notice *t, struct sbyt_err *e)
{
	const struct limit_procedure *p = limit_procedure_find(env->rules, x->procedure);
	struct limit_textvars tv = { 0 };
	char key[2 * LIMIT_NAME + 16], v[40];
	char *text = NULL;

	if (!p) {
		err_set(e, ERR_CONFIG, "procedure '%s' is not in the rules", x->procedure);
		return NULL;
	}
	limit_textvars_add(&tv, "notice", t->id);
	snprintf(v, sizeof(v), "%" PRId64, a->id);
	limit_textvars_add(&tv, "account", v);
	limit_textvars_add_date(&tv, "issued", date_format(t->issued, v));
	limit_textvars_add(&tv, "debt", explain_ru_money(t->stated, v));  /* "1 234,56" */
	limit_textvars_add_date(&tv, "snapshot", date_format(t->snap_as_of, v));
	snprintf(v, sizeof(v), "%d", t->periods);
	limit_textvars_add(&tv, "periods", v);
	limit_textvars_add(&tv, "threshold", explain_ru_money(t->threshold, v));
	limit_textvars_add_date(&tv, "planned", t->planned != DATE_NONE ? date_format(t->planned, v)
								   : "—");
	snprintf(key, sizeof(key), "%s.%s_document", x->procedure, t->step);
	if (!limit_textvars_dates(&tv, env->rules, env->cal, p, t->step, t->channel, t->issued,
				  t->planned, a->remote, e))
		text = limit_text(env->rules, key, &tv, e);
	limit_textvars_release(&tv);
	return text;
}

/* The keys of a DELETE or UPDATE of limit_store_send(): (account, case)
 * pairs, or with a step's seq, as array literals "{...}"; n keys. */
struct keys {
	char *ids, *nos, *seqs;
	size_t il, ic, nl, nc, sl, sc;
	int n;
};

static void keys_free(struct keys *p, int n)
{
	for (int i = 0; i < n; i++) {
		free(p[i].ids);
		free(p[i].nos);
		free(p[i].seqs);
	}
}

/* Close the array literal a (append_num() left room for it). */
static void close_array(char *a, size_t *len)
{
	a[(*len)++] = '}';
	a[*len] = 0;
}

/* Add the key (id, no[, seq: 0 none]) to p; seqs only for keys with a
 * seq (the steps').  0, or -1 with e set. */
static int keys_add(struct keys *p, int64_t id, int no, int seq, struct sbyt_err *e)
{
	if ((!p->n++ && (!(p->ids = malloc(p->ic = 64)) || !(p->nos = malloc(p->nc = 64)))) ||
	    (seq && !p->seqs && !(p->seqs = malloc(p->sc = 64))))
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (p->il == 0)
		p->ids[p->il++] = p->nos[p->nl++] = '{';
	if (seq && p->sl == 0)
		p->seqs[p->sl++] = '{';
	return append_num(&p->ids, &p->il, &p->ic, id, e) ||
	       append_num(&p->nos, &p->nl, &p->nc, no, e) ||
	       (seq && append_num(&p->seqs, &p->sl, &p->sc, seq, e)) ? -1 : 0;
}

/* Whether rows from..to-1 of kind k of case c are written as the bytes
 * loaded[0..n-1] (*same), with s for the case's bytes.  0, or -1 with e
 * set. */
static int rows_same(struct copybin *s, const struct lim_case *c, int k, int from, int to,
		     const char *loaded, size_t n, int *same, struct sbyt_err *e)
{
	if (case_rows_bytes(s, c, k, from, to, e))
		return -1;
	*same = s->len == n && (n == 0 || !memcmp(s->buf, loaded, n));
	return 0;
}

/* Which rows of each loaded case of the changed accounts are as loaded:
 * those are neither deleted nor written again (a row deleted and copied
 * again under the same key had the server check its unique keys against
 * the dead row: a notice written again cost twice a new one).  The steps
 * one by one (steps_changed: those to write), the notices and the requests
 * a case's kind at once (keep: the kinds as loaded).  0, or -1 with e set. */
static int store_keep(struct limit_account *a, size_t n, struct sbyt_err *e)
{
	struct copybin s = { 0 };

	for (size_t i = 0; i < n; i++)
		for (int k = 0; a[i].changed && k < a[i].ncases; k++) {
			struct lim_case *c = &a[i].cases[k];
			const int rows[3] = { c->nsteps, c->nnotices, c->nrequests };
			int loaded = c->lrows_n[ROWS_STEPS];

			c->keep = 0;
			c->steps_changed = 0;
			if (!c->stored)
				continue;   /* all its rows are new */
			for (int j = 0; j < (c->nsteps > loaded ? c->nsteps : loaded); j++) {
				size_t from = j ? c->lstep_end[j - 1] : c->lrows_off[ROWS_STEPS];
				int same = 0;

				if (j < c->nsteps && j < loaded &&
				    rows_same(&s, c, ROWS_STEPS, j, j + 1, a[i].lrows + from,
					      c->lstep_end[j] - from, &same, e))
					goto fail;
				if (!same)
					c->steps_changed |= (uint32_t)1 << j;
			}
			for (int t = ROWS_NOTICES; t <= ROWS_REQUESTS; t++) {
				int same = 0;

				if (rows[t] == c->lrows_n[t] &&
				    rows_same(&s, c, t, 0, rows[t], a[i].lrows + c->lrows_off[t],
					      c->lrows_len[t], &same, e))
					goto fail;
				if (same)
					c->keep |= 1 << t;
			}
		}
	free(s.buf);
	return 0;
fail:
	free(s.buf);
	return -1;
}

int limit_store_send(PGconn *db, const struct limit_env *env, struct limit_account *a,
		     size_t n, struct sbyt_err *e)
{
	sdate day = env->day;
	/* of the loaded cases: the steps (with their seq) [0], the cases whose
	 * notices [1] or requests [2] changed, and all of them [3] */
	struct keys pr[4] = { { 0 } };
	int any = 0;
	struct copy c;
	struct copybin b;
	const char *p[2];
#define PAIRS " WHERE (account_id, case_no) IN (SELECT * FROM unnest($1::bigint[], $2::int[]))"
	static const char *const del[3] = {
		"DELETE FROM limit_step WHERE (account_id, case_no, seq) IN"
		" (SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[]))",
		"DELETE FROM limit_notice" PAIRS, "DELETE FROM limit_request" PAIRS,
	};
#undef PAIRS

	if (store_keep(a, n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!a[i].changed)
			continue;
		any = 1;
		for (int k = 0; k < a[i].ncases; k++) {
			const struct lim_case *x = &a[i].cases[k];
			int bad = 0;

			if (!x->stored)
				continue;
			/* the steps loaded that are not as they were */
			for (int j = 0; j < x->lrows_n[ROWS_STEPS]; j++)
				if (x->steps_changed & ((uint32_t)1 << j))
					bad |= keys_add(&pr[0], a[i].id, x->no, j + 1, e);
			for (int t = 1; t < 3; t++)
				if (!(x->keep & (1 << t)))
					bad |= keys_add(&pr[t], a[i].id, x->no, 0, e);
			bad |= keys_add(&pr[3], a[i].id, x->no, 0, e);
			if (bad) {
				keys_free(pr, 4);
				return -1;
			}
		}
	}
	if (!any)
		return 0;
	for (int t = 0; t < 4; t++)
		if (pr[t].n) {
			close_array(pr[t].ids, &pr[t].il);
			close_array(pr[t].nos, &pr[t].nl);
			if (pr[t].seqs)
				close_array(pr[t].seqs, &pr[t].sl);
		}
	/* the loaded rows that changed are replaced (the steps one by one,
	 * the notices and requests a case's kind at once); a new case has
	 * none.  A loaded case's own row is updated in place, not deleted and
	 * copied again: deleting it had the server check, for each case, that
	 * no step, notice or request still named it (three foreign-key probes
	 * a case, 0.1-0.2 s a batch of the second pass at 300,000 accounts) */
	for (int t = 0; t < 3; t++) {
		const char *q[3] = { pr[t].ids, pr[t].nos, pr[t].seqs };

		if (pr[t].n && db_exec(db, e, del[t], t == 0 ? 3 : 2, q)) {
			keys_free(pr, 4);
			return -1;
		}
	}
	if (pr[3].n && db_exec(db, e, "CREATE TEMP TABLE IF NOT EXISTS lim_case_upd"
			       " (LIKE limit_case) ON COMMIT DROP", 0, NULL)) {
		keys_free(pr, 4);
		return -1;
	}
	p[0] = pr[3].ids;
	p[1] = pr[3].nos;

#define CK(x) do { if (x) { copybin_abort(&b, "error"); keys_free(pr, 4); return -1; } } while (0)
	/* stored ones (pass 1) into lim_case_upd, then new ones (pass 0) into
	 * limit_case; in COPY's binary format, as the notices, steps and
	 * events (neither side formats or parses a date or a number) */
	for (int stored = pr[3].n ? 1 : 0; stored >= 0; stored--) {
		if (copybin_begin(&b, db, stored ? "COPY lim_case_upd (account_id, case_no, procedure,"
				  " status, opened_on, snap_as_of, stated_debt, periods, penalty, threshold,"
				  " ended_on, reason) FROM STDIN (FORMAT binary)"
				  : "COPY limit_case (account_id, case_no, procedure, status, opened_on,"
				  " snap_as_of, stated_debt, periods, penalty, threshold, ended_on, reason)"
				  " FROM STDIN (FORMAT binary)", e)) {
			keys_free(pr, 4);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			if (!a[i].changed)
				continue;
			for (int k = 0; k < a[i].ncases; k++) {
				const struct lim_case *x = &a[i].cases[k];

				if (x->stored != stored)
					continue;
				CK(copybin_row(&b, 12, e) ||
				   copybin_int8(&b, a[i].id, e) || copybin_int4(&b, x->no, e) ||
				   copybin_text(&b, x->procedure, e) || copybin_text(&b, x->status, e) ||
				   bin_date(&b, x->opened, e) || bin_date(&b, x->snap_as_of, e) ||
				   copybin_int8(&b, x->stated, e) || copybin_int2(&b, x->periods, e) ||
				   copybin_int8(&b, x->penalty, e) || copybin_int8(&b, x->threshold, e) ||
				   bin_date(&b, x->ended, e) ||
				   (x->reason[0] ? copybin_text(&b, x->reason, e) : copybin_null(&b, e)));
			}
		}
		if (copybin_end(&b, e)) {
			keys_free(pr, 4);
			return -1;
		}
		/* the loaded cases' rows (by their keys: $1 probes the key's
		 * index whatever the history's size), the staged rows consumed */
		if (stored && db_exec(db, e, "WITH u AS (DELETE FROM lim_case_upd RETURNING *)"
				      " UPDATE limit_case c SET procedure = u.procedure, status = u.status,"
				      " opened_on = u.opened_on, snap_as_of = u.snap_as_of,"
				      " stated_debt = u.stated_debt, periods = u.periods,"
				      " penalty = u.penalty, threshold = u.threshold,"
				      " ended_on = u.ended_on, reason = u.reason FROM u"
				      " WHERE c.account_id = ANY ($1::bigint[])"
				      " AND c.account_id = u.account_id AND c.case_no = u.case_no"
				      " AND $2::int[] IS NOT NULL", 2, p)) {
			keys_free(pr, 4);
			return -1;
		}
	}
	keys_free(pr, 4);
#undef CK
#define CK(x) do { if (x) { copy_abort(&c, "error"); return -1; } } while (0)

	/* notices, steps and requests: (account_id, case_no[, seq]) then their columns */
#define CKB(x) do { if (x) { copybin_abort(&b, "error"); return -1; } } while (0)
	if (copybin_begin(&b, db, "COPY limit_notice (account_id, case_no, notice_id, step,"
			  " channel, issued, planned, stated_debt, periods, threshold, snap_as_of,"
			  " delivered, failed_on, evidence, void, replaces) FROM STDIN (FORMAT binary)",
			  e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; a[i].changed && k < a[i].ncases; k++) {
			const struct lim_case *x = &a[i].cases[k];

			for (int j = 0; !(x->keep & (1 << ROWS_NOTICES)) && j < x->nnotices; j++)
				CKB(copybin_row(&b, 2 + NCOLS(notice_cols), e) ||
				    copybin_int8(&b, a[i].id, e) || copybin_int4(&b, x->no, e) ||
				    write_row_bin(&b, &x->notice[j], notice_cols, NCOLS(notice_cols), e));
		}
	}
	if (copybin_end(&b, e))
		return -1;

	/* the steps and the events, the rows with the long Russian texts, in
	 * COPY's binary format: neither side escapes or scans their bytes */
	if (copybin_begin(&b, db, "COPY limit_step (account_id, case_no, seq, name, state, date,"
			  " rule, derivation, notice_id, request_id, planned, why, derivation_ru)"
			  " FROM STDIN (FORMAT binary)", e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; a[i].changed && k < a[i].ncases; k++) {
			const struct lim_case *x = &a[i].cases[k];

			for (int j = 0; j < x->nsteps; j++) {
				if (x->stored && !(x->steps_changed & ((uint32_t)1 << j)))
					continue;   /* as loaded */
				CKB(copybin_row(&b, 3 + NCOLS(step_cols), e) ||
				    copybin_int8(&b, a[i].id, e) || copybin_int4(&b, x->no, e) ||
				    copybin_int2(&b, j + 1, e) ||
				    write_row_bin(&b, &x->step[j], step_cols, NCOLS(step_cols), e));
			}
		}
	}
	if (copybin_end(&b, e))
		return -1;

	if (copy_begin(&c, db, "COPY limit_request (account_id, case_no, request_id, action,"
		       " date, level_kw, issued) FROM STDIN", e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; a[i].changed && k < a[i].ncases; k++) {
			const struct lim_case *x = &a[i].cases[k];

			for (int j = 0; !(x->keep & (1 << ROWS_REQUESTS)) && j < x->nrequests; j++)
				CK(copy_int(&c, a[i].id, e) || copy_int(&c, x->no, e) ||
				   write_row(&c, &x->request[j], request_cols, NCOLS(request_cols), e) ||
				   copy_row(&c, e));
		}
	}
	if (copy_end(&c, e))
		return -1;

	if (copy_begin(&c, db, "COPY limit_doc_warning (account_id, notice_id, issued, text)"
		       " FROM STDIN", e))
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < a[i].ncases; k++) {
			const struct lim_case *x = &a[i].cases[k];

			for (int j = 0; j < x->nnotices; j++) {
				const struct lim_notice *t = &x->notice[j];
				char *text;
				int bad;

				if (!t->is_new || strcmp(t->channel, "payment_document"))
					continue;
				text = doc_text(env, &a[i], x, t, e);
				if (!text) {
					copy_abort(&c, "error");
					return -1;
				}
				bad = copy_int(&c, a[i].id, e) || copy_str(&c, t->id, e) ||
				      copy_date(&c, t->issued, e) || copy_str(&c, text, e) ||
				      copy_row(&c, e);
				free(text);
				CK(bad);
			}
		}
	if (copy_end(&c, e))
		return -1;
	if (copybin_begin(&b, db, "COPY limit_event (account_id, day, n, case_no, procedure, step,"
			  " what, rule, inputs, dates, inputs_ru, dates_ru) FROM STDIN (FORMAT binary)",
			  e))
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < a[i].nevents; k++) {
			const struct lim_event *v = &a[i].event[k];

			CKB(copybin_row(&b, 12, e) ||
			    copybin_int8(&b, a[i].id, e) || copybin_date(&b, day, e) ||
			    copybin_int2(&b, a[i].events_before + k + 1, e) ||
			    copybin_int4(&b, v->case_no, e) || copybin_text(&b, v->procedure, e) ||
			    copybin_text(&b, v->step, e) || copybin_text(&b, v->what, e) ||
			    copybin_text(&b, v->rule, e) || copybin_text(&b, v->inputs, e) ||
			    copybin_text(&b, v->dates, e) || copybin_text(&b, v->inputs_ru, e) ||
			    copybin_text(&b, v->dates_ru, e));
		}
	/* the largest, last: the server writes them while the caller goes on */
	if (copybin_send_end(&b, e))
		return -1;
#undef CKB

#undef CK
	return 0;
}

int limit_store(PGconn *db, const struct limit_env *env, struct limit_account *a, size_t n,
		struct sbyt_err *e)
{
	if (limit_store_send(db, env, a, n, e))
		return -1;
	return db_drain(db, e);
}

int limit_channel_set(PGconn *db, int64_t account, const char *channel, const char *reason,
		      const char *os_user, sdate as_of, char *previous, size_t prev_n,
		      struct sbyt_err *e)
{
	char ab[24], b[DATE_BUF];
	const char *p[5] = { ab, channel, reason, os_user, date_format(as_of, b) };
	const char *kind, *why = NULL;
	PGresult *r;

	snprintf(ab, sizeof(ab), "%" PRId64, account);
	r = db_query(db, e,
		     "SELECT a.kind, coalesce(a.email, '') <> '',"
		     " coalesce(array_length(a.phones, 1), 0) > 0,"
		     " coalesce(lc.channel, a.delivery)"
		     " FROM account a LEFT JOIN limit_channel lc USING (account_id)"
		     " WHERE a.account_id = $1::bigint FOR UPDATE OF a", 1, p);
	if (!r)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return err_set(e, ERR_DATA, "unknown account '%" PRId64 "'", account);
	}
	kind = PQgetvalue(r, 0, 0);
	if (!strcmp(channel, "email") && strcmp(PQgetvalue(r, 0, 1), "t"))
		why = "has no e-mail address";
	else if (!strcmp(channel, "sms") && strcmp(PQgetvalue(r, 0, 2), "t"))
		why = "has no phone";
	else if (!strcmp(channel, "edo") && !strcmp(kind, "individual"))
		why = "is a household (edo is for legal entities)";
	else if (!strcmp(channel, "payment_document") && strcmp(kind, "individual"))
		why = "is a legal entity (a warning inside a payment document is for households)";
	snprintf(previous, prev_n, "%s", PQgetvalue(r, 0, 3));
	PQclear(r);
	if (why)
		return err_set(e, ERR_DATA, "account '%" PRId64 "' %s: channel '%s' refused", account,
			       why, channel);
	if (db_exec(db, e,
		    "INSERT INTO limit_channel_log (account_id, set_at, seq, channel, previous, reason,"
		    " db_user, os_user, as_of)"
		    " SELECT $1::bigint, now(), coalesce(max(seq), 0) + 1, $2, (SELECT channel FROM"
		    "  limit_channel WHERE account_id = $1::bigint), $3, session_user, $4, $5::date"
		    " FROM limit_channel_log WHERE account_id = $1::bigint", 5, p) ||
	    db_exec(db, e,
		    "INSERT INTO limit_channel (account_id, channel, reason, set_at, db_user, os_user)"
		    " VALUES ($1::bigint, $2, $3, now(), session_user, $4)"
		    " ON CONFLICT (account_id) DO UPDATE SET channel = EXCLUDED.channel,"
		    " reason = EXCLUDED.reason, set_at = EXCLUDED.set_at,"
		    " db_user = EXCLUDED.db_user, os_user = EXCLUDED.os_user"
		    " WHERE $5::date IS NOT NULL", 5, p))
		return -1;
	return 0;
}

int limit_check_day(PGconn *db, sdate day, struct sbyt_err *e)
{
	char b[DATE_BUF], b2[DATE_BUF];
	const char *p[1] = { date_format(day, b) };
	PGresult *r = db_query(db, e, "SELECT max(day) FROM limit_event WHERE day > $1::date", 1, p);
	sdate last;

	if (!r)
		return -1;
	last = getd(r, 0, 0);
	PQclear(r);
	if (last != DATE_NONE)
		return err_set(e, ERR_DATA, "day %s is before the last day with limitation events (%s): "
			       "nothing happens in the past (SPEC 9.2.8)", b, date_format(last, b2));
	return 0;
}
