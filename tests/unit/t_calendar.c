/*
 * t_calendar.c - the production calendar: the official 2024-2026 files of
 * rules/calendar, and malformed files with their FILE:LINE faults.  Every
 * expected value comes from the decrees (ПП РФ № 1810 of 2023, № 1335 of
 * 2024, № 1466 of 2025) and the weekday of the date, worked by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "calendar.h"
#include "check.h"

static sdate D(const char *s)
{
	sdate d = 0;

	if (date_parse(s, -1, &d)) {
		printf("# bad date in test: %s\n", s);
		exit(2);
	}
	return d;
}

static int cls(const struct calendar *cal, const char *s)
{
	return (int)calendar_class(cal, D(s));
}

static char tmp[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", tmp, name) >= (int)sizeof(path))
		abort();
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");

	if (!in || !out) {
		perror(from);
		exit(2);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
}

/* 1 when some fault line starts with prefix and contains text. */
static int has_fault(const struct faults *f, const char *prefix, const char *text)
{
	for (int i = 0; i < f->kept; i++)
		if (strstr(f->lines[i], prefix) && strstr(f->lines[i], text))
			return 1;
	for (int i = 0; i < f->kept; i++)
		printf("#   fault: %s\n", f->lines[i]);
	return 0;
}

/* Load a temporary calendar dir holding one file name with text. */
static struct calendar *load_one(const char *name, const char *text, struct faults *f,
				 struct sbyt_err *e)
{
	char path[512];

