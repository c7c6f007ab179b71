/* upd_docs.c - the УПД files of the edo packages; see upd_docs.h. */
#include "upd_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <libxml/tree.h>

#include "db.h"
#include "faults.h"
#include "rulesxml.h"
#include "tariff.h"
#include "upd.h"

struct upd_docs {
	PGconn *db;
	struct tariff_rules *tr;
	char edo_id[64], position[256], last[128], first[128], middle[128], authority[4];
	char item[512], operation[512], basis[512];
	struct upd_charge *lines;
	int nlines, cap;
};

void upd_docs_free(struct upd_docs *c)
{
	if (!c)
		return;
	if (c->db)
		PQfinish(c->db);
	tariff_rules_free(c->tr);
	free(c->lines);
	free(c);
}

static void text_of(xmlNodePtr parent, const char *name, char *buf, size_t size)
{
	xmlNodePtr n = rulesxml_child(parent, name);
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;

	snprintf(buf, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

static int open_ctx(struct upd_docs **out, const char *conninfo, const char *rules_dir,
		    struct sbyt_err *e)
{
	struct upd_docs *c = calloc(1, sizeof(*c));
	struct faults f = FAULTS_INIT;
	char file[4096], xsd[4096];
	xmlDocPtr doc;
	xmlNodePtr edo, signer;

	if (!c)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (tariff_rules_load(rules_dir, &c->tr, &f)) {
		faults_release(&f);
		upd_docs_free(c);
		return err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", rules_dir);
	}
	snprintf(file, sizeof(file), "%s/supplier.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/supplier.xsd", rules_dir);
	doc = rulesxml_read(file, xsd, &f);
	faults_release(&f);
	edo = doc ? rulesxml_child(xmlDocGetRootElement(doc), "Edo") : NULL;
	if (!edo) {
		xmlFreeDoc(doc);
		upd_docs_free(c);
		err_set(e, ERR_CONFIG, "'%s' has no Edo block: the УПД of edo documents cannot be"
			" written", file);
		return err_detail(e, "add the supplier's EDO participant id and signatory (see the"
				  " comment in the shipped rules/supplier.xml)");
	}
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

/* The account's lines: the month's charges and recalculations, and for
 * each month the recalculations correct, its charges and every
 * recalculation of it billed up to this month. */
static const char lines_sql[] =
	"WITH fixed AS (SELECT DISTINCT of_period FROM charge_line WHERE account_id = $1"
	" AND period = $2::date AND kind = 'recalc' AND of_period IS NOT NULL)"
	" SELECT l.period, l.kind, l.of_period, l.zone, round(l.volume * 1000)::bigint,"
	" round(l.tariff * 1000000)::bigint, l.amount, l.vat FROM charge_line l"
	" WHERE l.account_id = $1 AND l.period <= $2::date AND l.kind IN ('charge', 'recalc') AND"
	" (l.period = $2::date OR (l.kind = 'charge' AND l.period IN (SELECT of_period FROM fixed))"
	" OR (l.kind = 'recalc' AND l.of_period IN (SELECT of_period FROM fixed)))"
	" ORDER BY l.period, l.line_no";

static const char buyer_sql[] =
	"SELECT a.name, coalesce(c.legal_address, a.postcode || ', ' || a.address), c.contract,"
	" c.signed_on, c.inn, c.kpp, c.edo_id FROM account a JOIN contract c"
	" ON c.account_id = a.account_id WHERE a.account_id = $1";

static const char doc_sql[] =
	"SELECT branch, number, issued_on FROM document WHERE account_id = $1 AND period = $2::date";

/* Write one УПД into pkg: 0 written, 1 nothing to deliver, -1 failed. */
static int put_one(struct upd_docs *c, struct package *pkg, struct upd_input *in,
		   struct sbyt_err *e)
{
	struct upd_model m;
	char name[UPD_NAME_BUF + 16];
	const char *path;
	int rc = upd_build(in, &m, e);

	if (rc == 0) {
		snprintf(name, sizeof(name), "upd/%s.xml", m.file_id);
		path = package_entry(pkg, name, e);
		rc = !path || upd_write(&m, path, e) || upd_check(path, name, e) ? -1 : 0;
		if (rc && e->kind == ERR_DATA)
			e->kind = ERR_INTERNAL;  /* a file we wrote breaks the format: a bug */
	}
	upd_model_release(&m);
	(void)c;
	return rc;
}

static int number_text(char *buf, size_t size, const char *branch, speriod p, const char *num)
{
	int y, m;

	period_to_ym(p, &y, &m);
	return snprintf(buf, size, "%s-%04d-%02d-%s", branch, y, m, num) >= (int)size ? -1 : 0;
}

int upd_docs_put(struct upd_docs **ctx, const char *conninfo, const char *rules_dir,
		 struct package *pkg, const char *branch, int64_t account, speriod period,
		 int number, sdate as_of, struct sbyt_err *e)
{
	struct upd_docs *c;
	const struct supplier *s;
	char acc[24], pfirst[DATE_BUF], num[24], docno[128], pb[PERIOD_BUF];
	const char *p[2] = { acc, pfirst };
	PGresult *buyer = NULL, *lines = NULL, *doc = NULL;
	struct upd_input in;
	speriod fixed[64];
	int nfixed = 0, written = 0, rc;
	sdate date;

	if (!*ctx && open_ctx(ctx, conninfo, rules_dir, e))
		return -1;
	c = *ctx;
	s = tariff_supplier(c->tr);
	snprintf(acc, sizeof(acc), "%lld", (long long)account);
	date_format(period_first(period), pfirst);
	if (!(buyer = db_query(c->db, e, buyer_sql, 1, p)) ||
	    !(lines = db_query(c->db, e, lines_sql, 2, p)) ||
	    !(doc = db_query(c->db, e, doc_sql, 2, p)))
		goto fail;
	if (PQntuples(buyer) != 1) {
		err_set(e, ERR_DATA, "account %s is on edo without a contract", acc);
		goto fail;
	}
	c->nlines = 0;
	for (int i = 0; i < PQntuples(lines); i++) {
		struct upd_charge *l;
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
		l->period = period_of(parse_date(PQgetvalue(lines, i, 0)));
		l->recalc = !strcmp(PQgetvalue(lines, i, 1), "recalc");
		l->of_period = PQgetisnull(lines, i, 2) ? 0
			     : period_of(parse_date(PQgetvalue(lines, i, 2)));
		l->zone = atoi(PQgetvalue(lines, i, 3));
		l->volume = strtoll(PQgetvalue(lines, i, 4), NULL, 10);
		l->rate = strtoll(PQgetvalue(lines, i, 5), NULL, 10);
		l->amount = strtoll(PQgetvalue(lines, i, 6), NULL, 10);
		l->vat = strtoll(PQgetvalue(lines, i, 7), NULL, 10);
		if (l->recalc && l->period == period) {
			int seen = 0;
			if (PQgetisnull(lines, i, 2)) {
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

	memset(&in, 0, sizeof(in));
	in.account = account;
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
	in.buyer.name = PQgetvalue(buyer, 0, 0);
	in.buyer.address = PQgetvalue(buyer, 0, 1);
	in.contract = PQgetvalue(buyer, 0, 2);
	in.contract_date = parse_date(PQgetvalue(buyer, 0, 3));
	in.buyer.inn = PQgetvalue(buyer, 0, 4);
	in.buyer.kpp = PQgetisnull(buyer, 0, 5) ? NULL : PQgetvalue(buyer, 0, 5);
	in.buyer.edo_id = PQgetisnull(buyer, 0, 6) ? NULL : PQgetvalue(buyer, 0, 6);
	if (!in.buyer.edo_id) {
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
	date = PQntuples(doc) ? parse_date(PQgetvalue(doc, 0, 2)) : as_of;
	snprintf(num, sizeof(num), "%d", number);
	if (number_text(docno, sizeof(docno), branch, period, num)) {
		err_set(e, ERR_DATA, "branch code '%s' too long for a document number", branch);
		goto fail;
	}
	in.period = period;
	in.number = docno;
	in.date = date;
	if (tariff_vat(c->tr, period_last(period), &in.vat_bp, e) < 0)
		goto fail;
	rc = put_one(c, pkg, &in, e);
	if (rc < 0)
		goto fail;
	written += rc == 0;

	/* corrections of the months this one recalculates */
	for (int k = 0; k < nfixed; k++) {
		speriod q = fixed[k];
		char qfirst[DATE_BUF];
		const char *pq[2] = { acc, qfirst };
		PGresult *qd;
		speriod months[64];
		int nmonths = 0;

		date_format(period_first(q), qfirst);
		if (!(qd = db_query(c->db, e, doc_sql, 2, pq)))
			goto fail;
		if (PQntuples(qd) != 1) {
			PQclear(qd);
			err_set(e, ERR_DATA, "account %s: %s is recalculated in %s but has no issued"
				" document to correct", acc, period_format(q, pb), pfirst);
			goto fail;
		}
		for (int i = 0; i < c->nlines; i++) {
			const struct upd_charge *l = &c->lines[i];
			int seen = 0;
			if (!l->recalc || l->of_period != q)
				continue;
			for (int j = 0; j < nmonths; j++)
				seen |= months[j] == l->period;
			if (!seen && nmonths < 64)
				months[nmonths++] = l->period;
		}
		if (number_text(docno, sizeof(docno), PQgetvalue(qd, 0, 0), q, PQgetvalue(qd, 0, 1))) {
			PQclear(qd);
			err_set(e, ERR_DATA, "branch code too long for a document number");
			goto fail;
		}
		in.period = q;
		in.number = docno;
		in.date = parse_date(PQgetvalue(qd, 0, 2));
		in.fix_no = nmonths;
		in.fix_date = date;
		PQclear(qd);
		if (tariff_vat(c->tr, period_last(q), &in.vat_bp, e) < 0)
			goto fail;
		rc = put_one(c, pkg, &in, e);
		if (rc < 0)
			goto fail;
		written += rc == 0;
	}
	PQclear(buyer);
	PQclear(lines);
	PQclear(doc);
	return written;
fail:
	PQclear(buyer);
	PQclear(lines);
	PQclear(doc);
	return err_prefix(e, "УПД of account %s", acc);
}
