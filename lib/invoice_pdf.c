/* invoice_pdf.c - an invoice for payment of an advance as PDF; see invoice_pdf.h. */
#include "invoice_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QR_SIDE 100.0

struct invoice_pdf {
	struct pdf g;                /* page, fonts, file (pdf.h) */
	const struct docs_texts *t;
	const struct supplier *sup;
	const struct invoice_doc *d; /* being drawn (for the footer) */
};

static void footer(struct pdf *g, void *arg)
{
	struct invoice_pdf *p = arg;
	char page[16], date[16], buf[512];
	const char *kv[] = { "supplier", p->sup->short_name, "account", p->d->account, "number",
			     p->d->number, "date", pdf_ddmmyyyy(p->d->date, date, sizeof(date)),
			     "page", page, NULL };

	snprintf(page, sizeof(page), "%d", g->doc_page);
	pdf_footer_line(g, docs_text_fill(p->t, DT_INV_FOOTER, buf, sizeof(buf), kv));
}

struct invoice_pdf *invoice_pdf_new(const struct docs_texts *texts, const struct supplier *sup,
				    struct sbyt_err *e)
{
	struct invoice_pdf *p = pdf_new(sizeof(*p), footer, e);

	if (p) {
		p->t = texts;
		p->sup = sup;
	}
	return p;
}

void invoice_pdf_free(struct invoice_pdf *p)
{
	pdf_free(p ? &p->g : NULL);
}

struct pdf *invoice_pdf_file(struct invoice_pdf *p)
{
	return &p->g;
}

/* A box with a small label and its value; returns its height. */
static double cell(struct pdf *g, double x, double y, double w, double h, const char *label,
		   const char *value)
{
	double lh = label && label[0] ? pdf_text(g, PDF_SMALL, x + PDF_PAD, y + 1.5, w - 2 * PDF_PAD,
						 PDF_ALEFT, label) : 0;
	double vh = pdf_lay(g, PDF_NORMAL, w - 2 * PDF_PAD, PDF_ALEFT, value);

	if (lh + vh + 4 > h)
		h = lh + vh + 4;
	pdf_show(g, PDF_NORMAL, x + PDF_PAD, y + 1.5 + lh);
	pdf_frame(g, x, y, w, h, 0.5, 0.3, 0.3, 0.3);
	return h;
}

/* The supplier's bank block as on every Russian invoice. */
static void draw_bank(struct invoice_pdf *p)
{
	const struct docs_texts *t = p->t;
	const struct supplier *s = p->sup;
	struct pdf *g = &p->g;
	double x0 = PDF_LEFT, x1 = PDF_LEFT + 165, x2 = PDF_LEFT + 330, x3 = PDF_LEFT + 400,
	       w = PDF_RIGHT, y = g->y, h;
	char a[64], b[64];
	const char *kv[4];

	/* bank | BIC ; | corr. account */
	h = cell(g, x0, y, x2 - x0, 36, t->text[DT_INV_BANK], s->bank_name);
	cell(g, x2, y, x3 - x2, 18, "", t->text[DT_INV_BIC]);
	cell(g, x3, y, w - x3, 18, "", s->bic);
	cell(g, x2, y + 18, x3 - x2, h - 18, "", t->text[DT_INV_CORR]);
	cell(g, x3, y + 18, w - x3, h - 18, "", s->corr_account);
	y += h;
	/* INN | KPP | account no. ; recipient */
	kv[0] = "inn", kv[1] = s->inn, kv[2] = NULL;
	cell(g, x0, y, x1 - x0, 18, "", docs_text_fill(t, DT_INV_INN, a, sizeof(a), kv));
	kv[0] = "kpp", kv[1] = s->kpp, kv[2] = NULL;
	cell(g, x1, y, x2 - x1, 18, "", docs_text_fill(t, DT_INV_KPP, b, sizeof(b), kv));
	h = cell(g, x0, y + 18, x2 - x0, 30, t->text[DT_INV_RECIPIENT], s->name);
	cell(g, x2, y, x3 - x2, 18 + h, "", t->text[DT_INV_ACCOUNT_NO]);
	cell(g, x3, y, w - x3, 18 + h, "", s->account);
	g->y = y + 18 + h + 14;
}

