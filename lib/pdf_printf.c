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
 * conversion of those Cairo uses ("%f", "%.Nf" and "%.*f" with up to 18
 * decimals; "%d", "%u", "%x", "%X", "%o" with "l" or "ll" and with or
 * without zeros to a width, "%04x", "%0*x": the glyphs of a text) is
 * printed here, the same characters glibc prints (the double rounded from
 * its exact binary value, ties to even, as glibc does in the default
 * rounding mode; a negative sign whenever the sign bit is set; the
 * locale's decimal point must be ".", nl_langinfo(RADIXCHAR)); every other
 * format, and a double
 * that is not finite or not below 1e15, goes to glibc's vsnprintf().
 * t_pdf_printf compares the two on millions of values. */
#include <langinfo.h>
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

/* One conversion: what fast() does. */
struct conv {
	char type;       /* 'd', 'u', 'x', 'X', 'o' (integers) or 'f' */
	int len;         /* 0 int, 1 long, 2 long long */
	int width;       /* 0 none, -1 from the arguments ('*') */
	int prec;        /* 'f': decimals, -1 from the arguments */
};

/* fmt as one conversion done here ("%f", "%.Nf", "%.*f" with N <= 18;
 * "%d" and the like with an optional "0" and width or "0*", an "l" or
 * "ll"): 0 with *c set, or -1. */
static int conv_of(const char *fmt, struct conv *c)
{
	const char *f = fmt + 1;

	if (fmt[0] != '%')
		return -1;
	memset(c, 0, sizeof(*c));
	if (*f == '.') {
		f++;
		if (*f == '*') {
			c->prec = -1;
			f++;
		} else if (*f >= '0' && *f <= '9') {
			c->prec = *f++ - '0';
			if (*f >= '0' && *f <= '9')
				c->prec = c->prec * 10 + *f++ - '0';
			if (c->prec > 18)
				return -1;
		} else {
			return -1;
		}
		if (f[0] != 'f' || f[1])
			return -1;
		c->type = 'f';
		return 0;
	}
	if (*f == 'f') {
		c->type = 'f';
		c->prec = 6;
		return f[1] ? -1 : 0;
	}
	if (*f == '0') {
		f++;
		if (*f == '*') {
			c->width = -1;
			f++;
		} else if (*f >= '1' && *f <= '9') {
			c->width = *f++ - '0';
			if (*f >= '0' && *f <= '9')
				c->width = c->width * 10 + *f++ - '0';
		} else {
			return -1;
		}
	}
	while (*f == 'l' && c->len < 2) {
		c->len++;
		f++;
	}
	if ((*f != 'd' && *f != 'u' && *f != 'x' && *f != 'X' && *f != 'o') || f[1])
		return -1;
	c->type = *f;
	return 0;
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

/* v in base 8 or 16 (upper: 'X') the same way. */
static char *digits_base(uint64_t v, int type, char *end)
{
	const char *hex = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned shift = type == 'o' ? 3 : 4, mask = type == 'o' ? 7 : 15;

	do {
		*--end = hex[v & mask];
		v >>= shift;
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
	const char *point;
	unsigned __int128 x, q;
	uint64_t m, bits, ip, fp;
	char buf[48], *s;
	int neg = signbit(d) != 0, e, n = 0;
	double a = fabs(d);

	if (!isfinite(d) || a >= 1e15 || prec < 0 || prec > 18)
		return -1;
	point = nl_langinfo(RADIXCHAR);
	if (!point || point[0] != '.' || point[1])
		return -1;
	memcpy(&bits, &a, sizeof(bits));
	e = (int)(bits >> 52);               /* biased exponent; 0: zero or subnormal */
	m = bits & ((1ull << 52) - 1);
	if (e == 0 && m == 0) {
		q = 0;
	} else {
		/* a = m * 2^e exactly, m < 2^53; a < 2^50, so e < 0 */
		if (e == 0)
			e = 1;                        /* subnormal: no hidden bit */
		else
			m |= 1ull << 52;
		e -= 1075;
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
	if ((uint64_t)(q >> 64) == 0) {  /* (most: 128-bit division is slow) */
		ip = (uint64_t)q / pow10_u64[prec];
		fp = (uint64_t)q % pow10_u64[prec];
	} else {
		ip = (uint64_t)(q / pow10_u64[prec]);
		fp = (uint64_t)(q % pow10_u64[prec]);
	}
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
	char buf[32], *s, *end = buf + sizeof(buf);
	struct conv c;
	va_list aq;
	long long v = 0;
	unsigned long long u = 0;
	int n, width, neg = 0;

	if (conv_of(fmt, &c))
		return -1;
	va_copy(aq, ap);
	if (c.type == 'f') {
		int prec = c.prec < 0 ? va_arg(aq, int) : c.prec;
		n = fixed(out, va_arg(aq, double), prec);
		va_end(aq);
		return n;
	}
	width = c.width < 0 ? va_arg(aq, int) : c.width;
	if (c.type == 'd') {
		v = c.len == 0 ? va_arg(aq, int) : c.len == 1 ? va_arg(aq, long) : va_arg(aq, long long);
		neg = v < 0;
		u = neg ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v;
	} else {
		u = c.len == 0 ? va_arg(aq, unsigned) : c.len == 1 ? va_arg(aq, unsigned long)
							      : va_arg(aq, unsigned long long);
	}
	va_end(aq);
	if (width < 0 || width > 40)
		return -1;  /* left-justified, or wider than out */
	s = c.type == 'd' || c.type == 'u' ? digits(u, end) : digits_base(u, c.type, end);
	n = (int)(end - s);
	/* "%05d" of -12 is "-0012": the sign, then zeros up to the width */
	{
		int pad = width - n - neg, o = 0;
		if (neg)
			out[o++] = '-';
		for (int i = 0; i < pad; i++)
			out[o++] = '0';
		memcpy(out + o, s, (size_t)n);
		return o + n;
	}
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
