/* xlsx.c - printable streamed XLSX tables with sheet roll-over; see xlsx.h. */
#include "xlsx.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "zipdeflate.h"

/* libxlsxwriter deflates the parts of a workbook with zlib at its default
 * level (6) and has no option for it; for the registers of a million rows
 * that costs more than writing them.  Its zip writer is minizip's shared
 * library, so the three definitions below take the place of minizip's
 * entries: a deflated part is opened raw, and the bytes written into it
 * are deflated by ISA-L at its level 1 (as the packages' entries,
 * zipdeflate.h: several times faster than zlib at 6, four than zlib at 1)
 * and handed on deflated; closing it gives minizip the CRC-32 and size of
 * the bytes written.  The same workbook once inflated, a little larger
 * than at 6.  A part being deflated so is the thread's (one at a time per
 * thread: a workbook is written by one thread).  The prototypes are
 * minizip's (zip.h, unchanged since 1.1), with its typedefs spelt out. */
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi,
			    const void *extrafield_local, unsigned size_extrafield_local,
			    const void *extrafield_global, unsigned size_extrafield_global,
			    const char *comment, int method, int level, int raw, int windowBits,
			    int memLevel, int strategy, const char *password,
			    unsigned long crcForCrypting, unsigned long versionMadeBy,
			    unsigned long flagBase, int zip64);
int zipWriteInFileInZip(void *file, const void *buf, unsigned len);
int zipCloseFileInZip(void *file);

#define ZIP_INTERNALERROR (-104)

static _Thread_local struct zpart {
	void *file;              /* the part being deflated here, or NULL */
	int rc;                  /* minizip's error from the last write */
	struct zipdeflate_stream zs;
} *zpart;

static void *real_fn(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* Hand n deflated bytes to minizip's own write. */
static int zpart_out(void *arg, const unsigned char *bytes, size_t n)
{
	typedef int (*write_fn)(void *, const void *, unsigned);
	struct zpart *z = arg;
	void *sym = real_fn("zipWriteInFileInZip");
	write_fn real;

	if (!sym) {
		z->rc = ZIP_INTERNALERROR;
		return -1;
	}
	memcpy(&real, &sym, sizeof(real));
	z->rc = real(z->file, bytes, (unsigned)n);
	return z->rc ? -1 : 0;
}

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
	void *sym = real_fn("zipOpenNewFileInZip4_64");
	int ours = method == 8 /* Z_DEFLATED */ && level != 0 && !raw && !password, rc;

	if (!sym)
		return ZIP_INTERNALERROR;
	memcpy(&real, &sym, sizeof(real));
	if (ours && !zpart && !(zpart = malloc(sizeof(*zpart))))
		return ZIP_INTERNALERROR;
	rc = real(file, filename, zipfi, extrafield_local, size_extrafield_local,
		  extrafield_global, size_extrafield_global, comment, method, ours ? 1 : level,
		  ours ? 1 : raw, windowBits, memLevel, strategy, password, crcForCrypting,
		  versionMadeBy, flagBase, zip64);
	if (ours && rc == 0) {
		zpart->file = file;
		zpart->rc = 0;
		zipdeflate_stream_init(&zpart->zs, zpart_out, zpart);
	}
	return rc;
}

/* Deflate len bytes of buf (end: and finish the stream) into the part. */
static int zpart_put(const void *buf, unsigned len, int end)
{
	if (zipdeflate_stream_put(&zpart->zs, buf, len, end))
		return zpart->rc ? zpart->rc : ZIP_INTERNALERROR;
	return 0;
}

int zipWriteInFileInZip(void *file, const void *buf, unsigned len)
{
	typedef int (*write_fn)(void *, const void *, unsigned);
	write_fn real;
	void *sym;

	if (zpart && zpart->file == file)
		return zpart_put(buf, len, 0);
	if (!(sym = real_fn("zipWriteInFileInZip")))
		return ZIP_INTERNALERROR;
	memcpy(&real, &sym, sizeof(real));
	return real(file, buf, len);
}

