/*
 * cmd_month.c - sbyt month --period P [--kind K]: the monthly cron job, the
 * bill stage then the docs stage for the period, in one job frame ("month").
 *
 * The stages are library code (lib/billrun, lib/docs) with thin stage
 * functions that the bill, docs and month commands share; no command calls
 * another's.  Households and legal entities are billed on different days
 * (SPEC 6): each kind selected is billed when its readings are in as of the
 * as-of date (households after the window's last day, legal entities after
 * the latest readings day of their contracts) and it has no documents of
 * the period yet; a kind with documents is not billed again (month then
 * re-issues them).
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
#include "faults.h"
#include "tariff.h"

static const char help[] =
	"usage: sbyt month --period YYYY-MM [--kind individual|legal]\n"
	"\n"
	"The monthly cron job: bill the period, then issue its payment documents\n"
	"(as `sbyt docs --period YYYY-MM` for every branch).  Households and legal\n"
	"entities are billed when their readings are in (as of --as-of, else\n"
	"today): households after the readings window's last day (the 25th), legal\n"
	"entities after their contracts' latest readings day of the next month\n"
	"(default the 2nd).  A kind whose readings are not in yet is left for a\n"
	"later run; a kind that has documents of the period is not billed again\n"
	"(its documents are re-issued, the same numbers and content).\n"
	"Households' documents are due out before the 1st of the next month, legal\n"
	"entities' by the 5th: a run that finishes after the deadline still\n"
	"completes and records the breach in its run record, shown by `sbyt status`.\n"
	"\n"
	"  --period YYYY-MM   the period (required)\n"
	"  --kind KIND        only households (individual) or legal entities (legal)\n"
	"\n"
	"Exit status: as `sbyt bill` and `sbyt docs`; 75 when a month, bill or docs\n"
	"run holds the lock; 65 when accounts were refused for their data: the rest\n"
	"completed, each refused account is in out/rejects/month-YYYY-MM-runN.accounts.csv.\n";

enum { K_INDIVIDUAL, K_LEGAL, K_N };
static const char *const kind_name[K_N] = { "individual", "legal" };

/* The day after which a kind's readings of the period are in: households
 * the window's last day; legal entities the latest readings day of their
 * contracts (or the rules' default) in the next month. */
static int readings_in(struct sbyt_ctx *ctx, const struct billing_rules *b, speriod period,
		       sdate in[K_N])
{
	char def[12], *v = NULL;
	const char *p[1] = { def };
	int day;

	in[K_INDIVIDUAL] = period_first(period) + b->window_last - 1;
	snprintf(def, sizeof(def), "%d", b->legal_readings_day);
	if (db_value(ctx->db, &ctx->err, "SELECT greatest(max(readings_day), $1::int)"
		     " FROM contract", 1, p, &v))
		return -1;
	day = v ? atoi(v) : b->legal_readings_day;
	free(v);
	in[K_LEGAL] = billing_legal_readings_due(b, day, period);
	return 0;
}

/* Legal entities' documents are due by documentsDay of the next month. */
static void legal_breach(struct sbyt_ctx *ctx, struct job *j, const struct billing_rules *b,
			 speriod period)
{
	char p[PERIOD_BUF], d[DATE_BUF], due[DATE_BUF], text[200];
	sdate deadline = billing_legal_documents_due(b, period);

	if (ctx->as_of <= deadline)
		return;
	snprintf(text, sizeof(text), "the month job for %s (legal) finished on %s, after the"
		 " legal entities' documents day %s", period_format(period, p),
		 date_format(ctx->as_of, d), date_format(deadline, due));
	job_breach(j, deadline, text);
	log_warn("deadline breach: %s", text);
}

