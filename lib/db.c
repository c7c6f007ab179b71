/* db.c - libpq adapter; see db.h. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "scrub.h"

/* What libpq says when the connection went away, whatever the connection's
 * status says yet: a failed send leaves it CONNECTION_OK until libpq reads
 * the end of the stream, and such a result has no SQLSTATE. */
static const char *const lost_words[] = {
	"server closed the connection",
	"no connection to the server",
	"could not send data to server",
	"could not receive data from server",
	"connection to server was lost",
	"terminating connection",
	"SSL SYSCALL error",
	"SSL connection has been closed",
	"lost synchronization with server",
	"connection not open",
	"the database system is shutting down",
	"the database system is starting up",
	"the database system is in recovery mode",
};

int db_lost(int conn_ok, const char *state, const char *text)
{
	if (!conn_ok)
		return 1;
	/* class 08 is the connection's, but 08P01 (protocol violation: a bind
	 * with the wrong number of parameters) is a fault of ours on a live
	 * connection: an internal error, not a server gone */
	if (state && strcmp(state, "08P01") != 0 &&
	    (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0))
		return 1;
	if (state && state[0])
		return 0;  /* the server answered with an error of its own */
	for (size_t i = 0; text && i < sizeof(lost_words) / sizeof(lost_words[0]); i++)
		if (strstr(text, lost_words[i]))
			return 1;
	return 0;
}

/* libpq's messages end in a newline and may hold more lines ("\n\tIs the
 * server running..."): one line, blanks collapsed, for a message line. */
static void chomp(char *s)
{
	size_t n;
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '\n' || *r == '\t' || *r == '\r') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Fill e from a failed result (res may be NULL); returns -1. */
int db_result_error(PGconn *db, PGresult *res, struct sbyt_err *e)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *text = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
							      : PQerrorMessage(db);
	char where[256];

	if (db_lost(PQstatus(db) == CONNECTION_OK, state, text)) {
		err_set(e, ERR_DB, "lost the database server at '%s': %s",
			db_where(db, where, sizeof(where)), text);
	} else if (state && strcmp(state, "42501") == 0) {
		/* the role may not do this: say what was refused, and to whom */
		const char *user = PQuser(db);
		err_set(e, ERR_PERM, "%s",
			res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : text);
		err_detail(e, "the database role '%s' may not do this; sbyt_operator runs the "
			   "jobs, sbyt_auditor status, reports and explain", user ? user : "");
	} else {
		err_set(e, ERR_INTERNAL, "database error: %s",
			res ? PQresultErrorMessage(res) : PQerrorMessage(db));
		if (detail)
			err_detail(e, "%s", detail);
	}
	if (e) {
		chomp(e->msg);
		chomp(e->detail);
		if (state)
			snprintf(e->sqlstate, sizeof(e->sqlstate), "%s", state);
	}
	return -1;
}

/* The password of a conninfo (key=value or URI), malloc'd, or NULL. */
char *db_conninfo_password(const char *conninfo)
{
	PQconninfoOption *o;
	char *pw = NULL;

	if (!conninfo || !(o = PQconninfoParse(conninfo, NULL)))
		return NULL;
	for (PQconninfoOption *k = o; k->keyword; k++)
		if (strcmp(k->keyword, "password") == 0 && k->val && *k->val)
			pw = strdup(k->val);
	PQconninfoFree(o);
	return pw;
}

