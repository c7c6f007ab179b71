/*
 * xmlout.h - a streamed XML writer into a file, for the large documents
 * files of the docs stage.  It writes the same bytes as libxml2's
 * xmlTextWriter with indentation on (one space per level, "/>" for empty
 * elements, a newline after each tag), escaping attribute values (< > & "
 * TAB LF CR) and text (< > & " CR) as it does, at a fraction of its cost:
 * no allocation per call, one buffer flushed in large writes.  Element
 * names and nesting are the caller's to get right (at most XMLOUT_DEPTH
 * levels).  Text and attribute values must be text (text.h): a control
 * character or invalid UTF-8 is refused - nothing of that value is
 * written, x->err becomes EILSEQ and xmlout_error() names the element and
 * attribute - so that what this writer produces is always well-formed.
 */
#ifndef SBYT_XMLOUT_H
#define SBYT_XMLOUT_H

#include <stddef.h>
#include <stdio.h>

#define XMLOUT_DEPTH 16
#define XMLOUT_BUF (256 * 1024)

struct xmlout {
	FILE *f;
	char *buf;
	size_t len;
	int depth;
	int open;                /* the start tag of the innermost element is open */
	int text;                /* the innermost element has text */
	const char *stack[XMLOUT_DEPTH];
	int err;                 /* errno of a failed write, EINVAL of a misuse,
				    EILSEQ of a value that is not text */
	char msg[160];           /* what was refused, when err is EILSEQ */
};

/* Start writing to f (the caller's; not closed here) with the XML
 * declaration.  Returns 0, or -1 when out of memory. */
int xmlout_open(struct xmlout *x, FILE *f);
/* Open element name (a string that lives until its end). */
void xmlout_start(struct xmlout *x, const char *name);
/* An attribute of the element just started; a NULL value is a misuse, a
 * value that is not text (text.h) is refused (EILSEQ). */
void xmlout_attr(struct xmlout *x, const char *name, const char *value);
/* The same for a value the caller formatted, a number or a date: one
 * pass over it when it holds only ASCII letters, digits, '.', '-' and '+'
 * (nothing to check or escape), else as xmlout_attr(). */
void xmlout_attr_plain(struct xmlout *x, const char *name, const char *value);
/* Text content of the innermost element; refused like an attribute value
 * when it is not text. */
void xmlout_text(struct xmlout *x, const char *s);
/* Close the innermost element. */
void xmlout_end(struct xmlout *x);
/* Write out what is buffered (not fflush).  Returns 0, or -1 with x->err
 * set when a write failed or a call was misused since the open. */
int xmlout_flush(struct xmlout *x);
/* Why the writer failed: the refused value's element and attribute for
 * EILSEQ, else strerror(x->err). */
const char *xmlout_error(const struct xmlout *x);
/* Free the buffer (after a last xmlout_flush() when the output counts). */
void xmlout_release(struct xmlout *x);

#endif
