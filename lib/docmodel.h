/*
 * docmodel.h - one payment document as data: what the readers fill from an
 * account's rows and what composing it works out (SPEC 8).
 *
 * The documents stage reads an account's rows (docs_cursor.h) into a
 * struct docmodel: the payer, the charge lines of the period, the meter
 * readings per zone, the obligations of the period and before, the payments
 * made by the period's last day, and the limitation warning it carries.
 * docmodel_compose() is a pure function of those rows and the rules: it
 * works out (see docs.h for the formulas)
 *   opening  = obligations of earlier periods + penalty accrued up to the
 *              day before the period - payments made before the period
 *              (with the carry of the settled history the rows leave out,
 *              docmodel_settle());
 *   charged, recalc = the charge lines of those kinds;
 *   penalty  = the penalty lines when bill wrote any, else the penalty the
 *              ledger accrues within the period (shown as a penalty line);
 *   paid     = payments dated within the period;
 *   total    = opening + charged + recalc + penalty - paid;
 *   due      = the date the payment is due by law: the latest due date of
 *              the period's obligations (else the billing rules' due day),
 *              moved to the next working day when it is a day off (Civil
 *              Code art. 193) by penalty_due_move(), the one move the debt
 *              and the penalties use; due_nominal keeps the schedule's date;
 *   qr       = the GOST R 56042-2014 payload (qr.h), payer details dropped
 *              when they would make it invalid.
 * The writers (docs_xml.h, docs_pdf.h, the register in docs.c) take the
 * model and nothing else.  A model owns its memory (copies of every text),
 * so it can be handed to another thread; docmodel_reset() empties it for
 * the next account keeping its arrays, so memory follows one account.
 */
#ifndef SBYT_DOCMODEL_H
#define SBYT_DOCMODEL_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "ledger.h"
#include "money.h"
#include "penalty.h"
#include "qr.h"
#include "tariff.h"

struct docmodel_line {
	char kind[8];            /* charge, recalc, penalty */
	int zone, band;          /* 0: none */
	char volume[24], tariff[24];   /* as stored; tariff without trailing zeros */
	char basis[16];          /* actual, average, norm... ("" when none) */
	int has_tariff;
	money amount, vat;
};

struct docmodel_read {
	char meter[40];
	int zone;
	char previous[24], current[24];
	int has_current;
};

struct docmodel_obl {
	speriod period;
	char kind[8];            /* charge, advance, recalc, penalty... */
	sdate due;
	money amount;
};

struct docmodel_pay {
	int64_t id;
	sdate date;
	money amount;
	speriod period;          /* the period it names, or LEDGER_NO_PERIOD */
	money rest;              /* docmodel_settle(): what is not carried */
};

struct docmodel {
	/* read */
	speriod period;
	int number;
	sdate issued_on;         /* the document's date */
	char account[24];
	int legal;
	char name[512], address[1024], postcode[16], inn[16], kpp[16], contract[64];
	int has_inn;
	int residents, rooms;    /* of the premises (households; the norm uses them) */
	struct docmodel_line *line;
	int nline, line_cap;
	struct docmodel_read *read;
	int nread, read_cap;
	struct docmodel_obl *obl;
	int nobl, obl_cap;
	struct docmodel_pay *pay;
	int npay, pay_cap;
	/* the limitation warning it carries (w_text NULL: none) */
	char *w_text;
	char w_procedure[32], w_debt[32], w_issued[16], w_rule[48];
	/* carried (sql/260): the settled part of the history the rows leave out:
	 * obligations of periods up to carry_period and payments dated up to
	 * carry_cut, which leave carry_amount in the balance and carry_penalty
	 * of penalty (has_carry 0: the rows are the whole history) */
	int has_carry;
	speriod carry_period;
	sdate carry_cut;
	money carry_amount, carry_penalty;
	/* issued before (a published period): what it was issued with */
	int issued_before;
	money was_total;
	sdate was_due;
	char was_qr[QR_BUF];
	/* composed */
	money opening, charged, recalc, penalty, paid, total;
	int has_penalty_line;    /* the penalty is among the lines */
	sdate due;               /* moved over days off (ГК РФ ст. 193): printed */
	sdate due_nominal;       /* the schedule's date (== due when a working day) */
	sdate last_paid_on;      /* the last payment within the period, 0: none */
	char qr[QR_BUF];
	/* settled (docmodel_settle()): the carry the next period can start from */
	int settled;
	speriod settle_period;
	sdate settle_cut;
	money settle_amount, settle_penalty;
};

