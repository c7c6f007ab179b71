/*
 * xlsx.h - a streamed table in an XLSX workbook (registers and reports).
 *
 * One header row in bold, then data rows written in order with
 * libxlsxwriter's constant-memory mode, so memory does not grow with the
 * number of rows.  When a sheet reaches Excel's limit of 1,048,576 rows the
 * table goes on in a new sheet "TITLE (2)", "TITLE (3)"... with the header
 * repeated.  Money is written as a number of roubles with format 0.00,
 * dates as Excel dates shown DD.MM.YYYY.  Further sheets (charts, summaries)
 * can be added on t->wb before xlsx_table_close().
 */
#ifndef SBYT_XLSX_H
#define SBYT_XLSX_H

#include <stdint.h>
#include <xlsxwriter.h>

#include "date.h"
#include "error.h"
#include "money.h"

#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_COLS 32

struct xlsx_table {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date, *wrap;
	char path[4096];
	char title[32];
	const char *headers[XLSX_MAX_COLS];
	double widths[XLSX_MAX_COLS];
	int ncols;
	int sheets;
	uint32_t row;       /* the current row in the current sheet (0 = header) */
	uint32_t max_rows;  /* rows per sheet, header included (tests lower it) */
	int64_t rows;       /* data rows written in all */
};

/* Create the workbook at path with the first sheet named title (at most 31
 * bytes, Russian allowed) and the header row.  headers and widths (NULL for
 * defaults) have ncols entries; headers must outlive the table.  Returns 0
 * or -1 with e set (ERR_CANTCREATE). */
int xlsx_table_open(struct xlsx_table *t, const char *path, const char *title,
		    const char *const *headers, const double *widths, int ncols,
		    struct sbyt_err *e);
/* Start another table in a new sheet of the same workbook (the previous
 * sheet is finished); same rules as xlsx_table_open.  0 or -1 with e set. */
int xlsx_table_next(struct xlsx_table *t, const char *title, const char *const *headers,
		    const double *widths, int ncols, struct sbyt_err *e);
/* Start the next data row, opening a new sheet when this one is full. */
int xlsx_table_row(struct xlsx_table *t, struct sbyt_err *e);
void xlsx_table_str(struct xlsx_table *t, int col, const char *s);
void xlsx_table_int(struct xlsx_table *t, int col, int64_t v);
void xlsx_table_money(struct xlsx_table *t, int col, money m);
void xlsx_table_date(struct xlsx_table *t, int col, sdate d);
/* Write the file and free everything; 0 or -1 with e set (ERR_IO). */
int xlsx_table_close(struct xlsx_table *t, struct sbyt_err *e);

#endif
