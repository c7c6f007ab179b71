/*
 * bench_limit_floor.c - the raw floor of the limitation stage's XML output:
 * bare libxml2 writing N Notice elements of the SPEC 9.4 shape (with their
 * Debt and Addressee children) into one file, nothing else.
 *
 *   build/tools/bench_limit_floor N FILE
 *
 * Prints the seconds it took on stdout.  tools/bench_limit.sh adds psql
 * \copy of as many step rows to it to get the stage's floor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libxml/xmlwriter.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	xmlTextWriterPtr w;
	double t0;
	long n;
	char id[64], acc[32];
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_limit_floor N FILE\n");
		return 64;
	}
	n = strtol(argv[1], NULL, 10);
	t0 = now();
	w = xmlNewTextWriterFilename(argv[2], 0);
	if (!w)
		return 73;
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Notices") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "urn:sbyt:limitation:1") < 0;
	for (long i = 0; i < n; i++) {
		snprintf(acc, sizeof(acc), "%010ld", 7200000000L + i);
		snprintf(id, sizeof(id), "N%s-1-1", acc);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Notice") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST id) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "account", BAD_CAST acc) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "procedure", BAD_CAST "individual") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "step", BAD_CAST "warning") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "issued", BAD_CAST "2026-12-01") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "planned", BAD_CAST "2026-12-29") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "channel", BAD_CAST "post") < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Debt") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "asOf", BAD_CAST "2026-12-01") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "overdue", BAD_CAST "5234.10") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "periods", BAD_CAST "3") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "threshold", BAD_CAST "2840.00") < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Addressee") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "Житель") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "address", BAD_CAST "г. Тюмень, д. 1") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "postcode", BAD_CAST "625000") < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (rc)
		return 74;
	printf("%.3f\n", now() - t0);
	return 0;
}
