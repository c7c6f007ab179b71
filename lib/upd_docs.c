/* upd_docs.c - the УПД files of the edo packages; see upd_docs.h. */
#include "upd_docs.h"
#include "penalty.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "db.h"
#include "docs_texts.h"
#include "faults.h"
#include "invoice_pdf.h"
#include "qr.h"
#include "rulesxml.h"
#include "sha256.h"
#include "tariff.h"
#include "upd.h"
#include "xlsx.h"

struct upd_docs {
	PGconn *db;
	struct tariff_rules *tr;
	const struct penalty_rules *pr;  /* the due dates' move (Civil Code 193) */
	char edo_id[64], position[256], last[128], first[128], middle[128], authority[4];
	char item[512], operation[512], basis[512];
	char rules_file[4096];   /* supplier.xml, for the message when Edo is missing */
	char purpose_tpl[512];   /* AdvanceInvoice/Purpose: the purpose of payment */
	struct upd_charge *lines;
	int nlines, cap;
	/* the package being written: its invoices register and counts */
	struct xlsx_table reg;
	int reg_open;
	xmlTextWriterPtr inv;    /* invoices.xml */
	int inv_bad;
	char inv_path[4096];
	int64_t n_upd, n_inv;
	/* the invoices as PDF (invoice_pdf.h): texts loaded on the first one */
	struct docs_texts texts;
	int have_texts;
	char rules_dir[4096];
	struct invoice_pdf *ipdf;
	int ipdf_open;           /* the package's print file invoices.pdf is open */
	int64_t inv_pages;
	/* documents waiting for the next batch query (all of pkg) */
	struct job *jobs;
	int njobs;
	struct package *pkg;
	/* the package's УПДs, one after another in its spool file */
	FILE *spool;
	struct package *spool_pkg;
	const char *spool_path;
	int64_t spool_off;
	int *order;
	char *arr;               /* the batch's accounts as an array literal */
	size_t arr_cap;
};

#define BATCH 1024

struct job {
	int64_t account;
	int number, edo, pdf;
	speriod period;
	sdate as_of;
	char branch[40];
	int row0, row1;          /* its rows of the batch's result */
};

static const char *const reg_headers[] = {
	"№ счёта", "Дата", "Лицевой счёт", "Плательщик", "ИНН", "Период", "Аванс, %",
	"Срок оплаты", "Сумма", "в т.ч. НДС", "№ документа",
};
static const double reg_widths[] = { 22, 12, 14, 40, 14, 10, 10, 12, 14, 14, 12 };
#define REG_COLS ((int)(sizeof(reg_headers) / sizeof(reg_headers[0])))

static int spool_close(struct upd_docs *c, struct sbyt_err *e);

void upd_docs_free(struct upd_docs *c)
{
	if (!c)
		return;
	if (c->reg_open) {
		struct sbyt_err ignore;
		xlsx_table_close(&c->reg, &ignore);
	}
	if (c->inv)
		xmlFreeTextWriter(c->inv);
	spool_close(c, NULL);
	invoice_pdf_free(c->ipdf);
	if (c->have_texts)
		docs_texts_release(&c->texts);
	if (c->db)
		PQfinish(c->db);
	tariff_rules_free(c->tr);
	free(c->lines);
	free(c->jobs);
	free(c->order);
	free(c->arr);
	free(c);
}

