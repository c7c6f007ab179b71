/* cmd_docs.c - sbyt docs --period P [--branch CODE]: payment documents and
 * their packages (lib/docs.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "docs.h"
#include "faults.h"
#include "log.h"
#include "rules.h"

static const char help[] =
	"usage: sbyt docs --period YYYY-MM [--branch CODE]\n"
	"\n"
	"Number and package the payment documents of a billed period: one document\n"
	"per account with charge lines, numbered 1..n without gaps per branch (post\n"
	"by postcode, street, house and flat, then e-mail, portal and EDO by account),\n"
	"written to OUT/docs/YYYY-MM/BRANCH/CHANNEL.zip (documents.xml, register.xlsx,\n"
	"manifest.xml).  The branch's period becomes 'published'.  A published period\n"
	"is re-issued with the same numbers and content; accounts billed since get\n"
	"the next numbers; a document that would change is refused (exit 65).\n"
	"Total due = opening debt + charges + recalculations + penalty - paid.\n"
	"\n"
	"  --period YYYY-MM   the period (required)\n"
	"  --branch CODE      only this branch (default: every branch billed)\n"
	"\n"
	"Exit status: 0 done, 64 usage, 65 period not billed, a published document\n"
	"would change or a value holds a control character, 69 database unavailable, 73 cannot create output, 74 i/o error\n"
	"(disk full: no package is left half-written), 75 another run holds the lock,\n"
	"78 rules invalid.\n";

struct recorder {
	struct job *j;
	struct sbyt_err err;
	int failed;
};

static void record(void *arg, const char *path, const char *sha256, int64_t bytes)
{
	struct recorder *rec = arg;

	if (!rec->failed && job_file(rec->j, "out", path, sha256, bytes, &rec->err))
		rec->failed = 1;
}

int cmd_docs_stage(struct sbyt_ctx *ctx, struct job *j, speriod period, const char *branch,
		   struct docs_result *r)
{
	struct docs_opts o;
	struct recorder rec = { .j = j };
	struct faults f = FAULTS_INIT;
	char version[SHA256_HEX];
	int rc;

	if (rules_version(ctx->rules_dir, version, &ctx->err))
		return -1;
	memset(&o, 0, sizeof(o));
	o.conninfo = ctx->conninfo;
	o.period = period;
	o.branch = branch;
	o.rules_dir = ctx->rules_dir;
	o.out_dir = ctx->out_dir;
	o.rules_version = version;
	o.run_id = j->run_id;
	o.as_of = ctx->as_of;
	o.on_package = record;
	o.arg = &rec;
	rc = docs_run(ctx->db, &o, r, &f, &ctx->err);
	log_verbose("docs: numbering %.2f s, cursors %.2f s, documents and packages %.2f s"
		    " (storing the rows %.2f s)", r->t_number, r->t_open, r->t_write, r->t_rows);
	faults_print(&f, stderr);
	faults_release(&f);
	job_count(j, "documents", r->documents);
	job_count(j, "issued", r->issued);
	job_count(j, "packages", r->packages);
	job_count(j, "total", r->total);
	if (!rc && rec.failed) {
		ctx->err = rec.err;
		rc = -1;
	}
	return rc;
}

void cmd_docs_breach(struct sbyt_ctx *ctx, struct job *j, speriod period, const char *what)
{
	char p[PERIOD_BUF], d[DATE_BUF], last[DATE_BUF], text[200];

	if (ctx->as_of <= period_last(period))
		return;
	snprintf(text, sizeof(text), "%s for %s finished on %s, after the period's last day %s",
		 what, period_format(period, p), date_format(ctx->as_of, d),
		 date_format(period_last(period), last));
	job_breach(j, period_last(period), text);
	log_warn("deadline breach: %s", text);
}

int cmd_docs(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "branch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct docs_result r;
	struct job j;
	speriod period = 0;
	const char *branch = NULL;
	int c, have_period = 0;
	char pbuf[PERIOD_BUF], tbuf[MONEY_BUF];

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cmd_help(help);
		case 'p':
			if (period_parse(optarg, -1, &period) < 0)
				return cmd_usage_error("docs", "bad period '%s', expected YYYY-MM", optarg);
			have_period = 1;
			break;
		case 'b':
			branch = optarg;
			break;
		default:
			return cmd_usage_error("docs", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("docs", "unexpected argument '%s'", argv[optind]);
	if (!have_period)
		return cmd_usage_error("docs", "--period is required");
	if (cmd_job_begin(ctx, &j, "docs"))
		return cmd_fail(ctx);
	if (cmd_docs_stage(ctx, &j, period, branch, &r))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	if (r.issued > 0)
		cmd_docs_breach(ctx, &j, period, "payment documents");
	log_summary("docs", "period=%s documents=%lld packages=%d total=%s",
		    period_format(period, pbuf), (long long)r.documents, r.packages,
		    money_format(r.total, tbuf));
	return cmd_job_end(ctx, &j, EX_DONE);
}
