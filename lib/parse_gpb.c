/*
 * parse_gpb.c - the Gazprombank terminal and ATM registry (SPEC 5.2): XML
 * in UTF-8, `<Registry count total>` of `<Payment>` elements with optional
 * `<Reading zone value>` children, read with libxml2's streaming reader so
 * that memory does not grow with the file.
 *
 * Safety: no network (XML_PARSE_NONET), no entity substitution, and any
 * DOCTYPE or entity reference refuses the file (this is what stops the
 * "billion laughs" and external-entity attacks); elements deeper than
 * Registry/Payment/Reading refuse it too.  A file that is not well-formed
 * (truncated, wrong encoding) is refused with libxml2's message and line.
 * Registry/@count must equal the number of Payment elements and
 * Registry/@total the sum of their readable sums.  A Payment with a bad
 * attribute is a rejected "line" (its line is the element's); its text
 * for the rejects file is the element written back from the attributes.
 *
 * Text at the door (text.h): XML 1.0 cannot hold a raw NUL, ESC or an
 * invalid UTF-8 sequence, so libxml2 would refuse the whole registry for
 * one bad byte in one payment.  The file is therefore read through a
 * filter that passes each such byte on as a marker - the private-use
 * character U+F700 + byte - which the attribute checks find and reject
 * as `control_character` of that Payment only ("U+001B in
 * Payment/@terminal", "invalid UTF-8 byte 0xE9 in ...").  A marker
 * anywhere else (an element name, between elements, a Registry
 * attribute) still refuses the file.  A file declaring another encoding
 * or starting with a UTF-16 byte-order mark is passed through unfiltered
 * (and refused as not UTF-8).  U+FFFE and U+FFFF (valid UTF-8, no XML
 * character) get markers too.  U+F700-U+F801 in the file itself read as
 * markers: no registry has a reason to carry them.
 */
#include "parse.h"

#include <libxml/xmlreader.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ATTR_MAX 256
#define GPB_MAX_DEPTH 2

enum { A_ID, A_AT, A_TERMINAL, A_ACCOUNT, A_SUM, A_PERIOD, A_COUNT };
static const char *const attr_names[A_COUNT] = { "id", "at", "terminal", "account", "sum", "period" };

struct gpb {
	const char *path;
	xmlTextReaderPtr rd;
	struct ingest_sink *sink;
	char xml_err[512];
	long xml_err_line;
	/* Registry */
	int have_registry, have_count, have_total;
	long count;
	money total;
	/* sums over the Payments */
	long payments;
	money sum;
	int unreadable;
	/* the open Payment */
	int open;
	long line;
	char attr[A_COUNT][ATTR_MAX];
	int has_attr[A_COUNT];
	int too_long;
	const char *code;       /* first fault of this payment, or NULL */
	char why[160];
	struct ingest_rec r;
	char readings[3][80];   /* written back for the rejects file */
	int nreadings;
};

static void on_xml_error(void *arg, xmlErrorPtr err)
{
	struct gpb *g = arg;
	size_t n;

	if (!err || err->level < XML_ERR_ERROR || g->xml_err[0])
		return;
	snprintf(g->xml_err, sizeof(g->xml_err), "%s", err->message ? err->message : "xml error");
	n = strlen(g->xml_err);
	while (n && (g->xml_err[n - 1] == '\n' || g->xml_err[n - 1] == ' '))
		g->xml_err[--n] = '\0';
	g->xml_err_line = err->line;
}

/* ---- the input filter ---- */

#define MARK_BASE 0xF700

#define GPB_IN_RAW 4096

struct gpb_in {
	FILE *f;
	int filter;               /* 0: bytes passed through as they are */
	unsigned char pend[4];    /* the start of a sequence cut by a read */
	int npend;
	char out[3 * (GPB_IN_RAW + 4)];  /* filtered, not handed out yet */
	size_t olen, opos;
};

/* Put the marker of byte b at out (b 0x100 and 0x101: the characters
 * U+FFFE and U+FFFF, valid UTF-8 that XML cannot hold); returns 3. */
