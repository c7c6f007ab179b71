/*
 * t_deadline.c - the deadline engine against SPEC 9.3 and cases worked by
 * hand around the 2025 and 2026 holidays.  Each case says its arithmetic;
 * the calendar facts used (official decrees):
 *   2025: 1-8 Jan off; 23 Feb (Sun) holiday, 24 Feb works; 7 Mar short,
 *         8 Mar (Sat) holiday, 10 Mar works; 30 Apr short; 1 May, 2 May off,
 *         8 May off, 9 May; 11 Jun short, 12-13 Jun off; Sat 1 Nov works
 *         (short), 3-4 Nov off; 31 Dec off.
 *   2026: 1-9 Jan off; 23 Feb (Mon); 8 Mar (Sun) -> 9 Mar off; 30 Apr short;
 *         1 May; 8 May short, 9 May (Sat) -> 11 May off; 11 Jun short,
 *         12 Jun; 3 Nov short, 4 Nov; 31 Dec off.  No 2027 calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "calendar.h"
#include "check.h"
#include "deadline.h"
#include "explain_ru.h"

static struct calendar *cal;
static struct limit_rules *rules;
static struct sbyt_err err;

static sdate D(const char *s)
{
	sdate d = 0;

	if (date_parse(s, -1, &d)) {
		printf("# bad date in test: %s\n", s);
		exit(2);
	}
	return d;
}

/* "YYYY-MM-DD", or "error" / "none"; rotating buffers. */
static const char *S(sdate d)
{
	static char b[8][DATE_BUF];
	static int i;

	i = (i + 1) % 8;
	if (d == DATE_NONE)
		return "none";
	return date_format(d, b[i]);
}

/* One step of a kind on its own (rules 1-4). */
static sdate one(enum step_kind kind, int action, const char *anchor, int n,
		 struct derivation *dv)
{
	static struct limit_step st;
	struct derivation tmp;

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "t");
	st.kind = kind;
	st.action = action;
	st.days = st.remote_days = n;
	st.notice = st.after = -1;
	if (!dv)
		dv = &tmp;
	if (deadline_step(cal, &st, D(anchor), n, dv, &err))
		return DATE_NONE;
	return dv->date;
}

#define WINDOW(a, n, want, name) CHECK_STR(S(one(STEP_WINDOW, 1, a, n, NULL)), want, name)
#define LEAD(a, n, want, name) CHECK_STR(S(one(STEP_LEAD, 1, a, n, NULL)), want, name)
#define NTH(a, n, want, name) CHECK_STR(S(one(STEP_NTH_WORKING_DAY, 1, a, n, NULL)), want, name)
#define WDAYS(a, n, want, name) CHECK_STR(S(one(STEP_WORKING_DAYS, 1, a, n, NULL)), want, name)

static struct deadline_result res;

/* Every step of a procedure for its first notice delivered on `delivered`;
 * returns 0 or -1. */
static int run(const char *proc, const char *delivered, int remote, const char *planned)
{
	struct deadline_input in;
	const struct limit_procedure *p = limit_procedure_find(rules, proc);

	if (!p)
		return -1;
	deadline_input_init(&in, p);
	in.delivered[0] = D(delivered);
	in.assume_earliest = 1;
	in.remote = remote;
	in.planned = planned ? D(planned) : DATE_NONE;
	return deadline_compute(cal, &in, &res, &err);
}

/* Date of the named step of the last run. */
static const char *step(const char *name)
{
	int i = limit_step_index(res.proc, name);

	return i < 0 ? "no such step" : S(res.step[i].date);
}

static char tmp[256];

static void put_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	if (!f)
		exit(2);
	fputs(text, f);
	fclose(f);
}

static int has_fault(const struct faults *f, const char *prefix, const char *text)
{
	for (int i = 0; i < f->kept; i++)
		if (strstr(f->lines[i], prefix) && strstr(f->lines[i], text))
			return 1;
	for (int i = 0; i < f->kept; i++)
		printf("#   fault: %s\n", f->lines[i]);
	return 0;
}

/* A limitation.xml made of the real file with one substitution. */
static struct limit_rules *load_variant(const char *from, const char *to, struct faults *f)
{
	static char text[65536];
	char *at, out[70000];
	FILE *in = fopen("rules/limitation.xml", "r");
	size_t n = in ? fread(text, 1, sizeof(text) - 1, in) : 0;

	if (in)
		fclose(in);
	text[n] = '\0';
	at = strstr(text, from);
	if (!at) {
		printf("# variant: '%s' not found\n", from);
		exit(2);
	}
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	put_file("limitation.xml", out);
	faults_release(f);
	return limit_rules_load(tmp, f, &err);
}

/* The line of the element holding the first occurrence of s in
 * rules/limitation.xml: libxml2 numbers an element by the line where its
 * start tag ends (the '>'), so a fault in a multi-line tag points there. */
