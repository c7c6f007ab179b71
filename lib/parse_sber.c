/*
 * parse_sber.c - the Sberbank payment registry (SPEC 5.1): CP1251 text,
 * `;` separated, one payment per line with optional readings, and a
 * trailer `=count;total_sum;total_fee;payment_order_no;payment_order_date`
 * that must match the lines.
 *
 * Lines are read raw (lib/csv.h): a control character rejects the line
 * (control_character; CP1251 bytes below 0x80 are ASCII, so they are the
 * same bytes), and each other line is converted to UTF-8 with iconv: a
 * byte CP1251 does not define rejects the line (bad_encoding).
 * A file that is in fact UTF-8 (a byte-order mark, or a line with
 * non-ASCII bytes that is valid UTF-8 - which CP1251 Cyrillic text never
 * is) is refused whole, as are a missing trailer (truncated file), lines
 * after the trailer, and a trailer whose count or sums differ from the
 * lines'.  The count counts every payment line, rejected ones too; the
 * sums add every line whose amount could be read.
 */
#include "parse.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_DATE, F_TIME, F_BRANCH, F_CASHIER, F_TXN, F_ACCOUNT, F_FIO, F_ADDRESS,
       F_PERIOD, F_SUM, F_FEE, F_READINGS, F_COUNT };

struct sber {
	struct csv c;
	struct ingest_sink *sink;
	iconv_t cd;
	char *utf;          /* the line in UTF-8 (4 bytes per input byte at most) */
	long lines;         /* payment lines seen */
	money sum, fee;     /* totals of the readable amounts */
	int unreadable;     /* lines whose sum or fee could not be read */
};

/* 1 when s has a byte >= 0x80 and is valid UTF-8 as a whole. */
static int looks_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return utf8_valid(s, len);
	return 0;
}

/* Count the current line towards the trailer: every line, and the sum and
 * fee when they can be read (whatever else is wrong with the line). */
static void tally(struct sber *p)
{
	struct csv *c = &p->c;
	money sum, fee = 0;
	int ok = c->nf == F_COUNT && !strstr(c->bad ? c->bad : "", "longer");

	p->lines++;
	if (ok && money_parse(c->field[F_SUM], (int)c->flen[F_SUM], ',', &sum) == 0)
		p->sum += sum;
	else
		ok = 0;
	if (ok && c->flen[F_FEE] &&
	    money_parse(c->field[F_FEE], (int)c->flen[F_FEE], ',', &fee) != 0)
		ok = 0;
	p->fee += fee;
	if (!ok)
		p->unreadable++;
}

/* Convert the current line; 0, or -1 when CP1251 does not define a byte. */
static int to_utf8(struct sber *p)
{
	char *in = p->c.text, *out = p->utf;
	size_t inleft = p->c.text_len, outleft = 4 * CSV_MAX_LINE;

	iconv(p->cd, NULL, NULL, NULL, NULL);
	if (iconv(p->cd, &in, &inleft, &out, &outleft) == (size_t)-1)
		return -1;
	*out = '\0';
	return 0;
}

static int digits_n(const char *s, int n, int max)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > max ? -1 : v;
}

/* "CounterVal_1:12345,6|CounterVal_2:2345" into rd; 0 or -1 (why set). */
static int parse_readings(const char *s, size_t len, struct rec_reading *rd, const char **why)
{
	size_t i = 0;

	while (i < len) {
		const char *item = s + i;
		const char *bar = memchr(item, '|', len - i);
		size_t n = bar ? (size_t)(bar - item) : len - i;
		static const char prefix[] = "CounterVal_";
		size_t pl = sizeof(prefix) - 1;
		int zone;

		if (n < pl + 3 || memcmp(item, prefix, pl) != 0 || item[pl + 1] != ':') {
			*why = "reading is not 'CounterVal_N:value'";
			return -1;
		}
		zone = item[pl] - '0';
		if (zone < 1 || zone > REC_ZONES) {
			*why = "reading zone is not 1, 2 or 3";
			return -1;
		}
		if (rd->has[zone - 1]) {
			*why = "reading zone given twice";
			return -1;
		}
		if (reading_value_parse(item + pl + 2, (int)(n - pl - 2), &rd->value[zone - 1])) {
			*why = "reading value is not a meter value";
			return -1;
		}
		rd->has[zone - 1] = 1;
		if (zone > rd->zones)
			rd->zones = zone;
		i += n + 1;
		if (bar && i >= len) {
			*why = "reading list ends with '|'";
			return -1;
		}
	}
	return 0;
}

#define REJECT(code, ...)                                                              \
	return ingest_reject_line(p->sink, c->line, c->text, c->text_len, code, e,     \
				  __VA_ARGS__)

