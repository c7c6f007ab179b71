/* pdf.c - the page, fonts, text blocks and file every PDF shares; see pdf.h. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "text.h"

#define FONT "PT Sans,DejaVu Sans,sans"

static const struct {
	const char *desc;
	double r, g, b;
} styles[PDF_STYLES] = {
	[PDF_SMALL] = { FONT " 7", 0.25, 0.25, 0.25 },
	[PDF_NORMAL] = { FONT " 8", 0, 0, 0 },
	[PDF_BOLD] = { FONT " Bold 8", 0, 0, 0 },
	[PDF_HEAD] = { FONT " Bold 9", 0.05, 0.2, 0.4 },
	[PDF_TITLE] = { FONT " Bold 10.5", 0, 0, 0 },
	[PDF_BIG] = { FONT " Bold 17", 0, 0, 0 },
	[PDF_BODY] = { FONT " 10", 0, 0, 0 },
};

#if defined(__SANITIZE_ADDRESS__)
/* Fontconfig keeps 288 bytes of its configuration to the end of the
 * process on purpose (no FcFini while Pango may still use it): not ours to
 * report.  LeakSanitizer reads this when the program is built with it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

/* ---- compression ----
 *
 * Cairo 1.16 deflates every stream of a PDF (page contents, images, the
 * font subsets) through zlib's deflateInit() at the default level 6 and
 * has no setting for it; the fonts alone are 90 KB to deflate in each
 * e-mail or portal file.  This definition takes the place of zlib's in the
 * process (the program's own symbols come first; cairo is the only user of
 * deflateInit() among our libraries: libzip, libxlsxwriter and libxml2
 * call deflateInit2() with levels of their own) and deflates at level 1:
 * 3 times as fast, files 7 % larger (measured on 400 e-mail files: 3.7
 * against 5.1 CPU s, 29 against 27 MB).
 *
 * A file of a few pages (an e-mailed or portal document, a notice, a
 * reprint) stores its font subsets as they are: Cairo writes them when the
 * file is finished, 4 of them (PT Sans regular and bold, each split by
 * Cairo into a WinAnsi and a CID font), 90 KB, and deflating them cost 40 %
 * of such a file's time (1.9 ms at level 1 on this machine) to save 35 KB
 * (a 73 KB file is 108 KB).  A print file holds its fonts once and deflates
 * them.  pdf_end() sets this for the thread while it finishes the file. */
#define PDF_STORE_FONTS_PAGES 4      /* at most this many pages: fonts stored */
static _Thread_local int deflate_store;

int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	(void)level;
	return deflateInit2_(strm, deflate_store ? Z_NO_COMPRESSION : Z_BEST_SPEED, Z_DEFLATED,
			     MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
			     version, stream_size);
}

/* ---- fonts shared between threads ----
 *
 * Cairo 1.16 shares a scaled font between every thread that asks for the
 * same face, size and options, and cairo_scaled_font_destroy() asserts that
 * the font's glyph cache is not frozen after its count reached zero but
 * before it takes the font map's lock: another thread that finds the font
 * in the map in that moment and draws with it aborts the process
 * ("Assertion `! scaled_font->cache_frozen' failed", seen once in a
 * 100,000-document render).  A count reaches zero when a file's font
 * subsets are freed (every e-mail PDF) and, before this, on every replay of
 * a recorded page, which made a font of its own for each text run because
 * the recording's font options differed from the PDF surface's.  So every
 * renderer asks for fonts with the PDF surface's own options (a recorded
 * page replays with the fonts it was drawn with), and the fonts our styles
 * use, as Pango makes them and as the subsetter makes them, are held for
 * the life of the process: their counts never reach zero. */

#define PIN_MAX 64

static pthread_once_t pin_once = PTHREAD_ONCE_INIT;
static cairo_font_options_t *pdf_options;   /* the PDF surface's font options */
static cairo_scaled_font_t *pinned[PIN_MAX];
static int npinned;

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int n)
{
	(void)closure;
	(void)data;
	(void)n;
	return CAIRO_STATUS_SUCCESS;
}

/* Keep sf (a reference the caller gives up) unless it is held already. */
static void pin(cairo_scaled_font_t *sf)
{
	for (int i = 0; i < npinned; i++)
		if (pinned[i] == sf) {
			cairo_scaled_font_destroy(sf);
			return;
		}
	if (npinned < PIN_MAX && cairo_scaled_font_status(sf) == CAIRO_STATUS_SUCCESS)
		pinned[npinned++] = sf;
	else
		cairo_scaled_font_destroy(sf);
}

/* ---- short texts without Pango ----
 *
 * A page's texts that change from document to document are mostly numbers
 * (sums, readings, volumes, the account) and short lines of letters (the
 * payer's name and address, the footer, "Проживает: 3 чел."), and laying
 * each out with Pango (itemizing, shaping with HarfBuzz, breaking lines)
 * cost a quarter of a page.  The glyph of every character of fast_cp (the
 * numbers' characters, Cyrillic and Latin letters, some punctuation) and
 * its advance are taken from Pango once per style; the kerning of a pair
 * of the numbers' characters once per style too, that of a pair with a
 * letter when a renderer first meets it (from Pango laying the pair out,
 * which also refuses a pair Pango would not draw as its two glyphs: a
 * ligature).  A text of those characters on one line, with letters of one
 * script only (Pango shapes each script apart), is laid out from them: the
 * same glyphs at the same positions (t_pdf compares them with Pango's,
 * real names and addresses included), drawn with the same Cairo font and
 * cairo_show_text_glyphs() (the text stays extractable).  A text that must
 * wrap (an address, the notes beside a sum: different in every document,
 * so each was a Pango layout of its own) is broken into lines here when
 * its only places to break are single spaces and hyphens between letters
 * (fast_wrap()). */