int invoice_pdf_draw(struct invoice_pdf *p, const struct invoice_doc *d, struct sbyt_err *e)
{
	const struct docs_texts *t = p->t;
	const struct supplier *s = p->sup;
	struct pdf *g = &p->g;
	const double xs[] = { PDF_LEFT, PDF_LEFT + 24, PDF_LEFT + 300, PDF_LEFT + 345,
			      PDF_LEFT + 395, PDF_LEFT + 460, PDF_RIGHT };
	static const enum pdf_align al[] = { PDF_ACENTER, PDF_ALEFT, PDF_ARIGHT, PDF_ACENTER,
					     PDF_ARIGHT, PDF_ARIGHT };
	const double xt[] = { PDF_LEFT, PDF_RIGHT - 90, PDF_RIGHT };
	static const enum pdf_align alt[] = { PDF_ARIGHT, PDF_ARIGHT };
	char date[16], buf[1200], month[64], pct[16], sum[48], vat[48], rate[16], cdate[16];
	const char *kv[10], *row[6];
	double top;

	p->d = d;
	pdf_ddmmyyyy(d->date, date, sizeof(date));
	g->doc_page = 0;
	pdf_page_start(g);
	draw_bank(p);

	kv[0] = "number", kv[1] = d->number, kv[2] = "date", kv[3] = date, kv[4] = NULL;
	g->y += pdf_text(g, PDF_BIG, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
			 docs_text_fill(t, DT_INV_TITLE, buf, sizeof(buf), kv)) + 4;
	pdf_rule(g, PDF_LEFT, PDF_RIGHT, g->y, 1.2);
	g->y += 8;

	{
		const double xp[] = { PDF_LEFT, PDF_LEFT + 110, PDF_RIGHT };
		static const enum pdf_align ap[] = { PDF_ALEFT, PDF_ALEFT };
		char party[1600];
		const char *c2[2];

		kv[0] = "name", kv[1] = s->name, kv[2] = "inn", kv[3] = s->inn, kv[4] = "kpp";
		kv[5] = s->kpp, kv[6] = "address", kv[7] = s->address, kv[8] = NULL;
		c2[0] = t->text[DT_INV_SUPPLIER];
		c2[1] = docs_text_fill(t, DT_INV_PARTY, party, sizeof(party), kv);
		pdf_row(g, PDF_BOLD, xp, 2, ap, c2, 1);
		kv[0] = "name", kv[1] = d->buyer, kv[2] = "inn", kv[3] = d->buyer_inn, kv[4] = "kpp";
		kv[5] = d->buyer_kpp, kv[6] = "address", kv[7] = d->buyer_address, kv[8] = NULL;
		c2[0] = t->text[DT_INV_BUYER];
		c2[1] = docs_text_fill(t, DT_INV_PARTY, party, sizeof(party), kv);
		pdf_row(g, PDF_BOLD, xp, 2, ap, c2, 1);
		kv[0] = "number", kv[1] = d->contract, kv[2] = "date";
		kv[3] = pdf_ddmmyyyy(d->contract_date, cdate, sizeof(cdate)), kv[4] = NULL;
		c2[0] = t->text[DT_INV_BASIS];
		c2[1] = docs_text_fill(t, DT_INV_CONTRACT, party, sizeof(party), kv);
		pdf_row(g, PDF_BOLD, xp, 2, ap, c2, 1);
		g->y += 10;
	}

	/* the line */
	row[0] = t->text[DT_INV_COL_NO], row[1] = t->text[DT_INV_COL_ITEM];
	row[2] = t->text[DT_INV_COL_QTY], row[3] = t->text[DT_INV_COL_UNIT];
	row[4] = t->text[DT_INV_COL_PRICE], row[5] = t->text[DT_INV_COL_SUM];
	pdf_rule(g, PDF_LEFT, PDF_RIGHT, g->y, 0.6);
	pdf_row(g, PDF_SMALL, xs, 6, al, row, 0.9);
	snprintf(pct, sizeof(pct), "%d", d->percent);
	kv[0] = "percent", kv[1] = pct, kv[2] = "month";
	kv[3] = docs_text_month_year(t, d->month, month, sizeof(month)), kv[4] = NULL;
	row[0] = "1";
	row[1] = docs_text_fill(t, DT_INV_ITEM, buf, sizeof(buf), kv);
	row[2] = "1";
	row[3] = t->text[DT_INV_UNIT];
	row[4] = pdf_rub(d->sum, sum, sizeof(sum));
	row[5] = sum;
	pdf_row(g, PDF_NORMAL, xs, 6, al, row, 1);
	g->y += 4;
	if (d->vat_bp % 100)
		snprintf(rate, sizeof(rate), "%d,%02d", d->vat_bp / 100, d->vat_bp % 100);
	else
		snprintf(rate, sizeof(rate), "%d", d->vat_bp / 100);
	row[0] = t->text[DT_INV_TOTAL], row[1] = sum;
	pdf_row(g, PDF_BOLD, xt, 2, alt, row, 1);
	kv[0] = "rate", kv[1] = rate, kv[2] = NULL;
	row[0] = docs_text_fill(t, DT_INV_VAT, buf, sizeof(buf), kv);
	row[1] = pdf_rub(d->vat, vat, sizeof(vat));
	pdf_row(g, PDF_BOLD, xt, 2, alt, row, 1);
	row[0] = t->text[DT_INV_DUE_TOTAL], row[1] = sum;
	pdf_row(g, PDF_BOLD, xt, 2, alt, row, 0.92);
	g->y += 6;
	kv[0] = "count", kv[1] = "1", kv[2] = "sum", kv[3] = sum, kv[4] = NULL;
	g->y += pdf_text(g, PDF_NORMAL, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
			 docs_text_fill(t, DT_INV_WORDS, buf, sizeof(buf), kv)) + 6;
	kv[0] = "date", kv[1] = pdf_ddmmyyyy(d->due, cdate, sizeof(cdate)), kv[2] = NULL;
	g->y += pdf_text(g, PDF_TITLE, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
			 docs_text_fill(t, DT_INV_DUE, buf, sizeof(buf), kv)) + 10;

	/* the purpose beside the QR */
	pdf_room(g, QR_SIDE + 20);
	top = g->y;
	{
		double w = PDF_WIDTH - QR_SIDE - 16, y = top;
		y += pdf_text(g, PDF_SMALL, PDF_LEFT, y, w, PDF_ALEFT, t->text[DT_INV_PURPOSE]);
		y += pdf_text(g, PDF_NORMAL, PDF_LEFT, y, w, PDF_ALEFT, d->purpose);
		if (d->qr && d->qr[0]) {
			if (pdf_qr(g, d->qr, PDF_RIGHT - QR_SIDE, top, QR_SIDE, e))
				return -1;
			g->y = top + QR_SIDE;
			g->y += pdf_text(g, PDF_SMALL, PDF_RIGHT - QR_SIDE - 20, g->y, QR_SIDE + 20,
					 PDF_ACENTER, t->text[DT_PAY_QR]);
		}
		if (y > g->y)
			g->y = y;
	}
	g->y += 24;
	pdf_room(g, 20);
	g->y += pdf_text(g, PDF_NORMAL, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT, t->text[DT_INV_SIGN]);
	pdf_page_end(g);
	p->d = NULL;
	return pdf_status(g, e);
}
