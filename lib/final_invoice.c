/* final_invoice.c - the final invoice on termination; see final_invoice.h. */
#include "final_invoice.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "deadline.h"
#include "debt.h"
#include "ledger.h"
#include "package.h"
#include "xmlout.h"

struct one {
	money overdue, penalty;
};

static int take(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct one *o = arg;

	o->overdue = a->debt->principal;
	o->penalty = a->debt->penalty;
	return 0;
}

static void copy(char *out, size_t size, PGresult *r, int col)
{
	snprintf(out, size, "%s", PQgetisnull(r, 0, col) ? "" : PQgetvalue(r, 0, col));
}

int final_invoice_compose(PGconn *db, const struct penalty_rules *pr,
			  const struct tariff_rules *tr, const char *case_id, sdate issued,
			  struct final_invoice *fi, struct sbyt_err *e)
{
	char d[DATE_BUF], pc[8] = "", cat[40] = "";
	const char *p[2] = { case_id, date_format(issued, d) };
	struct one one = { 0, 0 };
	struct debt_filter f;
	struct debt_sink sink = { take, &one };
	struct debt_totals t;
	PGresult *r;
	int rc = -1;

	memset(fi, 0, sizeof(*fi));
	snprintf(fi->case_id, sizeof(fi->case_id), "%s", case_id);
	fi->issued = issued;
	fi->last_billed = -1;
	if (db_exec(db, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL))
		return -1;
	r = db_query(db, e,
		"SELECT c.account_id, a.kind, a.name, a.address, coalesce(k.contract, ''),"
		" coalesce(k.inn, ''), coalesce(k.kpp, ''), coalesce(k.signed_on::text, ''),"
		" s.from_on::text, s.named_on::text, coalesce(k.price_category::text, ''), a.category,"
		" coalesce((SELECT sum(amount) FROM obligation o WHERE o.account_id = c.account_id), 0)"
		" - coalesce((SELECT sum(amount) FROM payment y WHERE y.account_id = c.account_id"
		"   AND y.paid_on <= $2::date), 0),"
		" (SELECT max(period)::text FROM charge_line l WHERE l.account_id = c.account_id"
		"   AND l.kind = 'charge'),"
		" (SELECT round(sum(volume) * 1000)::text FROM charge_line l"
		"   WHERE l.account_id = c.account_id AND l.kind = 'charge' AND l.period ="
		"   (SELECT max(period) FROM charge_line m WHERE m.account_id = c.account_id"
		"    AND m.kind = 'charge'))"
		" FROM contract_case c JOIN contract_step s ON s.case_id = c.case_id"
		"  AND s.step = 'terminate'"
		" JOIN account a ON a.account_id = c.account_id"
		" LEFT JOIN contract k ON k.account_id = c.account_id"
		" WHERE c.case_id = $1", 2, p);
	if (!r)
		goto out;
	if (PQntuples(r) == 0) {
		err_set(e, ERR_DATA, "contract case '%s' has no termination on record", case_id);
		PQclear(r);
		goto out;
	}
	fi->account = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	copy(fi->kind, sizeof(fi->kind), r, 1);
	copy(fi->name, sizeof(fi->name), r, 2);
	copy(fi->address, sizeof(fi->address), r, 3);
	copy(fi->contract, sizeof(fi->contract), r, 4);
	copy(fi->inn, sizeof(fi->inn), r, 5);
	copy(fi->kpp, sizeof(fi->kpp), r, 6);
	fi->contract_date = DATE_NONE;
	if (PQgetvalue(r, 0, 7)[0])
		date_parse(PQgetvalue(r, 0, 7), -1, &fi->contract_date);
	date_parse(PQgetvalue(r, 0, 8), -1, &fi->notice);
	date_parse(PQgetvalue(r, 0, 9), -1, &fi->termination);
	copy(pc, sizeof(pc), r, 10);
	copy(cat, sizeof(cat), r, 11);
	fi->balance = strtoll(PQgetvalue(r, 0, 12), NULL, 10);
	if (!PQgetisnull(r, 0, 13)) {
		sdate lp;
		int64_t vol = strtoll(PQgetvalue(r, 0, 14), NULL, 10);

		date_parse(PQgetvalue(r, 0, 13), -1, &lp);
		fi->last_billed = period_of(lp);
		/* the days after the last billed period, through the termination */
		fi->days = fi->termination - period_last(fi->last_billed);
		if (fi->days < 0)
			fi->days = 0;
		/* the period's average per day, times the days, in milli-kWh */
		fi->volume = money_round((__int128)vol * fi->days,
					 period_last(fi->last_billed) -
					 period_first(fi->last_billed) + 1);
	}
	PQclear(r);
	snprintf(fi->number, sizeof(fi->number), "ИС-%s", case_id);
	/* the debt and penalty as `sbyt debt` values them */
	memset(&f, 0, sizeof(f));
	f.as_of = issued;
	f.account = fi->account;
	if (debt_scan(db, pr, &f, &sink, &t, e))
		goto out;
	fi->overdue = one.overdue;
	fi->penalty = one.penalty;
	if (fi->volume > 0) {
		if (!strcmp(fi->kind, "legal")) {
			int sample, bp;

			if (tariff_price(tr, period_of(fi->termination), atoi(pc), &fi->rate, &sample, e) ||
			    tariff_vat(tr, fi->termination, &bp, e))
				goto out;
			fi->energy = tariff_amount(fi->volume, fi->rate);
			fi->vat = money_round((__int128)fi->energy * bp, 10000);
		} else {
			struct tariff_rate t1;

			if (tariff_lookup(tr, cat, 1, fi->termination, &t1, e))
				goto out;
			fi->rate = t1.rate[0][0];  /* band 1, VAT included */
			fi->energy = tariff_amount(fi->volume, fi->rate);
		}
	}
	fi->compensation = 0;
	fi->total = fi->balance + fi->penalty + fi->energy + fi->vat + fi->compensation;
	rc = 0;
out:
	db_rollback(db);
	return rc;
}

