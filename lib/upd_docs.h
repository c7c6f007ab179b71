/*
 * upd_docs.h - the УПД files of the docs stage's edo packages (SPEC 8.2).
 *
 * The docs stage calls upd_docs_put() for every legal entity's document it
 * writes and upd_docs_finish() before the package is committed.  The
 * documents wait in a batch of up to 1024; each batch is read from the
 * database in one round trip (a prepared statement, on a connection of its
 * own opened on the first call, with the rules: rules/supplier.xml's Edo
 * block, rules/vat.xml, rules/billing.xml), and their files are added to
 * the package in the order the documents came, so the files depend only on
 * the data.  In any channel:
 *  - an invoice for payment (счёт на оплату) of each advance of the next
 *    month that billing this month set (obligation kind advance, 30 % due
 *    the 10th and 40 % due the 25th): an <Invoice> in the package's
 *    invoices.xml (urn:sbyt:invoice:1, xsd/invoice.xsd, closed by
 *    upd_docs_finish()) with its number
 *    "<branch>-<YYYY>-<MM>-<document number>-<seq>", date (the payment
 *    document's), the advance's month, percent, due date, sum with VAT, the
 *    VAT in it (sum x rate / (100 + rate), half-up, the rate in force on the
 *    due date), supplier and bank, payer, contract, the purpose of payment
 *    and the GOST R 56042-2014 QR payload (the PDF is the renderer's),
 *    and a row in the package's invoices.xlsx register; and as PDF
 *    (invoice_pdf.h) with pdf = 1 into the package's print file
 *    invoices.pdf (post: every invoice in the order they came), with
 *    pdf = 2 one ACCOUNT-NUMBER.pdf per invoice in the package's folder
 *    (e-mail, portal, edo), pdf = 0 none; the manifest's "invoice_pages"
 *    counts their pages;
 * and, in an edo package:
 *  - the month's УПД (upd.h): the charge lines of the month (kind charge;
 *    penalties are not a supply and stay on the payment document), numbered
 *    "<branch>-<YYYY>-<MM>-<number of the payment document>", dated the
 *    payment document's issue date (the stored one when it was issued
 *    before, else as_of), with the contract (number, date) as the basis;
 *  - for every earlier month Q that the month's recalculation lines correct
 *    (charge_line.of_period), a correction of Q's УПД: Q's number and date,
 *    НомИспр = the number of months up to this one that recalculated Q,
 *    ДатаИспр = this month's УПД date, and Q's charges with every
 *    recalculation of Q billed up to this month merged into them.  Q must
 *    have an issued document (ERR_DATA otherwise); when it went by another
 *    channel than edo it had no УПД, and none is corrected.
 * Each УПД is `upd/<ИдФайл>.xml` in the package, checked with upd_check()
 * after it is written.  Buyer: contract.inn, kpp, edo_id (a document goes to
 * the edo channel only with one: see docs.c), legal_address (else the
 * account's postcode and address).
 */
#ifndef SBYT_UPD_DOCS_H
#define SBYT_UPD_DOCS_H

#include <stdint.h>

#include "date.h"
#include "error.h"
#include "package.h"

struct upd_docs;
struct penalty_rules;

/* Write the files of one legal entity's document (account, period, number
 * of branch) into pkg: the advance invoices, and with edo the УПД files;
 * *ctx is NULL on the first call (then opened from conninfo and
 * rules_dir) and freed with upd_docs_free(); pr moves the advances' due
 * dates off days off (Civil Code 193; NULL: printed as scheduled).  Returns the number of files
 * written (0: nothing to deliver), or -1 with e set: ERR_CONFIG (no Edo
 * block in rules/supplier.xml, no VAT rate), ERR_DATA (see above and
 * upd_build()), ERR_DB, ERR_IO. */
int upd_docs_put(struct upd_docs **ctx, const char *conninfo, const char *rules_dir,
		 const struct penalty_rules *pr,
		 struct package *pkg, const char *branch, int64_t account, speriod period,
		 int number, sdate as_of, int edo, int pdf, struct sbyt_err *e);
/* The package is complete: write its waiting documents' files, close its
 * invoices.xml and invoices.xlsx register (invoices.xlsx, one row per invoice) and add
 * the manifest facts "upd" and "invoices" (counts, when not 0).  NULL ctx
 * is accepted.  0, or -1 with e set (ERR_IO). */
int upd_docs_finish(struct upd_docs *ctx, struct package *pkg, struct sbyt_err *e);
/* A context is used by one thread at a time (docs: the package's); after
 * upd_docs_finish() it may serve another package. */
void upd_docs_free(struct upd_docs *ctx);

#endif
