/* cmd_calendar.c - sbyt calendar is-working | add | check: the production calendar. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cmd.h"
#include "deadline.h"
#include "faults.h"
#include "log.h"

static const char help[] =
	"usage: sbyt calendar is-working DATE\n"
	"   or: sbyt calendar add DATE N [--working]\n"
	"   or: sbyt calendar check YEAR\n"
	"\n"
	"The production calendar of rules/calendar/ (xmlcalendar.ru files, one per year).\n"
	"\n"
	"is-working  print DATE, working or day-off, and why (weekday, shortened,\n"
	"            transferred, weekend, holiday); exit 0 either way\n"
	"add         print DATE + N calendar days, or with --working the N-th working\n"
	"            day strictly after DATE (N < 0: strictly before); -v adds the\n"
	"            derivation on the following lines\n"
	"check       validate ru-YEAR.xml and print its working days per month and the\n"
	"            year's total\n"
	"\n"
	"Options:\n"
	"  --working      count working days instead of calendar days (add)\n"
	"  -v, --verbose  print the derivation (add, is-working)\n"
	"\n"
	"A date in a year without a calendar file stops with exit 78 naming the year.\n";

struct calendar *cmd_load_calendar(struct sbyt_ctx *ctx)
{
	struct faults f = FAULTS_INIT;
	struct calendar *cal;
	size_t n = strlen(ctx->rules_dir) + sizeof("/calendar");
	char *dir = malloc(n);

	if (!dir) {
		err_set(&ctx->err, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	snprintf(dir, n, "%s/calendar", ctx->rules_dir);
	cal = calendar_load(dir, &f, &ctx->err);
	free(dir);
	faults_print(&f, stderr);
	faults_release(&f);
	return cal;
}

/* Strict integer in [-36600, 36600]; 0 on success. */
static int parse_n(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < -36600 || v > 36600)
		return -1;
	*out = (int)v;
	return 0;
}

static const char *dow(sdate d)
{
	static const char *const names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	return names[date_weekday(d) - 1];
}

static int is_working(struct sbyt_ctx *ctx, sdate d, int verbose)
{
	struct calendar *cal = cmd_load_calendar(ctx);
	char b[DATE_BUF], why[256];
	int c;

	if (!cal)
		return cmd_fail(ctx);
	c = calendar_class_err(cal, d, &ctx->err);
	if (c < 0) {
		calendar_free(cal);
		return cmd_fail(ctx);
	}
	printf("%s %s %s\n", date_format(d, b), CAL_IS_WORKING(c) ? "working" : "day-off",
	       calendar_class_name((enum cal_class)c));
	if (verbose) {
		int y;

		date_to_ymd(d, &y, NULL, NULL);
		printf("%s: %s (%s)\n", calendar_file(cal, y), calendar_describe(cal, d, why,
		       sizeof(why)), dow(d));
	}
	calendar_free(cal);
	return EX_DONE;
}

static int add(struct sbyt_ctx *ctx, sdate d, int n, int working, int verbose)
{
	struct calendar *cal;
	struct limit_step st;
	struct derivation dv;
	char b[DATE_BUF], line[2048];

	if (working && n == 0)
		return cmd_usage_error("calendar", "N must not be 0 with --working");
	cal = cmd_load_calendar(ctx);
	if (!cal)
		return cmd_fail(ctx);
	/* The engine's own step: a plain count (lead, not moved) or rule 3. */
	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "add");
	snprintf(st.rule, sizeof(st.rule), working ? "calendar.working_days" : "calendar.days");
	st.kind = working ? STEP_NTH_WORKING_DAY : STEP_LEAD;
	st.days = st.remote_days = n;
	st.notice = st.after = -1;
	/* Every date printed is checked against the calendar: DATE too. */
	if (calendar_class_err(cal, d, &ctx->err) < 0 ||
	    deadline_step(cal, &st, d, n, &dv, &ctx->err)) {
		calendar_free(cal);
		return cmd_fail(ctx);
	}
	printf("%s\n", date_format(dv.date, b));
	if (verbose) {
		char why[256];
		int y;

		deadline_explain(NULL, &dv, line, sizeof(line));
		printf("%s\n", line);
		printf("%s (%s): %s\n", date_format(dv.date, b), dow(dv.date),
		       calendar_describe(cal, dv.date, why, sizeof(why)));
		date_to_ymd(dv.date, &y, NULL, NULL);
		printf("calendar %s\n", calendar_file(cal, y));
	}
	calendar_free(cal);
	return EX_DONE;
}

