/* job.c - lock, run record, files and counts of a job; see job.h. */
#include "job.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "scrub.h"

void job_os_user(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw && pw->pw_name)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned)geteuid());
}

/* The command line as one string, arguments with spaces quoted, every
 * password of a connection string as *** and control characters escaped
 * (scrub.h): what the run record keeps and the runs workbook shows. */
static char *join_argv(int argc, char **argv)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		len += 4 * (strlen(argv[i]) + 8) + 3;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (int i = 0; i < argc; i++) {
		int q = strchr(argv[i], ' ') != NULL || argv[i][0] == '\0';
		char *safe = scrub_secrets_dup(argv[i]);
		size_t n;

		if (!safe) {
			free(s);
			return NULL;
		}
		n = (size_t)(p - s);
		p += snprintf(p, len - n, "%s%s", i ? " " : "", q ? "'" : "");
		scrub_controls(safe, p, len - (size_t)(p - s));
		p += strlen(p);
		p += snprintf(p, len - (size_t)(p - s), "%s", q ? "'" : "");
		free(safe);
	}
	return s;
}

/* The lock of `name` is held: say by whom, from the newest running record
 * of the job (pid, host, start, user), in e's detail. */
static void lock_holder(PGconn *db, const char *name, struct sbyt_err *e)
{
	const char *p[1] = { name };
	PGresult *r = db_query(db, NULL,
		"SELECT run_id, pid, coalesce(host, '?'), os_user, db_user,"
		" to_char(started_at, 'YYYY-MM-DD HH24:MI:SSOF')"
		" FROM run WHERE command = $1 AND status = 'running' ORDER BY run_id DESC LIMIT 1",
		1, p);

	if (r && PQntuples(r) == 1)
		err_detail(e, "held by run %s: pid %s on host %s, started %s by %s (database "
			   "role %s)", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1),
			   PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 5), PQgetvalue(r, 0, 3),
			   PQgetvalue(r, 0, 4));
	else if (e)
		err_detail(e, "held by a session without a run record of '%s'", name);
	PQclear(r);
}

int job_lock(PGconn *db, const char *name, struct sbyt_err *e)
{
	int got = db_try_lock(db, name, e);

	if (got < 0)
		return -1;
	if (!got) {
		err_set(e, ERR_LOCKED, "another '%s' run holds the lock", name);
		lock_holder(db, name, e);
		return -1;
	}
	return 0;
}

/* The history tables whose statistics the plans of job `name` rely on.
 * The month's documents (a million rows that docs writes, then autovacuum
 * vacuums for about 14 s, throttled) are read by the limitation day only
 * by key, from its warnings: its ANALYZE of them waited 1 s (the
 * deadlock timeout) for autovacuum to be cancelled, and took 0.25 s more,
 * in a 4.7 s stage (make bench, N = 1,000,000).  The daily job's other
 * stages (inbox, service, debt) do not read them.  docs analyzes them
 * before its cursors. */
static const char *const *job_reads(const char *name)
{
#define HISTORY "account", "meter", "contract", "reserve", "reading", "payment",          \
		"consumption", "charge_line", "obligation", "delivery", "debt_checkpoint", \
		"debt_snapshot", "debt_snapshot_day", "debt_snapshot_base", "limit_case", \
		"limit_step", "limit_notice", "limit_event", "limit_request", "limit_doc_warning"
	static const char *const all[] = { HISTORY, "document", "docs_carry", NULL };
	static const char *const days[] = { HISTORY, NULL };
#undef HISTORY

	return strcmp(name, "limit") && strcmp(name, "daily") ? all : days;
}

