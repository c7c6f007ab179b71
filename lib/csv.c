/* csv.c - streaming separated-text reader; see csv.h. */
#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK 65536

int csv_open(struct csv *c, const char *path, char sep, int raw, struct sbyt_err *e)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		memset(c, 0, sizeof(*c));
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	}
	return csv_open_file(c, f, path, sep, raw, e);
}

int csv_open_file(struct csv *c, FILE *f, const char *path, char sep, int raw,
		  struct sbyt_err *e)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->sep = sep;
	c->raw = raw;
	c->f = f;
	c->lbuf = malloc(CSV_MAX_LINE + 1);
	c->fbuf = malloc(CSV_MAX_LINE + 1);
	c->rbuf = malloc(READ_BLOCK);
	if (!c->lbuf || !c->fbuf || !c->rbuf) {
		csv_close(c);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	return 0;
}

void csv_close(struct csv *c)
{
	if (c->f)
		fclose(c->f);
	free(c->lbuf);
	free(c->fbuf);
	free(c->rbuf);
	memset(c, 0, sizeof(*c));
}

static int fill(struct csv *c, struct sbyt_err *e)
{
	size_t n;

	if (c->eof)
		return 0;
	n = fread(c->rbuf, 1, READ_BLOCK, c->f);
	if (n == 0) {
		if (ferror(c->f))
			return err_set(e, ERR_IO, "cannot read '%s': %s", c->path, strerror(errno));
		c->eof = 1;
		return 0;
	}
	c->rpos = 0;
	c->rlen = n;
	return 1;
}

/* Split lbuf[0..len) into fields in fbuf. */
static void split(struct csv *c, size_t len)
{
	const char *s = c->lbuf;
	char *out = c->fbuf;
	size_t i = 0;

	c->nf = 0;
	for (;;) {
		char *start = out;
		int quoted = 0;

		if (i < len && s[i] == '"') {
			quoted = 1;
			i++;
			for (;;) {
				if (i >= len) {
					if (!c->bad)
						c->bad = "unterminated quoted field";
					break;
				}
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						*out++ = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				*out++ = s[i++];
			}
		}
		while (i < len && s[i] != c->sep) {
			if (quoted && !c->bad)
				c->bad = "text after a quoted field";
			*out++ = s[i++];
		}
		*out++ = '\0';
		if (c->nf < CSV_MAX_FIELDS) {
			c->field[c->nf] = start;
			c->flen[c->nf] = (size_t)(out - start - 1);
			c->nf++;
		} else if (!c->bad) {
			c->bad = "too many fields";
		}
		if (i >= len)
			break;
		i++;  /* the separator */
	}
}

/* The line holds a control character or invalid UTF-8 (tf, where in the
 * line): name the field it is in. */
static void text_fault(struct csv *c, const struct text_fault *line_tf)
{
	char why[TEXT_WHY_BUF];
	struct text_fault tf;

	for (int i = 0; i < c->nf; i++) {
		if (text_check(c->field[i], c->flen[i], !c->raw, &tf) == 0)
			continue;
		c->bad_field = i;
		snprintf(c->badbuf, sizeof(c->badbuf), TEXT_CODE ": %s in field %d",
			 text_why(&tf, why), i + 1);
		c->bad = c->badbuf;
		return;
	}
	snprintf(c->badbuf, sizeof(c->badbuf), TEXT_CODE ": %s at byte %zu",
		 text_why(line_tf, why), line_tf->off + 1);
	c->bad = c->badbuf;
}

int csv_next(struct csv *c, struct sbyt_err *e)
{
	size_t len = 0;
	int toolong = 0, got = 0, text_bad = 0;
	struct text_fault tf;

	c->bad = NULL;
	c->bad_field = -1;
	c->nf = 0;
	for (;;) {
		if (c->rpos >= c->rlen) {
			int r = fill(c, e);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (!got)
					return 0;
				c->eol_missing = 1;
				break;
			}
		}
		got = 1;
		char *start = c->rbuf + c->rpos;
		size_t avail = c->rlen - c->rpos;
		char *nl = memchr(start, '\n', avail);
		size_t take = nl ? (size_t)(nl - start) : avail;

		c->rpos += take + (nl ? 1 : 0);
		c->bytes += (int64_t)(take + (nl ? 1 : 0));
		if (len + take > CSV_MAX_LINE) {
			toolong = 1;
			take = len < CSV_MAX_LINE ? CSV_MAX_LINE - len : 0;
		}
		memcpy(c->lbuf + len, start, take);
		len += take;
		if (nl)
			break;
	}
	c->line++;
	if (len && c->lbuf[len - 1] == '\r' && !toolong)
		len--;
	if (c->line == 1 && len >= 3 && memcmp(c->lbuf, "\xEF\xBB\xBF", 3) == 0) {
		memmove(c->lbuf, c->lbuf + 3, len - 3);
		len -= 3;
	}
	c->lbuf[len] = '\0';
	c->text = c->lbuf;
	c->text_len = len;
	if (toolong)
		c->bad = "line longer than 65536 bytes";
	else if (text_check(c->lbuf, len, !c->raw, &tf))
		text_bad = 1;
	split(c, len);
	if (text_bad)
		text_fault(c, &tf);
	return 1;
}

int csv_blank(const struct csv *c)
{
	return c->text_len == 0;
}

char *csv_get(const struct csv *c, int i, char *buf, size_t size)
{
	size_t n;

	if (size == 0)
		return buf;
	if (i < 0 || i >= c->nf) {
		buf[0] = '\0';
		return buf;
	}
	n = c->flen[i] < size - 1 ? c->flen[i] : size - 1;
	memcpy(buf, c->field[i], n);
	buf[n] = '\0';
	return buf;
}

const char *csv_bad_code(const struct csv *c)
{
	if (c->bad && c->bad == c->badbuf)
		return TEXT_CODE;
	if (c->bad && strstr(c->bad, "longer"))
		return "line_too_long";
	return "bad_format";
}

const char *csv_bad_why(const struct csv *c)
{
	size_t tl = strlen(TEXT_CODE ": ");

	if (c->bad && c->bad == c->badbuf && strncmp(c->bad, TEXT_CODE ": ", tl) == 0)
		return c->bad + tl;
	return c->bad ? c->bad : "";
}
