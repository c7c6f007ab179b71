/* penalty.c - key rate, penalty rules and the penalty of a charge; see penalty.h. */
#include "penalty.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

static const char *const kind_name[CUSTOMER_KINDS] = { "individual", "legal", "managing" };

const char *penalty_kind_name(enum customer_kind k)
{
	return (int)k >= 0 && k < CUSTOMER_KINDS ? kind_name[k] : NULL;
}

/* "9.50" -> 950, "100.00" -> 10000; the schema fixes the shape. */
static int parse_bp(const char *s, int *out)
{
	int v = 0, frac = 0, i = 0, fd = 0;

	if (!s || !*s)
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		if ((v = v * 10 + (s[i] - '0')) > 100000)
			return -1;
	if (i == 0 || s[i] != '.')
		return -1;
	for (i++; s[i] >= '0' && s[i] <= '9'; i++, fd++)
		frac = frac * 10 + (s[i] - '0');
	if (fd != 2 || s[i])
		return -1;
	*out = v * 100 + frac;
	return 0;
}

static int attr_int(xmlNodePtr n, const char *name, int *out)
{
	char *s = rulesxml_attr(n, name), *end;
	long v;
	int rc = -1;

	if (s) {
		v = strtol(s, &end, 10);
		if (end != s && !*end && v >= -1000000 && v <= 1000000) {
			*out = (int)v;
			rc = 0;
		}
	}
	xmlFree(s);
	return rc;
}

/* Read attribute `name` of n as a real date; adds a fault when it is not. */
static int attr_date(xmlNodePtr n, const char *name, const char *file, struct faults *f,
		     sdate *out)
{
	char *s = rulesxml_attr(n, name);
	int rc = 0;

	if (!s || date_parse(s, -1, out) != 0) {
		faults_add(f, file, rulesxml_line(n), "%s '%s' is not a real date", name,
			   s ? s : "");
		rc = -1;
	}
	xmlFree(s);
	return rc;
}

static int attr_bp(xmlNodePtr n, const char *name, const char *file, struct faults *f,
		   int *out)
{
	char *s = rulesxml_attr(n, name);
	int rc = 0;

	if (parse_bp(s, out) != 0) {
		faults_add(f, file, rulesxml_line(n), "%s '%s' is not a percentage", name,
			   s ? s : "");
		rc = -1;
	}
	xmlFree(s);
	return rc;
}

static void path_join(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir && *dir ? dir : ".", name);
}

static int load_keyrate(const char *dir, struct penalty_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int before = f->count, count = 0;

	path_join(path, sizeof(path), dir, "keyrate.xml");
	path_join(xsd, sizeof(xsd), dir, "schema/keyrate.xsd");
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	for (n = rulesxml_child(root, NULL); n; n = rulesxml_next(n->next, NULL))
		count++;
	r->rates = calloc((size_t)count + 1, sizeof(*r->rates));
	r->caps = calloc((size_t)count + 1, sizeof(*r->caps));
	if (!r->rates || !r->caps) {
		faults_add(f, path, 0, "out of memory");
		xmlFreeDoc(doc);
		return -1;
	}
	for (n = rulesxml_child(root, "Rate"); n; n = rulesxml_next(n->next, "Rate")) {
		struct keyrate k;
		long line = rulesxml_line(n);

		if (attr_date(n, "from", path, f, &k.from) | attr_bp(n, "rate", path, f, &k.bp))
			continue;
		if (k.bp <= 0) {
			faults_add(f, path, line, "rate must be above zero");
			continue;
		}
		if (r->nrates && k.from <= r->rates[r->nrates - 1].from) {
			char a[DATE_BUF], b[DATE_BUF];
			faults_add(f, path, line, "rate from '%s' is not after the previous one ('%s')",
				   date_format(k.from, a), date_format(r->rates[r->nrates - 1].from, b));
			continue;
		}
		r->rates[r->nrates++] = k;
	}
	for (n = rulesxml_child(root, "Cap"); n; n = rulesxml_next(n->next, "Cap")) {
		struct keyrate_cap c;
		long line = rulesxml_line(n);
		int bad = 0;

		bad |= attr_date(n, "from", path, f, &c.from);
		bad |= attr_date(n, "to", path, f, &c.to);
		bad |= attr_bp(n, "rate", path, f, &c.bp);
		if (bad)
			continue;
		if (c.to < c.from) {
			faults_add(f, path, line, "cap ends before it starts");
			continue;
		}
		if (c.bp <= 0) {
			faults_add(f, path, line, "cap rate must be above zero");
			continue;
		}
		if (r->ncaps && c.from <= r->caps[r->ncaps - 1].to) {
			char a[DATE_BUF];
			faults_add(f, path, line, "cap overlaps or precedes the previous cap (ending '%s')",
				   date_format(r->caps[r->ncaps - 1].to, a));
			continue;
		}
		r->caps[r->ncaps++] = c;
	}
	xmlFreeDoc(doc);
	return f->count > before ? -1 : 0;
}

