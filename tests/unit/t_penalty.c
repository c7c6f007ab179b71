/* t_penalty.c - penalties of one charge, worked by hand; the rules files and
 * their faults.
 *
 * Arithmetic convention in the comments: amounts in kopecks, rates in basis
 * points (9.50 % = 950), one day at 1/D of the rate on base B costs
 * B x 950 / (10000 x D) kopecks.  Day 1 is the day after the due date.
 * The shipped rules/ cap the rate at 9.50 % from 2022-02-28 to 2026-12-31;
 * every key rate in force in 2026 is above that, so 2026 penalties use 950.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ledger.h"
#include "penalty.h"

static struct penalty_rules R;

static sdate D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

/* The penalty of principal due on `due`, paid by pay[0..n), as of as_of. */
static money pen(enum customer_kind k, money principal, sdate due,
		 const struct penalty_payment *pay, int n, sdate as_of, struct penalty_result *r)
{
	struct penalty_charge c = { principal, due, pay, n };
	struct sbyt_err e;

	if (penalty_compute(&R, k, &c, as_of, r, &e) != 0) {
		printf("# error: %s\n", e.msg);
		return -1;
	}
	return r->amount;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void copy_schema(const char *dir, const char *name)
{
	char src[256], buf[16384];
	FILE *fp;
	size_t n;

	snprintf(src, sizeof(src), "rules/schema/%s", name);
	fp = fopen(src, "r");
	if (!fp)
		abort();
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	snprintf(src, sizeof(src), "schema/%s", name);
	write_file(dir, src, buf);
}

static void copy_file(const char *src, const char *dir, const char *name)
{
	char buf[16384];
	FILE *fp = fopen(src, "r");
	size_t n;

	if (!fp)
		abort();
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	write_file(dir, name, buf);
}

static const char *GOOD_PENALTY =
	"<?xml version=\"1.0\"?>\n"
	"<PenaltyRules rateOn=\"payment\">\n"
	"  <Scheme customer=\"individual\" basis=\"x\">\n"
	"    <Band fromDay=\"31\" denominator=\"300\"/>\n"
	"    <Band fromDay=\"91\" denominator=\"130\"/>\n"
	"  </Scheme>\n"
	"  <Scheme customer=\"legal\" basis=\"x\"><Band fromDay=\"1\" denominator=\"130\"/></Scheme>\n"
	"  <Scheme customer=\"managing\" basis=\"x\"><Band fromDay=\"31\" denominator=\"300\"/></Scheme>\n"
	"  <Schedule customer=\"individual\" basis=\"x\"><Part rest=\"true\" monthOffset=\"1\" day=\"10\"/></Schedule>\n"
	"  <Schedule customer=\"legal\" basis=\"x\"><Part rest=\"true\" monthOffset=\"1\" day=\"18\"/></Schedule>\n"
	"</PenaltyRules>\n";

static const char *GOOD_KEYRATE =
	"<?xml version=\"1.0\"?>\n"
	"<KeyRates>\n"
	"  <Rate from=\"2026-01-01\" rate=\"16.00\"/>\n"
	"  <Cap from=\"2022-02-28\" to=\"2026-12-31\" rate=\"9.50\" basis=\"x\"/>\n"
	"</KeyRates>\n";

/* Load rules from a scratch dir holding the two texts; returns the fault
 * count, leaves the first fault in first[] and the rules (on success) in r. */
static int load_texts(const char *dir, const char *keyrate, const char *penalty,
		      struct penalty_rules *r, char *first, size_t size)
{
	struct faults f = FAULTS_INIT;
	int n;

	write_file(dir, "keyrate.xml", keyrate);
	write_file(dir, "penalty.xml", penalty);
	penalty_rules_load(dir, r, &f);
	n = f.count;
	snprintf(first, size, "%s", f.kept ? f.lines[0] : "");
	for (int i = 0; i < f.kept; i++)
		printf("#   fault: %s\n", f.lines[i]);
	faults_release(&f);
	return n;
}

static int has_prefix(const char *s, const char *dir, const char *rest)
{
	char want[512];
	snprintf(want, sizeof(want), "%s/%s", dir, rest);
	if (strncmp(s, want, strlen(want)) == 0)
		return 1;
	printf("#   got '%s', want prefix '%s'\n", s, want);
	return 0;
}

static void test_rules_files(void)
{
	char tmpl[] = "/tmp/t_penalty.XXXXXX", *dir = mkdtemp(tmpl), sub[300], first[1024];
	struct penalty_rules r;
	struct faults f = FAULTS_INIT;
	int n;

	if (!dir)
		abort();
	snprintf(sub, sizeof(sub), "%s/schema", dir);
	mkdir(sub, 0700);
	copy_schema(dir, "keyrate.xsd");
	copy_schema(dir, "penalty.xsd");
	copy_schema(dir, "calendar.xsd");
	snprintf(sub, sizeof(sub), "%s/calendar", dir);
	mkdir(sub, 0700);
	copy_file("rules/calendar/ru-2026.xml", dir, "calendar/ru-2026.xml");

	CHECK_INT(penalty_rules_check("rules", &f), 0, "the shipped rules load clean");
	faults_release(&f);

	n = load_texts(dir, GOOD_KEYRATE, GOOD_PENALTY, &r, first, sizeof(first));
	CHECK_INT(n, 0, "a minimal rules dir loads clean");
	CHECK(n == 0 && r.nrates == 1 && r.rates[0].bp == 1600 && r.ncaps == 1 && r.caps[0].bp == 950,
	      "16.00 is 1600 bp and 9.50 is 950 bp");
	CHECK(n == 0 && r.scheme[CUSTOMER_INDIVIDUAL].nbands == 2 &&
	      r.scheme[CUSTOMER_INDIVIDUAL].band[1].from_day == 91 &&
	      r.scheme[CUSTOMER_INDIVIDUAL].band[1].denominator == 130, "household bands read");
	penalty_rules_release(&r);

	/* line 4 goes back in time */
	n = load_texts(dir,
		       "<?xml version=\"1.0\"?>\n<KeyRates>\n"
		       "  <Rate from=\"2022-02-01\" rate=\"9.50\"/>\n"
		       "  <Rate from=\"2022-01-01\" rate=\"8.50\"/>\n"
		       "  <Rate from=\"2026-02-30\" rate=\"8.50\"/>\n"
		       "</KeyRates>\n", GOOD_PENALTY, &r, first, sizeof(first));
	CHECK_INT(n, 2, "rates out of order and an unreal date: two faults");
	CHECK(has_prefix(first, dir, "keyrate.xml:4: rate from '2022-01-01' is not after the previous one ('2022-02-01')"),
	      "out-of-order rate reported at keyrate.xml:4");

	n = load_texts(dir,
		       "<?xml version=\"1.0\"?>\n<KeyRates>\n"
		       "  <Rate from=\"2022-02-01\" rate=\"9.5\"/>\n"
		       "</KeyRates>\n", GOOD_PENALTY, &r, first, sizeof(first));
	CHECK(n >= 1 && has_prefix(first, dir, "keyrate.xml:3: "),
	      "rate with one decimal breaks the schema at keyrate.xml:3");

	n = load_texts(dir,
		       "<?xml version=\"1.0\"?>\n<KeyRates>\n"
		       "  <Rate from=\"2022-02-01\" rate=\"9.50\"/>\n"
		       "  <Cap from=\"2022-02-28\" to=\"2022-01-01\" rate=\"9.50\" basis=\"x\"/>\n"
		       "</KeyRates>\n", GOOD_PENALTY, &r, first, sizeof(first));
	CHECK(n == 1 && has_prefix(first, dir, "keyrate.xml:4: cap ends before it starts"),
	      "cap ending before it starts reported at keyrate.xml:4");

	n = load_texts(dir, GOOD_KEYRATE,
		       "<?xml version=\"1.0\"?>\n"
		       "<PenaltyRules rateOn=\"payment\">\n"
		       "  <Scheme customer=\"individual\" basis=\"x\">\n"
		       "    <Band fromDay=\"91\" denominator=\"130\"/>\n"
		       "    <Band fromDay=\"31\" denominator=\"300\"/>\n"
		       "  </Scheme>\n"
		       "  <Schedule customer=\"individual\" basis=\"x\">\n"
		       "    <Part rest=\"true\" monthOffset=\"1\" day=\"10\"/>\n"
		       "    <Part percent=\"30.00\" monthOffset=\"1\" day=\"20\"/>\n"
		       "  </Schedule>\n"
		       "  <Schedule customer=\"legal\" basis=\"x\">\n"
		       "    <Part percent=\"30.00\" rest=\"true\" monthOffset=\"0\" day=\"10\"/>\n"
		       "  </Schedule>\n"
		       "</PenaltyRules>\n", &r, first, sizeof(first));
	/* band order (5), part after rest (9), percent and rest (12), no legal
	 * scheme (2), no managing scheme (2) */
	CHECK_INT(n, 5, "five faults in a bad penalty.xml");
	CHECK(has_prefix(first, dir, "penalty.xml:5: band from day 31 does not follow the band from day 91"),
	      "band order reported at penalty.xml:5");

	/* managing organisations have the legal schedule, none of their own */
	{
		char bad[2048];
		const char *at = strstr(GOOD_PENALTY, "</PenaltyRules>");

		snprintf(bad, sizeof(bad), "%.*s  <Schedule customer=\"managing\" basis=\"x\"><Part "
			 "rest=\"true\" monthOffset=\"1\" day=\"10\"/></Schedule>\n</PenaltyRules>\n",
			 (int)(at - GOOD_PENALTY), GOOD_PENALTY);
		n = load_texts(dir, GOOD_KEYRATE, bad, &r, first, sizeof(first));
		CHECK(n == 1 && has_prefix(first, dir, "penalty.xml:11: managing organisations pay on "
					   "the legal schedule"),
		      "a schedule of their own for managing organisations is refused");
	}

	n = load_texts(dir, GOOD_KEYRATE,
		       "<?xml version=\"1.0\"?>\n<PenaltyRules rateOn=\"daily\">\n</PenaltyRules>\n",
		       &r, first, sizeof(first));
	CHECK(n >= 1 && has_prefix(first, dir, "penalty.xml:2: "),
	      "unknown rateOn and no scheme break the schema at penalty.xml:2");

	snprintf(sub, sizeof(sub), "%s/keyrate.xml", dir);
	unlink(sub);
	penalty_rules_check(dir, &f);
	CHECK(f.count >= 1 && has_prefix(f.lines[0], dir, "keyrate.xml"), "a missing keyrate.xml is a fault");
	faults_release(&f);

	/* cap off: a scratch history where 16.00 % is in force from 2026-01-01.
	 * Legal 1000.00 due Friday 2026-12-18 unpaid:
	 *  as of 2026-12-31: 13 days x 100000 x 950 / 1300000 = 950 -> 9.50
	 *  as of 2027-01-01: the 13 days of 2026 as before (capped: the cap goes
	 *  by the day of delay, SPEC 10) and 2027-01-01 at 16.00 %:
	 *  950 + 1 x 100000 x 1600 / 1300000 (123.0769) = 1073.0769 -> 10.73 */
	n = load_texts(dir, GOOD_KEYRATE, GOOD_PENALTY, &r, first, sizeof(first));
	if (n == 0) {
		struct penalty_rules keep = R;
		struct penalty_result res;

		penalty_result_init(&res);
		R = r;
		CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 12, 18), NULL, 0, D(2026, 12, 31), &res), 950,
			  "cap on: 9.50 % on 2026-12-31");
		CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 12, 18), NULL, 0, D(2027, 1, 1), &res), 1073,
			  "cap off: 16.00 % for the day of 2027 only, 10.73");
		CHECK(res.nseg == 2 && res.seg[0].rate_bp == 950 && res.seg[0].key_rate_bp == 1600 &&
		      res.seg[1].rate_bp == 1600 && res.seg[1].key_rate_bp == 1600 && res.seg[1].days == 1,
		      "cap off: 13 days at 9.50 %, then 2027-01-01 at 16.00 %");
		R = keep;
		penalty_result_release(&res);
		penalty_rules_release(&r);
	} else {
		CHECK(0, "scratch rules for the cap-off case load");
	}

	{
		static const char *const files[] = { "keyrate.xml", "penalty.xml", "schema/keyrate.xsd",
						     "schema/penalty.xsd", "schema/calendar.xsd",
						     "schema", "calendar/ru-2026.xml", "calendar" };
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, files[i]);
			if (remove(sub) != 0 && i < 2)
				printf("# could not remove %s\n", sub);
		}
		rmdir(dir);
	}
}

