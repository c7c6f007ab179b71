/* notice_pdf.c - limitation notices and grid requests as PDF; see notice_pdf.h. */
#include "notice_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct notice_pdf {
	struct pdf g;                /* page, fonts, file (pdf.h) */
	const struct docs_texts *t;
	const struct supplier *sup;
	/* the footer of the document being drawn */
	enum docs_text footer_key;
	const char *footer_kv[12];  /* name, value pairs and NULL */
};

static void footer(struct pdf *g, void *arg)
{
	struct notice_pdf *p = arg;
	char page[16], buf[512];
	const char **kv = p->footer_kv;

	snprintf(page, sizeof(page), "%d", g->doc_page);
	for (int i = 0; kv[i]; i += 2)
		if (!strcmp(kv[i], "page"))
			kv[i + 1] = page;
	pdf_footer_line(g, docs_text_fill(p->t, p->footer_key, buf, sizeof(buf), kv));
}

struct notice_pdf *notice_pdf_new(const struct docs_texts *texts, const struct supplier *sup,
				  struct sbyt_err *e)
{
	struct notice_pdf *p = pdf_new(sizeof(*p), footer, e);

	if (p) {
		p->t = texts;
		p->sup = sup;
	}
	return p;
}

void notice_pdf_free(struct notice_pdf *p)
{
	pdf_free(p ? &p->g : NULL);
}

struct pdf *notice_pdf_file(struct notice_pdf *p)
{
	return &p->g;
}

/* "2026-06-15" -> "15.06.2026"; anything else as it is. */
static const char *ru_date(const char *iso, char *buf, size_t size)
{
	sdate d;

	if (date_parse(iso, -1, &d))
		snprintf(buf, size, "%s", iso);
	else
		pdf_ddmmyyyy(d, buf, size);
	return buf;
}

/* The supplier (left) beside the addressee (right, where a window
 * envelope shows it); p->g.y below both. */
static void draw_parties(struct notice_pdf *p, const char *to, const char *name,
			 const char *address, const char *postcode)
{
	const struct supplier *s = p->sup;
	struct pdf *g = &p->g;
	double col = (PDF_WIDTH - 16) / 2, x2 = PDF_LEFT + col + 16, yl = g->y, yr = g->y;
	char a[600];
	const char *kv[8];

	yl += pdf_text(g, PDF_BOLD, PDF_LEFT, yl, col, PDF_ALEFT, s->name);
	kv[0] = "inn", kv[1] = s->inn, kv[2] = "kpp", kv[3] = s->kpp, kv[4] = NULL;
	yl += pdf_text(g, PDF_NORMAL, PDF_LEFT, yl, col, PDF_ALEFT,
		       docs_text_fill(p->t, DT_SUPPLIER_INN, a, sizeof(a), kv));
	yl += pdf_text(g, PDF_NORMAL, PDF_LEFT, yl, col, PDF_ALEFT, s->address);
	kv[0] = "phone", kv[1] = s->phone, kv[2] = "email", kv[3] = s->email, kv[4] = "site";
	kv[5] = s->site, kv[6] = NULL;
	yl += pdf_text(g, PDF_NORMAL, PDF_LEFT, yl, col, PDF_ALEFT,
		       docs_text_fill(p->t, DT_SUPPLIER_CONTACTS, a, sizeof(a), kv));

	yr += pdf_text(g, PDF_SMALL, x2, yr, col, PDF_ALEFT, to) + 1;
	if (name && name[0])
		yr += pdf_text(g, PDF_TITLE, x2, yr, col, PDF_ALEFT, name) + 1;
	if (address && address[0])
		yr += pdf_text(g, PDF_BODY, x2, yr, col, PDF_ALEFT, address);
	if (postcode && postcode[0])
		yr += pdf_text(g, PDF_BODY, x2, yr, col, PDF_ALEFT, postcode);
	g->y = (yl > yr ? yl : yr) + 14;
	pdf_rule(g, PDF_LEFT, PDF_RIGHT, g->y - 6, 0.8);
}

/* Two columns: label, value (x: edges). */
static void pair(struct pdf *g, const double *x, enum pdf_style vs, const char *label,
		 const char *value)
{
	static const enum pdf_align al[] = { PDF_ALEFT, PDF_ALEFT };
	const char *cell[2] = { label, value && value[0] ? value : "—" };

	pdf_row(g, vs, x, 2, al, cell, 1);
}

