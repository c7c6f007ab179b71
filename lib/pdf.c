/* pdf.c - the page, fonts, text blocks and file every PDF shares; see pdf.h. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FONT "PT Sans,DejaVu Sans,sans"

static const struct {
	const char *desc;
	double r, g, b;
} styles[PDF_STYLES] = {
	[PDF_SMALL] = { FONT " 7", 0.25, 0.25, 0.25 },
	[PDF_NORMAL] = { FONT " 8", 0, 0, 0 },
	[PDF_BOLD] = { FONT " Bold 8", 0, 0, 0 },
	[PDF_HEAD] = { FONT " Bold 9", 0.05, 0.2, 0.4 },
	[PDF_TITLE] = { FONT " Bold 10.5", 0, 0, 0 },
	[PDF_BIG] = { FONT " Bold 17", 0, 0, 0 },
	[PDF_BODY] = { FONT " 10", 0, 0, 0 },
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

/* ---- fonts shared between threads ----
 *
 * Cairo 1.16 shares a scaled font between every thread that asks for the
 * same face, size and options, and cairo_scaled_font_destroy() asserts that
 * the font's glyph cache is not frozen after its count reached zero but
 * before it takes the font map's lock: another thread that finds the font
 * in the map in that moment and draws with it aborts the process
 * ("Assertion `! scaled_font->cache_frozen' failed", seen once in a
 * 100,000-document render).  A count reaches zero when a file's font
 * subsets are freed (every e-mail PDF) and, before this, on every replay of
 * a recorded page, which made a font of its own for each text run because
 * the recording's font options differed from the PDF surface's.  So every
 * renderer asks for fonts with the PDF surface's own options (a recorded
 * page replays with the fonts it was drawn with), and the fonts our styles
 * use, as Pango makes them and as the subsetter makes them, are held for
 * the life of the process: their counts never reach zero. */

#define PIN_MAX 64

static pthread_once_t pin_once = PTHREAD_ONCE_INIT;
static cairo_font_options_t *pdf_options;   /* the PDF surface's font options */
static cairo_scaled_font_t *pinned[PIN_MAX];
static int npinned;

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int n)
{
	(void)closure;
	(void)data;
	(void)n;
	return CAIRO_STATUS_SUCCESS;
}

/* Keep sf (a reference the caller gives up) unless it is held already. */
static void pin(cairo_scaled_font_t *sf)
{
	for (int i = 0; i < npinned; i++)
		if (pinned[i] == sf) {
			cairo_scaled_font_destroy(sf);
			return;
		}
	if (npinned < PIN_MAX && cairo_scaled_font_status(sf) == CAIRO_STATUS_SUCCESS)
		pinned[npinned++] = sf;
	else
		cairo_scaled_font_destroy(sf);
}

static void pin_fonts(void)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard, NULL, PDF_PAGE_W,
								 PDF_PAGE_H);
	cairo_t *cr = cairo_create(s);
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = fm ? pango_font_map_create_context(fm) : NULL;
	cairo_font_options_t *sub = cairo_font_options_create();
	cairo_matrix_t id;

	pdf_options = cairo_font_options_create();
	cairo_surface_get_font_options(s, pdf_options);
	/* the options cairo's font subsetter asks for (cairo-scaled-font-subsets.c) */
	cairo_font_options_set_hint_style(sub, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(sub, CAIRO_HINT_METRICS_OFF);
	cairo_matrix_init_identity(&id);
	if (ctx) {
		pango_cairo_context_set_font_options(ctx, pdf_options);
		pango_cairo_update_context(cr, ctx);
		for (int i = 0; i < PDF_STYLES; i++) {
			PangoLayout *l = pango_layout_new(ctx);
			PangoFontDescription *fd = pango_font_description_from_string(styles[i].desc);
			PangoLayoutIter *it;

			pango_layout_set_font_description(l, fd);
			pango_layout_set_text(l, "Счёт № 1\u00a0234,56 ₽ −5 «Аб» — Ab…", -1);
			it = pango_layout_get_iter(l);
			do {
				PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
				cairo_scaled_font_t *sf;

				if (!run || !PANGO_IS_CAIRO_FONT(run->item->analysis.font))
					continue;
				sf = pango_cairo_font_get_scaled_font(
					PANGO_CAIRO_FONT(run->item->analysis.font));
				if (!sf)
					continue;
				pin(cairo_scaled_font_reference(sf));
				pin(cairo_scaled_font_create(cairo_scaled_font_get_font_face(sf), &id,
							     &id, sub));
			} while (pango_layout_iter_next_run(it));
			pango_layout_iter_free(it);
			pango_font_description_free(fd);
			g_object_unref(l);
		}
		g_object_unref(ctx);
	}
	if (fm)
		g_object_unref(fm);
	cairo_font_options_destroy(sub);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
}