PGconn *db_connect(const char *conninfo, struct sbyt_err *e)
{
	const char *keys[4], *vals[4];
	char host[1024] = "", where[1100];
	PGconn *db;
	int n = 0;

	if (!conninfo && !getenv("PGHOST") && !getenv("PGHOSTADDR") &&
	    !getenv("PGDATABASE") && !getenv("PGSERVICE")) {
		const char *var = getenv("SBYT_VAR");
		char path[1024];
		FILE *f;

		snprintf(path, sizeof(path), "%s/pghost", var && *var ? var : "var");
		f = fopen(path, "r");
		if (f) {
			if (fgets(host, sizeof(host), f))
				chomp(host);
			fclose(f);
		}
		if (!host[0]) {
			err_set(e, ERR_DB, "no database configured: '%s' not found", path);
			err_detail(e, "give --db CONNINFO, set PGHOST/PGDATABASE, or run "
				   "`make pg` to start the private cluster");
			return NULL;
		}
		keys[n] = "host"; vals[n++] = host;
		keys[n] = "dbname"; vals[n++] = "sbyt";
	} else if (conninfo) {
		/* a string libpq cannot parse: its message quotes a piece of the
		 * string, which may be a password: said without the quotes */
		char *msg = NULL;
		PQconninfoOption *o = PQconninfoParse(conninfo, &msg);

		if (!o) {
			char why[512] = "";
			size_t w = 0;
			int q = 0;

			for (const char *s = msg ? msg : "out of memory"; *s && w < sizeof(why) - 8; s++) {
				if (*s == '"') {
					if (!q)
						memcpy(why + w, "\"...\"", 5), w += 5;
					q = !q;
				} else if (!q) {
					why[w++] = *s;
				}
			}
			why[w] = '\0';
			chomp(why);
			PQfreemem(msg);
			return err_set(e, ERR_CONFIG, "the connection string is invalid: %s", why), NULL;
		}
		PQconninfoFree(o);
		keys[n] = "dbname"; vals[n++] = conninfo;  /* expanded by libpq */
	}
	keys[n] = "application_name"; vals[n++] = "sbyt";
	keys[n] = NULL; vals[n] = NULL;
	db = PQconnectdbParams(keys, vals, 1);
	if (!db || PQstatus(db) != CONNECTION_OK) {
		if (host[0])
			snprintf(where, sizeof(where), "host=%s dbname=sbyt", host);
		else if (conninfo)
			snprintf(where, sizeof(where), "%s", conninfo);
		else
			snprintf(where, sizeof(where), "host=%s dbname=%s",
				 getenv("PGHOST") ? getenv("PGHOST") : "(default)",
				 getenv("PGDATABASE") ? getenv("PGDATABASE") : "(default)");
		{
			/* never show the password: the conninfo shown has it as ***,
			 * and libpq's message may quote a piece of the conninfo */
			char shown[sizeof(where)];
			scrub_secrets(where, shown, sizeof(shown));
			err_set(e, ERR_DB, "could not connect to the database server at '%s': %s",
				shown, db ? PQerrorMessage(db) : "out of memory");
		}
		if (e) {
			char *pw = db_conninfo_password(conninfo);
			chomp(e->msg);
			scrub_literal(e->msg, sizeof(e->msg), pw);
			free(pw);
		}
		PQfinish(db);
		return NULL;
	}
	PQsetNoticeProcessor(db, NULL, NULL);
	{
		/* the supplier's zone for every timestamp the server formats */
		const char *p[1] = { date_zone() };
		PGresult *r = PQexec(db, "SET client_min_messages = warning");
		PQclear(r);
		/* No JIT: sbyt's queries are scans and probes whose cost is the
		 * rows, and the server compiles a query once its estimated cost
		 * passes jit_above_cost (inlining and optimising past 500,000):
		 * a fixed 0.3-0.4 s a query that the same query at 100,000
		 * accounts never pays, so cost grew faster than the accounts
		 * (issue 18: bill's four cursors per branch at 1,000,000). */
		r = PQexec(db, "SET jit = off");
		PQclear(r);
		r = PQexecParams(db, "SELECT set_config('TimeZone', $1, false)", 1, NULL, p,
				 NULL, NULL, 0);
		if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
			db_result_error(db, r, e);
			if (e && e->kind != ERR_DB)
				err_set(e, ERR_CONFIG, "the database server does not know the time "
					"zone '%s'", p[0]);
			PQclear(r);
			PQfinish(db);
			return NULL;
		}
		PQclear(r);
	}
	return db;
}

const char *db_where(PGconn *db, char *buf, size_t size)
{
	snprintf(buf, size, "host=%s port=%s dbname=%s", PQhost(db) ? PQhost(db) : "",
		 PQport(db) ? PQport(db) : "", PQdb(db) ? PQdb(db) : "");
	return buf;
}

