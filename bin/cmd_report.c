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
#include "names.h"
#include "report.h"
#include "report_control.h"
#include "report_kpi.h"
#include "report_limitation.h"
#include "report_rejects.h"
#include "report_runs.h"
#include "report_service.h"
#include "sha256.h"

static const char help[] =
	"usage: sbyt report aging [--as-of DATE]\n"
	"   or: sbyt report reconciliation --account N --from DATE --to DATE\n"
	"   or: sbyt report runs [--from DATE] [--to DATE]\n"
	"   or: sbyt report rejects [--from DATE] [--to DATE]\n"
	"   or: sbyt report limitation [--as-of DATE]\n"
	"   or: sbyt report control-plan [--as-of DATE]\n"
	"   or: sbyt report kpi --period YYYY-MM [--appeals FILE] [--calls FILE]\n"
	"   or: sbyt report service [--as-of DATE]\n"
	"\n"
	"Write an XLSX report for auditors to $SBYT_OUT/reports/ (through a temporary\n"
	"name, then renamed; mode 0640).  Each run is recorded as job 'report-NAME'.\n"
	"\n"
	"  aging            overdue debt by account in buckets of 0-30, 31-90, 91-180\n"
	"                   and over 180 days from each period's due date, penalties,\n"
	"                   totals per branch and a chart: aging-YYYY-MM-DD.xlsx\n"
	"  reconciliation   the reconciliation act (акт сверки) of one account:\n"
	"                   reconciliation-ACCOUNT-FROM-TO.xlsx\n"
	"  runs             every job run started FROM..TO (default: the month of the\n"
	"                   as-of date up to it): who, when, inputs and outputs with\n"
	"                   SHA-256, counts, exit status, breaches: runs-FROM-TO.xlsx\n"
	"  rejects          the files ingested FROM..TO with their counts and every\n"
	"                   rejected line with its reason: rejects-FROM-TO.xlsx\n"
	"  limitation       every limitation case opened by the date with the debt and\n"
	"                   threshold behind it, and every step with its date, rule,\n"
	"                   legal citation and arithmetic: limitation-YYYY-MM-DD.xlsx\n"
	"  control-plan     households due a control reading by the end of next month\n"
	"                   (rules/control.xml): control-plan-YYYY-MM-DD.xlsx\n"
	"  kpi              the quality card of the service standard (Appendix 5)\n"
	"                   from the appeals register (or an appeals journal), the\n"
	"                   call log and sbyt's own data: kpi-YYYY-MM.xlsx, and the\n"
	"                   card as text on standard output\n"
	"  service          the appeals and contracts registers' morning list: due\n"
	"                   today, due tomorrow, overdue, done late this month, per\n"
	"                   register and branch: service-YYYY-MM-DD.xlsx\n"
	"\n"
	"  --as-of DATE     the date of the debt (default: the global --as-of, today)\n"
	"  --account N      the account (10 digits)\n"
	"  --from DATE      first day of the act\n"
	"  --to DATE        last day of the act\n"
	"  --period P       the month of the card\n"
	"  --appeals FILE   id;received_at;channel;kind;account;answered_at;extended_to\n"
	"  --calls FILE     call_id;queued_at;answered_at;ended_at;topic;abandoned\n";

/* The Russian names of codes (rules/names.xml); NULL with ctx->err set
 * (ERR_CONFIG) after printing the faults.  names_free() by the caller. */
static struct names *load_names(struct sbyt_ctx *ctx)
{
	struct faults f = FAULTS_INIT;
	struct names *n = names_load(ctx->rules_dir, &f);

	if (!n) {
		faults_print(&f, stderr);
		err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
	}
	faults_release(&f);
	return n;
}

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

/* Parse the one option --as-of DATE (which sets ctx->as_of); returns 0, -1
 * when --help was printed, or the exit status of a usage error (> 0). */
