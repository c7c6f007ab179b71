/* docs.c - payment documents and their packages; see docs.h. */
#include "docs.h"

#include <errno.h>
#include <time.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "db.h"
#include "ledger.h"
#include "package.h"
#include "penalty.h"
#include "qr.h"
#include "tariff.h"
#include "xlsx.h"

#define FETCH_ROWS "5000"

static const char *const channels[DOCS_CHANNELS] = { "post", "email", "lkk", "edo" };

const char *docs_channel_name(int channel)
{
	return channel >= 0 && channel < DOCS_CHANNELS ? channels[channel] : NULL;
}

static int channel_index(const char *s)
{
	for (int i = 0; i < DOCS_CHANNELS; i++)
		if (!strcmp(s, channels[i]))
			return i;
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- cursors read a batch at a time, all ordered by seq (column 0) ---- */

struct cur {
	PGconn *db;
	const char *name;
	PGresult *res;
	int row, n, done, declared;
};

static int cur_fetch(struct cur *c, struct sbyt_err *e)
{
	char sql[64];

	PQclear(c->res);
	snprintf(sql, sizeof(sql), "FETCH " FETCH_ROWS " FROM %s", c->name);
	c->res = db_query(c->db, e, sql, 0, NULL);

	if (!c->res)
		return -1;
	c->n = PQntuples(c->res);
	c->row = 0;
	c->done = c->n == 0;
	return 0;
}

static int cur_open(struct cur *c, PGconn *db, const char *name, const char *query, int np,
		    const char *const *params, struct sbyt_err *e)
{
	char sql[4096];

	memset(c, 0, sizeof(*c));
	c->db = db;
	c->name = name;
	snprintf(sql, sizeof(sql), "DECLARE %s NO SCROLL CURSOR FOR %s", name, query);
	if (db_exec(db, e, sql, np, params))
		return -1;
	c->declared = 1;
	return cur_fetch(c, e);
}

static void cur_close(struct cur *c)
{
	PQclear(c->res);
	c->res = NULL;
	c->done = 1;
}

static int64_t cur_seq(const struct cur *c)
{
	return c->done ? INT64_MAX : strtoll(PQgetvalue(c->res, c->row, 0), NULL, 10);
}

static const char *cur_val(const struct cur *c, int col)
{
	return PQgetisnull(c->res, c->row, col) ? NULL : PQgetvalue(c->res, c->row, col);
}

static int cur_next(struct cur *c, struct sbyt_err *e)
{
	if (c->done)
		return 0;
	if (++c->row >= c->n)
		return cur_fetch(c, e);
	return 0;
}

/* ---- documents.xml through our own output, so write errors are seen ---- */

struct xout {
	FILE *f;
	int err;
};

static int xout_write(void *ctx, const char *buf, int len)
{
	struct xout *o = ctx;

	if (len > 0 && fwrite(buf, 1, (size_t)len, o->f) != (size_t)len) {
		o->err = errno ? errno : EIO;
		return -1;
	}
	return len;
}

static int xout_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* One channel's package being written. */
struct chanpkg {
	int open, chan;
	struct package pkg;
	const char *xml_path, *xlsx_path;
	struct xout xo;
	xmlTextWriterPtr w;
	int bad;             /* an xmlTextWriter call failed */
	struct xlsx_table x;
	int x_open;
	int64_t docs;
	int first, last;
	money total, opening, charged, recalc, penalty, paid;
};

static void xs(struct chanpkg *cp, const char *name)
{
	if (xmlTextWriterStartElement(cp->w, BAD_CAST name) < 0)
		cp->bad = 1;
}

static void xa(struct chanpkg *cp, const char *name, const char *value)
{
	if (xmlTextWriterWriteAttribute(cp->w, BAD_CAST name, BAD_CAST value) < 0)
		cp->bad = 1;
}

static void xe(struct chanpkg *cp)
{
	if (xmlTextWriterEndElement(cp->w) < 0)
		cp->bad = 1;
}

static void xmoney(struct chanpkg *cp, const char *name, money m)
{
	char buf[MONEY_BUF];

	xa(cp, name, money_format(m, buf));
}

/* "5.67000" -> "5.67": trailing zeros go, at least 2 decimals stay. */
static const char *tariff_text(const char *s, char *buf, size_t size)
{
	const char *dot;
	size_t n;

	snprintf(buf, size, "%s", s);
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	n = strlen(buf);
	while (n > (size_t)(dot - buf) + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

/* ---- the stage ---- */

struct dline {
	char kind[8];
	int zone, band;          /* 0: none */
	char volume[24], tariff[24];
	int has_tariff;
	money amount, vat;
};

struct dread {
	char meter[40];
	int zone;
	char previous[24], current[24];
	int has_current;
};


struct branch_run {
	PGconn *db;
	const struct docs_opts *o;
	const char *branch;
	int published;           /* re-issue of a published period */
	char pfirst[DATE_BUF], plast[DATE_BUF], pname[PERIOD_BUF];
	const struct supplier *sup;
	const struct billing_rules *billing;
	const struct penalty_rules *pr;
	struct ledger led;
	struct ledger_debt debt;
	struct dline *line;
	int nline, line_cap;
	struct dread *read;
	int nread, read_cap;
	PGconn *rdb;             /* the reader: numbering and cursors */
	struct copy rows;        /* COPY document on db, open while streaming */
	int rows_open;
	struct chanpkg cp;
	int made[DOCS_CHANNELS];
	struct {
		char path[4096];
		char sha256[SHA256_HEX];
		int64_t bytes;
	} done[DOCS_CHANNELS];   /* packages in place, to report after the commit */
	int ndone;
	struct docs_result *r;
};

static const char *const reg_headers[] = {
	"№ документа", "Лицевой счёт", "Плательщик", "Индекс", "Адрес", "Входящий долг",
	"Начислено", "Перерасчёт", "Пени", "Оплачено", "К оплате", "Срок оплаты",
};
static const double reg_widths[] = { 12, 14, 40, 10, 60, 14, 14, 14, 12, 14, 14, 14 };
#define REG_COLS ((int)(sizeof(reg_headers) / sizeof(reg_headers[0])))

static void cp_abort(struct chanpkg *cp)
{
	struct sbyt_err ignore;

	if (!cp->open)
		return;
	if (cp->w)
		xmlFreeTextWriter(cp->w);
	cp->w = NULL;
	if (cp->xo.f)
		fclose(cp->xo.f);
	cp->xo.f = NULL;
	if (cp->x_open)
		xlsx_table_close(&cp->x, &ignore);
	cp->x_open = 0;
	package_abort(&cp->pkg);
	cp->open = 0;
}

static int cp_open(struct branch_run *b, int chan, struct sbyt_err *e)
{
	struct chanpkg *cp = &b->cp;
	const struct supplier *s = b->sup;
	char path[4096];
	xmlOutputBufferPtr out;

	memset(cp, 0, sizeof(*cp));
	cp->chan = chan;
	if (snprintf(path, sizeof(path), "%s/docs/%s/%s/%s.zip", b->o->out_dir, b->pname,
		     b->branch, channels[chan]) >= (int)sizeof(path))
		return err_set(e, ERR_CANTCREATE, "output path too long");
	if (package_open(&cp->pkg, path, e))
		return -1;
	cp->open = 1;
	cp->xml_path = package_entry(&cp->pkg, "documents.xml", e);
	cp->xlsx_path = cp->xml_path ? package_entry(&cp->pkg, "register.xlsx", e) : NULL;
	if (!cp->xlsx_path)
		goto fail;
	cp->xo.f = fopen(cp->xml_path, "w");
	if (!cp->xo.f) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", cp->xml_path, strerror(errno));
		goto fail;
	}
	out = xmlOutputBufferCreateIO(xout_write, xout_close, &cp->xo, NULL);
	cp->w = out ? xmlNewTextWriter(out) : NULL;
	if (!cp->w) {
		if (out)
			xmlOutputBufferClose(out);
		err_set(e, ERR_INTERNAL, "cannot start the documents writer");
		goto fail;
	}
	xmlTextWriterSetIndent(cp->w, 1);
	if (xmlTextWriterStartDocument(cp->w, "1.0", "UTF-8", NULL) < 0)
		cp->bad = 1;
	xs(cp, "Documents");
	xa(cp, "xmlns", "urn:sbyt:docs:1");
	xa(cp, "period", b->pname);
	xa(cp, "branch", b->branch);
	xa(cp, "channel", channels[chan]);
	xs(cp, "Supplier");
	xa(cp, "name", s->name);
	xa(cp, "shortName", s->short_name);
	xa(cp, "inn", s->inn);
	xa(cp, "kpp", s->kpp);
	xa(cp, "address", s->address);
	xa(cp, "phone", s->phone);
	xa(cp, "email", s->email);
	xa(cp, "site", s->site);
	if (s->sample)
		xa(cp, "sample", "true");
	xs(cp, "Bank");
	xa(cp, "name", s->bank_name);
	xa(cp, "bic", s->bic);
	xa(cp, "corrAccount", s->corr_account);
	xa(cp, "account", s->account);
	xe(cp);
	xe(cp);
	if (xlsx_table_open(&cp->x, cp->xlsx_path, "Реестр", reg_headers, reg_widths, REG_COLS, e))
		goto fail;
	cp->x_open = 1;
	return 0;
fail:
	cp_abort(cp);
	return -1;
}

static int cp_commit(struct branch_run *b, struct sbyt_err *e)
{
	struct chanpkg *cp = &b->cp;
	char buf[MONEY_BUF], num[24];
	int rc;

	if (xmlTextWriterEndDocument(cp->w) < 0)
		cp->bad = 1;
	xmlFreeTextWriter(cp->w);
	cp->w = NULL;
	rc = fflush(cp->xo.f) != 0 || ferror(cp->xo.f) || fsync(fileno(cp->xo.f)) != 0;
	if (rc && !cp->xo.err)
		cp->xo.err = errno;
	rc |= fclose(cp->xo.f) != 0;
	if (rc && !cp->xo.err)
		cp->xo.err = errno;
	cp->xo.f = NULL;
	if (rc || cp->bad || cp->xo.err) {
		err_set(e, ERR_IO, "cannot write the documents of '%s': %s", cp->pkg.final,
			strerror(cp->xo.err ? cp->xo.err : EIO));
		goto fail;
	}
	cp->x_open = 0;
	if (xlsx_table_close(&cp->x, e))
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)cp->docs);
	package_fact(&cp->pkg, "period", b->pname);
	package_fact(&cp->pkg, "branch", b->branch);
	package_fact(&cp->pkg, "channel", channels[cp->chan]);
	package_fact(&cp->pkg, "documents", num);
	snprintf(num, sizeof(num), "%d", cp->first);
	package_fact(&cp->pkg, "first", num);
	snprintf(num, sizeof(num), "%d", cp->last);
	package_fact(&cp->pkg, "last", num);
	package_fact(&cp->pkg, "total", money_format(cp->total, buf));
	package_fact(&cp->pkg, "opening", money_format(cp->opening, buf));
	package_fact(&cp->pkg, "charged", money_format(cp->charged, buf));
	package_fact(&cp->pkg, "recalc", money_format(cp->recalc, buf));
	package_fact(&cp->pkg, "penalty", money_format(cp->penalty, buf));
	package_fact(&cp->pkg, "paid", money_format(cp->paid, buf));
	if (package_commit(&cp->pkg, b->o->run_id, b->o->rules_version, e)) {
		cp->open = 0;
		return -1;
	}
	cp->open = 0;
	b->made[cp->chan] = 1;
	b->r->packages++;
	/* reported after the commit: the writer connection is in its COPY */
	snprintf(b->done[b->ndone].path, sizeof(b->done[0].path), "%s", cp->pkg.final);
	memcpy(b->done[b->ndone].sha256, cp->pkg.sha256, sizeof(cp->pkg.sha256));
	b->done[b->ndone].bytes = cp->pkg.bytes;
	b->ndone++;
	return 0;
fail:
	cp_abort(cp);
	return -1;
}