static int load_scheme(xmlNodePtr n, const char *path, struct penalty_scheme *s, struct faults *f)
{
	int before = f->count;

	for (xmlNodePtr b = rulesxml_child(n, "Band"); b; b = rulesxml_next(b->next, "Band")) {
		struct penalty_band band;
		long line = rulesxml_line(b);

		if (attr_int(b, "fromDay", &band.from_day) || attr_int(b, "denominator", &band.denominator)) {
			faults_add(f, path, line, "band needs integer fromDay and denominator");
			continue;
		}
		if (band.from_day < 1 || band.denominator < 1) {
			faults_add(f, path, line, "fromDay and denominator must be at least 1");
			continue;
		}
		if (s->nbands && band.from_day <= s->band[s->nbands - 1].from_day) {
			faults_add(f, path, line, "band from day %d does not follow the band from day %d",
				   band.from_day, s->band[s->nbands - 1].from_day);
			continue;
		}
		if (s->nbands == PENALTY_MAX_BANDS) {
			faults_add(f, path, line, "more than %d bands", PENALTY_MAX_BANDS);
			continue;
		}
		s->band[s->nbands++] = band;
	}
	if (s->nbands == 0 && f->count == before)
		faults_add(f, path, rulesxml_line(n), "scheme has no band");
	return f->count > before ? -1 : 0;
}

static int load_schedule(xmlNodePtr n, const char *path, struct penalty_schedule *s,
			 struct faults *f)
{
	int before = f->count, sum = 0, rest = 0;

	for (xmlNodePtr p = rulesxml_child(n, "Part"); p; p = rulesxml_next(p->next, "Part")) {
		struct schedule_part part;
		long line = rulesxml_line(p);
		char *pct = rulesxml_attr(p, "percent"), *rs = rulesxml_attr(p, "rest");
		int is_rest = rs && (strcmp(rs, "true") == 0 || strcmp(rs, "1") == 0);

		xmlFree(rs);
		if (attr_int(p, "monthOffset", &part.month_offset) || attr_int(p, "day", &part.day)) {
			faults_add(f, path, line, "part needs integer monthOffset and day");
			xmlFree(pct);
			continue;
		}
		if (is_rest == !!pct) {
			faults_add(f, path, line, "a part has either percent or rest=\"true\", not %s",
				   pct ? "both" : "neither");
			xmlFree(pct);
			continue;
		}
		if (pct) {
			int bad = parse_bp(pct, &part.percent_bp);
			xmlFree(pct);
			if (bad || part.percent_bp <= 0 || part.percent_bp > 10000) {
				faults_add(f, path, line, "percent must be above 0 and at most 100.00");
				continue;
			}
			sum += part.percent_bp;
		} else {
			part.percent_bp = -1;
		}
		if (rest) {
			faults_add(f, path, line, "a part follows the rest part");
			continue;
		}
		if (s->nparts) {
			const struct schedule_part *q = &s->part[s->nparts - 1];
			if (part.month_offset * 31 + part.day <= q->month_offset * 31 + q->day) {
				faults_add(f, path, line, "part is not due after the previous part");
				continue;
			}
		}
		if (s->nparts == PENALTY_MAX_PARTS) {
			faults_add(f, path, line, "more than %d parts", PENALTY_MAX_PARTS);
			continue;
		}
		rest |= is_rest;
		s->part[s->nparts++] = part;
	}
	if (f->count == before) {
		if (!rest)
			faults_add(f, path, rulesxml_line(n), "schedule has no rest part");
		else if (sum > 10000)
			faults_add(f, path, rulesxml_line(n), "parts add up to more than 100 %%");
	}
	return f->count > before ? -1 : 0;
}

