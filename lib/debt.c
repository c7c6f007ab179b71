/* debt.c - streaming ledgers from the database, the daily snapshot; see debt.h. */
#include "debt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "db.h"
#include "log.h"

#define DEBT_FETCH 20000

/* One stream of the accounts (src 0), their obligations (src 1) and their
 * payments (src 2), ordered by account: a merge of three scans each in its
 * own key order (the primary keys lead with account_id), so the server
 * neither joins nor sorts.  Within an account the rows come in any order
 * (the ledger orders them).  The filter parameters: $1 as-of, $2 one
 * account or NULL, $3 shard count or NULL, $4 shard index.  hashint8 is
 * cast to bigint before abs() so that -2^31 does not overflow; the shard
 * is the same. */
#define FILTER " ($2::bigint IS NULL OR account_id = $2::bigint)" \
	" AND ($3::int IS NULL OR abs(hashint8(account_id)::bigint) % $3::int = $4::int)"
static const char scan_sql[] =
	"DECLARE debt_cur NO SCROLL CURSOR FOR "
	"SELECT account_id, src, kind, branch, period, due, amount, pid FROM ("
	" (SELECT account_id, 0 AS src,"
	"   CASE WHEN kind = 'legal' AND category = 'managing' THEN 'managing' ELSE kind END AS kind,"
	"   branch, NULL::date AS period, NULL::date AS due,"
	"   0::bigint AS amount, 0::bigint AS pid FROM account WHERE" FILTER
	"  ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, 1, kind, NULL::text, period, due, amount, 0::bigint FROM obligation"
	"  WHERE kind <> 'penalty' AND amount <> 0 AND" FILTER " ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, 2, NULL::text, NULL::text, period, paid_on, amount, payment_id"
	"  FROM payment WHERE paid_on <= $1::date AND" FILTER " ORDER BY account_id)"
	") x ORDER BY account_id";
#undef FILTER

int debt_kind_parse(const char *s, enum customer_kind *out)
{
	if (strcmp(s, "individual") == 0)
		*out = CUSTOMER_INDIVIDUAL;
	else if (strcmp(s, "legal") == 0)
		*out = CUSTOMER_LEGAL;
	else if (strcmp(s, "managing") == 0)
		*out = CUSTOMER_MANAGING;
	else
		return -1;
	return 0;
}

/* The filter as text parameters: buffers in p_buf, pointers in params. */
static void filter_params(const struct debt_filter *f, char p_buf[4][24], const char *params[4])
{
	date_format(f->as_of, p_buf[0]);
	params[0] = p_buf[0];
	params[1] = params[2] = params[3] = NULL;
	if (f->account > 0) {
		snprintf(p_buf[1], 24, "%lld", (long long)f->account);
		params[1] = p_buf[1];
	}
	if (f->shard_n > 0) {
		snprintf(p_buf[2], 24, "%d", f->shard_n);
		snprintf(p_buf[3], 24, "%d", f->shard_i);
		params[2] = p_buf[2];
		params[3] = p_buf[3];
	}
}

struct scan_state {
	const struct penalty_rules *r;
	const struct debt_filter *f;
	const struct debt_sink *sink;
	struct debt_totals *t;
	struct ledger l;
	struct ledger_debt d;
	struct debt_account a;
	int open;            /* 1 while an account is being gathered */
	int known;           /* its account row was seen */
	int64_t entries;     /* its obligations and payments */
	int refused;         /* it was refused: its other rows are passed over */
};

/* The current account cannot be valued for the reason in e: refused into
 * f->rej (the scan goes on: 0) when there is one, else -1 (the scan stops). */
static int refuse(struct scan_state *s, struct sbyt_err *e)
{
	char acct[24];

	if (!s->f->rej || (e->kind != ERR_DATA && e->kind != ERR_CONFIG))
		return -1;
	snprintf(acct, sizeof(acct), "%lld", (long long)s->a.account_id);
	acctrej_add(s->f->rej, acct, e->msg);
	s->t->refused++;
	s->refused = 1;
	err_clear(e);
	return 0;
}

static int finish_account(struct scan_state *s, struct sbyt_err *e)
{
	if (!s->open)
		return 0;
	s->open = 0;
	/* an account without obligations or payments is not seen */
	if (s->refused || !s->known || s->entries == 0)
		return 0;
	if (ledger_allocate(&s->l, e) ||
	    ledger_debt_compute(&s->l, s->r, s->a.kind, s->f->as_of, &s->d, e)) {
		char msg[sizeof(e->msg)];
		if (refuse(s, e) == 0)
			return 0;
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return err_set(e, e->kind, "account %lld: %s", (long long)s->a.account_id, msg);
	}
	s->t->accounts++;
	s->t->rows += s->entries;
	if (s->d.principal > 0)
		s->t->in_debt++;
	s->t->principal += s->d.principal;
	s->t->penalty += s->d.penalty;
	s->a.ledger = &s->l;
	s->a.debt = &s->d;
	return s->sink->account ? s->sink->account(s->sink->arg, &s->a, e) : 0;
}