static int asof_opts(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(help);
			return -1;  /* done: nothing more to do */
		}
		if (c == 'a' && date_parse(optarg, -1, &ctx->as_of) == 0) {
			ctx->as_of_given = 1;
			continue;
		}
		return cmd_usage_error("report", c == 'a' ? "invalid date '%s' (YYYY-MM-DD)"
				       : "unknown option%s", c == 'a' ? optarg : "");
	}
	if (optind != argc)
		return cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
	return 0;
}

static int rep_aging(int argc, char **argv, struct sbyt_ctx *ctx)
{
	struct penalty_rules r;
	struct aging_totals t;
	struct job j;
	char name[64], final[4096], tmp[4160], db_[DATE_BUF], m1[MONEY_BUF], m2[MONEY_BUF];
	int rc, rc0;

	if ((rc0 = asof_opts(argc, argv, ctx)) != 0)
		return rc0 < 0 ? EX_DONE : rc0;
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
	struct names *names;
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
	names = load_names(ctx);
	rc = names ? report_recon(ctx->db, &r, names, ctx->rules_dir, strtoll(acct, NULL, 10),
				  from, to, tmp, &res, &ctx->err) : -1;
	penalty_rules_release(&r);
	names_free(names);
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

/* Run a report function inside the job frame and put its file in place. */
static int run_report(struct sbyt_ctx *ctx, const char *job_name, const char *name,
		      struct job *j, char *final, char *tmp, size_t size)
{
	if (report_paths(ctx->out_dir, name, final, tmp, size, &ctx->err))
		return -1;
	return cmd_job_begin(ctx, j, job_name);
}

/* Parse --from/--to (default: the first of the as-of month to the as-of
 * date); returns 0, -1 when --help was printed, or the exit status of a
 * usage error (> 0). */
static int range_opts(int argc, char **argv, struct sbyt_ctx *ctx, sdate *from, sdate *to)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*from = period_first(period_of(ctx->as_of));
	*to = ctx->as_of;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(help);
			return -1;  /* done: nothing more to do */
		}
		if ((c == 'f' || c == 't') && date_parse(optarg, -1, c == 'f' ? from : to) == 0)
			continue;
		return cmd_usage_error("report", c == 'f' || c == 't' ?
				       "invalid date '%s' (YYYY-MM-DD)" : "unknown option%s",
				       c == 'f' || c == 't' ? optarg : "");
	}
	if (optind != argc)
		return cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (*from > *to)
		return cmd_usage_error("report", "--from is after --to");
	return 0;
}

