/* pdf_printf.c - the numbers of a PDF printed without glibc's printf engine.
 *
 * Cairo 1.16 writes every number of a PDF (coordinates, glyph positions,
 * colours, object numbers) through snprintf(): "%f" (and "%.18f" then
 * "%.*f" below 0.1) for a double, "%d" for an int, each a whole pass of
 * glibc's printf engine (a FILE set up on the buffer, the format parsed,
 * multi-precision arithmetic for the double): 19 % of the time of the
 * thread that writes the print file, 8 % of that of the threads writing
 * e-mail files (perf, 20,000 documents).  These definitions take the place
 * of glibc's snprintf() and __snprintf_chk() (what a library built with
 * _FORTIFY_SOURCE calls) in the process, as pdf.c's deflateInit_() does:
 * the program's own symbols come first.  A format that is exactly one
 * conversion of those Cairo uses ("%d", "%u", "%ld", "%lu", "%lld",
 * "%llu", "%f", "%.Nf" with N <= 18, "%.*f" with 0 <= precision <= 18) is
 * printed here, the same characters glibc prints (the double rounded from
 * its exact binary value, ties to even, as glibc does in the default
 * rounding mode; a negative sign whenever the sign bit is set; the
 * locale's decimal point must be "."); every other format, and a double
 * that is not finite or not below 1e15, goes to glibc's vsnprintf().
 * t_pdf_printf compares the two on millions of values. */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
void __chk_fail(void) __attribute__((noreturn));

enum conv { C_NONE, C_INT, C_UINT, C_LONG, C_ULONG, C_LLONG, C_ULLONG, C_F, C_FSTAR };

/* What fmt is: one of the conversions done here (precision in *prec for
 * "%.Nf"), or C_NONE. */
static enum conv conv_of(const char *fmt, int *prec)
{
	if (fmt[0] != '%')
		return C_NONE;
	switch (fmt[1]) {
	case 'd':
		return fmt[2] ? C_NONE : C_INT;
	case 'u':
		return fmt[2] ? C_NONE : C_UINT;
	case 'f':
		*prec = 6;
		return fmt[2] ? C_NONE : C_F;
	case 'l':
		if (fmt[2] == 'd' || fmt[2] == 'u')
			return fmt[3] ? C_NONE : fmt[2] == 'd' ? C_LONG : C_ULONG;
		if (fmt[2] == 'l' && (fmt[3] == 'd' || fmt[3] == 'u') && !fmt[4])
			return fmt[3] == 'd' ? C_LLONG : C_ULLONG;
		return C_NONE;
	case '.':
		if (fmt[2] == '*')
			return fmt[3] == 'f' && !fmt[4] ? C_FSTAR : C_NONE;
		if (fmt[2] >= '0' && fmt[2] <= '9') {
			int p = fmt[2] - '0', k = 3;
			if (fmt[3] >= '0' && fmt[3] <= '9')
				p = p * 10 + fmt[k++] - '0';
			if (fmt[k] != 'f' || fmt[k + 1] || p > 18)
				return C_NONE;
			*prec = p;
			return C_F;
		}
		return C_NONE;
	default:
		return C_NONE;
	}
}

/* v in decimal at the end of buf (which ends at end); returns the start. */
static char *digits(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static const uint64_t pow10_u64[19] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull,
};

/* d with prec decimals into out (at least 64 bytes), as glibc's "%.*f";
 * the length, or -1 when d is left to glibc. */
