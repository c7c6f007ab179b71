/*
 * limit.h - the limitation workflow (SPEC 9): cases, steps, notices and
 * grid-company requests, advanced one day at a time.
 *
 * The state of an account's cases lives in the tables of sql/040 and is
 * loaded into a struct limit_account; limit_advance() applies one day to
 * it (payments, delivery confirmations, triggers, the steps that fall due)
 * with every date taken from the deadline engine (deadline.h), and records
 * what it did as events with their rule, inputs and arithmetic.  It does no
 * I/O, so the same day applied twice changes nothing the second time.
 * limit_load()/limit_store() move accounts between the database and memory;
 * the caller runs both in one transaction.
 *
 * Conventions that SPEC 9 leaves open (documented in man/sbyt-limit.1):
 *  - the trigger reads the account's debt snapshot of the day, or the latest
 *    one before it; a new case opens only on a snapshot dated after the
 *    previous case ended;
 *  - household threshold = 2 x tariff_amount(norm per person x residents
 *    (at least 1), single-zone band-1 tariff), both in force on the day;
 *    legal threshold = the obligations of the latest period whose
 *    obligations have all fallen due by the snapshot date; refusal = those of
 *    the two latest such periods (and >= 2 overdue periods), started by the
 *    operator (`limit refuse`);
 *  - the notice channel is the operator's choice (limit_channel, `limit
 *    channel`) or the account's delivery channel; e-mail is delivered when
 *    sent, i.e. once the package that carries it is written (limit_run.h),
 *    a warning in a payment document when the document that printed it
 *    (docs sets limit_doc_warning.printed_period) is deemed delivered (its
 *    issue + the allowance), the others (post, edo, lkk, sms, personal: the
 *    signature date) need a confirmation (a returned letter counts on its
 *    return date); a failed delivery voids the notice and it is re-issued
 *    by post;
 *  - a grid request goes out the day its action's date is fixed (the first
 *    action when its notice is delivered, each later one when the previous
 *    is executed); full payment before any execution sends `cancel` if a
 *    request went, after an execution `reconnect` (and `cancel` for a
 *    request of an action still to come);
 *  - real timing (SPEC 9.2.8, 9.2.9): an action found due after its date
 *    whose request has not gone takes the run's day (planned keeps the
 *    rules' date, why the reason), one whose request went took effect on
 *    its date; every later step counts from the dates steps really took; the
 *    household partial is never before the date the warning printed;
 *  - what a procedure does (opens, first notice, authorities, requests and
 *    levels, closes, unless) comes from rules/limitation.xml (deadline.h).
 */
#ifndef SBYT_LIMIT_H
#define SBYT_LIMIT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "calendar.h"
#include "date.h"
#include "deadline.h"
#include "error.h"
#include "money.h"

struct docs_texts;
struct supplier;

struct tariff_rules;

#define LIM_ID 48
#define LIM_DERIV 512

struct lim_notice {
	char id[LIM_ID];
	char step[LIMIT_NAME];
	char channel[20];
	sdate issued, planned, delivered, failed_on, snap_as_of;
	money stated;
	int periods;
	money threshold;
	int void_;
	char replaces[LIM_ID];
	char evidence[128];
	int is_new;
};

struct lim_request {
	char id[LIM_ID];
	char action[LIMIT_NAME];
	sdate date, issued;
	char level[24];           /* kW as text, "" when none */
	int is_new;
};

#define LIM_WHY 200
/* the Russian of deriv and of an event's inputs (UTF-8: about two bytes a letter) */
#define LIM_DERIV_RU 1024
#define LIM_INPUTS_RU 768

struct lim_step {
	char name[LIMIT_NAME];
	char state[12];
	sdate date;               /* a notice: its issue; an action: the day it takes effect */
	sdate planned;            /* SPEC 9.2.8: the date the rules gave when the step was
				   * found due after it (date is then the run's), else DATE_NONE */
	char why[LIM_WHY];        /* why date differs from planned */
	char rule[LIMIT_RULE];
	char deriv[LIM_DERIV];
	char deriv_ru[LIM_DERIV_RU]; /* deriv in Russian, for the workbooks */
	char notice_id[LIM_ID];
	char request_id[LIM_ID];
};

#define LIM_MAX_STEPS 24
#define LIM_MAX_NOTICES 16
#define LIM_MAX_REQUESTS 12

struct lim_case {
	int no;
	int stored;               /* loaded from the database (else new today) */
	char procedure[LIMIT_NAME];
	char status[12];
	sdate opened, snap_as_of, ended;
	money stated, penalty, threshold;
	int periods;
	char reason[256];
	int nsteps, nnotices, nrequests;
	int overflow;             /* a step or request did not fit: limit_advance() fails */
	/* a case loaded (stored): its steps [0], notices [1] and requests [2]
	 * as loaded, their count and where their bytes lie in the account's
	 * lrows (each step's end too), for limit_store() to write again only
	 * the steps that changed (steps_changed: bit j, step j) and a kind of
	 * the others only when it changed (keep: bit 1 << kind, as loaded) */
	int lrows_n[3];
	size_t lrows_off[3], lrows_len[3];
	size_t lstep_end[LIM_MAX_STEPS];
	int keep;
	uint32_t steps_changed;
	struct lim_step step[LIM_MAX_STEPS];
	struct lim_notice notice[LIM_MAX_NOTICES];
	struct lim_request request[LIM_MAX_REQUESTS];
};