static const uint32_t fast_cp[] = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', ',',
				    '.', '-', ':', '/', 0xa0, 0x2212,
				    /* the numbers' characters end here (NNUM) */
				    0xab, 0xbb, 0x2116, 0xb7, '(', ')', '%', ';', '"', '!', '?',
				    '+', '=', '@', '_', 0x2014, 0x2013 };
#define NNUM 18
#define NLAT 52   /* A-Z a-z */
#define NCYR 66   /* А-я Ё ё */
#define NPUNCT ((int)(sizeof(fast_cp) / sizeof(fast_cp[0])))
#define NFAST (NPUNCT + NLAT + NCYR)
#define LAT0 NPUNCT
#define CYR0 (NPUNCT + NLAT)

static struct fast_style {
	int ok;                      /* every number character one glyph of one font */
	int gok[NFAST];              /* character i is a glyph of that font */
	unsigned glyph[NFAST];
	int adv[NFAST];              /* Pango units */
	int kern[NNUM][NNUM];        /* added to the first one's advance */
	int height, baseline;        /* of a line, Pango units */
} fast[PDF_STYLES];

/* The code point of fast character i. */
static uint32_t fast_char(int i)
{
	if (i < NPUNCT)
		return fast_cp[i];
	if (i < CYR0)
		return i - LAT0 < 26 ? (uint32_t)('A' + i - LAT0) : (uint32_t)('a' + i - LAT0 - 26);
	if (i - CYR0 < 64)
		return 0x410 + (uint32_t)(i - CYR0);
	return i - CYR0 == 64 ? 0x401 : 0x451;
}

/* The index of code point c among the fast characters, or -1. */
static int fast_index(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'A' && c <= 'Z')
		return LAT0 + (int)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return LAT0 + 26 + (int)(c - 'a');
	if (c >= 0x410 && c <= 0x44f)
		return CYR0 + (int)(c - 0x410);
	if (c == 0x401 || c == 0x451)
		return CYR0 + 64 + (c == 0x451);
	for (int i = 10; i < NPUNCT; i++)
		if (fast_cp[i] == c)
			return i;
	return -1;
}

