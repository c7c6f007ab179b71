/*
 * date.h - calendar dates and billing periods as plain integers.
 *
 * A date is the number of days since 1970-01-01 (proleptic Gregorian), so
 * adding N days is `d + N` and comparing dates is comparing ints.  A period
 * (расчётный период) is a calendar month, numbered year * 12 + (month - 1).
 * Parsers are strict: they reject 2026-02-31, extra characters and years
 * outside 1900..2999.  Nothing here knows about working days; that is
 * calendar.h.
 */
#ifndef SBYT_DATE_H
#define SBYT_DATE_H

#include <stdint.h>

typedef int32_t sdate;
typedef int32_t speriod;

#define DATE_BUF 11   /* "YYYY-MM-DD" and its NUL */
#define PERIOD_BUF 8  /* "YYYY-MM" and its NUL */

/* Days since 1970-01-01 of a valid y-m-d (no checking: see date_valid). */
sdate date_from_ymd(int y, int m, int d);
/* Split d into year, month (1-12) and day (1-31); any pointer may be NULL. */
void date_to_ymd(sdate d, int *y, int *m, int *day);
/* 1 when y-m-d is a real date in years 1900..2999, else 0. */
int date_valid(int y, int m, int d);
/* Days in month m of year y. */
int date_month_days(int y, int m);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int date_weekday(sdate d);
/* Parse exactly "YYYY-MM-DD" (len bytes, or up to NUL when len < 0).
 * Returns 0 and sets *out, or -1 when malformed or not a real date. */
int date_parse(const char *s, int len, sdate *out);
/* Parse "DD/MM/YYYY" or "DD.MM.YYYY"; same contract as date_parse. */
int date_parse_dmy(const char *s, int len, sdate *out);
/* An ISO 8601 time as date_time_parse() reads it. */
struct date_time {
	sdate day;          /* the date as written */
	char sep;           /* 'T' or ' ' before the time; 0: a date alone */
	int has_seconds;
	int has_offset;     /* 'Z' or +hh:mm / -hh:mm */
	int64_t utc;        /* with an offset: seconds since 1970-01-01 UTC */
};
/* Parse an ISO 8601 date or date-time (len bytes, or up to NUL when
 * len < 0): YYYY-MM-DD, optionally followed by 'T' or ' ' and hh:mm[:ss],
 * optionally 'Z' or +hh:mm / -hh:mm (hours up to 14).  Returns 0 and fills
 * *t, or -1 when malformed. */
int date_time_parse(const char *s, int len, struct date_time *t);
/* Write "YYYY-MM-DD" into buf (DATE_BUF bytes); returns buf. */
char *date_format(sdate d, char *buf);
/* The supplier's time zone: an IANA name of the C library's zone database
 * (--tz, SBYT_TZ, `timezone` in sbyt.conf), default Asia/Yekaterinburg.
 * date_zone_set() sets TZ for this process (tzset); -1 when the name is not
 * in the zone database.  date_zone() is the zone in force (the default
 * until one is set).  Every clock sbyt shows (run records, reports, status,
 * the as-of date) reads this zone; the database session gets it too. */
#define DATE_ZONE_DEFAULT "Asia/Yekaterinburg"
int date_zone_set(const char *tz);
const char *date_zone(void);
/* Today in the supplier's zone (date_zone()). */
sdate date_today(void);

/* Period of a date; first and last day of a period. */
speriod period_of(sdate d);
sdate period_first(speriod p);
sdate period_last(speriod p);
speriod period_from_ym(int y, int m);
void period_to_ym(speriod p, int *y, int *m);
/* Parse exactly "YYYY-MM"; 0 on success, -1 otherwise. */
int period_parse(const char *s, int len, speriod *out);
/* Write "YYYY-MM" into buf (PERIOD_BUF bytes); returns buf. */
char *period_format(speriod p, char *buf);

#endif
