/* debt.c - streaming ledgers from the database, the daily snapshot; see debt.h. */
#include "debt.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "copybin.h"
#include "db.h"
#include "log.h"

/* One stream of the accounts, their obligations and their payments (paid
 * on or before the as-of date), ordered by account: a merge of three scans
 * each in its own key order (the primary keys lead with account_id), so the
 * server neither joins nor sorts.  Within an account the rows come in any
 * order (the ledger orders them).  It is read as one COPY in the binary
 * format: the server streams it while the client values the ledgers, and
 * neither side formats or parses numbers and dates as text.  Columns:
 * account_id int8, tag int2, branch text, period date, due (or paid_on)
 * date, amount int8, payment_id int8.  The tag says what the row is:
 * TAG_INDIVIDUAL, TAG_LEGAL, TAG_MANAGING or TAG_UNKNOWN for the account
 * itself (with its branch in the text column when the caller wants it,
 * else NULL); an obligation or a payment has none (NULL): a payment has a
 * payment_id, an obligation not, and an obligation's kind is in the text
 * column unless it is 'charge' (NULL; the client leaves out 'penalty' lines
 * and amounts of 0, which costs the server less than a filter on the
 * text).  Every field not sent is one send function fewer per row, the
 * larger part of the server's cost per row (at 20,000 accounts of make
 * bench 0.09 s -> 0.08 s of the reader's CPU).
 *
 * COPY takes no parameters: the filter's values are set with set_config()
 * (a parameterised statement, local to the transaction) and read back with
 * current_setting() in scalar subqueries, each evaluated once.  The filter
 * is one of the fixed fragments below, chosen by what f asks; hashint8 is
 * cast to bigint before abs() so that -2^31 does not overflow. */
enum {
	TAG_UNKNOWN = -1, TAG_INDIVIDUAL = 0, TAG_LEGAL = 1, TAG_MANAGING = 2,
	TAG_OBLIGATION = 10, TAG_PAYMENT = 20, TAG_NONE = 99
};

static const char scan_copy[] = "COPY (";
/* an incremental run: the accounts to value, computed once (sql/200) */
static const char scan_head[] =
	"SELECT account_id, tag, branch, period, due, amount, pid FROM ("
	" (SELECT account_id, (CASE kind WHEN 'individual' THEN 0 WHEN 'legal' THEN"
	"   CASE WHEN category = 'managing' THEN 2 ELSE 1 END ELSE -1 END)::int2 AS tag,"
	"   %s AS branch, NULL::date AS period, NULL::date AS due, NULL::bigint AS amount,"
	"   NULL::bigint AS pid FROM account WHERE %s";
static const char scan_obligation[] =
	" ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, NULL::int2, nullif(kind, 'charge'), period, due, amount, NULL"
	"  FROM obligation WHERE ";
static const char scan_payment[] =
	" ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, NULL, NULL, period, paid_on, amount, payment_id FROM payment"
	"  WHERE paid_on <= (SELECT current_setting('sbyt.debt_as_of')::date) AND ";
/* the same with the accounts' checkpoints (sql/250): the account row
 * carries the checkpoint (period_from in period, cut in due, penalty in
 * amount, due_max in days from 2000-01-01 in pid; NULLs without one), and
 * only the obligations of period_from on and the payments after cut are
 * read (merge joins in account order, as the plain scan); a checkpoint
 * whose cut is not before the as-of date (a day replayed) is not used */
static const char ck_head[] =
	"SELECT account_id, tag, branch, period, due, amount, pid FROM ("
	" (SELECT account_id, (CASE kind WHEN 'individual' THEN 0 WHEN 'legal' THEN"
	"   CASE WHEN category = 'managing' THEN 2 ELSE 1 END ELSE -1 END)::int2 AS tag,"
	"   %s AS branch, c.period_from AS period, c.cut AS due, c.penalty AS amount,"
	"   (c.due_max - DATE '2000-01-01')::bigint AS pid"
	"   FROM account LEFT JOIN "
	"  (SELECT * FROM debt_checkpoint WHERE cut < (SELECT current_setting('sbyt.debt_as_of')::date)) c"
	"  USING (account_id) WHERE %s";
static const char ck_obligation[] =
	" ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, NULL::int2, nullif(kind, 'charge'), period, due, amount, NULL"
	"  FROM obligation o LEFT JOIN "
	"  (SELECT * FROM debt_checkpoint WHERE cut < (SELECT current_setting('sbyt.debt_as_of')::date)) c"
	"  USING (account_id)"
	"  WHERE (c.period_from IS NULL OR o.period >= c.period_from) AND ";
static const char ck_payment[] =
	" ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, NULL, NULL, period, paid_on, p.amount, payment_id"
	"  FROM payment p LEFT JOIN "
	"  (SELECT * FROM debt_checkpoint WHERE cut < (SELECT current_setting('sbyt.debt_as_of')::date)) c"
	"  USING (account_id)"
	"  WHERE paid_on <= (SELECT current_setting('sbyt.debt_as_of')::date)"
	"  AND (c.cut IS NULL OR p.paid_on > c.cut) AND ";
static const char ck_carry[] =
	" ORDER BY account_id)"
	" UNION ALL"
	" (SELECT account_id, NULL, NULL, NULL, carry_date, carry_amount, carry_id"
	"  FROM debt_checkpoint WHERE carry_id IS NOT NULL"
	"  AND cut < (SELECT current_setting('sbyt.debt_as_of')::date) AND ";
/* the same in one pass over the accounts: per account (in account order)
 * its own row with its checkpoint, then its obligations of period_from on
 * and its payments after cut, each an index range of the account
 * (obligation's key, payment (account_id, paid_on)), and the carried rest:
 * the server reads no settled row (a merge join reads every one of them and
 * passes them over: PostgreSQL 15 cannot skip within an index), at the
 * price of two index descents per account; chosen when the ledgers hold
 * many rows per account (RANGES_ROWS) */
static const char lat_head[] =
	"SELECT a.account_id, x.tag, x.branch, x.period, x.due, x.amount, x.pid FROM"
	" (SELECT account_id, kind, category, branch FROM account WHERE ";
static const char lat_body[] =
	" ) a LEFT JOIN"
	" (SELECT * FROM debt_checkpoint WHERE cut < (SELECT current_setting('sbyt.debt_as_of')::date)) c"
	" USING (account_id) CROSS JOIN LATERAL ("
	"  SELECT (CASE a.kind WHEN 'individual' THEN 0 WHEN 'legal' THEN"
	"   CASE WHEN a.category = 'managing' THEN 2 ELSE 1 END ELSE -1 END)::int2 AS tag,"
	"   %s AS branch, c.period_from AS period, c.cut AS due, c.penalty AS amount,"
	"   (c.due_max - DATE '2000-01-01')::bigint AS pid"
	"  UNION ALL"
	"  SELECT NULL, nullif(o.kind, 'charge'), o.period, o.due, o.amount, NULL FROM obligation o"
	"  WHERE o.account_id = a.account_id AND o.period >= coalesce(c.period_from, '-infinity'::date)"
	"  UNION ALL"
	"  SELECT NULL, NULL, p.period, p.paid_on, p.amount, p.payment_id FROM payment p"
	"  WHERE p.account_id = a.account_id"
	"  AND p.paid_on <= (SELECT current_setting('sbyt.debt_as_of')::date)"
	"  AND p.paid_on > coalesce(c.cut, '-infinity'::date)"
	"  UNION ALL"
	"  SELECT NULL, NULL, NULL, c.carry_date, c.carry_amount, c.carry_id"
	"  WHERE c.carry_id IS NOT NULL) x"
	" ORDER BY a.account_id) TO STDOUT (FORMAT binary)";
static const char scan_tail[] =
	" ORDER BY account_id)"
	") x ORDER BY account_id) TO STDOUT (FORMAT binary)";

/* the same rows as three statements, one a table, each on a connection of
 * its own in one snapshot, merged by account on the client (table_split):
 * the server neither merges nor projects the union (at 100,000 accounts of
 * make bench 0.37 s of the readers' CPU -> 0.30 s) */
static const char tab_account[] =
	"COPY (SELECT account_id, (CASE kind WHEN 'individual' THEN 0 WHEN 'legal' THEN"
	" CASE WHEN category = 'managing' THEN 2 ELSE 1 END ELSE -1 END)::int2, NULL::text,"
	" NULL::date, NULL::date, NULL::bigint, NULL::bigint FROM account"
	" WHERE kind <> 'individual' AND %s ORDER BY account_id) TO STDOUT (FORMAT binary)";
static const char tab_obligation[] =
	"COPY (SELECT account_id, NULL::int2, nullif(kind, 'charge'), period, due, amount, NULL::bigint"
	" FROM obligation WHERE %s ORDER BY account_id) TO STDOUT (FORMAT binary)";