static int utf8_put(uint32_t c, char *o)
{
	if (c < 0x80)
		return o[0] = (char)c, 1;
	if (c < 0x800)
		return o[0] = (char)(0xc0 | (c >> 6)), o[1] = (char)(0x80 | (c & 0x3f)), 2;
	o[0] = (char)(0xe0 | (c >> 12));
	o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

/* The only glyph of l's text and its font, or -1. */
static int one_glyph(PangoLayout *l, PangoFont **font, int *adv)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(l, 0);
	PangoGlyphItem *run;

	if (pango_layout_get_line_count(l) != 1 || !line || !line->runs || line->runs->next)
		return -1;
	run = line->runs->data;
	if (run->glyphs->num_glyphs != 1 || run->glyphs->glyphs[0].geometry.x_offset ||
	    run->glyphs->glyphs[0].geometry.y_offset ||
	    (run->glyphs->glyphs[0].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
		return -1;
	*font = run->item->analysis.font;
	*adv = run->glyphs->glyphs[0].geometry.width;
	return (int)run->glyphs->glyphs[0].glyph;
}

static void fast_build(PangoContext *ctx)
{
	PangoLayout *l = pango_layout_new(ctx);

	for (int s = 0; s < PDF_STYLES; s++) {
		PangoFontDescription *fd = pango_font_description_from_string(styles[s].desc);
		struct fast_style *f = &fast[s];
		PangoFont *font0 = NULL, *font = NULL;
		char t[8];
		int w, h, ok = 1;

		pango_layout_set_font_description(l, fd);
		for (int i = 0; i < NFAST && (ok || i >= NNUM); i++) {
			int g;
			font = NULL;
			t[utf8_put(fast_char(i), t)] = '\0';
			pango_layout_set_text(l, t, -1);
			g = one_glyph(l, &font, &f->adv[i]);
			if (i == 0)
				font0 = font;
			pango_layout_get_size(l, &w, &h);
			if (i == 0) {
				f->height = h;
				f->baseline = pango_layout_get_baseline(l);
			}
			f->gok[i] = g >= 0 && font == font0 && h == f->height &&
				    pango_layout_get_baseline(l) == f->baseline;
			if (i < NNUM)
				ok = f->gok[i];
			f->glyph[i] = (unsigned)g;
		}
		for (int i = 0; i < NNUM && ok; i++)
			for (int j = 0; j < NNUM; j++) {
				int n = utf8_put(fast_cp[i], t);
				t[n + utf8_put(fast_cp[j], t + n)] = '\0';
				pango_layout_set_text(l, t, -1);
				pango_layout_get_size(l, &w, &h);
				f->kern[i][j] = w - f->adv[i] - f->adv[j];
				if (h != f->height)
					ok = 0;
			}
		f->ok = ok;
		pango_font_description_free(fd);
	}
	g_object_unref(l);
}

/* The kerning of fast characters i and j in style s (Pango units), or
 * KERN_BAD when Pango does not draw the pair as their two glyphs. */
#define KERN_BAD (-32768)
static int fast_kern(struct pdf *p, enum pdf_style s, int i, int j)
{
	const struct fast_style *f = &fast[s];
	PangoLayoutLine *line;
	PangoGlyphItem *run;
	size_t at;
	char t[8];
	int n, w, h, k;

	if (i < NNUM && j < NNUM)
		return f->kern[i][j];
	if (!p->kern && !(p->kern = calloc((size_t)PDF_STYLES * NFAST * NFAST, sizeof(*p->kern))))
		return KERN_BAD;
	at = ((size_t)s * NFAST + (size_t)i) * NFAST + (size_t)j;
	if (p->kern[at])  /* 0: not known yet, else kerning + 32768 (0x7fff: bad) */
		return p->kern[at] == 0x7fff ? KERN_BAD : (int)p->kern[at] - 32768;
	if (!p->kern_l)
		p->kern_l = pango_layout_new(p->ctx);
	n = utf8_put(fast_char(i), t);
	t[n + utf8_put(fast_char(j), t + n)] = '\0';
	pango_layout_set_font_description(p->kern_l, p->fd[s]);
	pango_layout_set_text(p->kern_l, t, -1);
	pango_layout_get_size(p->kern_l, &w, &h);
	line = pango_layout_get_line_readonly(p->kern_l, 0);
	run = line && line->runs && !line->runs->next ? line->runs->data : NULL;
	k = w - f->adv[i] - f->adv[j];
	if (!run || run->glyphs->num_glyphs != 2 || h != f->height ||
	    run->glyphs->glyphs[0].glyph != f->glyph[i] ||
	    run->glyphs->glyphs[1].glyph != f->glyph[j] ||
	    run->glyphs->glyphs[0].geometry.x_offset || run->glyphs->glyphs[1].geometry.x_offset ||
	    run->glyphs->glyphs[0].geometry.y_offset || run->glyphs->glyphs[1].geometry.y_offset ||
	    run->glyphs->glyphs[0].geometry.width != f->adv[i] + k || k <= -32000 || k >= 32000) {
		p->kern[at] = 0x7fff;
		return KERN_BAD;
	}
	p->kern[at] = (uint16_t)(k + 32768);
	return k;
}

/* Whether fast character c may be in a text wrapped here: letters, digits,
 * spaces and signs between which the Unicode line breaking rules Pango
 * follows (UAX #14) allow no break, so that the only places to break are
 * after a space: "-", "/", "—", "%", "!", "?"... each make places of their
 * own; those texts go to Pango. */
static int is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(uint32_t c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0x410 && c <= 0x44f) || c == 0x401 || c == 0x451;
}

static int wrap_char(uint32_t c)
{
	return is_alnum(c) || c == ' ' || c == 0xa0 || c == ',' || c == '.' || c == ':' ||
	       c == ';' || c == '(' || c == ')' || c == 0xab || c == 0xbb || c == '"' || c == '-';
}

/* Break q's n characters (kerning in q->kern) into lines width wide (Pango
 * units) as Pango's PANGO_WRAP_WORD_CHAR does when every word fits: each
 * line as many words as fit, the space after its last word kept on it (a
 * line may also end after a hyphen between letters).  Whether Pango counts
 * that space against the width differs from box to box (t_pdf met both),
 * so: strict 0 does not count it, strict 1 counts it, the kerning after it
 * and a little more; where both give the same lines, so does Pango (the
 * caller leaves the others to Pango).  Sets
 * q->line, q->nlines; returns the widest line's width, or -1 (a character
 * that makes other places to break, two spaces in a row, a word wider than
 * a line). */
static int fast_wrap(struct pdf_fast *q, const struct fast_style *f, int n, int width, int strict)
{
	int widest = 0, start = 0;

	for (int i = 0; i < n; i++) {
		uint32_t c = fast_char(q->idx[i]);
		if (!wrap_char(c))
			return -1;
		if (c == ' ' && fast_char(q->idx[i - 1]) == ' ')
			return -1;  /* (never the first: fast_lay() refuses that) */
		if (c == '(' && i > 0 && strchr(",.:;)", (int)fast_char(q->idx[i - 1])))
			return -1;  /* a place to break without a space */
		/* a hyphen between letters ("р-н") may end a line, between a
		 * letter or digit and a digit ("ЭС-01") not; others go to Pango */
		if (c == '-' && (i == 0 || i + 1 >= n || !is_alnum(fast_char(q->idx[i - 1])) ||
				 !is_alnum(fast_char(q->idx[i + 1]))))
			return -1;
	}
	q->nlines = 0;
	for (;;) {
		int x = 0, fit = -1, fitw = 0, k;
		/* x: where character k starts on a line from start */
		for (k = start; k < n; k++) {
			if (k > start + 1 && fast_char(q->idx[k - 1]) == '-' &&
			    !is_digit(fast_char(q->idx[k]))) {
				if (x + (strict ? abs(q->kern[k - 1]) + 16 : 0) > width)
					break;
				fit = k - 1;  /* the line may end after the hyphen */
				fitw = x;
			}
			if (fast_char(q->idx[k]) == ' ') {
				/* strict: the space that ends the line counted too */
				if (x + (strict ? f->adv[q->idx[k]] + abs(q->kern[k]) + 16 : 0) > width)
					break;  /* the words so far do not fit */
				fit = k;  /* the line may end after this space */
				fitw = x;
			}
			x += f->adv[q->idx[k]] + (k + 1 < n ? q->kern[k] : 0);
		}
		if (q->nlines >= PDF_FAST_MAX - 1)
			return -1;
		q->line[q->nlines++] = (unsigned char)start;
		if (k == n && x <= width) {  /* the rest fits */
			widest = x > widest ? x : widest;
			break;
		}
		if (fit < 0)
			return -1;  /* a word wider than the line: Pango breaks it */
		widest = fitw > widest ? fitw : widest;
		start = fit + 1;
	}
	q->line[q->nlines] = (unsigned char)n;
	return widest;
}

/* Lay str out in style s in p->fast: 0, or -1 when it cannot be (a
 * character not among the fast ones, letters of two scripts, too long,
 * wider than w). */
static int fast_lay(struct pdf *p, enum pdf_style s, int width, enum pdf_align a, const char *str)
{
	const struct fast_style *f = &fast[s];
	struct pdf_fast *q = &p->fast;
	const unsigned char *u = (const unsigned char *)str;
	int n = 0, pos = 0, lat = 0, cyr = 0;
	size_t k = 0;

	if (!f->ok || !*str)
		return -1;
	while (u[k]) {
		uint32_t c;
		int i;
		if (u[k] < 0x80)
			c = u[k++];
		else if ((u[k] & 0xe0) == 0xc0 && (u[k + 1] & 0xc0) == 0x80)
			c = ((uint32_t)(u[k] & 0x1f) << 6) | (u[k + 1] & 0x3f), k += 2;
		else if ((u[k] & 0xf0) == 0xe0 && (u[k + 1] & 0xc0) == 0x80 && (u[k + 2] & 0xc0) == 0x80)
			c = ((uint32_t)(u[k] & 0x0f) << 12) | ((uint32_t)(u[k + 1] & 0x3f) << 6) |
			    (u[k + 2] & 0x3f), k += 3;
		else
			return -1;
		if (n == PDF_FAST_MAX || (i = fast_index(c)) < 0 || !f->gok[i])
			return -1;
		lat |= i >= LAT0 && i < CYR0;
		cyr |= i >= CYR0;
		if (lat && cyr)
			return -1;
		if (n > 0) {
			int kk = fast_kern(p, s, q->idx[n - 1], i);
			if (kk == KERN_BAD)
				return -1;
			pos += kk;
		}
		pos += f->adv[i];
		q->idx[n++] = (unsigned char)i;
	}
	/* a space ending a line would let Pango break it: leave those to Pango */
	if (fast_char(q->idx[n - 1]) == ' ' || fast_char(q->idx[0]) == ' ')
		return -1;
	for (int i = 0; i + 1 < n; i++)
		q->kern[i] = fast_kern(p, s, q->idx[i], q->idx[i + 1]);
	q->nlines = 1;
	q->line[0] = 0;
	q->line[1] = (unsigned char)n;
	if (width > 0 && pos > width) {
		unsigned char loose[PDF_FAST_MAX + 1];
		int nl;
		if (a != PDF_ALEFT || fast_wrap(q, f, n, width, 0) < 0)
			return -1;
		nl = q->nlines;
		memcpy(loose, q->line, (size_t)nl + 1);
		if ((pos = fast_wrap(q, f, n, width, 1)) < 0 || q->nlines != nl ||
		    memcmp(loose, q->line, (size_t)nl + 1))
			return -1;  /* near the edge: Pango decides */
	}
	memcpy(q->text, str, k + 1);
	q->bytes = (int)k;
	q->n = n;
	q->style = s;
	q->align = a;
	q->box = width > 0 ? (double)width / PANGO_SCALE : 0;
	q->width = (double)pos / PANGO_SCALE;
	return 0;
}

/* ---- batch ----
 *
 * Every Cairo operation costs the PDF writer more than its glyphs (a
 * recorded command, its analysis, a text object): the texts laid out
 * without Pango that follow each other in one font and colour (a table
 * row's cells, a label and its value) are kept in p->batch and shown as
 * one cairo_show_text_glyphs() when something else is to be drawn, the
 * font or colour changes, or the page ends.  The PDF is the same text at
 * the same places, extractable as before. */

void pdf_flush(struct pdf *p)
{
	struct pdf_batch *b = &p->batch;

	if (b->n == 0)
		return;
	if (p->cr) {
		cairo_set_source_rgb(p->cr, b->r, b->g, b->b);
		cairo_set_scaled_font(p->cr, b->sf);
		cairo_show_text_glyphs(p->cr, b->text, b->bytes, b->glyph, b->n, b->cl, b->n, 0);
	}
	b->n = 0;
	b->bytes = 0;
}

/* Draw p->fast at (x, y), its box's top left corner, in colour (r, g, b):
 * into the batch. */
static void fast_show(struct pdf *p, double x, double y, double r, double gr, double bl)
{
	const struct pdf_fast *q = &p->fast;
	const struct fast_style *f = &fast[q->style];
	struct pdf_batch *b = &p->batch;
	cairo_scaled_font_t *sf;
	const char *t = q->text;

	if (!p->fast_font[q->style])
		p->fast_font[q->style] = pango_context_load_font(p->ctx, p->fd[q->style]);
	if (!p->fast_font[q->style] || !PANGO_IS_CAIRO_FONT(p->fast_font[q->style]) ||
	    !(sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(p->fast_font[q->style]))))
		return;
	if (q->box > 0 && q->align == PDF_ARIGHT)
		x += q->box - q->width;
	else if (q->box > 0 && q->align == PDF_ACENTER)
		x += (q->box - q->width) / 2;
	y += (double)f->baseline / PANGO_SCALE;
	if (b->n > 0 && (b->sf != sf || b->r != r || b->g != gr || b->b != bl ||
			 b->n + q->n > PDF_BATCH))
		pdf_flush(p);
	b->sf = sf;
	b->r = r;
	b->g = gr;
	b->b = bl;
	for (int ln = 0; ln < q->nlines; ln++) {
		int pos = 0;
		for (int i = q->line[ln]; i < q->line[ln + 1]; i++) {
			uint32_t c = fast_char(q->idx[i]);
			int nb = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
			b->glyph[b->n].index = f->glyph[q->idx[i]];
			b->glyph[b->n].x = x + (double)pos / PANGO_SCALE;
			b->glyph[b->n].y = y + (double)ln * f->height / PANGO_SCALE;
			b->cl[b->n].num_bytes = nb;
			b->cl[b->n].num_glyphs = 1;
			memcpy(b->text + b->bytes, t, (size_t)nb);
			b->bytes += nb;
			t += nb;
			b->n++;
			pos += f->adv[q->idx[i]] + (i + 1 < q->n ? q->kern[i] : 0);
		}
	}
}