static void money_attr(struct xmlout *x, const char *name, money m)
{
	char b[MONEY_BUF];

	xmlout_attr(x, name, money_format(m, b));
}

int final_invoice_write(const struct final_invoice *fi, const struct supplier *s,
			const char *const *texts, const char *path, struct sbyt_err *e)
{
	char tmp[4200], d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF], acc[24], buf[64];
	struct xmlout x;
	FILE *f;
	int fd;

	if (package_mkdirs(path, e))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	}
	if (xmlout_open(&x, f)) {
		fclose(f);
		unlink(tmp);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	snprintf(acc, sizeof(acc), "%" PRId64, fi->account);
	xmlout_start(&x, "FinalInvoice");
	xmlout_attr(&x, "xmlns", "urn:sbyt:invoice:1");
	xmlout_attr(&x, "number", fi->number);
	xmlout_attr(&x, "case", fi->case_id);
	xmlout_attr(&x, "account", acc);
	xmlout_attr(&x, "issued", date_format(fi->issued, d1));
	xmlout_attr(&x, "notice", date_format(fi->notice, d2));
	xmlout_attr(&x, "termination", date_format(fi->termination, d3));
	money_attr(&x, "total", fi->total);
	xmlout_start(&x, "Supplier");
	xmlout_attr(&x, "name", s->name);
	xmlout_attr(&x, "inn", s->inn);
	xmlout_attr(&x, "kpp", s->kpp);
	xmlout_end(&x);
	xmlout_start(&x, "Customer");
	xmlout_attr(&x, "name", fi->name);
	xmlout_attr(&x, "address", fi->address);
	if (fi->inn[0])
		xmlout_attr(&x, "inn", fi->inn);
	if (fi->kpp[0])
		xmlout_attr(&x, "kpp", fi->kpp);
	if (fi->contract[0]) {
		xmlout_attr(&x, "contract", fi->contract);
		if (fi->contract_date != DATE_NONE)
			xmlout_attr(&x, "contractDate", date_format(fi->contract_date, d1));
	}
	xmlout_end(&x);
	xmlout_start(&x, "Debt");
	xmlout_attr(&x, "asOf", date_format(fi->issued, d1));
	money_attr(&x, "balance", fi->balance);
	money_attr(&x, "overdue", fi->overdue);
	money_attr(&x, "penalty", fi->penalty);
	xmlout_text(&x, texts[0]);
	xmlout_end(&x);
	xmlout_start(&x, "Energy");
	if (fi->last_billed >= 0) {
		char per[PERIOD_BUF];

		xmlout_attr(&x, "from", date_format(period_last(fi->last_billed) + 1, d1));
		xmlout_attr(&x, "lastBilled", period_format(fi->last_billed, per));
	}
	xmlout_attr(&x, "to", date_format(fi->termination, d2));
	snprintf(buf, sizeof(buf), "%d", fi->days);
	xmlout_attr(&x, "days", buf);
	snprintf(buf, sizeof(buf), "%" PRId64 ".%03" PRId64, fi->volume / 1000, fi->volume % 1000);
	xmlout_attr(&x, "volume", buf);
	snprintf(buf, sizeof(buf), "%" PRId64 ".%06" PRId64, fi->rate / 1000000,
		 fi->rate % 1000000);
	xmlout_attr(&x, "price", buf);
	money_attr(&x, "amount", fi->energy);
	money_attr(&x, "vat", fi->vat);
	xmlout_text(&x, texts[1]);
	xmlout_end(&x);
	xmlout_start(&x, "Compensation");
	money_attr(&x, "amount", fi->compensation);
	xmlout_text(&x, texts[2]);
	xmlout_end(&x);
	xmlout_end(&x);
	if (xmlout_flush(&x) || fflush(f) || fsync(fileno(f))) {
		int refused = x.err == EILSEQ;  /* a value that is not text (xmlout.h) */
		const char *why = x.err ? xmlout_error(&x) : strerror(errno);

		xmlout_release(&x);
		fclose(f);
		unlink(tmp);
		return err_set(e, refused ? ERR_DATA : ERR_IO, "cannot write '%s': %s", tmp, why);
	}
	xmlout_release(&x);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return err_set(e, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	}
	return package_fsync(path, e);
}
