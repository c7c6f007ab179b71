/*
 * report.h - XLSX reports for auditors (SPEC 11): where they go and the
 * reports of the debt side.
 *
 * A report is written to $SBYT_OUT/reports/NAME.xlsx through a temporary
 * name in the same folder that is renamed over the final name once the
 * workbook is complete and has mode 0640, so a reader never sees half a
 * report and a crash leaves at most a temporary file.  Each report function
 * writes the workbook at the path it is given (the temporary one) and reads
 * the database in one read-only, repeatable-read transaction of its own, so
 * every figure in it comes from the same snapshot.  Headers and texts in the
 * workbooks are Russian.
 */
#ifndef SBYT_REPORT_H
#define SBYT_REPORT_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "names.h"
#include "penalty.h"

/* Make OUT_DIR/reports (and OUT_DIR) if missing and write into final and
 * tmp (each of size bytes) the paths OUT_DIR/reports/NAME.xlsx and a
 * temporary name beside it.  Returns 0, or -1 with e set (ERR_CANTCREATE). */
int report_paths(const char *out_dir, const char *name, char *final, char *tmp, size_t size,
		 struct sbyt_err *e);
/* Make tmp mode 0640, flush it to disk and rename it to final.  Returns 0,
 * or -1 with e set (ERR_IO) after removing tmp. */
int report_commit(const char *tmp, const char *final, struct sbyt_err *e);

/* Bucket limits of the aging report, in days overdue from a period's due
 * date: 1-30, 31-90, 91-180, above 180. */
#define AGING_BUCKETS 4

struct aging_totals {
	int64_t accounts;                 /* rows written: accounts in debt */
	money bucket[AGING_BUCKETS];      /* overdue principal by bucket */
	money principal, penalty;
	int branches;
};

/* The aging report as of as_of (SPEC 10): a sheet «Задолженность» with one
 * row per account with overdue principal or accrued penalty, a sheet
 * «Сводка» with the bucket totals per branch and for all, and a column
 * chart of the buckets.  Writes path; *t gets the totals.  Returns 0, or -1
 * with e set. */
int report_aging(PGconn *db, const struct penalty_rules *r, sdate as_of, const char *path,
		 struct aging_totals *t, struct sbyt_err *e);

struct recon_result {
	money opening, debit, credit, closing;  /* > 0: the customer owes */
	money penalty;                           /* accrued as of `to` */
	int64_t rows;                            /* obligations and payments listed */
};

/* The reconciliation act (акт сверки взаиморасчётов) of one account (a
 * household's on request)
 * from `from` to `to` inclusive: the opening balance at `from` (what fell
 * due before it less what was paid before it), every obligation by its due
 * date as a debit (a negative recalculation as a credit) and every payment
 * by its date as a credit, the turnover, the closing balance at `to`, the
 * penalty accrued as of `to`, and the supplier's and customer's names.  The
 * supplier's requisites are read from RULES_DIR/supplier.xml when it
 * exists.  The act is laid out as the form: the supplier's records beside
 * empty columns for the buyer's, the signature blocks under them, landscape
 * A4 fitted to the width; payment channels by their Russian names (names
 * may be NULL).  Returns 0, or -1 with e set (ERR_DATA for an unknown
 * account, ERR_CONFIG for a bad supplier file). */
int report_recon(PGconn *db, const struct penalty_rules *r, const struct names *names,
		 const char *rules_dir, int64_t account, sdate from, sdate to, const char *path,
		 struct recon_result *res, struct sbyt_err *e);

#endif
