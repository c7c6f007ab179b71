/* tariff.c - loading, validating and looking up the billing rules; see tariff.h. */
#include "tariff.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

#define CODE_MAX 33
#define NORM_MAX 20

struct limits_row {
	sdate from, to;
	unsigned months;      /* bit m set for month m (1..12) */
	int64_t band1, band2; /* milli-kWh */
	int sample;
	long line;
};

struct tariff_row {
	sdate from, to;
	int zones;
	int64_t rate[TARIFF_ZONES][TARIFF_BANDS]; /* rate units, before the coefficient */
	int sample;
	long line;
};

struct category {
	char code[CODE_MAX];
	char rates[CODE_MAX]; /* "" or the category whose Tariff rows apply */
	int owner;            /* index of the category holding the Tariff rows */
	int coef;             /* x 10000 */
	struct limits_row *lim;
	int nlim;
	struct tariff_row *tar;
	int ntar;
	long line;
};

struct norm_row {
	char category[CODE_MAX];
	sdate from, to;
	int nrooms, nres;
	int64_t kwh[NORM_MAX][NORM_MAX]; /* [rooms-1][residents-1], milli-kWh */
	int sample;
	long line;
};

struct vat_row {
	sdate from, to;
	int bp;
	long line;
};

struct price_row {
	speriod period;
	int64_t price[TARIFF_PRICE_CATEGORIES];
	int sample;
	long line;
};

struct tariff_rules {
	uint32_t hours[4][4];   /* [scheme][zone] */
	char zone_name[4][4][64];
	struct category *cat;
	int ncat;
	struct norm_row *norm;
	int nnorm;
	struct vat_row *vat;
	int nvat;
	struct price_row *price;
	int nprice;
	struct billing_rules billing;
	struct supplier supplier;
};

/* ---- small helpers ---- */

/* Grow array p of n elements of size bytes so that one more fits. */
static void *grow(void *p, int n, size_t size)
{
	if (n % 16)
		return p;
	return realloc(p, size * (size_t)(n + 16));
}

/* Parse a non-negative decimal "123.45" with at most `decimals` decimals
 * into value x 10^decimals.  0, or -1 when malformed or too precise. */
static int fixed_parse(const char *s, int decimals, int64_t *out)
{
	int64_t v = 0;
	int i = 0, d = 0, digits = 0;

	if (!s)
		return -1;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (++digits > 12)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (!digits)
		return -1;
	if (s[i] == '.') {
		for (i++; s[i] >= '0' && s[i] <= '9'; i++) {
			if (++d > decimals)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		if (!d)
			return -1;
	}
	if (s[i])
		return -1;
	for (; d < decimals; d++)
		v *= 10;
	*out = v;
	return 0;
}

static int int_parse(const char *s, int *out)
{
	int64_t v;

	if (fixed_parse(s, 0, &v) < 0 || v > 1000000)
		return -1;
	*out = (int)v;
	return 0;
}

/* Read an attribute into a fixed-point value; adds a fault when absent or bad. */
static int attr_fixed(xmlNodePtr n, const char *name, int decimals, int64_t *out,
		      const char *file, struct faults *f)
{
	char *v = rulesxml_attr(n, name);
	int rc = fixed_parse(v, decimals, out);

	if (rc < 0)
		faults_add(f, file, rulesxml_line(n), "bad %s '%s': a number with at most %d decimals",
			   name, v ? v : "", decimals);
	xmlFree(v);
	return rc;
}

static int attr_int(xmlNodePtr n, const char *name, int *out, const char *file, struct faults *f)
{
	char *v = rulesxml_attr(n, name);
	int rc = int_parse(v, out);

	if (rc < 0)
		faults_add(f, file, rulesxml_line(n), "bad %s '%s'", name, v ? v : "");
	xmlFree(v);
	return rc;
}

/* from (required) and to (optional: TARIFF_OPEN) of n; faults on bad dates
 * and on to before from. */
static int attr_range(xmlNodePtr n, sdate *from, sdate *to, const char *file, struct faults *f)
{
	char *a = rulesxml_attr(n, "from"), *b = rulesxml_attr(n, "to");
	int rc = 0;

	*to = TARIFF_OPEN;
	if (!a || date_parse(a, -1, from) < 0) {
		faults_add(f, file, rulesxml_line(n), "bad from date '%s'", a ? a : "");
		rc = -1;
	}
	if (b && date_parse(b, -1, to) < 0) {
		faults_add(f, file, rulesxml_line(n), "bad to date '%s'", b);
		rc = -1;
	}
	if (rc == 0 && *to < *from) {
		faults_add(f, file, rulesxml_line(n), "to %s is before from %s", b, a);
		rc = -1;
	}
	xmlFree(a);
	xmlFree(b);
	return rc;
}

static int attr_bool(xmlNodePtr n, const char *name)
{
	char *v = rulesxml_attr(n, name);
	int r = v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);

	xmlFree(v);
	return r;
}

static void attr_copy(xmlNodePtr n, const char *name, char *buf, size_t size)
{
	char *v = rulesxml_attr(n, name);

	snprintf(buf, size, "%s", v ? v : "");
	xmlFree(v);
}

static int overlaps(sdate a1, sdate a2, sdate b1, sdate b2)
{
	return a1 <= b2 && b1 <= a2;
}

