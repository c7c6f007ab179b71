/* docs_pdf.c - the payment document as PDF; see docs_pdf.h. */
#include "docs_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_SIDE 112.0                    /* points, quiet zone included */
/* the blocks the same on every page (pdf_stamp_begin()) */
enum { STAMP_SUPPLIER, STAMP_NOTES, STAMP_LINES, STAMP_LINES_LEGAL, STAMP_READINGS };

struct docs_pdf {
	struct pdf g;                /* page, fonts, file (pdf.h) */
	const struct docs_pdf_env *env;
	const struct docmodel *doc;  /* being drawn (for the footer) */
};

/* ---- numbers as a Russian reader writes them ---- */

/* "123.450" -> "123,45"; trailing zeros of the fraction go, "123.000" -> "123". */
static const char *decimal(const char *s, char *buf, size_t size)
{
	char *dot;
	size_t n;

	snprintf(buf, size, "%s", s ? s : "");
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	n = strlen(buf);
	while (n > (size_t)(dot - buf) + 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[--n] = '\0';
	else
		*dot = ',';
	return buf;
}

/* "5.67" -> "5,67" (as many decimals as given). */
static const char *comma(const char *s, char *buf, size_t size)
{
	char *dot;

	snprintf(buf, size, "%s", s);
	dot = strchr(buf, '.');
	if (dot)
		*dot = ',';
	return buf;
}

/* "123.450" -> thousandths. */
static long long milli(const char *s)
{
	long long ip = 0, frac = 0;
	int neg = 0, k = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++)
		ip = ip * 10 + (*s - '0');
	if (*s == '.')
		for (s++; k < 3 && *s >= '0' && *s <= '9'; s++, k++)
			frac = frac * 10 + (*s - '0');
	for (; k < 3; k++)
		frac *= 10;
	return (neg ? -1 : 1) * (ip * 1000 + frac);
}

static void footer(struct pdf *g, void *arg)
{
	struct docs_pdf *p = arg;
	const struct docmodel *d = p->doc;
	char period[64], page[16], buf[512];
	const char *kv[] = { "supplier", p->env->sup->short_name, "account", d ? d->account : "",
			     "period", d ? docs_text_month_year(p->env->texts, d->period, period, sizeof(period)) : "",
			     "page", page, NULL };

	snprintf(page, sizeof(page), "%d", g->doc_page);
	pdf_footer_line(g, docs_text_fill(p->env->texts, DT_FOOTER, buf, sizeof(buf), kv));
}

/* A label above its value in a column; returns the height used. */
static double field(struct docs_pdf *p, double x, double y, double w, const char *label,
		    const char *value, enum pdf_style vs)
{
	double h = pdf_text(&p->g, PDF_SMALL, x, y, w, PDF_ALEFT, label);

	return h + pdf_text(&p->g, vs, x, y + h, w, PDF_ALEFT, value && *value ? value : "—") + 2;
}