int pdf_fonts_pinned(void)
{
	pthread_once(&pin_once, pin_fonts);
	return npinned;
}

void *pdf_new(size_t size, void (*footer)(struct pdf *p, void *arg), struct sbyt_err *e)
{
	struct pdf *p = calloc(1, size);

	if (p) {
		p->fm = pango_cairo_font_map_new();
		p->ctx = p->fm ? pango_font_map_create_context(p->fm) : NULL;
	}
	if (!p || !p->ctx) {
		if (p && p->fm)
			g_object_unref(p->fm);
		free(p);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	p->footer = footer;
	p->footer_arg = p;
	/* the PDF surface's metrics and options everywhere, recorded pages
	 * included, so a document lays out the same whichever way it is drawn
	 * and a recorded page replays with its own fonts (see pin_fonts) */
	pdf_fonts_pinned();
	pango_cairo_context_set_font_options(p->ctx, pdf_options);
	for (int i = 0; i < PDF_STYLES; i++)
		p->fd[i] = pango_font_description_from_string(styles[i].desc);
	return p;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	pdf_abort(p);
	for (int i = 0; i < PDF_STYLES; i++)
		pango_font_description_free(p->fd[i]);
	for (int i = 0; i < PDF_CACHE_SLOTS; i++) {
		if (p->cache[i].l)
			g_object_unref(p->cache[i].l);
		free(p->cache[i].text);
	}
	g_object_unref(p->ctx);
	g_object_unref(p->fm);
	free(p);
}

/* ---- numbers ---- */

const char *pdf_rub(money m, char *buf, size_t size)
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

const char *pdf_ddmmyyyy(sdate d, char *buf, size_t size)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, size, "%02d.%02d.%04d", dd, m, y);
	return buf;
}

/* ---- drawing ---- */

double pdf_lay(struct pdf *p, enum pdf_style s, double w, enum pdf_align a, const char *text)
{
	int width = w > 0 ? (int)(w * PANGO_SCALE) : -1;
	uint32_t h = 2166136261u ^ (uint32_t)s ^ ((uint32_t)a << 4) ^ ((uint32_t)width << 8);
	struct pdf_cached *c;
	int pw, ph;
	size_t n;

	for (const unsigned char *q = (const unsigned char *)text; *q; q++)
		h = (h ^ *q) * 16777619u;
	c = &p->cache[h % PDF_CACHE_SLOTS];
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
	pango_layout_set_alignment(c->l, a == PDF_ARIGHT ? PANGO_ALIGN_RIGHT
					 : a == PDF_ACENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(c->l, text, -1);
	pango_layout_get_size(c->l, &pw, &ph);
	c->h = (double)ph / PANGO_SCALE;
	if (!c->text)
		c->style = -1;  /* not found again */
	p->cur = c->l;
	return c->h;
}

void pdf_show(struct pdf *p, enum pdf_style s, double x, double y)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, styles[s].r, styles[s].g, styles[s].b);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->cur);
}

double pdf_text(struct pdf *p, enum pdf_style s, double x, double y, double w, enum pdf_align a,
		const char *str)
{
	double h = pdf_lay(p, s, w, a, str);

	pdf_show(p, s, x, y);
	return h;
}

void pdf_rule(struct pdf *p, double x0, double x1, double y, double width)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x0, y);
	cairo_line_to(p->cr, x1, y);
	cairo_stroke(p->cr);
}

void pdf_shade(struct pdf *p, double x, double y, double w, double h, double grey)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
}

void pdf_frame(struct pdf *p, double x, double y, double w, double h, double line, double r,
	       double g, double b)
{
	if (p->dry)
		return;
	cairo_set_source_rgb(p->cr, r, g, b);
	cairo_set_line_width(p->cr, line);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_stroke(p->cr);
}

void pdf_page_start(struct pdf *p)
{
	if (p->recording) {
		cairo_rectangle_t a4 = { 0, 0, PDF_PAGE_W, PDF_PAGE_H };
		cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
		p->cr = cairo_create(s);
		cairo_surface_destroy(s);  /* the context holds it */
		pango_cairo_update_context(p->cr, p->ctx);
	}
	p->page_open = 1;
	p->doc_page++;
	p->y = PDF_MARGIN;
}