static int put_mark(char *out, unsigned b)
{
	unsigned cp = MARK_BASE + b;

	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* The length of the valid UTF-8 sequence at s[0..n): 0 when invalid, -1
 * when it may be valid but is cut at n. */
static int seq_len(const unsigned char *s, size_t n)
{
	unsigned char b = s[0];
	int k;
	uint32_t cp;

	if (b >= 0xC2 && b <= 0xDF)
		k = 1, cp = b & 0x1F;
	else if ((b & 0xF0) == 0xE0)
		k = 2, cp = b & 0x0F;
	else if (b >= 0xF0 && b <= 0xF4)
		k = 3, cp = b & 0x07;
	else
		return 0;
	for (int i = 1; i <= k; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return k + 1;
}

/* Refill in->out with the filtered next block of the file; 0 at its end,
 * -1 when reading fails. */
static int refill(struct gpb_in *in)
{
	unsigned char raw[GPB_IN_RAW + 4];
	size_t n, got, i = 0;
	int eof;

	memcpy(raw, in->pend, (size_t)in->npend);
	got = fread(raw + in->npend, 1, GPB_IN_RAW, in->f);
	if (got == 0 && ferror(in->f))
		return -1;
	eof = got < GPB_IN_RAW;
	n = got + (size_t)in->npend;
	in->npend = 0;
	in->olen = in->opos = 0;
	while (i < n) {
		unsigned char b = raw[i];
		int k;

		if (b < 0x80) {
			if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
				in->olen += (size_t)put_mark(in->out + in->olen, b);
			else
				in->out[in->olen++] = (char)b;
			i++;
			continue;
		}
		k = seq_len(raw + i, n - i);
		if (k < 0 && !eof) {
			in->npend = (int)(n - i);
			memcpy(in->pend, raw + i, n - i);
			break;
		}
		if (k <= 0) {
			in->olen += (size_t)put_mark(in->out + in->olen, b);
			i++;
			continue;
		}
		if (k == 3 && b == 0xEF && raw[i + 1] == 0xBF && raw[i + 2] >= 0xBE) {
			in->olen += (size_t)put_mark(in->out + in->olen, 0x100u + (raw[i + 2] - 0xBEu));
			i += 3;
			continue;
		}
		memcpy(in->out + in->olen, raw + i, (size_t)k);
		in->olen += (size_t)k;
		i += (size_t)k;
	}
	return in->olen > 0;
}

static int in_read(void *ctx, char *buf, int len)
{
	struct gpb_in *in = ctx;
	size_t n;

	if (!in->filter) {
		n = fread(buf, 1, (size_t)len, in->f);
		return n == 0 && ferror(in->f) ? -1 : (int)n;
	}
	if (in->opos >= in->olen) {
		int r = refill(in);
		if (r <= 0)
			return r;
	}
	n = in->olen - in->opos;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, in->out + in->opos, n);
	in->opos += n;
	return (int)n;
}

static int in_close(void *ctx)
{
	struct gpb_in *in = ctx;

	if (in->f)
		fclose(in->f);
	in->f = NULL;
	return 0;
}

/* The byte the marker at u stands for, or -1 when u (NUL-terminated)
 * does not start with a marker. */
static int is_mark(const unsigned char *u)
{
	unsigned cp;

	if (u[0] != 0xEF || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
		return -1;
	cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
	return cp >= MARK_BASE && cp < MARK_BASE + 0x102 ? (int)(cp - MARK_BASE) : -1;
}

/* 0 when s has no marker or other control character or invalid UTF-8;
 * else -1 with *tf naming the first (the marker's byte as read). */
static int gpb_text_check(const char *s, struct text_fault *tf)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		int b = is_mark(u + i);

		if (b >= 0) {
			tf->off = i;
			tf->byte = b & 0xFF;
			tf->cp = b < 0x80 ? b : b >= 0x100 ? 0xFFFE + (b - 0x100) : -1;
			return -1;
		}
	}
	return text_check(s, n, 1, tf);
}

static void payment_fault(struct gpb *g, const char *code, const char *why)
{
	if (g->code)
		return;
	g->code = code;
	snprintf(g->why, sizeof(g->why), "%s", why);
}

/* Append s to buf as an XML attribute value (escaped; a marker of the
 * input filter, a byte XML cannot hold, as '?'). */
