/* ingest.c - one input file into the database, whole or not at all; see
 * ingest.h.  The parser's rows are COPYed into `stage_in`, one row per
 * payment, delivery, rejected line, or zone of a reading; `rec` numbers the
 * record lines of the file (two XML payments may share a line).  One
 * INSERT ... SELECT (decide_sql) writes every row with its outcome into
 * `stage`, from which the accepted rows go to their tables. */
#include "ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "ingest_detect.h"
#include "package.h"
#include "parse.h"

/* ---- staging: the parser's output COPYed into a temporary table ---- */

static const char stage_sql[] =
	"CREATE TEMP TABLE stage (rec int NOT NULL, kind char(1) NOT NULL, line int NOT NULL,"
	" zone smallint, account_id bigint, source_id text, amount bigint, fee bigint,"
	" paid_on date, paid_at text, period date, source text, meter text, value bigint,"
	" taken_on date, rsource text, phone text, notice_id text, dstatus text, at date,"
	" evidence text, code text, reason text, zones smallint,"
	" st text, mtr text, dup boolean NOT NULL DEFAULT false, prev bigint, rollover boolean NOT NULL DEFAULT false, cons bigint,"
	" lcons bigint, lavg numeric, onpay boolean) ON COMMIT DROP";
static const char copy_sql[] =
	"COPY stage_in (rec, kind, line, zone, account_id, source_id, amount, fee, paid_on, paid_at,"
	" period, source, meter, value, taken_on, rsource, phone, notice_id, dstatus, at,"
	" evidence, code, reason, zones) FROM STDIN";

struct stager {
	struct copy cp;
	int64_t rec;
	int64_t kinds[128];   /* rows staged per kind letter */
};

static int put_date(struct copy *c, sdate d, struct sbyt_err *e)
{
	char b[DATE_BUF];
	return copy_str(c, date_format(d, b), e);
}

/* One stage row; unused columns are NULL. */
static int stage_row(struct stager *s, char kind, const struct ingest_rec *r, int zone,
		     const struct ingest_reject *rj, struct sbyt_err *e)
{
	struct copy *c = &s->cp;
	char k[2] = { kind, 0 };
	int n = 0;

	s->kinds[(unsigned char)kind]++;

	if (copy_int(c, s->rec, e) || copy_str(c, k, e) ||
	    copy_int(c, r ? r->line : rj->line, e))
		return -1;
	n = 3;
	if (kind == 'P') {
		const struct rec_payment *p = &r->pay;
		char b[DATE_BUF];
		if (copy_null(c, e) || copy_int(c, p->account, e) || copy_str(c, p->source_id, e) ||
		    copy_int(c, p->sum, e) || copy_int(c, p->fee, e) || put_date(c, p->paid_on, e) ||
		    copy_str(c, p->paid_at, e) ||
		    (p->has_period ? copy_str(c, date_format(period_first(p->period), b), e)
				   : copy_null(c, e)) ||
		    copy_str(c, p->source, e))
			return -1;
		n += 9;
	} else if (kind == 'R') {
		const struct rec_reading *d = &r->rd;
		if (copy_int(c, zone, e) || copy_int(c, d->account, e))
			return -1;
		n += 2;
		for (; n < 12; n++)
			if (copy_null(c, e))
				return -1;
		if ((d->meter[0] ? copy_str(c, d->meter, e) : copy_null(c, e)) ||
		    copy_int(c, d->value[zone - 1], e) || put_date(c, d->taken_on, e) ||
		    copy_str(c, d->source, e) || (d->phone[0] ? copy_str(c, d->phone, e) : copy_null(c, e)))
			return -1;
		n += 5;
	} else if (kind == 'D') {
		for (; n < 17; n++)
			if (copy_null(c, e))
				return -1;
		if (copy_str(c, r->dlv.notice_id, e) || copy_str(c, r->dlv.status, e) ||
		    put_date(c, r->dlv.at, e) || copy_str(c, r->dlv.evidence, e))
			return -1;
		n += 4;
	}
	for (; n < 21; n++)
		if (copy_null(c, e))
			return -1;
	if (kind == 'X') {
		if (copy_str(c, rj->code, e) || copy_str(c, rj->reason, e) || copy_null(c, e))
			return -1;
	} else {
		if (copy_null(c, e) || copy_null(c, e) ||
		    (kind == 'R' ? copy_int(c, r->rd.zones, e) : copy_null(c, e)))
			return -1;
	}
	return copy_row(c, e);
}

static int stage_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	struct stager *s = arg;

	s->rec++;
	if (r->kind == REC_PAYMENT && stage_row(s, 'P', r, 0, NULL, e))
		return -1;
	if (r->kind == REC_DELIVERY && stage_row(s, 'D', r, 0, NULL, e))
		return -1;
	if (r->has_reading)
		for (int z = 1; z <= REC_ZONES; z++)
			if (r->rd.has[z - 1] && stage_row(s, 'R', r, z, NULL, e))
				return -1;
	return 0;
}

