/*
 * penalty.h - key rate, penalty rules and the penalty (пени) of one charge.
 *
 * The rules are data: rules/keyrate.xml (the Bank of Russia key-rate history
 * and the caps of PP 474) and rules/penalty.xml (the day bands and fractions
 * of the rate per customer kind, and the schedules by which a period's charge
 * falls due), each validated against rules/schema/ with FILE:LINE faults.
 *
 * The due date a charge carries is the day its schedule (or the file it was
 * loaded from) names; a day off moves it to the next working day of the
 * production calendar (Civil Code art. 193; rules/calendar, loaded with the
 * rules), and a year the calendar lacks is an ERR_CONFIG naming the year,
 * never a guess.  Day 1 is the day after the moved due date.  A piece of
 * principal paid on day k accrues for the days of every band from the
 * band's first day through day k inclusive, at the key rate in force on the
 * day of payment; the unpaid remainder accrues through the as-of date
 * inclusive at the rate in force on the as-of date.  Each DAY of delay that
 * falls inside a cap's dates (PP 474: 2022-02-28 to 2026-12-31) is valued at
 * no more than the cap's rate; days outside every cap at the full rate
 * (SPEC 10), so a run of days crossing a cap's end is two segments.  Each
 * day of band b costs principal x rate / denominator(b).
 * Payments dated after the as-of date are not yet made.  Penalties accrue on
 * principal only.  The whole penalty of a charge is kept as an exact fraction
 * of a kopeck and rounded ONCE, half-up, with money_round(): one charge (all
 * instalments of one period of one account) gives one rounding, never one per
 * day or per segment.  Every piece of the computation is returned as a
 * segment (dates, day numbers, days, fraction, rate, base, exact amount) that
 * an auditor can read back.  Plain structs in, plain structs out; nothing here
 * touches the database.
 */
#ifndef SBYT_PENALTY_H
#define SBYT_PENALTY_H

#include <stddef.h>

#include "calendar.h"
#include "date.h"
#include "error.h"
#include "faults.h"
#include "money.h"

enum customer_kind {
	CUSTOMER_INDIVIDUAL = 0,  /* физическое лицо, household: ЖК РФ ст. 155 */
	CUSTOMER_LEGAL = 1,       /* юридическое лицо: ФЗ-35 ст. 37 */
	/* управляющая организация, ТСЖ, ЖСК (accounts.csv category=managing of
	 * a legal account): the households' scale (ФЗ-35 ст. 37 п. 2) on the
	 * legal payment schedule */
	CUSTOMER_MANAGING = 2
};
#define CUSTOMER_KINDS 3

/* "individual", "legal", "managing"; NULL for anything else. */
const char *penalty_kind_name(enum customer_kind k);

#define PENALTY_MAX_BANDS 8
#define PENALTY_MAX_PARTS 8

/* A key rate in force from `from` until the next entry's `from`. */
struct keyrate {
	sdate from;
	int bp;            /* basis points: 9.50 % = 950 */
};

/* A day of delay within [from, to] is valued at min(rate in force, bp). */
struct keyrate_cap {
	sdate from, to;
	int bp;
};

/* From day from_day on (until the next band), each day costs
 * principal x rate / denominator. */
struct penalty_band {
	int from_day;
	int denominator;
};

struct penalty_scheme {
	int nbands;        /* bands in ascending from_day */
	struct penalty_band band[PENALTY_MAX_BANDS];
};

/* One part of a period's charge: percent_bp of the advance base (30.00 % =
 * 3000), or the rest of the charge (percent_bp < 0); due on `day` of the
 * month `month_offset` months after the period. */
struct schedule_part {
	int percent_bp;
	int month_offset;
	int day;
};

struct penalty_schedule {
	int nparts;        /* parts in ascending due date; the rest part last */
	struct schedule_part part[PENALTY_MAX_PARTS];
};

struct penalty_rules {
	struct keyrate *rates;        /* ascending `from` */
	int nrates;
	struct keyrate_cap *caps;     /* ascending, not overlapping */
	int ncaps;
	struct penalty_scheme scheme[CUSTOMER_KINDS];
	struct penalty_schedule schedule[CUSTOMER_KINDS];  /* managing: the legal one */
	struct calendar *cal;         /* RULES_DIR/calendar; NULL: due dates not moved
	                                 (hand-built rules in unit tests only) */
};

/* Read and validate RULES_DIR/keyrate.xml and RULES_DIR/penalty.xml against
 * their schemas in RULES_DIR/schema/, and load the production calendar of
 * RULES_DIR/calendar (due dates move over its days off).  Returns 0 with r filled (release with
 * penalty_rules_release), or -1 after adding every fault found to f (r is
 * then empty and needs no release, though releasing it is harmless). */
int penalty_rules_load(const char *rules_dir, struct penalty_rules *r, struct faults *f);
/* Free what penalty_rules_load allocated; r may be zeroed or NULL. */
void penalty_rules_release(struct penalty_rules *r);
/* `sbyt rules check` entry: 0 when both files are clean, -1 after adding
 * faults to f (the calendar is checked by its own entry). */
int penalty_rules_check(const char *rules_dir, struct faults *f);

