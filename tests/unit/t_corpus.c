/*
 * t_corpus.c - every file of tests/corpus/ through its parser, against the
 * manifest tests/corpus/EXPECTED: files expected to exit 65 must be refused
 * by the parser with the expected words; files expected to exit 0 must
 * parse, with the expected reject at the expected line, or - for checks
 * that need the database (unknown accounts, duplicates...) - with that line
 * parsed as a record.  tests/t/0200-ingest.sh runs the same manifest
 * through `sbyt ingest` against PostgreSQL.
 */
#include "check.h"
#include "ingest_detect.h"
#include "parse_test.h"

/* Reject codes decided in the database, not by the parser. */
static const char *const db_codes[] = {
	"unknown_account", "unknown_meter", "phone_not_linked", "future_date",
	"too_many_zones", "decreasing", "suspicious", "meter_ambiguous", NULL
};

static int is_db_code(const char *code)
{
	for (int i = 0; db_codes[i]; i++)
		if (strcmp(code, db_codes[i]) == 0)
			return 1;
	return 0;
}

int main(void)
{
	FILE *m = fopen("tests/corpus/EXPECTED", "r");
	char line[1024];
	struct faults f = FAULTS_INIT;
	struct sms_rules *rules = sms_rules_load("rules", &f);
	int files = 0;

	CHECK(m != NULL, "manifest opens");
	CHECK(rules != NULL, "sms rules load");
	while (m && fgets(line, sizeof(line), m)) {
		char file[256], chan[32], frag[512], path[512], name[600];
		int code, n = 0;
		struct kept k;
		struct ingest_sink s;
		struct sbyt_err e;
		enum ingest_channel ch;
		int rc;
		struct infile in;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%255[^\t]\t%31[^\t]\t%d\t%n", file, chan, &code, &n) != 3 || !n) {
			CHECK(0, line);
			continue;
		}
		snprintf(frag, sizeof(frag), "%s", line + n);
		snprintf(path, sizeof(path), "tests/corpus/%s", file);
		files++;
		err_clear(&e);
		kept_sink(&s, &k);
		if (infile_open(&in, path, &e)) {
			CHECK(0, path);
			continue;
		}
		ch = strcmp(chan, "auto") == 0 ? ingest_detect(&in, &e) : ingest_channel_parse(chan);
		rc = ch == CH_NONE ? -1 : ingest_parse(ch, &in, rules, &s, &e);
		infile_close(&in);
		if (code == 65) {
			if (snprintf(name, sizeof(name), "%s refused: %s", file, frag) >= (int)sizeof(name))
				name[sizeof(name) - 1] = '\0';  /* a test name: cut is fine */
			CHECK(rc == -1 && e.kind == ERR_DATA && strstr(e.msg, frag), name);
			if (!strstr(e.msg, frag))
				printf("#   got '%s'\n", e.msg);
			continue;
		}
		snprintf(name, sizeof(name), "%s parses", file);
		CHECK(rc == 0, name);
		if (rc)
			printf("#   got '%s'\n", e.msg);
		long at;
		char want[64];
		if (sscanf(frag, ":%ld: %63s", &at, want) == 2) {
			int found = 0;
			if (is_db_code(want)) {
				for (int i = 0; i < k.nrec; i++)
					found |= k.rec[i].line == at;
				snprintf(name, sizeof(name), "%s line %ld reaches the database check %s", file, at, want);
			} else {
				for (int i = 0; i < k.nrej; i++)
					found |= k.rej_line[i] == at && strcmp(k.rej_code[i], want) == 0;
				snprintf(name, sizeof(name), "%s line %ld rejected %s", file, at, want);
			}
			CHECK(found, name);
		} else if (strstr(frag, "read=")) {
			long nread = atol(strstr(frag, "read=") + 5);
			snprintf(name, sizeof(name), "%s has %ld record lines", file, nread);
			CHECK(s.info.records == nread, name);
		}
	}
	CHECK(files >= 30, "at least 30 corpus files");
	if (m)
		fclose(m);
	sms_rules_free(rules);
	return check_done();
}
