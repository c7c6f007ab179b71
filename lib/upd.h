/*
 * upd.h - the universal transfer document (УПД) of a legal entity's month:
 * FNS format 5.03 (order ЕД-7-26/970@), function СЧФДОП (invoice and
 * shipment document in one), schema xsd/fns/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd.
 *
 * upd_build() is a pure function from a month's facts (seller, buyer,
 * contract, the charge lines with volume, price without VAT, VAT and amount)
 * to a model: one table row per (zone, price), in the order the lines come;
 * rows of zero volume and amount are left out; totals are sums of the rows;
 * the VAT rate as the schema spells it ("22%"); a GUID derived from the
 * seller's INN, the account, the month and the correction number (SHA-256,
 * laid out as an RFC 9562 version 8 UUID), so that a re-run names and fills
 * the file the same; the file name ON_NSCHFDOPPR_<receiver>_<sender>_
 * <YYYYMMDD>_<GUID> (receiver and sender: the EDO participant ids, the date:
 * the file's formation date, which is the document's date or, for a
 * correction, the correction's), which is also ИдФайл.
 * A correction (исправление, строка 1а: ИспрДок НомИспр/ДатаИспр) carries the
 * month's charges with the recalculations of it merged into the same rows,
 * so its rows are the month as it stands now.
 * upd_write() writes the model as windows-1251 XML with libxml2's
 * xmlTextWriter (characters outside windows-1251 become character
 * references); the time of formation is 00.00.00, so the bytes depend only
 * on the data.  upd_check() reads a written file back and checks the
 * format's schematron rules that libxml2 does not: the file name equals
 * ИдФайл, and the elements and attributes that Функция СЧФДОП makes
 * required.  Nothing is signed: the supplier's EDO client signs and sends.
 */
#ifndef SBYT_UPD_H
#define SBYT_UPD_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "date.h"
#include "error.h"
#include "money.h"

#define UPD_GUID_BUF 37
#define UPD_NAME_BUF 256

struct upd_party {
	const char *name;        /* organisation; an entrepreneur (12-digit INN): "ИП Фамилия Имя [Отчество]" */
	const char *inn;         /* 10 digits (organisation) or 12 (entrepreneur) */
	const char *kpp;         /* NULL or "" with a 12-digit INN */
	const char *address;     /* free text, Russia (АдрИнф, code 643) */
	const char *edo_id;      /* EDO participant id */
	/* the seller's only (NULL: left out) */
	const char *phone, *email;
	const char *bank_name, *bic, *corr_account, *account;
};

struct upd_signer {
	const char *position, *last_name, *first_name, *middle_name; /* middle may be NULL */
	const char *authority;   /* СпосПодтПолном: "1", "2", "4" or "6" */
};

/* Texts the customer reads (rules/supplier.xml, Edo). */
struct upd_texts {
	const char *item;        /* НаимТов: "Электрическая энергия" */
	const char *operation;   /* СодОпер */
	const char *basis;       /* РеквНаимДок of the contract: "Договор энергоснабжения" */
};

/* One charge_line row. */
struct upd_charge {
	speriod period;          /* the month it was billed in */
	int recalc;              /* 1: a recalculation of of_period */
	speriod of_period;
	int zone;
	int64_t volume;          /* milli-kWh */
	int64_t rate;            /* price without VAT, 1/1000000 rouble per kWh */
	money amount, vat;       /* kopecks: with VAT, and its VAT */
};

struct upd_input {
	speriod period;          /* the month delivered */
	int64_t account;
	const char *number;      /* НомерДок */
	sdate date;              /* ДатаДок */
	int fix_no;              /* 0: the original; n > 0: correction n (НомИспр) */
	sdate fix_date;          /* ДатаИспр */
	int vat_bp;              /* the month's VAT rate, basis points */
	const struct upd_charge *lines;  /* charges of period, and (corrections)
	                                    recalculations whose of_period it is;
	                                    others are ignored */
	int nlines;
	struct upd_party seller, buyer;
	struct upd_signer signer;
	struct upd_texts texts;
	const char *contract;    /* number */
	sdate contract_date;
	const char *program;     /* ВерсПрог */
};

struct upd_row {
	int zone;
	int64_t volume, rate;
	money net, vat, amount;
};

struct upd_model {
	const struct upd_input *in;
	struct upd_row *rows;
	int nrows;
	int64_t volume;          /* milli-kWh, all rows */
	money net, vat, amount;  /* sums of the rows */
	char rate_text[8];       /* НалСт: "22%" */
	char guid[UPD_GUID_BUF];
	char file_id[UPD_NAME_BUF]; /* ИдФайл = the file name without ".xml" */
};

/* Build m from in.  Returns 0, 1 when the month has nothing to deliver
 * (no row with a volume or amount: no УПД), or -1 with e set: ERR_DATA when
 * a line's VAT is not its net amount at in->vat_bp (half-up), a row comes
 * out negative, a buyer's INN is neither 10 nor 12 digits or an
 * entrepreneur's name has no first name; ERR_CONFIG when the rate is not
 * one the format knows.  Release m with upd_model_release() whatever the
 * return. */
int upd_build(const struct upd_input *in, struct upd_model *m, struct sbyt_err *e);
void upd_model_release(struct upd_model *m);

/* Write m to path (created or truncated, mode 0640).  0, or -1 with e set
 * (ERR_IO). */
int upd_write(const struct upd_model *m, const char *path, struct sbyt_err *e);

/* Check the written file at path as the format's schematron rules do, with
 * name the file's name in the package (its base name without ".xml" must
 * equal ИдФайл).  0, or -1 with ERR_DATA naming the first rule broken. */
int upd_check(const char *path, const char *name, struct sbyt_err *e);
/* upd_write() into buf (libxml2's memory buffer: the same bytes as the
 * file), and upd_check() of the len bytes at data; 0, or -1 with e set. */
int upd_write_mem(const struct upd_model *m, xmlBufferPtr buf, struct sbyt_err *e);
int upd_check_mem(const char *data, size_t len, const char *name, struct sbyt_err *e);

#endif
