/* bill.c - one account-period's bill; see bill.h for the rules applied. */
#include "bill.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 31

struct segment {
	sdate from, to;
	struct tariff_rate t;
};

void bill_split(int64_t total, const int64_t *weights, int n, int64_t *out)
{
	__int128 sum = 0;
	int64_t given = 0;
	int big = 0;

	for (int i = 0; i < n; i++) {
		sum += weights[i];
		if (weights[i] > weights[big])
			big = i;
	}
	for (int i = 0; i < n; i++) {
		out[i] = sum ? (int64_t)((__int128)total * weights[i] / sum) : 0;
		given += out[i];
	}
	out[big] += total - given;
}

int bill_consumption(int64_t previous, int64_t current, int digits, int64_t *volume,
		     struct sbyt_err *e)
{
	int64_t full = TARIFF_KWH;

	if (current >= previous) {
		*volume = current - previous;
		return 0;
	}
	if (digits > 0 && digits <= 12) {
		for (int i = 0; i < digits; i++)
			full *= 10;
		if (previous - current > full / 2 && previous < full) {
			*volume = full - previous + current;
			return 0;
		}
	}
	return err_set(e, ERR_DATA, "reading %lld.%03lld is below the previous %lld.%03lld",
		       (long long)(current / TARIFF_KWH), (long long)(current % TARIFF_KWH),
		       (long long)(previous / TARIFF_KWH), (long long)(previous % TARIFF_KWH));
}

void bill_result_release(struct bill_result *out)
{
	if (!out)
		return;
	free(out->lines);
	free(out->months);
	memset(out, 0, sizeof(*out));
}

/* Add volume to the line with the same key, or append one.  Recalculation
 * lines net per key; charges are unique per key anyway. */
static int add_line(struct bill_result *out, const struct bill_line *l, struct sbyt_err *e)
{
	for (int i = 0; i < out->nlines; i++) {
		struct bill_line *o = &out->lines[i];

		if (o->kind == l->kind && o->period == l->period && o->from == l->from &&
		    o->to == l->to && o->zone == l->zone && o->band == l->band &&
		    o->tariff == l->tariff && o->vat_bp == l->vat_bp) {
			o->volume += l->volume;
			o->sample |= l->sample;
			return 0;
		}
	}
	if (out->nlines == out->cap) {
		int cap = out->cap ? out->cap * 2 : 16;
		struct bill_line *nl = realloc(out->lines, sizeof(*nl) * (size_t)cap);

		if (!nl)
			return err_set(e, ERR_INTERNAL, "out of memory");
		out->lines = nl;
		out->cap = cap;
	}
	out->lines[out->nlines++] = *l;
	return 0;
}

static int add_month(struct bill_result *out, speriod p, const int64_t *vol, struct sbyt_err *e)
{
	struct bill_month *m;

	if (out->nmonths == out->mcap) {
		int cap = out->mcap ? out->mcap * 2 : 4;
		struct bill_month *nm = realloc(out->months, sizeof(*nm) * (size_t)cap);

		if (!nm)
			return err_set(e, ERR_INTERNAL, "out of memory");
		out->months = nm;
		out->mcap = cap;
	}
	m = &out->months[out->nmonths++];
	memset(m, 0, sizeof(*m));
	m->period = p;
	m->basis = BILL_READING;
	memcpy(m->volume, vol, sizeof(m->volume));
	return 0;
}

/* The tariffs in force over period p as day ranges. */
static int segments(const struct tariff_rules *r, const char *category, int scheme, speriod p,
		    struct segment *seg, int *nseg, struct sbyt_err *e)
{
	sdate day = period_first(p), last = period_last(p);

	*nseg = 0;
	while (day <= last) {
		struct segment *s = &seg[*nseg];

		if (tariff_lookup(r, category, scheme, day, &s->t, e) < 0)
			return -1;
		s->from = day;
		s->to = s->t.to < last ? s->t.to : last;
		day = s->to + 1;
		(*nseg)++;
	}
	return 0;
}

/* Price the volume (per zone, scheme zones) of household month p into lines
 * of the given kind and sign.  keep_zero keeps zero-volume band-1 lines (a
 * charge shows every zone's tariff). */
