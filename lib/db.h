/*
 * db.h - the libpq adapter: connecting, parameterised queries, COPY, locks.
 *
 * Every statement goes through here: parameters or COPY only, never SQL
 * built from input.  Failures fill struct sbyt_err: a lost or refused
 * connection (SQLSTATE class 08, 57P0x, or a bad connection status) is
 * ERR_DB, which bin/ maps to exit 69; any other server error is
 * ERR_INTERNAL unless the caller re-classifies it by err.sqlstate.
 *
 * The default connection (conninfo NULL): when any of PGHOST, PGHOSTADDR,
 * PGDATABASE or PGSERVICE is set, libpq's own defaults; otherwise the
 * private cluster whose socket directory is named in $SBYT_VAR/pghost
 * (default ./var/pghost), database `sbyt`.
 */
#ifndef SBYT_DB_H
#define SBYT_DB_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Whether an error means the server is gone (ERR_DB, exit 69) rather than a
 * fault the server reported (exit 70): conn_ok is PQstatus() ==
 * CONNECTION_OK, state the SQLSTATE (NULL or "" when the result has none),
 * text libpq's message.  Class 08 and 57P0x are lost, except 08P01. */
int db_lost(int conn_ok, const char *state, const char *text);
/* Connect.  Returns the connection, or NULL with e set (ERR_DB) naming the
 * server.  The caller PQfinish()es it. */
PGconn *db_connect(const char *conninfo, struct sbyt_err *e);
/* The password of a conninfo (key=value or URI), malloc'd, or NULL. */
char *db_conninfo_password(const char *conninfo);
/* "host=... port=... dbname=..." of an open connection, for messages. */
const char *db_where(PGconn *db, char *buf, size_t size);

/* Run a statement with text parameters (nparams may be 0, params NULL;
 * a NULL param is SQL NULL).  Returns the result (COMMAND_OK or TUPLES_OK)
 * for the caller to PQclear, or NULL with e set. */
PGresult *db_query(PGconn *db, struct sbyt_err *e, const char *sql,
		   int nparams, const char *const *params);
/* Prepare sql as the named statement name on db (parameter types from
 * the text); 0, or -1 with e set. */
int db_prepare(PGconn *db, struct sbyt_err *e, const char *name, const char *sql);
/* db_query() of the statement db_prepare() named name. */
PGresult *db_query_prepared(PGconn *db, struct sbyt_err *e, const char *name,
			    int nparams, const char *const *params);
/* db_query() for statements whose result is not needed; 0 or -1. */
int db_exec(PGconn *db, struct sbyt_err *e, const char *sql,
	    int nparams, const char *const *params);
/* Run a script of several statements without parameters (migrations). */
int db_script(PGconn *db, struct sbyt_err *e, const char *sql);
/* First column of the first row as a malloc'd string (NULL value -> NULL
 * with *found 1).  Returns 0/-1; *out is freed by the caller. */
int db_value(PGconn *db, struct sbyt_err *e, const char *sql, int nparams,
	     const char *const *params, char **out);

int db_begin(PGconn *db, struct sbyt_err *e);
int db_commit(PGconn *db, struct sbyt_err *e);
/* Roll back, ignoring errors (used on failure paths). */
void db_rollback(PGconn *db);

/* Stream the rows of a query one at a time (libpq single-row mode), so
 * memory does not grow with the result.  db_stream_begin() sends it (0/-1);
 * db_stream_next() returns a result holding one row (PQclear it), or NULL at
 * the end (e untouched) or on error (e set; *failed = 1).  Stop early only
 * with db_stream_cancel(). */
int db_stream_begin(PGconn *db, struct sbyt_err *e, const char *sql, int nparams,
		    const char *const *params);
PGresult *db_stream_next(PGconn *db, int *failed, struct sbyt_err *e);
void db_stream_cancel(PGconn *db);

/* Try the session-level advisory lock of name.  Returns 1 when taken,
 * 0 when another session holds it, -1 on error. */
int db_try_lock(PGconn *db, const char *name, struct sbyt_err *e);
/* Bring the planner's statistics of the tables `tables` (NULL-terminated
 * names; a partitioned one stands for its local leaves) up to date where
 * they lag: a table with more than 10 % more pages than its statistics
 * saw, or more than 10 % of its rows changed since its last ANALYZE
 * (what autovacuum would analyze at its next round, a minute later), or
 * more rows than half the accounts (a month's history in a year's table).  A
 * job that reads what the job before it wrote calls it first, outside a
 * transaction: a month's first bill makes consumption, charge_line and
 * obligation out of empty tables, and the documents' plans made on an
 * empty table's statistics ran for minutes.  A table whose rows are mostly
 * dead (more than 4 to 1: a killed run's, rolled back) is vacuumed with
 * its ANALYZE, when no transaction is open, so that its statistics do not
 * say "no rows" of pages the next rows fill.  0, or -1 with e set. */
int db_analyze_grown(PGconn *db, const char *const *tables, struct sbyt_err *e);

/*
 * COPY ... FROM STDIN in text format, buffered.  copy_begin() starts it;
 * copy_field()/copy_null() append a field (escaped), copy_row() ends a row;
 * copy_end() flushes and finishes (0/-1), copy_abort() cancels it.  A
 * struct copy zeroed instead of begun gathers its rows in memory (buf, len)
 * without sending them: the caller passes them to copy_send() and frees
 * buf.
 */
struct copy {
	PGconn *db;
	char *buf;
	size_t len, cap;
	int fields;      /* fields in the current row */
	int64_t rows;
};
int copy_begin(struct copy *c, PGconn *db, const char *sql, struct sbyt_err *e);
int copy_field(struct copy *c, const char *s, size_t len, struct sbyt_err *e);
int copy_str(struct copy *c, const char *s, struct sbyt_err *e);
int copy_int(struct copy *c, int64_t v, struct sbyt_err *e);
int copy_null(struct copy *c, struct sbyt_err *e);
int copy_row(struct copy *c, struct sbyt_err *e);
int copy_end(struct copy *c, struct sbyt_err *e);
/* copy_end() in two halves, so that the client can go on while the server
 * writes the rows: copy_send_end() flushes and ends the COPY (0/-1);
 * db_drain() waits for the results of what was sent (0, or -1 with e set
 * from the first failure).  Nothing else may be sent in between. */
int copy_send_end(struct copy *c, struct sbyt_err *e);
int db_drain(PGconn *db, struct sbyt_err *e);
/* Start COPY sql, send rows (len bytes already in COPY's text format) and
 * end it without waiting: db_drain() collects the result.  0, or -1 with e
 * set (the COPY is then ended as failed). */
int copy_send(PGconn *db, const char *sql, const char *rows, size_t len, struct sbyt_err *e);
/* A failed result (res may be NULL) as every sbyt error from libpq: a lost
 * connection is ERR_DB naming the server, any other error ERR_INTERNAL with
 * the server's message, detail and SQLSTATE.  Returns -1. */
int db_result_error(PGconn *db, PGresult *res, struct sbyt_err *e);
void copy_abort(struct copy *c, const char *why);

#endif
