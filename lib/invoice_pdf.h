/*
 * invoice_pdf.h - a legal entity's invoice for payment of an advance
 * (счёт на оплату, SPEC 8.2) as PDF a person reads: A4, the page, fonts and
 * file of pdf.h, labels from rules/documents.xml (docs_texts.h), the same
 * values invoices.xml carries (upd_docs.c composes both).
 *
 * Top to bottom: the supplier's bank block (bank, BIC, correspondent
 * account, INN, KPP, settlement account, recipient); the title with number
 * and date; supplier and buyer (name, INN, KPP, address); the contract as
 * the basis; the line (the advance's percent and month, the sum); the
 * total, the VAT in it with its rate, the sum to pay; the due date; the
 * purpose of payment beside the QR code of its GOST R 56042-2014 payload;
 * the signature lines; a footer.
 */
#ifndef SBYT_INVOICE_PDF_H
#define SBYT_INVOICE_PDF_H

#include "date.h"
#include "docs_texts.h"
#include "error.h"
#include "money.h"
#include "pdf.h"
#include "tariff.h"

/* An invoice as it is printed (strings owned by the caller). */
struct invoice_doc {
	const char *number, *account, *qr, *purpose;
	sdate date, due;
	speriod month;               /* the month the advance is for */
	int percent;
	int vat_bp;                  /* VAT rate in hundredths of a percent: 2200 */
	money sum, vat;              /* the sum with VAT, the VAT in it */
	const char *buyer, *buyer_inn, *buyer_kpp, *buyer_address;
	const char *contract;
	sdate contract_date;
};

struct invoice_pdf;

/* A renderer (texts and sup outlive it), or NULL with e set. */
struct invoice_pdf *invoice_pdf_new(const struct docs_texts *texts, const struct supplier *sup,
				    struct sbyt_err *e);
void invoice_pdf_free(struct invoice_pdf *p);
/* The file part (pdf.h): pdf_begin() ... pdf_end() around the drawing. */
struct pdf *invoice_pdf_file(struct invoice_pdf *p);
/* Draw the invoice on the next page(s) of the open file.  0, or -1 with e
 * set. */
int invoice_pdf_draw(struct invoice_pdf *p, const struct invoice_doc *d, struct sbyt_err *e);

#endif
