/*
 * report_rejects.h - the rejects report (SPEC 11): the ingested files of a
 * date range with their counts (read = accepted + rejected + duplicates +
 * held), then every rejected line with its file, line, account, reason code
 * and reason - what goes back to the banks and what an auditor checks
 * nothing was lost.  XLSX, streamed; channels and reasons by their Russian
 * names (the program's own message beside, for the operator).
 */
#ifndef SBYT_REPORT_REJECTS_H
#define SBYT_REPORT_REJECTS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "names.h"

struct rejects_totals {
	int64_t files, read, accepted, rejected, duplicates, held;
	int64_t rows;  /* rejected lines listed */
};

/* Write the report for files ingested from `from` to `to` inclusive (the
 * as-of date of the ingesting run, else the day in Asia/Yekaterinburg) as a
 * workbook at path (the caller renames it into
 * place, see report.h).  Returns 0 with *t filled, or -1 with e set. */
int report_rejects(PGconn *db, const struct names *names, sdate from, sdate to,
		   const char *path, struct rejects_totals *t, struct sbyt_err *e);

#endif
