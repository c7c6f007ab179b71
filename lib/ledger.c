/* ledger.c - allocation of payments, overdue debt and penalties; see ledger.h. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

/* Grow *buf (of *cap elements of size sz) to hold at least n + 1. */
static int grow(void **buf, int *cap, int n, size_t sz)
{
	void *nb;
	int ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	nb = realloc(*buf, sz * (size_t)ncap);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* The arrays a ledger works in: n elements of sz in buf (cap elements, on
 * the caller's stack) when they fit, else from the heap (NULL: out of
 * memory); scratch_free() gives back what came from the heap.  An account's
 * ledger holds a few entries: no malloc() per account (at 1,000,000
 * accounts some 10 million of them). */
#define FEW 32
static void *scratch(void *buf, size_t cap, size_t n, size_t sz)
{
	return n <= cap ? buf : malloc(n * sz);
}

static void scratch_free(void *p, const void *buf)
{
	if (p != buf)
		free(p);
}

/* qsort() for the few elements of one ledger: an insertion sort up to FEW
 * elements.  Every comparison here is a total order (the last key is an
 * index or an id), so the result is qsort()'s. */
static void sort_few(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
	unsigned char *b = base, tmp[64];

	if (n > FEW || sz > sizeof(tmp)) {
		qsort(base, n, sz, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		if (cmp(b + (i - 1) * sz, b + i * sz) <= 0)
			continue;
		memcpy(tmp, b + i * sz, sz);
		while (j > 0 && cmp(b + (j - 1) * sz, tmp) > 0) {
			memcpy(b + j * sz, b + (j - 1) * sz, sz);
			j--;
		}
		memcpy(b + j * sz, tmp, sz);
	}
}

void ledger_init(struct ledger *l)
{
	memset(l, 0, sizeof(*l));
}

void ledger_reset(struct ledger *l)
{
	l->nentry = l->npay = l->nalloc = l->nadv = 0;
	l->allocated = 0;
}

void ledger_release(struct ledger *l)
{
	if (!l)
		return;
	free(l->entry);
	free(l->pay);
	free(l->alloc);
	free(l->adv);
	memset(l, 0, sizeof(*l));
}

int ledger_add_charge(struct ledger *l, const struct ledger_charge *c, struct sbyt_err *e)
{
	struct ledger_entry *x;
	char pb[PERIOD_BUF], mb[MONEY_BUF];

	if (c->kind != LEDGER_CHARGE && c->kind != LEDGER_RECALC)
		return err_set(e, ERR_INTERNAL, "unknown ledger entry kind %d", (int)c->kind);
	if (c->period <= 0 || c->due <= 0)
		return err_set(e, ERR_DATA, "ledger entry without a period or a due date");
	if (c->kind == LEDGER_CHARGE && c->amount <= 0)
		return err_set(e, ERR_DATA, "charge of %s for '%s' is not positive",
			       money_format(c->amount, mb), period_format(c->period, pb));
	if (grow((void **)&l->entry, &l->entry_cap, l->nentry, sizeof(*l->entry)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	x = &l->entry[l->nentry];
	x->period = c->period;
	x->due = c->due;
	x->kind = c->kind;
	x->amount = c->amount;
	x->net = c->amount > 0 ? c->amount : 0;
	l->allocated = 0;
	return l->nentry++;
}

int ledger_add_payment(struct ledger *l, const struct ledger_payment *p, struct sbyt_err *e)
{
	char mb[MONEY_BUF];

	if (p->amount <= 0)
		return err_set(e, ERR_DATA, "payment %lld of %s is not positive", (long long)p->id,
			       money_format(p->amount, mb));
	if (p->id <= 0)
		return err_set(e, ERR_DATA, "payment id %lld is not above 0", (long long)p->id);
	if (grow((void **)&l->pay, &l->pay_cap, l->npay, sizeof(*l->pay)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	l->pay[l->npay++] = *p;
	l->allocated = 0;
	return 0;
}

/* An entry in the order of allocation. */
struct ord {
	sdate due;
	speriod period;
	int idx;
};

static int cmp_ord(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* A payment, or the excess of a credit, waiting to be allocated. */
struct src {
	sdate date;
	int credit;        /* 1: a credit's excess */
	int64_t id;
	int seq;
	speriod period;
	money amount;
};

static int cmp_src(const void *a, const void *b)
{
	const struct src *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->credit != y->credit)
		return x->credit ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int cmp_pay(const void *a, const void *b)
{
	const struct ledger_payment *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int put_alloc(struct ledger *l, const struct src *s, int entry, money amount,
		     enum ledger_how how)
{
	struct ledger_alloc *a;

	if (grow((void **)&l->alloc, &l->alloc_cap, l->nalloc, sizeof(*l->alloc)))
		return -1;
	a = &l->alloc[l->nalloc++];
	a->payment_id = s->credit ? 0 : s->id;
	a->date = s->date;
	a->entry = entry;
	a->amount = amount;
	a->how = how;
	return 0;
}

static int put_advance(struct ledger *l, const struct src *s, speriod period, money amount)
{
	struct ledger_advance *v;

	if (grow((void **)&l->adv, &l->adv_cap, l->nadv, sizeof(*l->adv)))
		return -1;
	v = &l->adv[l->nadv++];
	v->payment_id = s->credit ? 0 : s->id;
	v->date = s->date;
	v->period = period;
	v->amount = amount;
	return 0;
}

int ledger_allocate(struct ledger *l, struct sbyt_err *e)
{
	int n = l->nentry, nsrc = 0, cursor = 0, rc = -1;
	struct ord ord_buf[FEW];
	struct src src_buf[2 * FEW];
	money open_buf[FEW];
	struct ord *ord = scratch(ord_buf, FEW, (size_t)n + 1, sizeof(*ord));
	struct src *src = scratch(src_buf, 2 * FEW, (size_t)(l->npay + n + 1), sizeof(*src));
	money *open = scratch(open_buf, FEW, (size_t)n + 1, sizeof(*open));

	l->nalloc = l->nadv = 0;
	if (!ord || !src || !open) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		l->entry[i].net = l->entry[i].amount > 0 ? l->entry[i].amount : 0;
		ord[i] = (struct ord){ l->entry[i].due, l->entry[i].period, i };
	}
	sort_few(ord, (size_t)n, sizeof(*ord), cmp_ord);

	/* 1. credits reduce their own period, latest due first */
	for (int i = 0; i < n; i++) {
		money credit = l->entry[i].amount < 0 ? -l->entry[i].amount : 0;

		for (int k = n - 1; k >= 0 && credit > 0; k--) {
			struct ledger_entry *x = &l->entry[ord[k].idx];
			money take;

			if (x->period != l->entry[i].period || x->net <= 0)
				continue;
			take = x->net < credit ? x->net : credit;
			x->net -= take;
			credit -= take;
		}
		if (credit > 0)
			src[nsrc++] = (struct src){ period_last(l->entry[i].period), 1, 0, i,
						    LEDGER_NO_PERIOD, credit };
	}
	for (int i = 0; i < n; i++)
		open[i] = l->entry[i].net;
	if (l->npay > 1)  /* l->pay is NULL in a ledger that never had a payment */
		sort_few(l->pay, (size_t)l->npay, sizeof(*l->pay), cmp_pay);
	for (int i = 0; i < l->npay; i++)
		src[nsrc++] = (struct src){ l->pay[i].date, 0, l->pay[i].id, n + i,
					    l->pay[i].period, l->pay[i].amount };
	sort_few(src, (size_t)nsrc, sizeof(*src), cmp_src);

	for (int s = 0; s < nsrc; s++) {
		struct src *p = &src[s];
		money left = p->amount;

		/* 2. the period it names */
		if (!p->credit && p->period != LEDGER_NO_PERIOD) {
			int exists = 0;

			for (int k = 0; k < n && left > 0; k++) {
				int i = ord[k].idx;
				money take;

				if (l->entry[i].period != p->period)
					continue;
				exists = 1;
				if (open[i] <= 0)
					continue;
				take = open[i] < left ? open[i] : left;
				open[i] -= take;
				left -= take;
				if (put_alloc(l, p, i, take, LEDGER_NAMED))
					goto oom;
			}
			if (!exists && p->period >= period_of(p->date)) {
				if (put_advance(l, p, p->period, left))
					goto oom;
				left = 0;
			}
		}
		/* 3. the oldest open entries */
		while (cursor < n && open[ord[cursor].idx] <= 0)
			cursor++;
		for (int k = cursor; k < n && left > 0; k++) {
			int i = ord[k].idx;
			money take;

			if (open[i] <= 0)
				continue;
			take = open[i] < left ? open[i] : left;
			open[i] -= take;
			left -= take;
			if (put_alloc(l, p, i, take, p->credit ? LEDGER_CREDIT : LEDGER_OLDEST))
				goto oom;
		}
		/* 4. an advance */
		if (left > 0 && put_advance(l, p, LEDGER_NO_PERIOD, left))
			goto oom;
	}
	l->allocated = 1;
	rc = 0;
	goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
out:
	scratch_free(ord, ord_buf);
	scratch_free(src, src_buf);
	scratch_free(open, open_buf);
	return rc;
}

money ledger_entry_open(const struct ledger *l, int i, sdate d)
{
	money open;

	if (i < 0 || i >= l->nentry)
		return 0;
	open = l->entry[i].net;
	for (int a = 0; a < l->nalloc; a++)
		if (l->alloc[a].entry == i && l->alloc[a].date <= d)
			open -= l->alloc[a].amount;
	return open;
}

static sdate part_due(speriod p, const struct schedule_part *part)
{
	return period_first(p + part->month_offset) + part->day - 1;
}

int ledger_schedule(const struct penalty_rules *r, enum customer_kind kind, speriod p,
		    money advance_base, money charge, int charge_known,
		    struct ledger_charge *out, struct sbyt_err *e)
{
	const struct penalty_schedule *s;
	money used = 0;
	int n = 0;

	if ((int)kind < 0 || kind >= CUSTOMER_KINDS)
		return err_set(e, ERR_INTERNAL, "unknown customer kind %d", (int)kind);
	if (advance_base < 0 || (charge_known && charge < 0))
		return err_set(e, ERR_DATA, "negative charge or advance base");
	s = &r->schedule[kind];
	for (int i = 0; i < s->nparts; i++) {
		const struct schedule_part *part = &s->part[i];
		money amount;

		if (part->percent_bp < 0) {
			if (!charge_known)
				continue;
			amount = charge - used;
		} else {
			amount = money_round((__int128)advance_base * part->percent_bp, 10000);
			if (charge_known && amount > charge - used)
				amount = charge - used;
		}
		if (amount <= 0)
			continue;
		used += amount;
		out[n++] = (struct ledger_charge){ p, part_due(p, part), amount, LEDGER_CHARGE };
	}
	return n;
}

void ledger_debt_init(struct ledger_debt *d)
{
	memset(d, 0, sizeof(*d));
}

void ledger_debt_release(struct ledger_debt *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->cap; i++)
		penalty_result_release(&d->per[i].detail);
	free(d->per);
	memset(d, 0, sizeof(*d));
}

static int cmp_period(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	if (x->period != y->period)
		return x->period < y->period ? -1 : 1;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

int ledger_debt_compute(const struct ledger *l, const struct penalty_rules *r,
			enum customer_kind kind, sdate as_of, struct ledger_debt *d,
			struct sbyt_err *e)
{
	int n = l->nentry, rc = -1;
	struct ord *ord = NULL, ord_buf[FEW];
	int *first = NULL, *by_entry = NULL, first_buf[FEW], by_entry_buf[FEW];
	struct penalty_payment *paid = NULL, paid_buf[FEW];

	if (!l->allocated)
		return err_set(e, ERR_INTERNAL, "ledger is not allocated");
	d->as_of = as_of;
	d->principal = d->penalty = d->advance = 0;
	d->periods = d->nper = 0;
	for (int v = 0; v < l->nadv; v++)
		if (l->adv[v].date <= as_of)
			d->advance += l->adv[v].amount;

	ord = scratch(ord_buf, FEW, (size_t)n + 1, sizeof(*ord));
	first = scratch(first_buf, FEW, (size_t)n + 2, sizeof(*first));
	by_entry = scratch(by_entry_buf, FEW, (size_t)l->nalloc + 1, sizeof(*by_entry));
	paid = scratch(paid_buf, FEW, (size_t)l->nalloc + 1, sizeof(*paid));
	if (!ord || !first || !by_entry || !paid) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	memset(first, 0, sizeof(*first) * ((size_t)n + 2));
	/* allocations grouped by entry: by_entry[first[i] .. first[i + 1]) */
	for (int a = 0; a < l->nalloc; a++)
		first[l->alloc[a].entry + 1]++;
	for (int i = 0; i < n; i++)
		first[i + 1] += first[i];
	{
		int fill_buf[FEW];
		int *fill = scratch(fill_buf, FEW, (size_t)n + 1, sizeof(*fill));
		if (!fill) {
			err_set(e, ERR_INTERNAL, "out of memory");
			goto out;
		}
		memset(fill, 0, sizeof(*fill) * ((size_t)n + 1));
		for (int a = 0; a < l->nalloc; a++) {
			int i = l->alloc[a].entry;
			by_entry[first[i] + fill[i]++] = a;
		}
		scratch_free(fill, fill_buf);
	}
	for (int i = 0; i < n; i++)
		ord[i] = (struct ord){ l->entry[i].due, l->entry[i].period, i };
	sort_few(ord, (size_t)n, sizeof(*ord), cmp_period);

	for (int k = 0; k < n;) {
		speriod p = ord[k].period;
		struct ledger_period *per;
		sdate first_due = 0, open_due = 0, first_nom = 0, open_nom = 0;

		if (d->nper == d->cap) {
			int ncap = d->cap ? d->cap * 2 : 8;
			struct ledger_period *np = realloc(d->per, sizeof(*np) * (size_t)ncap);
			if (!np) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto out;
			}
			for (int i = d->cap; i < ncap; i++)
				penalty_result_init(&np[i].detail);
			d->per = np;
			d->cap = ncap;
		}
		per = &d->per[d->nper];
		per->period = p;
		per->charged = per->principal = per->penalty = 0;
		penalty_result_reset(&per->detail);
		for (; k < n && ord[k].period == p; k++) {
			int i = ord[k].idx, np = 0;
			const struct ledger_entry *x = &l->entry[i];
			money open = x->net;
			struct penalty_charge c;
			sdate due = x->due;

			if (x->net <= 0)
				continue;
			per->charged += x->net;
			/* a day off moves the due date (Civil Code 193); a date not
			 * yet past needs no calendar (moving only makes it later) */
			if (x->due < as_of && penalty_due_move(r, x->due, &due, e) != 0)
				goto out;
			if (!first_due) {
				first_due = due;
				first_nom = x->due;
			}
			for (int j = first[i]; j < first[i + 1]; j++) {
				const struct ledger_alloc *a = &l->alloc[by_entry[j]];
				if (a->date > as_of)
					continue;
				open -= a->amount;
				paid[np++] = (struct penalty_payment){ a->date, a->amount };
			}
			if (due >= as_of)
				continue;
			if (open > 0) {
				per->principal += open;
				if (!open_due) {
					open_due = due;
					open_nom = x->due;
				}
			}
			c = (struct penalty_charge){ x->net, x->due, paid, np };
			if (penalty_accrue(r, kind, &c, as_of, &per->detail, e) != 0)
				goto out;
		}
		per->penalty = per->detail.amount;
		per->due = open_due ? open_due : first_due;
		per->due_nominal = open_due ? open_nom : first_nom;
		per->days_overdue = per->principal > 0 ? as_of - per->due : 0;
		if (per->principal > 0 || per->penalty > 0) {
			d->principal += per->principal;
			d->penalty += per->penalty;
			if (per->principal > 0)
				d->periods++;
			d->nper++;
		}
	}
	rc = 0;
out:
	scratch_free(ord, ord_buf);
	scratch_free(first, first_buf);
	scratch_free(by_entry, by_entry_buf);
	scratch_free(paid, paid_buf);
	return rc;
}

/* A source of money in the order ledger_allocate() takes them: by date,
 * a credit's excess (id 0) before the payments of its day, payments by id. */
struct skey {
	sdate date;
	int64_t id;          /* 0: a credit's excess */
};

static int skey_cmp(struct skey x, struct skey y)
{
	if (x.date != y.date)
		return x.date < y.date ? -1 : 1;
	if ((x.id == 0) != (y.id == 0))
		return x.id == 0 ? -1 : 1;
	return (x.id > y.id) - (x.id < y.id);
}

/* The bounds of the cut for the periods before `from` settled (see
 * ledger.h): 1 with *lo, *hi, *due_max and the carried payment (s->carry_*)
 * when every entry of those periods is paid in full and no source but the
 * last one that paid them sent money elsewhere, else 0. */
static int settle_bounds(const struct ledger *l, speriod from, const money *open,
			 sdate *lo, sdate *hi, sdate *due_max, struct ledger_settled *s)
{
	struct skey last = { 0, 0 };  /* the last source that paid a settled entry */
	int any = 0;
	money to_settled = 0;

	for (int i = 0; i < l->nentry; i++) {
		const struct ledger_entry *x = &l->entry[i];

		if (x->period < from) {
			if (open[i] != 0)
				return 0;
			if (x->amount > 0) {
				if (x->due > *lo)
					*lo = x->due;
				if (x->due > *due_max)
					*due_max = x->due;
			}
			if (period_last(x->period) > *lo)
				*lo = period_last(x->period);
		} else {
			/* an open entry due before its period begins (odd data):
			 * the triggers of sql/250 would not see a credit of its
			 * period change it (they look at the period) */
			if (x->due < period_first(x->period))
				return 0;
			/* its excess would be a source dated the period's end */
			if (x->amount < 0 && period_last(x->period) - 1 < *hi)
				*hi = period_last(x->period) - 1;
		}
	}
	for (int a = 0; a < l->nalloc; a++) {
		const struct ledger_alloc *x = &l->alloc[a];
		struct skey k = { x->date, x->payment_id };

		if (l->entry[x->entry].period >= from)
			continue;
		if (x->date > *lo)
			*lo = x->date;
		if (!any || skey_cmp(k, last) > 0)
			last = k;
		any = 1;
	}
	/* before the last source: nothing elsewhere; after it: after the cut */
	for (int a = 0; a < l->nalloc; a++) {
		const struct ledger_alloc *x = &l->alloc[a];
		struct skey k = { x->date, x->payment_id };
		int c = any ? skey_cmp(k, last) : 1;

		if (l->entry[x->entry].period < from) {
			if (c == 0)
				to_settled += x->amount;
			continue;
		}
		if (c < 0 || (c == 0 && x->payment_id == 0))
			return 0;
		if (c > 0 && x->date - 1 < *hi)
			*hi = x->date - 1;
	}
	for (int v = 0; v < l->nadv; v++) {
		struct skey k = { l->adv[v].date, l->adv[v].payment_id };
		int c = any ? skey_cmp(k, last) : 1;

		if (c < 0 || (c == 0 && l->adv[v].payment_id == 0))
			return 0;
		if (c > 0 && l->adv[v].date - 1 < *hi)
			*hi = l->adv[v].date - 1;
	}
	s->carry_id = 0;
	s->carry_date = 0;
	s->carry_amount = 0;
	for (int p = 0; p < l->npay; p++) {
		const struct ledger_payment *x = &l->pay[p];
		struct skey k = { x->date, x->id };
		int c = any ? skey_cmp(k, last) : 1;

		if (c > 0) {
			if (x->date - 1 < *hi)
				*hi = x->date - 1;
			continue;
		}
		/* a payment up to the last naming an open period: a later charge
		 * of that period would take from it first */
		if (x->period != LEDGER_NO_PERIOD && x->period >= from)
			return 0;
		if (c == 0 && x->amount > to_settled) {
			/* the last source sent the rest to the oldest open entries
			 * (it named none of them): carried, unnamed */
			s->carry_id = x->id;
			s->carry_date = x->date;
			s->carry_amount = x->amount - to_settled;
		}
	}
	return 1;
}

int ledger_settle(const struct ledger *l, const struct ledger_debt *d,
		  const struct ledger_settled *prev, sdate cut_max, struct ledger_settled *s,
		  struct sbyt_err *e)
{
	int n = l->nentry, found = 0;
	speriod *per, per_buf[FEW];
	money *open, open_buf[FEW];
	int np = 0;

	if (!l->allocated)
		return err_set(e, ERR_INTERNAL, "ledger is not allocated");
	if (n == 0)
		return 0;
	per = scratch(per_buf, FEW, (size_t)n, sizeof(*per));
	open = scratch(open_buf, FEW, (size_t)n, sizeof(*open));
	if (!per || !open) {
		scratch_free(per, per_buf);
		scratch_free(open, open_buf);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; i < n; i++)
		open[i] = l->entry[i].net;
	for (int a = 0; a < l->nalloc; a++)
		open[l->alloc[a].entry] -= l->alloc[a].amount;
	/* the distinct periods, ascending (a ledger holds a few) */
	for (int i = 0; i < n; i++) {
		int k = 0;

		while (k < np && per[k] < l->entry[i].period)
			k++;
		if (k < np && per[k] == l->entry[i].period)
			continue;
		memmove(per + k + 1, per + k, sizeof(*per) * (size_t)(np - k));
		per[k] = l->entry[i].period;
		np++;
	}
	/* the most periods first: the first prefix that holds is the answer */
	for (int j = np; j >= 1 && !found; j--) {
		speriod from = j < np ? per[j] : per[np - 1] + 1;
		sdate lo = prev->cut, hi = cut_max, due_max = prev->due_max;

		if (!settle_bounds(l, from, open, &lo, &hi, &due_max, s) || lo > hi)
			continue;
		s->period_from = from;
		s->cut = hi;
		s->due_max = due_max;
		s->penalty = 0;
		for (int i = 0; i < d->nper; i++)
			if (d->per[i].period < from)
				s->penalty += d->per[i].penalty;
		found = 1;
	}
	scratch_free(per, per_buf);
	scratch_free(open, open_buf);
	return found;
}
