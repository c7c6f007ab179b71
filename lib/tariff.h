/*
 * tariff.h - the billing rules: tariffs, band limits, zone hours, norms, VAT,
 * legal entities' prices, the billing cycle and the supplier's requisites.
 *
 * Everything that changes with a РЭК decision or a law lives in rules/ as
 * XML (tariffs.xml, norms.xml, vat.xml, prices.xml, billing.xml,
 * supplier.xml, each with its XSD in rules/schema/).  tariff_rules_load()
 * reads and validates all six files, reporting every fault as
 * "FILE:LINE: reason" (overlapping validity ranges, band limits not
 * increasing, a zone missing, months not covered, bad check digits...), and
 * returns an immutable struct tariff_rules that the lookup functions below
 * answer from with plain values.  Units, everywhere in billing:
 *   volumes  int64 milli-kWh (1 kWh = TARIFF_KWH);
 *   rates    int64 1/10000 kopeck per kWh (1 kopeck = TARIFF_SCALE), exact
 *            for published rates (2 decimals of a rouble) times a band-1
 *            coefficient of up to 2 decimals, and for prices of up to 4
 *            decimals of a kopeck;
 *   money    kopecks (money.h); VAT rates in basis points (2200 = 22 %).
 * A volume v times a rate t is v * t / (TARIFF_KWH * TARIFF_SCALE) kopecks,
 * rounded once with money_round() (see tariff_amount()).
 */
#ifndef SBYT_TARIFF_H
#define SBYT_TARIFF_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"
#include "money.h"

#define TARIFF_KWH 1000      /* milli-kWh per kWh */
#define TARIFF_SCALE 10000   /* rate units per kopeck */
#define TARIFF_OPEN INT32_MAX /* "to" of an open-ended validity range */
#define TARIFF_ZONES 3
#define TARIFF_BANDS 3
#define TARIFF_PRICE_CATEGORIES 6

struct tariff_rules;

/* One Tariff row of tariffs.xml as it applies to one category. */
struct tariff_rate {
	sdate from, to;   /* validity, inclusive; to == TARIFF_OPEN: open-ended */
	int zones;        /* zone scheme 1..3 */
	/* [zone-1][band-1], rate units, VAT included, band-1 coefficient applied */
	int64_t rate[TARIFF_ZONES][TARIFF_BANDS];
	int coefficient;  /* the band-1 coefficient x 10000 (7000 = 0.7) */
	int sample;       /* 1 when any figure used is a marked sample */
	long line;        /* the Tariff element's line in tariffs.xml */
};

/* Monthly band limits of a category for one month. */
struct tariff_limits {
	int64_t band1, band2; /* milli-kWh: band 1 up to band1, band 2 up to band2 */
	int sample;
	long line;
};

/* rules/billing.xml. */
struct billing_rules {
	int window_first, window_last; /* readings window, days of the month */
	int legal_readings_day;        /* legal: readings of M due by this day of M+1 */
	int legal_documents_day;       /* legal: bills and documents of M by this day */
	int history_months;            /* estimation looks this many months back */
	int min_history;               /* actual-reading months needed to estimate */
	int max_consecutive;           /* estimated periods in a row before the norm */
	int due_day, due_offset;       /* households: day, months after the period */
	int nadvances;
	struct { int percent, day, offset; } advance[4]; /* legal advances */
	int balance_day, balance_offset;                 /* legal final settlement */
};

/* rules/supplier.xml: UTF-8 strings. */
struct supplier {
	char name[512], short_name[512];
	char inn[13], kpp[10];
	char address[512], phone[128], email[128], site[128];
	char bank_name[256], bic[10], corr_account[21], account[21];
	int sample;
};

/* Read and validate every rules file of rules_dir.  Returns 0 and sets *out
 * (free with tariff_rules_free()), or -1 after adding at least one fault to
 * f (all faults of all files, not just the first). */
int tariff_rules_load(const char *rules_dir, struct tariff_rules **out, struct faults *f);
/* Free the rules; NULL is accepted. */
void tariff_rules_free(struct tariff_rules *r);
/* Validate every file this module owns: 0 when clean, -1 after adding faults. */
int tariff_rules_check(const char *rules_dir, struct faults *f);