/* Header, payer and supplier. */
static void draw_head(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	const struct supplier *s = p->env->sup;
	char period[64], buf[1088], num[16], date[16], a[256], b[256];
	const char *kv[8];
	double col = (PDF_WIDTH - 16) / 2, x2 = PDF_LEFT + col + 16, y0, yl, yr;

	docs_text_month_year(t, d->period, period, sizeof(period));
	kv[0] = "period", kv[1] = period, kv[2] = NULL;
	p->g.y += pdf_text(&p->g, PDF_TITLE, PDF_LEFT, p->g.y, PDF_WIDTH, PDF_ALEFT,
		     docs_text_fill(t, d->legal ? DT_TITLE_LEGAL : DT_TITLE, buf, sizeof(buf), kv));
	snprintf(num, sizeof(num), "%d", d->number);
	kv[0] = "number", kv[1] = num, kv[2] = "date";
	kv[3] = pdf_ddmmyyyy(d->issued_on, date, sizeof(date)), kv[4] = NULL;
	p->g.y += pdf_text(&p->g, PDF_BOLD, PDF_LEFT, p->g.y + 2, PDF_WIDTH, PDF_ALEFT,
		     docs_text_fill(t, DT_NUMBER, buf, sizeof(buf), kv)) + 2;
	if (s->sample) {
		pdf_lay(&p->g, PDF_BOLD, PDF_WIDTH, PDF_ALEFT, t->text[DT_SAMPLE]);
		pdf_show_rgb(&p->g, 0.75, 0.1, 0.1, PDF_LEFT, p->g.y);
		p->g.y += 12;
	}
	p->g.y += 4;
	pdf_rule(&p->g, PDF_LEFT, PDF_RIGHT, p->g.y, 0.8);
	p->g.y += 4;
	y0 = p->g.y;

	/* payer and premises (п. 69 а) */
	yl = y0 + pdf_text(&p->g, PDF_HEAD, PDF_LEFT, y0, col, PDF_ALEFT, t->text[DT_PAYER_HEADING]) + 2;
	yl += field(p, PDF_LEFT, yl, col, t->text[DT_PAYER], d->name, PDF_BOLD);
	/* buf holds a postcode, ", " and a whole address (docmodel.h) */
	snprintf(buf, sizeof(buf), "%s%s%s", d->postcode, d->postcode[0] ? ", " : "", d->address);
	yl += field(p, PDF_LEFT, yl, col, t->text[DT_ADDRESS], buf, PDF_NORMAL);
	if (!d->legal && (d->residents > 0 || d->rooms > 0)) {
		char r[16], m[16];
		const char *rv[] = { "residents", r, "rooms", m, NULL };
		snprintf(r, sizeof(r), "%d", d->residents);
		snprintf(m, sizeof(m), "%d", d->rooms);
		yl += pdf_text(&p->g, PDF_NORMAL, PDF_LEFT, yl, col, PDF_ALEFT,
			   docs_text_fill(t, DT_PREMISES, buf, sizeof(buf), rv)) + 2;
	}
	yl += field(p, PDF_LEFT, yl, col, t->text[DT_ACCOUNT], d->account, PDF_BIG);
	if (d->legal && d->has_inn) {
		snprintf(buf, sizeof(buf), "%s%s%s", d->inn, d->kpp[0] ? " / " : "", d->kpp);
		yl += field(p, PDF_LEFT, yl, col, t->text[DT_PAYER_INN], buf, PDF_NORMAL);
		yl += field(p, PDF_LEFT, yl, col, t->text[DT_CONTRACT], d->contract, PDF_NORMAL);
	}

	/* the supplier and its bank (п. 69 б), the same on every page */
	p->g.y = y0;
	if (pdf_stamp_begin(&p->g, STAMP_SUPPLIER)) {
	yr = p->g.y;
	yr += pdf_text(&p->g, PDF_HEAD, x2, yr, col, PDF_ALEFT, t->text[DT_SUPPLIER_HEADING]) + 2;
	yr += pdf_text(&p->g, PDF_BOLD, x2, yr, col, PDF_ALEFT, s->name);
	kv[0] = "inn", kv[1] = s->inn, kv[2] = "kpp", kv[3] = s->kpp, kv[4] = NULL;
	yr += pdf_text(&p->g, PDF_NORMAL, x2, yr, col, PDF_ALEFT, docs_text_fill(t, DT_SUPPLIER_INN, a, sizeof(a), kv));
	yr += pdf_text(&p->g, PDF_NORMAL, x2, yr, col, PDF_ALEFT, s->address);
	kv[0] = "phone", kv[1] = s->phone, kv[2] = "email", kv[3] = s->email, kv[4] = "site";
	kv[5] = s->site, kv[6] = NULL;
	yr += pdf_text(&p->g, PDF_NORMAL, x2, yr, col, PDF_ALEFT,
		   docs_text_fill(t, DT_SUPPLIER_CONTACTS, a, sizeof(a), kv));
	kv[0] = "bank", kv[1] = s->bank_name, kv[2] = "bic", kv[3] = s->bic, kv[4] = "corr";
	kv[5] = s->corr_account, kv[6] = NULL;
	yr += pdf_text(&p->g, PDF_NORMAL, x2, yr, col, PDF_ALEFT, docs_text_fill(t, DT_BANK, a, sizeof(a), kv));
	kv[0] = "account", kv[1] = s->account, kv[2] = NULL;
	yr += pdf_text(&p->g, PDF_NORMAL, x2, yr, col, PDF_ALEFT, docs_text_fill(t, DT_BANK_ACCOUNT, b, sizeof(b), kv));
	yr += pdf_text(&p->g, PDF_SMALL, x2, yr + 1, col, PDF_ALEFT, t->text[DT_OFFICE_HOURS]) + 1;
	p->g.y = yr;
	}
	pdf_stamp_end(&p->g);
	yr = p->g.y;
	p->g.y = (yl > yr ? yl : yr) + 6;
}

