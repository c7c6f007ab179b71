/*
 * cmd.h - what every command of the sbyt program shares.
 *
 * Adding a command: write bin/cmd_NAME.c with
 *   int cmd_NAME(int argc, char **argv, struct sbyt_ctx *ctx);
 * (argv[0] is the command name; the return value is the exit status), add
 * it to the table in bin/sbyt.c, write man/sbyt-NAME.1 whose SYNOPSIS
 * matches the "usage:" lines of --help (tests/t/0001 checks), a test in
 * tests/t/, and a line in the README.
 */
#ifndef SBYT_CMD_H
#define SBYT_CMD_H

#include <libpq-fe.h>

#include "conf.h"
#include "date.h"
#include "error.h"
#include "ingest.h"
#include "job.h"

/* sysexits(3) values: the exit statuses of SPEC section 12. */
enum {
	EX_DONE = 0, EX_USAGE_ = 64, EX_DATAERR_ = 65, EX_NOINPUT_ = 66,
	EX_UNAVAILABLE_ = 69, EX_SOFTWARE_ = 70, EX_CANTCREAT_ = 73, EX_IOERR_ = 74,
	EX_TEMPFAIL_ = 75, EX_NOPERM_ = 77, EX_CONFIG_ = 78
};

struct sbyt_ctx {
	const char *conninfo;   /* --db, or NULL for the default (db.h) */
	const char *rules_dir;  /* --rules, $SBYT_RULES, ./rules or the installed copy */
	const char *out_dir;    /* --out, $SBYT_OUT or ./out */
	sdate as_of;            /* --as-of, or today in Asia/Yekaterinburg */
	int as_of_given;
	int verbosity;
	int argc;               /* the whole command line, for run records */
	char **argv;
	PGconn *db;             /* opened by cmd_connect(), closed by main */
	int any_schema;         /* set by `db`: connect without the schema check */
	int shard_i, shard_n;   /* --shard I/N (shard_n 0: none): shard I's server */
	const struct conf *conf;/* sbyt.conf as read (the shard map) */
	struct sbyt_err err;
};

/* The exit status that an error kind maps to. */
int cmd_exit_code(enum err_kind kind);
/* Print ctx->err (message, detail) and return its exit status. */
int cmd_fail(struct sbyt_ctx *ctx);
/* Print "sbyt CMD: MESSAGE" and the --help hint; returns 64. */
int cmd_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print a command's help text to stdout; returns 0. */
int cmd_help(const char *text);
/* Print row of res, its first ncols values separated by ';', to stdout, with
 * control characters escaped (scrub.h: ids, names and text from outside),
 * and a newline: a line of a listing. */
void cmd_print_row(const PGresult *res, int row, int ncols);
/* Connect ctx->db once and check that the database holds this program's
 * schema: not initialised, or missing a migration, is ERR_CONFIG (exit 78)
 * with the `sbyt db init` / `sbyt db migrate` to run (ctx->any_schema skips
 * this, for `db`).  Returns 0, or -1 with ctx->err set (ERR_DB: exit 69). */
int cmd_connect(struct sbyt_ctx *ctx);

/* Connect and open the job frame (lock, run record with the rules version)
 * for job `name`.  Returns 0, or -1 with ctx->err set (ERR_LOCKED: exit 75). */
int cmd_job_begin(struct sbyt_ctx *ctx, struct job *j, const char *name);
/* Close the run record with exit status rc (and ctx->err's message when rc
 * is not 0); returns rc. */
int cmd_job_end(struct sbyt_ctx *ctx, struct job *j, int rc);