static int data_line(struct sber *p, struct sbyt_err *e)
{
	struct csv *c = &p->c;
	struct ingest_rec r;
	money sum = 0, fee = 0;
	int sum_ok, fee_ok, hh = 0, mi = 0, ss = 0;
	const char *why;
	char **f = c->field;
	size_t *fl = c->flen;

	if (c->nf != F_COUNT)
		REJECT("bad_format", "%d fields, expected %d", c->nf, F_COUNT);
	sum_ok = money_parse(f[F_SUM], (int)fl[F_SUM], ',', &sum) == 0;
	fee_ok = fl[F_FEE] == 0 || money_parse(f[F_FEE], (int)fl[F_FEE], ',', &fee) == 0;

	memset(&r, 0, sizeof(r));
	r.kind = REC_PAYMENT;
	r.line = c->line;
	r.text = c->text;
	r.text_len = c->text_len;
	if (date_parse_dmy(f[F_DATE], (int)fl[F_DATE], &r.pay.paid_on))
		REJECT("bad_date", "date is not a real dd/mm/yyyy date");
	if (fl[F_TIME] != 8 || f[F_TIME][2] != '-' || f[F_TIME][5] != '-' ||
	    (hh = digits_n(f[F_TIME], 2, 23)) < 0 || (mi = digits_n(f[F_TIME] + 3, 2, 59)) < 0 ||
	    (ss = digits_n(f[F_TIME] + 6, 2, 59)) < 0)
		REJECT("bad_time", "time is not hh-mm-ss");
	if (fl[F_TXN] == 0 || ingest_copy_field(f[F_TXN], fl[F_TXN], r.pay.source_id,
						sizeof(r.pay.source_id)))
		REJECT("bad_id", "transaction id is empty or longer than %d bytes", REC_ID_MAX - 1);
	if (account_parse(f[F_ACCOUNT], (int)fl[F_ACCOUNT], &r.pay.account))
		REJECT("bad_account", "account is not a number");
	if (fl[F_PERIOD]) {
		int mm, yy;
		if (fl[F_PERIOD] != 6 || (mm = digits_n(f[F_PERIOD], 2, 12)) < 1 ||
		    (yy = digits_n(f[F_PERIOD] + 2, 4, 2999)) < 1900)
			REJECT("bad_period", "period is not MMYYYY");
		r.pay.has_period = 1;
		r.pay.period = period_from_ym(yy, mm);
	}
	if (!sum_ok)
		REJECT("bad_sum", "sum is not an amount like 1234,56");
	if (sum <= 0)
		REJECT("bad_sum", "sum is not positive");
	if (!fee_ok || fee < 0)
		REJECT("bad_fee", "fee is not an amount like 12,34");
	r.pay.sum = sum;
	r.pay.fee = fee;
	{
		char d[DATE_BUF];
		snprintf(r.pay.paid_at, sizeof(r.pay.paid_at), "%sT%02d:%02d:%02d",
			 date_format(r.pay.paid_on, d), hh, mi, ss);
	}
	snprintf(r.pay.source, sizeof(r.pay.source), "%.*s/%.*s",
		 (int)(fl[F_BRANCH] > 100 ? 100 : fl[F_BRANCH]), f[F_BRANCH],
		 (int)(fl[F_CASHIER] > 100 ? 100 : fl[F_CASHIER]), f[F_CASHIER]);
	if (fl[F_READINGS]) {
		if (parse_readings(f[F_READINGS], fl[F_READINGS], &r.rd, &why))
			REJECT("bad_reading", "%s", why);
		r.has_reading = 1;
		r.rd.account = r.pay.account;
		r.rd.taken_on = r.pay.paid_on;
		strcpy(r.rd.source, "sber");
	}
	return ingest_emit(p->sink, &r, e);
}