/* The purpose as the QR carries it. */
static const char *qr_purpose(const char *qr, char *buf, size_t size)
{
	const char *s = strstr(qr, "|Purpose=");
	size_t n;

	if (!s) {
		buf[0] = '\0';
		return buf;
	}
	s += 9;
	n = strcspn(s, "|");
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), s);
	return buf;
}

/* The payment block: recipient, account, period, purpose, sum, due; the QR beside. */
static int draw_payment(struct docs_pdf *p, const struct docmodel *d, struct sbyt_err *e)
{
	const struct docs_texts *t = p->env->texts;
	const struct supplier *s = p->env->sup;
	double top = p->g.y, x = PDF_LEFT + PDF_PAD + 4, w = PDF_WIDTH - QR_SIDE - 24, y, lw = 110, h;
	char buf[512], sum[48], date[16], period[64];
	const char *kv[4];

	y = top + PDF_PAD + 2;
	y += pdf_text(&p->g, PDF_HEAD, x, y, w, PDF_ALEFT, t->text[DT_PAY_HEADING]) + 3;
	pdf_text(&p->g, PDF_SMALL, x, y + 1, lw, PDF_ALEFT, t->text[DT_PAY_RECIPIENT]);
	y += pdf_text(&p->g, PDF_NORMAL, x + lw, y, w - lw, PDF_ALEFT, s->short_name[0] ? s->short_name : s->name);
	pdf_text(&p->g, PDF_SMALL, x, y + 1, lw, PDF_ALEFT, t->text[DT_ACCOUNT]);
	y += pdf_text(&p->g, PDF_BOLD, x + lw, y, w - lw, PDF_ALEFT, d->account);
	pdf_text(&p->g, PDF_SMALL, x, y + 1, lw, PDF_ALEFT, t->text[DT_PAY_PERIOD]);
	y += pdf_text(&p->g, PDF_NORMAL, x + lw, y, w - lw, PDF_ALEFT, docs_text_month_year(t, d->period, period, sizeof(period)));
	pdf_text(&p->g, PDF_SMALL, x, y + 1, lw, PDF_ALEFT, t->text[DT_PAY_PURPOSE]);
	y += pdf_text(&p->g, PDF_NORMAL, x + lw, y, w - lw, PDF_ALEFT, qr_purpose(d->qr, buf, sizeof(buf))) + 6;

	/* the sum, large, and the due date */
	pdf_text(&p->g, PDF_NORMAL, x, y + 6, lw, PDF_ALEFT, t->text[DT_PAY_SUM]);
	kv[0] = "sum", kv[2] = NULL;
	if (d->total > 0) {
		kv[1] = pdf_rub(d->total, sum, sizeof(sum));
		h = pdf_text(&p->g, PDF_BIG, x + lw, y, w - lw, PDF_ALEFT, docs_text_fill(t, DT_RUB, buf, sizeof(buf), kv));
	} else {
		h = pdf_text(&p->g, PDF_BIG, x + lw, y, w - lw, PDF_ALEFT, t->text[DT_PAY_NOTHING]);
	}
	y += h;
	if (d->total < 0) {
		kv[1] = pdf_rub(-d->total, sum, sizeof(sum));
		y += pdf_text(&p->g, PDF_NORMAL, x + lw, y, w - lw, PDF_ALEFT,
			  docs_text_fill(t, DT_PAY_ADVANCE, buf, sizeof(buf), kv));
	}
	pdf_text(&p->g, PDF_NORMAL, x, y + 1, lw, PDF_ALEFT, t->text[DT_PAY_DUE]);
	y += pdf_text(&p->g, PDF_BOLD, x + lw, y, w - lw, PDF_ALEFT, pdf_ddmmyyyy(d->due, date, sizeof(date))) + 4;

	/* the QR code beside the sum, its hint under it */
	if (pdf_qr(&p->g, d->qr, PDF_RIGHT - QR_SIDE - PDF_PAD, top + PDF_PAD, QR_SIDE, e))
		return -1;
	h = top + PDF_PAD + QR_SIDE;
	h += pdf_text(&p->g, PDF_SMALL, PDF_RIGHT - QR_SIDE - PDF_PAD, h, QR_SIDE, PDF_ACENTER, t->text[DT_PAY_QR]);
	if (h > y)
		y = h;
	y += PDF_PAD;
	pdf_flush(&p->g);
	cairo_set_source_rgb(p->g.cr, 0.05, 0.2, 0.4);
	cairo_set_line_width(p->g.cr, 1.2);
	cairo_rectangle(p->g.cr, PDF_LEFT, top, PDF_WIDTH, y - top);
	cairo_stroke(p->g.cr);
	p->g.y = y + 6;
	return 0;
}