/* One new document row into the COPY that runs on the writer connection
 * while the reader's cursors are read: the server stores the rows (indexes,
 * foreign keys) while we write the packages. */
static int put_row(struct branch_run *b, int64_t account, int number, int chan, sdate due,
		   money total, const char *qr, struct sbyt_err *e)
{
	struct copy *c = &b->rows;
	char d[DATE_BUF];
	double t0 = now();
	int rc;

	rc = copy_int(c, account, e) || copy_str(c, b->pfirst, e) || copy_str(c, b->branch, e) ||
	     copy_int(c, number, e) || copy_str(c, channels[chan], e) ||
	     copy_str(c, date_format(b->o->as_of, d), e) || copy_str(c, date_format(due, d), e) ||
	     copy_int(c, total, e) || copy_str(c, qr, e) ||
	     (b->o->run_id > 0 ? copy_int(c, b->o->run_id, e) : copy_null(c, e)) ||
	     copy_row(c, e);
	b->r->t_rows += now() - t0;
	return rc ? -1 : 0;
}

static int grow(void **p, int *cap, int need, size_t size, struct sbyt_err *e)
{
	void *q;
	int n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * size);
	if (!q)
		return err_set(e, ERR_INTERNAL, "out of memory");
	*p = q;
	*cap = n;
	return 0;
}

