/*
 * bill.h - one account's bill for one period (SPEC 7), without a database.
 *
 * bill_compute() takes plain facts about an account-period (category,
 * meter, readings, past volumes) and the loaded rules (tariff.h), and
 * returns the bill's lines and totals.  The rules it applies:
 *
 * Basis of the period's volume, per meter (all zones together):
 *   - no working meter (zones == 0, or verified_until before the period's
 *     first day): the norm x residents (one person when residents < 1),
 *     billed on the single-rate tariff as zone 1; readings are ignored;
 *   - every zone has a reading this period: consumption = current -
 *     previous, or 10^digits - previous + current when the register rolled
 *     over (current < previous and previous - current > 10^digits / 2, as at
 *     ingest; a smaller decrease is a data error);
 *   - otherwise, when fewer than max_consecutive periods in a row were billed
 *     without a reading and at least min_history of the last history_months
 *     periods before this one were billed on actual readings: their average
 *     per zone (sum / months, half-up to the milli-kWh);
 *   - otherwise the norm as above.
 * A reading that arrives after k periods billed without one (in->estimated,
 * the k periods right before this one, oldest first): the consumption since
 * the last actual reading is spread over those k periods and this one in
 * proportion to calendar days; this period is charged its share, and each
 * earlier period gets recalculation lines: its share priced with that
 * period's tariffs, minus what was billed, netted per (day range, zone,
 * band, tariff).  So charge + recalculation = actual - estimated exactly.
 *
 * Pricing a month's volume (households):
 *   - bands are decided on the total of all zones against the category's
 *     monthly limits (tariff_limits_for); the part above a limit is taken
 *     from the zones in proportion to their volumes;
 *   - a tariff change inside the month splits every (zone, band) volume
 *     between the tariffs' day ranges in proportion to calendar days;
 *   - band-1 rates carry the category's coefficient (0.7 for electric
 *     stoves and rural households), exactly, in 1/10000 kopeck.
 * Volume splits are done in milli-kWh: each part gets floor(total x weight
 * / sum of weights) and the remainder goes to the part with the largest
 * weight (the first one among equals), so the parts always add up to the
 * total.  (With band limits at least 1 kWh apart, as tariff.c enforces, a
 * zone's band-2 share never exceeds its excess over band 1.)
 * Legal entities: no bands; volume x the month's price (prices.xml) per
 * zone, VAT per line at the rate in force on the period's last day; the
 * norm does not apply to them (their calculation method is out of scope,
 * so bill_compute refuses with ERR_DATA).
 *
 * Money: each line amount = money_round(volume x tariff) half-up to whole
 * kopecks (tariff_amount); for legal entities net = that, vat =
 * money_round(net x rate), amount = net + vat.  Totals are sums of lines.
 */
#ifndef SBYT_BILL_H
#define SBYT_BILL_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "tariff.h"

#define BILL_NO_DATE INT32_MAX /* verified_until of a meter that never expires */

enum bill_kind { BILL_INDIVIDUAL, BILL_LEGAL };
enum bill_line_kind { BILL_CHARGE, BILL_RECALC };
enum bill_basis { BILL_READING, BILL_ESTIMATE, BILL_NORM };

/* One zone of the meter. */
struct bill_reading {
	int64_t previous;  /* milli-kWh: the last actual reading billed (or the initial value) */
	int has_current;   /* 1 when an accepted reading counts for this period */
	int64_t current;   /* milli-kWh: the latest accepted reading of the period */
};

/* A past period's volume per zone. */
struct bill_month {
	speriod period;
	enum bill_basis basis;            /* how that volume was found */
	int64_t volume[TARIFF_ZONES];     /* milli-kWh; a norm period has zone 1 only */
};