/* The unpaid periods, one row each, and their total (nothing when none). */
static void draw_unpaid(struct notice_pdf *p, const struct notice_doc *n)
{
	struct pdf *g = &p->g;
	const struct docs_texts *t = p->t;
	static const enum pdf_align al[] = { PDF_ALEFT, PDF_ARIGHT, PDF_ACENTER, PDF_ARIGHT,
					     PDF_ARIGHT };
	const double x[] = { PDF_LEFT, PDF_LEFT + 150, PDF_LEFT + 250, PDF_LEFT + 340,
			     PDF_LEFT + 430, PDF_RIGHT };
	char per[64], amt[48], due[16], paid[48], left[48], buf[256];
	const char *cell[5], *kv[] = { "date", NULL, NULL };
	const char *s = n->unpaid;
	money total = 0;

	if (!s || !*s)
		return;
	kv[1] = pdf_ddmmyyyy(n->as_of, due, sizeof(due));
	pdf_heading(g, docs_text_fill(t, DT_NOTICE_UNPAID_HEADING, buf, sizeof(buf), kv));
	pdf_rule(g, x[0], x[5], g->y, 0.6);
	cell[0] = t->text[DT_NOTICE_COL_PERIOD], cell[1] = t->text[DT_NOTICE_COL_CHARGED];
	cell[2] = t->text[DT_NOTICE_COL_DUE], cell[3] = t->text[DT_NOTICE_COL_PAID];
	cell[4] = t->text[DT_NOTICE_COL_LEFT];
	pdf_row(g, PDF_SMALL, x, 5, (const enum pdf_align[]){ PDF_ALEFT, PDF_ARIGHT, PDF_ACENTER,
							      PDF_ARIGHT, PDF_ARIGHT }, cell, 0.9);
	/* "2026-04-01;5000000;2026-05-18;0" a line */
	while (*s) {
		size_t len = strcspn(s, "\n");
		char line[128], *f[4], *save = NULL;
		sdate pd, dd;
		int k = 0;

		snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1), s);
		s += len + (s[len] == '\n');
		for (char *tok = strtok_r(line, ";", &save); tok && k < 4; tok = strtok_r(NULL, ";", &save))
			f[k++] = tok;
		if (k < 4 || date_parse(f[0], -1, &pd) || date_parse(f[2], -1, &dd))
			continue;
		money a = strtoll(f[1], NULL, 10), pa = strtoll(f[3], NULL, 10);
		cell[0] = docs_text_month_year(t, period_of(pd), per, sizeof(per));
		cell[1] = pdf_rub(a, amt, sizeof(amt));
		cell[2] = pdf_ddmmyyyy(dd, due, sizeof(due));
		cell[3] = pdf_rub(pa, paid, sizeof(paid));
		cell[4] = pdf_rub(a - pa, left, sizeof(left));
		total += a - pa;
		pdf_row(g, PDF_NORMAL, x, 5, al, cell, 1);
	}
	cell[0] = t->text[DT_NOTICE_UNPAID_TOTAL], cell[1] = cell[2] = cell[3] = "";
	cell[4] = pdf_rub(total, left, sizeof(left));
	pdf_row(g, PDF_BOLD, x, 5, al, cell, 0.95);
	g->y += 10;
}

