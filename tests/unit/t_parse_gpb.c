/* t_parse_gpb.c - the Gazprombank XML registry parser on hand-made files. */
#include "check.h"
#include "parse_test.h"

int main(void)
{
	struct kept k;
	struct sbyt_err e;

	/* The example of SPEC 5.2 plus a second payment: 1500.00 + 1000.00 = 2500.00. */
	static const char good[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"2\" total=\"2500.00\">\n"
		"  <Payment id=\"T-77812\" at=\"2026-11-20T10:15:00+05:00\" terminal=\"72-0012\"\n"
		"           account=\"7201000123\" sum=\"1500.00\" period=\"2026-11\">\n"
		"    <Reading zone=\"1\" value=\"12345\"/>\n"
		"    <Reading zone=\"2\" value=\"2345.5\"/>\n"
		"  </Payment>\n"
		"  <Payment id=\"T-77813\" at=\"2026-11-20\" terminal=\"72-0013\" account=\"7201000124\" sum=\"1000\"/>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, good, &k, &e), 0, "good registry parses");
	CHECK_INT(k.nrec, 2, "two records");
	/* libxml2 numbers an element by the line where its start tag ends. */
	CHECK_INT(k.rec[0].line, 4, "a payment's line is its start tag's");
	CHECK_STR(k.rec[0].pay.source_id, "T-77812", "id");
	CHECK_INT(k.rec[0].pay.sum, 150000, "1500.00 is 150000 kopecks");
	CHECK_STR(k.rec[0].pay.paid_at, "2026-11-20T10:15:00+05:00", "at kept as written");
	CHECK_INT(k.rec[0].pay.paid_on, date_from_ymd(2026, 11, 20), "paid on its date part");
	CHECK(k.rec[0].pay.has_period && k.rec[0].pay.period == period_from_ym(2026, 11), "period");
	CHECK_STR(k.rec[0].pay.source, "72-0012", "terminal");
	CHECK_INT(k.rec[0].rd.value[0], 12345000, "zone 1 12345 kWh");
	CHECK_INT(k.rec[0].rd.value[1], 2345500, "zone 2 2345.5 kWh");
	CHECK_INT(k.rec[0].rd.zones, 2, "two zones");
	CHECK_STR(k.rec[0].rd.source, "gpb", "reading source gpb");
	CHECK(!k.rec[1].has_reading && !k.rec[1].pay.has_period, "second: empty element, no period");
	CHECK_INT(k.rec[1].pay.sum, 100000, "1000 is 100000 kopecks");
	CHECK_STR(k.info.bank, "GPB", "Registry/@bank noted");
	CHECK_STR(k.info.registry_date, "2026-11-20", "Registry/@date noted");
	CHECK_INT(k.info.records, 2, "two record lines");

	static const char cnt[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"3\" total=\"10.00\">\n"
		"<Payment id=\"a\" at=\"2026-11-20\" account=\"7201000123\" sum=\"10.00\"/>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, cnt, &k, &e), -1, "count mismatch refused");
	CHECK(strstr(e.msg, "Registry/@count 3 does not match 1 Payment elements") != NULL, "says so");

	static const char tot[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"1\" total=\"10.01\">\n"
		"<Payment id=\"a\" at=\"2026-11-20\" account=\"7201000123\" sum=\"10.00\"/>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, tot, &k, &e), -1, "total off by a kopeck refused");
	CHECK(strstr(e.msg, "Registry/@total 10.01 does not match the payments' total 10.00") != NULL,
	      "gives both totals");

	static const char trunc[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"1\" total=\"10.00\">\n"
		"<Payment id=\"a\" at=\"2026-11-20\" account=\"7201000123\" sum=\"10.00\"/>\n"
		"<Payment id=\"b\" at=\"2026-";
	CHECK_INT(PARSE(CH_GAZPROMBANK, trunc, &k, &e), -1, "truncated XML refused");
	CHECK(strstr(e.msg, "not well-formed XML") != NULL, "as not well-formed");

	/* Billion laughs: refused at the DOCTYPE, nothing expanded. */
	static const char bomb[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE Registry [\n"
		"<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		"]>\n<Registry bank=\"&d;\" count=\"0\" total=\"0\"/>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, bomb, &k, &e), -1, "entity bomb refused");
	CHECK(strstr(e.msg, "DOCTYPE and entities are not allowed") != NULL, "names the DOCTYPE");

	/* External entity (XXE). */
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		"<Registry count=\"0\" total=\"0\">&x;</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, xxe, &k, &e), -1, "external entity refused");

	static const char deep[] =
		"<Registry count=\"1\" total=\"1.00\"><Payment id=\"a\" at=\"2026-11-20\" account=\"1\" sum=\"1.00\">"
		"<Reading zone=\"1\" value=\"1\"><X><X><X/></X></X></Reading></Payment></Registry>";
	CHECK_INT(PARSE(CH_GAZPROMBANK, deep, &k, &e), -1, "nesting below Reading refused");
	CHECK(strstr(e.msg, "nested too deep") != NULL, "says too deep");

	/* The bank's total 5.00 + 0.00 + 7.00 + 1.50 + 1.00 = 14.50 cannot be
	 * checked when "1,5x" cannot be read: the readable sums make 13.00. */
	static const char lines[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"5\" total=\"14.50\">\n"
		"<Payment id=\"a\" at=\"2026-02-31T10:00:00\" account=\"7201000123\" sum=\"5.00\"/>\n"
		"<Payment id=\"b\" at=\"2026-11-20\" account=\"7201000123\" sum=\"0.00\"/>\n"
		"<Payment id=\"c\" at=\"2026-11-20\" account=\"72O1000123\" sum=\"7.00\"/>\n"
		"<Payment id=\"d\" at=\"2026-11-20\" account=\"7201000123\" sum=\"1,5x\"/>\n"
		"<Payment id=\"e&amp;&lt;\" at=\"2026-11-20\" account=\"7201000123\" sum=\"1.00\"><Reading zone=\"4\" value=\"1\"/></Payment>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, lines, &k, &e), -1, "an unreadable sum breaks the total");
	CHECK(strstr(e.msg, "(some sums unreadable)") != NULL, "and the message says why");
	/* Payment-level faults: 5.00 + 0.00 + 7.00 + 1.00 = 13.00. */
	static const char lines2[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"4\" total=\"13.00\">\n"
		"<Payment id=\"a\" at=\"2026-02-31T10:00:00\" account=\"7201000123\" sum=\"5.00\"/>\n"
		"<Payment id=\"b\" at=\"2026-11-20\" account=\"7201000123\" sum=\"0.00\"/>\n"
		"<Payment id=\"c\" at=\"2026-11-20\" account=\"72O1000123\" sum=\"7.00\"/>\n"
		"<Payment id=\"e&amp;&lt;\" at=\"2026-11-20\" account=\"7201000123\" sum=\"1.00\"><Reading zone=\"4\" value=\"1\"/></Payment>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, lines2, &k, &e), 0, "payment faults do not refuse the file");
	CHECK_INT(k.nrej, 4, "four payments rejected");
	CHECK_STR(k.rej_code[0], "bad_date", "31 February");
	CHECK_STR(k.rej_code[1], "bad_sum", "zero sum");
	CHECK_STR(k.rej_code[2], "bad_account", "letter O in the account");
	CHECK_STR(k.rej_code[3], "bad_reading", "zone 4");
	CHECK_INT(k.rej_line[2], 4, "line of the third payment");
	CHECK_STR(k.rej_text[3], "<Payment id=\"e&amp;&lt;\" at=\"2026-11-20\" account=\"7201000123\" "
		  "sum=\"1.00\"><Reading zone=\"4\" value=\"1\"/></Payment>",
		  "rejected payment written back as escaped XML");

	static const char latin1[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Registry count=\"0\" total=\"0\" bank=\"\xC7\"/>";
	CHECK_INT(PARSE(CH_GAZPROMBANK, latin1, &k, &e), -1, "invalid UTF-8 in the Registry refused");
	CHECK(strstr(e.msg, ":1: control_character: invalid UTF-8 byte 0xC7 in Registry/@bank") != NULL,
	      "as control_character, naming the attribute");

	/* Raw bytes XML cannot hold, through the input filter: 60 payments
	 * with Cyrillic terminal names (two-byte characters, so that some fall
	 * across the filter's 4096-byte blocks), three of them with a raw ESC,
	 * NUL or Latin-1 byte: those three are rejected lines, the others come
	 * through intact.  Each payment is on its own line 3 + i. */
	{
		char *x = malloc(60 * 256 + 512), nm[64];
		size_t n = (size_t)sprintf(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
					   "<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"60\" total=\"60.00\">\n");
		int ok = 1;
		for (int i = 0; i < 60; i++) {
			const char *bad = i == 17 ? "\x1B" : i == 33 ? "\xE9" : i == 48 ? "" : "";
			n += (size_t)sprintf(x + n, "  <Payment id=\"T-%d\" at=\"2026-11-20\" terminal=\"Терминал №%d%s\" "
					     "account=\"7201000123\" sum=\"1.00\" period=\"2026-11\"/>\n", i, i, bad);
			if (i == 48) {  /* a NUL inside the id */
				char *q = strstr(x + n - 150, "T-48");
				memmove(q + 3, q + 2, strlen(q + 2) + 1);
				q[2] = '\0';
				n++;
			}
		}
		n += (size_t)sprintf(x + n, "</Registry>\n");
		/* Spaces after <Registry> so that a two-byte letter starts on the
		 * last byte of the first 4096-byte block and ends in the next. */
		{
			size_t lead = 4095, head = (size_t)(strstr(x, "  <Payment") - x), pad;
			while ((unsigned char)x[lead] != 0xD0 && (unsigned char)x[lead] != 0xD1)
				lead--;
			pad = 4095 - lead;
			memmove(x + head + pad, x + head, n - head);
			memset(x + head, ' ', pad);
			n += pad;
			CHECK((unsigned char)x[4095] >= 0xD0 && (unsigned char)x[4096] >= 0x80,
			      "a letter split across the filter's blocks");
		}
		CHECK_INT(test_parse(CH_GAZPROMBANK, x, n, NULL, &k, &e), 0, "raw bytes: the registry parses");
		free(x);
		CHECK_INT(k.nrec, 57, "57 payments come through");
		CHECK_INT(k.nrej, 3, "3 rejected lines");
		CHECK(k.rej_line[0] == 20 && !strcmp(k.rej_code[0], "control_character") &&
		      !strcmp(k.rej_reason[0], "U+001B in Payment/@terminal"), "ESC: line 20, named");
		CHECK(k.rej_line[1] == 36 && !strcmp(k.rej_reason[1], "invalid UTF-8 byte 0xE9 in Payment/@terminal"),
		      "Latin-1 byte: line 36, named");
		CHECK(k.rej_line[2] == 51 && !strcmp(k.rej_reason[2], "U+0000 in Payment/@id"), "NUL: line 51, named");
		CHECK(strstr(k.rej_text[0], "terminal=\"Терминал №17?\"") != NULL, "written back with '?' for the byte");
		for (int i = 0, r = 0; i < 60; i++) {
			if (i == 17 || i == 33 || i == 48)
				continue;
			snprintf(nm, sizeof(nm), "Терминал №%d", i);
			ok &= r < k.nrec && !strcmp(k.rec[r].pay.source, nm) && k.rec[r].line == 3 + i;
			r++;
		}
		CHECK(ok, "every other terminal name intact, on its line");
	}
	static const char nonchar[] =
		"<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"1\" total=\"1.00\">\n"
		"<Payment id=\"T-1\" at=\"2026-11-20\" terminal=\"72\xEF\xBF\xBF\" account=\"7201000123\" sum=\"1.00\"/>\n"
		"</Registry>\n";
	CHECK_INT(PARSE(CH_GAZPROMBANK, nonchar, &k, &e), 0, "a raw U+FFFF: the registry parses");
	CHECK(k.nrej == 1 && k.rej_line[0] == 2 && !strcmp(k.rej_reason[0], "U+FFFF in Payment/@terminal"),
	      "and the Payment is rejected naming U+FFFF");
	static const char root[] = "<Reestr count=\"0\" total=\"0\"/>";
	CHECK_INT(PARSE(CH_GAZPROMBANK, root, &k, &e), -1, "another root element refused");
	CHECK(strstr(e.msg, "root element is 'Reestr'") != NULL, "names it");
	CHECK_INT(test_parse(CH_GAZPROMBANK, "", 0, NULL, &k, &e), -1, "empty file refused");
	static const char empty_reg[] = "<Registry bank=\"GPB\" date=\"2026-11-20\" count=\"0\" total=\"0.00\"/>";
	CHECK_INT(PARSE(CH_GAZPROMBANK, empty_reg, &k, &e), 0, "a registry of no payments is fine");
	unlink(test_path);
	return check_done();
}
