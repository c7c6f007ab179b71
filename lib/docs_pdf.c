/* docs_pdf.c - the payment document as PDF; see docs_pdf.h. */
#include "docs_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A4 in points, margins 12 mm */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 34.0
#define LEFT MARGIN
#define RIGHT (PAGE_W - MARGIN)
#define WIDTH (RIGHT - LEFT)
#define BOTTOM (PAGE_H - MARGIN - 12.0)  /* above the footer */
#define QR_SIDE 112.0                    /* points, quiet zone included */
#define PAD 3.0

#define FONT "PT Sans,DejaVu Sans,sans"

enum style { S_SMALL, S_NORMAL, S_BOLD, S_HEAD, S_TITLE, S_BIG, S_COUNT };

static const struct {
	const char *desc;
	double r, g, b;
} styles[S_COUNT] = {
	[S_SMALL] = { FONT " 7", 0.25, 0.25, 0.25 },
	[S_NORMAL] = { FONT " 8", 0, 0, 0 },
	[S_BOLD] = { FONT " Bold 8", 0, 0, 0 },
	[S_HEAD] = { FONT " Bold 9", 0.05, 0.2, 0.4 },
	[S_TITLE] = { FONT " Bold 10.5", 0, 0, 0 },
	[S_BIG] = { FONT " Bold 17", 0, 0, 0 },
};

enum align { A_LEFT, A_RIGHT, A_CENTER };

#define CACHE_SLOTS 1024

struct docs_pdf {
	const struct docs_pdf_env *env;
	PangoFontMap *fm;
	PangoContext *ctx;
	PangoFontDescription *fd[S_COUNT];
	/* laid-out texts, direct-mapped by (text, style, width, alignment):
	 * labels, headings, the supplier's block and repeated cells are shaped
	 * once per renderer, not once per page */
	struct cached {
		uint32_t hash;
		int style, width, align;
		char *text;
		PangoLayout *l;
		double h;
	} cache[CACHE_SLOTS];
	PangoLayout *cur;            /* the layout lay() made ready */
	/* the open file */
	FILE *f;
	char path[4096];
	cairo_surface_t *surface;
	cairo_t *cr;
	int pages, page_open, werr;
	int dry;                     /* measuring: nothing is drawn, no page breaks */
	double y;
	const struct docmodel *doc;  /* being drawn (for the footer) */
	int doc_page;
	/* recording (docs_pdf_record()): each page into a recording surface */
	int recording;
	cairo_surface_t **rec;
	int nrec, rec_cap;
	int rec_failed;
};

#if defined(__SANITIZE_ADDRESS__)
/* Fontconfig keeps 288 bytes of its configuration to the end of the
 * process on purpose (no FcFini while Pango may still use it): not ours to
 * report.  LeakSanitizer reads this when the program is built with it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

/* ---- numbers as a Russian reader writes them ---- */

/* kopecks -> "4 819,12" (no-break space between thousands), "-100,00". */
static const char *rub(money m, char *buf, size_t size)
{
	char digits[32];
	unsigned long long v = m < 0 ? (unsigned long long)(-(m + 1)) + 1 : (unsigned long long)m;
	unsigned long long r = v / 100;
	int n, o = 0;

	n = snprintf(digits, sizeof(digits), "%llu", r);
	if (m < 0)
		o += snprintf(buf + o, size - (size_t)o, "−");
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			o += snprintf(buf + o, size - (size_t)o, "\u00a0");
		buf[o++] = digits[i];
	}
	snprintf(buf + o, size - (size_t)o, ",%02llu", v % 100);
	return buf;
}

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

static const char *ddmmyyyy(sdate d, char *buf, size_t size)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, size, "%02d.%02d.%04d", dd, m, y);
	return buf;
}

static const char *month_year(const struct docs_texts *t, speriod p, char *buf, size_t size)
{
	int y, m;

	period_to_ym(p, &y, &m);
	snprintf(buf, size, "%s %d г.", t->text[DT_MONTH1 + m - 1], y);
	return buf;
}

/* ---- drawing ---- */

/* Lay text out in style s, width w (0: one line), from the cache when it
 * was laid out before; p->cur is ready to show.  Returns its height. */