static void text_of(xmlNodePtr parent, const char *name, char *buf, size_t size)
{
	xmlNodePtr n = rulesxml_child(parent, name);
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;

	snprintf(buf, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

static int prepare(PGconn *db, struct sbyt_err *e);

static int open_ctx(struct upd_docs **out, const char *conninfo, const char *rules_dir,
		    struct sbyt_err *e)
{
	struct upd_docs *c = calloc(1, sizeof(*c));
	struct faults f = FAULTS_INIT;
	char file[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr edo, signer;

	if (!c || !(c->jobs = calloc(BATCH, sizeof(*c->jobs))) ||
	    !(c->order = calloc(BATCH, sizeof(*c->order)))) {
		upd_docs_free(c);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	if (tariff_rules_load(rules_dir, &c->tr, &f)) {
		faults_release(&f);
		upd_docs_free(c);
		return err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", rules_dir);
	}
	snprintf(c->rules_dir, sizeof(c->rules_dir), "%s", rules_dir);
	snprintf(file, sizeof(file), "%s/supplier.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/supplier.xsd", rules_dir);
	doc = rulesxml_read(file, xsd, &f);
	faults_release(&f);
	edo = doc ? rulesxml_child(xmlDocGetRootElement(doc), "Edo") : NULL;
	text_of(rulesxml_child(doc ? xmlDocGetRootElement(doc) : NULL, "AdvanceInvoice"), "Purpose",
		c->purpose_tpl, sizeof(c->purpose_tpl));
	/* without the Edo block only the edo documents fail (do_job()) */
	snprintf(c->rules_file, sizeof(c->rules_file), "%s", file);
	signer = rulesxml_child(edo, "Signer");
	text_of(edo, "Id", c->edo_id, sizeof(c->edo_id));
	text_of(signer, "Position", c->position, sizeof(c->position));
	text_of(signer, "LastName", c->last, sizeof(c->last));
	text_of(signer, "FirstName", c->first, sizeof(c->first));
	text_of(signer, "MiddleName", c->middle, sizeof(c->middle));
	text_of(signer, "Authority", c->authority, sizeof(c->authority));
	text_of(edo, "ItemName", c->item, sizeof(c->item));
	text_of(edo, "Operation", c->operation, sizeof(c->operation));
	text_of(edo, "Basis", c->basis, sizeof(c->basis));
	xmlFreeDoc(doc);
	if (!(c->db = db_connect(conninfo, e))) {
		upd_docs_free(c);
		return -1;
	}
	/* one statement per document: planned once (planning the union took
	 * ten times its execution), without JIT (compiling it took longer
	 * than running it) */
	if (db_exec(c->db, e, "SET plan_cache_mode = force_generic_plan", 0, NULL) ||
	    db_exec(c->db, e, "SET jit = off", 0, NULL) ||
	    prepare(c->db, e)) {
		upd_docs_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static sdate parse_date(const char *s)
{
	sdate d = 0;

	if (s)
		date_parse(s, -1, &d);
	return d;
}

/* Everything about a batch of accounts' documents in one round trip
 * ($1 the accounts, $2 the month, $3 the next month), by account, then tag:
 *  a  the advances of the next month billing this month set: seq, due,
 *     amount;
 *  b  the buyer and contract: name, address (the legal address, else the
 *     account's postcode and address), contract, signed_on, inn, kpp, edo_id;
 *  d  documents issued before, of this month and of the months its
 *     recalculations correct: branch, number, issued_on, period, channel;
 *  l  charge lines: the month's charges and recalculations, and for each
 *     month those recalculations correct, its charges and every
 *     recalculation of it billed up to this month: period, kind, of_period,
 *     zone, milli-kWh, price in 1/1000000 rouble, amount, vat.
 * Each account carries the months its recalculations correct (fixed) and
 * the first month it reads (since: the earliest of them, or this one: the
 * partitions of document and charge_line before it are not read, sql/283),
 * and its documents and lines are looked up by account (LATERAL ... OFFSET 0
 * keeps them nested loops): a join by hash read the whole document and
 * charge_line tables for every batch, 0.1-0.3 s each at 1,000,000
 * accounts, where the writer's uncommitted rows of this run made each
 * document row a visibility check too. */
static const char all_sql[] =
	"WITH acc AS MATERIALIZED (SELECT account_id, fixed,"
	" coalesce((SELECT min(f) FROM unnest(fixed) f), $2::date) AS since FROM"
	" (SELECT a.account_id, ARRAY(SELECT DISTINCT l.of_period"
	" FROM charge_line l WHERE l.account_id = a.account_id AND l.period = $2::date"
	" AND l.kind = 'recalc' AND l.of_period IS NOT NULL) AS fixed"
	" FROM (SELECT DISTINCT unnest($1::bigint[]) AS account_id) a) a)"
	" SELECT o.account_id, 'a', o.seq, 0, o.seq::text, o.due::text, o.amount::text, NULL::text,"
	" NULL::text, NULL::text, NULL::text, NULL::text FROM acc JOIN obligation o"
	" ON o.account_id = acc.account_id AND o.period = $3::date AND o.kind = 'advance'"
	" AND o.amount > 0"
	" UNION ALL SELECT a.account_id, 'b', 0, 0, a.name, coalesce(c.legal_address, a.postcode"
	" || ', ' || a.address), c.contract, c.signed_on::text, c.inn, c.kpp, c.edo_id, NULL"
	" FROM acc JOIN account a ON a.account_id = acc.account_id"
	/* a key probe per account (OFFSET 0 keeps it one): as a join it was
	 * planned as a hash of every contract, read again for each batch */
	" CROSS JOIN LATERAL (SELECT * FROM contract c WHERE c.account_id = acc.account_id"
	" OFFSET 0) c"
	" UNION ALL SELECT d.account_id, 'd', d.period - DATE '2000-01-01', 0, d.branch,"
	" d.number::text, d.issued_on::text, d.period::text, d.channel, NULL, NULL, NULL"
	" FROM acc CROSS JOIN LATERAL (SELECT * FROM document d WHERE d.account_id = acc.account_id"
	" AND d.period >= acc.since AND (d.period = $2::date OR d.period = ANY (acc.fixed))"
	" OFFSET 0) d"
	" UNION ALL SELECT l.account_id, 'l', l.period - DATE '2000-01-01', l.line_no,"
	" l.period::text, l.kind, l.of_period::text, l.zone::text,"
	" round(l.volume * 1000)::bigint::text, round(l.tariff * 1000000)::bigint::text,"
	" l.amount::text, l.vat::text FROM acc CROSS JOIN LATERAL (SELECT * FROM charge_line l"
	" WHERE l.account_id = acc.account_id AND l.period >= acc.since AND l.period <= $2::date"
	" AND l.kind IN ('charge', 'recalc') AND (l.period = $2::date"
	" OR (l.kind = 'charge' AND l.period = ANY (acc.fixed))"
	" OR (l.kind = 'recalc' AND l.of_period = ANY (acc.fixed))) OFFSET 0) l"
	" ORDER BY 1, 2, 3, 4";
#define V(res, row, k) PQgetvalue(res, row, 4 + (k))
#define NUL(res, row, k) PQgetisnull(res, row, 4 + (k))

static int prepare(PGconn *db, struct sbyt_err *e)
{
	return db_prepare(db, e, "upd_all", all_sql);
}

/* Close the spool of the package's УПДs (before it is sealed); 0, or -1
 * with e set when it could not be written. */
static int spool_close(struct upd_docs *c, struct sbyt_err *e)
{
	int bad;

	if (!c->spool)
		return 0;
	bad = fclose(c->spool) != 0;
	c->spool = NULL;
	c->spool_pkg = NULL;
	if (bad && e)
		return err_set(e, ERR_IO, "cannot write '%s': %s", c->spool_path, strerror(errno));
	return bad ? -1 : 0;
}

/* Append the len bytes at data to pkg's spool as entry name. */
static int spool_put(struct upd_docs *c, struct package *pkg, const char *name, const char *data,
		     size_t len, struct sbyt_err *e)
{
	char hex[SHA256_HEX];
	struct sha256 h;

	/* (a package aborted and another made at the same address has no
	 * spool yet) */
	if (c->spool_pkg != pkg || !pkg->spool[0]) {
		if (spool_close(c, e) || !(c->spool_path = package_spool(pkg, e)))
			return -1;
		if (!(c->spool = fopen(c->spool_path, "w")))
			return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", c->spool_path,
				       strerror(errno));
		c->spool_pkg = pkg;
		c->spool_off = 0;
	}
	if (fwrite(data, 1, len, c->spool) != len)
		return err_set(e, ERR_IO, "cannot write '%s': %s", c->spool_path, strerror(errno));
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_hex(&h, hex);
	if (package_entry_part(pkg, name, c->spool_path, c->spool_off, (int64_t)len, hex, e))
		return -1;
	c->spool_off += (int64_t)len;
	return 0;
}

/* Write one УПД into pkg: 0 written, 1 nothing to deliver, -1 failed.  It
 * is made and checked in memory and kept in the package's spool: a file
 * each cost more than the rest of the УПД (0.7 ms to create on this
 * machine's ext4, then read back twice). */
static int put_one(struct upd_docs *c, struct package *pkg, struct upd_input *in,
		   struct sbyt_err *e)
{
	struct upd_model m;
	char name[UPD_NAME_BUF + 16];
	int rc = upd_build(in, &m, e);

	if (rc == 0) {
		xmlBufferPtr buf = xmlBufferCreate();
		const char *data;
		size_t len;

		snprintf(name, sizeof(name), "upd/%s.xml", m.file_id);
		if (!buf) {
			rc = err_set(e, ERR_INTERNAL, "out of memory");
		} else if (upd_write_mem(&m, buf, e)) {
			rc = -1;
		} else {
			data = (const char *)xmlBufferContent(buf);
			len = (size_t)xmlBufferLength(buf);
			rc = upd_check_mem(data, len, name, e) ? -1 : 0;
			if (rc && e->kind == ERR_DATA)
				e->kind = ERR_INTERNAL;  /* a file we wrote breaks the format: a bug */
			if (rc == 0 && spool_put(c, pkg, name, data, len, e))
				rc = -1;
		}
		xmlBufferFree(buf);
		c->n_upd += rc == 0;
	}
	upd_model_release(&m);
	return rc;
}

static int number_text(char *buf, size_t size, const char *branch, speriod p, const char *num)
{
	int y, m;

	period_to_ym(p, &y, &m);
	return snprintf(buf, size, "%s-%04d-%02d-%s", branch, y, m, num) >= (int)size ? -1 : 0;
}

/* ---- invoices for payment of the next month's advances ---- */

static void wa(xmlTextWriterPtr w, int *bad, const char *name, const char *value)
{
	if (value && *value)
		*bad |= xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value) < 0;
}

/* Expand tpl's placeholders {percent} {month} {contract} {vatRate} {vat}
 * {sum} {account} into buf; -1 when one is unknown or buf is too small. */
static int expand(const char *tpl, const char *const *names, const char *const *values, int n,
		  char *buf, size_t size)
{
	size_t len = 0;

	for (const char *p = tpl; *p; ) {
		const char *v = NULL;
		size_t vl;
		if (*p == '{') {
			for (int i = 0; i < n && !v; i++)
				if (!strncmp(p + 1, names[i], strlen(names[i])) &&
				    p[1 + strlen(names[i])] == '}') {
					v = values[i];
					p += strlen(names[i]) + 2;
				}
			if (!v)
				return -1;
		} else {
			const char *q = strchr(p, '{');
			vl = q ? (size_t)(q - p) : strlen(p);
			if (len + vl >= size)
				return -1;
			memcpy(buf + len, p, vl);
			len += vl;
			p += vl;
			continue;
		}
		vl = strlen(v);
		if (len + vl >= size)
			return -1;
		memcpy(buf + len, v, vl);
		len += vl;
	}
	buf[len] = '\0';
	return 0;
}

/* Draw invoice d as PDF: pdf 1 into the package's print file
 * invoices.pdf (opened on the first, dated as_of), 2 into its own
 * ACCOUNT-NUMBER.pdf in the package's folder (dated the invoice's date). */
static int invoice_file(struct upd_docs *c, struct package *pkg, int pdf, sdate as_of,
			const struct invoice_doc *d, struct sbyt_err *e)
{
	struct faults f = FAULTS_INIT;
	struct pdf *g;
	char path[4200];
	const char *where;

	if (!c->have_texts) {
		if (docs_texts_load(c->rules_dir, &c->texts, &f)) {
			faults_release(&f);
			return err_set(e, ERR_CONFIG, "the document texts in '%s' are invalid",
				       c->rules_dir);
		}
		c->have_texts = 1;
	}
	if (!c->ipdf && !(c->ipdf = invoice_pdf_new(&c->texts, tariff_supplier(c->tr), e)))
		return -1;
	g = invoice_pdf_file(c->ipdf);
	if (pdf == 1) {
		if (!c->ipdf_open) {
			if (!(where = package_entry(pkg, "invoices.pdf", e)) ||
			    pdf_begin(g, where, as_of, e))
				return -1;
			c->ipdf_open = 1;
		}
		return invoice_pdf_draw(c->ipdf, d, e);
	}
	if (!(where = package_folder(pkg, e)))
		return -1;
	snprintf(path, sizeof(path), "%s/%s-%s.pdf", where, d->account, d->number);
	if (pdf_begin(g, path, d->date, e))
		return -1;
	if (invoice_pdf_draw(c->ipdf, d, e)) {
		pdf_abort(g);
		return -1;
	}
	c->inv_pages += pdf_pages(g);
	return pdf_end(g, 0, e);
}

/* Write the invoices of the advances of month `next` (obligations of kind
 * advance that billing the document's month wrote) into pkg. */
static int put_invoices(struct upd_docs *c, struct package *pkg, const struct upd_input *in,
			const char *branch, int number, speriod next, PGresult *res, int row0,
			int row1, int pdf, sdate as_of, struct sbyt_err *e)
{
	const struct supplier *s = tariff_supplier(c->tr);
	const struct billing_rules *br = tariff_billing(c->tr);
	char acc[24], buf[4][64], purpose[256], qr[QR_BUF];
	int y, m, written = 0;

	snprintf(acc, sizeof(acc), "%lld", (long long)in->account);
	period_to_ym(next, &y, &m);
	for (int i = row0; i < row1; i++) {
		int seq, bp, bad = 0, percent;
		money sum, vat;
		sdate due = 0;
		struct qr_payment q;
		const char *path;
		xmlTextWriterPtr w;

		if (strcmp(PQgetvalue(res, i, 1), "a") != 0)
			continue;
		seq = atoi(V(res, i, 0));
		sum = strtoll(V(res, i, 2), NULL, 10);
		date_parse(V(res, i, 1), -1, &due);
		percent = seq >= 1 && seq <= br->nadvances ? br->advance[seq - 1].percent : 0;
		if (tariff_vat(c->tr, due, &bp, e) < 0)
			goto fail;
		/* the date printed is the one that counts: an advance due on a
		 * day off is due on the next working day (Civil Code 193), as the
		 * debt and the payment document count it */
		if (c->pr && penalty_due_move(c->pr, due, &due, e))
			goto fail;
		vat = money_round((__int128)sum * bp, 10000 + bp);
		if (bp % 100)
			snprintf(buf[0], sizeof(buf[0]), "%d,%02d", bp / 100, bp % 100);
		else
			snprintf(buf[0], sizeof(buf[0]), "%d", bp / 100);
		{
			static const char *const names[] = { "percent", "month", "contract", "vatRate",
							      "vat", "sum", "account" };
			const char *values[7];
			char pct[16], mon[16], vs[MONEY_BUF], ss[MONEY_BUF];

			snprintf(pct, sizeof(pct), "%d", percent);
			snprintf(mon, sizeof(mon), "%02d.%04d", m, y);
			values[0] = pct;
			values[1] = mon;
			values[2] = in->contract;
			values[3] = buf[0];
			values[4] = money_format(vat, vs);
			values[5] = money_format(sum, ss);
			values[6] = acc;
			if (!c->purpose_tpl[0] ||
			    expand(c->purpose_tpl, names, values, 7, purpose, sizeof(purpose))) {
				err_set(e, ERR_CONFIG, "'%s': AdvanceInvoice/Purpose is missing, names an"
					" unknown {placeholder} or comes out longer than %zu bytes",
					c->rules_file, sizeof(purpose) - 1);
				goto fail;
			}
		}
		qr_payment_init(&q, s);
		q.pers_acc = acc;
		q.sum = sum;
		q.paym_period = next;
		q.purpose = purpose;
		if (qr_payload(&q, qr, sizeof(qr), e) < 0)
			goto fail;
		if (!c->inv) {
			if (!(path = package_entry(pkg, "invoices.xml", e)))
				goto fail;
			snprintf(c->inv_path, sizeof(c->inv_path), "%s", path);
			if (!(c->inv = xmlNewTextWriterFilename(path, 0))) {
				err_set(e, ERR_IO, "cannot create '%s'", path);
				goto fail;
			}
			xmlTextWriterSetIndent(c->inv, 1);
			c->inv_bad |= xmlTextWriterStartDocument(c->inv, "1.0", "UTF-8", NULL) < 0;
			c->inv_bad |= xmlTextWriterStartElement(c->inv, BAD_CAST "Invoices") < 0;
			wa(c->inv, &c->inv_bad, "xmlns", "urn:sbyt:invoice:1");
		}
		w = c->inv;
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Invoice") < 0;
		snprintf(buf[0], sizeof(buf[0]), "%s-%04d-%02d-%d-%d", branch, y, m, number, seq);
		wa(w, &bad, "number", buf[0]);
		wa(w, &bad, "date", date_format(in->date, buf[1]));
		wa(w, &bad, "account", acc);
		wa(w, &bad, "period", period_format(next, buf[1]));
		snprintf(buf[0], sizeof(buf[0]), "%d", seq);
		wa(w, &bad, "advance", buf[0]);
		snprintf(buf[0], sizeof(buf[0]), "%d", percent);
		wa(w, &bad, "percent", buf[0]);
		wa(w, &bad, "basisPeriod", period_format(in->period, buf[1]));
		wa(w, &bad, "due", date_format(due, buf[1]));
		wa(w, &bad, "sum", money_format(sum, buf[1]));
		wa(w, &bad, "vat", money_format(vat, buf[1]));
		snprintf(buf[0], sizeof(buf[0]), "%d.%02d", bp / 100, bp % 100);
		wa(w, &bad, "vatRate", buf[0]);
		wa(w, &bad, "qr", qr);
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Supplier") < 0;
		wa(w, &bad, "name", s->name);
		wa(w, &bad, "inn", s->inn);
		wa(w, &bad, "kpp", s->kpp);
		wa(w, &bad, "address", s->address);
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Bank") < 0;
		wa(w, &bad, "name", s->bank_name);
		wa(w, &bad, "bic", s->bic);
		wa(w, &bad, "corrAccount", s->corr_account);
		wa(w, &bad, "account", s->account);
		bad |= xmlTextWriterEndElement(w) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Payer") < 0;
		wa(w, &bad, "name", in->buyer.name);
		wa(w, &bad, "inn", in->buyer.inn);
		wa(w, &bad, "kpp", in->buyer.kpp);
		wa(w, &bad, "address", in->buyer.address);
		bad |= xmlTextWriterEndElement(w) < 0;
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Contract") < 0;
		wa(w, &bad, "number", in->contract);
		wa(w, &bad, "date", date_format(in->contract_date, buf[1]));
		bad |= xmlTextWriterEndElement(w) < 0;
		bad |= xmlTextWriterWriteElement(w, BAD_CAST "Purpose", BAD_CAST purpose) < 0;
		bad |= xmlTextWriterEndElement(w) < 0;
		if (bad) {
			c->inv_bad = 1;
			err_set(e, ERR_IO, "cannot write '%s' (disk full?)", c->inv_path);
			goto fail;
		}
		if (!c->reg_open) {
			const char *rp = package_entry(pkg, "invoices.xlsx", e);
			if (!rp || xlsx_table_open(&c->reg, rp, "Счета на оплату", reg_headers,
						   reg_widths, REG_COLS, e))
				goto fail;
			c->reg_open = 1;
		}
		if (xlsx_table_row(&c->reg, e))
			goto fail;
		snprintf(buf[0], sizeof(buf[0]), "%s-%04d-%02d-%d-%d", branch, y, m, number, seq);
		xlsx_table_str(&c->reg, 0, buf[0]);
		xlsx_table_date(&c->reg, 1, in->date);
		xlsx_table_str(&c->reg, 2, acc);
		xlsx_table_str(&c->reg, 3, in->buyer.name);
		xlsx_table_str(&c->reg, 4, in->buyer.inn);
		xlsx_table_str(&c->reg, 5, period_format(next, buf[1]));
		xlsx_table_int(&c->reg, 6, percent);
		xlsx_table_date(&c->reg, 7, due);
		xlsx_table_money(&c->reg, 8, sum);
		xlsx_table_money(&c->reg, 9, vat);
		xlsx_table_int(&c->reg, 10, number);
		if (pdf) {
			struct invoice_doc d = {
				.account = acc, .qr = qr, .purpose = purpose, .date = in->date,
				.due = due, .month = next, .percent = percent, .vat_bp = bp,
				.sum = sum, .vat = vat, .buyer = in->buyer.name,
				.buyer_inn = in->buyer.inn, .buyer_kpp = in->buyer.kpp,
				.buyer_address = in->buyer.address, .contract = in->contract,
				.contract_date = in->contract_date,
			};
			snprintf(buf[0], sizeof(buf[0]), "%s-%04d-%02d-%d-%d", branch, y, m, number, seq);
			d.number = buf[0];
			if (invoice_file(c, pkg, pdf, as_of, &d, e))
				goto fail;
		}
		c->n_inv++;
		written++;
	}
	return written;
fail:
	return -1;
}

/* The files of one document from its rows of the batch's result. */
static int do_job(struct upd_docs *c, const struct job *j, PGresult *res, struct sbyt_err *e)
{
	const struct supplier *s = tariff_supplier(c->tr);
	struct package *pkg = c->pkg;
	const char *branch = j->branch;
	speriod period = j->period;
	int number = j->number, edo = j->edo;
	char acc[24], pfirst[DATE_BUF], num[24], docno[128], pb[PERIOD_BUF];
	struct upd_input in;
	speriod fixed[64];
	int nfixed = 0, written = 0, rc, brow = -1, drow = -1;
	sdate date;

	snprintf(acc, sizeof(acc), "%lld", (long long)j->account);
	date_format(period_first(period), pfirst);
	c->nlines = 0;
	for (int i = j->row0; i < j->row1; i++) {
		const char *tag = PQgetvalue(res, i, 1);
		struct upd_charge *l;

		if (*tag == 'b')
			brow = i;
		if (*tag == 'd' && period_of(parse_date(V(res, i, 3))) == period)
			drow = i;
		if (*tag != 'l')
			continue;
		if (c->nlines == c->cap) {
			int cap = c->cap ? 2 * c->cap : 32;
			struct upd_charge *nl = realloc(c->lines, (size_t)cap * sizeof(*nl));
			if (!nl) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto fail;
			}
			c->lines = nl;
			c->cap = cap;
		}
		l = &c->lines[c->nlines++];
		memset(l, 0, sizeof(*l));
		l->period = period_of(parse_date(V(res, i, 0)));
		l->recalc = !strcmp(V(res, i, 1), "recalc");
		l->of_period = NUL(res, i, 2) ? 0 : period_of(parse_date(V(res, i, 2)));
		l->zone = atoi(V(res, i, 3));
		l->volume = strtoll(V(res, i, 4), NULL, 10);
		l->rate = NUL(res, i, 5) ? 0 : strtoll(V(res, i, 5), NULL, 10);
		l->amount = strtoll(V(res, i, 6), NULL, 10);
		l->vat = strtoll(V(res, i, 7), NULL, 10);
		if (l->recalc && l->period == period) {
			int seen = 0;
			if (NUL(res, i, 2)) {
				err_set(e, ERR_DATA, "account %s, %s: a recalculation line names no month",
					acc, period_format(period, pb));
				goto fail;
			}
			for (int k = 0; k < nfixed; k++)
				seen |= fixed[k] == l->of_period;
			if (!seen && nfixed < (int)(sizeof(fixed) / sizeof(fixed[0])))
				fixed[nfixed++] = l->of_period;
		}
	}
	if (brow < 0) {
		if (!edo)
			goto done;  /* no contract: nothing to invoice against */
		err_set(e, ERR_DATA, "account %s is on edo without a contract", acc);
		goto fail;
	}

	memset(&in, 0, sizeof(in));
	in.account = j->account;
	in.lines = c->lines;
	in.nlines = c->nlines;
	in.seller.name = s->name;
	in.seller.inn = s->inn;
	in.seller.kpp = s->kpp;
	in.seller.address = s->address;
	in.seller.edo_id = c->edo_id;
	in.seller.phone = s->phone;
	in.seller.email = s->email;
	in.seller.bank_name = s->bank_name;
	in.seller.bic = s->bic;
	in.seller.corr_account = s->corr_account;
	in.seller.account = s->account;
	in.buyer.name = V(res, brow, 0);
	in.buyer.address = V(res, brow, 1);
	in.contract = V(res, brow, 2);
	in.contract_date = parse_date(V(res, brow, 3));
	in.buyer.inn = V(res, brow, 4);
	in.buyer.kpp = NUL(res, brow, 5) ? NULL : V(res, brow, 5);
	in.buyer.edo_id = NUL(res, brow, 6) ? NULL : V(res, brow, 6);
	if (edo && !c->edo_id[0]) {
		err_set(e, ERR_CONFIG, "'%s' has no Edo block: the УПД of edo documents cannot be"
			" written", c->rules_file);
		err_detail(e, "add the supplier's EDO participant id and signatory (see the"
			   " comment in the shipped rules/supplier.xml)");
		return -1;
	}
	if (edo && !in.buyer.edo_id) {
		err_set(e, ERR_DATA, "account %s has no edo_id in its contract", acc);
		goto fail;
	}
	in.signer.position = c->position;
	in.signer.last_name = c->last;
	in.signer.first_name = c->first;
	in.signer.middle_name = c->middle[0] ? c->middle : NULL;
	in.signer.authority = c->authority;
	in.texts.item = c->item;
	in.texts.operation = c->operation;
	in.texts.basis = c->basis;
	in.program = "sbyt " SBYT_VERSION;

	/* the month's own УПД */
	date = drow >= 0 ? parse_date(V(res, drow, 2)) : j->as_of;
	snprintf(num, sizeof(num), "%d", number);
	if (number_text(docno, sizeof(docno), branch, period, num)) {
		err_set(e, ERR_DATA, "branch code '%s' too long for a document number", branch);
		goto fail;
	}
	in.period = period;
	in.number = docno;
	in.date = date;
	rc = put_invoices(c, pkg, &in, branch, number, period + 1, res, j->row0, j->row1, j->pdf,
			  j->as_of, e);
	if (rc < 0)
		goto fail;
	written += rc;
	if (!edo)
		goto done;
	if (tariff_vat(c->tr, period_last(period), &in.vat_bp, e) < 0)
		goto fail;
	rc = put_one(c, pkg, &in, e);
	if (rc < 0)
		goto fail;
	written += rc == 0;

	/* corrections of the months this one recalculates */
	for (int k = 0; k < nfixed; k++) {
		speriod q = fixed[k];
		speriod months[64];
		int nmonths = 0, qd = -1;

		for (int i = j->row0; i < j->row1; i++)
			if (*PQgetvalue(res, i, 1) == 'd' && period_of(parse_date(V(res, i, 3))) == q)
				qd = i;
		if (qd < 0) {
			err_set(e, ERR_DATA, "account %s: %s is recalculated in %s but has no issued"
				" document to correct", acc, period_format(q, pb), pfirst);
			goto fail;
		}
		if (strcmp(V(res, qd, 4), "edo") != 0)
			continue;  /* that month went on paper: it had no УПД to correct */
		for (int i = 0; i < c->nlines; i++) {
			const struct upd_charge *l = &c->lines[i];
			int seen = 0;
			if (!l->recalc || l->of_period != q)
				continue;
			for (int m = 0; m < nmonths; m++)
				seen |= months[m] == l->period;
			if (!seen && nmonths < 64)
				months[nmonths++] = l->period;
		}
		if (number_text(docno, sizeof(docno), V(res, qd, 0), q, V(res, qd, 1))) {
			err_set(e, ERR_DATA, "branch code too long for a document number");
			goto fail;
		}
		in.period = q;
		in.number = docno;
		in.date = parse_date(V(res, qd, 2));
		in.fix_no = nmonths;
		in.fix_date = date;
		if (tariff_vat(c->tr, period_last(q), &in.vat_bp, e) < 0)
			goto fail;
		rc = put_one(c, pkg, &in, e);
		if (rc < 0)
			goto fail;
		written += rc == 0;
	}
done:
	return written;
fail:
	return err_prefix(e, "documents of account %s", acc);
}

static int cmp_job(const void *a, const void *b, void *arg)
{
	const struct job *jobs = arg;
	int64_t x = jobs[*(const int *)a].account, y = jobs[*(const int *)b].account;

	return x < y ? -1 : x > y;
}

/* Query the waiting documents' rows in one round trip and write their
 * files, in the order they came. */
static int flush(struct upd_docs *c, struct sbyt_err *e)
{
	char pfirst[DATE_BUF], nfirst[DATE_BUF];
	const char *p[3] = { NULL, pfirst, nfirst };
	PGresult *res;
	size_t len = 0;
	int n = c->njobs, row = 0, rc = 0;

	if (!n)
		return 0;
	c->njobs = 0;
	if ((size_t)n * 24 + 3 > c->arr_cap) {
		char *na = realloc(c->arr, (size_t)n * 24 + 3);
		if (!na)
			return err_set(e, ERR_INTERNAL, "out of memory");
		c->arr = na;
		c->arr_cap = (size_t)n * 24 + 3;
	}
	c->arr[len++] = '{';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(c->arr + len, c->arr_cap - len, "%s%lld", i ? "," : "",
					(long long)c->jobs[i].account);
	c->arr[len++] = '}';
	c->arr[len] = '\0';
	p[0] = c->arr;
	date_format(period_first(c->jobs[0].period), pfirst);
	date_format(period_first(c->jobs[0].period + 1), nfirst);
	if (!(res = db_query_prepared(c->db, e, "upd_all", 3, p)))
		return -1;
	/* the rows come by account: give each job its range */
	for (int i = 0; i < n; i++)
		c->order[i] = i;
	qsort_r(c->order, (size_t)n, sizeof(*c->order), cmp_job, c->jobs);
	for (int k = 0; k < n; k++) {
		struct job *j = &c->jobs[c->order[k]];
		while (row < PQntuples(res) && strtoll(PQgetvalue(res, row, 0), NULL, 10) < j->account)
			row++;
		j->row0 = row;
		while (row < PQntuples(res) && strtoll(PQgetvalue(res, row, 0), NULL, 10) == j->account)
			row++;
		j->row1 = row;
	}
	for (int i = 0; i < n && rc == 0; i++)
		if (do_job(c, &c->jobs[i], res, e) < 0)
			rc = -1;
	PQclear(res);
	return rc;
}

int upd_docs_put(struct upd_docs **ctx, const char *conninfo, const char *rules_dir,
		 const struct penalty_rules *pr, struct package *pkg, const char *branch, int64_t account, speriod period,
		 int number, sdate as_of, int edo, int pdf, struct sbyt_err *e)
{
	struct upd_docs *c;
	struct job *j;

	if (!*ctx && open_ctx(ctx, conninfo, rules_dir, e))
		return -1;
	c = *ctx;
	c->pr = pr;
	if (c->pkg != pkg)
		c->njobs = 0;  /* left by a package that was given up */
	c->pkg = pkg;
	j = &c->jobs[c->njobs++];
	memset(j, 0, sizeof(*j));
	j->account = account;
	j->number = number;
	j->edo = edo;
	j->pdf = pdf;
	j->period = period;
	j->as_of = as_of;
	if (snprintf(j->branch, sizeof(j->branch), "%s", branch) >= (int)sizeof(j->branch))
		return err_set(e, ERR_DATA, "branch code '%s' too long for a document number", branch);
	return c->njobs == BATCH ? flush(c, e) : 0;
}



int upd_docs_finish(struct upd_docs *c, struct package *pkg, struct sbyt_err *e)
{
	char num[24];
	int rc = 0;

	if (!c)
		return 0;
	if (c->pkg == pkg && flush(c, e))
		return -1;
	c->njobs = 0;
	c->pkg = NULL;
	if (c->spool_pkg == pkg && spool_close(c, e))
		rc = -1;
	if (c->inv) {
		c->inv_bad |= xmlTextWriterEndDocument(c->inv) < 0;
		xmlFreeTextWriter(c->inv);
		c->inv = NULL;
		if (c->inv_bad)
			rc = err_set(e, ERR_IO, "cannot write '%s' (disk full?)", c->inv_path);
		c->inv_bad = 0;
	}
	if (c->reg_open) {
		c->reg_open = 0;
		if (xlsx_table_close(&c->reg, rc ? NULL : e))
			rc = -1;
	}
	if (c->ipdf_open) {
		struct pdf *g = invoice_pdf_file(c->ipdf);

		c->ipdf_open = 0;
		c->inv_pages += pdf_pages(g);
		if (rc)
			pdf_abort(g);
		else if (pdf_end(g, 0, e))
			rc = -1;
	}
	if (c->inv_pages && !rc) {
		snprintf(num, sizeof(num), "%lld", (long long)c->inv_pages);
		package_fact(pkg, "invoice_pages", num);
	}
	c->inv_pages = 0;
	if (c->n_upd) {
		snprintf(num, sizeof(num), "%lld", (long long)c->n_upd);
		package_fact(pkg, "upd", num);
	}
	if (c->n_inv) {
		snprintf(num, sizeof(num), "%lld", (long long)c->n_inv);
		package_fact(pkg, "invoices", num);
	}
	c->n_upd = c->n_inv = 0;
	return rc;
}
