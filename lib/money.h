/*
 * money.h - the one money type and the one rounding function.
 *
 * Amounts are integer kopecks in an int64_t: never binary floating point.
 * Every computed amount (volume x tariff, a penalty, a VAT share) is formed
 * as an exact integer fraction and rounded once with money_round(), half-up
 * (halves away from zero), to whole kopecks; totals are sums of rounded lines.
 */
#ifndef SBYT_MONEY_H
#define SBYT_MONEY_H

#include <stdint.h>

typedef int64_t money;  /* kopecks */

#define MONEY_BUF 24

/* Parse "1234.56", "1234,56", "1234.5", "1234" or "-12.30" (len bytes, or up
 * to NUL when len < 0).  `sep` is the decimal separator to accept: '.', ','
 * or 0 for either.  At most two decimals, no exponent, no spaces, at most
 * 13 integer digits.  Returns 0 and sets *out, or -1 when malformed. */
int money_parse(const char *s, int len, char sep, money *out);
/* Write "-1234.56" style text into buf (MONEY_BUF bytes); returns buf. */
char *money_format(money m, char *buf);
/* num / den rounded half-up (halves away from zero); den must be > 0. */
int64_t money_round(__int128 num, int64_t den);

#endif