static double lay(struct docs_pdf *p, enum style s, double w, enum align a, const char *text)
{
	int width = w > 0 ? (int)(w * PANGO_SCALE) : -1;
	uint32_t h = 2166136261u ^ (uint32_t)s ^ ((uint32_t)a << 4) ^ ((uint32_t)width << 8);
	struct cached *c;
	int pw, ph;
	size_t n;

	for (const unsigned char *q = (const unsigned char *)text; *q; q++)
		h = (h ^ *q) * 16777619u;
	c = &p->cache[h % CACHE_SLOTS];
	if (c->l && c->hash == h && c->style == (int)s && c->width == width && c->align == (int)a &&
	    !strcmp(c->text, text)) {
		p->cur = c->l;
		return c->h;
	}
	n = strlen(text) + 1;
	if (!c->l) {
		c->l = pango_layout_new(p->ctx);
		pango_layout_set_wrap(c->l, PANGO_WRAP_WORD_CHAR);
	}
	free(c->text);
	c->text = malloc(n);
	if (c->text)
		memcpy(c->text, text, n);
	c->hash = c->text ? h : 0;
	c->style = s;
	c->width = width;
	c->align = a;
	pango_layout_set_font_description(c->l, p->fd[s]);
	pango_layout_set_width(c->l, width);
	pango_layout_set_alignment(c->l, a == A_RIGHT ? PANGO_ALIGN_RIGHT
					 : a == A_CENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(c->l, text, -1);
	pango_layout_get_size(c->l, &pw, &ph);
	c->h = (double)ph / PANGO_SCALE;
	if (!c->text)
		c->style = -1;  /* not found again */
	p->cur = c->l;
	return c->h;
}

static void show(struct docs_pdf *p, enum style s, double x, double y)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, styles[s].r, styles[s].g, styles[s].b);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->cur);
}

/* Draw text at (x, y) in a box w wide; returns its height. */
static double text(struct docs_pdf *p, enum style s, double x, double y, double w, enum align a,
		   const char *str)
{
	double h = lay(p, s, w, a, str);

	show(p, s, x, y);
	return h;
}

static void rule(struct docs_pdf *p, double x0, double x1, double y, double width)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x0, y);
	cairo_line_to(p->cr, x1, y);
	cairo_stroke(p->cr);
}

static void shade(struct docs_pdf *p, double x, double y, double w, double h, double grey)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
}

static void footer(struct docs_pdf *p)
{
	const struct docmodel *d = p->doc;
	char period[64], page[16], buf[512];
	const char *kv[] = { "supplier", p->env->sup->short_name, "account", d ? d->account : "",
			     "period", d ? month_year(p->env->texts, d->period, period, sizeof(period)) : "",
			     "page", page, NULL };

	snprintf(page, sizeof(page), "%d", p->doc_page);
	rule(p, LEFT, RIGHT, PAGE_H - MARGIN - 10, 0.4);
	text(p, S_SMALL, LEFT, PAGE_H - MARGIN - 8, WIDTH, A_CENTER,
	     docs_text_fill(p->env->texts, DT_FOOTER, buf, sizeof(buf), kv));
}

static void page_start(struct docs_pdf *p)
{
	if (p->recording) {
		cairo_rectangle_t a4 = { 0, 0, PAGE_W, PAGE_H };
		cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
		p->cr = cairo_create(s);
		cairo_surface_destroy(s);  /* the context holds it */
		pango_cairo_update_context(p->cr, p->ctx);
	}
	p->page_open = 1;
	p->doc_page++;
	p->y = MARGIN;
}

static void page_end(struct docs_pdf *p)
{
	footer(p);
	if (p->recording) {
		cairo_surface_t *s = cairo_surface_reference(cairo_get_target(p->cr));
		if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
			p->rec_failed = 1;
		cairo_destroy(p->cr);
		p->cr = NULL;
		if (p->nrec == p->rec_cap) {
			int cap = p->rec_cap ? p->rec_cap * 2 : 4;
			cairo_surface_t **n = realloc(p->rec, (size_t)cap * sizeof(*n));
			if (!n) {
				cairo_surface_destroy(s);
				p->rec_failed = 1;
				p->page_open = 0;
				return;
			}
			p->rec = n;
			p->rec_cap = cap;
		}
		p->rec[p->nrec++] = s;
		p->page_open = 0;
		return;
	}
	cairo_show_page(p->cr);
	p->page_open = 0;
	p->pages++;
}

/* Make room for h points: a new page when the block would not fit. */
static void room(struct docs_pdf *p, double h)
{
	if (p->dry || p->y + h <= BOTTOM)
		return;
	page_end(p);
	page_start(p);
}

