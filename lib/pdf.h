/*
 * pdf.h - what every PDF a person reads shares (SPEC 8.1): an A4 page with
 * 12 mm margins, the fonts (PT Sans from fonts-paratype, else whatever
 * fontconfig gives for "PT Sans,DejaVu Sans,sans"; Cairo embeds their
 * subsets and keeps the text extractable), text blocks laid out by Pango
 * and cached per renderer, table rows, page breaks with a footer drawn by
 * the document's writer, the file written 0640 with the document's own
 * date as its creation date (a reprint is the same bytes), and pages
 * recorded on one thread to be put into a file by another.
 *
 * The writers (docs_pdf.c: payment documents; notice_pdf.c: limitation
 * notices and grid requests; invoice_pdf.c: invoices for payment) embed a
 * struct pdf, set its footer callback and draw with these functions.  A
 * renderer is used by one thread at a time.  The fields below are read and
 * moved by the writers (y is the next free line); the rest is private.
 */
#ifndef SBYT_PDF_H
#define SBYT_PDF_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "date.h"
#include "error.h"
#include "money.h"
#include "sha256.h"

/* A4 in points, margins 12 mm */
#define PDF_PAGE_W 595.28
#define PDF_PAGE_H 841.89
#define PDF_MARGIN 34.0
#define PDF_LEFT PDF_MARGIN
#define PDF_RIGHT (PDF_PAGE_W - PDF_MARGIN)
#define PDF_WIDTH (PDF_RIGHT - PDF_LEFT)
#define PDF_BOTTOM (PDF_PAGE_H - PDF_MARGIN - 12.0)  /* above the footer */
#define PDF_PAD 3.0

enum pdf_style { PDF_SMALL, PDF_NORMAL, PDF_BOLD, PDF_HEAD, PDF_TITLE, PDF_BIG, PDF_BODY,
		 PDF_STYLES };
enum pdf_align { PDF_ALEFT, PDF_ARIGHT, PDF_ACENTER };

#define PDF_CACHE_SLOTS 1024
#define PDF_CACHE_WAYS 8              /* slots a text may take: a set */
#define PDF_STAMPS 8                  /* blocks the same on every page */
#define PDF_FAST_MAX 128              /* the longest text drawn without Pango */
#define PDF_BATCH 512                 /* glyphs shown as one run at most */

struct pdf {
	/* for the writers */
	cairo_t *cr;                 /* the page being drawn */
	PangoLayout *cur;            /* the layout pdf_lay() made ready */
	double y;                    /* the next free line on the page */
	int dry;                     /* measuring: nothing is drawn, no page breaks */
	int recording;               /* pages go to recording surfaces */
	int doc_page;                /* page number within the document */
	/* called by pdf_page_end() before a page is finished */
	void (*footer)(struct pdf *p, void *arg);
	void *footer_arg;
	/* private */
	PangoFontMap *fm;
	PangoContext *ctx;
	PangoFontDescription *fd[PDF_STYLES];
	struct pdf_cached {
		uint32_t hash;
		int style, width, align;
		char *text;
		PangoLayout *l;
		double h;
		unsigned hits;           /* found again: the page's fixed texts */
		uint64_t used;           /* when last asked for */
	} cache[PDF_CACHE_SLOTS];
	uint64_t clock;
	FILE *f;
	int own_f;                   /* pdf_begin()'s file, not pdf_begin_stream()'s */
	int hashing;                 /* the bytes written go through sha */
	struct sha256 sha;
	int64_t written;             /* bytes of the file so far */
	char path[4096];
	cairo_surface_t *surface;
	int pages, page_open, werr;
	int ctx_updated;             /* Pango told about the surface (pdf.c) */
	cairo_surface_t **rec;
	int nrec, rec_cap, rec_failed;
	/* stamps (pdf_stamp_begin()): recorded once, painted on every page */
	struct pdf_stamp {
		cairo_surface_t *rec;
		double h;
	} stamp[PDF_STAMPS];
	int stamping;                /* the stamp being recorded + 1, or 0 */
	cairo_t *stamp_cr;           /* the page's, while a stamp is recorded */
	double stamp_y;
	/* a short text laid out without Pango (pdf.c, "short texts"): p->cur is NULL */
	PangoFont *fast_font[PDF_STYLES];
	struct pdf_fast {
		int style, align, n, bytes;
		double box, width;         /* points (the widest line) */
		int nlines;                /* lines (wrapped at spaces, as Pango wraps) */
		unsigned char line[PDF_FAST_MAX + 1];  /* line i: characters [line[i], line[i + 1]) */
		unsigned char idx[PDF_FAST_MAX];
		int kern[PDF_FAST_MAX];
		char text[4 * PDF_FAST_MAX];
	} fast;
	/* fast texts drawn one after another in one colour and font, shown as
	 * one run (pdf.c, "batch"): a table row's cells are one Cairo
	 * operation, not one each */
	struct pdf_batch {
		cairo_scaled_font_t *sf;
		double r, g, b;
		int n, bytes;
		cairo_glyph_t glyph[PDF_BATCH];
		cairo_text_cluster_t cl[PDF_BATCH];
		char text[4 * PDF_BATCH];
	} batch;
	uint16_t *kern;              /* pairs with a letter met so far (pdf.c) */
	PangoLayout *kern_l;         /* laying such a pair out */
};

