/*
 * debt.h - the database side of debt: every account's ledger streamed from
 * PostgreSQL, allocated and valued as of a date, and the daily snapshot.
 *
 * debt_scan() reads the accounts asked for, their obligations and their
 * payments (paid_on <= as-of) as one COPY in the binary format, ordered by
 * account_id: the server streams while the client values, memory holds one
 * account's ledger whatever the number of accounts.  The COPY merges
 * three scans in account order (no join and no sort on the server).  For
 * each account with an obligation or a payment it builds a struct ledger
 * (lib/ledger.h), allocates the payments and computes the debt as of the
 * date (ledger_debt_compute), then hands the result to a callback.
 * Obligations map to ledger entries: 'charge', 'advance' and 'balance' are
 * charges, 'recalc' and any negative amount are recalculation entries (a
 * credit when negative), amounts of 0 are left out, and billed 'penalty'
 * lines are not principal (penalties accrue on principal only and are
 * recomputed here), so they are left out too.  The kind of customer comes
 * from account.kind, and a legal account of category 'managing' (managing
 * organisations, HOAs, housing co-operatives: SPEC 10) is CUSTOMER_MANAGING.
 *
 * debt_snapshot_run() is the daily job's work: one transaction on the
 * caller's connection deletes the as-of date's snapshot rows (of the shard)
 * and COPYs one row per account with overdue principal or accrued penalty,
 * so a re-run replaces the same rows, and records the day as taken
 * (debt_snapshot_day, also when no row is written).  The snapshot is one
 * partition a day (sql/170): the day's and the next day's partitions are
 * created first, in a transaction of their own.  Accounts with neither get no row.
 * The ledgers are read by connections of their own in one repeatable-read
 * snapshot (two of them, each half of the accounts, when there are many)
 * while the rows go out in one binary COPY straight into the day's
 * partition, so the server stores the rows while the next ledgers are read
 * and valued.
 *
 * Incremental days.  A day's run values only the accounts whose row can
 * differ from a full valuation's, when it has a base: the run of the
 * latest day taken before it (of the same shard configuration), made with
 * the same rules version, its rows untouched since, at most 31 days back,
 * and no later day taken (a day re-run out of order is valued in full).
 * An account not valued has no row, which is right when it had no row on
 * the base day (no overdue principal, no penalty) and (1) none of its
 * obligations or payments was written since the base run's snapshot
 * (sql/200 debt_changed, by triggers), (2) none of its entries fell due
 * between (its due date, moved over days off, from the base day to the day
 * before this one: only then does an entry become overdue), and (3) it was
 * not refused on the base day.  Under (1) its ledger is the base day's; a
 * payment dated after the base day is allocated after every earlier one
 * and only to entries open on the base day, which were not overdue, so it
 * changes neither principal nor penalty; under (2) no entry became
 * overdue, so no principal appears and no penalty starts.  So every debtor
 * of the base day, every account written to, every account with an entry
 * falling due in between and every account refused the day before is
 * valued again, the rest keeps having no row.  A rules change (key rates,
 * calendar, penalty scales) makes the next day full.  f->full (sbyt debt
 * --full, SBYT_DEBT_FULL=1) forces a full valuation, the reference the
 * incremental days are tested against (tests/t/0870).
 *
 * Checkpoints (sql/250).  An account valued by the daily run is read from
 * its checkpoint when it has one: the periods before period_from and the
 * payments dated on or before cut formed, when the checkpoint was made, a
 * closed set (ledger_settle(), lib/ledger.h): every such payment went whole
 * to those periods and paid each of their entries in full, but the last one,
 * whose rest (it went to the oldest open entries) is carried and read as an
 * unnamed payment of its id and date.  Allocation goes
 * by date, so every payment after the cut finds those entries closed and
 * goes where it would go with them present (a payment naming a settled
 * period is older than it: it falls to the oldest open entries either way);
 * their penalties are final (each piece paid at the rate of its day, the
 * periods rounded one by one) and carried as one sum.  So the account's
 * obligations of period_from on, its payments after cut and that sum give
 * the full valuation's row.  When the ledgers hold many rows per account
 * (debt.c, RANGES_ROWS), those are read per account by index range, so the
 * server reads no settled row either; else by the merge of the whole tables,
 * which passes them over.  A new checkpoint is made when more periods have
 * settled, its cut at least 31 days before the as-of date (late registries
 * are dated after it) and not before the previous cut.  Anything that could
 * change the closed set deletes the checkpoint in the writing transaction
 * (triggers of sql/250); a run writes none for an account written after its
 * reading snapshot; a rules version other than the checkpoints' drops them
 * all; f->full reads and writes none.  tests/t/0871 compares with the full
 * valuation over a year of ledgers.
 */
