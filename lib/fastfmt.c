/* fastfmt.c - the formats this process prints most, printed without glibc's
 * printf engine.
 *
 * Cairo 1.16 writes every number of a PDF (coordinates, glyph positions,
 * colours, object numbers) through snprintf(): "%f" (and "%.18f" then
 * "%.*f" below 0.1) for a double, "%d" for an int, each a whole pass of
 * glibc's printf engine (a FILE set up on the buffer, the format parsed,
 * multi-precision arithmetic for the double): 19 % of the time of the
 * thread that writes the print file, 8 % of that of the threads writing
 * e-mail files (perf, 20,000 documents).  libxlsxwriter writes every cell
 * of a workbook through fprintf(): '<c r="%s" s="%d"><v>%.16G</v></c>' and
 * the like, 15 % of `sbyt docs`'s own CPU at a million documents (perf,
 * 2026-12-07), and the documents' model copies its fields with
 * snprintf("%s").  These definitions take the place of glibc's snprintf(),
 * __snprintf_chk() and __fprintf_chk() (what a library built with
 * _FORTIFY_SOURCE calls) in the process, as pdf.c's deflateInit_() does:
 * the program's own symbols come first.  A format made only of text, "%%"
 * and the conversions those libraries use ("%s"; "%f", "%.Nf" and "%.*f"
 * with up to 18 decimals; "%d", "%u", "%x", "%X", "%o" with "l" or "ll" and
 * with or without zeros to a width, "%04x", "%0*x"; "%.16G" of a whole
 * number below 1e15 or of hundredths whose 16 significant digits are
 * exactly theirs) is printed here, the same characters glibc prints (the
 * double rounded from its exact binary value, ties to even, as glibc does
 * in the default rounding mode; a negative sign whenever the sign bit is
 * set; the locale's decimal point must be ".", nl_langinfo(RADIXCHAR));
 * every other format, and a value outside those (a null string, a double
 * not finite or too large, other hundredths), goes to glibc's vsnprintf()
 * or vfprintf().  t_fastfmt compares the two on millions of values. */
#include "fastfmt.h"

#include <langinfo.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...);
int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, va_list ap);
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...);
int __vfprintf_chk(FILE *fp, int flag, const char *fmt, va_list ap);
void __chk_fail(void) __attribute__((noreturn));

/* One conversion. */
struct conv {
	char type;       /* 'd', 'u', 'x', 'X', 'o' (integers), 'f', 's', 'G' or '%' */
	int len;         /* 0 int, 1 long, 2 long long */
	int width;       /* 0 none, -1 from the arguments ('*') */
	int prec;        /* 'f': decimals, -1 from the arguments */
};

/* A width or precision at *f: "*" (-1: from the arguments) or one or two
 * digits, the first at least lo, into *v, *f moved past it; 0, or -1. */
static int count_of(const char **f, char lo, int *v)
{
	const char *p = *f;

	if (*p == '*') {
		*v = -1;
		p++;
	} else if (*p >= lo && *p <= '9') {
		*v = *p++ - '0';
		if (*p >= '0' && *p <= '9')
			*v = *v * 10 + *p++ - '0';
	} else {
		return -1;
	}
	*f = p;
	return 0;
}

/* The conversion at f (just after its '%') into *c: the characters it
 * takes, or -1 when it is not one of those done here. */