/* res if it is COMMAND_OK or TUPLES_OK, else NULL with e set (res freed). */
static PGresult *result_ok(PGconn *db, PGresult *res, struct sbyt_err *e)
{
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	db_result_error(db, res, e);
	PQclear(res);
	return NULL;
}

PGresult *db_query(PGconn *db, struct sbyt_err *e, const char *sql,
		   int nparams, const char *const *params)
{
	return result_ok(db, PQexecParams(db, sql, nparams, NULL, params, NULL, NULL, 0), e);
}

int db_prepare(PGconn *db, struct sbyt_err *e, const char *name, const char *sql)
{
	PGresult *res = result_ok(db, PQprepare(db, name, sql, 0, NULL), e);

	PQclear(res);
	return res ? 0 : -1;
}

PGresult *db_query_prepared(PGconn *db, struct sbyt_err *e, const char *name,
			    int nparams, const char *const *params)
{
	return result_ok(db, PQexecPrepared(db, name, nparams, params, NULL, NULL, 0), e);
}

int db_exec(PGconn *db, struct sbyt_err *e, const char *sql,
	    int nparams, const char *const *params)
{
	PGresult *res = db_query(db, e, sql, nparams, params);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int db_script(PGconn *db, struct sbyt_err *e, const char *sql)
{
	PGresult *res = PQexec(db, sql);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	db_result_error(db, res, e);
	PQclear(res);
	return -1;
}

int db_value(PGconn *db, struct sbyt_err *e, const char *sql, int nparams,
	     const char *const *params, char **out)
{
	PGresult *res = db_query(db, e, sql, nparams, params);

	*out = NULL;
	if (!res)
		return -1;
	if (PQntuples(res) < 1 || PQnfields(res) < 1) {
		PQclear(res);
		return err_set(e, ERR_INTERNAL, "query returned no rows: %.60s", sql);
	}
	if (!PQgetisnull(res, 0, 0)) {
		*out = strdup(PQgetvalue(res, 0, 0));
		if (!*out) {
			PQclear(res);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
	}
	PQclear(res);
	return 0;
}

int db_begin(PGconn *db, struct sbyt_err *e)
{
	return db_exec(db, e, "BEGIN", 0, NULL);
}

int db_commit(PGconn *db, struct sbyt_err *e)
{
	return db_exec(db, e, "COMMIT", 0, NULL);
}

void db_rollback(PGconn *db)
{
	PGresult *res;

	if (PQstatus(db) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(db) == PQTRANS_IDLE)
		return;
	res = PQexec(db, "ROLLBACK");
	PQclear(res);
}

int db_stream_begin(PGconn *db, struct sbyt_err *e, const char *sql, int nparams,
		    const char *const *params)
{
	if (!PQsendQueryParams(db, sql, nparams, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(db))
		return db_result_error(db, NULL, e);
	return 0;
}

PGresult *db_stream_next(PGconn *db, int *failed, struct sbyt_err *e)
{
	PGresult *res = PQgetResult(db);

	*failed = 0;
	while (res) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE)
			return res;
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && !*failed) {
			db_result_error(db, res, e);
			*failed = 1;
		}
		PQclear(res);
		res = PQgetResult(db);
	}
	return NULL;
}

void db_stream_cancel(PGconn *db)
{
	PGcancel *c = PQgetCancel(db);
	char buf[256];
	PGresult *res;

	if (c) {
		PQcancel(c, buf, sizeof(buf));
		PQfreeCancel(c);
	}
	while ((res = PQgetResult(db)) != NULL)
		PQclear(res);
}

int db_try_lock(PGconn *db, const char *name, struct sbyt_err *e)
{
	const char *p[1] = { name };
	PGresult *res = db_query(db, e,
		"SELECT pg_try_advisory_lock(hashtext('sbyt:' || $1))", 1, p);
	int got;

	if (!res)
		return -1;
	got = PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return got;
}

