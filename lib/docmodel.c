/* docmodel.c - composing one payment document from its rows; see docmodel.h. */
#include "docmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void docmodel_init(struct docmodel *d)
{
	memset(d, 0, sizeof(*d));
}

void docmodel_reset(struct docmodel *d)
{
	struct docmodel keep = *d;

	free(d->w_text);
	memset(d, 0, sizeof(*d));
	d->line = keep.line;
	d->line_cap = keep.line_cap;
	d->read = keep.read;
	d->read_cap = keep.read_cap;
	d->obl = keep.obl;
	d->obl_cap = keep.obl_cap;
	d->pay = keep.pay;
	d->pay_cap = keep.pay_cap;
}

void docmodel_release(struct docmodel *d)
{
	free(d->line);
	free(d->read);
	free(d->obl);
	free(d->pay);
	free(d->w_text);
	memset(d, 0, sizeof(*d));
}

void docmodel_set(char *field, size_t size, const char *value)
{
	snprintf(field, size, "%s", value ? value : "");
}

int docmodel_set_warning(struct docmodel *d, const char *text, struct sbyt_err *e)
{
	free(d->w_text);
	d->w_text = NULL;
	if (!text)
		return 0;
	d->w_text = strdup(text);
	return d->w_text ? 0 : err_set(e, ERR_INTERNAL, "out of memory");
}

static void *add(void **p, int *n, int *cap, size_t size, struct sbyt_err *e)
{
	char *q;

	if (*n >= *cap) {
		int c = *cap ? *cap * 2 : 16;
		void *np = realloc(*p, (size_t)c * size);
		if (!np) {
			err_set(e, ERR_INTERNAL, "out of memory");
			return NULL;
		}
		*p = np;
		*cap = c;
	}
	q = (char *)*p + (size_t)(*n)++ * size;
	memset(q, 0, size);
	return q;
}

struct docmodel_line *docmodel_add_line(struct docmodel *d, struct sbyt_err *e)
{
	return add((void **)&d->line, &d->nline, &d->line_cap, sizeof(*d->line), e);
}

struct docmodel_read *docmodel_add_read(struct docmodel *d, struct sbyt_err *e)
{
	return add((void **)&d->read, &d->nread, &d->read_cap, sizeof(*d->read), e);
}

struct docmodel_obl *docmodel_add_obl(struct docmodel *d, struct sbyt_err *e)
{
	return add((void **)&d->obl, &d->nobl, &d->obl_cap, sizeof(*d->obl), e);
}

struct docmodel_pay *docmodel_add_pay(struct docmodel *d, struct sbyt_err *e)
{
	return add((void **)&d->pay, &d->npay, &d->pay_cap, sizeof(*d->pay), e);
}