/* "a-b,c-d" ranges into a bit mask of [lo, hi) with lo..hi-1 in min..max when
 * half_open, else the closed ranges [lo, hi] in min..max.  Overlapping ranges
 * inside one list are a fault too.  0, or -1 after a fault. */
static int ranges_parse(xmlNodePtr n, const char *name, int min, int max, int half_open,
			uint32_t *mask, const char *file, struct faults *f)
{
	char *v = rulesxml_attr(n, name), *p;
	int rc = 0;

	*mask = 0;
	for (p = v; p && *p;) {
		char *end;
		long lo = strtol(p, &end, 10), hi;

		if (end == p || *end != '-') {
			rc = -1;
			break;
		}
		p = end + 1;
		hi = strtol(p, &end, 10);
		if (end == p || (*end && *end != ',')) {
			rc = -1;
			break;
		}
		p = *end ? end + 1 : end;
		if (lo < min || hi > max || (half_open ? lo >= hi : lo > hi)) {
			faults_add(f, file, rulesxml_line(n), "%s range %ld-%ld outside %d-%d or empty",
				   name, lo, hi, min, max);
			rc = -2;
			continue;
		}
		for (long i = lo; half_open ? i < hi : i <= hi; i++) {
			if (*mask & (1u << i)) {
				faults_add(f, file, rulesxml_line(n), "%s: %ld listed twice", name, i);
				rc = -2;
			}
			*mask |= 1u << i;
		}
	}
	if (!v || rc == -1)
		faults_add(f, file, rulesxml_line(n), "bad %s '%s'", name, v ? v : "");
	xmlFree(v);
	return rc ? -1 : 0;
}

static xmlNodePtr first(xmlDocPtr doc, const char *name)
{
	return rulesxml_child(xmlDocGetRootElement(doc), name);
}

static int find_category(const struct tariff_rules *r, const char *code)
{
	for (int i = 0; i < r->ncat; i++)
		if (strcmp(r->cat[i].code, code) == 0)
			return i;
	return -1;
}

/* ---- tariffs.xml ---- */

static void load_zone_hours(struct tariff_rules *r, xmlNodePtr zh, const char *file,
			    struct faults *f)
{
	long seen[4][4] = { { 0 } };

	for (xmlNodePtr z = rulesxml_child(zh, "Zone"); z; z = rulesxml_next(z->next, "Zone")) {
		int scheme, zone;
		uint32_t mask;

		if (attr_int(z, "scheme", &scheme, file, f) < 0 || attr_int(z, "zone", &zone, file, f) < 0)
			continue;
		if (scheme < 1 || scheme > 3 || zone < 1 || zone > scheme) {
			faults_add(f, file, rulesxml_line(z), "zone %d does not exist in a %d-zone scheme",
				   zone, scheme);
			continue;
		}
		if (seen[scheme][zone]) {
			faults_add(f, file, rulesxml_line(z), "scheme %d zone %d given twice (first at line %ld)",
				   scheme, zone, seen[scheme][zone]);
			continue;
		}
		seen[scheme][zone] = rulesxml_line(z);
		if (ranges_parse(z, "hours", 0, 24, 1, &mask, file, f) < 0)
			continue;
		r->hours[scheme][zone] = mask;
		attr_copy(z, "name", r->zone_name[scheme][zone], sizeof(r->zone_name[0][0]));
	}
	for (int s = 1; s <= 3; s++) {
		uint32_t all = 0;
		int complete = 1;

		for (int z = 1; z <= s; z++) {
			if (!seen[s][z]) {
				faults_add(f, file, rulesxml_line(zh), "scheme %d: zone %d missing", s, z);
				complete = 0;
				continue;
			}
			for (int h = 0; h < 24; h++)
				if (all & r->hours[s][z] & (1u << h))
					faults_add(f, file, seen[s][z],
						   "scheme %d: hour %d-%d is in two zones", s, h, h + 1);
			all |= r->hours[s][z];
		}
		if (complete && all != 0xFFFFFFu)
			for (int h = 0; h < 24; h++)
				if (!(all & (1u << h)))
					faults_add(f, file, rulesxml_line(zh),
						   "scheme %d: hour %d-%d is in no zone", s, h, h + 1);
	}
	/* ФСТ 1473-э: day = peak + half-peak, and one night for both schemes. */
	if (seen[2][1] && seen[3][1] && seen[3][3] &&
	    r->hours[2][1] != (r->hours[3][1] | r->hours[3][3]))
		faults_add(f, file, seen[2][1],
			   "scheme 2 day hours must equal scheme 3 peak + half-peak hours");
	if (seen[2][2] && seen[3][2] && r->hours[2][2] != r->hours[3][2])
		faults_add(f, file, seen[3][2], "scheme 3 night hours differ from scheme 2 night hours");
}

