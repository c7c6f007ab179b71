/*
 * ingest_detect.h - which channel a file belongs to, from its content.
 *
 * The first bytes decide: XML (`<`) is the gazprombank registry; a header
 * line names qiwi, payments, portal, delivery or sms; a first line that
 * starts `dd/mm/yyyy;` or `=` (an empty registry's trailer) is sberbank
 * (CP1251, so no header); a first line `ISO-date-time;phone;` is an SMS log
 * without header.  A UTF-8 byte-order mark and leading blank lines are
 * skipped.  `sbyt ingest --channel NAME` overrides all this.
 */
#ifndef SBYT_INGEST_DETECT_H
#define SBYT_INGEST_DETECT_H

#include <stddef.h>

#include "error.h"
#include "infile.h"
#include "ingest_rec.h"

/* The channel of the data buf[0..len) (the start of a file), or CH_NONE. */
enum ingest_channel ingest_detect_buf(const char *buf, size_t len);
/* The channel of the checked file in (read through its descriptor, from
 * its start).  Returns it, or CH_NONE with e set: ERR_IO, or ERR_DATA
 * (empty file, or content of no known channel - use --channel). */
enum ingest_channel ingest_detect(const struct infile *in, struct sbyt_err *e);

#endif