static int rep_runs(int argc, char **argv, struct sbyt_ctx *ctx)
{
	char name[64], final[4096], tmp[4160], fb[DATE_BUF], tb[DATE_BUF];
	struct names *names;
	sdate from, to;
	struct job j;
	int64_t rows;
	int rc = range_opts(argc, argv, ctx, &from, &to);

	if (rc)
		return rc < 0 ? EX_DONE : rc;
	snprintf(name, sizeof(name), "runs-%s-%s", date_format(from, fb), date_format(to, tb));
	if (!(names = load_names(ctx)))
		return cmd_fail(ctx);
	if (run_report(ctx, "report-runs", name, &j, final, tmp, sizeof(final))) {
		names_free(names);
		return cmd_fail(ctx);
	}
	rc = report_runs(ctx->db, names, from, to, tmp, &rows, &ctx->err);
	names_free(names);
	if (rc || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "rows", rows);
	log_summary("report", "name=runs from=%s to=%s runs=%lld file=%s", fb, tb,
		    (long long)rows, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_rejects(int argc, char **argv, struct sbyt_ctx *ctx)
{
	char name[64], final[4096], tmp[4160], fb[DATE_BUF], tb[DATE_BUF];
	struct rejects_totals t;
	struct names *names;
	sdate from, to;
	struct job j;
	int rc = range_opts(argc, argv, ctx, &from, &to);

	if (rc)
		return rc < 0 ? EX_DONE : rc;
	snprintf(name, sizeof(name), "rejects-%s-%s", date_format(from, fb), date_format(to, tb));
	if (!(names = load_names(ctx)))
		return cmd_fail(ctx);
	if (run_report(ctx, "report-rejects", name, &j, final, tmp, sizeof(final))) {
		names_free(names);
		return cmd_fail(ctx);
	}
	rc = report_rejects(ctx->db, names, from, to, tmp, &t, &ctx->err);
	names_free(names);
	if (rc || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "files", t.files);
	job_count(&j, "rejected", t.rejected);
	log_summary("report", "name=rejects from=%s to=%s files=%lld read=%lld accepted=%lld "
		    "rejected=%lld duplicates=%lld held=%lld file=%s", fb, tb, (long long)t.files,
		    (long long)t.read, (long long)t.accepted, (long long)t.rejected,
		    (long long)t.duplicates, (long long)t.held, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_control(int argc, char **argv, struct sbyt_ctx *ctx)
{
	struct control_rules r;
	struct faults f = FAULTS_INIT;
	char name[64], final[4096], tmp[4160], db_[DATE_BUF];
	struct names *names;
	struct job j;
	int64_t rows, overdue;
	int rc, rc0;

	if ((rc0 = asof_opts(argc, argv, ctx)) != 0)
		return rc0 < 0 ? EX_DONE : rc0;
	if (control_rules_load(ctx->rules_dir, &r, &f)) {
		faults_print(&f, stderr);
		faults_release(&f);
		err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
		return cmd_fail(ctx);
	}
	snprintf(name, sizeof(name), "control-plan-%s", date_format(ctx->as_of, db_));
	if (!(names = load_names(ctx)))
		return cmd_fail(ctx);
	if (run_report(ctx, "report-control-plan", name, &j, final, tmp, sizeof(final))) {
		names_free(names);
		return cmd_fail(ctx);
	}
	rc = report_control(ctx->db, &r, names, ctx->as_of, tmp, &rows, &overdue, &ctx->err);
	names_free(names);
	if (rc || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "rows", rows);
	job_count(&j, "overdue", overdue);
	log_summary("report", "name=control-plan as_of=%s due=%lld overdue=%lld file=%s", db_,
		    (long long)rows, (long long)overdue, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_limitation(int argc, char **argv, struct sbyt_ctx *ctx)
{
	struct faults f = FAULTS_INIT;
	struct limitation_totals t;
	struct limit_rules *r;
	struct names *names;
	char name[64], final[4096], tmp[4160], db_[DATE_BUF];
	struct job j;
	int rc, rc0;

	if ((rc0 = asof_opts(argc, argv, ctx)) != 0)
		return rc0 < 0 ? EX_DONE : rc0;
	r = limit_rules_load(ctx->rules_dir, &f, &ctx->err);
	faults_print(&f, stderr);
	faults_release(&f);
	if (!r)
		return cmd_fail(ctx);
	if (!(names = load_names(ctx))) {
		limit_rules_free(r);
		return cmd_fail(ctx);
	}
	snprintf(name, sizeof(name), "limitation-%s", date_format(ctx->as_of, db_));
	if (run_report(ctx, "report-limitation", name, &j, final, tmp, sizeof(final))) {
		limit_rules_free(r);
		names_free(names);
		return cmd_fail(ctx);
	}
	rc = report_limitation(ctx->db, r, names, ctx->as_of, tmp, &t, &ctx->err);
	limit_rules_free(r);
	names_free(names);
	if (rc || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "cases", t.cases);
	job_count(&j, "steps", t.steps);
	log_summary("report", "name=limitation as_of=%s cases=%lld open=%lld cancelled=%lld "
		    "closed=%lld escalated=%lld steps=%lld file=%s", db_, (long long)t.cases,
		    (long long)t.open, (long long)t.cancelled, (long long)t.closed,
		    (long long)t.escalated, (long long)t.steps, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_service(int argc, char **argv, struct sbyt_ctx *ctx)
{
	struct service_totals t;
	struct names *names;
	char name[64], final[4096], tmp[4160], db_[DATE_BUF];
	struct job j;
	int rc;

	if ((rc = asof_opts(argc, argv, ctx)) != 0)
		return rc < 0 ? EX_DONE : rc;
	if (!(names = load_names(ctx)))
		return cmd_fail(ctx);
	snprintf(name, sizeof(name), "service-%s", date_format(ctx->as_of, db_));
	if (run_report(ctx, "report-service", name, &j, final, tmp, sizeof(final))) {
		names_free(names);
		return cmd_fail(ctx);
	}
	rc = report_service(ctx->db, names, ctx->as_of, tmp, &t, &ctx->err);
	names_free(names);
	if (rc || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "due_today", t.due_today);
	job_count(&j, "overdue", t.overdue);
	job_count(&j, "late", t.late);
	log_summary("report", "name=service as_of=%s due_today=%lld overdue=%lld late=%lld "
		    "due_tomorrow=%lld file=%s", db_, (long long)t.due_today, (long long)t.overdue,
		    (long long)t.late, (long long)t.due_tomorrow, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static int rep_kpi(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "appeals", required_argument, NULL, 'a' },
		{ "calls", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *appeals = NULL, *calls = NULL;
	struct faults f = FAULTS_INIT;
	struct kpi_card k;
	struct calendar *cal;
	struct job j;
	char name[32], final[4096], tmp[4160], pb[PERIOD_BUF], hex[SHA256_HEX];
	speriod p = -1;
	int64_t bytes;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': return cmd_help(help);
		case 'p':
			if (period_parse(optarg, -1, &p))
				return cmd_usage_error("report", "invalid period '%s' (YYYY-MM)", optarg);
			break;
		case 'a': appeals = optarg; break;
		case 'c': calls = optarg; break;
		default: return cmd_usage_error("report", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (p < 0)
		return cmd_usage_error("report", "kpi needs --period");
	cal = cmd_load_calendar(ctx);
	if (!cal)
		return cmd_fail(ctx);
	snprintf(name, sizeof(name), "kpi-%s", period_format(p, pb));
	if (run_report(ctx, "report-kpi", name, &j, final, tmp, sizeof(final))) {
		calendar_free(cal);
		return cmd_fail(ctx);
	}
	rc = (appeals && (sha256_file(appeals, hex, &bytes, &ctx->err) ||
			  job_file(&j, "in", appeals, hex, bytes, &ctx->err))) ||
	     (calls && (sha256_file(calls, hex, &bytes, &ctx->err) ||
			job_file(&j, "in", calls, hex, bytes, &ctx->err))) ||
	     kpi_compute(appeals, calls, p, cal, &k, &f, &ctx->err) ||
	     kpi_from_db(ctx->db, p, appeals == NULL, &k, &ctx->err);
	calendar_free(cal);
	faults_print(&f, stderr);
	faults_release(&f);
	if (rc || kpi_write_xlsx(&k, tmp, &ctx->err) || finish(ctx, &j, tmp, final)) {
		unlink(tmp);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	kpi_print(&k, stdout);
	job_count(&j, "appeals", k.appeals);
	job_count(&j, "calls", k.calls);
	log_summary("report", "name=kpi period=%s appeals=%lld calls=%lld file=%s", pb,
		    (long long)k.appeals, (long long)k.calls, final);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static const struct {
	const char *name;
	int (*fn)(int, char **, struct sbyt_ctx *);
} reports[] = {
	{ "aging", rep_aging },
	{ "control-plan", rep_control },
	{ "kpi", rep_kpi },
	{ "limitation", rep_limitation },
	{ "reconciliation", rep_reconciliation },
	{ "rejects", rep_rejects },
	{ "runs", rep_runs },
	{ "service", rep_service },
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
