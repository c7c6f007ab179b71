/*
 * cmd_month.c - sbyt month --period P: the monthly cron job, the bill stage
 * then the docs stage for the period, in one job frame ("month").
 *
 * The stages are library code (lib/billrun, lib/docs) with thin stage
 * functions that the bill, docs and month commands share; no command calls
 * another's.
 *
 * month resumes: a branch published by an earlier run (killed, or stopped
 * by a full disk on a later branch) is not billed again, and its documents
 * are not issued again while the packages that run recorded are in place
 * (a payment that came after them shows in the next period's document);
 * the other branches are billed and issued.  A branch published without
 * its packages (a run killed between the commit and the renames) is issued
 * again.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billrun.h"
#include "cmd.h"
#include "db.h"
#include "docs.h"
#include "log.h"

static const char help[] =
	"usage: sbyt month --period YYYY-MM\n"
	"\n"
	"The monthly cron job: bill the period, then issue its payment documents\n"
	"(as `sbyt docs --period YYYY-MM` for every branch).  Documents are due out\n"
	"before the 1st of the next month: a run that finishes after the period's\n"
	"last day (the --as-of date) still completes and records the deadline\n"
	"breach in its run record, shown by `sbyt status`.\n"
	"\n"
	"month resumes: branches published by an earlier run are not billed again,\n"
	"nor issued again while their packages are in place (skipped=N); the others\n"
	"are billed and issued; a branch published without its packages is issued\n"
	"again.\n"
	"\n"
	"  --period YYYY-MM   the period (required)\n"
	"\n"
	"Exit status: as `sbyt docs`; 75 when a month, bill or docs run holds the lock.\n";

/* Whether every branch with a state for the period has published it (and
 * at least one has).  Returns 1 with *published set, 0 with ctx->err set. */
static int period_published(struct sbyt_ctx *ctx, speriod period, int *published)
{
	char first[DATE_BUF], *v = NULL;
	const char *p[1] = { date_format(period_first(period), first) };

	if (db_value(ctx->db, &ctx->err, "SELECT count(*) > 0 AND bool_and(state = 'published')"
		     " FROM period_state WHERE period = $1::date", 1, p, &v))
		return 0;
	*published = v && v[0] == 't';
	free(v);
	return 1;
}

/* The branches of the period (every branch, in code order) with their
 * state ("open" when none).  NULL with ctx->err set. */
static PGresult *branch_states(struct sbyt_ctx *ctx, speriod period)
{
	char first[DATE_BUF];
	const char *p[1] = { date_format(period_first(period), first) };

	return db_query(ctx->db, &ctx->err, "SELECT b.code, coalesce(s.state, 'open')"
			" FROM branch b LEFT JOIN period_state s ON s.branch = b.code"
			" AND s.period = $1::date ORDER BY b.code", 1, p);
}

/* Whether the packages of branch's documents for period, as the last run
 * that wrote them recorded (run_file), are all in place with their sizes.
 * 0 when not (or none recorded), 1 when they are, -1 with ctx->err set. */
static int packages_in_place(struct sbyt_ctx *ctx, speriod period, const char *branch)
{
	char pbuf[PERIOD_BUF], dir[4096];
	const char *p[1] = { dir };
	PGresult *r;
	int ok;

	snprintf(dir, sizeof(dir), "%s/docs/%s/%s/", ctx->out_dir, period_format(period, pbuf),
		 branch);
	r = db_query(ctx->db, &ctx->err, "SELECT path, bytes FROM run_file WHERE direction = 'out'"
		     " AND left(path, length($1)) = $1 AND run_id = (SELECT max(run_id) FROM run_file"
		     " WHERE direction = 'out' AND left(path, length($1)) = $1)", 1, p);
	if (!r)
		return -1;
	ok = PQntuples(r) > 0;
	for (int i = 0; i < PQntuples(r) && ok; i++) {
		struct stat st;
		ok = stat(PQgetvalue(r, i, 0), &st) == 0 &&
		     (long long)st.st_size == atoll(PQgetvalue(r, i, 1));
	}
	PQclear(r);
	return ok;
}

static void docs_add(struct docs_result *t, const struct docs_result *r)
{
	t->branches += r->branches;
	t->documents += r->documents;
	t->issued += r->issued;
	t->packages += r->packages;
	t->total += r->total;
}