static int kind_of(xmlNodePtr n, const char *path, struct faults *f)
{
	char *s = rulesxml_attr(n, "customer");
	int k = -1;

	for (int i = 0; s && i < CUSTOMER_KINDS; i++)
		if (strcmp(s, kind_name[i]) == 0)
			k = i;
	if (k < 0)
		faults_add(f, path, rulesxml_line(n), "unknown customer '%s'", s ? s : "");
	xmlFree(s);
	return k;
}

static int load_penalty(const char *dir, struct penalty_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int before = f->count;
	long seen_scheme[CUSTOMER_KINDS] = { 0 }, seen_sched[CUSTOMER_KINDS] = { 0 };

	path_join(path, sizeof(path), dir, "penalty.xml");
	path_join(xsd, sizeof(xsd), dir, "schema/penalty.xsd");
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	for (n = rulesxml_child(root, "Scheme"); n; n = rulesxml_next(n->next, "Scheme")) {
		int k = kind_of(n, path, f);
		if (k < 0)
			continue;
		if (seen_scheme[k]) {
			faults_add(f, path, rulesxml_line(n), "second scheme for '%s' (first at line %ld)",
				   kind_name[k], seen_scheme[k]);
			continue;
		}
		seen_scheme[k] = rulesxml_line(n);
		load_scheme(n, path, &r->scheme[k], f);
	}
	for (n = rulesxml_child(root, "Schedule"); n; n = rulesxml_next(n->next, "Schedule")) {
		int k = kind_of(n, path, f);
		if (k < 0)
			continue;
		if (k == CUSTOMER_MANAGING) {
			faults_add(f, path, rulesxml_line(n), "managing organisations pay on the "
				   "legal schedule (SPEC 10): no schedule of their own");
			continue;
		}
		if (seen_sched[k]) {
			faults_add(f, path, rulesxml_line(n), "second schedule for '%s' (first at line %ld)",
				   kind_name[k], seen_sched[k]);
			continue;
		}
		seen_sched[k] = rulesxml_line(n);
		load_schedule(n, path, &r->schedule[k], f);
	}
	for (int k = 0; k < CUSTOMER_KINDS; k++) {
		if (!seen_scheme[k])
			faults_add(f, path, rulesxml_line(root), "no scheme for customer '%s'", kind_name[k]);
		if (!seen_sched[k] && k != CUSTOMER_MANAGING)
			faults_add(f, path, rulesxml_line(root), "no schedule for customer '%s'", kind_name[k]);
	}
	r->schedule[CUSTOMER_MANAGING] = r->schedule[CUSTOMER_LEGAL];
	xmlFreeDoc(doc);
	return f->count > before ? -1 : 0;
}

/* The rules of rules_dir, with the calendar when with_cal. */
static int rules_load(const char *rules_dir, struct penalty_rules *r, struct faults *f,
		      int with_cal)
{
	int rc = 0;

	memset(r, 0, sizeof(*r));
	rc |= load_keyrate(rules_dir, r, f);
	rc |= load_penalty(rules_dir, r, f);
	if (with_cal) {
		char dir[4096];
		struct sbyt_err e;
		int before = f->count;

		path_join(dir, sizeof(dir), rules_dir, "calendar");
		r->cal = calendar_load(dir, f, &e);
		if (!r->cal) {
			if (f->count == before)
				faults_add(f, dir, 0, "%s", e.msg);
			rc = -1;
		}
	}
	if (rc) {
		penalty_rules_release(r);
		return -1;
	}
	return 0;
}

