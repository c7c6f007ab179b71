/* billrun.c - the bill job's database side; see billrun.h. */
#include "billrun.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "bill.h"
#include "copybin.h"
#include "db.h"

#define BATCH_TEXT "50000" /* accounts per cursor fetch and per COPY */
#define MAX_HIST 63      /* months of history (bill.c keeps 63) */
#define HELD_MAX 1024    /* accounts held for their older readings at once (9 kB each) */

/* $1 branch, $2 shard count (0: none), $3 shard, $4 the period's last day,
 * $5 the kind of account (NULL: both). */
#define FILTER                                                                     \
	" a.branch = $1 AND ($2::int = 0 OR abs(hashint8(a.account_id)::bigint) % $2::int" \
	" = $3::int) AND a.opened_on <= $4::date AND ($5::text IS NULL OR a.kind = $5::text) "

/* With opts->unissued, also: the account has no document of the period. */
#define UNISSUED                                                                   \
	" AND NOT EXISTS (SELECT 1 FROM document d WHERE d.account_id = a.account_id"     \
	" AND d.period = date_trunc('month', $4::date)::date) "

/* Each query in two forms: [0] FILTER, [1] FILTER UNISSUED. */
#define BOTH(q) { q(FILTER), q(FILTER UNISSUED) }

#define Q_COUNT(F) "SELECT count(*) FROM account a WHERE" F
static const char *const SQL_COUNT[2] = BOTH(Q_COUNT);

/* The first and last account_id of the branch: the other streams read only
 * that range of their primary keys, and the merge by account in
 * one_account() skips the rows of accounts that are not the branch's. */
#define Q_BOUNDS(F) "SELECT min(a.account_id), max(a.account_id) FROM account a WHERE" F
static const char *const SQL_BOUNDS[2] = BOTH(Q_BOUNDS);

/* $6, $7: the bounds. */
#define Q_ACCOUNTS(F)                                                              \
	"DECLARE bill_acc NO SCROLL CURSOR FOR" \
	" SELECT a.account_id, a.kind, a.category, a.residents, a.rooms," \
	"  coalesce(c.price_category, 0), m.meter, m.zones, m.digits, m.verified_until," \
	"  m.initial_t1, m.initial_t2, m.initial_t3, coalesce(c.readings_day, 0)" \
	" FROM account a" \
	" LEFT JOIN contract c ON c.account_id = a.account_id" \
	" LEFT JOIN (SELECT DISTINCT ON (m.account_id) m.* FROM meter m" \
	"  WHERE m.account_id BETWEEN $6::bigint AND $7::bigint AND m.installed_on <= $4::date" \
	"  ORDER BY m.account_id, m.installed_on DESC, m.meter DESC) m ON m.account_id = a.account_id" \
	" WHERE" F " AND a.account_id BETWEEN $6::bigint AND $7::bigint ORDER BY a.account_id"
static const char *const SQL_ACCOUNTS[2] = BOTH(Q_ACCOUNTS);

/* The months of the history window billed before P, in primary key order
 * (account, period, billed_in; periods as days since 1970-01-01): the last
 * row of a month, the latest billed before P, is the one that counts.
 * $1, $2 the bounds, $3 P, $4 the first month of the window. */
#define HIST_COLS                                                                  \
	" SELECT c.account_id, c.period - DATE '1970-01-01', c.meter, c.basis,"          \
	"  c.volume_t1, c.volume_t2, c.volume_t3, c.reading_t1, c.reading_t2, c.reading_t3"
static const char SQL_HISTORY[] =
	"DECLARE bill_hist NO SCROLL CURSOR FOR" HIST_COLS
	" FROM consumption c WHERE c.account_id BETWEEN $1::bigint AND $2::bigint"
	" AND c.period >= $4::date AND c.period < $3::date AND c.billed_in < $3::date"
	" ORDER BY c.account_id, c.period, c.billed_in";

/* SQL_HISTORY of some accounts of a batch that reads the others' windows
 * from bill_window: those without a row there that this bill can use.  $1
 * the accounts (ascending), $2 P, $3 the first month of the window. */
static const char SQL_HISTORY_SOME[] =
	HIST_COLS
	" FROM consumption c WHERE c.account_id = ANY ($1::bigint[])"
	" AND c.period >= $3::date AND c.period < $2::date AND c.billed_in < $2::date"
	" ORDER BY c.account_id, c.period, c.billed_in";

/* The rows of bill_window (sql/261, partitioned by period in sql/262) of
 * a batch's range of accounts from P ($3) on, in key order: the history
 * only where it is the window of a bill of P with the rules' months ($4);
 * the fourth column true for a row of a later period, read to be removed
 * (the rows of P + 1 a bill of P replaces).  $1, $2 the batch's first and
 * last account.  The partitions of the months before P are not read. */
static const char SQL_WINDOW[] =
	"SELECT w.account_id, w.meter,"
	" CASE WHEN w.period = $3::date AND w.months = $4::int THEN w.history END,"
	" w.period > $3::date"
	" FROM bill_window w WHERE w.account_id BETWEEN $1::bigint AND $2::bigint"
	" AND w.period >= $3::date ORDER BY w.account_id, w.period";

/* A batch reads its windows from bill_window when at most one account in
 * WINDOW_MISSING has none it can use (those are read by SQL_HISTORY_SOME,
 * an index probe each, about 5 times the cost of an account's share of
 * the stream); otherwise from the stream, whole. */
#define WINDOW_MISSING 4

/* A batch that streamed its windows writes an account's bill_window row
 * only when the window it holds has at least this many months with a row:
 * writing, replacing and reading it costs about what streaming 8 rows of
 * consumption does (about 10-15 microseconds of the server an account, make
 * bench-year at N = 20,000), and a first month's bill would pay 20 % more
 * for rows of one month (make bench, N = 100,000: 0.4 s of the server's
 * 2.0).  A batch that read its windows from bill_window writes every
 * account's: one without a row would read its months by SQL_HISTORY_SOME
 * next month, an index probe a month of it (a meter replaced in the last
 * 8 months: 32,367 accounts of a million in make bench-year, 2.9 s of the
 * server, 90 microseconds an account). */
#define WINDOW_WRITE_MIN 8

/* The accepted readings of periods up to P, in account order (dates as
 * days since 1970-01-01); one_account() keeps per zone of the current
 * meter the reading that counts (taken_after()) of each of the two
 * latest periods.  A household's reading has the period ingest gave it (the
 * window rule); a legal entity's period is the month it closes, found from
 * its date and the contract's readings day (billing_legal_closes()), so the
 * readings taken up to $4, the latest readings day of P+1 there can be, are
 * read as well and one_account() keeps those of periods up to P.  $1, $2
 * the bounds, $3 P, $4 the 27th of P+1.
 *
 * Bounded by the period: only the readings of periods from $5, READ_BACK
 * months before P, are read (the key's period column stops the index scan
 * from visiting the rows of older months, SQL_READINGS_ALL has them).
 * The month a legal reading closes is never after the column's period
 * (ingest's window rule gives its month or the next, and it closes its
 * month or the one before), so every reading that counts for a period
 * from $5 on is among them.  ORDER BY the whole key: the plan is the
 * range of reading_history_idx, whose period column bounds it. */
#define READ_BACK 1
static const char SQL_READINGS[] =
	"DECLARE bill_read NO SCROLL CURSOR FOR"
	" SELECT r.account_id, r.meter, r.zone, r.period - DATE '1970-01-01',"
	"  r.taken_on - DATE '1970-01-01', r.reading_id, r.value"
	" FROM reading r WHERE r.account_id BETWEEN $1::bigint AND $2::bigint"
	" AND r.period >= $5::date"
	" AND r.status = 'accepted' AND (r.period <= $3::date OR r.taken_on <= $4::date)"
	" ORDER BY r.account_id, r.meter, r.zone, r.period";

/* All the readings of some accounts (SQL_READINGS unbounded), for those
 * whose older readings may count (zone_settled()).  $1 the accounts
 * (ascending), $2 P, $3 the 27th of P+1. */
static const char SQL_READINGS_ALL[] =
	"SELECT r.account_id, r.meter, r.zone, r.period - DATE '1970-01-01',"
	"  r.taken_on - DATE '1970-01-01', r.reading_id, r.value"
	" FROM reading r WHERE r.account_id = ANY ($1::bigint[])"
	" AND r.status = 'accepted' AND (r.period <= $2::date OR r.taken_on <= $3::date)"
	" ORDER BY r.account_id";

/* Legal entities' charge of the month before P (VAT included).  $6, $7 the
 * bounds, $8 the month before P. */