/* Resume a period some of whose branches were published: bill the others
 * one by one, issue the documents of every branch not published or
 * published without its packages.  Returns 0 or -1 with ctx->err set. */
static int month_resume(struct sbyt_ctx *ctx, struct job *j, speriod period, PGresult *st,
			struct billrun_stats *bs, struct docs_result *r, int *skipped)
{
	char pbuf[PERIOD_BUF];

	memset(bs, 0, sizeof(*bs));
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < PQntuples(st); i++) {
		const char *code = PQgetvalue(st, i, 0);
		struct billrun_opts o;
		struct billrun_stats b;

		if (!strcmp(PQgetvalue(st, i, 1), "published"))
			continue;
		memset(&o, 0, sizeof(o));
		o.period = period;
		o.branch = code;
		if (cmd_bill_stage(ctx, j, &o, &b))
			return -1;
		bs->accounts += b.accounts;
	}
	for (int i = 0; i < PQntuples(st); i++) {
		const char *code = PQgetvalue(st, i, 0);
		struct docs_result d;

		if (!strcmp(PQgetvalue(st, i, 1), "published")) {
			int in = packages_in_place(ctx, period, code);
			if (in < 0)
				return -1;
			if (in) {
				log_info("branch '%s' of %s is published and its packages are in place:"
					 " not issued again", code, period_format(period, pbuf));
				(*skipped)++;
				continue;
			}
			log_info("branch '%s' of %s is published without its packages: issuing them"
				 " again", code, period_format(period, pbuf));
		}
		if (cmd_docs_stage(ctx, j, period, code, &d))
			return -1;
		docs_add(r, &d);
	}
	return 0;
}

int cmd_month(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const stages[] = { "bill", "docs" };
	struct docs_result r;
	struct billrun_stats bs;
	struct job j;
	int published = 0, skipped = 0, npub = 0;
	PGresult *st;
	speriod period = 0;
	int c, have_period = 0;
	char pbuf[PERIOD_BUF], tbuf[MONEY_BUF];
	double t0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cmd_help(help);
		case 'p':
			if (period_parse(optarg, -1, &period) < 0)
				return cmd_usage_error("month", "bad period '%s', expected YYYY-MM", optarg);
			have_period = 1;
			break;
		default:
			return cmd_usage_error("month", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("month", "unexpected argument '%s'", argv[optind]);
	if (!have_period)
		return cmd_usage_error("month", "--period is required");
	if (cmd_job_begin(ctx, &j, "month"))
		return cmd_fail(ctx);
	/* the stages' own jobs must not run beside us */
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (job_lock(ctx->db, stages[i], &ctx->err))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
	t0 = log_now();
	if (!period_published(ctx, period, &published) || !(st = branch_states(ctx, period)))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	for (int i = 0; i < PQntuples(st); i++)
		npub += !strcmp(PQgetvalue(st, i, 1), "published");
	if (npub > 0) {
		if (published)
			log_info("period %s is published: only what is missing is issued",
				 period_format(period, pbuf));
		else
			log_info("period %s: %d branch(es) published by an earlier run, the others"
				 " are billed and issued", period_format(period, pbuf), npub);
		if (month_resume(ctx, &j, period, st, &bs, &r, &skipped)) {
			PQclear(st);
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		}
		PQclear(st);
		log_verbose("month (resumed): %.2f s", log_now() - t0);
		published = 1;
	} else {
		struct billrun_opts o;

		PQclear(st);
		memset(&o, 0, sizeof(o));
		o.period = period;
		if (cmd_bill_stage(ctx, &j, &o, &bs))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("bill stage: %.2f s", log_now() - t0);
		t0 = log_now();
		if (cmd_docs_stage(ctx, &j, period, NULL, &r))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("docs stage: %.2f s", log_now() - t0);
	}
	cmd_docs_breach(ctx, &j, period, "the month job");
	log_summary("month", "period=%s accounts=%lld documents=%lld packages=%d total=%s"
		    " skipped=%d", period_format(period, pbuf),
		    (long long)(published ? r.documents : bs.accounts), (long long)r.documents,
		    r.packages, money_format(r.total, tbuf), skipped);
	return cmd_job_end(ctx, &j, EX_DONE);
}