static void pin_fonts(void)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard, NULL, PDF_PAGE_W,
								 PDF_PAGE_H);
	cairo_t *cr = cairo_create(s);
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = fm ? pango_font_map_create_context(fm) : NULL;
	cairo_font_options_t *sub = cairo_font_options_create();
	cairo_matrix_t id;

	pdf_options = cairo_font_options_create();
	cairo_surface_get_font_options(s, pdf_options);
	/* the options cairo's font subsetter asks for (cairo-scaled-font-subsets.c) */
	cairo_font_options_set_hint_style(sub, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(sub, CAIRO_HINT_METRICS_OFF);
	cairo_matrix_init_identity(&id);
	if (ctx) {
		pango_cairo_context_set_font_options(ctx, pdf_options);
		pango_context_set_round_glyph_positions(ctx, FALSE);
		pango_cairo_update_context(cr, ctx);
		fast_build(ctx);
		for (int i = 0; i < PDF_STYLES; i++) {
			PangoLayout *l = pango_layout_new(ctx);
			PangoFontDescription *fd = pango_font_description_from_string(styles[i].desc);
			PangoLayoutIter *it;

			pango_layout_set_font_description(l, fd);
			pango_layout_set_text(l, "Счёт № 1\u00a0234,56 ₽ −5 «Аб» — Ab…", -1);
			it = pango_layout_get_iter(l);
			do {
				PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
				cairo_scaled_font_t *sf;

				if (!run || !PANGO_IS_CAIRO_FONT(run->item->analysis.font))
					continue;
				sf = pango_cairo_font_get_scaled_font(
					PANGO_CAIRO_FONT(run->item->analysis.font));
				if (!sf)
					continue;
				pin(cairo_scaled_font_reference(sf));
				pin(cairo_scaled_font_create(cairo_scaled_font_get_font_face(sf), &id,
							     &id, sub));
			} while (pango_layout_iter_next_run(it));
			pango_layout_iter_free(it);
			pango_font_description_free(fd);
			g_object_unref(l);
		}
		g_object_unref(ctx);
	}
	if (fm)
		g_object_unref(fm);
	cairo_font_options_destroy(sub);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
}

