/* t_pdf.c - what every PDF shares (lib/pdf.c): sums and dates the Russian
 * way, a long text that goes on to the next pages instead of being cut, the
 * footer on every page, a file made 0640 and removed when aborted, the
 * fonts held by the process, numbers laid out without Pango as Pango lays
 * them out, cached layouts kept from page to page, a stamp drawn once and
 * held once in the file. */
#include "check.h"
#include "pdf.h"

#include <cairo-pdf.h>

#include <math.h>
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
static int draw_two_pages(struct pdf *p, const void *arg, struct sbyt_err *e)
{
	(void)arg;
	(void)e;
	for (int i = 0; i < 2; i++) {
		pdf_page_start(p);
		pdf_text(p, PDF_NORMAL, PDF_LEFT, p->y, PDF_WIDTH, PDF_ALEFT, "Лицевой счёт");
		pdf_page_end(p);
	}
	return 0;
}

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

/* A number is laid out without Pango exactly as Pango lays it out: the
 * same width (kerning pairs such as "7," and ", " included) and height, in
 * every style; a text with other characters, or one that must wrap, goes
 * to Pango. */
static void numbers_as_pango(void)
{
	static const char *const num[] = { "1\u00a0500,04", "7201000005", "−100,00", "28.11.2026",
					   "77,7. 7-7:7/7", "4 819,12", "0,05", NULL };
	struct sbyt_err e;
	struct pdf *p = pdf_new(sizeof(*p), NULL, &e);
	PangoLayout *l = pango_layout_new(p->ctx);
	int bad = 0, fast = 0;

	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	for (int s = 0; s < PDF_STYLES; s++) {
		pango_layout_set_font_description(l, p->fd[s]);
		for (int i = 0; num[i]; i++) {
			double h = pdf_lay(p, (enum pdf_style)s, 0, PDF_ALEFT, num[i]);
			int w, ph;

			pango_layout_set_text(l, num[i], -1);
			pango_layout_get_size(l, &w, &ph);
			fast += p->cur == NULL;
			if (p->cur != NULL || fabs(p->fast.width - (double)w / PANGO_SCALE) > 1e-3 ||
			    fabs(h - (double)ph / PANGO_SCALE) > 1e-3) {
				bad++;
				fprintf(stderr, "# style %d [%s]: %.4f x %.4f, Pango %.4f x %.4f\n", s,
					num[i], p->fast.width, h, (double)w / PANGO_SCALE,
					(double)ph / PANGO_SCALE);
			}
		}
	}
	CHECK_INT(bad, 0, "numbers laid out as Pango lays them out");
	CHECK(fast > 0, "numbers laid out without Pango");
	pdf_lay(p, PDF_NORMAL, 0, PDF_ALEFT, "Итого 1 500,04 ₽");
	CHECK(p->cur != NULL, "a text with a sign not among the fast characters goes to Pango");
	pdf_lay(p, PDF_NORMAL, 0, PDF_ALEFT, "сайт example.ru");
	CHECK(p->cur != NULL, "Cyrillic and Latin letters in one text go to Pango");
	pdf_lay(p, PDF_NORMAL, 10, PDF_ALEFT, "1 500 000 000,04");
	CHECK(p->cur != NULL, "a number that must wrap goes to Pango");
	g_object_unref(l);
	pdf_free(p);
}

/* Short texts of letters (real names, addresses, the lines a payment
 * document fills in) are laid out without Pango as Pango lays them out:
 * the same width (kerning of every pair of letters, signs and digits) and
 * height in every style, with and without a box to fit in. */