static void load_limits(struct category *c, xmlNodePtr n, const char *file, struct faults *f)
{
	struct limits_row row = { 0 };
	int y, m, d, bad = 0;
	uint32_t mask;

	row.line = rulesxml_line(n);
	row.sample = attr_bool(n, "sample");
	if (attr_range(n, &row.from, &row.to, file, f) < 0)
		return;
	date_to_ymd(row.from, &y, &m, &d);
	if (d != 1) {
		faults_add(f, file, row.line, "limits must start on the first day of a month");
		bad = 1;
	}
	if (row.to != TARIFF_OPEN && row.to != period_last(period_of(row.to))) {
		faults_add(f, file, row.line, "limits must end on the last day of a month");
		bad = 1;
	}
	if (ranges_parse(n, "months", 1, 12, 0, &mask, file, f) < 0)
		bad = 1;
	row.months = mask;
	if (attr_fixed(n, "band1", 3, &row.band1, file, f) < 0 ||
	    attr_fixed(n, "band2", 3, &row.band2, file, f) < 0)
		return;
	if (row.band1 < TARIFF_KWH) {
		faults_add(f, file, row.line, "band1 limit must be at least 1 kWh");
		bad = 1;
	}
	/* At least 1 kWh between the limits keeps the volume split monotonic
	 * (lib/bill.c: the zones' band-2 share never exceeds their band-1 excess). */
	if (row.band2 < row.band1 + TARIFF_KWH) {
		faults_add(f, file, row.line,
			   "band limits not increasing: band2 must exceed band1 by at least 1 kWh");
		bad = 1;
	}
	if (bad)
		return;
	for (int i = 0; i < c->nlim; i++) {
		struct limits_row *o = &c->lim[i];

		if (o->from == row.from && o->to == row.to) {
			for (int mo = 1; mo <= 12; mo++)
				if (o->months & row.months & (1u << mo))
					faults_add(f, file, row.line,
						   "month %d already has limits at line %ld", mo, o->line);
		} else if (overlaps(o->from, o->to, row.from, row.to)) {
			faults_add(f, file, row.line, "limits overlap the validity of line %ld", o->line);
		}
	}
	if (!(c->lim = grow(c->lim, c->nlim, sizeof(row)))) {
		faults_add(f, file, row.line, "out of memory");
		c->nlim = 0;
		return;
	}
	c->lim[c->nlim++] = row;
}

static void check_limits_cover(const struct category *c, const char *file, struct faults *f)
{
	for (int i = 0; i < c->nlim; i++) {
		unsigned all = 0;
		int firstrow = 1;

		for (int j = 0; j < c->nlim; j++) {
			if (c->lim[j].from != c->lim[i].from || c->lim[j].to != c->lim[i].to)
				continue;
			if (j < i)
				firstrow = 0;
			all |= c->lim[j].months;
		}
		if (!firstrow)
			continue;
		for (int mo = 1; mo <= 12; mo++)
			if (!(all & (1u << mo)))
				faults_add(f, file, c->lim[i].line, "month %d has no band limits", mo);
	}
	if (c->nlim == 0)
		faults_add(f, file, c->line, "category '%s' has no band limits", c->code);
}

static void load_tariff(struct category *c, xmlNodePtr n, const char *file, struct faults *f)
{
	struct tariff_row row = { 0 };
	long zl[TARIFF_ZONES] = { 0 };
	int bad = 0;

	row.line = rulesxml_line(n);
	row.sample = attr_bool(n, "sample");
	if (attr_range(n, &row.from, &row.to, file, f) < 0 ||
	    attr_int(n, "zones", &row.zones, file, f) < 0)
		return;
	if (row.zones < 1 || row.zones > 3) {
		faults_add(f, file, row.line, "zones must be 1, 2 or 3");
		return;
	}
	for (xmlNodePtr r = rulesxml_child(n, "Rate"); r; r = rulesxml_next(r->next, "Rate")) {
		int zone;
		int64_t v[3];
		static const char *bands[3] = { "band1", "band2", "band3" };

		if (attr_int(r, "zone", &zone, file, f) < 0) {
			bad = 1;
			continue;
		}
		if (zone < 1 || zone > row.zones) {
			faults_add(f, file, rulesxml_line(r), "zone %d beyond zones=%d", zone, row.zones);
			bad = 1;
			continue;
		}
		if (zl[zone - 1]) {
			faults_add(f, file, rulesxml_line(r), "zone %d given twice (first at line %ld)",
				   zone, zl[zone - 1]);
			bad = 1;
			continue;
		}
		zl[zone - 1] = rulesxml_line(r);
		for (int b = 0; b < 3; b++) {
			/* roubles with at most 4 decimals = 1/100 kopeck: x 100 to rate units */
			if (attr_fixed(r, bands[b], 4, &v[b], file, f) < 0)
				bad = 1;
			else
				row.rate[zone - 1][b] = v[b];
		}
		if (attr_bool(r, "sample"))
			row.sample = 1;
	}
	for (int z = 0; z < row.zones; z++)
		if (!zl[z]) {
			faults_add(f, file, row.line, "zone %d missing in a %d-zone tariff", z + 1, row.zones);
			bad = 1;
		}
	if (bad)
		return;
	for (int i = 0; i < c->ntar; i++) {
		struct tariff_row *o = &c->tar[i];

		if (o->zones == row.zones && overlaps(o->from, o->to, row.from, row.to))
			faults_add(f, file, row.line, "%d-zone tariff overlaps the one at line %ld",
				   row.zones, o->line);
	}
	if (!(c->tar = grow(c->tar, c->ntar, sizeof(row)))) {
		faults_add(f, file, row.line, "out of memory");
		c->ntar = 0;
		return;
	}
	c->tar[c->ntar++] = row;
}

