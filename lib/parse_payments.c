/*
 * parse_payments.c - the payment sources that send one payment a line
 * with a header: QIWI terminals (SPEC 5.3: CSV with `,`, the header
 * `txn_id,datetime,terminal_id,account,amount,period`) and any other
 * payment source (SPEC 5.3a: post offices, office cash desks, portal
 * acquiring: `;`, the header `txn_id;paid_at;account;sum;period;source`).
 * Both are UTF-8; the time is ISO 8601 (a date, or a date and time with an
 * offset), the amount uses a dot, the period is YYYY-MM or empty when the
 * payer named none.  No control total: a bad line is rejected alone.  One
 * line parser serves both, told the columns by a layout.
 */
#include "parse.h"

#include <string.h>

struct layout {
	char sep;
	const char *header;
	int id, at, account, sum, period, source;   /* column of each field */
	const char *bad_at, *bad_sum, *bad_sum_sign; /* reasons naming the columns */
	const char *source_code, *bad_source;
	int source_required;
};

static const struct layout qiwi = {
	',', "txn_id,datetime,terminal_id,account,amount,period", 0, 1, 3, 4, 5, 2,
	"datetime is not an ISO 8601 date-time", "amount is not an amount like 1500.00",
	"amount is not positive", "bad_format", "terminal_id is too long", 0,
};

static const struct layout payments = {
	';', "txn_id;paid_at;account;sum;period;source", 0, 1, 2, 3, 4, 5,
	"paid_at is not an ISO 8601 date or date-time", "sum is not an amount like 1500.00",
	"sum is not positive", "bad_source", "source is empty or too long", 1,
};

/* 1 when the source (terminal) column is missing or too long; else it is
 * copied into r. */
static int bad_source(const struct layout *l, const struct csv *c, struct ingest_rec *r)
{
	size_t n = c->flen[l->source];

	return (l->source_required && n == 0) ||
	       ingest_copy_field(c->field[l->source], n, r->pay.source, sizeof(r->pay.source));
}

static int line(void *arg, struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	const struct layout *l = arg;
	struct ingest_rec r;
	char **f = c->field;
	size_t *fl = c->flen;

	if (c->nf != 6)
		return PARSE_REJECT(c, sink, e, "bad_format", "%d fields, expected 6", c->nf);
	memset(&r, 0, sizeof(r));
	r.kind = REC_PAYMENT;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	if (fl[l->id] == 0 ||
	    ingest_copy_field(f[l->id], fl[l->id], r.pay.source_id, sizeof(r.pay.source_id)))
		return PARSE_REJECT(c, sink, e, "bad_id", "txn_id is empty or too long");
	if (iso_datetime_parse(f[l->at], (int)fl[l->at], &r.pay.paid_on) ||
	    ingest_copy_field(f[l->at], fl[l->at], r.pay.paid_at, sizeof(r.pay.paid_at)))
		return PARSE_REJECT(c, sink, e, "bad_date", "%s", l->bad_at);
	/* the fields are checked in the order of their columns */
	if (l->source < l->account && bad_source(l, c, &r))
		return PARSE_REJECT(c, sink, e, l->source_code, "%s", l->bad_source);
	if (account_parse(f[l->account], (int)fl[l->account], &r.pay.account))
		return PARSE_REJECT(c, sink, e, "bad_account", "account is not a number");
	if (money_parse(f[l->sum], (int)fl[l->sum], '.', &r.pay.sum))
		return PARSE_REJECT(c, sink, e, "bad_sum", "%s", l->bad_sum);
	if (r.pay.sum <= 0)
		return PARSE_REJECT(c, sink, e, "bad_sum", "%s", l->bad_sum_sign);
	if (fl[l->period]) {
		if (period_parse(f[l->period], (int)fl[l->period], &r.pay.period))
			return PARSE_REJECT(c, sink, e, "bad_period", "period is not YYYY-MM");
		r.pay.has_period = 1;
	}
	if (l->source > l->account && bad_source(l, c, &r))
		return PARSE_REJECT(c, sink, e, l->source_code, "%s", l->bad_source);
	return ingest_emit(sink, &r, e);
}

int parse_qiwi(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(in, qiwi.sep, qiwi.header, 0, line, (void *)&qiwi, sink, e);
}

int parse_payments(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(in, payments.sep, payments.header, 0, line, (void *)&payments, sink, e);
}
