/* ingest_detect.c - the channel of a file from its first bytes; see
 * ingest_detect.h. */
#include "ingest_detect.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DETECT_BYTES 4096

static int starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static int is_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

enum ingest_channel ingest_detect_buf(const char *buf, size_t len)
{
	const char *s = buf, *nl;
	size_t n = len, line;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	if (n == 0)
		return CH_NONE;
	if (*s == '<')
		return CH_GAZPROMBANK;
	nl = memchr(s, '\n', n);
	line = nl ? (size_t)(nl - s) : n;
	if (starts(s, line, "txn_id,datetime,"))
		return CH_QIWI;
	if (starts(s, line, "txn_id;paid_at;"))
		return CH_PAYMENTS;
	if (starts(s, line, "account;meter;zone;"))
		return CH_PORTAL;
	if (starts(s, line, "notice_id;status;"))
		return CH_DELIVERY;
	if (starts(s, line, "received_at;phone;"))
		return CH_SMS;
	if (*s == '=')
		return CH_SBERBANK;
	if (line >= 11 && is_digits(s, 2) && (s[2] == '/' || s[2] == '.') && is_digits(s + 3, 2) &&
	    s[5] == s[2] && is_digits(s + 6, 4) && s[10] == ';')
		return CH_SBERBANK;
	if (line >= 12 && is_digits(s, 4) && s[4] == '-' && is_digits(s + 5, 2) && s[7] == '-' &&
	    is_digits(s + 8, 2)) {
		const char *semi = memchr(s, ';', line);
		if (semi && (size_t)(semi - s) <= 30 && semi + 1 < s + line &&
		    (semi[1] == '+' || (semi[1] >= '0' && semi[1] <= '9')))
			return CH_SMS;
	}
	return CH_NONE;
}

enum ingest_channel ingest_detect(const struct infile *in, struct sbyt_err *e)
{
	const char *path = in->path;
	char buf[DETECT_BYTES];
	enum ingest_channel ch;
	size_t n;
	FILE *f = infile_fopen(in, e);

	if (!f)
		return CH_NONE;
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f)) {
		err_set(e, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		return CH_NONE;
	}
	fclose(f);
	if (n == 0) {
		err_set(e, ERR_DATA, "%s: empty file", path);
		return CH_NONE;
	}
	ch = ingest_detect_buf(buf, n);
	if (ch == CH_NONE)
		err_set(e, ERR_DATA, "%s: cannot tell the channel from the content", path);
	if (ch == CH_NONE)
		err_detail(e, "use --channel sberbank|gazprombank|qiwi|payments|sms|portal|delivery");
	return ch;
}
