/*
 * docs_cursor.h - reading the rows of the payment documents: server-side
 * cursors fetched a batch at a time, optionally ahead by a thread.
 *
 * The documents stage (docs.h) reads five cursors on one connection, every
 * one ordered by the document's sequence number (column 0), and merges them
 * as it goes: memory holds one batch of each, whatever the number of
 * accounts.  With a prefetch thread, each cursor's next batch is fetched
 * while the current one is used; the connection is the thread's from
 * docs_prefetch_start() to docs_prefetch_stop().
 */
#ifndef SBYT_DOCS_CURSOR_H
#define SBYT_DOCS_CURSOR_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>

#include "error.h"

struct docs_prefetch;

struct docs_cursor {
	PGconn *db;
	const char *name;
	PGresult *res;
	int row, n, done, declared;
	int64_t seq;             /* column 0 of the row (docs_cursor_seq()), read once */
	/* with pf: the next batch is fetched by the prefetch thread */
	struct docs_prefetch *pf;
	PGresult *next;
	int next_state;          /* 0 none, 1 asked for, 2 there (next NULL: failed) */
	struct sbyt_err next_err;
};

struct docs_prefetch {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *db;
	struct docs_cursor *queue[8];
	int head, count, quit;
};

/* DECLARE cursor `name` (a constant identifier) for query with its
 * parameters on db (a transaction open) and fetch the first batch.
 * 0, or -1 with e set. */
int docs_cursor_open(struct docs_cursor *c, PGconn *db, const char *name, const char *query,
		     int np, const char *const *params, struct sbyt_err *e);
/* Fetch the next batch (done when it is empty).  0, or -1 with e set. */
int docs_cursor_fetch(struct docs_cursor *c, struct sbyt_err *e);
/* Move to the next row, fetching when the batch is used up. */
int docs_cursor_next(struct docs_cursor *c, struct sbyt_err *e);
/* Drop the batch and mark c done (the cursor goes with the transaction). */
void docs_cursor_close(struct docs_cursor *c);
/* Column 0 of the current row as a number; INT64_MAX once done. */
int64_t docs_cursor_seq(const struct docs_cursor *c);
/* Column col of the current row, NULL when SQL NULL; valid until the
 * cursor moves past the row's batch. */
const char *docs_cursor_val(const struct docs_cursor *c, int col);

/* Start the thread that fetches ahead for the ncurs cursors on db.  0, or
 * -1 with e set (nothing started). */
int docs_prefetch_start(struct docs_prefetch *pf, PGconn *db, struct docs_cursor **curs,
			int ncurs, struct sbyt_err *e);
/* Stop it (after the fetch it is running) and drop what it read. */
void docs_prefetch_stop(struct docs_prefetch *pf, struct docs_cursor **curs, int ncurs);

#endif