int cmd_month(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const stages[] = { "bill", "docs" };
	struct docs_result r;
	struct billrun_stats bs;
	struct job j;
	struct faults f = FAULTS_INIT;
	struct tariff_rules *rules = NULL;
	struct billing_rules br;
	speriod period = 0;
	sdate in[K_N];
	int c, have_period = 0, want[K_N] = { 1, 1 }, published[K_N] = { 0, 0 };
	int bill[K_N] = { 0, 0 }, nbill = 0, issue = 0;
	char pbuf[PERIOD_BUF], tbuf[MONEY_BUF], dbuf[DATE_BUF];
	double t0;

	memset(&bs, 0, sizeof(bs));
	memset(&r, 0, sizeof(r));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cmd_help(help);
		case 'p':
			if (period_parse(optarg, -1, &period) < 0)
				return cmd_usage_error("month", "bad period '%s', expected YYYY-MM", optarg);
			have_period = 1;
			break;
		case 'k':
			if (strcmp(optarg, "individual") == 0)
				want[K_LEGAL] = 0;
			else if (strcmp(optarg, "legal") == 0)
				want[K_INDIVIDUAL] = 0;
			else
				return cmd_usage_error("month", "invalid kind '%s' (individual or legal)",
						       optarg);
			break;
		default:
			return cmd_usage_error("month", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("month", "unexpected argument '%s'", argv[optind]);
	if (!have_period)
		return cmd_usage_error("month", "--period is required");
	if (tariff_rules_load(ctx->rules_dir, &rules, &f) < 0) {
		faults_print(&f, stderr);
		faults_release(&f);
		err_set(&ctx->err, ERR_CONFIG, "the billing rules in '%s' are invalid", ctx->rules_dir);
		return cmd_fail(ctx);
	}
	faults_release(&f);
	br = *tariff_billing(rules);
	tariff_rules_free(rules);
	if (cmd_job_begin(ctx, &j, "month"))
		return cmd_fail(ctx);
	/* the stages' own jobs must not run beside us */
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		if (job_lock(ctx->db, stages[i], &ctx->err))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
	t0 = log_now();
	if (readings_in(ctx, &br, period, in))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	for (int k = 0; k < K_N; k++) {
		if (!want[k])
			continue;
		if (billrun_published(ctx->db, period, NULL, kind_name[k], &published[k], &ctx->err))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		if (published[k]) {
			log_info("period %s is published for %s: documents are re-issued, not billed"
				 " again", period_format(period, pbuf), kind_name[k]);
			issue = 1;
		} else if (ctx->as_of <= in[k]) {
			log_info("%s readings of %s are in after %s: not billed yet", kind_name[k],
				 period_format(period, pbuf), date_format(in[k], dbuf));
		} else {
			bill[k] = 1;
			nbill++;
		}
	}
	if (nbill) {
		struct billrun_opts o;

		memset(&o, 0, sizeof(o));
		o.period = period;
		o.kind = nbill == K_N ? NULL : kind_name[bill[K_LEGAL] ? K_LEGAL : K_INDIVIDUAL];
		if (cmd_bill_stage(ctx, &j, &o, &bs))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("bill stage: %.2f s", log_now() - t0);
	}
	if (nbill || issue) {
		t0 = log_now();
		if (cmd_docs_stage(ctx, &j, period, NULL, &r))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("docs stage: %.2f s", log_now() - t0);
		if (bill[K_INDIVIDUAL] || published[K_INDIVIDUAL])
			cmd_docs_breach(ctx, &j, period, "the month job");
		if (bill[K_LEGAL] || published[K_LEGAL])
			legal_breach(ctx, &j, &br, period);
	}
	log_summary("month", "period=%s accounts=%lld documents=%lld packages=%d total=%s"
		    " billed=%s refused=%lld", period_format(period, pbuf),
		    (long long)(nbill ? bs.accounts : r.documents), (long long)r.documents,
		    r.packages, money_format(r.total, tbuf),
		    nbill == K_N ? "individual,legal" : bill[K_INDIVIDUAL] ? "individual"
		    : bill[K_LEGAL] ? "legal" : "none", (long long)bs.refused);
	if (bs.refused) {
		/* a cron job: say it with the exit status, the rest completed */
		err_set(&ctx->err, ERR_DATA, "%lld accounts refused for their data (the rest "
			"completed)", (long long)bs.refused);
		err_detail(&ctx->err, "each with its reason in %s/rejects/month-%s-run%lld.accounts.csv",
			   ctx->out_dir, period_format(period, pbuf), (long long)j.run_id);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	return cmd_job_end(ctx, &j, EX_DONE);
}
