/* report_recon.c - акт сверки взаиморасчётов of one legal account; see report.h. */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "db.h"
#include "debt.h"
#include "faults.h"
#include "report.h"
#include "rulesxml.h"

/* Used while rules/supplier.xml is not there (it is being added with the
 * billing rules): the supplier's name only, no requisites. */
#define RECON_SUPPLIER_DEFAULT "АО «Газпром энергосбыт Тюмень»"

struct supplier {
	char name[256];
	char inn[16], kpp[16];
};

static void child_text(xmlNodePtr root, const char *name, char *out, size_t size)
{
	xmlNodePtr n = rulesxml_child(root, name);
	xmlChar *s = n ? xmlNodeGetContent(n) : NULL;

	if (s)
		snprintf(out, size, "%s", (const char *)s);
	xmlFree(s);
}

/* The supplier from RULES_DIR/supplier.xml (validated against its schema
 * when there is one), or the default name when the file is absent. */
static int supplier_read(const char *rules_dir, struct supplier *s, struct sbyt_err *e)
{
	char path[4096], xsd[4096];
	struct faults f = FAULTS_INIT;
	xmlDocPtr doc;

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/supplier.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/supplier.xsd", rules_dir);
	if (access(path, F_OK) != 0) {
		snprintf(s->name, sizeof(s->name), "%s", RECON_SUPPLIER_DEFAULT);
		return 0;
	}
	doc = rulesxml_read(path, access(xsd, F_OK) == 0 ? xsd : NULL, &f);
	if (!doc) {
		err_set(e, ERR_CONFIG, "supplier file '%s' is invalid", path);
		if (f.kept > 0)
			err_detail(e, "%s", f.lines[0]);
		faults_release(&f);
		return -1;
	}
	faults_release(&f);
	child_text(xmlDocGetRootElement(doc), "Name", s->name, sizeof(s->name));
	child_text(xmlDocGetRootElement(doc), "Inn", s->inn, sizeof(s->inn));
	child_text(xmlDocGetRootElement(doc), "Kpp", s->kpp, sizeof(s->kpp));
	xmlFreeDoc(doc);
	if (!s->name[0])
		return err_set(e, ERR_CONFIG, "supplier file '%s' has no Name", path);
	return 0;
}

struct sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date;
	lxw_row_t row;
};

static char *dmy(sdate d, char *buf)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, DATE_BUF, "%02d.%02d.%04d", dd, m, y);
	return buf;
}

static void put_date(struct sheet *s, lxw_col_t col, sdate d)
{
	worksheet_write_number(s->ws, s->row, col, (double)d + 25569.0, s->date);
}

static void put_money(struct sheet *s, lxw_col_t col, money m)
{
	worksheet_write_number(s->ws, s->row, col, (double)m / 100.0, s->money);
}

/* A balance: what the customer owes in the debit column, an overpayment in
 * the credit column. */
static void put_balance(struct sheet *s, const char *label, sdate d, money b)
{
	put_date(s, 0, d);
	worksheet_write_string(s->ws, s->row, 1, label, s->bold);
	if (b >= 0)
		put_money(s, 2, b);
	else
		put_money(s, 3, -b);
	s->row++;
}

static const char *obligation_text(const char *kind)
{
	if (strcmp(kind, "charge") == 0)
		return "Начисление";
	if (strcmp(kind, "advance") == 0)
		return "Промежуточный платёж (аванс)";
	if (strcmp(kind, "balance") == 0)
		return "Окончательный расчёт";
	if (strcmp(kind, "recalc") == 0)
		return "Перерасчёт";
	if (strcmp(kind, "penalty") == 0)
		return "Пени (выставлено)";
	return kind;
}

/* " за MM.YYYY" of a period date "YYYY-MM-01", or "" when NULL. */
static void period_text(const char *v, char *out, size_t size)
{
	sdate d;
	int y, m;

	out[0] = 0;
	if (v && date_parse(v, -1, &d) == 0) {
		date_to_ymd(d, &y, &m, NULL);
		snprintf(out, size, " за %02d.%04d", m, y);
	}
}

/* The penalty accrued on the account as of `to`, from its ledger. */
struct pen {
	money penalty;
};

static int pen_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	((struct pen *)arg)->penalty = a->debt->penalty;
	return 0;
}

static int penalty_to(PGconn *db, const struct penalty_rules *r, int64_t account, sdate to,
		      money *out, struct sbyt_err *e)
{
	struct pen p = { 0 };
	struct debt_filter f = { .as_of = to, .account = account };
	struct debt_sink sink = { pen_account, &p };
	struct debt_totals t;

	if (debt_scan(db, r, &f, &sink, &t, e))
		return -1;
	*out = p.penalty;
	return 0;
}

