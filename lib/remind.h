/*
 * remind.h - reminders and messages to customers at the supplier's
 * initiative (the standard's p. 143; SPEC 15): a payment due in a few
 * days, an overdue debt, a tariff change.
 *
 * The kinds, their timing and their texts are rules/reminders.xml: each
 * kind's SMS text, e-mail subject and e-mail text are templates whose
 * {name} placeholders are filled from the account's values; a name the
 * kind does not know is a rules fault.  remind_run() selects the accounts
 * of the as-of date and writes, per branch, out/remind/YYYY-MM-DD/BRANCH/
 * sms.zip (reminders.csv: account;phone;kind;text) for the accounts with a
 * registered phone and email.zip (account;email;kind;subject;text) for
 * those whose documents go by e-mail, each a complete-or-absent package
 * with its manifest.  A re-run of the same day writes the same packages.
 */
#ifndef SBYT_REMIND_H
#define SBYT_REMIND_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"
#include "money.h"
#include "names.h"
#include "tariff.h"

enum remind_kind { REMIND_PAYMENT_DUE, REMIND_DEBT, REMIND_TARIFF, REMIND_KINDS };

struct remind_rule {
	int present;
	int days;          /* payment_due, tariff: days before */
	int day;           /* debt: day of the month */
	money minimum;     /* debt: the least overdue principal */
	char *sms, *subject, *email;
};

struct remind_rules {
	struct remind_rule k[REMIND_KINDS];
};

/* Read and validate rules_dir/reminders.xml (schema, and every placeholder
 * known to its kind).  Returns 0, or -1 after adding faults to f. */
int remind_rules_load(const char *rules_dir, struct remind_rules *r, struct faults *f);
void remind_rules_release(struct remind_rules *r);
int remind_rules_check(const char *rules_dir, struct faults *f);

/* Fill template tpl: every {name} of names[] (n of them) is replaced by
 * values[i].  Returns a malloc'd string (the caller frees), or NULL when
 * tpl names an unknown placeholder (its name in *bad, if given) or memory
 * runs out. */
char *remind_expand(const char *tpl, const char *const *names, const char *const *values,
		    int n, const char **bad);

struct remind_counts {
	int64_t sms, email;   /* messages written */
	int64_t by_kind[REMIND_KINDS];
	int64_t no_contact;  /* reminders due to accounts with neither a phone nor
	                        e-mail documents: not sent, counted */
	int packages;
};

struct remind_opts {
	PGconn *db;
	const struct remind_rules *rules;
	const struct tariff_rules *tariffs;
	const struct names *names;
	sdate as_of;
	const char *out_dir;
	int64_t run_id;
	const char *rules_version;
};

/* Select and write the day's reminders (see above).  The payment-due kind
 * takes the documents due `days` after the as-of date and not yet paid in
 * full by payments made since they were issued; debt, on its day of the
 * month, the as-of date's debt snapshot; tariff, the households whose
 * category's single-rate tariff starts `days` after the as-of date.
 * Returns 0, or -1 with e set. */
int remind_run(const struct remind_opts *o, struct remind_counts *n, struct sbyt_err *e);

#endif