static int price_household(const struct tariff_rules *r, const struct bill_input *in, speriod p,
			   const int64_t *vol, int scheme, int sign, enum bill_line_kind kind,
			   enum bill_basis basis, int keep_zero, struct bill_result *out,
			   struct sbyt_err *e)
{
	struct tariff_limits lim;
	struct segment seg[MAX_SEGMENTS];
	int64_t total = 0, x1, x2, ex1[TARIFF_ZONES], ex2[TARIFF_ZONES];
	int64_t band[TARIFF_ZONES][TARIFF_BANDS], days[MAX_SEGMENTS], part[MAX_SEGMENTS];
	int nseg;

	if (tariff_limits_for(r, in->category, p, &lim, e) < 0 ||
	    segments(r, in->category, scheme, p, seg, &nseg, e) < 0)
		return -1;
	for (int z = 0; z < scheme; z++)
		total += vol[z];
	/* Bands on the total; the excess over each limit from the zones pro rata. */
	x1 = total > lim.band1 ? total - lim.band1 : 0;
	x2 = total > lim.band2 ? total - lim.band2 : 0;
	bill_split(x1, vol, scheme, ex1);
	bill_split(x2, vol, scheme, ex2);
	for (int z = 0; z < scheme; z++) {
		band[z][0] = vol[z] - ex1[z];
		band[z][1] = ex1[z] - ex2[z];
		band[z][2] = ex2[z];
	}
	for (int s = 0; s < nseg; s++)
		days[s] = seg[s].to - seg[s].from + 1;
	for (int z = 0; z < scheme; z++)
		for (int b = 0; b < TARIFF_BANDS; b++) {
			bill_split(band[z][b], days, nseg, part);
			for (int s = 0; s < nseg; s++) {
				struct bill_line l = { 0 };

				if (part[s] == 0 && !(keep_zero && b == 0))
					continue;
				l.kind = kind;
				l.basis = basis;
				l.period = p;
				l.from = seg[s].from;
				l.to = seg[s].to;
				l.zone = z + 1;
				l.band = b + 1;
				l.volume = sign * part[s];
				l.tariff = seg[s].t.rate[z][b];
				l.sample = seg[s].t.sample || (b > 0 && lim.sample);
				if (add_line(out, &l, e) < 0)
					return -1;
			}
		}
	return 0;
}

/* Price a legal entity's month: per zone, volume x price, VAT per line. */
static int price_legal(const struct tariff_rules *r, const struct bill_input *in, speriod p,
		       const int64_t *vol, int scheme, int sign, enum bill_line_kind kind,
		       enum bill_basis basis, int keep_zero, struct bill_result *out,
		       struct sbyt_err *e)
{
	int64_t price;
	int bp, sample;

	if (tariff_price(r, p, in->price_category, &price, &sample, e) < 0 ||
	    tariff_vat(r, period_last(p), &bp, e) < 0)
		return -1;
	for (int z = 0; z < scheme; z++) {
		struct bill_line l = { 0 };

		if (vol[z] == 0 && !keep_zero)
			continue;
		l.kind = kind;
		l.basis = basis;
		l.period = p;
		l.from = period_first(p);
		l.to = period_last(p);
		l.zone = z + 1;
		l.band = 0;
		l.volume = sign * vol[z];
		l.tariff = price;
		l.vat_bp = bp;
		l.sample = sample;
		if (add_line(out, &l, e) < 0)
			return -1;
	}
	return 0;
}

static int price(const struct tariff_rules *r, const struct bill_input *in, speriod p,
		 const int64_t *vol, int scheme, int sign, enum bill_line_kind kind,
		 enum bill_basis basis, int keep_zero, struct bill_result *out, struct sbyt_err *e)
{
	if (in->kind == BILL_LEGAL)
		return price_legal(r, in, p, vol, scheme, sign, kind, basis, keep_zero, out, e);
	return price_household(r, in, p, vol, scheme, sign, kind, basis, keep_zero, out, e);
}

/* Average per zone over the actual-reading months among the last
 * history_months before p; -1 (no error) when there are too few. */