static const char *basis_text(const struct docs_texts *t, const char *basis)
{
	if (!strcmp(basis, "actual"))
		return t->text[DT_BASIS_ACTUAL];
	if (!strcmp(basis, "estimate"))
		return t->text[DT_BASIS_AVERAGE];
	if (!strcmp(basis, "norm"))
		return t->text[DT_BASIS_NORM];
	return t->text[DT_BASIS_OTHER];
}

/* The calculation (п. 69 в-е, ж, н). */
static void draw_lines(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	/* a volume of 3 decimals ("12 345,125" for a legal entity) on one line */
	double xs[] = { PDF_LEFT, PDF_LEFT + 203, PDF_LEFT + 235, PDF_LEFT + 287, PDF_LEFT + 385, PDF_LEFT + 447, PDF_RIGHT };
	double xl[] = { PDF_LEFT, PDF_LEFT + 136, PDF_LEFT + 166, PDF_LEFT + 222, PDF_LEFT + 320, PDF_LEFT + 382, PDF_LEFT + 455, PDF_RIGHT };
	const double *x = d->legal ? xl : xs;
	int ncol = d->legal ? 7 : 6;
	enum pdf_align al[] = { PDF_ALEFT, PDF_ACENTER, PDF_ARIGHT, PDF_ALEFT, PDF_ARIGHT, PDF_ARIGHT, PDF_ARIGHT };
	const char *head[7], *cell[7];
	char svc[256], vol[32], tar[32], amt[48], vat[48], tmp[96], period[64];
	const char *kv[4];
	money sub = 0;

	/* the heading and the columns' heads: a stamp (one per layout), kept
	 * with the table's first row */
	pdf_room(&p->g, 60);
	if (pdf_stamp_begin(&p->g, d->legal ? STAMP_LINES_LEGAL : STAMP_LINES)) {
	pdf_heading(&p->g, t->text[DT_TABLE_HEADING]);
	head[0] = t->text[DT_COL_SERVICE], head[1] = t->text[DT_COL_UNIT];
	head[2] = t->text[DT_COL_VOLUME], head[3] = t->text[DT_COL_BASIS];
	head[4] = t->text[DT_COL_TARIFF], head[5] = t->text[DT_COL_AMOUNT];
	head[6] = t->text[DT_COL_VAT];
	if (d->legal) {
		head[5] = t->text[DT_COL_VAT];
		head[6] = t->text[DT_COL_AMOUNT];
	}
	pdf_rule(&p->g, PDF_LEFT, PDF_RIGHT, p->g.y, 0.6);
	pdf_row(&p->g, PDF_SMALL, x, ncol, (const enum pdf_align[]){ PDF_ALEFT, PDF_ACENTER, PDF_ARIGHT, PDF_ALEFT, PDF_ARIGHT,
						       PDF_ARIGHT, PDF_ARIGHT }, head, 0.9);
	}
	pdf_stamp_end(&p->g);
	docs_text_month_year(t, d->period, period, sizeof(period));
	for (int i = 0; i <= d->nline; i++) {
		const struct docmodel_line *l = i < d->nline ? &d->line[i] : NULL;
		int pen = l ? !strcmp(l->kind, "penalty") : 1;
		money amount = l ? l->amount : d->penalty;

		if (!l && (d->has_penalty_line || d->penalty == 0))
			break;
		svc[0] = '\0';
		if (pen) {
			kv[0] = "period", kv[1] = period, kv[2] = NULL;
			docs_text_fill(t, DT_PENALTY, svc, sizeof(svc), kv);
		} else {
			int n = snprintf(svc, sizeof(svc), "%s",
					 !strcmp(l->kind, "recalc") ? t->text[DT_RECALC] : t->text[DT_SERVICE]);
			char z[16];
			if (l->zone) {
				snprintf(z, sizeof(z), "%d", l->zone);
				kv[0] = "zone", kv[1] = z, kv[2] = NULL;
				n += snprintf(svc + n, sizeof(svc) - (size_t)n, ", %s",
					      docs_text_fill(t, DT_ZONE, tmp, sizeof(tmp), kv));
			}
			if (l->band) {
				snprintf(z, sizeof(z), "%d", l->band);
				kv[0] = "band", kv[1] = z, kv[2] = NULL;
				snprintf(svc + n, sizeof(svc) - (size_t)n, ", %s",
					 docs_text_fill(t, DT_BAND, tmp, sizeof(tmp), kv));
			}
		}
		cell[0] = svc;
		cell[1] = pen ? "" : t->text[DT_UNIT];
		cell[2] = pen ? "" : decimal(l->volume, vol, sizeof(vol));
		cell[3] = pen ? "" : basis_text(t, l->basis);
		cell[4] = !pen && l->has_tariff ? comma(l->tariff, tar, sizeof(tar)) : "";
		if (d->legal) {
			cell[5] = pen ? "" : pdf_rub(l->vat, vat, sizeof(vat));
			cell[6] = pdf_rub(amount, amt, sizeof(amt));
		} else {
			cell[5] = pdf_rub(amount, amt, sizeof(amt));
		}
		sub += amount;
		pdf_row(&p->g, PDF_NORMAL, x, ncol, al, cell, 1);
	}
	for (int i = 0; i < ncol; i++)
		cell[i] = "";
	cell[0] = t->text[DT_SUBTOTAL];
	cell[ncol - 1] = pdf_rub(sub, amt, sizeof(amt));
	pdf_row(&p->g, PDF_BOLD, x, ncol, al, cell, 0.95);
	p->g.y += 6;
}

