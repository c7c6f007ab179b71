/*
 * docs.h - the payment documents of a billed period and their packages
 * (SPEC 8): the stage that `sbyt docs` and `sbyt month` share.
 *
 * For each branch whose period is 'billed' (or already 'published', which
 * re-issues it), in one transaction per branch:
 *  1. Numbering.  The accounts of the branch that have charge lines for the
 *     period get one document each, numbered 1..n without gaps: first the
 *     post documents in the print house's order (address.h: postcode,
 *     street, house, flat, then account), then e-mail, portal (lkk) and EDO
 *     documents, each by account.  The order depends on the data only, so
 *     a re-run gives the same numbers.  A published period keeps the
 *     numbers (and channels) it was issued with; accounts billed since get
 *     the next numbers, n+1..., in the same order, after the others of
 *     their channel.
 *  2. Content, per document: the lines of charge_line (charge, recalc,
 *     penalty), the meter readings per zone (previous: the latest accepted
 *     reading of an earlier period, else the meter's initial value;
 *     current: the latest accepted reading of the period, when there is
 *     one), and the account's ledger (ledger.h) built from its obligations
 *     of the period and before and its payments made by the period's last
 *     day:
 *       opening  = obligations of earlier periods + penalty accrued up to
 *                  the day before the period's first day - payments made
 *                  before the period's first day (negative: an advance);
 *       charges  = charge lines of kind charge; recalcs = kind recalc;
 *       penalty  = the penalty lines of charge_line when bill wrote any,
 *                  else penalty accrued up to the period's last day minus
 *                  penalty accrued up to the day before its first day (the
 *                  period's accrual, shown as a penalty line);
 *       paid     = payments dated within the period;
 *       total    = opening + charges + recalcs + penalty - paid.
 *     So one document's total is the next one's opening as long as the
 *     data does not change.  due = the latest due date of the period's
 *     obligations (households: the 10th, legal entities: the balance on
 *     the 18th of the next month), else the billing rules' due day.  The
 *     QR payload (qr.h) carries Sum = total when it is positive.
 *  3. Packages out/docs/YYYY-MM/<branch>/<channel>.zip (package.h), one per
 *     channel that has documents: documents.xml (namespace urn:sbyt:docs:1,
 *     xsd/docs.xsd, streamed with xmlout.h), register.xlsx (xlsx.h,
 *     one row per document) and manifest.xml with the facts documents,
 *     total, opening, charged, recalc, penalty, paid and first/last number;
 *     with o->pdf the PDFs (docs_pdf.h, rendered on threads by
 *     docs_render.h): post.zip documents.pdf, every document in the
 *     register's order (print order), email.zip and lkk.zip one
 *     ACCOUNT-YYYY-MM.pdf per document, and the fact pages.
 * The code is in layers: docs_cursor.c reads the rows, docmodel.c composes
 * a document from them (a pure function), docs_xml.c, docs_pdf.c and the
 * register here write the model, and this file is the pipeline.
 *  4. The document rows (COPY), and period_state 'published'.
 * Parts: a branch's first publication is part 1, its packages CHANNEL.zip.
 * Documents issued for a published branch afterwards (accounts billed
 * since: loaded after publication, legal entities after the households)
 * are part 2, 3... (document.part), in supplementary packages
 * CHANNEL-N.zip of their own, with their own manifest (fact part=N), so
 * that a published package is never rewritten for them.  Re-issuing a
 * published branch writes each part's packages with that part's
 * documents; with o->resume (the month job) only the new part and the
 * packages not in place (docs_packages_missing()).
 * Re-issuing a published period recomputes every document and refuses
 * (ERR_DATA) when one already issued would change (its total, due date or
 * QR): an issued document is never silently altered; corrections go to the
 * next period as recalculation lines.  Otherwise the documents XML and the
 * register's cells come out the same; the manifests differ in the run id.
 * Memory does not grow with the number of accounts: the accounts are read
 * through cursors, a batch at a time, and sorted by PostgreSQL.  Each
 * branch has a reader connection (numbering, cursors) and a writer (the
 * lock, the document rows, publishing); the reader only reads and the
 * writer commits.  The work overlaps on threads, every connection used by
 * one thread at a time: a prefetch thread fetches each cursor's next batch
 * while the current one is written; a writer thread stores the rows by
 * COPY in batches of 4096 (one COPY each, so the server indexes and checks
 * the foreign keys of one batch while the next is made); each package's
 * thread writes its register and its legal entities' invoices and УПДs
 * (upd_docs.h, a writer with its own connection, passed from a finished
 * package to the next) and then zips and hashes the package while the
 * next channel is written (edo first, whose УПДs are the most of it); and
 * the next branch is locked, numbered and
 * its cursors opened (on a second pair of connections) while this one is
 * written, the second branch's beside the first's head.  Branches still
 * commit one after the other, in code order.
 */