int zipCloseFileInZip(void *file)
{
	typedef int (*close_fn)(void *);
	typedef int (*close_raw_fn)(void *, unsigned long long, unsigned long);
	void *sym;

	if (zpart && zpart->file == file) {
		close_raw_fn real;
		int rc = zpart_put("", 0, 1);
		unsigned long long size = (unsigned long long)zpart->zs.size;
		unsigned long crc = zpart->zs.crc;

		free(zpart);  /* one part at a time: the next gets a fresh one */
		zpart = NULL;
		if (!(sym = real_fn("zipCloseFileInZipRaw64")))
			return ZIP_INTERNALERROR;
		memcpy(&real, &sym, sizeof(real));
		return rc ? rc : real(file, size, crc);
	} else {
		close_fn real;
		if (!(sym = real_fn("zipCloseFileInZip")))
			return ZIP_INTERNALERROR;
		memcpy(&real, &sym, sizeof(real));
		return real(file);
	}
}


#define MONEY_FORMAT "#,##0.00"
#define DATE_FORMAT "dd.mm.yyyy"
#define TIME_FORMAT "dd.mm.yyyy hh:mm:ss"
#define PCT_FORMAT "0.0%"
#define WIDEST 60.0        /* a column never gets wider than this */
#define PORTRAIT_WIDTH 100 /* columns wider in all than this print landscape */

int xlsx_chars(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

char *xlsx_cut(char *out, size_t size, const char *s, int chars)
{
	size_t i = 0;
	int n = 0;

	if (!size)
		return out;
	for (; s && s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			size_t len = 1;

			/* the bytes of this character */
			while (s[i + len] && ((unsigned char)s[i + len] & 0xC0) == 0x80)
				len++;
			if (n == chars || i + len >= size)
				break;
			n++;
		}
	}
	memcpy(out, s ? s : "", i);
	out[i] = '\0';
	return out;
}

/* A sheet name Excel takes: at most 31 characters, none of []:*?/\ and no
 * apostrophe at either end. */
static void sheet_name(char *out, size_t size, const char *title, int sheet)
{
	char suffix[16] = "", base[XLSX_SHEET_CHARS * 4 + 1];
	int room;

	if (sheet > 1)
		snprintf(suffix, sizeof(suffix), " (%d)", sheet);
	room = XLSX_SHEET_CHARS - (int)strlen(suffix);
	xlsx_cut(base, sizeof(base), title, room);
	for (char *p = base; *p; p++)
		if (strchr("[]:*?/\\", *p))
			*p = '_';
	if (base[0] == '\'')
		base[0] = '_';
	if (base[0] && base[strlen(base) - 1] == '\'')
		base[strlen(base) - 1] = '_';
	snprintf(out, size, "%s%s", base, suffix);
}

/* The page header: the caption on the left, the as-of date on the right,
 * '&' doubled as Excel's header codes want; at most 255 bytes. */
static void page_header(char *out, size_t size, const char *caption, const char *as_of)
{
	char cut[200];
	size_t o = 0;

	xlsx_cut(cut, sizeof(cut), caption, 80);
	o += (size_t)snprintf(out + o, size - o, "&L&\"-,Bold\"");
	for (const char *p = cut; *p && o + 3 < size; p++) {
		if (*p == '&')
			out[o++] = '&';
		out[o++] = *p;
	}
	out[o] = '\0';
	if (as_of && as_of[0])
		snprintf(out + o, size - o, "&R&\"-,Regular\"по состоянию на %s", as_of);
}

static void print_setup(lxw_worksheet *ws, const char *caption, const char *as_of,
			int landscape, uint32_t last_row, int last_col)
{
	char head[256];
	lxw_header_footer_options hf = { .margin = 0.3 };

	page_header(head, sizeof(head), caption, as_of);
	worksheet_set_paper(ws, 9);  /* A4 */
	if (landscape)
		worksheet_set_landscape(ws);
	else
		worksheet_set_portrait(ws);
	worksheet_set_margins(ws, 0.5, 0.5, 0.75, 0.75);
	worksheet_set_header_opt(ws, head, &hf);
	worksheet_set_footer_opt(ws, "&CСтраница &P из &N", &hf);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_print_area(ws, 0, 0, last_row, (lxw_col_t)(last_col < 0 ? 0 : last_col));
}

