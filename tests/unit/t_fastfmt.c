/* t_fastfmt.c - what this process prints without glibc's printf engine
 * (lib/fastfmt.c) is the characters glibc prints: the numbers Cairo prints
 * (doubles of every magnitude a page has and beyond, exact halves: ties to
 * even, the neighbours of values that round up a digit, negative zero,
 * each precision 0-18, as "%f", "%.Nf" and "%.*f"; integers at their
 * limits); "%.16G" as libxlsxwriter prints a cell's number (whole numbers,
 * money in hundredths of every size, their neighbours, the values whose 16
 * digits are not their hundredths'); formats of text and several
 * conversions through snprintf() and fprintf(), with truncation and the
 * return values; and what is left to glibc (other formats, infinities,
 * huge values, a null string) still comes out right. */
#include "check.h"
#include "fastfmt.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* glibc's own text (vsnprintf is not replaced) */
static int ref(char *s, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(s, n, fmt, ap);
	va_end(ap);
	return r;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const uint64_t pow10_t[17] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
};

/* fmt printed here and by glibc into a and b, a difference counted in bad */
#define SAME(...)                                                                     \
	do {                                                                          \
		fastfmt_snprintf(a, sizeof(a), __VA_ARGS__);                          \
		ref(b, sizeof(b), __VA_ARGS__);                                       \
		bad += strcmp(a, b) != 0;                                             \
	} while (0)

static int bad_double, fast_double;
static char bad_text[1200];

static void cmp_double(double d, int prec)
{
	char a[400], b[400], fmt[16];
	int na, nb;

	snprintf(fmt, sizeof(fmt), "%%.%df", prec);
	nb = ref(b, sizeof(b), "%.*f", prec, d);
	na = fastfmt_snprintf(a, sizeof(a), "%.*f", prec, d);
	if (na >= 0)
		fast_double++;
	if (na >= 0 && (na != nb || strcmp(a, b))) {
		if (!bad_double++)
			snprintf(bad_text, sizeof(bad_text), "%.17g %%.%df: '%s' want '%s'", d, prec,
				 a, b);
	}
	na = fastfmt_snprintf(a, sizeof(a), fmt, d);
	if (na >= 0 && (na != nb || strcmp(a, b)) && !bad_double++)
		snprintf(bad_text, sizeof(bad_text), "%.17g %s: '%s' want '%s'", d, fmt, a, b);
	if (prec == 6) {
		na = fastfmt_snprintf(a, sizeof(a), "%f", d);
		if (na >= 0 && (na != nb || strcmp(a, b)) && !bad_double++)
			snprintf(bad_text, sizeof(bad_text), "%.17g %%f: '%s' want '%s'", d, a, b);
	}
}

/* "%.16G" here and by glibc: fast counts those printed here */
static int bad_g, fast_g;
static char bad_g_text[200];

static void cmp_g16(double d)
{
	char a[80], b[80];
	int na, nb;

	nb = ref(b, sizeof(b), "%.16G", d);
	na = fastfmt_snprintf(a, sizeof(a), "%.16G", d);
	if (na < 0)
		return;
	fast_g++;
	if ((na != nb || strcmp(a, b)) && !bad_g++)
		snprintf(bad_g_text, sizeof(bad_g_text), "%.17g: '%s' want '%s'", d, a, b);
}

int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);

/* fprintf() of fmt here (__fprintf_chk, as a library built with
 * _FORTIFY_SOURCE calls it) and by glibc (vfprintf) into memory: whether
 * both wrote the same bytes and returned the same length. */
