/*
 * parse_delivery.c - delivery confirmations of notices (SPEC 5.6): UTF-8,
 * `;`, the header `notice_id;status;at;evidence`; status is delivered,
 * returned (a letter returned unclaimed counts as delivered on the return
 * date: that is the limitation engine's reading, not the parser's) or
 * failed; `at` is YYYY-MM-DD; evidence is free text (a postal barcode, an
 * EDO receipt id...).
 */
#include "parse.h"

#include <string.h>

static int line(void *arg, struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	struct ingest_rec r;
	char **f = c->field;
	size_t *fl = c->flen;

	(void)arg;
	if (c->nf != 4)
		return PARSE_REJECT(c, sink, e, "bad_format", "%d fields, expected 4", c->nf);
	memset(&r, 0, sizeof(r));
	r.kind = REC_DELIVERY;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	if (fl[0] == 0 || ingest_copy_field(f[0], fl[0], r.dlv.notice_id, sizeof(r.dlv.notice_id)))
		return PARSE_REJECT(c, sink, e, "bad_id", "notice_id is empty or too long");
	if (strcmp(f[1], "delivered") != 0 && strcmp(f[1], "returned") != 0 &&
	    strcmp(f[1], "failed") != 0)
		return PARSE_REJECT(c, sink, e, "bad_status", "status is not delivered, returned or failed");
	memcpy(r.dlv.status, f[1], fl[1] + 1);
	if (date_parse(f[2], (int)fl[2], &r.dlv.at))
		return PARSE_REJECT(c, sink, e, "bad_date", "at is not a real YYYY-MM-DD date");
	if (ingest_copy_field(f[3], fl[3], r.dlv.evidence, sizeof(r.dlv.evidence)))
		return PARSE_REJECT(c, sink, e, "bad_format", "evidence is longer than %d bytes",
				    REC_TEXT_MAX - 1);
	return ingest_emit(sink, &r, e);
}

int parse_delivery(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(in, ';', "notice_id;status;at;evidence", 0, line, NULL, sink, e);
}