static int stage_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	struct stager *s = arg;

	s->rec++;
	return stage_row(s, 'X', NULL, 0, rj, e);
}

struct step {
	const char *sql;
	int np;          /* how many of the leading params it takes */
	int first;       /* index of its first param */
	char kind;       /* run only when the file staged rows of this kind (0: always) */
};

/* ---- the decisions: one pass from stage_in into stage ---- */

/* The rows COPYed from the parser go to stage_in; one INSERT ... SELECT
 * computes every row's outcome into stage (the same columns plus the
 * decisions), in the order of the checks: each CTE decides what the
 * earlier ones left undecided.  A reading's rejections before the
 * duplicate check are the same for every zone of its record line (they
 * depend on the account, phone, meter, zone count and date of the line). */
static const char stage_in_sql[] =
	"CREATE TEMP TABLE stage_in (rec int NOT NULL, kind char(1) NOT NULL, line int NOT NULL,"
	" zone smallint, account_id bigint, source_id text, amount bigint, fee bigint,"
	" paid_on date, paid_at text, period date, source text, meter text, value bigint,"
	" taken_on date, rsource text, phone text, notice_id text, dstatus text, at date,"
	" evidence text, code text, reason text, zones smallint) ON COMMIT DROP";

/* params: $1 channel, $2 as_of, $3 last_day, $4 factor, $5 min_kwh, $6 months */
static const char decide_sql[] =
	"INSERT INTO stage (rec, kind, line, zone, account_id, source_id, amount, fee, paid_on,"
	" paid_at, period, source, meter, value, taken_on, rsource, phone, notice_id, dstatus, at,"
	" evidence, code, reason, zones, st, mtr, prev, rollover, cons, lcons, lavg, onpay)"
	/* payments: the same source id again, in the file or already loaded */
	" WITH pay AS (SELECT s.*, CASE"
	" WHEN row_number() OVER (PARTITION BY s.source_id ORDER BY s.rec) > 1 THEN 'duplicate'"
	" WHEN EXISTS (SELECT 1 FROM payment p WHERE p.channel = $1::text"
	" AND p.source_id = s.source_id) THEN 'duplicate'"
	" WHEN NOT EXISTS (SELECT 1 FROM account a WHERE a.account_id = s.account_id)"
	" THEN 'rejected' ELSE 'accepted' END AS st FROM stage_in s WHERE s.kind = 'P'),"
	/* readings: the payment they ride on, account, phone, meter, zones, date */
	" r0 AS (SELECT s.rec, s.kind, s.line, s.zone, s.account_id, s.meter, s.value, s.taken_on,"
	" s.rsource, s.phone, s.zones, p.rec IS NOT NULL AS onpay, p.st AS pst, x.n,"
	" CASE WHEN x.n = 1 THEN x.meter END AS mtr, x.mzones, x.digits, x.init,"
	" x.n > 0 OR EXISTS (SELECT 1 FROM account a WHERE a.account_id = s.account_id) AS known"
	" FROM stage_in s LEFT JOIN pay p ON p.rec = s.rec"
	/* the meter named, or the account's only one: n = 1 */
	" CROSS JOIN LATERAL (SELECT min(m.meter) AS meter, count(*) AS n, min(m.zones) AS mzones,"
	" min(m.digits) AS digits, min((CASE s.zone WHEN 1 THEN m.initial_t1"
	" WHEN 2 THEN m.initial_t2 ELSE m.initial_t3 END * 1000)::bigint) AS init FROM meter m"
	" WHERE m.account_id = s.account_id AND (s.meter IS NULL OR m.meter = s.meter)) x"
	" WHERE s.kind = 'R'),"
	" r1 AS (SELECT r0.*, CASE WHEN NOT known THEN false WHEN phone IS NULL THEN true"
	" ELSE coalesce((SELECT phone = ANY (a.phones) FROM account a"
	" WHERE a.account_id = r0.account_id), true) END AS linked FROM r0),"
	" r1b AS (SELECT r1.*,"
	" CASE WHEN pst <> 'accepted' THEN 'skipped'"
	" WHEN NOT known THEN 'rejected'"
	" WHEN NOT linked THEN 'rejected'"
	" WHEN mtr IS NULL THEN 'rejected'"
	" WHEN zones > mzones THEN 'rejected'"
	" WHEN taken_on > $2::date THEN 'rejected' END AS st1,"
	" CASE WHEN pst <> 'accepted' THEN NULL"
	" WHEN NOT known THEN 'unknown_account'"
	" WHEN NOT linked THEN 'phone_not_linked'"
	" WHEN mtr IS NULL THEN CASE WHEN meter IS NOT NULL OR n = 0"
	" THEN 'unknown_meter' ELSE 'meter_ambiguous' END"
	" WHEN zones > mzones THEN 'too_many_zones'"
	" WHEN taken_on > $2::date THEN 'future_date' END AS code1,"
	" CASE WHEN pst <> 'accepted' THEN NULL"
	" WHEN NOT known THEN 'account ' || account_id || ' is not known'"
	" WHEN NOT linked THEN 'the sender''s phone is not registered on account ' || account_id"
	" WHEN mtr IS NULL THEN CASE WHEN meter IS NOT NULL THEN 'meter ' || meter"
	" || ' is not on account ' || account_id WHEN n = 0 THEN 'account ' || account_id"
	" || ' has no meter' ELSE 'account ' || account_id || ' has several meters and"
	" the reading names none' END"
	" WHEN zones > mzones THEN 'zone ' || zones || ' given, meter ' || mtr || ' has '"
	" || mzones || ' zone(s)'"
	" WHEN taken_on > $2::date THEN 'taken on ' || taken_on || ', after the as-of date '"
	" || $2::date END AS reason1 FROM r1),"
	/* the same reading again (every zone, same source), in the file or already loaded */
	" r2 AS (SELECT r1b.*, CASE WHEN st1 IS NOT NULL THEN false"
	" WHEN row_number() OVER (PARTITION BY st1 IS NULL, account_id, mtr, zone, taken_on,"
	" value, rsource ORDER BY rec) > 1 THEN true"
	" ELSE EXISTS (SELECT 1 FROM reading r WHERE r.account_id = r1b.account_id"
	" AND r.meter = r1b.mtr AND r.zone = r1b.zone AND r.taken_on = r1b.taken_on"
	" AND r.value * 1000 = r1b.value AND r.source = r1b.rsource"
	" AND r.status IN ('accepted', 'held')) END AS dup FROM r1b),"
	" r3 AS (SELECT r2.*, CASE WHEN st1 IS NOT NULL THEN st1"
	" WHEN bool_and(dup) OVER (PARTITION BY rec) THEN 'duplicate' END AS st2 FROM r2),"
	/* the previous value: an earlier reading of this file, the latest
	 * accepted one on or before this date, or the meter's initial value;
	 * lower is a rollover only when the digits explain it */
	" r4 AS (SELECT r3.*, CASE WHEN st2 IS NULL THEN lag(value) OVER w END AS fprev,"
	" CASE WHEN st2 IS NULL THEN lag(taken_on) OVER w END AS fprev_on FROM r3"
	" WINDOW w AS (PARTITION BY st2 IS NULL, account_id, mtr, zone ORDER BY taken_on, rec)),"
	" r5 AS (SELECT r4.*, CASE WHEN st2 IS NOT NULL THEN NULL"
	" WHEN fprev IS NOT NULL AND (db.v IS NULL OR fprev_on >= db.t) THEN fprev"
	" WHEN db.v IS NOT NULL THEN db.v ELSE init END AS prev FROM r4"
	" LEFT JOIN LATERAL (SELECT (x.value * 1000)::bigint AS v, x.taken_on AS t FROM reading x"
	" WHERE r4.st2 IS NULL AND x.account_id = r4.account_id AND x.meter = r4.mtr"
	" AND x.zone = r4.zone AND x.status = 'accepted' AND x.taken_on <= r4.taken_on"
	" ORDER BY x.taken_on DESC, x.reading_id DESC LIMIT 1) db ON true),"
	" r6 AS (SELECT r5.*, coalesce(value < prev AND prev - value"
	" > power(10, digits)::bigint * 500, false) AS rollover,"
	" CASE WHEN prev IS NULL THEN NULL WHEN value >= prev THEN value - prev"
	" WHEN prev - value > power(10, digits)::bigint * 500"
	" THEN value + power(10, digits)::bigint * 1000 - prev END AS cons,"
	" st2 IS NULL AND prev IS NOT NULL AND value < prev AND NOT coalesce(prev - value"
	" > power(10, digits)::bigint * 500, false) AS bad FROM r5),"
	" r7 AS (SELECT r6.*, CASE WHEN st2 IS NOT NULL THEN st2"
	" WHEN bool_or(bad) OVER d THEN 'rejected' END AS st3,"
	" first_value(CASE WHEN bad THEN 'zone ' || zone || ' value '"
	" || (value / 1000.0)::numeric(14, 3) || ' is lower than the previous '"
	" || (prev / 1000.0)::numeric(14, 3) || ' and no rollover' END) OVER d AS dreason"
	" FROM r6 WINDOW d AS (PARTITION BY rec ORDER BY bad DESC, zone"
	" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),"
	/* suspicious: consumption above factor x the monthly average of the last
	 * months and above min_kwh; the average needs two accepted readings at
	 * least 28 days apart for every zone read */
	" r8 AS (SELECT r7.*, a.avg FROM r7 LEFT JOIN LATERAL"
	" (SELECT CASE WHEN count(*) >= 2 AND max(x.taken_on) - min(x.taken_on) >= 28"
	" AND (array_agg(x.value ORDER BY x.taken_on DESC, x.reading_id DESC))[1]"
	" >= (array_agg(x.value ORDER BY x.taken_on, x.reading_id))[1]"
	" THEN ((array_agg(x.value ORDER BY x.taken_on DESC, x.reading_id DESC))[1]"
	" - (array_agg(x.value ORDER BY x.taken_on, x.reading_id))[1]) * 30.4375"
	" / (max(x.taken_on) - min(x.taken_on)) END AS avg FROM reading x"
	" WHERE r7.st3 IS NULL AND x.account_id = r7.account_id AND x.meter = r7.mtr"
	" AND x.zone = r7.zone AND x.status = 'accepted' AND x.taken_on < r7.taken_on"
	" AND x.taken_on >= r7.taken_on - make_interval(months => $6::int)) a ON true),"
	" r9 AS (SELECT r8.*, CASE WHEN st3 IS NULL AND count(avg) OVER l = count(*) OVER l"
	" AND count(cons) OVER l = count(*) OVER l THEN sum(cons) OVER l END AS lcons,"
	" CASE WHEN st3 IS NULL AND count(avg) OVER l = count(*) OVER l"
	" AND count(cons) OVER l = count(*) OVER l THEN sum(avg) OVER l END AS lavg"
	" FROM r8 WINDOW l AS (PARTITION BY rec)),"
	" rd AS (SELECT r9.*, CASE WHEN st3 IS NOT NULL THEN st3"
	" WHEN lcons > $5::bigint * 1000 AND lcons > $4::int * lavg * 1000 THEN 'held'"
	" ELSE 'accepted' END AS st FROM r9),"
	/* deliveries: the same confirmation again */
	" dl AS (SELECT s.*, CASE WHEN row_number() OVER (PARTITION BY s.notice_id, s.dstatus,"
	" s.at ORDER BY s.rec) > 1 THEN 'duplicate' WHEN EXISTS (SELECT 1 FROM delivery d"
	" WHERE d.notice_id = s.notice_id AND d.status = s.dstatus AND d.at = s.at)"
	" THEN 'duplicate' ELSE 'accepted' END AS st FROM stage_in s WHERE s.kind = 'D')"
	" SELECT rec, kind, line, zone, account_id, source_id, amount, fee, paid_on, paid_at,"
	" period, source, meter, value, taken_on, rsource, phone, notice_id, dstatus, at, evidence,"
	" CASE WHEN st = 'rejected' THEN 'unknown_account' END,"
	" CASE WHEN st = 'rejected' THEN 'account ' || account_id || ' is not known' END,"
	" zones, st, NULL, NULL, false, NULL, NULL, NULL, NULL FROM pay"
	" UNION ALL SELECT rec, kind, line, zone, account_id, NULL, NULL, NULL, NULL,"
	" NULL, CASE WHEN st IN ('accepted', 'held') THEN CASE WHEN extract(day FROM taken_on)"
	" <= $3::int THEN date_trunc('month', taken_on)::date"
	" ELSE (date_trunc('month', taken_on) + interval '1 month')::date END END,"
	" NULL, meter, value, taken_on, rsource, phone, NULL, NULL, NULL, NULL,"
	" CASE WHEN st1 IS NOT NULL THEN code1 WHEN st2 IS NOT NULL THEN NULL"
	" WHEN st3 IS NOT NULL THEN 'decreasing' WHEN st = 'held' THEN 'suspicious' END,"
	" CASE WHEN st1 IS NOT NULL THEN reason1 WHEN st2 IS NOT NULL THEN NULL"
	" WHEN st3 IS NOT NULL THEN dreason END,"
	" zones, st, mtr, prev, rollover, cons, lcons, lavg, onpay FROM rd"
	" UNION ALL SELECT rec, kind, line, zone, account_id, source_id, amount, fee, paid_on,"
	" paid_at, period, source, meter, value, taken_on, rsource, phone, notice_id, dstatus, at,"
	" evidence, NULL, NULL, zones, st, NULL, NULL, false, NULL, NULL, NULL, NULL FROM dl"
	" UNION ALL SELECT rec, kind, line, zone, account_id, source_id, amount, fee, paid_on,"
	" paid_at, period, source, meter, value, taken_on, rsource, phone, notice_id, dstatus, at,"
	" evidence, code, reason, zones, 'rejected', NULL, NULL, false, NULL, NULL, NULL, NULL"
	" FROM stage_in WHERE kind = 'X'";

