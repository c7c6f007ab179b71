/* report_rejects.c - ingested files and their rejected lines; see report_rejects.h. */
#include "report_rejects.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xlsx.h"

/* A file counts for the business date of the run that ingested it (so a
 * replayed day reports as that day), else for the day it was ingested. */
#define INGESTED_IN_RANGE " coalesce((SELECT as_of FROM run WHERE run_id = f.run_id)," \
	" (f.ingested_at)::date) BETWEEN $1::date AND $2::date"

int report_rejects(PGconn *db, sdate from, sdate to, const char *path,
		   struct rejects_totals *t, struct sbyt_err *e)
{
	static const char *const fhead[] = {
		"Файл", "Канал", "SHA-256", "Принят", "Строк", "Принято", "Отклонено",
		"Повторы", "На проверке",
	};
	static const double fwidth[] = { 40, 12, 66, 20, 10, 10, 10, 10, 12 };
	static const char *const rhead[] = {
		"Файл", "Строка", "Лицевой счёт", "Код причины", "Причина", "Что отклонено",
	};
	static const double rwidth[] = { 40, 8, 14, 20, 60, 16 };
	char f[DATE_BUF], tt[DATE_BUF];
	const char *p[2] = { date_format(from, f), date_format(to, tt) };
	struct xlsx_table x;
	PGresult *res;
	int failed;

	memset(t, 0, sizeof(*t));
	if (xlsx_table_open(&x, path, "Файлы", fhead, fwidth, 9, e))
		return -1;
	if (db_stream_begin(db, e,
		"SELECT f.name, f.channel, f.sha256,"
		" to_char(f.ingested_at, 'YYYY-MM-DD HH24:MI:SS'),"
		" f.read, f.accepted, f.rejected, f.duplicates, f.held"
		" FROM ingest_file f WHERE" INGESTED_IN_RANGE " ORDER BY f.file_id", 2, p))
		goto fail;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		int64_t v[5];

		if (xlsx_table_row(&x, e)) {
			PQclear(res);
			db_stream_cancel(db);
			goto fail;
		}
		for (int c = 0; c < 4; c++)
			xlsx_table_str(&x, c, PQgetvalue(res, 0, c));
		for (int c = 0; c < 5; c++) {
			v[c] = atoll(PQgetvalue(res, 0, 4 + c));
			xlsx_table_int(&x, 4 + c, v[c]);
		}
		t->files++;
		t->read += v[0];
		t->accepted += v[1];
		t->rejected += v[2];
		t->duplicates += v[3];
		t->held += v[4];
		PQclear(res);
	}
	if (failed || xlsx_table_row(&x, e))
		goto fail;
	xlsx_table_str(&x, 0, "Итого");
	xlsx_table_int(&x, 4, t->read);
	xlsx_table_int(&x, 5, t->accepted);
	xlsx_table_int(&x, 6, t->rejected);
	xlsx_table_int(&x, 7, t->duplicates);
	xlsx_table_int(&x, 8, t->held);

	if (xlsx_table_next(&x, "Отклонённые строки", rhead, rwidth, 6, e) ||
	    db_stream_begin(db, e,
		"SELECT f.name, r.line, r.account_id::text, r.code, r.reason,"
		" CASE r.what WHEN 'line' THEN 'строка' ELSE 'показания строки' END"
		" FROM ingest_reject r JOIN ingest_file f USING (file_id) WHERE" INGESTED_IN_RANGE
		" ORDER BY f.file_id, r.line, r.what", 2, p))
		goto fail;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		if (xlsx_table_row(&x, e)) {
			PQclear(res);
			db_stream_cancel(db);
			goto fail;
		}
		xlsx_table_str(&x, 0, PQgetvalue(res, 0, 0));
		xlsx_table_int(&x, 1, atoll(PQgetvalue(res, 0, 1)));
		for (int c = 2; c < 6; c++)
			xlsx_table_str(&x, c, PQgetvalue(res, 0, c));
		t->rows++;
		PQclear(res);
	}
	if (failed)
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
