/*
 * calendar.h - the production calendar: which days are working days.
 *
 * The calendar is data: rules/calendar/ru-YYYY.xml, one file per year in the
 * xmlcalendar.ru format, dropped in as published (schema
 * rules/schema/calendar.xsd).  `<day d="MM.DD" t="1|2|3"/>`: t=1 day off,
 * t=2 shortened working day (still working), t=3 working weekend day;
 * Saturdays and Sundays not listed are off, other days working.  Every file
 * is validated on load (well-formed, schema, year equal to the file name,
 * real dates, t in 1..3, no duplicate day) and each fault is reported as
 * FILE:LINE.  Loaded days sit in one flat table of day classes from 1 January
 * of the first loaded year to 31 December of the last, so a lookup is one
 * subtraction and one byte read.  A day in a year that is not loaded is never
 * guessed: it is CAL_MISSING, and calendar_class_err() turns it into
 * ERR_CONFIG "no production calendar for YYYY in 'DIR'" (exit 78).
 */
#ifndef SBYT_CALENDAR_H
#define SBYT_CALENDAR_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"

/* The class of one day.  Working classes sort below CAL_WEEKEND. */
enum cal_class {
	CAL_WORKING = 0,      /* an ordinary working weekday */
	CAL_SHORT = 1,        /* t=2: shortened working day (pre-holiday) */
	CAL_WORK_WEEKEND = 2, /* t=3: a Saturday or Sunday made working */
	CAL_WEEKEND = 3,      /* a Saturday or Sunday not listed */
	CAL_HOLIDAY = 4,      /* t=1: a non-working holiday (h=) or day off */
	CAL_TRANSFER = 5,     /* t=1 with f=: a day off transferred from f */
	CAL_MISSING = 6       /* the year is not loaded */
};

#define CAL_IS_WORKING(c) ((c) < CAL_WEEKEND)

#define CAL_TITLES 32  /* holiday ids 1..31 keep a title */

struct cal_year {
	char *file;                 /* the file it came from, NULL: not loaded */
	char *title[CAL_TITLES];    /* holiday titles by id (NULL when none) */
};

struct calendar {
	char *dir;           /* the directory the files came from */
	int first_year;      /* years first_year..last_year span the table */
	int last_year;
	sdate base;          /* 1 January of first_year */
	int32_t ndays;       /* days in the table */
	uint8_t *cls;        /* enum cal_class per day, CAL_MISSING in gaps */
	uint8_t *holiday;    /* h= id of a t=1 day (0 none, ids >= CAL_TITLES: 0) */
	int16_t *from;       /* CAL_TRANSFER: day of the year (0-based) of f=, else -1 */
	struct cal_year *year; /* [last_year - first_year + 1] */
};

/* Load every ru-YYYY.xml file of dir (other files are ignored; an .xml file
 * with another name is a fault).  Returns the calendar (calendar_free()), or
 * NULL with faults added to f (when the files are invalid) and e set to
 * ERR_CONFIG. */
struct calendar *calendar_load(const char *dir, struct faults *f, struct sbyt_err *e);
/* Load only dir/ru-YEAR.xml (for `calendar check YEAR`).  Returns NULL with
 * e set to ERR_CONFIG "no production calendar for YEAR in 'DIR'" when the
 * file is absent, or after adding faults to f when it is invalid. */
struct calendar *calendar_load_year(const char *dir, int year, struct faults *f,
				    struct sbyt_err *e);
/* Validate one file as calendar_load does, adding faults to f.  When year >
 * 0 the year attribute must equal it.  Returns 0 when clean, -1 after adding
 * faults. */
int calendar_check_file(const char *path, const char *xsd, int year, struct faults *f);
/* Validate every file of rules_dir/calendar; 0 when clean, -1 after adding faults. */
int calendar_rules_check(const char *rules_dir, struct faults *f);
/* Free cal; NULL is fine. */
void calendar_free(struct calendar *cal);

/* The class of day d; CAL_MISSING outside the loaded years.  O(1). */
static inline enum cal_class calendar_class(const struct calendar *cal, sdate d)
{
	uint32_t i = (uint32_t)(d - cal->base);

	return i < (uint32_t)cal->ndays ? (enum cal_class)cal->cls[i] : CAL_MISSING;
}

/* The class of day d, or -1 with e set to ERR_CONFIG "no production calendar
 * for YYYY in 'DIR'" when d's year is not loaded. */
int calendar_class_err(const struct calendar *cal, sdate d, struct sbyt_err *e);
/* 1 when d is a working day, 0 when a day off, -1 (e set) when its year is
 * not loaded. */
int calendar_is_working(const struct calendar *cal, sdate d, struct sbyt_err *e);
/* The first working day at or after d (d itself when working); -1 (e set)
 * when a needed year is not loaded. */
int calendar_next_working(const struct calendar *cal, sdate d, sdate *out, struct sbyt_err *e);
/* The n-th working day strictly after d (n > 0) or strictly before d
 * (n < 0); n == 0 gives d.  Returns 0, or -1 (e set) when a needed year is
 * not loaded. */
int calendar_add_working(const struct calendar *cal, sdate d, int n, sdate *out,
			 struct sbyt_err *e);
/* Set e to the missing-year error for date d; returns -1. */
int calendar_missing(const struct calendar *cal, sdate d, struct sbyt_err *e);

/* A short English word for a class: "weekday", "shortened", "transferred"
 * (a working weekend day), "weekend", "holiday" (t=1 days, transferred or
 * not), "missing". */
const char *calendar_class_name(enum cal_class c);
/* Why day d is what it is, for derivations: e.g. "holiday: День Победы",
 * "day off transferred from 2026-05-09", "weekend", "shortened working day".
 * Writes into buf (size n) and returns buf. */
char *calendar_describe(const struct calendar *cal, sdate d, char *buf, size_t n);
/* The file a year was loaded from, or NULL. */
const char *calendar_file(const struct calendar *cal, int year);

#endif