static sdate parse_date(const char *s)
{
	sdate d = 0;

	if (s)
		date_parse(s, -1, &d);
	return d;
}

static int64_t to_i64(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Split "Фамилия Имя Отчество" into at most three words (in place). */
static void split_name(char *s, const char **w)
{
	int n = 0;

	w[0] = w[1] = w[2] = NULL;
	for (char *t = strtok(s, " "); t && n < 3; t = strtok(NULL, " "))
		w[n++] = t;
}

/* The QR payload of one document into buf; payer details are dropped when
 * they would make it invalid (a "|" in the address...). */
static int make_qr(struct branch_run *b, const char *account, int legal, const char *name,
		   const char *address, money total, char *buf, size_t size, struct sbyt_err *e)
{
	struct qr_payment q;
	char words[512], purpose[160];
	const char *w[3];
	int y, m;

	period_to_ym(b->o->period, &y, &m);
	snprintf(purpose, sizeof(purpose), "Оплата электроэнергии за %02d.%04d, л/с %s", m, y,
		 account);
	qr_payment_init(&q, b->sup);
	q.pers_acc = account;
	q.sum = total;
	q.paym_period = b->o->period;
	q.purpose = purpose;
	if (!legal) {
		snprintf(words, sizeof(words), "%s", name);
		split_name(words, w);
		q.last_name = w[0];
		q.first_name = w[1];
		q.middle_name = w[2];
	}
	q.payer_address = address;
	if (qr_payload(&q, buf, size, e) >= 0)
		return 0;
	q.last_name = q.first_name = q.middle_name = q.payer_address = NULL;
	return qr_payload(&q, buf, size, e) >= 0 ? 0 : -1;
}

enum { D_SEQ, D_NUMBER, D_CHAN, D_ACCOUNT, D_KIND, D_NAME, D_ADDRESS, D_POSTCODE, D_INN, D_KPP,
       D_CONTRACT, D_TOTAL, D_QR, D_DUE };

/* Write the document at the docs cursor, consuming the rows of the other
 * cursors that belong to it. */
static int one_document(struct branch_run *b, struct cur *docs, struct cur *lines,
			struct cur *obl, struct cur *pay, struct cur *rd, struct sbyt_err *e)
{
	int64_t seq = cur_seq(docs);
	int number = (int)to_i64(cur_val(docs, D_NUMBER));
	const char *account = cur_val(docs, D_ACCOUNT);
	int legal = !strcmp(cur_val(docs, D_KIND), "legal");
	enum customer_kind kind = legal ? CUSTOMER_LEGAL : CUSTOMER_INDIVIDUAL;
	sdate first = period_first(b->o->period), last = period_last(b->o->period);
	money opening = 0, charged = 0, recalc = 0, penalty = 0, stored_penalty = 0, paid = 0;
	money pen_start, pen_end, total;
	int has_penalty_line = 0;
	sdate due = 0;
	char qr[QR_BUF], buf[64], dbuf[DATE_BUF];
	struct chanpkg *cp = &b->cp;

	ledger_reset(&b->led);
	b->nline = b->nread = 0;
	while (cur_seq(lines) < seq)
		if (cur_next(lines, e))
			return -1;
	for (; cur_seq(lines) == seq; ) {
		struct dline *l;
		const char *v;
		if (grow((void **)&b->line, &b->line_cap, b->nline + 1, sizeof(*b->line), e))
			return -1;
		l = &b->line[b->nline++];
		memset(l, 0, sizeof(*l));
		snprintf(l->kind, sizeof(l->kind), "%s", cur_val(lines, 1));
		l->zone = (int)to_i64(cur_val(lines, 2));
		l->band = (int)to_i64(cur_val(lines, 3));
		snprintf(l->volume, sizeof(l->volume), "%s", cur_val(lines, 4));
		v = cur_val(lines, 5);
		l->has_tariff = v != NULL;
		if (v)
			tariff_text(v, l->tariff, sizeof(l->tariff));
		l->amount = to_i64(cur_val(lines, 6));
		l->vat = to_i64(cur_val(lines, 7));
		if (!strcmp(l->kind, "charge"))
			charged += l->amount;
		else if (!strcmp(l->kind, "recalc"))
			recalc += l->amount;
		else {
			stored_penalty += l->amount;
			has_penalty_line = 1;
		}
		if (cur_next(lines, e))
			return -1;
	}
	while (cur_seq(obl) < seq)
		if (cur_next(obl, e))
			return -1;
	for (; cur_seq(obl) == seq; ) {
		struct ledger_charge c;
		const char *k = cur_val(obl, 2);
		speriod p = period_of(parse_date(cur_val(obl, 1)));
		money amount = to_i64(cur_val(obl, 4));
		sdate d = parse_date(cur_val(obl, 3));

		if (p < b->o->period)
			opening += amount;
		else if (d > due)
			due = d;
		if (strcmp(k, "penalty") != 0 && amount != 0) {
			c.period = p;
			c.due = d;
			c.amount = amount;
			c.kind = !strcmp(k, "recalc") || amount < 0 ? LEDGER_RECALC : LEDGER_CHARGE;
			if (ledger_add_charge(&b->led, &c, e) < 0)
				return err_prefix(e, "account %s", account);
		}
		if (cur_next(obl, e))
			return -1;
	}
	while (cur_seq(pay) < seq)
		if (cur_next(pay, e))
			return -1;
	for (; cur_seq(pay) == seq; ) {
		struct ledger_payment p;
		const char *named = cur_val(pay, 4);

		p.id = to_i64(cur_val(pay, 1));
		p.date = parse_date(cur_val(pay, 2));
		p.amount = to_i64(cur_val(pay, 3));
		p.period = named ? period_of(parse_date(named)) : LEDGER_NO_PERIOD;
		if (p.date < first)
			opening -= p.amount;
		else
			paid += p.amount;
		if (ledger_add_payment(&b->led, &p, e))
			return err_prefix(e, "account %s", account);
		if (cur_next(pay, e))
			return -1;
	}
	while (cur_seq(rd) < seq)
		if (cur_next(rd, e))
			return -1;
	for (; cur_seq(rd) == seq; ) {
		struct dread *r;
		const char *prev = cur_val(rd, 4) ? cur_val(rd, 4) : cur_val(rd, 3);
		const char *curv = cur_val(rd, 5);

		if (grow((void **)&b->read, &b->read_cap, b->nread + 1, sizeof(*b->read), e))
			return -1;
		r = &b->read[b->nread++];
		snprintf(r->meter, sizeof(r->meter), "%s", cur_val(rd, 1));
		r->zone = (int)to_i64(cur_val(rd, 2));
		snprintf(r->previous, sizeof(r->previous), "%s", prev ? prev : "0.000");
		r->has_current = curv != NULL;
		snprintf(r->current, sizeof(r->current), "%s", curv ? curv : "");
		if (cur_next(rd, e))
			return -1;
	}

	/* penalties from the ledger, as of the day before the period and its last day */
	if (ledger_allocate(&b->led, e) ||
	    ledger_debt_compute(&b->led, b->pr, kind, first - 1, &b->debt, e))
		return err_prefix(e, "account %s", account);
	pen_start = b->debt.penalty;
	if (ledger_debt_compute(&b->led, b->pr, kind, last, &b->debt, e))
		return err_prefix(e, "account %s", account);
	pen_end = b->debt.penalty;
	opening += pen_start;
	penalty = has_penalty_line ? stored_penalty : pen_end - pen_start;
	total = opening + charged + recalc + penalty - paid;
	if (!due) {
		int y, m;
		period_to_ym(b->o->period, &y, &m);
		m += b->billing->due_offset;
		while (m > 12) {
			m -= 12;
			y++;
		}
		due = date_from_ymd(y, m, b->billing->due_day);
	}
	if (make_qr(b, account, legal, cur_val(docs, D_NAME), cur_val(docs, D_ADDRESS), total, qr,
		    sizeof(qr), e))
		return err_prefix(e, "account %s", account);

	if (cur_val(docs, D_TOTAL)) {
		/* issued before: it must come out the same */
		if (to_i64(cur_val(docs, D_TOTAL)) != total || strcmp(cur_val(docs, D_QR), qr) != 0 ||
		    parse_date(cur_val(docs, D_DUE)) != due) {
			char was[MONEY_BUF], now[MONEY_BUF];
			err_set(e, ERR_DATA, "published document %d of branch '%s' for %s would change"
				" (account %s: total %s, issued with %s)", number, b->branch, b->pname,
				account, money_format(total, now),
				money_format(to_i64(cur_val(docs, D_TOTAL)), was));
			return err_detail(e, "an issued document is not altered: corrections go to the"
					  " next period as recalculation lines");
		}
	} else {
		if (put_row(b, to_i64(account), number, cp->chan, due, total, qr, e))
			return -1;
		b->r->issued++;
	}

	/* the document */
	xs(cp, "PaymentDocument");
	snprintf(buf, sizeof(buf), "%d", number);
	xa(cp, "number", buf);
	xa(cp, "account", account);
	xa(cp, "period", b->pname);
	xa(cp, "due", date_format(due, dbuf));
	xmoney(cp, "total", total);
	xa(cp, "qr", qr);
	xs(cp, "Payer");
	xa(cp, "kind", legal ? "legal" : "individual");
	xa(cp, "name", cur_val(docs, D_NAME));
	xa(cp, "postcode", cur_val(docs, D_POSTCODE));
	xa(cp, "address", cur_val(docs, D_ADDRESS));
	if (legal && cur_val(docs, D_INN)) {
		xa(cp, "inn", cur_val(docs, D_INN));
		if (cur_val(docs, D_KPP) && *cur_val(docs, D_KPP))
			xa(cp, "kpp", cur_val(docs, D_KPP));
		xa(cp, "contract", cur_val(docs, D_CONTRACT));
	}
	xe(cp);
	for (int i = 0; i < b->nread; i++) {
		struct dread *r = &b->read[i];
		xs(cp, "Reading");
		xa(cp, "meter", r->meter);
		snprintf(buf, sizeof(buf), "%d", r->zone);
		xa(cp, "zone", buf);
		xa(cp, "previous", r->previous);
		if (r->has_current)
			xa(cp, "current", r->current);
		xe(cp);
	}
	for (int i = 0; i < b->nline; i++) {
		struct dline *l = &b->line[i];
		int pen = !strcmp(l->kind, "penalty");
		xs(cp, "Line");
		xa(cp, "kind", l->kind);
		if (l->zone) {
			snprintf(buf, sizeof(buf), "%d", l->zone);
			xa(cp, "zone", buf);
		}
		if (l->band) {
			snprintf(buf, sizeof(buf), "%d", l->band);
			xa(cp, "band", buf);
		}
		if (!pen)
			xa(cp, "volume", l->volume);
		if (l->has_tariff)
			xa(cp, "tariff", l->tariff);
		xmoney(cp, "amount", l->amount);
		if (legal && !pen)
			xmoney(cp, "vat", l->vat);
		xe(cp);
	}
	if (!has_penalty_line && penalty != 0) {
		xs(cp, "Line");
		xa(cp, "kind", "penalty");
		xmoney(cp, "amount", penalty);
		xe(cp);
	}
	xs(cp, "Opening");
	xmoney(cp, "debt", opening);
	xe(cp);
	xs(cp, "Accrued");
	xmoney(cp, "charge", charged);
	xmoney(cp, "recalc", recalc);
	xmoney(cp, "penalty", penalty);
	xe(cp);
	xs(cp, "Paid");
	xmoney(cp, "sum", paid);
	xe(cp);
	/* A limitation warning (<Warning>, optional in xsd/docs.xsd) plugs in
	 * here when the limitation stage chooses the document as its channel. */
	xe(cp);
	if (cp->bad || cp->xo.err)
		return err_set(e, ERR_IO, "cannot write the documents of '%s': %s", cp->pkg.final,
			       strerror(cp->xo.err ? cp->xo.err : EIO));

	/* the register row */
	if (xlsx_table_row(&cp->x, e))
		return -1;
	xlsx_table_int(&cp->x, 0, number);
	xlsx_table_str(&cp->x, 1, account);
	xlsx_table_str(&cp->x, 2, cur_val(docs, D_NAME));
	xlsx_table_str(&cp->x, 3, cur_val(docs, D_POSTCODE));
	xlsx_table_str(&cp->x, 4, cur_val(docs, D_ADDRESS));
	xlsx_table_money(&cp->x, 5, opening);
	xlsx_table_money(&cp->x, 6, charged);
	xlsx_table_money(&cp->x, 7, recalc);
	xlsx_table_money(&cp->x, 8, penalty);
	xlsx_table_money(&cp->x, 9, paid);
	xlsx_table_money(&cp->x, 10, total);
	xlsx_table_date(&cp->x, 11, due);

	if (cp->docs == 0 || number < cp->first)
		cp->first = number;
	if (number > cp->last)
		cp->last = number;
	cp->docs++;
	cp->total += total;
	cp->opening += opening;
	cp->charged += charged;
	cp->recalc += recalc;
	cp->penalty += penalty;
	cp->paid += paid;
	b->r->documents++;
	b->r->total += total;
	return 0;
}

/* Fill docs_key with the branch's accounts to document and their sort keys,
 * then number them into docs_num. */
static int number_documents(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[3] = { b->pfirst, b->branch, b->published ? "t" : "f" };
	struct cur acc;
	char key[512];

	if (db_exec(b->rdb, e, "CREATE TEMP TABLE docs_key (account_id bigint NOT NULL,"
		    " chan smallint NOT NULL, number integer, key text NOT NULL) ON COMMIT DROP",
		    0, NULL) ||
	    cur_open(&acc, b->rdb, "docs_acc",
		     "SELECT a.account_id, coalesce(d.channel, a.delivery), d.number, a.postcode,"
		     " a.address FROM account a LEFT JOIN document d ON d.account_id = a.account_id"
		     " AND d.period = $1::date AND $3::boolean WHERE a.branch = $2 AND (d.account_id IS NOT NULL OR"
		     " EXISTS (SELECT 1 FROM charge_line l WHERE l.account_id = a.account_id"
		     " AND l.period = $1::date))", 3, p, e))
		return -1;
	while (!acc.done) {
		struct copy c;
		if (copy_begin(&c, b->rdb, "COPY docs_key FROM STDIN", e))
			goto fail;
		for (; acc.row < acc.n; acc.row++) {
			int chan = channel_index(cur_val(&acc, 1));
			const char *num = cur_val(&acc, 2);
			if (chan == 0)
				address_sort_key(cur_val(&acc, 3), cur_val(&acc, 4), key, sizeof(key));
			else
				key[0] = '\0';
			if (copy_str(&c, cur_val(&acc, 0), e) || copy_int(&c, chan < 0 ? 0 : chan, e) ||
			    (num ? copy_str(&c, num, e) : copy_null(&c, e)) || copy_str(&c, key, e) ||
			    copy_row(&c, e)) {
				copy_abort(&c, "failed");
				goto fail;
			}
		}
		if (copy_end(&c, e) || cur_fetch(&acc, e))
			goto fail;
	}
	cur_close(&acc);
	if (db_exec(b->rdb, e, "CLOSE docs_acc", 0, NULL))
		return -1;
	return db_exec(b->rdb, e,
		       "CREATE TEMP TABLE docs_num ON COMMIT DROP AS"
		       " SELECT account_id, chan, number, row_number() OVER (ORDER BY chan, number) AS seq"
		       " FROM (SELECT account_id, chan, CASE WHEN number IS NOT NULL THEN number ELSE"
		       " (SELECT coalesce(max(number), 0) FROM docs_key) + row_number() OVER"
		       " (PARTITION BY number IS NULL ORDER BY chan, key COLLATE \"C\", account_id)"
		       " END AS number FROM docs_key) s", 0, NULL) ||
	       db_exec(b->rdb, e, "CREATE UNIQUE INDEX ON docs_num (account_id)", 0, NULL) ||
	       db_exec(b->rdb, e, "ANALYZE docs_num", 0, NULL);
fail:
	cur_close(&acc);
	return -1;
}

static int stream_documents(struct branch_run *b, struct sbyt_err *e)
{
	const char *p1[1] = { b->pfirst };
	const char *p2[1] = { b->plast };
	const char *p12[2] = { b->pfirst, b->plast };
	const char *pdoc[2] = { b->pfirst, b->published ? "t" : "f" };
	struct cur docs, lines, obl, pay, rd;
	int rc = -1;
	double t0 = now();

	memset(&lines, 0, sizeof(lines));
	memset(&obl, 0, sizeof(obl));
	memset(&pay, 0, sizeof(pay));
	memset(&rd, 0, sizeof(rd));
	if (cur_open(&docs, b->rdb, "docs_doc",
		     "SELECT n.seq, n.number, n.chan, a.account_id, a.kind, a.name, a.address,"
		     " a.postcode, c.inn, c.kpp, c.contract, d.total, d.qr, d.due"
		     " FROM docs_num n JOIN account a ON a.account_id = n.account_id"
		     " LEFT JOIN contract c ON c.account_id = n.account_id"
		     " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $1::date"
		     " AND $2::boolean ORDER BY n.seq", 2, pdoc, e))
		return -1;
	if (cur_open(&lines, b->rdb, "docs_line",
		     "SELECT n.seq, l.kind, l.zone, l.band, l.volume, l.tariff, l.amount, l.vat"
		     " FROM docs_num n JOIN charge_line l ON l.account_id = n.account_id"
		     " AND l.period = $1::date ORDER BY n.seq, l.line_no", 1, p1, e) ||
	    cur_open(&obl, b->rdb, "docs_obl",
		     "SELECT n.seq, o.period, o.kind, o.due, o.amount FROM docs_num n"
		     " JOIN obligation o ON o.account_id = n.account_id AND o.period <= $1::date"
		     " ORDER BY n.seq, o.period, o.seq", 1, p1, e) ||
	    cur_open(&pay, b->rdb, "docs_pay",
		     "SELECT n.seq, p.payment_id, p.paid_on, p.amount, p.period FROM docs_num n"
		     " JOIN payment p ON p.account_id = n.account_id AND p.paid_on <= $1::date"
		     " ORDER BY n.seq, p.paid_on, p.payment_id", 1, p2, e) ||
	    cur_open(&rd, b->rdb, "docs_read",
		     "SELECT n.seq, m.meter, z.zone, CASE z.zone WHEN 1 THEN m.initial_t1"
		     " WHEN 2 THEN m.initial_t2 ELSE m.initial_t3 END, pr.value, cu.value"
		     " FROM docs_num n JOIN meter m ON m.account_id = n.account_id"
		     " AND m.installed_on <= $2::date"
		     " CROSS JOIN LATERAL generate_series(1, m.zones) AS z(zone)"
		     " LEFT JOIN (SELECT DISTINCT ON (account_id, meter, zone) account_id, meter, zone,"
		     " value FROM reading WHERE status = 'accepted' AND period < $1::date"
		     " ORDER BY account_id, meter, zone, period DESC, taken_on DESC, reading_id DESC) pr"
		     " ON pr.account_id = m.account_id AND pr.meter = m.meter AND pr.zone = z.zone"
		     " LEFT JOIN (SELECT DISTINCT ON (account_id, meter, zone) account_id, meter, zone,"
		     " value FROM reading WHERE status = 'accepted' AND period = $1::date"
		     " ORDER BY account_id, meter, zone, taken_on DESC, reading_id DESC) cu"
		     " ON cu.account_id = m.account_id AND cu.meter = m.meter AND cu.zone = z.zone"
		     " ORDER BY n.seq, m.meter, z.zone", 2, p12, e))
		goto out;
	b->r->t_open += now() - t0;
	t0 = now();
	while (!docs.done) {
		int chan = (int)to_i64(cur_val(&docs, D_CHAN));
		if (b->cp.open && b->cp.chan != chan && cp_commit(b, e))
			goto out;
		if (!b->cp.open && cp_open(b, chan, e))
			goto out;
		if (one_document(b, &docs, &lines, &obl, &pay, &rd, e) || cur_next(&docs, e))
			goto out;
	}
	if (b->cp.open && cp_commit(b, e))
		goto out;
	rc = 0;
	b->r->t_write += now() - t0;
out:
	cp_abort(&b->cp);
	cur_close(&docs);
	cur_close(&lines);
	cur_close(&obl);
	cur_close(&pay);
	cur_close(&rd);
	return rc;
}

static void remove_stale(struct branch_run *b)
{
	char path[4096];

	for (int c = 0; c < DOCS_CHANNELS; c++) {
		if (b->made[c])
			continue;
		snprintf(path, sizeof(path), "%s/docs/%s/%s/%s.zip", b->o->out_dir, b->pname,
			 b->branch, channels[c]);
		unlink(path);
	}
}

/* One branch in two transactions: the writer (b->db) locks the period's
 * state, stores the document rows and publishes; the reader (b->rdb)
 * numbers and reads.  Both commit or neither: the reader only reads (its
 * temporary tables go with it), and the writer commits last. */
static int one_branch(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[3] = { b->pfirst, b->branch, NULL };
	char run[24];
	char *state = NULL;
	double t0;

	if (db_begin(b->db, e))
		return -1;
	if (db_value(b->db, e, "SELECT state FROM period_state WHERE period = $1::date"
		     " AND branch = $2 FOR UPDATE", 2, p, &state))
		goto fail;
	if (!state || !strcmp(state, "open")) {
		err_set(e, ERR_DATA, "period not billed: %s, branch '%s'", b->pname, b->branch);
		free(state);
		goto fail;
	}
	b->published = !strcmp(state, "published");
	free(state);
	if (!b->published &&
	    db_exec(b->db, e, "DELETE FROM document WHERE period = $1::date AND branch = $2", 2, p))
		goto fail;
	/* The cursors are read to the end: plan them for the whole result (not
	 * the first 10 %), and without JIT, which costs more than it saves. */
	if (db_exec(b->rdb, e, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL) ||
	    db_exec(b->rdb, e, "SET LOCAL cursor_tuple_fraction = 1.0", 0, NULL) ||
	    db_exec(b->rdb, e, "SET LOCAL jit = off", 0, NULL))
		goto fail;
	memset(b->made, 0, sizeof(b->made));
	b->ndone = 0;
	t0 = now();
	if (number_documents(b, e))
		goto fail;
	b->r->t_number += now() - t0;
	if (copy_begin(&b->rows, b->db,
		       "COPY document (account_id, period, branch, number, channel, issued_on, due,"
		       " total, qr, run_id) FROM STDIN", e))
		goto fail;
	b->rows_open = 1;
	if (stream_documents(b, e))
		goto fail;
	t0 = now();
	b->rows_open = 0;
	if (copy_end(&b->rows, e))
		goto fail;
	b->r->t_rows += now() - t0;
	snprintf(run, sizeof(run), "%lld", (long long)b->o->run_id);
	p[2] = b->o->run_id > 0 ? run : NULL;
	if (db_exec(b->db, e, "UPDATE period_state SET state = 'published',"
		    " published_run = coalesce(published_run, $3::bigint),"
		    " updated_at = clock_timestamp() WHERE period = $1::date AND branch = $2", 3, p) ||
	    db_commit(b->db, e))
		goto fail;
	db_rollback(b->rdb);
	remove_stale(b);
	for (int i = 0; i < b->ndone && b->o->on_package; i++)
		b->o->on_package(b->o->arg, b->done[i].path, b->done[i].sha256, b->done[i].bytes);
	b->r->branches++;
	return 0;
fail:
	if (b->rows_open)
		copy_abort(&b->rows, "failed");
	b->rows_open = 0;
	db_rollback(b->rdb);
	db_rollback(b->db);
	return -1;
}

int docs_run(PGconn *db, const struct docs_opts *o, struct docs_result *r, struct faults *f,
	     struct sbyt_err *e)
{
	struct tariff_rules *tr = NULL;
	struct penalty_rules pr;
	struct branch_run b;
	PGresult *res = NULL;
	const char *p[2];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&pr, 0, sizeof(pr));
	memset(&b, 0, sizeof(b));
	b.db = db;
	b.o = o;
	b.r = r;
	date_format(period_first(o->period), b.pfirst);
	date_format(period_last(o->period), b.plast);
	period_format(o->period, b.pname);
	p[0] = b.pfirst;
	p[1] = o->branch;

	/* which branches: all must be billed (or published) */
	res = db_query(db, e, o->branch
		       ? "SELECT branch, state FROM period_state WHERE period = $1::date AND branch = $2"
		       : "SELECT branch, state FROM period_state WHERE period = $1::date ORDER BY branch",
		       o->branch ? 2 : 1, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_DATA, "period not billed: %s%s%s%s", b.pname,
			o->branch ? ", branch '" : "", o->branch ? o->branch : "", o->branch ? "'" : "");
		err_detail(e, "run `sbyt bill --period %s` first", b.pname);
		goto out;
	}
	for (int i = 0; i < PQntuples(res); i++)
		if (!strcmp(PQgetvalue(res, i, 1), "open")) {
			err_set(e, ERR_DATA, "period not billed: %s, branch '%s'", b.pname,
				PQgetvalue(res, i, 0));
			err_detail(e, "run `sbyt bill --period %s` first, or name a billed branch"
				   " with --branch", b.pname);
			goto out;
		}

	if (tariff_rules_load(o->rules_dir, &tr, f) || penalty_rules_load(o->rules_dir, &pr, f)) {
		err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", o->rules_dir);
		goto out;
	}
	b.sup = tariff_supplier(tr);
	b.billing = tariff_billing(tr);
	b.pr = &pr;
	ledger_init(&b.led);
	ledger_debt_init(&b.debt);
	b.rdb = db_connect(o->conninfo, e);
	if (!b.rdb)
		goto out_free;
	for (int i = 0; i < PQntuples(res); i++) {
		b.branch = PQgetvalue(res, i, 0);
		if (one_branch(&b, e))
			goto out_free;
	}
	rc = 0;
out_free:
	if (b.rdb)
		PQfinish(b.rdb);
	free(b.line);
	free(b.read);
	ledger_release(&b.led);
	ledger_debt_release(&b.debt);
out:
	PQclear(res);
	tariff_rules_free(tr);
	penalty_rules_release(&pr);
	return rc;
}
