/* t_parse_sber.c - the Sberbank CP1251 registry parser on hand-made files. */
#include "check.h"
#include "parse_test.h"

/* "Иванов И.И." and "Тюмень" in CP1251. */
#define FIO "\xC8\xE2\xE0\xED\xEE\xE2" " \xC8.\xC8."
#define ADDR "\xD2\xFE\xEC\xE5\xED\xFC"

int main(void)
{
	struct kept k;
	struct sbyt_err e;
	char buf[32];

	/* Two good lines: sums 1234,56 + 100,00 = 1334,56; fees 12,35 + 0,00 = 12,35. */
	static const char good[] =
		"20/11/2026;10-15-00;8647;0012;S-1;7201000123;" FIO ";" ADDR ";112026;1234,56;12,35;"
		"CounterVal_1:12345,6|CounterVal_2:2345\r\n"
		"21/11/2026;23-59-59;8647;0013;S-2;7201000124;" FIO ";" ADDR ";;100,00;0,00;\r\n"
		"=2;1334,56;12,35;777;21/11/2026\r\n";
	CHECK_INT(PARSE(CH_SBERBANK, good, &k, &e), 0, "good registry parses");
	CHECK_INT(k.nrec, 2, "two records");
	CHECK_INT(k.nrej, 0, "no rejects");
	CHECK_INT(k.rec[0].line, 1, "first record is line 1");
	CHECK_STR(k.rec[0].pay.source_id, "S-1", "txn id");
	CHECK_INT(k.rec[0].pay.account, 7201000123LL, "account");
	CHECK_INT(k.rec[0].pay.sum, 123456, "1234,56 is 123456 kopecks");
	CHECK_INT(k.rec[0].pay.fee, 1235, "12,35 is 1235 kopecks");
	CHECK_INT(k.rec[0].pay.paid_on, date_from_ymd(2026, 11, 20), "paid on 20/11/2026");
	CHECK_STR(k.rec[0].pay.paid_at, "2026-11-20T10:15:00", "paid_at from date and hh-mm-ss");
	CHECK(k.rec[0].pay.has_period && k.rec[0].pay.period == period_from_ym(2026, 11),
	      "period 112026 is 2026-11");
	CHECK_STR(k.rec[0].pay.source, "8647/0012", "source is branch/cashier");
	CHECK(k.rec[0].has_reading, "first line carries readings");
	CHECK_INT(k.rec[0].rd.value[0], 12345600, "CounterVal_1 12345,6 is 12345600 thousandths");
	CHECK_INT(k.rec[0].rd.value[1], 2345000, "CounterVal_2 2345 is 2345000 thousandths");
	CHECK_INT(k.rec[0].rd.zones, 2, "two zones given");
	CHECK_STR(k.rec[0].rd.source, "sber", "reading source sber");
	CHECK_INT(k.rec[0].rd.taken_on, date_from_ymd(2026, 11, 20), "reading taken on the payment day");
	CHECK(!k.rec[1].pay.has_period && !k.rec[1].has_reading, "second: no period, no readings");
	CHECK_STR(k.rec[1].pay.paid_at, "2026-11-21T23:59:59", "second paid_at");

	/* Trailer count off by one: 3 for 2 lines. */
	static const char cnt[] =
		"20/11/2026;10-15-00;1;1;S-1;7201000123;" FIO ";" ADDR ";112026;1234,56;12,35;\n"
		"21/11/2026;10-15-00;1;1;S-2;7201000124;" FIO ";" ADDR ";112026;100,00;0,00;\n"
		"=3;1334,56;12,35;777;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, cnt, &k, &e), -1, "trailer count off by one refused");
	CHECK_INT(e.kind, ERR_DATA, "as data");
	CHECK(strstr(e.msg, ":3: trailer count 3 does not match 2 payment lines") != NULL,
	      "message names line 3 and both counts");

	/* Trailer sum off by one kopeck: 1334,57 for 1334,56. */
	static const char sum[] =
		"20/11/2026;10-15-00;1;1;S-1;7201000123;x;y;112026;1234,56;12,35;\n"
		"21/11/2026;10-15-00;1;1;S-2;7201000124;x;y;112026;100,00;0,00;\n"
		"=2;1334,57;12,35;777;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, sum, &k, &e), -1, "trailer sum off by a kopeck refused");
	CHECK(strstr(e.msg, "trailer sum 1334.57 does not match the lines' total 1334.56") != NULL,
	      "message gives both sums");

	/* Fee off: 12,36 for 12,35. */
	static const char fee[] =
		"20/11/2026;10-15-00;1;1;S-1;7201000123;x;y;112026;1234,56;12,35;\n"
		"=1;1234,56;12,36;777;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, fee, &k, &e), -1, "trailer fee off refused");
	CHECK(strstr(e.msg, "trailer fee 12.36") != NULL, "message names the fee");

	/* Truncated: no trailer. */
	static const char trunc[] = "20/11/2026;10-15-00;1;1;S-1;7201000123;x;y;112026;1234,56;12,35;\n"
				    "21/11/2026;10-15-00;1;1;S-2;72010";
	CHECK_INT(PARSE(CH_SBERBANK, trunc, &k, &e), -1, "file without trailer refused");
	CHECK(strstr(e.msg, "no trailer line") != NULL, "as truncated");

	/* UTF-8 text where CP1251 is expected. */
	static const char utf[] = "20/11/2026;10-15-00;1;1;S-1;7201000123;Иванов;Тюмень;112026;1,00;0,00;\n"
				  "=1;1,00;0,00;1;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, utf, &k, &e), -1, "UTF-8 registry refused");
	CHECK(strstr(e.msg, ":1: wrong encoding") != NULL, "as wrong encoding at line 1");
	static const char bom[] = "\xEF\xBB\xBF" "=0;0,00;0,00;1;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, bom, &k, &e), -1, "UTF-8 byte-order mark refused");
	CHECK(strstr(e.msg, "byte-order mark") != NULL, "and says so");

	/* Line-level faults: 31/02 date, zero sum, negative sum, 0x98 (not CP1251),
	 * bad reading, 11 fields.  Count 6 counts them all; the sum adds the
	 * readable amounts: 1,00 + 0,00 + (-5,00) + 2,00 + 3,00 = 1,00 (the
	 * 11-field line has no readable sum). */
	static const char lines[] =
		"31/02/2026;10-15-00;1;1;A;7201000123;x;y;112026;1,00;0,00;\n"
		"20/11/2026;10-15-00;1;1;B;7201000123;x;y;112026;0,00;0,00;\n"
		"20/11/2026;10-15-00;1;1;C;7201000123;x;y;112026;-5,00;0,00;\n"
		"20/11/2026;10-15-00;1;1;D;7201000123;\x98;y;112026;2,00;0,00;\n"
		"20/11/2026;10-15-00;1;1;E;7201000123;x;y;112026;3,00;0,00;CounterVal_4:1\n"
		"20/11/2026;10-15-00;1;1;F;7201000123;x;y;112026;4,00;0,00\n"
		"=6;1,00;0,00;1;21/11/2026\n";
	CHECK_INT(PARSE(CH_SBERBANK, lines, &k, &e), 0, "line faults do not refuse the file");
	CHECK_INT(k.nrec, 0, "no record accepted");
	CHECK_INT(k.nrej, 6, "six lines rejected");
	CHECK_STR(k.rej_code[0], "bad_date", "31/02 is bad_date");
	CHECK_STR(k.rej_code[1], "bad_sum", "zero sum is bad_sum");
	CHECK_STR(k.rej_code[2], "bad_sum", "negative sum is bad_sum");
	CHECK_STR(k.rej_code[3], "bad_encoding", "byte 0x98 is bad_encoding");
	CHECK_STR(k.rej_code[4], "bad_reading", "zone 4 is bad_reading");
	CHECK_STR(k.rej_code[5], "bad_format", "11 fields is bad_format");
	CHECK_INT(k.rej_line[3], 4, "reject keeps its line number");
	CHECK(memcmp(k.rej_text[3], "20/11/2026;10-15-00;1;1;D;7201000123;\x98;y", 40) == 0,
	      "reject keeps the original CP1251 bytes");

	/* A line after the trailer. */
	static const char after[] = "=0;0,00;0,00;1;21/11/2026\n"
				    "20/11/2026;10-15-00;1;1;A;7201000123;x;y;112026;1,00;0,00;\n";
	CHECK_INT(PARSE(CH_SBERBANK, after, &k, &e), -1, "data after the trailer refused");
	CHECK(strstr(e.msg, ":2: line after the trailer") != NULL, "names line 2");

	/* Empty file. */
	CHECK_INT(test_parse(CH_SBERBANK, "", 0, NULL, &k, &e), -1, "empty file refused");
	CHECK(strstr(e.msg, "empty file") != NULL, "as empty");
	(void)buf;
	unlink(test_path);
	return check_done();
}