static int line_of(const char *s)
{
	static char text[65536];
	FILE *in = fopen("rules/limitation.xml", "r");
	size_t n = in ? fread(text, 1, sizeof(text) - 1, in) : 0;
	char *at;
	int line = 1;

	if (in)
		fclose(in);
	text[n] = '\0';
	at = strstr(text, s);
	while (at && *at && *at != '>')
		at++;
	for (char *p = text; at && p < at; p++)
		line += *p == '\n';
	return at ? line : -1;
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct derivation dv;
	char line[2048], want[128];
	sdate earliest;
	int ok;

	cal = calendar_load("rules/calendar", &f, &err);
	rules = limit_rules_load("rules", &f, &err);
	faults_print(&f, stdout);
	CHECK(cal && rules, "the calendar and rules/limitation.xml load");
	if (!cal || !rules)
		return check_done();
	CHECK_INT(limitation_rules_check("rules", &f), 0, "limitation_rules_check passes on rules/");

	/* ---- SPEC 9.3, the worked examples (2026) ---- */
	/* Warning delivered Tue 04-14: +20 = Mon 05-04, working, the window
	 * ends there; partial the day after, Tue 05-05.  +40 = Sun 05-24: the
	 * window ends Mon 05-25; the full notice may go from Tue 05-26.  Full,
	 * assuming the notice delivered 05-26: +11 = Sat 06-06 -> Mon 06-08. */
	CHECK_INT(run("individual", "2026-04-14", 0, NULL), 0, "individual 2026-04-14 computes");
	CHECK_STR(step("partial"), "2026-05-05", "SPEC 9.3: partial Tue 2026-05-05");
	CHECK_STR(step("full_notice_from"), "2026-05-26", "SPEC 9.3: full notice from Tue 05-26");
	CHECK_STR(step("full"), "2026-06-08", "full notice on 05-26 + 11 = Sat 06-06 -> Mon 06-08");
	CHECK(res.step[2].assumed, "and that full date is marked as assumed");
	CHECK_STR(deadline_explain(res.proc, &res.step[0], line, sizeof(line)),
		  "delivered 2026-04-14 + 20 calendar days = 2026-05-04 (Mon, working): "
		  "window ends 2026-05-04; next step on 2026-05-05",
		  "the partial date explains itself in one line");
	CHECK_STR(res.step[0].step->rule, "individual.partial", "with its rule id");
	/* the same facts in Russian for the workbooks (issue 15): ДД.ММ.ГГГГ,
	 * the plural of the count, the days of the week and their classes */
	CHECK_STR(deadline_explain_ru(rules, res.proc, &res.step[0], line, sizeof(line)),
		  "«Предупреждение о возможном ограничении» вручено 14.04.2026 + 20 календарных "
		  "дней = 04.05.2026 (пн, рабочий день); срок истекает 04.05.2026 (пн); "
		  "следующий шаг — 05.05.2026", "the partial date in Russian");
	/* 05-26 + 11 = Sat 06-06: a day off, moved over Sat 06-06 and Sun 06-07
	 * to Mon 06-08 (the notice assumed delivered on its earliest day) */
	CHECK_STR(deadline_explain_ru(rules, res.proc, &res.step[2], line, sizeof(line)),
		  "«Извещение о полном ограничении» считается врученным 26.05.2026 + 11 "
		  "календарных дней = 06.06.2026 (сб, выходной день); не ранее 06.06.2026; "
		  "06.06.2026 (сб, выходной день): перенос на следующий рабочий день 08.06.2026 "
		  "(пн); пропущены нерабочие дни: 06.06 (выходной день), 07.06 (выходной день)",
		  "the full date in Russian, moved off the weekend");
	/* Delivered Mon 06-22: +20 = Sun 07-12, a day off: the window ends Mon
	 * 07-13, the partial is Tue 07-14. */
	CHECK_INT(run("individual", "2026-06-22", 0, NULL), 0, "individual 2026-06-22 computes");
	CHECK_STR(deadline_explain_ru(rules, res.proc, &res.step[0], line, sizeof(line)),
		  "«Предупреждение о возможном ограничении» вручено 22.06.2026 + 20 календарных "
		  "дней = 12.07.2026 (вс, выходной день); срок истекает 13.07.2026 (пн); "
		  "пропущены нерабочие дни: 12.07 (выходной день); следующий шаг — 14.07.2026",
		  "a window extended over a day off, in Russian");
	{
		static const int n[] = { 0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 122 };
		static const char *const want_p = "201122220120221";
		char got[sizeof(n) / sizeof(n[0]) + 1], cnt[64], m[40];

		for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
			got[i] = (char)('0' + explain_ru_plural(n[i]));
		got[sizeof(n) / sizeof(n[0])] = 0;
		CHECK_STR(got, want_p, "Russian plural: 1 21 101 one; 2-4 22 few; 0 5-20 111-112 many");
		CHECK_STR(explain_ru_count(rules, "calendar_day", 1, cnt, sizeof(cnt)),
			  "1 календарный день", "1 календарный день");
		CHECK_STR(explain_ru_count(rules, "working_day", 3, cnt, sizeof(cnt)),
			  "3 рабочих дня", "3 рабочих дня");
		CHECK_STR(explain_ru_count(rules, "day", 11, cnt, sizeof(cnt)), "11 дней", "11 дней");
		CHECK_STR(explain_ru_money(123456789, m), "1\u00a0234\u00a0567,89",
			  "money with non-breaking thousands and a comma");
		CHECK_STR(explain_ru_money(-5, m), "-0,05", "a negative amount");
		line[0] = 0;
		explain_ru_append(line, 12, NULL, "абвгдежзик");
		CHECK_STR(line, "абвг\u2026", "a cut text ends in an ellipsis, inside no letter");
	}
	CHECK(strstr(res.step[0].step->citation, "ПП № 354") != NULL, "and its citation");
	/* Full notice delivered Fri 05-29: +11 = Tue 06-09, working. */
	{
		struct deadline_input in;
		const struct limit_procedure *p = limit_procedure_find(rules, "individual");

		deadline_input_init(&in, p);
		in.delivered[0] = D("2026-04-14");
		in.delivered[limit_notice_index(p, "full_notice")] = D("2026-05-29");
		CHECK(deadline_compute(cal, &in, &res, &err) == 0, "individual with both deliveries");
		CHECK_STR(step("full"), "2026-06-09", "SPEC 9.3: full notice 05-29 -> full Tue 06-09");
		CHECK(!res.step[2].assumed, "a real delivery is not assumed");
		/* Without the full notice delivered, full is pending. */
		in.delivered[1] = DATE_NONE;
		CHECK(deadline_compute(cal, &in, &res, &err) == 0 && res.step[2].pending &&
		      !res.step[0].pending, "without its delivery the full step is pending");
	}
	/* Legal notice Mon 04-27: +10 = Thu 05-07 partial; working days after:
	 * Fri 05-08 (short), Sat 9 hol, Sun 10, Mon 11 off, Tue 05-12, Wed 05-13
	 * = the 3rd; full the day after, Thu 05-14. */
	CHECK_INT(run("legal", "2026-04-27", 0, NULL), 0, "legal 2026-04-27 computes");
	CHECK_STR(step("partial"), "2026-05-07", "SPEC 9.3: legal partial Thu 05-07");
	CHECK_STR(step("full"), "2026-05-14", "SPEC 9.3: legal full Thu 05-14");
	CHECK_INT(res.step[1].raw, D("2026-05-13"), "the 3rd working day is 05-13");
	CHECK_INT(res.step[1].nskipped, 3, "skipping 05-09, 05-10, 05-11");
	/* Reserve notice Fri 04-24: +10 = Mon 05-04 tech; +5 = Sat 05-09 hol,
	 * 10 Sun, 11 off: window ends Tue 05-12, emergency Wed 05-13; +5 = Mon
	 * 05-18 working: full Tue 05-19. */
	CHECK_INT(run("legal_reserve", "2026-04-24", 0, NULL), 0, "legal_reserve computes");
	CHECK_STR(step("tech_reserve"), "2026-05-04", "SPEC 9.3: tech reserve Mon 05-04");
	CHECK_STR(step("emergency_reserve"), "2026-05-13", "SPEC 9.3: emergency Wed 05-13");
	CHECK_STR(step("full"), "2026-05-19", "SPEC 9.3: full Tue 05-19");
	CHECK_STR(S(res.step[1].window_end), "2026-05-12", "the emergency window ends Tue 05-12");
	CHECK(res.step[1].nskipped == 3 && res.step[1].skipped[0].cls == CAL_HOLIDAY &&
	      res.step[1].skipped[1].cls == CAL_WEEKEND && res.step[1].skipped[2].cls == CAL_TRANSFER,
	      "its derivation lists 05-09 holiday, 05-10 weekend, 05-11 transferred");
	/* Refusal delivered Mon 04-27: working days 28, 29, 30 (short), [1-3 May
	 * off], 4, 5, 6, 7, 8 (short), [9-11 off], 12, 13 -> the 10th is 05-13. */
	CHECK_INT(run("refusal", "2026-04-27", 0, NULL), 0, "refusal computes");
	CHECK_STR(step("refusal"), "2026-05-13", "refusal: the 10th working day after 04-27 is 05-13");

	/* ---- rule 1: windows of N calendar days ---- */
	/* Fri 2025-12-12 + 20 = Thu 2026-01-01 holiday; 2-9 Jan off, 10-11
	 * weekend: the window ends Mon 01-12, partial Tue 01-13. */
	WINDOW("2025-12-12", 20, "2026-01-13", "warning 2025-12-12: partial 2026-01-13 over New Year");
	one(STEP_WINDOW, 1, "2025-12-12", 20, &dv);
	CHECK_INT(dv.nskipped, 11, "New Year 2026: 1-11 January are 11 days off skipped");
	/* Thu 2025-12-11 + 20 = Wed 2025-12-31 off (moved from 5 Jan), then 1-11
	 * Jan: the window ends Mon 01-12, partial Tue 01-13, 12 days skipped. */
	one(STEP_WINDOW, 1, "2025-12-11", 20, &dv);
	CHECK(dv.date == D("2026-01-13") && dv.nskipped == 12 && dv.window_end == D("2026-01-12"),
	      "warning 2025-12-11: window over 31 Dec and New Year ends 01-12, partial 01-13");
	/* Wed 2025-12-10 + 20 = Tue 2025-12-30, working: window ends there; the
	 * next day Wed 12-31 is off, and 1-11 Jan: partial moves to Mon 01-12. */
	one(STEP_WINDOW, 1, "2025-12-10", 20, &dv);
	CHECK(dv.window_end == D("2025-12-30") && dv.due == D("2025-12-31") &&
	      dv.date == D("2026-01-12"), "warning 2025-12-10: window ends 12-30, partial moves to 2026-01-12");
	/* Tue 2026-02-03 + 20 = Mon 02-23 holiday: window ends Tue 02-24, partial Wed 02-25. */
	WINDOW("2026-02-03", 20, "2026-02-25", "window ending on 23 Feb 2026 runs to 02-24");
	/* Mon 2026-02-02 + 20 = Sun 02-22, Mon 23 holiday: ends Tue 02-24, partial Wed 02-25. */
	WINDOW("2026-02-02", 20, "2026-02-25", "window ending Sun 02-22 runs over 23 Feb too");
	/* Tue 2026-02-17 + 20 = Mon 03-09 (off for 8 Mar): ends Tue 03-10, partial Wed 03-11. */
	WINDOW("2026-02-17", 20, "2026-03-11", "window ending Mon 2026-03-09 runs to 03-10");
	/* Sun 2026-02-15 + 20 = Sat 03-07; 8 Sun holiday, 9 off: ends Tue 03-10, partial 03-11. */
	WINDOW("2026-02-15", 20, "2026-03-11", "window ending Sat 2026-03-07 runs over 8/9 March");
	/* Sat 2026-04-11 + 20 = Fri 05-01 holiday; 2-3 weekend: ends Mon 05-04, partial Tue 05-05. */
	WINDOW("2026-04-11", 20, "2026-05-05", "window ending on 1 May 2026 runs to Mon 05-04");
	/* Fri 2026-04-10 + 20 = Thu 04-30, shortened but working: ends there;
	 * next day Fri 05-01 holiday, 2-3 weekend: partial moves to Mon 05-04. */
	one(STEP_WINDOW, 1, "2026-04-10", 20, &dv);
	CHECK(dv.window_end == D("2026-04-30") && dv.date == D("2026-05-04"),
	      "window ending on shortened 04-30 stays; partial moves from 05-01 to 05-04");
	/* Sat 2026-04-18 + 20 = Fri 05-08 shortened, working: ends there; next
	 * day Sat 05-09 holiday, 10 Sun, 11 off: partial moves to Tue 05-12. */
	WINDOW("2026-04-18", 20, "2026-05-12", "window ending on shortened 05-08: partial moves to 05-12");
	/* Sat 2026-05-23 + 20 = Fri 06-12 holiday; 13-14 weekend: ends Mon 06-15, partial Tue 06-16. */
	WINDOW("2026-05-23", 20, "2026-06-16", "window ending on 12 June 2026 runs to Mon 06-15");
	/* Fri 2026-05-22 + 20 = Thu 06-11 shortened, working; next day 12 Jun
	 * holiday, 13-14 weekend: partial moves to Mon 06-15. */
	WINDOW("2026-05-22", 20, "2026-06-15", "window ending on shortened 06-11: partial moves to 06-15");
	/* Thu 2026-10-15 + 20 = Wed 11-04 holiday: ends Thu 11-05, partial Fri 11-06. */
	WINDOW("2026-10-15", 20, "2026-11-06", "window ending on 4 Nov 2026 runs to 11-05");
	/* Wed 2026-10-14 + 20 = Tue 11-03 shortened: ends there; 11-04 holiday: partial Thu 11-05. */
	WINDOW("2026-10-14", 20, "2026-11-05", "window ending on shortened 11-03: partial moves to 11-05");
	/* Fri 2026-12-11 + 20 = Thu 12-31 off, 1-8 Jan holidays, 9-10 weekend:
	 * ends Mon 2027-01-11, partial Tue 01-12. */
	WINDOW("2026-12-11", 20, "2027-01-12", "window ending on 2026-12-31 runs into 2027");
	/* Sat 2027-12-11 + 20 = Fri 12-31 off; the next working day is in 2028. */
	CHECK_STR(S(one(STEP_WINDOW, 1, "2027-12-11", 20, NULL)), "none",
		  "window ending on 2027-12-31 needs 2028");
	CHECK(err.kind == ERR_CONFIG && strstr(err.msg, "2028"), "and the error names 2028");
	/* 2025: Fri 04-11 + 20 = Thu 05-01 holiday, Fri 2 off, 3-4 weekend: ends Mon 05-05, partial Tue 05-06. */
	WINDOW("2025-04-11", 20, "2025-05-06", "window ending on 1 May 2025 runs to 05-05");
	/* 2025: Fri 04-18 + 20 = Thu 05-08 off (from 23 Feb), 9 holiday, 10-11
	 * weekend: ends Mon 05-12, partial Tue 05-13. */
	WINDOW("2025-04-18", 20, "2025-05-13", "window ending on 8 May 2025 runs to 05-12");
	/* 2025: Fri 05-23 + 20 = Thu 06-12 holiday, 13 off, 14-15 weekend: ends Mon 06-16, partial 06-17. */
	WINDOW("2025-05-23", 20, "2025-06-17", "window ending on 12 June 2025 runs to 06-16");
	/* 2025: Sun 10-12 + 20 = Sat 11-01, a working Saturday: ends there; next
	 * day Sun 11-02, Mon 3 off, Tue 4 holiday: partial moves to Wed 11-05. */
	one(STEP_WINDOW, 1, "2025-10-12", 20, &dv);
	CHECK(dv.window_end == D("2025-11-01") && dv.date == D("2025-11-05"),
	      "window ending on working Sat 2025-11-01 stays; partial moves to 11-05");
	/* 2025: Tue 10-14 + 20 = Mon 11-03 off, 4 holiday: ends Wed 11-05, partial Thu 11-06. */
	WINDOW("2025-10-14", 20, "2025-11-06", "window ending on 3 Nov 2025 runs to 11-05");
	/* 2025: Mon 02-03 + 20 = Sun 02-23 holiday: ends Mon 02-24 (works in
	 * 2025), partial Tue 02-25. */
	WINDOW("2025-02-03", 20, "2025-02-25", "window ending on 23 Feb 2025 ends Mon 02-24");
	/* 2025: Sun 02-16 + 20 = Sat 03-08 holiday, 9 Sun: ends Mon 03-10, partial Tue 03-11. */
	WINDOW("2025-02-16", 20, "2025-03-11", "window ending on 8 March 2025 ends Mon 03-10");
	/* Reserve windows, 2025: tech Mon 05-05 + 5 = Sat 05-10, 11 Sun: ends
	 * Mon 05-12, emergency Tue 05-13; + 5 = Sun 05-18: ends Mon 05-19, full Tue 05-20. */
	WINDOW("2025-05-05", 5, "2025-05-13", "reserve 2025: emergency 05-13 after tech 05-05");
	WINDOW("2025-05-13", 5, "2025-05-20", "reserve 2025: full 05-20 after emergency 05-13");

	/* ---- rule 2: leads, with rule 4 moving actions ---- */
	/* Wed 2026-04-29 + 10 = Sat 05-09 holiday -> Tue 05-12 partial; working
	 * days after: 13, 14, 15 -> full due Sat 05-16 -> Mon 05-18. */
	CHECK_INT(run("legal", "2026-04-29", 0, NULL), 0, "legal 2026-04-29 computes");
	CHECK_STR(step("partial"), "2026-05-12", "legal notice 04-29: partial 05-09 moves to 05-12");
	CHECK_STR(step("full"), "2026-05-18", "and full, due Sat 05-16, moves to Mon 05-18");
	/* Sat 2025-12-20 + 11 = Wed 2025-12-31 off -> 2026-01-12. */
	LEAD("2025-12-20", 11, "2026-01-12", "full notice 2025-12-20: full 12-31 moves to 2026-01-12");
	/* Sun 2026-12-20 + 11 = Thu 12-31 off -> Mon 2027-01-11. */
	LEAD("2026-12-20", 11, "2027-01-11", "full notice 2026-12-20: full 12-31 moves to 2027-01-11");
	/* Mon 2027-12-20 + 11 = Fri 12-31 off: the move needs 2028. */
	CHECK_STR(S(one(STEP_LEAD, 1, "2027-12-20", 11, NULL)), "none",
		  "full notice 2027-12-20: full on 12-31 needs 2028 to move");
	/* Remote metering: Wed 2026-05-06 + 3 = Sat 05-09 -> Tue 05-12. */
	CHECK_INT(run("individual", "2026-04-14", 1, NULL), 0, "individual remote computes");
	CHECK_STR(step("full"), "2026-05-29", "remote: full notice 05-26 + 3 = Fri 05-29");
	CHECK(res.step[2].remote && res.step[2].n == 3, "with N = 3 marked remote");
	LEAD("2026-05-06", 3, "2026-05-12", "remote: 05-06 + 3 = Sat 05-09 moves to 05-12");
	/* Remote: Tue 2026-06-09 + 3 = Fri 06-12 holiday -> Mon 06-15. */
	LEAD("2026-06-09", 3, "2026-06-15", "remote: 06-09 + 3 = 12 June moves to 06-15");
	/* Fri 2026-02-13 + 10 = Mon 02-23 holiday -> Tue 02-24; working days
	 * 25, 26, 27 -> full due Sat 02-28 -> Mon 03-02. */
	CHECK_INT(run("legal", "2026-02-13", 0, NULL), 0, "legal 2026-02-13 computes");
	CHECK_STR(step("partial"), "2026-02-24", "legal notice 02-13: partial 23 Feb moves to 02-24");
	CHECK_STR(step("full"), "2026-03-02", "and full moves from Sat 02-28 to Mon 03-02");
	/* Mon 2025-12-22 + 10 = Thu 2026-01-01 -> Mon 01-12; working days 13,
	 * 14, 15 -> full Fri 01-16. */
	CHECK_INT(run("legal", "2025-12-22", 0, NULL), 0, "legal 2025-12-22 computes");
	CHECK_STR(step("partial"), "2026-01-12", "legal notice 2025-12-22: partial moves to 2026-01-12");
	CHECK_STR(step("full"), "2026-01-16", "and full on Fri 2026-01-16");
	/* Reserve notice Fri 2026-05-29 + 10 = Mon 06-08 tech; + 5 = Sat 06-13,
	 * 14 Sun: ends Mon 06-15, emergency Tue 06-16; + 5 = Sun 06-21: ends Mon
	 * 06-22, full Tue 06-23. */
	CHECK_INT(run("legal_reserve", "2026-05-29", 0, NULL), 0, "legal_reserve 2026-05-29 computes");
	CHECK_STR(step("tech_reserve"), "2026-06-08", "reserve: tech 06-08");
	CHECK_STR(step("emergency_reserve"), "2026-06-16", "reserve: emergency 06-16 after the 12 June weekend");
	CHECK_STR(step("full"), "2026-06-23", "reserve: full 06-23");
	/* Sat 2026-10-24 + 11 = Wed 11-04 holiday -> Thu 11-05. */
	LEAD("2026-10-24", 11, "2026-11-05", "full notice 10-24: full on 4 Nov moves to 11-05");
	/* 2025: Wed 05-28 + 10 = Sat 06-07 -> Mon 06-09 partial; working days:
	 * 10, 11 (short), [12-15 off], 16 -> full Tue 06-17. */
	CHECK_INT(run("legal", "2025-05-28", 0, NULL), 0, "legal 2025-05-28 computes");
	CHECK_STR(step("partial"), "2025-06-09", "legal notice 2025-05-28: partial Mon 06-09");
	CHECK_STR(step("full"), "2025-06-17", "and full Tue 06-17 after 12-15 June");

	/* ---- rule 3: working days ---- */
	/* Refusal delivered Fri 2025-12-26: 29 (1), 30 (2), [31 Dec - 11 Jan
	 * off], 12 (3), 13, 14, 15, 16 (7), 19 (8), 20 (9), 21 (10). */
	NTH("2025-12-26", 10, "2026-01-21", "refusal delivered 2025-12-26: 10th working day 2026-01-21");
	/* Refusal delivered Mon 2026-02-16: 17, 18, 19, 20 (4), [21-23 off], 24,
	 * 25, 26, 27 (8), [28 Feb, 1 Mar], 2 (9), 3 (10). */
	NTH("2026-02-16", 10, "2026-03-03", "refusal delivered 2026-02-16: 10th working day 03-03");
	/* Refusal delivered Tue 2026-10-27: 28, 29, 30 (3), [31, 1], 2 (4), 3
	 * short (5), [4 holiday], 5, 6 (7), [7, 8], 9, 10, 11 (10). */
	NTH("2026-10-27", 10, "2026-11-11", "refusal delivered 2026-10-27: 10th working day 11-11");
	/* Refusal delivered Sat 2026-01-03 (a holiday): 12, 13, 14, 15, 16 (5),
	 * 19, 20, 21, 22, 23 (10). */
	NTH("2026-01-03", 10, "2026-01-23", "refusal delivered on 2026-01-03: 10th working day 01-23");
	/* The inverse: 10 working days before 2026-01-21 is 2025-12-26. */
	CHECK_STR(S(one(STEP_NTH_WORKING_DAY, 0, "2026-01-21", -10, NULL)), "2025-12-26",
		  "10 working days before 2026-01-21 is 2025-12-26");
	/* Legal full after partial Tue 2025-04-29: 30 short (1), [1-4 May off],
	 * 5 (2), 6 (3) -> full Wed 05-07. */
	WDAYS("2025-04-29", 3, "2025-05-07", "legal full after partial 2025-04-29 is 05-07");
	/* After partial Tue 2025-06-10: 11 short (1), [12-15 off], 16 (2), 17
	 * (3) -> full Wed 06-18. */
	WDAYS("2025-06-10", 3, "2025-06-18", "legal full after partial 2025-06-10 is 06-18");
	/* After partial Thu 2025-10-30: Fri 31 (1), Sat 11-01 working (2), [2
	 * Sun, 3 off, 4 holiday], Wed 5 (3) -> full Thu 11-06. */
	WDAYS("2025-10-30", 3, "2025-11-06", "legal full after partial 2025-10-30 counts Sat 11-01");
	/* After partial Fri 2024-12-27: Sat 28 working (1), [29 Dec - 8 Jan
	 * off], Thu 9 (2), Fri 10 (3) -> full due Sat 01-11 -> Mon 2025-01-13. */
	WDAYS("2024-12-27", 3, "2025-01-13", "legal full after partial 2024-12-27 moves to 2025-01-13");

	/* ---- rule 6: the date a dated notice states ---- */
	{
		const struct limit_procedure *legal = limit_procedure_find(rules, "legal");
		const struct limit_procedure *ind = limit_procedure_find(rules, "individual");
		const struct limit_procedure *reserve = limit_procedure_find(rules, "legal_reserve");
		const struct limit_procedure *refusal = limit_procedure_find(rules, "refusal");
		struct deadline_plan pl;

		/* Mon 2026-04-20 by post (7): deemed 04-27, + 10 = Thu 05-07. */
		CHECK(deadline_plan(rules, cal, legal, D("2026-04-20"), "post", 0, &pl, &err) == 0 &&
		      pl.deemed == D("2026-04-27") && pl.d.date == D("2026-05-07"),
		      "legal notice posted 04-20 states partial on 05-07");
		/* Wed 2026-04-22 by post: deemed 04-29, + 10 = Sat 05-09 -> Tue 05-12. */
		CHECK(deadline_plan(rules, cal, legal, D("2026-04-22"), "post", 0, &pl, &err) == 0 &&
		      pl.d.date == D("2026-05-12"), "legal notice posted 04-22 states 05-12");
		/* Individual full notice by SMS (0) on Mon 2026-06-01: + 11 = Fri
		 * 06-12 holiday -> Mon 06-15; remote: + 3 = Thu 06-04. */
		CHECK(deadline_plan(rules, cal, ind, D("2026-06-01"), "sms", 0, &pl, &err) == 0 &&
		      pl.d.date == D("2026-06-15"), "full notice by SMS 06-01 states 06-15");
		CHECK(deadline_plan(rules, cal, ind, D("2026-06-01"), "sms", 1, &pl, &err) == 0 &&
		      pl.d.date == D("2026-06-04"), "with remote metering it states 06-04");
		/* Refusal by EDO (1) on Fri 2026-04-24: deemed Sat 04-25; working
		 * days 27, 28, 29, 30 (4), [1-3], 4, 5, 6, 7, 8 (9), [9-11], 12 (10). */
		CHECK(deadline_plan(rules, cal, refusal, D("2026-04-24"), "edo", 0, &pl, &err) == 0 &&
		      pl.deemed == D("2026-04-25") && pl.d.date == D("2026-05-12"),
		      "refusal by EDO 04-24 states 05-12");
		/* Reserve notice by post Fri 2025-12-19: deemed 12-26, + 10 = Mon
		 * 2026-01-05 (holiday) -> Mon 01-12. */
		CHECK(deadline_plan(rules, cal, reserve, D("2025-12-19"), "post", 0, &pl, &err) == 0 &&
		      pl.d.date == D("2026-01-12"), "reserve notice posted 2025-12-19 states 2026-01-12");
		/* Legal by LKK (1) on Fri 2026-10-23: deemed Sat 10-24, + 10 = Tue
		 * 11-03, shortened but working. */
		CHECK(deadline_plan(rules, cal, legal, D("2026-10-23"), "lkk", 0, &pl, &err) == 0 &&
		      pl.d.date == D("2026-11-03"), "legal notice via LKK 10-23 states shortened 11-03");
		CHECK(deadline_plan(rules, cal, legal, D("2026-10-23"), "pigeon", 0, &pl, &err) == -1 &&
		      err.kind == ERR_USAGE, "an unknown channel is refused");
		CHECK(limit_channel_find(rules, "payment_document") &&
		      limit_channel_find(rules, "post")->days == 7 &&
		      limit_channel_find(rules, "email")->days == 0,
		      "the channel allowances are read from the rules");

		/* The check of a stated date against the delivery. */
		CHECK(deadline_check_stated(cal, legal, D("2026-04-27"), D("2026-05-06"), 0, &ok,
					    &earliest, &err) == 0 && !ok &&
		      earliest == D("2026-05-07"), "legal: stating 05-06 after delivery 04-27 is void");
		CHECK(deadline_check_stated(cal, legal, D("2026-04-27"), D("2026-05-07"), 0, &ok,
					    &earliest, &err) == 0 && ok, "stating 05-07 is enough");
		/* Full notice delivered 05-29 needs >= 06-09; remote: >= 06-01. */
		CHECK(deadline_check_stated(cal, ind, D("2026-05-29"), D("2026-06-08"), 0, &ok,
					    &earliest, &err) == 0 && !ok, "full on 06-08 after 05-29 is void");
		CHECK(deadline_check_stated(cal, ind, D("2026-05-29"), D("2026-06-08"), 1, &ok,
					    &earliest, &err) == 0 && ok, "but fine with remote metering");
		CHECK(deadline_check_stated(cal, refusal, D("2026-04-27"), D("2026-05-12"), 0, &ok,
					    &earliest, &err) == 0 && !ok && earliest == D("2026-05-13"),
		      "refusal stated on the 9th working day is void");
	}
	/* Planned 05-09 after delivery 04-29 leaves the full 10 days (rule 2
	 * holds on 05-09 itself), then moves to 05-12; full as above 05-18. */
	CHECK_INT(run("legal", "2026-04-29", 0, "2026-05-09"), 0, "legal planned 05-09 computes");
	CHECK(!res.void_notice && !strcmp(step("partial"), "2026-05-12") &&
	      !strcmp(step("full"), "2026-05-18"), "a stated Saturday is valid and moves to 05-12");
	/* Planned Fri 05-08 after 04-27: valid; full: 12, 13, 14 -> Fri 05-15. */
	CHECK_INT(run("legal", "2026-04-27", 0, "2026-05-08"), 0, "legal planned 05-08 computes");
	CHECK(!res.void_notice && !strcmp(step("partial"), "2026-05-08") &&
	      !strcmp(step("full"), "2026-05-15"), "later steps count from the stated 05-08");
	CHECK_INT(run("legal", "2026-04-27", 0, "2026-05-06"), 0, "legal planned 05-06 computes");
	CHECK(res.void_notice && res.step[0].planned_void && !strcmp(step("partial"), "2026-05-07"),
	      "a stated 05-06 voids the notice; the earliest lawful date stays 05-07");

	/* ---- rule 4: the reconnect deadline ---- */
	/* Paid Thu 2026-05-07 + 2 = Sat 05-09 -> Tue 05-12. */
	CHECK(deadline_reconnect(rules, cal, D("2026-05-07"), &dv, &err) == 0 &&
	      dv.date == D("2026-05-12"), "reconnect after paying 05-07 is due 05-12");
	/* Paid Mon 2026-04-27 + 2 = Wed 04-29, working. */
	CHECK(deadline_reconnect(rules, cal, D("2026-04-27"), &dv, &err) == 0 &&
	      dv.date == D("2026-04-29"), "reconnect after paying 04-27 is due 04-29");
	/* Paid Mon 2025-12-29 + 2 = Wed 12-31 off -> Mon 2026-01-12. */
	CHECK(deadline_reconnect(rules, cal, D("2025-12-29"), &dv, &err) == 0 &&
	      dv.date == D("2026-01-12"), "reconnect after paying 2025-12-29 is due 2026-01-12");
	CHECK_STR(deadline_explain(NULL, &dv, line, sizeof(line)),
		  "paid 2025-12-29 + 2 calendar days = 2025-12-31 (Wed, transferred day off); "
		  "2025-12-31 (Wed, transferred day off) is a day off: "
		  "moved to 2026-01-12 (Mon) after 12-31 transferred day off, 01-01 holiday, "
		  "01-02 holiday, 01-03 holiday, 01-04 holiday, 01-05 holiday, 01-06 holiday, "
		  "01-07 holiday, 01-08 holiday, 01-09 transferred day off, 01-10 weekend, "
		  "01-11 weekend", "the move over New Year is explained day by day");

	/* A delivery in 2028 is an error naming 2028. */
	CHECK_INT(run("legal", "2028-01-15", 0, NULL), -1, "a 2028 delivery fails");
	CHECK(err.kind == ERR_CONFIG && strstr(err.msg, "2028"), "naming 2028");

	/* ---- faults in limitation.xml, with file and line ---- */
	snprintf(tmp, sizeof(tmp), "/tmp/t_deadline.XXXXXX");
	if (!mkdtemp(tmp))
		return 2;
	snprintf(line, sizeof(line), "%s/schema", tmp);
	mkdir(line, 0755);
	{
		FILE *in = fopen("rules/schema/limitation.xsd", "r");
		static char xsd[65536];
		size_t n = in ? fread(xsd, 1, sizeof(xsd) - 1, in) : 0;

		if (in)
			fclose(in);
		xsd[n] = '\0';
		put_file("schema/limitation.xsd", xsd);
	}
	{
		struct limit_rules *r;
		int ln;

		ln = line_of("kind=\"working_days\" days=\"3\"");
		r = load_variant("kind=\"working_days\" days=\"3\"", "kind=\"fortnight\" days=\"3\"", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "fortnight"), "an unknown step kind is refused at its line");
		CHECK(err.kind == ERR_CONFIG, "as a configuration error");

		ln = line_of("<phrase for=\"window\">");
		r = load_variant("<phrase for=\"window\">срок истекает {window_end}",
				 "<phrase for=\"window\">срок истекает {window_ends}", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "phrase for 'window': unknown placeholder "
				      "'{window_ends}'"), "an unknown placeholder of a phrase is "
		      "refused at its line");
		r = load_variant("<phrase for=\"event.void\">", "<phrase for=\"event.voided\">", &f);
		CHECK(!r && has_fault(&f, "limitation.xml:", "unknown key") &&
		      has_fault(&f, "limitation.xml:", "no phrase for 'event.void'"),
		      "an unknown phrase key and a missing one are refused");

		ln = line_of("after=\"tech_reserve\"");
		r = load_variant("after=\"tech_reserve\"", "after=\"nowhere\"", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "after='nowhere' is not an earlier step"),
		      "a step after an unknown step is refused at its line");

		ln = line_of("after=\"emergency_reserve\"");
		r = load_variant("after=\"emergency_reserve\"", "after=\"full\"", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "after='full'"), "a step after itself is refused");

		ln = line_of("name=\"emergency_reserve\"");
		r = load_variant("name=\"emergency_reserve\"", "name=\"tech_reserve\"", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "duplicate step 'tech_reserve'"),
		      "a duplicate step is refused at its line");

		ln = line_of("<procedure name=\"refusal\"");
		r = load_variant("<procedure name=\"refusal\"", "<procedure name=\"refusals\"", &f);
		CHECK(!r && has_fault(&f, "limitation.xml:", "procedure 'refusal' is missing"),
		      "a missing procedure is refused");

		ln = line_of("days=\"20\"");
		r = load_variant("days=\"20\"", "days=\"-20\"", &f);
		snprintf(want, sizeof(want), "limitation.xml:%d:", ln);
		CHECK(!r && has_fault(&f, want, "days"), "a negative day count is refused at its line");

		r = load_variant("<procedure name=\"legal\"", "<procedure name=\"legal\"", &f);
		CHECK(r != NULL, "the unchanged copy loads");
		limit_rules_free(r);
		r = load_variant("</limitation>", "", &f);
		CHECK(!r && has_fault(&f, "limitation.xml:", ""), "a truncated file is refused");
	}
	snprintf(line, sizeof(line), "rm -rf %s", tmp);
	if (system(line) != 0)
		return 2;

	faults_release(&f);
	limit_rules_free(rules);
	calendar_free(cal);
	return check_done();
}