/* The QR code of payload as one image, side points wide, at (x, y). */
static int draw_qr(struct docs_pdf *p, const char *payload, double x, double y, double side,
		   struct sbyt_err *e)
{
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	cairo_surface_t *img;
	cairo_pattern_t *pat;
	unsigned char *data;
	int quiet = 4, n, stride;

	if (!q)
		return err_set(e, ERR_DATA, "cannot make the QR code (%s)", strerror(errno));
	n = q->width + 2 * quiet;
	img = cairo_image_surface_create(CAIRO_FORMAT_A8, n, n);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		QRcode_free(q);
		cairo_surface_destroy(img);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	cairo_surface_flush(img);
	data = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	memset(data, 0, (size_t)stride * (size_t)n);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				data[(r + quiet) * stride + c + quiet] = 0xff;
	cairo_surface_mark_dirty(img);
	QRcode_free(q);
	/* white under the code, then the modules as one mask, not squares */
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, side, side);
	cairo_fill(p->cr);
	cairo_save(p->cr);
	cairo_translate(p->cr, x, y);
	cairo_scale(p->cr, side / n, side / n);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_mask(p->cr, pat);
	cairo_pattern_destroy(pat);
	cairo_restore(p->cr);
	cairo_surface_destroy(img);
	return 0;
}

/* A label above its value in a column; returns the height used. */
static double field(struct docs_pdf *p, double x, double y, double w, const char *label,
		    const char *value, enum style vs)
{
	double h = text(p, S_SMALL, x, y, w, A_LEFT, label);

	return h + text(p, vs, x, y + h, w, A_LEFT, value && *value ? value : "—") + 2;
}