static void letters_as_pango(void)
{
	static const char *const txt[] = {
		"Давыдов Константин Викторович", "Федотова Гульнара Фёдоровна",
		"Ёлкин Юрий Яковлевич", "ООО «Тюменьэнергоучёт»", "Лицевой счёт",
		"625000, Тюменская обл., г. Тюмень, Московский тракт, д. 10, кв. 51",
		"625000, Тюменская обл., г. Тюмень, ул. 50 лет Октября, д. 7, кв. 112",
		"Проживает: 3 чел., комнат: 4", "851,03 руб.", "№ 12 от 28.11.2026",
		"Переплата 1 291,92 руб. зачитывается в счёт следующих платежей",
		"Оплата электроэнергии за 11.2026, л/с 7201000005",
		"АО «Газпром энергосбыт Тюмень» · лицевой счёт 7201000005 · ноябрь 2026 г. · "
		"страница 1",
		"Office Tower (AVATAR), WAVE fifty; Type Ты Vy", "ТУАЯ Гг Уу Ьь ЪЫ", NULL };
	struct sbyt_err e;
	struct pdf *p = pdf_new(sizeof(*p), NULL, &e);
	PangoLayout *l = pango_layout_new(p->ctx);
	int bad = 0, fast = 0, n = 0;

	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	for (int s = 0; s < PDF_STYLES; s++) {
		pango_layout_set_font_description(l, p->fd[s]);
		for (int i = 0; txt[i]; i++)
			for (int boxed = 0; boxed < 2; boxed++) {
				double box = boxed ? 400 : 0;
				double h = pdf_lay(p, (enum pdf_style)s, box, PDF_ALEFT, txt[i]);
				int w, ph;

				pango_layout_set_width(l, boxed ? (int)(box * PANGO_SCALE) : -1);
				pango_layout_set_text(l, txt[i], -1);
				pango_layout_get_size(l, &w, &ph);
				n++;
				if (p->cur != NULL)
					continue;  /* Pango's own */
				fast++;
				if (pango_layout_get_line_count(l) != p->fast.nlines ||
				    fabs(p->fast.width - (double)w / PANGO_SCALE) > 1e-3 ||
				    fabs(h - (double)ph / PANGO_SCALE) > 1e-3) {
					bad++;
					fprintf(stderr, "# style %d [%s]: %.4f x %.4f, Pango %.4f x %.4f\n",
						s, txt[i], p->fast.width, h, (double)w / PANGO_SCALE,
						(double)ph / PANGO_SCALE);
				}
			}
	}
	CHECK_INT(bad, 0, "names and addresses laid out as Pango lays them out");
	CHECK(fast > n / 2, "names and addresses laid out without Pango");
	g_object_unref(l);
	pdf_free(p);
}

/* The byte where character k of the UTF-8 text s starts. */
static int byte_of(const char *s, int k)
{
	int b = 0;

	for (int i = 0; i < k && s[b]; i++)
		do
			b++;
		while (((unsigned char)s[b] & 0xc0) == 0x80);
	return b;
}

/* Texts that wrap (addresses, the notes beside a sum, the heads of
 * columns) are laid out without Pango as Pango lays them out: in every
 * style and in boxes 20 to 420 points wide, the same lines (each starting
 * at the same character) and the same height; a text with a character
 * that makes a place to break of its own ("-", "/"), or a word wider than
 * the box, or aligned right, goes to Pango. */
static void wrapped_as_pango(void)
{
	static const char *const txt[] = {
		"625000, Тюменская обл., г. Тюмень, Московский тракт, д. 10, кв. 51",
		"626170, Тюменская обл., Уватский р-н, с. Уват, ул. Озёрная, д. 26",
		"625029, Тюменская обл., г. Тюмень, ул. Мельникайте, д. 127, кв. 91",
		"Переплата 1 291,92 руб. зачитывается в счёт следующих платежей",
		"Оплачено (последний платёж 10.11.2026)", "по нормативу потребления",
		"Долг на начало периода (переплата, с минусом)", "Расход, кВт·ч",
		"Начислено за период (с перерасчётом и пенями)", "не переданы",
		"ООО «Тюменьэнергоучёт» и партнёры; Тюмень: 1\u00a0500,04 руб.",
		"Office Tower (AVATAR), WAVE fifty; Type Vy To Ty", "1 500 000 000,04",
		"Оплата электроэнергии за 11.2026, л/с 7201000005",
		"625504, Тюменская обл., Тюменский р-н, п. Боровский, ул. Молодёжная, д. 38",
		"626240, Тюменская обл., Вагайский р-н, с. Вагай-Северный, ул. Полевая, д. 29",
		"по договору ЭС-01-000198 от 01.01.2026 (Северо-Западный филиал)", NULL };
	struct sbyt_err e;
	struct pdf *p = pdf_new(sizeof(*p), NULL, &e);
	PangoLayout *l = pango_layout_new(p->ctx);
	int bad = 0, fast = 0, multi = 0, n = 0;

	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	for (int s = 0; s < PDF_STYLES; s++) {
		pango_layout_set_font_description(l, p->fd[s]);
		for (int i = 0; txt[i]; i++)
			for (double box = 20; box <= 420; box += 0.7) {
				double h = pdf_lay(p, (enum pdf_style)s, box, PDF_ALEFT, txt[i]);
				int w, ph, same = 1;

				pango_layout_set_width(l, (int)(box * PANGO_SCALE));
				pango_layout_set_text(l, txt[i], -1);
				pango_layout_get_size(l, &w, &ph);
				n++;
				if (p->cur != NULL)
					continue;  /* Pango's own */
				fast++;
				multi += p->fast.nlines > 1;
				same = pango_layout_get_line_count(l) == p->fast.nlines &&
				       fabs(h - (double)ph / PANGO_SCALE) < 1e-3;
				for (int k = 0; same && k < p->fast.nlines; k++)
					same = pango_layout_get_line_readonly(l, k)->start_index ==
					       byte_of(txt[i], p->fast.line[k]);
				if (!same && bad++ < 5)
					fprintf(stderr, "# style %d box %.1f [%s]: %d lines %.3f high, Pango %d, %.3f\n",
						s, box, txt[i], p->fast.nlines, h,
						pango_layout_get_line_count(l), (double)ph / PANGO_SCALE);
			}
	}
	CHECK_INT(bad, 0, "wrapped texts: the lines Pango makes, as high");
	CHECK(multi > 2000, "wrapped texts laid out without Pango");
	CHECK(fast < n, "some go to Pango (a word wider than the box)");
	pdf_lay(p, PDF_NORMAL, 60, PDF_ALEFT, "л/с 7201000005 Тюмень/Тобольск");
	CHECK(p->cur != NULL, "a slash (a place to break of its own) goes to Pango");
	pdf_lay(p, PDF_NORMAL, 60, PDF_ARIGHT, "по нормативу потребления");
	CHECK(p->cur != NULL, "a right-aligned text that wraps goes to Pango");
	pdf_lay(p, PDF_NORMAL, 80, PDF_ALEFT, "по нормативу потребления");
	CHECK(p->cur == NULL && p->fast.nlines == 2, "'по нормативу потребления' in 80 points: 2 lines");
	g_object_unref(l);
	pdf_free(p);
}

