/* debt.c - streaming ledgers from the database, the daily snapshot; see debt.h. */
#include "debt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

#define DEBT_FETCH 20000

/* One stream of both obligations (src 0) and payments (src 1), ordered by
 * account.  The filter parameters: $1 as-of, $2 one account or NULL, $3
 * shard count or NULL, $4 shard index.  hashint8 is cast to bigint before
 * abs() so that -2^31 does not overflow; the shard is the same. */
static const char scan_sql[] =
	"DECLARE debt_cur NO SCROLL CURSOR FOR "
	"SELECT x.account_id, a.kind, a.branch, x.src, x.period, x.due, x.amount, x.okind, x.pid "
	"FROM ("
	" SELECT account_id, 0 AS src, period, due, amount, kind AS okind, 0::bigint AS pid"
	"  FROM obligation WHERE kind <> 'penalty' AND amount <> 0"
	" UNION ALL"
	" SELECT account_id, 1, period, paid_on, amount, NULL, payment_id"
	"  FROM payment WHERE paid_on <= $1::date"
	") x JOIN account a ON a.account_id = x.account_id "
	"WHERE ($2::bigint IS NULL OR x.account_id = $2::bigint)"
	" AND ($3::int IS NULL OR abs(hashint8(x.account_id)::bigint) % $3::int = $4::int) "
	"ORDER BY x.account_id";

int debt_kind_parse(const char *s, enum customer_kind *out)
{
	if (strcmp(s, "individual") == 0)
		*out = CUSTOMER_INDIVIDUAL;
	else if (strcmp(s, "legal") == 0)
		*out = CUSTOMER_LEGAL;
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
};

static int finish_account(struct scan_state *s, struct sbyt_err *e)
{
	if (!s->open)
		return 0;
	s->open = 0;
	if (ledger_allocate(&s->l, e) ||
	    ledger_debt_compute(&s->l, s->r, s->a.kind, s->f->as_of, &s->d, e)) {
		char msg[sizeof(e->msg)];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return err_set(e, e->kind, "account %lld: %s", (long long)s->a.account_id, msg);
	}
	s->t->accounts++;
	if (s->d.principal > 0)
		s->t->in_debt++;
	s->t->principal += s->d.principal;
	s->t->penalty += s->d.penalty;
	s->a.ledger = &s->l;
	s->a.debt = &s->d;
	return s->sink->account ? s->sink->account(s->sink->arg, &s->a, e) : 0;
}

static int bad_row(struct sbyt_err *e, const char *acct, const char *what)
{
	return err_set(e, ERR_DATA, "account %s: %s", acct, what);
}

