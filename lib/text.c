/* text.c - the one check of text fields; see text.h. */
#include "text.h"

#include <stdint.h>
#include <stdio.h>

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

static int scan(const char *str, size_t len, int utf8, int controls, struct text_fault *tf)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		uint32_t cp;

		/* the common cases first (the documents' XML checks every
		 * attribute): printable ASCII, and a two-byte sequence with a
		 * lead byte C2-DF (U+0080-U+07FF: never overlong, a surrogate or
		 * U+FFFE), which is all of Cyrillic */
		if (b >= 0x20 && b < 0x7F) {
			i++;
			continue;
		}
		if (utf8 && b >= 0xC2 && b <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0) == 0x80) {
			i += 2;
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
