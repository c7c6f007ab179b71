/*
 * shard.h - accounts spread over several PostgreSQL servers (SPEC 13,
 * README "Past one machine").
 *
 * Account A belongs to shard abs(hashint8(A)) % N of N (SHARD_SQL): the
 * same function `bill --shard` and `debt --shard` filter by, computed by
 * the server.  The shard map is `shard.I = CONNINFO` in sbyt.conf, one line
 * per shard 0..N-1; `sbyt --shard I/N COMMAND` runs COMMAND on shard I's
 * server (and `load` keeps only that shard's accounts).  A coordinator
 * database reads every shard through postgres_fdw: shard_attach() builds
 * its schema sbyt_shards (sql/190_shard.sql) from the map.
 */
#ifndef SBYT_SHARD_H
#define SBYT_SHARD_H

#include <libpq-fe.h>
#include <stdint.h>

#include "conf.h"
#include "error.h"

/* The shard of the account column COL among $N shards, as SQL. */
#define SHARD_SQL(col, n) "abs(hashint8(" col ")::bigint) % " n

/* PostgreSQL's hashint8(v) (src/backend/access/hash/hashfunc.c: the two
 * halves folded, then Jenkins' hash_bytes_uint32), for deciding in C what
 * SHARD_SQL decides on the server. */
int32_t shard_hashint8(int64_t v);
/* The shard of account a among n: abs(hashint8(a)) % n, as SHARD_SQL. */
int shard_of(int64_t a, int n);

/* Payment documents are numbered 1, 2, ... per branch and period; shard I
 * numbers its own from I x SHARD_DOC_RANGE + 1, so that two shards never
 * print the same number (10,000,000 documents per branch and month a shard:
 * 64 shards stay within the integer column). */
#define SHARD_DOC_RANGE 10000000

/* Parse "I/N" (0 <= I < N <= CONF_SHARDS_MAX) into *i and *n; 0, or -1
 * when malformed. */
int shard_parse(const char *s, int *i, int *n);

/* The conninfo of shard i of n from c's shard map: NULL with e set
 * (ERR_CONFIG) when the map is empty or does not have exactly n shards. */
const char *shard_conninfo(const struct conf *c, int i, int n, struct sbyt_err *e);

/* Check that db holds no account of another shard than i of n (a shard map
 * whose lines were swapped, a load without --shard): one pass over the
 * account table.  0, or -1 with e set (ERR_CONFIG naming an account). */
int shard_check(PGconn *db, int i, int n, struct sbyt_err *e);

/* Rebuild the coordinator schema sbyt_shards on db from c's shard map, in
 * one transaction: a postgres_fdw server per shard (user and password of a
 * conninfo go to the calling role's user mapping), and for every
 * account-scoped table a parent hash-partitioned by account_id with one
 * foreign partition per shard.  Needs a superuser (ERR_PERM otherwise).
 * Returns 0 with *tables set, or -1 with e set. */
int shard_attach(PGconn *db, const struct conf *c, int *tables, struct sbyt_err *e);

#endif