void pdf_page_end(struct pdf *p)
{
	if (p->footer)
		p->footer(p, p->footer_arg);
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

void pdf_footer_line(struct pdf *p, const char *text)
{
	pdf_rule(p, PDF_LEFT, PDF_RIGHT, PDF_PAGE_H - PDF_MARGIN - 10, 0.4);
	pdf_text(p, PDF_SMALL, PDF_LEFT, PDF_PAGE_H - PDF_MARGIN - 8, PDF_WIDTH, PDF_ACENTER, text);
}

void pdf_room(struct pdf *p, double h)
{
	if (p->dry || p->y + h <= PDF_BOTTOM)
		return;
	pdf_page_end(p);
	pdf_page_start(p);
}

double pdf_row(struct pdf *p, enum pdf_style s, const double *x, int ncol, const enum pdf_align *a,
	       const char *const *cell, double grey)
{
	double h = 0;

	for (int i = 0; i < ncol; i++) {
		double ch = pdf_lay(p, s, x[i + 1] - x[i] - 2 * PDF_PAD, a[i], cell[i] ? cell[i] : "");
		if (ch > h)
			h = ch;
	}
	h += 2 * 1.2;
	pdf_room(p, h);
	if (grey < 1)
		pdf_shade(p, x[0], p->y, x[ncol] - x[0], h, grey);
	for (int i = 0; i < ncol; i++)
		pdf_text(p, s, x[i] + PDF_PAD, p->y + 1.2, x[i + 1] - x[i] - 2 * PDF_PAD, a[i],
			 cell[i] ? cell[i] : "");
	pdf_rule(p, x[0], x[ncol], p->y + h, 0.3);
	p->y += h;
	return h;
}

void pdf_heading(struct pdf *p, const char *s)
{
	pdf_room(p, 40);
	p->y += pdf_text(p, PDF_HEAD, PDF_LEFT, p->y, PDF_WIDTH, PDF_ALEFT, s) + 2;
}

void pdf_paragraphs(struct pdf *p, enum pdf_style s, double x, double w, const char *text,
		    double gap)
{
	char buf[4096];

	while (*text) {
		size_t n = strcspn(text, "\n");
		/* a paragraph longer than buf goes in pieces cut at a character */
		size_t k = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;

		while (k < n && k > 0 && ((unsigned char)text[k] & 0xc0) == 0x80)
			k--;
		memcpy(buf, text, k);
		buf[k] = '\0';
		pdf_room(p, pdf_lay(p, s, w, PDF_ALEFT, buf));
		p->y += pdf_text(p, s, x, p->y, w, PDF_ALEFT, buf) + (k == n ? gap : 0);
		text += k;
		if (*text == '\n')
			text++;
	}
}

/* ---- the QR code ---- */

int pdf_qr(struct pdf *p, const char *payload, double x, double y, double side,
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

/* ---- the file ---- */

static cairo_status_t write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct pdf *p = arg;

	if (fwrite(data, 1, len, p->f) != len) {
		if (!p->werr)
			p->werr = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int pdf_begin(struct pdf *p, const char *path, sdate date, struct sbyt_err *e)
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
	p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, PDF_PAGE_W, PDF_PAGE_H);
	date_to_ymd(date, &y, &m, &d);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT00:00:00+05:00", y, m, d);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "sbyt");
	p->cr = cairo_create(p->surface);
	pango_cairo_update_context(p->cr, p->ctx);  /* layouts notice a change */
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		pdf_abort(p);
		return err_set(e, ERR_CANTCREATE, "cannot start the PDF '%s'", path);
	}
	return 0;
}

int pdf_status(struct pdf *p, struct sbyt_err *e)
{
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return err_set(e, p->werr ? ERR_IO : ERR_INTERNAL, "cannot draw '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(cairo_status(p->cr)));
	return 0;
}

int pdf_pages(const struct pdf *p)
{
	return p->pages;
}

int pdf_end(struct pdf *p, int sync, struct sbyt_err *e)
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

void pdf_abort(struct pdf *p)
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

/* ---- recorded pages ---- */

int pdf_record(struct pdf *p, int (*draw)(struct pdf *p, const void *arg, struct sbyt_err *e),
	       const void *arg, struct pdf_pages *out, struct sbyt_err *e)
{
	int rc;

	p->recording = 1;
	p->rec = out->page;
	p->nrec = 0;
	p->rec_cap = out->cap;
	p->rec_failed = 0;
	rc = draw(p, arg, e);
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
		pdf_pages_clear(out);
		return err_set(e, ERR_INTERNAL, "cannot record the pages");
	}
	return rc;
}

void pdf_pages_clear(struct pdf_pages *pp)
{
	for (int i = 0; i < pp->n; i++)
		cairo_surface_destroy(pp->page[i]);
	pp->n = 0;
}

void pdf_pages_release(struct pdf_pages *pp)
{
	pdf_pages_clear(pp);
	free(pp->page);
	pp->page = NULL;
	pp->cap = 0;
}

int pdf_put(struct pdf *p, struct pdf_pages *pp, struct sbyt_err *e)
{
	for (int i = 0; i < pp->n; i++) {
		cairo_set_source_surface(p->cr, pp->page[i], 0, 0);
		cairo_paint(p->cr);
		cairo_show_page(p->cr);
		p->pages++;
	}
	pdf_pages_clear(pp);
	return pdf_status(p, e);
}