#define SAME_FILE(ok, ...)                                                            \
	do {                                                                          \
		char *p_ = NULL, *q_ = NULL;                                          \
		size_t np_ = 0, nq_ = 0;                                              \
		FILE *f_ = open_memstream(&p_, &np_), *g_ = open_memstream(&q_, &nq_); \
		int rf_ = __fprintf_chk(f_, 1, __VA_ARGS__);                          \
		int rg_ = ref_file(g_, __VA_ARGS__);                                  \
		fclose(f_);                                                           \
		fclose(g_);                                                           \
		ok = rf_ == rg_ && np_ == nq_ && memcmp(p_, q_, np_) == 0;            \
		free(p_);                                                             \
		free(q_);                                                             \
	} while (0)

/* glibc's own fprintf (vfprintf is not replaced) */
static int ref_file(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int main(void)
{
	char a[400], b[400];
	volatile size_t four = 4;
	int n;

	/* random bit patterns over the exponents a page has (2^-70 .. 2^52) */
	for (int i = 0; i < 400000; i++) {
		uint64_t r = next();
		int ex = (int)(next() % 123) - 70;
		double d = ldexp((double)(r >> 11), ex - 53);
		if (r & 1)
			d = -d;
		cmp_double(d, (int)(next() % 19));
		cmp_double(d, 6);
	}
	/* exact halves and quarters of the last place: ties go to even */
	for (int prec = 0; prec <= 6; prec++)
		for (int k = 0; k < 4000; k++) {
			double d = ((double)k + 0.5) / (double)(prec == 0 ? 1 : 1 << prec);
			cmp_double(d, prec);
			cmp_double(-d, prec);
			cmp_double(ldexp((double)k, -prec - 2), prec);
		}
	/* page coordinates as Cairo has them: points with 1/1000 steps and their
	 * neighbours, values that round up to the next integer */
	for (int k = 0; k < 200000; k++) {
		double d = k / 1000.0 - 50;
		cmp_double(d, 6);
		cmp_double(nextafter(d, 1e9), 6);
		cmp_double(nextafter(d, -1e9), 6);
		cmp_double(k + 0.9999995, 6);
		cmp_double(k / 3.0, 3);
	}
	cmp_double(0.0, 6);
	cmp_double(-0.0, 6);
	cmp_double(-0.0, 0);
	cmp_double(-1e-9, 6);
	cmp_double(DBL_MIN, 18);
	cmp_double(5e-324, 18);
	cmp_double(999999999999999.9, 1);
	cmp_double(0.1, 18);
	cmp_double(0.05, 18);
	CHECK(fast_double > 1000000, "the doubles were printed without glibc");
	if (!CHECK(bad_double == 0, "doubles: the same text as glibc"))
		printf("#   %d differ, first %s\n", bad_double, bad_text);

	/* integers */
	{
		const long long v[] = { 0, 1, -1, 9, 10, 99, 100, 12345, -12345, INT_MAX, INT_MIN,
					LLONG_MAX, LLONG_MIN, 4294967295ll };
		int bad = 0;
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			if (v[i] >= INT_MIN && v[i] <= INT_MAX) {
				SAME("%d", (int)v[i]);
				SAME("%u", (unsigned)v[i]);
			}
			SAME("%ld", (long)v[i]);
			SAME("%lld", v[i]);
			SAME("%llu", (unsigned long long)v[i]);
			SAME("%lu", (unsigned long)v[i]);
		}
		CHECK_INT(bad, 0, "integers: the same text as glibc, limits included");
	}
	/* the glyphs of a text ("%0*x" with 4, "%04x"), bytes ("%02x"), the
	 * cross-reference table's offsets ("%010ld"), octal escapes ("%03o") */
	{
		int bad = 0, slow = 0;
		for (int i = 0; i < 200000; i++) {
			uint64_t r = next();
			int w = (int)(next() % 12);
			unsigned x = (unsigned)r;
			long l = (long)(r >> (next() % 64));
			int d = (int)(r >> 32) >> (next() % 32);
			if (next() & 1)
				x &= 0xffff;
			slow += fastfmt_snprintf(a, sizeof(a), "%0*x", w, x) < 0;
			ref(b, sizeof(b), "%0*x", w, x);
			bad += strcmp(a, b) != 0;
			SAME("%04x", x);
			SAME("%02X", x & 0xff);
			SAME("%010ld", l);
			SAME("%03o", x & 0x1ff);
			SAME("%0*d", w, d);
			SAME("%llx", (unsigned long long)r);
		}
		CHECK_INT(slow, 0, "hexadecimal with a width: printed without glibc");
		CHECK_INT(bad, 0, "widths, zeros, hexadecimal, octal: the same text as glibc");
		CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%0*x", -4, 10u), -1,
			  "a negative width (left-justified): left to glibc");
		snprintf(a, sizeof(a), "%0*x|%05d", -4, 10u, -12);
		CHECK_STR(a, "a   |-0012", "left-justified by glibc, the sign before the zeros");
	}

	/* truncation and the return value are snprintf()'s */
	n = snprintf(a, four, "%f", 123.456);
	CHECK_INT(n, 10, "snprintf returns the whole length ('123.456000')");
	CHECK_STR(a, "123", "and keeps size - 1 characters");
	n = snprintf(a, 0, "%d", 12345);
	CHECK_INT(n, 5, "size 0: nothing written, the length returned");

	/* what is left to glibc */
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%5.2f", 1.0), -1, "a width: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%f", INFINITY), -1, "infinity: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%f", 1e300), -1, "1e300: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.19f", 1.0), -1, "19 decimals: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%s", (char *)NULL), -1,
		  "a null string: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%-3d|", 1), -1, "left-justified: left to glibc");
	CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.15G", 1.5), -1, "%.15G: left to glibc");
	snprintf(a, sizeof(a), "%f|%5.1f|%s|%f", 1e300, 2.25, "ok", -INFINITY);
	ref(b, sizeof(b), "%f|%5.1f|%s|%f", 1e300, 2.25, "ok", -INFINITY);
	CHECK_STR(a, b, "other formats through snprintf() as glibc prints them");
	snprintf(a, sizeof(a), "%f", 1e20);
	CHECK_STR(a, "100000000000000000000.000000", "1e20 by glibc");
	snprintf(a, sizeof(a), "%.0f|%.0f|%.0f|%.2f", 0.5, 1.5, 2.5, 0.125);
	CHECK_STR(a, "0|2|2|0.12", "ties to even, by hand");
	n = snprintf(a, sizeof(a), "%f", -0.0);
	CHECK_STR(a, "-0.000000", "negative zero keeps its sign, as in glibc");

	/* "%.16G", as libxlsxwriter prints a cell's number: whole numbers
	 * (dates as serial days, counts, numbers) and money in hundredths
	 * (697.41 is 69741 / 100.0) of 1 to 15 digits, negative too, and their
	 * neighbours (printed here only when their 16 digits are the
	 * hundredths', else by glibc, e.g. 8765.430000000001) */
	{
		int money = 0, money_fast = 0;
		for (int i = 0; i < 300000; i++) {
			uint64_t c = next() % pow10_t[1 + next() % 15];
			double d = (double)c / 100.0;
			if (next() & 1)
				d = -d;
			cmp_g16(d);
			cmp_g16(nextafter(d, 1e300));
			cmp_g16(nextafter(d, -1e300));
			cmp_g16((double)(int64_t)(next() >> (11 + next() % 53)) * (next() & 1 ? 1 : -1));
			cmp_g16(ldexp((double)(next() >> 11), (int)(next() % 80) - 70));
		}
		for (uint64_t c = 1; c < 2000000; c += 7) {  /* every size of a bill */
			int before = fast_g;
			cmp_g16((double)c / 100.0);
			money++;
			money_fast += fast_g - before;
		}
		for (int k = 0; k < 100000; k++)
			cmp_g16((double)k + 25569.0);  /* dates from 1970 */
		cmp_g16(0.0);
		cmp_g16(-0.0);
		cmp_g16(0.01);
		cmp_g16(0.1);
		cmp_g16(1.0);
		cmp_g16(0.3);
		cmp_g16(0.1 + 0.2);
		cmp_g16(1.0 + DBL_EPSILON);
		cmp_g16(2.0 + 2 * DBL_EPSILON);
		cmp_g16(999999999999999.0);
		cmp_g16(9999999999999.99);
		cmp_g16(1e15);
		cmp_g16(0.005);
		CHECK(fast_g > 1000000, "%.16G: numbers printed without glibc");
		if (!CHECK(bad_g == 0, "%.16G: the same text as glibc"))
			printf("#   %d differ, first %s\n", bad_g, bad_g_text);
		CHECK(money_fast * 10 > money * 8, "%.16G: most hundredths printed without glibc");
		CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.16G", 697.41), 6, "697.41 here");
		CHECK_STR(a, "697.41", "697.41 as glibc prints it (by hand)");
		fastfmt_snprintf(a, sizeof(a), "%.16G", -1790.2);
		CHECK_STR(a, "-1790.2", "-1790.2: the zero at the end left out");
		fastfmt_snprintf(a, sizeof(a), "%.16G", 46357.0);
		CHECK_STR(a, "46357", "a date's serial day: no point");
		CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.16G", 1e15), -1, "1e15: left to glibc");
		CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.16G", 0.005), -1,
			  "below a hundredth: left to glibc");
		CHECK_INT(fastfmt_snprintf(a, sizeof(a), "%.16G", NAN), -1, "NaN: left to glibc");
	}

	/* text and several conversions: libxlsxwriter's cells, the documents'
	 * fields, a package's file name */
	{
		static const char *const fmts[] = {
			"<c r=\"%s\" s=\"%d\"><v>%.16G</v></c>",
			"<c r=\"%s\"><v>%.16G</v></c>",
			"<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>",
		};
		const char *cells[] = { "A1", "L1048576", "" };
		int bad = 0, badf = 0, ok;
		char big[5000];
		for (int i = 0; i < 100000; i++) {
			const char *cell = cells[next() % 3];
			int style = (int)(next() % 40) - 2;
			double d = (double)(int64_t)(next() % 100000000) / 100.0;
			ref(b, sizeof(b), fmts[0], cell, style, d);
			snprintf(a, sizeof(a), fmts[0], cell, style, d);
			bad += strcmp(a, b) != 0;
			SAME_FILE(ok, fmts[0], cell, style, d);
			badf += !ok;
			SAME_FILE(ok, fmts[1], cell, nextafter(d, 0));
			badf += !ok;
			SAME_FILE(ok, fmts[2], cell, "Иванов И. И.");
			badf += !ok;
		}
		CHECK_INT(bad, 0, "cells through snprintf(): the same text as glibc");
		CHECK_INT(badf, 0, "cells through fprintf(): the same bytes and length as glibc");
		n = fastfmt_snprintf(a, sizeof(a), "%s%d:%d|%%|%s", ",", 2, -3, "конец");
		CHECK_STR(a, ",2:-3|%|конец", "text, strings and numbers here (by hand)");
		CHECK_INT(n, 18, "its length in bytes: 1 + 4 + 3 + 10 (конец)");
		n = snprintf(a, four + 4, "%s-%d.zip", "post", 12);
		CHECK_INT(n, 11, "truncated: the whole length returned ('post-12.zip')");
		CHECK_STR(a, "post-12", "and size - 1 bytes kept");
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		SAME_FILE(ok, "<t>%s</t>%d", big, 7);
		CHECK(ok, "fprintf() of a string longer than its buffer: as glibc");
		SAME_FILE(ok, "%s|%5.1f|%s", "a", 2.25, "b");
		CHECK(ok, "fprintf() of a format left to glibc: as glibc");
		SAME_FILE(ok, "no conversion at all");
		CHECK(ok, "fprintf() of text alone: as glibc");
	}
	return check_done();
}
