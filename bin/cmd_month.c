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
 * the period yet; a kind with documents is not billed again.
 *
 * month resumes: in a branch published for a kind by an earlier run (one
 * killed, stopped by a full disk on a later branch, or the scheduled run
 * of the 28th after the 26th's) only the accounts of that kind without a
 * document of the period are billed (billrun_opts.unissued), the other
 * branches in full (branch by branch); a branch is issued only when this
 * run billed in it or a package of its documents is not in place
 * (docs_packages_missing(): a run killed between its commit and the
 * renames), and a published one only for that (docs_opts.resume: the new
 * documents go in the branch's next part, CHANNEL-N.zip; a published
 * package is never rewritten).  A published branch with nothing new and
 * its packages in place is skipped: its documents stand, and a payment
 * that came after them shows in the next period's document.
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
	"later run.  month resumes: in a branch published by an earlier run only\n"
	"the accounts without a document of the period are billed (loaded since,\n"
	"or refused then), and their documents go out in the branch's next part,\n"
	"supplementary packages CHANNEL-2.zip...: a published package is never\n"
	"rewritten.  A published branch with nothing new and its packages in place\n"
	"is left as it is (skipped=N); a package not in place is written again.\n"
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

static void docs_add(struct docs_result *t, const struct docs_result *r)
{
	t->branches += r->branches;
	t->documents += r->documents;
	t->issued += r->issued;
	t->packages += r->packages;
	t->total += r->total;
}

/* Resume a period one of whose branches an earlier run published: bill
 * each kind of bill[] in each branch (a branch published for it: only its
 * accounts that have no document of the period, billrun_opts.unissued),
 * then issue every branch that has new documents or packages not in place
 * (a published branch: only those, in its next part; docs_opts.resume).
 * 0 or -1 with ctx->err set. */
static int month_resume(struct sbyt_ctx *ctx, struct job *j, speriod period, PGresult *st,
			int bill[K_N], struct billrun_stats *bs, struct docs_result *r,
			int *skipped)
{
	char pbuf[PERIOD_BUF];
	int did[K_N] = { 0, 0 };

	for (int i = 0; i < PQntuples(st); i++) {
		const char *code = PQgetvalue(st, i, 0);
		int billed = 0, added = 0, missing = 0;

		for (int k = 0; k < K_N; k++) {
			struct billrun_opts o;
			struct billrun_stats b;
			int pub = 0;

			if (!bill[k])
				continue;
			if (billrun_published(ctx->db, period, code, kind_name[k], &pub, &ctx->err))
				return -1;
			memset(&o, 0, sizeof(o));
			o.period = period;
			o.branch = code;
			o.kind = kind_name[k];
			o.unissued = pub;  /* else: every account (none has a document) */
			if (cmd_bill_stage(ctx, j, &o, &b))
				return -1;
			bs->accounts += b.accounts;
			bs->refused += b.refused;
			if (pub && b.documents > 0)
				added += (int)b.documents;
			if (!pub || b.documents > 0)
				billed = did[k] = 1;
		}
		if (!strcmp(PQgetvalue(st, i, 1), "published")) {
			if (docs_packages_missing(ctx->db, ctx->out_dir, period, code, NULL, &missing,
						  &ctx->err))
				return -1;
			if (added)
				log_info("branch '%s' of %s is published: %d account(s) billed since are"
					 " issued in its next part", code, period_format(period, pbuf),
					 added);
			if (missing)
				log_info("branch '%s' of %s is published without its packages: issuing"
					 " them again", code, period_format(period, pbuf));
			if (!billed && !missing) {
				log_info("branch '%s' of %s is published and its packages are in place:"
					 " not issued again", code, period_format(period, pbuf));
				(*skipped)++;
				continue;
			}
		} else if (!billed) {
			continue;           /* not billed: nothing to issue */
		}
		struct docs_result d;
		if (cmd_docs_stage(ctx, j, period, code, 1, &d))
			return -1;
		docs_add(r, &d);
	}
	for (int k = 0; k < K_N; k++)
		bill[k] = did[k];
	return 0;
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
	int bill[K_N] = { 0, 0 }, nbill = 0, issue = 0, npub = 0, skipped = 0;
	PGresult *st = NULL;
	char sk[32] = "";
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
	if (!(st = branch_states(ctx, period)))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	for (int i = 0; i < PQntuples(st); i++)
		npub += !strcmp(PQgetvalue(st, i, 1), "published");
	for (int k = 0; k < K_N; k++) {
		if (!want[k])
			continue;
		if (billrun_published(ctx->db, period, NULL, kind_name[k], &published[k], &ctx->err)) {
			PQclear(st);
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		}
		if (ctx->as_of <= in[k] && !published[k]) {
			log_info("%s readings of %s are in after %s: not billed yet", kind_name[k],
				 period_format(period, pbuf), date_format(in[k], dbuf));
		} else if (npub > 0) {
			/* resumed: the branches not published for it are billed */
			bill[k] = ctx->as_of > in[k];
		} else {
			bill[k] = 1;
			nbill++;
		}
	}
	if (npub > 0) {
		log_info("period %s: %d branch(es) published by an earlier run: only what is"
			 " missing is billed and issued", period_format(period, pbuf), npub);
		if (month_resume(ctx, &j, period, st, bill, &bs, &r, &skipped)) {
			PQclear(st);
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		}
		log_verbose("month (resumed): %.2f s", log_now() - t0);
		if (bill[K_INDIVIDUAL] || published[K_INDIVIDUAL])
			cmd_docs_breach(ctx, &j, period, "the month job");
		if (bill[K_LEGAL] || published[K_LEGAL])
			legal_breach(ctx, &j, &br, period);
	}
	PQclear(st);
	if (npub == 0 && nbill) {
		struct billrun_opts o;

		memset(&o, 0, sizeof(o));
		o.period = period;
		o.kind = nbill == K_N ? NULL : kind_name[bill[K_LEGAL] ? K_LEGAL : K_INDIVIDUAL];
		if (cmd_bill_stage(ctx, &j, &o, &bs))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("bill stage: %.2f s", log_now() - t0);
	}
	if (npub == 0 && (nbill || issue)) {
		t0 = log_now();
		if (cmd_docs_stage(ctx, &j, period, NULL, 1, &r))
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_verbose("docs stage: %.2f s", log_now() - t0);
		if (bill[K_INDIVIDUAL] || published[K_INDIVIDUAL])
			cmd_docs_breach(ctx, &j, period, "the month job");
		if (bill[K_LEGAL] || published[K_LEGAL])
			legal_breach(ctx, &j, &br, period);
	}
	if (skipped)
		snprintf(sk, sizeof(sk), " skipped=%d", skipped);
	log_summary("month", "period=%s accounts=%lld documents=%lld packages=%d total=%s"
		    " billed=%s%s refused=%lld", period_format(period, pbuf),
		    (long long)(bill[K_INDIVIDUAL] || bill[K_LEGAL] ? bs.accounts : r.documents),
		    (long long)r.documents,
		    r.packages, money_format(r.total, tbuf),
		    bill[K_INDIVIDUAL] && bill[K_LEGAL] ? "individual,legal" : bill[K_INDIVIDUAL]
		    ? "individual" : bill[K_LEGAL] ? "legal" : "none", sk, (long long)bs.refused);
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
