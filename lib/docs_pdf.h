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
 * The page, fonts, text blocks and file are pdf.h's.  A renderer caches its font map, layouts and QR buffer and
 * is used by one thread at a time; several renderers run on several
 * threads (each has its own font map).  A renderer writes one file at a
 * time: pdf_begin(), docs_pdf_document() for each document (their pages
 * follow in order), pdf_end().
 */
#ifndef SBYT_DOCS_PDF_H
#define SBYT_DOCS_PDF_H

#include "docmodel.h"
#include "docs_texts.h"
#include "error.h"
#include "pdf.h"

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

/* The file part of p (pdf.h): pdf_begin(), pdf_pages(), pdf_put(),
 * pdf_end(), pdf_abort() on it. */
struct pdf *docs_pdf_file(struct docs_pdf *p);
/* Draw the document d on the next page(s) of the open file (pdf_begin()).
 * 0, or -1 with e set. */
int docs_pdf_document(struct docs_pdf *p, const struct docmodel *d, struct sbyt_err *e);
/* Record d's pages into out (emptied first by the caller's
 * pdf_pages_clear()) on this thread, to be put into a file in order by
 * another (pdf_put()): so a single print file is drawn on several
 * threads.  No file needs to be open.  0 or -1 with e set. */
int docs_pdf_record(struct docs_pdf *p, const struct docmodel *d, struct pdf_pages *out,
		    struct sbyt_err *e);

#endif