static void dmy(sdate d, char *out, size_t size)
{
	int y, m, dd;

	out[0] = '\0';
	if (d < 0)
		return;
	date_to_ymd(d, &y, &m, &dd);
	snprintf(out, size, "%02d.%02d.%04d", dd, m, y);
}

void xlsx_sheet_print(lxw_worksheet *ws, const char *caption, sdate as_of, int landscape,
		      uint32_t last_row, int last_col)
{
	char d[16];

	dmy(as_of, d, sizeof(d));
	print_setup(ws, caption, d, landscape, last_row, last_col);
}

/* Set the table's title and columns. */
static int set_columns(struct xlsx_table *t, const char *title, const char *const *headers,
		       const double *widths, int ncols, struct sbyt_err *e)
{
	if (ncols < 1 || ncols > XLSX_MAX_COLS)
		return err_set(e, ERR_INTERNAL, "bad column count %d", ncols);
	xlsx_cut(t->title, sizeof(t->title), title, XLSX_SHEET_CHARS);
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		t->headers[c] = headers[c];
		t->widths[c] = widths ? widths[c] : 8;
		t->sums[c] = 0;
		t->sum[c] = 0;
	}
	return 0;
}

/* The longest word of s, in characters: a header wraps between words. */
static int longest_word(const char *s)
{
	int best = 0, n = 0;

	for (; s && *s; s++) {
		if (*s == ' ') {
			n = 0;
			continue;
		}
		if (((unsigned char)*s & 0xC0) != 0x80 && ++n > best)
			best = n;
	}
	return best;
}

/* Characters of v written in full: its digits and sign. */
static int digits(int64_t v)
{
	int n = v < 0 ? 2 : 1;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	while (u >= 10) {
		u /= 10;
		n++;
	}
	return n;
}

/* Characters of a money amount shown # ##0.00: digits, a separator per
 * three of them, the point and two decimals. */
static int money_chars(money m)
{
	int d = digits(m / 100);

	return d + (d - 1) / 3 + 3;
}

static void fit(struct xlsx_table *t, int col, double chars)
{
	if (col >= 0 && col < t->ncols && chars > t->fit[col])
		t->fit[col] = chars;
}

/* Finish the current sheet: the totals row (on the table's last sheet),
 * widths from content, autofilter, print setup. */
static int new_sheet(struct xlsx_table *t, struct sbyt_err *e);

/* Widths from content, autofilter and print setup of the current sheet. */
static void lay_out(struct xlsx_table *t)
{
	double total_width = 0;

	for (int c = 0; c < t->ncols; c++) {
		double w = t->fit[c] + 2;

		if (w < longest_word(t->headers[c]) + 2)
			w = longest_word(t->headers[c]) + 2;
		if (w < t->widths[c])
			w = t->widths[c];
		if (w > WIDEST)
			w = WIDEST;
		worksheet_set_column(t->ws, (lxw_col_t)c, (lxw_col_t)c, w,
				     w >= WIDEST ? t->wrap : NULL);
		total_width += w;
	}
	worksheet_autofilter(t->ws, 0, 0, t->row, (lxw_col_t)(t->ncols - 1));
	worksheet_repeat_rows(t->ws, 0, 0);
	print_setup(t->ws, t->caption[0] ? t->caption : t->title, t->as_of,
		    total_width > PORTRAIT_WIDTH, t->row, t->ncols - 1);
}

/* The totals row «Итого» under the columns that add up, on the table's
 * last sheet (a sheet of its own when that one is full). */