static size_t put_escaped(char *buf, size_t pos, size_t size, const char *s)
{
	for (; *s && pos + 7 < size; s++) {
		const char *rep = NULL;

		if (is_mark((const unsigned char *)s) >= 0) {
			buf[pos++] = '?';
			s += 2;
			continue;
		}
		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\t': rep = "&#9;"; break;
		case '\n': rep = "&#10;"; break;
		case '\r': rep = "&#13;"; break;
		}
		if (rep) {
			size_t l = strlen(rep);
			memcpy(buf + pos, rep, l);
			pos += l;
		} else {
			buf[pos++] = *s;
		}
	}
	buf[pos] = '\0';
	return pos;
}

/* The Payment written back as XML into buf; returns its length. */
static size_t payment_text(struct gpb *g, char *buf, size_t size)
{
	size_t pos = (size_t)snprintf(buf, size, "<Payment");

	for (int i = 0; i < A_COUNT && pos < size; i++) {
		if (!g->has_attr[i])
			continue;
		pos += (size_t)snprintf(buf + pos, size - pos, " %s=\"", attr_names[i]);
		if (pos >= size)
			break;
		pos = put_escaped(buf, pos, size, g->attr[i]);
		pos += (size_t)snprintf(buf + pos, size - pos, "\"");
	}
	if (pos >= size)
		return size - 1;
	if (g->nreadings == 0) {
		pos += (size_t)snprintf(buf + pos, size - pos, "/>");
	} else {
		pos += (size_t)snprintf(buf + pos, size - pos, ">");
		for (int i = 0; i < g->nreadings && pos < size; i++)
			pos += (size_t)snprintf(buf + pos, size - pos, "%s", g->readings[i]);
		if (pos < size)
			pos += (size_t)snprintf(buf + pos, size - pos, "</Payment>");
	}
	return pos < size ? pos : size - 1;
}

/* A control character or invalid UTF-8 in an attribute value (reached
 * through a character reference such as &#10;, or U+007F, which XML 1.0
 * allows) is a fault of the element it is on (text.h). */
static void check_text(struct gpb *g, const char *elem, const char *name, const char *val)
{
	struct text_fault tf;
	char why[TEXT_WHY_BUF], msg[160];

	if (g->code || gpb_text_check(val, &tf) == 0)
		return;
	snprintf(msg, sizeof(msg), "%s in %s/@%.40s", text_why(&tf, why), elem, name);
	payment_fault(g, TEXT_CODE, msg);
}

static int payment_start(struct gpb *g)
{
	xmlTextReaderPtr rd = g->rd;

	memset(&g->r, 0, sizeof(g->r));
	memset(g->has_attr, 0, sizeof(g->has_attr));
	for (int i = 0; i < A_COUNT; i++)
		g->attr[i][0] = '\0';
	g->open = 1;
	g->code = NULL;
	g->nreadings = 0;
	g->too_long = 0;
	g->line = xmlGetLineNo(xmlTextReaderCurrentNode(rd));
	g->payments++;
	while (xmlTextReaderMoveToNextAttribute(rd) == 1) {
		const char *name = (const char *)xmlTextReaderConstName(rd);
		const char *val = (const char *)xmlTextReaderConstValue(rd);
		check_text(g, "Payment", name, val);
		for (int i = 0; i < A_COUNT; i++) {
			if (strcmp(name, attr_names[i]) != 0)
				continue;
			if (ingest_copy_field(val, strlen(val), g->attr[i], ATTR_MAX)) {
				g->attr[i][0] = '\0';
				payment_fault(g, "bad_format", "attribute longer than 255 bytes");
			}
			g->has_attr[i] = 1;
		}
	}
	xmlTextReaderMoveToElement(rd);
	/* The sum counts towards the total whenever it can be read. */
	if (money_parse(g->attr[A_SUM], -1, '.', &g->r.pay.sum) == 0)
		g->sum += g->r.pay.sum;
	else
		g->unreadable++;
	return 0;
}

