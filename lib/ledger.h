/*
 * ledger.h - one account's charges and payments: allocation, overdue debt
 * and penalties as of a date.
 *
 * A period's charge is one or more entries (instalments) with their own due
 * dates: households one (the 10th of the next month), legal entities the
 * parts of rules/penalty.xml (30 % on the 10th, 40 % on the 25th, the rest on
 * the 18th of the next month; ledger_schedule() builds them; managing
 * organisations the legal ones).  An entry keeps the date its schedule
 * names; when the debt is valued a date that has passed is moved over days
 * off (Civil Code 193, lib/penalty.h), and "overdue", the days overdue and
 * the penalty count from the moved date.  Recalculation lines are entries
 * too; a negative one is a credit.
 *
 * Allocation (SPEC 10, Civil Code art. 319.1), done once over everything
 * given, payments in the order (date, id, order added):
 *  1. Credits first: the credits of a period reduce that period's positive
 *     entries, latest due first (a recalculation corrects the final
 *     settlement before the advances).  What a credit has left over acts as
 *     an unnamed payment dated the last day of its period (the day its
 *     document is issued).
 *  2. A payment naming a period goes to that period's open entries, earliest
 *     due first, up to their open balance.  When the period has no entry at
 *     all and is not earlier than the payment's own month, the payment is a
 *     prepayment reserved for it: it stays an advance named for that period.
 *  3. Anything else (unnamed payments, the excess over the named period)
 *     goes to the open entries in order of due date, oldest first, whether
 *     the entry is already due or not: that is how an advance is consumed by
 *     the later charges, the oldest advance first, as they appear.
 *  4. What is left over is an advance (credit balance).
 * Each payment's allocation depends only on the payments before it, so the
 * allocations dated up to D are exactly the allocation of the payments made
 * up to D: every "as of D" question is answered from one allocation.  A part
 * of a payment keeps the payment's date for penalties (a prepayment consumed
 * later was paid before the due date).
 *
 * Memory grows with one account's ledger only: ledger_reset() empties it for
 * the next account and keeps the buffers.  Nothing here touches the database
 * or prints.
 */
#ifndef SBYT_LEDGER_H
#define SBYT_LEDGER_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "penalty.h"

#define LEDGER_NO_PERIOD (-1)

enum ledger_kind {
	LEDGER_CHARGE = 0,   /* a period's charge or one instalment of it */
	LEDGER_RECALC = 1    /* a recalculation line; negative: a credit */
};

/* Input: one entry of the account's ledger. */
struct ledger_charge {
	speriod period;
	sdate due;
	money amount;        /* kopecks; > 0 for a charge, any sign for a recalc */
	enum ledger_kind kind;
};

/* Input: one payment. */
struct ledger_payment {
	int64_t id;          /* > 0, the payment's key; ties on a date go by id */
	sdate date;
	money amount;        /* > 0 */
	speriod period;      /* the period it names, or LEDGER_NO_PERIOD */
};

/* An entry as held: the input plus its net amount after credits. */
struct ledger_entry {
	speriod period;
	sdate due;
	enum ledger_kind kind;
	money amount;        /* as given */
	money net;           /* after the credits of its period; 0 for a credit */
};

enum ledger_how {
	LEDGER_NAMED = 0,    /* to the period the payment names */
	LEDGER_OLDEST = 1,   /* to the oldest open entry (Civil Code 319.1) */
	LEDGER_CREDIT = 2    /* a credit's excess, to the oldest open entry */
};

/* Output: a part of a payment (or of a credit's excess) put on an entry. */
struct ledger_alloc {
	int64_t payment_id;  /* 0 for a credit's excess */
	sdate date;          /* the payment's date */
	int entry;           /* index in l->entry (the order ledger_add_charge saw) */
	money amount;
	enum ledger_how how;
};

/* Output: what a payment (or a credit) has left over after allocation. */
struct ledger_advance {
	int64_t payment_id;  /* 0 for a credit */
	sdate date;
	speriod period;      /* reserved for this period, or LEDGER_NO_PERIOD */
	money amount;
};

struct ledger {
	struct ledger_entry *entry;
	int nentry, entry_cap;
	struct ledger_payment *pay;       /* sorted by ledger_allocate */
	int npay, pay_cap;
	struct ledger_alloc *alloc;       /* in allocation order */
	int nalloc, alloc_cap;
	struct ledger_advance *adv;
	int nadv, adv_cap;
	int allocated;                    /* 1 after ledger_allocate */
};

void ledger_init(struct ledger *l);
/* Empty l for the next account, keeping its buffers. */
void ledger_reset(struct ledger *l);
void ledger_release(struct ledger *l);

/* Add an entry.  Returns its index (>= 0), or -1 with ERR_DATA when a
 * charge is not positive or a date or period is not set, ERR_INTERNAL when
 * out of memory. */
int ledger_add_charge(struct ledger *l, const struct ledger_charge *c, struct sbyt_err *e);
/* Add a payment.  Returns 0, or -1 with ERR_DATA when its amount is not
 * positive or its id not above 0, ERR_INTERNAL when out of memory. */
