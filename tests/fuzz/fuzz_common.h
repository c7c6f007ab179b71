/*
 * fuzz_common.h - what every libFuzzer harness of an ingest parser shares:
 * the input is written to a private temporary file (the parsers stream
 * from files), parsed, and every record and reject is read through so that
 * AddressSanitizer sees any bad pointer the parser hands out.
 */
#ifndef SBYT_FUZZ_COMMON_H
#define SBYT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"

static volatile size_t fuzz_sink_bytes;

static int fuzz_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	(void)arg; (void)e;
	fuzz_sink_bytes += strlen(r->pay.source_id) + strlen(r->pay.paid_at) + strlen(r->pay.source) +
			   strlen(r->rd.meter) + strlen(r->rd.phone) + strlen(r->dlv.notice_id) +
			   strlen(r->dlv.evidence) + (size_t)r->rd.zones;
	for (size_t i = 0; r->text && i < r->text_len; i++)
		fuzz_sink_bytes += (unsigned char)r->text[i];
	return 0;
}

static int fuzz_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	(void)arg; (void)e;
	fuzz_sink_bytes += strlen(rj->code) + strlen(rj->reason);
	for (size_t i = 0; rj->text && i < rj->text_len; i++)
		fuzz_sink_bytes += (unsigned char)rj->text[i];
	return 0;
}

static const char *fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	FILE *f;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/sbyt-fuzz-%d", (int)getpid());
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	return path;
}

static int fuzz_one(enum ingest_channel ch, struct sms_rules *rules, const uint8_t *data, size_t size)
{
	struct ingest_sink s;
	struct sbyt_err e;

	struct infile in;
	int rc;

	memset(&s, 0, sizeof(s));
	s.record = fuzz_record;
	s.reject = fuzz_reject;
	err_clear(&e);
	if (infile_open(&in, fuzz_file(data, size), &e))
		abort();
	rc = ingest_parse(ch, &in, rules, &s, &e);
	infile_close(&in);
	if (rc != 0 && e.kind != ERR_DATA)
		abort();   /* only data faults are expected from any input */
	return 0;
}

#define FUZZ_PARSER(ch)                                                                \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                  \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                   \
	{                                                                              \
		return fuzz_one(ch, NULL, data, size);                                 \
	}

#endif
