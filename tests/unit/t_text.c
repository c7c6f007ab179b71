/* t_text.c - the one check of text fields (lib/text.c): control
 * characters and invalid UTF-8 found at the right byte, TAB and every
 * printable character accepted, CP1251 (utf8 = 0) checked for controls
 * only. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "text.h"

static int bad_at(const char *s, size_t len, int utf8, size_t off, int cp)
{
	struct text_fault tf;

	return text_check(s, len, utf8, &tf) == -1 && tf.off == off && tf.cp == cp;
}

/* The byte-at-a-time check as it was before the fast paths (ASCII eight
 * bytes at a time, two-byte characters inline): the reference the random
 * strings below are held to. */
static int ref_scan(const unsigned char *s, size_t len, int utf8, int controls,
		    struct text_fault *tf)
{
	size_t i = 0;

	while (i < len) {
		unsigned char b = s[i];
		size_t n;
		uint32_t cp;

		if (b < 0x80 || !utf8) {
			if (!controls && ((b < 0x20 && b != '\t') || b == 0x7F))
				return tf->off = i, tf->cp = b, tf->byte = b, -1;
			i++;
			continue;
		} else if ((b & 0xE0) == 0xC0) {
			n = 1; cp = b & 0x1F;
		} else if ((b & 0xF0) == 0xE0) {
			n = 2; cp = b & 0x0F;
		} else if ((b & 0xF8) == 0xF0) {
			n = 3; cp = b & 0x07;
		} else {
			return tf->off = i, tf->cp = -1, tf->byte = b, -1;
		}
		if (i + n >= len)
			return tf->off = i, tf->cp = -1, tf->byte = b, -1;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return tf->off = i, tf->cp = -1, tf->byte = b, -1;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return tf->off = i, tf->cp = -1, tf->byte = b, -1;
		if ((cp == 0xFFFE || cp == 0xFFFF) && !controls)
			return tf->off = i, tf->cp = (int)cp, tf->byte = b, -1;
		i += n + 1;
	}
	return 0;
}

/* Random strings of 0-40 bytes drawn mostly from printable ASCII and
 * Cyrillic, with a few controls, TABs, 0x7F, lone and truncated high
 * bytes: text_check() and utf8_valid() answer as ref_scan(), the same
 * byte and character for a fault.  Returns the strings that differed. */
static int random_strings(int count)
{
	static const unsigned char odd[] = { 0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC0,
		0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF };
	unsigned long long x = 88172645463325252ULL;
	int differ = 0;

	for (int t = 0; t < count; t++) {
		unsigned char s[48];
		size_t len;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		len = (size_t)(x % 41);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			unsigned r = (unsigned)(x >> 32) % 100;
			if (r < 55) {
				s[i] = (unsigned char)(0x20 + (x >> 8) % 0x5F);
			} else if (r < 90 && i + 1 < len) {  /* а..я, А..Я, Ё, ё */
				unsigned cp = 0x401 + (unsigned)((x >> 8) % 0x50);
				s[i++] = (unsigned char)(0xC0 | cp >> 6);
				s[i] = (unsigned char)(0x80 | (cp & 0x3F));
			} else {
				s[i] = odd[(x >> 8) % sizeof(odd)];
			}
		}
		for (int mode = 0; mode < 3; mode++) {
			struct text_fault a = { 0, 0, 0 }, b = { 0, 0, 0 };
			int utf8 = mode != 1, ra, rb;
			if (mode == 2) {
				ra = utf8_valid((const char *)s, len) ? 0 : -1;
				rb = ref_scan(s, len, 1, 1, &b);
			} else {
				ra = text_check((const char *)s, len, utf8, &a);
				rb = ref_scan(s, len, utf8, 0, &b);
			}
			if (ra != rb || (ra && mode != 2 &&
					 (a.off != b.off || a.cp != b.cp || a.byte != b.byte)))
				differ++;
		}
	}
	return differ;
}

