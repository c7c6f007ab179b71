/*
 * limit_run.h - one day of the limitation workflow as a job stage (SPEC 9.4),
 * the library half of `sbyt limit run` and of the limitation stage of
 * `sbyt daily`, beside limit_operator_cancel() and limit_operator_refuse().
 *
 * limit_run_day() first writes the packages of the recent days whose work
 * was committed but whose packages were not written (a run killed between
 * the two: a catch-up, counted in caught_up).  Then it records the day's
 * delivery confirmations (committed on their own); on a working day it
 * selects the accounts with an open case or overdue debt and advances them
 * (limit_advance()) in batches, in one transaction - or, when env->twin and
 * a second connection opens, in two parts at once (the shards' hash of the
 * account, modulo 2), each in a transaction on its connection, the two
 * committed together once both are done.  An e-mailed notice is delivered (sent)
 * only once its package is written: it writes the day's e-mail and
 * authorities' packages (limit_write_mail()) and records the day as written
 * but not complete (limit_day_written), a second pass takes the accounts
 * whose e-mails went out, and then it writes the day's packages whole, once,
 * from what the database holds (limit_out.h) and records the day complete:
 * the day counts as done only then.
 */
#ifndef SBYT_LIMIT_RUN_H
#define SBYT_LIMIT_RUN_H

#include <libpq-fe.h>
#include <stdint.h>

#include "acctrej.h"
#include "job.h"
#include "limit.h"

/* What a day did. */
struct limit_run_counts {
	int working;
	int64_t deliveries, accounts, notices, requests, cancelled, packages, pending;
	int64_t caught_up;                      /* earlier days whose packages it wrote */
	int64_t refused;                        /* accounts left waiting (named in rej) */
	char pending_msg[256];                  /* the first missing-year message */
	double t_deliveries, t_select, t_cases, t_packages;  /* seconds */
};

/* Run env->day on db (no transaction open) and write its packages under
 * out_dir, recorded on j (may be NULL) with rules_version.  An account the
 * day cannot advance - a step waits for a production calendar year that is
 * not loaded - is named with the reason in rej (acctrej.h; may be NULL)
 * and counted in k->refused, once a run.  Returns 0 (k set), or -1 with e
 * set; on error nothing of the day's cases is kept (but the delivery
 * confirmations recorded, and, when the process dies between the two
 * parts' commits, the part committed: the day run again completes it). */
int limit_run_day(PGconn *db, const struct limit_env *env, const char *out_dir, struct job *j,
		  const char *rules_version, struct acctrej *rej, struct limit_run_counts *k,
		  struct sbyt_err *e);

#endif
