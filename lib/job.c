/* job.c - lock, run record, files and counts of a job; see job.h. */
#include "job.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

static void os_user(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw && pw->pw_name)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid %u", (unsigned)geteuid());
}

/* The command line as one string, arguments with spaces quoted. */
static char *join_argv(int argc, char **argv)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	s = p = malloc(len);
	if (!s)
		return NULL;
	for (int i = 0; i < argc; i++) {
		int q = strchr(argv[i], ' ') != NULL || argv[i][0] == '\0';
		p += sprintf(p, "%s%s%s%s", i ? " " : "", q ? "'" : "", argv[i], q ? "'" : "");
	}
	return s;
}

int job_lock(PGconn *db, const char *name, struct sbyt_err *e)
{
	int got = db_try_lock(db, name, e);

	if (got < 0)
		return -1;
	if (!got)
		return err_set(e, ERR_LOCKED, "another '%s' run holds the lock", name);
	return 0;
}

int job_begin(struct job *j, PGconn *db, const char *name, int argc, char **argv,
	      sdate as_of, const char *rules_version, struct sbyt_err *e)
{
	char user[128], pid[16], date[DATE_BUF], *line, *id = NULL;
	int got;

	memset(j, 0, sizeof(*j));
	j->db = db;
	j->name = name;
	if (job_lock(db, name, e))
		return -1;
	{
		const char *p[1] = { name };
		if (db_exec(db, e, "UPDATE run SET status = 'aborted', ended_at = clock_timestamp(),"
			    " message = 'the run ended without closing its record (killed?)'"
			    " WHERE command = $1 AND status = 'running'", 1, p))
			return -1;
	}
	os_user(user, sizeof(user));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	date_format(as_of, date);
	line = join_argv(argc, argv);
	if (!line)
		return err_set(e, ERR_INTERNAL, "out of memory");
	{
		const char *p[6] = { name, line, user, pid, date, rules_version };
		got = db_value(db, e, "INSERT INTO run (command, command_line, os_user, pid, as_of,"
			       " rules_version) VALUES ($1, $2, $3, $4, $5, $6) RETURNING run_id",
			       6, p, &id);
	}
	free(line);
	if (got)
		return -1;
	j->run_id = id ? strtoll(id, NULL, 10) : 0;
	free(id);
	return 0;
}

int job_file(struct job *j, const char *direction, const char *path,
	     const char *sha256, int64_t bytes, struct sbyt_err *e)
{
	char run[24], size[24];
	const char *p[5] = { run, direction, path, sha256, size };

	snprintf(run, sizeof(run), "%lld", (long long)j->run_id);
	snprintf(size, sizeof(size), "%lld", (long long)bytes);
	return db_exec(j->db, e, "INSERT INTO run_file (run_id, direction, path, sha256, bytes)"
		       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, direction, path)"
		       " DO UPDATE SET sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes", 5, p);
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
	char run[24], code[16], counts[1024], dl[DATE_BUF];
	size_t n = 0;

	if (!j->db || j->run_id == 0)
		return 0;
	n += (size_t)snprintf(counts + n, sizeof(counts) - n, "{");
	for (int i = 0; i < j->ncounts && n < sizeof(counts) - 64; i++)
		n += (size_t)snprintf(counts + n, sizeof(counts) - n, "%s\"%s\": %lld",
				      i ? ", " : "", j->count_key[i], (long long)j->count_val[i]);
	snprintf(counts + n, sizeof(counts) - n, "}");
	snprintf(run, sizeof(run), "%lld", (long long)j->run_id);
	snprintf(code, sizeof(code), "%d", exit_code);
	{
		const char *p[7] = { run, exit_code == 0 ? "done" : "failed", code, message,
				     counts, j->breach[0] ? j->breach : NULL,
				     j->breach[0] ? date_format(j->deadline, dl) : NULL };
		int rc;

		if (PQstatus(j->db) != CONNECTION_OK)
			return 0;
		db_rollback(j->db);
		rc = db_exec(j->db, e, "UPDATE run SET ended_at = clock_timestamp(), status = $2,"
			     " exit_code = $3, message = $4, counts = $5::jsonb, breach = $6,"
			     " deadline = $7 WHERE run_id = $1", 7, p);
		/* Release the job's locks now: the server would notice the closed
		 * connection only a moment later, and the next run, started at
		 * once, would find the lock still held. */
		db_exec(j->db, NULL, "SELECT pg_advisory_unlock_all()", 0, NULL);
		return rc;
	}
}