/* Readings per meter and zone. */
static void draw_readings(struct docs_pdf *p, const struct docmodel *d, double x0, double x1)
{
	const struct docs_texts *t = p->env->texts;
	/* readings of 5 digits and 3 decimals on one line */
	const double x[] = { x0, x0 + 76, x0 + 106, x0 + 168, x0 + 226, x1 };
	const enum pdf_align al[] = { PDF_ALEFT, PDF_ACENTER, PDF_ARIGHT, PDF_ARIGHT, PDF_ARIGHT };
	const char *cell[5];
	char zone[16], prev[32], cur[32], used[32], raw[32];

	if (d->nread == 0) {
		p->g.y += pdf_text(&p->g, PDF_HEAD, x0, p->g.y, x1 - x0, PDF_ALEFT, t->text[DT_READINGS_HEADING]) + 2;
		p->g.y += pdf_text(&p->g, PDF_NORMAL, x0, p->g.y, x1 - x0, PDF_ALEFT, t->text[DT_NO_METER]) + 8;
		return;
	}
	if (pdf_stamp_begin(&p->g, STAMP_READINGS)) {
		p->g.y += pdf_text(&p->g, PDF_HEAD, x0, p->g.y, x1 - x0, PDF_ALEFT, t->text[DT_READINGS_HEADING]) + 2;
		cell[0] = t->text[DT_COL_METER], cell[1] = t->text[DT_COL_ZONE];
		cell[2] = t->text[DT_COL_PREVIOUS], cell[3] = t->text[DT_COL_CURRENT];
		cell[4] = t->text[DT_COL_USED];
		pdf_rule(&p->g, x0, x1, p->g.y, 0.6);
		pdf_row(&p->g, PDF_SMALL, x, 5, al, cell, 0.9);
	}
	pdf_stamp_end(&p->g);
	for (int i = 0; i < d->nread; i++) {
		const struct docmodel_read *r = &d->read[i];
		snprintf(zone, sizeof(zone), "Т%d", r->zone);
		cell[0] = r->meter;
		cell[1] = zone;
		cell[2] = decimal(r->previous, prev, sizeof(prev));
		cell[3] = r->has_current ? decimal(r->current, cur, sizeof(cur)) : t->text[DT_NO_CURRENT];
		if (r->has_current) {
			long long pv = milli(r->previous), v = milli(r->current) - pv;
			/* below the previous value: the register went past its last
			 * digit (a rollover; ingest accepts no other fall), so the
			 * use is up to the next power of ten above the previous
			 * value, then the current value */
			if (v < 0) {
				long long top = 1000;
				while (top <= pv)
					top *= 10;
				v += top;
			}
			snprintf(raw, sizeof(raw), "%s%lld.%03lld", v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000,
				 (v < 0 ? -v : v) % 1000);
			cell[4] = decimal(raw, used, sizeof(used));
		} else {
			cell[4] = "—";
		}
		pdf_row(&p->g, PDF_NORMAL, x, 5, al, cell, 1);
	}
	p->g.y += 5;
}

