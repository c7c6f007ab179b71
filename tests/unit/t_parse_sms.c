/* t_parse_sms.c - SMS readings read with the PCRE2 patterns of rules/sms.xml,
 * and the rules check on broken rules files. */
#include <sys/stat.h>

#include "check.h"
#include "parse_test.h"

static struct sms_rules *rules;

/* Match text; returns the result and leaves the reading in *rd. */
static int m(const char *text, struct rec_reading *rd)
{
	memset(rd, 0, sizeof(*rd));
	return sms_rules_match(rules, text, strlen(text), rd, NULL);
}

static void write_rules(const char *dir, const char *pattern)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/schema", dir);
	mkdir(dir, 0755);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/schema/sms.xsd", dir);
	f = fopen(p, "w");
	FILE *src = fopen("rules/schema/sms.xsd", "r");
	int ch;
	while ((ch = fgetc(src)) != EOF)
		fputc(ch, f);
	fclose(src);
	fclose(f);
	snprintf(p, sizeof(p), "%s/sms.xml", dir);
	f = fopen(p, "w");
	fprintf(f, "<SmsRules version=\"t\">\n  <Pattern name=\"ok\">^(?'account'\\d{10}) (?'t1'\\d+)$</Pattern>\n"
		   "  <Pattern name=\"bad\">%s</Pattern>\n</SmsRules>\n", pattern);
	fclose(f);
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct rec_reading rd;
	struct kept k;
	struct sbyt_err e;

	rules = sms_rules_load("rules", &f);
	faults_print(&f, stdout);
	CHECK(rules != NULL && f.count == 0, "rules/sms.xml loads clean");
	CHECK(sms_rules_count(rules) >= 3, "at least three patterns");

	/* The five forms of SPEC 5.4. */
	CHECK(m("7201000123 4521", &rd) == 1 && rd.account == 7201000123LL && rd.value[0] == 4521000 &&
	      rd.zones == 1, "'7201000123 4521'");
	CHECK(m("7201000123 4521 1200", &rd) == 1 && rd.value[0] == 4521000 && rd.value[1] == 1200000 &&
	      rd.zones == 2, "'7201000123 4521 1200'");
	CHECK(m("ЛС7201000123 Т1 4521,5 Т2 1200", &rd) == 1 && rd.value[0] == 4521500 &&
	      rd.value[1] == 1200000, "'ЛС7201000123 Т1 4521,5 Т2 1200'");
	CHECK(m("7201000123*4521*1200", &rd) == 1 && rd.value[1] == 1200000, "'7201000123*4521*1200'");
	CHECK(m("пок 7201000123 4521", &rd) == 1 && rd.value[0] == 4521000, "'пок 7201000123 4521'");
	/* Latin T, any case. */
	CHECK(m("лс 7201000123 t1 4521 t2 1200 T3 80,25", &rd) == 1 && rd.value[2] == 80250 && rd.zones == 3,
	      "lower case, Latin t, three zones");
	CHECK(m("ПОК 7201000123 4521", &rd) == 1, "ПОК in capitals");
	CHECK(m("ЛС 7201000123 T1 4521 Т2 1200", &rd) == 1 && rd.value[1] == 1200000, "the example of SPEC 5.4");
	CHECK(m("7201000123 T2 1200", &rd) == 0, "zone 2 without zone 1 matches nothing");
	CHECK(m("привет", &rd) == 0, "free text matches nothing");
	CHECK(m("720100012 4521", &rd) == 0, "nine-digit account matches nothing");
	CHECK(m("7201000123 4521,1234", &rd) == 0, "four decimals match nothing");

	/* The parser: header optional, phone normalised. */
	static const char sms[] =
		"2026-11-18T09:15:02+05:00;+79123456789;ЛС 7201000123 Т1 4521 Т2 1200\n"
		"2026-11-18T09:16:00+05:00;89123456789;\"7201000123 4521\"\n"
		"2026-11-18T09:17:00+05:00;+79123456789;спасибо\n"
		"2026-11-31T09:17:00+05:00;+79123456789;7201000123 1\n"
		"2026-11-18T09:17:00+05:00;911;7201000123 1\n"
		"2026-11-18T09:17:00+05:00;+79123456789\n";
	kept_sink(&(struct ingest_sink){0}, &k);
	CHECK_INT(test_parse(CH_SMS, sms, sizeof(sms) - 1, rules, &k, &e), 0, "sms log parses");
	CHECK_INT(k.nrec, 2, "two readings");
	CHECK_STR(k.rec[0].rd.phone, "+79123456789", "phone");
	CHECK_STR(k.rec[1].rd.phone, "+79123456789", "8... normalised to +7");
	CHECK_INT(k.rec[0].rd.taken_on, date_from_ymd(2026, 11, 18), "taken on the day received");
	CHECK_STR(k.rec[0].rd.source, "sms", "source sms");
	CHECK_INT(k.nrej, 4, "four rejects");
	CHECK_STR(k.rej_code[0], "unknown_pattern", "thanks is no reading");
	CHECK_STR(k.rej_code[1], "bad_date", "31 November");
	CHECK_STR(k.rej_code[2], "bad_phone", "911");
	CHECK_STR(k.rej_code[3], "bad_format", "no text field");
	static const char hdr[] = "received_at;phone;text\n2026-11-18T09:15:02+05:00;+79123456789;7201000123 1\n";
	CHECK_INT(test_parse(CH_SMS, hdr, sizeof(hdr) - 1, rules, &k, &e), 0, "with a header");
	CHECK_INT(k.nrec, 1, "the header is no record");
	CHECK_INT(k.rec[0].line, 2, "the reading is line 2");

	/* A broken pattern is reported as FILE:LINE with PCRE2's message. */
	write_rules("/tmp/sbyt-t_sms_rules", "^(?'account'\\d{10}) (?'t1'[0-9+)$");
	faults_release(&f);
	CHECK_INT(sms_rules_check("/tmp/sbyt-t_sms_rules", &f), -1, "broken pattern fails the check");
	CHECK(f.kept == 1 && strstr(f.lines[0], "/tmp/sbyt-t_sms_rules/sms.xml:3: pattern 'bad': ") &&
	      strstr(f.lines[0], "missing terminating ] for character class"), "reported at line 3 with PCRE2's words");
	faults_release(&f);
	write_rules("/tmp/sbyt-t_sms_rules", "^(?'account'\\d{10})$");
	CHECK_INT(sms_rules_check("/tmp/sbyt-t_sms_rules", &f), -1, "a pattern without t1 fails");
	CHECK(f.kept == 1 && strstr(f.lines[0], ":3: pattern 'bad' must name the groups"), "and says which groups");
	faults_release(&f);
	CHECK_INT(sms_rules_check("/nonexistent", &f), -1, "a missing rules file fails");
	CHECK_INT(sms_rules_check("rules", &(struct faults)FAULTS_INIT), 0, "the shipped rules pass");
	faults_release(&f);
	sms_rules_free(rules);
	unlink(test_path);
	return check_done();
}