static void totals(struct xlsx_table *t)
{
	int any = 0, label = 0;

	for (int c = 0; c < t->ncols; c++)
		any |= t->sums[c] != 0;
	if (!any || t->no_totals || t->rows == 0)
		return;
	if (t->row + 1 >= t->max_rows) {
		lay_out(t);
		if (new_sheet(t, NULL))
			return;
	}
	t->row++;
	while (label < t->ncols - 1 && t->sums[label])
		label++;
	worksheet_write_string(t->ws, t->row, (lxw_col_t)label, "Итого", t->total);
	fit(t, label, 6);
	for (int c = 0; c < t->ncols; c++) {
		if (t->sums[c] == 1) {
			worksheet_write_number(t->ws, t->row, (lxw_col_t)c,
					       (double)t->sum[c] / 100.0, t->total_money);
			fit(t, c, money_chars(t->sum[c]) + 1);
		} else if (t->sums[c] == 2) {
			worksheet_write_number(t->ws, t->row, (lxw_col_t)c, (double)t->sum[c],
					       t->total);
			fit(t, c, digits(t->sum[c]) + 1);
		}
	}
}

/* Finish the current sheet; last: it is the table's last (totals). */
static void finish_sheet(struct xlsx_table *t, int last)
{
	if (!t->ws)
		return;
	if (last)
		totals(t);
	lay_out(t);
}

static int new_sheet(struct xlsx_table *t, struct sbyt_err *e)
{
	char name[XLSX_SHEET_CHARS * 4 + 16];
	int lines = 1;

	t->sheets++;
	sheet_name(name, sizeof(name), t->title, t->sheets);
	t->ws = workbook_add_worksheet(t->wb, name);
	if (!t->ws)
		return e ? err_set(e, ERR_CANTCREATE, "cannot add sheet %d to '%s'", t->sheets,
				   t->path) : -1;
	/* The header row is written now (constant memory: a row is final once
	 * the next begins), tall enough for the longest header wrapped in the
	 * least width its column will get. */
	for (int c = 0; c < t->ncols; c++) {
		double w = t->widths[c] > longest_word(t->headers[c]) + 2 ?
			   t->widths[c] : longest_word(t->headers[c]) + 2;
		int n = (int)(xlsx_chars(t->headers[c]) / (w - 1)) + 1;

		if (n > lines)
			lines = n;
	}
	worksheet_set_row(t->ws, 0, 15.0 * (lines > 4 ? 4 : lines), NULL);
	for (int c = 0; c < t->ncols; c++) {
		worksheet_write_string(t->ws, 0, (lxw_col_t)c, t->headers[c], t->bold);
		t->fit[c] = 0;
	}
	worksheet_freeze_panes(t->ws, 1, 0);
	t->row = 0;
	return 0;
}

static lxw_format *num_format(lxw_workbook *wb, const char *fmt, int bold)
{
	lxw_format *f = workbook_add_format(wb);

	if (fmt)
		format_set_num_format(f, fmt);
	if (bold)
		format_set_bold(f);
	return f;
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
	t->bold = num_format(t->wb, NULL, 1);
	format_set_text_wrap(t->bold);
	format_set_align(t->bold, LXW_ALIGN_VERTICAL_TOP);
	t->money = num_format(t->wb, MONEY_FORMAT, 0);
	t->date = num_format(t->wb, DATE_FORMAT, 0);
	t->time = num_format(t->wb, TIME_FORMAT, 0);
	t->pct = num_format(t->wb, PCT_FORMAT, 0);
	t->wrap = workbook_add_format(t->wb);
	format_set_text_wrap(t->wrap);
	format_set_align(t->wrap, LXW_ALIGN_VERTICAL_TOP);
	t->total = num_format(t->wb, NULL, 1);
	format_set_top(t->total, LXW_BORDER_THIN);
	t->total_money = num_format(t->wb, MONEY_FORMAT, 1);
	format_set_top(t->total_money, LXW_BORDER_THIN);
	return new_sheet(t, e);
}

void xlsx_table_caption(struct xlsx_table *t, const char *caption, sdate as_of)
{
	xlsx_cut(t->caption, sizeof(t->caption), caption ? caption : "", 120);
	dmy(as_of, t->as_of, sizeof(t->as_of));
}