int db_analyze_grown(PGconn *db, const char *const *tables, struct sbyt_err *e)
{
	char list[2048];
	size_t len = 0;
	const char *p[1] = { list };
	PGresult *res;
	int rc = 0;

	/* an array literal of our own table names (no input reaches it) */
	list[len++] = '{';
	for (int i = 0; tables[i]; i++) {
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? "," : "", tables[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - len - 1)
			return err_set(e, ERR_INTERNAL, "too many tables to analyze");
		len += (size_t)n;
	}
	list[len++] = '}';
	list[len] = '\0';
	res = db_query(db, e,
		/* [1]: most of its rows dead (more than 4 dead to 1 live) */
		"SELECT format('%I.%I', n.nspname, c.relname),"
		" pg_stat_get_dead_tuples(c.oid) > 4 * pg_stat_get_live_tuples(c.oid)"
		" FROM unnest($1::text[]) t(name)"
		/* a plain table has no partition tree: itself */
		" LEFT JOIN LATERAL pg_partition_tree(to_regclass(t.name)) pt ON true"
		" JOIN pg_class c ON c.oid = coalesce(pt.relid, to_regclass(t.name))"
		" AND c.relkind = 'r'"
		" JOIN pg_namespace n ON n.oid = c.relnamespace"
		/* ANALYZE is the owner's (another role's run skips it) */
		" WHERE pg_has_role(c.relowner, 'USAGE') AND (pg_relation_size(c.oid) / current_setting('block_size')::int"
		"  > 1.1 * greatest(c.relpages, 0) + 8"
		/* the function, not the pg_stat_user_tables view: 3 ms, not 9-35 */
		/* or a month's rows of history: half as many as there are
		 * accounts (a year's table grows by 8 % a month, and a new
		 * period's rows planned as one row ran for seconds) */
		" OR pg_stat_get_mod_since_analyze(c.oid) > least(0.1 * greatest(c.reltuples, 0),"
		"  0.5 * (SELECT greatest(a.reltuples, 0) FROM pg_class a"
		"  WHERE a.oid = to_regclass('account'))) + 1000)",
		1, p);
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		/* A table whose rows are mostly dead (a killed run's, rolled back)
		 * is vacuumed first: analyzed as it is, it would say "no rows" of
		 * all its pages, and the rows the run writes again would be
		 * planned as none - the limitation run started again after a
		 * kill on its first day, at 1,000,000 accounts, looped over its
		 * 50,000 new notices once per notice (stopped after 13 minutes;
		 * the run takes 4 s).  VACUUM cuts the dead pages off (outside a
		 * transaction only). */
		int dead = PQgetvalue(res, i, 1)[0] == 't' && PQtransactionStatus(db) == PQTRANS_IDLE;
		char sql[300];
		snprintf(sql, sizeof(sql), "%s %s", dead ? "VACUUM (ANALYZE)" : "ANALYZE",
			 PQgetvalue(res, i, 0));
		rc = db_exec(db, e, sql, 0, NULL);
	}
	PQclear(res);
	return rc;
}

/* ---- COPY ---- */

#define COPY_FLUSH (256 * 1024)

static int copy_reserve(struct copy *c, size_t more, struct sbyt_err *e)
{
	if (c->len + more <= c->cap)
		return 0;
	size_t cap = c->cap ? c->cap : COPY_FLUSH * 2;
	while (cap < c->len + more)
		cap *= 2;
	char *nb = realloc(c->buf, cap);
	if (!nb)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->buf = nb;
	c->cap = cap;
	return 0;
}

static int copy_flush(struct copy *c, struct sbyt_err *e)
{
	if (c->len == 0)
		return 0;
	if (PQputCopyData(c->db, c->buf, (int)c->len) != 1)
		return db_result_error(c->db, NULL, e);
	c->len = 0;
	return 0;
}

