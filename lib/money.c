/* money.c - parsing, printing and rounding kopecks; see money.h. */
#include "money.h"

#include <string.h>

int money_parse(const char *s, int len, char sep, money *out)
{
	int i = 0, neg = 0, intdig = 0, frac = 0, fracdig = 0;
	int64_t v = 0;

	if (len < 0)
		len = (int)strlen(s);
	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (++intdig > 13)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (intdig == 0)
		return -1;
	if (i < len) {
		if (!(sep ? s[i] == sep : (s[i] == '.' || s[i] == ',')))
			return -1;
		for (i++; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || ++fracdig > 2)
				return -1;
			frac = frac * 10 + (s[i] - '0');
		}
		if (fracdig == 0)
			return -1;
		if (fracdig == 1)
			frac *= 10;
	}
	v = v * 100 + frac;
	*out = neg ? -v : v;
	return 0;
}

char *money_format(money m, char *buf)
{
	char tmp[MONEY_BUF];
	int n = 0, p = 0;
	uint64_t a = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;

	tmp[n++] = (char)('0' + a % 10);
	a /= 10;
	tmp[n++] = (char)('0' + a % 10);
	a /= 10;
	tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + a % 10);
		a /= 10;
	} while (a);
	if (m < 0)
		buf[p++] = '-';
	while (n)
		buf[p++] = tmp[--n];
	buf[p] = '\0';
	return buf;
}

int64_t money_round(__int128 num, int64_t den)
{
	__int128 q, r;

	if (num >= 0) {
		q = num / den;
		r = num % den;
		if (2 * r >= den)
			q++;
	} else {
		q = -((-num) / den);
		r = (-num) % den;
		if (2 * r >= den)
			q--;
	}
	return (int64_t)q;
}