static const char counts_sql[] =
	"WITH l AS (SELECT rec, min(st) FILTER (WHERE kind <> 'R') AS main,"
	" min(st) FILTER (WHERE kind = 'R') AS rst FROM stage GROUP BY rec)"
	" SELECT count(*), count(*) FILTER (WHERE coalesce(main, rst) = 'accepted'),"
	" count(*) FILTER (WHERE coalesce(main, rst) = 'rejected'),"
	" count(*) FILTER (WHERE coalesce(main, rst) = 'duplicate'),"
	" count(*) FILTER (WHERE coalesce(main, rst) = 'held'),"
	" count(*) FILTER (WHERE main = 'accepted' AND rst = 'rejected'),"
	" count(*) FILTER (WHERE main = 'accepted' AND rst = 'held') FROM l";

/* params: 0 file_id, 1 channel, 2 run_id */
static const struct step inserts[] = {
	{ "INSERT INTO payment (account_id, channel, source_id, paid_on, paid_at, amount, fee,"
	  " period, source, run_id) SELECT account_id, $1, source_id, paid_on,"
	  " CASE WHEN length(paid_at) > 10 THEN paid_at::timestamptz END, amount, fee, period,"
	  " source, $2::bigint FROM stage WHERE kind = 'P' AND st = 'accepted' ORDER BY rec", 2, 1, 'P' },
	{ "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source,"
	  " status, rollover, run_id) SELECT account_id, mtr, zone, value / 1000.0, taken_on,"
	  " period, $1, rsource, 'accepted', rollover, $2::bigint FROM stage"
	  " WHERE kind = 'R' AND st = 'accepted' ORDER BY rec, zone", 2, 1, 'R' },
	{ "WITH h AS (SELECT * FROM stage WHERE kind = 'R' AND st = 'held'),"
	  " ins AS (INSERT INTO reading (account_id, meter, zone, value, taken_on, period,"
	  " channel, source, status, rollover, run_id) SELECT account_id, mtr, zone,"
	  " value / 1000.0, taken_on, period, $2, rsource, 'held', rollover, $3::bigint FROM h"
	  " ORDER BY rec, zone RETURNING reading_id, account_id, meter, zone, taken_on, value)"
	  " INSERT INTO reading_hold (account_id, reading_id, file_id, line, consumption, average)"
	  " SELECT ins.account_id, ins.reading_id, $1, h.line, h.lcons / 1000.0,"
	  " round(h.lavg, 3) FROM ins JOIN h ON h.account_id = ins.account_id"
	  " AND h.mtr = ins.meter AND h.zone = ins.zone AND h.taken_on = ins.taken_on"
	  " AND h.value = (ins.value * 1000)::bigint", 3, 0, 'R' },
	{ "INSERT INTO delivery (notice_id, status, at, evidence, run_id) SELECT notice_id,"
	  " dstatus, at, evidence, $1::bigint FROM stage WHERE kind = 'D' AND st = 'accepted'"
	  " ORDER BY rec ON CONFLICT DO NOTHING", 1, 2, 'D' },
	{ "INSERT INTO ingest_reject (file_id, rec, line, what, account_id, code, reason)"
	  " SELECT DISTINCT ON (s.rec) $1, s.rec, s.line, 'line', s.account_id, s.code, s.reason"
	  " FROM stage s WHERE s.st = 'rejected' AND (s.kind <> 'R' OR NOT s.onpay)"
	  " ORDER BY s.rec, s.zone", 1, 0, 0 },
	{ "INSERT INTO ingest_reject (file_id, rec, line, what, account_id, code, reason)"
	  " SELECT DISTINCT ON (s.rec) $1, s.rec, s.line, 'reading', s.account_id, s.code, s.reason"
	  " FROM stage s WHERE s.kind = 'R' AND s.st = 'rejected' AND s.onpay"
	  " ORDER BY s.rec, s.zone", 1, 0, 'P' },
};