static const char tab_payment[] =
	"COPY (SELECT account_id, NULL::int2, NULL::text, period, paid_on, amount, payment_id"
	" FROM payment WHERE paid_on <= (SELECT current_setting('sbyt.debt_as_of')::date) AND %s"
	" ORDER BY account_id) TO STDOUT (FORMAT binary)";

static const char filter_account[] =
	"account_id = (SELECT current_setting('sbyt.debt_account')::bigint)";
static const char filter_shard[] =
	"abs(hashint8(account_id)::bigint) % (SELECT current_setting('sbyt.debt_shard_n')::int)"
	" = (SELECT current_setting('sbyt.debt_shard_i')::int)";
static const char filter_range[] =
	"account_id >= (SELECT current_setting('sbyt.debt_from')::bigint)"
	" AND account_id < (SELECT current_setting('sbyt.debt_to')::bigint)";
/* an incremental run: the accounts to value, computed once (candidates_set) */
static const char filter_candidates[] =
	"account_id = ANY ((SELECT current_setting('sbyt.debt_ids')::bigint[])::bigint[])";
#define FILTER_MAX (sizeof(filter_account) + sizeof(filter_shard) + sizeof(filter_range) + \
		    sizeof(filter_candidates) + 32)

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

/* A range of accounts [from, to) one stream of the scan reads (to 0: all);
 * candidates: only the accounts of the setting sbyt.debt_ids. */
struct scan_range {
	int64_t from, to;
	int candidates;
	int checkpoints;     /* read from the accounts' checkpoints (sql/250) */
	int branch;          /* the accounts' branches are read (else NULL) */
	int ranges;          /* with checkpoints: each account's rows by index range */
};

/* Without branches and checkpoints an account's own row tells only its
 * kind: the rows of households (most accounts) are not sent, an account
 * whose obligations and payments come without one is a household (they
 * have an account: foreign keys).  A sixth of the rows of make bench's
 * scan fewer. */
static int households_implied(const struct scan_range *g)
{
	return !g->branch && !g->checkpoints;
}

/* The filter's values as the settings the scan reads (see above), local
 * to the open transaction of db. */
static int scan_settings(PGconn *db, const struct debt_filter *f, const struct scan_range *g,
			 struct sbyt_err *e)
{
	char p_buf[6][24];
	const char *params[6] = { p_buf[0], p_buf[1], p_buf[2], p_buf[3], p_buf[4], p_buf[5] };

	date_format(f->as_of, p_buf[0]);
	snprintf(p_buf[1], 24, "%lld", (long long)f->account);
	snprintf(p_buf[2], 24, "%d", f->shard_n);
	snprintf(p_buf[3], 24, "%d", f->shard_i);
	snprintf(p_buf[4], 24, "%lld", (long long)g->from);
	snprintf(p_buf[5], 24, "%lld", (long long)g->to);
	return db_exec(db, e, "SELECT set_config('sbyt.debt_as_of', $1, true),"
		       " set_config('sbyt.debt_account', $2, true),"
		       " set_config('sbyt.debt_shard_n', $3, true),"
		       " set_config('sbyt.debt_shard_i', $4, true),"
		       " set_config('sbyt.debt_from', $5, true),"
		       " set_config('sbyt.debt_to', $6, true)", 6, params);
}

/* The scan's statement for f and g, from the fixed fragments, into buf
 * (of SCAN_SQL_MAX bytes). */
#define SCAN_SQL_MAX (sizeof(scan_copy) + sizeof(ck_head) + sizeof(scan_head) + \
		      sizeof(lat_head) + sizeof(lat_body) + sizeof(ck_obligation) + \
		      sizeof(ck_payment) + sizeof(ck_carry) + sizeof(scan_tail) + 4 * FILTER_MAX + 64)
#define HEAD_MAX (sizeof(ck_head) + sizeof(scan_head) + sizeof(lat_body))
/* The filter of f and g (FILTER_MAX bytes) into flt. */
static void scan_filter(const struct debt_filter *f, const struct scan_range *g, char *flt)
{
	size_t n = 0;

	n += (size_t)snprintf(flt + n, FILTER_MAX - n, "true");
	if (f->account > 0)
		n += (size_t)snprintf(flt + n, FILTER_MAX - n, " AND %s", filter_account);
	if (f->shard_n > 0)
		n += (size_t)snprintf(flt + n, FILTER_MAX - n, " AND %s", filter_shard);
	if (g->to > 0)
		n += (size_t)snprintf(flt + n, FILTER_MAX - n, " AND %s", filter_range);
	if (g->candidates)
		snprintf(flt + n, FILTER_MAX - n, " AND %s", filter_candidates);
}

static void scan_statement(const struct debt_filter *f, const struct scan_range *g, char *buf)
{
	char flt[FILTER_MAX];
	char head[HEAD_MAX];

	scan_filter(f, g, flt);

	if (g->checkpoints && g->ranges) {
		snprintf(head, sizeof(head), lat_body, g->branch ? "a.branch" : "NULL::text");
		snprintf(buf, SCAN_SQL_MAX, "%s%s%s%s", scan_copy, lat_head, flt, head);
		return;
	}
	/* the head's conversions: the branch column, and which accounts'
	 * rows are sent (a household's is implied, see scan_range) */
	snprintf(head, sizeof(head), g->checkpoints ? ck_head : scan_head,
		 g->branch ? "branch" : "NULL::text",
		 g->branch || g->checkpoints ? "" : "kind <> 'individual' AND ");
	snprintf(buf, SCAN_SQL_MAX, "%s%s%s%s%s%s%s%s%s%s", scan_copy,
		 head, flt,
		 g->checkpoints ? ck_obligation : scan_obligation, flt,
		 g->checkpoints ? ck_payment : scan_payment, flt,
		 g->checkpoints ? ck_carry : "", g->checkpoints ? flt : "", scan_tail);
}

/* Account ids, growing. */
struct idlist {
	int64_t *id;
	size_t n, cap;
	int failed;          /* out of memory */
};

static void idlist_add(struct idlist *l, int64_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		int64_t *nid = realloc(l->id, cap * sizeof(*nid));

		if (!nid) {
			l->failed = 1;
			return;
		}
		l->id = nid;
		l->cap = cap;
	}
	l->id[l->n++] = id;
}

/* New checkpoints, to be written by the run (sql/250). */
struct ck_row {
	int64_t account_id;
	struct ledger_settled s;
};

struct cklist {
	struct ck_row *row;
	size_t n, cap;
	int failed;          /* out of memory */
	int64_t used;        /* accounts read from a checkpoint */
};

static void cklist_add(struct cklist *l, int64_t id, const struct ledger_settled *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct ck_row *nr = realloc(l->row, cap * sizeof(*nr));

		if (!nr) {
			l->failed = 1;
			return;
		}
		l->row = nr;
		l->cap = cap;
	}
	l->row[l->n].account_id = id;
	l->row[l->n].s = *s;
	l->n++;
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
	struct idlist *refused_ids;  /* where the refused accounts are noted, or NULL */
	/* checkpoints (sql/250): the current account's, when it was read from one */
	int ck;
	struct ledger_settled ck_prev;
	int implied;         /* a household's account row is not sent */
	/* where the checkpoints to write go (debt_snapshot_run), or NULL */
	struct cklist *made;
	sdate cut_max;       /* the latest cut a new checkpoint may have */
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
	if (s->refused_ids)
		idlist_add(s->refused_ids, s->a.account_id);
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
	/* an account without obligations or payments is not seen (one with a
	 * checkpoint has them, settled) */
	if (s->refused || !s->known || (s->entries == 0 && !s->ck))
		return 0;
	if (ledger_allocate(&s->l, e) ||
	    ledger_debt_compute(&s->l, s->r, s->a.kind, s->f->as_of, &s->d, e)) {
		char msg[sizeof(e->msg)];
		if (refuse(s, e) == 0)
			return 0;
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return err_set(e, e->kind, "account %lld: %s", (long long)s->a.account_id, msg);
	}
	if (s->made) {
		struct ledger_settled next;
		int rc = ledger_settle(&s->l, &s->d, &s->ck_prev, s->cut_max, &next, e);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			next.penalty += s->ck_prev.penalty;
			cklist_add(s->made, s->a.account_id, &next);
		}
		if (s->ck)
			s->made->used++;
	}
	/* the settled periods' penalties, final (sql/250) */
	s->d.penalty += s->ck_prev.penalty;
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

static int bad_row(struct scan_state *s, struct sbyt_err *e, const char *what)
{
	if (s->f->rej) {
		err_set(e, ERR_DATA, "%s", what);
		return refuse(s, e);
	}
	return err_set(e, ERR_DATA, "account %lld: %s", (long long)s->a.account_id, what);
}