int pdf_fonts_pinned(void)
{
	pthread_once(&pin_once, pin_fonts);
	return npinned;
}

void *pdf_new(size_t size, void (*footer)(struct pdf *p, void *arg), struct sbyt_err *e)
{
	struct pdf *p = calloc(1, size);

	if (p) {
		p->fm = pango_cairo_font_map_new();
		p->ctx = p->fm ? pango_font_map_create_context(p->fm) : NULL;
	}
	if (!p || !p->ctx) {
		if (p && p->fm)
			g_object_unref(p->fm);
		free(p);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	p->footer = footer;
	p->footer_arg = p;
	/* the PDF surface's metrics and options everywhere, recorded pages
	 * included, so a document lays out the same whichever way it is drawn
	 * and a recorded page replays with its own fonts (see pin_fonts) */
	pdf_fonts_pinned();
	pango_cairo_context_set_font_options(p->ctx, pdf_options);
	pango_context_set_round_glyph_positions(p->ctx, FALSE);
	for (int i = 0; i < PDF_STYLES; i++)
		p->fd[i] = pango_font_description_from_string(styles[i].desc);
	return p;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	pdf_abort(p);
	for (int i = 0; i < PDF_STAMPS; i++)
		if (p->stamp[i].rec)
			cairo_surface_destroy(p->stamp[i].rec);
	for (int i = 0; i < PDF_STYLES; i++) {
		pango_font_description_free(p->fd[i]);
		if (p->fast_font[i])
			g_object_unref(p->fast_font[i]);
	}
	for (int i = 0; i < PDF_CACHE_SLOTS; i++) {
		if (p->cache[i].l)
			g_object_unref(p->cache[i].l);
		free(p->cache[i].text);
	}
	if (p->kern_l)
		g_object_unref(p->kern_l);
	free(p->kern);
	g_object_unref(p->ctx);
	g_object_unref(p->fm);
	free(p);
}

/* ---- numbers ---- */

const char *pdf_rub(money m, char *buf, size_t size)
{
	char digits[32];
	unsigned long long v = m < 0 ? (unsigned long long)(-(m + 1)) + 1 : (unsigned long long)m;
	unsigned long long r = v / 100;
	int n, o = 0;

	n = snprintf(digits, sizeof(digits), "%llu", r);
	if (m < 0)
		o += snprintf(buf + o, size - (size_t)o, "−");
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			o += snprintf(buf + o, size - (size_t)o, "\u00a0");
		buf[o++] = digits[i];
	}
	snprintf(buf + o, size - (size_t)o, ",%02llu", v % 100);
	return buf;
}

const char *pdf_ddmmyyyy(sdate d, char *buf, size_t size)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, size, "%02d.%02d.%04d", dd, m, y);
	return buf;
}

/* ---- drawing ---- */

