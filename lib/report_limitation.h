/*
 * report_limitation.h - the limitation report for auditors (SPEC 11): every
 * case open on a date or opened before it, with its procedure, status, the
 * debt snapshot and threshold behind it, and every step with its date,
 * state, rule id, the legal citation of the rule (rules/limitation.xml),
 * the arithmetic of its date, and the notice or grid request it produced.
 * XLSX, streamed; Russian headers, and codes as their Russian names.
 */
#ifndef SBYT_REPORT_LIMITATION_H
#define SBYT_REPORT_LIMITATION_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "deadline.h"
#include "error.h"
#include "names.h"

struct limitation_totals {
	int64_t cases, open, cancelled, closed, escalated, steps;
};

/* Write the report of the cases opened on or before as_of as a workbook at
 * path (the caller renames it into place, see report.h).  Returns 0 with *t
 * filled, or -1 with e set. */
int report_limitation(PGconn *db, const struct limit_rules *r, const struct names *names,
		      sdate as_of, const char *path, struct limitation_totals *t,
		      struct sbyt_err *e);

#endif
