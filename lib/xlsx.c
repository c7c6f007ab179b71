/* xlsx.c - streamed XLSX tables with sheet roll-over; see xlsx.h. */
#include "xlsx.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* libxlsxwriter deflates the parts of a workbook at zlib's default level
 * (6) and has no option for it; for the registers of a million rows that
 * costs more than writing them.  Its zip writer is minizip's shared
 * library, so this definition takes the place of minizip's entry and
 * passes the call on with level 1: several times faster, the same
 * workbook once inflated, a little larger.  The prototype is minizip's
 * (zip.h, unchanged since 1.1), with its typedefs spelt out. */
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
			    const void *extrafield_local, unsigned size_extrafield_local,
			    const void *extrafield_global, unsigned size_extrafield_global,
			    const char *comment, int method, int level, int raw, int windowBits,
			    int memLevel, int strategy, const char *password,
			    unsigned long crcForCrypting, unsigned long versionMadeBy,
			    unsigned long flagBase, int zip64);
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
			    const void *extrafield_local, unsigned size_extrafield_local,
			    const void *extrafield_global, unsigned size_extrafield_global,
			    const char *comment, int method, int level, int raw, int windowBits,
			    int memLevel, int strategy, const char *password,
			    unsigned long crcForCrypting, unsigned long versionMadeBy,
			    unsigned long flagBase, int zip64)
{
	typedef int (*open_fn)(void *, const char *, const void *, const void *, unsigned,
			       const void *, unsigned, const char *, int, int, int, int, int, int,
			       const char *, unsigned long, unsigned long, unsigned long, int);
	open_fn real;
	void *sym = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");

	if (!sym)
		return -104;  /* ZIP_INTERNALERROR */
	memcpy(&real, &sym, sizeof(real));
	if (level != 0)
		level = 1;
	return real(file, filename, zipfi, extrafield_local, size_extrafield_local,
		    extrafield_global, size_extrafield_global, comment, method, level, raw,
		    windowBits, memLevel, strategy, password, crcForCrypting, versionMadeBy,
		    flagBase, zip64);
}

/* Set the table's title and columns. */
static int set_columns(struct xlsx_table *t, const char *title, const char *const *headers,
		       const double *widths, int ncols, struct sbyt_err *e)
{
	if (ncols < 1 || ncols > XLSX_MAX_COLS)
		return err_set(e, ERR_INTERNAL, "bad column count %d", ncols);
	snprintf(t->title, sizeof(t->title), "%s", title);
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		t->headers[c] = headers[c];
		t->widths[c] = widths ? widths[c] : 16;
	}
	return 0;
}

static int new_sheet(struct xlsx_table *t, struct sbyt_err *e)
{
	char name[48];

	t->sheets++;
	if (t->sheets == 1)
		snprintf(name, sizeof(name), "%s", t->title);
	else
		snprintf(name, sizeof(name), "%s (%d)", t->title, t->sheets);
	t->ws = workbook_add_worksheet(t->wb, name);
	if (!t->ws)
		return err_set(e, ERR_CANTCREATE, "cannot add sheet %d to '%s'", t->sheets, t->path);
	for (int c = 0; c < t->ncols; c++) {
		worksheet_set_column(t->ws, (lxw_col_t)c, (lxw_col_t)c, t->widths[c], NULL);
		worksheet_write_string(t->ws, 0, (lxw_col_t)c, t->headers[c], t->bold);
	}
	worksheet_freeze_panes(t->ws, 1, 0);
	t->row = 0;
	return 0;
}

int xlsx_table_open(struct xlsx_table *t, const char *path, const char *title,
		    const char *const *headers, const double *widths, int ncols,
		    struct sbyt_err *e)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };

	memset(t, 0, sizeof(*t));
	if (set_columns(t, title, headers, widths, ncols, e))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->max_rows = XLSX_MAX_ROWS;
	t->wb = workbook_new_opt(path, &opt);
	if (!t->wb)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s'", path);
	t->bold = workbook_add_format(t->wb);
	format_set_bold(t->bold);
	format_set_text_wrap(t->bold);
	t->money = workbook_add_format(t->wb);
	format_set_num_format(t->money, "0.00");
	t->date = workbook_add_format(t->wb);
	format_set_num_format(t->date, "dd.mm.yyyy");
	return new_sheet(t, e);
}

int xlsx_table_next(struct xlsx_table *t, const char *title, const char *const *headers,
		    const double *widths, int ncols, struct sbyt_err *e)
{
	if (set_columns(t, title, headers, widths, ncols, e))
		return -1;
	t->sheets = 0;
	return new_sheet(t, e);
}

int xlsx_table_row(struct xlsx_table *t, struct sbyt_err *e)
{
	if (t->row + 1 >= t->max_rows && new_sheet(t, e))
		return -1;
	t->row++;
	t->rows++;
	return 0;
}

void xlsx_table_str(struct xlsx_table *t, int col, const char *s)
{
	if (s && *s)
		worksheet_write_string(t->ws, t->row, (lxw_col_t)col, s, NULL);
}

void xlsx_table_int(struct xlsx_table *t, int col, int64_t v)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)v, NULL);
}

void xlsx_table_money(struct xlsx_table *t, int col, money m)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)m / 100.0, t->money);
}

void xlsx_table_date(struct xlsx_table *t, int col, sdate d)
{
	/* Excel's serial day 25569 is 1970-01-01. */
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)d + 25569.0, t->date);
}

int xlsx_table_close(struct xlsx_table *t, struct sbyt_err *e)
{
	lxw_error rc;

	if (!t->wb)
		return 0;
	rc = workbook_close(t->wb);
	t->wb = NULL;
	if (rc != LXW_NO_ERROR)
		return err_set(e, ERR_IO, "cannot write '%s': %s", t->path, lxw_strerror(rc));
	chmod(t->path, 0640);
	return 0;
}
