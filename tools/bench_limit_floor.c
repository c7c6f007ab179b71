/*
 * bench_limit_floor.c - the raw floor of the limitation stage's files (SPEC
 * 13: bare libxml2 and libxlsxwriter writing the same elements and cells):
 * N Notice elements of the SPEC 9.4 shape (Debt, Addressee and the Text a
 * customer reads) into one file with libxml2 alone, and the register's cells
 * into one workbook with libxlsxwriter alone, nothing else.
 *
 *   build/tools/bench_limit_floor N FILE [XML_BYTES [ROWS XLSX]]
 *
 * XML_BYTES: the bytes of XML the run wrote (its notices.xml and
 * requests.xml entries); each Notice's Text is as long as it takes for the N
 * elements to make as many.  ROWS: the day's register rows as psql \copy
 * writes them (account, case, procedure, step, what, rule, inputs_ru,
 * dates_ru: read before the clock starts); they go to the workbook XLSX, 9
 * cells each as the run writes them (the basis a citation), deflated at
 * level 1 as the run's.  Without them:
 * the elements without their Text, no workbook (the floor before issue 18).
 *
 * Prints the seconds it took on stdout.  tools/bench_limit.sh adds psql
 * \copy of the rows the run wrote to it to get the stage's floor.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>
#include <xlsxwriter.h>

/* The workbook deflated at level 1, as sbyt's workbooks are (lib/xlsx.c
 * takes minizip's entry the same way): the floor is what the writers cost
 * at the run's own settings, not at libxlsxwriter's default level 6. */
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
			    const void *extrafield_local, unsigned size_extrafield_local,
			    const void *extrafield_global, unsigned size_extrafield_global,
			    const char *comment, int method, int level, int raw, int windowBits,
			    int memLevel, int strategy, const char *password,
			    unsigned long crcForCrypting, unsigned long versionMadeBy,
			    unsigned long flagBase, int zip64);
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
			    const void *extrafield_local, unsigned size_extrafield_local,
			    const void *extrafield_global, unsigned size_extrafield_global,
			    const char *comment, int method, int level, int raw, int windowBits,
			    int memLevel, int strategy, const char *password,
			    unsigned long crcForCrypting, unsigned long versionMadeBy,
			    unsigned long flagBase, int zip64)
{
	typedef int (*open_fn)(void *, const char *, const void *, const void *, unsigned,
			       const void *, unsigned, const char *, int, int, int, int, int, int,
			       const char *, unsigned long, unsigned long, unsigned long, int);
	open_fn real;
	void *sym = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");

	if (!sym)
		return -104;  /* ZIP_INTERNALERROR */
	memcpy(&real, &sym, sizeof(real));
	return real(file, filename, zipfi, extrafield_local, size_extrafield_local,
		    extrafield_global, size_extrafield_global, comment, method,
		    level != 0 ? 1 : 0, raw, windowBits, memLevel, strategy, password,
		    crcForCrypting, versionMadeBy, flagBase, zip64);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A string of about n bytes of Russian words (malloc'd). */
static char *russian(long n)
{
	static const char word[] = "задолженность ";
	size_t wl = sizeof(word) - 1, len = 0;
	char *s = malloc((size_t)(n > 0 ? n : 0) + wl + 1);

	if (!s)
		return NULL;
	while ((long)len < n) {
		memcpy(s + len, word, wl);
		len += wl;
	}
	s[len] = 0;
	return s;
}

/* The elements of one Notice without its Text, as the run writes them. */
#define NOTICE_BYTES 560

static int notices(long n, const char *file, long xml_bytes)
{
	xmlTextWriterPtr w;
	char id[64], acc[32];
	char *text = NULL;
	int rc = 0;

	if (xml_bytes > 0 && !(text = russian(xml_bytes / (n > 0 ? n : 1) - NOTICE_BYTES)))
		return 70;
	w = xmlNewTextWriterFilename(file, 0);
	if (!w)
		return 73;
	xmlTextWriterSetIndent(w, 1);
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
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "Житель Иван Иванович") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "address",
						  BAD_CAST "Тюменская обл., г. Тюмень, ул. Ленина, д. 1, кв. 1") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "postcode", BAD_CAST "625000") < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
		if (text) {
			rc |= xmlTextWriterStartElement(w, BAD_CAST "Text") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "citation",
							  BAD_CAST "ПП РФ от 06.05.2011 № 354, пп. 117, 119") < 0;
			rc |= xmlTextWriterWriteString(w, BAD_CAST text) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	free(text);
	return rc ? 74 : 0;
}