static int run_steps(PGconn *db, const struct step *s, size_t n, const char *const *params,
		     const struct stager *st, struct sbyt_err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].kind && !st->kinds[(unsigned char)s[i].kind])
			continue;
		if (db_exec(db, e, s[i].sql, s[i].np, s[i].np ? params + s[i].first : NULL))
			return -1;
	}
	return 0;
}

/* ---- the rejects file, in the sender's format ---- */

struct wanted {
	int64_t rec;
	char code[32];
};

struct rejects_writer {
	enum ingest_channel ch;
	FILE *out;              /* the file (CSV) or the body (XML) */
	struct wanted *w;
	size_t nw, next;
	int64_t rec;
	long count;
	money sum, fee;
	int failed;
};

/* Field i (0-based) of a `;` line, for the Sberbank trailer. */
static int nth_field(const char *s, size_t len, int i, const char **f, size_t *fl)
{
	size_t start = 0;

	for (size_t k = 0; k <= len; k++) {
		if (k == len || s[k] == ';') {
			if (i-- == 0) {
				*f = s + start;
				*fl = k - start;
				return 0;
			}
			start = k + 1;
		}
	}
	return -1;
}

static void write_back(struct rejects_writer *w, const char *text, size_t len)
{
	const char *code = w->w[w->next].code;
	char sep = w->ch == CH_QIWI ? ',' : ';';

	w->count++;
	if (w->ch == CH_GAZPROMBANK) {
		const char *s = text ? strstr(text, " sum=\"") : NULL;
		money m;
		if (s && money_parse(s + 6, (int)strcspn(s + 6, "\""), '.', &m) == 0)
			w->sum += m;
		if (!text || len < 8) {
			fprintf(w->out, "  <Payment reject=\"%s\"/>\n", code);
			return;
		}
		fprintf(w->out, "  <Payment reject=\"%s\"%.*s\n", code, (int)(len - 8), text + 8);
		return;
	}
	if (w->ch == CH_SBERBANK) {
		const char *f;
		size_t fl;
		money m;
		if (nth_field(text, len, 9, &f, &fl) == 0 && money_parse(f, (int)fl, ',', &m) == 0)
			w->sum += m;
		if (nth_field(text, len, 10, &f, &fl) == 0 && money_parse(f, (int)fl, ',', &m) == 0)
			w->fee += m;
	}
	if (fwrite(text, 1, len, w->out) != len)
		w->failed = 1;
	fprintf(w->out, "%c%s\n", sep, code);
}

