/* report_runs.c - every job run as an XLSX table; see report_runs.h. */
#include "report_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xlsx.h"

/* The moment in column c (seconds of local time), if any. */
static void put_time(struct xlsx_table *x, int col, PGresult *res, int c)
{
	if (!PQgetisnull(res, 0, c))
		xlsx_table_time(x, col, atof(PQgetvalue(res, 0, c)));
}

static int fill_run(struct xlsx_table *x, PGresult *res, void *ctx, struct sbyt_err *e)
{
	const char *cmd = PQgetvalue(res, 0, 1);
	char word[32];
	size_t n = strcspn(cmd, "-");

	/* report-aging: the report, then which */
	snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), cmd);
	xlsx_table_int(x, 0, atoll(PQgetvalue(res, 0, 0)));
	if (cmd[n]) {
		char both[160];

		/* the subcommand by its Russian name: domain = the command */
		snprintf(both, sizeof(both), "%s (%s)", names_ru(x->names, "command", word),
			 names_ru(x->names, word, cmd + n + 1));
		xlsx_table_str(x, 1, both);
	} else {
		xlsx_table_code(x, 1, "command", cmd);
	}
	for (int c = 2; c <= 4; c++)
		if (!PQgetisnull(res, 0, c))
			xlsx_table_str(x, c, PQgetvalue(res, 0, c));
	put_time(x, 5, res, 5);
	put_time(x, 6, res, 6);
	xlsx_table_date_text(x, 7, PQgetvalue(res, 0, 7));
	xlsx_table_code(x, 8, "run_status", PQgetvalue(res, 0, 8));
	if (!PQgetisnull(res, 0, 9))
		xlsx_table_int(x, 9, atoll(PQgetvalue(res, 0, 9)));
	for (int c = 10; c <= 14; c++)
		if (!PQgetisnull(res, 0, c))
			xlsx_table_str(x, c, PQgetvalue(res, 0, c));
	if (!PQgetisnull(res, 0, 15))
		xlsx_table_date_text(x, 15, PQgetvalue(res, 0, 15));
	if (!PQgetisnull(res, 0, 16))
		xlsx_table_str(x, 16, PQgetvalue(res, 0, 16));
	(*(int64_t *)ctx)++;
	return 0;
}

int report_runs(PGconn *db, const struct names *names, sdate from, sdate to, const char *path,
		int64_t *rows, struct sbyt_err *e)
{
	static const char *const head[] = {
		"Запуск", "Задание", "Командная строка", "Пользователь ОС", "Пользователь БД",
		"Начало", "Окончание", "Дата расчёта", "Статус", "Код завершения", "Сообщение",
		"Счётчики", "Входные файлы (SHA-256)", "Выходные файлы (SHA-256)",
		"Версия правил", "Срок", "Нарушение срока",
	};
	static const double width[] = { 8, 16, 30, 12, 12, 18, 18, 11, 10, 8, 30, 30, 40, 40,
					 16, 18, 20 };
	char f[DATE_BUF], t[DATE_BUF];
	const char *p[2] = { date_format(from, f), date_format(to, t) };
	struct xlsx_table x;

	*rows = 0;
	if (xlsx_table_open(&x, path, "Запуски", head, width, 17, e))
		return -1;
	x.names = names;
	x.no_totals = 1;
	xlsx_table_caption(&x, "Журнал запусков заданий", to);
	if (xlsx_table_query(&x, db,
		"SELECT r.run_id, r.command, r.command_line, r.os_user, r.db_user,"
		" extract(epoch FROM r.started_at AT TIME ZONE current_setting('TimeZone')),"
		" extract(epoch FROM r.ended_at AT TIME ZONE current_setting('TimeZone')),"
		" r.as_of::text, r.status, r.exit_code::text, r.message, r.counts::text,"
		" (SELECT string_agg(path || ' ' || sha256 || ' ' || bytes, E'\\n' ORDER BY path)"
		"  FROM run_file WHERE run_id = r.run_id AND direction = 'in'),"
		" (SELECT string_agg(path || ' ' || sha256 || ' ' || bytes, E'\\n' ORDER BY path)"
		"  FROM run_file WHERE run_id = r.run_id AND direction = 'out'),"
		" r.rules_version, r.deadline::text,"
		" r.breach"
		" FROM run r WHERE (r.started_at)::date"
		" BETWEEN $1::date AND $2::date OR r.as_of BETWEEN $1::date AND $2::date"
		" ORDER BY r.run_id", 2, p, fill_run, rows, e))
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