static int conv_of(const char *f, struct conv *c)
{
	const char *f0 = f;

	memset(c, 0, sizeof(*c));
	if (*f == '%' || *f == 's') {
		c->type = *f;
		return 1;
	}
	if (*f == '.') {
		f++;
		if (count_of(&f, '0', &c->prec) || c->prec > 18)
			return -1;
		if (c->prec == 16 && *f == 'G') {
			c->type = 'G';
			return (int)(f + 1 - f0);
		}
		if (*f != 'f')
			return -1;
		c->type = 'f';
		return (int)(f + 1 - f0);
	}
	if (*f == 'f') {
		c->type = 'f';
		c->prec = 6;
		return 1;
	}
	if (*f == '0') {
		f++;
		if (count_of(&f, '1', &c->width))
			return -1;
	}
	while (*f == 'l' && c->len < 2) {
		c->len++;
		f++;
	}
	if (*f != 'd' && *f != 'u' && *f != 'x' && *f != 'X' && *f != 'o')
		return -1;
	c->type = *f;
	return (int)(f + 1 - f0);
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

/* Whether the locale's decimal point is ".", as these print it. */
static int point_is_dot(void)
{
	const char *point = nl_langinfo(RADIXCHAR);

	return point && point[0] == '.' && !point[1];
}

/* d with prec decimals into out (at least 64 bytes), as glibc's "%.*f";
 * the length, or -1 when d is left to glibc. */
static int fixed(char *out, double d, int prec)
{
	unsigned __int128 x, q;
	uint64_t m, bits, ip, fp;
	char buf[48], *s;
	int neg = signbit(d) != 0, e, n = 0;
	double a = fabs(d);

	if (!isfinite(d) || a >= 1e15 || prec < 0 || prec > 18)
		return -1;
	if (!point_is_dot())
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

/* d as glibc's "%.16G" into out (at least 64 bytes): a whole number below
 * 1e15 as its digits; hundredths c / 100 (c of 1 to 15 digits) when the
 * 16 significant digits d rounds to are c's, as c / 100 with the zeros at
 * the end left out (money as libxlsxwriter writes it); the length, or -1
 * when d is left to glibc. */
static int g16(char *out, double d)
{
	char buf[32], *s, *end = buf + sizeof(buf);
	double a = fabs(d);
	uint64_t bits, m, c, ip, fp;
	unsigned __int128 x, y, diff;
	int n = 0, nd, sh;

	if (!isfinite(d) || a >= 1e15)
		return -1;
	if (signbit(d))
		out[n++] = '-';
	if (a == floor(a)) {
		/* 15 digits at most: the exponent is below the precision, so
		 * "%.16G" is "%f" without the point and its zeros */
		s = digits((uint64_t)a, end);
		memcpy(out + n, s, (size_t)(end - s));
		return n + (int)(end - s);
	}
	if (a < 0.01 || !point_is_dot())
		return -1;
	c = (uint64_t)llround(a * 100.0);
	if (c == 0 || c >= pow10_u64[15])
		return -1;
	for (nd = 1; nd < 15 && c >= pow10_u64[nd]; nd++)
		;
	if (c == pow10_u64[nd - 1])
		return -1;  /* 0.01, 0.1, 1 ...: an exponent below may be glibc's */
	/* a = m 2^-sh exactly (0.01 <= a < 1e15: normal, 8 < sh < 60); it
	 * prints as c / 100 when |a - c / 100| is below half a unit of the
	 * 16th digit, 10^(nd - 3 - 15): |100 m - c 2^sh| / (100 2^sh) <
	 * 10^(nd - 18) / 2, that is 2 |100 m - c 2^sh| 10^(16 - nd) < 2^sh
	 * (all below 2^111: c < 2^50, |100 m - c 2^sh| < 2^sh < 2^60) */
	memcpy(&bits, &a, sizeof(bits));
	m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
	sh = 1075 - (int)(bits >> 52);
	x = (unsigned __int128)m * 100u;
	y = (unsigned __int128)c << sh;
	diff = x > y ? x - y : y - x;
	if (diff * 2u * pow10_u64[16 - nd] >= (unsigned __int128)1 << sh)
		return -1;
	ip = c / 100;
	fp = c % 100;
	s = digits(ip, end);
	memcpy(out + n, s, (size_t)(end - s));
	n += (int)(end - s);
	if (fp) {
		out[n++] = '.';
		out[n++] = (char)('0' + fp / 10);
		if (fp % 10)
			out[n++] = (char)('0' + fp % 10);
	}
	return n;
}

/* One conversion c with its arguments taken from *ap into out (at least
 * 64 bytes; a string: *str instead, out untouched): the length, or -1 when
 * the value is left to glibc. */
static int conv_put(const struct conv *c, va_list *ap, char *out, const char **str)
{
	char buf[32], *s, *end = buf + sizeof(buf);
	long long v = 0;
	unsigned long long u = 0;
	int n, width, neg = 0;

	*str = NULL;
	switch (c->type) {
	case '%':
		out[0] = '%';
		return 1;
	case 's':
		*str = va_arg(*ap, const char *);
		return *str ? (int)strnlen(*str, (size_t)INT_MAX) : -1;
	case 'G':
		return g16(out, va_arg(*ap, double));
	case 'f': {
		int prec = c->prec < 0 ? va_arg(*ap, int) : c->prec;
		return fixed(out, va_arg(*ap, double), prec);
	}
	}
	width = c->width < 0 ? va_arg(*ap, int) : c->width;
	if (c->type == 'd') {
		v = c->len == 0 ? va_arg(*ap, int) : c->len == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
		neg = v < 0;
		u = neg ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v;
	} else {
		u = c->len == 0 ? va_arg(*ap, unsigned) : c->len == 1 ? va_arg(*ap, unsigned long)
								: va_arg(*ap, unsigned long long);
	}
	if (width < 0 || width > 40)
		return -1;  /* left-justified, or wider than out */
	s = c->type == 'd' || c->type == 'u' ? digits(u, end) : digits_base(u, c->type, end);
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

/* n bytes of piece after the *total of out, as far as room goes. */
static void append(char *out, size_t room, size_t *total, const char *piece, size_t n)
{
	if (*total < room)
		memcpy(out + *total, piece, n < room - *total ? n : room - *total);
	*total += n;
}

/* fmt with the arguments at ap into out of size bytes, as vsnprintf()
 * leaves it: the whole text's length, or -1 when a conversion or a value
 * is left to glibc (ap untouched; out then holds anything). */
static long fast(char *out, size_t size, const char *fmt, va_list ap)
{
	char tmp[64];
	const char *f = fmt, *p, *str;
	size_t total = 0, room = size ? size - 1 : 0;
	struct conv c;
	va_list aq;

	va_copy(aq, ap);
	for (;;) {
		int k, m;

		p = strchrnul(f, '%');
		append(out, room, &total, f, (size_t)(p - f));
		if (!*p)
			break;
		k = conv_of(p + 1, &c);
		m = k > 0 ? conv_put(&c, &aq, tmp, &str) : -1;
		if (m < 0) {
			va_end(aq);
			return -1;
		}
		append(out, room, &total, str ? str : tmp, (size_t)m);
		f = p + 1 + k;
	}
	va_end(aq);
	if (size)
		out[total < room ? total : room] = '\0';
	return total > INT_MAX ? -1 : (long)total;
}

int snprintf(char *restrict s, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	long n;

	va_start(ap, fmt);
	n = fast(s, size, fmt, ap);
	if (n < 0)
		n = vsnprintf(s, size, fmt, ap);
	va_end(ap);
	return (int)n;
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen, const char *fmt, ...)
{
	va_list ap;
	long n;

	if (slen < maxlen)
		__chk_fail();
	va_start(ap, fmt);
	n = fast(s, maxlen, fmt, ap);
	if (n < 0)
		n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return (int)n;
}

/* fprintf() as a library built with _FORTIFY_SOURCE calls it: the text
 * made here when it is short (a cell, an attribute), then written whole. */
int __fprintf_chk(FILE *fp, int flag, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	long n;

	va_start(ap, fmt);
	n = fast(buf, sizeof(buf), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = __vfprintf_chk(fp, flag, fmt, ap);
	else if (fwrite(buf, 1, (size_t)n, fp) != (size_t)n)
		n = -1;
	va_end(ap);
	return (int)n;
}

int fastfmt_snprintf(char *s, size_t size, const char *fmt, ...)
{
	va_list ap;
	long n;

	va_start(ap, fmt);
	n = fast(s, size, fmt, ap);
	va_end(ap);
	return (int)n;
}