static void writer_take(struct rejects_writer *w, const char *text, size_t len)
{
	w->rec++;
	if (w->next < w->nw && w->w[w->next].rec == w->rec && text) {
		write_back(w, text, len);
		w->next++;
	}
}

static int wr_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	(void)e;
	writer_take(arg, r->text, r->text_len);
	return 0;
}

static int wr_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	(void)e;
	writer_take(arg, rj->text, rj->text_len);
	return 0;
}

static const char *channel_header(enum ingest_channel ch)
{
	switch (ch) {
	case CH_QIWI: return "txn_id,datetime,terminal_id,account,amount,period,reject";
	case CH_PAYMENTS: return "txn_id;paid_at;account;sum;period;source;reject";
	case CH_PORTAL: return "account;meter;zone;value;taken_on;source;reject";
	case CH_DELIVERY: return "notice_id;status;at;evidence;reject";
	default: return NULL;
	}
}

static void xml_attr(FILE *f, const char *name, const char *v)
{
	fprintf(f, " %s=\"", name);
	for (; *v; v++) {
		switch (*v) {
		case '<': fputs("&lt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*v, f);
		}
	}
	fputc('"', f);
}

/* The rejects file name for path: OUT/rejects/STEM.rejects.EXT. */
static int rejects_names(const char *out_dir, const char *path, char *final, char *tmp,
			 size_t size, struct sbyt_err *e)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	char dir[4096];

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		dot = base + strlen(base);
	snprintf(dir, sizeof(dir), "%s/rejects/", out_dir);
	if (package_mkdirs(dir, e))
		return -1;
	snprintf(dir, sizeof(dir), "%s/rejects", out_dir);
	if ((size_t)snprintf(final, size, "%s/%.*s.rejects%s", dir, (int)(dot - base), base, dot) >= size)
		return err_set(e, ERR_CANTCREATE, "rejects file name too long for '%s'", path);
	snprintf(tmp, size, "%s/.%.*s.rejects%s.tmp", dir, (int)(dot - base), base, dot);
	return 0;
}