/* A writer's renderer: size bytes zeroed (the writer's struct, whose first
 * member is its struct pdf), set up (font map, styles), footer(p, the
 * renderer) drawn on every page.  NULL with e set (out of memory). */
void *pdf_new(size_t size, void (*footer)(struct pdf *p, void *arg), struct sbyt_err *e);
/* Hold, for the life of the process, the Cairo fonts the styles use (as
 * Pango makes them and as Cairo's font subsetter makes them), so that no
 * thread drops one while another takes it up (a race in Cairo 1.16; see
 * pdf.c).  Done once, by the first pdf_new(); returns how many are held. */
int pdf_fonts_pinned(void);
/* Release a renderer made by pdf_new() (its open file removed); NULL is
 * accepted. */
void pdf_free(struct pdf *p);

/* ---- drawing ---- */

/* Lay text out in style s, w points wide (0: one line), from the cache when
 * it was laid out before; ready for pdf_show().  Returns its height.  A
 * text of at most PDF_FAST_MAX characters made of digits, Cyrillic or
 * Latin letters (not both), spaces and common signs ("pdf.c", "short
 * texts") that fits on one line, or that wraps, left-aligned, only after
 * single spaces and hyphens between letters (only spaces, letters, digits
 * and ",.:;()«»\"-" in it, and every word fits), is laid out from the
 * font's own glyphs, advances and
 * kerning pairs, as Pango would, without Pango: then p->cur is NULL (draw
 * it with pdf_show()); otherwise p->cur is the Pango layout. */
double pdf_lay(struct pdf *p, enum pdf_style s, double w, enum pdf_align a, const char *text);
/* Show p->cur at (x, y) in style s's colour. */
void pdf_show(struct pdf *p, enum pdf_style s, double x, double y);
/* The same in colour r, g, b (0..1) instead of the style's: the text laid
 * out by the last pdf_lay(), whichever way it was laid out. */
void pdf_show_rgb(struct pdf *p, double r, double g, double b, double x, double y);
/* Draw text at (x, y) in a box w wide; returns its height. */
double pdf_text(struct pdf *p, enum pdf_style s, double x, double y, double w, enum pdf_align a,
		const char *str);
/* Show the texts drawn so far that wait to be shown as one run (see
 * pdf.c, "batch"): before drawing on p->cr with Cairo directly. */
void pdf_flush(struct pdf *p);
/* A grey line from x0 to x1 at y. */
void pdf_rule(struct pdf *p, double x0, double x1, double y, double width);
/* A grey box. */
void pdf_shade(struct pdf *p, double x, double y, double w, double h, double grey);
/* A box's outline in colour (r, g, b). */
void pdf_frame(struct pdf *p, double x, double y, double w, double h, double line, double r,
	       double g, double b);
/* One table row of cells at p->y (a new page first when it does not fit),
 * p->y moved below it; x[] are the ncol + 1 column edges, a[] each cell's
 * alignment, grey < 1 shades it.  Returns its height. */
double pdf_row(struct pdf *p, enum pdf_style s, const double *x, int ncol, const enum pdf_align *a,
	       const char *const *cell, double grey);
/* A heading at p->y, on a new page when fewer than 40 points are left. */
void pdf_heading(struct pdf *p, const char *s);
/* A text of several paragraphs (split at '\n') at p->y, width w from x,
 * each paragraph on the next page when it does not fit; p->y below it. */