#define Q_PREVIOUS(F)                                                              \
	"DECLARE bill_prev NO SCROLL CURSOR FOR" \
	" SELECT l.account_id, sum(l.amount) FROM charge_line l" \
	" JOIN account a ON a.account_id = l.account_id" \
	" WHERE" F " AND a.kind = 'legal' AND l.period = $8::date AND l.kind = 'charge'"  \
	" AND a.account_id BETWEEN $6::bigint AND $7::bigint"                            \
	" AND l.account_id BETWEEN $6::bigint AND $7::bigint"                            \
	" GROUP BY l.account_id ORDER BY l.account_id"
static const char *const SQL_PREVIOUS[2] = BOTH(Q_PREVIOUS);

/* ---- small helpers ---- */

int billrun_parse_milli(const char *s, int64_t *out)
{
	int neg = 0, digits = 0, dec = -1;
	int64_t v = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s; s++) {
		if (*s == '.' && dec < 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || dec >= 3 || digits > 15)
			return -1;
		v = v * 10 + (*s - '0');
		digits++;
		if (dec >= 0)
			dec++;
	}
	if (!digits)
		return -1;
	for (int i = dec < 0 ? 0 : dec; i < 3; i++)
		v *= 10;
	*out = neg ? -v : v;
	return 0;
}

static int64_t get_int(PGresult *r, int row, int col)
{
	/* the server's text form of an integer: [-]digits */
	const char *p = PQgetvalue(r, row, col);
	int neg = *p == '-';
	uint64_t v = 0;

	for (p += neg; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return neg ? (int64_t)((uint64_t)0 - v) : (int64_t)v;
}

static int64_t get_milli(PGresult *r, int row, int col)
{
	int64_t v = 0;

	billrun_parse_milli(PQgetvalue(r, row, col), &v);
	return v;
}

static char *fmt_period(speriod p, char *buf)
{
	return date_format(period_first(p), buf);
}

/* ---- cursors read in batches ---- */

struct stream {
	PGconn *db;
	const char *fetch;  /* "FETCH n FROM cursor" */
	PGresult *res;
	int row, n, done;
	int64_t key;        /* account_id of the current row; INT64_MAX at the end */
	double *t;          /* where to add the seconds spent fetching (may be NULL) */
};

static int stream_fill(struct stream *s, struct sbyt_err *e)
{
	while (!s->done && s->row >= s->n) {
		double t0 = log_now();

		PQclear(s->res);
		s->res = db_query(s->db, e, s->fetch, 0, NULL);
		if (s->t)
			*s->t += log_now() - t0;
		if (!s->res)
			return -1;
		s->n = PQntuples(s->res);
		s->row = 0;
		if (s->n == 0)
			s->done = 1;
	}
	s->key = s->done ? INT64_MAX : get_int(s->res, s->row, 0);
	return 0;
}

static int stream_open(struct stream *s, PGconn *db, const char *declare, const char *fetch,
		       int np, const char *const *p, double *t, struct sbyt_err *e)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->fetch = fetch;
	s->t = t;
	if (db_exec(db, e, declare, np, p) < 0)
		return -1;
	return stream_fill(s, e);
}

/* Declare the cursor but fetch nothing yet: its key is INT64_MIN, and the
 * first stream_next() fetches (the history stream, which a branch whose
 * windows all come from bill_window never reads). */
static int stream_open_lazy(struct stream *s, PGconn *db, const char *declare,
			    const char *fetch, int np, const char *const *p, double *t,
			    struct sbyt_err *e)
{
	memset(s, 0, sizeof(*s));
	s->db = db;
	s->fetch = fetch;
	s->t = t;
	s->row = -1;
	s->key = INT64_MIN;
	return db_exec(db, e, declare, np, p);
}

static int stream_next(struct stream *s, struct sbyt_err *e)
{
	s->row++;
	return stream_fill(s, e);
}

static void stream_close(struct stream *s)
{
	PQclear(s->res);
	s->res = NULL;
}

/* ---- the batch's output ---- */

struct out_line {
	int64_t acc;
	int no;
	struct bill_line l;
	int legal;
};

struct out_obl {
	int64_t acc;
	speriod period;
	int seq;
	const char *kind;
	sdate due;
	money amount;
};

struct out_win {
	int64_t acc;
	const char *meter;  /* points into the batch's account result */
	size_t text;        /* offset of its history in the batch's text */
};

struct out_cons {
	int64_t acc;
	speriod period;
	const char *meter;  /* points into the batch's account result */
	const char *basis;
	int zones;          /* volume[0..zones-1] are written, the others NULL */
	int64_t volume[TARIFF_ZONES];
	const int64_t *reading;  /* NULL, or the register values of the zones, then
	                            (reading[TARIFF_ZONES + z]) the values the volume starts from */
};

struct batch {
	struct out_line *lines;
	struct out_obl *obls;
	struct out_cons *cons;
	size_t nlines, nobls, ncons, clines, cobls, ccons;
	int64_t *ids;
	size_t nids;
	int64_t *readings;  /* 6 per account of the batch: the registers billed, then
	                       the previous values they were billed from */
	size_t nreadings;
	struct out_win *wins;  /* the next period's bill_window rows */
	size_t nwins, cwins;
	char *text;         /* their history texts, one after another */
	size_t ntext, ctext;
	int64_t *stale;     /* the batch's accounts with a bill_window row of a period
	                       after P (removed: P + 1's is replaced) */
	size_t nstale;
};

static int grow(void **p, size_t *cap, size_t n, size_t size, struct sbyt_err *e)
{
	void *np;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 1024;
	np = realloc(*p, c * size);
	if (!np)
		return err_set(e, ERR_INTERNAL, "out of memory");
	*p = np;
	*cap = c;
	return 0;
}

static int add_obl(struct batch *b, int64_t acc, speriod p, int seq, const char *kind, sdate due,
		   money amount, struct sbyt_err *e)
{
	struct out_obl *o;

	if (grow((void **)&b->obls, &b->cobls, b->nobls, sizeof(*o), e) < 0)
		return -1;
	o = &b->obls[b->nobls++];
	o->acc = acc;
	o->period = p;
	o->seq = seq;
	o->kind = kind;
	o->due = due;
	o->amount = amount;
	return 0;
}

static int add_cons(struct batch *b, int64_t acc, speriod p, const char *meter,
		    const char *basis, int zones, const int64_t *volume, const int64_t *reading,
		    struct sbyt_err *e)
{
	struct out_cons *c;

	if (grow((void **)&b->cons, &b->ccons, b->ncons, sizeof(*c), e) < 0)
		return -1;
	c = &b->cons[b->ncons++];
	c->acc = acc;
	c->period = p;
	c->meter = meter;
	c->basis = basis;
	c->zones = zones;
	memcpy(c->volume, volume, sizeof(c->volume));
	c->reading = reading;
	return 0;
}

static const char *basis_name(enum bill_basis b)
{
	return b == BILL_READING ? "actual" : b == BILL_ESTIMATE ? "estimate" : "norm";
}

/* ---- one account ---- */

struct hist_month {
	int present;
	enum bill_basis basis;
	int64_t volume[TARIFF_ZONES];
	int has_reading[TARIFF_ZONES];
	int64_t reading[TARIFF_ZONES];
};

struct zone_reading {
	int has;
	speriod period;
	sdate taken;
	int window;     /* a household's reading taken in the window; every legal one */
	int64_t id;
	int64_t value;
};

/* Of two readings of one period, t counts rather than r (SPEC 7): one taken
 * in the readings window before one taken before it; then the later day;
 * then the later row. */
static int taken_after(const struct zone_reading *t, const struct zone_reading *r)
{
	if (t->window != r->window)
		return t->window;
	return t->taken > r->taken || (t->taken == r->taken && t->id > r->id);
}

/* Offer reading t of a zone: r1 is the reading that counts of the latest
 * period, r2 the one of the period before it (rows come in any order). */
static void zone_offer(struct zone_reading *r1, struct zone_reading *r2,
		       const struct zone_reading *t)
{
	if (!r1->has || t->period > r1->period) {
		if (r1->has)
			*r2 = *r1;
		*r1 = *t;
	} else if (t->period == r1->period) {
		if (taken_after(t, r1))
			*r1 = *t;
	} else if (!r2->has || t->period > r2->period ||
		   (t->period == r2->period && taken_after(t, r2))) {
		*r2 = *t;
	}
}

/* One account's inputs as the streams give them: finish_account() bills
 * it.  The pointers of in (account, history, estimated) are set there, to
 * this struct's own arrays (a held account's struct is moved). */