/* Header, payer and supplier. */
static void draw_head(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	const struct supplier *s = p->env->sup;
	char period[64], buf[1088], num[16], date[16], a[256], b[256];
	const char *kv[8];
	double col = (WIDTH - 16) / 2, x2 = LEFT + col + 16, y0, yl, yr;

	month_year(t, d->period, period, sizeof(period));
	kv[0] = "period", kv[1] = period, kv[2] = NULL;
	p->y += text(p, S_TITLE, LEFT, p->y, WIDTH, A_LEFT,
		     docs_text_fill(t, d->legal ? DT_TITLE_LEGAL : DT_TITLE, buf, sizeof(buf), kv));
	snprintf(num, sizeof(num), "%d", d->number);
	kv[0] = "number", kv[1] = num, kv[2] = "date";
	kv[3] = ddmmyyyy(d->issued_on, date, sizeof(date)), kv[4] = NULL;
	p->y += text(p, S_BOLD, LEFT, p->y + 2, WIDTH, A_LEFT,
		     docs_text_fill(t, DT_NUMBER, buf, sizeof(buf), kv)) + 2;
	if (s->sample) {
		cairo_set_source_rgb(p->cr, 0.75, 0.1, 0.1);
		lay(p, S_BOLD, WIDTH, A_LEFT, t->text[DT_SAMPLE]);
		cairo_move_to(p->cr, LEFT, p->y);
		pango_cairo_show_layout(p->cr, p->cur);
		p->y += 12;
	}
	p->y += 4;
	rule(p, LEFT, RIGHT, p->y, 0.8);
	p->y += 4;
	y0 = p->y;

	/* payer and premises (п. 69 а) */
	yl = y0 + text(p, S_HEAD, LEFT, y0, col, A_LEFT, t->text[DT_PAYER_HEADING]) + 2;
	yl += field(p, LEFT, yl, col, t->text[DT_PAYER], d->name, S_BOLD);
	/* buf holds a postcode, ", " and a whole address (docmodel.h) */
	snprintf(buf, sizeof(buf), "%s%s%s", d->postcode, d->postcode[0] ? ", " : "", d->address);
	yl += field(p, LEFT, yl, col, t->text[DT_ADDRESS], buf, S_NORMAL);
	if (!d->legal && (d->residents > 0 || d->rooms > 0)) {
		char r[16], m[16];
		const char *rv[] = { "residents", r, "rooms", m, NULL };
		snprintf(r, sizeof(r), "%d", d->residents);
		snprintf(m, sizeof(m), "%d", d->rooms);
		yl += text(p, S_NORMAL, LEFT, yl, col, A_LEFT,
			   docs_text_fill(t, DT_PREMISES, buf, sizeof(buf), rv)) + 2;
	}
	yl += field(p, LEFT, yl, col, t->text[DT_ACCOUNT], d->account, S_BIG);
	if (d->legal && d->has_inn) {
		snprintf(buf, sizeof(buf), "%s%s%s", d->inn, d->kpp[0] ? " / " : "", d->kpp);
		yl += field(p, LEFT, yl, col, t->text[DT_PAYER_INN], buf, S_NORMAL);
		yl += field(p, LEFT, yl, col, t->text[DT_CONTRACT], d->contract, S_NORMAL);
	}

	/* the supplier and its bank (п. 69 б) */
	yr = y0 + text(p, S_HEAD, x2, y0, col, A_LEFT, t->text[DT_SUPPLIER_HEADING]) + 2;
	yr += text(p, S_BOLD, x2, yr, col, A_LEFT, s->name);
	kv[0] = "inn", kv[1] = s->inn, kv[2] = "kpp", kv[3] = s->kpp, kv[4] = NULL;
	yr += text(p, S_NORMAL, x2, yr, col, A_LEFT, docs_text_fill(t, DT_SUPPLIER_INN, a, sizeof(a), kv));
	yr += text(p, S_NORMAL, x2, yr, col, A_LEFT, s->address);
	kv[0] = "phone", kv[1] = s->phone, kv[2] = "email", kv[3] = s->email, kv[4] = "site";
	kv[5] = s->site, kv[6] = NULL;
	yr += text(p, S_NORMAL, x2, yr, col, A_LEFT,
		   docs_text_fill(t, DT_SUPPLIER_CONTACTS, a, sizeof(a), kv));
	kv[0] = "bank", kv[1] = s->bank_name, kv[2] = "bic", kv[3] = s->bic, kv[4] = "corr";
	kv[5] = s->corr_account, kv[6] = NULL;
	yr += text(p, S_NORMAL, x2, yr, col, A_LEFT, docs_text_fill(t, DT_BANK, a, sizeof(a), kv));
	kv[0] = "account", kv[1] = s->account, kv[2] = NULL;
	yr += text(p, S_NORMAL, x2, yr, col, A_LEFT, docs_text_fill(t, DT_BANK_ACCOUNT, b, sizeof(b), kv));
	yr += text(p, S_SMALL, x2, yr + 1, col, A_LEFT, t->text[DT_OFFICE_HOURS]) + 1;
	p->y = (yl > yr ? yl : yr) + 6;
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
	double top = p->y, x = LEFT + PAD + 4, w = WIDTH - QR_SIDE - 24, y, lw = 110, h;
	char buf[512], sum[48], date[16], period[64];
	const char *kv[4];

	y = top + PAD + 2;
	y += text(p, S_HEAD, x, y, w, A_LEFT, t->text[DT_PAY_HEADING]) + 3;
	text(p, S_SMALL, x, y + 1, lw, A_LEFT, t->text[DT_PAY_RECIPIENT]);
	y += text(p, S_NORMAL, x + lw, y, w - lw, A_LEFT, s->short_name[0] ? s->short_name : s->name);
	text(p, S_SMALL, x, y + 1, lw, A_LEFT, t->text[DT_ACCOUNT]);
	y += text(p, S_BOLD, x + lw, y, w - lw, A_LEFT, d->account);
	text(p, S_SMALL, x, y + 1, lw, A_LEFT, t->text[DT_PAY_PERIOD]);
	y += text(p, S_NORMAL, x + lw, y, w - lw, A_LEFT, month_year(t, d->period, period, sizeof(period)));
	text(p, S_SMALL, x, y + 1, lw, A_LEFT, t->text[DT_PAY_PURPOSE]);
	y += text(p, S_NORMAL, x + lw, y, w - lw, A_LEFT, qr_purpose(d->qr, buf, sizeof(buf))) + 6;

	/* the sum, large, and the due date */
	text(p, S_NORMAL, x, y + 6, lw, A_LEFT, t->text[DT_PAY_SUM]);
	kv[0] = "sum", kv[2] = NULL;
	if (d->total > 0) {
		kv[1] = rub(d->total, sum, sizeof(sum));
		h = text(p, S_BIG, x + lw, y, w - lw, A_LEFT, docs_text_fill(t, DT_RUB, buf, sizeof(buf), kv));
	} else {
		h = text(p, S_BIG, x + lw, y, w - lw, A_LEFT, t->text[DT_PAY_NOTHING]);
	}
	y += h;
	if (d->total < 0) {
		kv[1] = rub(-d->total, sum, sizeof(sum));
		y += text(p, S_NORMAL, x + lw, y, w - lw, A_LEFT,
			  docs_text_fill(t, DT_PAY_ADVANCE, buf, sizeof(buf), kv));
	}
	text(p, S_NORMAL, x, y + 1, lw, A_LEFT, t->text[DT_PAY_DUE]);
	y += text(p, S_BOLD, x + lw, y, w - lw, A_LEFT, ddmmyyyy(d->due, date, sizeof(date))) + 4;

	/* the QR code beside the sum, its hint under it */
	if (draw_qr(p, d->qr, RIGHT - QR_SIDE - PAD, top + PAD, QR_SIDE, e))
		return -1;
	h = top + PAD + QR_SIDE;
	h += text(p, S_SMALL, RIGHT - QR_SIDE - PAD, h, QR_SIDE, A_CENTER, t->text[DT_PAY_QR]);
	if (h > y)
		y = h;
	y += PAD;
	cairo_set_source_rgb(p->cr, 0.05, 0.2, 0.4);
	cairo_set_line_width(p->cr, 1.2);
	cairo_rectangle(p->cr, LEFT, top, WIDTH, y - top);
	cairo_stroke(p->cr);
	p->y = y + 6;
	return 0;
}

