/*
 * load.h - master data (SPEC 4): branches, accounts, meters, contracts and
 * reserves from `;`-separated UTF-8 files with a header row, as an upsert.
 *
 * The whole file is validated before anything is kept: every line is
 * checked on its own (formats, value sets, check digits) while it is COPYed
 * into a staging table, then the staging table is checked as a whole
 * (duplicate keys in the file, unknown branches and accounts, contracts and
 * reserves only for legal entities).  Every bad line becomes a
 * "FILE:LINE: reason" fault; one fault and the transaction is rolled back,
 * so an invalid file loads nothing.  A valid file is upserted by key in the
 * same transaction; loading the same file again changes nothing.  Accounts
 * into an empty account table and meters into an empty meter table (the
 * first load) are COPYed straight into the table instead, the table's key
 * and triggers doing the whole-file checks; when anything is wrong the file
 * is loaded again the staged way, which names the bad lines.
 *
 * Opening balances (balances: account;period;due;amount) are what a customer
 * owed for periods billed by the previous system when sbyt takes over: each
 * line becomes the obligation of seq 0 of its period, which bill never
 * writes, so debt, penalties and limitation see the history.
 */
#ifndef SBYT_LOAD_H
#define SBYT_LOAD_H

#include <libpq-fe.h>
#include <stdint.h>

#include "error.h"
#include "faults.h"

enum load_kind {
	LOAD_BRANCHES, LOAD_ACCOUNTS, LOAD_METERS, LOAD_CONTRACTS, LOAD_RESERVES,
	LOAD_BALANCES  /* opening balances taken over from the previous system */
};

struct load_result {
	int64_t read;       /* data lines read (blank lines are not counted) */
	int64_t inserted;   /* new keys */
	int64_t updated;    /* keys whose values changed */
	int64_t unchanged;  /* keys already loaded with the same values */
	int64_t skipped;    /* lines of accounts of other shards (load_file_shard) */
};

/* The kind named s ("accounts"...); -1 when unknown. */
int load_kind_parse(const char *s);
/* The name of a kind. */
const char *load_kind_name(enum load_kind kind);
/* The header line the kind's files must start with. */
const char *load_kind_header(enum load_kind kind);
/* Validate and upsert path in one transaction.  Returns 0 with *r filled;
 * -1 with e set: ERR_DATA after adding every bad line to f (nothing loaded),
 * ERR_NOINPUT when the file cannot be opened, ERR_DB when the server is lost. */
int load_file(PGconn *db, enum load_kind kind, const char *path, struct faults *f,
	      struct load_result *r, struct sbyt_err *e);
/* load_file() of the lines whose account is in shard shard_i of shard_n
 * (lib/shard.h; shard_n 0: every line, branches: always every line).  The
 * other lines are still checked on their own (formats) but not against the
 * database, and are counted in r->skipped. */
int load_file_shard(PGconn *db, enum load_kind kind, const char *path, int shard_i,
		    int shard_n, struct faults *f, struct load_result *r, struct sbyt_err *e);

#endif