/* The rate for penalties taken on date d (the day of payment or the as-of
 * date): *key_bp the key rate in force on d, *applied_bp the same after the
 * cap covering d as a day of delay, if any.  Returns 0, or -1 with
 * ERR_CONFIG when the history has no rate in force on d. */
int penalty_rate_on(const struct penalty_rules *r, sdate d, int *applied_bp, int *key_bp,
		    struct sbyt_err *e);

/* The due date that counts for `nominal` (Civil Code art. 193): nominal
 * itself when it is a working day of r->cal, else the next working day.
 * Returns 0, or -1 with ERR_CONFIG "no production calendar for YYYY in
 * 'DIR'" when a year needed is not loaded (exit 78).  Without a calendar
 * (r->cal NULL) *moved = nominal. */
int penalty_due_move(const struct penalty_rules *r, sdate nominal, sdate *moved,
		     struct sbyt_err *e);
/* Why a due date moved, in Russian, for auditors: "" when moved == nominal,
 * else e.g. "перенесён с 2026-10-10 (сб, выходной; 2026-10-11 вс, выходной)
 * на 2026-10-12, ГК РФ ст. 193".  Writes at most size bytes into buf;
 * returns buf. */
char *penalty_due_text(const struct penalty_rules *r, sdate nominal, sdate moved, char *buf,
		       size_t size);

/* A payment (or the part of one) allocated to the charge. */
struct penalty_payment {
	sdate date;
	money amount;      /* > 0 */
};

/* One charge (or one instalment of it): principal due on `due` (the date
 * the schedule names: penalty_accrue moves it over days off), and the
 * payments allocated to it in any order (npaid may be 0). */
struct penalty_charge {
	money principal;
	sdate due;
	const struct penalty_payment *paid;
	int npaid;
};

/* One run of days at one fraction of one rate on one base. */
struct penalty_segment {
	sdate due;         /* the due date the days count from (moved, art. 193) */
	sdate due_nominal; /* the date the schedule named; == due when not moved */
	sdate from, to;    /* calendar dates of the first and the last day */
	int day_from, day_to;  /* their numbers: day 1 = due + 1 */
	int days;          /* day_to - day_from + 1 */
	int denominator;   /* the fraction 1/denominator of the rate */
	int rate_bp;       /* the rate applied (after the cap) */
	int key_rate_bp;   /* the key rate in force on rate_date */
	int cap_bp;        /* the cap covering these days (0: none); the cap
	                      applied when rate_bp < key_rate_bp */
	sdate cap_to;      /* the last day of that cap */
	sdate rate_date;   /* the day of payment, or the as-of date */
	int paid;          /* 1: this base was paid on rate_date; 0: unpaid */
	money base;        /* principal accruing */
	__int128 num;      /* exact amount in kopecks = num / den, where */
	int64_t den;       /* num = base x days x rate_bp, den = 10000 x denominator */
};

/* The penalty of one charge: the exact sum of its segments and that sum
 * rounded once.  Initialize with penalty_result_init (or zero it). */
struct penalty_result {
	money amount;      /* money_round(num, den); 0 when there is no segment */
	__int128 num;      /* exact total in kopecks = num / den (den 0: nothing) */
	int64_t den;
	int nseg;
	int cap;
	struct penalty_segment *seg;
};

void penalty_result_init(struct penalty_result *r);
/* Forget the segments and the total, keep the buffer for the next charge. */
void penalty_result_reset(struct penalty_result *r);
void penalty_result_release(struct penalty_result *r);

/* Add the penalty of charge c of a customer of `kind`, as of as_of, to r:
 * appends its segments, adds the exact amount and sets r->amount to the
 * rounded exact total.  Accruing several instalments of one period into one
 * r rounds the period once.  Returns 0, or -1 with e set: ERR_DATA when a
 * payment is not positive or the payments made by as_of exceed the
 * principal, ERR_CONFIG when no key rate is in force on a date needed,
 * ERR_INTERNAL when out of memory.  A charge with principal <= 0 adds
 * nothing. */
int penalty_accrue(const struct penalty_rules *rules, enum customer_kind kind,
		   const struct penalty_charge *c, sdate as_of, struct penalty_result *r,
		   struct sbyt_err *e);
/* penalty_result_reset(r) and penalty_accrue(): the penalty of one charge. */
int penalty_compute(const struct penalty_rules *rules, enum customer_kind kind,
		    const struct penalty_charge *c, sdate as_of, struct penalty_result *r,
		    struct sbyt_err *e);

#define PENALTY_TEXT_BUF 512
/* The segment as one Russian line for auditors, e.g.
 * "2026-11-10 – 2026-11-26, дни 31–47 (17 дн.) × 1000.00 × 9.50 % / 300 = 5.3833
 *  (не оплачено; ставка на 2026-11-26: ключевая 15.00 %, применена 9.50 % —
 *  ограничение 9.50 % для дней по 2026-12-31)"; days outside every cap end
 * with "без ограничения" instead.
 * The amount is shown in roubles to 4 decimals, rounded half-up; the exact
 * value is num/den.  Writes at most size bytes into buf; returns buf. */
char *penalty_segment_text(const struct penalty_segment *s, char *buf, size_t size);

#endif