/* One table row of cells; returns its height.  x[] are the column edges
 * (ncol + 1), align[] each cell's alignment. */
static double row(struct docs_pdf *p, enum style s, const double *x, int ncol, const enum align *a,
		  const char *const *cell, double grey)
{
	double h = 0;

	for (int i = 0; i < ncol; i++) {
		double ch = lay(p, s, x[i + 1] - x[i] - 2 * PAD, a[i], cell[i] ? cell[i] : "");
		if (ch > h)
			h = ch;
	}
	h += 2 * 1.2;
	room(p, h);
	if (grey < 1)
		shade(p, x[0], p->y, x[ncol] - x[0], h, grey);
	for (int i = 0; i < ncol; i++)
		text(p, s, x[i] + PAD, p->y + 1.2, x[i + 1] - x[i] - 2 * PAD, a[i], cell[i] ? cell[i] : "");
	rule(p, x[0], x[ncol], p->y + h, 0.3);
	p->y += h;
	return h;
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

static void heading(struct docs_pdf *p, const char *s)
{
	room(p, 40);
	p->y += text(p, S_HEAD, LEFT, p->y, WIDTH, A_LEFT, s) + 2;
}

/* The calculation (п. 69 в-е, ж, н). */
static void draw_lines(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	double xs[] = { LEFT, LEFT + 215, LEFT + 247, LEFT + 287, LEFT + 385, LEFT + 447, RIGHT };
	double xl[] = { LEFT, LEFT + 150, LEFT + 180, LEFT + 222, LEFT + 320, LEFT + 382, LEFT + 455, RIGHT };
	const double *x = d->legal ? xl : xs;
	int ncol = d->legal ? 7 : 6;
	enum align al[] = { A_LEFT, A_CENTER, A_RIGHT, A_LEFT, A_RIGHT, A_RIGHT, A_RIGHT };
	const char *head[7], *cell[7];
	char svc[256], vol[32], tar[32], amt[48], vat[48], tmp[96], period[64];
	const char *kv[4];
	money sub = 0;

	heading(p, t->text[DT_TABLE_HEADING]);
	head[0] = t->text[DT_COL_SERVICE], head[1] = t->text[DT_COL_UNIT];
	head[2] = t->text[DT_COL_VOLUME], head[3] = t->text[DT_COL_BASIS];
	head[4] = t->text[DT_COL_TARIFF], head[5] = t->text[DT_COL_AMOUNT];
	head[6] = t->text[DT_COL_VAT];
	if (d->legal) {
		head[5] = t->text[DT_COL_VAT];
		head[6] = t->text[DT_COL_AMOUNT];
	}
	rule(p, LEFT, RIGHT, p->y, 0.6);
	row(p, S_SMALL, x, ncol, (const enum align[]){ A_LEFT, A_CENTER, A_RIGHT, A_LEFT, A_RIGHT,
						       A_RIGHT, A_RIGHT }, head, 0.9);
	month_year(t, d->period, period, sizeof(period));
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
			cell[5] = pen ? "" : rub(l->vat, vat, sizeof(vat));
			cell[6] = rub(amount, amt, sizeof(amt));
		} else {
			cell[5] = rub(amount, amt, sizeof(amt));
		}
		sub += amount;
		row(p, S_NORMAL, x, ncol, al, cell, 1);
	}
	for (int i = 0; i < ncol; i++)
		cell[i] = "";
	cell[0] = t->text[DT_SUBTOTAL];
	cell[ncol - 1] = rub(sub, amt, sizeof(amt));
	row(p, S_BOLD, x, ncol, al, cell, 0.95);
	p->y += 6;
}