void pdf_paragraphs(struct pdf *p, enum pdf_style s, double x, double w, const char *text,
		    double gap);
/* A block that is the same on every page of every document (the
 * supplier's requisites, the notes at the bottom), drawn once per renderer
 * into a recording surface and painted, whole, wherever it goes: the PDF
 * holds it once per file (a form XObject every page shows) instead of its
 * text on every page, and neither this thread nor the writer of a print
 * file draws its glyphs again.  Use:
 *     if (pdf_stamp_begin(p, KEY))
 *         ... draw it at p->y as usual (no page breaks while recorded) ...
 *     pdf_stamp_end(p);
 * pdf_stamp_begin() returns 1 when the block must be drawn (the first time;
 * it is recorded with p->y at 0), 0 when it is recorded already;
 * pdf_stamp_end() makes room for it (a new page when it does not fit),
 * paints it at p->y and moves p->y below it.  key < PDF_STAMPS; the block
 * must not depend on the document. */
int pdf_stamp_begin(struct pdf *p, int key);
void pdf_stamp_end(struct pdf *p);
/* Make room for h points: a new page when the block would not fit. */
void pdf_room(struct pdf *p, double h);
/* Open a page (p->y at the top margin, p->doc_page counted). */
void pdf_page_start(struct pdf *p);
/* Draw the footer and finish the page. */
void pdf_page_end(struct pdf *p);
/* The usual footer: a rule and text centred under it, small. */
void pdf_footer_line(struct pdf *p, const char *text);

/* The QR code of payload (libqrencode, level M, 8-bit) as one image mask
 * on white, side points wide with its quiet zone, at (x, y).  0, or -1
 * with e set. */
int pdf_qr(struct pdf *p, const char *payload, double x, double y, double side,
	   struct sbyt_err *e);

/* ---- numbers as a Russian reader writes them ---- */

/* kopecks -> "4 819,12" (no-break space between thousands), "−100,00". */
const char *pdf_rub(money m, char *buf, size_t size);
/* "05.12.2026" */
const char *pdf_ddmmyyyy(sdate d, char *buf, size_t size);

/* ---- the file ---- */

/* Start the file at path (created 0640, replaced if there); `date` becomes
 * the PDF's creation date (so a reprint is the same).  0, or -1 with e set
 * (ERR_CANTCREATE). */
int pdf_begin(struct pdf *p, const char *path, sdate date, struct sbyt_err *e);
/* Start a file written into the stream f where it stands (a spool of
 * several files, package_folder_part()): named name in messages, hashed as
 * it is written; pdf_end() leaves f open (its flush and close, and what to
 * do with a part written when pdf_end() failed, are the caller's; sync is
 * ignored).  0, or -1 with e set. */
int pdf_begin_stream(struct pdf *p, FILE *f, const char *name, sdate date, struct sbyt_err *e);
/* Bytes of the file written so far; after pdf_end() of a
 * pdf_begin_stream() file, sha256 (SHA256_HEX bytes, may be NULL) gets
 * their SHA-256 (once: the hash is finished). */
int64_t pdf_written(struct pdf *p, char *sha256);
/* 0 when the drawing so far succeeded, else -1 with e set (ERR_IO when
 * writing failed). */
int pdf_status(struct pdf *p, struct sbyt_err *e);
/* Pages written to the open file so far. */
int pdf_pages(const struct pdf *p);
/* Finish the file: written, flushed, and fsynced with sync.  0, or -1 with
 * e set (ERR_IO; the file is removed). */
int pdf_end(struct pdf *p, int sync, struct sbyt_err *e);
/* Drop the open file (removed), if any. */
void pdf_abort(struct pdf *p);

/* ---- pages drawn on one thread, put into a file on another ---- */

struct pdf_pages {
	cairo_surface_t **page;
	int n, cap;
};
/* Record what draw(p, arg, e) draws into out (emptied first by the
 * caller): each page a recording surface.  0, or -1 with e set. */
int pdf_record(struct pdf *p, int (*draw)(struct pdf *p, const void *arg, struct sbyt_err *e),
	       const void *arg, struct pdf_pages *out, struct sbyt_err *e);
/* Put recorded pages into p's open file as its next pages (and clear pp). */
int pdf_put(struct pdf *p, struct pdf_pages *pp, struct sbyt_err *e);
void pdf_pages_clear(struct pdf_pages *pp);
void pdf_pages_release(struct pdf_pages *pp);

#endif