const char *docmodel_tariff_text(const char *s, char *buf, size_t size)
{
	const char *dot;
	size_t n;

	snprintf(buf, size, "%s", s);
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	n = strlen(buf);
	while (n > (size_t)(dot - buf) + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

void docmodel_ctx_init(struct docmodel_ctx *c, const struct supplier *sup,
		       const struct billing_rules *billing, const struct penalty_rules *pr)
{
	memset(c, 0, sizeof(*c));
	c->sup = sup;
	c->billing = billing;
	c->pr = pr;
	ledger_init(&c->led);
	ledger_debt_init(&c->debt);
}

void docmodel_ctx_release(struct docmodel_ctx *c)
{
	ledger_release(&c->led);
	ledger_debt_release(&c->debt);
}

/* Split "Фамилия Имя Отчество" into at most three words (in place). */
static void split_name(char *s, const char **w)
{
	char *save = NULL;
	int n = 0;

	w[0] = w[1] = w[2] = NULL;
	for (char *t = strtok_r(s, " ", &save); t && n < 3; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
}

/* The QR payload of d into d->qr; payer details are dropped when they would
 * make it invalid (a "|" in the address...). */
static int make_qr(struct docmodel_ctx *c, struct docmodel *d, struct sbyt_err *e)
{
	struct qr_payment q;
	char words[512], purpose[160];
	const char *w[3];
	int y, m;

	period_to_ym(d->period, &y, &m);
	snprintf(purpose, sizeof(purpose), "Оплата электроэнергии за %02d.%04d, л/с %s", m, y,
		 d->account);
	qr_payment_init(&q, c->sup);
	q.pers_acc = d->account;
	q.sum = d->total;
	q.paym_period = d->period;
	q.purpose = purpose;
	if (!d->legal) {
		snprintf(words, sizeof(words), "%s", d->name);
		split_name(words, w);
		q.last_name = w[0];
		q.first_name = w[1];
		q.middle_name = w[2];
	}
	q.payer_address = d->address;
	if (!c->qr_payee[0] && qr_payee(&q, c->qr_payee, sizeof(c->qr_payee), e) < 0)
		return -1;
	if (qr_payload_from(c->qr_payee, &q, d->qr, sizeof(d->qr), e) >= 0)
		return 0;
	q.last_name = q.first_name = q.middle_name = q.payer_address = NULL;
	return qr_payload_from(c->qr_payee, &q, d->qr, sizeof(d->qr), e) >= 0 ? 0 : -1;
}

int docmodel_compose(struct docmodel_ctx *c, struct docmodel *d, struct sbyt_err *e)
{
	enum customer_kind kind = d->legal ? CUSTOMER_LEGAL : CUSTOMER_INDIVIDUAL;
	sdate first = period_first(d->period), last = period_last(d->period);
	money stored_penalty = 0, pen_start, pen_end;

	d->opening = d->charged = d->recalc = d->penalty = d->paid = d->total = 0;
	d->has_penalty_line = 0;
	d->due = d->due_nominal = 0;
	d->last_paid_on = 0;
	ledger_reset(&c->led);
	for (int i = 0; i < d->nline; i++) {
		const struct docmodel_line *l = &d->line[i];
		if (!strcmp(l->kind, "charge"))
			d->charged += l->amount;
		else if (!strcmp(l->kind, "recalc"))
			d->recalc += l->amount;
		else {
			stored_penalty += l->amount;
			d->has_penalty_line = 1;
		}
	}
	for (int i = 0; i < d->nobl; i++) {
		const struct docmodel_obl *o = &d->obl[i];
		struct ledger_charge lc;

		if (o->period < d->period)
			d->opening += o->amount;
		else if (o->due > d->due)
			d->due = o->due;
		if (strcmp(o->kind, "penalty") != 0 && o->amount != 0) {
			lc.period = o->period;
			lc.due = o->due;
			lc.amount = o->amount;
			lc.kind = !strcmp(o->kind, "recalc") || o->amount < 0 ? LEDGER_RECALC
									       : LEDGER_CHARGE;
			if (ledger_add_charge(&c->led, &lc, e) < 0)
				return err_prefix(e, "account %s", d->account);
		}
	}
	for (int i = 0; i < d->npay; i++) {
		const struct docmodel_pay *p = &d->pay[i];
		struct ledger_payment lp;

		lp.id = p->id;
		lp.date = p->date;
		lp.amount = p->amount;
		lp.period = p->period;
		if (p->date < first) {
			d->opening -= p->amount;
		} else {
			d->paid += p->amount;
			if (p->date > d->last_paid_on)
				d->last_paid_on = p->date;
		}
		if (ledger_add_payment(&c->led, &lp, e))
			return err_prefix(e, "account %s", d->account);
	}
	/* penalties from the ledger, as of the day before the period and its last day */
	if (ledger_allocate(&c->led, e) ||
	    ledger_debt_compute(&c->led, c->pr, kind, first - 1, &c->debt, e))
		return err_prefix(e, "account %s", d->account);
	pen_start = c->debt.penalty;
	if (ledger_debt_compute(&c->led, c->pr, kind, last, &c->debt, e))
		return err_prefix(e, "account %s", d->account);
	pen_end = c->debt.penalty;
	d->opening += pen_start;
	if (d->has_carry)
		d->opening += d->carry_amount + d->carry_penalty;
	d->penalty = d->has_penalty_line ? stored_penalty : pen_end - pen_start;
	d->total = d->opening + d->charged + d->recalc + d->penalty - d->paid;
	if (!d->due) {
		int y, m;
		period_to_ym(d->period, &y, &m);
		m += c->billing->due_offset;
		while (m > 12) {
			m -= 12;
			y++;
		}
		d->due = date_from_ymd(y, m, c->billing->due_day);
	}
	/* a due date on a day off is the next working day (ГК РФ ст. 193) */
	d->due_nominal = d->due;
	if (penalty_due_move(c->pr, d->due_nominal, &d->due, e)) {
		char b[DATE_BUF];
		return err_prefix(e, "account %s: due date %s", d->account,
				  date_format(d->due_nominal, b));
	}
	if (make_qr(c, d, e))
		return err_prefix(e, "account %s", d->account);
	return 0;
}

/* 1 when period S is settled in the sense of docmodel_settle(), with its
 * day D in *cut. */
static int settled_through(const struct ledger *l, const struct docmodel *d, speriod S, sdate *cut)
{
	sdate D = period_last(S);
	int any = 0;

	if (d->has_carry && d->carry_cut > D)
		D = d->carry_cut;
	/* every entry of S and before paid off; D the last day it was paid on */
	for (int i = 0; i < l->nentry; i++) {
		money open;
		if (l->entry[i].period > S)
			continue;
		any = 1;
		open = l->entry[i].net;
		for (int a = 0; a < l->nalloc; a++)
			if (l->alloc[a].entry == i) {
				open -= l->alloc[a].amount;
				if (l->alloc[a].date > D)
					D = l->alloc[a].date;
			}
		if (open != 0)
			return 0;
	}
	if (!any)
		return 0;
	for (int a = 0; a < l->nalloc; a++) {
		const struct ledger_alloc *al = &l->alloc[a];
		int to_settled = l->entry[al->entry].period <= S;
		/* a credit's excess stays with the side of its period */
		if (al->payment_id == 0 && to_settled != (period_of(al->date) <= S))
			return 0;
	}
	for (int a = 0; a < l->nadv; a++) {
		const struct ledger_advance *ad = &l->adv[a];
		if (ad->amount == 0 || ad->date > D)
			continue;
		/* a credit's excess left over, a prepayment reserved for a settled period */
		if (ad->payment_id == 0 || (ad->period != LEDGER_NO_PERIOD && ad->period <= S))
			return 0;
	}
	*cut = D;
	return 1;
}

/* What of payment id went elsewhere than the periods up to S, or is left. */
static money rest_of(const struct ledger *l, int64_t id, speriod S)
{
	money rest = 0;

	for (int a = 0; a < l->nalloc; a++)
		if (l->alloc[a].payment_id == id && l->entry[l->alloc[a].entry].period > S)
			rest += l->alloc[a].amount;
	for (int a = 0; a < l->nadv; a++)
		if (l->adv[a].payment_id == id)
			rest += l->adv[a].amount;
	return rest;
}

void docmodel_settle(const struct docmodel_ctx *c, struct docmodel *d)
{
	const struct ledger *l = &c->led;
	speriod lo = d->period;
	sdate D = 0;

	d->settled = 0;
	if (!l->allocated)
		return;
	for (int i = 0; i < l->nentry; i++)
		if (l->entry[i].period < lo)
			lo = l->entry[i].period;
	if (d->has_carry && d->carry_period >= lo)
		lo = d->carry_period + 1;
	for (speriod S = d->period - 1; S >= lo; S--) {
		money amount = d->has_carry ? d->carry_amount : 0;
		money penalty = d->has_carry ? d->carry_penalty : 0;

		if (!settled_through(l, d, S, &D))
			continue;
		for (int i = 0; i < d->nobl; i++)
			if (d->obl[i].period <= S)
				amount += d->obl[i].amount;
		for (int i = 0; i < d->npay; i++) {
			struct docmodel_pay *p = &d->pay[i];
			p->rest = p->date <= D ? rest_of(l, p->id, S) : p->amount;
			amount -= p->amount - p->rest;
		}
		for (int i = 0; i < c->debt.nper; i++)
			if (c->debt.per[i].period <= S)
				penalty += c->debt.per[i].penalty;
		d->settled = 1;
		d->settle_period = S;
		d->settle_cut = D;
		d->settle_amount = amount;
		d->settle_penalty = penalty;
		return;
	}
}

int docmodel_as_issued(struct docmodel *d)
{
	if (d->was_total != d->total || strcmp(d->was_qr, d->qr) != 0)
		return 0;
	if (d->was_due == d->due)
		return 1;
	if (d->was_due != d->due_nominal)
		return 0;
	d->due = d->was_due;
	return 1;
}

#define COPY_ARRAY(f, n, cap)                                                     \
	do {                                                                      \
		if (src->n > dst->cap) {                                          \
			void *np = realloc(dst->f, (size_t)src->n * sizeof(*src->f)); \
			if (!np)                                                  \
				return err_set(e, ERR_INTERNAL, "out of memory"); \
			dst->f = np;                                              \
			dst->cap = src->n;                                        \
		}                                                                 \
		if (src->n)                                                       \
			memcpy(dst->f, src->f, (size_t)src->n * sizeof(*src->f)); \
	} while (0)

int docmodel_copy(struct docmodel *dst, const struct docmodel *src, struct sbyt_err *e)
{
	struct docmodel keep = *dst;

	free(dst->w_text);
	*dst = *src;
	dst->line = keep.line;
	dst->line_cap = keep.line_cap;
	dst->read = keep.read;
	dst->read_cap = keep.read_cap;
	dst->obl = keep.obl;
	dst->obl_cap = keep.obl_cap;
	dst->pay = keep.pay;
	dst->pay_cap = keep.pay_cap;
	dst->w_text = NULL;
	COPY_ARRAY(line, nline, line_cap);
	COPY_ARRAY(read, nread, read_cap);
	COPY_ARRAY(obl, nobl, obl_cap);
	COPY_ARRAY(pay, npay, pay_cap);
	if (src->w_text && !(dst->w_text = strdup(src->w_text)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	return 0;
}