/* Readings per meter and zone. */
static void draw_readings(struct docs_pdf *p, const struct docmodel *d, double x0, double x1)
{
	const struct docs_texts *t = p->env->texts;
	const double x[] = { x0, x0 + 78, x0 + 108, x0 + 154, x0 + 200, x1 };
	const enum align al[] = { A_LEFT, A_CENTER, A_RIGHT, A_RIGHT, A_RIGHT };
	const char *cell[5];
	char zone[16], prev[32], cur[32], used[32], raw[32];

	p->y += text(p, S_HEAD, x0, p->y, x1 - x0, A_LEFT, t->text[DT_READINGS_HEADING]) + 2;
	if (d->nread == 0) {
		p->y += text(p, S_NORMAL, x0, p->y, x1 - x0, A_LEFT, t->text[DT_NO_METER]) + 8;
		return;
	}
	cell[0] = t->text[DT_COL_METER], cell[1] = t->text[DT_COL_ZONE];
	cell[2] = t->text[DT_COL_PREVIOUS], cell[3] = t->text[DT_COL_CURRENT];
	cell[4] = t->text[DT_COL_USED];
	rule(p, x0, x1, p->y, 0.6);
	row(p, S_SMALL, x, 5, al, cell, 0.9);
	for (int i = 0; i < d->nread; i++) {
		const struct docmodel_read *r = &d->read[i];
		snprintf(zone, sizeof(zone), "Т%d", r->zone);
		cell[0] = r->meter;
		cell[1] = zone;
		cell[2] = decimal(r->previous, prev, sizeof(prev));
		cell[3] = r->has_current ? decimal(r->current, cur, sizeof(cur)) : t->text[DT_NO_CURRENT];
		if (r->has_current) {
			long long v = milli(r->current) - milli(r->previous);
			snprintf(raw, sizeof(raw), "%s%lld.%03lld", v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000,
				 (v < 0 ? -v : v) % 1000);
			cell[4] = decimal(raw, used, sizeof(used));
		} else {
			cell[4] = "—";
		}
		row(p, S_NORMAL, x, 5, al, cell, 1);
	}
	p->y += 5;
}

/* The balance (п. 69 з). */
static void draw_balance(struct docs_pdf *p, const struct docmodel *d, double x0, double x1)
{
	const struct docs_texts *t = p->env->texts;
	const double x[] = { x0, x1 - 62, x1 };
	const enum align al[] = { A_LEFT, A_RIGHT };
	const char *cell[2];
	char amt[48], buf[256], date[16];
	const char *kv[] = { "date", NULL, NULL };

	p->y += text(p, S_HEAD, x0, p->y, x1 - x0, A_LEFT, t->text[DT_BALANCE_HEADING]) + 2;
	rule(p, x0, x1, p->y, 0.6);
	cell[0] = t->text[DT_OPENING], cell[1] = rub(d->opening, amt, sizeof(amt));
	row(p, S_NORMAL, x, 2, al, cell, 1);
	cell[0] = t->text[DT_CHARGED], cell[1] = rub(d->charged + d->recalc + d->penalty, amt, sizeof(amt));
	row(p, S_NORMAL, x, 2, al, cell, 1);
	if (d->last_paid_on) {
		kv[1] = ddmmyyyy(d->last_paid_on, date, sizeof(date));
		cell[0] = docs_text_fill(t, DT_PAID_LAST, buf, sizeof(buf), kv);
	} else {
		cell[0] = t->text[DT_PAID];
	}
	cell[1] = rub(d->paid, amt, sizeof(amt));
	row(p, S_NORMAL, x, 2, al, cell, 1);
	cell[0] = t->text[DT_TOTAL], cell[1] = rub(d->total, amt, sizeof(amt));
	row(p, S_BOLD, x, 2, al, cell, 0.92);
	p->y += 5;
}