/* Write the rejects file of path to tmp (the caller renames it after the
 * commit).  w->w holds the rejected record numbers in order. */
static int write_rejects(const struct ingest_opts *o, const char *path, enum ingest_channel ch,
			 struct rejects_writer *w, const char *tmp, struct sbyt_err *e)
{
	struct ingest_sink s;
	struct sbyt_err pe;
	FILE *f, *body = NULL;
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	fchmod(fd, 0640);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	}
	if (ch == CH_GAZPROMBANK) {
		body = tmpfile();
		if (!body) {
			fclose(f);
			return err_set(e, ERR_CANTCREATE, "cannot create a temporary file: %s",
				       strerror(errno));
		}
	}
	w->ch = ch;
	w->out = body ? body : f;
	if (channel_header(ch))
		fprintf(f, "%s\n", channel_header(ch));
	memset(&s, 0, sizeof(s));
	s.arg = w;
	s.record = wr_record;
	s.reject = wr_reject;
	s.want_text = 1;
	err_clear(&pe);
	/* The file parsed before: a second pass cannot fail but on I/O. */
	if (ingest_parse(ch, path, o->rules->sms, &s, &pe) && pe.kind != ERR_DATA) {
		rc = err_set(e, pe.kind, "%s", pe.msg);
		goto out;
	}
	if (ch == CH_SBERBANK) {
		char a[MONEY_BUF], b[MONEY_BUF];
		money_format(w->sum, a);
		money_format(w->fee, b);
		for (char *p = a; *p; p++)
			if (*p == '.')
				*p = ',';
		for (char *p = b; *p; p++)
			if (*p == '.')
				*p = ',';
		fprintf(f, "=%ld;%s;%s;%s;%s\n", w->count, a, b, s.info.order_no, s.info.order_date);
	} else if (ch == CH_GAZPROMBANK) {
		char a[MONEY_BUF];
		char buf[65536];
		size_t n;
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Registry");
		xml_attr(f, "bank", s.info.bank);
		xml_attr(f, "date", s.info.registry_date);
		fprintf(f, " count=\"%ld\" total=\"%s\" rejects=\"1\">\n", w->count,
			money_format(w->sum, a));
		rewind(body);
		while ((n = fread(buf, 1, sizeof(buf), body)) > 0)
			if (fwrite(buf, 1, n, f) != n)
				w->failed = 1;
		fprintf(f, "</Registry>\n");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f) || w->failed)
		rc = err_set(e, ERR_CANTCREATE, "cannot write '%s': %s", tmp, strerror(errno));
