/*
 * bench_render_floor.c - the raw floor of rendering the payment documents'
 * PDFs: bare Cairo + Pango + libqrencode drawing pages like sbyt's.
 *
 *   build/tools/bench_render_floor POST_PAGES FILE_PAGES THREADS DIR
 *
 * POST_PAGES pages go into THREADS files (DIR/post-N.pdf), one per thread
 * (sbyt draws a post package's one file on THREADS threads and a writer);
 * FILE_PAGES pages go one file each (DIR/f-N.pdf) on THREADS threads, as
 * sbyt renders the e-mail and portal packages; one after the other, as sbyt
 * does for a branch's channels.  Each page: 100 texts of the lengths of a payment document's
 * (labels, names, addresses, amounts; some wrapped), each laid out by a
 * fresh pango_layout_set_text (no cache), 30 table rules and one QR code of
 * a 420-byte payload drawn as one mask, A4, fonts embedded by Cairo.  No
 * database, no model, no package: what drawing alone costs.  bench_render.sh
 * times it with /usr/bin/time.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
	"Лицевой счёт", "Электроснабжение, зона Т1, диапазон 1", "кВт·ч", "по прибору учёта",
	"4 673,51", "Долг на начало периода (переплата — с минусом)", "Итого к оплате",
	"Тюменская обл., г. Тюмень, ул. Ямская, д. 87, кв. 12", "Марков Владимир Александрович",
	"ПАО «ОБРАЗЕЦ-БАНК», БИК 047102777, корр. счёт 30101810700000000777", "10.12.2026",
	"Показания приборов учёта принимаются с 15 по 25 число каждого месяца: в личном кабинете"
	" на сайте, по телефону, по SMS, через платёжные терминалы и в офисах.",
};
#define NWORDS ((int)(sizeof(words) / sizeof(words[0])))

struct job {
	const char *dir;
	int first, count, one_file;
};

static void page(cairo_t *cr, PangoLayout *l, PangoFontDescription *fd, int n)
{
	char qr[600], text[400];
	QRcode *q;
	cairo_surface_t *img;
	unsigned char *data;
	int stride, side;

	for (int i = 0; i < 100; i++) {
		snprintf(text, sizeof(text), "%s %d", words[(i + n) % NWORDS], (n * 7 + i) % 1000);
		pango_layout_set_font_description(l, fd);
		pango_layout_set_width(l, (i % 4 == 0 ? 250 : 120) * PANGO_SCALE);
		pango_layout_set_text(l, text, -1);
		cairo_move_to(cr, 34 + (i % 4) * 130, 40 + (i / 4) * 30);
		pango_cairo_show_layout(cr, l);
	}
	cairo_set_line_width(cr, 0.4);
	for (int i = 0; i < 30; i++) {
		cairo_move_to(cr, 34, 300 + i * 14);
		cairo_line_to(cr, 561, 300 + i * 14);
	}
	cairo_stroke(cr);
	snprintf(qr, sizeof(qr), "ST00012|Name=АО «Газпром энергосбыт Тюмень»|PersonalAcc="
		 "40702810667100012345|BankName=ПАО «ОБРАЗЕЦ-БАНК»|BIC=047102777|CorrespAcc="
		 "30101810700000000777|PayeeINN=7203001235|KPP=720301001|PersAcc=72010%05d|"
		 "Sum=%d|PaymPeriod=112026|Purpose=Оплата электроэнергии за 11.2026, л/с 72010%05d|"
		 "LastName=Марков|FirstName=Владимир|MiddleName=Александрович|PayerAddress="
		 "Тюменская обл., г. Тюмень, ул. Ямская, д. 87", n % 100000, 10000 + n,
		 n % 100000);
	q = QRcode_encodeString(qr, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	side = q->width + 8;
	img = cairo_image_surface_create(CAIRO_FORMAT_A8, side, side);
	data = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	memset(data, 0, (size_t)stride * (size_t)side);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				data[(r + 4) * stride + c + 4] = 0xff;
	cairo_surface_mark_dirty(img);
	QRcode_free(q);
	cairo_save(cr);
	cairo_translate(cr, 440, 150);
	cairo_scale(cr, 112.0 / side, 112.0 / side);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_pattern_t *pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_mask(cr, pat);
	cairo_pattern_destroy(pat);
	cairo_restore(cr);
	cairo_surface_destroy(img);
	cairo_show_page(cr);
}

static void *run(void *arg)
{
	struct job *j = arg;
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string("PT Sans,DejaVu Sans 8");
	cairo_surface_t *s = NULL;
	cairo_t *cr = NULL;
	char path[4200];

	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	for (int i = 0; i < j->count; i++) {
		if (!s) {
			snprintf(path, sizeof(path), "%s/%s-%d.pdf", j->dir, j->one_file ? "post" : "f",
				 j->first + i);
			s = cairo_pdf_surface_create(path, 595.28, 841.89);
			cr = cairo_create(s);
			pango_cairo_update_context(cr, ctx);
		}
		page(cr, l, fd, j->first + i);
		if (!j->one_file) {
			cairo_destroy(cr);
			cairo_surface_destroy(s);
			s = NULL;
		}
	}
	if (s) {
		cairo_destroy(cr);
		cairo_surface_destroy(s);
	}
	pango_font_description_free(fd);
	g_object_unref(l);
	g_object_unref(ctx);
	g_object_unref(fm);
	return NULL;
}

int main(int argc, char **argv)
{
	struct job jobs[65];
	pthread_t th[65];
	int post, files, threads, n = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_render_floor POST_PAGES FILE_PAGES THREADS DIR\n");
		return 64;
	}
	post = atoi(argv[1]);
	files = atoi(argv[2]);
	threads = atoi(argv[3]);
	if (threads < 1 || threads > 64)
		threads = 1;
	for (int pass = 0; pass < 2; pass++) {
		int total = pass == 0 ? post : files, first = pass == 0 ? 0 : post;
		n = 0;
		for (int i = 0; i < threads && total > 0; i++) {
			int per = total / threads + (i < total % threads);
			if (per > 0)
				jobs[n++] = (struct job){ argv[4], first, per, pass == 0 };
			first += per;
		}
		for (int i = 0; i < n; i++)
			pthread_create(&th[i], NULL, run, &jobs[i]);
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	return 0;
}
