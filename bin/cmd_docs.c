/* cmd_docs.c - sbyt docs --period P [--branch CODE]: payment documents and
 * their packages (lib/docs.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "docs.h"
#include "faults.h"
#include "log.h"
#include "rules.h"
#include "scrub.h"
#include "shard.h"

static const char help[] =
	"usage: sbyt docs --period YYYY-MM [--branch CODE]\n"
	"   or: sbyt docs render --account N --period YYYY-MM [--out FILE]\n"
	"\n"
	"Number and package the payment documents of a billed period: one document\n"
	"per account with charge lines, numbered 1..n without gaps per branch (post\n"
	"by postcode, street, house and flat, then e-mail, portal and EDO by account),\n"
	"written to OUT/docs/YYYY-MM/BRANCH/CHANNEL.zip (documents.xml, register.xlsx,\n"
	"manifest.xml, and the PDFs: post.zip one documents.pdf in print order,\n"
	"email.zip and lkk.zip one ACCOUNT-YYYY-MM.pdf per document).  The branch's period becomes 'published'.  A published period\n"
	"is re-issued with the same numbers and content; accounts billed since get\n"
	"the next numbers; a document that would change is refused (exit 65).\n"
	"Total due = opening debt + charges + recalculations + penalty - paid.\n"
	"Ends with: sbyt docs: period=P documents=N packages=K total=T refused=0\n"
	"(docs refuses no account: load and bill refuse what a document could not\n"
	"be made of; bill names them in out/rejects/bill-P-runN.accounts.csv).\n"
	"\n"
	"  --period YYYY-MM   the period (required)\n"
	"  --branch CODE      only this branch (default: every branch billed)\n"
	"\n"
	"render reprints one issued document as PDF (A4, Minstroy 43/pr layout, QR):\n"
	"  --account N        the account\n"
	"  --out FILE         where (default OUT/docs/YYYY-MM/reprint/N-YYYY-MM.pdf);\n"
	"                     the path is printed\n"
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

/* SBYT_DOCS_PDF=0 leaves the PDFs out (the benchmark's cycle measures
 * them apart); SBYT_RENDER_THREADS sets the rendering threads,
 * SBYT_PRINT_VOLUME the documents per print file. */
int cmd_docs_pdf(void)
{
	const char *v = getenv("SBYT_DOCS_PDF");

	return !(v && !strcmp(v, "0"));
}

/* A whole number from the environment variable `name`, 0..max, into *out
 * (left as it is when unset or empty).  0, or -1 with e set (ERR_CONFIG)
 * naming it and its value: atoi() read '10k' as 10 and 'x' as 0. */
static int env_whole(const char *name, long max, const char *what, int *out, struct sbyt_err *e)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end || errno || n < 0 || n > max)
		return err_set(e, ERR_CONFIG, "%s '%s' is not a number of %s", name, v, what);
	*out = (int)n;
	return 0;
}

int cmd_docs_stage(struct sbyt_ctx *ctx, struct job *j, speriod period, const char *branch,
		   int resume, struct docs_result *r)
{
	struct docs_opts o;
	struct recorder rec = { .j = j };
	struct faults f = FAULTS_INIT;
	struct progress prog;
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
	o.pdf = cmd_docs_pdf();
	/* SBYT_RENDER_THREADS: 0 one per processor; SBYT_PRINT_VOLUME:
	 * documents per print file, 0 one file per branch whatever its size */
	o.render_threads = 0;
	o.print_volume = DOCS_PRINT_VOLUME;
	if (env_whole("SBYT_RENDER_THREADS", 1024, "threads", &o.render_threads, &ctx->err) ||
	    env_whole("SBYT_PRINT_VOLUME", 100000000, "documents", &o.print_volume, &ctx->err))
		return -1;
	o.resume = resume;
	o.number_base = ctx->shard_n ? (int64_t)ctx->shard_i * SHARD_DOC_RANGE : 0;
	o.on_package = record;
	o.arg = &rec;
	memset(&prog, 0, sizeof(prog));
	prog.fd = -1;
	o.progress = progress_wanted() ? &prog : NULL;  /* documents, rate, ETA */
	rc = docs_run(ctx->db, &o, r, &f, &ctx->err);
	progress_end(&prog);
	log_verbose("docs: numbering %.2f s, cursors %.2f s, documents and packages %.2f s"
		    " (storing the rows %.2f s), %lld PDF pages rendered in %.2f CPU s", r->t_number,
		    r->t_open, r->t_write, r->t_rows, (long long)r->pages, r->t_render);
	faults_print(&f, stderr);
	faults_release(&f);
	job_count(j, "documents", r->documents);
	job_count(j, "issued", r->issued);
	job_count(j, "packages", r->packages);
	job_count(j, "pages", r->pages);
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

static int cmd_docs_render(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "account", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct docs_opts o;
	struct faults f = FAULTS_INIT;
	speriod period = 0;
	const char *account = NULL, *out = NULL;
	char path[4096], pbuf[PERIOD_BUF];
	int c, have_period = 0, pages = 0, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return cmd_help(help);
		case 'p':
			if (period_parse(optarg, -1, &period) < 0)
				return cmd_usage_error("docs", "bad period '%s', expected YYYY-MM", optarg);
			have_period = 1;
			break;
		case 'a':
			account = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cmd_usage_error("docs", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("docs", "unexpected argument '%s'", argv[optind]);
	if (!have_period || !account)
		return cmd_usage_error("docs", "render needs --account and --period");
	if (!*account || strspn(account, "0123456789") != strlen(account) || strlen(account) > 18)
		return cmd_usage_error("docs", "bad account '%s', expected digits", account);
	period_format(period, pbuf);
	if (!out) {
		snprintf(path, sizeof(path), "%s/docs/%s/reprint/%s-%s.pdf", ctx->out_dir, pbuf,
			 account, pbuf);
		out = path;
	}
	memset(&o, 0, sizeof(o));
	o.period = period;
	o.rules_dir = ctx->rules_dir;
	o.out_dir = ctx->out_dir;
	o.as_of = ctx->as_of;
	if (cmd_connect(ctx))
		return cmd_fail(ctx);
	rc = docs_reprint(ctx->db, &o, account, out, &pages, &f, &ctx->err);
	faults_print(&f, stderr);
	faults_release(&f);
	if (rc)
		return cmd_fail(ctx);
	scrub_fputs(out, stdout);  /* a path given from outside: controls escaped */
	putchar('\n');
	log_summary("docs render", "account=%s period=%s pages=%d", account, pbuf, pages);
	return EX_DONE;
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

	if (argc > 1 && !strcmp(argv[1], "render"))
		return cmd_docs_render(argc - 1, argv + 1, ctx);
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
	if (cmd_docs_stage(ctx, &j, period, branch, 0, &r))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	if (r.issued > 0)
		cmd_docs_breach(ctx, &j, period, "payment documents");
	/* refused=0: docs refuses no account on its own.  What a document needs
	 * is checked before it: load refuses an account without an address or
	 * postcode and a legal entity's contract without INN/KPP, bill refuses
	 * (refused=N, out/rejects/bill-...) an account it cannot bill, and an
	 * account without charge lines gets no document.  A published
	 * document that would change stops its branch (exit 65): an issued
	 * register is not re-issued without one of its documents. */
	log_summary("docs", "period=%s documents=%lld packages=%d total=%s refused=0",
		    period_format(period, pbuf), (long long)r.documents, r.packages,
		    money_format(r.total, tbuf));
	return cmd_job_end(ctx, &j, EX_DONE);
}
