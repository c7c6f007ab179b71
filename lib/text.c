/* text.c - the one check of text fields; see text.h. */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* controls: 1 when control characters are text too (utf8_valid). */
static int control(unsigned char b, int controls)
{
	return !controls && ((b < 0x20 && b != '\t') || b == 0x7F);
}

static int fault(struct text_fault *tf, size_t off, int cp, unsigned char b)
{
	if (tf) {
		tf->off = off;
		tf->cp = cp;
		tf->byte = b;
	}
	return -1;
}

#define ONES 0x0101010101010101u
#define HIGH 0x8080808080808080u

/* Whether none of the 8 bytes of w has its high bit set, is below 0x20 or
 * is 0x7F (controls: only the high bits count): printable ASCII. */
static int word_plain(uint64_t w, int controls)
{
	if (w & HIGH)
		return 0;
	if (controls)
		return 1;
	/* a byte below 0x20, or 0x7F (w ^ 0x7F..: a zero byte) */
	return !(((w - 0x20 * ONES) | ((w ^ 0x7F * ONES) - ONES)) & ~w & HIGH);
}

/* One pass over the bytes; plain ASCII eight at a time and the two-byte
 * characters of Cyrillic inline, every other byte as before (a TAB in a
 * word sends that word byte by byte). */
static int scan(const char *str, size_t len, int utf8, int controls, struct text_fault *tf)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		uint32_t cp;

		if (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (word_plain(w, controls)) {
				i += 8;
				continue;
			}
		}
		if (utf8 && b >= 0xC2 && b < 0xE0 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			i += 2;  /* U+0080..U+07FF: what the general case below accepts */
			continue;
		}
		if (b < 0x80 || !utf8) {
			if (control(b, controls))
				return fault(tf, i, b, b);
			i++;
			continue;
		} else if ((b & 0xE0) == 0xC0) {
			n = 1; cp = b & 0x1F;
		} else if ((b & 0xF0) == 0xE0) {
			n = 2; cp = b & 0x0F;
		} else if ((b & 0xF8) == 0xF0) {
			n = 3; cp = b & 0x07;
		} else {
			return fault(tf, i, -1, b);
		}
		if (i + n >= len)
			return fault(tf, i, -1, b);
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return fault(tf, i, -1, b);
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return fault(tf, i, -1, b);
		if ((cp == 0xFFFE || cp == 0xFFFF) && !controls)
			return fault(tf, i, (int)cp, b);
		i += n + 1;
	}
	return 0;
}

int text_check(const char *s, size_t len, int utf8, struct text_fault *tf)
{
	return scan(s, len, utf8, 0, tf);
}

int utf8_valid(const char *s, size_t len)
{
	return scan(s, len, 1, 1, NULL) == 0;
}

char *text_why(const struct text_fault *tf, char *buf)
{
	if (tf->cp >= 0)
		snprintf(buf, TEXT_WHY_BUF, "U+%04X", (unsigned)tf->cp);
	else
		snprintf(buf, TEXT_WHY_BUF, "invalid UTF-8 byte 0x%02X", (unsigned)tf->byte);
	return buf;
}

size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}