struct acct {
	int64_t acc;
	char idtxt[24];
	const char *meter;      /* "" without one; points into the batch's result */
	int has_meter, readings_day, k;
	struct bill_input in;
	struct bill_month history[MAX_HIST], estimated[MAX_HIST];
	struct zone_reading r1[TARIFF_ZONES], r2[TARIFF_ZONES], anchor[TARIFF_ZONES];
	int64_t initial[TARIFF_ZONES];
	/* last: only [0..history_months] are cleared and used */
	struct hist_month hm[MAX_HIST + 1];  /* the window by months back from P */
};

struct ctx {
	PGconn *db;
	const struct tariff_rules *r;
	const struct billrun_opts *o;
	struct billrun_stats *st;
	struct stream hist, read, prev;
	struct batch b;
	int hist_months;
	struct acct *held;  /* the batch's accounts whose older readings may count */
	size_t nheld, cheld;
	int older;          /* the branch has accepted readings of periods before
	                       P - READ_BACK: else no account is held */
	/* the batch's windows from bill_window (summary set) or the stream */
	int summary;
	PGresult *win;      /* SQL_WINDOW's rows of the batch */
	int *win_of;        /* per account of the batch: its row of win to use, or -1 */
	size_t cwin_of;
	PGresult *some;     /* SQL_HISTORY_SOME's rows: the others' windows */
	int some_row;
};