out:
	if (body)
		fclose(body);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, ERR_CANTCREATE, "cannot write '%s': %s", tmp, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}

/* ---- one file ---- */

static int noop_check(PGconn *db, const char *sha, struct ingest_result *res, struct sbyt_err *e)
{
	const char *p[1] = { sha };
	PGresult *r = db_query(db, e,
		"SELECT read, accepted, rejected, duplicates, held,"
		" to_char(ingested_at AT TIME ZONE 'Asia/Yekaterinburg', 'YYYY-MM-DD HH24:MI'), channel"
		" FROM ingest_file WHERE sha256 = $1", 1, p);
	int found;

	if (!r)
		return -1;
	found = PQntuples(r) == 1;
	if (found) {
		res->status = INGEST_NOOP;
		res->n.read = atoll(PQgetvalue(r, 0, 0));
		res->n.accepted = atoll(PQgetvalue(r, 0, 1));
		res->n.rejected = atoll(PQgetvalue(r, 0, 2));
		res->n.duplicates = atoll(PQgetvalue(r, 0, 3));
		res->n.held = atoll(PQgetvalue(r, 0, 4));
		snprintf(res->earlier, sizeof(res->earlier), "%s", PQgetvalue(r, 0, 5));
		res->channel = ingest_channel_parse(PQgetvalue(r, 0, 6));
	}
	PQclear(r);
	return found;
}

int ingest_one(const struct ingest_opts *o, const char *path, enum ingest_channel ch,
	       struct ingest_result *res, struct sbyt_err *e)
{
	PGconn *db = o->db;
	struct stager st;
	struct ingest_sink sink;
	struct rejects_writer w;
	char asof[DATE_BUF], lastday[16], factor[16], minkwh[16], months[16], runid[24],
	     fileid[24], bytes[24];
	const char *chname;
	char tmp[4200];
	PGresult *r;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	tmp[0] = '\0';
	if (sha256_file(path, res->sha256, &res->bytes, e))
		return -1;
	rc = noop_check(db, res->sha256, res, e);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (ch == CH_NONE) {
		ch = ingest_detect(path, e);
		if (ch == CH_NONE) {
			res->status = INGEST_REFUSED;
			return -1;
		}
	}
	res->channel = ch;
	chname = ingest_channel_name(ch);

	if (db_begin(db, e))
		return -1;
	/* jit off: compiling the decision statement costs seconds and saves
	 * nothing on these plans; work_mem: its sorts stay in memory. */
	if (db_exec(db, e, "SET LOCAL TIME ZONE 'Asia/Yekaterinburg'", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL jit = off", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL work_mem = '128MB'", 0, NULL) ||
	    db_exec(db, e, stage_sql, 0, NULL) || db_exec(db, e, stage_in_sql, 0, NULL))
		goto fail;
	memset(&st, 0, sizeof(st));
	if (copy_begin(&st.cp, db, copy_sql, e))
		goto fail;
	memset(&sink, 0, sizeof(sink));
	sink.arg = &st;
	sink.record = stage_record;
	sink.reject = stage_reject;
	if (ingest_parse(ch, path, o->rules->sms, &sink, e)) {
		copy_abort(&st.cp, "file refused");
		db_rollback(db);
		if (e->kind == ERR_DATA) {
			res->status = INGEST_REFUSED;
			res->n.read = res->n.rejected = sink.info.records;
		}
		return -1;
	}
	if (copy_end(&st.cp, e))
		goto fail;

