/*
 * csv.h - a streaming reader of separated text files (master data, bank and
 * terminal registries, journals), one record per line, bounded memory.
 *
 * Lines end in LF or CRLF; a UTF-8 byte-order mark at the start of the file
 * is skipped.  Fields are split on `sep`; a field may be quoted "..." with ""
 * for a quote (a quoted field cannot span lines).  A record that cannot be
 * read as text - longer than CSV_MAX_LINE, holding a control character or
 * invalid UTF-8 (text.h; a reader opened raw, for CP1251 files, checks the
 * control characters only), an unterminated quote - is still returned,
 * with `bad` naming the reason, so that the caller can reject that line
 * and go on: nothing is silently dropped.  A line refused for its text has
 * `bad` starting with "control_character: " and bad_field set.
 */
#ifndef SBYT_CSV_H
#define SBYT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "text.h"

#define CSV_MAX_LINE 65536
#define CSV_MAX_FIELDS 64

struct csv {
	FILE *f;
	const char *path;
	char sep;
	int raw;             /* 1: bytes are not checked as UTF-8 */
	long line;           /* number of the current record's line, from 1 */
	int nf;              /* fields in the current record */
	char *field[CSV_MAX_FIELDS];
	size_t flen[CSV_MAX_FIELDS];
	const char *bad;     /* NULL, or why the current line is unreadable */
	int bad_field;       /* the field (from 0) holding a control character, or -1 */
	char *text;          /* the current line as read (NUL-terminated, no EOL) */
	size_t text_len;
	int64_t bytes;       /* bytes consumed so far */
	int eol_missing;     /* the last line had no newline */
	/* private */
	char *lbuf, *fbuf, *rbuf;
	size_t rpos, rlen;
	int eof;
	char badbuf[96];
};

/* Open path for reading with separator sep.  raw = 1 skips the UTF-8 check
 * (the caller converts, e.g. from CP1251).  Returns 0, or -1 with e set
 * (ERR_NOINPUT when the file cannot be opened). */
int csv_open(struct csv *c, const char *path, char sep, int raw, struct sbyt_err *e);
/* The same on a stream already open (infile_fopen()), named path in the
 * messages; c owns f from here, also when it fails (f is closed). */
int csv_open_file(struct csv *c, FILE *f, const char *path, char sep, int raw,
		  struct sbyt_err *e);
/* Read the next line.  Returns 1 with the record in c->field/c->flen
 * (fields are NUL-terminated; check c->bad first), 0 at end of file, or
 * -1 with e set (ERR_IO) when reading fails. */
int csv_next(struct csv *c, struct sbyt_err *e);
/* 1 when the current record is an empty line. */
int csv_blank(const struct csv *c);
/* Copy field i as a NUL-terminated string into buf (size bytes, truncated);
 * "" when i is out of range.  Returns buf. */
char *csv_get(const struct csv *c, int i, char *buf, size_t size);
/* The reason code of an unreadable line (c->bad set): "control_character"
 * (text.h), "line_too_long" or "bad_format". */
const char *csv_bad_code(const struct csv *c);
/* c->bad without the code in front ("U+000B in field 5"). */
const char *csv_bad_why(const struct csv *c);
/* Close the file and free the buffers; c may be reused with csv_open. */
void csv_close(struct csv *c);

#endif