static int str_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Offer row i of h (SQL_READINGS's columns) to a: a reading of its meter
 * that counts for a period up to P and, unless all, from P - READ_BACK on
 * (the older ones may be missing from the stream). */
static void offer_row(const struct billing_rules *br, struct acct *a, PGresult *h, int i, int all)
{
	speriod P = a->in.period;
	int zone = (int)get_int(h, i, 2), counts;
	struct zone_reading t;

	if (!a->has_meter || zone < 1 || zone > TARIFF_ZONES || !str_eq(PQgetvalue(h, i, 1), a->meter))
		return;
	t.has = 1;
	t.taken = (sdate)get_int(h, i, 4);
	t.id = get_int(h, i, 5);
	t.value = get_milli(h, i, 6);
	if (a->in.kind == BILL_LEGAL) {
		/* the month it closes; an intermediate one closes none */
		counts = billing_legal_closes(br, a->readings_day, t.taken, &t.period);
		t.window = 1;
	} else {
		t.period = period_of((sdate)get_int(h, i, 3));
		counts = 1;
		t.window = period_of(t.taken) == t.period && billing_in_window(br, t.taken);
	}
	if (counts && t.period <= P && (all || t.period >= P - READ_BACK))
		zone_offer(&a->r1[zone - 1], &a->r2[zone - 1], &t);
}

/* Whether zone z's readings of periods from L = P - READ_BACK on bill it as
 * all its readings would (finish_account()): r1, r2 are the two latest
 * periods among those, the older readings are all of periods before L.
 * An older reading matters only as the current one (a period after the
 * anchor's and from the first estimated month on) or, without an anchor,
 * as the previous value of a current reading (the latest period before
 * its own).  previous is not read unless every zone has a current one. */
static int zone_settled(const struct acct *a, int z)
{
	speriod L = a->in.period - READ_BACK, first = a->in.period - a->k;

	if (a->anchor[z].has)
		return a->r1[z].has || first >= L || a->anchor[z].period >= L - 1;
	if (a->r1[z].has)
		return a->r1[z].period < first || a->r2[z].has;
	return first >= L;
}

static int finish_account(struct ctx *x, struct acct *a, struct sbyt_err *e);
static int finish_held(struct ctx *x, struct sbyt_err *e);

/* Row i of h (SQL_HISTORY's columns) into the window hm: a later row of a
 * month replaces the earlier one; a month of another meter is left empty. */
static void hist_row(const struct ctx *x, struct hist_month *hm, const char *meter,
		     PGresult *h, int i)
{
	int back = x->o->period - period_of((sdate)get_int(h, i, 1));
	struct hist_month *m = &hm[back];

	if (back < 1 || back > x->hist_months)
		return;
	memset(m, 0, sizeof(*m));
	if (str_eq(PQgetvalue(h, i, 2), meter)) {
		const char *bs = PQgetvalue(h, i, 3);

		m->present = 1;
		m->basis = str_eq(bs, "actual") ? BILL_READING
			   : str_eq(bs, "estimate") ? BILL_ESTIMATE : BILL_NORM;
		for (int z = 0; z < TARIFF_ZONES; z++) {
			if (!PQgetisnull(h, i, 4 + z))
				m->volume[z] = get_milli(h, i, 4 + z);
			m->has_reading[z] = !PQgetisnull(h, i, 7 + z);
			if (m->has_reading[z])
				m->reading[z] = get_milli(h, i, 7 + z);
		}
	}
}

/* ---- bill_window's history (sql/261) ---- */

/* Read s, a bill_window history of months words, into hm[1..months]
 * (cleared first); -1 when it is not one. */
static int window_parse(const char *s, int months, struct hist_month *hm)
{
	for (int back = 1; back <= months; back++) {
		struct hist_month *m = &hm[back];
		char *end;

		memset(m, 0, sizeof(*m));
		if (back > 1 && *s++ != ' ')
			return -1;
		if (*s == '-') {
			s++;
			continue;
		}
		m->present = 1;
		switch (*s++) {
		case 'a': m->basis = BILL_READING; break;
		case 'e': m->basis = BILL_ESTIMATE; break;
		case 'n': m->basis = BILL_NORM; break;
		default: return -1;
		}
		for (int z = 0; z < TARIFF_ZONES; z++) {
			if (z > 0 && *s++ != ',')
				return -1;
			m->volume[z] = strtoll(s, &end, 10);
			if (end == s || (*s != '-' && (*s < '0' || *s > '9')))
				return -1;
			s = end;
			if (*s != ',')
				break;
		}
		if (*s != '/')
			continue;
		s++;
		for (int z = 0; z < TARIFF_ZONES; z++) {
			if (z > 0 && *s != ',')
				break;
			s += z > 0;
			if (*s == '-' || (*s >= '0' && *s <= '9')) {
				m->reading[z] = strtoll(s, &end, 10);
				m->has_reading[z] = 1;
				s = end;
			}
		}
	}
	return *s == '\0' ? 0 : -1;
}

/* Append hm[1..months] to t as a bill_window history: each zone's register
 * value only on the latest month that has one (the only one a bill reads,
 * as the anchor: older months with one leave the window before it). */
static int window_text(struct batch *b, const struct hist_month *hm, int months,
		       struct sbyt_err *e)
{
	int anchor[TARIFF_ZONES] = { 0 };
	size_t need = (size_t)months * (2 + 2 * TARIFF_ZONES * 22) + 1;

	if (b->ntext + need > b->ctext) {
		size_t c = b->ctext ? b->ctext : 65536;
		char *n;

		while (b->ntext + need > c)
			c *= 2;
		n = realloc(b->text, c);
		if (!n)
			return err_set(e, ERR_INTERNAL, "out of memory");
		b->text = n;
		b->ctext = c;
	}
	for (int z = 0; z < TARIFF_ZONES; z++)
		for (int back = 1; back <= months && !anchor[z]; back++)
			if (hm[back].present && hm[back].has_reading[z])
				anchor[z] = back;
	for (int back = 1; back <= months; back++) {
		const struct hist_month *m = &hm[back];
		char *t = b->text + b->ntext;
		int n = 0, last = 0, reg = -1;

		if (back > 1)
			t[n++] = ' ';
		if (!m->present) {
			t[n++] = '-';
			b->ntext += (size_t)n;
			continue;
		}
		t[n++] = m->basis == BILL_READING ? 'a' : m->basis == BILL_ESTIMATE ? 'e' : 'n';
		for (int z = 0; z < TARIFF_ZONES; z++) {
			if (m->volume[z] != 0)
				last = z;
			if (anchor[z] == back)
				reg = z;
		}
		for (int z = 0; z <= last; z++)
			n += sprintf(t + n, "%s%lld", z ? "," : "", (long long)m->volume[z]);
		if (reg >= 0) {
			t[n++] = '/';
			for (int z = 0; z <= reg; z++) {
				if (z)
					t[n++] = ',';
				if (anchor[z] == back)
					n += sprintf(t + n, "%lld", (long long)m->reading[z]);
			}
		}
		b->ntext += (size_t)n;
	}
	b->text[b->ntext++] = '\0';
	return 0;
}

static int one_account(struct ctx *x, PGresult *ar, int row, struct sbyt_err *e)
{
	const struct billing_rules *br = tariff_billing(x->r);
	speriod P = x->o->period;
	struct acct a;
	struct bill_input *in = &a.in;
	struct hist_month *hm = a.hm;
	int64_t acc = get_int(ar, row, 0);
	int k = 0, nhist = 0, settled = 1;

	memset(&a, 0, offsetof(struct acct, hm));
	memset(hm, 0, sizeof(hm[0]) * (size_t)(x->hist_months + 1));
	a.acc = acc;
	snprintf(a.idtxt, sizeof(a.idtxt), "%lld", (long long)acc);
	a.meter = PQgetisnull(ar, row, 6) ? "" : PQgetvalue(ar, row, 6);
	a.has_meter = !PQgetisnull(ar, row, 6);
	a.readings_day = (int)get_int(ar, row, 13);  /* 0: the rules' default */
	in->period = P;
	in->kind = str_eq(PQgetvalue(ar, row, 1), "legal") ? BILL_LEGAL : BILL_INDIVIDUAL;
	in->category = PQgetvalue(ar, row, 2);
	in->residents = (int)get_int(ar, row, 3);
	in->rooms = (int)get_int(ar, row, 4);
	in->price_category = (int)get_int(ar, row, 5);
	in->verified_until = BILL_NO_DATE;
	if (a.has_meter) {
		in->zones = (int)get_int(ar, row, 7);
		in->digits = (int)get_int(ar, row, 8);
		if (!PQgetisnull(ar, row, 9))
			date_parse(PQgetvalue(ar, row, 9), -1, &in->verified_until);
		for (int z = 0; z < TARIFF_ZONES; z++)
			if (!PQgetisnull(ar, row, 10 + z))
				a.initial[z] = get_milli(ar, row, 10 + z);
	}

	/* History of the current meter ('' for months billed without one):
	 * the account's bill_window row, or its rows of consumption. */
	if (x->summary && x->win_of[row] >= 0) {
		if (window_parse(PQgetvalue(x->win, x->win_of[row], 2), x->hist_months, hm) < 0)
			return err_set(e, ERR_DATA, "account %s: bill_window's history is not"
				       " readable (delete the row: the bill then reads consumption)",
				       a.idtxt);
		x->st->windows++;
	} else if (x->summary) {
		int n = x->some ? PQntuples(x->some) : 0;

		while (x->some_row < n && get_int(x->some, x->some_row, 0) < acc)
			x->some_row++;
		for (; x->some_row < n && get_int(x->some, x->some_row, 0) == acc; x->some_row++)
			hist_row(x, hm, a.meter, x->some, x->some_row);
	} else {
		while (x->hist.key < acc)
			if (stream_next(&x->hist, e) < 0)
				return -1;
		for (; x->hist.key == acc; ) {
			hist_row(x, hm, a.meter, x->hist.res, x->hist.row);
			if (stream_next(&x->hist, e) < 0)
				return -1;
		}
	}
	/* the register value of the latest month that has one */
	for (int z = 0; z < TARIFF_ZONES; z++)
		for (int back = 1; back <= x->hist_months && !a.anchor[z].has; back++)
			if (hm[back].present && hm[back].has_reading[z]) {
				a.anchor[z].has = 1;
				a.anchor[z].period = P - back;
				a.anchor[z].value = hm[back].reading[z];
			}
	while (k + 1 <= x->hist_months && hm[k + 1].present && hm[k + 1].basis != BILL_READING)
		k++;
	for (int i = 0; i < k; i++) {
		a.estimated[i].period = P - k + i;
		a.estimated[i].basis = hm[k - i].basis;
		memcpy(a.estimated[i].volume, hm[k - i].volume, sizeof(a.estimated[i].volume));
	}
	for (int back = 1; back <= x->hist_months; back++)
		if (hm[back].present && hm[back].basis == BILL_READING) {
			a.history[nhist].period = P - back;
			a.history[nhist].basis = BILL_READING;
			memcpy(a.history[nhist].volume, hm[back].volume, sizeof(a.history[nhist].volume));
			nhist++;
		}
	in->nhistory = nhist;
	in->nestimated = k;
	a.k = k;

	/* The two latest read periods per zone of the current meter, of the
	 * periods the stream has. */
	while (x->read.key < acc)
		if (stream_next(&x->read, e) < 0)
			return -1;
	for (; x->read.key == acc; ) {
		offer_row(br, &a, x->read.res, x->read.row, 0);
		if (stream_next(&x->read, e) < 0)
			return -1;
	}

	while (x->prev.key < acc)
		if (stream_next(&x->prev, e) < 0)
			return -1;
	if (x->prev.key == acc) {
		in->previous_charge = get_int(x->prev.res, x->prev.row, 1);
		if (stream_next(&x->prev, e) < 0)
			return -1;
	}

	for (int z = 0; z < in->zones && z < TARIFF_ZONES && x->older; z++)
		settled &= zone_settled(&a, z);
	if (settled)
		return finish_account(x, &a, e);
	/* held until the batch's older readings are read (finish_held()), at
	 * most HELD_MAX at a time: memory stays flat if most are held */
	if (grow((void **)&x->held, &x->cheld, x->nheld, sizeof(a), e) < 0)
		return -1;
	x->held[x->nheld++] = a;
	return x->nheld >= HELD_MAX ? finish_held(x, e) : 0;
}

/* The accounts as a bigint[] literal ("{1,2,3}") for a parameter. */
static int ids_param(const int64_t *id, size_t n, char **out, struct sbyt_err *e)
{
	size_t cap = n * 21 + 3, len = 0;
	char *s = malloc(cap);

	if (!s)
		return err_set(e, ERR_INTERNAL, "out of memory");
	s[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "", (long long)id[i]);
	s[len++] = '}';
	s[len] = '\0';
	*out = s;
	return 0;
}

/* Bill the held accounts of the batch on all their readings. */
static int finish_held(struct ctx *x, struct sbyt_err *e)
{
	const struct billing_rules *br = tariff_billing(x->r);
	char p0[DATE_BUF], late[DATE_BUF], *ids = NULL;
	int64_t acc[HELD_MAX];
	PGresult *h;
	int row = 0, n, rc = 0;
	double t0;

	if (x->nheld == 0)
		return 0;
	for (size_t i = 0; i < x->nheld; i++)
		acc[i] = x->held[i].acc;
	if (ids_param(acc, x->nheld, &ids, e) < 0)
		return -1;
	fmt_period(x->o->period, p0);
	date_format(period_first(x->o->period + 1) + 26, late);
	{
		const char *p[3] = { ids, p0, late };

		t0 = log_now();
		h = db_query(x->db, e, SQL_READINGS_ALL, 3, p);
		x->st->t_read += log_now() - t0;
	}
	free(ids);
	if (!h)
		return -1;
	n = PQntuples(h);
	for (size_t i = 0; i < x->nheld && rc == 0; i++) {
		struct acct *a = &x->held[i];

		memset(a->r1, 0, sizeof(a->r1));
		memset(a->r2, 0, sizeof(a->r2));
		while (row < n && get_int(h, row, 0) < a->acc)
			row++;
		for (; row < n && get_int(h, row, 0) == a->acc; row++)
			offer_row(br, a, h, row, 1);
		rc = finish_account(x, a, e);
	}
	x->st->held += (int64_t)x->nheld;
	x->nheld = 0;
	PQclear(h);
	return rc;
}

/* The bill_window row for the next period of account a, just billed: its
 * window moved by a month, with the consumption rows the bill wrote for it
 * (from out_cons[cons0] on) in place of what they replace. */
static int add_window(struct ctx *x, const struct acct *a, size_t cons0, struct sbyt_err *e)
{
	struct hist_month nm[MAX_HIST + 1];
	int months = x->hist_months, present = 0;
	struct out_win *w;

	memset(nm, 0, sizeof(nm[0]) * (size_t)(months + 1));
	for (int back = 1; back < months; back++)
		nm[back + 1] = a->hm[back];
	for (size_t i = cons0; i < x->b.ncons; i++) {
		const struct out_cons *c = &x->b.cons[i];
		int back = x->o->period + 1 - c->period;
		struct hist_month *m;

		if (back < 1 || back > months)
			continue;
		m = &nm[back];
		memset(m, 0, sizeof(*m));
		m->present = 1;
		m->basis = str_eq(c->basis, "actual") ? BILL_READING
			   : str_eq(c->basis, "estimate") ? BILL_ESTIMATE : BILL_NORM;
		for (int z = 0; z < c->zones && z < TARIFF_ZONES; z++) {
			m->volume[z] = c->volume[z];
			m->has_reading[z] = c->reading != NULL;
			if (c->reading)
				m->reading[z] = c->reading[z];
		}
	}
	for (int back = 1; back <= months; back++)
		present += nm[back].present;
	if (present < (x->summary ? 1 : WINDOW_WRITE_MIN))
		return 0;
	if (grow((void **)&x->b.wins, &x->b.cwins, x->b.nwins, sizeof(*w), e) < 0)
		return -1;
	w = &x->b.wins[x->b.nwins++];
	w->acc = a->acc;
	w->meter = a->meter;
	w->text = x->b.ntext;
	return window_text(&x->b, nm, months, e);
}

static int finish_account(struct ctx *x, struct acct *a, struct sbyt_err *e)
{
	const struct billing_rules *br = tariff_billing(x->r);
	speriod P = x->o->period;
	struct bill_input *in = &a->in;
	struct bill_result res;
	int64_t acc = a->acc;
	const char *meter = a->meter;
	int rc;
	double t0;
	struct sbyt_err ce;
	size_t cons0 = x->b.ncons;

	in->account = a->idtxt;
	in->history = a->history;
	in->estimated = a->estimated;
	for (int z = 0; z < in->zones && z < TARIFF_ZONES; z++) {
		speriod first = P - a->k;  /* the first month of the estimated run, or P */
		struct bill_reading *br_ = &in->reading[z];
		const struct zone_reading *r1 = &a->r1[z], *r2 = &a->r2[z];

		if (a->anchor[z].has) {
			br_->previous = a->anchor[z].value;
			br_->has_current = r1->has && r1->period > a->anchor[z].period &&
					   r1->period >= first;
		} else {
			br_->has_current = r1->has && r1->period >= first;
			br_->previous = br_->has_current ? (r2->has ? r2->value : a->initial[z])
					: (r1->has ? r1->value : a->initial[z]);
		}
		if (br_->has_current)
			br_->current = r1->value;
	}

	x->st->accounts++;
	t0 = log_now();
	rc = bill_compute(x->r, in, &res, &ce);
	x->st->t_bill += log_now() - t0;
	if (rc < 0) {
		bill_result_release(&res);
		if (ce.kind != ERR_DATA) {
			*e = ce;
			return -1;
		}
		x->st->refused++;
		if (x->o->refused)
			x->o->refused(x->o->arg, ce.msg);
		return 0;
	}

	/* Output: the lines, the obligations, the months. */
	for (int i = 0; i < res.nlines; i++) {
		struct out_line *l;

		if (grow((void **)&x->b.lines, &x->b.clines, x->b.nlines, sizeof(*l), e) < 0)
			goto fail;
		l = &x->b.lines[x->b.nlines++];
		l->acc = acc;
		l->no = i + 1;
		l->l = res.lines[i];
		l->legal = in->kind == BILL_LEGAL;
	}
	if (in->kind == BILL_INDIVIDUAL) {
		if (res.charges != 0 &&
		    add_obl(&x->b, acc, P, 10, "charge", res.due, res.charges, e) < 0)
			goto fail;
		if (res.recalcs != 0 &&
		    add_obl(&x->b, acc, P, 11, "recalc", res.due, res.recalcs, e) < 0)
			goto fail;
	} else {
		const struct bill_payment *bal = &res.pay[res.npay - 1];

		if (bal->sum != 0 && add_obl(&x->b, acc, P, 10, "balance", bal->due, bal->sum, e) < 0)
			goto fail;
		for (int i = 0; i < br->nadvances; i++) {
			speriod n = P + 1 + br->advance[i].offset;
			money sum = money_round((__int128)res.charges * br->advance[i].percent, 100);

			if (sum > 0 && add_obl(&x->b, acc, P + 1, i + 1, "advance",
					       period_first(n) + br->advance[i].day - 1, sum, e) < 0)
				goto fail;
		}
	}
	if (res.basis == BILL_READING) {
		int64_t *cur = x->b.readings + 2 * TARIFF_ZONES * x->b.nreadings++;

		for (int z = 0; z < TARIFF_ZONES; z++) {
			cur[z] = in->reading[z].current;
			cur[TARIFF_ZONES + z] = in->reading[z].previous;
		}
		for (int m = 0; m < res.nmonths; m++)
			if (add_cons(&x->b, acc, res.months[m].period, meter, "actual", in->zones,
				     res.months[m].volume, res.months[m].period == P ? cur : NULL, e) < 0)
				goto fail;
	} else if (res.basis == BILL_ESTIMATE) {
		if (add_cons(&x->b, acc, P, meter, "estimate", in->zones, res.volume, NULL, e) < 0)
			goto fail;
	} else {
		if (add_cons(&x->b, acc, P, meter, "norm", 1, res.volume, NULL, e) < 0)
			goto fail;
	}
	if (add_window(x, a, cons0, e) < 0)
		goto fail;
	x->st->documents++;
	x->st->total += res.total;
	bill_result_release(&res);
	return 0;
fail:
	bill_result_release(&res);
	return -1;
}

/* ---- the batch's windows ---- */

/* Read the bill_window rows of the batch's accounts (ar, rows of them) and
 * choose where their windows come from: x->summary when at most one in
 * WINDOW_MISSING has no row this bill can use (period P, the rules' months,
 * the account's current meter); those then read consumption by
 * SQL_HISTORY_SOME.  Every account of the batch with a row of a later
 * period is noted, for write_batch() to remove them. */
static int window_batch(struct ctx *x, PGresult *ar, int rows, struct sbyt_err *e)
{
	char lo[24], hi[24], p0[DATE_BUF], months[12], win[DATE_BUF], *ids = NULL;
	const char *p[4] = { lo, hi, p0, months };
	int64_t *missing;
	size_t nmissing = 0;
	int n, j = 0, valid = 0, rc = 0;
	double t0 = log_now();

	PQclear(x->win);
	PQclear(x->some);
	x->win = x->some = NULL;
	x->some_row = 0;
	x->summary = 0;
	x->b.nstale = 0;
	if (rows == 0)
		return 0;
	if ((size_t)rows > x->cwin_of) {
		int *w = realloc(x->win_of, sizeof(int) * (size_t)rows);

		if (!w)
			return err_set(e, ERR_INTERNAL, "out of memory");
		x->win_of = w;
		x->cwin_of = (size_t)rows;
	}
	free(x->b.stale);
	x->b.stale = malloc(sizeof(int64_t) * (size_t)rows);
	missing = malloc(sizeof(int64_t) * (size_t)rows);
	if (!x->b.stale || !missing) {
		free(missing);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	snprintf(lo, sizeof(lo), "%s", PQgetvalue(ar, 0, 0));
	snprintf(hi, sizeof(hi), "%s", PQgetvalue(ar, rows - 1, 0));
	fmt_period(x->o->period, p0);
	fmt_period(x->o->period - x->hist_months, win);
	snprintf(months, sizeof(months), "%d", x->hist_months);
	/* the index range, never a scan of the table and a sort: the planner
	 * prefers those for a branch's half of a table whose pages each month
	 * rewrote (50 against 4 ms a branch of 10,000 in make bench-year) */
	if (db_exec(x->db, e, "SET LOCAL enable_sort = off", 0, NULL) == 0) {
		x->win = db_query(x->db, e, SQL_WINDOW, 4, p);
		if (db_exec(x->db, e, "SET LOCAL enable_sort = on", 0, NULL) < 0) {
			PQclear(x->win);
			x->win = NULL;
		}
	}
	if (!x->win) {
		free(missing);
		return -1;
	}
	n = PQntuples(x->win);
	for (int r = 0; r < rows; r++) {
		int64_t acc = get_int(ar, r, 0);
		const char *meter = PQgetisnull(ar, r, 6) ? "" : PQgetvalue(ar, r, 6);
		int later = 0;

		x->win_of[r] = -1;
		while (j < n && get_int(x->win, j, 0) < acc)
			j++;
		for (; j < n && get_int(x->win, j, 0) == acc; j++) {
			if (PQgetvalue(x->win, j, 3)[0] == 't')
				later = 1;
			else if (!PQgetisnull(x->win, j, 2) && str_eq(PQgetvalue(x->win, j, 1), meter))
				x->win_of[r] = j;
		}
		if (later)
			x->b.stale[x->b.nstale++] = acc;
		if (x->win_of[r] >= 0)
			valid++;
		else
			missing[nmissing++] = acc;
	}
	if (valid > 0 && nmissing * WINDOW_MISSING <= (size_t)rows) {
		x->summary = 1;
		if (nmissing > 0) {
			const char *q[3] = { NULL, p0, win };

			rc = ids_param(missing, nmissing, &ids, e);
			q[0] = ids;
			if (rc == 0 && !(x->some = db_query(x->db, e, SQL_HISTORY_SOME, 3, q)))
				rc = -1;
			free(ids);
		}
	}
	free(missing);
	x->st->t_read += log_now() - t0;
	return rc;
}

/* ---- writing a batch ---- */

static int delete_batch(struct ctx *x, struct sbyt_err *e)
{
	char p0[DATE_BUF], p1[DATE_BUF], *ids = NULL;
	int rc;

	if (x->b.nids == 0)
		return 0;
	if (ids_param(x->b.ids, x->b.nids, &ids, e) < 0)
		return -1;
	fmt_period(x->o->period, p0);
	fmt_period(x->o->period + 1, p1);
	{
		const char *p[3] = { ids, p0, p1 };

		rc = db_exec(x->db, e, "DELETE FROM charge_line WHERE account_id = ANY($1::bigint[])"
			     " AND period = $2::date", 2, p);
		if (rc == 0)
			rc = db_exec(x->db, e, "DELETE FROM obligation WHERE account_id = ANY($1::bigint[])"
				     " AND ((period = $2::date AND seq >= 10) OR"
				     " (period = $3::date AND kind = 'advance'))", 3, p);
		if (rc == 0)
			rc = db_exec(x->db, e, "DELETE FROM consumption WHERE account_id = ANY($1::bigint[])"
				     " AND billed_in = $2::date", 2, p);
	}
	free(ids);
	return rc;
}

#define TRY(x) do { if ((x) < 0) goto fail; } while (0)

/* The batch's rows, in binary COPY: volumes and register values are
 * thousandths (numeric scale 3), prices 1/10000 kopeck (roubles, scale 6). */
static int write_batch(struct ctx *x, struct sbyt_err *e)
{
	struct copybin c;
	struct batch *b = &x->b;
	sdate p = period_first(x->o->period);
	int64_t run = x->o->run_id;

	if (b->nlines) {
		if (copybin_begin(&c, x->db, "COPY charge_line (account_id, period, line_no, kind, basis,"
				  " zone, band, volume, tariff, amount, vat, run_id, of_period, day_from,"
				  " day_to, sample) FROM STDIN (FORMAT binary)", e) < 0)
			return -1;
		for (size_t i = 0; i < b->nlines; i++) {
			const struct out_line *o = &b->lines[i];
			const struct bill_line *l = &o->l;
			int recalc = l->kind == BILL_RECALC;

			TRY(copybin_row(&c, 16, e));
			TRY(copybin_int8(&c, o->acc, e));
			TRY(copybin_date(&c, p, e));
			TRY(copybin_int2(&c, o->no, e));
			TRY(copybin_text(&c, recalc ? "recalc" : "charge", e));
			TRY(copybin_text(&c, recalc ? "recalc" : basis_name(l->basis), e));
			TRY(copybin_int2(&c, l->zone, e));
			TRY(l->band ? copybin_int2(&c, l->band, e) : copybin_null(&c, e));
			TRY(copybin_numeric(&c, l->volume, 3, e));
			TRY(copybin_numeric(&c, l->tariff, 6, e));
			TRY(copybin_int8(&c, l->amount, e));
			TRY(copybin_int8(&c, l->vat, e));
			TRY(copybin_int8(&c, run, e));
			TRY(recalc ? copybin_date(&c, period_first(l->period), e) : copybin_null(&c, e));
			TRY(copybin_date(&c, l->from, e));
			TRY(copybin_date(&c, l->to, e));
			TRY(copybin_bool(&c, l->sample, e));
		}
		TRY(copybin_end(&c, e));
	}
	if (b->nobls) {
		if (copybin_begin(&c, x->db, "COPY obligation (account_id, period, seq, kind, due, amount,"
				  " run_id) FROM STDIN (FORMAT binary)", e) < 0)
			return -1;
		for (size_t i = 0; i < b->nobls; i++) {
			const struct out_obl *o = &b->obls[i];

			TRY(copybin_row(&c, 7, e));
			TRY(copybin_int8(&c, o->acc, e));
			TRY(copybin_date(&c, period_first(o->period), e));
			TRY(copybin_int2(&c, o->seq, e));
			TRY(copybin_text(&c, o->kind, e));
			TRY(copybin_date(&c, o->due, e));
			TRY(copybin_int8(&c, o->amount, e));
			TRY(copybin_int8(&c, run, e));
		}
		TRY(copybin_end(&c, e));
	}
	if (b->ncons) {
		if (copybin_begin(&c, x->db, "COPY consumption (account_id, period, billed_in, meter,"
				  " basis, volume_t1, volume_t2, volume_t3, reading_t1, reading_t2,"
				  " reading_t3, start_t1, start_t2, start_t3, run_id) FROM STDIN"
				  " (FORMAT binary)", e) < 0)
			return -1;
		for (size_t i = 0; i < b->ncons; i++) {
			const struct out_cons *o = &b->cons[i];

			TRY(copybin_row(&c, 15, e));
			TRY(copybin_int8(&c, o->acc, e));
			TRY(copybin_date(&c, period_first(o->period), e));
			TRY(copybin_date(&c, p, e));
			TRY(copybin_text(&c, o->meter, e));
			TRY(copybin_text(&c, o->basis, e));
			for (int z = 0; z < TARIFF_ZONES; z++)
				TRY(z < o->zones ? copybin_numeric(&c, o->volume[z], 3, e)
						 : copybin_null(&c, e));
			for (int z = 0; z < TARIFF_ZONES; z++)
				TRY(o->reading && z < o->zones ? copybin_numeric(&c, o->reading[z], 3, e)
							       : copybin_null(&c, e));
			for (int z = 0; z < TARIFF_ZONES; z++)
				TRY(o->reading && z < o->zones
					    ? copybin_numeric(&c, o->reading[TARIFF_ZONES + z], 3, e)
					    : copybin_null(&c, e));
			TRY(copybin_int8(&c, run, e));
		}
		TRY(copybin_end(&c, e));
	}
	if (b->nstale) {
		char *ids = NULL, p0[DATE_BUF];
		const char *q[2] = { NULL, p0 };
		int rc;

		if (ids_param(b->stale, b->nstale, &ids, e) < 0)
			return -1;
		q[0] = ids;
		fmt_period(x->o->period, p0);
		rc = db_exec(x->db, e, "DELETE FROM bill_window WHERE account_id = ANY ($1::bigint[])"
			     " AND period > $2::date", 2, q);
		free(ids);
		if (rc < 0)
			return -1;
	}
	if (b->nwins) {
		sdate next = period_first(x->o->period + 1);

		if (copybin_begin(&c, x->db, "COPY bill_window (account_id, period, months, meter,"
				  " history, run_id) FROM STDIN (FORMAT binary)", e) < 0)
			return -1;
		for (size_t i = 0; i < b->nwins; i++) {
			const struct out_win *o = &b->wins[i];

			TRY(copybin_row(&c, 6, e));
			TRY(copybin_int8(&c, o->acc, e));
			TRY(copybin_date(&c, next, e));
			TRY(copybin_int2(&c, x->hist_months, e));
			TRY(copybin_text(&c, o->meter, e));
			TRY(copybin_text(&c, b->text + o->text, e));
			TRY(copybin_int8(&c, run, e));
		}
		TRY(copybin_end(&c, e));
	}
	x->st->lines += (int64_t)b->nlines;
	x->st->obligations += (int64_t)b->nobls;
	x->st->consumption += (int64_t)b->ncons;
	b->nlines = b->nobls = b->ncons = b->nids = b->nreadings = 0;
	b->nwins = b->ntext = b->nstale = 0;
	return 0;
fail:
	copybin_abort(&c, "bill failed");
	return -1;
}

/* ---- one branch, one transaction ---- */

/* Whether the branch's period is published for the kind of accounts (NULL:
 * for any): its state is 'published' and, for a kind, accounts of that
 * kind have documents of the period (the households' documents go out
 * before the legal entities' readings are in, SPEC 6).  lock: the state's
 * row is locked FOR UPDATE until the end of the transaction. */
static int branch_published(PGconn *db, const char *p0, const char *branch, const char *kind,
			    int lock, int *published, struct sbyt_err *e)
{
	const char *p[3] = { p0, branch, kind };
	char *v = NULL;
	PGresult *r;

	*published = 0;
	r = db_query(db, e, lock ? "SELECT state FROM period_state WHERE period = $1::date"
		     " AND branch = $2 FOR UPDATE"
		     : "SELECT state FROM period_state WHERE period = $1::date AND branch = $2",
		     2, p);
	if (!r)
		return -1;
	*published = PQntuples(r) == 1 && str_eq(PQgetvalue(r, 0, 0), "published");
	PQclear(r);
	if (!*published || !kind)
		return 0;
	if (db_value(db, e, "SELECT EXISTS (SELECT 1 FROM account a JOIN document d"
		     " ON d.account_id = a.account_id AND d.period = $1::date"
		     " WHERE a.branch = $2 AND a.kind = $3)", 3, p, &v) < 0)
		return -1;
	*published = v && v[0] == 't';
	free(v);
	return 0;
}

int billrun_published(PGconn *db, speriod period, const char *branch, const char *kind,
		      int *published, struct sbyt_err *e)
{
	char p0[DATE_BUF];
	const char *p[1] = { p0 };
	PGresult *br;
	int rc = 0;

	*published = 0;
	fmt_period(period, p0);
	br = db_query(db, e, "SELECT branch FROM period_state WHERE period = $1::date"
		      " AND state = 'published' ORDER BY branch", 1, p);
	if (!br)
		return -1;
	for (int i = 0; i < PQntuples(br) && rc == 0 && !*published; i++)
		if (!branch || str_eq(branch, PQgetvalue(br, i, 0)))
			rc = branch_published(db, p0, PQgetvalue(br, i, 0), kind, 0, published, e);
	PQclear(br);
	return rc;
}

static int one_branch(struct ctx *x, const char *branch, int rebill, struct sbyt_err *e)
{
	const struct billrun_opts *o = x->o;
	char n[12], i[12], last[DATE_BUF], p0[DATE_BUF], win[DATE_BUF], prev[DATE_BUF], run[24];
	char lo[24], hi[24], late[DATE_BUF], back[DATE_BUF];
	const char *p[8] = { branch, n, i, last, o->kind, lo, hi, prev };
	const char *ph[4] = { lo, hi, p0, win };
	const char *pr[5] = { lo, hi, p0, late, back };
	PGresult *ar = NULL;
	int rc = -1, published, u = o->unissued != 0;

	snprintf(n, sizeof(n), "%d", o->shard_n);
	snprintf(i, sizeof(i), "%d", o->shard_i);
	date_format(period_last(o->period), last);
	fmt_period(o->period, p0);
	fmt_period(o->period - x->hist_months, win);
	fmt_period(o->period - 1, prev);
	fmt_period(o->period - READ_BACK, back);
	/* the latest a legal reading closing P can be dated: the 27th of P+1 */
	date_format(period_first(o->period + 1) + 26, late);
	memset(&x->hist, 0, sizeof(x->hist));
	memset(&x->read, 0, sizeof(x->read));
	memset(&x->prev, 0, sizeof(x->prev));

	if (db_begin(x->db, e) < 0)
		return -1;
	/* The cursors are read to the end: plan them for all their rows, and
	 * sort the branch's rows in memory (server side, this transaction). */
	if (db_exec(x->db, e, "SET LOCAL cursor_tuple_fraction = 1.0", 0, NULL) < 0 ||
	    db_exec(x->db, e, "SET LOCAL work_mem = '64MB'", 0, NULL) < 0)
		goto out;
	/* bill_window (sql/261): this transaction replaces the rows of the
	 * accounts it bills, its writes to consumption do not remove them; any
	 * other writer of consumption waits for its commit (before the
	 * cursors' snapshot: a writer that came first is read). */
	if (db_exec(x->db, e, "SET LOCAL sbyt.bill_window = 'kept'", 0, NULL) < 0 ||
	    db_exec(x->db, e, "LOCK TABLE bill_window IN ROW EXCLUSIVE MODE", 0, NULL) < 0)
		goto out;
	/* The branch's period state, locked until commit: docs publishing the
	 * branch at the same time waits for this run, or this run for it and
	 * then sees the documents it made. */
	if (branch_published(x->db, p0, branch, o->kind, 1, &published, e) < 0)
		goto out;
	if (published && !u) {
		char next[DATE_BUF];

		err_set(e, ERR_DATA, "period %.7s of branch %s was published%s%s while billing;"
			" corrections go to %.7s", p0, branch, o->kind ? " for " : "",
			o->kind ? o->kind : "", fmt_period(o->period + 1, next));
		goto out;
	}
	ar = db_query(x->db, e, SQL_BOUNDS[u], 5, p);
	if (!ar)
		goto out;
	if (PQgetisnull(ar, 0, 0)) {  /* no account: the streams are empty */
		p[5] = p[6] = ph[0] = ph[1] = pr[0] = pr[1] = NULL;
	} else {
		snprintf(lo, sizeof(lo), "%s", PQgetvalue(ar, 0, 0));
		snprintf(hi, sizeof(hi), "%s", PQgetvalue(ar, 0, 1));
	}
	PQclear(ar);
	ar = NULL;
	/* Without a reading older than the bounded stream's (a first month:
	 * every account without an anchor would be held, 98 % of them at
	 * N=100,000, bill 1.2 -> 4.4 s) the stream has them all.  The first
	 * such reading in the order of the key, not EXISTS: for that the planner
	 * scans the table from its start, to the second branch's rows (163 ms
	 * against 0.07 ms in make bench-year, N = 20,000, growing with the
	 * history; a first month walks the branch's range, one row an account). */
	x->older = 0;
	if (pr[0]) {
		const char *pb[3] = { lo, hi, back };
		PGresult *ro = db_query(x->db, e, "SELECT r.account_id FROM reading r"
					" WHERE r.account_id BETWEEN $1::bigint AND $2::bigint"
					" AND r.period < $3::date AND r.status = 'accepted'"
					" ORDER BY r.account_id LIMIT 1", 3, pb);

		if (!ro)
			goto out;
		x->older = PQntuples(ro) > 0;
		PQclear(ro);
	}
	/* The history and the readings come in primary key order from the
	 * index, not sorted: the months of years of a branch are more than
	 * work_mem, and the sort the planner prefers for all the rows of a
	 * cursor took 2 to 3 times as long as the index scan even in memory
	 * (7 months of 50,000 accounts).  Plans are made when declared. */
	if (db_exec(x->db, e, SQL_ACCOUNTS[u], 7, p) < 0 ||
	    db_exec(x->db, e, "SET LOCAL enable_sort = off", 0, NULL) < 0 ||
	    stream_open_lazy(&x->hist, x->db, SQL_HISTORY, "FETCH 50000 FROM bill_hist", 4, ph,
			     &x->st->t_read, e) < 0 ||
	    stream_open(&x->read, x->db, SQL_READINGS, "FETCH 50000 FROM bill_read", 5, pr,
			&x->st->t_read, e) < 0 ||
	    db_exec(x->db, e, "SET LOCAL enable_sort = on", 0, NULL) < 0 ||
	    stream_open(&x->prev, x->db, SQL_PREVIOUS[u], "FETCH 50000 FROM bill_prev", 8, p,
			&x->st->t_read, e) < 0)
		goto out;
	for (;;) {
		int rows;

		double t0 = log_now();

		ar = db_query(x->db, e, "FETCH " BATCH_TEXT " FROM bill_acc", 0, NULL);
		x->st->t_read += log_now() - t0;
		if (!ar)
			goto out;
		rows = PQntuples(ar);
		if (rows == 0)
			break;
		free(x->b.ids);
		free(x->b.readings);
		x->b.ids = malloc(sizeof(int64_t) * (size_t)rows);
		x->b.readings = malloc(sizeof(int64_t) * 2 * TARIFF_ZONES * (size_t)rows);
		x->b.nreadings = 0;
		if (!x->b.ids || !x->b.readings) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		x->b.nids = 0;
		if (window_batch(x, ar, rows, e) < 0)
			goto out;
		for (int r = 0; r < rows; r++) {
			x->b.ids[x->b.nids++] = get_int(ar, r, 0);
			if (one_account(x, ar, r, e) < 0)
				goto out;
			if (o->progress)
				progress_add(o->progress, 1);
		}
		if (finish_held(x, e) < 0)
			goto out;
		t0 = log_now();
		if (rebill && delete_batch(x, e) < 0)
			goto out;
		if (write_batch(x, e) < 0)
			goto out;
		x->st->t_write += log_now() - t0;
		PQclear(ar);
		ar = NULL;
	}
	{
		const char *q[3] = { p0, branch, run };
		PGresult *s;

		snprintf(run, sizeof(run), "%lld", (long long)o->run_id);
		/* A branch published for the other kind stays published: docs
		 * then keeps the documents it issued and numbers the new ones
		 * after them (branch_published() let only such a run through). */
		s = db_query(x->db, e, "INSERT INTO period_state (period, branch, state, billed_run)"
			     " VALUES ($1, $2, 'billed', $3) ON CONFLICT (period, branch) DO UPDATE"
			     " SET state = CASE period_state.state WHEN 'published' THEN 'published'"
			     " ELSE 'billed' END, billed_run = EXCLUDED.billed_run,"
			     " updated_at = clock_timestamp() RETURNING 1", 3, q);
		if (!s)
			goto out;
		if (PQntuples(s) != 1) {
			char next[DATE_BUF];

			PQclear(s);
			err_set(e, ERR_DATA, "period %.7s of branch %s was published while billing;"
				" corrections go to %.7s", p0, branch, fmt_period(o->period + 1, next));
			goto out;
		}
		PQclear(s);
	}
	stream_close(&x->hist);
	stream_close(&x->read);
	stream_close(&x->prev);
	if (db_commit(x->db, e) < 0)
		goto out;
	x->st->branches++;
	rc = 0;
out:
	PQclear(ar);
	stream_close(&x->hist);
	stream_close(&x->read);
	stream_close(&x->prev);
	x->b.nlines = x->b.nobls = x->b.ncons = x->b.nids = 0;
	x->b.nwins = x->b.ntext = x->b.nstale = 0;
	PQclear(x->win);
	PQclear(x->some);
	x->win = x->some = NULL;
	x->summary = 0;
	x->nheld = 0;
	if (rc < 0)
		db_rollback(x->db);
	return rc;
}

static void batch_free(struct batch *b)
{
	free(b->lines);
	free(b->obls);
	free(b->cons);
	free(b->ids);
	free(b->readings);
	free(b->wins);
	free(b->text);
	free(b->stale);
	memset(b, 0, sizeof(*b));
}

/* What a worker reports to the parent through its pipe. */
struct report {
	int rc;
	struct billrun_stats st;
	struct sbyt_err e;
};

static int read_all(int fd, void *buf, size_t size)
{
	char *p = buf;

	while (size > 0) {
		ssize_t n = read(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Worker w of n: its own connection, branches w, w + n, ...; never touches
 * the parent's connection; reports and _exit()s. */
static void worker(struct ctx *parent, PGresult *br, int nb, int w, int n, int fd,
		   pid_t ppid)
{
	struct report rep;
	struct ctx x = *parent;
	struct billrun_opts o = *parent->o;
	ssize_t wr;

#ifdef __linux__
	/* A worker dies with the job (kill -9 included), so that its open
	 * transaction is rolled back and a re-run starts clean. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	if (getppid() != ppid)
		_exit(1);
	memset(&rep, 0, sizeof(rep));
	memset(&x.b, 0, sizeof(x.b));
	if (w != 0)
		o.progress = NULL;
	x.o = &o;
	x.st = &rep.st;
	x.db = db_connect(o.conninfo, &rep.e);
	rep.rc = x.db ? 0 : -1;
	for (int i = w; i < nb && rep.rc == 0; i += n)
		rep.rc = one_branch(&x, PQgetvalue(br, i, 0), PQgetvalue(br, i, 1)[0] != '\0', &rep.e);
	batch_free(&x.b);
	free(x.held);
	free(x.win_of);
	if (x.db)
		PQfinish(x.db);
	wr = write(fd, &rep, sizeof(rep));
	close(fd);
	_exit(wr == (ssize_t)sizeof(rep) ? 0 : 1);
}

/* Bill the branches in o->workers processes at once, each branch still one
 * transaction; the first failure (in branch order of the workers) is
 * returned. */
static int in_workers(struct ctx *x, PGresult *br, int nb, struct sbyt_err *e)
{
	int n = x->o->workers < nb ? x->o->workers : nb, rc = 0;
	pid_t self = getpid();
	pid_t pid[BILLRUN_MAX_WORKERS];
	int fd[BILLRUN_MAX_WORKERS];

	if (n > BILLRUN_MAX_WORKERS)
		n = BILLRUN_MAX_WORKERS;
	fflush(stdout);
	fflush(stderr);
	for (int w = 0; w < n; w++) {
		int p[2];

		pid[w] = -1;
		fd[w] = -1;
		if (pipe(p) < 0) {
			rc = err_set(e, ERR_INTERNAL, "pipe: %s", strerror(errno));
			break;
		}
		pid[w] = fork();
		if (pid[w] < 0) {
			close(p[0]);
			close(p[1]);
			rc = err_set(e, ERR_INTERNAL, "fork: %s", strerror(errno));
			break;
		}
		if (pid[w] == 0) {
			close(p[0]);
			for (int v = 0; v < w; v++)
				close(fd[v]);
			worker(x, br, nb, w, n, p[1], self);
		}
		close(p[1]);
		fd[w] = p[0];
	}
	for (int w = 0; w < n; w++) {
		struct report rep;
		int status;

		if (pid[w] < 0)
			break;
		if (read_all(fd[w], &rep, sizeof(rep)) < 0) {
			memset(&rep, 0, sizeof(rep));
			rep.rc = -1;
			err_set(&rep.e, ERR_INTERNAL, "bill worker %d ended without a report", w);
		}
		close(fd[w]);
		while (waitpid(pid[w], &status, 0) < 0 && errno == EINTR)
			;
		x->st->accounts += rep.st.accounts;
		x->st->documents += rep.st.documents;
		x->st->refused += rep.st.refused;
		x->st->lines += rep.st.lines;
		x->st->obligations += rep.st.obligations;
		x->st->consumption += rep.st.consumption;
		x->st->total += rep.st.total;
		x->st->branches += rep.st.branches;
		x->st->held += rep.st.held;
		x->st->windows += rep.st.windows;
		x->st->t_read += rep.st.t_read;
		x->st->t_bill += rep.st.t_bill;
		x->st->t_write += rep.st.t_write;
		if (rep.rc < 0 && rc == 0) {
			*e = rep.e;
			rc = -1;
		}
	}
	return rc;
}

int billrun(PGconn *db, const struct tariff_rules *r, const struct billrun_opts *o,
	    struct billrun_stats *st, struct sbyt_err *e)
{
	struct ctx x;
	PGresult *br;
	char p0[DATE_BUF], next[DATE_BUF];
	int rc = 0, nb;

	memset(st, 0, sizeof(*st));
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.r = r;
	x.o = o;
	x.st = st;
	x.hist_months = tariff_billing(r)->history_months;
	if (x.hist_months > MAX_HIST)
		x.hist_months = MAX_HIST;
	fmt_period(o->period, p0);
	fmt_period(o->period + 1, next);
	{
		const char *p[2] = { p0, o->branch };

		br = db_query(db, e, "SELECT b.code, coalesce(s.state, '') FROM branch b"
			      " LEFT JOIN period_state s ON s.branch = b.code AND s.period = $1::date"
			      " WHERE $2::text IS NULL OR b.code = $2::text ORDER BY b.code", 2, p);
	}
	if (!br)
		return -1;
	nb = PQntuples(br);
	if (o->branch && nb == 0) {
		PQclear(br);
		return err_set(e, ERR_DATA, "unknown branch '%s'", o->branch);
	}
	for (int i = 0; i < nb; i++) {
		int published = str_eq(PQgetvalue(br, i, 1), "published");

		if (published && o->kind &&
		    branch_published(db, p0, PQgetvalue(br, i, 0), o->kind, 0, &published, e) < 0) {
			PQclear(br);
			return -1;
		}
		if (published && !o->unissued) {
			err_set(e, ERR_DATA, "period %.7s of branch %s is published%s%s; corrections go"
				" to %.7s", p0, PQgetvalue(br, i, 0), o->kind ? " for " : "",
				o->kind ? o->kind : "", next);
			PQclear(br);
			return -1;
		}
	}
	/* before the branches' transactions: bill_window's partition of P + 1
	 * (sql/262), which this bill writes, those of the months before P
	 * dropped; charge_line's partition of P (sql/283) */
	{
		const char *p[2] = { next, p0 };
		PGresult *res = db_query(db, e, "SELECT sbyt_bill_window_partition($1::date),"
					 " sbyt_bill_window_retire($2::date),"
					 " sbyt_month_partition('charge_line', $2::date)", 2, p);

		if (!res) {
			PQclear(br);
			return -1;
		}
		PQclear(res);
	}
	if (o->count_first && o->progress) {
		int64_t total = 0;

		for (int i = 0; i < nb && rc == 0; i++) {
			char n[12], s[12], last[DATE_BUF], *v = NULL;
			const char *p[5] = { PQgetvalue(br, i, 0), n, s, last, o->kind };

			snprintf(n, sizeof(n), "%d", o->shard_n);
			snprintf(s, sizeof(s), "%d", o->shard_i);
			date_format(period_last(o->period), last);
			rc = db_value(db, e, SQL_COUNT[o->unissued != 0], 5, p, &v);
			if (v)
				total += strtoll(v, NULL, 10);
			free(v);
		}
		if (rc < 0) {
			PQclear(br);
			return -1;
		}
		progress_start(o->progress, "accounts", total);
	} else if (o->progress) {
		progress_start(o->progress, "accounts", 0);
	}
	if (o->workers > 1 && nb > 1)
		rc = in_workers(&x, br, nb, e);
	else
		for (int i = 0; i < nb && rc == 0; i++)
			rc = one_branch(&x, PQgetvalue(br, i, 0), PQgetvalue(br, i, 1)[0] != '\0', e);
	PQclear(br);
	batch_free(&x.b);
	free(x.held);
	free(x.win_of);
	return rc;
}
