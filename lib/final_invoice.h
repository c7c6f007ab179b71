/*
 * final_invoice.h - the final invoice on a contract's termination (SPEC 15;
 * the standard's Appendix 3 table 1: within 5 working days of the customer's
 * notice, a bill for the debt, the energy to the termination date and the
 * compensation where the law gives one).
 *
 * final_invoice_compose() is read-only: for the case's account it takes the
 * balance of the ledger on the issue date (every obligation less every
 * payment: what is billed and not paid, due or not), the overdue principal
 * and the penalty accrued (debt_scan, as `sbyt debt` values them), and the
 * energy from the day after the last billed period to the termination date
 * at the average daily volume of that period - an advance estimate, settled
 * by the meter reading on the termination date - priced at the legal
 * entity's price for its price category plus VAT, or the household's band-1
 * tariff.  No compensation is charged: the standard's row says "in the case
 * the law defines", and no such case is modelled (the invoice says so, in
 * the words of rules/service.xml).
 * final_invoice_write() writes it as XML (urn:sbyt:invoice:1, schema
 * xsd/final-invoice.xsd) through a temporary file, fsync and rename.
 */
#ifndef SBYT_FINAL_INVOICE_H
#define SBYT_FINAL_INVOICE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "penalty.h"
#include "tariff.h"

struct final_invoice {
	char case_id[72], number[96];
	int64_t account;
	char kind[16], name[512], address[512], contract[64], inn[16], kpp[16];
	sdate notice, termination, issued, contract_date;
	money balance;          /* obligations less payments on the issue date */
	money overdue, penalty; /* as of the issue date */
	speriod last_billed;    /* -1: nothing billed yet */
	int days;               /* days from the last billed period to the termination */
	int64_t volume;         /* milli-kWh estimated for those days */
	int64_t rate;           /* rate units per kWh (VAT excluded for legal entities) */
	money energy, vat, compensation, total;
};

/* Compose the final invoice of contract case case_id (a step terminate with
 * the termination date must exist) issued on `issued`.  Returns 0, or -1
 * with e set (ERR_DATA: no such termination; ERR_CONFIG: a price or tariff
 * missing for the date). */
int final_invoice_compose(PGconn *db, const struct penalty_rules *pr,
			  const struct tariff_rules *tr, const char *case_id, sdate issued,
			  struct final_invoice *fi, struct sbyt_err *e);
/* Write fi as XML at path (mode 0640, complete or absent), with texts[0..2]
 * the explanations of the debt, the energy and the compensation (from
 * rules/service.xml, FinalInvoice).  Returns 0, or -1 with e set
 * (ERR_CANTCREATE / ERR_IO). */
int final_invoice_write(const struct final_invoice *fi, const struct supplier *s,
			const char *const *texts, const char *path, struct sbyt_err *e);

#endif