/* The register's rows as psql \copy wrote them (text format: tab between
 * fields, \\, \t, \n and \r escaped), unescaped in place into fields. */
struct rows {
	char *buf;
	char **f;      /* 8 fields a row */
	long n;
};

static int rows_read(const char *path, struct rows *r)
{
	FILE *in = fopen(path, "r");
	long size, cap = 1024, k = 0;
	char *s, *d, *start;

	memset(r, 0, sizeof(*r));
	if (!in || fseek(in, 0, SEEK_END) || (size = ftell(in)) < 0 || fseek(in, 0, SEEK_SET) ||
	    !(r->buf = malloc((size_t)size + 1)) || fread(r->buf, 1, (size_t)size, in) != (size_t)size ||
	    !(r->f = malloc(sizeof(*r->f) * (size_t)cap))) {
		if (in)
			fclose(in);
		return -1;
	}
	fclose(in);
	r->buf[size] = 0;
	for (s = d = start = r->buf; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*d++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
			continue;
		}
		if (*s == '\t' || *s == '\n') {
			*d++ = 0;
			if (k == cap) {
				char **t = realloc(r->f, sizeof(*t) * (size_t)(cap *= 2));
				if (!t)
					return -1;
				r->f = t;
			}
			r->f[k++] = start;
			start = d;
			continue;
		}
		*d++ = *s;
	}
	r->n = k / 8;
	return 0;
}

/* The register: a header row and the rows' 9 cells (the basis a citation). */
static int reg(const struct rows *x, const char *file)
{
	static const char *const head[] = { "Лицевой счёт", "Дело", "Процедура", "Шаг", "Действие",
					    "Код правила", "Основание", "Исходные данные",
					    "Даты (расчёт)" };
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb = workbook_new_opt(file, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Реестр") : NULL;

	if (!ws)
		return 73;
	for (int c = 0; c < 9; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
	for (long i = 0; i < x->n; i++) {
		char **f = x->f + 8 * i;
		lxw_row_t r = (lxw_row_t)(i + 1);

		/* 0 account 1 case 2 procedure 3 step 4 what 5 rule 6 inputs 7 dates */
		worksheet_write_string(ws, r, 0, f[0], NULL);
		worksheet_write_number(ws, r, 1, strtod(f[1], NULL), NULL);
		for (int c = 2; c < 6; c++)
			worksheet_write_string(ws, r, (lxw_col_t)c, f[c], NULL);
		worksheet_write_string(ws, r, 6, "ПП РФ от 06.05.2011 № 354, пп. 117, 119", NULL);
		worksheet_write_string(ws, r, 7, f[6], NULL);
		worksheet_write_string(ws, r, 8, f[7], NULL);
	}
	return workbook_close(wb) != LXW_NO_ERROR ? 74 : 0;
}

int main(int argc, char **argv)
{
	struct rows x = { 0 };
	double t0;
	long n;
	int rc;

	if (argc != 3 && argc != 4 && argc != 6) {
		fprintf(stderr, "usage: bench_limit_floor N FILE [XML_BYTES [ROWS XLSX]]\n");
		return 64;
	}
	n = strtol(argv[1], NULL, 10);
	if (argc == 6 && rows_read(argv[4], &x)) {
		fprintf(stderr, "bench_limit_floor: cannot read '%s'\n", argv[4]);
		return 66;
	}
	t0 = now();
	rc = notices(n, argv[2], argc > 3 ? strtol(argv[3], NULL, 10) : 0);
	if (!rc && argc == 6)
		rc = reg(&x, argv[5]);
	free(x.buf);
	free(x.f);
	if (rc)
		return rc;
	printf("%.3f\n", now() - t0);
	return 0;
}
