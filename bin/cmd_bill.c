/* cmd_bill.c - sbyt bill --period YYYY-MM: bill a month (SPEC 7). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acctrej.h"
#include "billrun.h"
#include "cmd.h"
#include "faults.h"
#include "log.h"
#include "sha256.h"
#include "shard.h"
#include "tariff.h"


static const char help[] =
	"usage: sbyt bill --period YYYY-MM [--kind individual|legal] [--branch CODE] [--shard I/N]\n"
	"\n"
	"Bill the period for every account of every branch (or of one kind, of one\n"
	"branch, or the accounts with abs(hashint8(account_id)) % N = I): readings,\n"
	"estimates and norms priced with the tariffs of rules/, written as charge\n"
	"lines and obligations (SPEC 7).  Households' readings count by the window\n"
	"(15th-25th), legal entities' by calendar month (a reading dated from the\n"
	"last day of the month to the contract's readings day closes it).  A period\n"
	"can be billed again until its documents are published; a published period\n"
	"is refused (exit 65) and its corrections appear as recalculation lines of\n"
	"the next period.  With --kind legal, a period whose households' documents\n"
	"are out but whose legal entities have none yet is billed for them.\n"
	"\n"
	"Options:\n"
	"  --period YYYY-MM  the month to bill\n"
	"  --kind KIND       only households (individual) or legal entities (legal)\n"
	"  --branch CODE     only this branch\n"
	"  --shard I/N       only shard I (0..N-1) of N; shards run concurrently\n"
	"\n"
	"Ends with: sbyt bill: period=P accounts=N documents=D total=T refused=R\n"
	"(each refused account with its reason in out/rejects/bill-P-runN.accounts.csv)\n"
	"Exit status: 0 done (accounts refused for their data are reported),\n"
	"65 period published or unknown branch, 75 another run holds the lock,\n"
	"78 rules invalid or missing for the period.\n";

/* Each refused account to the rejects file (acctrej.h); the terminal gets
 * one line with the count and the first few when the stage ends. */
static void on_refused(void *arg, const char *msg)
{
	acctrej_add_msg(arg, msg);
}

int cmd_bill(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "branch", required_argument, NULL, 'b' },
		{ "kind", required_argument, NULL, 'k' },
		{ "shard", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char lock[48];
	struct billrun_opts o;
	struct billrun_stats st;
	struct job j;
	const char *period = NULL;
	char pb[PERIOD_BUF], total[MONEY_BUF];
	int c;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': return cmd_help(help);
		case 'p': period = optarg; break;
		case 'b': o.branch = optarg; break;
		case 'k':
			if (strcmp(optarg, "individual") != 0 && strcmp(optarg, "legal") != 0)
				return cmd_usage_error("bill", "invalid kind '%s' (individual or legal)",
						       optarg);
			o.kind = optarg;
			break;
		case 's':
			if (shard_parse(optarg, &o.shard_i, &o.shard_n))
				return cmd_usage_error("bill", "invalid shard '%s' (I/N with 0 <= I < N)",
						       optarg);
			break;
		default: return cmd_usage_error("bill", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("bill", "unexpected argument '%s'", argv[optind]);
	if (!period)
		return cmd_usage_error("bill", "--period YYYY-MM is required");
	if (period_parse(period, -1, &o.period))
		return cmd_usage_error("bill", "invalid period '%s' (YYYY-MM)", period);

	/* Shards lock "bill:I/N", so that the shards of one run go together. */
	if (o.shard_n)
		snprintf(lock, sizeof(lock), "bill:%d/%d", o.shard_i, o.shard_n);
	else
		snprintf(lock, sizeof(lock), "bill");
	if (cmd_job_begin(ctx, &j, lock))
		return cmd_fail(ctx);
	if (cmd_bill_stage(ctx, &j, &o, &st))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	log_summary("bill", "period=%s accounts=%lld documents=%lld total=%s refused=%lld",
		    period_format(o.period, pb), (long long)st.accounts, (long long)st.documents,
		    money_format(st.total, total), (long long)st.refused);
	return cmd_job_end(ctx, &j, EX_DONE);
}

int cmd_bill_stage(struct sbyt_ctx *ctx, struct job *j, struct billrun_opts *o,
		   struct billrun_stats *st)
{
	struct faults f = FAULTS_INIT;
	struct tariff_rules *rules = NULL;
	struct progress prog;
	struct acctrej ref;
	char pb[PERIOD_BUF], line[1024];
	const char *env;
	double started;
	int rc;

	memset(&prog, 0, sizeof(prog));
	memset(st, 0, sizeof(*st));
	if (tariff_rules_load(ctx->rules_dir, &rules, &f) < 0) {
		faults_print(&f, stderr);
		faults_release(&f);
		return err_set(&ctx->err, ERR_CONFIG, "the billing rules in '%s' are invalid",
			       ctx->rules_dir);
	}
	faults_release(&f);
	o->run_id = j->run_id;
	o->conninfo = ctx->conninfo;
	o->workers = 2;
	env = getenv("SBYT_BILL_WORKERS");
	if (env && *env)
		o->workers = atoi(env);
	started = log_now();
	o->progress = &prog;
	o->count_first = isatty(2) && log_verbosity() >= LOG_NORMAL;
	if (acctrej_init(&ref, ctx->out_dir, j->name, period_format(o->period, pb), j->run_id,
			 &ctx->err)) {
		tariff_rules_free(rules);
		return -1;
	}
	o->refused = on_refused;
	o->arg = &ref;
	rc = billrun(ctx->db, rules, o, st, &ctx->err);
	if (rc)
		acctrej_abort(&ref);
	else if (acctrej_close(&ref, st->refused, &ctx->err))
		rc = -1;
	else if (ref.n) {
		char sha[SHA256_HEX];
		int64_t bytes;

		if (sha256_file(ref.path, sha, &bytes, &ctx->err) ||
		    job_file(j, "out", ref.path, sha, bytes, &ctx->err))
			rc = -1;
	}
	progress_end(&prog);
	tariff_rules_free(rules);
	job_count(j, "accounts", st->accounts);
	job_count(j, "documents", st->documents);
	job_count(j, "refused", st->refused);
	job_count(j, "lines", st->lines);
	job_count(j, "obligations", st->obligations);
	job_count(j, "total", st->total);
	if (rc)
		return -1;
	if (ref.n)
		log_warn("%s", acctrej_line(&ref, "refused for their data, not billed", line,
					     sizeof(line)));
	log_verbose("branches=%d lines=%lld obligations=%lld consumption=%lld refused=%lld"
		    " older_readings=%lld", st->branches, (long long)st->lines,
		    (long long)st->obligations, (long long)st->consumption, (long long)st->refused,
		    (long long)st->held);
	log_verbose("estimation windows: from_summary=%lld from_consumption=%lld",
		    (long long)st->windows, (long long)(st->accounts - st->windows));
	log_verbose("timings: read %.2f s, bill %.2f s, write %.2f s, total %.2f s", st->t_read,
		    st->t_bill, st->t_write, log_now() - started);
	return 0;
}