static int trailer(struct sber *p, struct sbyt_err *e)
{
	struct csv *c = &p->c;
	char a[MONEY_BUF], b[MONEY_BUF];
	long count = 0;
	money sum, fee;
	char *f0 = c->field[0] + 1;   /* after '=' */
	size_t l0 = c->flen[0] - 1;

	if (c->nf != 5)
		return err_set(e, ERR_DATA, "%s:%ld: trailer has %d fields, expected 5 "
			       "(=count;total_sum;total_fee;order_no;order_date)", c->path, c->line, c->nf);
	if (l0 == 0 || l0 > 9)
		return err_set(e, ERR_DATA, "%s:%ld: trailer count is not a number", c->path, c->line);
	for (size_t i = 0; i < l0; i++) {
		if (f0[i] < '0' || f0[i] > '9')
			return err_set(e, ERR_DATA, "%s:%ld: trailer count is not a number",
				       c->path, c->line);
		count = count * 10 + (f0[i] - '0');
	}
	if (money_parse(c->field[1], (int)c->flen[1], ',', &sum) ||
	    money_parse(c->field[2], (int)c->flen[2], ',', &fee))
		return err_set(e, ERR_DATA, "%s:%ld: trailer sums are not amounts like 1234,56",
			       c->path, c->line);
	if (count != p->lines)
		return err_set(e, ERR_DATA, "%s:%ld: trailer count %ld does not match %ld payment lines",
			       c->path, c->line, count, p->lines);
	if (sum != p->sum)
		return err_set(e, ERR_DATA, "%s:%ld: trailer sum %s does not match the lines' total %s%s",
			       c->path, c->line, money_format(sum, a), money_format(p->sum, b),
			       p->unreadable ? " (some amounts unreadable)" : "");
	if (fee != p->fee)
		return err_set(e, ERR_DATA, "%s:%ld: trailer fee %s does not match the lines' total %s%s",
			       c->path, c->line, money_format(fee, a), money_format(p->fee, b),
			       p->unreadable ? " (some amounts unreadable)" : "");
	ingest_copy_field(c->field[3], c->flen[3] < REC_ID_MAX ? c->flen[3] : 0,
			  p->sink->info.order_no, sizeof(p->sink->info.order_no));
	ingest_copy_field(c->field[4], c->flen[4] < 16 ? c->flen[4] : 0,
			  p->sink->info.order_date, sizeof(p->sink->info.order_date));
	p->sink->info.total = sum;
	return 0;
}

int parse_sber(const struct infile *in, struct ingest_sink *sink, struct sbyt_err *e)
{
	const char *path = in->path;
	struct sber p;
	long trailer_line = 0;
	int r, rc = 0;
	unsigned char head[3];
	size_t nhead;
	FILE *f;

	memset(&p, 0, sizeof(p));
	p.sink = sink;
	/* A byte-order mark means UTF-8: refuse before reading anything. */
	f = infile_fopen(in, e);
	if (!f)
		return -1;
	nhead = fread(head, 1, 3, f);
	fclose(f);
	if (nhead == 0)
		return err_set(e, ERR_DATA, "%s: empty file (no trailer line)", path);
	if (nhead == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
		return err_set(e, ERR_DATA, "%s:1: wrong encoding: UTF-8 byte-order mark, "
			       "the registry must be CP1251", path);

	if (!(f = infile_fopen(in, e)) || csv_open_file(&p.c, f, path, ';', 1, e))
		return -1;
	p.cd = iconv_open("UTF-8", "CP1251");
	p.utf = malloc(4 * CSV_MAX_LINE + 1);
	if (p.cd == (iconv_t)-1 || !p.utf) {
		rc = err_set(e, ERR_INTERNAL, "cannot convert from CP1251: %s", strerror(errno));
		goto out;
	}
	while ((r = csv_next(&p.c, e)) == 1) {
		struct csv *c = &p.c;

		if (csv_blank(c) && !c->bad)
			continue;
		if (trailer_line) {
			rc = err_set(e, ERR_DATA, "%s:%ld: line after the trailer (line %ld)",
				     path, c->line, trailer_line);
			goto out;
		}
		if (!c->bad && c->text[0] == '=') {
			trailer_line = c->line;
			if ((rc = trailer(&p, e)) != 0)
				goto out;
			continue;
		}
		if (!c->bad && looks_utf8(c->text, c->text_len)) {
			rc = err_set(e, ERR_DATA, "%s:%ld: wrong encoding: the line is UTF-8, "
				     "the registry must be CP1251", path, c->line);
			goto out;
		}
		tally(&p);
		if (c->bad) {
			if (parse_reject_bad(c, sink, e) < 0) {
				rc = -1;
				goto out;
			}
			continue;
		}
		if (to_utf8(&p)) {
			if (ingest_reject_line(sink, c->line, c->text, c->text_len, "bad_encoding", e,
					       "byte not defined in CP1251")) {
				rc = -1;
				goto out;
			}
			continue;
		}
		if (data_line(&p, e)) {
			rc = -1;
			goto out;
		}
	}
	if (r < 0) {
		rc = -1;
		goto out;
	}
	if (!trailer_line)
		rc = err_set(e, ERR_DATA, "%s:%ld: no trailer line ('=count;sum;fee;order;date'): "
			     "file truncated", path, p.c.line);
out:
	if (p.cd != (iconv_t)-1 && p.cd)
		iconv_close(p.cd);
	free(p.utf);
	csv_close(&p.c);
	return rc;
}