double pdf_lay(struct pdf *p, enum pdf_style s, double w, enum pdf_align a, const char *text)
{
	int width = w > 0 ? (int)(w * PANGO_SCALE) : -1;
	uint32_t h = 2166136261u ^ (uint32_t)s ^ ((uint32_t)a << 4) ^ ((uint32_t)width << 8);
	struct pdf_cached *c, *set;
	int pw, ph;
	size_t n;

	if (fast_lay(p, s, width, a, text) == 0) {
		p->cur = NULL;
		return (double)p->fast.nlines * fast[s].height / PANGO_SCALE;
	}
	for (const unsigned char *q = (const unsigned char *)text; *q; q++)
		h = (h ^ *q) * 16777619u;
	/* a set of PDF_CACHE_WAYS slots: a text found again (a label, a
	 * heading, the supplier's name: the same on every page) stays, the
	 * texts of one document (names, sums) take each other's places */
	set = &p->cache[(h % (PDF_CACHE_SLOTS / PDF_CACHE_WAYS)) * PDF_CACHE_WAYS];
	c = set;
	p->clock++;
	for (int i = 0; i < PDF_CACHE_WAYS; i++) {
		struct pdf_cached *k = &set[i];
		if (k->l && k->hash == h && k->style == (int)s && k->width == width &&
		    k->align == (int)a && !strcmp(k->text, text)) {
			k->hits++;
			k->used = p->clock;
			p->cur = k->l;
			return k->h;
		}
		/* the victim: an empty slot, else the least recently used of
		 * those never found again, else the least recently used */
		if (!k->l || (c->l && ((k->hits == 0) > (c->hits == 0) ||
				       ((k->hits == 0) == (c->hits == 0) && k->used < c->used))))
			c = k;
	}
	c->hits = 0;
	c->used = p->clock;
	n = strlen(text) + 1;
	if (!c->l) {
		c->l = pango_layout_new(p->ctx);
		pango_layout_set_wrap(c->l, PANGO_WRAP_WORD_CHAR);
	}
	free(c->text);
	c->text = malloc(n);
	if (c->text)
		memcpy(c->text, text, n);
	c->hash = c->text ? h : 0;
	c->style = s;
	c->width = width;
	c->align = a;
	pango_layout_set_font_description(c->l, p->fd[s]);
	pango_layout_set_width(c->l, width);
	pango_layout_set_alignment(c->l, a == PDF_ARIGHT ? PANGO_ALIGN_RIGHT
					 : a == PDF_ACENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(c->l, text, -1);
	pango_layout_get_size(c->l, &pw, &ph);
	c->h = (double)ph / PANGO_SCALE;
	if (!c->text)
		c->style = -1;  /* not found again */
	p->cur = c->l;
	return c->h;
}

void pdf_show(struct pdf *p, enum pdf_style s, double x, double y)
{
	pdf_show_rgb(p, styles[s].r, styles[s].g, styles[s].b, x, y);
}

void pdf_show_rgb(struct pdf *p, double r, double g, double b, double x, double y)
{
	if (p->dry)
		return;
	if (!p->cur) {
		fast_show(p, x, y, r, g, b);
		return;
	}
	pdf_flush(p);
	cairo_set_source_rgb(p->cr, r, g, b);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->cur);
}

double pdf_text(struct pdf *p, enum pdf_style s, double x, double y, double w, enum pdf_align a,
		const char *str)
{
	double h = pdf_lay(p, s, w, a, str);

	pdf_show(p, s, x, y);
	return h;
}

void pdf_rule(struct pdf *p, double x0, double x1, double y, double width)
{
	if (p->dry)
		return;
	pdf_flush(p);
	cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(p->cr, width);
	cairo_move_to(p->cr, x0, y);
	cairo_line_to(p->cr, x1, y);
	cairo_stroke(p->cr);
}

void pdf_shade(struct pdf *p, double x, double y, double w, double h, double grey)
{
	if (p->dry)
		return;
	pdf_flush(p);
	cairo_set_source_rgb(p->cr, grey, grey, grey);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_fill(p->cr);
}

void pdf_frame(struct pdf *p, double x, double y, double w, double h, double line, double r,
	       double g, double b)
{
	if (p->dry)
		return;
	pdf_flush(p);
	cairo_set_source_rgb(p->cr, r, g, b);
	cairo_set_line_width(p->cr, line);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_stroke(p->cr);
}

/* Tell Pango about the surface drawn on, once per renderer.  Pango 1.50
 * counts every pango_cairo_update_context() as a change, and every cached
 * layout was laid out again when next drawn: all texts of every page were
 * shaped anew (a third of the time of a page).  Nothing a layout depends on
 * differs between our surfaces: the font options are set on the context
 * (the PDF surface's, see pdf_new()) and win over any surface's, and the
 * matrix is the identity on PDF and recording surfaces alike. */
static void context_update(struct pdf *p)
{
	if (p->ctx_updated)
		return;
	pango_cairo_update_context(p->cr, p->ctx);
	p->ctx_updated = 1;
}

void pdf_page_start(struct pdf *p)
{
	if (p->recording) {
		cairo_rectangle_t a4 = { 0, 0, PDF_PAGE_W, PDF_PAGE_H };
		cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
		p->cr = cairo_create(s);
		cairo_surface_destroy(s);  /* the context holds it */
		context_update(p);
	}
	p->page_open = 1;
	p->doc_page++;
	p->y = PDF_MARGIN;
}

void pdf_page_end(struct pdf *p)
{
	if (p->footer)
		p->footer(p, p->footer_arg);
	pdf_flush(p);
	if (p->recording) {
		cairo_surface_t *s = cairo_surface_reference(cairo_get_target(p->cr));
		if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
			p->rec_failed = 1;
		cairo_destroy(p->cr);
		p->cr = NULL;
		if (p->nrec == p->rec_cap) {
			int cap = p->rec_cap ? p->rec_cap * 2 : 4;
			cairo_surface_t **n = realloc(p->rec, (size_t)cap * sizeof(*n));
			if (!n) {
				cairo_surface_destroy(s);
				p->rec_failed = 1;
				p->page_open = 0;
				return;
			}
			p->rec = n;
			p->rec_cap = cap;
		}
		p->rec[p->nrec++] = s;
		p->page_open = 0;
		return;
	}
	cairo_show_page(p->cr);
	p->page_open = 0;
	p->pages++;
}

void pdf_footer_line(struct pdf *p, const char *text)
{
	pdf_rule(p, PDF_LEFT, PDF_RIGHT, PDF_PAGE_H - PDF_MARGIN - 10, 0.4);
	pdf_text(p, PDF_SMALL, PDF_LEFT, PDF_PAGE_H - PDF_MARGIN - 8, PDF_WIDTH, PDF_ACENTER, text);
}

int pdf_stamp_begin(struct pdf *p, int key)
{
	cairo_rectangle_t a4 = { 0, 0, PDF_PAGE_W, PDF_PAGE_H };
	cairo_surface_t *s;

	if (p->stamp[key].rec || p->dry) {
		p->stamping = -(key + 1);  /* painted by pdf_stamp_end() */
		return p->dry && !p->stamp[key].rec;
	}
	pdf_flush(p);
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
	p->stamp_cr = p->cr;
	p->stamp_y = p->y;
	p->cr = cairo_create(s);
	cairo_surface_destroy(s);  /* the context holds it */
	p->y = 0;
	p->stamping = key + 1;
	return 1;
}

