/* date.c - civil date arithmetic (H. Hinnant's days_from_civil); see date.h. */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

sdate date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_to_ymd(sdate z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp, yy, mm, dd;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	mm = mp + (mp < 10 ? 3 : -9);
	yy += mm <= 2;
	if (y)
		*y = yy;
	if (m)
		*m = mm;
	if (d)
		*d = dd;
}

int date_month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int date_valid(int y, int m, int d)
{
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= date_month_days(y, m);
}

int date_weekday(sdate d)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((d % 7 + 7 + 3) % 7);
	return w + 1;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, int len, sdate *out)
{
	int y, m, d;

	if (len < 0)
		len = (int)strlen(s);
	if (len != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &m) || digits(s + 8, 2, &d) || !date_valid(y, m, d))
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

/* Two digits at s, at most max: the value, or -1. */
static int two(const char *s, int max)
{
	int v;

	if (digits(s, 2, &v))
		return -1;
	return v > max ? -1 : v;
}

int date_time_parse(const char *s, int len, struct date_time *t)
{
	int hh, mm, ss = 0, oh = 0, om = 0, i;

	if (len < 0)
		len = (int)strlen(s);
	memset(t, 0, sizeof(*t));
	if (len < 10 || date_parse(s, 10, &t->day) != 0)
		return -1;
	if (len == 10)
		return 0;
	t->sep = s[10];
	if ((t->sep != 'T' && t->sep != ' ') || len < 16 || (hh = two(s + 11, 23)) < 0 ||
	    s[13] != ':' || (mm = two(s + 14, 59)) < 0)
		return -1;
	i = 16;
	if (i < len && s[i] == ':') {
		if (len < 19 || (ss = two(s + 17, 59)) < 0)
			return -1;
		t->has_seconds = 1;
		i = 19;
	}
	if (i == len)
		return 0;
	if (s[i] == 'Z') {
		if (i + 1 != len)
			return -1;
	} else if ((s[i] != '+' && s[i] != '-') || len != i + 6 ||
		   (oh = two(s + i + 1, 14)) < 0 || s[i + 3] != ':' ||
		   (om = two(s + i + 4, 59)) < 0) {
		return -1;
	}
	t->has_offset = 1;
	t->utc = (int64_t)t->day * 86400 + hh * 3600 + mm * 60 + ss -
		 (s[i] == '-' ? -1 : s[i] == '+' ? 1 : 0) * (oh * 3600 + om * 60);
	return 0;
}

int date_parse_dmy(const char *s, int len, sdate *out)
{
	int y, m, d;

	if (len < 0)
		len = (int)strlen(s);
	if (len != 10 || (s[2] != '/' && s[2] != '.') || s[5] != s[2] ||
	    digits(s, 2, &d) || digits(s + 3, 2, &m) || digits(s + 6, 4, &y) ||
	    !date_valid(y, m, d))
		return -1;
	*out = date_from_ymd(y, m, d);
	return 0;
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

char *date_format(sdate d, char *buf)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	put2(buf, (y / 100) % 100);
	put2(buf + 2, y % 100);
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '-';
	put2(buf + 8, dd);
	buf[10] = '\0';
	return buf;
}

static char zone[128];

int date_zone_set(const char *tz)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!tz || !*tz || strlen(tz) >= sizeof(zone) || tz[0] == '/' || strstr(tz, ".."))
		return -1;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return -1;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	if (access(path, R_OK) != 0 && strcmp(tz, "UTC") != 0)
		return -1;
	snprintf(zone, sizeof(zone), "%s", tz);
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

const char *date_zone(void)
{
	if (!zone[0] && date_zone_set(DATE_ZONE_DEFAULT) != 0) {
		/* no zone database: the default zone's fixed offset, UTC+5 */
		snprintf(zone, sizeof(zone), "%s", DATE_ZONE_DEFAULT);
		setenv("TZ", "<+05>-5", 1);
		tzset();
	}
	return zone;
}

sdate date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	date_zone();
	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

speriod period_from_ym(int y, int m)
{
	return y * 12 + (m - 1);
}

void period_to_ym(speriod p, int *y, int *m)
{
	if (y)
		*y = p / 12;
	if (m)
		*m = p % 12 + 1;
}

speriod period_of(sdate d)
{
	int y, m;

	date_to_ymd(d, &y, &m, NULL);
	return period_from_ym(y, m);
}

sdate period_first(speriod p)
{
	return date_from_ymd(p / 12, p % 12 + 1, 1);
}

sdate period_last(speriod p)
{
	return period_first(p + 1) - 1;
}

int period_parse(const char *s, int len, speriod *out)
{
	int y, m;

	if (len < 0)
		len = (int)strlen(s);
	if (len != 7 || s[4] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
	    !date_valid(y, m, 1))
		return -1;
	*out = period_from_ym(y, m);
	return 0;
}

char *period_format(speriod p, char *buf)
{
	int y = p / 12, m = p % 12 + 1;

	put2(buf, (y / 100) % 100);
	put2(buf + 2, y % 100);
	buf[4] = '-';
	put2(buf + 5, m);
	buf[7] = '\0';
	return buf;
}
