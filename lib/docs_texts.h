/*
 * docs_texts.h - the texts a customer reads in a payment document, from
 * rules/documents.xml (schema rules/schema/documents.xsd): headings, labels
 * and fixed phrases as templates with named placeholders ({period}...).
 * Every key is required; each may name only its own placeholders (the
 * table in docs_texts.c); a fault is "FILE:LINE: reason".
 */
#ifndef SBYT_DOCS_TEXTS_H
#define SBYT_DOCS_TEXTS_H

#include <stddef.h>

#include "date.h"

#include "faults.h"

#define DOCS_TEXT_KEYS(X)                                                        \
	X(TITLE, "title", "period") X(TITLE_LEGAL, "title_legal", "period")      \
	X(NUMBER, "number", "number date") X(SAMPLE, "sample", "")               \
	X(PAYER_HEADING, "payer_heading", "") X(PAYER, "payer", "")              \
	X(ADDRESS, "address", "") X(ACCOUNT, "account", "")                      \
	X(PREMISES, "premises", "residents rooms")                               \
	X(PAYER_INN, "payer_inn", "") X(CONTRACT, "contract", "")                \
	X(SUPPLIER_HEADING, "supplier_heading", "")                              \
	X(SUPPLIER_INN, "supplier_inn", "inn kpp")                               \
	X(SUPPLIER_CONTACTS, "supplier_contacts", "phone email site")            \
	X(BANK, "bank", "bank bic corr") X(BANK_ACCOUNT, "bank_account", "account") \
	X(OFFICE_HOURS, "office_hours", "")                                      \
	X(PAY_HEADING, "pay_heading", "") X(PAY_RECIPIENT, "pay_recipient", "")  \
	X(PAY_PERIOD, "pay_period", "") X(PAY_SUM, "pay_sum", "")                \
	X(PAY_DUE, "pay_due", "") X(PAY_PURPOSE, "pay_purpose", "")              \
	X(PAY_NOTHING, "pay_nothing", "") X(PAY_ADVANCE, "pay_advance", "sum")   \
	X(PAY_QR, "pay_qr", "") X(RUB, "rub", "sum")                             \
	X(TABLE_HEADING, "table_heading", "") X(COL_SERVICE, "col_service", "")  \
	X(COL_UNIT, "col_unit", "") X(COL_VOLUME, "col_volume", "")              \
	X(COL_BASIS, "col_basis", "") X(COL_TARIFF, "col_tariff", "")            \
	X(COL_AMOUNT, "col_amount", "") X(COL_VAT, "col_vat", "")                \
	X(SERVICE, "service", "") X(ZONE, "zone", "zone") X(BAND, "band", "band") \
	X(RECALC, "recalc", "") X(PENALTY, "penalty", "period")                  \
	X(UNIT, "unit", "") X(BASIS_ACTUAL, "basis_actual", "")                  \
	X(BASIS_AVERAGE, "basis_average", "") X(BASIS_NORM, "basis_norm", "")    \
	X(BASIS_OTHER, "basis_other", "") X(SUBTOTAL, "subtotal", "")            \
	X(READINGS_HEADING, "readings_heading", "") X(COL_METER, "col_meter", "") \
	X(COL_ZONE, "col_zone", "") X(COL_PREVIOUS, "col_previous", "")          \
	X(COL_CURRENT, "col_current", "") X(COL_USED, "col_used", "")            \
	X(NO_CURRENT, "no_current", "") X(NO_METER, "no_meter", "")              \
	X(BALANCE_HEADING, "balance_heading", "") X(OPENING, "opening", "")      \
	X(CHARGED, "charged", "") X(PAID, "paid", "")                            \
	X(PAID_LAST, "paid_last", "date") X(TOTAL, "total", "")                  \
	X(WARNING_HEADING, "warning_heading", "")                                \
	X(READINGS_WINDOW, "readings_window", "first last site phone")           \
	X(PAY_CHANNELS, "pay_channels", "site")                                  \
	X(FOOTER, "footer", "supplier account period page")                      \
	X(MONTH1, "month1", "") X(MONTH2, "month2", "") X(MONTH3, "month3", "")  \
	X(MONTH4, "month4", "") X(MONTH5, "month5", "") X(MONTH6, "month6", "")  \
	X(MONTH7, "month7", "") X(MONTH8, "month8", "") X(MONTH9, "month9", "")  \
	X(MONTH10, "month10", "") X(MONTH11, "month11", "") X(MONTH12, "month12", "") \
	X(NOTICE_TO, "notice_to", "") X(NOTICE_NUMBER, "notice_number", "notice date") \
	X(NOTICE_AUTHORITIES, "notice_authorities", "")                          \
	X(NOTICE_AUTHORITIES_TO, "notice_authorities_to", "")                    \
	X(NOTICE_DEBT_HEADING, "notice_debt_heading", "")                        \
	X(NOTICE_DEBT_AS_OF, "notice_debt_as_of", "")                            \
	X(NOTICE_DEBT_SUM, "notice_debt_sum", "")                                \
	X(NOTICE_DEBT_PERIODS, "notice_debt_periods", "")                        \
	X(NOTICE_DEBT_THRESHOLD, "notice_debt_threshold", "")                    \
	X(NOTICE_UNPAID_HEADING, "notice_unpaid_heading", "date")                \
	X(NOTICE_COL_PERIOD, "notice_col_period", "")                            \
	X(NOTICE_COL_CHARGED, "notice_col_charged", "")                          \
	X(NOTICE_COL_DUE, "notice_col_due", "") X(NOTICE_COL_PAID, "notice_col_paid", "") \
	X(NOTICE_COL_LEFT, "notice_col_left", "") X(NOTICE_UNPAID_TOTAL, "notice_unpaid_total", "") \
	X(NOTICE_DATES_HEADING, "notice_dates_heading", "procedure")             \
	X(NOTICE_COL_STEP, "notice_col_step", "") X(NOTICE_COL_DATE, "notice_col_date", "") \
	X(NOTICE_COL_BASIS, "notice_col_basis", "")                              \
	X(NOTICE_CHANNEL, "notice_channel", "channel")                           \
	X(NOTICE_SIGN, "notice_sign", "supplier")                                \
	X(NOTICE_FOOTER, "notice_footer", "supplier account notice date page")   \
	X(REQUEST_TO, "request_to", "") X(REQUEST_TITLE, "request_title", "request date") \
	X(REQUEST_CONSUMER, "request_consumer", "")                              \
	X(REQUEST_ADDRESS, "request_address", "") X(REQUEST_METERS, "request_meters", "") \
	X(REQUEST_NO_METER, "request_no_meter", "")                              \
	X(REQUEST_ACTION, "request_action", "") X(REQUEST_LEVEL, "request_level", "") \
	X(REQUEST_DATE, "request_date", "") X(REQUEST_BASIS, "request_basis", "") \
	X(REQUEST_CONTACT, "request_contact", "") X(REQUEST_TEXT, "request_text", "") \
	X(REQUEST_DONE, "request_done", "")                                      \
	X(REQUEST_FOOTER, "request_footer", "supplier request date page")        \
	X(INV_BANK, "inv_bank", "") X(INV_BIC, "inv_bic", "")                    \
	X(INV_CORR, "inv_corr", "") X(INV_ACCOUNT_NO, "inv_account_no", "")      \
	X(INV_INN, "inv_inn", "inn") X(INV_KPP, "inv_kpp", "kpp")                \
	X(INV_RECIPIENT, "inv_recipient", "")                                    \
	X(INV_TITLE, "inv_title", "number date")                                 \
	X(INV_SUPPLIER, "inv_supplier", "") X(INV_BUYER, "inv_buyer", "")        \
	X(INV_PARTY, "inv_party", "name inn kpp address")                        \
	X(INV_BASIS, "inv_basis", "") X(INV_CONTRACT, "inv_contract", "number date") \
	X(INV_COL_NO, "inv_col_no", "") X(INV_COL_ITEM, "inv_col_item", "")      \
	X(INV_COL_QTY, "inv_col_qty", "") X(INV_COL_UNIT, "inv_col_unit", "")    \
	X(INV_COL_PRICE, "inv_col_price", "") X(INV_COL_SUM, "inv_col_sum", "")  \
	X(INV_ITEM, "inv_item", "percent month") X(INV_UNIT, "inv_unit", "")     \
	X(INV_TOTAL, "inv_total", "") X(INV_VAT, "inv_vat", "rate")              \
	X(INV_DUE_TOTAL, "inv_due_total", "") X(INV_WORDS, "inv_words", "count sum") \
	X(INV_DUE, "inv_due", "date") X(INV_PURPOSE, "inv_purpose", "")          \
	X(INV_SIGN, "inv_sign", "")                                              \
	X(INV_FOOTER, "inv_footer", "supplier account number date page")

#define DOCS_TEXT_ENUM(id, key, names) DT_##id,
enum docs_text { DOCS_TEXT_KEYS(DOCS_TEXT_ENUM) DT_COUNT };
#undef DOCS_TEXT_ENUM

struct docs_texts {
	char *text[DT_COUNT];
};

/* Read rules_dir/documents.xml into t.  0, or -1 after adding every fault
 * to f (t released). */
int docs_texts_load(const char *rules_dir, struct docs_texts *t, struct faults *f);
void docs_texts_release(struct docs_texts *t);
/* Validate the file (for `sbyt rules check`): 0 clean, -1 after faults. */
int docs_texts_check(const char *rules_dir, struct faults *f);

/* Fill template k into buf (size bytes, cut at a character boundary when
 * too long): kv holds name, value pairs, NULL-terminated; a placeholder
 * not in kv is left as it is.  Returns buf. */
const char *docs_text_fill(const struct docs_texts *t, enum docs_text k, char *buf, size_t size,
			   const char *const *kv);

/* "ноябрь 2026 г." for period p (months from the texts).  Returns buf. */
const char *docs_text_month_year(const struct docs_texts *t, speriod p, char *buf, size_t size);

#endif