void pdf_stamp_end(struct pdf *p)
{
	int key = p->stamping > 0 ? p->stamping - 1 : -p->stamping - 1;
	struct pdf_stamp *st = &p->stamp[key];

	if (p->stamping > 0) {  /* recorded: keep it */
		pdf_flush(p);
		st->rec = cairo_surface_reference(cairo_get_target(p->cr));
		st->h = p->y;
		if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
			p->rec_failed = 1;
		cairo_destroy(p->cr);
		p->cr = p->stamp_cr;
		p->y = p->stamp_y;
	}
	p->stamping = 0;
	if (!st->rec)  /* measured while dry before it was ever drawn */
		return;
	pdf_room(p, st->h);
	if (!p->dry) {
		pdf_flush(p);
		cairo_save(p->cr);
		cairo_set_source_surface(p->cr, st->rec, 0, p->y);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
	}
	p->y += st->h;
}

void pdf_room(struct pdf *p, double h)
{
	if (p->dry || p->stamping > 0 || p->y + h <= PDF_BOTTOM)
		return;
	pdf_page_end(p);
	pdf_page_start(p);
}

double pdf_row(struct pdf *p, enum pdf_style s, const double *x, int ncol, const enum pdf_align *a,
	       const char *const *cell, double grey)
{
	double h = 0;

	for (int i = 0; i < ncol; i++) {
		double ch = pdf_lay(p, s, x[i + 1] - x[i] - 2 * PDF_PAD, a[i], cell[i] ? cell[i] : "");
		if (ch > h)
			h = ch;
	}
	h += 2 * 1.2;
	pdf_room(p, h);
	if (grey < 1)
		pdf_shade(p, x[0], p->y, x[ncol] - x[0], h, grey);
	for (int i = 0; i < ncol; i++)
		pdf_text(p, s, x[i] + PDF_PAD, p->y + 1.2, x[i + 1] - x[i] - 2 * PDF_PAD, a[i],
			 cell[i] ? cell[i] : "");
	pdf_rule(p, x[0], x[ncol], p->y + h, 0.3);
	p->y += h;
	return h;
}

void pdf_heading(struct pdf *p, const char *s)
{
	pdf_room(p, 40);
	p->y += pdf_text(p, PDF_HEAD, PDF_LEFT, p->y, PDF_WIDTH, PDF_ALEFT, s) + 2;
}

void pdf_paragraphs(struct pdf *p, enum pdf_style s, double x, double w, const char *text,
		    double gap)
{
	char buf[4096];

	while (*text) {
		size_t n = strcspn(text, "\n");
		/* a paragraph longer than buf goes in pieces cut at a character */
		size_t k = utf8_cut(text, n < sizeof(buf) - 1 ? n : sizeof(buf) - 1);

		memcpy(buf, text, k);
		buf[k] = '\0';
		pdf_room(p, pdf_lay(p, s, w, PDF_ALEFT, buf));
		p->y += pdf_text(p, s, x, p->y, w, PDF_ALEFT, buf) + (k == n ? gap : 0);
		text += k;
		if (*text == '\n')
			text++;
	}
}

/* ---- the QR code ---- */

/* libqrencode's encoder with the mask given (qrencode_inner.h; exported and
 * in Debian's libqrencode4 symbols file since 3.2.0).  QRcode_encodeString()
 * draws the symbol with each of the 8 masks and scores them (ISO/IEC 18004
 * 7.8.3), 70 % of its time; any mask makes a valid symbol, so one fixed
 * mask is used (3: diagonal lines, no large blocks on our payloads). */
extern QRcode *QRcode_encodeMask(QRinput *input, int mask);
#define QR_MASK 3

/* The symbol of payload: 8-bit mode, level M, the smallest version. */
static QRcode *qr_encode(const char *payload)
{
	QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
	QRcode *q = NULL;

	if (in && QRinput_append(in, QR_MODE_8, (int)strlen(payload),
				 (const unsigned char *)payload) == 0)
		q = QRcode_encodeMask(in, QR_MASK);
	if (in)
		QRinput_free(in);
	return q;
}

int pdf_qr(struct pdf *p, const char *payload, double x, double y, double side,
	   struct sbyt_err *e)
{
	QRcode *q = qr_encode(payload);
	cairo_surface_t *img;
	cairo_pattern_t *pat;
	unsigned char *data;
	int quiet = 4, n, stride;

	if (!q)
		return err_set(e, ERR_DATA, "cannot make the QR code (%s)", strerror(errno));
	n = q->width + 2 * quiet;
	img = cairo_image_surface_create(CAIRO_FORMAT_A8, n, n);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		QRcode_free(q);
		cairo_surface_destroy(img);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	cairo_surface_flush(img);
	data = cairo_image_surface_get_data(img);
	stride = cairo_image_surface_get_stride(img);
	memset(data, 0, (size_t)stride * (size_t)n);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				data[(r + quiet) * stride + c + quiet] = 0xff;
	cairo_surface_mark_dirty(img);
	QRcode_free(q);
	/* white under the code, then the modules as one mask, not squares */
	pdf_flush(p);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, side, side);
	cairo_fill(p->cr);
	cairo_save(p->cr);
	cairo_translate(p->cr, x, y);
	cairo_scale(p->cr, side / n, side / n);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	pat = cairo_pattern_create_for_surface(img);
	cairo_pattern_set_filter(pat, CAIRO_FILTER_NEAREST);
	cairo_mask(p->cr, pat);
	cairo_pattern_destroy(pat);
	cairo_restore(p->cr);
	cairo_surface_destroy(img);
	return 0;
}

