/* report_runs.c - every job run as an XLSX table; see report_runs.h. */
#include "report_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xlsx.h"

int report_runs(PGconn *db, sdate from, sdate to, const char *path, int64_t *rows,
		struct sbyt_err *e)
{
	static const char *const head[] = {
		"Запуск", "Задание", "Командная строка", "Пользователь ОС", "Пользователь БД",
		"Начало", "Окончание", "Дата расчёта", "Статус", "Код завершения", "Сообщение",
		"Счётчики", "Входные файлы (SHA-256)", "Выходные файлы (SHA-256)",
		"Версия правил", "Срок", "Нарушение срока",
	};
	static const double width[] = { 8, 10, 40, 14, 14, 20, 20, 12, 10, 8, 40, 40, 60, 60,
					 20, 12, 30 };
	char f[DATE_BUF], t[DATE_BUF];
	const char *p[2] = { date_format(from, f), date_format(to, t) };
	struct xlsx_table x;
	PGresult *res;
	int failed;

	*rows = 0;
	if (xlsx_table_open(&x, path, "Запуски", head, width, 17, e))
		return -1;
	if (db_stream_begin(db, e,
		"SELECT r.run_id, r.command, r.command_line, r.os_user, r.db_user,"
		" to_char(r.started_at, 'YYYY-MM-DD HH24:MI:SS'),"
		" to_char(r.ended_at, 'YYYY-MM-DD HH24:MI:SS'),"
		" r.as_of::text, r.status, r.exit_code::text, r.message, r.counts::text,"
		" (SELECT string_agg(path || ' ' || sha256 || ' ' || bytes, E'\\n' ORDER BY path)"
		"  FROM run_file WHERE run_id = r.run_id AND direction = 'in'),"
		" (SELECT string_agg(path || ' ' || sha256 || ' ' || bytes, E'\\n' ORDER BY path)"
		"  FROM run_file WHERE run_id = r.run_id AND direction = 'out'),"
		" r.rules_version, r.deadline::text, r.breach"
		" FROM run r WHERE (r.started_at)::date"
		" BETWEEN $1::date AND $2::date ORDER BY r.run_id", 2, p))
		goto fail;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		if (xlsx_table_row(&x, e)) {
			PQclear(res);
			db_stream_cancel(db);
			goto fail;
		}
		xlsx_table_int(&x, 0, atoll(PQgetvalue(res, 0, 0)));
		for (int c = 1; c < 17; c++)
			if (c != 9 && !PQgetisnull(res, 0, c))
				xlsx_table_str(&x, c, PQgetvalue(res, 0, c));
		if (!PQgetisnull(res, 0, 9))
			xlsx_table_int(&x, 9, atoll(PQgetvalue(res, 0, 9)));
		(*rows)++;
		PQclear(res);
	}
	if (failed)
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
