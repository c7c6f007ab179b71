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
#include "xlsx.h"

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

/* The act is laid out as the form it is: the title across the page, the
 * parties, then two halves side by side - the supplier's records (date,
 * document, debit, credit) in columns A-D and the same columns left for
 * the buyer's records in F-I - then the closing statement and the two
 * signature blocks, on landscape A4 fitted to the page's width. */
#define BUYER_COL 5     /* the buyer's half starts in column F */
#define LAST_COL 8      /* and ends in column I */

struct sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *label, *title, *center, *cell, *money, *date, *wrap, *text;
	const struct names *names;
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

/* The buyer's half of the current row: empty cells with borders. */
static void buyer_cells(struct sheet *s)
{
	for (lxw_col_t c = BUYER_COL; c <= LAST_COL; c++)
		worksheet_write_blank(s->ws, s->row, c, s->cell);
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
	worksheet_write_blank(s->ws, s->row, 2, s->cell);
	worksheet_write_blank(s->ws, s->row, 3, s->cell);
	if (b >= 0)
		put_money(s, 2, b);
	else
		put_money(s, 3, -b);
	buyer_cells(s);
	worksheet_write_string(s->ws, s->row, BUYER_COL + 1, label, s->bold);
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

	worksheet_set_column(s->ws, 0, 0, 11, NULL);
	worksheet_set_column(s->ws, 1, 1, 34, NULL);
	worksheet_set_column(s->ws, 2, 3, 13, NULL);
	worksheet_set_column(s->ws, 4, 4, 2, NULL);
	worksheet_set_column(s->ws, 5, 5, 11, NULL);
	worksheet_set_column(s->ws, 6, 6, 24, NULL);
	worksheet_set_column(s->ws, 7, 8, 13, NULL);
	worksheet_merge_range(s->ws, s->row, 0, s->row, LAST_COL,
			      "Акт сверки взаиморасчётов", s->title);
	s->row++;
	snprintf(line, sizeof(line), "за период с %s по %s", dmy(from, b1), dmy(to, b2));
	worksheet_merge_range(s->ws, s->row, 0, s->row, LAST_COL, line, s->center);
	s->row += 2;
	worksheet_write_string(s->ws, s->row, 0, "Поставщик:", s->label);
	if (sup->inn[0])
		snprintf(line, sizeof(line), "%s, ИНН %s%s%s", sup->name, sup->inn,
			 sup->kpp[0] ? ", КПП " : "", sup->kpp);
	else
		snprintf(line, sizeof(line), "%s", sup->name);
	worksheet_merge_range(s->ws, s->row, 1, s->row, LAST_COL, line, NULL);
	s->row++;
	worksheet_write_string(s->ws, s->row, 0, "Покупатель:", s->label);
	if (inn[0])
		snprintf(line, sizeof(line), "%s, ИНН %s%s%s", PQgetvalue(acc, 0, 1), inn,
			 kpp[0] ? ", КПП " : "", kpp);
	else
		snprintf(line, sizeof(line), "%s", PQgetvalue(acc, 0, 1));
	worksheet_merge_range(s->ws, s->row, 1, s->row, LAST_COL, line, NULL);
	s->row++;
	worksheet_write_string(s->ws, s->row, 0, "Основание:", s->label);
	if (contract[0])
		snprintf(line, sizeof(line), "договор энергоснабжения № %s, лицевой счёт %s",
			 contract, params[0]);
	else
		snprintf(line, sizeof(line), "лицевой счёт %s", params[0]);
	worksheet_merge_range(s->ws, s->row, 1, s->row, LAST_COL, line, NULL);
	s->row += 2;
	snprintf(line, sizeof(line), "По данным %s, руб.", sup->name);
	worksheet_merge_range(s->ws, s->row, 0, s->row, 3, line, s->bold);
	worksheet_merge_range(s->ws, s->row, BUYER_COL, s->row, LAST_COL,
			      "По данным покупателя, руб.", s->bold);
	s->row++;
	{
		static const char *const head[] = { "Дата", "Документ", "Дебет", "Кредит" };

		for (int c = 0; c < 4; c++) {
			worksheet_write_string(s->ws, s->row, (lxw_col_t)c, head[c], s->bold);
			worksheet_write_string(s->ws, s->row, (lxw_col_t)(BUYER_COL + c), head[c],
					       s->bold);
		}
	}
	worksheet_repeat_rows(s->ws, s->row - 1, s->row);
	s->row++;
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
			snprintf(line, sizeof(line), "Оплата (%s, № %s)%s",
				 names_ru(s->names, "source", PQgetvalue(rows, i, 2)),
				 PQgetvalue(rows, i, 5), per);
		else
			snprintf(line, sizeof(line), "%s%s", obligation_text(PQgetvalue(rows, i, 2)),
				 per);
		put_date(s, 0, d);
		worksheet_write_string(s->ws, s->row, 1, line, s->wrap);
		worksheet_write_blank(s->ws, s->row, 2, s->cell);
		worksheet_write_blank(s->ws, s->row, 3, s->cell);
		buyer_cells(s);
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
	worksheet_write_blank(s->ws, s->row, 0, s->cell);
	worksheet_write_string(s->ws, s->row, 1, "Обороты за период", s->bold);
	put_money(s, 2, res->debit);
	put_money(s, 3, res->credit);
	buyer_cells(s);
	worksheet_write_string(s->ws, s->row, BUYER_COL + 1, "Обороты за период", s->bold);
	s->row++;
	res->closing = res->opening + res->debit - res->credit;
	put_balance(s, "Сальдо конечное", to, res->closing);
	s->row++;
	/* the scale the penalty follows (SPEC 10), so that the customer can check it */
	snprintf(line, sizeof(line), "Пени, начисленные по состоянию на %s, руб. (%s)", dmy(to, b1),
		 strcmp(PQgetvalue(acc, 0, 0), "individual") == 0
		 ? "с 31-го по 90-й день просрочки 1/300, с 91-го дня 1/130 ключевой ставки, "
		   "ЖК РФ ст. 155 п. 14"
		 : strcmp(PQgetvalue(acc, 0, 6), "managing") == 0
		 ? "управляющая организация, ТСЖ, ЖСК: с 31-го по 90-й день просрочки 1/300, "
		   "с 91-го дня 1/130 ключевой ставки, ФЗ-35 ст. 37 п. 2"
		 : "1/130 ключевой ставки за каждый день просрочки, ФЗ-35 ст. 37 п. 2");
	worksheet_merge_range(s->ws, s->row, 0, s->row, 1, line, s->text);
	worksheet_set_row(s->ws, s->row, 45, NULL);
	put_money(s, 2, res->penalty);
	s->row += 2;
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
	worksheet_merge_range(s->ws, s->row, 0, s->row, LAST_COL, line, s->text);
	worksheet_set_row(s->ws, s->row, 30, NULL);
	s->row += 2;
	worksheet_merge_range(s->ws, s->row, 0, s->row, 3, "От поставщика", s->label);
	worksheet_merge_range(s->ws, s->row, BUYER_COL, s->row, LAST_COL, "От покупателя", s->label);
	s->row++;
	worksheet_merge_range(s->ws, s->row, 0, s->row, 3,
			      "____________________ / ____________________ /", NULL);
	worksheet_merge_range(s->ws, s->row, BUYER_COL, s->row, LAST_COL,
			      "____________________ / ____________________ /", NULL);
	s->row++;
	worksheet_write_string(s->ws, s->row, 1, "(подпись, расшифровка)   М. П.", NULL);
	worksheet_write_string(s->ws, s->row, BUYER_COL + 1, "(подпись, расшифровка)   М. П.",
			       NULL);
	xlsx_sheet_print(s->ws, "Акт сверки взаиморасчётов", to, 1, s->row, LAST_COL);
	return 0;
}