/* One row of the stream as read from its binary form. */
struct scan_row {
	int64_t account_id;
	int tag;
	const char *branch;  /* not NUL-terminated */
	int branch_len;      /* -1: NULL */
	int has_period, has_due, has_pid;
	sdate period, due;
	money amount;
	int64_t pid;
};

#define PG_EPOCH 10957  /* 2000-01-01 in days since 1970-01-01 */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t get64(const unsigned char *p)
{
	return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4));
}

/* The tuple at p (n bytes left) into *r: the bytes it took, 0 for the
 * trailer, or -1 when it is not the tuple the scan sends. */
static long scan_tuple(const unsigned char *p, size_t n, struct scan_row *r)
{
	static const int width[7] = { 8, 2, -1, 4, 4, 8, 8 };
	size_t at = 2;

	if (n < 2)
		return -1;
	if (p[0] == 0xff && p[1] == 0xff)
		return 0;
	if (p[0] != 0 || p[1] != 7)
		return -1;
	memset(r, 0, sizeof(*r));
	r->branch_len = -1;
	r->has_period = r->has_due = 0;
	r->amount = 0;
	r->pid = 0;
	r->tag = TAG_NONE;
	for (int k = 0; k < 7; k++) {
		int32_t len;
		const unsigned char *v;

		if (n - at < 4)
			return -1;
		len = (int32_t)get32(p + at);
		at += 4;
		if (len < 0) {
			if (k < 1)
				return -1;
			continue;
		}
		if ((width[k] >= 0 && len != width[k]) || (size_t)len > n - at)
			return -1;
		v = p + at;
		at += (size_t)len;
		switch (k) {
		case 0: r->account_id = get64(v); break;
		case 1: r->tag = (int16_t)(v[0] << 8 | v[1]); break;
		case 2: r->branch = (const char *)v; r->branch_len = len; break;
		case 3: r->period = (int32_t)get32(v) + PG_EPOCH; r->has_period = 1; break;
		case 4: r->due = (int32_t)get32(v) + PG_EPOCH; r->has_due = 1; break;
		case 5: r->amount = get64(v); break;
		default: r->pid = get64(v); r->has_pid = 1; break;
		}
	}
	/* a row without a tag is an obligation, or a payment when it has an id */
	if (r->tag == TAG_NONE)
		r->tag = r->has_pid ? TAG_PAYMENT : TAG_OBLIGATION;
	return (long)at;
}

/* One row of the stream into the current account. */
static int take_row(struct scan_state *s, const struct scan_row *r, struct sbyt_err *e)
{
	speriod period = LEDGER_NO_PERIOD;

	if (!s->open || r->account_id != s->a.account_id) {
		if (finish_account(s, e))
			return -1;
		ledger_reset(&s->l);
		s->a.account_id = r->account_id;
		s->open = 1;
		s->known = 0;
		s->entries = 0;
		s->refused = 0;
		s->ck = 0;
		memset(&s->ck_prev, 0, sizeof(s->ck_prev));
		if (s->implied) {
			s->known = 1;
			s->a.kind = CUSTOMER_INDIVIDUAL;
			s->a.branch[0] = '\0';
		}
	}
	if (s->refused)
		return 0;
	switch (r->tag) {
	case TAG_INDIVIDUAL: s->a.kind = CUSTOMER_INDIVIDUAL; break;
	case TAG_LEGAL: s->a.kind = CUSTOMER_LEGAL; break;
	case TAG_MANAGING: s->a.kind = CUSTOMER_MANAGING; break;
	case TAG_UNKNOWN: return bad_row(s, e, "unknown account kind");
	case TAG_OBLIGATION: case TAG_PAYMENT: break;
	default: return err_set(e, ERR_INTERNAL, "debt scan: unknown row tag %d", r->tag);
	}
	if (r->tag < TAG_OBLIGATION) {
		int n = r->branch_len < 0 ? 0 : r->branch_len;

		if (n >= DEBT_BRANCH_MAX)
			n = DEBT_BRANCH_MAX - 1;
		if (n > 0)  /* NULL when the caller does not want it */
			memcpy(s->a.branch, r->branch, (size_t)n);
		s->a.branch[n] = '\0';
		s->known = 1;
		/* its checkpoint (the statement with checkpoints only) */
		if (r->has_period && r->has_due) {
			s->ck = 1;
			s->ck_prev.period_from = period_of(r->period);
			s->ck_prev.cut = r->due;
			s->ck_prev.penalty = r->amount;
			s->ck_prev.due_max = (sdate)r->pid + PG_EPOCH;
		}
		return 0;
	}
	/* billed penalties are not principal; lines of 0.00 are nothing */
	if (r->tag == TAG_OBLIGATION &&
	    (r->amount == 0 || (r->branch_len == 7 && memcmp(r->branch, "penalty", 7) == 0)))
		return 0;
	if (r->has_period)
		period = period_of(r->period);
	if (!r->has_due)
		return bad_row(s, e, "bad date");
	s->entries++;
	if (r->tag == TAG_OBLIGATION) {
		struct ledger_charge c = { period, r->due, r->amount, LEDGER_CHARGE };

		if (period == LEDGER_NO_PERIOD)
			return bad_row(s, e, "obligation without a period");
		if (r->amount < 0 || (r->branch_len == 6 && memcmp(r->branch, "recalc", 6) == 0))
			c.kind = LEDGER_RECALC;
		if (ledger_add_charge(&s->l, &c, e) < 0)
			return refuse(s, e);
	} else {
		struct ledger_payment p = { r->pid, r->due, r->amount, period };

		if (ledger_add_payment(&s->l, &p, e))
			return refuse(s, e);
	}
	return 0;
}

/* One stream of the scan: its connection, the ledger it is gathering, and
 * where it is in its COPY. */
struct scan_stream {
	PGconn *db;
	struct scan_state s;
	struct debt_totals t;
	int header, ended, done;
	int64_t since;       /* rows not yet counted in the progress */
};

static void stream_init(struct scan_stream *st, PGconn *db, const struct penalty_rules *r,
			const struct debt_filter *f, const struct debt_sink *sink)
{
	memset(st, 0, sizeof(*st));
	st->db = db;
	st->s.r = r;
	st->s.f = f;
	st->s.sink = sink;
	st->s.t = &st->t;
	ledger_init(&st->s.l);
	ledger_debt_init(&st->s.d);
}

static void stream_release(struct scan_stream *st)
{
	ledger_release(&st->s.l);
	ledger_debt_release(&st->s.d);
}