#ifndef SBYT_DOCS_H
#define SBYT_DOCS_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "faults.h"
#include "money.h"

#define DOCS_CHANNELS 4
#define DOCS_PRINT_VOLUME 10000  /* documents per print file unless SBYT_PRINT_VOLUME */

struct docs_opts {
	const char *conninfo;       /* for the stage's own connections (readers,
	                               and writers with several branches); NULL:
	                               the default of db_connect() */
	speriod period;
	const char *branch;         /* NULL: every branch that has the period billed */
	const char *rules_dir;
	const char *out_dir;        /* packages go to OUT/docs/YYYY-MM/BRANCH/ */
	const char *rules_version;  /* for the manifests */
	int64_t run_id;             /* for the manifests and the rows */
	sdate as_of;                /* issued_on of new documents */
	int pdf;                    /* 1: the PDFs too (docs_pdf.h): post.zip gets
	                               documents.pdf, email.zip and lkk.zip one
	                               ACCOUNT-YYYY-MM.pdf per document */
	int render_threads;         /* for the per-document PDFs; 0: processors */
	int print_volume;           /* documents per print file (documents.pdf,
	                               documents-2.pdf...); 0: one file */
	int64_t number_base;        /* new documents are numbered from number_base + 1
	                               (a shard's range, lib/shard.h); 0 on one server */
	int resume;                 /* a published branch: only its new documents (the
	                               next part) and the packages of earlier parts
	                               that are not in place are written; 0: every
	                               part is written again */
	/* Called after each package is in place (may be NULL). */
	void (*on_package)(void *arg, const char *path, const char *sha256, int64_t bytes);
	void *arg;
	struct progress *progress;  /* may be NULL: one step per document (log.h) */
};

struct docs_result {
	int branches;               /* branches published */
	int64_t documents;          /* documents in the packages */
	int64_t issued;             /* of them, numbered by this run */
	int packages;
	money total;                /* sum of the documents' totals */
	double t_number, t_open, t_write;  /* seconds: numbering, opening the
	                                      cursors, writing the documents */
	double t_rows;                     /* of t_write: storing the rows */
	int64_t pages;                     /* PDF pages rendered */
	double t_render;                   /* CPU seconds of the rendering threads */
};

/* The channel's name ("post", "email", "lkk", "edo"), NULL out of range. */
const char *docs_channel_name(int channel);

/* Run the stage on db (no transaction open).  Returns 0 with r filled, or
 * -1 with e set: ERR_DATA "period not billed" when a branch (or, without
 * a branch, every branch) has the period open or not billed at all, or a
 * published document would change; ERR_CONFIG with faults added to f when
 * the rules are invalid; ERR_IO / ERR_CANTCREATE when an output cannot be
 * written (no package is left half-written; the branch's transaction is
 * rolled back, so its period stays 'billed'); ERR_DB when the server is
 * lost.  Branches are processed in code order; those done before a failure
 * stay published. */
int docs_run(PGconn *db, const struct docs_opts *o, struct docs_result *r, struct faults *f,
	     struct sbyt_err *e);

/* The packages of branch's published documents of period (one per part
 * and channel, from the document rows) that are not in place under
 * out_dir: missing, or not of the size the run that wrote them last
 * recorded (run_file).  0 with *n set and, when keys is not NULL, *keys a
 * malloc'd text array literal of "PART:CHANNEL-INDEX" (the caller frees
 * it); -1 with e set. */
int docs_packages_missing(PGconn *db, const char *out_dir, speriod period, const char *branch,
			  char **keys, int *n, struct sbyt_err *e);

/* Reprint one issued payment document as PDF (docs_pdf.h): the document
 * of account for o->period is read and composed as `sbyt docs` does it and
 * drawn into path (a temporary file, synced, renamed; mode 0640).  Only
 * o->period and o->rules_dir are used.  Returns 0 with *pages set, or -1
 * with e set: ERR_DATA when the account is unknown, has no document for
 * the period (the period is not published), or its document would no
 * longer come out as issued (the data changed since); ERR_CONFIG with
 * faults added to f; ERR_CANTCREATE / ERR_IO; ERR_DB. */
int docs_reprint(PGconn *db, const struct docs_opts *o, const char *account, const char *path,
		int *pages, struct faults *f, struct sbyt_err *e);

#endif
