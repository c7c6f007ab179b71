/*
 * ingest_rules.h - the rules the ingest job applies, from rules/: the
 * suspicious-consumption thresholds (rules/ingest.xml), the SMS patterns
 * (rules/sms.xml, sms_rules.h) and the readings window (billing's,
 * rules/billing.xml, read through tariff.h).
 */
#ifndef SBYT_INGEST_RULES_H
#define SBYT_INGEST_RULES_H

#include "faults.h"
#include "sms_rules.h"

struct ingest_rules {
	int first_day, last_day;   /* the readings window, days of the month */
	int factor;                /* suspicious: consumption > factor x average ... */
	int min_kwh;               /* ... and > min_kwh */
	int months;                /* the average is over this many months */
	struct sms_rules *sms;
};

/* Read rules_dir/ingest.xml, sms.xml and billing.xml's window into r.  Returns 0, or
 * -1 after adding FILE:LINE faults to f (r is then released). */
int ingest_rules_load(const char *rules_dir, struct ingest_rules *r, struct faults *f);
/* Free what r holds. */
void ingest_rules_release(struct ingest_rules *r);
/* For `sbyt rules check`: 0 when ingest.xml and sms.xml are clean, -1
 * after adding faults (billing.xml has its own check). */
int ingest_rules_check(const char *rules_dir, struct faults *f);
/* The period (first day) a reading taken on d counts for: the month of d
 * when d's day is at most last_day, else the next month (SPEC 7). */
speriod ingest_window_period(const struct ingest_rules *r, sdate d);

#endif
