/*
 * xlsx.h - workbooks an auditor can print (SPEC 11.1): streamed list
 * sheets and the formats every report and register shares.
 *
 * A table is one header row in bold, then data rows written in order with
 * libxlsxwriter's constant-memory mode, so memory does not grow with the
 * number of rows.  When a sheet reaches Excel's limit of 1,048,576 rows the
 * table goes on in a new sheet "TITLE (2)", "TITLE (3)"... with the header
 * repeated.  Each list sheet gets, when it is finished: a frozen header row,
 * an autofilter over its rows, column widths from its content (at least the
 * width asked for the header), a totals row «Итого» under the columns that
 * add up (written with xlsx_table_money() or xlsx_table_count()), and a
 * page setup for print: A4, landscape when the columns are wide, fitted to
 * one page wide, the header row repeated on every page, the title and the
 * as-of date in the page header, page numbers in the footer, the print
 * area over the table.  Money is a number of roubles shown `# ##0.00`,
 * dates are Excel dates shown DD.MM.YYYY, times DD.MM.YYYY HH:MM:SS,
 * percentages numbers shown 0.0 %.  Sheet names and titles are cut by
 * characters, never inside a UTF-8 sequence.  Codes (kinds, statuses,
 * steps, channels...) are written as their Russian names from
 * rules/names.xml (names.h).  Further sheets (charts, summaries) can be
 * added on t->wb before xlsx_table_close(); xlsx_sheet_print() gives them
 * the same page setup.
 */
#ifndef SBYT_XLSX_H
#define SBYT_XLSX_H

#include <libpq-fe.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "names.h"

#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_COLS 32
#define XLSX_SHEET_CHARS 31   /* Excel's limit on a sheet name, in characters */

struct xlsx_table {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *money, *date, *time, *pct, *wrap, *total, *total_money;
	const struct names *names;  /* Russian names of codes (may be NULL) */
	char path[4096];
	char title[XLSX_SHEET_CHARS * 4 + 1];
	char caption[512];   /* the page header's title (default: the sheet's) */
	char as_of[16];      /* DD.MM.YYYY in the page header, "" for none */
	const char *headers[XLSX_MAX_COLS];
	double widths[XLSX_MAX_COLS];
	double fit[XLSX_MAX_COLS];  /* widest content of the sheet, in characters */
	int sums[XLSX_MAX_COLS];    /* 1: money, 2: count: the column adds up */
	int64_t sum[XLSX_MAX_COLS]; /* kopecks or counts over the whole table */
	int ncols;
	int sheets;
	int no_totals;       /* set after open: no «Итого» row for this table */
	uint32_t row;        /* the current row in the current sheet (0 = header) */
	uint32_t max_rows;   /* rows per sheet, header included (tests lower it) */
	int64_t rows;        /* data rows written in all */
};

/* Create the workbook at path with the first sheet named title (cut to 31
 * characters, Russian allowed) and the header row.  headers and widths
 * (NULL for defaults; a width is the least the column gets) have ncols
 * entries; headers must outlive the table.  Returns 0 or -1 with e set
 * (ERR_CANTCREATE). */
int xlsx_table_open(struct xlsx_table *t, const char *path, const char *title,
		    const char *const *headers, const double *widths, int ncols,
		    struct sbyt_err *e);
/* The page header of every sheet from now on: caption (NULL: the sheet's
 * name) and the as-of date (< 0: none). */
void xlsx_table_caption(struct xlsx_table *t, const char *caption, sdate as_of);
/* Start another table in a new sheet of the same workbook (the previous
 * sheet is finished, with its totals); same rules as xlsx_table_open.
 * 0 or -1 with e set. */
int xlsx_table_next(struct xlsx_table *t, const char *title, const char *const *headers,
		    const double *widths, int ncols, struct sbyt_err *e);
/* Start the next data row, opening a new sheet when this one is full. */
int xlsx_table_row(struct xlsx_table *t, struct sbyt_err *e);
void xlsx_table_str(struct xlsx_table *t, int col, const char *s);
/* A code of the domain (names.h) as its Russian name. */
void xlsx_table_code(struct xlsx_table *t, int col, const char *domain, const char *code);
/* A number that does not add up (an id, a line number, a case number). */
void xlsx_table_int(struct xlsx_table *t, int col, int64_t v);
/* A number that adds up into the totals row (a count of lines, accounts). */
void xlsx_table_count(struct xlsx_table *t, int col, int64_t v);
void xlsx_table_money(struct xlsx_table *t, int col, money m);
/* A number with digits after the point (kWh, kW, a rate) shown as given. */
void xlsx_table_num(struct xlsx_table *t, int col, double v);
void xlsx_table_date(struct xlsx_table *t, int col, sdate d);
/* An ISO date 'YYYY-MM-DD' as a date; empty or invalid text: the cell
 * stays empty. */
void xlsx_table_date_text(struct xlsx_table *t, int col, const char *iso);
/* A moment given as seconds since 1970-01-01 in the supplier's local time
 * (the caller converts), shown DD.MM.YYYY HH:MM:SS. */
void xlsx_table_time(struct xlsx_table *t, int col, double local_seconds);
/* A share (0.833 for 83.3 %) shown as a percentage. */
void xlsx_table_pct(struct xlsx_table *t, int col, double share);

/* Fill a table from a query: one row a result row, fill() writes its
 * cells (0, or -1 with e set).  The query runs with db_stream_begin (single
 * rows, bounded memory).  Returns 0, or -1 with e set. */
typedef int (*xlsx_fill_fn)(struct xlsx_table *t, PGresult *row, void *ctx,
			    struct sbyt_err *e);
int xlsx_table_query(struct xlsx_table *t, PGconn *db, const char *sql, int nparams,
		     const char *const *params, xlsx_fill_fn fill, void *ctx,
		     struct sbyt_err *e);

/* Write the file and free everything; 0 or -1 with e set (ERR_IO). */
int xlsx_table_close(struct xlsx_table *t, struct sbyt_err *e);

/* Page setup of a sheet made by hand (a summary, a form): A4, landscape
 * when landscape, fitted to one page wide, the page header with caption
 * and as_of (< 0: none), page numbers, the print area (rows 0..last_row,
 * columns 0..last_col). */
void xlsx_sheet_print(lxw_worksheet *ws, const char *caption, sdate as_of, int landscape,
		      uint32_t last_row, int last_col);
/* Copy s into out (size bytes) cut to at most chars characters, never
 * inside a UTF-8 sequence.  Returns out. */
char *xlsx_cut(char *out, size_t size, const char *s, int chars);
/* Characters (not bytes) of the UTF-8 string s. */
int xlsx_chars(const char *s);

#endif