int copy_begin(struct copy *c, PGconn *db, const char *sql, struct sbyt_err *e)
{
	PGresult *res;

	memset(c, 0, sizeof(*c));
	c->db = db;
	res = PQexec(db, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		db_result_error(db, res, e);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static int sep(struct copy *c, struct sbyt_err *e)
{
	if (c->fields++ == 0)
		return 0;
	if (copy_reserve(c, 1, e))
		return -1;
	c->buf[c->len++] = '\t';
	return 0;
}

/* Whether byte b needs an escape in COPY's text format. */
static int copy_special(char b)
{
	return b == '\\' || b == '\t' || b == '\n' || b == '\r';
}

/* The offset of the first byte from i on that needs an escape, or len:
 * eight bytes at a time while none is below 0x0E or a backslash. */
static size_t copy_plain_run(const char *s, size_t i, size_t len)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;

	for (;;) {
		size_t stop;
		for (; i + 8 <= len; i += 8) {
			uint64_t w, b;
			memcpy(&w, s + i, 8);
			b = w ^ (0x5C * ones);  /* a backslash: a zero byte */
			if ((((w - 0x0E * ones) & ~w) | ((b - ones) & ~b)) & high)
				break;
		}
		stop = i + 8 < len ? i + 8 : len;
		for (; i < stop; i++)
			if (copy_special(s[i]))
				return i;
		if (i == len)
			return len;
	}
}

/* Runs of plain bytes are copied at once and the buffer's end is kept in a
 * local pointer (a byte-at-a-time loop reloads it for every byte: a char
 * store may alias it); the four escapes (backslash, TAB, newline, carriage
 * return) as COPY's text format wants them.  A quarter of `sbyt load`'s own
 * CPU at a million accounts was the byte-at-a-time loop (session 9). */
int copy_field(struct copy *c, const char *s, size_t len, struct sbyt_err *e)
{
	size_t i = 0;
	char *o;

	if (sep(c, e) || copy_reserve(c, len * 2, e))
		return -1;
	if (len == 0)
		return 0;  /* c->buf may still be NULL */
	o = c->buf + c->len;
	while (i < len) {
		size_t run = copy_plain_run(s, i, len);
		memcpy(o, s + i, run - i);
		o += run - i;
		if (run == len)
			break;
		*o++ = '\\';
		*o++ = s[run] == '\\' ? '\\' : s[run] == '\t' ? 't' : s[run] == '\n' ? 'n' : 'r';
		i = run + 1;
	}
	c->len = (size_t)(o - c->buf);
	return 0;
}

int copy_str(struct copy *c, const char *s, struct sbyt_err *e)
{
	return s ? copy_field(c, s, strlen(s), e) : copy_null(c, e);
}

int copy_int(struct copy *c, int64_t v, struct sbyt_err *e)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", (long long)v);

	return copy_field(c, b, (size_t)n, e);
}

int copy_null(struct copy *c, struct sbyt_err *e)
{
	if (sep(c, e) || copy_reserve(c, 2, e))
		return -1;
	c->buf[c->len++] = '\\';
	c->buf[c->len++] = 'N';
	return 0;
}

int copy_row(struct copy *c, struct sbyt_err *e)
{
	if (copy_reserve(c, 1, e))
		return -1;
	c->buf[c->len++] = '\n';
	c->fields = 0;
	c->rows++;
	if (c->db && c->len >= COPY_FLUSH)
		return copy_flush(c, e);
	return 0;
}

int copy_send_end(struct copy *c, struct sbyt_err *e)
{
	if (copy_flush(c, e)) {
		copy_abort(c, "flush failed");
		return -1;
	}
	free(c->buf);
	c->buf = NULL;
	if (PQputCopyEnd(c->db, NULL) != 1)
		return db_result_error(c->db, NULL, e);
	return 0;
}

int copy_send(PGconn *db, const char *sql, const char *rows, size_t len, struct sbyt_err *e)
{
	PGresult *res = PQexec(db, sql);

	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		db_result_error(db, res, e);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (PQputCopyData(db, rows, (int)len) != 1 || PQputCopyEnd(db, NULL) != 1) {
		db_result_error(db, NULL, e);
		PQputCopyEnd(db, "failed");
		return -1;
	}
	return 0;
}

int db_drain(PGconn *db, struct sbyt_err *e)
{
	PGresult *res;
	int rc = 0;

	while ((res = PQgetResult(db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = db_result_error(db, res, e);
		PQclear(res);
	}
	return rc;
}

int copy_end(struct copy *c, struct sbyt_err *e)
{
	if (copy_send_end(c, e))
		return -1;
	return db_drain(c->db, e);
}

void copy_abort(struct copy *c, const char *why)
{
	PGresult *res;

	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	if (PQputCopyEnd(c->db, why) == 1)
		while ((res = PQgetResult(c->db)) != NULL)
			PQclear(res);
}