void penalty_rules_release(struct penalty_rules *r)
{
	if (!r)
		return;
	free(r->rates);
	free(r->caps);
	calendar_free(r->cal);
	memset(r, 0, sizeof(*r));
}

int penalty_rules_load(const char *rules_dir, struct penalty_rules *r, struct faults *f)
{
	return rules_load(rules_dir, r, f, 1);
}

/* The calendar has an entry of its own in `rules check`: not loaded here,
 * so that its faults are reported once. */
int penalty_rules_check(const char *rules_dir, struct faults *f)
{
	struct penalty_rules r;

	if (rules_load(rules_dir, &r, f, 0) != 0)
		return -1;
	penalty_rules_release(&r);
	return 0;
}

int penalty_rate_on(const struct penalty_rules *r, sdate d, int *applied_bp, int *key_bp,
		    struct sbyt_err *e)
{
	int lo = 0, hi = r->nrates - 1, found = -1, rate;
	char b[DATE_BUF];

	while (lo <= hi) {  /* the last entry with from <= d */
		int mid = (lo + hi) / 2;
		if (r->rates[mid].from <= d) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (found < 0)
		return err_set(e, ERR_CONFIG, "no key rate in force on '%s' in keyrate.xml",
			       date_format(d, b));
	rate = r->rates[found].bp;
	if (key_bp)
		*key_bp = rate;
	for (int i = 0; i < r->ncaps; i++)
		if (d >= r->caps[i].from && d <= r->caps[i].to && rate > r->caps[i].bp)
			rate = r->caps[i].bp;
	if (applied_bp)
		*applied_bp = rate;
	return 0;
}

int penalty_due_move(const struct penalty_rules *r, sdate nominal, sdate *moved,
		     struct sbyt_err *e)
{
	if (!r->cal) {
		*moved = nominal;
		return 0;
	}
	return calendar_next_working(r->cal, nominal, moved, e);
}

static const char *const wday_ru[7] = { "пн", "вт", "ср", "чт", "пт", "сб", "вс" };

/* "сб, выходной", "пн, нерабочий праздничный день: День Победы", "пн,
 * выходной, перенесён с 2026-05-09" */
static void day_off_text(const struct calendar *cal, sdate d, char *buf, size_t size)
{
	enum cal_class c = calendar_class(cal, d);
	const char *w = wday_ru[date_weekday(d) - 1];
	char b[DATE_BUF];
	uint32_t i = (uint32_t)(d - cal->base);
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	if (c == CAL_HOLIDAY) {
		int h = cal->holiday[i];
		const char *t = h > 0 && h < CAL_TITLES ? cal->year[y - cal->first_year].title[h] : NULL;
		snprintf(buf, size, "%s, нерабочий праздничный день%s%s", w, t ? ": " : "",
			 t ? t : "");
	} else if (c == CAL_TRANSFER && cal->from[i] >= 0) {
		snprintf(buf, size, "%s, выходной, перенесён с %s", w,
			 date_format(date_from_ymd(y, 1, 1) + cal->from[i], b));
	} else {
		snprintf(buf, size, "%s, выходной", w);
	}
}

char *penalty_due_text(const struct penalty_rules *r, sdate nominal, sdate moved, char *buf,
		       size_t size)
{
	char a[DATE_BUF], b[DATE_BUF], why[160];
	size_t len;

	buf[0] = 0;
	if (moved == nominal || !r->cal || size == 0)
		return buf;
	snprintf(buf, size, "перенесён с %s (", date_format(nominal, a));
	for (sdate d = nominal; d < moved; d++) {
		day_off_text(r->cal, d, why, sizeof(why));
		len = strlen(buf);
		if (d == nominal)
			snprintf(buf + len, size - len, "%s", why);
		else
			snprintf(buf + len, size - len, "; %s %s", date_format(d, a), why);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, ") на %s, ГК РФ ст. 193", date_format(moved, b));
	return buf;
}

void penalty_result_init(struct penalty_result *r)
{
	memset(r, 0, sizeof(*r));
}

void penalty_result_reset(struct penalty_result *r)
{
	r->amount = 0;
	r->num = 0;
	r->den = 0;
	r->nseg = 0;
}

void penalty_result_release(struct penalty_result *r)
{
	if (!r)
		return;
	free(r->seg);
	memset(r, 0, sizeof(*r));
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Add num/den to the exact total of r (common denominator by lcm). */
static int add_fraction(struct penalty_result *r, __int128 num, int64_t den, struct sbyt_err *e)
{
	int64_t l;

	if (r->den == 0) {
		r->num = num;
		r->den = den;
		return 0;
	}
	l = r->den / gcd64(r->den, den);
	if (l > INT64_C(1000000000000000) / den)
		return err_set(e, ERR_INTERNAL, "penalty denominators too large to combine");
	l *= den;
	r->num = r->num * (l / r->den) + num * (l / den);
	r->den = l;
	return 0;
}

static struct penalty_segment *new_segment(struct penalty_result *r, struct sbyt_err *e)
{
	if (r->nseg == r->cap) {
		int ncap = r->cap ? r->cap * 2 : 8;
		struct penalty_segment *ns = realloc(r->seg, sizeof(*ns) * (size_t)ncap);
		if (!ns) {
			err_set(e, ERR_INTERNAL, "out of memory");
			return NULL;
		}
		r->seg = ns;
		r->cap = ncap;
	}
	return &r->seg[r->nseg++];
}

/* The cap covering day d (NULL: none). */
static const struct keyrate_cap *cap_on(const struct penalty_rules *r, sdate d)
{
	for (int i = 0; i < r->ncaps; i++)
		if (d >= r->caps[i].from && d <= r->caps[i].to)
			return &r->caps[i];
	return NULL;
}

/* The last day from d on (at most `to`) covered by the same cap as d, or
 * by no cap when d has none. */
static sdate cap_run_end(const struct penalty_rules *r, sdate d, sdate to)
{
	const struct keyrate_cap *c = cap_on(r, d);

	if (c)
		return c->to < to ? c->to : to;
	for (int i = 0; i < r->ncaps; i++)
		if (r->caps[i].from > d && r->caps[i].from - 1 < to)
			to = r->caps[i].from - 1;
	return to;
}

/* The segments of `base` paid (or counted) on rate_date, due (moved) on
 * `due` (the schedule named `nominal`): per band, split where a cap starts
 * or ends, each day valued at the key rate of rate_date, capped when the
 * day lies in a cap. */
static int accrue_piece(const struct penalty_rules *rules, const struct penalty_scheme *s,
			sdate nominal, sdate due, money base, sdate rate_date, int paid,
			struct penalty_result *r, struct sbyt_err *e)
{
	int last = rate_date - due, key = 0, have_rate = 0;

	for (int b = 0; b < s->nbands; b++) {
		int from = s->band[b].from_day;
		int to = b + 1 < s->nbands ? s->band[b + 1].from_day - 1 : last;

		if (to > last)
			to = last;
		if (from > to)
			continue;
		if (!have_rate) {
			if (penalty_rate_on(rules, rate_date, NULL, &key, e) != 0)
				return -1;
			have_rate = 1;
		}
		for (int d = from; d <= to;) {
			const struct keyrate_cap *cap = cap_on(rules, due + d);
			int end = cap_run_end(rules, due + d, due + to) - due;
			struct penalty_segment *g = new_segment(r, e);

			if (!g)
				return -1;
			g->due = due;
			g->due_nominal = nominal;
			g->day_from = d;
			g->day_to = end;
			g->from = due + d;
			g->to = due + end;
			g->days = end - d + 1;
			g->denominator = s->band[b].denominator;
			g->key_rate_bp = key;
			g->rate_bp = cap && cap->bp < key ? cap->bp : key;
			g->cap_bp = cap ? cap->bp : 0;
			g->cap_to = cap ? cap->to : 0;
			g->rate_date = rate_date;
			g->paid = paid;
			g->base = base;
			g->num = (__int128)base * g->days * g->rate_bp;
			g->den = (int64_t)10000 * g->denominator;
			if (add_fraction(r, g->num, g->den, e) != 0)
				return -1;
			d = end + 1;
		}
	}
	return 0;
}

int penalty_accrue(const struct penalty_rules *rules, enum customer_kind kind,
		   const struct penalty_charge *c, sdate as_of, struct penalty_result *r,
		   struct sbyt_err *e)
{
	const struct penalty_scheme *s;
	money paid = 0;
	sdate due;
	char b1[DATE_BUF], m1[MONEY_BUF], m2[MONEY_BUF];

	if ((int)kind < 0 || kind >= CUSTOMER_KINDS)
		return err_set(e, ERR_INTERNAL, "unknown customer kind %d", (int)kind);
	s = &rules->scheme[kind];
	if (c->principal <= 0)
		return 0;
	if (penalty_due_move(rules, c->due, &due, e) != 0)
		return -1;
	for (int i = 0; i < c->npaid; i++) {
		if (c->paid[i].amount <= 0)
			return err_set(e, ERR_DATA, "payment of %s on '%s' is not positive",
				       money_format(c->paid[i].amount, m1),
				       date_format(c->paid[i].date, b1));
		if (c->paid[i].date <= as_of)
			paid += c->paid[i].amount;
	}
	if (paid > c->principal)
		return err_set(e, ERR_DATA, "payments of %s exceed the principal of %s due '%s'",
			       money_format(paid, m1), money_format(c->principal, m2),
			       date_format(c->due, b1));
	for (int i = 0; i < c->npaid; i++) {
		if (c->paid[i].date > as_of)
			continue;
		if (accrue_piece(rules, s, c->due, due, c->paid[i].amount, c->paid[i].date, 1, r,
				 e) != 0)
			return -1;
	}
	if (c->principal > paid &&
	    accrue_piece(rules, s, c->due, due, c->principal - paid, as_of, 0, r, e) != 0)
		return -1;
	r->amount = r->den ? money_round(r->num, r->den) : 0;
	return 0;
}

int penalty_compute(const struct penalty_rules *rules, enum customer_kind kind,
		    const struct penalty_charge *c, sdate as_of, struct penalty_result *r,
		    struct sbyt_err *e)
{
	penalty_result_reset(r);
	return penalty_accrue(rules, kind, c, as_of, r, e);
}

/* bp as "9.50" */
static char *format_bp(int bp, char *buf)
{
	snprintf(buf, 16, "%d.%02d", bp / 100, bp % 100);
	return buf;
}

char *penalty_segment_text(const struct penalty_segment *s, char *buf, size_t size)
{
	char f[DATE_BUF], t[DATE_BUF], rd[DATE_BUF], ct[DATE_BUF], base[MONEY_BUF], k[16], a[16];
	char c[16], capnote[96];
	/* hundredths of a kopeck, rounded half-up, shown as roubles.xxxx */
	int64_t h = money_round(s->num * 100, s->den);
	uint64_t ah = h < 0 ? (uint64_t)0 - (uint64_t)h : (uint64_t)h;

	if (!s->cap_bp)
		snprintf(capnote, sizeof(capnote), "дни вне ограничения ставки: без ограничения");
	else if (s->rate_bp < s->key_rate_bp)
		snprintf(capnote, sizeof(capnote), "ограничение %s %% для дней по %s применено",
			 format_bp(s->cap_bp, c), date_format(s->cap_to, ct));
	else
		snprintf(capnote, sizeof(capnote), "ключевая не выше ограничения %s %%",
			 format_bp(s->cap_bp, c));
	snprintf(buf, size,
		 "%s – %s, дни %d–%d (%d дн.) × %s × %s %% / %d = %s%llu.%04llu "
		 "(%s; ставка на %s: ключевая %s %%, применена %s %%; %s)",
		 date_format(s->from, f), date_format(s->to, t), s->day_from, s->day_to, s->days,
		 money_format(s->base, base), format_bp(s->rate_bp, a), s->denominator,
		 h < 0 ? "-" : "", (unsigned long long)(ah / 10000), (unsigned long long)(ah % 10000),
		 s->paid ? "оплачено" : "не оплачено", date_format(s->rate_date, rd),
		 format_bp(s->key_rate_bp, k), a, capnote);
	return buf;
}