int main(void)
{
	struct text_fault tf;
	char why[TEXT_WHY_BUF], b[2];

	CHECK_INT(text_check("", 0, 1, &tf), 0, "empty is text");
	static const char good[] = "ул. Ленина, д. 5\tкв. 2 «Ёж» €𝄞";
	CHECK_INT(text_check(good, sizeof(good) - 1, 1, NULL), 0,
		  "Cyrillic, TAB, quotes, euro, a 4-byte character");
	/* Every byte below 0x20 but TAB, and 0x7F, is refused; 0x20-0x7E pass. */
	for (int c = 0; c < 0x80; c++) {
		int want = (c < 0x20 && c != '\t') || c == 0x7F;
		b[0] = 'a';
		b[1] = (char)c;
		if ((text_check(b, 2, 1, &tf) == -1) != want || (want && (tf.off != 1 || tf.cp != c))) {
			CHECK(0, "ASCII byte classified");
			printf("#   byte 0x%02X\n", c);
		}
	}
	CHECK(bad_at("ул\v5", 6, 1, 4, 0x0B), "vertical tab at byte 4");
	CHECK_STR(text_why(&(struct text_fault){ 4, 0x0B, 0x0B }, why), "U+000B", "named U+000B");
	CHECK(bad_at("a\0b", 3, 1, 1, 0), "NUL inside the length");
	CHECK(bad_at("ok\xFF", 3, 1, 2, -1), "0xFF is no UTF-8");
	text_check("ok\xFF", 3, 1, &tf);
	CHECK_STR(text_why(&tf, why), "invalid UTF-8 byte 0xFF", "named with its byte");
	CHECK(bad_at("\xC0\xAF", 2, 1, 0, -1), "overlong '/' refused");
	CHECK(bad_at("x\xE0\x80\xAF", 4, 1, 1, -1), "overlong 3-byte refused");
	CHECK(bad_at("\xED\xA0\x80", 3, 1, 0, -1), "surrogate refused");
	CHECK(bad_at("\xF4\x90\x80\x80", 4, 1, 0, -1), "above U+10FFFF refused");
	CHECK(bad_at("ab\xD0", 3, 1, 2, -1), "truncated sequence refused");
	CHECK(bad_at("\xD0\x41", 2, 1, 0, -1), "lead byte without continuation");
	CHECK(bad_at("\x80", 1, 1, 0, -1), "lone continuation byte");
	/* U+FFFE and U+FFFF are valid UTF-8 but no XML character. */
	CHECK(bad_at("a\xEF\xBF\xBF", 4, 1, 1, 0xFFFF), "U+FFFF refused");
	CHECK(bad_at("\xEF\xBF\xBE", 3, 1, 0, 0xFFFE), "U+FFFE refused");
	text_check("\xEF\xBF\xBE", 3, 1, &tf);
	CHECK_STR(text_why(&tf, why), "U+FFFE", "named U+FFFE");
	CHECK_INT(text_check("\xEF\xBF\xBD", 3, 1, NULL), 0, "U+FFFD, the replacement character, is text");
	/* CP1251 (utf8 = 0): high bytes are letters, controls still refused. */
	CHECK_INT(text_check("\xCF\xE5\xF2\xF0\xEE\xE2", 6, 0, NULL), 0, "CP1251 'Петров' with utf8 = 0");
	CHECK(bad_at("\xCF\x1B", 2, 0, 1, 0x1B), "ESC in CP1251 text");
	/* utf8_valid allows controls (framing checks), not invalid sequences. */
	CHECK_INT(utf8_valid("a\vb", 3), 1, "utf8_valid: controls are valid UTF-8");
	CHECK_INT(utf8_valid("\xC0\xAF", 2), 0, "utf8_valid: overlong refused");
	/* The fast paths at every offset of a word: a control or a bad byte
	 * after 7, 8 and 9 plain ones is found where it is. */
	CHECK(bad_at("abcdefg\x01", 8, 1, 7, 1), "control as the 8th byte of a word");
	CHECK(bad_at("abcdefgh\x7F", 9, 1, 8, 0x7F), "DEL after a plain word");
	CHECK(bad_at("abcdefghi\xD0", 10, 1, 9, -1), "truncated sequence after a word");
	CHECK_INT(text_check("abcdefg\thijklmnop", 17, 1, NULL), 0, "TAB inside a word");
	CHECK(bad_at("\xD0\x9F\xD1\x80\xC1\x81", 6, 1, 4, -1),
	      "overlong two-byte after Cyrillic (lead 0xC1)");
	/* utf8_cut: "ёж" is D1 91 D0 B6; a cut inside a character steps back
	 * to its lead byte, a cut at a lead byte or the NUL stays */
	CHECK_INT(utf8_cut("\xD1\x91\xD0\xB6", 3), 2, "utf8_cut inside 'ж' steps back to it");
	CHECK_INT(utf8_cut("\xD1\x91\xD0\xB6", 2), 2, "utf8_cut at 'ж' stays");
	CHECK_INT(utf8_cut("\xD1\x91\xD0\xB6", 4), 4, "utf8_cut at the end stays");
	CHECK_INT(utf8_cut("\xE2\x80\xA6", 2), 0, "utf8_cut inside '…' steps back to 0");
	CHECK_INT(utf8_cut("\xA6", 0), 0, "utf8_cut at 0 stays");
	CHECK_INT(random_strings(200000), 0,
		  "200,000 random strings: as the byte-at-a-time check, fault for fault");
	return check_done();
}
