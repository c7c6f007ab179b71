/* scrub.c - passwords and control characters out of what is shown; see scrub.h. */
#include "scrub.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t n, size;
};

static void put(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len && o->n + 1 < o->size; i++)
		o->p[o->n++] = s[i];
	o->p[o->n] = '\0';
}

static int uri_start(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

/* s points at "password" (any case) that ends a key: after optional
 * blanks an '='.  Returns the offset just past the '=' or 0. */
static size_t password_key(const char *s, const char *start)
{
	size_t i = 8;

	if (strncasecmp(s, "password", 8) != 0)
		return 0;
	/* the key may be sslpassword, or the URI's ?password / &password */
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (s[i] != '=')
		return 0;
	(void)start;
	return i + 1;
}

/* The walk of scrub_secrets(); with hide set, s itself gets '*' over each
 * password (same length) and nothing is written to o. */
static void walk(const char *s, struct out *o, char *hide)
{
	int in_uri = 0;

	for (size_t i = 0; s[i];) {
		size_t k;

		if ((i == 0 || isspace((unsigned char)s[i - 1]) || s[i - 1] == '\'' ||
		     s[i - 1] == '"' || s[i - 1] == '=') && uri_start(s + i)) {
			/* postgresql://user:secret@host: the secret between ':' and '@' */
			size_t at, colon = 0, p = strchr(s + i, ':') - (s + i) + 3;

			in_uri = 1;
			for (at = p; s[i + at] && !isspace((unsigned char)s[i + at]) &&
			     s[i + at] != '/' && s[i + at] != '?'; at++)
				;
			/* the userinfo ends at the last '@' before the path */
			{
				size_t last = 0;
				for (size_t q = p; q < at; q++)
					if (s[i + q] == '@')
						last = q;
				at = last;
			}
			if (at) {
				for (size_t q = p; q < at; q++)
					if (s[i + q] == ':') {
						colon = q;
						break;
					}
			}
			if (at && colon) {
				if (hide)
					memset(hide + i + colon + 1, '*', at - colon - 1);
				else {
					put(o, s + i, colon + 1);
					put(o, "***", 3);
				}
				i += at;
			} else {
				if (!hide)
					put(o, s + i, p);
				i += p;
			}
			continue;
		}
		if (isspace((unsigned char)s[i]))
			in_uri = 0;
		if ((k = password_key(s + i, s)) != 0) {
			size_t v;

			if (!hide)
				put(o, s + i, k);
			i += k;
			while (s[i] == ' ' || s[i] == '\t') {
				if (!hide)
					put(o, s + i, 1);
				i++;
			}
			if (!hide)
				put(o, "***", 3);
			v = i;
			if (s[i] == '\'') {
				/* a quoted value: up to the closing quote, \' and \\ escaped */
				for (i++; s[i] && s[i] != '\''; i++)
					if (s[i] == '\\' && s[i + 1])
						i++;
				if (s[i])
					i++;
			} else {
				while (s[i] && !isspace((unsigned char)s[i]) && !(in_uri && s[i] == '&'))
					i++;
			}
			if (hide && i > v)
				memset(hide + v, '*', i - v);
			continue;
		}
		if (!hide)
			put(o, s + i, 1);
		i++;
	}
}

char *scrub_secrets(const char *s, char *buf, size_t size)
{
	struct out o = { buf, 0, size };

	if (!size)
		return buf;
	buf[0] = '\0';
	if (s)
		walk(s, &o, NULL);
	return buf;
}

void scrub_secrets_hide(char *s)
{
	if (s)
		walk(s, NULL, s);
}

char *scrub_secrets_dup(const char *s)
{
	size_t n = s ? strlen(s) + 64 : 1;
	char *b = malloc(n);

	return b ? scrub_secrets(s, b, n) : NULL;
}

void scrub_literal(char *buf, size_t size, const char *secret)
{
	size_t sl, bl;
	char *p;

	if (!secret || !*secret || !buf)
		return;
	sl = strlen(secret);
	while ((p = strstr(buf, secret)) != NULL) {
		bl = strlen(buf);
		if (sl >= 3) {
			memcpy(p, "***", 3);
			memmove(p + 3, p + sl, bl - (size_t)(p - buf) - sl + 1);
		} else {
			/* a short secret grows to ***: make room, dropping the tail */
			size_t tail = bl - (size_t)(p - buf) - sl;
			size_t room = size - 1 - (size_t)(p - buf) - 3;
			if (size < (size_t)(p - buf) + 4) {
				*p = '\0';
				return;
			}
			if (tail > room)
				tail = room;
			memmove(p + 3, p + sl, tail);
			memcpy(p, "***", 3);
			p[3 + tail] = '\0';
		}
	}
}

char *scrub_controls(const char *s, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (!size)
		return buf;
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[4];
		size_t k = 2;

		e[0] = '\\';
		if (c == '\n')
			e[1] = 'n';
		else if (c == '\r')
			e[1] = 'r';
		else if (c == '\t')
			e[1] = 't';
		else if (c < 0x20 || c == 0x7f) {
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			k = 4;
		} else {
			e[0] = (char)c;
			k = 1;
		}
		if (n + k >= size)
			break;
		memcpy(buf + n, e, k);
		n += k;
	}
	buf[n] = '\0';
	return buf;
}

char *scrub_controls_dup(const char *s)
{
	size_t n = s ? 4 * strlen(s) + 1 : 1;
	char *b = malloc(n);

	return b ? scrub_controls(s, b, n) : NULL;
}

int scrub_fputs(const char *s, FILE *f)
{
	char *safe;
	int rc;

	if (!scrub_has_controls(s))
		return fputs(s ? s : "", f);
	if ((safe = scrub_controls_dup(s)) == NULL) {
		/* out of memory: each control byte a '?', still one line */
		for (; *s; s++)
			if (putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f) == EOF)
				return EOF;
		return 0;
	}
	rc = fputs(safe, f);
	free(safe);
	return rc;
}

int scrub_has_controls(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}