/* 1 when category is a household category of tariffs.xml, else 0. */
int tariff_category_known(const struct tariff_rules *r, const char *category);
/* The tariff in force on day for category x zone scheme.  Returns 0, or -1
 * with ERR_CONFIG (unknown category, no tariff on that day). */
int tariff_lookup(const struct tariff_rules *r, const char *category, int zones, sdate day,
		  struct tariff_rate *out, struct sbyt_err *e);
/* The band limits of category for period p (limits start on a month's first
 * day, so one set applies to the whole month).  0, or -1 with ERR_CONFIG. */
int tariff_limits_for(const struct tariff_rules *r, const char *category, speriod p,
		      struct tariff_limits *out, struct sbyt_err *e);
/* The zone hours of a scheme: bit h of *mask set when hour [h, h+1) belongs
 * to zone; *name the zone's name (may be NULL).  0, or -1 with ERR_CONFIG. */
int tariff_zone_hours(const struct tariff_rules *r, int scheme, int zone, uint32_t *mask,
		      const char **name, struct sbyt_err *e);
/* VAT rate in force on day, basis points.  0, or -1 with ERR_CONFIG. */
int tariff_vat(const struct tariff_rules *r, sdate day, int *basis_points, struct sbyt_err *e);
/* Legal entities' price for period p and price category 1..6, rate units
 * without VAT; *sample (may be NULL) is 1 when the month is a marked
 * sample.  0, or -1 with ERR_CONFIG (ERR_DATA for a category outside 1..6). */
int tariff_price(const struct tariff_rules *r, speriod p, int price_category, int64_t *rate,
		 int *sample, struct sbyt_err *e);
/* The norm per person per month (milli-kWh) for category on day; rooms and
 * residents above the table's last row use the last row; residents < 1
 * counts as 1.  0, or -1 with ERR_CONFIG. */
int tariff_norm(const struct tariff_rules *r, const char *category, sdate day, int rooms,
		int residents, int64_t *per_person, struct sbyt_err *e);
/* The billing cycle and the supplier (never NULL for loaded rules). */
const struct billing_rules *tariff_billing(const struct tariff_rules *r);
const struct supplier *tariff_supplier(const struct tariff_rules *r);

/* volume (milli-kWh) x rate (rate units) in kopecks, rounded half-up once. */
money tariff_amount(int64_t volume, int64_t rate);
/* The period a reading taken on day counts for: its month when day is on or
 * before the window's last day, else the next month (SPEC 7). */
speriod billing_reading_period(const struct billing_rules *b, sdate day);
/* Whether a household's reading taken on day is in the readings window of
 * its month (firstDay..lastDay): such a reading counts before one taken
 * earlier in the same period, which counts only without one (SPEC 7). */
int billing_in_window(const struct billing_rules *b, sdate day);
/* A legal entity's readings day: the contract's (1..27), or when day is 0
 * the rules' default (LegalMonth readingsDay). */
int billing_legal_readings_day(const struct billing_rules *b, int day);
/* Whether a legal entity's reading taken on day closes a month (SPEC 7): it
 * does when dated from the last day of month M to readings_day (0: the
 * rules' default) of M+1, and *month is then M; any other reading is an
 * intermediate one (returns 0, *month untouched). */
int billing_legal_closes(const struct billing_rules *b, int readings_day, sdate day,
			 speriod *month);
/* The day by which a legal entity's readings of month M are due (the
 * readings day of M+1; readings_day 0: the rules' default), and the day by
 * which its bill and documents for M are due (documentsDay of M+1). */
sdate billing_legal_readings_due(const struct billing_rules *b, int readings_day, speriod m);
sdate billing_legal_documents_due(const struct billing_rules *b, speriod m);

/* Check digits (exposed for the loaders of master data too).  Each returns 1
 * when s is well-formed and its check digits are right, else 0. */
int tariff_inn_valid(const char *s);  /* 10 (organisation) or 12 digits */
int tariff_bic_valid(const char *s);  /* 9 digits */
/* 20-digit correspondent account against its BIC (key over "0" + BIC[4..5]). */
int tariff_corr_account_valid(const char *account, const char *bic);
/* 20-digit settlement account against its BIC (key over BIC[6..8]). */
int tariff_account_valid(const char *account, const char *bic);

#endif
