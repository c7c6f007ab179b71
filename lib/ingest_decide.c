/* ingest_decide.c - the checks of SPEC 5 on one file's records, a chunk at a
 * time; see ingest_decide.h.  A chunk's look-ups are one query per kind of
 * record on the look-up connection, each row an index probe (scalar
 * subqueries and LATERAL aggregates keep the planner from scanning whole
 * tables), made by a looker thread while the decider decides the chunk
 * before; the decisions follow the order of the file, against the
 * database as it was and what the file kept before; the rows kept are
 * gathered in memory and COPYed on the file's own connection by a writer
 * thread, while the decider goes on with the next chunk. */
#include "ingest_decide.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copybin.h"
#include "db.h"
#include "shard.h"

#define CHUNK 8192                  /* record lines per chunk */
#define ZMAX (CHUNK * REC_ZONES)    /* zone rows per chunk at most */

enum { ST_NONE, ST_ACCEPTED, ST_REJECTED, ST_DUPLICATE, ST_HELD, ST_SKIPPED, ST_OTHER };

struct cline {                      /* one record line of the chunk */
	int64_t rec;
	char kind;                  /* 'P' payment, 'R' reading, 'D' delivery, 'X' reject */
	int st;                     /* the payment's, confirmation's or reject's outcome */
	int rst;                    /* the readings' outcome (ST_NONE: none) */
	int z0, nz;                 /* its zone rows */
	int known, dup;             /* looked up: payment account, payment/delivery loaded */
	int64_t lcons;              /* held: consumption and average, thousandths */
	int64_t lavg;
	char code[32];
	char reason[320];
	struct ingest_rec r;
};

struct zrow {                       /* one zone of a reading line */
	int li, zone;
	int g;                      /* its meter zone in the chunk (struct mzgroup), -1 */
	/* looked up (the same for every zone of a line but the last ones) */
	int known, linked, n, mzones, digits;
	char mtr[REC_ID_MAX];       /* "" when not resolved */
	int has_init, dup, has_prev, has_first, has_last;
	int64_t init, prev_v, fv, lv, fid, lid;
	sdate prev_t, ft, lt;
	/* decided */
	int64_t prev, cons;
	int has_cons, rollover, bad, kept, accepted;
	int64_t reading_id;
};

/* The keys of a file's kept rows: payment ids, confirmations, meter zones
 * (each to the latest of its kept readings).  It grows with the file (some
 * 70 bytes a kept reading) and is freed with the decider. */
struct kmap {
	uint64_t *slot;      /* the key's hash's high 32 bits, then its index
	                        + 1 in the low 32 (0: empty): a probe of another
	                        key rarely reads that key's bytes */
	size_t cap;          /* slots, a power of two */
	uint32_t n, ncap;    /* keys */
	uint32_t *off;       /* each key's offset in arena */
	int32_t *val;
	char *arena;
	size_t alen, acap;
};

/* The rows of a chunk for one table, gathered in memory. */
struct out {
	const char *sql;
	char *buf;
	size_t len;
};
#define OUTS 6

/* While the writer sends one chunk's rows on the file's connection, the
 * decider parses and looks up the next on its own: the server stores and
 * probes at once.  Only one thread uses the file's connection at a time:
 * the decider waits for the writer (writer_wait) before it queries it. */
struct writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *db;
	struct out o[OUTS];
	int n;                      /* handed and not yet sent; 0: idle */
	int quit, failed;
	struct sbyt_err err;        /* the first failure */
};

struct kept {                       /* a reading of this file, kept */
	sdate t;
	int accepted;               /* else held */
	int64_t v;
	char source[12];
};

/* A meter zone's kept readings (indexes into kept), ordered by date, then
 * file order: each line finds its previous reading and its averaging
 * window by binary search, whatever the number of readings of the meter. */
struct mzlist {
	int32_t *ix;
	int32_t n, cap;
};

/* A meter zone of the chunk: its history in the database is looked up once
 * for all the chunk's lines of it, from the earliest averaging window's
 * start (lo) to the latest reading (hi): every row from s on, of [lo, s)
 * only the first accepted one, before s the latest accepted one
 * (zone_history() needs no other).  s is the earliest line's date, or
 * the second earliest line's window start when that is before it. */
struct mzgroup {
	int64_t acc;
	const char *mtr;
	int zone;
	sdate lo, hi;
	sdate t1, t2;               /* the two earliest lines' dates (t2 with lines > 1) */
	int lines;
	int r0, nr;                 /* its rows in decider.dbr */
	int32_t list;               /* its index in decider.lists, -1 none, -2 not
				     * looked for yet (mz_list()) */
};

/* A reading in the database, as the chunk's history look-up returns it. */
struct dbrow {
	sdate t;
	int accepted;               /* else held */
	int64_t id, v;
	char source[12];
};

/* A chunk of record lines with what their look-ups found. */
struct chunk {
	struct cline *l;
	int nl;
	struct zrow *z;
	int nz;
	struct mzgroup *grp;        /* its meter zones (ZMAX at most) */
	int ngrp;
	struct kmap gkeys;          /* their keys, to their index in grp */
	struct dbrow *dbr;          /* their history, each group's rows in order */
	int ndbr, dbrcap;
};

/* While the decider decides one chunk, the looker looks up the next on the
 * look-up connection (outside the file's transaction, it never sees what
 * the file kept, so the order of the two does not change the results). */
struct looker {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct decider *d;
	struct chunk *k;            /* handed and not yet looked up; NULL: idle */
	int quit, failed;
	struct sbyt_err err;        /* the first failure */
};

struct decider {
	PGconn *db;
	const struct ingest_rules *rules;
	sdate as_of;
	const char *chname;
	char file_id[24], run_id[24];
	int64_t run_id_n;
	int has_run;
	struct chunk ck[2];
	struct chunk *c;            /* the chunk being read */
	struct chunk *pend;         /* the one handed to the looker, not decided */
	struct looker lo;
	int looking;                /* lo's thread runs */
	PGconn *lk;                 /* the look-ups' connection: sees the database
				     * as it was before this file */
	struct kmap pays, dlvs;     /* payment ids and confirmations kept */
	struct kmap mzs;            /* meter zones: their index in lists */
	struct mzlist *lists;
	int32_t nlists, lcap;
	struct kept *kept;          /* the file's kept readings, in file order */
	int32_t nkept, kcap;
	int oom;
	int shard_i, shard_n;       /* decide_shard() */
	size_t budget;              /* bytes the file's kept keys may take */
	int tight;                  /* over it: look up on db, remember a chunk only */
	struct writer w;            /* sends each chunk's rows on db */
	int writing;                /* w's thread runs */
	struct out o[OUTS];         /* the rows of the chunk being decided */
	int no;
	struct ingest_counts n;
};

/* ---- small helpers ---- */

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p)
			return -1;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Append an element to an array literal under construction ("{" first). */
static int arr_str(struct buf *b, const char *s)
{
	int rc = buf_add(b, b->len > 1 ? "," : "", b->len > 1);
	if (!s)
		return rc | buf_add(b, "NULL", 4);
	rc |= buf_add(b, "\"", 1);
	while (*s) {
		size_t n = strcspn(s, "\"\\");
		rc |= buf_add(b, s, n);
		s += n;
		if (*s) {
			rc |= buf_add(b, "\\", 1) | buf_add(b, s, 1);
			s++;
		}
	}
	return rc | buf_add(b, "\"", 1);
}

static int arr_int(struct buf *b, int64_t v)
{
	char t[24];
	snprintf(t, sizeof(t), "%" PRId64, v);
	return arr_str(b, t);
}

static int arr_date(struct buf *b, sdate d)
{
	char t[DATE_BUF];
	return arr_str(b, date_format(d, t));
}

static char *milli(int64_t v, char *out)
{
	snprintf(out, 32, "%s%" PRId64 ".%03" PRId64, v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000,
		 (v < 0 ? -v : v) % 1000);
	return out;
}

/* ---- what this file kept: keys (strings) to a value ---- */

static uint64_t hash_key(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

#define KMAP_TAG 0xFFFFFFFF00000000u

/* The slot of key (hash h): its own, or the empty one it would take. */
static uint64_t *kmap_slot(const struct kmap *m, const char *key, uint64_t h)
{
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		uint64_t v = m->slot[i];
		if (v == 0 || ((v & KMAP_TAG) == (h & KMAP_TAG) &&
			       strcmp(m->arena + m->off[(uint32_t)v - 1], key) == 0))
			return &m->slot[i];
	}
}

/* The value of key, or NULL when the key is not there. */
static int32_t *kmap_get(const struct kmap *m, const char *key)
{
	uint64_t *s = m->cap ? kmap_slot(m, key, hash_key(key)) : NULL;
	return s && *s ? &m->val[(uint32_t)*s - 1] : NULL;
}

