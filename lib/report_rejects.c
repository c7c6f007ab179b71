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

static int fill_file(struct xlsx_table *x, PGresult *res, void *ctx, struct sbyt_err *e)
{
	struct rejects_totals *t = ctx;
	int64_t v[5];

	xlsx_table_str(x, 0, PQgetvalue(res, 0, 0));
	xlsx_table_code(x, 1, "source", PQgetvalue(res, 0, 1));
	xlsx_table_str(x, 2, PQgetvalue(res, 0, 2));
	xlsx_table_time(x, 3, atof(PQgetvalue(res, 0, 3)));
	for (int c = 0; c < 5; c++) {
		v[c] = atoll(PQgetvalue(res, 0, 4 + c));
		xlsx_table_count(x, 4 + c, v[c]);
	}
	t->files++;
	t->read += v[0];
	t->accepted += v[1];
	t->rejected += v[2];
	t->duplicates += v[3];
	t->held += v[4];
	return 0;
}

static int fill_reject(struct xlsx_table *x, PGresult *res, void *ctx, struct sbyt_err *e)
{
	xlsx_table_str(x, 0, PQgetvalue(res, 0, 0));
	xlsx_table_int(x, 1, atoll(PQgetvalue(res, 0, 1)));
	xlsx_table_str(x, 2, PQgetvalue(res, 0, 2));
	xlsx_table_code(x, 3, "reject", PQgetvalue(res, 0, 3));
	xlsx_table_str(x, 4, PQgetvalue(res, 0, 5));
	xlsx_table_str(x, 5, PQgetvalue(res, 0, 4));
	((struct rejects_totals *)ctx)->rows++;
	return 0;
}

int report_rejects(PGconn *db, const struct names *names, sdate from, sdate to,
		   const char *path, struct rejects_totals *t, struct sbyt_err *e)
{
	static const char *const fhead[] = {
		"Файл", "Канал", "SHA-256", "Принят", "Строк", "Принято", "Отклонено",
		"Повторы", "На проверке",
	};
	static const double fwidth[] = { 20, 16, 20, 18, 8, 8, 10, 8, 10 };
	static const char *const rhead[] = {
		"Файл", "Строка", "Лицевой счёт", "Причина", "Что отклонено",
		"Сообщение программы",
	};
	static const double rwidth[] = { 20, 8, 14, 30, 16, 40 };
	char f[DATE_BUF], tt[DATE_BUF];
	const char *p[2] = { date_format(from, f), date_format(to, tt) };
	struct xlsx_table x;

	memset(t, 0, sizeof(*t));
	if (xlsx_table_open(&x, path, "Файлы", fhead, fwidth, 9, e))
		return -1;
	x.names = names;
	xlsx_table_caption(&x, "Принятые файлы", to);
	if (xlsx_table_query(&x, db,
		"SELECT f.name, f.channel, f.sha256,"
		" extract(epoch FROM f.ingested_at AT TIME ZONE current_setting('TimeZone')),"
		" f.read, f.accepted, f.rejected, f.duplicates, f.held"
		" FROM ingest_file f WHERE" INGESTED_IN_RANGE " ORDER BY f.file_id", 2, p,
		fill_file, t, e))
		goto fail;
	if (xlsx_table_next(&x, "Отклонённые строки", rhead, rwidth, 6, e))
		goto fail;
	xlsx_table_caption(&x, "Отклонённые строки", to);
	if (xlsx_table_query(&x, db,
		"SELECT f.name, r.line, r.account_id::text, r.code, r.reason,"
		" CASE r.what WHEN 'line' THEN 'строка' ELSE 'показания строки' END"
		" FROM ingest_reject r JOIN ingest_file f USING (file_id) WHERE" INGESTED_IN_RANGE
		" ORDER BY f.file_id, r.line, r.what", 2, p, fill_reject, t, e))
		goto fail;
	return xlsx_table_close(&x, e);
fail:
	xlsx_table_close(&x, NULL);
	return -1;
}
