/*
 * cmd_month.c - sbyt month --period P: the monthly cron job, the bill stage
 * then the docs stage for the period, in one job frame ("month").
 *
 * The stages are library code (lib/billrun, lib/docs) with thin stage
 * functions that the bill, docs and month commands share; no command calls
 * another's.  A period already published is not billed again: month then
 * only re-issues its documents.
 */
#include <getopt.h>
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
	"  --period YYYY-MM   the period (required)\n"
	"\n"
	"Exit status: as `sbyt docs`; 75 when a month, bill or docs run holds the lock;\n"
	"65 when accounts were refused for their data: the rest completed, each\n"
	"refused account is in out/rejects/month-YYYY-MM-runN.accounts.csv.\n";

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
	int published = 0;
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
	memset(&bs, 0, sizeof(bs));
	t0 = log_now();
	if (!period_published(ctx, period, &published))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	if (!published) {
		struct billrun_opts o;

		memset(&o, 0, sizeof(o));
		o.period = period;
		if (cmd_bill_stage(ctx, &j, &o, &bs))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("bill stage: %.2f s", log_now() - t0);
	} else {
		log_info("period %s is published: documents are re-issued, not billed again",
			 period_format(period, pbuf));
	}
	t0 = log_now();
	if (cmd_docs_stage(ctx, &j, period, NULL, &r))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	log_verbose("docs stage: %.2f s", log_now() - t0);
	cmd_docs_breach(ctx, &j, period, "the month job");
	log_summary("month", "period=%s accounts=%lld documents=%lld packages=%d total=%s refused=%lld",
		    period_format(period, pbuf), (long long)(published ? r.documents : bs.accounts),
		    (long long)r.documents, r.packages, money_format(r.total, tbuf),
		    (long long)(published ? 0 : bs.refused));
	if (!published && bs.refused) {
		/* a cron job: say it with the exit status, the rest completed */
		err_set(&ctx->err, ERR_DATA, "%lld accounts refused for their data (the rest "
			"completed)", (long long)bs.refused);
		err_detail(&ctx->err, "each with its reason in %s/rejects/month-%s-run%lld.accounts.csv",
			   ctx->out_dir, period_format(period, pbuf), (long long)j.run_id);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	return cmd_job_end(ctx, &j, EX_DONE);
}