int xlsx_table_next(struct xlsx_table *t, const char *title, const char *const *headers,
		    const double *widths, int ncols, struct sbyt_err *e)
{
	finish_sheet(t, 1);
	if (set_columns(t, title, headers, widths, ncols, e))
		return -1;
	t->sheets = 0;
	t->rows = 0;
	return new_sheet(t, e);
}

int xlsx_table_row(struct xlsx_table *t, struct sbyt_err *e)
{
	if (t->row + 1 >= t->max_rows) {
		finish_sheet(t, 0);
		if (new_sheet(t, e))
			return -1;
	}
	t->row++;
	t->rows++;
	return 0;
}

void xlsx_table_str(struct xlsx_table *t, int col, const char *s)
{
	if (s && *s) {
		worksheet_write_string(t->ws, t->row, (lxw_col_t)col, s, NULL);
		fit(t, col, xlsx_chars(s));
	}
}

void xlsx_table_code(struct xlsx_table *t, int col, const char *domain, const char *code)
{
	xlsx_table_str(t, col, names_ru(t->names, domain, code));
}

void xlsx_table_int(struct xlsx_table *t, int col, int64_t v)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)v, NULL);
	fit(t, col, digits(v));
}

void xlsx_table_count(struct xlsx_table *t, int col, int64_t v)
{
	xlsx_table_int(t, col, v);
	if (col >= 0 && col < t->ncols) {
		t->sums[col] = 2;
		t->sum[col] += v;
	}
}

void xlsx_table_money(struct xlsx_table *t, int col, money m)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)m / 100.0, t->money);
	fit(t, col, money_chars(m));
	if (col >= 0 && col < t->ncols) {
		t->sums[col] = 1;
		t->sum[col] += m;
	}
}

void xlsx_table_num(struct xlsx_table *t, int col, double v)
{
	char buf[32];

	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, v, NULL);
	fit(t, col, snprintf(buf, sizeof(buf), "%g", v));
}

void xlsx_table_date(struct xlsx_table *t, int col, sdate d)
{
	/* Excel's serial day 25569 is 1970-01-01. */
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, (double)d + 25569.0, t->date);
	fit(t, col, 10);
}

void xlsx_table_date_text(struct xlsx_table *t, int col, const char *iso)
{
	sdate d;

	if (iso && iso[0] && date_parse(iso, -1, &d) == 0)
		xlsx_table_date(t, col, d);
}

void xlsx_table_time(struct xlsx_table *t, int col, double local_seconds)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, local_seconds / 86400.0 + 25569.0,
			       t->time);
	fit(t, col, 19);
}

void xlsx_table_pct(struct xlsx_table *t, int col, double share)
{
	worksheet_write_number(t->ws, t->row, (lxw_col_t)col, share, t->pct);
	fit(t, col, 7);
}

int xlsx_table_query(struct xlsx_table *t, PGconn *db, const char *sql, int nparams,
		     const char *const *params, xlsx_fill_fn fill, void *ctx,
		     struct sbyt_err *e)
{
	PGresult *res;
	int failed;

	if (db_stream_begin(db, e, sql, nparams, params))
		return -1;
	while ((res = db_stream_next(db, &failed, e)) != NULL) {
		if (xlsx_table_row(t, e) || fill(t, res, ctx, e)) {
			PQclear(res);
			db_stream_cancel(db);
			return -1;
		}
		PQclear(res);
	}
	return failed ? -1 : 0;
}

int xlsx_table_close(struct xlsx_table *t, struct sbyt_err *e)
{
	lxw_error rc;

	if (!t->wb)
		return 0;
	finish_sheet(t, 1);
	rc = workbook_close(t->wb);
	t->wb = NULL;
	if (rc != LXW_NO_ERROR)
		return err_set(e, ERR_IO, "cannot write '%s': %s", t->path, lxw_strerror(rc));
	chmod(t->path, 0640);
	return 0;
}