static int average(const struct billing_rules *b, const struct bill_input *in, int64_t *avg,
		   struct sbyt_err *e)
{
	int64_t sum[TARIFF_ZONES] = { 0 };
	unsigned char seen[64] = { 0 };
	int n = 0;

	for (int i = 0; i < in->nhistory; i++) {
		const struct bill_month *m = &in->history[i];
		int back = in->period - m->period;

		if (m->basis != BILL_READING || back < 1 || back > b->history_months || back > 63)
			continue;
		if (seen[back]) {
			char pb[PERIOD_BUF];
			return err_set(e, ERR_DATA, "account '%s': history has %s twice",
				       in->account ? in->account : "", period_format(m->period, pb));
		}
		seen[back] = 1;
		for (int z = 0; z < TARIFF_ZONES; z++)
			sum[z] += m->volume[z];
		n++;
	}
	if (n < b->min_history)
		return 1;
	for (int z = 0; z < TARIFF_ZONES; z++)
		avg[z] = money_round(sum[z], n);
	return 0;
}

static sdate day_of(speriod p, int day)
{
	return period_first(p) + day - 1;
}

int bill_compute(const struct tariff_rules *r, const struct bill_input *in,
		 struct bill_result *out, struct sbyt_err *e)
{
	const struct billing_rules *b = tariff_billing(r);
	const char *acc = in->account ? in->account : "";
	int64_t vol[TARIFF_ZONES] = { 0 };
	int scheme, working, all_read = 1;

	memset(out, 0, sizeof(*out));
	if (in->zones < 0 || in->zones > TARIFF_ZONES)
		return err_set(e, ERR_DATA, "account '%s': a meter has 1, 2 or 3 zones, not %d", acc,
			       in->zones);
	if (in->kind == BILL_INDIVIDUAL && !tariff_category_known(r, in->category))
		return err_set(e, ERR_DATA, "account '%s': unknown category '%s'", acc,
			       in->category ? in->category : "");
	if (in->kind == BILL_LEGAL &&
	    (in->price_category < 1 || in->price_category > TARIFF_PRICE_CATEGORIES))
		return err_set(e, ERR_DATA, "account '%s': price category %d is not 1..6", acc,
			       in->price_category);

	if (in->nestimated < 0 || (in->nestimated > 0 && !in->estimated))
		return err_set(e, ERR_DATA, "account '%s': bad list of estimated periods", acc);
	for (int i = 0; i < in->nestimated; i++)
		if (in->estimated[i].period != in->period - in->nestimated + i)
			return err_set(e, ERR_DATA,
				       "account '%s': the %d estimated periods must be the ones right "
				       "before this period, oldest first", acc, in->nestimated);
	working = in->zones > 0 &&
		  (in->verified_until == BILL_NO_DATE || in->verified_until >= period_first(in->period));
	for (int z = 0; z < in->zones; z++)
		all_read &= in->reading[z].has_current != 0;