	snprintf(path, sizeof(path), "rm -f %s/calendar/*", tmp);
	if (system(path) != 0)
		exit(2);
	snprintf(path, sizeof(path), "calendar/%s", name);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/calendar", tmp);
	faults_release(f);
	return calendar_load(path, f, e);
}

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct sbyt_err e;
	struct calendar *cal;
	sdate out;
	char path[512], why[256];
	int n;

	cal = calendar_load("rules/calendar", &f, &e);
	CHECK(cal != NULL, "the official calendars of rules/calendar load without faults");
	faults_print(&f, stdout);
	if (!cal)
		return check_done();
	CHECK_INT(cal->first_year, 2024, "the first year loaded is 2024");
	CHECK_INT(cal->last_year, 2027, "the last year loaded is 2027");

	/* 2026 (ПП № 1466): 1-8 January holidays, Sat 3 January moved to Fri 9 January. */
	CHECK_INT(cls(cal, "2026-01-08"), CAL_HOLIDAY, "2026-01-08 is a holiday");
	CHECK_INT(cls(cal, "2026-01-09"), CAL_TRANSFER, "Fri 2026-01-09 is a day off moved from Sat 3 Jan");
	CHECK_INT(cls(cal, "2026-01-12"), CAL_WORKING, "Mon 2026-01-12 is the first working day");
	/* 23 February 2026 is a Monday: a holiday in place. */
	CHECK_INT(cls(cal, "2026-02-23"), CAL_HOLIDAY, "Mon 2026-02-23 is a holiday");
	CHECK_INT(cls(cal, "2026-02-20"), CAL_WORKING, "Fri 2026-02-20 is an ordinary working day");
	/* 8 March 2026 is a Sunday: Monday 9 March is off instead. */
	CHECK_INT(cls(cal, "2026-03-09"), CAL_TRANSFER, "Mon 2026-03-09 is off (8 March on a Sunday)");
	CHECK_INT(cls(cal, "2026-03-10"), CAL_WORKING, "Tue 2026-03-10 is working");
	/* 30 April and 8 May are shortened, still working. */
	CHECK_INT(cls(cal, "2026-04-30"), CAL_SHORT, "Thu 2026-04-30 is a shortened working day");
	CHECK_INT(calendar_is_working(cal, D("2026-05-08"), &e), 1, "Fri 2026-05-08 (shortened) is working");
	/* 9 May 2026 is a Saturday: Monday 11 May is off instead. */
	CHECK_INT(cls(cal, "2026-05-09"), CAL_HOLIDAY, "Sat 2026-05-09 is a holiday");
	CHECK_INT(cls(cal, "2026-05-11"), CAL_TRANSFER, "Mon 2026-05-11 is off (9 May on a Saturday)");
	CHECK_INT(cls(cal, "2026-06-11"), CAL_SHORT, "Thu 2026-06-11 is shortened");
	CHECK_INT(cls(cal, "2026-06-12"), CAL_HOLIDAY, "Fri 2026-06-12 is a holiday");
	CHECK_INT(cls(cal, "2026-11-03"), CAL_SHORT, "Tue 2026-11-03 is shortened");
	CHECK_INT(cls(cal, "2026-11-04"), CAL_HOLIDAY, "Wed 2026-11-04 is a holiday");
	/* Sun 4 January moved to Thu 31 December 2026. */
	CHECK_INT(cls(cal, "2026-12-31"), CAL_TRANSFER, "Thu 2026-12-31 is off (moved from 4 Jan)");
	CHECK_INT(cls(cal, "2026-12-30"), CAL_WORKING, "Wed 2026-12-30 is working");
	CHECK_STR(calendar_describe(cal, D("2026-12-31"), why, sizeof(why)),
		  "holiday, day off transferred from 2026-01-04", "31 Dec 2026 says where it came from");
	CHECK_STR(calendar_describe(cal, D("2026-05-09"), why, sizeof(why)),
		  "holiday: День Победы", "9 May 2026 is named");

	/* 2025 (ПП № 1335): Sat 4 Jan -> Fri 2 May, Sun 5 Jan -> Wed 31 Dec,
	 * Sun 23 Feb -> Thu 8 May, Sat 8 Mar -> Fri 13 Jun, Sat 1 Nov -> Mon 3 Nov. */
	CHECK_INT(cls(cal, "2025-02-24"), CAL_WORKING, "Mon 2025-02-24 works (23 Feb went to 8 May)");
	CHECK_INT(cls(cal, "2025-03-07"), CAL_SHORT, "Fri 2025-03-07 is shortened");
	CHECK_INT(cls(cal, "2025-03-10"), CAL_WORKING, "Mon 2025-03-10 works (8 Mar went to 13 Jun)");
	CHECK_INT(cls(cal, "2025-05-02"), CAL_TRANSFER, "Fri 2025-05-02 is off");
	CHECK_INT(cls(cal, "2025-05-08"), CAL_TRANSFER, "Thu 2025-05-08 is off");
	CHECK_INT(cls(cal, "2025-06-13"), CAL_TRANSFER, "Fri 2025-06-13 is off");
	CHECK_INT(cls(cal, "2025-11-01"), CAL_SHORT, "Sat 2025-11-01 is a shortened working day");
	CHECK_INT(calendar_is_working(cal, D("2025-11-01"), &e), 1, "so Sat 2025-11-01 is working");
	CHECK_INT(cls(cal, "2025-11-03"), CAL_TRANSFER, "Mon 2025-11-03 is off");
	CHECK_INT(cls(cal, "2025-12-31"), CAL_TRANSFER, "Wed 2025-12-31 is off");
	/* 2024: Sat 28 Dec worked for Mon 30 Dec. */
	CHECK_INT(cls(cal, "2024-12-28"), CAL_WORK_WEEKEND, "Sat 2024-12-28 is a working weekend day");
	CHECK_INT(cls(cal, "2024-12-29"), CAL_WEEKEND, "Sun 2024-12-29 is a weekend");

	/* Working days per year (official totals): 2024 248, 2025 247, 2026 247. */
	for (int y = 2024; y <= 2026; y++) {
		char name[64];

		n = 0;
		for (sdate d = date_from_ymd(y, 1, 1); d < date_from_ymd(y + 1, 1, 1); d++)
			n += calendar_is_working(cal, d, &e) == 1;
		snprintf(name, sizeof(name), "%d has %d working days", y, y == 2024 ? 248 : 247);
		CHECK_INT(n, y == 2024 ? 248 : 247, name);
	}

	/* Next working day from Wed 31 Dec 2025: Dec 31 off, 1-9 Jan off, 10-11
	 * weekend, so Mon 12 Jan 2026. */
	CHECK(calendar_next_working(cal, D("2025-12-31"), &out, &e) == 0 && out == D("2026-01-12"),
	      "the next working day after 2025-12-30 is 2026-01-12");
	CHECK(calendar_add_working(cal, D("2025-12-30"), 1, &out, &e) == 0 && out == D("2026-01-12"),
	      "1 working day after Tue 2025-12-30 is Mon 2026-01-12");
	CHECK(calendar_add_working(cal, D("2026-01-12"), -1, &out, &e) == 0 && out == D("2025-12-30"),
	      "1 working day before 2026-01-12 is 2025-12-30");
	/* Fri 27 Dec 2024 -> Sat 28 Dec (working) -> 29 Sun, 30-31 off, 1-8 Jan off -> Thu 9 Jan. */
	CHECK(calendar_add_working(cal, D("2024-12-27"), 1, &out, &e) == 0 && out == D("2024-12-28"),
	      "the working day after Fri 2024-12-27 is Sat 2024-12-28");
	CHECK(calendar_add_working(cal, D("2024-12-28"), 1, &out, &e) == 0 && out == D("2025-01-09"),
	      "the working day after Sat 2024-12-28 is Thu 2025-01-09");

	/* A year that is not loaded is an error naming it, never a guess. */
	CHECK_INT(calendar_is_working(cal, D("2028-01-11"), &e), -1, "2028 is not loaded");
	CHECK(e.kind == ERR_CONFIG && strstr(e.msg, "no production calendar for 2028"),
	      "and the error is ERR_CONFIG naming 2028");
	/* Wed 30 Dec 2026 + 1 working day: 31 Dec off, 1-8 Jan holidays, 9-10
	 * weekend: Mon 11 Jan 2027. */
	CHECK(calendar_add_working(cal, D("2026-12-30"), 1, &out, &e) == 0 && out == D("2027-01-11"),
	      "the working day after 2026-12-30 is Mon 2027-01-11");
	/* 2027: Sat 20 Feb works (shortened) for Mon 22 Feb; Sat 2 Jan moved to Fri 5 Nov. */
	CHECK(calendar_is_working(cal, D("2027-02-20"), &e) == 1, "Sat 2027-02-20 is a working day");
	CHECK(calendar_is_working(cal, D("2027-02-22"), &e) == 0, "Mon 2027-02-22 is a day off");
	CHECK(calendar_is_working(cal, D("2027-11-05"), &e) == 0, "Fri 2027-11-05 is a day off");
	/* Thu 30 Dec 2027 + 1 working day: Fri 31 Dec off, then 2028 is needed. */
	CHECK_INT(calendar_add_working(cal, D("2027-12-30"), 1, &out, &e), -1,
		  "a working day after 2027-12-30 needs 2028");
	CHECK(strstr(e.msg, "2028") != NULL, "and says 2028");
	CHECK_INT(calendar_class(cal, D("2023-12-31")), CAL_MISSING, "2023 is not loaded either");
	calendar_free(cal);
	faults_release(&f);

	/* Malformed files, in a temporary rules dir with the real schema. */
	snprintf(tmp, sizeof(tmp), "/tmp/t_calendar.XXXXXX");
	if (!mkdtemp(tmp))
		return 2;
	snprintf(path, sizeof(path), "%s/calendar", tmp);
	if (mkdir(path, 0755))
		return 2;
	snprintf(path, sizeof(path), "%s/schema", tmp);
	if (mkdir(path, 0755))
		return 2;
	snprintf(path, sizeof(path), "%s/schema/calendar.xsd", tmp);
	copy_file("rules/schema/calendar.xsd", path);

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<days>\n"
		       "<day d=\"01.01\" t=\"1\">\n</days>\n</calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:5:", ""),
	      "a file that is not well-formed is refused at its line");
	CHECK(e.kind == ERR_CONFIG, "as a configuration error");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2025\">\n<days/>\n</calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:2:", "year 2025 does not match"),
	      "a year attribute that differs from the file name is refused");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<days>\n"
		       "<day d=\"01.01\" t=\"1\"/>\n<day d=\"02.30\" t=\"1\"/>\n"
		       "<day d=\"13.01\" t=\"1\"/>\n</days>\n</calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:5:", "d='02.30' is not a date"),
	      "30 February is refused at line 5");
	CHECK(has_fault(&f, "ru-2026.xml:6:", "d='13.01'"), "month 13 is refused at line 6");
	CHECK_INT(f.count, 2, "both faults are reported, not just the first");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<days>\n"
		       "<day d=\"01.01\" t=\"4\"/>\n<day d=\"01.02\" t=\"x\"/>\n</days>\n</calendar>\n",
		       &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:4:", "unknown day type t='4'"),
	      "t=4 is an unknown day type at line 4");
	CHECK(has_fault(&f, "ru-2026.xml:5:", "unknown day type t='x'"), "t=x too, at line 5");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<days>\n"
		       "<day d=\"05.09\" t=\"1\"/>\n<day d=\"05.09\" t=\"2\"/>\n</days>\n</calendar>\n",
		       &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:5:", "duplicate day 05.09 (first at line 4)"),
	      "a duplicate day is refused with both lines");

	/* Sat 2026-01-03 may be t=3; Mon 2026-01-05 may not (not a weekend). */
	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<days>\n"
		       "<day d=\"01.03\" t=\"3\"/>\n<day d=\"01.05\" t=\"3\"/>\n</days>\n</calendar>\n",
		       &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:5:", "t=3 (working weekend day) on 01.05") &&
	      f.count == 1, "t=3 on a weekday is refused, on a Saturday accepted");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<holidays>\n"
		       "<holiday id=\"1\" title=\"x\"/>\n</holidays>\n<days>\n"
		       "<day d=\"01.01\" t=\"1\" h=\"9\"/>\n</days>\n</calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:7:", "unknown holiday h='9'"),
	      "a day naming an undeclared holiday is refused");

	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\">\n<dayz/>\n</calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "ru-2026.xml:3:", ""), "a file against the schema is refused at its line");

	cal = load_one("calendar-2026.xml", HEAD "<calendar year=\"2026\"><days/></calendar>\n", &f, &e);
	CHECK(!cal && has_fault(&f, "calendar-2026.xml", "must be ru-YYYY.xml"),
	      "an .xml file with another name is refused");

	/* A minimal valid file: only weekends off.  Mon 2026-01-05 works. */
	cal = load_one("ru-2026.xml", HEAD "<calendar year=\"2026\"><days/></calendar>\n", &f, &e);
	CHECK(cal && calendar_class(cal, D("2026-01-05")) == CAL_WORKING &&
	      calendar_class(cal, D("2026-01-03")) == CAL_WEEKEND,
	      "a file with no days leaves weekdays working and weekends off");
	calendar_free(cal);

	CHECK_INT(calendar_rules_check("rules", &f), 0, "calendar_rules_check passes on rules/");
	snprintf(path, sizeof(path), "rm -rf %s", tmp);
	if (system(path) != 0)
		return 2;
	faults_release(&f);
	return check_done();
}