struct bill_input {
	const char *account;     /* for messages only */
	speriod period;
	enum bill_kind kind;
	const char *category;    /* individuals: tariffs.xml category (urban_gas...) */
	int price_category;      /* legal: 1..6 */
	int residents, rooms;    /* for the norm */
	int zones;               /* meter zones 1..3; 0: no meter */
	int digits;              /* register digits, for rollover; 0: unknown (no rollover) */
	sdate verified_until;    /* last verified day; BILL_NO_DATE: no expiry known */
	struct bill_reading reading[TARIFF_ZONES];
	/* Periods billed on actual readings (basis BILL_READING; others are
	 * ignored), any order; only the last history_months before the period
	 * count. */
	const struct bill_month *history;
	int nhistory;
	/* The periods billed without a reading since the last actual one (by
	 * average or norm), exactly the nestimated periods right before this
	 * one, oldest first: nestimated is the consecutive count. */
	const struct bill_month *estimated;
	int nestimated;
	money previous_charge;   /* legal: last month's charge with VAT, for the advances */
};

struct bill_line {
	enum bill_line_kind kind;
	enum bill_basis basis;   /* charge: how the volume was found; recalc: the basis reversed */
	speriod period;          /* charge: this period; recalc: the period recalculated */
	sdate from, to;          /* the days of `period` this line's tariff covers */
	int zone;                /* 1..3 */
	int band;                /* 1..3; 0 for legal entities (no bands) */
	int64_t volume;          /* milli-kWh; negative for a credit */
	int64_t tariff;          /* 1/10000 kopeck per kWh: with VAT (households), without (legal) */
	money amount;            /* kopecks, VAT included */
	money vat;               /* legal: the line's VAT; households: 0 */
	int vat_bp;              /* legal: VAT rate in basis points; households: 0 */
	int sample;              /* the tariff or price used is a marked sample */
};

/* A legal entity's payment: an advance (percent > 0) or the balance (0). */
struct bill_payment {
	int percent;
	sdate due;               /* the day the schedule names; a day off moves it
	                            when the debt is valued (lib/penalty.h) */
	money sum;               /* may be negative for the balance (overpaid advances) */
};

struct bill_result {
	enum bill_basis basis;            /* how this period's volume was found */
	int64_t volume[TARIFF_ZONES];     /* this period's charged volume per zone (norm: zone 1) */
	int estimated_run;                /* periods in a row without a reading, this one included */
	/* When a reading arrived after estimated periods: the actual volume per
	 * zone of each of those periods and of this one (oldest first), for the
	 * caller to keep as history; otherwise this period alone when its basis
	 * is BILL_READING; nothing for estimates and norms. */
	struct bill_month *months;
	int nmonths;
	struct bill_line *lines;          /* charges first, then recalculations */
	int nlines;
	money charges, recalcs;           /* sums of the lines' amounts by kind */
	money vat;                        /* sum of the lines' VAT */
	money total;                      /* charges + recalcs */
	sdate due;                        /* households: payment due; legal: the balance's */
	struct bill_payment pay[5];       /* legal: advances, then the balance */
	int npay;
	/* private */
	int cap, mcap;
};

/* Compute in's bill into out (which it initialises: release it with
 * bill_result_release() whatever the return).  Returns 0, or -1 with
 * ERR_DATA (impossible input: decreasing reading, wrong estimated periods,
 * a legal entity without a working meter...) or ERR_CONFIG (a rule missing
 * for the period: tariff, limits, norm, price, VAT). */
int bill_compute(const struct tariff_rules *r, const struct bill_input *in,
		 struct bill_result *out, struct sbyt_err *e);
/* Free out's arrays; out can be reused.  NULL is accepted. */
void bill_result_release(struct bill_result *out);

/* Split total (>= 0) into n parts in proportion to weights (>= 0): floor
 * shares, the remainder to the largest weight (the first among equals).
 * All weights zero: everything to part 0. */
void bill_split(int64_t total, const int64_t *weights, int n, int64_t *out);
/* Consumption between two register values (milli-kWh) of a meter with
 * `digits` digits (0: unknown).  Returns 0 and sets *volume, or -1 with
 * ERR_DATA when current is below previous and is not a rollover. */
int bill_consumption(int64_t previous, int64_t current, int digits, int64_t *volume,
		     struct sbyt_err *e);

#endif