static int write_act(struct sheet *s, PGconn *db, PGresult *acc, const struct supplier *sup,
		     const char *const *params, sdate from, sdate to, struct recon_result *res,
		     struct sbyt_err *e)
{
	char line[1024], b1[DATE_BUF], b2[DATE_BUF], per[32], mb[MONEY_BUF];
	PGresult *rows;
	const char *inn = PQgetvalue(acc, 0, 3), *kpp = PQgetvalue(acc, 0, 4);
	const char *contract = PQgetvalue(acc, 0, 5);

	worksheet_set_column(s->ws, 0, 0, 12, NULL);
	worksheet_set_column(s->ws, 1, 1, 60, NULL);
	worksheet_set_column(s->ws, 2, 3, 16, NULL);
	worksheet_write_string(s->ws, s->row++, 0, "Акт сверки взаиморасчётов", s->bold);
	snprintf(line, sizeof(line), "за период с %s по %s", dmy(from, b1), dmy(to, b2));
	worksheet_write_string(s->ws, s->row++, 0, line, NULL);
	worksheet_write_string(s->ws, s->row, 0, "Поставщик:", NULL);
	if (sup->inn[0])
		snprintf(line, sizeof(line), "%s, ИНН %s%s%s", sup->name, sup->inn,
			 sup->kpp[0] ? ", КПП " : "", sup->kpp);
	else
		snprintf(line, sizeof(line), "%s", sup->name);
	worksheet_write_string(s->ws, s->row++, 1, line, NULL);
	worksheet_write_string(s->ws, s->row, 0, "Покупатель:", NULL);
	if (inn[0])
		snprintf(line, sizeof(line), "%s, ИНН %s%s%s", PQgetvalue(acc, 0, 1), inn,
			 kpp[0] ? ", КПП " : "", kpp);
	else
		snprintf(line, sizeof(line), "%s", PQgetvalue(acc, 0, 1));
	worksheet_write_string(s->ws, s->row++, 1, line, NULL);
	worksheet_write_string(s->ws, s->row, 0, "Лицевой счёт:", NULL);
	if (contract[0])
		snprintf(line, sizeof(line), "%s, договор %s", params[0], contract);
	else
		snprintf(line, sizeof(line), "%s", params[0]);
	worksheet_write_string(s->ws, s->row++, 1, line, NULL);
	s->row++;
	worksheet_write_string(s->ws, s->row, 0, "Дата", s->bold);
	worksheet_write_string(s->ws, s->row, 1, "Документ", s->bold);
	worksheet_write_string(s->ws, s->row, 2, "Дебет, руб.", s->bold);
	worksheet_write_string(s->ws, s->row++, 3, "Кредит, руб.", s->bold);
	put_balance(s, "Сальдо начальное", from, res->opening);

	rows = db_query(db, e,
		"SELECT d, src, kind, period, amount, ref FROM ("
		" SELECT due AS d, 0 AS src, kind, period, amount, seq::bigint AS ord, NULL::text AS ref"
		"  FROM obligation WHERE account_id = $1::bigint AND due BETWEEN $2::date AND $3::date"
		" UNION ALL"
		" SELECT paid_on, 1, channel, period, amount, payment_id, source_id"
		"  FROM payment WHERE account_id = $1::bigint AND paid_on BETWEEN $2::date AND $3::date"
		") x ORDER BY d, src, period NULLS FIRST, ord", 3, params);
	if (!rows)
		return -1;
	for (int i = 0; i < PQntuples(rows); i++) {
		sdate d = 0;
		money amount = strtoll(PQgetvalue(rows, i, 4), NULL, 10);
		int payment = PQgetvalue(rows, i, 1)[0] == '1';

		date_parse(PQgetvalue(rows, i, 0), -1, &d);
		period_text(PQgetisnull(rows, i, 3) ? NULL : PQgetvalue(rows, i, 3), per, sizeof(per));
		if (payment)
			snprintf(line, sizeof(line), "Оплата (%s, № %s)%s", PQgetvalue(rows, i, 2),
				 PQgetvalue(rows, i, 5), per);
		else
			snprintf(line, sizeof(line), "%s%s", obligation_text(PQgetvalue(rows, i, 2)),
				 per);
		put_date(s, 0, d);
		worksheet_write_string(s->ws, s->row, 1, line, NULL);
		if (!payment && amount >= 0) {
			put_money(s, 2, amount);
			res->debit += amount;
		} else {
			money c = payment ? amount : -amount;
			put_money(s, 3, c);
			res->credit += c;
		}
		s->row++;
		res->rows++;
	}
	PQclear(rows);
	worksheet_write_string(s->ws, s->row, 1, "Обороты за период", s->bold);
	put_money(s, 2, res->debit);
	put_money(s, 3, res->credit);
	s->row++;
	res->closing = res->opening + res->debit - res->credit;
	put_balance(s, "Сальдо конечное", to, res->closing);
	s->row++;
	/* the scale the penalty follows (SPEC 10), so that the customer can check it */
	snprintf(line, sizeof(line), "Пени, начисленные по состоянию на %s (%s)", dmy(to, b1),
		 strcmp(PQgetvalue(acc, 0, 6), "managing") == 0
		 ? "управляющая организация, ТСЖ, ЖСК: с 31-го по 90-й день просрочки 1/300, "
		   "с 91-го дня 1/130 ключевой ставки, ФЗ-35 ст. 37 п. 2"
		 : "1/130 ключевой ставки за каждый день просрочки, ФЗ-35 ст. 37 п. 2");
	worksheet_write_string(s->ws, s->row, 1, line, NULL);
	put_money(s, 2, res->penalty);
	s->row++;
	money_format(res->closing < 0 ? -res->closing : res->closing, mb);
	if (res->closing > 0)
		snprintf(line, sizeof(line), "По данным поставщика на %s задолженность в пользу %s "
			 "составляет %s руб. (без пеней).", dmy(to, b1), sup->name, mb);
	else if (res->closing < 0)
		snprintf(line, sizeof(line), "По данным поставщика на %s переплата покупателя "
			 "составляет %s руб.", dmy(to, b1), mb);
	else
		snprintf(line, sizeof(line), "По данным поставщика на %s задолженность отсутствует "
			 "(без пеней).", dmy(to, b1));
	worksheet_write_string(s->ws, s->row++, 1, line, NULL);
	s->row++;
	worksheet_write_string(s->ws, s->row, 0, "От поставщика:", NULL);
	worksheet_write_string(s->ws, s->row++, 2, "От покупателя:", NULL);
	worksheet_write_string(s->ws, s->row, 0, "____________________", NULL);
	worksheet_write_string(s->ws, s->row++, 2, "____________________", NULL);
	return 0;
}