int report_recon(PGconn *db, const struct penalty_rules *r, const struct names *names,
		 const char *rules_dir, int64_t account, sdate from, sdate to, const char *path,
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
	s.names = names;
	s.bold = workbook_add_format(s.wb);
	format_set_bold(s.bold);
	format_set_border(s.bold, LXW_BORDER_THIN);
	format_set_text_wrap(s.bold);
	s.label = workbook_add_format(s.wb);
	format_set_bold(s.label);
	s.text = workbook_add_format(s.wb);
	format_set_text_wrap(s.text);
	format_set_align(s.text, LXW_ALIGN_VERTICAL_TOP);
	s.title = workbook_add_format(s.wb);
	format_set_bold(s.title);
	format_set_font_size(s.title, 14);
	format_set_align(s.title, LXW_ALIGN_CENTER);
	s.center = workbook_add_format(s.wb);
	format_set_align(s.center, LXW_ALIGN_CENTER);
	s.cell = workbook_add_format(s.wb);
	format_set_border(s.cell, LXW_BORDER_THIN);
	s.wrap = workbook_add_format(s.wb);
	format_set_text_wrap(s.wrap);
	format_set_border(s.wrap, LXW_BORDER_THIN);
	s.money = workbook_add_format(s.wb);
	format_set_num_format(s.money, "#,##0.00");
	format_set_border(s.money, LXW_BORDER_THIN);
	s.date = workbook_add_format(s.wb);
	format_set_num_format(s.date, "dd.mm.yyyy");
	format_set_border(s.date, LXW_BORDER_THIN);
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