int notice_pdf_notice(struct notice_pdf *p, const struct notice_doc *n, struct sbyt_err *e)
{
	struct pdf *g = &p->g;
	const struct docs_texts *t = p->t;
	char date[16], buf[1024], sum[48], num[16], d2[32];
	const char *kv[6];
	const double xs[] = { PDF_LEFT, PDF_LEFT + 170, PDF_LEFT + 232, PDF_RIGHT };
	static const enum pdf_align als[] = { PDF_ALEFT, PDF_ACENTER, PDF_ALEFT };
	const char *cell[3];

	pdf_ddmmyyyy(n->issued, date, sizeof(date));
	p->footer_key = DT_NOTICE_FOOTER;
	{
		const char *f[] = { "supplier", p->sup->short_name, "account", n->account, "notice",
				    n->id, "date", NULL, "page", "", NULL };
		_Static_assert(sizeof(f) <= sizeof(p->footer_kv), "footer values");
		memcpy(p->footer_kv, f, sizeof(f));
		p->footer_kv[7] = date;
	}
	g->doc_page = 0;
	pdf_page_start(g);
	if (n->authorities)
		draw_parties(p, t->text[DT_NOTICE_TO], t->text[DT_NOTICE_AUTHORITIES_TO], n->recipients,
			     "");
	else
		draw_parties(p, t->text[DT_NOTICE_TO], n->name, n->address, n->postcode);

	if (n->authorities)
		g->y += pdf_text(g, PDF_HEAD, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
				 t->text[DT_NOTICE_AUTHORITIES]) + 2;
	g->y += pdf_text(g, PDF_TITLE, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT, n->title) + 1;
	kv[0] = "notice", kv[1] = n->id, kv[2] = "date", kv[3] = date, kv[4] = NULL;
	g->y += pdf_text(g, PDF_BOLD, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
			 docs_text_fill(t, DT_NOTICE_NUMBER, buf, sizeof(buf), kv)) + 8;

	/* the account and the debt */
	pdf_text(g, PDF_SMALL, PDF_LEFT, g->y, 120, PDF_ALEFT, t->text[DT_ACCOUNT]);
	pdf_text(g, PDF_BIG, PDF_LEFT, g->y + 9, 150, PDF_ALEFT, n->account);
	{
		double y0 = g->y, x[] = { PDF_LEFT + 190, PDF_RIGHT - 90, PDF_RIGHT };
		g->y += pdf_text(g, PDF_HEAD, x[0], g->y, PDF_RIGHT - x[0], PDF_ALEFT,
				 t->text[DT_NOTICE_DEBT_HEADING]) + 2;
		pdf_rule(g, x[0], x[2], g->y, 0.6);
		pair(g, x, PDF_NORMAL, t->text[DT_NOTICE_DEBT_AS_OF], pdf_ddmmyyyy(n->as_of, d2, sizeof(d2)));
		pair(g, x, PDF_BOLD, t->text[DT_NOTICE_DEBT_SUM], pdf_rub(n->debt, sum, sizeof(sum)));
		snprintf(num, sizeof(num), "%d", n->periods);
		pair(g, x, PDF_NORMAL, t->text[DT_NOTICE_DEBT_PERIODS], num);
		pair(g, x, PDF_NORMAL, t->text[DT_NOTICE_DEBT_THRESHOLD],
		     pdf_rub(n->threshold, sum, sizeof(sum)));
		if (g->y < y0 + 36)
			g->y = y0 + 36;
		g->y += 12;
	}
	draw_unpaid(p, n);

	/* the text, whole */
	pdf_paragraphs(g, PDF_BODY, PDF_LEFT, PDF_WIDTH, n->text, 4);
	g->y += 6;

	/* the procedure's dates and their law */
	if (n->nsteps > 0) {
		kv[0] = "procedure", kv[1] = n->procedure, kv[2] = NULL;
		pdf_heading(g, docs_text_fill(t, DT_NOTICE_DATES_HEADING, buf, sizeof(buf), kv));
		pdf_rule(g, PDF_LEFT, PDF_RIGHT, g->y, 0.6);
		cell[0] = t->text[DT_NOTICE_COL_STEP], cell[1] = t->text[DT_NOTICE_COL_DATE];
		cell[2] = t->text[DT_NOTICE_COL_BASIS];
		pdf_row(g, PDF_SMALL, xs, 3, als, cell, 0.9);
		for (int i = 0; i < n->nsteps; i++) {
			cell[0] = n->step[i].title;
			cell[1] = ru_date(n->step[i].date, d2, sizeof(d2));
			cell[2] = n->step[i].citation;
			pdf_row(g, PDF_SMALL, xs, 3, als, cell, 1);
		}
		g->y += 8;
	}
	/* the channel and the signature line, kept together */
	{
		char sign[1024];
		double h;

		buf[0] = '\0';
		if (n->channel && n->channel[0]) {
			kv[0] = "channel", kv[1] = n->channel, kv[2] = NULL;
			docs_text_fill(t, DT_NOTICE_CHANNEL, buf, sizeof(buf), kv);
		}
		kv[0] = "supplier", kv[1] = p->sup->short_name, kv[2] = NULL;
		docs_text_fill(t, DT_NOTICE_SIGN, sign, sizeof(sign), kv);
		h = pdf_lay(g, PDF_NORMAL, PDF_WIDTH, PDF_ALEFT, sign);
		if (buf[0])
			h += pdf_lay(g, PDF_NORMAL, PDF_WIDTH, PDF_ALEFT, buf) + 10;
		pdf_room(g, h);
		if (buf[0])
			g->y += pdf_text(g, PDF_NORMAL, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT, buf) + 10;
		g->y += pdf_text(g, PDF_NORMAL, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT, sign);
	}
	pdf_page_end(g);
	return pdf_status(g, e);
}

