/* t_date.c - civil dates, periods and money: values worked out by hand. */
#include "check.h"
#include "date.h"
#include "money.h"

int main(void)
{
	char b[DATE_BUF], pb[PERIOD_BUF], mb[MONEY_BUF];
	sdate d;
	speriod p;

	/* 1970-01-01 is day 0; 2000-03-01 is 30 years + 7 leap days + 59 = 11017. */
	CHECK_INT(date_from_ymd(1970, 1, 1), 0, "epoch is day 0");
	CHECK_INT(date_from_ymd(2000, 3, 1), 11017, "2000-03-01 is day 11017");
	/* 2026-04-14 is a Tuesday (SPEC 9.3). */
	CHECK_INT(date_weekday(date_from_ymd(2026, 4, 14)), 2, "2026-04-14 is a Tuesday");
	CHECK_INT(date_weekday(date_from_ymd(2026, 5, 24)), 7, "2026-05-24 is a Sunday");
	CHECK_INT(date_parse("2026-02-29", -1, &d), -1, "2026-02-29 does not exist");
	CHECK_INT(date_parse("2024-02-29", -1, &d), 0, "2024-02-29 exists");
	CHECK_INT(date_parse("2026-4-14", -1, &d), -1, "short fields are refused");
	CHECK_INT(date_parse("2026-04-14x", -1, &d), -1, "trailing text is refused");
	CHECK_INT(date_parse_dmy("31/02/2026", -1, &d), -1, "31/02 is refused");
	CHECK(date_parse_dmy("20.11.2026", -1, &d) == 0 &&
	      d == date_from_ymd(2026, 11, 20), "dd.mm.yyyy parses");
	date_parse("2026-04-14", -1, &d);
	CHECK_STR(date_format(d + 40, b), "2026-05-24", "Apr 14 + 40 days is May 24");
	CHECK_STR(date_format(date_from_ymd(2026, 12, 31) + 1, b), "2027-01-01", "year rolls over");

	CHECK(period_parse("2026-11", -1, &p) == 0, "period parses");
	CHECK_STR(date_format(period_last(p), b), "2026-11-30", "November has 30 days");
	CHECK_STR(period_format(p + 2, pb), "2027-01", "two periods after 2026-11 is 2027-01");
	CHECK_STR(date_format(period_last(period_from_ym(2024, 2)), b), "2024-02-29",
		  "February 2024 ends on the 29th");
	CHECK_INT(period_parse("2026-13", -1, &p), -1, "month 13 is refused");

	money m;
	CHECK(money_parse("1234,56", -1, ',', &m) == 0 && m == 123456, "comma decimals");
	CHECK(money_parse("1234.5", -1, 0, &m) == 0 && m == 123450, "one decimal is tenths");
	CHECK_INT(money_parse("1234,56", -1, '.', &m), -1, "wrong separator refused");
	CHECK_INT(money_parse("1.234", -1, 0, &m), -1, "three decimals refused");
	CHECK_INT(money_parse("1e3", -1, 0, &m), -1, "exponent refused");
	CHECK_INT(money_parse("", -1, 0, &m), -1, "empty refused");
	CHECK_STR(money_format(-5, mb), "-0.05", "negative kopecks print");
	CHECK_STR(money_format(123456, mb), "1234.56", "kopecks print as roubles");
	/* 17 days x 1000.00 x 9.5 % / 300 = 5.3833 -> 5.38 (SPEC 10 example):
	 * 17 * 100000 kop * 95 / (1000 * 300) */
	CHECK_INT(money_round((__int128)17 * 100000 * 95, 1000 * 300), 538, "SPEC 10 penalty");
	CHECK_INT(money_round(5, 10), 1, "half rounds up");
	CHECK_INT(money_round(-5, 10), -1, "negative half rounds away from zero");
	CHECK_INT(money_round(4, 10), 0, "below half rounds down");
	/* ISO 8601 times: 2026-11-03 is day 20760 since 1970-01-01
	 * (56 years of 365 days + 14 leap days = 20454, + 306 days to Nov 3). */
	{
		struct date_time t;
		sdate nov3 = date_from_ymd(2026, 11, 3);
		CHECK_INT(nov3, 20760, "2026-11-03 is day 20760");
		CHECK(date_time_parse("2026-11-03T09:15:00+05:00", -1, &t) == 0 && t.day == nov3 &&
		      t.has_seconds && t.has_offset && t.sep == 'T', "date-time with offset");
		/* 09:15 at +05:00 is 04:15 UTC: 20760 x 86400 + 4 x 3600 + 15 x 60 */
		CHECK(t.utc == (int64_t)20760 * 86400 + 15300, "its UTC seconds");
		CHECK(date_time_parse("2026-11-03T23:30:00-03:30", -1, &t) == 0 &&
		      t.utc == (int64_t)20761 * 86400 + 3 * 3600, "23:30 at -03:30 is 03:00 UTC the next day");
		CHECK(date_time_parse("2026-11-03T09:15:00Z", -1, &t) == 0 &&
		      t.utc == (int64_t)20760 * 86400 + 9 * 3600 + 15 * 60, "Z is UTC");
		CHECK(date_time_parse("2026-11-03 09:15", -1, &t) == 0 && t.sep == ' ' &&
		      !t.has_seconds && !t.has_offset, "space, no seconds, no offset");
		CHECK(date_time_parse("2026-11-03", -1, &t) == 0 && t.sep == 0, "a date alone");
		CHECK(date_time_parse("2026-11-03T24:00:00", -1, &t) == -1, "hour 24 refused");
		CHECK(date_time_parse("2026-11-03T09:15:00+15:00", -1, &t) == -1, "offset over 14 h refused");
		CHECK(date_time_parse("2026-11-03T09:15:00+5", -1, &t) == -1, "short offset refused");
		CHECK(date_time_parse("2026-02-30T09:15", -1, &t) == -1, "not a real date");
	}
	return check_done();
}
