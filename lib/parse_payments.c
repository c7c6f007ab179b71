/*
 * parse_payments.c - any other payment source (SPEC 5.3a): post offices,
 * office cash desks, portal acquiring.  UTF-8, `;`, the header
 * `txn_id;paid_at;account;sum;period;source`; `paid_at` is ISO 8601 (a
 * date, or a date and time with offset), `sum` uses a dot, `period` is
 * YYYY-MM or empty when the payer named none.
 */
#include "parse.h"

#include <string.h>

static int line(void *arg, struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	struct ingest_rec r;
	char **f = c->field;
	size_t *fl = c->flen;

	(void)arg;
	if (c->nf != 6)
		return PARSE_REJECT(c, sink, e, "bad_format", "%d fields, expected 6", c->nf);
	memset(&r, 0, sizeof(r));
	r.kind = REC_PAYMENT;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	if (fl[0] == 0 || ingest_copy_field(f[0], fl[0], r.pay.source_id, sizeof(r.pay.source_id)))
		return PARSE_REJECT(c, sink, e, "bad_id", "txn_id is empty or too long");
	if (iso_datetime_parse(f[1], (int)fl[1], &r.pay.paid_on) ||
	    ingest_copy_field(f[1], fl[1], r.pay.paid_at, sizeof(r.pay.paid_at)))
		return PARSE_REJECT(c, sink, e, "bad_date", "paid_at is not an ISO 8601 date or date-time");
	if (account_parse(f[2], (int)fl[2], &r.pay.account))
		return PARSE_REJECT(c, sink, e, "bad_account", "account is not a number");
	if (money_parse(f[3], (int)fl[3], '.', &r.pay.sum))
		return PARSE_REJECT(c, sink, e, "bad_sum", "sum is not an amount like 1500.00");
	if (r.pay.sum <= 0)
		return PARSE_REJECT(c, sink, e, "bad_sum", "sum is not positive");
	if (fl[4]) {
		if (period_parse(f[4], (int)fl[4], &r.pay.period))
			return PARSE_REJECT(c, sink, e, "bad_period", "period is not YYYY-MM");
		r.pay.has_period = 1;
	}
	if (fl[5] == 0 || ingest_copy_field(f[5], fl[5], r.pay.source, sizeof(r.pay.source)))
		return PARSE_REJECT(c, sink, e, "bad_source", "source is empty or too long");
	return ingest_emit(sink, &r, e);
}

int parse_payments(const char *path, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(path, ';', "txn_id;paid_at;account;sum;period;source", 0,
			   line, NULL, sink, e);
}