/* The value of key, added as -1 when new; NULL when out of memory. */
static int32_t *kmap_put(struct kmap *m, const char *key)
{
	size_t kl = strlen(key) + 1;
	uint64_t h = hash_key(key), *s;

	if ((size_t)(m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		uint64_t *slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return NULL;
		free(m->slot);
		m->slot = slot;
		m->cap = cap;
		for (uint32_t k = 0; k < m->n; k++) {
			uint64_t hk = hash_key(m->arena + m->off[k]);
			*kmap_slot(m, m->arena + m->off[k], hk) = (hk & KMAP_TAG) | (k + 1);
		}
	}
	s = kmap_slot(m, key, h);
	if (*s)
		return &m->val[(uint32_t)*s - 1];
	if (m->n == m->ncap) {
		uint32_t nc = m->ncap ? m->ncap * 2 : 1024;
		uint32_t *off = realloc(m->off, nc * sizeof(*off));
		if (off)
			m->off = off;
		int32_t *val = off ? realloc(m->val, nc * sizeof(*val)) : NULL;
		if (!val)
			return NULL;
		m->val = val;
		m->ncap = nc;
	}
	if (m->alen + kl > m->acap) {
		size_t ac = m->acap ? m->acap * 2 : 65536;
		while (ac < m->alen + kl)
			ac *= 2;
		char *arena = realloc(m->arena, ac);
		if (!arena)
			return NULL;
		m->arena = arena;
		m->acap = ac;
	}
	memcpy(m->arena + m->alen, key, kl);
	m->off[m->n] = (uint32_t)m->alen;
	m->val[m->n] = -1;
	m->alen += kl;
	*s = (h & KMAP_TAG) | ++m->n;
	return &m->val[m->n - 1];
}

/* Empty m, keeping its memory. */
static void kmap_clear(struct kmap *m)
{
	if (m->cap)
		memset(m->slot, 0, m->cap * sizeof(*m->slot));
	m->n = 0;
	m->alen = 0;
}

static void kmap_free(struct kmap *m)
{
	free(m->slot);
	free(m->off);
	free(m->val);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

/* date d minus months, the day clamped to the month's length (as SQL's
 * date - interval). */
static sdate minus_months(sdate d, int months)
{
	int y, m, day, t, md;

	date_to_ymd(d, &y, &m, &day);
	t = y * 12 + (m - 1) - months;
	y = t / 12;
	m = t % 12 + 1;
	md = date_month_days(y, m);
	return date_from_ymd(y, m, day < md ? day : md);
}

/* ---- the sink: buffer a chunk ---- */

static int flush(struct decider *d, struct sbyt_err *e);

static struct cline *next_line(struct decider *d, char kind, struct sbyt_err *e)
{
	struct cline *c;

	if (d->c->nl == CHUNK && flush(d, e))
		return NULL;
	c = &d->c->l[d->c->nl++];
	c->rec = ++d->n.read;
	c->kind = kind;
	c->st = c->rst = ST_NONE;
	c->nz = 0;
	c->z0 = d->c->nz;
	c->known = c->dup = 0;
	c->code[0] = c->reason[0] = '\0';
	return c;
}

static int on_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	struct decider *d = arg;
	char kind = r->kind == REC_PAYMENT ? 'P' : r->kind == REC_DELIVERY ? 'D' : 'R';
	struct cline *c = next_line(d, kind, e);
	struct chunk *k = d->c;

	if (!c)
		return -1;
	c->r = *r;
	c->r.text = NULL;
	c->r.has_reading = 0;
	if (r->has_reading)
		for (int z = 1; z <= REC_ZONES; z++)
			if (r->rd.has[z - 1]) {
				struct zrow *zr = &k->z[k->nz++];
				memset(zr, 0, sizeof(*zr));
				zr->li = k->nl - 1;
				zr->zone = z;
				c->nz++;
				c->r.has_reading = 1;
			}
	return 0;
}

static int on_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	struct decider *d = arg;
	struct cline *c = next_line(d, 'X', e);

	if (!c)
		return -1;
	c->r.line = rj->line;
	c->r.has_reading = 0;
	snprintf(c->code, sizeof(c->code), "%s", rj->code);
	snprintf(c->reason, sizeof(c->reason), "%s", rj->reason);
	return 0;
}

/* ---- look-ups ---- */

/* The chunk's accounts that exist, and its payment ids already stored for
 * the channel: an index scan of the account array (= ANY) and a probe of
 * the source ids' hash index per id (sql/284; as = ANY, a hash index scan
 * checks each row it finds against the whole array), each key looked up
 * once, the matches handed back to be found by binary search.  Half the
 * server's time of a scalar subquery per line (SPEC 5 checks unchanged). */
static const char pay_sql[] =
	"SELECT 'a', a.account_id::text FROM account a WHERE a.account_id = ANY ($2::bigint[])"
	" UNION ALL SELECT 's', p.source_id FROM unnest($3::text[]) k(id)"
	" JOIN payment p ON p.source_id = k.id AND p.channel = $1";

static const char dlv_sql[] =
	"SELECT k.i FROM unnest($1::text[], $2::text[], $3::date[]) WITH ORDINALITY"
	" AS k(nid, st, at, i) WHERE EXISTS (SELECT 1 FROM delivery d WHERE d.notice_id = k.nid"
	" AND d.status = k.st AND d.at = k.at OFFSET 0)";

/* The chunk's accounts: whether each exists, its phones (only when a line
 * came from a phone) and its meters with their zones, digits and initial
 * readings in thousandths; ordered by account so that each zone row finds
 * its account's rows by binary search (rd_match() decides as SPEC 5 says).
 * Index scans of the key array, each account once. */
#define RD_METERS                                                                   \
	" UNION ALL SELECT m.account_id, 'm', m.meter, m.zones, m.digits,"             \
	" (m.initial_t1 * 1000)::bigint, (m.initial_t2 * 1000)::bigint,"               \
	" (m.initial_t3 * 1000)::bigint FROM meter m WHERE m.account_id = ANY ($1::bigint[])" \
	" ORDER BY 1"
static const char rd_sql[] =
	"SELECT a.account_id, 'a', NULL, NULL::smallint, NULL::smallint, NULL::bigint,"
	" NULL::bigint, NULL::bigint FROM account a WHERE a.account_id = ANY ($1::bigint[])"
	RD_METERS;
/* The same with the accounts' phones (an SMS's sender is checked against
 * them): each account read once, its row and its phones' rows from it
 * (rather than its key alone, then again for its phones: 81 -> 66 ms a
 * chunk of 8,192 SMS's accounts). */
static const char rd_phone_sql[] =
	"SELECT a.account_id, x.k, x.ph, NULL::smallint, NULL::smallint, NULL::bigint,"
	" NULL::bigint, NULL::bigint FROM account a CROSS JOIN LATERAL (SELECT 'a' AS k,"
	" NULL::text AS ph UNION ALL SELECT 'p', ph FROM unnest(a.phones) ph) x"
	" WHERE a.account_id = ANY ($1::bigint[])"
	RD_METERS;

/* Per meter zone of the chunk, once (struct mzgroup), one index scan
 * down from its latest date hi: its accepted and held readings taken in
 * [s, hi], then its accepted ones before s, latest first (the order of the
 * index, period then date then id; a reading's period is its month or the
 * next), at most lim rows (k.lim: its lines + 1: one more than a file
 * read again finds of its dates; each row more costs as much as a probe
 * when history is there).  lookup_history() keeps
 * of these the rows of [s, hi] and the latest accepted one before s, which
 * hist_sql probes for with two descents of the index; when the scan may
 * have stopped before all of them, that meter zone is looked up again with
 * hist_sql.  The columns of hist_sql, then the period. */
static const char scan_sql[] =
	"SELECT k.i, x.taken_on - DATE '2000-01-01', x.reading_id, (x.value * 1000)::bigint,"
	" x.status = 'accepted', x.source, x.period - DATE '2000-01-01'"
	" FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::date[], $5::date[],"
	" $6::int[]) WITH ORDINALITY AS k(acc, meter, zone, s, hi, lim, i)"
	" CROSS JOIN LATERAL (SELECT x.taken_on, x.reading_id, x.value, x.status, x.source,"
	" x.period FROM reading x WHERE x.account_id = k.acc AND x.meter = k.meter"
	" AND x.zone = k.zone"
	" AND x.period <= (date_trunc('month', k.hi::timestamp) + interval '1 month')::date"
	" AND x.taken_on <= k.hi AND x.status IN ('accepted', 'held')"
	" AND (x.taken_on >= k.s AND x.period >= date_trunc('month', k.s::timestamp)::date"
	" OR x.taken_on < k.s AND x.status = 'accepted'"
	" AND x.period <= (date_trunc('month', k.s::timestamp) + interval '1 month')::date)"
	" ORDER BY x.period DESC, x.taken_on DESC, x.reading_id DESC LIMIT k.lim) x"
	" ORDER BY k.i, x.period DESC, x.taken_on DESC, x.reading_id DESC";

/* The first accepted reading taken in [lo, s) of the meter zones whose
 * latest accepted reading before s (scan_sql) was taken on or after lo:
 * hist_sql's third probe. */
static const char win_sql[] =
	"SELECT k.i, x.taken_on - DATE '2000-01-01', x.reading_id, (x.value * 1000)::bigint,"
	" x.status = 'accepted', x.source"
	" FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::date[], $5::date[])"
	" WITH ORDINALITY AS k(acc, meter, zone, lo, s, i)"
	" CROSS JOIN LATERAL (SELECT x.taken_on, x.reading_id, x.value, x.status, x.source"
	" FROM reading x WHERE x.account_id = k.acc AND x.meter = k.meter AND x.zone = k.zone"
	" AND x.period >= date_trunc('month', k.lo::timestamp)::date"
	" AND x.period <= (date_trunc('month', k.s::timestamp) + interval '1 month')::date"
	" AND x.taken_on >= k.lo AND x.taken_on < k.s AND x.status = 'accepted'"
	" ORDER BY x.period, x.taken_on, x.reading_id LIMIT 1) x";

/* The three probes scan_sql stands for (looked up with it only when a
 * meter zone's scan was not sure to hold every row they find).  Per meter
 * zone of the chunk, once (struct mzgroup): its accepted and
 * held readings taken in [s, hi] (hi: the latest of the lines' dates), the
 * first accepted reading taken in [lo, s) (lo: the start of the earliest
 * averaging window) and the latest accepted reading before s, ordered by
 * date, then id (the last two may be one row: lookup_history() keeps it
 * once).  A window of twelve monthly readings gives three rows, not
 * thirteen.  The period bounds keep each scan to the index range of those
 * dates (a reading's period is its month or the next), whose order is the
 * dates' order.  The bounds are dates from timestamps without a time zone:
 * date_trunc() of a date is of a timestamptz, and a date compared with one
 * is converted in the session's time zone at every comparison (8 % of the
 * query's CPU). */
