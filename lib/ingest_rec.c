/* ingest_rec.c - channel names and field parsers shared by the ingest
 * parsers; see ingest_rec.h. */
#include "ingest_rec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *const channel_names[CH_COUNT] = {
	"unknown", "sberbank", "gazprombank", "qiwi", "payments", "sms", "portal", "delivery"
};

const char *ingest_channel_name(enum ingest_channel ch)
{
	if ((int)ch <= 0 || (int)ch >= CH_COUNT)
		return "unknown";
	return channel_names[ch];
}

enum ingest_channel ingest_channel_parse(const char *name)
{
	for (int i = 1; i < CH_COUNT; i++)
		if (strcmp(name, channel_names[i]) == 0)
			return (enum ingest_channel)i;
	return CH_NONE;
}

int ingest_reject_line(struct ingest_sink *s, long line, const char *text, size_t text_len,
		       const char *code, struct sbyt_err *e, const char *fmt, ...)
{
	struct ingest_reject rj;
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	rj.line = line;
	rj.code = code;
	rj.reason = reason;
	rj.text = text;
	rj.text_len = text_len;
	s->info.records++;
	if (s->progress)
		progress_add(s->progress, 1);
	return s->reject ? s->reject(s->arg, &rj, e) : 0;
}

int ingest_emit(struct ingest_sink *s, const struct ingest_rec *r, struct sbyt_err *e)
{
	s->info.records++;
	if (s->progress)
		progress_add(s->progress, 1);
	return s->record ? s->record(s->arg, r, e) : 0;
}

int reading_value_parse(const char *s, int len, int64_t *out)
{
	int i = 0, intdig = 0, fracdig = 0;
	int64_t v = 0, frac = 0;

	if (len < 0)
		len = (int)strlen(s);
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (++intdig > 12)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v >= READING_VALUE_MAX)
		return -1;
	if (intdig == 0)
		return -1;
	if (i < len) {
		if (s[i] != '.' && s[i] != ',')
			return -1;
		for (i++; i < len; i++) {
			if (s[i] < '0' || s[i] > '9' || ++fracdig > 3)
				return -1;
			frac = frac * 10 + (s[i] - '0');
		}
		if (fracdig == 0)
			return -1;
		for (int k = fracdig; k < 3; k++)
			frac *= 10;
	}
	*out = v * 1000 + frac;
	return 0;
}

int account_parse(const char *s, int len, int64_t *out)
{
	int64_t v = 0;

	if (len < 0)
		len = (int)strlen(s);
	if (len < 1 || len > 15)
		return -1;
	for (int i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v == 0)
		return -1;
	*out = v;
	return 0;
}

int iso_datetime_parse(const char *s, int len, sdate *date)
{
	struct date_time t;

	if (date_time_parse(s, len, &t))
		return -1;
	*date = t.day;
	return 0;
}

int phone_normalize(const char *s, int len, char *out, size_t size)
{
	char d[16];
	int n = 0;

	if (len < 0)
		len = (int)strlen(s);
	if (size < 13)
		return -1;
	for (int i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (n >= 11)
				return -1;
			d[n++] = c;
		} else if (c == '+' && n == 0 && i == 0) {
			continue;
		} else if (c != ' ' && c != '-' && c != '(' && c != ')') {
			return -1;
		}
	}
	if (n != 11 || (d[0] != '7' && d[0] != '8'))
		return -1;
	if (d[0] == '8' && s[0] == '+')
		return -1;
	out[0] = '+';
	out[1] = '7';
	memcpy(out + 2, d + 1, 10);
	out[12] = '\0';
	return 0;
}

int ingest_copy_field(const char *s, size_t len, char *out, size_t size)
{
	if (len >= size)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}