/* The limitation warning's full text, boxed. */
static void draw_warning(struct docs_pdf *p, const struct docmodel *d)
{
	const struct docs_texts *t = p->env->texts;
	double w = WIDTH - 2 * (PAD + 4), hh, hb, top;

	hh = lay(p, S_HEAD, w, A_LEFT, t->text[DT_WARNING_HEADING]);
	hb = lay(p, S_NORMAL, w, A_LEFT, d->w_text);
	room(p, hh + hb + 2 * PAD + 12);
	top = p->y;
	cairo_set_source_rgb(p->cr, 0.75, 0.1, 0.1);
	cairo_set_line_width(p->cr, 1.5);
	cairo_rectangle(p->cr, LEFT, top, WIDTH, hh + hb + 2 * PAD + 6);
	cairo_stroke(p->cr);
	text(p, S_HEAD, LEFT + PAD + 4, top + PAD + 1, w, A_LEFT, t->text[DT_WARNING_HEADING]);
	text(p, S_NORMAL, LEFT + PAD + 4, top + PAD + 4 + hh, w, A_LEFT, d->w_text);
	p->y = top + hh + hb + 2 * PAD + 14;
}

static void draw_notes(struct docs_pdf *p)
{
	const struct docs_texts *t = p->env->texts;
	const struct supplier *s = p->env->sup;
	char first[8], last[8], buf[1024];
	const char *kv[10];

	snprintf(first, sizeof(first), "%d", p->env->billing->window_first);
	snprintf(last, sizeof(last), "%d", p->env->billing->window_last);
	kv[0] = "first", kv[1] = first, kv[2] = "last", kv[3] = last, kv[4] = "site", kv[5] = s->site;
	kv[6] = "phone", kv[7] = s->phone, kv[8] = NULL;
	/* room() may draw a footer: lay out again after it (from the cache) */
	docs_text_fill(t, DT_READINGS_WINDOW, buf, sizeof(buf), kv);
	room(p, lay(p, S_SMALL, WIDTH, A_LEFT, buf) + 2);
	p->y += text(p, S_SMALL, LEFT, p->y, WIDTH, A_LEFT, buf) + 2;
	kv[0] = "site", kv[1] = s->site, kv[2] = NULL;
	docs_text_fill(t, DT_PAY_CHANNELS, buf, sizeof(buf), kv);
	room(p, lay(p, S_SMALL, WIDTH, A_LEFT, buf));
	p->y += text(p, S_SMALL, LEFT, p->y, WIDTH, A_LEFT, buf);
}

/* ---- the renderer ---- */

struct docs_pdf *docs_pdf_new(const struct docs_pdf_env *env, struct sbyt_err *e)
{
	struct docs_pdf *p = calloc(1, sizeof(*p));

	if (!p) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	p->env = env;
	p->fm = pango_cairo_font_map_new();
	p->ctx = pango_font_map_create_context(p->fm);
	{
		/* the PDF surface's metrics everywhere, recorded pages included,
		 * so a document lays out the same whichever way it is drawn */
		cairo_font_options_t *fo = cairo_font_options_create();
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
		pango_cairo_context_set_font_options(p->ctx, fo);
		cairo_font_options_destroy(fo);
	}
	for (int i = 0; i < S_COUNT; i++)
		p->fd[i] = pango_font_description_from_string(styles[i].desc);
	return p;
}

void docs_pdf_free(struct docs_pdf *p)
{
	if (!p)
		return;
	docs_pdf_abort(p);
	for (int i = 0; i < S_COUNT; i++)
		pango_font_description_free(p->fd[i]);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (p->cache[i].l)
			g_object_unref(p->cache[i].l);
		free(p->cache[i].text);
	}
	g_object_unref(p->ctx);
	g_object_unref(p->fm);
	free(p);
}

static cairo_status_t write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct docs_pdf *p = arg;

	if (fwrite(data, 1, len, p->f) != len) {
		if (!p->werr)
			p->werr = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int docs_pdf_begin(struct docs_pdf *p, const char *path, sdate date, struct sbyt_err *e)
{
	char when[32];
	int y, m, d, fd;

	snprintf(p->path, sizeof(p->path), "%s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	p->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!p->f) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", path, strerror(errno));
	}
	p->werr = 0;
	p->pages = 0;
	p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, PAGE_W, PAGE_H);
	date_to_ymd(date, &y, &m, &d);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT00:00:00+05:00", y, m, d);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "sbyt");
	p->cr = cairo_create(p->surface);
	pango_cairo_update_context(p->cr, p->ctx);  /* layouts notice a change */
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		docs_pdf_abort(p);
		return err_set(e, ERR_CANTCREATE, "cannot start the PDF '%s'", path);
	}
	return 0;
}

