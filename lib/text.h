/*
 * text.h - what a text field may hold (SPEC 5, "text is checked at the
 * door"): valid UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) without control characters - U+0000-U+001F except TAB, and
 * U+007F - nor the two non-characters U+FFFE and U+FFFF, which XML 1.0
 * cannot hold either.  Master data, every ingest channel and the XML writer use this
 * one check, so that nothing sbyt stores can make an XML it writes
 * not well-formed.  The reason code of a refused line is
 * `control_character`, for an invalid UTF-8 sequence too.
 */
#ifndef SBYT_TEXT_H
#define SBYT_TEXT_H

#include <stddef.h>

#define TEXT_CODE "control_character"
#define TEXT_WHY_BUF 48

struct text_fault {
	size_t off;   /* byte offset of the first bad byte */
	int cp;       /* the refused character's code point, or -1: invalid UTF-8 */
	int byte;     /* the bad byte (its value, 0-255) */
};

/* 0 when s[0..len) is text; -1 with *tf filled (may be NULL) at the first
 * control character or invalid UTF-8 sequence.  utf8 = 0 checks only the
 * control characters (for single-byte text such as CP1251, whose bytes
 * below 0x80 are ASCII). */
int text_check(const char *s, size_t len, int utf8, struct text_fault *tf);
/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates); control
 * characters allowed. */
int utf8_valid(const char *s, size_t len);
/* "U+000B" or "invalid UTF-8 byte 0xE9" into buf (TEXT_WHY_BUF bytes);
 * returns buf. */
char *text_why(const struct text_fault *tf, char *buf);
/* Where s may be cut at or before byte n without splitting a UTF-8
 * character: n, stepped back over continuation bytes (s[n] must be
 * readable: a byte of s or its terminating NUL). */
size_t utf8_cut(const char *s, size_t n);

#endif
