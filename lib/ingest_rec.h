/*
 * ingest_rec.h - what every ingest parser hands on: one record type for all
 * channels, and the sink that receives records and rejected lines.
 *
 * A parser reads one file of one channel (SPEC 5.1-5.6) as a stream and
 * calls the sink once per record line: `record` with a parsed payment,
 * reading or delivery confirmation, or `reject` with the line number, a
 * reason code (`bad_date`, `bad_sum`...), a human reason and the original
 * line bytes (so that a rejects file can be written back in the sender's
 * own format).  Header lines, trailers and empty lines are not records.
 * A fault of the whole file (wrong encoding, a trailer or control total
 * that does not match, a truncated file, XML that is not well-formed or
 * tries an entity or depth bomb) makes the parser return -1 with ERR_DATA:
 * the caller then discards everything the sink received for that file.
 * Checks that need the database (unknown accounts, duplicates, decreasing
 * readings...) are not the parser's: they run on the staged rows.
 */
#ifndef SBYT_INGEST_REC_H
#define SBYT_INGEST_REC_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "money.h"

struct progress;

enum ingest_channel {
	CH_NONE = 0,
	CH_SBERBANK,
	CH_GAZPROMBANK,
	CH_QIWI,
	CH_PAYMENTS,
	CH_SMS,
	CH_PORTAL,
	CH_DELIVERY
};
#define CH_COUNT 8

enum rec_kind { REC_PAYMENT = 1, REC_READING, REC_DELIVERY };

#define REC_ID_MAX 64      /* txn ids, notice ids, meter numbers */
#define REC_TEXT_MAX 256   /* terminal/source, evidence */
#define REC_ZONES 3

/* A meter reading: zone values in thousandths of a kWh ("4521,5" = 4521500). */
struct rec_reading {
	int64_t account;
	char meter[REC_ID_MAX];   /* "" when the sender named no meter */
	int has[REC_ZONES];       /* has[z] = 1 when zone z+1 was given */
	int64_t value[REC_ZONES];
	int zones;                /* the highest zone given (1..3) */
	sdate taken_on;
	char source[12];          /* sber|gpb|sms|lkk|site|ivr|office|box|inspector */
	char phone[24];           /* SMS: the sender, "+7..." normalised; else "" */
};

struct rec_payment {
	char source_id[REC_ID_MAX];  /* the sender's transaction id */
	int64_t account;
	money sum, fee;
	sdate paid_on;
	char paid_at[40];            /* ISO 8601 as given: date, or date and time[+offset] */
	int has_period;              /* the payer named a period */
	speriod period;
	char source[REC_TEXT_MAX];   /* terminal, branch/cashier, or the payments source */
};

struct rec_delivery {
	char notice_id[REC_ID_MAX];
	char status[12];             /* delivered | returned | failed */
	sdate at;
	char evidence[REC_TEXT_MAX];
};

/* One record line.  A bank payment line may carry readings too
 * (has_reading): both belong to the same source line. */
struct ingest_rec {
	enum rec_kind kind;
	long line;                  /* source line number, from 1 */
	struct rec_payment pay;     /* kind == REC_PAYMENT */
	int has_reading;            /* REC_READING, or a payment with readings */
	struct rec_reading rd;
	struct rec_delivery dlv;    /* kind == REC_DELIVERY */
	const char *text;           /* the line as read (sender's encoding), or NULL */
	size_t text_len;
};

/* A line the parser refused. */
struct ingest_reject {
	long line;
	const char *code;           /* reason code, e.g. "bad_date" */
	const char *reason;         /* English, lowercase, no personal data */
	const char *text;           /* the line as read, or NULL (XML) */
	size_t text_len;
};

/* What a parser learns about the file as a whole (for the rejects file). */
struct ingest_info {
	char order_no[REC_ID_MAX];    /* sberbank trailer: payment order number */
	char order_date[16];          /* and its date, as written */
	char registry_date[16];       /* gazprombank: Registry/@date */
	char bank[32];                /* gazprombank: Registry/@bank */
	long records;                 /* record lines seen (records + rejects) */
	money total;                  /* control total that matched, if any */
};

/* The receiver of a parse.  Both callbacks return 0, or -1 with e set to
 * stop the parse (the parser then returns -1 with that error). */
struct ingest_sink {
	void *arg;
	int (*record)(void *arg, const struct ingest_rec *r, struct sbyt_err *e);
	int (*reject)(void *arg, const struct ingest_reject *rj, struct sbyt_err *e);
	int want_text;                /* 1: XML parsers write each record back as text too */
	struct ingest_info info;      /* filled by the parser */
	struct progress *progress;    /* may be NULL: one step per record line (log.h) */
};

/* The channel's name ("sberbank"...), or "unknown". */
const char *ingest_channel_name(enum ingest_channel ch);
/* The channel named name, or CH_NONE. */
enum ingest_channel ingest_channel_parse(const char *name);

/* Send a reject to the sink (reason formatted); counts it in info.records.
 * Returns the sink's result. */
int ingest_reject_line(struct ingest_sink *s, long line, const char *text, size_t text_len,
		       const char *code, struct sbyt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Send a record to the sink; counts it in info.records. */
int ingest_emit(struct ingest_sink *s, const struct ingest_rec *r, struct sbyt_err *e);

/* The bound of a meter value, kWh: reading.value is numeric(12, 3), which
 * stores less than 10^9 (and no meter has more than 9 digits). */
#define READING_VALUE_MAX 1000000000LL

/* Parse a meter value "12345", "4521,5" or "4521.125" (len bytes, or up to
 * NUL when len < 0): at most 12 integer digits (leading zeros included),
 * less than READING_VALUE_MAX, and 3 decimals, not negative.  Sets *out in
 * thousandths; returns 0 or -1. */
int reading_value_parse(const char *s, int len, int64_t *out);
/* Parse an account number: 1 to 15 digits, not zero.  0 or -1. */
int account_parse(const char *s, int len, int64_t *out);
/* Check an ISO 8601 date or date-time: YYYY-MM-DD, optionally followed by
 * 'T' or ' ' and hh:mm[:ss], optionally 'Z' or +hh:mm / -hh:mm.  Sets
 * *date to the date part as written; returns 0 or -1. */
int iso_datetime_parse(const char *s, int len, sdate *date);
/* Normalise a phone to "+7XXXXXXXXXX" from "+7...", "7..." or "8..." with
 * 10 more digits (spaces, dashes and brackets ignored).  Writes into out
 * (size >= 13); returns 0, or -1 when it is not a Russian number. */
int phone_normalize(const char *s, int len, char *out, size_t size);
/* Copy a field of length len into out (size bytes); -1 when it is too long. */
int ingest_copy_field(const char *s, size_t len, char *out, size_t size);

#endif
