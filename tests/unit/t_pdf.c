/* t_pdf.c - what every PDF shares (lib/pdf.c): sums and dates the Russian
 * way, a long text that goes on to the next pages instead of being cut, the
 * footer on every page, a file made 0640 and removed when aborted, the
 * fonts held by the process. */
#include "check.h"
#include "pdf.h"

#include <cairo-pdf.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int footers;

static cairo_status_t discard(void *c, const unsigned char *d, unsigned int n)
{
	(void)c;
	(void)d;
	(void)n;
	return CAIRO_STATUS_SUCCESS;
}

/* The fonts the styles draw with are held by the process from the first
 * renderer on (so that no thread drops one while another takes it up, a
 * race in Cairo 1.16): the subsetter's font of the face Pango gives 8 pt
 * PT Sans gains one holder when the first renderer is made and keeps it
 * after the renderer is gone.  (Pango's own fonts are held too, but Pango
 * keeps references of its own to them that vary from run to run.) */
static void fonts_held(void)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard, NULL, 100, 100);
	cairo_font_options_t *o = cairo_font_options_create(), *so = cairo_font_options_create();
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoFontDescription *fd = pango_font_description_from_string("PT Sans,DejaVu Sans,sans 8");
	PangoFont *f;
	cairo_scaled_font_t *sf, *sub;
	cairo_matrix_t id;
	unsigned s0;
	struct sbyt_err e;
	struct pdf *p;

	cairo_surface_get_font_options(s, o);
	pango_cairo_context_set_font_options(ctx, o);
	f = pango_context_load_font(ctx, fd);
	sf = cairo_scaled_font_reference(pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f)));
	cairo_matrix_init_identity(&id);
	cairo_font_options_set_hint_style(so, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(so, CAIRO_HINT_METRICS_OFF);
	sub = cairo_scaled_font_create(cairo_scaled_font_get_font_face(sf), &id, &id, so);
	s0 = cairo_scaled_font_get_reference_count(sub);
	p = pdf_new(sizeof(*p), NULL, &e);
	CHECK(p != NULL && pdf_fonts_pinned() >= 2, "fonts held");
	pdf_free(p);
	CHECK_INT((int)cairo_scaled_font_get_reference_count(sub), (int)s0 + 1,
		  "the subset font is held");
	cairo_scaled_font_destroy(sub);
	cairo_scaled_font_destroy(sf);
	g_object_unref(f);
	pango_font_description_free(fd);
	g_object_unref(ctx);
	g_object_unref(fm);
	cairo_font_options_destroy(so);
	cairo_font_options_destroy(o);
	cairo_surface_destroy(s);
}

static void count_footer(struct pdf *p, void *arg)
{
	(void)arg;
	footers++;
	pdf_footer_line(p, "footer");
}

int main(void)
{
	char buf[64], path[] = "/tmp/t_pdf.XXXXXX", file[64], *text;
	struct sbyt_err e;
	struct pdf *p;
	struct stat st;
	size_t n = 0;

	/* no-break space (U+00A0) between thousands, a comma before kopecks,
	 * the minus sign U+2212 */
	CHECK_STR(pdf_rub(481912, buf, sizeof(buf)), "4\u00a0819,12", "thousands");
	CHECK_STR(pdf_rub(123456789012, buf, sizeof(buf)), "1\u00a0234\u00a0567\u00a0890,12",
		  "billions");
	CHECK_STR(pdf_rub(-10000, buf, sizeof(buf)), "−100,00", "negative");
	CHECK_STR(pdf_rub(5, buf, sizeof(buf)), "0,05", "kopecks");
	CHECK_STR(pdf_ddmmyyyy(date_from_ymd(2026, 6, 5), buf, sizeof(buf)), "05.06.2026", "date");
	fonts_held();

	CHECK(mkdtemp(path) != NULL, "a folder");
	snprintf(file, sizeof(file), "%s/a.pdf", path);
	p = pdf_new(sizeof(*p), count_footer, &e);
	CHECK(p != NULL, "a renderer");
	CHECK_INT(pdf_begin(p, file, date_from_ymd(2026, 6, 15), &e), 0, "begin");
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0640, "the file is 0640");
	/* 300 paragraphs of 10 pt: about 5 pages; every paragraph whole */
	text = malloc(300 * 64);
	for (int i = 0; i < 300; i++)
		n += (size_t)sprintf(text + n, "Абзац номер %d, текст на русском.\n", i);
	pdf_page_start(p);
	pdf_paragraphs(p, PDF_BODY, PDF_LEFT, PDF_WIDTH, text, 2);
	CHECK(p->y <= PDF_BOTTOM, "the last line above the footer");
	pdf_page_end(p);
	CHECK(pdf_pages(p) >= 3, "a long text goes on to the next pages");
	CHECK_INT(footers, pdf_pages(p), "a footer on every page");
	CHECK_INT(p->doc_page, pdf_pages(p), "pages counted in the document");
	CHECK_INT(pdf_status(p, &e), 0, "drawn");
	CHECK_INT(pdf_end(p, 1, &e), 0, "end");
	CHECK(stat(file, &st) == 0 && st.st_size > 1000, "written");
	/* an aborted file is removed */
	CHECK_INT(pdf_begin(p, file, date_from_ymd(2026, 6, 15), &e), 0, "begin again");
	pdf_abort(p);
	CHECK(stat(file, &st) != 0, "aborted: removed");
	pdf_free(p);

	free(text);
	rmdir(path);
	return check_done();
}
