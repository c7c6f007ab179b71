/* cmd_report.c - sbyt report NAME: XLSX reports for auditors (SPEC 11).
 *
 * Adding a report: write its lib/report_NAME.c (see lib/report.h), a
 * `static int rep_NAME(int argc, char **argv, struct sbyt_ctx *ctx)` here
 * that parses its own options (argv[0] is the report name), an entry in
 * `reports`, its usage line in `help` and in man/sbyt-report.1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "debt.h"
#include "log.h"
#include "report.h"
#include "sha256.h"

static const char help[] =
	"usage: sbyt report aging [--as-of DATE]\n"
	"   or: sbyt report reconciliation --account N --from DATE --to DATE\n"
	"\n"
	"Write an XLSX report for auditors to $SBYT_OUT/reports/ (through a temporary\n"
	"name, then renamed; mode 0640).  Each run is recorded as job 'report-NAME'.\n"
	"\n"
	"  aging            overdue debt by account in buckets of 0-30, 31-90, 91-180\n"
	"                   and over 180 days from each period's due date, penalties,\n"
	"                   totals per branch and a chart: aging-YYYY-MM-DD.xlsx\n"
	"  reconciliation   the reconciliation act (акт сверки) of one legal account:\n"
	"                   reconciliation-ACCOUNT-FROM-TO.xlsx\n"
	"\n"
	"  --as-of DATE     the date of the debt (default: the global --as-of, today)\n"
	"  --account N      the account (10 digits)\n"
	"  --from DATE      first day of the act\n"
	"  --to DATE        last day of the act\n";

/* Record the finished report in the run record and put it in place. */
static int finish(struct sbyt_ctx *ctx, struct job *j, const char *tmp, const char *final)
{
	char hex[SHA256_HEX];
	int64_t bytes;

	if (report_commit(tmp, final, &ctx->err) || sha256_file(final, hex, &bytes, &ctx->err) ||
	    job_file(j, "out", final, hex, bytes, &ctx->err))
		return -1;
	return 0;
}

static int rep_aging(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct penalty_rules r;
	struct aging_totals t;
	struct job j;
	char name[64], final[4096], tmp[4160], db_[DATE_BUF], m1[MONEY_BUF], m2[MONEY_BUF];
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		if (c == 'a' && date_parse(optarg, -1, &ctx->as_of) == 0) {
			ctx->as_of_given = 1;
			continue;
		}
		return cmd_usage_error("report", c == 'a' ? "invalid date '%s' (YYYY-MM-DD)"
				       : "unknown option%s", c == 'a' ? optarg : "");
	}
	if (optind != argc)
		return cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
	snprintf(name, sizeof(name), "aging-%s", date_format(ctx->as_of, db_));
	if (cmd_penalty_rules(ctx, &r))
		return cmd_fail(ctx);
	if (report_paths(ctx->out_dir, name, final, tmp, sizeof(final), &ctx->err)) {
		penalty_rules_release(&r);
		return cmd_fail(ctx);
	}
	if (cmd_job_begin(ctx, &j, "report-aging")) {
		penalty_rules_release(&r);
		return cmd_fail(ctx);
	}
	rc = report_aging(ctx->db, &r, ctx->as_of, tmp, &t, &ctx->err);
	penalty_rules_release(&r);
	if (rc == 0)
		rc = finish(ctx, &j, tmp, final);
	if (rc) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "accounts", t.accounts);
	job_count(&j, "branches", t.branches);
	job_count(&j, "principal", t.principal);
	job_count(&j, "penalty", t.penalty);
	log_summary("report", "name=aging as_of=%s accounts=%lld principal=%s penalty=%s file=%s",
		    db_, (long long)t.accounts, money_format(t.principal, m1),
		    money_format(t.penalty, m2), final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_reconciliation(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct penalty_rules r;
	struct recon_result res;
	struct job j;
	char name[96], final[4096], tmp[4160], fb[DATE_BUF], tb[DATE_BUF];
	char m1[MONEY_BUF], m2[MONEY_BUF], m3[MONEY_BUF];
	const char *acct = NULL;
	sdate from = 0, to = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': return cmd_help(help);
		case 'n':
			if (strlen(optarg) != 10 || strspn(optarg, "0123456789") != 10)
				return cmd_usage_error("report", "account must be 10 digits");
			acct = optarg;
			break;
		case 'f':
		case 't':
			if (date_parse(optarg, -1, c == 'f' ? &from : &to))
				return cmd_usage_error("report", "invalid date '%s' (YYYY-MM-DD)", optarg);
			break;
		default: return cmd_usage_error("report", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (!acct || !from || !to)
		return cmd_usage_error("report", "reconciliation needs --account, --from and --to");
	if (from > to)
		return cmd_usage_error("report", "--from is after --to");
	snprintf(name, sizeof(name), "reconciliation-%s-%s-%s", acct, date_format(from, fb),
		 date_format(to, tb));
	if (cmd_penalty_rules(ctx, &r))
		return cmd_fail(ctx);
	if (report_paths(ctx->out_dir, name, final, tmp, sizeof(final), &ctx->err)) {
		penalty_rules_release(&r);
		return cmd_fail(ctx);
	}
	if (cmd_job_begin(ctx, &j, "report-reconciliation")) {
		penalty_rules_release(&r);
		return cmd_fail(ctx);
	}
	rc = report_recon(ctx->db, &r, ctx->rules_dir, strtoll(acct, NULL, 10), from, to, tmp,
			  &res, &ctx->err);
	penalty_rules_release(&r);
	if (rc == 0)
		rc = finish(ctx, &j, tmp, final);
	if (rc) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "rows", res.rows);
	log_summary("report", "name=reconciliation account=%s rows=%lld opening=%s closing=%s "
		    "penalty=%s file=%s", acct, (long long)res.rows, money_format(res.opening, m1),
		    money_format(res.closing, m2), money_format(res.penalty, m3), final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static const struct {
	const char *name;
	int (*fn)(int, char **, struct sbyt_ctx *);
} reports[] = {
	{ "aging", rep_aging },
	{ "reconciliation", rep_reconciliation },
};

int cmd_report(int argc, char **argv, struct sbyt_ctx *ctx)
{
	if (argc < 2)
		return cmd_usage_error("report", "expected a report name");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(help);
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(argv[1], reports[i].name) == 0) {
			optind = 0;  /* GNU: full reset for the report's options */
			return reports[i].fn(argc - 1, argv + 1, ctx);
		}
	return cmd_usage_error("report", "unknown report '%s'", argv[1]);
}
