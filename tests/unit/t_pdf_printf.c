/* t_pdf_printf.c - the numbers Cairo prints, printed without glibc's printf
 * engine (lib/pdf_printf.c), are the characters glibc prints: doubles of
 * every magnitude a page has and beyond, exact halves (ties to even), the
 * neighbours of values that round up a digit, negative zero, each
 * precision 0-18, as "%f", "%.Nf" and "%.*f"; integers at their limits;
 * and what is left to glibc (other formats, infinities, huge values) still
 * comes out of snprintf() right. */
#include "check.h"
#include "pdf.h"

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

static int bad_double, fast_double;
static char bad_text[1200];

static void cmp_double(double d, int prec)
{
	char a[400], b[400], fmt[16];
	int na, nb;

	snprintf(fmt, sizeof(fmt), "%%.%df", prec);
	nb = ref(b, sizeof(b), "%.*f", prec, d);
	na = pdf_printf_fast(a, sizeof(a), "%.*f", prec, d);
	if (na >= 0)
		fast_double++;
	if (na >= 0 && (na != nb || strcmp(a, b))) {
		if (!bad_double++)
			snprintf(bad_text, sizeof(bad_text), "%.17g %%.%df: '%s' want '%s'", d, prec,
				 a, b);
	}
	na = pdf_printf_fast(a, sizeof(a), fmt, d);
	if (na >= 0 && (na != nb || strcmp(a, b)) && !bad_double++)
		snprintf(bad_text, sizeof(bad_text), "%.17g %s: '%s' want '%s'", d, fmt, a, b);
	if (prec == 6) {
		na = pdf_printf_fast(a, sizeof(a), "%f", d);
		if (na >= 0 && (na != nb || strcmp(a, b)) && !bad_double++)
			snprintf(bad_text, sizeof(bad_text), "%.17g %%f: '%s' want '%s'", d, a, b);
	}
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
				pdf_printf_fast(a, sizeof(a), "%d", (int)v[i]);
				ref(b, sizeof(b), "%d", (int)v[i]);
				bad += strcmp(a, b) != 0;
				pdf_printf_fast(a, sizeof(a), "%u", (unsigned)v[i]);
				ref(b, sizeof(b), "%u", (unsigned)v[i]);
				bad += strcmp(a, b) != 0;
			}
			pdf_printf_fast(a, sizeof(a), "%ld", (long)v[i]);
			ref(b, sizeof(b), "%ld", (long)v[i]);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%lld", v[i]);
			ref(b, sizeof(b), "%lld", v[i]);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%llu", (unsigned long long)v[i]);
			ref(b, sizeof(b), "%llu", (unsigned long long)v[i]);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%lu", (unsigned long)v[i]);
			ref(b, sizeof(b), "%lu", (unsigned long)v[i]);
			bad += strcmp(a, b) != 0;
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
			slow += pdf_printf_fast(a, sizeof(a), "%0*x", w, x) < 0;
			ref(b, sizeof(b), "%0*x", w, x);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%04x", x);
			ref(b, sizeof(b), "%04x", x);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%02X", x & 0xff);
			ref(b, sizeof(b), "%02X", x & 0xff);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%010ld", l);
			ref(b, sizeof(b), "%010ld", l);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%03o", x & 0x1ff);
			ref(b, sizeof(b), "%03o", x & 0x1ff);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%0*d", w, d);
			ref(b, sizeof(b), "%0*d", w, d);
			bad += strcmp(a, b) != 0;
			pdf_printf_fast(a, sizeof(a), "%llx", (unsigned long long)r);
			ref(b, sizeof(b), "%llx", (unsigned long long)r);
			bad += strcmp(a, b) != 0;
		}
		CHECK_INT(slow, 0, "hexadecimal with a width: printed without glibc");
		CHECK_INT(bad, 0, "widths, zeros, hexadecimal, octal: the same text as glibc");
		CHECK_INT(pdf_printf_fast(a, sizeof(a), "%0*x", -4, 10u), -1,
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
	CHECK_INT(pdf_printf_fast(a, sizeof(a), "%5.2f", 1.0), -1, "a width: left to glibc");
	CHECK_INT(pdf_printf_fast(a, sizeof(a), "%f", INFINITY), -1, "infinity: left to glibc");
	CHECK_INT(pdf_printf_fast(a, sizeof(a), "%f", 1e300), -1, "1e300: left to glibc");
	CHECK_INT(pdf_printf_fast(a, sizeof(a), "%.19f", 1.0), -1, "19 decimals: left to glibc");
	CHECK_INT(pdf_printf_fast(a, sizeof(a), "x%d", 1), -1, "text around: left to glibc");
	snprintf(a, sizeof(a), "%f|%5.1f|%s|%f", 1e300, 2.25, "ok", -INFINITY);
	ref(b, sizeof(b), "%f|%5.1f|%s|%f", 1e300, 2.25, "ok", -INFINITY);
	CHECK_STR(a, b, "other formats through snprintf() as glibc prints them");
	snprintf(a, sizeof(a), "%f", 1e20);
	CHECK_STR(a, "100000000000000000000.000000", "1e20 by glibc");
	snprintf(a, sizeof(a), "%.0f|%.0f|%.0f|%.2f", 0.5, 1.5, 2.5, 0.125);
	CHECK_STR(a, "0|2|2|0.12", "ties to even, by hand");
	n = snprintf(a, sizeof(a), "%f", -0.0);
	CHECK_STR(a, "-0.000000", "negative zero keeps its sign, as in glibc");
	return check_done();
}