int docs_pdf_document(struct docs_pdf *p, const struct docmodel *d, struct sbyt_err *e)
{
	p->doc = d;
	p->doc_page = 0;
	page_start(p);
	draw_head(p, d);
	if (draw_payment(p, d, e)) {
		p->doc = NULL;
		return -1;
	}
	draw_lines(p, d);
	/* readings (left) beside the balance (right): measured first, then
	 * drawn on one page */
	for (p->dry = 1; p->dry >= 0; p->dry--) {
		double y0 = p->y, y1, mid = LEFT + WIDTH * 0.5;
		draw_readings(p, d, LEFT, mid - 8);
		y1 = p->y;
		p->y = y0;
		draw_balance(p, d, mid + 8, RIGHT);
		if (y1 > p->y)
			p->y = y1;
		if (p->dry) {
			double h = p->y - y0;
			p->y = y0;
			room(p, h);  /* no-op while dry */
			p->dry = 0;
			room(p, h);
			p->dry = 1;
		}
	}
	p->dry = 0;
	if (d->w_text && d->w_text[0])
		draw_warning(p, d);
	draw_notes(p);
	page_end(p);
	p->doc = NULL;
	if (p->recording)
		return 0;
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return err_set(e, p->werr ? ERR_IO : ERR_INTERNAL, "cannot draw '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(cairo_status(p->cr)));
	return 0;
}

int docs_pdf_record(struct docs_pdf *p, const struct docmodel *d, struct docs_pdf_pages *out,
		    struct sbyt_err *e)
{
	int rc;

	p->recording = 1;
	p->rec = out->page;
	p->nrec = 0;
	p->rec_cap = out->cap;
	p->rec_failed = 0;
	rc = docs_pdf_document(p, d, e);
	if (p->page_open) {  /* a failure in the middle of a page */
		cairo_destroy(p->cr);
		p->cr = NULL;
		p->page_open = 0;
	}
	out->page = p->rec;
	out->cap = p->rec_cap;
	out->n = p->nrec;
	p->recording = 0;
	p->rec = NULL;
	p->nrec = p->rec_cap = 0;
	if (rc == 0 && p->rec_failed) {
		docs_pdf_pages_clear(out);
		return err_set(e, ERR_INTERNAL, "cannot record the pages of account %s", d->account);
	}
	return rc;
}

void docs_pdf_pages_clear(struct docs_pdf_pages *pp)
{
	for (int i = 0; i < pp->n; i++)
		cairo_surface_destroy(pp->page[i]);
	pp->n = 0;
}

void docs_pdf_pages_release(struct docs_pdf_pages *pp)
{
	docs_pdf_pages_clear(pp);
	free(pp->page);
	pp->page = NULL;
	pp->cap = 0;
}

int docs_pdf_put(struct docs_pdf *p, struct docs_pdf_pages *pp, struct sbyt_err *e)
{
	for (int i = 0; i < pp->n; i++) {
		cairo_set_source_surface(p->cr, pp->page[i], 0, 0);
		cairo_paint(p->cr);
		cairo_show_page(p->cr);
		p->pages++;
	}
	docs_pdf_pages_clear(pp);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return err_set(e, p->werr ? ERR_IO : ERR_INTERNAL, "cannot draw '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(cairo_status(p->cr)));
	return 0;
}

int docs_pdf_pages(const struct docs_pdf *p)
{
	return p->pages;
}

int docs_pdf_end(struct docs_pdf *p, int sync, struct sbyt_err *e)
{
	cairo_status_t st;
	int rc;

	cairo_destroy(p->cr);
	p->cr = NULL;
	cairo_surface_finish(p->surface);
	st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	p->surface = NULL;
	rc = st != CAIRO_STATUS_SUCCESS || fflush(p->f) != 0 || ferror(p->f) ||
	     (sync && fsync(fileno(p->f)) != 0);
	if (rc && !p->werr)
		p->werr = errno ? errno : EIO;
	if (fclose(p->f) != 0 && !p->werr)
		p->werr = errno ? errno : EIO;
	p->f = NULL;
	if (rc || p->werr) {
		unlink(p->path);
		return err_set(e, ERR_IO, "cannot write '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(st));
	}
	return 0;
}

void docs_pdf_abort(struct docs_pdf *p)
{
	if (p->cr)
		cairo_destroy(p->cr);
	p->cr = NULL;
	if (p->surface) {
		cairo_surface_finish(p->surface);
		cairo_surface_destroy(p->surface);
	}
	p->surface = NULL;
	if (p->f) {
		fclose(p->f);
		unlink(p->path);
	}
	p->f = NULL;
}