/* Item 1, 2 and 3 of the money law (SPEC 10): due dates moved over days
 * off, the cap by day of delay ending 2026-12-31, managing organisations.
 * Calendar facts (rules/calendar/ru-2026.xml): Sat 2026-10-10, Sun 10-11;
 * Sun 05-10 and Mon 05-11 (day off moved from 05-09); Wed 11-04 a holiday
 * (День народного единства); Fri 06-12 a holiday (День России), then Sat,
 * Sun; Sat 2026-01-10, Sun 01-11; Sat 04-18, 04-25; Sun 10-18, 10-25;
 * Thu 12-31 a day off (moved from 01-04), then 1-8 Jan 2027 holidays and
 * Sat-Sun 9-10 (ru-2027.xml): moved to Mon 2027-01-11; Fri 2027-12-31 is
 * off too (moved from 01-03), and a date moved from it needs 2028, which
 * rules/calendar does not hold. */
static void test_money_law(struct penalty_result *r)
{
	struct sbyt_err e;
	sdate m;
	static const struct { int y, mo, d, ty, tm, td; const char *what; } moves[] = {
		{ 2026, 10, 10, 2026, 10, 12, "household 10th on a Saturday -> Monday" },
		{ 2026, 5, 10, 2026, 5, 12, "household 10th on a Sunday, then a day off -> Tuesday" },
		{ 2026, 11, 4, 2026, 11, 5, "a balance due on a holiday (11-04) -> 11-05" },
		{ 2026, 8, 10, 2026, 8, 10, "a Monday stays" },
		{ 2026, 1, 10, 2026, 1, 12, "legal 10th advance on a Saturday -> Monday" },
		{ 2026, 4, 25, 2026, 4, 27, "legal 25th advance on a Saturday -> Monday" },
		{ 2026, 10, 25, 2026, 10, 26, "legal 25th advance on a Sunday -> Monday" },
		{ 2026, 4, 18, 2026, 4, 20, "legal 18th balance on a Saturday -> Monday" },
		{ 2026, 10, 18, 2026, 10, 19, "legal 18th balance on a Sunday -> Monday" },
		{ 2026, 6, 12, 2026, 6, 15, "legal balance due on a holiday (06-12) -> Monday 06-15" },
	};

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		CHECK(penalty_due_move(&R, D(moves[i].y, moves[i].mo, moves[i].d), &m, &e) == 0 &&
		      m == D(moves[i].ty, moves[i].tm, moves[i].td), moves[i].what);
	CHECK(penalty_due_move(&R, D(2026, 12, 31), &m, &e) == 0 && m == D(2027, 1, 11),
	      "2026-12-31 is off: moved over the New Year holidays to Mon 2027-01-11");
	CHECK(penalty_due_move(&R, D(2027, 1, 10), &m, &e) == 0 && m == D(2027, 1, 11),
	      "household 10th on Sunday 2027-01-10 -> Monday 01-11");
	CHECK(penalty_due_move(&R, D(2027, 12, 31), &m, &e) == -1 && e.kind == ERR_CONFIG &&
	      strstr(e.msg, "no production calendar for 2028"),
	      "2027-12-31 is off and the next working day is in 2028: an error naming 2028, no guess");
	{
		struct penalty_charge c = { 100000, D(2028, 1, 10), NULL, 0 };
		CHECK(penalty_compute(&R, CUSTOMER_INDIVIDUAL, &c, D(2028, 2, 20), r, &e) == -1 &&
		      e.kind == ERR_CONFIG && strstr(e.msg, "2028"),
		      "a due date in 2028 without ru-2028.xml: ERR_CONFIG naming 2028");
	}
	{
		char why[PENALTY_TEXT_BUF];
		CHECK_STR(penalty_due_text(&R, D(2026, 5, 10), D(2026, 5, 12), why, sizeof(why)),
			  "перенесён с 2026-05-10 (вс, выходной; 2026-05-11 пн, выходной, перенесён с "
			  "2026-05-09) на 2026-05-12, ГК РФ ст. 193", "a Sunday then a transferred day off");
		CHECK_STR(penalty_due_text(&R, D(2026, 11, 4), D(2026, 11, 5), why, sizeof(why)),
			  "перенесён с 2026-11-04 (ср, нерабочий праздничный день: День народного "
			  "единства) на 2026-11-05, ГК РФ ст. 193", "a holiday by its name");
		CHECK_STR(penalty_due_text(&R, D(2026, 8, 10), D(2026, 8, 10), why, sizeof(why)), "",
			  "not moved: nothing to say");
	}
	{
		/* a balance due on New Year's Day: eleven days off, 01-01 .. 01-11 */
		char why[4 * PENALTY_TEXT_BUF];
		const char *end = "2026-01-11 вс, выходной) на 2026-01-12, ГК РФ ст. 193";

		CHECK(penalty_due_move(&R, D(2026, 1, 1), &m, &e) == 0 && m == D(2026, 1, 12),
		      "due on 2026-01-01 -> Monday 01-12");
		penalty_due_text(&R, D(2026, 1, 1), m, why, sizeof(why));
		CHECK(strlen(why) > strlen(end) && strcmp(why + strlen(why) - strlen(end), end) == 0 &&
		      strstr(why, "2026-01-07 ср, нерабочий праздничный день: Рождество Христово") &&
		      strstr(why, "2026-01-09 пт, выходной, перенесён с 2026-01-03"),
		      "eleven days off named in full, the transferred one with its origin");
	}

	/* household, Sunday 2026-05-10 -> Tuesday 05-12: day 1 = 05-13, 05-31 =
	 * day 19, 06-11 = day 30, 06-12 = day 31.  Paid 06-11: 0 (without the
	 * move day 32: 2 x 31.6667 -> 0.63); paid 06-12: 1 x 100000 x 950 /
	 * 3000000 = 31.6667 -> 0.32 */
	struct penalty_payment s30 = { D(2026, 6, 11), 100000 }, s31 = { D(2026, 6, 12), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 5, 10), &s30, 1, D(2026, 6, 30), r), 0,
		  "household due on a Sunday, paid on day 30 from the moved date: 0.00");
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 5, 10), &s31, 1, D(2026, 6, 30), r), 32,
		  "household due on a Sunday, paid on day 31: 0.32");

	/* household balance due on the holiday 2026-11-04 -> 11-05; unpaid as of
	 * 2026-12-10: day 1 = 11-06, day 31 = 12-06, 12-10 = day 35: 5 x
	 * 100000 x 950 / 3000000 = 158.3333 -> 1.58 (without the move: 6 days, 1.90) */
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 11, 4), NULL, 0, D(2026, 12, 10), r), 158,
		  "household due on a holiday: 1.58");

	/* legal 40 % advance 400.00 due Sunday 2026-10-25 -> 10-26, paid 10-30:
	 * days 1-4 (10-27 .. 10-30) x 40000 x 950 / 1300000 = 116.9231 -> 1.17
	 * (without the move: 5 days, 1.46) */
	struct penalty_payment a30 = { D(2026, 10, 30), 40000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 40000, D(2026, 10, 25), &a30, 1, D(2026, 11, 30), r), 117,
		  "legal advance due on a Sunday, paid 4 days after the Monday: 1.17");
	/* legal balance due Saturday 2026-04-18 -> 04-20, paid on 04-20: on time */
	struct penalty_payment b20 = { D(2026, 4, 20), 100000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 4, 18), &b20, 1, D(2026, 4, 30), r), 0,
		  "legal balance due on a Saturday, paid on the Monday: no penalty");
	/* legal balance due on the holiday 2026-06-12 -> Monday 06-15, unpaid as
	 * of 06-20: days 1-5 (06-16 .. 06-20) x 100000 x 950 / 1300000 = 365.3846
	 * -> 3.65 (without the move: 8 days, 5.85) */
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 6, 12), NULL, 0, D(2026, 6, 20), r), 365,
		  "legal due on a holiday: 3.65");

	/* The rate day by day, with a key rate of 15.00 % from 2026-03-23 on (a
	 * history of our own, so that the figures do not depend on the shipped
	 * one): SPEC 10's second example.  500.00 due Friday 2026-07-10 (a
	 * working day), household; day 1 = 07-11.
	 *  days 31-90 (08-10 .. 10-08):    60 x 50000 x 950 / 3000000  =  950.0000
	 *  days 91-174 (10-09 .. 12-31):   84 x 50000 x 950 / 1300000  = 3069.2308
	 *  days 175-189 (2027-01-01 .. 01-15), no cap:
	 *                                  15 x 50000 x 1500 / 1300000 =  865.3846
	 *  total 4884.6154 -> 48.85, unpaid as of 2027-01-15 or paid that day */
	{
		struct keyrate hist[] = { { D(2026, 2, 16), 1550 }, { D(2026, 3, 23), 1500 } };
		struct keyrate *keep = R.rates;
		int nkeep = R.nrates;
		struct penalty_payment jan = { D(2027, 1, 15), 50000 };

		R.rates = hist;
		R.nrates = 2;
		CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 50000, D(2026, 7, 10), NULL, 0, D(2027, 1, 15), r), 4885,
			  "SPEC 10 across the cap's end: 48.85");
		CHECK(r->nseg == 3 && r->seg[0].days == 60 && r->seg[0].rate_bp == 950 &&
		      r->seg[1].from == D(2026, 10, 9) && r->seg[1].to == D(2026, 12, 31) &&
		      r->seg[1].days == 84 && r->seg[1].rate_bp == 950 && r->seg[1].key_rate_bp == 1500 &&
		      r->seg[2].from == D(2027, 1, 1) && r->seg[2].to == D(2027, 1, 15) &&
		      r->seg[2].day_from == 175 && r->seg[2].day_to == 189 && r->seg[2].rate_bp == 1500 &&
		      r->seg[2].cap_bp == 0 && r->seg[2].denominator == 130,
		      "across the cap's end: 60 + 84 capped days, 15 days of 2027 at 15.00 %");
		/* over 39000000 (the lcm of 3000000 and 1300000) */
		CHECK(r->num * 39000000 == ((__int128)60 * 50000 * 950 * 13 +
					    ((__int128)84 * 50000 * 950 + 15 * 50000 * 1500) * 30) * r->den,
		      "across the cap's end: the exact sum, rounded once");
		CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 50000, D(2026, 7, 10), &jan, 1, D(2027, 1, 31), r), 4885,
			  "the same debt paid on 2027-01-15: 48.85");
		CHECK(r->nseg == 3 && r->seg[2].paid == 1 && r->seg[2].rate_date == D(2027, 1, 15),
		      "paid in January: the payment day's rate for the days of 2027");

		/* legal 1000.00 due Friday 2026-12-18: day 1 = 12-19.
		 *  days 1-13 (12-19 .. 12-31): 13 x 100000 x 950 / 1300000  =  950.0000
		 *  days 14-33 (2027-01-01 .. 01-20): 20 x 100000 x 1500 / 1300000 = 2307.6923
		 *  total 3257.6923 -> 32.58, unpaid as of 01-20 or paid on 01-20 */
		struct penalty_payment l20 = { D(2027, 1, 20), 100000 };
		CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 12, 18), NULL, 0, D(2027, 1, 20), r), 3258,
			  "legal across the cap's end, unpaid: 32.58");
		CHECK(r->nseg == 2 && r->seg[0].to == D(2026, 12, 31) && r->seg[1].days == 20,
		      "legal across the cap's end: split at 2026-12-31");
		CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 12, 18), &l20, 1, D(2027, 1, 31), r), 3258,
			  "legal across the cap's end, paid 2027-01-20: 32.58");
		R.rates = keep;
		R.nrates = nkeep;
	}

	/* A managing organisation: the households' scale from the legal
	 * schedule's due date.  1000.00 balance due Thursday 2026-06-18: day 1 =
	 * 06-19, day 30 = 07-18, day 31 = 07-19, day 90 = 09-16, day 91 = 09-17.
	 *  day 30: 0; day 31: 31.6667 -> 0.32; day 90: 60 x 31.6667 = 1900 -> 19.00;
	 *  day 91: 1900 + 100000 x 950 / 1300000 (73.0769) -> 19.73.
	 * An ordinary legal entity owes from day 1: day 30 = 30 x 73.0769 -> 21.92. */
	CHECK_INT(pen(CUSTOMER_MANAGING, 100000, D(2026, 6, 18), NULL, 0, D(2026, 7, 18), r), 0,
		  "managing, day 30: 0.00");
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 6, 18), NULL, 0, D(2026, 7, 18), r), 2192,
		  "legal, day 30: 21.92");
	CHECK_INT(pen(CUSTOMER_MANAGING, 100000, D(2026, 6, 18), NULL, 0, D(2026, 7, 19), r), 32,
		  "managing, day 31: 0.32");
	CHECK_INT(pen(CUSTOMER_MANAGING, 100000, D(2026, 6, 18), NULL, 0, D(2026, 9, 16), r), 1900,
		  "managing, day 90: 19.00");
	CHECK_INT(pen(CUSTOMER_MANAGING, 100000, D(2026, 6, 18), NULL, 0, D(2026, 9, 17), r), 1973,
		  "managing, day 91: 19.73");
	CHECK(r->nseg == 2 && r->seg[1].denominator == 130 && r->seg[1].days == 1,
	      "managing, day 91: one day at 1/130");
	CHECK(R.schedule[CUSTOMER_MANAGING].nparts == R.schedule[CUSTOMER_LEGAL].nparts &&
	      R.schedule[CUSTOMER_MANAGING].part[2].day == 18,
	      "managing organisations pay on the legal schedule");
	CHECK_STR(penalty_kind_name(CUSTOMER_MANAGING), "managing", "the kind's name");
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct penalty_result r;
	struct sbyt_err e;
	char text[PENALTY_TEXT_BUF];
	int applied, key;

	if (penalty_rules_load("rules", &R, &f) != 0) {
		faults_print(&f, stdout);
		CHECK(0, "rules/ load");
		return check_done();
	}
	penalty_result_init(&r);

	/* Rates: 2026-03-01 is under 15.50 % (from 2026-02-16), capped to 9.50;
	 * 2022-09-20 under 7.50 % (from 2022-09-19), below the cap; 2022-02-20
	 * under 9.50 % before the cap starts. */
	CHECK(penalty_rate_on(&R, D(2026, 3, 1), &applied, &key, &e) == 0 && key == 1550 && applied == 950,
	      "2026-03-01: key 15.50 %, applied 9.50 %");
	CHECK(penalty_rate_on(&R, D(2022, 9, 20), &applied, &key, &e) == 0 && key == 750 && applied == 750,
	      "2022-09-20: key 7.50 % is below the cap");
	CHECK(penalty_rate_on(&R, D(2022, 1, 1), &applied, &key, &e) == 0 && key == 850 && applied == 850,
	      "2022-01-01: 8.50 % in force from 2021-12-20");
	CHECK(penalty_rate_on(&R, D(2022, 2, 27), &applied, &key, &e) == 0 && key == 950 && applied == 950,
	      "2022-02-27: 9.50 % in force from 2022-02-14");
	CHECK(penalty_rate_on(&R, D(2022, 2, 28), &applied, &key, &e) == 0 && key == 2000 && applied == 950,
	      "2022-02-28: 20.00 % capped to 9.50 % from the first day of the cap");
	CHECK_INT(penalty_rate_on(&R, D(2021, 1, 1), &applied, &key, &e), -1, "no rate before the history");
	CHECK_INT(e.kind, ERR_CONFIG, "a missing rate is a config error");

	/* 1. SPEC 10: 1000.00 due Saturday 2026-10-10, moved over Sat 10-10 and
	 * Sun 10-11 to Monday 2026-10-12 (Civil Code 193); unpaid as of
	 * 2026-11-26.  Day 1 = 10-13, day 31 = 11-12 (19 days of October + 12),
	 * 11-26 = day 45: days 31-45 = 15 x 100000 x 950 / 3000000 = 475 -> 4.75
	 * (without the move: days 31-47, 5.38) */
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), NULL, 0, D(2026, 11, 26), &r), 475,
		  "SPEC 10 example: 4.75");
	CHECK(r.nseg == 1 && r.seg[0].from == D(2026, 11, 12) && r.seg[0].to == D(2026, 11, 26) &&
	      r.seg[0].day_from == 31 && r.seg[0].day_to == 45 && r.seg[0].days == 15 &&
	      r.seg[0].denominator == 300 && r.seg[0].rate_bp == 950 && r.seg[0].base == 100000 &&
	      r.seg[0].paid == 0 && r.seg[0].rate_date == D(2026, 11, 26) &&
	      r.seg[0].due == D(2026, 10, 12) && r.seg[0].due_nominal == D(2026, 10, 10),
	      "SPEC 10 example: due moved to 10-12, one segment, days 31-45, 1/300, 9.50 %");
	/* exact: 15 x 100000 x 950 = 1425000000 / 3000000 */
	CHECK(r.num * 3000000 == (__int128)1425000000 * r.den, "SPEC 10 example: exact amount 475 kop");
	{
		char why[PENALTY_TEXT_BUF];
		CHECK_STR(penalty_due_text(&R, D(2026, 10, 10), D(2026, 10, 12), why, sizeof(why)),
			  "перенесён с 2026-10-10 (сб, выходной; 2026-10-11 вс, выходной) на 2026-10-12, "
			  "ГК РФ ст. 193", "the move reads for an auditor");
	}

	/* 2. paid in full on the nominal or on the moved due date: no day of delay */
	struct penalty_payment on_due = { D(2026, 10, 10), 100000 }, on_moved = { D(2026, 10, 12), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &on_due, 1, D(2026, 11, 26), &r), 0,
		  "paid on the due date: no penalty");
	CHECK_INT(r.nseg, 0, "paid on the due date: no segment");
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &on_moved, 1, D(2026, 11, 26), &r), 0,
		  "paid on the moved due date (Monday 10-12): no penalty");

	/* 3. paid on day 30 (2026-11-11) or on 11-10 (day 31 without the move): still free */
	struct penalty_payment day30 = { D(2026, 11, 11), 100000 }, old31 = { D(2026, 11, 10), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &day30, 1, D(2026, 11, 26), &r), 0,
		  "household paid on day 30: no penalty");
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &old31, 1, D(2026, 11, 26), &r), 0,
		  "household paid on 11-10, day 29 from the moved date: no penalty");

	/* 4. paid on day 31 (2026-11-12): one day, 100000 x 950 / 3000000 = 31.67 -> 0.32 */
	struct penalty_payment day31 = { D(2026, 11, 12), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &day31, 1, D(2026, 11, 26), &r), 32,
		  "household paid on day 31: one day, 0.32");
	CHECK(r.nseg == 1 && r.seg[0].days == 1 && r.seg[0].paid == 1, "day 31: one paid day");

	/* 5. partial payment: 400.00 on 2026-11-14 (day 33), 600.00 unpaid to 2026-11-26 (day 45)
	 *  paid:   3 days x 40000 x 950 / 3000000 =  38.00
	 *  unpaid: 15 days x 60000 x 950 / 3000000 = 285.00
	 *  total 323.00 -> 3.23 */
	struct penalty_payment part = { D(2026, 11, 14), 40000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &part, 1, D(2026, 11, 26), &r), 323,
		  "partial payment: 3.23");
	CHECK(r.nseg == 2 && r.seg[0].base == 40000 && r.seg[0].days == 3 && r.seg[1].base == 60000 &&
	      r.seg[1].days == 15, "partial payment: paid piece 3 days, rest 15 days");

	/* 6. rounded once: 600.00 due 2026-10-10 (-> 10-12), two payments of 300.00 on
	 * day 31 (11-12).  Each piece 1 x 30000 x 950 / 3000000 = 9.5 kop; exact
	 * total 19.0 -> 0.19 (rounding each piece would give 10 + 10 = 0.20) */
	struct penalty_payment halves[2] = { { D(2026, 11, 12), 30000 }, { D(2026, 11, 12), 30000 } };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 60000, D(2026, 10, 10), halves, 2, D(2026, 11, 26), &r), 19,
		  "two pieces of 9.5 kop round once to 0.19, not 0.20");

	/* 7. crossing day 90: 1000.00 due 2026-06-10 unpaid as of 2026-09-20 = day 102
	 * (20 days of June + 31 + 31 + 20).
	 *  days 31-90 (2026-07-11 .. 2026-09-08): 60 x 100000 x 950 / 3000000 = 1900.00
	 *  days 91-102 (2026-09-09 .. 2026-09-20): 12 x 100000 x 950 / 1300000 =  876.92
	 *  total 2776.92 -> 27.77 */
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 6, 10), NULL, 0, D(2026, 9, 20), &r), 2777,
		  "crossing day 90: 27.77");
	CHECK(r.nseg == 2 && r.seg[0].from == D(2026, 7, 11) && r.seg[0].to == D(2026, 9, 8) &&
	      r.seg[0].days == 60 && r.seg[0].denominator == 300 && r.seg[1].from == D(2026, 9, 9) &&
	      r.seg[1].to == D(2026, 9, 20) && r.seg[1].days == 12 && r.seg[1].denominator == 130,
	      "crossing day 90: 60 days at 1/300 then 12 days at 1/130");

	/* 8. paid on day 90 (2026-09-08): 60 days at 1/300 = 1900 -> 19.00 */
	struct penalty_payment day90 = { D(2026, 9, 8), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 6, 10), &day90, 1, D(2026, 9, 20), &r), 1900,
		  "paid on day 90: 19.00");
	CHECK_INT(r.nseg, 1, "paid on day 90: no 1/130 day");

	/* 9. paid on day 91 (2026-09-09): 1900 + 100000 x 950 / 1300000 = 1900 + 73.08 -> 19.73 */
	struct penalty_payment day91 = { D(2026, 9, 9), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 6, 10), &day91, 1, D(2026, 9, 20), &r), 1973,
		  "paid on day 91: one day at 1/130, 19.73");

	/* 10-12 and 20 are about the key-rate history of 2019-2023, years
	 * rules/calendar does not hold: the rules without a calendar take the
	 * due dates as given (2022-06-10, 2022-01-18 and 2022-02-18 are
	 * working Fridays and Tuesday anyway). */
	struct calendar *cal = R.cal;
	R.cal = NULL;

	/* 10. key-rate change inside the range: 1000.00 due 2022-06-10 paid 2022-09-20 (day 102).
	 * The rate was 9.50 % (from 06-14), 8.00 % (07-25), 7.50 % (09-19): the rate of
	 * the payment day, 7.50 %, applies to the whole piece.
	 *  days 31-90: 60 x 100000 x 750 / 3000000 = 1500.00
	 *  days 91-102: 12 x 100000 x 750 / 1300000 = 692.31
	 *  total 2192.31 -> 21.92 */
	struct penalty_payment p2022 = { D(2022, 9, 20), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2022, 6, 10), &p2022, 1, D(2022, 12, 31), &r), 2192,
		  "rate change inside the range: the payment day's 7.50 % for all days, 21.92");
	CHECK(r.nseg == 2 && r.seg[0].rate_bp == 750 && r.seg[1].rate_bp == 750 &&
	      r.seg[0].rate_date == D(2022, 9, 20), "rate change: both segments at 7.50 % of 2022-09-20");

	/* 11. cap on: 1000.00 due 2023-06-10 unpaid as of 2023-08-20 (day 71): key rate
	 * 12.00 % (from 2023-08-15) capped to 9.50 %.
	 *  days 31-71 (2023-07-11 .. 2023-08-20): 41 x 100000 x 950 / 3000000 = 1298.33 -> 12.98 */
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2023, 6, 10), NULL, 0, D(2023, 8, 20), &r), 1298,
		  "cap on in 2023: 12.00 % capped to 9.50 %, 12.98");
	CHECK(r.nseg == 1 && r.seg[0].key_rate_bp == 1200 && r.seg[0].rate_bp == 950,
	      "cap on: the segment shows key 12.00 % and applied 9.50 %");
	CHECK_STR(penalty_segment_text(&r.seg[0], text, sizeof(text)),
		  "2023-07-11 – 2023-08-20, дни 31–71 (41 дн.) × 1000.00 × 9.50 % / 300 = 12.9833 "
		  "(не оплачено; ставка на 2023-08-20: ключевая 12.00 %, применена 9.50 %; "
		  "ограничение 9.50 % для дней по 2026-12-31 применено)",
		  "the segment reads for an auditor");

	/* 12. before the cap: legal 1000.00 due 2022-01-18, paid 2022-02-20 (day 33) at
	 * 9.50 % (from 2022-02-14): 33 x 100000 x 950 / 1300000 = 2411.54 -> 24.12 */
	struct penalty_payment p2022b = { D(2022, 2, 20), 100000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2022, 1, 18), &p2022b, 1, D(2022, 3, 1), &r), 2412,
		  "legal, before the cap: 33 days at 1/130, 24.12");
	CHECK(r.nseg == 1 && r.seg[0].cap_bp == 0 && r.seg[0].rate_bp == 950,
	      "before the cap: no cap covers the days");

	/* 12a. the cap starts inside the delay: legal 1000.00 due 2022-02-18, paid
	 * 2022-03-10 at the key rate of that day, 20.00 %.  Days 1-9 (02-19 ..
	 * 02-27) are before the cap: 9 x 100000 x 2000 / 1300000 = 1384.6154;
	 * days 10-20 (02-28 .. 03-10) capped: 11 x 100000 x 950 / 1300000 =
	 * 803.8462; total 2188.4615 -> 21.88 */
	struct penalty_payment p2022c = { D(2022, 3, 10), 100000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2022, 2, 18), &p2022c, 1, D(2022, 3, 31), &r), 2188,
		  "the cap starts on day 10: 9 days at 20.00 %, 11 at 9.50 %, 21.88");
	CHECK(r.nseg == 2 && r.seg[0].to == D(2022, 2, 27) && r.seg[0].rate_bp == 2000 &&
	      r.seg[0].cap_bp == 0 && r.seg[1].from == D(2022, 2, 28) && r.seg[1].days == 11 &&
	      r.seg[1].rate_bp == 950 && r.seg[1].key_rate_bp == 2000 && r.seg[1].cap_bp == 950,
	      "the cap starts on day 10: split at 2022-02-28");

	/* 20. no key rate in force on the as-of date: 1000.00 due 2019-10-10 as of
	 * 2020-01-01 (day 83) needs the rate of 2020-01-01, before the history */
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2019, 10, 10), NULL, 0, D(2020, 1, 1), &r), -1,
		  "a date before the key-rate history is an error");
	R.cal = cal;

	/* 13. legal from day 1: 1000.00 due 2026-11-18 unpaid as of 2026-11-26 (day 8):
	 * 8 x 100000 x 950 / 1300000 = 584.62 -> 5.85 */
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 11, 18), NULL, 0, D(2026, 11, 26), &r), 585,
		  "legal unpaid 8 days: 5.85");
	CHECK(r.nseg == 1 && r.seg[0].day_from == 1 && r.seg[0].from == D(2026, 11, 19),
	      "legal: the penalty starts on day 1 (2026-11-19)");

	/* 14. legal advance paid late: 30 % of 10000.00 = 3000.00 due 2026-11-10 paid
	 * 2026-11-20 (day 10): 10 x 300000 x 950 / 1300000 = 2192.31 -> 21.92 */
	struct penalty_payment adv = { D(2026, 11, 20), 300000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 300000, D(2026, 11, 10), &adv, 1, D(2026, 11, 26), &r), 2192,
		  "legal 30 % advance paid 10 days late: 21.92");

	/* 15. legal paid on the due date: none; the day after: 100000 x 950 / 1300000 = 73.08 -> 0.73 */
	struct penalty_payment l0 = { D(2026, 11, 18), 100000 }, l1 = { D(2026, 11, 19), 100000 };
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 11, 18), &l0, 1, D(2026, 11, 26), &r), 0,
		  "legal paid on the due date: no penalty");
	CHECK_INT(pen(CUSTOMER_LEGAL, 100000, D(2026, 11, 18), &l1, 1, D(2026, 11, 26), &r), 73,
		  "legal paid the day after: one day, 0.73");

	/* 16. a payment after the as-of date is not made yet: as case 1, 4.75 */
	struct penalty_payment later = { D(2026, 12, 1), 100000 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &later, 1, D(2026, 11, 26), &r), 475,
		  "a payment after the as-of date does not count yet");

	/* 17. two instalments of one period accrue into one result, rounded once:
	 * legal, 300.00 due 2026-11-10 and 300.00 due 2026-11-25, both paid 2026-11-26.
	 *  16 x 30000 x 950 / 1300000 = 350.77;  1 x 30000 x 950 / 1300000 = 21.92
	 *  total 372.69 -> 3.73 (rounded apart: 351 + 22 = 3.73 too; the exact sum is kept) */
	{
		struct penalty_payment a1 = { D(2026, 11, 26), 30000 }, a2 = { D(2026, 11, 26), 30000 };
		struct penalty_charge c1 = { 30000, D(2026, 11, 10), &a1, 1 }, c2 = { 30000, D(2026, 11, 25), &a2, 1 };

		penalty_result_reset(&r);
		CHECK(penalty_accrue(&R, CUSTOMER_LEGAL, &c1, D(2026, 11, 30), &r, &e) == 0 &&
		      penalty_accrue(&R, CUSTOMER_LEGAL, &c2, D(2026, 11, 30), &r, &e) == 0 &&
		      r.amount == 373 && r.nseg == 2, "two instalments in one result: 3.73, two segments");
		CHECK(r.num * 1300000 == (__int128)(16 * 30000 * 950 + 30000 * 950) * r.den,
		      "two instalments: the exact sum 484500000 / 1300000 kop");
	}

	/* 18. payments above the principal are refused */
	struct penalty_payment too_much = { D(2026, 11, 1), 100001 };
	CHECK_INT(pen(CUSTOMER_INDIVIDUAL, 100000, D(2026, 10, 10), &too_much, 1, D(2026, 11, 26), &r), -1,
		  "payments above the principal are refused");

	/* 19. a payment naming a period: household, 2026-08 (1000.00 due 2026-09-10) and
	 * 2026-09 (1000.00 due 2026-10-10); 1000.00 paid 2026-10-05 naming 2026-09.
	 * It closes 2026-09; 2026-08 stays unpaid. As of 2026-11-26 (day 77 of 2026-08):
	 *  2026-08: days 31-77 = 47 x 100000 x 950 / 3000000 = 1488.33 -> 14.88
	 *  2026-09: paid before its due date: 0 */
	{
		struct ledger l;
		struct ledger_debt d;
		struct ledger_charge c8 = { period_from_ym(2026, 8), D(2026, 9, 10), 100000, LEDGER_CHARGE };
		struct ledger_charge c9 = { period_from_ym(2026, 9), D(2026, 10, 10), 100000, LEDGER_CHARGE };
		struct ledger_payment p = { 1, D(2026, 10, 5), 100000, period_from_ym(2026, 9) };

		ledger_init(&l);
		ledger_debt_init(&d);
		ledger_add_charge(&l, &c8, &e);
		ledger_add_charge(&l, &c9, &e);
		ledger_add_payment(&l, &p, &e);
		CHECK(ledger_allocate(&l, &e) == 0 &&
		      ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &e) == 0,
		      "named payment: ledger computes");
		CHECK(d.nper == 1 && d.per[0].period == period_from_ym(2026, 8) && d.per[0].principal == 100000 &&
		      d.per[0].penalty == 1488 && d.penalty == 1488,
		      "named payment: 2026-08 owes 1000.00 and a penalty of 14.88, 2026-09 nothing");
		ledger_debt_release(&d);
		ledger_release(&l);
	}

	test_money_law(&r);
	test_rules_files();

	penalty_result_release(&r);
	penalty_rules_release(&R);
	faults_release(&f);
	return check_done();
}
