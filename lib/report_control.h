/*
 * report_control.h - the control-readings plan (SPEC 11 `control-plan`):
 * households whose next control reading by an inspector is due, from the
 * intervals of rules/control.xml (rural once a year, urban every 6 months).
 * The next control reading is due `months` after the last one (a reading
 * with source 'inspector'), or after the meter was installed when there has
 * been none; the plan lists those due by the end of the month after the
 * as-of date, overdue ones first, by branch and postcode.
 */
#ifndef SBYT_REPORT_CONTROL_H
#define SBYT_REPORT_CONTROL_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"
#include "names.h"

#define CONTROL_MAX 16

struct control_rules {
	int n;
	char category[CONTROL_MAX][33];
	int months[CONTROL_MAX];
};

/* Load rules_dir/control.xml; 0, or -1 after adding faults to f. */
int control_rules_load(const char *rules_dir, struct control_rules *r, struct faults *f);
/* Validate it; 0 when clean, -1 after adding faults. */
int control_rules_check(const char *rules_dir, struct faults *f);
/* Write the plan as of as_of as a workbook at path (the caller renames it
 * into place, see report.h); *rows and *overdue get the counts.  Returns 0
 * or -1 with e set. */
int report_control(PGconn *db, const struct control_rules *r, const struct names *names,
		   sdate as_of, const char *path, int64_t *rows, int64_t *overdue,
		   struct sbyt_err *e);

#endif
