/* t_copybin.c - the binary COPY encoding of numeric values: ndigits,
 * weight, sign, dscale, then base-10000 digits, most significant first
 * (PostgreSQL's numeric_send format), all 16-bit big-endian. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "copybin.h"

/* The body of v / 10^scale equals the 16-bit words w[0..n-1]. */
static int body_is(int64_t v, int scale, const unsigned *w, int n)
{
	unsigned char out[64], want[64];
	size_t len = copybin_numeric_body(v, scale, out);

	for (int i = 0; i < n; i++) {
		want[2 * i] = (unsigned char)(w[i] >> 8);
		want[2 * i + 1] = (unsigned char)w[i];
	}
	return len == (size_t)(2 * n) && memcmp(out, want, len) == 0;
}

int main(void)
{
	/* 41.125 = 41 + 1250/10000: two digits, weight 0 */
	static const unsigned a[] = { 2, 0, 0, 3, 41, 1250 };
	/* 4.000000 = 4: one digit (trailing zero groups dropped), dscale 6 */
	static const unsigned b[] = { 1, 0, 0, 6, 4 };
	/* 0.005 = 50/10000: one digit of weight -1 */
	static const unsigned c[] = { 1, 0xffff, 0, 3, 50 };
	/* -12345.678 = -(1 x 10000 + 2345 + 6780/10000): sign 0x4000 */
	static const unsigned d[] = { 3, 1, 0x4000, 3, 1, 2345, 6780 };
	/* 0: no digits, the scale kept */
	static const unsigned z[] = { 0, 0, 0, 3 };
	/* 7.128670 (a price in roubles, scale 6): 7 + 1286/10^4 + 7000/10^8 */
	static const unsigned p[] = { 3, 0, 0, 6, 7, 1286, 7000 };
	/* 100000000.000: 1 x 10000^2, weight 2 */
	static const unsigned w[] = { 1, 2, 0, 3, 1 };
	static const unsigned h[] = { 1, 3, 0, 6, 9 };

	CHECK(body_is(41125, 3, a, 6), "41.125 kWh");
	CHECK(body_is(4000000, 6, b, 5), "4.000000 roubles");
	CHECK(body_is(5, 3, c, 5), "0.005 kWh");
	CHECK(body_is(-12345678, 3, d, 7), "-12345.678 kWh");
	CHECK(body_is(0, 3, z, 4), "zero");
	CHECK(body_is(7128670, 6, p, 7), "7.128670 roubles");
	CHECK(body_is(100000000000, 3, w, 5), "100,000,000.000 kWh");
	/* 9,000,000,000,000.000000 = 9 x 10000^3: scaled to 9 x 10^20, past
	 * 64 bits, so the first groups take the 128-bit path */
	CHECK(body_is(INT64_C(9000000000000000000), 6, h, 5), "9e12 roubles");
	{
		/* an int4 field: length 4, then the value big-endian (a case
		 * number of limit_step and limit_event; -2 as two's complement) */
		static const unsigned char want[] = { 0, 1, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe,
						      0, 1, 0, 0, 0, 4, 0, 1, 0xe2, 0x40 };
		struct copybin cb;
		size_t hd;
		int ok;

		ok = copybin_mem_begin(&cb, NULL) == 0;
		hd = cb.len;  /* the file header */
		ok = ok && copybin_row(&cb, 1, NULL) == 0 && copybin_int4(&cb, -2, NULL) == 0 &&
		     copybin_row(&cb, 1, NULL) == 0 && copybin_int4(&cb, 123456, NULL) == 0;
		CHECK(ok && hd == 19 && cb.len == hd + sizeof(want) &&
		      memcmp(cb.buf + hd, want, sizeof(want)) == 0, "int4 fields -2 and 123456");
		free(cb.buf);
	}
	return check_done();
}