/* One row of the stream into the current account's ledger. */
static int take_row(struct scan_state *s, PGresult *res, int i, struct sbyt_err *e)
{
	const char *acct = PQgetvalue(res, i, 0);
	int64_t id = strtoll(acct, NULL, 10);
	sdate pd = 0, due = 0;
	speriod period = LEDGER_NO_PERIOD;
	money amount = strtoll(PQgetvalue(res, i, 6), NULL, 10);

	if (!s->open || id != s->a.account_id) {
		if (finish_account(s, e))
			return -1;
		ledger_reset(&s->l);
		s->a.account_id = id;
		if (debt_kind_parse(PQgetvalue(res, i, 1), &s->a.kind))
			return bad_row(e, acct, "unknown account kind");
		snprintf(s->a.branch, sizeof(s->a.branch), "%s", PQgetvalue(res, i, 2));
		s->open = 1;
	}
	if (!PQgetisnull(res, i, 4)) {
		if (date_parse(PQgetvalue(res, i, 4), -1, &pd))
			return bad_row(e, acct, "bad period");
		period = period_of(pd);
	}
	if (date_parse(PQgetvalue(res, i, 5), -1, &due))
		return bad_row(e, acct, "bad date");
	s->t->rows++;
	if (PQgetvalue(res, i, 3)[0] == '0') {
		struct ledger_charge c = { period, due, amount, LEDGER_CHARGE };

		if (period == LEDGER_NO_PERIOD)
			return bad_row(e, acct, "obligation without a period");
		if (amount < 0 || strcmp(PQgetvalue(res, i, 7), "recalc") == 0)
			c.kind = LEDGER_RECALC;
		if (ledger_add_charge(&s->l, &c, e) < 0)
			return -1;
	} else {
		struct ledger_payment p = { strtoll(PQgetvalue(res, i, 8), NULL, 10), due, amount,
					    period };
		if (ledger_add_payment(&s->l, &p, e))
			return -1;
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
	/* rows, rate on a terminal only (log.h); the total is not known */
	progress_start(&prog, "debt: ledger rows", 0);
	/* the whole result is read: plan for it, not for the first rows */
	if (db_exec(db, e, "SET LOCAL cursor_tuple_fraction = 1.0", 0, NULL) ||
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
		if (sink->batch_end && sink->batch_end(sink->arg, db, e))
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

struct snap_row {
	int64_t account_id;
	money principal, penalty;
	int periods;
	sdate oldest_due;    /* 0: none */
};

struct snap {
	sdate as_of;
	int64_t run_id;
	struct snap_row *row;
	int n, cap;
	int64_t written;
};

static int snap_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct snap *s = arg;
	const struct ledger_debt *d = a->debt;
	struct snap_row *x;

	if (d->principal <= 0 && d->penalty <= 0)
		return 0;
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 1024;
		struct snap_row *nr = realloc(s->row, sizeof(*nr) * (size_t)ncap);
		if (!nr)
			return err_set(e, ERR_INTERNAL, "out of memory");
		s->row = nr;
		s->cap = ncap;
	}
	x = &s->row[s->n++];
	x->account_id = a->account_id;
	x->principal = d->principal;
	x->penalty = d->penalty;
	x->periods = d->periods;
	x->oldest_due = 0;
	for (int i = 0; i < d->nper; i++)
		if (d->per[i].principal > 0 && (!x->oldest_due || d->per[i].due < x->oldest_due))
			x->oldest_due = d->per[i].due;
	return 0;
}

static int snap_flush(void *arg, PGconn *db, struct sbyt_err *e)
{
	struct snap *s = arg;
	struct copy c;
	char as_of[DATE_BUF], due[DATE_BUF];

	if (s->n == 0)
		return 0;
	date_format(s->as_of, as_of);
	if (copy_begin(&c, db, "COPY debt_snapshot (account_id, as_of, principal, periods, "
		       "penalty, oldest_due, run_id) FROM STDIN", e))
		return -1;
	for (int i = 0; i < s->n; i++) {
		const struct snap_row *x = &s->row[i];

		if (copy_int(&c, x->account_id, e) || copy_str(&c, as_of, e) ||
		    copy_int(&c, x->principal, e) || copy_int(&c, x->periods, e) ||
		    copy_int(&c, x->penalty, e) ||
		    (x->oldest_due ? copy_str(&c, date_format(x->oldest_due, due), e)
				   : copy_null(&c, e)) ||
		    (s->run_id > 0 ? copy_int(&c, s->run_id, e) : copy_null(&c, e)) ||
		    copy_row(&c, e)) {
			copy_abort(&c, "debt snapshot failed");
			return -1;
		}
	}
	if (copy_end(&c, e))
		return -1;
	s->written += s->n;
	s->n = 0;
	return 0;
}

int debt_snapshot_run(PGconn *db, const struct penalty_rules *r, const struct debt_filter *f,
		      int64_t run_id, struct debt_totals *t, int64_t *rows, struct sbyt_err *e)
{
	struct snap s = { .as_of = f->as_of, .run_id = run_id };
	struct debt_sink sink = { snap_account, snap_flush, &s };
	char p_buf[4][24];
	const char *params[4];
	int rc = -1;

	*rows = 0;
	if (f->account > 0)
		return err_set(e, ERR_INTERNAL, "the snapshot is written for all accounts");
	filter_params(f, p_buf, params);
	if (db_begin(db, e))
		return -1;
	if (db_exec(db, e,
		    "DELETE FROM debt_snapshot WHERE as_of = $1::date"
		    " AND ($3::int IS NULL OR abs(hashint8(account_id)::bigint) % $3::int = $4::int)"
		    " AND $2::bigint IS NULL",
		    4, params) ||
	    debt_scan(db, r, f, &sink, t, e) || snap_flush(&s, db, e) || db_commit(db, e)) {
		db_rollback(db);
		goto out;
	}
	*rows = s.written;
	rc = 0;
out:
	free(s.row);
	return rc;
}
