/*
 * parse_portal.c - readings from the portal (ЛКК), the site, IVR, offices,
 * collection boxes and inspectors (SPEC 5.5): UTF-8, `;`, the header
 * `account;meter;zone;value;taken_on;source`, one zone per line.  `meter`
 * may be empty (the account's only meter); `value` takes a comma or a dot
 * and up to 3 decimals; `inspector` readings are control readings.
 */
#include "parse.h"

#include <string.h>

static const char *const sources[] = { "lkk", "site", "ivr", "office", "box", "inspector", NULL };

static int line(void *arg, struct csv *c, struct ingest_sink *sink, struct sbyt_err *e)
{
	struct ingest_rec r;
	char **f = c->field;
	size_t *fl = c->flen;
	int zone, known = 0;

	(void)arg;
	if (c->nf != 6)
		return PARSE_REJECT(c, sink, e, "bad_format", "%d fields, expected 6", c->nf);
	memset(&r, 0, sizeof(r));
	r.kind = REC_READING;
	r.has_reading = 1;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	if (account_parse(f[0], (int)fl[0], &r.rd.account))
		return PARSE_REJECT(c, sink, e, "bad_account", "account is not a number");
	if (ingest_copy_field(f[1], fl[1], r.rd.meter, sizeof(r.rd.meter)))
		return PARSE_REJECT(c, sink, e, "bad_meter", "meter number is too long");
	if (fl[2] != 1 || f[2][0] < '1' || f[2][0] > '3')
		return PARSE_REJECT(c, sink, e, "bad_zone", "zone is not 1, 2 or 3");
	zone = f[2][0] - '0';
	if (reading_value_parse(f[3], (int)fl[3], &r.rd.value[zone - 1]))
		return PARSE_REJECT(c, sink, e, "bad_reading", "value is not a meter value");
	r.rd.has[zone - 1] = 1;
	r.rd.zones = zone;
	if (date_parse(f[4], (int)fl[4], &r.rd.taken_on))
		return PARSE_REJECT(c, sink, e, "bad_date", "taken_on is not a real YYYY-MM-DD date");
	for (int i = 0; sources[i]; i++)
		if (fl[5] == strlen(sources[i]) && memcmp(f[5], sources[i], fl[5]) == 0)
			known = 1;
	if (!known)
		return PARSE_REJECT(c, sink, e, "bad_source",
				    "source is not lkk, site, ivr, office, box or inspector");
	memcpy(r.rd.source, f[5], fl[5]);
	return ingest_emit(sink, &r, e);
}

int parse_portal(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e)
{
	return parse_lines(in, ';', "account;meter;zone;value;taken_on;source", 0,
			   line, NULL, sink, e);
}
