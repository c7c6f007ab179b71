/* t_copy_field.c - copy_field() (lib/db.c, COPY's text format a run of
 * plain bytes at a time) writes what a byte-at-a-time escape writes (ref(),
 * the loop copy_field() had until session 9): hand-made fields with
 * every escape at the edges of an eight-byte word, and 100,000 random
 * fields of plain bytes, Cyrillic, backslashes, TABs, newlines, carriage
 * returns and other low bytes.  A zeroed struct copy gathers its rows in
 * memory (db.h), so no server is needed. */
#include <stdlib.h>

#include "check.h"
#include "db.h"

/* The reference: field f of length len escaped a byte at a time into o
 * (after a TAB unless first); the bytes written. */
static size_t ref(const char *f, size_t len, int first, char *o)
{
	size_t n = 0;

	if (!first)
		o[n++] = '\t';
	for (size_t i = 0; i < len; i++) {
		char ch = f[i];
		switch (ch) {
		case '\\': o[n++] = '\\'; o[n++] = '\\'; break;
		case '\t': o[n++] = '\\'; o[n++] = 't'; break;
		case '\n': o[n++] = '\\'; o[n++] = 'n'; break;
		case '\r': o[n++] = '\\'; o[n++] = 'r'; break;
		default: o[n++] = ch;
		}
	}
	return n;
}

/* The bytes copy_field() (fast = 1) or ref() writes for the fields
 * f[0..n), as one row, into out (NUL-terminated); their length. */
static size_t row(int fast, const char *const *f, const size_t *len, int n, char *out)
{
	struct copy c;
	struct sbyt_err e;
	size_t l = 0;

	if (!fast) {
		for (int i = 0; i < n; i++)
			l += ref(f[i], len[i], i == 0, out + l);
		out[l] = '\0';
		return l;
	}
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < n; i++)
		if (copy_field(&c, f[i], len[i], &e))
			return (size_t)-1;
	l = c.len;
	if (l)
		memcpy(out, c.buf, l);
	out[l] = '\0';
	free(c.buf);
	return l;
}

static int same(const char *a, size_t al, const char *want)
{
	char out[256];
	const char *f[1] = { a };
	size_t l = row(1, f, &al, 1, out);

	return l == strlen(want) && memcmp(out, want, l) == 0;
}

int main(void)
{
	CHECK(same("", 0, ""), "empty field: nothing");
	CHECK(same("Иванов", 12, "Иванов"), "Cyrillic as it is");
	CHECK(same("a\\b\tc\nd\re", 9, "a\\\\b\\tc\\nd\\re"), "the four escapes");
	CHECK(same("1234567\\", 8, "1234567\\\\"), "a backslash as the 8th byte of a word");
	CHECK(same("12345678\t", 9, "12345678\\t"), "a TAB after a plain word");
	CHECK(same("abcdefgh\x01ijklmnopq\\", 19, "abcdefgh\x01ijklmnopq\\\\"),
	      "a low byte that needs no escape, then a backslash two words on");
	{
		const char *f[3] = { "x", "y\\", "" };
		size_t l[3] = { 1, 2, 0 }, n;
		char out[64];
		n = row(1, f, l, 3, out);
		CHECK(n == 6 && memcmp(out, "x\ty\\\\\t", 6) == 0, "three fields: TAB between them");
	}

	static const char pick[] = "abc XYZ 09.,\\\t\n\r\x01\x0D\x0E\x1F\x5C\x5D\x7F";
	unsigned long long x = 0x9E3779B97F4A7C15ULL;
	int differ = 0;
	for (int t = 0; t < 100000; t++) {
		char s[48], a[128], b[128];
		const char *f[2];
		size_t len[2], la, lb;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		len[0] = (size_t)(x % 41);
		for (size_t i = 0; i < len[0]; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			if ((x >> 40) % 4 == 0 && i + 1 < len[0]) {  /* ж */
				s[i++] = '\xD0';
				s[i] = '\xB6';
			} else {
				s[i] = pick[(x >> 8) % (sizeof(pick) - 1)];
			}
		}
		f[0] = s;
		f[1] = s + len[0] / 2;
		len[1] = len[0] - len[0] / 2;
		la = row(1, f, len, 2, a);
		lb = row(0, f, len, 2, b);
		differ += la != lb || memcmp(a, b, la) != 0;
	}
	CHECK_INT(differ, 0, "100,000 random rows of two fields: copy_field writes the byte-at-a-time escapes");
	return check_done();
}
