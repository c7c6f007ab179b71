/*
 * acctrej.h - the accounts a job refused or skipped, in a rejects file.
 *
 * A stage that leaves an account out for its data (bill: a reading below
 * the previous one, a legal entity without a calculation method...) names
 * each here.  They go to OUT/rejects/JOB-WHAT-runN.accounts.csv (`account;
 * reason`, UTF-8, control characters escaped, mode 0640, written under a
 * temporary name, fsynced and renamed when the stage ends; no file when
 * none was refused), and the terminal gets one line with the count and the
 * first few accounts instead of a warning per account.  Memory stays
 * bounded: the accounts go to the file as they come.  The file is opened
 * (O_APPEND) before the stage starts and each account is one write(2), so
 * the stage's forked workers may add to it too; the count is the stage's.
 */
#ifndef SBYT_ACCTREJ_H
#define SBYT_ACCTREJ_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

struct job;

#define ACCTREJ_SHOW 3

struct acctrej {
	char path[4096], tmp[4200];
	int fd;
	int64_t n;             /* set by acctrej_close() */
	int failed;            /* a write failed (in this process) */
	int late;              /* the file is made at the first account */
	int made;              /* the temporary file was made */
	char first[ACCTREJ_SHOW][192];
};

/* Open OUT/rejects/JOB-WHAT-runRUN.accounts.csv under a temporary name
 * (-runRUN-2, -3... when the job already wrote one).
 * 0, or -1 with e set (ERR_CANTCREATE). */
int acctrej_init(struct acctrej *r, const char *out_dir, const char *job, const char *what,
		 int64_t run_id, struct sbyt_err *e);
/* The same, but the folder and the file are made when the first account is
 * added (a stage of one process that may refuse none: a stage that refuses
 * nothing needs no writable rejects folder).  0, or -1 with e set. */
int acctrej_init_late(struct acctrej *r, const char *out_dir, const char *job, const char *what,
		      int64_t run_id, struct sbyt_err *e);
/* Add one account with its reason: one line, one write(2).  A failure is
 * remembered (r->failed) and reported by acctrej_close() in this process. */
void acctrej_add(struct acctrej *r, const char *account, const char *reason);
/* Add from a message "account 'N': reason" (else the whole message). */
void acctrej_add_msg(struct acctrej *r, const char *msg);
/* Close after the stage refused n accounts: none, the temporary file is
 * removed; else it is fsynced and renamed into place and the first few
 * read back for acctrej_line().  0, or -1 with e set (ERR_IO). */
int acctrej_close(struct acctrej *r, int64_t n, struct sbyt_err *e);
/* acctrej_close(), then the file (when there is one) recorded as an output
 * of the job's run (job_file(), with its hash).  0, or -1 with e set. */
int acctrej_finish(struct acctrej *r, int64_t n, struct job *j, struct sbyt_err *e);
/* Remove the temporary file of a failed stage. */
void acctrej_abort(struct acctrej *r);
/* "N accounts refused: A (reason); B (reason); C (reason) and K more; every
 * one in PATH" in buf; returns buf. */
const char *acctrej_line(const struct acctrej *r, const char *what, char *buf, size_t size);

#endif
