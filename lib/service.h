/*
 * service.h - the customer-service registers (SPEC 15): appeals and
 * contracts on the clock.
 *
 * The deadlines are data: rules/service.xml (schema rules/schema/service.xsd)
 * lists every deadline of the standard's Appendix 3 table 1 and of its
 * appeals paragraphs as a rule - register, customer, the step that is due,
 * the event it counts from, N calendar or working days, `within` (due by
 * the last day of the term) or `before` (a lead: the date the event names
 * must be at least N working days after it), and the citation.  Every due
 * date comes from the one deadline engine (deadline.h) with its rule id.
 *
 * Appeals (table `appeal`) come from the journal of SPEC 11 - a spool file
 * in inbox/appeals/ or `sbyt appeal add|extend|answer` - one row per appeal,
 * a later line with the same id updating it; contracts (tables
 * `contract_case`, `contract_step`) from the events of inbox/contracts/ or
 * `sbyt contract apply|answer|refuse|protocol|sign|terminate|invoice`: each
 * event opens the steps it makes due and closes the one it meets.  A file
 * is ingested once (its SHA-256 in ingest_file) in one transaction, every
 * line accepted, rejected with a reason (ingest_reject) or a duplicate.
 */
#ifndef SBYT_SERVICE_H
#define SBYT_SERVICE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "calendar.h"
#include "date.h"
#include "deadline.h"
#include "error.h"
#include "faults.h"

#define SERVICE_MAX_RULES 32
#define SERVICE_WORD 32
#define SERVICE_RULE_ID 48

enum service_customer { SVC_ANY, SVC_LEGAL, SVC_INDIVIDUAL };

struct service_rule {
	char id[SERVICE_RULE_ID];
	int contract;                 /* 0: appeal register, 1: contract register */
	enum service_customer customer;
	char step[SERVICE_WORD];      /* what is due */
	char from[SERVICE_WORD];      /* the event it counts from */
	int days;
	int working;                  /* 1: working days, 0: calendar days */
	int before;                   /* 1: a lead before a named date */
	char *citation;               /* Russian */
	long line;
};

struct service_rules {
	int n;
	struct service_rule rule[SERVICE_MAX_RULES];
	char *invoice_text[3];        /* the final invoice: debt, energy, compensation */
};

/* Read and validate rules_dir/service.xml: the schema, and every rule the
 * registers need is there (appeal register/answer/extend; the contract
 * steps of legal entities and households).  Returns 0, or -1 after adding
 * faults to f (FILE:LINE). */
int service_rules_load(const char *rules_dir, struct service_rules *r, struct faults *f);
void service_rules_release(struct service_rules *r);
/* Validate it; 0 when clean, -1 after adding faults. */
int service_rules_check(const char *rules_dir, struct faults *f);
/* The rule of register ("appeal", "contract") for the customer ("legal",
 * "individual", NULL for appeals) and step, or NULL. */
const struct service_rule *service_rule_find(const struct service_rules *r, const char *reg,
					     const char *customer, const char *step);
/* The due date of rule r counted from `from`: within - calendar days: from +
 * N, moved to the next working day when a day off; working days: the N-th
 * working day after `from` (N = 0: `from` itself, or the next working day);
 * before - the earliest lawful date the event may name: the N-th working
 * day after `from`.  Returns 0, or -1 with e set (ERR_CONFIG naming a
 * missing calendar year). */
int service_due(const struct calendar *cal, const struct service_rule *r, sdate from,
		sdate *due, struct sbyt_err *e);

/* What one register line or command did. */
enum service_outcome { SVC_ACCEPTED, SVC_DUPLICATE, SVC_REJECTED };

struct service_ctx {
	PGconn *db;
	const struct service_rules *rules;
	const struct calendar *cal;
	sdate as_of;
	int64_t run_id;
	const char *source;           /* FILE:LINE or "operator NAME" */
	int shard_i, shard_n;         /* shard_n > 0: a shard's server (lib/shard.h): a
	                                 journal line of another shard is other_shard */
	/* out: why a line was rejected */
	char code[32];
	char reason[512];
};

/* One appeal as the journal gives it (SPEC 11: id;received_at;channel;kind;
 * account;answered_at;extended_to).  Times in ISO 8601 with offset; the
 * day of a time is its local date as written. */