static void reading(struct gpb *g)
{
	xmlTextReaderPtr rd = g->rd;
	char zone[16] = "", value[40] = "";
	int z;
	int64_t v;

	while (xmlTextReaderMoveToNextAttribute(rd) == 1) {
		const char *name = (const char *)xmlTextReaderConstName(rd);
		const char *val = (const char *)xmlTextReaderConstValue(rd);
		check_text(g, "Reading", name, val);
		if (strcmp(name, "zone") == 0)
			snprintf(zone, sizeof(zone), "%s", val);
		else if (strcmp(name, "value") == 0)
			snprintf(value, sizeof(value), "%s", val);
	}
	xmlTextReaderMoveToElement(rd);
	if (g->nreadings < 3) {
		char ez[40], ev[80];
		put_escaped(ez, 0, sizeof(ez), zone);
		put_escaped(ev, 0, sizeof(ev), value);
		snprintf(g->readings[g->nreadings++], sizeof(g->readings[0]),
			 "<Reading zone=\"%.8s\" value=\"%.40s\"/>", ez, ev);
	} else {
		payment_fault(g, "bad_reading", "more than 3 Reading elements");
		return;
	}
	z = (zone[0] >= '1' && zone[0] <= '3' && zone[1] == '\0') ? zone[0] - '0' : 0;
	if (!z) {
		payment_fault(g, "bad_reading", "Reading/@zone is not 1, 2 or 3");
		return;
	}
	if (reading_value_parse(value, -1, &v)) {
		payment_fault(g, "bad_reading", "Reading/@value is not a meter value");
		return;
	}
	if (g->r.rd.has[z - 1]) {
		payment_fault(g, "bad_reading", "Reading zone given twice");
		return;
	}
	g->r.rd.has[z - 1] = 1;
	g->r.rd.value[z - 1] = v;
	if (z > g->r.rd.zones)
		g->r.rd.zones = z;
	g->r.has_reading = 1;
}

static int payment_end(struct gpb *g, struct sbyt_err *e)
{
	struct ingest_rec *r = &g->r;
	char text[2048];

	g->open = 0;
	r->kind = REC_PAYMENT;
	r->line = g->line;
	if (!g->code) {
		if (!g->has_attr[A_ID] || !g->attr[A_ID][0] ||
		    ingest_copy_field(g->attr[A_ID], strlen(g->attr[A_ID]), r->pay.source_id,
				      sizeof(r->pay.source_id)))
			payment_fault(g, "bad_id", "Payment/@id is missing or too long");
		else if (strlen(g->attr[A_AT]) >= sizeof(r->pay.paid_at) ||
			 iso_datetime_parse(g->attr[A_AT], -1, &r->pay.paid_on))
			payment_fault(g, "bad_date", "Payment/@at is not an ISO 8601 date-time");
		else if (account_parse(g->attr[A_ACCOUNT], -1, &r->pay.account))
			payment_fault(g, "bad_account", "Payment/@account is not a number");
		else if (money_parse(g->attr[A_SUM], -1, '.', &r->pay.sum))
			payment_fault(g, "bad_sum", "Payment/@sum is not an amount like 1500.00");
		else if (r->pay.sum <= 0)
			payment_fault(g, "bad_sum", "Payment/@sum is not positive");
		else if (g->attr[A_PERIOD][0] &&
			 period_parse(g->attr[A_PERIOD], -1, &r->pay.period))
			payment_fault(g, "bad_period", "Payment/@period is not YYYY-MM");
	}
	if (g->code) {
		size_t n = payment_text(g, text, sizeof(text));
		return ingest_reject_line(g->sink, g->line, text, n, g->code, e, "%s", g->why);
	}
	if (g->sink->want_text) {
		r->text_len = payment_text(g, text, sizeof(text));
		r->text = text;
	}
	r->pay.has_period = g->attr[A_PERIOD][0] != '\0';
	memcpy(r->pay.paid_at, g->attr[A_AT], strlen(g->attr[A_AT]) + 1);  /* length checked */
	snprintf(r->pay.source, sizeof(r->pay.source), "%s", g->attr[A_TERMINAL]);
	if (r->has_reading) {
		r->rd.account = r->pay.account;
		r->rd.taken_on = r->pay.paid_on;
		strcpy(r->rd.source, "gpb");
	}
	return ingest_emit(g->sink, r, e);
}