static const char hist_sql[] =
	"SELECT k.i, x.taken_on - DATE '2000-01-01', x.reading_id, (x.value * 1000)::bigint,"
	" x.status = 'accepted', x.source"
	" FROM unnest($1::bigint[], $2::text[], $3::smallint[], $4::date[], $5::date[],"
	" $6::date[]) WITH ORDINALITY AS k(acc, meter, zone, lo, s, hi, i)"
	" CROSS JOIN LATERAL ((SELECT x.taken_on, x.reading_id, x.value, x.status, x.source"
	" FROM reading x WHERE x.account_id = k.acc AND x.meter = k.meter AND x.zone = k.zone"
	" AND x.period >= date_trunc('month', k.s::timestamp)::date"
	" AND x.period <= (date_trunc('month', k.hi::timestamp) + interval '1 month')::date"
	" AND x.taken_on BETWEEN k.s AND k.hi AND x.status IN ('accepted', 'held'))"
	" UNION ALL (SELECT y.taken_on, y.reading_id, y.value, y.status, y.source"
	" FROM (SELECT x.taken_on, x.reading_id, x.value, x.status, x.source"
	" FROM reading x WHERE x.account_id = k.acc AND x.meter = k.meter AND x.zone = k.zone"
	" AND x.period <= (date_trunc('month', k.s::timestamp) + interval '1 month')::date"
	" AND x.taken_on < k.s AND x.status = 'accepted'"
	" ORDER BY x.period DESC, x.taken_on DESC, x.reading_id DESC LIMIT 1) l"
	" CROSS JOIN LATERAL (SELECT l.taken_on, l.reading_id, l.value, l.status, l.source"
	" UNION ALL (SELECT x.taken_on, x.reading_id, x.value, x.status, x.source"
	" FROM reading x WHERE l.taken_on >= k.lo AND x.account_id = k.acc AND x.meter = k.meter"
	" AND x.zone = k.zone AND x.period >= date_trunc('month', k.lo::timestamp)::date"
	" AND x.period <= (date_trunc('month', k.s::timestamp) + interval '1 month')::date"
	" AND x.taken_on >= k.lo AND x.taken_on < k.s AND x.status = 'accepted'"
	" ORDER BY x.period, x.taken_on, x.reading_id LIMIT 1)) y)) x"
	" ORDER BY k.i, x.taken_on, x.reading_id";

static int bad_alloc(struct sbyt_err *e)
{
	return err_set(e, ERR_INTERNAL, "out of memory");
}

/* ---- the writer: a chunk's COPYs on the file's connection, on a thread ---- */

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct out o[OUTS];
		struct sbyt_err e;
		int n, failed = w->failed;

		while (!w->n && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->n)
			break;
		n = w->n;
		memcpy(o, w->o, sizeof(o));
		pthread_mutex_unlock(&w->mu);
		err_clear(&e);
		for (int i = 0; i < n; i++) {
			if (!failed && (copy_send(w->db, o[i].sql, o[i].buf, o[i].len, &e) ||
					db_drain(w->db, &e))) {
				struct sbyt_err ignore;
				failed = 1;
				db_drain(w->db, &ignore);
			}
			free(o[i].buf);
		}
		pthread_mutex_lock(&w->mu);
		if (failed && !w->failed) {
			w->failed = 1;
			w->err = e;
		}
		w->n = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Wait until the writer has sent what it was handed.  0, or -1 with e set
 * to the first failure of its COPYs. */
static int writer_wait(struct writer *w, struct sbyt_err *e)
{
	int failed;

	pthread_mutex_lock(&w->mu);
	while (w->n)
		pthread_cond_wait(&w->cv, &w->mu);
	failed = w->failed;
	if (failed)
		*e = w->err;
	pthread_mutex_unlock(&w->mu);
	return failed ? -1 : 0;
}

/* Hand the writer n outputs, once it has sent the last ones; their buffers
 * become its to free (freed here on failure).  0 or -1 with e set. */