/* The balance (п. 69 з). */
static void draw_balance(struct docs_pdf *p, const struct docmodel *d, double x0, double x1)
{
	const struct docs_texts *t = p->env->texts;
	const double x[] = { x0, x1 - 62, x1 };
	const enum pdf_align al[] = { PDF_ALEFT, PDF_ARIGHT };
	const char *cell[2];
	char amt[48], buf[256], date[16];
	const char *kv[] = { "date", NULL, NULL };

	p->g.y += pdf_text(&p->g, PDF_HEAD, x0, p->g.y, x1 - x0, PDF_ALEFT, t->text[DT_BALANCE_HEADING]) + 2;
	pdf_rule(&p->g, x0, x1, p->g.y, 0.6);
	cell[0] = t->text[DT_OPENING], cell[1] = pdf_rub(d->opening, amt, sizeof(amt));
	pdf_row(&p->g, PDF_NORMAL, x, 2, al, cell, 1);
	cell[0] = t->text[DT_CHARGED], cell[1] = pdf_rub(d->charged + d->recalc + d->penalty, amt, sizeof(amt));
	pdf_row(&p->g, PDF_NORMAL, x, 2, al, cell, 1);
	if (d->last_paid_on) {
		kv[1] = pdf_ddmmyyyy(d->last_paid_on, date, sizeof(date));
		cell[0] = docs_text_fill(t, DT_PAID_LAST, buf, sizeof(buf), kv);
	} else {
		cell[0] = t->text[DT_PAID];
	}
	cell[1] = pdf_rub(d->paid, amt, sizeof(amt));
	pdf_row(&p->g, PDF_NORMAL, x, 2, al, cell, 1);
	cell[0] = t->text[DT_TOTAL], cell[1] = pdf_rub(d->total, amt, sizeof(amt));
	pdf_row(&p->g, PDF_BOLD, x, 2, al, cell, 0.92);
	p->g.y += 5;
}

/* The limitation warning's full text, boxed. */
static void draw_warning(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	double w = PDF_WIDTH - 2 * (PDF_PAD + 4), hh, hb, top;

	hh = pdf_lay(&p->g, PDF_HEAD, w, PDF_ALEFT, t->text[DT_WARNING_HEADING]);
	hb = pdf_lay(&p->g, PDF_NORMAL, w, PDF_ALEFT, d->w_text);
	pdf_room(&p->g, hh + hb + 2 * PDF_PAD + 12);
	top = p->g.y;
	pdf_flush(&p->g);
	cairo_set_source_rgb(p->g.cr, 0.75, 0.1, 0.1);
	cairo_set_line_width(p->g.cr, 1.5);
	cairo_rectangle(p->g.cr, PDF_LEFT, top, PDF_WIDTH, hh + hb + 2 * PDF_PAD + 6);
	cairo_stroke(p->g.cr);
	pdf_text(&p->g, PDF_HEAD, PDF_LEFT + PDF_PAD + 4, top + PDF_PAD + 1, w, PDF_ALEFT, t->text[DT_WARNING_HEADING]);
	pdf_text(&p->g, PDF_NORMAL, PDF_LEFT + PDF_PAD + 4, top + PDF_PAD + 4 + hh, w, PDF_ALEFT, d->w_text);
	p->g.y = top + hh + hb + 2 * PDF_PAD + 14;
}

