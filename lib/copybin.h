/*
 * copybin.h - COPY ... FROM STDIN in binary format, buffered.  The rows bill
 * writes are numbers, dates and a few short words: sent in the server's own
 * representation, the server skips parsing them (a quarter of its time for
 * a charge_line row in text), and the client skips formatting them.
 * copybin_begin() sends the statement (which must say FORMAT binary) and the
 * file header; each row is copybin_row() with its field count, then one
 * call per field, which must match the column's type exactly (int2, int4,
 * int8, bool, date, text, numeric); copybin_end() finishes, copybin_abort()
 * cancels.  Every function returning int returns 0, or -1 with e set.
 */
#ifndef SBYT_COPYBIN_H
#define SBYT_COPYBIN_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "error.h"

struct copybin {
	PGconn *db;
	char *buf;
	size_t len, cap;
	int64_t rows;
};

/* Start the COPY of sql; c is initialised (and freed by _end/_abort). */
int copybin_begin(struct copybin *c, PGconn *db, const char *sql, struct sbyt_err *e);
/* Gather a binary COPY in memory instead of sending it: c->buf holds the
 * header after copybin_mem_begin(), the rows, and the trailer after
 * copybin_mem_end(); the caller sends c->buf (c->len bytes) with
 * copy_send() and frees it. */
int copybin_mem_begin(struct copybin *c, struct sbyt_err *e);
int copybin_mem_end(struct copybin *c, struct sbyt_err *e);
/* Start a row of nfields fields (sends the buffer when it is large). */
int copybin_row(struct copybin *c, int nfields, struct sbyt_err *e);
int copybin_null(struct copybin *c, struct sbyt_err *e);
int copybin_int2(struct copybin *c, int v, struct sbyt_err *e);
int copybin_int4(struct copybin *c, int32_t v, struct sbyt_err *e);
int copybin_int8(struct copybin *c, int64_t v, struct sbyt_err *e);
int copybin_bool(struct copybin *c, int v, struct sbyt_err *e);
int copybin_date(struct copybin *c, sdate d, struct sbyt_err *e);
/* s is NUL-terminated UTF-8. */
int copybin_text(struct copybin *c, const char *s, struct sbyt_err *e);
/* The numeric v / 10^scale (scale 0..8), with scale decimals shown. */
int copybin_numeric(struct copybin *c, int64_t v, int scale, struct sbyt_err *e);
/* Send the trailer and finish: 0 when the server took every row. */
int copybin_end(struct copybin *c, struct sbyt_err *e);
/* The first half of copybin_end(): send the trailer and end the COPY
 * without waiting for the server (db_drain() collects its result). */
int copybin_send_end(struct copybin *c, struct sbyt_err *e);
/* Cancel the COPY (nothing is written); why goes to the server log. */
void copybin_abort(struct copybin *c, const char *why);

/* Encode the numeric v / 10^scale as the field body of the binary format
 * (without the length word) into out (at least 8 + 2 * 8 bytes); returns
 * the bytes written.  Exposed for the unit test. */
size_t copybin_numeric_body(int64_t v, int scale, unsigned char *out);

#endif
