/*
 * limit_out.h - the day's limitation packages (SPEC 9.4).
 *
 * limit_write_day() reads what the database holds for one day - the notices
 * issued, the grid requests issued and the register of steps taken - and
 * writes, per branch, out/limit/YYYY-MM-DD/<branch>/<kind>.zip for each kind
 * that has something (notices-post with mailing.csv, notices-sms,
 * notices-email, notices-edo, notices-lkk, notices-personal (handed over
 * against signature), notices-authorities,
 * grid-requests; XML in urn:sbyt:limitation:1 plus the manifest) and
 * register.xlsx.  Built from the database state, not from one process's
 * memory, so a killed run started again writes the same packages (the
 * notices and requests on a thread of their own while the registers are
 * read and written: the files are the same, only their order in time is
 * not).  Notices
 * inside payment documents are not packaged: they wait in
 * limit_doc_warning for the docs job.
 *
 * Beside the XML, the PDFs a person reads (notice_pdf.h) when env->texts
 * is set: notices-post and notices-personal carry notices.pdf, one print
 * file with every notice in notices.xml's order, each from a new page;
 * e-mail, EDO, portal and the authorities' copies one ACCOUNT-NOTICE.pdf per
 * notice; grid-requests one ACCOUNT-REQUEST.pdf per request; SMS none.
 * The manifest counts the pages.
 */
#ifndef SBYT_LIMIT_OUT_H
#define SBYT_LIMIT_OUT_H

#include <libpq-fe.h>
#include <stdint.h>

#include "date.h"
#include "error.h"
#include "job.h"
#include "limit.h"
#include "sha256.h"

struct limit_out_counts {
	int64_t packages, notices, requests, registers;
};

/* The e-mail and authorities' packages limit_write_mail() wrote, each
 * with the digest of the rows it was made of: limit_write_day() leaves
 * one whose rows are the same as it is (the same bytes but for the zip's
 * times), and counts it.  Zeroed by the caller, freed by
 * limit_mailed_release(). */
struct limit_mailed {
	int n, cap;
	struct limit_mailed_pkg {
		char *branch, *kind;
		char digest[SHA256_HEX];
		int notices;
	} *v;
};
void limit_mailed_release(struct limit_mailed *m);

/* Write the packages of env->day under out_dir/limit/YYYY-MM-DD/; each
 * file is recorded on j (may be NULL); an e-mail or authorities' package
 * in mailed (may be NULL) whose rows are unchanged is left as written.  Each Notice and Request carries
 * its Russian <Text citation="..."> from the rules' templates (limit_text.h).
 * Returns 0 (counts in *n) or -1 with e set (ERR_CANTCREATE, ERR_IO, ERR_DB,
 * ERR_CONFIG: a text the rules lack). */
int limit_write_day(PGconn *db, const struct limit_env *env, const char *out_dir,
		    struct job *j, const char *rules_version, const struct limit_mailed *mailed,
		    struct limit_out_counts *n, struct sbyt_err *e);

/* Write only the e-mail and authorities' notice packages of env->day (the
 * notices sent when their package is written), as limit_write_day() writes
 * them; counts in *n, what was written in *mailed (may be NULL), for
 * limit_write_day().  0, or -1 with e set (as limit_write_day()). */
int limit_write_mail(PGconn *db, const struct limit_env *env, const char *out_dir,
		     struct job *j, const char *rules_version, struct limit_mailed *mailed,
		     struct limit_out_counts *n, struct sbyt_err *e);

/* Reprint notice `id` (not one inside a payment document) and each grid
 * request resting on it as the packages hold them, into
 * dir/ACCOUNT-ID.pdf (created 0640 through a temporary file; the PDF's
 * creation date is the notice's or request's issue date, so the bytes are
 * the package's); emit(path, arg) for each file written.  env needs texts
 * and sup.  0, or -1 with e set (ERR_DATA: no such notice; ERR_CANTCREATE,
 * ERR_IO, ERR_DB, ERR_CONFIG). */
int limit_render_notice(PGconn *db, const struct limit_env *env, const char *id,
			const char *dir, void (*emit)(const char *path, void *arg), void *arg,
			struct sbyt_err *e);

#endif
