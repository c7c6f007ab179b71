/*
 * parse_sms.c - the SMS gateway log (SPEC 5.4): UTF-8 lines
 * `received_at;phone;text` (a header line of those names is optional).
 * The text is everything after the second `;` and is read by the PCRE2
 * patterns of rules/sms.xml (sms_rules.h), never by C code.  The phone is
 * normalised to +7XXXXXXXXXX; whether it is linked to the account is the
 * database's check (phone_not_linked).  The reading is taken on the day it
 * was received, as written in received_at.
 */
#include "parse.h"

#include <string.h>

static int line(void *arg, struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	struct sms_rules *rules = arg;
	struct ingest_rec r;
	const char *s1, *s2, *text;
	size_t tlen;
	int m;

	memset(&r, 0, sizeof(r));
	r.kind = REC_READING;
	r.has_reading = 1;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	s1 = memchr(c->text, ';', c->text_len);
	s2 = s1 ? memchr(s1 + 1, ';', c->text_len - (size_t)(s1 + 1 - c->text)) : NULL;
	if (!s2)
		return PARSE_REJECT(c, sink, e, "bad_format", "not 'received_at;phone;text'");
	if (iso_datetime_parse(c->text, (int)(s1 - c->text), &r.rd.taken_on))
		return PARSE_REJECT(c, sink, e, "bad_date", "received_at is not an ISO 8601 date-time");
	if (phone_normalize(s1 + 1, (int)(s2 - s1 - 1), r.rd.phone, sizeof(r.rd.phone)))
		return PARSE_REJECT(c, sink, e, "bad_phone", "phone is not a Russian number");
	text = s2 + 1;
	tlen = c->text_len - (size_t)(text - c->text);
	/* A text the gateway quoted: "..." (no inner quotes expected). */
	if (tlen >= 2 && text[0] == '"' && text[tlen - 1] == '"') {
		text++;
		tlen -= 2;
	}
	m = sms_rules_match(rules, text, tlen, &r.rd, NULL);
	if (m == 0)
		return PARSE_REJECT(c, sink, e, "unknown_pattern", "text matches no SMS pattern");
	if (m < 0)
		return PARSE_REJECT(c, sink, e, "bad_reading", "a value in the text is not a meter value");
	strcpy(r.rd.source, "sms");
	return ingest_emit(sink, &r, e);
}

int parse_sms(const struct infile *in, struct sms_rules *rules, struct ingest_sink *sink,
	      struct sbyt_err *e)
{
	return parse_lines(in, ';', "received_at;phone;text", 1, line, rules, sink, e);
}
