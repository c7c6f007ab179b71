/* address.c - the print house's order of postal addresses; see address.h. */
#include "address.h"

#include <stdio.h>
#include <string.h>

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

/* The part [s, s+n) without leading and trailing spaces. */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "23/1" -> 23 and "/1" (after the label). */
static void number_rest(const char *s, size_t n, unsigned *num, const char **rest, size_t *rest_len)
{
	size_t i = 0;
	unsigned v = 0;

	trim(&s, &n);
	while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (unsigned)(s[i++] - '0');
	*num = v;
	*rest = s + i;
	*rest_len = n - i;
	trim(rest, rest_len);
}

void address_parse(const char *address, struct address_parts *out)
{
	const char *p = address, *end = address + strlen(address);

	memset(out, 0, sizeof(*out));
	out->street = address;
	out->street_len = (size_t)(end - address);
	out->house_rest = out->flat_rest = "";
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *q = comma ? comma : end;
		const char *s = p;
		size_t n = (size_t)(q - p);

		trim(&s, &n);
		if (!out->has_house && (starts(s, n, "д.") || starts(s, n, "дом "))) {
			size_t skip = starts(s, n, "д.") ? strlen("д.") : strlen("дом ");
			const char *st = address;
			size_t stn = (size_t)(p - address);

			/* the street: everything before this part, without the comma */
			while (stn && (st[stn - 1] == ',' || st[stn - 1] == ' '))
				stn--;
			out->street_len = stn;
			out->has_house = 1;
			number_rest(s + skip, n - skip, &out->house, &out->house_rest,
				    &out->house_rest_len);
		} else if (out->has_house && !out->has_flat) {
			static const char *const labels[] = { "кв.", "оф.", "пом.", "комн." };
			for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
				if (starts(s, n, labels[i])) {
					size_t skip = strlen(labels[i]);
					out->has_flat = 1;
					number_rest(s + skip, n - skip, &out->flat, &out->flat_rest,
						    &out->flat_rest_len);
					break;
				}
		}
		p = comma ? comma + 1 : end;
	}
}

/* Append n bytes of s to buf, dropping control characters. */
static size_t put(char *buf, size_t size, size_t at, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x20 && at + 1 < size)
			buf[at++] = s[i];
	if (at < size)
		buf[at] = '\0';
	return at;
}

size_t address_sort_key(const char *postcode, const char *address, char *buf, size_t size)
{
	struct address_parts a;
	char num[16];
	size_t at = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	address_parse(address, &a);
	at = put(buf, size, at, postcode, strlen(postcode));
	at = put(buf, size, at, "", 0);
	if (at + 1 < size)
		buf[at++] = '\x01';
	at = put(buf, size, at, a.street, a.street_len);
	if (at + 1 < size)
		buf[at++] = '\x01';
	snprintf(num, sizeof(num), "%09u", a.house);
	at = put(buf, size, at, num, strlen(num));
	at = put(buf, size, at, a.house_rest, a.house_rest_len);
	if (at + 1 < size)
		buf[at++] = '\x01';
	snprintf(num, sizeof(num), "%09u", a.flat);
	at = put(buf, size, at, num, strlen(num));
	at = put(buf, size, at, a.flat_rest, a.flat_rest_len);
	buf[at < size ? at : size - 1] = '\0';
	return at < size ? at : size - 1;
}