struct lim_event {
	int case_no;
	char procedure[LIMIT_NAME];
	char step[LIMIT_NAME];
	char what[24];
	char rule[LIMIT_RULE];
	char inputs[256];
	char dates[LIM_DERIV];
	char inputs_ru[LIM_INPUTS_RU];  /* the same in Russian, for the register */
	char dates_ru[LIM_DERIV_RU];
};

/* A delivery confirmation for one of the account's notice ids. */
struct lim_deliv {
	char id[LIM_ID];
	int ok;
	sdate at;
	char evidence[64];
};

struct limit_account {
	int64_t id;
	char branch[32];
	char kind[12];
	char category[32];
	int residents, rooms;
	char channel[20];         /* override or delivery */
	int remote;
	int has_reserve, no_below;
	char tech_kw[24], emergency_kw[24];
	/* the snapshot */
	int has_snap;
	sdate snap_as_of;
	money principal, penalty;
	int periods;
	money oblig1, oblig2;     /* -1 when unknown (always for households) */
	/* the cases loaded: the open and escalated ones for a run, all for
	 * explain; malloc'd, see limit_account_release() */
	int ncases, capcases;
	struct lim_case *cases;
	/* over all the account's cases, loaded or not (refusal cases aside for
	 * the dates): the highest case number, when the last one ended and the
	 * snapshot it was opened on */
	int max_case_no;
	sdate last_ended, last_snap;
	/* payments up to the day since the oldest snapshot in use, by date
	 * (malloc'd, as many as there are: limit_account_add_payment()) */
	int npay, cappay;
	sdate *pay_on;
	money *pay_amount;
	/* delivery confirmations up to the day for this account's notice ids, so
	 * that a notice issued today meets a confirmation dated today (malloc'd) */
	int ndeliv, capdeliv;
	struct lim_deliv *deliv;
	/* the day's events (malloc'd, grown as added) */
	int nevents, capevents;
	struct lim_event *event;
	int oom;                  /* an event could not be kept: limit_advance() fails */
	int events_before;        /* events already stored for the day */
	int changed;
	/* the loaded cases' rows as loaded (malloc'd, kept by reset) */
	char *lrows;
	size_t nlrows, caplrows;
	int cal_pending;          /* a step waits for a calendar year not loaded */
	char cal_msg[256];
	/* counts of this day's new rows */
	int new_notices, new_requests, new_cancelled;
};

struct names;
struct limit_env {
	const struct limit_rules *rules;
	const struct calendar *cal;
	const struct tariff_rules *tariff;
	const struct names *names;  /* Russian names of codes for the register (may be NULL) */
	sdate day;
	/* the PDFs of the notices and requests (both NULL: none) */
	const struct docs_texts *texts;
	const struct supplier *sup;
	/* twin: the day's packages read on a second connection (conninfo, as
	 * db_connect() takes it; NULL the default) beside the registers' */
	const char *conninfo;
	int twin;
};

/* Apply `day` to the account (env->day must be a working day): payments,
 * delivered notices, triggers, due steps.  A change whose date needs a
 * calendar year that is not loaded is not made (never a guess): the account
 * gets cal_pending and cal_msg naming the year, the other changes are kept,
 * and a later day makes it once the year is added.  Returns 0 (a->changed
 * set when anything changed), or -1 with e set (ERR_CONFIG: no tariff or
 * norm for the account's category; ERR_INTERNAL). */
int limit_advance(const struct limit_env *env, struct limit_account *a, struct sbyt_err *e);
/* The household threshold of SPEC 9.1 on day: 2 monthly charges from the
 * norm.  Returns 0 with *out set, or -1 with e set. */
int limit_household_threshold(const struct tariff_rules *t, const char *category, int rooms,
			      int residents, sdate day, money *out, struct sbyt_err *e);
/* A new zeroed case at the end of a->cases (numbered max_case_no + 1), or
 * NULL when out of memory. */
struct lim_case *limit_case_add(struct limit_account *a);
/* Free a->cases, the payments, deliveries and events; a stays usable
 * (empty). */
void limit_account_release(struct limit_account *a);
/* Zero a for the next account, keeping its arrays for reuse. */
void limit_account_reset(struct limit_account *a);
/* Append a payment / a delivery confirmation (the arrays grow).  Returns 0,
 * or -1 with e set when out of memory. */
int limit_account_add_payment(struct limit_account *a, sdate on, money amount,
			      struct sbyt_err *e);
int limit_account_add_delivery(struct limit_account *a, const struct lim_deliv *d,
			       struct sbyt_err *e);
