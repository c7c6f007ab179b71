/*
 * cmd_month.c - sbyt month --period P: the monthly cron job, the bill stage
 * then the docs stage for the period, in one job frame ("month").
 *
 * The stages are library code that the bill and docs commands share; no
 * command calls another's.  The bill stage plugs in at BILL STAGE below
 * (bill_run() of lib/bill, when it lands); until then month issues the
 * documents of a period that `sbyt bill` has billed.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

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
	"Exit status: as `sbyt docs`; 75 when a month, bill or docs run holds the lock.\n";

int cmd_month(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const stages[] = { "bill", "docs" };
	struct docs_result r;
	struct job j;
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
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		int got = db_try_lock(ctx->db, stages[i], &ctx->err);
		if (got < 0)
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		if (got == 0) {
			err_set(&ctx->err, ERR_LOCKED, "another '%s' run holds the lock", stages[i]);
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		}
	}
	/* BILL STAGE: bill_run(ctx->db, ...) for the period goes here when lib/bill
	 * provides it; until then the period must have been billed by `sbyt bill`. */
	t0 = log_now();
	if (cmd_docs_stage(ctx, &j, period, NULL, &r))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	log_verbose("docs stage: %.2f s", log_now() - t0);
	cmd_docs_breach(ctx, &j, period, "the month job");
	log_summary("month", "period=%s documents=%lld packages=%d total=%s",
		    period_format(period, pbuf), (long long)r.documents, r.packages,
		    money_format(r.total, tbuf));
	return cmd_job_end(ctx, &j, EX_DONE);
}
