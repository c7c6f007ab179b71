/*
 * report_runs.h - the runs report for auditors (SPEC 11): every job run in
 * a date range with who ran it, when, the command line, its input and
 * output files with SHA-256, its counts, exit status, rules version and any
 * deadline breach, as an XLSX table (Russian headers), streamed.
 */
#ifndef SBYT_REPORT_RUNS_H
#define SBYT_REPORT_RUNS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "names.h"

/* Write the runs started from `from` to `to` inclusive (dates in the
 * supplier's zone), or whose as-of date falls in that range (a replayed
 * day is found by the day it replayed), as a workbook at path (the caller renames it into place,
 * see report.h); *rows gets the number of runs.  Returns 0 or -1 with e set. */
int report_runs(PGconn *db, const struct names *names, sdate from, sdate to, const char *path,
		int64_t *rows, struct sbyt_err *e);

#endif