static int fixed(char *out, double d, int prec)
{
	const struct lconv *lc;
	unsigned __int128 x, q;
	uint64_t m, ip, fp;
	char buf[48], *s;
	int neg = signbit(d) != 0, e, n = 0;
	double a = fabs(d);

	if (!isfinite(d) || a >= 1e15 || prec < 0 || prec > 18)
		return -1;
	lc = localeconv();
	if (!lc || lc->decimal_point[0] != '.' || lc->decimal_point[1])
		return -1;
	if (a == 0) {
		q = 0;
	} else {
		/* a = m * 2^e exactly, m < 2^53; a < 2^50, so e < 0 */
		m = (uint64_t)ldexp(frexp(a, &e), 53);
		e -= 53;
		x = (unsigned __int128)m * pow10_u64[prec];  /* < 2^113 */
		if (-e >= 120) {
			q = 0;  /* below a quarter of the last place */
		} else {
			int sh = -e;
			unsigned __int128 rem, half;
			q = x >> sh;
			rem = x & (((unsigned __int128)1 << sh) - 1);
			half = (unsigned __int128)1 << (sh - 1);
			if (rem > half || (rem == half && (q & 1)))
				q++;
		}
	}
	ip = (uint64_t)(q / pow10_u64[prec]);
	fp = (uint64_t)(q % pow10_u64[prec]);
	if (neg)
		out[n++] = '-';
	s = digits(ip, buf + sizeof(buf));
	memcpy(out + n, s, (size_t)(buf + sizeof(buf) - s));
	n += (int)(buf + sizeof(buf) - s);
	if (prec > 0) {
		out[n++] = '.';
		for (int i = prec - 1; i >= 0; i--) {
			out[n + i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		n += prec;
	}
	return n;
}

/* fmt with the arguments at ap into out (at least 64 bytes): the length,
 * or -1 when glibc is to do it (ap is then untouched). */
static int fast(char *out, const char *fmt, va_list ap)
{
	char buf[24], *s, *end = buf + sizeof(buf);
	int prec = 0, n;
	enum conv c = conv_of(fmt, &prec);
	va_list aq;
	long long v = 0;
	unsigned long long u = 0;
	int sign = 0;

	if (c == C_NONE)
		return -1;
	va_copy(aq, ap);
	switch (c) {
	case C_F:
		n = fixed(out, va_arg(aq, double), prec);
		va_end(aq);
		return n;
	case C_FSTAR:
		prec = va_arg(aq, int);
		n = fixed(out, va_arg(aq, double), prec);
		va_end(aq);
		return n;
	case C_INT:
		v = va_arg(aq, int);
		sign = 1;
		break;
	case C_LONG:
		v = va_arg(aq, long);
		sign = 1;
		break;
	case C_LLONG:
		v = va_arg(aq, long long);
		sign = 1;
		break;
	case C_UINT:
		u = va_arg(aq, unsigned);
		break;
	case C_ULONG:
		u = va_arg(aq, unsigned long);
		break;
	default:
		u = va_arg(aq, unsigned long long);
		break;
	}
	va_end(aq);
	if (sign)
		u = v < 0 ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v;
	s = digits(u, end);
	if (sign && v < 0)
		*--s = '-';
	n = (int)(end - s);
	memcpy(out, s, (size_t)n);
	return n;
}

/* out's n characters into s of size size, as snprintf() leaves them. */
static int put(char *s, size_t size, const char *out, int n)
{
	if (size > 0) {
		size_t k = (size_t)n < size - 1 ? (size_t)n : size - 1;
		memcpy(s, out, k);
		s[k] = '\0';
	}
	return n;
}

int snprintf(char *restrict s, size_t size, const char *restrict fmt, ...)
{
	char out[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fast(out, fmt, ap);
	if (n >= 0)
		n = put(s, size, out, n);
	else
		n = vsnprintf(s, size, fmt, ap);
	va_end(ap);
	return n;
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	char out[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fast(out, fmt, ap);
	if (n >= 0) {
		if (slen < maxlen)
			__chk_fail();
		n = put(s, maxlen, out, n);
	} else {
		n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	}
	va_end(ap);
	return n;
}

int pdf_printf_fast(char *s, size_t size, const char *fmt, ...)
{
	char out[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fast(out, fmt, ap);
	va_end(ap);
	return n >= 0 ? put(s, size, out, n) : -1;
}