static void load_tariffs(struct tariff_rules *r, const char *dir, struct faults *f)
{
	char file[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr n;

	snprintf(file, sizeof(file), "%s/tariffs.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/tariffs.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	load_zone_hours(r, first(doc, "ZoneHours"), file, f);
	for (n = first(doc, "Category"); n; n = rulesxml_next(n->next, "Category")) {
		struct category c = { 0 };
		int64_t coef;

		c.line = rulesxml_line(n);
		attr_copy(n, "code", c.code, sizeof(c.code));
		attr_copy(n, "rates", c.rates, sizeof(c.rates));
		if (find_category(r, c.code) >= 0) {
			faults_add(f, file, c.line, "category '%s' given twice", c.code);
			continue;
		}
		if (attr_fixed(n, "band1Coefficient", 4, &coef, file, f) == 0) {
			if (coef <= 0 || coef > TARIFF_SCALE * 10)
				faults_add(f, file, c.line, "band1Coefficient must be above 0");
			c.coef = (int)coef;
		}
		for (xmlNodePtr l = rulesxml_child(n, "Limits"); l; l = rulesxml_next(l->next, "Limits"))
			load_limits(&c, l, file, f);
		check_limits_cover(&c, file, f);
		for (xmlNodePtr t = rulesxml_child(n, "Tariff"); t; t = rulesxml_next(t->next, "Tariff"))
			load_tariff(&c, t, file, f);
		if (!(r->cat = grow(r->cat, r->ncat, sizeof(c)))) {
			faults_add(f, file, c.line, "out of memory");
			free(c.lim);
			free(c.tar);
			r->ncat = 0;
			break;
		}
		r->cat[r->ncat++] = c;
	}
	/* Resolve rates="..." and check exactness of band 1 x coefficient. */
	for (int i = 0; i < r->ncat; i++) {
		struct category *c = &r->cat[i];

		c->owner = i;
		if (c->rates[0]) {
			int o = find_category(r, c->rates);

			if (c->ntar)
				faults_add(f, file, c->line,
					   "category '%s' has both rates='%s' and its own tariffs",
					   c->code, c->rates);
			if (o < 0 || r->cat[o].rates[0] || r->cat[o].ntar == 0) {
				faults_add(f, file, c->line,
					   "rates='%s' must name a category with its own tariffs", c->rates);
				continue;
			}
			c->owner = o;
		} else if (c->ntar == 0) {
			faults_add(f, file, c->line, "category '%s' has no tariffs", c->code);
		}
		for (int t = 0; t < r->cat[c->owner].ntar; t++) {
			struct tariff_row *tr = &r->cat[c->owner].tar[t];

			for (int z = 0; z < tr->zones; z++)
				if (tr->rate[z][0] * 100 * c->coef % TARIFF_SCALE)
					faults_add(f, file, tr->line,
						   "band-1 rate x coefficient of '%s' is not exact to 0.0001 kopeck",
						   c->code);
		}
	}
	/* Convert rates from 1/100 kopeck (4 decimals of a rouble) to rate units. */
	for (int i = 0; i < r->ncat; i++)
		for (int t = 0; t < r->cat[i].ntar; t++)
			for (int z = 0; z < TARIFF_ZONES; z++)
				for (int b = 0; b < TARIFF_BANDS; b++)
					r->cat[i].tar[t].rate[z][b] *= 100;
	xmlFreeDoc(doc);
}

/* ---- norms.xml ---- */

static void load_norms(struct tariff_rules *r, const char *dir, int tariffs_ok, struct faults *f)
{
	char file[4096], xsd[4096];
	xmlDocPtr doc;

	snprintf(file, sizeof(file), "%s/norms.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/norms.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	for (xmlNodePtr n = first(doc, "Norm"); n; n = rulesxml_next(n->next, "Norm")) {
		struct norm_row row;
		int bad = 0;

		memset(&row, 0, sizeof(row));
		row.line = rulesxml_line(n);
		row.sample = attr_bool(n, "sample");
		attr_copy(n, "category", row.category, sizeof(row.category));
		if (attr_range(n, &row.from, &row.to, file, f) < 0)
			bad = 1;
		if (tariffs_ok && find_category(r, row.category) < 0) {
			faults_add(f, file, row.line, "unknown category '%s'", row.category);
			bad = 1;
		}
		for (xmlNodePtr rm = rulesxml_child(n, "Rooms"); rm; rm = rulesxml_next(rm->next, "Rooms")) {
			int rooms, nres = 0;

			if (attr_int(rm, "rooms", &rooms, file, f) < 0) {
				bad = 1;
				continue;
			}
			if (rooms != row.nrooms + 1 || rooms > NORM_MAX) {
				faults_add(f, file, rulesxml_line(rm), "rooms=%d where %d was expected",
					   rooms, row.nrooms + 1);
				bad = 1;
				continue;
			}
			row.nrooms = rooms;
			for (xmlNodePtr v = rulesxml_child(rm, "Value"); v; v = rulesxml_next(v->next, "Value")) {
				int res;
				int64_t kwh;

				if (attr_int(v, "residents", &res, file, f) < 0 ||
				    attr_fixed(v, "kwh", 3, &kwh, file, f) < 0) {
					bad = 1;
					continue;
				}
				if (res != nres + 1 || res > NORM_MAX) {
					faults_add(f, file, rulesxml_line(v),
						   "residents=%d where %d was expected", res, nres + 1);
					bad = 1;
					continue;
				}
				row.kwh[rooms - 1][res - 1] = kwh;
				nres = res;
			}
			if (row.nres && nres != row.nres) {
				faults_add(f, file, rulesxml_line(rm),
					   "rooms=%d has %d residents columns, the first rooms %d",
					   rooms, nres, row.nres);
				bad = 1;
			}
			if (!row.nres)
				row.nres = nres;
		}
		if (bad)
			continue;
		for (int i = 0; i < r->nnorm; i++)
			if (strcmp(r->norm[i].category, row.category) == 0 &&
			    overlaps(r->norm[i].from, r->norm[i].to, row.from, row.to))
				faults_add(f, file, row.line, "norm of '%s' overlaps the one at line %ld",
					   row.category, r->norm[i].line);
		if (!(r->norm = grow(r->norm, r->nnorm, sizeof(row)))) {
			faults_add(f, file, row.line, "out of memory");
			r->nnorm = 0;
			break;
		}
		r->norm[r->nnorm++] = row;
	}
	if (tariffs_ok)
		for (int i = 0; i < r->ncat; i++) {
			int found = 0;

			for (int j = 0; j < r->nnorm; j++)
				found |= strcmp(r->norm[j].category, r->cat[i].code) == 0;
			if (!found)
				faults_add(f, file, 0, "category '%s' has no norm", r->cat[i].code);
		}
	xmlFreeDoc(doc);
}

/* ---- vat.xml ---- */

static void load_vat(struct tariff_rules *r, const char *dir, struct faults *f)
{
	char file[4096], xsd[4096];
	xmlDocPtr doc;

	snprintf(file, sizeof(file), "%s/vat.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/vat.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	for (xmlNodePtr n = first(doc, "Rate"); n; n = rulesxml_next(n->next, "Rate")) {
		struct vat_row row = { 0 };
		int64_t bp;

		row.line = rulesxml_line(n);
		if (attr_range(n, &row.from, &row.to, file, f) < 0 ||
		    attr_fixed(n, "percent", 2, &bp, file, f) < 0)
			continue;
		row.bp = (int)bp;
		for (int i = 0; i < r->nvat; i++)
			if (overlaps(r->vat[i].from, r->vat[i].to, row.from, row.to))
				faults_add(f, file, row.line, "VAT rate overlaps the one at line %ld",
					   r->vat[i].line);
		if (!(r->vat = grow(r->vat, r->nvat, sizeof(row)))) {
			faults_add(f, file, row.line, "out of memory");
			r->nvat = 0;
			break;
		}
		r->vat[r->nvat++] = row;
	}
	xmlFreeDoc(doc);
}

/* ---- prices.xml ---- */

static void load_prices(struct tariff_rules *r, const char *dir, struct faults *f)
{
	char file[4096], xsd[4096];
	xmlDocPtr doc;

	snprintf(file, sizeof(file), "%s/prices.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/prices.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	for (xmlNodePtr n = first(doc, "Month"); n; n = rulesxml_next(n->next, "Month")) {
		struct price_row row = { 0 };
		long seen[TARIFF_PRICE_CATEGORIES] = { 0 };
		char *p = rulesxml_attr(n, "period");
		int bad = 0;

		row.line = rulesxml_line(n);
		row.sample = attr_bool(n, "sample");
		if (!p || period_parse(p, -1, &row.period) < 0) {
			faults_add(f, file, row.line, "bad period '%s'", p ? p : "");
			bad = 1;
		}
		xmlFree(p);
		for (xmlNodePtr c = rulesxml_child(n, "Price"); c; c = rulesxml_next(c->next, "Price")) {
			int cat;
			int64_t v;

			if (attr_int(c, "category", &cat, file, f) < 0 ||
			    attr_fixed(c, "kop", 4, &v, file, f) < 0) {
				bad = 1;
				continue;
			}
			if (cat < 1 || cat > TARIFF_PRICE_CATEGORIES) {
				faults_add(f, file, rulesxml_line(c), "price category %d is not 1..6", cat);
				bad = 1;
				continue;
			}
			if (seen[cat - 1]) {
				faults_add(f, file, rulesxml_line(c),
					   "price category %d given twice (first at line %ld)", cat,
					   seen[cat - 1]);
				bad = 1;
				continue;
			}
			seen[cat - 1] = rulesxml_line(c);
			row.price[cat - 1] = v; /* kopecks with 4 decimals = rate units */
		}
		for (int c = 0; c < TARIFF_PRICE_CATEGORIES; c++)
			if (!seen[c]) {
				faults_add(f, file, row.line, "price category %d missing", c + 1);
				bad = 1;
			}
		if (bad)
			continue;
		for (int i = 0; i < r->nprice; i++)
			if (r->price[i].period == row.period)
				faults_add(f, file, row.line, "month given twice (first at line %ld)",
					   r->price[i].line);
		if (!(r->price = grow(r->price, r->nprice, sizeof(row)))) {
			faults_add(f, file, row.line, "out of memory");
			r->nprice = 0;
			break;
		}
		r->price[r->nprice++] = row;
	}
	xmlFreeDoc(doc);
}

/* ---- billing.xml ---- */

static void load_billing(struct tariff_rules *r, const char *dir, struct faults *f)
{
	char file[4096], xsd[4096];
	struct billing_rules *b = &r->billing;
	xmlDocPtr doc;
	xmlNodePtr n;
	int total = 0;

	snprintf(file, sizeof(file), "%s/billing.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/billing.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	n = first(doc, "ReadingsWindow");
	if (attr_int(n, "firstDay", &b->window_first, file, f) == 0 &&
	    attr_int(n, "lastDay", &b->window_last, file, f) == 0 && b->window_first > b->window_last)
		faults_add(f, file, rulesxml_line(n), "readings window firstDay after lastDay");
	n = first(doc, "LegalMonth");
	if (attr_int(n, "readingsDay", &b->legal_readings_day, file, f) == 0 &&
	    attr_int(n, "documentsDay", &b->legal_documents_day, file, f) == 0 &&
	    b->legal_readings_day >= b->legal_documents_day)
		faults_add(f, file, rulesxml_line(n), "LegalMonth readingsDay not before documentsDay");
	n = first(doc, "Estimation");
	if (attr_int(n, "historyMonths", &b->history_months, file, f) == 0 &&
	    attr_int(n, "minHistory", &b->min_history, file, f) == 0 &&
	    b->min_history > b->history_months)
		faults_add(f, file, rulesxml_line(n), "minHistory exceeds historyMonths");
	attr_int(n, "maxConsecutive", &b->max_consecutive, file, f);
	n = first(doc, "Household");
	attr_int(n, "dueDay", &b->due_day, file, f);
	attr_int(n, "dueMonthOffset", &b->due_offset, file, f);
	n = first(doc, "Legal");
	for (xmlNodePtr a = rulesxml_child(n, "Advance"); a && b->nadvances < 4;
	     a = rulesxml_next(a->next, "Advance")) {
		int i = b->nadvances++;

		attr_int(a, "percent", &b->advance[i].percent, file, f);
		attr_int(a, "day", &b->advance[i].day, file, f);
		attr_int(a, "monthOffset", &b->advance[i].offset, file, f);
		total += b->advance[i].percent;
		if (total > 100)
			faults_add(f, file, rulesxml_line(a), "advances add up to more than 100 %%");
	}
	n = rulesxml_child(n, "Balance");
	attr_int(n, "day", &b->balance_day, file, f);
	attr_int(n, "monthOffset", &b->balance_offset, file, f);
	xmlFreeDoc(doc);
}

/* ---- supplier.xml and check digits ---- */

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int tariff_inn_valid(const char *s)
{
	static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	int s1 = 0, s2 = 0;

	if (all_digits(s, 10)) {
		for (int i = 0; i < 9; i++)
			s1 += (s[i] - '0') * w10[i];
		return s1 % 11 % 10 == s[9] - '0';
	}
	if (all_digits(s, 12)) {
		for (int i = 0; i < 10; i++)
			s1 += (s[i] - '0') * w11[i];
		for (int i = 0; i < 11; i++)
			s2 += (s[i] - '0') * w12[i];
		return s1 % 11 % 10 == s[10] - '0' && s2 % 11 % 10 == s[11] - '0';
	}
	return 0;
}

int tariff_bic_valid(const char *s)
{
	return all_digits(s, 9);
}

/* The Bank of Russia account key: weights 7,1,3 over the 23-digit control
 * string; valid when the sum of the products' last digits ends in 0. */
static int account_key_ok(const char *prefix3, const char *account)
{
	static const int w[3] = { 7, 1, 3 };
	char ctl[24];
	int sum = 0;

	memcpy(ctl, prefix3, 3);
	memcpy(ctl + 3, account, 20);
	for (int i = 0; i < 23; i++)
		sum += (ctl[i] - '0') * w[i % 3] % 10;
	return sum % 10 == 0;
}

int tariff_corr_account_valid(const char *account, const char *bic)
{
	char pre[3];

	if (!all_digits(account, 20) || !tariff_bic_valid(bic) || strncmp(account, "301", 3) != 0)
		return 0;
	pre[0] = '0';
	pre[1] = bic[4];
	pre[2] = bic[5];
	return account_key_ok(pre, account);
}

int tariff_account_valid(const char *account, const char *bic)
{
	if (!all_digits(account, 20) || !tariff_bic_valid(bic))
		return 0;
	return account_key_ok(bic + 6, account);
}

/* Number of UTF-8 characters in s. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Copy the text of parent's child element name into buf; fault when absent
 * and required, or too long for buf. */
static long text_copy(xmlNodePtr parent, const char *name, char *buf, size_t size, int required,
		      const char *file, struct faults *f)
{
	xmlNodePtr n = rulesxml_child(parent, name);
	xmlChar *t;

	buf[0] = '\0';
	if (!n) {
		if (required)
			faults_add(f, file, rulesxml_line(parent), "%s missing", name);
		return rulesxml_line(parent);
	}
	t = xmlNodeGetContent(n);
	if (t && strlen((const char *)t) >= size)
		faults_add(f, file, rulesxml_line(n), "%s longer than %zu bytes", name, size - 1);
	else
		snprintf(buf, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
	return rulesxml_line(n);
}

static void load_supplier(struct tariff_rules *r, const char *dir, struct faults *f)
{
	char file[4096], xsd[4096];
	struct supplier *s = &r->supplier;
	xmlDocPtr doc;
	xmlNodePtr root, bank;
	long l;

	snprintf(file, sizeof(file), "%s/supplier.xml", dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/supplier.xsd", dir);
	if (!(doc = rulesxml_read(file, xsd, f)))
		return;
	root = xmlDocGetRootElement(doc);
	s->sample = attr_bool(root, "sample");
	l = text_copy(root, "Name", s->name, sizeof(s->name), 1, file, f);
	if (utf8_chars(s->name) > 160)
		faults_add(f, file, l, "Name longer than 160 characters (GOST R 56042-2014)");
	text_copy(root, "ShortName", s->short_name, sizeof(s->short_name), 1, file, f);
	l = text_copy(root, "Inn", s->inn, sizeof(s->inn), 1, file, f);
	if (!all_digits(s->inn, 10) || !tariff_inn_valid(s->inn))
		faults_add(f, file, l, "INN '%s' has a wrong check digit", s->inn);
	text_copy(root, "Kpp", s->kpp, sizeof(s->kpp), 1, file, f);
	text_copy(root, "Address", s->address, sizeof(s->address), 1, file, f);
	text_copy(root, "Phone", s->phone, sizeof(s->phone), 0, file, f);
	text_copy(root, "Email", s->email, sizeof(s->email), 0, file, f);
	text_copy(root, "Site", s->site, sizeof(s->site), 0, file, f);
	bank = rulesxml_child(root, "Bank");
	l = text_copy(bank, "Name", s->bank_name, sizeof(s->bank_name), 1, file, f);
	if (utf8_chars(s->bank_name) > 45)
		faults_add(f, file, l, "bank Name longer than 45 characters (GOST R 56042-2014)");
	text_copy(bank, "Bic", s->bic, sizeof(s->bic), 1, file, f);
	l = text_copy(bank, "CorrAccount", s->corr_account, sizeof(s->corr_account), 1, file, f);
	if (!tariff_corr_account_valid(s->corr_account, s->bic))
		faults_add(f, file, l, "correspondent account '%s' does not match BIC '%s' (key)",
			   s->corr_account, s->bic);
	l = text_copy(bank, "Account", s->account, sizeof(s->account), 1, file, f);
	if (!tariff_account_valid(s->account, s->bic))
		faults_add(f, file, l, "settlement account '%s' does not match BIC '%s' (key)",
			   s->account, s->bic);
	xmlFreeDoc(doc);
}

/* ---- loading ---- */

int tariff_rules_load(const char *rules_dir, struct tariff_rules **out, struct faults *f)
{
	struct tariff_rules *r = calloc(1, sizeof(*r));
	int before = f->count, tariffs_ok;

	*out = NULL;
	if (!r) {
		faults_add(f, rules_dir, 0, "out of memory");
		return -1;
	}
	load_tariffs(r, rules_dir, f);
	tariffs_ok = f->count == before && r->ncat > 0;
	load_norms(r, rules_dir, tariffs_ok, f);
	load_vat(r, rules_dir, f);
	load_prices(r, rules_dir, f);
	load_billing(r, rules_dir, f);
	load_supplier(r, rules_dir, f);
	if (f->count != before) {
		tariff_rules_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void tariff_rules_free(struct tariff_rules *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncat; i++) {
		free(r->cat[i].lim);
		free(r->cat[i].tar);
	}
	free(r->cat);
	free(r->norm);
	free(r->vat);
	free(r->price);
	free(r);
}

int tariff_rules_check(const char *rules_dir, struct faults *f)
{
	struct tariff_rules *r;

	if (tariff_rules_load(rules_dir, &r, f) < 0)
		return -1;
	tariff_rules_free(r);
	return 0;
}

/* ---- lookups ---- */

int tariff_category_known(const struct tariff_rules *r, const char *category)
{
	return category && find_category(r, category) >= 0;
}

int tariff_lookup(const struct tariff_rules *r, const char *category, int zones, sdate day,
		  struct tariff_rate *out, struct sbyt_err *e)
{
	char b[DATE_BUF];
	int ci = category ? find_category(r, category) : -1;
	const struct category *c, *o;

	if (ci < 0)
		return err_set(e, ERR_CONFIG, "unknown tariff category '%s'", category ? category : "");
	c = &r->cat[ci];
	o = &r->cat[c->owner];
	for (int i = 0; i < o->ntar; i++) {
		const struct tariff_row *t = &o->tar[i];

		if (t->zones != zones || day < t->from || day > t->to)
			continue;
		memset(out, 0, sizeof(*out));
		out->from = t->from;
		out->to = t->to;
		out->zones = zones;
		out->coefficient = c->coef;
		out->sample = t->sample;
		out->line = t->line;
		for (int z = 0; z < zones; z++) {
			out->rate[z][0] = t->rate[z][0] * c->coef / TARIFF_SCALE;
			out->rate[z][1] = t->rate[z][1];
			out->rate[z][2] = t->rate[z][2];
		}
		return 0;
	}
	return err_set(e, ERR_CONFIG, "no %d-zone tariff for category '%s' on %s in tariffs.xml",
		       zones, category, date_format(day, b));
}

int tariff_limits_for(const struct tariff_rules *r, const char *category, speriod p,
		      struct tariff_limits *out, struct sbyt_err *e)
{
	char b[PERIOD_BUF];
	int ci = category ? find_category(r, category) : -1, y, m;
	sdate day = period_first(p);

	if (ci < 0)
		return err_set(e, ERR_CONFIG, "unknown tariff category '%s'", category ? category : "");
	period_to_ym(p, &y, &m);
	for (int i = 0; i < r->cat[ci].nlim; i++) {
		const struct limits_row *l = &r->cat[ci].lim[i];

		if (day >= l->from && day <= l->to && (l->months & (1u << m))) {
			out->band1 = l->band1;
			out->band2 = l->band2;
			out->sample = l->sample;
			out->line = l->line;
			return 0;
		}
	}
	return err_set(e, ERR_CONFIG, "no band limits for category '%s' in %s in tariffs.xml",
		       category, period_format(p, b));
}

int tariff_zone_hours(const struct tariff_rules *r, int scheme, int zone, uint32_t *mask,
		      const char **name, struct sbyt_err *e)
{
	if (scheme < 1 || scheme > 3 || zone < 1 || zone > scheme)
		return err_set(e, ERR_CONFIG, "no zone %d in a %d-zone scheme", zone, scheme);
	*mask = r->hours[scheme][zone];
	if (name)
		*name = r->zone_name[scheme][zone];
	return 0;
}

int tariff_vat(const struct tariff_rules *r, sdate day, int *basis_points, struct sbyt_err *e)
{
	char b[DATE_BUF];

	for (int i = 0; i < r->nvat; i++)
		if (day >= r->vat[i].from && day <= r->vat[i].to) {
			*basis_points = r->vat[i].bp;
			return 0;
		}
	return err_set(e, ERR_CONFIG, "no VAT rate on %s in vat.xml", date_format(day, b));
}

int tariff_price(const struct tariff_rules *r, speriod p, int price_category, int64_t *rate,
		 int *sample, struct sbyt_err *e)
{
	char b[PERIOD_BUF];

	if (price_category < 1 || price_category > TARIFF_PRICE_CATEGORIES)
		return err_set(e, ERR_DATA, "price category %d is not 1..6", price_category);
	for (int i = 0; i < r->nprice; i++)
		if (r->price[i].period == p) {
			*rate = r->price[i].price[price_category - 1];
			if (sample)
				*sample = r->price[i].sample;
			return 0;
		}
	return err_set(e, ERR_CONFIG, "no legal entities' prices for %s in prices.xml",
		       period_format(p, b));
}

int tariff_norm(const struct tariff_rules *r, const char *category, sdate day, int rooms,
		int residents, int64_t *per_person, struct sbyt_err *e)
{
	char b[DATE_BUF];

	for (int i = 0; i < r->nnorm; i++) {
		const struct norm_row *n = &r->norm[i];
		int ro, re;

		if (!category || strcmp(n->category, category) != 0 || day < n->from || day > n->to)
			continue;
		ro = rooms < 1 ? 1 : rooms > n->nrooms ? n->nrooms : rooms;
		re = residents < 1 ? 1 : residents > n->nres ? n->nres : residents;
		*per_person = n->kwh[ro - 1][re - 1];
		return 0;
	}
	return err_set(e, ERR_CONFIG, "no norm for category '%s' on %s in norms.xml",
		       category ? category : "", date_format(day, b));
}

const struct billing_rules *tariff_billing(const struct tariff_rules *r)
{
	return &r->billing;
}

const struct supplier *tariff_supplier(const struct tariff_rules *r)
{
	return &r->supplier;
}

money tariff_amount(int64_t volume, int64_t rate)
{
	return money_round((__int128)volume * rate, (int64_t)TARIFF_KWH * TARIFF_SCALE);
}

speriod billing_reading_period(const struct billing_rules *b, sdate day)
{
	int d;

	date_to_ymd(day, NULL, NULL, &d);
	return period_of(day) + (d > b->window_last ? 1 : 0);
}

int billing_in_window(const struct billing_rules *b, sdate day)
{
	int d;

	date_to_ymd(day, NULL, NULL, &d);
	return d >= b->window_first && d <= b->window_last;
}

int billing_legal_readings_day(const struct billing_rules *b, int day)
{
	return day >= 1 ? day : b->legal_readings_day;
}

int billing_legal_closes(const struct billing_rules *b, int readings_day, sdate day,
			 speriod *month)
{
	speriod p = period_of(day);

	if (day == period_last(p)) {
		*month = p;
		return 1;
	}
	if (day - period_first(p) < billing_legal_readings_day(b, readings_day)) {
		*month = p - 1;
		return 1;
	}
	return 0;
}

sdate billing_legal_readings_due(const struct billing_rules *b, int readings_day, speriod m)
{
	return period_first(m + 1) + billing_legal_readings_day(b, readings_day) - 1;
}

sdate billing_legal_documents_due(const struct billing_rules *b, speriod m)
{
	return period_first(m + 1) + b->legal_documents_day - 1;
}