static int registry_start(struct gpb *g, struct sbyt_err *e)
{
	xmlTextReaderPtr rd = g->rd;
	long line = xmlGetLineNo(xmlTextReaderCurrentNode(rd));

	g->have_registry = 1;
	while (xmlTextReaderMoveToNextAttribute(rd) == 1) {
		const char *name = (const char *)xmlTextReaderConstName(rd);
		const char *val = (const char *)xmlTextReaderConstValue(rd);
		struct text_fault tf;
		char why[TEXT_WHY_BUF];
		if (gpb_text_check(val, &tf))
			return err_set(e, ERR_DATA, "%s:%ld: " TEXT_CODE ": %s in Registry/@%.40s",
				       g->path, line, text_why(&tf, why), name);
		if (strcmp(name, "count") == 0) {
			char *end;
			g->count = strtol(val, &end, 10);
			if (!*val || *end || g->count < 0 || strlen(val) > 9)
				return err_set(e, ERR_DATA, "%s:%ld: Registry/@count is not a number",
					       g->path, line);
			g->have_count = 1;
		} else if (strcmp(name, "total") == 0) {
			if (money_parse(val, -1, '.', &g->total))
				return err_set(e, ERR_DATA, "%s:%ld: Registry/@total is not an amount",
					       g->path, line);
			g->have_total = 1;
		} else if (strcmp(name, "date") == 0) {
			snprintf(g->sink->info.registry_date, sizeof(g->sink->info.registry_date),
				 "%.15s", val);
		} else if (strcmp(name, "bank") == 0) {
			snprintf(g->sink->info.bank, sizeof(g->sink->info.bank), "%.31s", val);
		}
	}
	xmlTextReaderMoveToElement(rd);
	if (!g->have_count || !g->have_total)
		return err_set(e, ERR_DATA, "%s:%ld: Registry has no count or total", g->path, line);
	return 0;
}

static int step(struct gpb *g, struct sbyt_err *e)
{
	xmlTextReaderPtr rd = g->rd;
	int type = xmlTextReaderNodeType(rd);
	int depth = xmlTextReaderDepth(rd);
	const char *name = (const char *)xmlTextReaderConstName(rd);
	long line = xmlGetLineNo(xmlTextReaderCurrentNode(rd));

	switch (type) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		return err_set(e, ERR_DATA, "%s:%ld: DOCTYPE and entities are not allowed in a registry",
			       g->path, line);
	case XML_READER_TYPE_ELEMENT:
		if (depth > GPB_MAX_DEPTH)
			return err_set(e, ERR_DATA, "%s:%ld: elements nested too deep ('%s')",
				       g->path, line, name);
		if (depth == 0) {
			if (strcmp(name, "Registry") != 0)
				return err_set(e, ERR_DATA, "%s:%ld: root element is '%s', not 'Registry'",
					       g->path, line, name);
			return registry_start(g, e);
		}
		if (depth == 1 && strcmp(name, "Payment") == 0) {
			payment_start(g);
			if (xmlTextReaderIsEmptyElement(rd))
				return payment_end(g, e);
			return 0;
		}
		if (depth == 2 && strcmp(name, "Reading") == 0 && g->open) {
			reading(g);
			return 0;
		}
		return err_set(e, ERR_DATA, "%s:%ld: unexpected element '%s'", g->path, line, name);
	case XML_READER_TYPE_END_ELEMENT:
		if (depth == 1 && g->open)
			return payment_end(g, e);
		return 0;
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA: {
		const char *v = (const char *)xmlTextReaderConstValue(rd);
		struct text_fault tf;
		char why[TEXT_WHY_BUF];

		if (v && gpb_text_check(v, &tf))
			return err_set(e, ERR_DATA, "%s:%ld: " TEXT_CODE ": %s outside a Payment",
				       g->path, line, text_why(&tf, why));
		for (; v && *v; v++)
			if (*v != ' ' && *v != '\t' && *v != '\n' && *v != '\r')
				return err_set(e, ERR_DATA, "%s:%ld: unexpected text in the registry",
					       g->path, line);
		return 0;
	}
	default:
		return 0;
	}
}

/* Look at the prolog (before the root element) for a DOCTYPE, so that a
 * bomb is refused before libxml2 reads a single declaration.  Returns 1
 * when there is one and sets *line.  *utf8 becomes 0 when the file starts
 * with a UTF-16 byte-order mark or declares an encoding other than UTF-8
 * (the input filter then passes its bytes through). */
