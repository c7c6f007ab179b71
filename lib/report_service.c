/* report_service.c - the registers' morning list; see report_service.h. */
#include "report_service.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xlsx.h"

/* Every item of both registers with its state as of $1: due_today,
 * due_tomorrow, overdue (open past its due date), late (done this month
 * after its due date); other items are left out. */
#define ITEMS \
	"WITH items AS (" \
	" SELECT 'appeal' AS reg, coalesce(a.branch, '') AS branch, p.appeal_id AS id," \
	"  coalesce(p.account_id::text, '') AS account, 'answer' AS step," \
	"  CASE WHEN p.extended_to IS NOT NULL THEN 'appeal.extend' ELSE 'appeal.answer' END AS rule," \
	"  p.received_on AS from_on, coalesce(p.extended_to, p.answer_due) AS due," \
	"  p.answered_on AS done_on, p.kind AS what" \
	"  FROM appeal p LEFT JOIN account a USING (account_id)" \
	" UNION ALL" \
	" SELECT 'contract', a.branch, s.case_id, c.account_id::text, s.step, s.rule, s.from_on," \
	"  s.due, s.done_on, c.customer" \
	"  FROM contract_step s JOIN contract_case c USING (case_id)" \
	"  LEFT JOIN account a ON a.account_id = c.account_id" \
	"  WHERE s.step <> 'terminate' AND coalesce(s.outcome, '') <> 'closed')," \
	" st AS (SELECT *, CASE" \
	"  WHEN done_on IS NULL AND due < $1::date THEN 'overdue'" \
	"  WHEN done_on IS NULL AND due = $1::date THEN 'due_today'" \
	"  WHEN done_on IS NULL AND due = $1::date + 1 THEN 'due_tomorrow'" \
	"  WHEN done_on > due AND done_on BETWEEN date_trunc('month', $1::date)::date AND $1::date" \
	"   THEN 'late' END AS state FROM items)" \
	" "

struct ctx {
	struct service_totals *t;
};

static int fill_summary(struct xlsx_table *x, PGresult *r, void *arg, struct sbyt_err *e)
{
	struct service_totals *t = ((struct ctx *)arg)->t;
	int64_t v[4];

	xlsx_table_code(x, 0, "register", PQgetvalue(r, 0, 0));
	xlsx_table_str(x, 1, PQgetvalue(r, 0, 1)[0] ? PQgetvalue(r, 0, 1) : "без счёта");
	for (int c = 0; c < 4; c++) {
		v[c] = atoll(PQgetvalue(r, 0, 2 + c));
		xlsx_table_count(x, 2 + c, v[c]);
	}
	t->due_today += v[0];
	t->due_tomorrow += v[1];
	t->overdue += v[2];
	t->late += v[3];
	return 0;
}

static int fill_item(struct xlsx_table *x, PGresult *r, void *arg, struct sbyt_err *e)
{
	xlsx_table_code(x, 0, "service_state", PQgetvalue(r, 0, 0));
	xlsx_table_str(x, 1, PQgetvalue(r, 0, 1));
	xlsx_table_str(x, 2, PQgetvalue(r, 0, 2));
	xlsx_table_str(x, 3, PQgetvalue(r, 0, 3));
	xlsx_table_code(x, 4, "service_step", PQgetvalue(r, 0, 4));
	xlsx_table_code(x, 5, "service_what", PQgetvalue(r, 0, 5));
	xlsx_table_str(x, 6, PQgetvalue(r, 0, 6));
	xlsx_table_date_text(x, 7, PQgetvalue(r, 0, 7));
	xlsx_table_date_text(x, 8, PQgetvalue(r, 0, 8));
	xlsx_table_date_text(x, 9, PQgetvalue(r, 0, 9));
	if (PQgetvalue(r, 0, 10)[0])
		xlsx_table_int(x, 10, atoll(PQgetvalue(r, 0, 10)));
	return 0;
}

int report_service(PGconn *db, const struct names *names, sdate as_of, const char *path,
		   struct service_totals *t, struct sbyt_err *e)
{
	static const char *const shead[] = {
		"Реестр", "Участок", "Со сроком сегодня", "Со сроком завтра", "Просрочено",
		"Выполнено с опозданием",
	};
	static const char *const ihead[] = {
		"Состояние", "Участок", "Номер", "Лицевой счёт", "Этап", "Вид",
		"Правило", "Отсчёт от", "Срок", "Выполнено", "Дней просрочки",
	};
	static const double iwidth[] = { 14, 8, 12, 14, 20, 16, 22, 11, 11, 11, 9 };
	char d[DATE_BUF];
	const char *p[1] = { date_format(as_of, d) };
	struct xlsx_table x;
	struct ctx c = { t };

	memset(t, 0, sizeof(*t));
	if (xlsx_table_open(&x, path, "Сводка", shead, NULL, 6, e))
		return -1;
	x.names = names;
	xlsx_table_caption(&x, "Сроки обслуживания: обращения и договоры", as_of);
	if (xlsx_table_query(&x, db, ITEMS
		"SELECT reg, branch, count(*) FILTER (WHERE state = 'due_today'),"
		" count(*) FILTER (WHERE state = 'due_tomorrow'),"
		" count(*) FILTER (WHERE state = 'overdue'), count(*) FILTER (WHERE state = 'late')"
		" FROM st WHERE state IS NOT NULL GROUP BY reg, branch ORDER BY reg, branch",
		1, p, fill_summary, &c, e))
		goto fail;
	for (int k = 0; k < 2; k++) {
		const char *reg = k ? "contract" : "appeal";
		const char *q[2] = { p[0], reg };

		if (xlsx_table_next(&x, k ? "Договоры" : "Обращения", ihead, iwidth, 11, e))
			goto fail;
		x.no_totals = 1;
		xlsx_table_caption(&x, k ? "Договоры: сроки этапов" : "Обращения: сроки ответов",
				   as_of);
		if (xlsx_table_query(&x, db, ITEMS
			"SELECT state, branch, id, account, step, what, rule, from_on, due,"
			" coalesce(done_on::text, ''),"
			" CASE WHEN state = 'overdue' THEN ($1::date - due)::text"
			" WHEN state = 'late' THEN (done_on - due)::text ELSE '' END"
			" FROM st WHERE state IS NOT NULL AND reg = $2"
			" ORDER BY CASE state WHEN 'overdue' THEN 0 WHEN 'due_today' THEN 1"
			" WHEN 'due_tomorrow' THEN 2 ELSE 3 END, branch, due, id", 2, q,
			fill_item, &c, e))
			goto fail;
	}
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