int job_begin(struct job *j, PGconn *db, const char *name, int argc, char **argv,
	      sdate as_of, const char *rules_version, struct sbyt_err *e)
{
	char user[128], pid[16], date[DATE_BUF], host[256], *line, *id = NULL;
	int got;

	memset(j, 0, sizeof(*j));
	j->db = db;
	j->name = name;
	if (job_lock(db, name, e))
		return -1;
	job_os_user(user, sizeof(user));
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	date_format(as_of, date);
	line = join_argv(argc, argv);
	if (!line)
		return err_set(e, ERR_INTERNAL, "out of memory");
	{
		/* sbyt_run_begin (sql/130) marks the job's dead runs aborted and
		 * opens the record; the roles may call it, not write run */
		const char *p[7] = { name, line, user, pid, date, rules_version, host };
		got = db_value(db, e, "SELECT sbyt_run_begin($1, $2, $3, $4::int, $5::date, $6, $7)",
			       7, p, &id);
	}
	free(line);
	if (got)
		return -1;
	j->run_id = id ? strtoll(id, NULL, 10) : 0;
	free(id);
	/* plan on statistics of what the jobs before wrote (db.h): the first
	 * month fills these from empty, and autovacuum comes a minute later */
	return db_analyze_grown(db, job_reads(name), e);
}

int job_file(struct job *j, const char *direction, const char *path,
	     const char *sha256, int64_t bytes, struct sbyt_err *e)
{
	char run[24], size[24], *safe = scrub_controls_dup(path);
	const char *p[5] = { run, direction, safe, sha256, size };
	int rc;

	if (!safe)
		return err_set(e, ERR_INTERNAL, "out of memory");
	snprintf(run, sizeof(run), "%lld", (long long)j->run_id);
	snprintf(size, sizeof(size), "%lld", (long long)bytes);
	rc = db_exec(j->db, e, "SELECT sbyt_run_file($1::bigint, $2, $3, $4, $5::bigint)", 5, p);
	free(safe);
	return rc;
}

void job_count(struct job *j, const char *key, int64_t value)
{
	for (int i = 0; i < j->ncounts; i++) {
		if (strcmp(j->count_key[i], key) == 0) {
			j->count_val[i] = value;
			return;
		}
	}
	if (j->ncounts < JOB_MAX_COUNTS) {
		j->count_key[j->ncounts] = key;
		j->count_val[j->ncounts++] = value;
	} else {
		j->counts_dropped++;
	}
}

void job_breach(struct job *j, sdate deadline, const char *what)
{
	char d[DATE_BUF];

	j->deadline = deadline;
	snprintf(j->breach, sizeof(j->breach), "%s: deadline %s", what, date_format(deadline, d));
}

int job_end(struct job *j, int exit_code, const char *message, struct sbyt_err *e)
{
	char run[24], code[16], counts[JOB_MAX_COUNTS * 96 + 64], dl[DATE_BUF], msg[4 * 2048 + 1];
	size_t n = 0;

	if (!j->db || j->run_id == 0)
		return 0;
	n += (size_t)snprintf(counts + n, sizeof(counts) - n, "{");
	/* keys are short literals (< 64 bytes): 96 a count always fits */
	for (int i = 0; i < j->ncounts; i++)
		n += (size_t)snprintf(counts + n, sizeof(counts) - n, "%s\"%.64s\": %lld",
				      i ? ", " : "", j->count_key[i], (long long)j->count_val[i]);
	if (j->counts_dropped)
		n += (size_t)snprintf(counts + n, sizeof(counts) - n, "%s\"dropped_counts\": %d",
				      n > 1 ? ", " : "", j->counts_dropped);
	snprintf(counts + n, sizeof(counts) - n, "}");
	snprintf(run, sizeof(run), "%lld", (long long)j->run_id);
	snprintf(code, sizeof(code), "%d", exit_code);
	{
		const char *p[7] = { run, exit_code == 0 ? "done" : "failed", code,
				     message ? scrub_controls(message, msg, sizeof(msg)) : NULL,
				     counts, j->breach[0] ? j->breach : NULL,
				     j->breach[0] ? date_format(j->deadline, dl) : NULL };
		int rc;

		if (PQstatus(j->db) != CONNECTION_OK)
			return 0;
		db_rollback(j->db);
		rc = db_exec(j->db, e, "SELECT sbyt_run_end($1::bigint, $2, $3::int, $4, $5::jsonb,"
			     " $6, $7::date)", 7, p);
		/* Release the job's locks now: the server would notice the closed
		 * connection only a moment later, and the next run, started at
		 * once, would find the lock still held. */
		db_exec(j->db, NULL, "SELECT pg_advisory_unlock_all()", 0, NULL);
		return rc;
	}
}