/* Recorded pages and files one after the other do not make Pango lay the
 * cached texts out again (its context's serial stays): pango 1.50 counts
 * every pango_cairo_update_context() as a change. */
static void layouts_kept(void)
{
	struct sbyt_err e;
	struct pdf *p = pdf_new(sizeof(*p), NULL, &e);
	struct pdf_pages pp = { 0 };
	guint serial;

	CHECK_INT(pdf_record(p, draw_two_pages, NULL, &pp, &e), 0, "recorded");
	serial = pango_context_get_serial(p->ctx);
	pdf_pages_clear(&pp);
	CHECK_INT(pdf_record(p, draw_two_pages, NULL, &pp, &e), 0, "recorded again");
	CHECK_INT((int)pango_context_get_serial(p->ctx), (int)serial, "Pango's context unchanged");
	pdf_pages_release(&pp);
	pdf_free(p);
}

/* A stamp is drawn once and shown on every page: 30 pages, one form
 * XObject in the file; its text is on every page, below what came before
 * it, and a stamp that does not fit goes to the next page. */
static void stamps(const char *dir)
{
	char file[128], *buf;
	struct sbyt_err e;
	struct pdf *p = pdf_new(sizeof(*p), NULL, &e);
	FILE *f;
	long n;
	int forms = 0, drawn = 0;

	snprintf(file, sizeof(file), "%s/s.pdf", dir);
	CHECK_INT(pdf_begin(p, file, date_from_ymd(2026, 6, 15), &e), 0, "begin the stamped file");
	for (int i = 0; i < 30; i++) {
		pdf_page_start(p);
		p->y = 700;
		if (pdf_stamp_begin(p, 0)) {
			drawn++;
			p->y += pdf_text(p, PDF_BODY, PDF_LEFT, p->y, PDF_WIDTH, PDF_ALEFT,
					 "Показания принимаются с 15 по 25 число.\nОплатить можно без комиссии.");
			p->y += pdf_text(p, PDF_BODY, PDF_LEFT, p->y, PDF_WIDTH, PDF_ALEFT, "Штамп");
		}
		pdf_stamp_end(p);
		CHECK(i > 0 || p->y > 700, "below what came before it");
		if (i == 0)
			CHECK(p->doc_page == 1, "it fits: the same page");
		pdf_page_end(p);
	}
	CHECK_INT(pdf_end(p, 0, &e), 0, "end the stamped file");
	CHECK_INT(drawn, 1, "the stamp drawn once");
	f = fopen(file, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n, "read back");
	buf[n] = '\0';
	fclose(f);
	for (char *q = buf; (q = memmem(q, (size_t)(buf + n - q), "/Subtype /Form", 14)); q++)
		forms++;
	CHECK_INT(forms, 1, "one form XObject for 30 pages");
	free(buf);
	/* near the bottom: the stamp goes to the next page, whole */
	CHECK_INT(pdf_begin(p, file, date_from_ymd(2026, 6, 15), &e), 0, "begin again");
	p->doc_page = 0;
	pdf_page_start(p);
	p->y = PDF_BOTTOM - 5;
	pdf_stamp_begin(p, 0);
	pdf_stamp_end(p);
	CHECK_INT(p->doc_page, 2, "a stamp that does not fit: the next page");
	CHECK(p->y > PDF_MARGIN && p->y < PDF_BOTTOM, "drawn from its top");
	pdf_page_end(p);
	CHECK_INT(pdf_end(p, 0, &e), 0, "end");
	unlink(file);
	pdf_free(p);
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
	numbers_as_pango();
	letters_as_pango();
	wrapped_as_pango();
	layouts_kept();

	CHECK(mkdtemp(path) != NULL, "a folder");
	stamps(path);
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
