/*
 * job.h - the frame every data-changing command runs inside.
 *
 * job_begin() takes the PostgreSQL advisory lock of the job (a second
 * concurrent run gets ERR_LOCKED, exit 75, whose detail names the pid, host
 * and start of the holder from its run record), marks runs of the same job that
 * were left 'running' by a crash as 'aborted' (we hold the lock, so they are
 * dead), writes the run record: command line, OS user, pid, as-of date,
 * rules version, host (the database role is the session's), and analyzes
 * the history tables whose statistics lag what earlier jobs wrote
 * (db_analyze_grown()).  Run records are
 * written only through the SECURITY DEFINER functions of sql/130, which the
 * operator and auditor roles may call.  The job then does its work in transactions of its own,
 * records its input and output files (SHA-256) and counts, and job_end()
 * closes the run record with the exit status and any deadline breach.  The
 * run record is written outside the work transactions, so a failed run is
 * still on record.
 */
#ifndef SBYT_JOB_H
#define SBYT_JOB_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"

#define JOB_MAX_COUNTS 48

struct job {
	PGconn *db;
	const char *name;
	int64_t run_id;
	int ncounts;
	const char *count_key[JOB_MAX_COUNTS];
	int64_t count_val[JOB_MAX_COUNTS];
	int counts_dropped;  /* keys past JOB_MAX_COUNTS: recorded as "dropped_counts" */
	char breach[256];
	sdate deadline;      /* set with the breach */
};

/* The OS user of this process, from the password database by the
 * effective uid (never $USER, which anyone sets); "uid N" when unnamed. */
void job_os_user(char *buf, size_t size);
/* Take the advisory lock of job `name` for this session (a job frame also
 * takes the locks of the jobs whose stages it runs).  Returns 0, or -1 with
 * e set: ERR_LOCKED "another 'NAME' run holds the lock" when another session
 * holds it, ERR_DB when the server is gone. */
int job_lock(PGconn *db, const char *name, struct sbyt_err *e);
/* Lock `name` and open a run record.  argv/argc: the whole command line.
 * rules_version may be NULL.  Returns 0, or -1 with e set (ERR_LOCKED when
 * another run of the job holds the lock, ERR_DB when the server is gone). */
int job_begin(struct job *j, PGconn *db, const char *name, int argc, char **argv,
	      sdate as_of, const char *rules_version, struct sbyt_err *e);
/* Record an input ("in") or output ("out") file with its SHA-256 and size. */
int job_file(struct job *j, const char *direction, const char *path,
	     const char *sha256, int64_t bytes, struct sbyt_err *e);
/* Set (not add) a named count for the run record; key must be a literal.
 * Past JOB_MAX_COUNTS keys the record gets "dropped_counts": N instead. */
void job_count(struct job *j, const char *key, int64_t value);
/* Record that the job finished after its deadline (text says which). */
void job_breach(struct job *j, sdate deadline, const char *what);
/* Close the run record with exit_code and message (NULL when none) and
 * release the job's advisory locks.  A lost connection is ignored here: the run stays 'running' and the next run of
 * the job marks it 'aborted'.  Returns 0 or -1 with e set. */
int job_end(struct job *j, int exit_code, const char *message, struct sbyt_err *e);

#endif
