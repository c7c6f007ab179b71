/* qr.c - GOST R 56042-2014 payment payloads; see qr.h. */
#include "qr.h"

#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size, len;
	int overflow;
};

static void put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->len + n + 1 > o->size) {
		o->overflow = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n + 1);
	o->len += n;
}

/* Characters of valid UTF-8 s, or -1 when s is not valid UTF-8 or holds a
 * control character or the separator. */
static long text_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
			: (*p & 0xF8) == 0xF0 ? 4 : 0;

		if (!len || (len == 2 && *p < 0xC2) || *p < 0x20 || *p == 0x7F || *p == '|')
			return -1;
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xC0) != 0x80)
				return -1;
		p += len;
		n++;
	}
	return n;
}

static int digits_only(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Append "|Key=value" after checking value: required fields must be
 * non-empty; max_chars > 0 bounds the characters; digits: 0 any text,
 * else the value must be min..max digits (min = digits / 100, max = digits % 100). */
static int field(struct out *o, const char *key, const char *value, int required,
		 long max_chars, int digits, struct sbyt_err *e)
{
	long n;

	if (!value || !*value) {
		if (required)
			return err_set(e, ERR_DATA, "QR requisite %s is missing", key);
		return 0;
	}
	n = text_chars(value);
	if (n < 0)
		return err_set(e, ERR_DATA,
			       "QR requisite %s holds '|', a control character or invalid UTF-8", key);
	if (max_chars > 0 && n > max_chars)
		return err_set(e, ERR_DATA, "QR requisite %s is longer than %ld characters", key,
			       max_chars);
	if (digits && !digits_only(value, (size_t)(digits / 100), (size_t)(digits % 100)))
		return err_set(e, ERR_DATA, "QR requisite %s must be %d to %d digits, not '%s'", key,
			       digits / 100, digits % 100, value);
	put(o, "|");
	put(o, key);
	put(o, "=");
	put(o, value);
	return 0;
}

void qr_payment_init(struct qr_payment *p, const struct supplier *s)
{
	memset(p, 0, sizeof(*p));
	p->name = s->name;
	p->personal_acc = s->account;
	p->bank_name = s->bank_name;
	p->bic = s->bic;
	p->corresp_acc = s->corr_account;
	p->payee_inn = s->inn;
	p->kpp = s->kpp;
	p->paym_period = QR_NO_PERIOD;
}

/* The payee's part: the service block, the mandatory block, PayeeINN, KPP. */
static int payee_part(struct out *o, const struct qr_payment *p, struct sbyt_err *e)
{
	put(o, "ST00012");
	if (field(o, "Name", p->name, 1, 160, 0, e) < 0 ||
	    field(o, "PersonalAcc", p->personal_acc, 1, 0, 2020, e) < 0 ||
	    field(o, "BankName", p->bank_name, 1, 45, 0, e) < 0 ||
	    field(o, "BIC", p->bic, 1, 0, 909, e) < 0 ||
	    field(o, "CorrespAcc", p->corresp_acc, 1, 0, 120, e) < 0)
		return -1;
	if (!o->overflow && o->len > QR_MANDATORY_MAX)
		return err_set(e, ERR_DATA,
			       "QR mandatory block is %zu bytes, more than the %d GOST R 56042-2014 allows",
			       o->len, QR_MANDATORY_MAX);
	return field(o, "PayeeINN", p->payee_inn, 0, 0, 1012, e) < 0 ||
	       field(o, "KPP", p->kpp, 0, 9, 0, e) < 0 ? -1 : 0;
}

/* The rest: the customer's account, the sum, the period, the payer. */
static int payer_part(struct out *o, const struct qr_payment *p, struct sbyt_err *e)
{
	char tmp[32];

	if (field(o, "PersAcc", p->pers_acc, 0, 60, 0, e) < 0)
		return -1;
	if (p->sum > 0) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)p->sum);
		if (field(o, "Sum", tmp, 1, 0, 118, e) < 0)
			return -1;
	}
	if (p->paym_period != QR_NO_PERIOD) {
		int y, m;

		period_to_ym(p->paym_period, &y, &m);
		snprintf(tmp, sizeof(tmp), "%02d%04d", m, y);
		if (field(o, "PaymPeriod", tmp, 1, 0, 606, e) < 0)
			return -1;
	}
	if (field(o, "Purpose", p->purpose, 0, 210, 0, e) < 0 ||
	    field(o, "LastName", p->last_name, 0, 0, 0, e) < 0 ||
	    field(o, "FirstName", p->first_name, 0, 0, 0, e) < 0 ||
	    field(o, "MiddleName", p->middle_name, 0, 0, 0, e) < 0 ||
	    field(o, "PayerAddress", p->payer_address, 0, 0, 0, e) < 0)
		return -1;
	return 0;
}

static int done(const struct out *o, size_t size, struct sbyt_err *e)
{
	if (o->overflow)
		return err_set(e, ERR_DATA, "QR payload longer than the %zu-byte buffer", size);
	return (int)o->len;
}

int qr_payload(const struct qr_payment *p, char *buf, size_t size, struct sbyt_err *e)
{
	struct out o = { buf, size, 0, 0 };

	if (size)
		buf[0] = '\0';
	if (payee_part(&o, p, e) < 0 || payer_part(&o, p, e) < 0)
		return -1;
	return done(&o, size, e);
}

int qr_payee(const struct qr_payment *p, char *buf, size_t size, struct sbyt_err *e)
{
	struct out o = { buf, size, 0, 0 };

	if (size)
		buf[0] = '\0';
	if (payee_part(&o, p, e) < 0)
		return -1;
	return done(&o, size, e);
}

int qr_payload_from(const char *payee, const struct qr_payment *p, char *buf, size_t size,
		    struct sbyt_err *e)
{
	struct out o = { buf, size, 0, 0 };

	if (size)
		buf[0] = '\0';
	put(&o, payee);
	if (payer_part(&o, p, e) < 0)
		return -1;
	return done(&o, size, e);
}
