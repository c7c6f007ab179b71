/*
 * docs_render.h - rendering the PDFs of a package on threads of their own
 * while the documents stage goes on (docs.h).
 *
 * The stage hands each composed document over (a copy: the stage reuses
 * its model at once); rendering threads draw them with docs_pdf.h.  Two
 * shapes:
 *  - one file (post: documents.pdf, print-ready, the documents' pages in
 *    the order they were handed over, which is the register's): `threads`
 *    threads draw the documents (dealt round-robin) into recorded pages
 *    (docs_pdf_record()) and a writer thread puts them into the file in
 *    order, so one print file is drawn on every core;
 *  - one file per document (email, lkk: ACCOUNT-YYYY-MM.pdf in the
 *    package's folder): `threads` threads, documents dealt round-robin,
 *    each writing the files one after another into a spool file of its own
 *    in the package's parts, as package_folder_part() entries (a file
 *    created per document cost a fifth of its time in the kernel).
 * Each thread has its own renderer (font map, layouts) and a ring of 32
 * documents: memory does not grow with the number of documents; the stage
 * waits when a ring is full.
 */
#ifndef SBYT_DOCS_RENDER_H
#define SBYT_DOCS_RENDER_H

#include "docmodel.h"
#include "docs_pdf.h"
#include "error.h"
#include "package.h"

struct docs_render;

/* Start rendering into path (one file; pkg NULL) or into the package pkg's
 * folder (one file per document; path NULL; the package is the pool's
 * until docs_render_finish() or docs_render_abort()); date is the PDFs'
 * creation date.  threads <= 0: the number of processors.  Returns the
 * pool, or NULL with e set. */
struct docs_render *docs_render_start(const struct docs_pdf_env *env, const char *path,
				      struct package *pkg, int threads, sdate date,
				      struct sbyt_err *e);
/* Hand d over (copied; waits while the thread's ring is full).  0, or -1
 * with e set when a thread failed. */
int docs_render_put(struct docs_render *r, const struct docmodel *d, struct sbyt_err *e);
/* Wait for every document, close the files and free r.  0 with *pages
 * (all files) set, or -1 with e set.  r is freed either way. */
int docs_render_finish(struct docs_render *r, int64_t *pages, double *cpu_seconds,
		       struct sbyt_err *e);
/* Stop at once and free r (files are left to the caller's clean-up). */
void docs_render_abort(struct docs_render *r);

#endif