static void draw_notes(struct docs_pdf *p)
{
	const struct docs_texts *t = p->env->texts;
	const struct supplier *s = p->env->sup;
	char first[8], last[8], buf[1024];
	const char *kv[10];

	if (!pdf_stamp_begin(&p->g, STAMP_NOTES)) {
		pdf_stamp_end(&p->g);
		return;
	}
	snprintf(first, sizeof(first), "%d", p->env->billing->window_first);
	snprintf(last, sizeof(last), "%d", p->env->billing->window_last);
	kv[0] = "first", kv[1] = first, kv[2] = "last", kv[3] = last, kv[4] = "site", kv[5] = s->site;
	kv[6] = "phone", kv[7] = s->phone, kv[8] = NULL;
	/* room() may draw a footer: lay out again after it (from the cache) */
	docs_text_fill(t, DT_READINGS_WINDOW, buf, sizeof(buf), kv);
	pdf_room(&p->g, pdf_lay(&p->g, PDF_SMALL, PDF_WIDTH, PDF_ALEFT, buf) + 2);
	p->g.y += pdf_text(&p->g, PDF_SMALL, PDF_LEFT, p->g.y, PDF_WIDTH, PDF_ALEFT, buf) + 2;
	kv[0] = "site", kv[1] = s->site, kv[2] = NULL;
	docs_text_fill(t, DT_PAY_CHANNELS, buf, sizeof(buf), kv);
	pdf_room(&p->g, pdf_lay(&p->g, PDF_SMALL, PDF_WIDTH, PDF_ALEFT, buf));
	p->g.y += pdf_text(&p->g, PDF_SMALL, PDF_LEFT, p->g.y, PDF_WIDTH, PDF_ALEFT, buf);
	pdf_stamp_end(&p->g);
}


/* ---- the renderer ---- */

struct docs_pdf *docs_pdf_new(const struct docs_pdf_env *env, struct sbyt_err *e)
{
	struct docs_pdf *p = pdf_new(sizeof(*p), footer, e);

	if (p)
		p->env = env;
	return p;
}

void docs_pdf_free(struct docs_pdf *p)
{
	pdf_free(p ? &p->g : NULL);
}

struct pdf *docs_pdf_file(struct docs_pdf *p)
{
	return &p->g;
}

int docs_pdf_document(struct docs_pdf *p, const struct docmodel *d, struct sbyt_err *e)
{
	p->doc = d;
	p->g.doc_page = 0;
	pdf_page_start(&p->g);
	draw_head(p, d);
	if (draw_payment(p, d, e)) {
		p->doc = NULL;
		return -1;
	}
	draw_lines(p, d);
	/* readings (left) beside the balance (right): measured first, then
	 * drawn on one page */
	for (p->g.dry = 1; p->g.dry >= 0; p->g.dry--) {
		double y0 = p->g.y, y1, mid = PDF_LEFT + PDF_WIDTH * 0.55;
		draw_readings(p, d, PDF_LEFT, mid - 8);
		y1 = p->g.y;
		p->g.y = y0;
		draw_balance(p, d, mid + 8, PDF_RIGHT);
		if (y1 > p->g.y)
			p->g.y = y1;
		if (p->g.dry) {
			double h = p->g.y - y0;
			p->g.y = y0;
			pdf_room(&p->g, h);  /* no-op while dry */
			p->g.dry = 0;
			pdf_room(&p->g, h);
			p->g.dry = 1;
		}
	}
	p->g.dry = 0;
	if (d->w_text && d->w_text[0])
		draw_warning(p, d);
	draw_notes(p);
	pdf_page_end(&p->g);
	p->doc = NULL;
	if (p->g.recording)
		return 0;
	return pdf_status(&p->g, e);
}


static int draw_recorded(struct pdf *g, const void *arg, struct sbyt_err *e)
{
	return docs_pdf_document((struct docs_pdf *)g, arg, e);
}

int docs_pdf_record(struct docs_pdf *p, const struct docmodel *d, struct pdf_pages *out,
		    struct sbyt_err *e)
{
	return pdf_record(&p->g, draw_recorded, d, out, e);
}