int report_recon(PGconn *db, const struct penalty_rules *r, const char *rules_dir,
		 int64_t account, sdate from, sdate to, const char *path,
		 struct recon_result *res, struct sbyt_err *e)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	struct supplier sup;
	struct sheet s = { 0 };
	char ab[24], fb[DATE_BUF], tb[DATE_BUF];
	const char *params[3] = { ab, fb, tb };
	PGresult *acc = NULL;
	char *open = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (from > to)
		return err_set(e, ERR_USAGE, "--from is after --to");
	if (supplier_read(rules_dir, &sup, e))
		return -1;
	snprintf(ab, sizeof(ab), "%lld", (long long)account);
	date_format(from, fb);
	date_format(to, tb);
	if (db_exec(db, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL))
		return -1;
	acc = db_query(db, e,
		"SELECT a.kind, a.name, a.branch, coalesce(c.inn, ''), coalesce(c.kpp, ''),"
		" coalesce(c.contract, ''), a.category FROM account a"
		" LEFT JOIN contract c USING (account_id)"
		" WHERE a.account_id = $1::bigint", 1, params);
	if (!acc)
		goto out;
	if (PQntuples(acc) == 0) {
		err_set(e, ERR_DATA, "unknown account '%s'", ab);
		goto out;
	}
	if (strcmp(PQgetvalue(acc, 0, 0), "legal") != 0) {
		err_set(e, ERR_DATA, "account '%s' is not a legal entity", ab);
		goto out;
	}
	if (db_value(db, e,
		     "SELECT coalesce((SELECT sum(amount) FROM obligation"
		     "  WHERE account_id = $1::bigint AND due < $2::date), 0)"
		     " - coalesce((SELECT sum(amount) FROM payment"
		     "  WHERE account_id = $1::bigint AND paid_on < $2::date), 0)",
		     2, params, &open))
		goto out;
	res->opening = open ? strtoll(open, NULL, 10) : 0;
	if (penalty_to(db, r, account, to, &res->penalty, e))
		goto out;

	s.wb = workbook_new_opt(path, &opt);
	if (!s.wb) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s'", path);
		goto out;
	}
	s.ws = workbook_add_worksheet(s.wb, "Акт сверки");
	s.bold = workbook_add_format(s.wb);
	format_set_bold(s.bold);
	s.money = workbook_add_format(s.wb);
	format_set_num_format(s.money, "0.00");
	s.date = workbook_add_format(s.wb);
	format_set_num_format(s.date, "dd.mm.yyyy");
	if (!s.ws) {
		err_set(e, ERR_CANTCREATE, "cannot add a sheet to '%s'", path);
		goto out;
	}
	if (write_act(&s, db, acc, &sup, params, from, to, res, e))
		goto out;
	rc = 0;
out:
	db_rollback(db);
	PQclear(acc);
	free(open);
	if (s.wb) {
		lxw_error x = workbook_close(s.wb);
		if (x != LXW_NO_ERROR && rc == 0)
			rc = err_set(e, ERR_IO, "cannot write '%s': %s", path, lxw_strerror(x));
	}
	return rc;
}
