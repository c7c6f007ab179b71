/*
 * ingest_decide.h - the checks of SPEC 5 on one file's records, a chunk at
 * a time, and the rows they keep.
 *
 * A decider is an ingest sink (ingest_rec.h): the parser streams records
 * and rejected lines into it; every CHUNK lines it looks up what the
 * checks need in a few set-based queries (accounts, phones and meters;
 * payments, readings and confirmations already loaded; each reading's
 * previous accepted value and the first and last accepted readings of the
 * averaging window), decides every line in file order in C, and COPYs
 * the kept rows straight into payment, reading, reading_hold, delivery
 * and ingest_reject.  The look-ups run on a second connection, outside the
 * file's transaction, so they see the database as it was before this file
 * (and the server probes one chunk, on a thread of the decider's, while
 * the decider decides the previous one and the server stores the one
 * before); what the file itself kept earlier (payment ids, confirmations,
 * each meter zone's readings) the decider remembers, some 100 bytes a
 * kept reading, until the file is done or that outgrows its budget: the
 * rest of the file is then looked up on the file's own connection, which
 * sees what was stored, and only the chunk at hand is remembered (slower,
 * bounded, the same decisions).
 *
 * What counts as what (the earlier rows that decide a line are always
 * those kept, in file order):
 * - a payment whose channel and source id were already accepted is a
 *   duplicate; an unknown account is rejected (on a shard's server: when
 *   it is not another shard's, decide_shard());
 * - a reading line (all its zones) is rejected when its account is
 *   unknown, the SMS phone is not on the account, the meter is not found
 *   or ambiguous, it has more zones than the meter, or it is dated after
 *   the as-of date; it is a duplicate when every zone equals a reading
 *   already accepted or held (meter, zone, date, value, source); it is
 *   rejected as decreasing when a zone is lower than the previous value
 *   (the latest accepted reading on or before its date, else the meter's
 *   initial value) and the meter's digits do not explain a rollover; it is
 *   held when its consumption exceeds min_kwh and factor x the monthly
 *   average of the accepted readings of the last months (two at least,
 *   28 days apart, for every zone); else accepted, with its period by the
 *   window rule;
 * - readings on a payment line are decided only when the payment is
 *   accepted; the line counts as its payment;
 * - a delivery confirmation already received is a duplicate.
 * Everything runs inside the caller's transaction.
 */
#ifndef SBYT_INGEST_DECIDE_H
#define SBYT_INGEST_DECIDE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "ingest.h"
#include "ingest_rec.h"
#include "ingest_rules.h"

struct decider;

/* Start deciding the records of file file_id (an ingest_file row already
 * inserted in the open transaction of db) of channel ch.  run_id 0: none.
 * The look-ups go through a second connection to conninfo (db_connect()),
 * which sees the database as it was before this file, while what the file
 * kept takes at most budget bytes.  Returns a decider for decide_free(),
 * or NULL with e set. */
struct decider *decide_new(PGconn *db, const char *conninfo, const struct ingest_rules *rules,
			   sdate as_of, enum ingest_channel ch, int64_t file_id, int64_t run_id,
			   size_t budget, struct sbyt_err *e);
/* d decides for shard i of n (n 0: the one database): a payment or
 * reading line whose account is not known here and belongs to another
 * shard (lib/shard.h) is that shard's, counted in other_shard, neither
 * accepted nor rejected. */
void decide_shard(struct decider *d, int i, int n);
/* Point sink's callbacks at d (the parser then feeds it). */
void decide_sink(struct decider *d, struct ingest_sink *sink);
/* Decide and write what is still buffered, then set *n to the file's
 * counts.  Returns 0, or -1 with e set. */
int decide_finish(struct decider *d, struct ingest_counts *n, struct sbyt_err *e);
/* Free d (NULL is fine). */
void decide_free(struct decider *d);

#endif