int notice_pdf_request(struct notice_pdf *p, const struct request_doc *r, struct sbyt_err *e)
{
	struct pdf *g = &p->g;
	const struct docs_texts *t = p->t;
	const double x[] = { PDF_LEFT, PDF_LEFT + 160, PDF_RIGHT };
	char date[16], d2[16], buf[1024], contact[600];
	const char *kv[6];

	pdf_ddmmyyyy(r->issued, date, sizeof(date));
	p->footer_key = DT_REQUEST_FOOTER;
	{
		const char *f[] = { "supplier", p->sup->short_name, "request", r->id, "date", NULL,
				    "page", "", NULL };
		_Static_assert(sizeof(f) <= sizeof(p->footer_kv), "footer values");
		memcpy(p->footer_kv, f, sizeof(f));
		p->footer_kv[5] = date;
	}
	g->doc_page = 0;
	pdf_page_start(g);
	draw_parties(p, t->text[DT_NOTICE_TO], t->text[DT_REQUEST_TO], "", "");
	kv[0] = "request", kv[1] = r->id, kv[2] = "date", kv[3] = date, kv[4] = NULL;
	g->y += pdf_text(g, PDF_TITLE, PDF_LEFT, g->y, PDF_WIDTH, PDF_ALEFT,
			 docs_text_fill(t, DT_REQUEST_TITLE, buf, sizeof(buf), kv)) + 10;

	pdf_rule(g, x[0], x[2], g->y, 0.6);
	pair(g, x, PDF_BOLD, t->text[DT_ACCOUNT], r->account);
	pair(g, x, PDF_NORMAL, t->text[DT_REQUEST_CONSUMER], r->name);
	pair(g, x, PDF_NORMAL, t->text[DT_REQUEST_ADDRESS], r->address);
	pair(g, x, PDF_NORMAL, t->text[DT_REQUEST_METERS],
	     r->meters && r->meters[0] ? r->meters : t->text[DT_REQUEST_NO_METER]);
	pair(g, x, PDF_BOLD, t->text[DT_REQUEST_ACTION], r->action);
	pair(g, x, PDF_BOLD, t->text[DT_REQUEST_LEVEL], r->level);
	pair(g, x, PDF_BOLD, t->text[DT_REQUEST_DATE], ru_date(r->date, d2, sizeof(d2)));
	pair(g, x, PDF_NORMAL, t->text[DT_REQUEST_BASIS], r->basis);
	snprintf(contact, sizeof(contact), "%s, %s", r->branch, r->branch_phone);
	pair(g, x, PDF_NORMAL, t->text[DT_REQUEST_CONTACT], contact);
	g->y += 12;

	pdf_heading(g, t->text[DT_REQUEST_TEXT]);
	pdf_paragraphs(g, PDF_BODY, PDF_LEFT, PDF_WIDTH, r->text, 5);
	g->y += 14;
	{
		double h = pdf_lay(g, PDF_NORMAL, PDF_WIDTH - 12, PDF_ALEFT, t->text[DT_REQUEST_DONE]);
		pdf_room(g, h + 12);
		pdf_frame(g, PDF_LEFT, g->y, PDF_WIDTH, h + 12, 0.8, 0.05, 0.2, 0.4);
		pdf_text(g, PDF_NORMAL, PDF_LEFT + 6, g->y + 6, PDF_WIDTH - 12, PDF_ALEFT,
			 t->text[DT_REQUEST_DONE]);
		g->y += h + 18;
	}
	kv[0] = "supplier", kv[1] = p->sup->short_name, kv[2] = NULL;
	docs_text_fill(t, DT_NOTICE_SIGN, buf, sizeof(buf), kv);
	pdf_room(g, pdf_lay(g, PDF_NORMAL, PDF_WIDTH, PDF_ALEFT, buf));
	g->y += pdf_text(g, PDF_NORMAL, PDF_LEFT, g->y + 8, PDF_WIDTH, PDF_ALEFT, buf);
	pdf_page_end(g);
	return pdf_status(g, e);
}
