/* parse_csvutil.c - header checks, unreadable lines and the dispatcher
 * shared by the text parsers; see parse.h. */
#include "parse.h"

#include <string.h>

int parse_reject_bad(struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	if (!c->bad)
		return 0;
	if (ingest_reject_line(sink, c->line, c->text, c->text_len, csv_bad_code(c), e, "%s",
			       csv_bad_why(c)))
		return -1;
	return 1;
}

int parse_header(struct csv *c, const char *want, struct sbyt_err *e)
{
	int r;

	do {
		r = csv_next(c, e);
	} while (r == 1 && csv_blank(c) && !c->bad);
	if (r < 0)
		return -1;
	if (r == 0)
		return err_set(e, ERR_DATA, "%s: empty file", c->path);
	if (c->bad)
		return err_set(e, ERR_DATA, "%s:%ld: header line unreadable: %s", c->path, c->line, c->bad);
	/* Compare field by field with want. */
	const char *w = want;
	for (int i = 0;; i++) {
		const char *end = strchr(w, c->sep);
		size_t wl = end ? (size_t)(end - w) : strlen(w);

		if (i >= c->nf || c->flen[i] != wl || memcmp(c->field[i], w, wl) != 0)
			break;
		if (!end) {
			if (i + 1 == c->nf)
				return 0;
			break;
		}
		w = end + 1;
	}
	return err_set(e, ERR_DATA, "%s:%ld: header is not '%s'", c->path, c->line, want);
}

int ingest_parse(enum ingest_channel ch, const struct infile *in, struct sms_rules *rules,
		 struct ingest_sink *sink, struct sbyt_err *e)
{
	switch (ch) {
	case CH_SBERBANK: return parse_sber(in, sink, e);
	case CH_GAZPROMBANK: return parse_gpb(in, sink, e);
	case CH_QIWI: return parse_qiwi(in, sink, e);
	case CH_PAYMENTS: return parse_payments(in, sink, e);
	case CH_SMS:
		if (!rules)
			return err_set(e, ERR_INTERNAL, "sms parser called without rules");
		return parse_sms(in, rules, sink, e);
	case CH_PORTAL: return parse_portal(in, sink, e);
	case CH_DELIVERY: return parse_delivery(in, sink, e);
	case CH_NONE: break;
	}
	return err_set(e, ERR_INTERNAL, "no parser for channel %d", (int)ch);
}

static int header_matches(const struct csv *c, const char *want)
{
	size_t wl = strlen(want);

	return c->text_len == wl && memcmp(c->text, want, wl) == 0;
}

int parse_lines(const struct infile *in, char sep, const char *header, int header_optional,
		parse_line_fn fn, void *arg, struct ingest_sink *sink, struct sbyt_err *e)
{
	struct csv c;
	int r, rc = 0, first = 1;
	FILE *f = infile_fopen(in, e);

	if (!f || csv_open_file(&c, f, in->path, sep, 0, e))
		return -1;
	if (!header_optional) {
		if (parse_header(&c, header, e)) {
			csv_close(&c);
			return -1;
		}
		first = 0;
	}
	while ((r = csv_next(&c, e)) == 1) {
		if (csv_blank(&c) && !c.bad)
			continue;
		if (first) {
			first = 0;
			if (!c.bad && header_matches(&c, header))
				continue;
		}
		r = parse_reject_bad(&c, sink, e);
		if (r == 0)
			r = fn(arg, &c, sink, e);
		if (r < 0) {
			rc = -1;
			break;
		}
	}
	if (r < 0)
		rc = -1;
	else if (first && c.bytes == 0)
		rc = err_set(e, ERR_DATA, "%s: empty file", in->path);
	csv_close(&c);
	return rc;
}