	if (working && all_read) {
		int k = in->nestimated;
		int64_t actual[TARIFF_ZONES];

		out->basis = BILL_READING;
		scheme = in->zones;
		for (int z = 0; z < scheme; z++)
			if (bill_consumption(in->reading[z].previous, in->reading[z].current, in->digits,
					     &actual[z], e) < 0)
				return err_prefix(e, "account '%s' zone %d", acc, z + 1);
		if (k == 0) {
			memcpy(vol, actual, sizeof(vol));
			if (add_month(out, in->period, vol, e) < 0)
				return -1;
		} else {
			/* Spread the actual volume over the k estimated periods and this one. */
			int64_t *days = calloc((size_t)k + 1, sizeof(int64_t));
			int64_t *part = calloc((size_t)k + 1, sizeof(int64_t));
			int64_t *spread = calloc(((size_t)k + 1) * TARIFF_ZONES, sizeof(int64_t));
			int rc = 0;

			if (!days || !part || !spread) {
				free(days);
				free(part);
				free(spread);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
			for (int i = 0; i <= k; i++) {
				speriod p = in->period - k + i;
				days[i] = period_last(p) - period_first(p) + 1;
			}
			for (int z = 0; z < scheme; z++) {
				bill_split(actual[z], days, k + 1, part);
				for (int i = 0; i <= k; i++)
					spread[i * TARIFF_ZONES + z] = part[i];
			}
			memcpy(vol, &spread[k * TARIFF_ZONES], sizeof(vol));
			for (int i = 0; i <= k && rc == 0; i++)
				rc = add_month(out, in->period - k + i, &spread[i * TARIFF_ZONES], e);
			/* the charge first, so that its lines come first */
			if (rc == 0)
				rc = price(r, in, in->period, vol, scheme, 1, BILL_CHARGE, BILL_READING, 1,
					   out, e);
			for (int i = 0; i < k && rc == 0; i++) {
				const struct bill_month *m = &in->estimated[i];
				int est_scheme = m->basis == BILL_NORM ? 1 : scheme;

				rc = price(r, in, m->period, &spread[i * TARIFF_ZONES], scheme, 1,
					   BILL_RECALC, m->basis, 0, out, e);
				if (rc == 0)
					rc = price(r, in, m->period, m->volume, est_scheme, -1,
						   BILL_RECALC, m->basis, 0, out, e);
			}
			free(days);
			free(part);
			free(spread);
			if (rc < 0)
				return -1;
			memcpy(out->volume, vol, sizeof(vol));
			out->estimated_run = 0;
			goto totals;
		}
	} else {
		int64_t avg[TARIFF_ZONES];
		int rc = 1;

		if (working && in->nestimated < b->max_consecutive &&
		    (rc = average(b, in, avg, e)) < 0)
			return -1;
		if (working && in->nestimated < b->max_consecutive && rc == 0) {
			out->basis = BILL_ESTIMATE;
			scheme = in->zones;
			memcpy(vol, avg, sizeof(vol));
			for (int z = scheme; z < TARIFF_ZONES; z++)
				vol[z] = 0;
		} else {
			int64_t per;
			int residents = in->residents < 1 ? 1 : in->residents;

			if (in->kind == BILL_LEGAL)
				return err_set(e, ERR_DATA,
					       "account '%s': a legal entity without readings or a working "
					       "meter needs the calculation method (no norm applies)", acc);
			if (tariff_norm(r, in->category, period_first(in->period), in->rooms,
					in->residents, &per, e) < 0)
				return -1;
			out->basis = BILL_NORM;
			scheme = 1;
			vol[0] = per * residents;
		}
		out->estimated_run = in->nestimated + 1;
	}
	memcpy(out->volume, vol, sizeof(vol));
	if (price(r, in, in->period, vol, scheme, 1, BILL_CHARGE, out->basis, 1, out, e) < 0)
		return -1;

totals:
	/* Drop recalculation lines that netted to nothing, then the amounts. */
	{
		int w = 0;

		for (int i = 0; i < out->nlines; i++)
			if (out->lines[i].kind == BILL_CHARGE || out->lines[i].volume != 0)
				out->lines[w++] = out->lines[i];
		out->nlines = w;
	}
	for (int i = 0; i < out->nlines; i++) {
		struct bill_line *l = &out->lines[i];
		money net = tariff_amount(l->volume, l->tariff);

		if (in->kind == BILL_LEGAL) {
			l->vat = money_round((__int128)net * l->vat_bp, 10000);
			l->amount = net + l->vat;
		} else {
			l->amount = net;
		}
		if (l->kind == BILL_CHARGE)
			out->charges += l->amount;
		else
			out->recalcs += l->amount;
		out->vat += l->vat;
	}
	out->total = out->charges + out->recalcs;
	if (in->kind == BILL_INDIVIDUAL) {
		out->due = day_of(in->period + b->due_offset, b->due_day);
	} else {
		money advanced = 0;

		for (int i = 0; i < b->nadvances; i++) {
			struct bill_payment *p = &out->pay[out->npay++];

			p->percent = b->advance[i].percent;
			p->due = day_of(in->period + b->advance[i].offset, b->advance[i].day);
			p->sum = money_round((__int128)in->previous_charge * p->percent, 100);
			advanced += p->sum;
		}
		out->due = day_of(in->period + b->balance_offset, b->balance_day);
		out->pay[out->npay].percent = 0;
		out->pay[out->npay].due = out->due;
		out->pay[out->npay].sum = out->total - advanced;
		out->npay++;
	}
	return 0;
}
