/* t_text.c - the one check of text fields (lib/text.c): control
 * characters and invalid UTF-8 found at the right byte, TAB and every
 * printable character accepted, CP1251 (utf8 = 0) checked for controls
 * only. */
#include <string.h>

#include "check.h"
#include "text.h"

static int bad_at(const char *s, size_t len, int utf8, size_t off, int cp)
{
	struct text_fault tf;

	return text_check(s, len, utf8, &tf) == -1 && tf.off == off && tf.cp == cp;
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
	return check_done();
}
