/* csv.c - streaming separated-text reader; see csv.h. */
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK 65536

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		uint32_t cp;

		if (b < 0x80) {
			i++;
			continue;
		} else if ((b & 0xE0) == 0xC0) {
			n = 1; cp = b & 0x1F;
		} else if ((b & 0xF0) == 0xE0) {
			n = 2; cp = b & 0x0F;
		} else if ((b & 0xF8) == 0xF0) {
			n = 3; cp = b & 0x07;
		} else {
			return 0;
		}
		if (i + n >= len)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

int csv_open(struct csv *c, const char *path, char sep, int raw, struct sbyt_err *e)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	c->sep = sep;
	c->raw = raw;
	c->f = fopen(path, "rb");
	if (!c->f)
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
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

int csv_next(struct csv *c, struct sbyt_err *e)
{
	size_t len = 0;
	int toolong = 0, nul = 0, got = 0;

	c->bad = NULL;
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
		if (memchr(start, '\0', take))
			nul = 1;
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
	else if (nul)
		c->bad = "NUL byte in line";
	else if (!c->raw && !utf8_valid(c->lbuf, len))
		c->bad = "invalid UTF-8";
	split(c, len);
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
