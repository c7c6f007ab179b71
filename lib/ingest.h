/*
 * ingest.h - one input file into the database, whole or not at all.
 *
 * ingest_one() opens the file once (infile.h: O_NOFOLLOW, a regular file
 * only) and every reading of it - its hash, the channel's detection, the
 * parser, the rejects file's second pass - reads that descriptor, never
 * the path again.  It hashes the file (SHA-256): a file already ingested is a
 * no-op that returns the counts of its first ingest.  Otherwise, in one
 * transaction, the parser's records and rejects stream into a decider
 * (ingest_decide.h) that checks them a chunk at a time, in file order:
 * duplicates (a payment whose channel and source id were already
 * accepted; a reading equal to one accepted or held), unknown accounts and
 * meters, SMS phones not linked to the account, future dates, more zones
 * than the meter has, readings lower than the previous one (a rollover
 * when the meter's digits explain it, else `decreasing`), suspicious
 * consumption (held for review), and the period of each reading by the
 * window rule.
 * Accepted rows go to payment, reading and delivery (003_ingested.sql),
 * rejected lines to ingest_reject, the file with its counts to
 * ingest_file.  Rejected lines are written back in the sender's own format
 * to OUT/rejects/ (temporary name, fsync, rename after the commit, mode
 * 0640).  A file-level fault rolls everything of the file back.
 *
 * Every record line ends in exactly one of accepted, rejected, duplicate
 * or held: read = accepted + rejected + duplicates + held.  A payment
 * line's outcome is its payment's; readings that ride on an accepted
 * payment and are themselves rejected or held are counted apart
 * (reading_rejects, reading_held).
 */
#ifndef SBYT_INGEST_H
#define SBYT_INGEST_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "infile.h"
#include "ingest_rec.h"
#include "ingest_rules.h"
#include "sha256.h"

#define INGEST_MEMORY_MB 96

struct ingest_counts {
	int64_t read, accepted, rejected, duplicates, held;
	int64_t reading_rejects, reading_held;
	int64_t other_shard;    /* lines of another shard's accounts (opts shard_n) */
};

enum ingest_status { INGEST_DONE = 1, INGEST_NOOP, INGEST_REFUSED };

struct ingest_opts {
	PGconn *db;
	const char *conninfo;        /* db's, for the look-ups' own connection */
	const struct ingest_rules *rules;
	sdate as_of;                 /* readings after it are `future_date` */
	const char *out_dir;         /* rejects files go to out_dir/rejects/ */
	int64_t run_id;              /* the job's run, 0 when none */
	int shard_i, shard_n;        /* shard_n > 0: a shard's server (lib/shard.h): a line
				      * of an unknown account of another shard is counted
				      * in other_shard, not rejected */
	size_t memory;               /* bytes for what one file kept (ingest_decide.h);
				      * the commands take INGEST_MEMORY_MB, or
				      * SBYT_INGEST_MEMORY megabytes */
	int no_progress;             /* no progress line (another file is loaded at once) */
	/* Called for every rejected line (may be NULL): file, line, code, reason. */
	void (*on_reject)(void *arg, const char *file, long line, const char *code,
			  const char *reason);
	void *arg;
};

struct ingest_result {
	enum ingest_status status;
	enum ingest_channel channel;
	struct ingest_counts n;
	char sha256[SHA256_HEX];
	int64_t bytes;
	char rejects_path[4096];     /* "" when no rejects file was written */
	char rejects_sha256[SHA256_HEX];
	int64_t rejects_bytes;
	char earlier[64];            /* no-op: when the file was ingested */
};

/* Remove the temporary rejects files (OUT/rejects/.NAME.tmp) a killed run
 * left; the caller holds the ingest lock, so no other run writes there. */
void ingest_clean_rejects(const char *out_dir);

/* Ingest path as channel ch (CH_NONE: detect from the content).  Returns 0
 * with res->status DONE or NOOP; -1 with e set otherwise: ERR_DATA with
 * res->status REFUSED (nothing of the file kept; res->n.read = the lines
 * seen, all counted rejected), ERR_NOINPUT, ERR_CANTCREATE (rejects file),
 * ERR_DB (server lost: nothing of the file kept). */
int ingest_one(const struct ingest_opts *o, const char *path, enum ingest_channel ch,
	       struct ingest_result *res, struct sbyt_err *e);
/* The same on a file already opened and checked (infile_open()), read
 * through its descriptor only; in stays open, the caller's. */
int ingest_infile(const struct ingest_opts *o, const struct infile *in, enum ingest_channel ch,
		  struct ingest_result *res, struct sbyt_err *e);

#endif
