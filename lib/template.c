/* template.c - texts with named placeholders; see template.h. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_ 64

/* Read the placeholder at s (just after '{') into name/arg; returns its
 * length up to and including '}', or -1 with a reason. */
static int placeholder(const char *s, char *name, char *arg, const char **why)
{
	size_t i = 0, k = 0;
	int colon = 0;

	name[0] = arg[0] = 0;
	if (!(s[0] >= 'a' && s[0] <= 'z')) {
		*why = s[0] == '}' ? "an empty placeholder" : "a placeholder must start with a-z";
		return -1;
	}
	for (; s[i] && s[i] != '}'; i++) {
		char c = s[i];

		if (c == ':' && !colon) {
			colon = 1;
			name[k] = 0;
			k = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		      (colon && c == '.'))) {
			*why = "a placeholder holds only a-z, 0-9, _ (and . after :)";
			return -1;
		}
		if (k + 1 >= NAME_MAX_) {
			*why = "a placeholder name is too long";
			return -1;
		}
		(colon ? arg : name)[k++] = c;
	}
	if (!s[i]) {
		*why = "an unclosed '{'";
		return -1;
	}
	(colon ? arg : name)[k] = 0;
	if (colon && !arg[0]) {
		*why = "an empty argument after ':'";
		return -1;
	}
	return (int)i + 1;
}

int template_check(const char *text, int (*ok)(const char *name, const char *arg, void *arg2),
		   void *arg2, char *msg, size_t n)
{
	for (const char *s = text; *s; s++) {
		char name[NAME_MAX_], arg[NAME_MAX_];
		const char *why = NULL;
		int len;

		if (*s == '}') {
			if (s[1] == '}') {
				s++;
				continue;
			}
			snprintf(msg, n, "a lone '}' (write '}}' for a brace)");
			return -1;
		}
		if (*s != '{')
			continue;
		if (s[1] == '{') {
			s++;
			continue;
		}
		len = placeholder(s + 1, name, arg, &why);
		if (len < 0) {
			snprintf(msg, n, "%s", why);
			return -1;
		}
		if (!ok(name, arg[0] ? arg : NULL, arg2)) {
			snprintf(msg, n, "unknown placeholder '{%s%s%s}'", name, arg[0] ? ":" : "", arg);
			return -1;
		}
		s += len;
	}
	return 0;
}

struct buf {
	char *p;
	size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap : 256);
		char *t;

		while (cap < b->len + n + 1)
			cap *= 2;
		t = realloc(b->p, cap);
		if (!t)
			return -1;
		b->p = t;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

char *template_expand(const char *text, const struct template_var *v, size_t nv,
		      struct sbyt_err *e)
{
	struct buf b = { NULL, 0, 0 };

	if (put(&b, "", 0))
		goto oom;
	for (const char *s = text; *s;) {
		const char *brace = strpbrk(s, "{}");
		char name[NAME_MAX_], arg[NAME_MAX_], full[2 * NAME_MAX_ + 2];
		const char *why = NULL;
		size_t i;
		int len;

		if (!brace) {
			if (put(&b, s, strlen(s)))
				goto oom;
			break;
		}
		if (put(&b, s, (size_t)(brace - s)))
			goto oom;
		if (brace[0] == brace[1]) {          /* "{{" or "}}" */
			if (put(&b, brace, 1))
				goto oom;
			s = brace + 2;
			continue;
		}
		if (*brace == '}' || (len = placeholder(brace + 1, name, arg, &why)) < 0) {
			free(b.p);
			err_set(e, ERR_CONFIG, "template: %s", why ? why : "a lone '}'");
			return NULL;
		}
		snprintf(full, sizeof(full), "%s%s%s", name, arg[0] ? ":" : "", arg);
		for (i = 0; i < nv; i++)
			if (!strcmp(v[i].name, full))
				break;
		if (i == nv) {
			free(b.p);
			err_set(e, ERR_CONFIG, "template: no value for '{%s}'", full);
			return NULL;
		}
		if (put(&b, v[i].value ? v[i].value : "", strlen(v[i].value ? v[i].value : "")))
			goto oom;
		s = brace + 1 + len;
	}
	return b.p;
oom:
	free(b.p);
	err_set(e, ERR_INTERNAL, "out of memory");
	return NULL;
}