static int check(struct sbyt_ctx *ctx, int year)
{
	struct faults f = FAULTS_INIT;
	struct calendar *cal;
	size_t len = strlen(ctx->rules_dir) + sizeof("/calendar");
	char *dir = malloc(len);
	int tw = 0, toff = 0, tshort = 0;

	if (!dir)
		return err_set(&ctx->err, ERR_INTERNAL, "out of memory"), cmd_fail(ctx);
	snprintf(dir, len, "%s/calendar", ctx->rules_dir);
	cal = calendar_load_year(dir, year, &f, &ctx->err);
	free(dir);
	faults_print(&f, stderr);
	faults_release(&f);
	if (!cal)
		return cmd_fail(ctx);
	printf("%s: %d\n", calendar_file(cal, year), year);
	printf("month    working  days-off  shortened  hours-40h\n");
	for (int m = 1; m <= 12; m++) {
		int w = 0, off = 0, sh = 0;
		sdate first = date_from_ymd(year, m, 1);

		for (int i = 0; i < date_month_days(year, m); i++) {
			enum cal_class c = calendar_class(cal, first + i);
			if (CAL_IS_WORKING(c))
				w++;
			else
				off++;
			sh += c == CAL_SHORT;
		}
		/* 40-hour week: 8 hours a working day, 7 on a shortened one */
		printf("%04d-%02d  %7d  %8d  %9d  %9d\n", year, m, w, off, sh, w * 8 - sh);
		tw += w;
		toff += off;
		tshort += sh;
	}
	printf("total    %7d  %8d  %9d  %9d\n", tw, toff, tshort, tw * 8 - tshort);
	log_summary("calendar check", "year=%d working=%d days_off=%d shortened=%d", year, tw,
		    toff, tshort);
	calendar_free(cal);
	return EX_DONE;
}

int cmd_calendar(int argc, char **argv, struct sbyt_ctx *ctx)
{
	const char *pos[3], *sub;
	int npos = 0, working = 0, verbose = ctx->verbosity > 0;
	sdate d;

	/* Arguments by hand: N may be negative ("-3"), which getopt would take
	 * for an option. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return cmd_help(help);
		if (!strcmp(a, "--working"))
			working = 1;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			verbose = 1;
		else if (a[0] == '-' && !(a[1] >= '0' && a[1] <= '9'))
			return cmd_usage_error("calendar", "unknown option '%s'", a);
		else if (npos == 3)
			return cmd_usage_error("calendar", "too many arguments");
		else
			pos[npos++] = a;
	}
	if (npos == 0)
		return cmd_usage_error("calendar", "missing subcommand");
	sub = pos[0];
	if (!strcmp(sub, "is-working")) {
		if (npos != 2 || working)
			return cmd_usage_error("calendar", "usage: sbyt calendar is-working DATE");
		if (date_parse(pos[1], -1, &d))
			return cmd_usage_error("calendar", "invalid date '%s' (YYYY-MM-DD)", pos[1]);
		return is_working(ctx, d, verbose);
	}
	if (!strcmp(sub, "add")) {
		int n;

		if (npos != 3)
			return cmd_usage_error("calendar", "usage: sbyt calendar add DATE N [--working]");
		if (date_parse(pos[1], -1, &d))
			return cmd_usage_error("calendar", "invalid date '%s' (YYYY-MM-DD)", pos[1]);
		if (parse_n(pos[2], &n))
			return cmd_usage_error("calendar", "invalid day count '%s'", pos[2]);
		return add(ctx, d, n, working, verbose);
	}
	if (!strcmp(sub, "check")) {
		int year;

		if (npos != 2 || working)
			return cmd_usage_error("calendar", "usage: sbyt calendar check YEAR");
		if (parse_n(pos[1], &year) || year < 1900 || year > 2999 || strlen(pos[1]) != 4)
			return cmd_usage_error("calendar", "invalid year '%s' (YYYY)", pos[1]);
		return check(ctx, year);
	}
	return cmd_usage_error("calendar", "unknown subcommand '%s'", sub);
}
