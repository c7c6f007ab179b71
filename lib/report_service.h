/*
 * report_service.h - the customer-service office's morning list (SPEC 15,
 * `sbyt report service`): what the appeals and contracts registers have due
 * today, due tomorrow, overdue, and what was done late this month, per
 * register and branch.  XLSX through lib/xlsx: a summary sheet «Сводка»
 * (register, branch, the four counts, a totals row) and one list sheet per
 * register with each item, its rule, due date and state in Russian.
 */
#ifndef SBYT_REPORT_SERVICE_H
#define SBYT_REPORT_SERVICE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "names.h"

struct service_totals {
	int64_t due_today, due_tomorrow, overdue, late;
};

/* Write the list as of as_of at path (the caller renames it into place,
 * see report.h).  Returns 0 with *t filled, or -1 with e set. */
int report_service(PGconn *db, const struct names *names, sdate as_of, const char *path,
		   struct service_totals *t, struct sbyt_err *e);

#endif
