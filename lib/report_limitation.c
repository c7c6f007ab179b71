/* report_limitation.c - cases and steps with their rules; see report_limitation.h. */
#include "report_limitation.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "explain_ru.h"
#include "xlsx.h"

struct ctx {
	const struct limit_rules *r;
	struct limitation_totals *t;
};

static int fill_case(struct xlsx_table *x, PGresult *res, void *arg, struct sbyt_err *e)
{
	struct limitation_totals *t = ((struct ctx *)arg)->t;
	const char *status = PQgetvalue(res, 0, 4);

	xlsx_table_str(x, 0, PQgetvalue(res, 0, 0));
	xlsx_table_str(x, 1, PQgetvalue(res, 0, 1));
	xlsx_table_int(x, 2, atoll(PQgetvalue(res, 0, 2)));
	xlsx_table_code(x, 3, "procedure", PQgetvalue(res, 0, 3));
	xlsx_table_code(x, 4, "case_status", status);
	xlsx_table_date_text(x, 5, PQgetvalue(res, 0, 5));
	xlsx_table_date_text(x, 6, PQgetvalue(res, 0, 6));
	xlsx_table_money(x, 7, atoll(PQgetvalue(res, 0, 7)));
	xlsx_table_int(x, 8, atoll(PQgetvalue(res, 0, 8)));
	xlsx_table_money(x, 9, atoll(PQgetvalue(res, 0, 9)));
	xlsx_table_date_text(x, 10, PQgetvalue(res, 0, 10));
	xlsx_table_str(x, 11, PQgetvalue(res, 0, 11));
	t->cases++;
	t->open += !strcmp(status, "open");
	t->cancelled += !strcmp(status, "cancelled");
	t->closed += !strcmp(status, "closed");
	t->escalated += !strcmp(status, "escalated");
	return 0;
}

static int fill_step(struct xlsx_table *x, PGresult *res, void *arg, struct sbyt_err *e)
{
	struct ctx *c = arg;

	xlsx_table_str(x, 0, PQgetvalue(res, 0, 0));
	xlsx_table_int(x, 1, atoll(PQgetvalue(res, 0, 1)));
	xlsx_table_int(x, 2, atoll(PQgetvalue(res, 0, 2)));
	xlsx_table_code(x, 3, "step", PQgetvalue(res, 0, 3));
	xlsx_table_code(x, 4, "step_state", PQgetvalue(res, 0, 4));
	xlsx_table_date_text(x, 5, PQgetvalue(res, 0, 5));
	xlsx_table_str(x, 6, PQgetvalue(res, 0, 6));
	xlsx_table_str(x, 7, explain_ru_citation(c->r, PQgetvalue(res, 0, 6)));
	xlsx_table_str(x, 8, PQgetvalue(res, 0, 7));
	xlsx_table_str(x, 9, PQgetvalue(res, 0, 8));
	xlsx_table_code(x, 10, "channel", PQgetvalue(res, 0, 9));
	xlsx_table_date_text(x, 11, PQgetvalue(res, 0, 10));
	xlsx_table_str(x, 12, PQgetvalue(res, 0, 11));
	xlsx_table_code(x, 13, "step", PQgetvalue(res, 0, 12));
	if (PQgetvalue(res, 0, 13)[0])
		xlsx_table_num(x, 14, atof(PQgetvalue(res, 0, 13)));
	c->t->steps++;
	return 0;
}

int report_limitation(PGconn *db, const struct limit_rules *r, const struct names *names,
		      sdate as_of, const char *path, struct limitation_totals *t,
		      struct sbyt_err *e)
{
	static const char *const chead[] = {
		"Лицевой счёт", "Участок", "Дело", "Процедура", "Статус", "Открыто",
		"Снимок долга на", "Просрочено, руб.", "Периодов", "Порог, руб.", "Закрыто",
		"Причина",
	};
	static const double cwidth[] = { 14, 8, 6, 14, 12, 12, 14, 14, 9, 12, 12, 20 };
	static const char *const shead[] = {
		"Лицевой счёт", "Дело", "№", "Шаг", "Состояние", "Дата", "Код правила",
		"Основание", "Расчёт даты", "Уведомление", "Канал", "Вручено", "Заявка",
		"Действие", "Уровень, кВт",
	};
	static const double swidth[] = { 14, 6, 4, 16, 12, 12, 16, 30, 40, 16, 12, 12, 16, 16, 10 };
	char d[DATE_BUF];
	const char *p[1] = { date_format(as_of, d) };
	struct xlsx_table x;
	struct ctx c = { r, t };

	memset(t, 0, sizeof(*t));
	if (xlsx_table_open(&x, path, "Дела", chead, cwidth, 12, e))
		return -1;
	x.names = names;
	xlsx_table_caption(&x, "Дела об ограничении режима потребления", as_of);
	if (xlsx_table_query(&x, db,
		"SELECT c.account_id::text, a.branch, c.case_no, c.procedure, c.status,"
		" c.opened_on::text, c.snap_as_of::text, c.stated_debt, c.periods, c.threshold,"
		" coalesce(c.ended_on::text, ''),"
		/* "оплата задолженности 2026-10-05": the date as ДД.ММ.ГГГГ */
		" regexp_replace(coalesce(c.reason, ''), '(\\d{4})-(\\d\\d)-(\\d\\d)',"
		"  '\\3.\\2.\\1', 'g')"
		" FROM limit_case c JOIN account a USING (account_id)"
		" WHERE c.opened_on <= $1::date ORDER BY a.branch, c.account_id, c.case_no", 1, p,
		fill_case, &c, e))
		goto fail;
	/* the stated debts and thresholds of cases do not add up to anything */
	x.no_totals = 1;
	if (xlsx_table_next(&x, "Шаги", shead, swidth, 15, e))
		goto fail;
	x.no_totals = 1;
	xlsx_table_caption(&x, "Шаги дел об ограничении", as_of);
	if (xlsx_table_query(&x, db,
		"SELECT s.account_id::text, s.case_no, s.seq, s.name, s.state, s.date::text, s.rule,"
		" s.derivation_ru, coalesce(s.notice_id, ''), coalesce(n.channel, ''),"
		" coalesce(n.delivered::text, ''), coalesce(s.request_id, ''),"
		" coalesce(q.action, ''), coalesce(q.level_kw::text, '')"
		" FROM limit_step s JOIN limit_case c USING (account_id, case_no)"
		" LEFT JOIN limit_notice n ON n.account_id = s.account_id AND n.notice_id = s.notice_id"
		" LEFT JOIN limit_request q ON q.account_id = s.account_id"
		"  AND q.request_id = s.request_id"
		" WHERE c.opened_on <= $1::date ORDER BY s.account_id, s.case_no, s.seq", 1, p,
		fill_step, &c, e))
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
