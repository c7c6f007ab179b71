/*
 * docs_pdf.h - the payment document as a PDF a person reads (SPEC 8.1):
 * A4, the layout of the example form of Minstroy order 43/pr, drawn with
 * Cairo and Pango from a composed model (docmodel.h), texts from
 * rules/documents.xml (docs_texts.h), the QR code of the model's payload
 * drawn with libqrencode as one image beside the sum.
 *
 * Top to bottom: the title, number and date; the payer and premises beside
 * the supplier and its bank; the payment block (recipient, account, period,
 * purpose, the sum and the due date, the QR); the calculation (one row per
 * charge, recalculation and penalty line: zone, band, unit, volume and its
 * basis, tariff, amount); the readings per meter and zone; the balance
 * (opening debt, charged, paid with the last payment's date, total); the
 * limitation warning's full text when the document carries one; the
 * readings window and the ways to pay; a footer on every page.  A document
 * that does not fit on one page goes on (nothing is cut off).
 *
 * Fonts: PT Sans (fonts-paratype), else whatever fontconfig gives for
 * "PT Sans,DejaVu Sans,sans"; Cairo embeds their subsets and keeps the text
 * extractable.  A renderer caches its font map, layouts and QR buffer and
 * is used by one thread at a time; several renderers run on several
 * threads (each has its own font map).  A renderer writes one file at a
 * time: docs_pdf_begin(), docs_pdf_document() for each document (their
 * pages follow in order), docs_pdf_end().
 */
#ifndef SBYT_DOCS_PDF_H
#define SBYT_DOCS_PDF_H

#include "docmodel.h"
#include "docs_texts.h"
#include "error.h"

/* What every page shares (read-only, outlives the renderers). */
struct docs_pdf_env {
	const struct docs_texts *texts;
	const struct supplier *sup;
	const struct billing_rules *billing;
};

struct docs_pdf;

/* A renderer, or NULL with e set (out of memory). */
struct docs_pdf *docs_pdf_new(const struct docs_pdf_env *env, struct sbyt_err *e);
void docs_pdf_free(struct docs_pdf *p);

/* Start the file at path (created 0640, replaced if there); `date` becomes
 * the PDF's creation date (so a reprint is the same).  0, or -1 with e set
 * (ERR_CANTCREATE). */
int docs_pdf_begin(struct docs_pdf *p, const char *path, sdate date, struct sbyt_err *e);
/* Draw the document d on the next page(s).  0, or -1 with e set. */
int docs_pdf_document(struct docs_pdf *p, const struct docmodel *d, struct sbyt_err *e);
/* A document's pages drawn ahead (recorded) on one thread, to be put into
 * a file in order by another: so a single print file is drawn on several
 * threads.  The pages are cairo recording surfaces. */
struct docs_pdf_pages {
	struct _cairo_surface **page;
	int n, cap;
};
/* Record d's pages into out (emptied first by the caller's
 * docs_pdf_pages_clear()); no file needs to be open.  0 or -1 with e set. */
int docs_pdf_record(struct docs_pdf *p, const struct docmodel *d, struct docs_pdf_pages *out,
		    struct sbyt_err *e);
/* Put recorded pages into p's open file as its next pages (and clear pp). */
int docs_pdf_put(struct docs_pdf *p, struct docs_pdf_pages *pp, struct sbyt_err *e);
void docs_pdf_pages_clear(struct docs_pdf_pages *pp);
void docs_pdf_pages_release(struct docs_pdf_pages *pp);

/* Pages written to the open file so far. */
int docs_pdf_pages(const struct docs_pdf *p);
/* Finish the file: written and flushed, and fsynced with sync (a file
 * that goes into a package is synced with the package).  0, or -1 with e
 * set (ERR_IO; the file is removed). */
int docs_pdf_end(struct docs_pdf *p, int sync, struct sbyt_err *e);
/* Drop the open file (removed), if any. */
void docs_pdf_abort(struct docs_pdf *p);

#endif
