/*
 * limit_out.h - the day's limitation packages (SPEC 9.4).
 *
 * limit_write_day() reads what the database holds for one day - the notices
 * issued, the grid requests issued and the register of steps taken - and
 * writes, per branch, out/limit/YYYY-MM-DD/<branch>/<kind>.zip for each kind
 * that has something (notices-post with mailing.csv, notices-sms,
 * notices-email, notices-edo, notices-lkk, notices-personal (handed over
 * against signature), notices-authorities,
 * grid-requests; XML in urn:sbyt:limitation:1 plus the manifest) and
 * register.xlsx.  Built from the database state, not from one process's
 * memory, so a killed run started again writes the same packages.  Notices
 * inside payment documents are not packaged: they wait in
 * limit_doc_warning for the docs job.
 */
#ifndef SBYT_LIMIT_OUT_H
#define SBYT_LIMIT_OUT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "job.h"
#include "limit.h"

struct limit_out_counts {
	int64_t packages, notices, requests, registers;
};

/* Write the packages of env->day under out_dir/limit/YYYY-MM-DD/; each
 * file is recorded on j (may be NULL).  Each Notice and Request carries
 * its Russian <Text citation="..."> from the rules' templates (limit_text.h).
 * Returns 0 (counts in *n) or -1 with e set (ERR_CANTCREATE, ERR_IO, ERR_DB,
 * ERR_CONFIG: a text the rules lack). */
int limit_write_day(PGconn *db, const struct limit_env *env, const char *out_dir,
		    struct job *j, const char *rules_version, struct limit_out_counts *n,
		    struct sbyt_err *e);

#endif