/* What composing needs besides the rows; the ledger is scratch space. */
struct docmodel_ctx {
	const struct supplier *sup;
	const struct billing_rules *billing;
	const struct penalty_rules *pr;
	struct ledger led;
	struct ledger_debt debt;
	char qr_payee[512];   /* qr_payee() of sup, made by the first document */
};

void docmodel_init(struct docmodel *d);
/* Empty d for the next account (keeps its arrays). */
void docmodel_reset(struct docmodel *d);
void docmodel_release(struct docmodel *d);

/* Set a text field (copied, cut to its buffer) or the warning's text. */
void docmodel_set(char *field, size_t size, const char *value);
int docmodel_set_warning(struct docmodel *d, const char *text, struct sbyt_err *e);

/* Append one row of each kind; the new element is zeroed.  NULL with e set
 * when out of memory. */
struct docmodel_line *docmodel_add_line(struct docmodel *d, struct sbyt_err *e);
struct docmodel_read *docmodel_add_read(struct docmodel *d, struct sbyt_err *e);
struct docmodel_obl *docmodel_add_obl(struct docmodel *d, struct sbyt_err *e);
struct docmodel_pay *docmodel_add_pay(struct docmodel *d, struct sbyt_err *e);

/* A stored tariff ("5.67000") as shown: trailing zeros go, two decimals stay. */
const char *docmodel_tariff_text(const char *s, char *buf, size_t size);

void docmodel_ctx_init(struct docmodel_ctx *c, const struct supplier *sup,
		       const struct billing_rules *billing, const struct penalty_rules *pr);
void docmodel_ctx_release(struct docmodel_ctx *c);

/* Work out the sums, the due date and the QR payload of d from its rows
 * (see above).  0, or -1 with e set (ERR_DATA: the ledger refuses a row or
 * no valid QR payload can be made; ERR_CONFIG: the production calendar of
 * the due date's year is not in rules/calendar, never guessed; prefixed
 * with the account). */
int docmodel_compose(struct docmodel_ctx *c, struct docmodel *d, struct sbyt_err *e);

/* For a document issued before (d->issued_before, composed): 1 when it
 * comes out as issued (total, QR payload and due date), else 0.  One issued
 * with the schedule's date before due dates on days off were moved on the
 * documents (d->was_due == d->due_nominal) comes out with that date again:
 * an issued document is not altered (d->due is set back to it). */
int docmodel_as_issued(struct docmodel *d);

/* After docmodel_compose() of a new document of period P (c holds its
 * ledger): the carry the documents of later periods can start from, in
 * d->settled and d->settle_*, and per payment dated up to settle_cut its
 * rest (d->pay[i].rest).  The carry is the latest period S before P such
 * that every entry of the periods up to S is paid off by allocations dated
 * up to a day D (the later of S's last day, the day the carry the rows
 * started from was cut, and the last of those allocations), with no
 * credit's excess crossing between the periods up to S and the later ones
 * and no prepayment reserved for a period up to S.  The ledger allocates
 * each payment greedily down one list (its named period's entries, then
 * every entry by due date), so leaving out the entries up to S and taking
 * from each payment dated up to D what went to them (its rest stays, with
 * the period it names when that is after S) allocates the rest to the
 * later entries as before; entries of periods after P (due after S's last
 * entry, which falls due in P) and payments dated after D come after the
 * settled entries in every list; the penalty of a settled period is fixed
 * (each part paid).  So a document of a later period may read only the
 * obligations after S, the payments after D and the rests, and start from
 * settle_amount (those obligations less those payments' parts, with the
 * carry before) and settle_penalty (their penalties, with the carry's).
 * d->settled is 0 when no such S is after the carry the rows started
 * from. */
void docmodel_settle(const struct docmodel_ctx *c, struct docmodel *d);

/* Copy src into dst (deep; dst initialised).  0, or -1 with e set. */
int docmodel_copy(struct docmodel *dst, const struct docmodel *src, struct sbyt_err *e);

#endif