static int writer_hand(struct writer *w, struct out *o, int n, struct sbyt_err *e)
{
	if (writer_wait(w, e)) {
		for (int i = 0; i < n; i++)
			free(o[i].buf);
		return -1;
	}
	if (n == 0)
		return 0;
	pthread_mutex_lock(&w->mu);
	memcpy(w->o, o, sizeof(*o) * (size_t)n);
	w->n = n;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

/* The look-ups, prepared once on the look-up connection (decide_new()) as
 * "lk0".."lk6" in this order, with generic plans: index probes whatever the
 * arrays hold, and no planning of 8,192 constants a chunk. */
enum { LK_PAY, LK_DLV, LK_RD, LK_RDP, LK_HIST, LK_SCAN, LK_WIN, LK_N };
static const char *const lk_sql[LK_N] = { pay_sql, dlv_sql, rd_sql, rd_phone_sql, hist_sql, scan_sql,
					  win_sql };
static const char *const lk_name[LK_N] = { "lk0", "lk1", "lk2", "lk3", "lk4", "lk5", "lk6" };

/* Run look-up q with the n array literals in a[] between the leading and
 * trailing params (NULL: none). */
static PGresult *lookup(struct decider *d, int q, const char *lead, struct buf *a,
			int n, const char *trail, struct sbyt_err *e)
{
	const char *p[10];
	int k = 0;

	if (lead)
		p[k++] = lead;
	for (int i = 0; i < n; i++) {
		if (buf_add(&a[i], "}", 1)) {
			bad_alloc(e);
			return NULL;
		}
		p[k++] = a[i].s;
	}
	if (trail)
		p[k++] = trail;
	if (d->tight)
		return db_query(d->db, e, lk_sql[q], k, p);
	return db_query_prepared(d->lk, e, lk_name[q], k, p);
}

static void bufs_free(struct buf *a, int n)
{
	for (int i = 0; i < n; i++) {
		free(a[i].s);
		a[i].s = NULL;
		a[i].len = a[i].cap = 0;
	}
}

static int bufs_open(struct buf *a, int n)
{
	int rc = 0;
	for (int i = 0; i < n; i++) {
		a[i].len = 0;
		rc |= buf_add(&a[i], "{", 1);
	}
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int lookup_payments(struct decider *d, struct chunk *ck, struct sbyt_err *e)
{
	struct buf a[2] = { { 0 } };
	int rc = -1, n = 0;
	const char **ids = malloc(sizeof(*ids) * CHUNK);
	PGresult *r;

	if (!ids || bufs_open(a, 2))
		goto oom;
	for (int i = 0; i < ck->nl; i++) {
		struct cline *c = &ck->l[i];
		if (c->kind != 'P')
			continue;
		ids[n++] = c->r.pay.source_id;
		if (arr_int(&a[0], c->r.pay.account))
			goto oom;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	/* the ids sorted, each sent once */
	qsort(ids, (size_t)n, sizeof(*ids), cmp_str);
	for (int i = 0; i < n; i++)
		if ((i == 0 || strcmp(ids[i], ids[i - 1]) != 0) && arr_str(&a[1], ids[i]))
			goto oom;
	r = lookup(d, LK_PAY, d->chname, a, 2, NULL, e);
	if (r) {
		/* the accounts found and the ids stored, each sorted */
		int nt = PQntuples(r), na = 0, ns = 0;
		int64_t *acc = malloc(sizeof(*acc) * (size_t)(nt + 1));
		const char **sid = malloc(sizeof(*sid) * (size_t)(nt + 1));
		if (!acc || !sid) {
			free(acc);
			free(sid);
			PQclear(r);
			goto oom;
		}
		for (int t = 0; t < nt; t++) {
			if (PQgetvalue(r, t, 0)[0] == 'a')
				acc[na++] = strtoll(PQgetvalue(r, t, 1), NULL, 10);
			else
				sid[ns++] = PQgetvalue(r, t, 1);
		}
		qsort(acc, (size_t)na, sizeof(*acc), cmp_i64);
		qsort(sid, (size_t)ns, sizeof(*sid), cmp_str);
		for (int i = 0; i < ck->nl; i++) {
			struct cline *c = &ck->l[i];
			const char *key = c->r.pay.source_id;
			if (c->kind != 'P')
				continue;
			c->known = bsearch(&c->r.pay.account, acc, (size_t)na, sizeof(*acc),
					   cmp_i64) != NULL;
			c->dup = ns > 0 && bsearch(&key, sid, (size_t)ns, sizeof(*sid), cmp_str);
		}
		free(acc);
		free(sid);
		PQclear(r);
		rc = 0;
	}
out:
	free(ids);
	bufs_free(a, 2);
	return rc;
oom:
	free(ids);
	bufs_free(a, 2);
	return bad_alloc(e);
}

static int lookup_deliveries(struct decider *d, struct chunk *ck, struct sbyt_err *e)
{
	struct buf a[3] = { { 0 } };
	int rc = -1, m = 0, *idx = NULL;
	PGresult *r;

	if (bufs_open(a, 3) || !(idx = malloc(sizeof(int) * (size_t)ck->nl)))
		goto oom;
	for (int i = 0; i < ck->nl; i++) {
		struct cline *c = &ck->l[i];
		if (c->kind != 'D')
			continue;
		idx[m++] = i;
		if (arr_str(&a[0], c->r.dlv.notice_id) || arr_str(&a[1], c->r.dlv.status) ||
		    arr_date(&a[2], c->r.dlv.at))
			goto oom;
	}
	if (m == 0) {
		rc = 0;
		goto out;
	}
	r = lookup(d, LK_DLV, NULL, a, 3, NULL, e);
	if (r) {
		for (int t = 0; t < PQntuples(r); t++) {
			int i = atoi(PQgetvalue(r, t, 0)) - 1;
			if (i >= 0 && i < m)
				ck->l[idx[i]].dup = 1;
		}
		PQclear(r);
		rc = 0;
	}
out:
	free(idx);
	bufs_free(a, 3);
	return rc;
oom:
	free(idx);
	bufs_free(a, 3);
	return bad_alloc(e);
}

/* The key of a meter zone (account, meter, zone), into k. */
static char *mz_key3(int64_t acc, const char *mtr, int zone, char *k, size_t size)
{
	snprintf(k, size, "%" PRId64 "\x1f%s\x1f%d", acc, mtr, zone);
	return k;
}

/* Group the chunk's resolved zone rows by meter zone, with the dates their
 * history must cover.  0, or -1 when out of memory. */
static int group_zones(const struct decider *d, struct chunk *ck)
{
	char key[128];

	kmap_clear(&ck->gkeys);
	ck->ngrp = 0;
	for (int i = 0; i < ck->nz; i++) {
		struct zrow *z = &ck->z[i];
		const struct rec_reading *rd = &ck->l[z->li].r.rd;
		sdate lo = minus_months(rd->taken_on, d->rules->months);
		int32_t *g;

		z->g = -1;
		if (!z->mtr[0])
			continue;
		g = kmap_put(&ck->gkeys, mz_key3(rd->account, z->mtr, z->zone, key, sizeof(key)));
		if (!g)
			return -1;
		if (*g < 0) {
			struct mzgroup *m = &ck->grp[ck->ngrp];
			*g = ck->ngrp++;
			m->acc = rd->account;
			m->mtr = z->mtr;
			m->zone = z->zone;
			m->lo = lo;
			m->hi = m->t1 = m->t2 = rd->taken_on;
			m->lines = 1;
			m->r0 = m->nr = 0;
			m->list = -2;
		} else {
			struct mzgroup *m = &ck->grp[*g];
			sdate t = rd->taken_on;
			if (lo < m->lo)
				m->lo = lo;
			if (t > m->hi)
				m->hi = t;
			if (t < m->t1) {
				m->t2 = m->t1;
				m->t1 = t;
			} else if (m->lines == 1 || t < m->t2) {
				m->t2 = t;
			}
			m->lines++;
		}
		z->g = *g;
	}
	return 0;
}

/* The date from which meter zone m's rows are all wanted (struct mzgroup):
 * its earliest line's, or the second earliest line's window start when
 * that is before it (a later line's window may begin before the earliest
 * line: from there on every row, the first accepted one of its window). */
static sdate group_s(const struct decider *d, const struct mzgroup *m)
{
	sdate s = m->t1;

	if (m->lines > 1) {
		sdate lo2 = minus_months(m->t2, d->rules->months);
		if (lo2 < s)
			s = lo2;
	}
	return s;
}

/* The rows the history look-ups return, gathered before they are sorted
 * into the chunk's dbr. */
struct hrows {
	struct hrow {
		int g;
		struct dbrow x;
	} *r;
	int n, cap;
};

/* Column c of row t of r, a date as days since 2000-01-01. */
static sdate col_date(PGresult *r, int t, int c)
{
	return date_from_ymd(2000, 1, 1) + (sdate)atol(PQgetvalue(r, t, c));
}

/* Row t of r (hist_sql's columns) as a row of meter zone g. */
static int hrows_add(struct hrows *h, int g, PGresult *r, int t)
{
	struct dbrow *x;

	if (h->n == h->cap) {
		int cap = h->cap ? h->cap * 2 : 1024;
		struct hrow *p = realloc(h->r, sizeof(*p) * (size_t)cap);
		if (!p)
			return -1;
		h->r = p;
		h->cap = cap;
	}
	h->r[h->n].g = g;
	x = &h->r[h->n++].x;
	x->t = col_date(r, t, 1);
	x->id = strtoll(PQgetvalue(r, t, 2), NULL, 10);
	x->v = strtoll(PQgetvalue(r, t, 3), NULL, 10);
	x->accepted = PQgetvalue(r, t, 4)[0] == 't';
	snprintf(x->source, sizeof(x->source), "%s", PQgetvalue(r, t, 5));
	return 0;
}

static int cmp_hrow(const void *a, const void *b)
{
	const struct hrow *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	if (x->x.t != y->x.t)
		return x->x.t < y->x.t ? -1 : 1;
	return (x->x.id > y->x.id) - (x->x.id < y->x.id);
}

/* Run look-up q (hist_sql or win_sql) for the n meter zones of gs and add
 * its rows to h.  0 or -1 with e set. */
static int lookup_groups(struct decider *d, struct chunk *ck, int q, const int *gs, int n,
			 struct hrows *h, struct sbyt_err *e)
{
	struct buf a[6] = { { 0 } };
	int na = q == LK_HIST ? 6 : 5;
	PGresult *r;

	if (n == 0)
		return 0;
	if (bufs_open(a, na))
		goto oom;
	for (int i = 0; i < n; i++) {
		const struct mzgroup *m = &ck->grp[gs[i]];
		if (arr_int(&a[0], m->acc) || arr_str(&a[1], m->mtr) || arr_int(&a[2], m->zone) ||
		    arr_date(&a[3], m->lo) || arr_date(&a[4], group_s(d, m)) ||
		    (na == 6 && arr_date(&a[5], m->hi)))
			goto oom;
	}
	r = lookup(d, q, NULL, a, na, NULL, e);
	bufs_free(a, na);
	if (!r)
		return -1;
	for (int t = 0; t < PQntuples(r); t++) {
		int i = atoi(PQgetvalue(r, t, 0)) - 1;
		if (i >= 0 && i < n && hrows_add(h, gs[i], r, t)) {
			PQclear(r);
			return bad_alloc(e);
		}
	}
	PQclear(r);
	return 0;
oom:
	bufs_free(a, na);
	return bad_alloc(e);
}

/* Look up the history of the chunk's meter zones into ck->dbr: what
 * hist_sql returns, with one descent of the index a meter zone (scan_sql)
 * where the first month of readings has none before, two where the
 * latest accepted reading before s is in the averaging window (then
 * win_sql), and hist_sql again for a meter zone whose scan stopped at lim
 * rows before it was sure to hold them all. */
static int lookup_history(struct decider *d, struct chunk *ck, struct sbyt_err *e)
{
	struct buf a[6] = { { 0 } };
	struct hrows h = { 0 };
	int *win = NULL, *all = NULL, nwin = 0, nall = 0, rc = -1;
	PGresult *r;
	int nt;

	ck->ndbr = 0;
	if (ck->ngrp == 0)
		return 0;
	win = malloc(sizeof(*win) * (size_t)ck->ngrp);
	all = malloc(sizeof(*all) * (size_t)ck->ngrp);
	if (!win || !all || bufs_open(a, 6))
		goto oom;
	for (int g = 0; g < ck->ngrp; g++) {
		const struct mzgroup *m = &ck->grp[g];
		if (arr_int(&a[0], m->acc) || arr_str(&a[1], m->mtr) || arr_int(&a[2], m->zone) ||
		    arr_date(&a[3], group_s(d, m)) || arr_date(&a[4], m->hi) ||
		    arr_int(&a[5], m->lines + 1))
			goto oom;
	}
	r = lookup(d, LK_SCAN, NULL, a, 6, NULL, e);
	bufs_free(a, 6);
	if (!r)
		goto out;
	nt = PQntuples(r);
	for (int t0 = 0, t1; t0 < nt; t0 = t1) {
		int g = atoi(PQgetvalue(r, t0, 0)) - 1, b1 = -1, last;
		const struct mzgroup *m;
		sdate s, ms;
		int y, mo, day;

		for (t1 = t0 + 1; t1 < nt && atoi(PQgetvalue(r, t1, 0)) - 1 == g; t1++)
			;
		if (g < 0 || g >= ck->ngrp)
			continue;
		m = &ck->grp[g];
		s = group_s(d, m);
		date_to_ymd(s, &y, &mo, &day);
		ms = date_from_ymd(y, mo, 1);
		for (int t = t0; t < t1 && b1 < 0; t++)
			if (col_date(r, t, 1) < s)
				b1 = t;
		/* complete: fewer than lim rows, or the last one before s and of
		 * a period no later than s's month, after which no row of
		 * [s, hi] (of s's period or later) can come */
		last = t1 - 1;
		if (t1 - t0 == m->lines + 1 &&
		    !(col_date(r, last, 1) < s && col_date(r, last, 6) <= ms)) {
			all[nall++] = g;
			continue;
		}
		/* the rows of [s, hi] and the latest accepted one before s */
		for (int t = t0; t < t1; t++)
			if ((t == b1 || col_date(r, t, 1) >= s) &&
			    hrows_add(&h, g, r, t)) {
				PQclear(r);
				goto oom;
			}
		if (b1 >= 0 && col_date(r, b1, 1) >= m->lo)
			win[nwin++] = g;
	}
	PQclear(r);
	if (lookup_groups(d, ck, LK_WIN, win, nwin, &h, e) ||
	    lookup_groups(d, ck, LK_HIST, all, nall, &h, e))
		goto out;
	if (h.n > 1)
		qsort(h.r, (size_t)h.n, sizeof(*h.r), cmp_hrow);
	if (h.n > ck->dbrcap) {
		struct dbrow *p = realloc(ck->dbr, sizeof(*p) * (size_t)h.n);
		if (!p)
			goto oom;
		ck->dbr = p;
		ck->dbrcap = h.n;
	}
	for (int i = 0; i < h.n; i++) {
		struct mzgroup *m = &ck->grp[h.r[i].g];
		/* the first of [lo, s) and the latest before s: one row twice */
		if (m->nr > 0 && ck->dbr[ck->ndbr - 1].id == h.r[i].x.id)
			continue;
		if (m->nr == 0)
			m->r0 = ck->ndbr;
		m->nr++;
		ck->dbr[ck->ndbr++] = h.r[i].x;
	}
	rc = 0;
out:
	free(h.r);
	free(win);
	free(all);
	return rc;
oom:
	bufs_free(a, 6);
	bad_alloc(e);
	goto out;
}

/* The first of n rows (ordered by date) whose date is >= t (after: > t). */
static int dbr_bound(const struct dbrow *x, int n, sdate t, int after)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (after ? x[mid].t <= t : x[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Zone row z's history from its meter zone's rows: the same reading
 * accepted or held before (dup), the latest accepted one on or before its
 * date (prev), the first and last accepted ones in its averaging window
 * [date - months, date). */
static void zone_history(const struct decider *d, const struct chunk *ck, struct zrow *z)
{
	const struct rec_reading *rd = &ck->l[z->li].r.rd;
	const struct mzgroup *m;
	const struct dbrow *x;
	sdate t = rd->taken_on, lo = minus_months(t, d->rules->months);
	int n, p;

	z->dup = z->has_prev = z->has_first = z->has_last = 0;
	if (z->g < 0)
		return;
	m = &ck->grp[z->g];
	x = ck->dbr + m->r0;
	n = m->nr;
	for (p = dbr_bound(x, n, t, 0); p < n && x[p].t == t && !z->dup; p++)
		z->dup = x[p].v == rd->value[z->zone - 1] && strcmp(x[p].source, rd->source) == 0;
	for (p = dbr_bound(x, n, t, 1) - 1; p >= 0 && !x[p].accepted; p--)
		;
	if (p >= 0) {
		z->has_prev = 1;
		z->prev_t = x[p].t;
		z->prev_v = x[p].v;
	}
	for (p = dbr_bound(x, n, lo, 0); p < n && x[p].t < t && !x[p].accepted; p++)
		;
	if (p < n && x[p].t < t) {
		z->has_first = 1;
		z->ft = x[p].t;
		z->fid = x[p].id;
		z->fv = x[p].v;
	}
	for (p = dbr_bound(x, n, t, 0) - 1; p >= 0 && x[p].t >= lo && !x[p].accepted; p--)
		;
	if (p >= 0 && x[p].t >= lo) {
		z->has_last = 1;
		z->lt = x[p].t;
		z->lid = x[p].id;
		z->lv = x[p].v;
	}
}

/* Zone row z's meter and account from rd_sql's rows of its account,
 * [t, end) of r: as the scalar subqueries of SPEC 5 decided them before
 * (n: the account's meters the line may mean; the meter only when n is 1;
 * the smallest zones, digits and initial reading of those; known: a meter
 * was found and no phone to check, else the account exists; linked: no
 * phone, no account, or k.phone = ANY (phones) not false). */
static void rd_match(struct zrow *z, const struct rec_reading *rd, PGresult *r, int t, int end)
{
	int exists = 0, match = 0, nullph = 0, col = 5 + (z->zone == 1 ? 0 : z->zone == 2 ? 1 : 2);
	const char *only = NULL;

	z->n = z->mzones = z->digits = z->has_init = 0;
	for (; t < end; t++) {
		char kind = PQgetvalue(r, t, 1)[0];
		const char *v = PQgetvalue(r, t, 2);
		if (kind == 'a') {
			exists = 1;
		} else if (kind == 'p') {
			if (PQgetisnull(r, t, 2))
				nullph = 1;
			else if (strcmp(v, rd->phone) == 0)
				match = 1;
		} else if (!rd->meter[0] || strcmp(v, rd->meter) == 0) {
			int zones = atoi(PQgetvalue(r, t, 3)), digits = atoi(PQgetvalue(r, t, 4));
			if (z->n == 0 || zones < z->mzones)
				z->mzones = zones;
			if (z->n == 0 || digits < z->digits)
				z->digits = digits;
			if (!PQgetisnull(r, t, col)) {
				int64_t init = strtoll(PQgetvalue(r, t, col), NULL, 10);
				if (!z->has_init || init < z->init)
					z->init = init;
				z->has_init = 1;
			}
			z->n++;
			only = v;
		}
	}
	z->known = (z->n > 0 && !rd->phone[0]) || exists;
	z->linked = !rd->phone[0] || !exists || match || nullph;
	snprintf(z->mtr, sizeof(z->mtr), "%s", z->n == 1 ? only : "");
}

static int lookup_readings(struct decider *d, struct chunk *ck, struct sbyt_err *e)
{
	struct buf a[1] = { { 0 } };
	int64_t *racc;
	int phones = 0, nt;
	PGresult *r;

	if (ck->nz == 0)
		return 0;
	if (bufs_open(a, 1))
		goto oom;
	for (int i = 0; i < ck->nz; i++) {
		const struct rec_reading *rd = &ck->l[ck->z[i].li].r.rd;
		phones |= rd->phone[0] != 0;
		if ((i == 0 || ck->z[i - 1].li != ck->z[i].li) && arr_int(&a[0], rd->account))
			goto oom;
	}
	r = lookup(d, phones ? LK_RDP : LK_RD, NULL, a, 1, NULL, e);
	bufs_free(a, 1);
	if (!r)
		return -1;
	nt = PQntuples(r);
	racc = malloc(sizeof(*racc) * (size_t)(nt + 1));
	if (!racc) {
		PQclear(r);
		return bad_alloc(e);
	}
	for (int t = 0; t < nt; t++)
		racc[t] = strtoll(PQgetvalue(r, t, 0), NULL, 10);
	for (int i = 0; i < ck->nz; i++) {
		const struct rec_reading *rd = &ck->l[ck->z[i].li].r.rd;
		int lo = 0, hi = nt, end;
		while (lo < hi) {
			int mid = lo + (hi - lo) / 2;
			if (racc[mid] < rd->account)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (end = lo; end < nt && racc[end] == rd->account; end++)
			;
		rd_match(&ck->z[i], rd, r, lo, end);
	}
	free(racc);
	PQclear(r);
	if (group_zones(d, ck))
		return bad_alloc(e);
	if (lookup_history(d, ck, e))
		return -1;
	for (int i = 0; i < ck->nz; i++)
		zone_history(d, ck, &ck->z[i]);
	return 0;
oom:
	bufs_free(a, 1);
	return bad_alloc(e);
}

/* ---- decisions ---- */

/* The first position of list L whose kept reading is dated >= t (after:
 * > t). */
static int32_t mzl_bound(const struct decider *d, const struct mzlist *L, sdate t, int after)
{
	int32_t lo = 0, hi = L ? L->n : 0;

	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		sdate x = d->kept[L->ix[mid]].t;
		if (after ? x <= t : x < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The file's kept readings of meter zone g of chunk ck (its key is the
 * g-th of the chunk's gkeys), or NULL when it kept none; looked for once
 * a chunk. */
static const struct mzlist *mz_list(const struct decider *d, struct chunk *ck, int g)
{
	struct mzgroup *m = &ck->grp[g];

	if (m->list == -2) {
		const int32_t *h = kmap_get(&d->mzs, ck->gkeys.arena + ck->gkeys.off[g]);
		m->list = h ? *h : -1;
	}
	return m->list >= 0 ? &d->lists[m->list] : NULL;
}

/* Meter zone g of chunk ck in the file's lists, added when new (its list
 * empty).  0, or -1 when out of memory. */
static int mz_list_add(struct decider *d, struct chunk *ck, int g)
{
	int32_t *h = kmap_put(&d->mzs, ck->gkeys.arena + ck->gkeys.off[g]);

	if (!h)
		return -1;
	if (*h < 0) {
		if (d->nlists == d->lcap) {
			int32_t cap = d->lcap ? d->lcap * 2 : 1024;
			struct mzlist *nl = realloc(d->lists, sizeof(*nl) * (size_t)cap);
			if (!nl)
				return -1;
			d->lists = nl;
			d->lcap = cap;
		}
		*h = d->nlists++;
		memset(&d->lists[*h], 0, sizeof(d->lists[*h]));
	}
	ck->grp[g].list = *h;
	return 0;
}

/* Whether list L holds a reading of zone as rd: its date, value and
 * source (the same reading again). */
static int kept_again(const struct decider *d, const struct mzlist *L,
		      const struct rec_reading *rd, int zone)
{
	for (int32_t p = mzl_bound(d, L, rd->taken_on, 0); L && p < L->n; p++) {
		const struct kept *k = &d->kept[L->ix[p]];
		if (k->t != rd->taken_on)
			break;
		if (k->v == rd->value[zone - 1] && strcmp(k->source, rd->source) == 0)
			return 1;
	}
	return 0;
}

/* The key of a delivery confirmation, into k. */
static char *dlv_key(const struct rec_delivery *x, char *k, size_t size)
{
	char b[DATE_BUF];
	snprintf(k, size, "%s\x1f%s\x1f%s", x->notice_id, x->status, date_format(x->at, b));
	return k;
}

static void reject_line(struct cline *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void reject_line(struct cline *c, const char *code, const char *fmt, ...)
{
	va_list ap;

	snprintf(c->code, sizeof(c->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* Readings that can decide another: order keys (date, then database rows
 * before the chunk's, then reading id or row index). */
struct cand {
	sdate t;
	int chunk;
	int64_t key, v;
};

static int cand_before(const struct cand *a, const struct cand *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	if (a->chunk != b->chunk)
		return a->chunk < b->chunk;
	return a->key < b->key;
}

static struct cand file_cand(const struct decider *d, int32_t k)
{
	struct cand c = { d->kept[k].t, 1, k, d->kept[k].v };
	return c;
}

/* The previous value of zone row z taken on t: the latest accepted one on
 * or before t, in the database or kept earlier in this file (the file's
 * wins a tie: it came later), else the meter's initial value.  L: the
 * file's kept readings of the same meter zone (NULL: none).  Returns 1
 * with *v set, or 0 when there is none. */
static int previous(const struct decider *d, const struct zrow *z, const struct mzlist *L,
		    sdate t, int64_t *v)
{
	struct cand best = { z->prev_t, 0, 0, z->prev_v };
	int found = z->has_prev;
	int32_t p = mzl_bound(d, L, t, 1) - 1;

	while (p >= 0 && !d->kept[L->ix[p]].accepted)
		p--;
	if (p >= 0) {
		struct cand c = file_cand(d, L->ix[p]);
		if (!found || cand_before(&best, &c)) {
			best = c;
			found = 1;
		}
	}
	if (found)
		*v = best.v;
	else if (z->has_init)
		*v = z->init, found = 1;
	return found;
}

/* The averaging window of zone row z taken on t: its first and last
 * accepted readings in [t - months, t), from the database and kept earlier
 * in this file.  Returns 1 with the value difference and the days between
 * them when there is an average (two readings at least, 28 days apart, the
 * last not lower), else 0. */
static int window(const struct decider *d, const struct zrow *z, const struct mzlist *L,
		  sdate t, int64_t *dv, int *days)
{
	sdate lo = minus_months(t, d->rules->months);
	struct cand first = { z->ft, 0, z->fid, z->fv }, last = { z->lt, 0, z->lid, z->lv };
	int n = z->has_first + (z->has_last && !(z->has_first && z->fid == z->lid));
	int32_t pf = mzl_bound(d, L, lo, 0), pl = mzl_bound(d, L, t, 0) - 1;

	if (!z->has_first)
		first = last;
	if (!z->has_last)
		last = first;
	/* the file's first and last accepted readings in [lo, t) */
	while (pf <= pl && !d->kept[L->ix[pf]].accepted)
		pf++;
	while (pl >= pf && !d->kept[L->ix[pl]].accepted)
		pl--;
	if (pf <= pl) {
		struct cand cf = file_cand(d, L->ix[pf]), cl = file_cand(d, L->ix[pl]);
		if (n == 0 || cand_before(&cf, &first))
			first = cf;
		if (n == 0 || cand_before(&last, &cl))
			last = cl;
		n += pf < pl ? 2 : 1;
	}
	if (n < 2 || last.t - first.t < 28 || last.v < first.v)
		return 0;
	*dv = last.v - first.v;
	*days = last.t - first.t;
	return 1;
}

/* An account of another shard's server (decide_shard()). */
static int other_shard(const struct decider *d, int64_t account)
{
	return d->shard_n > 0 && shard_of(account, d->shard_n) != d->shard_i;
}

static void decide_readings(struct decider *d, struct chunk *ck, struct cline *c)
{
	const struct rec_reading *rd = &c->r.rd;
	struct zrow *z0 = &ck->z[c->z0];
	char b1[DATE_BUF], b2[DATE_BUF];
	const struct mzlist *heads[REC_ZONES];
	int all_dup = 1;

	c->rst = ST_REJECTED;
	if (c->nz == 0) {
		reject_line(c, "no_reading", "the line carries no reading");
		return;
	}
	if (!z0->known && other_shard(d, rd->account)) {
		c->rst = ST_OTHER;
		return;
	}
	if (!z0->known) {
		reject_line(c, "unknown_account", "account %" PRId64 " is not known", rd->account);
		return;
	}
	if (!z0->linked) {
		reject_line(c, "phone_not_linked",
			    "the sender's phone is not registered on account %" PRId64, rd->account);
		return;
	}
	if (!z0->mtr[0]) {
		if (rd->meter[0])
			reject_line(c, "unknown_meter", "meter %s is not on account %" PRId64,
				    rd->meter, rd->account);
		else if (z0->n == 0)
			reject_line(c, "unknown_meter", "account %" PRId64 " has no meter",
				    rd->account);
		else
			reject_line(c, "meter_ambiguous", "account %" PRId64
				    " has several meters and the reading names none", rd->account);
		return;
	}
	if (rd->zones > z0->mzones) {
		reject_line(c, "too_many_zones", "zone %d given, meter %s has %d zone(s)", rd->zones,
			    z0->mtr, z0->mzones);
		return;
	}
	/* a value the meter cannot show: 10^digits kWh or more */
	for (int i = 0; i < c->nz; i++) {
		struct zrow *z = &ck->z[c->z0 + i];
		int64_t full = 1000;
		char a[32];
		for (int k = 0; k < z->digits; k++)
			full *= 10;
		if (z->digits > 0 && rd->value[z->zone - 1] >= full) {
			reject_line(c, "bad_reading", "zone %d value %s has more digits than the %d of"
				    " meter %s", z->zone, milli(rd->value[z->zone - 1], a), z->digits,
				    z->mtr);
			return;
		}
	}
	if (rd->taken_on > d->as_of) {
		reject_line(c, "future_date", "taken on %s, after the as-of date %s",
			    date_format(rd->taken_on, b1), date_format(d->as_of, b2));
		return;
	}

	/* the same reading again: every zone kept before */
	for (int i = 0; i < c->nz; i++) {
		struct zrow *z = &ck->z[c->z0 + i];
		heads[i] = mz_list(d, ck, z->g);
		all_dup &= z->dup || kept_again(d, heads[i], rd, z->zone);
	}
	if (all_dup) {
		c->rst = ST_DUPLICATE;
		return;
	}

	/* decreasing, unless the digits explain a rollover */
	int first_bad = -1, every_cons = 1;
	for (int i = 0; i < c->nz; i++) {
		struct zrow *z = &ck->z[c->z0 + i];
		int64_t v = rd->value[z->zone - 1], prev, half, full = 1;
		for (int k = 0; k < z->digits; k++)
			full *= 10;
		full *= 1000;               /* 10^digits kWh in thousandths */
		half = full / 2;
		z->has_cons = 0;
		if (!previous(d, z, heads[i], rd->taken_on, &prev)) {
			every_cons = 0;
			continue;
		}
		z->prev = prev;
		z->rollover = v < prev && prev - v > half;
		if (v >= prev)
			z->cons = v - prev, z->has_cons = 1;
		else if (z->rollover)
			z->cons = v + full - prev, z->has_cons = 1;
		else {
			z->bad = 1;
			every_cons = 0;
			if (first_bad < 0)
				first_bad = i;
		}
	}
	if (first_bad >= 0) {
		struct zrow *z = &ck->z[c->z0 + first_bad];
		char a[32], b[32];
		reject_line(c, "decreasing", "zone %d value %s is lower than the previous %s"
			    " and no rollover", z->zone, milli(rd->value[z->zone - 1], a),
			    milli(z->prev, b));
		return;
	}

	/* suspicious: above min_kwh and factor x the average of every zone */
	c->rst = ST_ACCEPTED;
	if (every_cons) {
		__int128 num = 0, den = 1;
		int64_t lcons = 0;
		int every_avg = 1;
		for (int i = 0; i < c->nz && every_avg; i++) {
			struct zrow *z = &ck->z[c->z0 + i];
			int64_t dv;
			int days;
			if (!window(d, z, heads[i], rd->taken_on, &dv, &days)) {
				every_avg = 0;
				break;
			}
			/* avg (thousandths a month) = dv x 30.4375 / days = dv x 487 / (16 days) */
			__int128 zd = (__int128)16 * days;
			num = num * zd + (__int128)dv * 487 * den;
			den *= zd;
			lcons += z->cons;
		}
		if (every_avg && lcons > (int64_t)d->rules->min_kwh * 1000 &&
		    (__int128)lcons * den > (__int128)d->rules->factor * num) {
			c->rst = ST_HELD;
			c->lcons = lcons;
			c->lavg = (int64_t)((num * 2 + den) / (den * 2));
		}
	}
}

/* Remember the kept zone rows of c for the later lines of the file: in
 * its meter zone's list, ordered by date (a file in date order appends). */
static void keep_readings(struct decider *d, struct chunk *ck, struct cline *c, int accepted)
{
	for (int i = 0; i < c->nz; i++) {
		struct zrow *z = &ck->z[c->z0 + i];
		struct mzlist *L;
		struct kept *k;
		int32_t p;

		z->kept = 1;
		z->accepted = accepted;
		if (ck->grp[z->g].list < 0 && mz_list_add(d, ck, z->g)) {
			d->oom = 1;
			continue;
		}
		if (d->nkept == d->kcap) {
			int32_t cap = d->kcap ? d->kcap * 2 : 4096;
			struct kept *nk = realloc(d->kept, sizeof(*nk) * (size_t)cap);
			if (nk) {
				d->kept = nk;
				d->kcap = cap;
			}
		}
		if (d->nkept == d->kcap) {
			d->oom = 1;
			continue;
		}
		L = &d->lists[ck->grp[z->g].list];
		if (L->n == L->cap) {
			int32_t cap = L->cap ? L->cap * 2 : 4;
			int32_t *ix = realloc(L->ix, sizeof(*ix) * (size_t)cap);
			if (!ix) {
				d->oom = 1;
				continue;
			}
			L->ix = ix;
			L->cap = cap;
		}
		k = &d->kept[d->nkept];
		k->t = c->r.rd.taken_on;
		k->accepted = accepted;
		k->v = c->r.rd.value[z->zone - 1];
		memcpy(k->source, c->r.rd.source, sizeof(k->source));
		p = mzl_bound(d, L, k->t, 1);
		memmove(L->ix + p + 1, L->ix + p, sizeof(*L->ix) * (size_t)(L->n - p));
		L->ix[p] = d->nkept++;
		L->n++;
	}
}

/* Decide the lines of the chunk in file order.  0, or -1 when out of
 * memory. */
static int decide_chunk(struct decider *d, struct chunk *ck)
{
	char key[256];

	for (int i = 0; i < ck->nl; i++) {
		struct cline *c = &ck->l[i];
		switch (c->kind) {
		case 'X':
			c->st = ST_REJECTED;
			break;
		case 'D':
			dlv_key(&c->r.dlv, key, sizeof(key));
			if (c->dup || kmap_get(&d->dlvs, key))
				c->st = ST_DUPLICATE;
			else {
				c->st = ST_ACCEPTED;
				d->oom |= !kmap_put(&d->dlvs, key);
			}
			break;
		case 'P':
			if (c->dup || kmap_get(&d->pays, c->r.pay.source_id))
				c->st = ST_DUPLICATE;
			else if (!c->known && other_shard(d, c->r.pay.account))
				c->st = ST_OTHER;
			else if (!c->known) {
				c->st = ST_REJECTED;
				reject_line(c, "unknown_account", "account %" PRId64 " is not known",
					    c->r.pay.account);
			} else {
				c->st = ST_ACCEPTED;
				d->oom |= !kmap_put(&d->pays, c->r.pay.source_id);
			}
			if (c->r.has_reading) {
				if (c->st == ST_ACCEPTED)
					decide_readings(d, ck, c);
				else
					c->rst = ST_SKIPPED;
			}
			break;
		default:
			decide_readings(d, ck, c);
		}
		if (c->r.has_reading && c->kind != 'X' &&
		    (c->rst == ST_ACCEPTED || c->rst == ST_HELD))
			keep_readings(d, ck, c, c->rst == ST_ACCEPTED);
	}
	return d->oom ? -1 : 0;
}

/* ---- the rows kept ---- */

static int put_date(struct copy *c, sdate d, struct sbyt_err *e)
{
	char b[DATE_BUF];
	return copy_str(c, date_format(d, b), e);
}

static int put_run(struct decider *d, struct copy *c, struct sbyt_err *e)
{
	return d->has_run ? copy_str(c, d->run_id, e) : copy_null(c, e);
}

/* Keep the rows gathered in a text COPY c for sql in the chunk's outputs. */
static void out_text(struct decider *d, const char *sql, struct copy *c)
{
	d->o[d->no].sql = sql;
	d->o[d->no].buf = c->buf;
	d->o[d->no].len = c->len;
	d->no++;
}

/* Gather (binary COPY) the kept zone rows of one status for reading; held
 * rows carry ids drawn first (reading_hold needs them), accepted ones take
 * the default. */
static int gather_readings(struct decider *d, const struct chunk *ck, int accepted, struct sbyt_err *e)
{
	struct copybin c;

	if (copybin_mem_begin(&c, e))
		return -1;
	for (int i = 0; i < ck->nz; i++) {
		const struct zrow *z = &ck->z[i];
		const struct rec_reading *rd = &ck->l[z->li].r.rd;
		if (!z->kept || z->accepted != accepted)
			continue;
		if (copybin_row(&c, accepted ? 11 : 12, e) ||
		    (!accepted && copybin_int8(&c, z->reading_id, e)) ||
		    copybin_int8(&c, rd->account, e) || copybin_text(&c, z->mtr, e) ||
		    copybin_int2(&c, z->zone, e) ||
		    copybin_numeric(&c, rd->value[z->zone - 1], 3, e) ||
		    copybin_date(&c, rd->taken_on, e) ||
		    copybin_date(&c, period_first(ingest_window_period(d->rules, rd->taken_on)), e) ||
		    copybin_text(&c, d->chname, e) || copybin_text(&c, rd->source, e) ||
		    copybin_text(&c, accepted ? "accepted" : "held", e) ||
		    copybin_bool(&c, z->rollover, e) ||
		    (d->has_run ? copybin_int8(&c, d->run_id_n, e) : copybin_null(&c, e))) {
			free(c.buf);
			return -1;
		}
	}
	if (copybin_mem_end(&c, e)) {
		free(c.buf);
		return -1;
	}
	d->o[d->no].sql = accepted ?
		"COPY reading (account_id, meter, zone, value, taken_on, period, channel,"
		" source, status, rollover, run_id) FROM STDIN (FORMAT binary)" :
		"COPY reading (reading_id, account_id, meter, zone, value, taken_on, period,"
		" channel, source, status, rollover, run_id) FROM STDIN (FORMAT binary)";
	d->o[d->no].buf = c.buf;
	d->o[d->no].len = c.len;
	d->no++;
	return 0;
}

static int gather_kept_readings(struct decider *d, struct chunk *ck, struct sbyt_err *e)
{
	struct copy c;
	int accepted = 0, held = 0, k = 0;
	char n[16];
	const char *p[1] = { n };
	PGresult *r;

	for (int i = 0; i < ck->nz; i++) {
		accepted += ck->z[i].kept && ck->z[i].accepted;
		held += ck->z[i].kept && !ck->z[i].accepted;
	}
	if (accepted && gather_readings(d, ck, 1, e))
		return -1;
	if (!held)
		return 0;
	/* the ids of the held rows, drawn on the file's connection once the
	 * writer has stored what came before them (ids stay in file order) */
	snprintf(n, sizeof(n), "%d", held);
	k = writer_hand(&d->w, d->o, d->no, e);
	d->no = 0;
	if (k || writer_wait(&d->w, e))
		return -1;
	r = db_query(d->db, e, "SELECT nextval(s.q) FROM (SELECT pg_get_serial_sequence("
		     "'reading', 'reading_id')::regclass AS q) s, generate_series(1, $1::int)", 1, p);
	if (!r)
		return -1;
	for (int i = 0; i < ck->nz; i++)
		if (ck->z[i].kept && !ck->z[i].accepted)
			ck->z[i].reading_id = strtoll(PQgetvalue(r, k++, 0), NULL, 10);
	PQclear(r);
	if (gather_readings(d, ck, 0, e))
		return -1;
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < ck->nz; i++) {
		const struct zrow *z = &ck->z[i];
		const struct cline *l = &ck->l[z->li];
		char a[32], b[32];
		if (!z->kept || z->accepted)
			continue;
		if (copy_int(&c, l->r.rd.account, e) || copy_int(&c, z->reading_id, e) ||
		    copy_str(&c, d->file_id, e) || copy_int(&c, l->r.line, e) ||
		    copy_str(&c, milli(l->lcons, a), e) || copy_str(&c, milli(l->lavg, b), e) ||
		    copy_row(&c, e)) {
			free(c.buf);
			return -1;
		}
	}
	out_text(d, "COPY reading_hold (account_id, reading_id, file_id, line, consumption,"
		 " average) FROM STDIN", &c);
	return 0;
}

/* A line's rejection: 'line' (the line is rejected) or 'reading' (the
 * readings of an accepted payment); NULL when it has none. */
static const char *rejected_what(const struct cline *l)
{
	if (l->st == ST_REJECTED)
		return "line";
	if (l->rst == ST_REJECTED)
		return l->kind == 'P' ? "reading" : "line";
	return NULL;
}

static int is_payment(const struct cline *l)
{
	return l->kind == 'P' && l->st == ST_ACCEPTED;
}

static int put_payment(struct decider *d, struct copy *c, const struct cline *l,
		       struct sbyt_err *e)
{
	const struct rec_payment *p = &l->r.pay;

	return copy_int(c, p->account, e) || copy_str(c, d->chname, e) ||
	       copy_str(c, p->source_id, e) || put_date(c, p->paid_on, e) ||
	       (strlen(p->paid_at) > 10 ? copy_str(c, p->paid_at, e) : copy_null(c, e)) ||
	       copy_int(c, p->sum, e) || copy_int(c, p->fee, e) ||
	       (p->has_period ? put_date(c, period_first(p->period), e) : copy_null(c, e)) ||
	       copy_str(c, p->source, e) || put_run(d, c, e);
}

static int is_delivery(const struct cline *l)
{
	return l->kind == 'D' && l->st == ST_ACCEPTED;
}

static int put_delivery(struct decider *d, struct copy *c, const struct cline *l,
			struct sbyt_err *e)
{
	return copy_str(c, l->r.dlv.notice_id, e) || copy_str(c, l->r.dlv.status, e) ||
	       put_date(c, l->r.dlv.at, e) || copy_str(c, l->r.dlv.evidence, e) ||
	       put_run(d, c, e);
}

static int is_reject(const struct cline *l)
{
	return rejected_what(l) != NULL;
}

static int put_reject(struct decider *d, struct copy *c, const struct cline *l,
		      struct sbyt_err *e)
{
	int64_t acc = l->kind == 'P' ? l->r.pay.account : l->r.rd.account;

	return copy_str(c, d->file_id, e) || copy_int(c, l->rec, e) ||
	       copy_int(c, l->r.line, e) || copy_str(c, rejected_what(l), e) ||
	       (l->kind == 'X' ? copy_null(c, e) : copy_int(c, acc, e)) ||
	       copy_str(c, l->code, e) || copy_str(c, l->reason, e);
}

/* The tables that take one row per line of the chunk. */
static const struct line_table {
	const char *copy;
	int (*want)(const struct cline *);
	int (*put)(struct decider *, struct copy *, const struct cline *, struct sbyt_err *);
} line_tables[] = {
	{ "COPY payment (account_id, channel, source_id, paid_on, paid_at, amount, fee, period,"
	  " source, run_id) FROM STDIN", is_payment, put_payment },
	{ "COPY delivery (notice_id, status, at, evidence, run_id) FROM STDIN",
	  is_delivery, put_delivery },
	{ "COPY ingest_reject (file_id, rec, line, what, account_id, code, reason) FROM STDIN",
	  is_reject, put_reject },
};

/* Gather the lines t wants, if any. */
static int gather_lines(struct decider *d, const struct chunk *ck, const struct line_table *t, struct sbyt_err *e)
{
	struct copy c;
	int any = 0;

	for (int i = 0; i < ck->nl && !any; i++)
		any = t->want(&ck->l[i]);
	if (!any)
		return 0;
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < ck->nl; i++) {
		if (!t->want(&ck->l[i]))
			continue;
		if (t->put(d, &c, &ck->l[i], e) || copy_row(&c, e)) {
			free(c.buf);
			return -1;
		}
	}
	out_text(d, t->copy, &c);
	return 0;
}

static void count(struct decider *d, const struct chunk *ck)
{
	for (int i = 0; i < ck->nl; i++) {
		const struct cline *l = &ck->l[i];
		int st = l->kind == 'R' ? l->rst : l->st;
		switch (st) {
		case ST_ACCEPTED: d->n.accepted++; break;
		case ST_REJECTED: d->n.rejected++; break;
		case ST_DUPLICATE: d->n.duplicates++; break;
		case ST_HELD: d->n.held++; break;
		case ST_OTHER: d->n.other_shard++; break;
		default: break;
		}
		if (l->kind == 'P' && l->st == ST_ACCEPTED) {
			d->n.reading_rejects += l->rst == ST_REJECTED;
			d->n.reading_held += l->rst == ST_HELD;
		}
	}
}

/* The bytes taken by what the file kept. */
static size_t kept_bytes(const struct decider *d)
{
	const struct kmap *m[3] = { &d->pays, &d->dlvs, &d->mzs };
	size_t n = (size_t)d->kcap * sizeof(struct kept) + (size_t)d->lcap * sizeof(struct mzlist);

	for (int32_t i = 0; i < d->nlists; i++)
		n += (size_t)d->lists[i].cap * sizeof(int32_t);
	for (int i = 0; i < 3; i++)
		n += m[i]->cap * sizeof(uint32_t) + (size_t)m[i]->ncap * 8 + m[i]->acap;
	return n;
}

/* Forget what was kept: once the writer has stored it, the file's own
 * connection sees it. */
static void forget_kept(struct decider *d)
{
	kmap_free(&d->pays);
	kmap_free(&d->dlvs);
	kmap_free(&d->mzs);
	for (int32_t i = 0; i < d->nlists; i++)
		free(d->lists[i].ix);
	free(d->lists);
	d->lists = NULL;
	d->nlists = d->lcap = 0;
	free(d->kept);
	d->kept = NULL;
	d->nkept = d->kcap = 0;
}

/* Memory stays bounded: when what the file kept outgrows the budget, the
 * rest of the file is looked up on its own connection, which sees the rows
 * stored so far, after the writer is done with each chunk; the decider then
 * remembers only the chunk at hand.  Slower (the server no longer probes
 * and stores at once), the same decisions. */
static int go_tight(struct decider *d, struct sbyt_err *e)
{
	if (writer_wait(&d->w, e))
		return -1;
	if (!d->tight && db_exec(d->db, e, "SET LOCAL enable_seqscan = off", 0, NULL))
		return -1;
	d->tight = 1;
	forget_kept(d);
	return 0;
}

/* Look up chunk k: on the look-up connection, or on db once tight. */
static int lookups(struct decider *d, struct chunk *k, struct sbyt_err *e)
{
	return lookup_payments(d, k, e) || lookup_deliveries(d, k, e) || lookup_readings(d, k, e);
}

/* Decide chunk k (looked up), hand its rows to the writer and empty it. */
static int decide_emit(struct decider *d, struct chunk *k, struct sbyt_err *e)
{
	if (decide_chunk(d, k))
		return bad_alloc(e);
	d->no = 0;
	for (size_t i = 0; i < sizeof(line_tables) / sizeof(line_tables[0]); i++)
		if (gather_lines(d, k, &line_tables[i], e))
			goto fail;
	if (gather_kept_readings(d, k, e))
		goto fail;
	if (writer_hand(&d->w, d->o, d->no, e)) {
		d->no = 0;
		return -1;
	}
	d->no = 0;
	count(d, k);
	k->nl = k->nz = 0;
	return 0;
fail:
	for (int i = 0; i < d->no; i++)
		free(d->o[i].buf);
	d->no = 0;
	return -1;
}

static void *looker_main(void *arg)
{
	struct looker *lo = arg;

	pthread_mutex_lock(&lo->mu);
	for (;;) {
		struct chunk *k;
		struct sbyt_err e;
		int rc;

		while (!lo->k && !lo->quit)
			pthread_cond_wait(&lo->cv, &lo->mu);
		if (!lo->k)
			break;
		k = lo->k;
		pthread_mutex_unlock(&lo->mu);
		err_clear(&e);
		rc = lookups(lo->d, k, &e);
		pthread_mutex_lock(&lo->mu);
		if (rc && !lo->failed) {
			lo->failed = 1;
			lo->err = e;
		}
		lo->k = NULL;
		pthread_cond_broadcast(&lo->cv);
	}
	pthread_mutex_unlock(&lo->mu);
	return NULL;
}

/* Wait until the looker is idle.  0, or -1 with e set to its failure. */
static int looker_wait(struct looker *lo, struct sbyt_err *e)
{
	int failed;

	pthread_mutex_lock(&lo->mu);
	while (lo->k)
		pthread_cond_wait(&lo->cv, &lo->mu);
	failed = lo->failed;
	if (failed)
		*e = lo->err;
	pthread_mutex_unlock(&lo->mu);
	return failed ? -1 : 0;
}

/* Hand the idle looker chunk k. */
static void looker_hand(struct looker *lo, struct chunk *k)
{
	pthread_mutex_lock(&lo->mu);
	lo->k = k;
	pthread_cond_broadcast(&lo->cv);
	pthread_mutex_unlock(&lo->mu);
}

/* The chunk being read is full (or the file ended): hand it to the looker
 * and decide the one it looked up before, while it looks this one up.
 * Over the budget (go_tight()), the look-ups must see the rows stored so
 * far: the chunk looked up before is decided first, then this one is
 * looked up on the file's connection and decided. */
static int flush(struct decider *d, struct sbyt_err *e)
{
	struct chunk *k = d->c, *p = d->pend;

	if (k->nl == 0)
		return 0;
	if (looker_wait(&d->lo, e))
		return -1;
	if (!d->tight && kept_bytes(d) <= d->budget) {
		looker_hand(&d->lo, k);
		d->pend = k;
		d->c = k == &d->ck[0] ? &d->ck[1] : &d->ck[0];
		return p ? decide_emit(d, p, e) : 0;
	}
	d->pend = NULL;
	if (p && decide_emit(d, p, e))
		return -1;
	if (go_tight(d, e) || lookups(d, k, e))
		return -1;
	return decide_emit(d, k, e);
}

/* ---- the decider ---- */

struct decider *decide_new(PGconn *db, const char *conninfo, const struct ingest_rules *rules,
			   sdate as_of, enum ingest_channel ch, int64_t file_id, int64_t run_id,
			   size_t budget, struct sbyt_err *e)
{
	struct decider *d = calloc(1, sizeof(*d));

	for (int i = 0; d && i < 2; i++) {
		struct chunk *k = &d->ck[i];
		k->l = malloc(sizeof(*k->l) * CHUNK);
		k->z = malloc(sizeof(*k->z) * ZMAX);
		k->grp = malloc(sizeof(*k->grp) * ZMAX);
		if (!k->l || !k->z || !k->grp) {
			decide_free(d);
			d = NULL;
		}
	}
	if (!d) {
		bad_alloc(e);
		return NULL;
	}
	d->c = &d->ck[0];
	/* The look-ups run on a connection of their own, outside the file's
	 * transaction: the server probes a chunk there while it stores the
	 * previous one on db, and what this file kept is the decider's to
	 * know.  jit off, no sequential scans and generic plans: a chunk's
	 * probes are index probes, whatever the statistics of the growing
	 * tables say; and no parallel workers, which would take the core the
	 * file's COPY runs on. */
	d->lk = db_connect(conninfo, e);
	if (!d->lk || db_exec(d->lk, e, "SET jit = off", 0, NULL) ||
	    db_exec(d->lk, e, "SET enable_seqscan = off", 0, NULL) ||
	    db_exec(d->lk, e, "SET plan_cache_mode = force_generic_plan", 0, NULL) ||
	    db_exec(d->lk, e, "SET max_parallel_workers_per_gather = 0", 0, NULL)) {
		decide_free(d);
		return NULL;
	}
	for (int q = 0; q < LK_N; q++)
		if (db_prepare(d->lk, e, lk_name[q], lk_sql[q])) {
			decide_free(d);
			return NULL;
		}
	d->db = db;
	d->w.db = db;
	pthread_mutex_init(&d->w.mu, NULL);
	pthread_cond_init(&d->w.cv, NULL);
	if (pthread_create(&d->w.th, NULL, writer_main, &d->w) != 0) {
		pthread_mutex_destroy(&d->w.mu);
		pthread_cond_destroy(&d->w.cv);
		decide_free(d);
		err_set(e, ERR_INTERNAL, "cannot start a thread");
		return NULL;
	}
	d->writing = 1;
	d->lo.d = d;
	pthread_mutex_init(&d->lo.mu, NULL);
	pthread_cond_init(&d->lo.cv, NULL);
	if (pthread_create(&d->lo.th, NULL, looker_main, &d->lo) != 0) {
		pthread_mutex_destroy(&d->lo.mu);
		pthread_cond_destroy(&d->lo.cv);
		decide_free(d);
		err_set(e, ERR_INTERNAL, "cannot start a thread");
		return NULL;
	}
	d->looking = 1;
	d->budget = budget;
	d->rules = rules;
	d->as_of = as_of;
	d->chname = ingest_channel_name(ch);
	snprintf(d->file_id, sizeof(d->file_id), "%" PRId64, file_id);
	snprintf(d->run_id, sizeof(d->run_id), "%" PRId64, run_id);
	d->has_run = run_id != 0;
	d->run_id_n = run_id;
	return d;
}

void decide_sink(struct decider *d, struct ingest_sink *sink)
{
	memset(sink, 0, sizeof(*sink));
	sink->arg = d;
	sink->record = on_record;
	sink->reject = on_reject;
}

void decide_shard(struct decider *d, int i, int n)
{
	d->shard_i = i;
	d->shard_n = n;
}

int decide_finish(struct decider *d, struct ingest_counts *n, struct sbyt_err *e)
{
	struct chunk *p;

	if (flush(d, e) || looker_wait(&d->lo, e))
		return -1;
	p = d->pend;
	d->pend = NULL;
	if ((p && decide_emit(d, p, e)) || writer_wait(&d->w, e))
		return -1;
	*n = d->n;
	return 0;
}

void decide_free(struct decider *d)
{
	if (!d)
		return;
	if (d->looking) {
		/* its look-up ends first: the look-up connection is idle */
		pthread_mutex_lock(&d->lo.mu);
		d->lo.quit = 1;
		pthread_cond_broadcast(&d->lo.cv);
		pthread_mutex_unlock(&d->lo.mu);
		pthread_join(d->lo.th, NULL);
		pthread_mutex_destroy(&d->lo.mu);
		pthread_cond_destroy(&d->lo.cv);
	}
	if (d->writing) {
		/* what was handed is still sent (or fails): the file's
		 * connection is idle when this returns */
		pthread_mutex_lock(&d->w.mu);
		d->w.quit = 1;
		pthread_cond_broadcast(&d->w.cv);
		pthread_mutex_unlock(&d->w.mu);
		pthread_join(d->w.th, NULL);
		pthread_mutex_destroy(&d->w.mu);
		pthread_cond_destroy(&d->w.cv);
	}
	for (int i = 0; i < 2; i++) {
		free(d->ck[i].l);
		free(d->ck[i].z);
		free(d->ck[i].grp);
		free(d->ck[i].dbr);
		kmap_free(&d->ck[i].gkeys);
	}
	forget_kept(d);
	if (d->lk)
		PQfinish(d->lk);
	free(d);
}
