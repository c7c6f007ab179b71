/*
 * parse_qiwi.c - QIWI payment terminals (SPEC 5.3): CSV in UTF-8 with `,`
 * and the header `txn_id,datetime,terminal_id,account,amount,period`;
 * payments only.  `datetime` is ISO 8601, `amount` uses a dot, `period` is
 * YYYY-MM or empty.  No control total: a bad line is rejected alone.
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
		return PARSE_REJECT(c, sink, e, "bad_date", "datetime is not an ISO 8601 date-time");
	if (ingest_copy_field(f[2], fl[2], r.pay.source, sizeof(r.pay.source)))
		return PARSE_REJECT(c, sink, e, "bad_format", "terminal_id is too long");
	if (account_parse(f[3], (int)fl[3], &r.pay.account))
		return PARSE_REJECT(c, sink, e, "bad_account", "account is not a number");
	if (money_parse(f[4], (int)fl[4], '.', &r.pay.sum))
		return PARSE_REJECT(c, sink, e, "bad_sum", "amount is not an amount like 1500.00");
	if (r.pay.sum <= 0)
		return PARSE_REJECT(c, sink, e, "bad_sum", "amount is not positive");
	if (fl[5]) {
		if (period_parse(f[5], (int)fl[5], &r.pay.period))
			return PARSE_REJECT(c, sink, e, "bad_period", "period is not YYYY-MM");
		r.pay.has_period = 1;
	}
	return ingest_emit(sink, &r, e);
}

int parse_qiwi(const char *path, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(path, ',', "txn_id,datetime,terminal_id,account,amount,period", 0,
			   line, NULL, sink, e);
}
