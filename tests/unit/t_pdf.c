/* t_pdf.c - what every PDF shares (lib/pdf.c): sums and dates the Russian
 * way, a long text that goes on to the next pages instead of being cut, the
 * footer on every page, a file made 0640 and removed when aborted. */
#include "check.h"
#include "pdf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int footers;

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