static int bad_row(struct scan_state *s, struct sbyt_err *e, const char *acct, const char *what)
{
	if (s->f->rej) {
		err_set(e, ERR_DATA, "%s", what);
		return refuse(s, e);
	}
	return err_set(e, ERR_DATA, "account %s: %s", acct, what);
}

/* One row of the stream into the current account (columns: 0 account_id,
 * 1 src, 2 kind, 3 branch, 4 period, 5 due or paid_on, 6 amount, 7 pid). */
static int take_row(struct scan_state *s, PGresult *res, int i, struct sbyt_err *e)
{
	const char *acct = PQgetvalue(res, i, 0);
	int64_t id = strtoll(acct, NULL, 10);
	char src = PQgetvalue(res, i, 1)[0];
	sdate pd = 0, due = 0;
	speriod period = LEDGER_NO_PERIOD;
	money amount;

	if (!s->open || id != s->a.account_id) {
		if (finish_account(s, e))
			return -1;
		ledger_reset(&s->l);
		s->a.account_id = id;
		s->open = 1;
		s->known = 0;
		s->entries = 0;
		s->refused = 0;
	}
	if (s->refused)
		return 0;
	if (src == '0') {
		if (debt_kind_parse(PQgetvalue(res, i, 2), &s->a.kind))
			return bad_row(s, e, acct, "unknown account kind");
		snprintf(s->a.branch, sizeof(s->a.branch), "%s", PQgetvalue(res, i, 3));
		s->known = 1;
		return 0;
	}
	amount = strtoll(PQgetvalue(res, i, 6), NULL, 10);
	if (!PQgetisnull(res, i, 4)) {
		if (date_parse(PQgetvalue(res, i, 4), -1, &pd))
			return bad_row(s, e, acct, "bad period");
		period = period_of(pd);
	}
	if (date_parse(PQgetvalue(res, i, 5), -1, &due))
		return bad_row(s, e, acct, "bad date");
	s->entries++;
	if (src == '1') {
		struct ledger_charge c = { period, due, amount, LEDGER_CHARGE };

		if (period == LEDGER_NO_PERIOD)
			return bad_row(s, e, acct, "obligation without a period");
		if (amount < 0 || strcmp(PQgetvalue(res, i, 2), "recalc") == 0)
			c.kind = LEDGER_RECALC;
		if (ledger_add_charge(&s->l, &c, e) < 0)
			return refuse(s, e);
	} else {
		struct ledger_payment p = { strtoll(PQgetvalue(res, i, 7), NULL, 10), due, amount,
					    period };
		if (ledger_add_payment(&s->l, &p, e))
			return refuse(s, e);
	}
	return 0;
}

