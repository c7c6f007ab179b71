/*
 * notice_pdf.h - the limitation workflow's notices and grid-company
 * requests as PDF a person reads (SPEC 8.1, FORMS.md): A4, the page, fonts
 * and file of pdf.h, labels from rules/documents.xml (docs_texts.h), the
 * notice's own text and citations from rules/limitation.xml exactly as
 * notices.xml carries them (limit_out.c composes both from the same rows).
 *
 * A notice: the supplier beside the addressee (name, address, postcode),
 * the notice's title, number and date; the account and the debt table
 * (as-of date, the overdue sum, periods, the threshold); the unpaid
 * periods, one row each (period, charged, due date, paid, unpaid) and
 * their total; the whole text;
 * the procedure's steps with the dates the notice says and each step's
 * citation; the channel; the signature line; a footer on every page.  The
 * copy to the authorities says it is one and is addressed to them.
 * A request: the supplier, the grid company, the title with number and
 * date; the form (account, consumer, address, meters, action, level in kW,
 * date, basis, contact for the confirmation); the whole text; a box for the
 * grid company's mark of execution.
 * Nothing is cut off: a long text goes on to the next page.
 */
#ifndef SBYT_NOTICE_PDF_H
#define SBYT_NOTICE_PDF_H

#include "date.h"
#include "docs_texts.h"
#include "error.h"
#include "money.h"
#include "pdf.h"
#include "tariff.h"

#define NOTICE_PDF_STEPS 8

/* A notice as it is printed (strings owned by the caller). */
struct notice_doc {
	const char *id, *account, *title, *procedure, *channel;  /* channel: its Russian title */
	const char *name, *address, *postcode;
	sdate issued, as_of;
	money debt, threshold;
	int periods;
	/* the unpaid periods, oldest first, a line each: "PERIOD;AMOUNT;DUE;PAID"
	 * (YYYY-MM-DD, kopecks; sql/240_notice_unpaid.sql); NULL or "": none */
	const char *unpaid;
	int authorities;            /* the copy to the authorities */
	const char *recipients;     /* theirs: the addresses it goes to */
	const char *text;           /* the whole text, lines split at '\n' */
	int nsteps;
	struct {
		const char *title, *date, *citation;  /* date: YYYY-MM-DD or "—" */
	} step[NOTICE_PDF_STEPS];
};

/* A grid-company request as it is printed. */
struct request_doc {
	const char *id, *account, *name, *address, *meters, *action, *level, *date, *basis;
	const char *branch, *branch_phone, *text;
	sdate issued;
};

struct notice_pdf;

/* A renderer (texts and sup outlive it), or NULL with e set. */
struct notice_pdf *notice_pdf_new(const struct docs_texts *texts, const struct supplier *sup,
				  struct sbyt_err *e);
void notice_pdf_free(struct notice_pdf *p);
/* The file part (pdf.h): pdf_begin() ... pdf_end() around the drawing. */
struct pdf *notice_pdf_file(struct notice_pdf *p);
/* Draw n (r) on the next page(s) of the open file.  0, or -1 with e set. */
int notice_pdf_notice(struct notice_pdf *p, const struct notice_doc *n, struct sbyt_err *e);
int notice_pdf_request(struct notice_pdf *p, const struct request_doc *r, struct sbyt_err *e);

#endif