#ifndef SBYT_DEBT_H
#define SBYT_DEBT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "acctrej.h"
#include "date.h"
#include "error.h"
#include "ledger.h"
#include "money.h"
#include "penalty.h"

#define DEBT_BRANCH_MAX 33

/* Which accounts a scan reads. */
struct debt_filter {
	sdate as_of;
	int64_t account;     /* one account, or 0 for all */
	int shard_i, shard_n;/* abs(hashint8(account_id)) % shard_n = shard_i; shard_n 0: all */
	/* NULL: an account whose ledger is refused stops the scan (ERR_DATA).
	 * Else the account is refused there, named with its reason in this
	 * rejects file (acctrej.h), counted in refused, and the scan goes on:
	 * a ledger the data cannot make (an obligation without a period, a
	 * payment that is not positive...) or a date the rules do not cover (a
	 * production calendar year or a key rate missing for an old due date;
	 * rules that do not cover the as-of date itself stop the scan). */
	struct acctrej *rej;
	/* debt_snapshot_run() only: the version of the rules (rules_version())
	 * the day is valued with; NULL, or full set: every account is valued.
	 * Else the run is incremental when it can be (see above). */
	const char *rules_version;
	int full;
	/* debt_snapshot_run() only: 0 one reader, or from 50,000 accounts two
	 * (each half of the accounts), or three when no checkpoint is read and
	 * every account is valued (one a table: the accounts, the obligations,
	 * the payments, merged by account on the client); 1 or 2: that many
	 * (halves); 3: the three of the tables where they can be, else two */
	int readers;
};

/* What the callback sees for each account with an obligation or a payment. */
struct debt_account {
	int64_t account_id;
	enum customer_kind kind;
	char branch[DEBT_BRANCH_MAX];
	const struct ledger *ledger;     /* allocated */
	const struct ledger_debt *debt;  /* as of the filter's date */
};

struct debt_sink {
	/* Called per account; returns 0 or -1 with e set (stops the scan). */
	int (*account)(void *arg, const struct debt_account *a, struct sbyt_err *e);
	void *arg;
};

struct debt_totals {
	int64_t accounts;    /* accounts seen (with an obligation or a payment) */
	int64_t in_debt;     /* accounts with overdue principal */
	int64_t rows;        /* ledger rows read */
	int64_t refused;     /* accounts refused (f->rej), not in the other counts */
	money principal, penalty;
	int incremental;     /* debt_snapshot_run(): 1 when only some accounts were valued */
	sdate base;          /* then the base day */
	int64_t candidates;  /* the accounts an incremental run would value (0: none) */
	int readers;         /* debt_snapshot_run(): the connections that read */
	int checkpoints;     /* debt_snapshot_run(): 1 when the checkpoints were read */
	int ranges;          /* then 1 when by index range (see "Checkpoints") */
	int64_t ck_used;     /* then the accounts read from their checkpoints */
	int64_t ck_made;     /* the checkpoints made (some perhaps not written) */
	int swapped;         /* debt_snapshot_run(): the day's partition written anew (sql/251) */
};

/* Scan the accounts of f in the open transaction of db (the caller begins
 * and ends it; repeatable read for one consistent view), calling sink for
 * each in account order.  Returns 0 with *t filled, or -1 with
 * e set (ERR_DB when the server is gone, ERR_CONFIG when no key rate is in
 * force on a date needed, ERR_DATA naming the account whose ledger is
 * refused). */
int debt_scan(PGconn *db, const struct penalty_rules *r, const struct debt_filter *f,
	      const struct debt_sink *sink, struct debt_totals *t, struct sbyt_err *e);

/* The daily job: in one transaction of db, replace the debt_snapshot rows
 * of f->as_of (of f's shard; f->account must be 0) with one row per account
 * with overdue principal or penalty, tagged with run_id.  The ledgers are
 * read through a connection of its own to conninfo (db_connect(): NULL is
 * the default one; the same database as db), closed before it returns.
 * Returns 0 with *t filled and *rows the snapshot rows written, or -1 with
 * e set and nothing changed. */
int debt_snapshot_run(PGconn *db, const char *conninfo, const struct penalty_rules *r,
		      const struct debt_filter *f, int64_t run_id, struct debt_totals *t,
		      int64_t *rows, struct sbyt_err *e);

/* The customer kind of "individual", "legal" or "managing" (the value the
 * scan gives a legal account of category 'managing'): 0, or -1 when
 * unknown. */
int debt_kind_parse(const char *s, enum customer_kind *out);

#endif