struct service_appeal {
	const char *id, *channel, *kind;   /* kind: question|complaint|application */
	int64_t account;                   /* 0: none */
	struct date_time received;
	int answered;
	struct date_time answered_at;
	const char *answer_channel;        /* NULL: by the customer's choice */
	int extended;
	sdate extended_to;
	sdate notified;                    /* DATE_NONE: not told (the journal) */
	int operator_add;                  /* registered by hand on the as-of date */
};

/* Record or update one appeal inside the caller's transaction.  *out is
 * SVC_ACCEPTED (new or changed), SVC_DUPLICATE (the same as recorded) or
 * SVC_REJECTED with x->code and x->reason (an extension past the 10th
 * working day after the 3-day term, an answer before receipt, an unknown
 * account...).  Returns 0, or -1 with e set (database, calendar). */
int service_appeal_put(struct service_ctx *x, const struct service_appeal *a,
		       enum service_outcome *out, struct sbyt_err *e);

/* Extend appeal id to `to`, the customer told on `notified`: refused
 * (SVC_REJECTED, x->code extension_too_long) past the 10th working day
 * after the 3-day term, or for an unknown or answered appeal. */
int service_appeal_extend(struct service_ctx *x, const char *id, sdate to, sdate notified,
			  enum service_outcome *out, struct sbyt_err *e);
/* Answer appeal id at `at` through `channel`; NULL: the customer's choice -
 * the channel the appeal came by when it is e-mail, phone or post, else
 * the account's e-mail, else its phone, else post (the standard's p. 159).
 * The channel used goes to x->reason.  Same returns as above. */
int service_appeal_answer(struct service_ctx *x, const char *id, const struct date_time *at,
			  const char *channel, enum service_outcome *out, struct sbyt_err *e);

/* One contract event (SPEC 15: id;account;event;at;date): event is apply,
 * answer, refuse, protocol, sign, terminate_notice or final_invoice; at is
 * when it happened, date the date it names (the termination date).  A
 * termination named with less than the lead of 20 working days is rejected
 * with the earliest lawful date in x->reason.  Same returns as
 * service_appeal_put(). */
int service_contract_event(struct service_ctx *x, const char *id, int64_t account,
			   const char *event, sdate at, sdate date, enum service_outcome *out,
			   struct sbyt_err *e);

struct service_file_counts {
	int64_t read, accepted, rejected, duplicates;
	int64_t other_shard;               /* lines of another shard (x->shard_n) */
	int noop;                          /* the same file was ingested before */
};

/* Ingest one spool file of channel "appeals" or "contracts" in one
 * transaction of its own: the file's SHA-256 in ingest_file (a second time
 * is a no-op), every line accepted, rejected (ingest_reject, FILE:LINE), a
 * duplicate, or on a shard's server another shard's (an account of another
 * shard; an appeal without an account on every shard but 0; a contract
 * event without an account whose case this server does not hold).  A file whose header is wrong is refused whole (ERR_DATA, exit
 * 65).  Returns 0, or -1 with e set. */
int service_ingest_file(struct service_ctx *x, const char *path, const char *channel,
			struct service_file_counts *n, struct sbyt_err *e);

struct penalty_rules;
struct tariff_rules;
/* The final invoices due: for every contract case with an open
 * final_invoice step (only that case when `only` is not NULL), compose the
 * invoice as of x->as_of (final_invoice.h), write it to OUT_DIR/contracts/
 * CASE/final-invoice.xml and mark the step done that day.  *made counts
 * them; path_out (if not NULL) gets the last file's path.  Returns 0, or -1
 * with e set. */
int service_final_invoices(struct service_ctx *x, const struct penalty_rules *pr,
			   const struct tariff_rules *tr, const char *out_dir, const char *only,
			   int *made, char *path_out, size_t path_size, struct sbyt_err *e);

/* The registers' open items whose due date is before as_of (appeals
 * unanswered past their term, contract steps not done past theirs).
 * Returns 0 with *overdue set, or -1 with e set. */
int service_overdue(PGconn *db, sdate as_of, int64_t *overdue, struct sbyt_err *e);

#endif
