/* report_limitation.c - cases and steps with their rules; see report_limitation.h. */
#include "report_limitation.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "money.h"
#include "xlsx.h"

/* The citation of rule id, "" when the rules do not name it. */
static const char *citation(const struct limit_rules *r, const char *rule)
{
	for (int p = 0; p < r->nprocs; p++)
		for (int s = 0; s < r->proc[p].nsteps; s++)
			if (!strcmp(r->proc[p].step[s].rule, rule) && r->proc[p].step[s].citation)
				return r->proc[p].step[s].citation;
	if (!strcmp(r->reconnect.rule, rule) && r->reconnect.citation)
		return r->reconnect.citation;
	return "";
}

static void put_date(struct xlsx_table *x, int col, const char *v)
{
	sdate d;

	if (v[0] && date_parse(v, -1, &d) == 0)
		xlsx_table_date(x, col, d);
}

int report_limitation(PGconn *db, const struct limit_rules *r, sdate as_of, const char *path,
		      struct limitation_totals *t, struct sbyt_err *e)
{
	static const char *const chead[] = {
		"Лицевой счёт", "Участок", "Дело", "Процедура", "Статус", "Открыто",
		"Снимок долга на", "Просрочено, руб.", "Периодов", "Порог, руб.", "Закрыто",
		"Причина",
	};
	static const double cwidth[] = { 14, 8, 6, 14, 12, 12, 14, 14, 9, 12, 12, 40 };
	static const char *const shead[] = {
		"Лицевой счёт", "Дело", "№", "Шаг", "Состояние", "Дата", "Правило",
		"Основание", "Расчёт даты", "Уведомление", "Канал", "Вручено", "Заявка",
		"Действие", "Уровень, кВт",
	};
	static const double swidth[] = { 14, 6, 4, 16, 12, 12, 24, 60, 80, 24, 12, 12, 24, 16, 12 };
	char d[DATE_BUF];
	const char *p[1] = { date_format(as_of, d) };
	struct xlsx_table x;
	PGresult *res;
	int failed;

	memset(t, 0, sizeof(*t));
	if (xlsx_table_open(&x, path, "Дела", chead, cwidth, 12, e))
		return -1;
	if (db_stream_begin(db, e,
		"SELECT c.account_id::text, a.branch, c.case_no, c.procedure, c.status,"
		" c.opened_on::text, c.snap_as_of::text, c.stated_debt, c.periods, c.threshold,"
		" coalesce(c.ended_on::text, ''), coalesce(c.reason, '')"
		" FROM limit_case c JOIN account a USING (account_id)"
		" WHERE c.opened_on <= $1::date ORDER BY a.branch, c.account_id, c.case_no", 1, p))
		goto fail;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		const char *status = PQgetvalue(res, 0, 4);

		if (xlsx_table_row(&x, e)) {
			PQclear(res);
			db_stream_cancel(db);
			goto fail;
		}
		xlsx_table_str(&x, 0, PQgetvalue(res, 0, 0));
		xlsx_table_str(&x, 1, PQgetvalue(res, 0, 1));
		xlsx_table_int(&x, 2, atoll(PQgetvalue(res, 0, 2)));
		xlsx_table_str(&x, 3, PQgetvalue(res, 0, 3));
		xlsx_table_str(&x, 4, status);
		put_date(&x, 5, PQgetvalue(res, 0, 5));
		put_date(&x, 6, PQgetvalue(res, 0, 6));
		xlsx_table_money(&x, 7, atoll(PQgetvalue(res, 0, 7)));
		xlsx_table_int(&x, 8, atoll(PQgetvalue(res, 0, 8)));
		xlsx_table_money(&x, 9, atoll(PQgetvalue(res, 0, 9)));
		put_date(&x, 10, PQgetvalue(res, 0, 10));
		xlsx_table_str(&x, 11, PQgetvalue(res, 0, 11));
		t->cases++;
		t->open += !strcmp(status, "open");
		t->cancelled += !strcmp(status, "cancelled");
		t->closed += !strcmp(status, "closed");
		t->escalated += !strcmp(status, "escalated");
		PQclear(res);
	}
	if (failed)
		goto fail;

	if (xlsx_table_next(&x, "Шаги", shead, swidth, 15, e) ||
	    db_stream_begin(db, e,
		"SELECT s.account_id::text, s.case_no, s.seq, s.name, s.state, s.date::text, s.rule,"
		" s.derivation, coalesce(s.notice_id, ''), coalesce(n.channel, ''),"
		" coalesce(n.delivered::text, ''), coalesce(s.request_id, ''),"
		" coalesce(q.action, ''), coalesce(q.level_kw::text, '')"
		" FROM limit_step s JOIN limit_case c USING (account_id, case_no)"
		" LEFT JOIN limit_notice n ON n.account_id = s.account_id AND n.notice_id = s.notice_id"
		" LEFT JOIN limit_request q ON q.account_id = s.account_id"
		"  AND q.request_id = s.request_id"
		" WHERE c.opened_on <= $1::date ORDER BY s.account_id, s.case_no, s.seq", 1, p))
		goto fail;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		if (xlsx_table_row(&x, e)) {
			PQclear(res);
			db_stream_cancel(db);
			goto fail;
		}
		xlsx_table_str(&x, 0, PQgetvalue(res, 0, 0));
		xlsx_table_int(&x, 1, atoll(PQgetvalue(res, 0, 1)));
		xlsx_table_int(&x, 2, atoll(PQgetvalue(res, 0, 2)));
		xlsx_table_str(&x, 3, PQgetvalue(res, 0, 3));
		xlsx_table_str(&x, 4, PQgetvalue(res, 0, 4));
		put_date(&x, 5, PQgetvalue(res, 0, 5));
		xlsx_table_str(&x, 6, PQgetvalue(res, 0, 6));
		xlsx_table_str(&x, 7, citation(r, PQgetvalue(res, 0, 6)));
		xlsx_table_str(&x, 8, PQgetvalue(res, 0, 7));
		xlsx_table_str(&x, 9, PQgetvalue(res, 0, 8));
		xlsx_table_str(&x, 10, PQgetvalue(res, 0, 9));
		put_date(&x, 11, PQgetvalue(res, 0, 10));
		xlsx_table_str(&x, 12, PQgetvalue(res, 0, 11));
		xlsx_table_str(&x, 13, PQgetvalue(res, 0, 12));
		xlsx_table_str(&x, 14, PQgetvalue(res, 0, 13));
		t->steps++;
		PQclear(res);
	}
	if (failed)
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