int ledger_add_payment(struct ledger *l, const struct ledger_payment *p, struct sbyt_err *e);
/* Allocate (see the header comment); fills l->alloc and l->adv.  May be run
 * again after more entries or payments are added.  Returns 0, or -1 with
 * ERR_INTERNAL when out of memory. */
int ledger_allocate(struct ledger *l, struct sbyt_err *e);

/* The open balance of entry i counting the allocations dated on or before
 * d (a payment on d has been made on d). */
money ledger_entry_open(const struct ledger *l, int i, sdate d);

/* The entries of period p of a customer of `kind` per its schedule in the
 * rules: each percent part is that share of advance_base (rounded half-up),
 * due on its day; the rest part is `charge` less the parts.  When the charge
 * is known (charge_known), a part never takes more than the charge has left
 * (a charge below the advances makes the advances smaller, never a negative
 * rest); when it is not known yet (before billing), only the percent parts
 * are made.  Parts of 0.00 are left out.  Writes to out (PENALTY_MAX_PARTS
 * entries of kind LEDGER_CHARGE) and returns how many, or -1 with ERR_DATA
 * when charge or advance_base is negative. */
int ledger_schedule(const struct penalty_rules *r, enum customer_kind kind, speriod p,
		    money advance_base, money charge, int charge_known,
		    struct ledger_charge *out, struct sbyt_err *e);

/* One period in the debt as of a date. */
struct ledger_period {
	speriod period;
	sdate due;           /* earliest due date of its overdue open entries (or,
	                        when none is open, of its entries), moved over days
	                        off (Civil Code 193) once it is past */
	sdate due_nominal;   /* that entry's date as the schedule named it */
	int days_overdue;    /* as_of - due when principal > 0, else 0 */
	money charged;       /* sum of the net entries */
	money principal;     /* overdue open principal: entries due before as_of */
	money penalty;       /* penalty of the period, rounded once */
	struct penalty_result detail;  /* its segments, for auditors */
};

/* The account's debt as of a date. */
struct ledger_debt {
	sdate as_of;
	money principal;     /* sum of the periods' principal */
	money penalty;       /* sum of the periods' (rounded) penalties */
	money advance;       /* unallocated payments and credits made by as_of */
	int periods;         /* distinct periods with overdue principal > 0 */
	int nper;            /* periods listed: principal > 0 or penalty > 0 */
	int cap;
	struct ledger_period *per;  /* ascending period */
};

void ledger_debt_init(struct ledger_debt *d);
void ledger_debt_release(struct ledger_debt *d);
/* The debt of an allocated ledger as of as_of for a customer of `kind`:
 * per period its overdue principal and penalty, and the totals.  Entries due
 * on or after as_of (the due date moved to a working day: r->cal) are not
 * overdue; payments and credits after as_of are not yet made.  d is overwritten (its buffers reused).  Returns 0, or -1 with e
 * set (ERR_INTERNAL when l is not allocated or out of memory, ERR_CONFIG
 * when no key rate is in force on a date needed or a due date needs a
 * calendar year that is not loaded). */
int ledger_debt_compute(const struct ledger *l, const struct penalty_rules *r,
			enum customer_kind kind, sdate as_of, struct ledger_debt *d,
			struct sbyt_err *e);

/* The settled beginning of an allocated ledger: a checkpoint (lib/debt.h,
 * sql/250).  The periods before period_from and the sources (payments and
 * credits' excesses) dated on or before cut form a closed set: each entry
 * of those periods is paid in full by those sources and its date is at
 * most due_max (<= cut); each of those sources went whole to those entries
 * (no part elsewhere, no advance), except the last of them in the order of
 * allocation, a payment, whose rest went to the oldest open entries: that
 * rest is carried (carry_*); none of them names period_from or a later
 * period; no credit of period_from or later has its period ended by cut.
 * Then the allocation of everything else, without that set, is what it is
 * with it (the carried rest comes first and fills the open entries in the
 * order of their due dates as the whole payment did once the settled ones
 * were paid), and the set's penalties are final: penalty, the sum of those
 * periods' penalties in d. */
struct ledger_settled {
	speriod period_from;
	sdate cut, due_max;
	money penalty;
	/* the carried rest: a payment of that id and date (on or before the
	 * cut), unnamed, of carry_amount; carry_id 0: none */
	int64_t carry_id;
	sdate carry_date;
	money carry_amount;
};
/* The latest such cut for the most periods, given that the ledger l (d its
 * debt, from ledger_debt_compute) holds only what comes after a set already
 * settled (prev: its cut and due_max; zeroed when there is none): the cut
 * is at least prev->cut and at most cut_max, period_from above every period
 * settled before, due_max at least prev->due_max; s->penalty counts only the
 * periods of l.  Returns 1 with *s filled, 0 when no period of l can be
 * settled so, -1 with ERR_INTERNAL when out of memory. */
int ledger_settle(const struct ledger *l, const struct ledger_debt *d,
		  const struct ledger_settled *prev, sdate cut_max, struct ledger_settled *s,
		  struct sbyt_err *e);

#endif