static int prolog_has_doctype(FILE *f, long *line, int *utf8)
{
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f), i = 0;

	buf[n] = '\0';
	*line = 1;
	*utf8 = !(n >= 2 && ((unsigned char)buf[0] == 0xFF || (unsigned char)buf[0] == 0xFE));
	if (n > 5 && !strncmp(buf, "<?xml", 5)) {
		char *end = strstr(buf, "?>"), *enc = strstr(buf, "encoding");

		if (end && enc && enc < end) {
			enc += 8;
			enc += strspn(enc, " \t\r\n=");
			if (*enc == '"' || *enc == '\'')
				enc++;
			*utf8 = !strncasecmp(enc, "UTF-8", 5) && (enc[5] == '"' || enc[5] == '\'');
		}
	}
	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n) {
		if (buf[i] == '\n')
			(*line)++;
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n') {
			i++;
		} else if (strncmp(buf + i, "<?", 2) == 0) {
			char *end = strstr(buf + i, "?>");
			if (!end)
				return 0;
			for (char *q = buf + i; q < end; q++)
				*line += *q == '\n';
			i = (size_t)(end - buf) + 2;
		} else if (strncmp(buf + i, "<!--", 4) == 0) {
			char *end = strstr(buf + i, "-->");
			if (!end)
				return 0;
			for (char *q = buf + i; q < end; q++)
				*line += *q == '\n';
			i = (size_t)(end - buf) + 3;
		} else {
			return strncmp(buf + i, "<!DOCTYPE", 9) == 0;
		}
	}
	return 0;
}

int parse_gpb(const struct infile *file, struct ingest_sink *sink, struct sbyt_err *e)
{
	const char *path = file->path;
	long dline;
	int utf8;
	struct gpb *g;
	struct gpb_in *in;
	int r, rc = 0;
	char a[MONEY_BUF], b[MONEY_BUF];
	FILE *f;

	f = infile_fopen(file, e);
	if (!f)
		return -1;
	if (fgetc(f) == EOF) {
		fclose(f);
		return err_set(e, ERR_DATA, "%s: empty file", path);
	}
	rewind(f);
	if (prolog_has_doctype(f, &dline, &utf8)) {
		fclose(f);
		return err_set(e, ERR_DATA, "%s:%ld: DOCTYPE and entities are not allowed in a registry",
			       path, dline);
	}
	rewind(f);
	g = calloc(1, sizeof(*g) + sizeof(*in));
	if (!g) {
		fclose(f);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	in = (struct gpb_in *)(g + 1);
	in->f = f;
	in->filter = utf8;
	g->path = path;
	g->sink = sink;
	/* xmlReaderForIO closes the input (in_close) also when it fails */
	g->rd = xmlReaderForIO(in_read, in_close, in, path, NULL, XML_PARSE_NONET |
			       XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	if (!g->rd) {
		in_close(in);
		free(g);
		return err_set(e, ERR_DATA, "%s: cannot read as XML", path);
	}
	xmlTextReaderSetStructuredErrorHandler(g->rd, on_xml_error, g);
	while ((r = xmlTextReaderRead(g->rd)) == 1) {
		if (step(g, e)) {
			rc = -1;
			goto out;
		}
	}
	if (r < 0 || g->xml_err[0]) {
		if (g->xml_err[0])
			rc = err_set(e, ERR_DATA, "%s:%ld: not well-formed XML: %s", path,
				     g->xml_err_line, g->xml_err);
		else
			rc = err_set(e, ERR_DATA, "%s: not well-formed XML", path);
		goto out;
	}
	{
		const char *enc = (const char *)xmlTextReaderConstEncoding(g->rd);
		if (enc && strcasecmp(enc, "UTF-8") != 0) {
			rc = err_set(e, ERR_DATA, "%s: wrong encoding '%s', the registry must be UTF-8",
				     path, enc);
			goto out;
		}
	}
	if (!g->have_registry) {
		rc = err_set(e, ERR_DATA, "%s: no Registry element", path);
		goto out;
	}
	if (g->count != g->payments) {
		rc = err_set(e, ERR_DATA, "%s: Registry/@count %ld does not match %ld Payment elements",
			     path, g->count, g->payments);
		goto out;
	}
	if (g->total != g->sum) {
		rc = err_set(e, ERR_DATA, "%s: Registry/@total %s does not match the payments' total %s%s",
			     path, money_format(g->total, a), money_format(g->sum, b),
			     g->unreadable ? " (some sums unreadable)" : "");
		goto out;
	}
	sink->info.total = g->total;
out:
	xmlFreeTextReader(g->rd);
	free(g);
	return rc;
}
