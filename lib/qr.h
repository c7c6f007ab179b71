/*
 * qr.h - the payment QR payload of GOST R 56042-2014 (SPEC 8).
 *
 * The payload is text: the service block "ST0001" + "2" (format id ST,
 * standard version 0001, character set flag 2 = UTF-8; 1 would be
 * windows-1251, 3 KOI8-R), then the separator "|" and the requisites as
 * Key=Value joined by "|", with no separator after the last one.  The five
 * mandatory requisites come first, in the standard's order: Name (payee,
 * at most 160 characters), PersonalAcc (payee's account, 20 digits),
 * BankName (at most 45 characters), BIC (9 digits), CorrespAcc (at most 20
 * digits, "0" when the bank has none).  The service block plus the
 * mandatory block may take at most 300 bytes (we count the header, the
 * separators and the keys too: the stricter reading).  Then the
 * additional requisites sbyt uses, in this fixed order: PayeeINN, KPP,
 * PersAcc (the customer's account), Sum (kopecks, digits only, at most 18;
 * left out when nothing is due), PaymPeriod (MMYYYY), Purpose (at most
 * 210 characters), LastName, FirstName, MiddleName, PayerAddress.
 * The standard lets the separator be any character absent from the values;
 * SPEC fixes "|", so a value containing "|" (or a control character, or
 * invalid UTF-8) is refused rather than re-separated.
 */
#ifndef SBYT_QR_H
#define SBYT_QR_H

#include <stddef.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "tariff.h"

#define QR_MANDATORY_MAX 300  /* bytes of "ST00012|Name=...|...|CorrespAcc=..." */
#define QR_BUF 2048           /* enough unless the payer's name or address is very long */
#define QR_NO_PERIOD (-1)

struct qr_payment {
	/* mandatory */
	const char *name, *personal_acc, *bank_name, *bic, *corresp_acc;
	/* additional: NULL or "" leaves a text field out */
	const char *payee_inn, *kpp;
	const char *pers_acc;     /* the customer's account (лицевой счёт) */
	money sum;                /* kopecks; <= 0 leaves Sum out */
	speriod paym_period;      /* QR_NO_PERIOD leaves PaymPeriod out */
	const char *purpose;
	const char *last_name, *first_name, *middle_name, *payer_address;
};

/* Fill p's payee fields (mandatory block, PayeeINN, KPP) from the supplier's
 * requisites and clear the rest (sum 0, no period).  s must outlive p. */
void qr_payment_init(struct qr_payment *p, const struct supplier *s);
/* Write the payload into buf (size bytes; QR_BUF suits documents).
 * Returns its length in bytes, or -1 with ERR_DATA when a field is missing,
 * malformed, too long or contains "|", or the mandatory block exceeds 300
 * bytes, or buf is too small. */
int qr_payload(const struct qr_payment *p, char *buf, size_t size, struct sbyt_err *e);
/* The payee's part of every payload for p (the service block, the
 * mandatory block, PayeeINN and KPP: checked once for a run's documents)
 * into buf, and a payload made from it and the rest of p (its payee fields
 * not read): each as qr_payload() returns. */
int qr_payee(const struct qr_payment *p, char *buf, size_t size, struct sbyt_err *e);
int qr_payload_from(const char *payee, const struct qr_payment *p, char *buf, size_t size,
		    struct sbyt_err *e);

#endif