/* Start the stream's COPY in the open transaction of its connection. */
static int stream_start(struct scan_stream *st, const struct scan_range *g, struct sbyt_err *e)
{
	char sql[SCAN_SQL_MAX];
	PGresult *res;

	/* the plan wanted is the merge of the three key-ordered scans: the
	 * filter's values are not known when the statement is planned, so
	 * the planner is told not to sort (nor to gather workers, which sort);
	 * a plain scan gains nothing from compiling it */
	if (db_exec(st->db, e, "SET LOCAL enable_sort = off", 0, NULL) ||
	    db_exec(st->db, e, "SET LOCAL max_parallel_workers_per_gather = 0", 0, NULL) ||
	    db_exec(st->db, e, "SET LOCAL jit = off", 0, NULL) ||
	    scan_settings(st->db, st->s.f, g, e))
		return -1;
	scan_statement(st->s.f, g, sql);
	st->s.implied = households_implied(g);
	res = PQexec(st->db, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		db_result_error(st->db, res, e);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* One message of the stream's COPY (n bytes at buf): its rows into the
 * ledgers. */
static int stream_feed(struct scan_stream *st, const char *buf, int n, struct progress *prog,
		       struct sbyt_err *e)
{
	static const unsigned char sig[11] = "PGCOPY\n\377\r\n";
	const unsigned char *p = (const unsigned char *)buf;
	size_t left = (size_t)n;

	if (!st->header) {
		if (left < 19 || memcmp(p, sig, 11) != 0 || get32(p + 15) > left - 19)
			return err_set(e, ERR_INTERNAL, "debt scan: not a binary COPY");
		left -= 19 + get32(p + 15);
		p += 19 + get32(p + 15);
		st->header = 1;
	}
	while (left > 0) {
		struct scan_row r;
		long used = st->ended ? -1 : scan_tuple(p, left, &r);

		if (used < 0)
			return err_set(e, ERR_INTERNAL, "debt scan: a row not as sent");
		if (used == 0) {
			st->ended = 1;
			left -= 2;
			p += 2;
			continue;
		}
		if (take_row(&st->s, &r, e))
			return -1;
		left -= (size_t)used;
		p += used;
		if (st->s.f->account == 0 && ++st->since == 4096) {
			progress_add(prog, st->since);
			st->since = 0;
		}
	}
	return 0;
}

/* The stream's COPY has ended (PQgetCopyData gave n < 0): its result, and
 * the last account. */
static int stream_end(struct scan_stream *st, int n, struct progress *prog, struct sbyt_err *e)
{
	st->done = 1;
	if (n == -2)
		return db_result_error(st->db, NULL, e);
	if (db_drain(st->db, e))
		return -1;
	if (!st->ended)
		return err_set(e, ERR_INTERNAL, "debt scan: the COPY ended early");
	progress_add(prog, st->since);
	st->since = 0;
	return finish_account(&st->s, e);
}

/* Stop a stream whose rows are no longer wanted: cancel its COPY, drain. */
static void stream_cancel(struct scan_stream *st)
{
	PGcancel *c;
	char why[256], *buf;
	struct sbyt_err ignore;

	if (st->done)
		return;
	st->done = 1;
	c = PQgetCancel(st->db);
	if (c) {
		PQcancel(c, why, sizeof(why));
		PQfreeCancel(c);
	}
	while (PQgetCopyData(st->db, &buf, 0) > 0)
		PQfreemem(buf);
	db_drain(st->db, &ignore);
}

static void totals_add(struct debt_totals *t, const struct debt_totals *u)
{
	t->accounts += u->accounts;
	t->in_debt += u->in_debt;
	t->rows += u->rows;
	t->refused += u->refused;
	t->principal += u->principal;
	t->penalty += u->penalty;
}

/* the rules must cover the as-of date itself: a gap there is not one
 * account's, it stops the scan (a gap at an old date refuses the accounts
 * that reach it) */
static int scan_rules_cover(const struct penalty_rules *r, const struct debt_filter *f,
			    struct sbyt_err *e)
{
	if (f->rej && (penalty_rate_on(r, f->as_of, NULL, NULL, e) ||
		       (r->cal && calendar_class_err(r->cal, f->as_of, e) < 0)))
		return -1;
	return 0;
}

/* Read nst streams (1 or 2, each started) to their ends, whichever has
 * rows first; on failure every stream is cancelled.  Their totals are
 * added to *t. */
static int streams_read(struct scan_stream *st, int nst, struct debt_totals *t,
			struct sbyt_err *e)
{
	struct progress prog;
	int live = nst, rc = 0;

	/* rows, rate on a terminal only (log.h); the total is not known */
	progress_start(&prog, "debt: ledger rows", 0);
	while (live > 0 && rc == 0) {
		struct pollfd pfd[2];
		int np = 0;

		for (int k = 0; k < nst && rc == 0; k++) {
			char *buf;
			int n;

			if (st[k].done)
				continue;
			/* whatever has arrived, without waiting (one stream blocks
			 * only when it is the last) */
			while ((n = PQgetCopyData(st[k].db, &buf, live > 1)) > 0) {
				rc = stream_feed(&st[k], buf, n, &prog, e);
				PQfreemem(buf);
				if (rc)
					break;
			}
			if (rc)
				break;
			if (n < 0) {
				rc = stream_end(&st[k], n, &prog, e);
				live--;
			} else {
				pfd[np].fd = PQsocket(st[k].db);
				pfd[np].events = POLLIN;
				np++;
			}
		}
		if (rc == 0 && np == live && np > 0) {
			if (poll(pfd, (nfds_t)np, -1) < 0 && errno != EINTR)
				rc = err_set(e, ERR_DB, "debt scan: poll: %s", strerror(errno));
			for (int k = 0; k < nst && rc == 0; k++)
				if (!st[k].done && PQconsumeInput(st[k].db) != 1)
					rc = db_result_error(st[k].db, NULL, e);
		}
	}
	if (rc)
		for (int k = 0; k < nst; k++)
			stream_cancel(&st[k]);
	progress_end(&prog);
	for (int k = 0; k < nst; k++)
		totals_add(t, &st[k].t);
	return rc;
}

/* ---- the table split: one connection a table, merged on the client ---- */

/* One table's rows in account order (tab_*), read on a connection of its
 * own by a thread of its own, which gathers the COPY's messages into
 * chunks of SRC_CHUNK bytes queued for the merge, up to a limit of bytes
 * ahead of it (SRC_QUEUE; SBYT_DEBT_QUEUE in kilobytes, tests).  Read in
 * step with the merge (a message at a time, as before), a reader was
 * stopped whenever the merge waited for another one: its socket's few
 * hundred kilobytes filled at once, and the server processes took turns
 * with the client rather than running beside it (at 1,000,000 accounts of
 * bench_debt.sh the obligations' reader slept 3.1-4.2 s of a 6-7.5 s run,
 * 1.1 s with the queue). */
#define SRC_CHUNK (64 * 1024)
#define SRC_QUEUE (8 * 1024 * 1024)

struct src_chunk {
	struct src_chunk *next;
	size_t len, cap;
	unsigned char data[];
};

struct merge_src {
	PGconn *db;
	PGcancel *cancel;
	/* shared with the thread, under mu: the chunks read and not yet
	 * taken (their bytes), the COPY's end (PQgetCopyData's n < 0; -3:
	 * out of memory), stop (the merge wants no more) */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct src_chunk *head, *tail;
	size_t queued, queue_max;
	int end, stop, started;
	/* the merge's side: the chunk being read, where, the next row */
	struct src_chunk *cur;
	const unsigned char *p;
	size_t left;         /* what is left of cur at p */
	struct scan_row r;   /* the next row when has */
	int has, header, ended, done;
};

/* The chunk c (may be NULL) at the queue's tail, and the end when end < 0;
 * waits while the queue is full.  0, or -1 when the merge stopped. */
static int src_push(struct merge_src *m, struct src_chunk *c, int end)
{
	int stop;

	pthread_mutex_lock(&m->mu);
	while (c && m->queued >= m->queue_max && !m->stop)
		pthread_cond_wait(&m->cv, &m->mu);
	stop = m->stop;
	if (c && !stop) {
		if (m->tail)
			m->tail->next = c;
		else
			m->head = c;
		m->tail = c;
		m->queued += c->len;
		c = NULL;
	}
	if (end < 0)
		m->end = end;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	free(c);
	return stop ? -1 : 0;
}

static void *src_thread(void *arg)
{
	struct merge_src *m = arg;
	struct src_chunk *c = NULL;

	for (;;) {
		char *buf;
		int n = PQgetCopyData(m->db, &buf, 0);

		if (n < 0) {
			src_push(m, c, n);
			return NULL;
		}
		/* a full chunk to the merge (freed when it stopped: the
		 * thread reads on to the cancelled COPY's end) */
		if (c && c->len + (size_t)n > c->cap) {
			src_push(m, c, 0);
			c = NULL;
		}
		if (!c) {
			size_t cap = (size_t)n > SRC_CHUNK ? (size_t)n : SRC_CHUNK;

			c = malloc(sizeof(*c) + cap);
			if (!c) {
				PQfreemem(buf);
				src_push(m, NULL, -3);
				return NULL;
			}
			c->next = NULL;
			c->len = 0;
			c->cap = cap;
		}
		memcpy(c->data + c->len, buf, (size_t)n);
		c->len += (size_t)n;
		PQfreemem(buf);
	}
}

/* Start the source's COPY (fmt with the filter of f and g) in the open
 * transaction of db, and its thread. */
static int src_start(struct merge_src *m, PGconn *db, const struct debt_filter *f,
		     const struct scan_range *g, const char *fmt, struct sbyt_err *e)
{
	char flt[FILTER_MAX], sql[sizeof(tab_payment) + FILTER_MAX];
	const char *env = getenv("SBYT_DEBT_QUEUE");
	PGresult *res;

	memset(m, 0, sizeof(*m));
	m->db = db;
	m->queue_max = env && atol(env) > 0 ? (size_t)atol(env) * 1024 : SRC_QUEUE;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	if (db_exec(db, e, "SET LOCAL enable_sort = off", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL max_parallel_workers_per_gather = 0", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL jit = off", 0, NULL) ||
	    scan_settings(db, f, g, e))
		return -1;
	scan_filter(f, g, flt);
	snprintf(sql, sizeof(sql), fmt, flt);
	res = PQexec(db, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		db_result_error(db, res, e);
		PQclear(res);
		m->done = 1;
		return -1;
	}
	PQclear(res);
	m->cancel = PQgetCancel(db);
	if (!m->cancel || pthread_create(&m->th, NULL, src_thread, m) != 0)
		return err_set(e, ERR_INTERNAL, "debt scan: cannot start a reader");
	m->started = 1;
	return 0;
}

/* The source's next row into m->r (m->has): 1 when there is one, 2 when
 * the COPY has ended (m->done), -1 on error.  Waits for the thread. */
static int src_next(struct merge_src *m, struct sbyt_err *e)
{
	static const unsigned char sig[11] = "PGCOPY\n\377\r\n";

	for (;;) {
		int end;

		if (m->left > 0) {
			long used = m->ended ? -1 : scan_tuple(m->p, m->left, &m->r);

			if (used < 0)
				return err_set(e, ERR_INTERNAL, "debt scan: a row not as sent");
			if (used == 0) {
				m->ended = 1;
				m->left -= 2;
				m->p += 2;
				continue;
			}
			m->p += used;
			m->left -= (size_t)used;
			m->has = 1;
			return 1;
		}
		free(m->cur);
		m->cur = NULL;
		pthread_mutex_lock(&m->mu);
		while (!m->head && !m->end)
			pthread_cond_wait(&m->cv, &m->mu);
		m->cur = m->head;
		if (m->cur) {
			m->head = m->cur->next;
			if (!m->head)
				m->tail = NULL;
			m->queued -= m->cur->len;
			pthread_cond_broadcast(&m->cv);
		}
		end = m->end;
		pthread_mutex_unlock(&m->mu);
		if (!m->cur) {
			/* the thread is done with the connection */
			pthread_join(m->th, NULL);
			m->started = 0;
			m->done = 1;
			if (end == -3)
				return err_set(e, ERR_INTERNAL, "out of memory");
			if (end == -2)
				return db_result_error(m->db, NULL, e);
			if (db_drain(m->db, e))
				return -1;
			if (!m->ended)
				return err_set(e, ERR_INTERNAL, "debt scan: the COPY ended early");
			return 2;
		}
		m->p = m->cur->data;
		m->left = m->cur->len;
		if (!m->header) {
			if (m->left < 19 || memcmp(m->p, sig, 11) != 0 || get32(m->p + 15) > m->left - 19)
				return err_set(e, ERR_INTERNAL, "debt scan: not a binary COPY");
			m->left -= 19 + get32(m->p + 15);
			m->p += 19 + get32(m->p + 15);
			m->header = 1;
		}
	}
}

/* Stop the source: its COPY cancelled when still running, its thread
 * ended, the connection drained, its chunks freed (whatever state it was
 * left in: after src_start(), whether it failed or not). */
static void src_cancel(struct merge_src *m)
{
	char why[256], *buf;
	struct sbyt_err ignore;

	if (m->started) {
		pthread_mutex_lock(&m->mu);
		m->stop = 1;
		pthread_cond_broadcast(&m->cv);
		pthread_mutex_unlock(&m->mu);
		PQcancel(m->cancel, why, sizeof(why));
		pthread_join(m->th, NULL);
		m->started = 0;
	}
	free(m->cur);
	m->cur = NULL;
	while (m->head) {
		struct src_chunk *c = m->head;

		m->head = c->next;
		free(c);
	}
	m->tail = NULL;
	if (m->db && !m->done) {
		m->done = 1;
		while (PQgetCopyData(m->db, &buf, 0) > 0)
			PQfreemem(buf);
		db_drain(m->db, &ignore);
	}
	if (m->cancel)
		PQfreeCancel(m->cancel);
	m->cancel = NULL;
	if (m->db) {
		pthread_mutex_destroy(&m->mu);
		pthread_cond_destroy(&m->cv);
		m->db = NULL;
	}
}

/* Read the k sources (each started) to their ends, their rows taken into
 * s in account order (the smallest account among the sources' next rows
 * first); on failure every source is cancelled.  The totals go to *t. */
static int merge_read(struct merge_src *m, int k, struct scan_stream *st, struct debt_totals *t,
		      struct sbyt_err *e)
{
	struct progress prog;
	int rc = 0;
	int64_t since = 0;

	progress_start(&prog, "debt: ledger rows", 0);
	while (rc == 0) {
		int best = -1;

		for (int i = 0; i < k && rc == 0; i++)
			if (!m[i].done && !m[i].has && src_next(&m[i], e) < 0)
				rc = -1;
		if (rc)
			break;
		for (int i = 0; i < k; i++)
			if (m[i].has && (best < 0 || m[i].r.account_id < m[best].r.account_id))
				best = i;
		if (best < 0)
			break;
		m[best].has = 0;
		if (take_row(&st->s, &m[best].r, e))
			rc = -1;
		else if (++since == 4096) {
			progress_add(&prog, since);
			since = 0;
		}
	}
	if (rc == 0) {
		progress_add(&prog, since);
		rc = finish_account(&st->s, e);
	}
	for (int i = 0; i < k; i++)
		src_cancel(&m[i]);
	progress_end(&prog);
	totals_add(t, &st->t);
	return rc;
}

int debt_scan(PGconn *db, const struct penalty_rules *r, const struct debt_filter *f,
	      const struct debt_sink *sink, struct debt_totals *t, struct sbyt_err *e)
{
	struct scan_stream st;
	struct scan_range all = { .branch = 1 };
	int rc;

	PGresult *res;
	char *saved[2] = { NULL, NULL };

	memset(t, 0, sizeof(*t));
	if (scan_rules_cover(r, f, e))
		return -1;
	/* the caller's transaction goes on after the scan: the planner
	 * settings the scan changes are given back afterwards */
	res = db_query(db, e, "SELECT current_setting('enable_sort'),"
		       " current_setting('max_parallel_workers_per_gather')", 0, NULL);
	if (!res)
		return -1;
	saved[0] = strdup(PQgetvalue(res, 0, 0));
	saved[1] = strdup(PQgetvalue(res, 0, 1));
	PQclear(res);
	if (!saved[0] || !saved[1]) {
		free(saved[0]);
		free(saved[1]);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	stream_init(&st, db, r, f, sink);
	rc = stream_start(&st, &all, e);
	if (rc == 0)
		rc = streams_read(&st, 1, t, e);
	stream_release(&st);
	if (rc == 0)
		rc = db_exec(db, e, "SELECT set_config('enable_sort', $1, true),"
			     " set_config('max_parallel_workers_per_gather', $2, true)", 2,
			     (const char *const *)saved);
	free(saved[0]);
	free(saved[1]);
	return rc;
}

/* ---- the daily snapshot ---- */

/* The snapshot rows go into one binary COPY straight into the day's
 * partition on the writing connection while the scan reads on its own
 * connection: the server stores the rows as they come, beside the scan.
 * The partition is the day's own (sql/170), so nothing is routed and the
 * parent's statement trigger (which notes the day: the job notes it
 * itself) does not run. */
struct snap {
	struct copybin c;
	sdate as_of;
	int64_t run_id;
};

static int snap_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct snap *s = arg;
	const struct ledger_debt *d = a->debt;
	sdate oldest = 0;

	if (d->principal <= 0 && d->penalty <= 0)
		return 0;
	for (int i = 0; i < d->nper; i++)
		if (d->per[i].principal > 0 && (!oldest || d->per[i].due < oldest))
			oldest = d->per[i].due;
	if (copybin_row(&s->c, 7, e) || copybin_int8(&s->c, a->account_id, e) ||
	    copybin_date(&s->c, s->as_of, e) || copybin_int8(&s->c, d->principal, e) ||
	    copybin_int2(&s->c, d->periods, e) || copybin_int8(&s->c, d->penalty, e) ||
	    (oldest ? copybin_date(&s->c, oldest, e) : copybin_null(&s->c, e)) ||
	    (s->run_id > 0 ? copybin_int8(&s->c, s->run_id, e) : copybin_null(&s->c, e)))
		return -1;
	return 0;
}

/* Where to split the accounts between two streams of the scan: *mid the
 * median account_id from the planner's statistics, or 0 (one stream) when
 * there are fewer than SPLIT_MIN accounts or no statistics; readers 1:
 * always 0; 2: always a split (the middle of the smallest and the largest
 * account when there are no statistics).  Read in the open transaction of
 * rd. */
#define SPLIT_MIN 50000
#define SPLIT_MIN_S "50000"
static int split_point(PGconn *rd, int readers, int64_t *mid, struct sbyt_err *e)
{
	char *v = NULL;

	*mid = 0;
	if (readers == 1)
		return 0;
	/* fewer accounts than that: no split, and no look at pg_stats (a view
	 * whose planning alone costs the server some 5 ms) */
	if (readers == 0) {
		if (db_value(rd, e, "SELECT reltuples >= $1::int FROM pg_class WHERE oid = 'account'::regclass",
			     1, (const char *const[]){ SPLIT_MIN_S }, &v))
			return -1;
		if (!v || strcmp(v, "t") != 0) {
			free(v);
			return 0;
		}
		free(v);
		v = NULL;
	}
	if (db_value(rd, e, "SELECT coalesce((SELECT b[array_length(b, 1) / 2 + 1] FROM ("
		     " SELECT histogram_bounds::text::bigint[] AS b FROM pg_stats"
		     " WHERE schemaname = 'public' AND tablename = 'account' AND attname = 'account_id'"
		     " AND (SELECT reltuples FROM pg_class WHERE oid = 'account'::regclass) >= $1::int) x),"
		     " (SELECT (min(account_id) + max(account_id)) / 2 + 1 FROM account WHERE $2))",
		     2, (const char *const[]){ readers >= 2 ? "0" : SPLIT_MIN_S,
					       readers >= 2 ? "true" : "false" }, &v))
		return -1;
	if (v)
		*mid = strtoll(v, NULL, 10);
	free(v);
	return 0;
}

/* A second reader in the same snapshot as rd (exported), or NULL with e
 * set. */
static PGconn *twin_reader(PGconn *rd, const char *conninfo, struct sbyt_err *e)
{
	char *id = NULL, *lit, sql[160];
	PGconn *rd2;

	if (db_value(rd, e, "SELECT pg_export_snapshot()", 0, NULL, &id))
		return NULL;
	rd2 = id ? db_connect(conninfo, e) : NULL;
	lit = rd2 ? PQescapeLiteral(rd2, id, strlen(id)) : NULL;
	free(id);
	if (!rd2 || !lit) {
		if (rd2 && !lit)
			err_set(e, ERR_INTERNAL, "cannot quote the snapshot id");
		PQfinish(rd2);
		return NULL;
	}
	snprintf(sql, sizeof(sql), "SET TRANSACTION SNAPSHOT %s", lit);
	PQfreemem(lit);
	if (db_exec(rd2, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) ||
	    db_exec(rd2, e, sql, 0, NULL)) {
		PQfinish(rd2);
		return NULL;
	}
	return rd2;
}

/* Whether the accounts read from their checkpoints are read by index
 * range (lat_body) rather than by the merge of whole tables: when the
 * ledgers hold at least RANGES_ROWS obligations and payments per account
 * (the planner's counts).  Measured at 20,000 accounts (bench-year): the
 * merge costs the server about 5 us an account and 0.22 us a ledger row,
 * the ranges about 8.7 us an account, whatever the history: even at some
 * 16 rows an account (8 months of monthly bills and payments).
 * SBYT_DEBT_SHAPE=merge or =range chooses (the tests, a comparison). */
#define RANGES_ROWS 16
#define RANGES_ROWS_S "16"
static int ranges_pay(PGconn *rd, int *ranges, struct sbyt_err *e)
{
	const char *env = getenv("SBYT_DEBT_SHAPE");
	char *v = NULL;

	*ranges = 0;
	if (env && (strcmp(env, "merge") == 0 || strcmp(env, "range") == 0)) {
		*ranges = env[0] == 'r';
		return 0;
	}
	if (db_value(rd, e, "SELECT a > 0 AND o + p >= a * " RANGES_ROWS_S " FROM (SELECT"
		     " (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'account'::regclass) a,"
		     " (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'obligation'::regclass) o,"
		     " (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'payment'::regclass) p) x",
		     0, NULL, &v))
		return -1;
	*ranges = v && strcmp(v, "t") == 0;
	free(v);
	return 0;
}

/* The base of an incremental run of f->as_of, read in the open
 * transaction of rd (see debt.h): *base set and the base's snapshot in
 * snap (SNAP_MAX) when there is one, else *base 0. */
#define SNAP_MAX 4096
#define GAP_MAX 31
#define GAP_MAX_S "31"
/* up to this many accounts to value, an incremental day always reads them alone */
#define CANDIDATES_FEW 1000
static int base_find(PGconn *rd, const struct debt_filter *f, sdate *base, char *snap,
		     struct sbyt_err *e)
{
	char day[DATE_BUF], n[16], i[16];
	const char *params[4] = { day, n, i, f->rules_version };
	PGresult *res;

	*base = 0;
	date_format(f->as_of, day);
	snprintf(n, sizeof(n), "%d", f->shard_n);
	snprintf(i, sizeof(i), "%d", f->shard_i);
	res = db_query(rd, e,
		"SELECT b.as_of, b.snap::text, b.rows FROM ("
		" SELECT * FROM debt_snapshot_base WHERE shard_n = $2::int AND shard_i = $3::int"
		" AND as_of < $1::date ORDER BY as_of DESC LIMIT 1) b"
		" WHERE b.rules = $4 AND b.as_of >= $1::date - " GAP_MAX_S
		" AND b.as_of = (SELECT max(as_of) FROM debt_snapshot_day WHERE as_of < $1::date)"
		" AND NOT EXISTS (SELECT 1 FROM debt_snapshot_day WHERE as_of > $1::date)",
		4, params);
	if (!res)
		return -1;
	if (PQntuples(res) == 1 && date_parse(PQgetvalue(res, 0, 0), -1, base) == 0 &&
	    strlen(PQgetvalue(res, 0, 1)) < SNAP_MAX)
		snprintf(snap, SNAP_MAX, "%s", PQgetvalue(res, 0, 1));
	else
		*base = 0;
	/* its rows untouched since: counted in the base day's partition, the
	 * day a parameter of its own (a date known when the statement is
	 * planned prunes the other days' partitions: planning them all cost
	 * 20 ms with a year of snapshots) */
	if (*base) {
		const char *cp[4] = { PQgetvalue(res, 0, 0), params[1], params[2], PQgetvalue(res, 0, 2) };
		char *same = NULL;

		if (db_value(rd, e, "SELECT count(*) = $4::bigint FROM debt_snapshot WHERE as_of = $1::date"
			     " AND ($2::int = 0 OR abs(hashint8(account_id)::bigint) % $2::int = $3::int)",
			     4, cp, &same)) {
			PQclear(res);
			return -1;
		}
		if (!same || strcmp(same, "t") != 0)
			*base = 0;
		free(same);
	}
	PQclear(res);
	return 0;
}

/* The due dates (as schedules name them) that, moved over days off, fall
 * from base to the day before as_of, as a date[] literal in buf (of size
 * bytes).  Returns 0, or -1 when a date cannot be moved (a calendar year
 * missing: the run is then full, where the accounts it concerns are
 * refused one by one). */
static int dues_between(const struct penalty_rules *r, sdate base, sdate as_of, char *buf,
			size_t size)
{
	size_t n = 0;
	struct sbyt_err ignore;

	n += (size_t)snprintf(buf, size, "{");
	/* a due date moves at most over the New Year days off */
	for (sdate d = base - 2 * GAP_MAX; d < as_of; d++) {
		sdate moved;
		char db_[DATE_BUF];

		if (penalty_due_move(r, d, &moved, &ignore))
			return -1;
		if (moved < base || moved >= as_of)
			continue;
		if (n + DATE_BUF + 2 >= size)
			return -1;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n > 1 ? "," : "",
				      date_format(d, db_));
	}
	snprintf(buf + n, size - n, "}");
	return 0;
}

/* The accounts written to that snapshot $1 could not see, and whether
 * account 0 (every account) is among them (sql/285: an array of ids a
 * statement). */
#define CHANGED_IDS                                                            \
	"(SELECT a FROM debt_changed c CROSS JOIN LATERAL unnest(c.ids) a"     \
	" WHERE NOT pg_visible_in_snapshot(c.xid, $1::pg_snapshot))"
#define CHANGED_ALL                                                            \
	"(SELECT 1 FROM debt_changed WHERE 0 = ANY (ids)"                      \
	" AND NOT pg_visible_in_snapshot(xid, $1::pg_snapshot))"

/* The accounts an incremental run from base values (sql/200), into the
 * setting sbyt.debt_ids of rd's open transaction: *n of them (-1: every
 * account was written to), of *total accounts (the planner's estimate; 0
 * when it has none). */
static int candidates_set(PGconn *rd, const char *base, const char *base_snap, const char *dues,
			  int64_t *n, int64_t *total, struct sbyt_err *e)
{
	const char *params[3] = { base, base_snap, dues };
	PGresult *res;

	/* most accounts written to since the base (a month of payments): every
	 * account is valued anyway, the list is not made (a tenth of the
	 * cost) */
	res = db_query(rd, e,
		"SELECT count(DISTINCT a), bool_or(a = 0),"
		" (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'account'::regclass)"
		" FROM " CHANGED_IDS " x",
		1, params + 1);
	if (!res)
		return -1;
	*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*total = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	if (strcmp(PQgetvalue(res, 0, 1), "t") == 0 ||
	    (*n > CANDIDATES_FEW && 2 * *n > *total)) {
		PQclear(res);
		*n = -1;
		return 0;
	}
	PQclear(res);
	res = db_query(rd, e,
		"SELECT coalesce(cardinality(ids), -1),"
		" set_config('sbyt.debt_ids', coalesce(ids::text, ''), true) IS NOT NULL,"
		" (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'account'::regclass)"
		" FROM (SELECT sbyt_debt_candidates($1::date, $2::pg_snapshot, $3::date[]) AS ids) x",
		3, params);

	if (!res)
		return -1;
	*n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*total = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	return 0;
}

/* A new checkpoint's cut is at least this many days before the as-of
 * date: a payment arriving late (a bank's registry of last month) is dated
 * after it and does not undo the checkpoint (sql/250). */
#define CK_LAG 31

/* The checkpoints made by the run (l) into debt_checkpoint, in the open
 * transaction of db (sql/250): under the table lock the writers'
 * triggers wait for, all of them dropped first when reset (other rules),
 * none written for an account with a change the reader (snapshot snap)
 * could not see; debt_checkpoint_meta names the rules and bounds the
 * dates. */
static int ck_write(PGconn *db, const struct cklist *l, sdate as_of, const char *snap,
		    const char *rules, int reset, struct sbyt_err *e)
{
	struct copybin c;
	const char *params[3] = { snap, rules, reset ? "t" : "f" };

	if (!reset && l->n == 0)
		return 0;
	/* all of them anew (reset): straight into the emptied table without
	 * its key, built at the end (sql/252), else through a table of their
	 * own merged in */
	if ((reset ? db_exec(db, e, "SELECT sbyt_checkpoint_reset()", 0, NULL) :
	     db_exec(db, e, "LOCK TABLE debt_checkpoint IN SHARE ROW EXCLUSIVE MODE", 0, NULL)) ||
	    (!reset && db_exec(db, e, "CREATE TEMP TABLE debt_checkpoint_new (LIKE debt_checkpoint)"
			       " ON COMMIT DROP", 0, NULL)) ||
	    copybin_begin(&c, db, reset ?
			  "COPY debt_checkpoint (account_id, period_from, cut, due_max,"
			  " penalty, made, carry_id, carry_date, carry_amount) FROM STDIN (FORMAT binary, FREEZE)" :
			  "COPY debt_checkpoint_new (account_id, period_from, cut, due_max,"
			  " penalty, made, carry_id, carry_date, carry_amount) FROM STDIN (FORMAT binary)", e))
		return -1;
	for (size_t k = 0; k < l->n; k++) {
		const struct ck_row *w = &l->row[k];
		int carry = w->s.carry_id > 0;

		if (copybin_row(&c, 9, e) || copybin_int8(&c, w->account_id, e) ||
		    copybin_date(&c, period_first(w->s.period_from), e) ||
		    copybin_date(&c, w->s.cut, e) || copybin_date(&c, w->s.due_max, e) ||
		    copybin_int8(&c, w->s.penalty, e) || copybin_date(&c, as_of, e) ||
		    (carry ? copybin_int8(&c, w->s.carry_id, e) : copybin_null(&c, e)) ||
		    (carry ? copybin_date(&c, w->s.carry_date, e) : copybin_null(&c, e)) ||
		    (carry ? copybin_int8(&c, w->s.carry_amount, e) : copybin_null(&c, e))) {
			copybin_abort(&c, "checkpoints not written");
			return -1;
		}
	}
	if (copybin_end(&c, e))
		return -1;
	if (reset)
		return db_exec(db, e, "DELETE FROM debt_checkpoint n WHERE n.account_id IN " CHANGED_IDS
				" OR EXISTS " CHANGED_ALL, 1, params) ||
		       db_exec(db, e, "SELECT sbyt_checkpoint_keyed()", 0, NULL) ||
		       db_exec(db, e, "INSERT INTO debt_checkpoint_meta AS m (rules, max_cut, max_from)"
				" SELECT $1, coalesce(max(cut), '-infinity'), coalesce(max(period_from), '-infinity')"
				" FROM debt_checkpoint ON CONFLICT (one) DO UPDATE SET rules = excluded.rules,"
				" max_cut = excluded.max_cut, max_from = excluded.max_from", 1, params + 1) ? -1 : 0;
	if (/* a hashed subplan and a once-evaluated EXISTS, not a scan per row */
	    db_exec(db, e, "DELETE FROM debt_checkpoint_new n WHERE n.account_id IN " CHANGED_IDS
		    " OR EXISTS " CHANGED_ALL, 1, params) ||
	    db_exec(db, e, "INSERT INTO debt_checkpoint SELECT * FROM debt_checkpoint_new"
		    " ON CONFLICT (account_id) DO UPDATE SET period_from = excluded.period_from,"
		    " cut = excluded.cut, due_max = excluded.due_max, penalty = excluded.penalty,"
		    " made = excluded.made, carry_id = excluded.carry_id,"
		    " carry_date = excluded.carry_date, carry_amount = excluded.carry_amount", 0, NULL) ||
	    db_exec(db, e, "INSERT INTO debt_checkpoint_meta AS m (rules, max_cut, max_from)"
		    " SELECT $1, coalesce(max(cut), '-infinity'), coalesce(max(period_from), '-infinity')"
		    " FROM debt_checkpoint_new ON CONFLICT (one) DO UPDATE SET rules = excluded.rules,"
		    " max_cut = CASE WHEN $2::boolean THEN excluded.max_cut"
		    "  ELSE greatest(m.max_cut, excluded.max_cut) END,"
		    " max_from = CASE WHEN $2::boolean THEN excluded.max_from"
		    "  ELSE greatest(m.max_from, excluded.max_from) END", 2, params + 1) ||
	    db_exec(db, e, "DROP TABLE debt_checkpoint_new", 0, NULL))
		return -1;
	return 0;
}

int debt_snapshot_run(PGconn *db, const char *conninfo, const struct penalty_rules *r,
		      const struct debt_filter *f, int64_t run_id, struct debt_totals *t,
		      int64_t *rows, struct sbyt_err *e)
{
	struct snap s = { .as_of = f->as_of, .run_id = run_id };
	struct debt_sink sink = { snap_account, &s };
	struct scan_stream st[2];
	struct scan_range g[2] = { { 0 }, { 0 } };
	struct idlist refused = { 0 };
	struct cklist made = { 0 };
	char *ck_rules = NULL;
	int use_ck = 0, write_ck = f->rules_version && !f->full;
	char day[DATE_BUF], run[24], shard_n[16], shard_i[16], copy_sql[192], nrows[24];
	char base_day[DATE_BUF], dues[(3 * GAP_MAX + 2) * (DATE_BUF + 1) + 4];
	char *my_snap = NULL, *base_snap = NULL, *ids = NULL;
	const char *params[3] = { day, f->shard_n > 0 ? shard_n : NULL,
				  f->shard_n > 0 ? shard_i : NULL };
	const char *day_params[2] = { day, run };
	const char *keep_params[3] = { day, shard_n, shard_i };
	int y, m, dd, copying = 0, nst = 1, swap, tables = 0;
	const char *env;
	sdate base = 0;
	int64_t mid, total = 0;
	PGconn *rd, *rd2 = NULL, *rd3 = NULL;
	int rc = -1;

	*rows = 0;
	memset(t, 0, sizeof(*t));
	if (f->account > 0)
		return err_set(e, ERR_INTERNAL, "the snapshot is written for all accounts");
	if (scan_rules_cover(r, f, e))
		return -1;
	date_format(f->as_of, day);
	snprintf(run, sizeof(run), "%lld", (long long)run_id);
	snprintf(shard_n, sizeof(shard_n), "%d", f->shard_n);
	snprintf(shard_i, sizeof(shard_i), "%d", f->shard_i);
	/* the day's partition: debt_snapshot_YYYYMMDD (sql/170), digits of a date */
	date_to_ymd(f->as_of, &y, &m, &dd);
	/* a run of every account writes a new table swapped in for the day's
	 * partition (sql/251): its index built once at the end, not row by
	 * row; a shard's run replaces its own rows of the shared partition */
	env = getenv("SBYT_DEBT_SWAP");
	swap = f->shard_n == 0 && !(env && strcmp(env, "0") == 0);
	snprintf(copy_sql, sizeof(copy_sql), "COPY debt_snapshot_%04d%02d%02d%s (account_id, as_of,"
		 " principal, periods, penalty, oldest_due, run_id) FROM STDIN (FORMAT binary%s)",
		 y, m, dd, swap ? "_new" : "", swap ? ", FREEZE" : "");
	base_snap = malloc(SNAP_MAX);
	rd = base_snap ? db_connect(conninfo, e) : NULL;
	if (!rd) {
		free(base_snap);
		return base_snap ? -1 : err_set(e, ERR_INTERNAL, "out of memory");
	}
	stream_init(&st[0], rd, r, f, &sink);
	/* the day's partition and the next day's, created ahead in a
	 * transaction of their own (sql/170) */
	if (db_exec(db, e, swap ? "SELECT sbyt_snapshot_partition($1::date + 1)" :
		    "SELECT sbyt_snapshot_partition($1::date),"
		    " sbyt_snapshot_partition($1::date + 1)", 1, params))
		goto out;
	/* the reader sees one state of the ledgers, whatever commits meanwhile
	 * (its snapshot, the first statement's, is the next day's base); a
	 * large scan is read in two halves by two readers in that state, so
	 * that two server processes read while the client values */
	if (db_exec(rd, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) ||
	    db_value(rd, e, "SELECT pg_current_snapshot()::text", 0, NULL, &my_snap) ||
	    split_point(rd, f->readers, &mid, e))
		goto out;
	if (!my_snap) {
		err_set(e, ERR_INTERNAL, "no snapshot of the reader");
		goto out;
	}
	/* the checkpoints are read when made with these rules (sql/250) */
	if (write_ck) {
		if (db_value(rd, e, "SELECT (SELECT rules FROM debt_checkpoint_meta)", 0, NULL, &ck_rules))
			goto out;
		use_ck = ck_rules && strcmp(ck_rules, f->rules_version) == 0;
		g[0].checkpoints = g[1].checkpoints = use_ck;
		if (use_ck && ranges_pay(rd, &g[0].ranges, e))
			goto out;
		g[1].ranges = g[0].ranges;
		st[0].s.made = &made;
		st[0].s.cut_max = f->as_of - CK_LAG;
	}
	if (f->rules_version && !f->full) {
		if (base_find(rd, f, &base, base_snap, e))
			goto out;
		if (base && dues_between(r, base, f->as_of, dues, sizeof(dues)))
			base = 0;
		if (base && candidates_set(rd, date_format(base, base_day), base_snap, dues,
					   &t->candidates, &total, e))
			goto out;
		/* most accounts to value: the plain merge of every ledger reads
		 * them faster than a lookup each (the rows are the same) */
		if (base && (t->candidates < 0 ||
			     (t->candidates > CANDIDATES_FEW && 2 * t->candidates > total))) {
			base = 0;
			t->candidates = total;
		}
		/* a few: one reader (unless two are asked for) */
		if (base) {
			g[0].candidates = g[1].candidates = 1;
			if (f->readers < 2)
				mid = 0;
		}
	}
	st[0].s.refused_ids = &refused;
	/* a large scan without checkpoints or candidates (the first day, a
	 * day of many changes): one connection a table (f->readers 0 or 3) */
	tables = mid > 0 && !use_ck && !g[0].candidates && (f->readers == 0 || f->readers == 3);
	if (tables) {
		rd2 = twin_reader(rd, conninfo, e);
		rd3 = rd2 ? twin_reader(rd, conninfo, e) : NULL;
		if (!rd3)
			goto out;
		st[0].s.implied = households_implied(&g[0]);
	} else if (mid > 0) {
		int64_t n2, total2;

		rd2 = twin_reader(rd, conninfo, e);
		if (!rd2)
			goto out;
		/* the same accounts: the same function in the same snapshot */
		if (g[1].candidates && candidates_set(rd2, base_day, base_snap, dues, &n2, &total2, e))
			goto out;
		stream_init(&st[1], rd2, r, f, &sink);
		st[1].s.refused_ids = &refused;
		st[1].s.made = st[0].s.made;
		st[1].s.cut_max = st[0].s.cut_max;
		g[0].from = INT64_MIN;
		g[0].to = g[1].from = mid;
		g[1].to = INT64_MAX;
		nst = 2;
	}
	if (db_begin(db, e))
		goto out;
	if ((swap ? db_exec(db, e, "SELECT sbyt_snapshot_stage($1::date)", 1, params) :
	     db_exec(db, e,
		     "DELETE FROM debt_snapshot WHERE as_of = $1::date"
		     " AND ($2::int IS NULL OR abs(hashint8(account_id)::bigint) % $2::int = $3::int)",
		     3, params)) ||
	    copybin_begin(&s.c, db, copy_sql, e))
		goto fail;
	copying = 1;
	if (tables) {
		struct merge_src src[3];

		memset(src, 0, sizeof(src));
		if (src_start(&src[0], rd, f, &g[0], tab_account, e) ||
		    src_start(&src[1], rd2, f, &g[0], tab_obligation, e) ||
		    src_start(&src[2], rd3, f, &g[0], tab_payment, e)) {
			for (int k = 0; k < 3; k++)
				src_cancel(&src[k]);
			goto fail;
		}
		if (merge_read(src, 3, &st[0], t, e))
			goto fail;
	} else {
		for (int k = 0; k < nst; k++)
			if (stream_start(&st[k], &g[k], e))
				goto fail;
		if (streams_read(st, nst, t, e))
			goto fail;
	}
	copying = 0;
	*rows = s.c.rows;
	/* the readers' transactions end (they hold debt_snapshot, which the
	 * swap locks); the day's rows swapped in before anything else is
	 * written (sql/251) */
	if (db_exec(rd, e, "COMMIT", 0, NULL) || (rd2 && db_exec(rd2, e, "COMMIT", 0, NULL)) ||
	    (rd3 && db_exec(rd3, e, "COMMIT", 0, NULL)))
		goto fail;
	if (copybin_end(&s.c, e) ||
	    (swap && db_exec(db, e, "SELECT sbyt_snapshot_swap($1::date)", 1, params)) ||
	    db_exec(db, e,
		    "INSERT INTO debt_snapshot_day (as_of, run_id) VALUES ($1::date, nullif($2, '0')::bigint)"
		    " ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id,"
		    " taken_at = clock_timestamp()", 2, day_params))
		goto fail;
	if (refused.failed) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	/* the accounts refused, valued again the next day */
	ids = malloc(refused.n * 21 + 3);
	if (!ids) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	{
		size_t n = 0;
		const char *rp[2] = { day, ids };

		ids[n++] = '{';
		for (size_t k = 0; k < refused.n; k++)
			n += (size_t)sprintf(ids + n, "%s%lld", k ? "," : "", (long long)refused.id[k]);
		ids[n++] = '}';
		ids[n] = '\0';
		snprintf(nrows, sizeof(nrows), "%lld", (long long)*rows);
		if (db_exec(db, e, "DELETE FROM debt_refused WHERE (as_of = $1::date"
			    " AND ($2::int = 0 OR abs(hashint8(account_id)::bigint) % $2::int = $3::int))"
			    " OR as_of < $1::date - 2 * " GAP_MAX_S, 3, keep_params) ||
		    db_exec(db, e, "INSERT INTO debt_refused (as_of, account_id)"
			    " SELECT $1::date, unnest($2::bigint[]) ON CONFLICT DO NOTHING", 2, rp))
			goto fail;
	}
	if (made.failed) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	if (write_ck && ck_write(db, &made, f->as_of, my_snap, f->rules_version, !use_ck, e))
		goto fail;
	/* what every recent base has seen is no longer needed; then this day
	 * is the next one's base */
	{
		const char *bp[6] = { day, shard_n, shard_i, my_snap, f->rules_version ? f->rules_version : "",
				      nrows };

		if (db_exec(db, e,
			    "DELETE FROM debt_changed c WHERE EXISTS (SELECT 1 FROM debt_snapshot_base"
			    "  WHERE as_of < $1::date AND as_of >= $1::date - " GAP_MAX_S ")"
			    " AND NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (shard_n, shard_i) snap"
			    "  FROM debt_snapshot_base WHERE as_of < $1::date AND as_of >= $1::date - " GAP_MAX_S
			    "  ORDER BY shard_n, shard_i, as_of DESC) b"
			    "  WHERE NOT pg_visible_in_snapshot(c.xid, b.snap))", 1, bp) ||
		    db_exec(db, e, "DELETE FROM debt_snapshot_base WHERE as_of < $1::date - 2 * " GAP_MAX_S,
			    1, bp) ||
		    (f->rules_version &&
		     db_exec(db, e, "INSERT INTO debt_snapshot_base (as_of, shard_n, shard_i, snap, rules, rows)"
			     " VALUES ($1::date, $2::int, $3::int, $4::pg_snapshot, $5, $6::bigint)"
			     " ON CONFLICT (as_of, shard_n, shard_i) DO UPDATE SET snap = excluded.snap,"
			     " rules = excluded.rules, rows = excluded.rows", 6, bp)) ||
		    db_commit(db, e))
			goto fail;
	}
	t->incremental = base != 0;
	t->readers = tables ? 3 : nst;
	t->checkpoints = use_ck;
	t->ranges = g[0].ranges;
	t->swapped = swap;
	t->ck_used = made.used;
	t->ck_made = (int64_t)made.n;
	t->base = base;
	rc = 0;
	goto out;
fail:
	if (copying)
		copybin_abort(&s.c, "debt scan failed");
	*rows = 0;
	db_rollback(db);
out:
	for (int k = 0; k < nst; k++)
		stream_release(&st[k]);
	PQfinish(rd3);
	PQfinish(rd2);
	PQfinish(rd);
	free(refused.id);
	free(made.row);
	free(ck_rules);
	free(ids);
	free(my_snap);
	free(base_snap);
	return rc;
}