/* Cancel the open cases of a by the operator on `day` with reason.
 * Returns the number of cases cancelled, or -1 with e set. */
int limit_operator_cancel(const struct limit_env *env, struct limit_account *a,
			  const char *reason, struct sbyt_err *e);

/* The operator opens the contract refusal procedure (rules procedure
 * 'refusal', SPEC 9.1) for a on env->day: a legal entity without an open
 * refusal case whose overdue debt spans >= 2 periods and is at least the
 * obligations of the 2 latest payment periods.  The next run issues its
 * notice.  Returns 1, or -1 with e set (ERR_DATA: the trigger does not hold). */
int limit_operator_refuse(const struct limit_env *env, struct limit_account *a,
			  struct sbyt_err *e);

/* Record on the notices (any day) the delivery confirmations dated on or
 * before day and not before the notice's issue, the warnings printed in
 * a payment document issued by day (delivered: its issue date + doc_days,
 * the payment_document channel's allowance), and the e-mailed notices
 * (and copies to the authorities) of the days whose packages are written
 * (limit_day_written; delivered: the day they were written).  Returns the number of notices
 * updated, or -1 with e set. */
int64_t limit_record_deliveries(PGconn *db, sdate day, int doc_days, struct sbyt_err *e);
/* Select the accounts to work on for `day` into a temporary table of the
 * current transaction: those with an open case and those whose debt
 * snapshot shows overdue debt, each with
 * the number of its events already stored for the day; only account_id
 * `one` when one > 0; with one = LIMIT_SELECT_MAILED, only those with an
 * e-mailed notice issued and sent (its package written) that day; with
 * parts > 0, only part `part` (0..parts-1) of them: the accounts whose
 * abs(hashint8(id)) % parts is part (the shards' function, shard.h), so
 * that parts of one day run on as many connections at once.  Returns the
 * number selected or -1 (e). */
#define LIMIT_SELECT_MAILED (-1)
int64_t limit_select(PGconn *db, const struct limit_rules *rules, sdate day, int64_t one,
		     int part, int parts, struct sbyt_err *e);
/* Load the next batch of selected accounts after account id *after (start
 * with 0) into a[0..max-1] (zeroed the first time; the case arrays of the
 * previous batch are reused, limit_account_release() frees them at the
 * end); *after moves to the last one loaded.  all: every
 * case (explain), else only the open and escalated ones; prepared: by the
 * statements limit_load_prepare() made.  Returns the
 * number loaded (0 at the end), or -1 with e set. */
int limit_load(PGconn *db, sdate day, int64_t *after, struct limit_account *a, int max,
	       int all, int prepared, struct sbyt_err *e);
/* The statements of limit_load() prepared on db once for a day's batches
 * (limit_load(..., prepared = 1, ...): parsed and planned once, not each
 * batch), and dropped again, outside a transaction (a statement not
 * prepared is skipped).  0, or -1 with e set. */
int limit_load_prepare(PGconn *db, struct sbyt_err *e);
void limit_load_unprepare(PGconn *db);
/* Write back every account with changed set (the rows of its loaded and
 * new cases replaced, new events appended, dated env->day; a new warning
 * inside the payment document with its text from the rules' template).
 * Returns 0 or -1 with e set. */
int limit_store(PGconn *db, const struct limit_env *env, struct limit_account *a, size_t n,
		struct sbyt_err *e);
/* limit_store() without waiting for its last COPY (the day's events): the
 * server writes them while the caller goes on, and db_drain() (db.h)
 * collects the result before anything else is sent on db.  0 or -1 with e
 * set (nothing then left to collect). */
int limit_store_send(PGconn *db, const struct limit_env *env, struct limit_account *a,
		     size_t n, struct sbyt_err *e);

/* Refuse to work on `day` when a later day has limitation events recorded
 * (SPEC 9.2.8: nothing is recorded before what a run recorded): a run, a
 * cancel or a refusal only on the last day with events or after it (a day
 * on which nothing happened may be run again).  Returns
 * 0, or -1 with e set (ERR_DATA naming both days). */
int limit_check_day(PGconn *db, sdate day, struct sbyt_err *e);

/* The operator's choice of notice channel for an account (`limit channel`):
 * channel is post, sms, email, edo, lkk, personal or payment_document; the
 * choice is kept in limit_channel (in force from the next notice issued)
 * and limit_channel_log with reason, the database session_user, os_user and
 * the business day as_of, inside the caller's transaction.  The account must
 * be able to receive it: email needs an address, sms a phone, edo is for
 * legal entities, payment_document for households.  *previous gets the
 * channel in force before (its size prev_n).  Returns 0, or -1 with e set
 * (ERR_DATA: unknown account or a channel it cannot receive; ERR_DB). */
int limit_channel_set(PGconn *db, int64_t account, const char *channel, const char *reason,
		      const char *os_user, sdate as_of, char *previous, size_t prev_n,
		      struct sbyt_err *e);

#endif
