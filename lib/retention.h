/*
 * retention.h - how long history is kept (rules/retention.xml) and its
 * application by the daily job.
 *
 * The debt snapshot is one partition a day (sql/170).  The rule keeps the
 * daily partitions of the last `daily` days before the run's day, then
 * only the last day of each month (when monthEnds is true); the latest day
 * taken is always kept, since it is the latest snapshot of every account.
 * Applying it drops whole partitions (sbyt_snapshot_retire()), never
 * deletes rows, so its cost is the number of partitions dropped, not the
 * rows in them.  Rows of the default partition (days that never had a
 * partition of their own: written by hand) are left alone.
 */
#ifndef SBYT_RETENTION_H
#define SBYT_RETENTION_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"

struct retention_rules {
	int snap_daily;       /* days of daily snapshots kept before the run's day */
	int snap_month_ends;  /* 1: older month-ends are kept */
};

/* Read and validate rules_dir/retention.xml against its schema.  Returns 0,
 * or -1 after adding "FILE:LINE: reason" faults to f. */
int retention_rules_load(const char *rules_dir, struct retention_rules *r, struct faults *f);
/* The check of `sbyt rules check`: 0, or -1 with faults added. */
int retention_rules_check(const char *rules_dir, struct faults *f);

/* Apply the rule on day: drop the snapshot partitions it does not keep.
 * Runs in its own transaction on db (autocommit).  Returns 0 with *dropped
 * the partitions dropped, or -1 with e set. */
int retention_apply(PGconn *db, const struct retention_rules *r, sdate day, int64_t *dropped,
		    struct sbyt_err *e);

#endif
