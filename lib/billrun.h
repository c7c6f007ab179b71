/*
 * billrun.h - the bill job's database side (SPEC 7): gather every account's
 * inputs for a period, call bill_compute(), write the results.
 *
 * For each branch (one transaction each): the period must not be
 * 'published' for the accounts billed (corrections then go to the next
 * period; with opts->kind, published for that kind: see
 * billrun_published()) unless opts->unissued, which bills only the
 * accounts that have no document of the period (loaded or billable since
 * publication; their documents go out in the branch's next part, docs.h),
 * and its state's row stays locked until commit;
 * four queries are read through cursors in account order, in batches, and
 * merged per account
 * (accounts with their current meter and contract; the consumption rows of
 * the last history_months, of which the latest billed before P counts for a
 * month; the accepted readings of periods up to P (and legal entities'
 * taken up to the 27th of P+1), of which the one that counts of each of the
 * two latest periods per zone is kept; the previous month's
 * charge of legal entities; a batch whose accounts have bill_window rows
 * for P, sql/261, reads those instead of the history's months and writes
 * the rows for P + 1).  The other three read only the branch's range
 * of account_id through their primary keys, the history and the readings
 * without joining account: the merge skips the rows of other accounts.  Each batch's charge_line, obligation and
 * consumption rows are written with binary COPY.  Memory does not grow with
 * the number of accounts.  A period that was billed before is re-billed by
 * deleting its rows for the accounts processed and writing them again, so a
 * re-run gives the same rows.  period_state becomes 'billed' (a branch
 * published for the other kind stays 'published').
 *
 * Readings (SPEC 7): a household's reading counts for the period ingest
 * gave it (the window rule), and of a period's readings one taken in the
 * window (firstDay..lastDay of rules/billing.xml) counts before one taken
 * earlier; a legal entity's reading counts for the month it closes (dated
 * from the month's last day to the contract's readings day of the next
 * month, else the rules' LegalMonth readingsDay), and any other is an
 * intermediate reading that counts for no month.  The readings day comes
 * with the account's row; no query per account.  The current reading of a
 * zone is the reading that counts of a period up to P that is newer than
 * the register value the last actual bill ended at (consumption.reading)
 * and not older than the first month of the estimated run before P; a late reading of an estimated month therefore
 * counts in the next bill, which recalculates the estimated months.  The
 * previous value is the register value the last actual bill ended at, else
 * the latest accepted reading of an earlier period, else the meter's
 * initial value.  The meter of an account is its latest installed one.
 *
 * Obligations: households one 'charge' (seq 10) due on the rules' due day,
 * plus a 'recalc' (seq 11) when recalculation lines add up to non-zero.
 * Legal entities: the 'balance' of P (seq 10, charge + recalc - P's
 * advances), and the advances of P+1 (seq 1.., period P+1, kind 'advance')
 * computed from P's charge: bill P writes them, so that they are owed from
 * their due dates (the 10th and 25th of P+1) before bill P+1 runs.  P's own
 * advances were written by bill P-1, from the same charge lines that give
 * bill_compute its previous_charge.
 *
 * With workers > 1 and several branches, that many forked processes bill
 * the branches at once, each on its own connection (branch i goes to worker
 * i mod workers); each branch is still one transaction.  Refused accounts
 * are then reported by the workers, and progress is drawn by the first.
 *
 * An account whose data bill_compute refuses (ERR_DATA: a reading below the
 * previous one...) is skipped and reported through the refused callback;
 * the run goes on.  A missing rule (ERR_CONFIG) stops the run: the branch's
 * transaction is rolled back.
 */
#ifndef SBYT_BILLRUN_H
#define SBYT_BILLRUN_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "log.h"
#include "money.h"
#include "tariff.h"

#define BILLRUN_MAX_WORKERS 16

struct billrun_opts {
	speriod period;
	const char *conninfo;    /* for the workers' own connections (NULL: default) */
	int workers;             /* branches billed at once, each by its own process */
	const char *branch;      /* NULL: every branch */
	const char *kind;        /* "individual" or "legal": only those accounts; NULL: both */
	int shard_i, shard_n;    /* shard_n 0: every account */
	int unissued;            /* only the accounts without a document of the period,
	                            and a published branch is billed for them (the
	                            month job's re-run: what is new since publication) */
	int64_t run_id;          /* for the rows written */
	int count_first;         /* count the accounts first (for a progress ETA) */
	struct progress *progress;  /* may be NULL */
	/* Called for each refused account with its message (may be NULL). */
	void (*refused)(void *arg, const char *msg);
	void *arg;
};

struct billrun_stats {
	int64_t accounts;   /* accounts considered */
	int64_t documents;  /* accounts billed: each will get a document */
	int64_t refused;    /* accounts skipped for their data */
	int64_t lines, obligations, consumption;  /* rows written */
	money total;        /* sum of the billed accounts' totals */
	int branches;       /* branches billed */
	int64_t held;       /* accounts whose readings older than the month before
	                       were read as well (a second query per batch) */
	int64_t windows;    /* accounts whose estimation window was read from
	                       bill_window (sql/261), not from consumption */
	double t_read, t_bill, t_write;  /* seconds: cursors, bill_compute, deletes + COPY */
};

/* Bill opts->period for every account of the branch(es) and shard.
 * Returns 0 with *st filled, or -1 with e set: ERR_DATA for a published
 * period or an unknown branch (nothing written), ERR_CONFIG for a rule
 * missing (that branch rolled back; branches committed before stay billed),
 * ERR_DB / ERR_INTERNAL from the server. */
int billrun(PGconn *db, const struct tariff_rules *r, const struct billrun_opts *opts,
	    struct billrun_stats *st, struct sbyt_err *e);

/* Whether period is published for the kind of accounts ("individual" or
 * "legal"; NULL: for any) in the branch (NULL: in any branch): the branch's
 * state is 'published' and, for a kind, accounts of that kind have
 * documents of the period.  Households' documents go out before legal
 * entities' readings are in (SPEC 6): a period published for households
 * can still be billed for legal entities (billrun with opts->kind), and
 * docs then adds their documents.  0 with *published set, or -1 with e. */
int billrun_published(PGconn *db, speriod period, const char *branch, const char *kind,
		      int *published, struct sbyt_err *e);

/* "123.456" / "-0.5" / "12" to thousandths (milli-kWh).  0, or -1 when
 * malformed (more than 3 decimals, no digits). */
int billrun_parse_milli(const char *s, int64_t *out);

#endif