	date_format(o->as_of, asof);
	snprintf(lastday, sizeof(lastday), "%d", o->rules->last_day);
	snprintf(factor, sizeof(factor), "%d", o->rules->factor);
	snprintf(minkwh, sizeof(minkwh), "%d", o->rules->min_kwh);
	snprintf(months, sizeof(months), "%d", o->rules->months);
	snprintf(runid, sizeof(runid), "%" PRId64, o->run_id);
	{
		const char *params[6] = { chname, asof, lastday, factor, minkwh, months };
		if (db_exec(db, e, "ANALYZE stage_in (kind, rec, account_id)", 0, NULL) ||
		    db_exec(db, e, decide_sql, 6, params))
			goto fail;
	}
	r = db_query(db, e, counts_sql, 0, NULL);
	if (!r)
		goto fail;
	res->n.read = atoll(PQgetvalue(r, 0, 0));
	res->n.accepted = atoll(PQgetvalue(r, 0, 1));
	res->n.rejected = atoll(PQgetvalue(r, 0, 2));
	res->n.duplicates = atoll(PQgetvalue(r, 0, 3));
	res->n.held = atoll(PQgetvalue(r, 0, 4));
	res->n.reading_rejects = atoll(PQgetvalue(r, 0, 5));
	res->n.reading_held = atoll(PQgetvalue(r, 0, 6));
	PQclear(r);

	snprintf(bytes, sizeof(bytes), "%" PRId64, res->bytes);
	{
		char n[5][24];
		int64_t v[5] = { res->n.read, res->n.accepted, res->n.rejected, res->n.duplicates,
				 res->n.held };
		for (int i = 0; i < 5; i++)
			snprintf(n[i], sizeof(n[i]), "%" PRId64, v[i]);
		const char *p[10] = { res->sha256, path, chname, bytes, o->run_id ? runid : NULL,
				      n[0], n[1], n[2], n[3], n[4] };
		char *id = NULL;
		if (db_value(db, e, "INSERT INTO ingest_file (sha256, name, channel, bytes, run_id,"
			     " read, accepted, rejected, duplicates, held) VALUES ($1, $2, $3, $4,"
			     " $5, $6, $7, $8, $9, $10) RETURNING file_id", 10, p, &id))
			goto fail;
		snprintf(fileid, sizeof(fileid), "%s", id ? id : "0");
		free(id);
	}
	{
		const char *params[3] = { fileid, chname, o->run_id ? runid : NULL };
		if (run_steps(db, inserts, sizeof(inserts) / sizeof(inserts[0]), params, &st, e))
			goto fail;
	}

	/* Report the rejected lines; collect those to send back. */
	{
		const char *p[1] = { fileid };
		r = db_query(db, e, "SELECT rec, line, what, code, reason FROM ingest_reject"
			     " WHERE file_id = $1 ORDER BY rec, what", 1, p);
		if (!r)
			goto fail;
		int nt = PQntuples(r);
		w.w = nt ? calloc((size_t)nt, sizeof(*w.w)) : NULL;
		for (int i = 0; i < nt; i++) {
			int line_reject = strcmp(PQgetvalue(r, i, 2), "line") == 0;
			if (o->on_reject)
				o->on_reject(o->arg, path, atol(PQgetvalue(r, i, 1)),
					     PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
			if (line_reject && w.w) {
				w.w[w.nw].rec = atoll(PQgetvalue(r, i, 0));
				snprintf(w.w[w.nw].code, sizeof(w.w[w.nw].code), "%s", PQgetvalue(r, i, 3));
				w.nw++;
			}
		}
		PQclear(r);
	}
	if (w.nw) {
		if (rejects_names(o->out_dir, path, res->rejects_path, tmp, sizeof(tmp), e) ||
		    write_rejects(o, path, ch, &w, tmp, e))
			goto fail;
		if (sha256_file(tmp, res->rejects_sha256, &res->rejects_bytes, e))
			goto fail;
	}
	if (db_commit(db, e))
		goto fail;
	if (tmp[0] && rename(tmp, res->rejects_path) != 0) {
		err_set(e, ERR_CANTCREATE, "cannot rename '%s' to '%s': %s", tmp, res->rejects_path,
			strerror(errno));
		unlink(tmp);
		free(w.w);
		return -1;
	}
	free(w.w);
	res->status = INGEST_DONE;
	return 0;
fail:
	db_rollback(db);
	if (tmp[0])
		unlink(tmp);
	res->rejects_path[0] = '\0';
	free(w.w);
	return -1;
}
