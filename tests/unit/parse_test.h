/*
 * parse_test.h - a sink that keeps what a parser sent, for the parser unit
 * tests, and a helper that writes a test file.
 */
#ifndef SBYT_PARSE_TEST_H
#define SBYT_PARSE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

#define KEEP_MAX 64

struct kept {
	int nrec, nrej;
	struct ingest_rec rec[KEEP_MAX];
	long rej_line[KEEP_MAX];
	char rej_code[KEEP_MAX][32];
	char rej_reason[KEEP_MAX][256];
	char rej_text[KEEP_MAX][512];
	long total_rec, total_rej;
	struct ingest_info info;   /* the sink's, after the parse */
};

static int kept_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	struct kept *k = arg;
	(void)e;
	k->total_rec++;
	if (k->nrec < KEEP_MAX) {
		k->rec[k->nrec] = *r;
		k->rec[k->nrec].text = NULL;
		k->nrec++;
	}
	return 0;
}

static int kept_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	struct kept *k = arg;
	(void)e;
	k->total_rej++;
	if (k->nrej < KEEP_MAX) {
		size_t n = rj->text_len < 511 ? rj->text_len : 511;
		k->rej_line[k->nrej] = rj->line;
		snprintf(k->rej_code[k->nrej], 32, "%s", rj->code);
		snprintf(k->rej_reason[k->nrej], 256, "%s", rj->reason);
		if (rj->text)
			memcpy(k->rej_text[k->nrej], rj->text, n);
		k->rej_text[k->nrej][rj->text ? n : 0] = '\0';
		k->nrej++;
	}
	return 0;
}

static inline void kept_sink(struct ingest_sink *s, struct kept *k)
{
	memset(k, 0, sizeof(*k));
	memset(s, 0, sizeof(*s));
	s->arg = k;
	s->record = kept_record;
	s->reject = kept_reject;
}

static char test_path[64];

/* Write len bytes to a fresh temporary file; returns its path. */
static inline const char *test_file(const char *data, size_t len)
{
	FILE *f;

	if (!test_path[0]) {
		snprintf(test_path, sizeof(test_path), "/tmp/sbyt-parse-XXXXXX");
		int fd = mkstemp(test_path);
		close(fd);
	}
	f = fopen(test_path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	return test_path;
}
#define TEST_FILE(lit) test_file(lit, sizeof(lit) - 1)

/* Parse data as channel ch into k; returns the parser's result. */
static inline int test_parse(enum ingest_channel ch, const char *data, size_t len, struct sms_rules *rules,
		      struct kept *k, struct sbyt_err *e)
{
	struct ingest_sink s;
	struct infile in;
	int rc;

	kept_sink(&s, k);
	err_clear(e);
	if (infile_open(&in, test_file(data, len), e))
		return -1;
	rc = ingest_parse(ch, &in, rules, &s, e);
	infile_close(&in);
	k->info = s.info;
	return rc;
}
#define PARSE(ch, lit, k, e) test_parse(ch, lit, sizeof(lit) - 1, NULL, k, e)

#endif
