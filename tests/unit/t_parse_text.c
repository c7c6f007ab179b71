/* t_parse_text.c - the qiwi, payments, portal and delivery parsers, and the
 * shared field parsers, on hand-made lines. */
#include "check.h"
#include "parse_test.h"

int main(void)
{
	struct kept k;
	struct sbyt_err e;
	int64_t v;
	sdate d;
	char ph[16];

	/* Field parsers. */
	CHECK(reading_value_parse("4521,5", -1, &v) == 0 && v == 4521500, "4521,5 is 4521500 thousandths");
	CHECK(reading_value_parse("4521.125", -1, &v) == 0 && v == 4521125, "4521.125 is 4521125");
	CHECK(reading_value_parse("0", -1, &v) == 0 && v == 0, "0 is a value");
	CHECK(reading_value_parse("1.2345", -1, &v) == -1, "4 decimals refused");
	CHECK(reading_value_parse("-1", -1, &v) == -1, "negative refused");
	CHECK(reading_value_parse("1,", -1, &v) == -1, "separator without decimals refused");
	CHECK(reading_value_parse("1234567890123", -1, &v) == -1, "13 integer digits refused");
	/* reading.value is numeric(12, 3): less than 10^9 */
	CHECK(reading_value_parse("999999999.999", -1, &v) == 0 && v == 999999999999LL,
	      "999999999.999 is the largest value stored");
	CHECK(reading_value_parse("1000000000", -1, &v) == -1, "10^9 refused (numeric(12,3))");
	CHECK(reading_value_parse("000000001234", -1, &v) == 0 && v == 1234000,
	      "leading zeros are not digits of the value");
	CHECK(account_parse("7201000123", -1, &v) == 0 && v == 7201000123LL, "account read");
	CHECK(account_parse("0000000000", -1, &v) == -1, "account zero refused");
	CHECK(account_parse("72010001 3", -1, &v) == -1, "space in account refused");
	CHECK(iso_datetime_parse("2026-11-18T09:15:02+05:00", -1, &d) == 0 && d == date_from_ymd(2026, 11, 18),
	      "date-time with offset");
	CHECK(iso_datetime_parse("2026-11-18 09:15", -1, &d) == 0, "space and no seconds");
	CHECK(iso_datetime_parse("2026-11-18T09:15:02Z", -1, &d) == 0, "Z");
	CHECK(iso_datetime_parse("2026-11-18T24:00:00", -1, &d) == -1, "hour 24 refused");
	CHECK(iso_datetime_parse("2026-11-18T09:15:02+5", -1, &d) == -1, "short offset refused");
	CHECK(iso_datetime_parse("2026-02-29", -1, &d) == -1, "29 February 2026 refused");
	CHECK(phone_normalize("+79123456789", -1, ph, sizeof(ph)) == 0 && !strcmp(ph, "+79123456789"), "+7 kept");
	CHECK(phone_normalize("8 (912) 345-67-89", -1, ph, sizeof(ph)) == 0 && !strcmp(ph, "+79123456789"),
	      "8 (912) ... normalised to +7");
	CHECK(phone_normalize("+89123456789", -1, ph, sizeof(ph)) == -1, "+8 refused");
	CHECK(phone_normalize("12345", -1, ph, sizeof(ph)) == -1, "short number refused");

	/* qiwi: 150.00 and 99.90. */
	static const char qiwi[] =
		"txn_id,datetime,terminal_id,account,amount,period\n"
		"Q-1,2026-11-20T10:15:00+05:00,T-9,7201000123,150.00,2026-11\n"
		"Q-2,2026-11-20 11:00,T-9,7201000124,99.9,\n"
		"Q-3,2026-11-20,T-9,7201000125,-1.00,\n"
		"Q-4,2026-11-20,T-9,7201000125,1.00\n";
	CHECK_INT(PARSE(CH_QIWI, qiwi, &k, &e), 0, "qiwi parses");
	CHECK_INT(k.nrec, 2, "two qiwi payments");
	CHECK_INT(k.rec[0].pay.sum, 15000, "150.00");
	CHECK_INT(k.rec[1].pay.sum, 9990, "99.9 is 9990 kopecks");
	CHECK_STR(k.rec[0].pay.source, "T-9", "terminal");
	CHECK_INT(k.rec[1].line, 3, "line 3");
	CHECK_INT(k.nrej, 2, "two rejects");
	CHECK_STR(k.rej_code[0], "bad_sum", "negative amount");
	CHECK_STR(k.rej_code[1], "bad_format", "five fields");
	static const char qbad[] = "txn_id;datetime;terminal_id;account;amount;period\n";
	CHECK_INT(PARSE(CH_QIWI, qbad, &k, &e), -1, "qiwi with ';' header refused");
	CHECK(strstr(e.msg, ":1: header is not 'txn_id,datetime,") != NULL, "header named");

	/* payments: BOM, CRLF, one with an offset time, one without period, SQL in the source. */
	static const char pay[] =
		"\xEF\xBB\xBF" "txn_id;paid_at;account;sum;period;source\r\n"
		"P-1;2026-11-19;7201000123;1200.50;2026-10;post\r\n"
		"P-2;2026-11-19T12:00:00+05:00;7201000123;1200.50;;\"office'); DROP TABLE payment;--\"\r\n"
		"P-3;2026-11-19;7201000123;1200.50;2026-13;post\r\n";
	CHECK_INT(PARSE(CH_PAYMENTS, pay, &k, &e), 0, "payments parse");
	CHECK_INT(k.nrec, 2, "two payments");
	CHECK_INT(k.rec[0].pay.sum, 120050, "1200.50");
	CHECK(k.rec[0].pay.period == period_from_ym(2026, 10), "period 2026-10");
	CHECK_STR(k.rec[1].pay.source, "office'); DROP TABLE payment;--", "metacharacters kept as data");
	CHECK_STR(k.rej_code[0], "bad_period", "month 13");

	/* portal */
	static const char portal[] =
		"account;meter;zone;value;taken_on;source\n"
		"7201000123;M-1;1;4521,5;2026-11-20;lkk\n"
		"7201000123;;2;1200;2026-11-20;inspector\n"
		"7201000123;M-1;4;1;2026-11-20;lkk\n"
		"7201000123;M-1;1;1;2026-11-20;email\n"
		"7201000123;M-1;1;1;31.02.2026;lkk\n";
	CHECK_INT(PARSE(CH_PORTAL, portal, &k, &e), 0, "portal parses");
	CHECK_INT(k.nrec, 2, "two readings");
	CHECK_INT(k.rec[0].kind, REC_READING, "a reading");
	CHECK_STR(k.rec[0].rd.meter, "M-1", "meter");
	CHECK_INT(k.rec[0].rd.value[0], 4521500, "4521,5");
	CHECK(k.rec[1].rd.has[1] && !k.rec[1].rd.has[0] && k.rec[1].rd.zones == 2, "zone 2 only");
	CHECK_STR(k.rec[1].rd.source, "inspector", "inspector");
	CHECK_STR(k.rej_code[0], "bad_zone", "zone 4");
	CHECK_STR(k.rej_code[1], "bad_source", "email is no source");
	CHECK_STR(k.rej_code[2], "bad_date", "dotted date");

	/* delivery */
	static const char dlv[] =
		"notice_id;status;at;evidence\n"
		"N-1;delivered;2026-11-21;80082145123456\n"
		"N-2;returned;2026-12-05;\"возврат; истёк срок\"\n"
		"N-3;lost;2026-12-05;x\n";
	CHECK_INT(PARSE(CH_DELIVERY, dlv, &k, &e), 0, "delivery parses");
	CHECK_INT(k.nrec, 2, "two confirmations");
	CHECK_STR(k.rec[0].dlv.status, "delivered", "status");
	CHECK_INT(k.rec[0].dlv.at, date_from_ymd(2026, 11, 21), "date");
	CHECK_STR(k.rec[1].dlv.evidence, "возврат; истёк срок", "quoted evidence with ';'");
	CHECK_STR(k.rej_code[0], "bad_status", "lost is no status");

	/* Unreadable lines in a text channel: NUL, invalid UTF-8, 1 MB. */
	size_t big = (1 << 20) + 200;
	char *m = malloc(big);
	size_t n = 0;
	static const char head[] = "notice_id;status;at;evidence\nN-1;fail\x00" "ed;2026-11-21;x\n"
				   "N-2;failed;2026-11-21;\xFF\n";
	memcpy(m, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	memset(m + n, 'x', 1 << 20);
	n += 1 << 20;
	n += (size_t)sprintf(m + n, "\nN-3;failed;2026-11-21;ok\n");
	CHECK_INT(test_parse(CH_DELIVERY, m, n, NULL, &k, &e), 0, "bad lines do not refuse a text file");
	free(m);
	CHECK_INT(k.nrec, 1, "the good line survives");
	CHECK_INT(k.rec[0].line, 5, "and it is line 5");
	CHECK_INT(k.nrej, 3, "three rejects");
	CHECK_STR(k.rej_code[0], "control_character", "NUL");
	CHECK_STR(k.rej_reason[0], "U+0000 in field 2", "NUL named in its field");
	CHECK_STR(k.rej_code[1], "control_character", "invalid UTF-8");
	CHECK_STR(k.rej_reason[1], "invalid UTF-8 byte 0xFF in field 4", "invalid UTF-8 named");
	CHECK_STR(k.rej_code[2], "line_too_long", "1 MB line");

	CHECK_INT(test_parse(CH_PORTAL, "", 0, NULL, &k, &e), -1, "empty portal file refused");
	CHECK(strstr(e.msg, "empty file") != NULL, "as empty");
	static const char hdr_only[] = "account;meter;zone;value;taken_on;source\n";
	CHECK_INT(PARSE(CH_PORTAL, hdr_only, &k, &e), 0, "a header alone is no fault");
	CHECK_INT(k.info.records, 0, "and has no records");
	unlink(test_path);
	return check_done();
}
