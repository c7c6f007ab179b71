/*
 * parse.h - the ingest parsers, one per channel of SPEC 5.1-5.6, and the
 * dispatcher that picks one by channel.
 *
 * Every parser streams its file (bounded memory whatever its size), sends
 * each record line to the sink as a record or a reject (ingest_rec.h), and
 * returns 0 when the file as a whole is sound, or -1 with e set: ERR_DATA
 * for a file-level fault ("FILE:LINE: why"; the caller must discard what
 * the sink received), ERR_NOINPUT when the file cannot be opened, ERR_IO
 * when reading fails, or whatever a sink callback set.  Each reads the file
 * already opened and checked (infile.h), from its first byte.
 */
#ifndef SBYT_PARSE_H
#define SBYT_PARSE_H

#include "csv.h"
#include "infile.h"
#include "ingest_rec.h"
#include "sms_rules.h"

/* 5.1 sberbank: CP1251 text, `;`, a trailer `=count;sum;fee;order;date`. */
int parse_sber(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);
/* 5.2 gazprombank: XML registry with count and total, streaming reader. */
int parse_gpb(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);
/* 5.3 qiwi: CSV with `,` and a header, payments only. */
int parse_qiwi(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);
/* 5.3a payments: `txn_id;paid_at;account;sum;period;source`. */
int parse_payments(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);
/* 5.4 sms: `received_at;phone;text`, text matched by the rules' patterns. */
int parse_sms(const struct infile *in, struct sms_rules *rules, struct ingest_sink *sink,
	      struct sbyt_err *e);
/* 5.5 portal: `account;meter;zone;value;taken_on;source`. */
int parse_portal(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);
/* 5.6 delivery: `notice_id;status;at;evidence`. */
int parse_delivery(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e);

/* Parse the checked file in (infile.h: read through its descriptor, never
 * reopened by name) as channel ch (sms needs rules, the others ignore it). */
int ingest_parse(enum ingest_channel ch, const struct infile *in, struct sms_rules *rules,
		 struct ingest_sink *sink, struct sbyt_err *e);

/*
 * Helpers shared by the parsers of separated text (parse_csvutil.c).
 */
/* When c->bad is set, reject the line with a code matching the reason and
 * return 1 (or -1 when the sink failed); else 0. */
int parse_reject_bad(struct csv *c, struct ingest_sink *sink, struct sbyt_err *e);
/* Read the header line and compare it (fields, in order) with want, a
 * sep-separated list.  Returns 0; -1 with ERR_DATA (empty file, missing
 * or different header) or the reader's error. */
int parse_header(struct csv *c, const char *want, struct sbyt_err *e);
/* The frame of every text channel: read in with separator sep, check
 * the header (header_optional: a first line equal to it is skipped, any
 * other first line is data), skip empty lines, reject unreadable ones, and
 * call fn for every other line.  An empty file is refused (ERR_DATA).
 * fn returns 0, or -1 with e set to stop. */
typedef int (*parse_line_fn)(void *arg, struct csv *c, struct ingest_sink *sink,
			     struct sbyt_err *e);
int parse_lines(const struct infile *in, char sep, const char *header, int header_optional,
		parse_line_fn fn, void *arg, struct ingest_sink *sink, struct sbyt_err *e);

/* Reject the current line of c with code and a formatted reason. */
#define PARSE_REJECT(c, sink, e, code, ...)                                            \
	ingest_reject_line(sink, (c)->line, (c)->text, (c)->text_len, code, e, __VA_ARGS__)

#endif