int debt_scan(PGconn *db, const struct penalty_rules *r, const struct debt_filter *f,
	      const struct debt_sink *sink, struct debt_totals *t, struct sbyt_err *e)
{
	struct scan_state s;
	char p_buf[4][24];
	const char *params[4];
	char fetch[48];
	struct progress prog;
	int rc = -1, n;

	memset(t, 0, sizeof(*t));
	memset(&s, 0, sizeof(s));
	s.r = r;
	s.f = f;
	s.sink = sink;
	s.t = t;
	ledger_init(&s.l);
	ledger_debt_init(&s.d);
	filter_params(f, p_buf, params);
	/* the rules must cover the as-of date itself: a gap there is not one
	 * account's, it stops the scan (a gap at an old date refuses the
	 * accounts that reach it) */
	if (f->rej && (penalty_rate_on(r, f->as_of, NULL, NULL, e) ||
		       (r->cal && calendar_class_err(r->cal, f->as_of, e) < 0)))
		return -1;
	/* rows, rate on a terminal only (log.h); the total is not known */
	progress_start(&prog, "debt: ledger rows", 0);
	/* the whole result is read: plan for it, not for the first rows; a
	 * plain scan gains nothing from compiling it */
	if (db_exec(db, e, "SET LOCAL cursor_tuple_fraction = 1.0", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL jit = off", 0, NULL) ||
	    db_exec(db, e, scan_sql, 4, params))
		goto out;
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM debt_cur", DEBT_FETCH);
	do {
		PGresult *res = db_query(db, e, fetch, 0, NULL);

		if (!res)
			goto out;
		n = PQntuples(res);
		for (int i = 0; i < n; i++)
			if (take_row(&s, res, i, e)) {
				PQclear(res);
				goto out;
			}
		PQclear(res);
		if (f->account == 0)
			progress_add(&prog, n);
		if (n < DEBT_FETCH && finish_account(&s, e))
			goto out;
	} while (n == DEBT_FETCH);
	rc = db_exec(db, e, "CLOSE debt_cur", 0, NULL);
out:
	progress_end(&prog);
	ledger_release(&s.l);
	ledger_debt_release(&s.d);
	return rc;
}

/* ---- the daily snapshot ---- */

/* The snapshot rows go into COPYs of SNAP_CHUNK rows on the writing
 * connection while the scan reads on its own connection.  A COPY's foreign
 * keys are checked when it ends, so its end is not waited for: the next
 * chunk is read and valued meanwhile, and the result is collected before
 * the next COPY starts.  The rows are numbers, dates and \N, which need no
 * escaping in COPY's text format. */
#define SNAP_CHUNK 8192

struct snap {
	PGconn *db;
	char as_of[DATE_BUF];
	int64_t run_id;
	char *buf;           /* the rows of the next COPY */
	size_t len, cap;
	int rows;
	int busy;            /* a COPY was ended and its result not yet read */
	int64_t written;
};

/* Collect the result of the COPY sent last (when one is pending). */
static int snap_wait(struct snap *s, struct sbyt_err *e)
{
	if (!s->busy)
		return 0;
	s->busy = 0;
	return db_drain(s->db, e);
}

/* Send the rows gathered as one COPY and end it without waiting. */
static int snap_send(struct snap *s, struct sbyt_err *e)
{
	if (snap_wait(s, e))
		return -1;
	if (s->rows == 0)
		return 0;
	if (copy_send(s->db, "COPY debt_snapshot (account_id, as_of, principal, periods, penalty,"
		      " oldest_due, run_id) FROM STDIN", s->buf, s->len, e))
		return -1;
	s->busy = 1;
	s->written += s->rows;
	s->len = 0;
	s->rows = 0;
	return 0;
}

static int snap_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct snap *s = arg;
	const struct ledger_debt *d = a->debt;
	sdate oldest = 0;
	char due[DATE_BUF], run[24];

	if (d->principal <= 0 && d->penalty <= 0)
		return 0;
	for (int i = 0; i < d->nper; i++)
		if (d->per[i].principal > 0 && (!oldest || d->per[i].due < oldest))
			oldest = d->per[i].due;
	if (s->len + 256 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64 * SNAP_CHUNK;
		char *nb = realloc(s->buf, cap);

		if (!nb)
			return err_set(e, ERR_INTERNAL, "out of memory");
		s->buf = nb;
		s->cap = cap;
	}
	if (s->run_id > 0)
		snprintf(run, sizeof(run), "%lld", (long long)s->run_id);
	s->len += (size_t)snprintf(s->buf + s->len, s->cap - s->len,
				   "%lld\t%s\t%lld\t%d\t%lld\t%s\t%s\n", (long long)a->account_id,
				   s->as_of, (long long)d->principal, d->periods,
				   (long long)d->penalty, oldest ? date_format(oldest, due) : "\\N",
				   s->run_id > 0 ? run : "\\N");
	return ++s->rows >= SNAP_CHUNK ? snap_send(s, e) : 0;
}

int debt_snapshot_run(PGconn *db, const char *conninfo, const struct penalty_rules *r,
		      const struct debt_filter *f, int64_t run_id, struct debt_totals *t,
		      int64_t *rows, struct sbyt_err *e)
{
	struct snap s = { .db = db, .run_id = run_id };
	struct debt_sink sink = { snap_account, &s };
	char p_buf[4][24];
	const char *params[4];
	char run[24];
	const char *day_params[2] = { s.as_of, run };
	PGconn *rd;
	int rc = -1;

	*rows = 0;
	if (f->account > 0)
		return err_set(e, ERR_INTERNAL, "the snapshot is written for all accounts");
	date_format(f->as_of, s.as_of);
	filter_params(f, p_buf, params);
	rd = db_connect(conninfo, e);
	if (!rd)
		return -1;
	snprintf(run, sizeof(run), "%lld", (long long)run_id);
	/* the day's partition and the next day's, created ahead in a
	 * transaction of their own (sql/170) */
	if (db_exec(db, e, "SELECT sbyt_snapshot_partition($1::date),"
		    " sbyt_snapshot_partition($1::date + 1)", 1, params))
		goto out;
	/* the reader sees one state of the ledgers, whatever commits meanwhile */
	if (db_exec(rd, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) ||
	    db_begin(db, e))
		goto out;
	if (db_exec(db, e,
		    "DELETE FROM debt_snapshot WHERE as_of = $1::date"
		    " AND ($3::int IS NULL OR abs(hashint8(account_id)::bigint) % $3::int = $4::int)"
		    " AND $2::bigint IS NULL",
		    4, params) ||
	    debt_scan(rd, r, f, &sink, t, e) || snap_send(&s, e) || snap_wait(&s, e) ||
	    db_exec(db, e,
		    "INSERT INTO debt_snapshot_day (as_of, run_id) VALUES ($1::date, nullif($2, '0')::bigint)"
		    " ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id,"
		    " taken_at = clock_timestamp()", 2, day_params) ||
	    db_commit(db, e)) {
		struct sbyt_err ignore;

		snap_wait(&s, &ignore);
		db_rollback(db);
		goto out;
	}
	*rows = s.written;
	rc = 0;
out:
	free(s.buf);
	PQfinish(rd);
	return rc;
}