/* ---- the file ---- */

static cairo_status_t write_cb(void *arg, const unsigned char *data, unsigned int len)
{
	struct pdf *p = arg;

	if (fwrite(data, 1, len, p->f) != len) {
		if (!p->werr)
			p->werr = errno ? errno : EIO;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	if (p->hashing)
		sha256_update(&p->sha, data, len);
	p->written += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The surface and context writing to p->f. */
static int start(struct pdf *p, sdate date, struct sbyt_err *e)
{
	char when[32];
	int y, m, d;

	p->werr = 0;
	p->pages = 0;
	p->written = 0;
	sha256_init(&p->sha);
	p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, PDF_PAGE_W, PDF_PAGE_H);
	date_to_ymd(date, &y, &m, &d);
	snprintf(when, sizeof(when), "%04d-%02d-%02dT00:00:00+05:00", y, m, d);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "sbyt");
	p->cr = cairo_create(p->surface);
	context_update(p);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		pdf_abort(p);
		return err_set(e, ERR_CANTCREATE, "cannot start the PDF '%s'", p->path);
	}
	return 0;
}

int pdf_begin(struct pdf *p, const char *path, sdate date, struct sbyt_err *e)
{
	int fd;

	snprintf(p->path, sizeof(p->path), "%s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	p->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!p->f) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", path, strerror(errno));
	}
	p->own_f = 1;
	p->hashing = 0;
	return start(p, date, e);
}

int pdf_begin_stream(struct pdf *p, FILE *f, const char *name, sdate date, struct sbyt_err *e)
{
	snprintf(p->path, sizeof(p->path), "%s", name);
	p->f = f;
	p->own_f = 0;
	p->hashing = 1;
	return start(p, date, e);
}

int64_t pdf_written(struct pdf *p, char *sha256)
{
	if (sha256)
		sha256_hex(&p->sha, sha256);
	return p->written;
}

int pdf_status(struct pdf *p, struct sbyt_err *e)
{
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS)
		return err_set(e, p->werr ? ERR_IO : ERR_INTERNAL, "cannot draw '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(cairo_status(p->cr)));
	return 0;
}

int pdf_pages(const struct pdf *p)
{
	return p->pages;
}

int pdf_end(struct pdf *p, int sync, struct sbyt_err *e)
{
	cairo_status_t st;
	int rc;

	pdf_flush(p);
	cairo_destroy(p->cr);
	p->cr = NULL;
	deflate_store = p->pages <= PDF_STORE_FONTS_PAGES;
	cairo_surface_finish(p->surface);
	deflate_store = 0;
	st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	p->surface = NULL;
	if (!p->own_f) {  /* a stream: the caller's to flush and close */
		p->f = NULL;
		if (st != CAIRO_STATUS_SUCCESS || p->werr)
			return err_set(e, ERR_IO, "cannot write '%s': %s", p->path,
				       p->werr ? strerror(p->werr) : cairo_status_to_string(st));
		return 0;
	}
	rc = st != CAIRO_STATUS_SUCCESS || fflush(p->f) != 0 || ferror(p->f) ||
	     (sync && fsync(fileno(p->f)) != 0);
	if (rc && !p->werr)
		p->werr = errno ? errno : EIO;
	if (fclose(p->f) != 0 && !p->werr)
		p->werr = errno ? errno : EIO;
	p->f = NULL;
	if (rc || p->werr) {
		unlink(p->path);
		return err_set(e, ERR_IO, "cannot write '%s': %s", p->path,
			       p->werr ? strerror(p->werr) : cairo_status_to_string(st));
	}
	return 0;
}

void pdf_abort(struct pdf *p)
{
	p->batch.n = p->batch.bytes = 0;
	if (p->cr)
		cairo_destroy(p->cr);
	p->cr = NULL;
	if (p->surface) {
		cairo_surface_finish(p->surface);
		cairo_surface_destroy(p->surface);
	}
	p->surface = NULL;
	if (p->f && p->own_f) {
		fclose(p->f);
		unlink(p->path);
	}
	p->f = NULL;
}

/* ---- recorded pages ---- */

int pdf_record(struct pdf *p, int (*draw)(struct pdf *p, const void *arg, struct sbyt_err *e),
	       const void *arg, struct pdf_pages *out, struct sbyt_err *e)
{
	int rc;

	p->recording = 1;
	p->rec = out->page;
	p->nrec = 0;
	p->rec_cap = out->cap;
	p->rec_failed = 0;
	rc = draw(p, arg, e);
	if (p->page_open) {  /* a failure in the middle of a page */
		p->batch.n = p->batch.bytes = 0;
		cairo_destroy(p->cr);
		p->cr = NULL;
		p->page_open = 0;
	}
	out->page = p->rec;
	out->cap = p->rec_cap;
	out->n = p->nrec;
	p->recording = 0;
	p->rec = NULL;
	p->nrec = p->rec_cap = 0;
	if (rc == 0 && p->rec_failed) {
		pdf_pages_clear(out);
		return err_set(e, ERR_INTERNAL, "cannot record the pages");
	}
	return rc;
}

void pdf_pages_clear(struct pdf_pages *pp)
{
	for (int i = 0; i < pp->n; i++)
		cairo_surface_destroy(pp->page[i]);
	pp->n = 0;
}

void pdf_pages_release(struct pdf_pages *pp)
{
	pdf_pages_clear(pp);
	free(pp->page);
	pp->page = NULL;
	pp->cap = 0;
}

int pdf_put(struct pdf *p, struct pdf_pages *pp, struct sbyt_err *e)
{
	for (int i = 0; i < pp->n; i++) {
		cairo_set_source_surface(p->cr, pp->page[i], 0, 0);
		cairo_paint(p->cr);
		cairo_show_page(p->cr);
		p->pages++;
	}
	pdf_pages_clear(pp);
	return pdf_status(p, e);
}
