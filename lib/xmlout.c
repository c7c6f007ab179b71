/* xmlout.c - a streamed XML writer; see xmlout.h. */
#include "xmlout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int xmlout_open(struct xmlout *x, FILE *f)
{
	static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

	memset(x, 0, sizeof(*x));
	x->f = f;
	x->buf = malloc(XMLOUT_BUF);
	if (!x->buf)
		return -1;
	memcpy(x->buf, decl, sizeof(decl) - 1);
	x->len = sizeof(decl) - 1;
	return 0;
}

int xmlout_flush(struct xmlout *x)
{
	if (x->len > 0 && !x->err && fwrite(x->buf, 1, x->len, x->f) != x->len)
		x->err = errno ? errno : EIO;
	x->len = 0;
	return x->err ? -1 : 0;
}

void xmlout_release(struct xmlout *x)
{
	free(x->buf);
	x->buf = NULL;
}

/* Room for n more bytes (n <= XMLOUT_BUF). */
static void room(struct xmlout *x, size_t n)
{
	if (x->len + n > XMLOUT_BUF)
		xmlout_flush(x);
}

static void put(struct xmlout *x, const char *s, size_t n)
{
	if (n > XMLOUT_BUF) {
		xmlout_flush(x);
		if (!x->err && fwrite(s, 1, n, x->f) != n)
			x->err = errno ? errno : EIO;
		return;
	}
	room(x, n);
	memcpy(x->buf + x->len, s, n);
	x->len += n;
}

/* s escaped: attr selects the attribute set (with TAB and LF). */
static void escaped(struct xmlout *x, const char *s, int attr)
{
	const char *reject = attr ? "<>&\"\t\n\r" : "<>&\"\r";

	for (;;) {
		size_t plain = strcspn(s, reject);
		const char *ent;

		put(x, s, plain);
		s += plain;
		switch (*s) {
		case '\0': return;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '&': ent = "&amp;"; break;
		case '"': ent = "&quot;"; break;
		case '\t': ent = "&#9;"; break;
		case '\n': ent = "&#10;"; break;
		default: ent = "&#13;"; break;
		}
		put(x, ent, strlen(ent));
		s++;
	}
}

static void indent(struct xmlout *x, int n)
{
	room(x, (size_t)n);
	memset(x->buf + x->len, ' ', (size_t)n);
	x->len += (size_t)n;
}

void xmlout_start(struct xmlout *x, const char *name)
{
	if (x->depth >= XMLOUT_DEPTH) {
		x->err = EINVAL;
		return;
	}
	if (x->open)
		put(x, ">\n", 2);
	indent(x, x->depth);
	put(x, "<", 1);
	put(x, name, strlen(name));
	x->stack[x->depth++] = name;
	x->open = 1;
	x->text = 0;
}

/* 0 when s is text; else -1 with the writer failed (EILSEQ) and the
 * element and attribute (NULL: the element's text) named. */
static int not_text(struct xmlout *x, const char *s, const char *attr)
{
	struct text_fault tf;
	char why[TEXT_WHY_BUF];
	const char *elem = x->depth ? x->stack[x->depth - 1] : "?";

	if (text_check(s, strlen(s), 1, &tf) == 0)
		return 0;
	if (x->err != EILSEQ) {
		if (attr)
			snprintf(x->msg, sizeof(x->msg), TEXT_CODE " %s at byte %zu of %s/@%s",
				 text_why(&tf, why), tf.off + 1, elem, attr);
		else
			snprintf(x->msg, sizeof(x->msg), TEXT_CODE " %s at byte %zu of the text of %s",
				 text_why(&tf, why), tf.off + 1, elem);
	}
	x->err = EILSEQ;
	return -1;
}

const char *xmlout_error(const struct xmlout *x)
{
	if (x->err == EILSEQ && x->msg[0])
		return x->msg;
	return strerror(x->err ? x->err : EIO);
}

void xmlout_attr(struct xmlout *x, const char *name, const char *value)
{
	if (!x->open || !value) {
		x->err = EINVAL;
		return;
	}
	if (not_text(x, value, name))
		return;
	put(x, " ", 1);
	put(x, name, strlen(name));
	put(x, "=\"", 2);
	escaped(x, value, 1);
	put(x, "\"", 1);
}

void xmlout_attr_plain(struct xmlout *x, const char *name, const char *value)
{
	size_t nlen, i;
	char *o;

	if (!x->open || !value) {
		x->err = EINVAL;
		return;
	}
	nlen = strlen(name);
	room(x, nlen + 4 + 64);
	o = x->buf + x->len;
	o[0] = ' ';
	memcpy(o + 1, name, nlen);
	o[nlen + 1] = '=';
	o[nlen + 2] = '"';
	o += nlen + 3;
	for (i = 0; i < 64; i++) {
		unsigned char c = (unsigned char)value[i];
		if (!c)
			break;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '-' || c == '+')) {
			xmlout_attr(x, name, value);  /* nothing written yet: x->len unchanged */
			return;
		}
		o[i] = (char)c;
	}
	if (value[i]) {  /* longer than a number */
		xmlout_attr(x, name, value);
		return;
	}
	o[i] = '"';
	x->len += nlen + 4 + i;
}

void xmlout_text(struct xmlout *x, const char *s)
{
	if (!x->depth || !s) {
		x->err = EINVAL;
		return;
	}
	if (not_text(x, s, NULL))
		return;
	if (x->open)
		put(x, ">", 1);
	x->open = 0;
	x->text = 1;
	escaped(x, s, 0);
}

void xmlout_end(struct xmlout *x)
{
	const char *name;

	if (!x->depth) {
		x->err = EINVAL;
		return;
	}
	name = x->stack[--x->depth];
	if (x->open) {
		put(x, "/>\n", 3);
	} else {
		if (!x->text)
			indent(x, x->depth);
		put(x, "</", 2);
		put(x, name, strlen(name));
		put(x, ">\n", 2);
	}
	x->open = 0;
	x->text = 0;
}