int cmd_bill(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_db(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_load(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_rules(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_status(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_ingest(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_review(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_appeal(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_contract(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_remind(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_daily(int argc, char **argv, struct sbyt_ctx *ctx);

/* Shared by ingest and daily (bin/cmd_ingest.c): run n files (paths[i]
 * of channel chs[i], CH_NONE: told from its content) through ingest_one()
 * inside job j, two at a time where neither can change the other's
 * decisions (lib/ingest_lanes.h); each, in the order given, gets its
 * reject lines and summary line printed (`sbyt CMD: file=...`), its files
 * recorded and its counts added to t (a refused or missing file's exit
 * status goes to t->first_error), and is then passed to after(arg, i,
 * res, refused) when after is not NULL (refused: the file failed on its
 * data or was missing, ctx->err says why).  Returns 0, or -1 with
 * ctx->err set when the job must stop (a file's failure, or after()
 * returning nonzero): the files not started then are not reported. */
struct ingest_totals {
	int files, noop, refused, first_error;
	struct ingest_counts n;
};
int ingest_run_files(struct sbyt_ctx *ctx, struct job *j, const struct ingest_opts *o,
		     const char *cmd, const char *const *paths, const enum ingest_channel *chs, int n,
		     struct ingest_totals *t,
		     int (*after)(void *arg, int i, const struct ingest_result *res, int refused),
		     void *arg);
/* The total line `sbyt CMD: files=N read=...`. */
void ingest_totals_print(const char *cmd, const struct ingest_totals *t);
int cmd_calendar(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_limit(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_docs(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_month(int argc, char **argv, struct sbyt_ctx *ctx);

struct billrun_opts;
struct billrun_stats;
/* The bill stage inside job j (bin/cmd_bill.c): loads the billing rules,
 * bills o->period (o's period, branch and shard set by the caller), sets
 * the job's counts.  Returns 0, or -1 with ctx->err set. */
int cmd_bill_stage(struct sbyt_ctx *ctx, struct job *j, struct billrun_opts *o,
		   struct billrun_stats *st);

/* What a day's limitation stage did. */
struct limit_day {
	int working;
	int64_t deliveries, accounts, notices, requests, cancelled, packages, pending;
	int64_t caught_up;        /* earlier days whose packages this run wrote */
	int64_t refused;          /* accounts left waiting, in OUT/rejects/limit-DATE-runN.accounts.csv */
	char pending_msg[256];
};
/* The limitation stage of one day inside job j (bin/limit_cmds.c): records
 * deliveries, advances the cases on a working day, writes the day's
 * packages; sets the job's counts.  Returns 0, or -1 with ctx->err set. */
int cmd_limit_stage(struct sbyt_ctx *ctx, struct job *j, struct limit_day *k);

struct docs_result;
/* The docs stage inside job j (bin/cmd_docs.c): packages recorded as the
 * run's outputs, counts set.  resume: docs_opts.resume (a published branch:
 * only its new part and its packages not in place).  Returns 0, or -1 with
 * ctx->err set. */
int cmd_docs_stage(struct sbyt_ctx *ctx, struct job *j, speriod period, const char *branch,
		   int resume, struct docs_result *r);
/* Record a deadline breach in j when the as-of date is after the period's
 * last day (documents are due out before the 1st of the next month). */
void cmd_docs_breach(struct sbyt_ctx *ctx, struct job *j, speriod period, const char *what);

struct calendar;
/* Load ctx->rules_dir/calendar, printing its faults on stderr; NULL with
 * ctx->err set (ERR_CONFIG) when invalid.  bin/cmd_calendar.c. */
struct calendar *cmd_load_calendar(struct sbyt_ctx *ctx);
/* 0 when SBYT_DOCS_PDF=0 leaves the PDFs out (docs, limit), else 1. */
int cmd_docs_pdf(void);

struct service_ctx;
struct service_rules;
/* The customer-service registers' context for a command (bin/cmd_appeal.c):
 * rules/service.xml into r, the calendar into *cal (calendar_free), the
 * operator from the OS account into who.  0, or -1 with ctx->err set. */
int cmd_service_open(struct sbyt_ctx *ctx, struct service_ctx *x, struct service_rules *r,
		     struct calendar **cal, char *who, size_t size);
/* Finish a register command's change (bin/cmd_appeal.c): a rejected outcome
 * is ERR_DATA naming `what` and id; commit when all went well, else roll
 * back; free r and cal; count the change on j.  0, or -1 with ctx->err set. */
int cmd_service_close(struct sbyt_ctx *ctx, struct job *j, int rc, int out,
		      const struct service_ctx *x, const char *what, const char *id,
		      struct service_rules *r, struct calendar *cal);
int cmd_debt(int argc, char **argv, struct sbyt_ctx *ctx);
int cmd_report(int argc, char **argv, struct sbyt_ctx *ctx);

struct penalty_rules;
/* Load the penalty rules of ctx->rules_dir, printing every fault; 0, or -1
 * with ctx->err set (ERR_CONFIG).  Release with penalty_rules_release. */
int cmd_penalty_rules(struct sbyt_ctx *ctx, struct penalty_rules *r);

struct debt_filter;
struct debt_totals;
/* The debt snapshot stage inside job j (bin/cmd_debt.c): accounts whose
 * ledger is refused go to OUT/rejects/debt-DATE-runN.accounts.csv (recorded
 * on j; one warning line names the first few) and t->refused; the rest is
 * written.  0, or -1 with ctx->err set. */
int cmd_debt_stage(struct sbyt_ctx *ctx, struct job *j, const struct penalty_rules *r,
		   const struct debt_filter *f, struct debt_totals *t, int64_t *rows);

#endif
