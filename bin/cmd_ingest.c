/* cmd_ingest.c - sbyt ingest [--channel NAME] FILE...: bank registries,
 * terminal and SMS logs, portal readings and delivery confirmations, each
 * file in one transaction (lib/ingest.h). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "infile.h"
#include "ingest.h"
#include "log.h"

static const char help[] =
	"usage: sbyt ingest [--channel NAME] FILE...\n"
	"\n"
	"Load payments, meter readings and delivery confirmations (SPEC 5).  The\n"
	"channel is told from each file's content unless --channel names it:\n"
	"sberbank, gazprombank, qiwi, payments, sms, portal, delivery.\n"
	"\n"
	"Each file is loaded in one transaction.  The same file (SHA-256) again is\n"
	"a no-op that says so; a payment whose transaction id the channel already\n"
	"sent is a duplicate.  Every line ends accepted, rejected (reported as\n"
	"FILE:LINE: code: reason and written back to OUT/rejects/ in the sender's\n"
	"format), duplicate, or held for review (sbyt review).  A file-level fault\n"
	"(encoding, trailer or control total, truncated or malformed file) loads\n"
	"nothing of that file and makes the exit status 65; the other files are\n"
	"still loaded.\n"
	"\n"
	"Options:\n"
	"  --channel NAME   treat every FILE as this channel\n"
	"  -h, --help       this help\n"
	"\n"
	"Each file ends with `sbyt ingest: file=NAME read=N accepted=A rejected=R\n"
	"duplicates=D held=H ...`; several files end with a total line.\n";

struct reject_report {
	int64_t printed, more;
};

static void on_reject(void *arg, const char *file, long line, const char *code, const char *reason)
{
	struct reject_report *r = arg;

	if (log_verbosity() < LOG_NORMAL)
		return;
	if (r->printed >= 1000) {
		r->more++;
		return;
	}
	r->printed++;
	log_line("%s:%ld: %s: %s", file, line, code, reason);
}

static void add(struct ingest_counts *t, const struct ingest_counts *n)
{
	t->read += n->read;
	t->accepted += n->accepted;
	t->rejected += n->rejected;
	t->duplicates += n->duplicates;
	t->held += n->held;
	t->reading_rejects += n->reading_rejects;
	t->reading_held += n->reading_held;
	t->other_shard += n->other_shard;
}

static void summary(const char *cmd, const char *key, const char *name, const struct ingest_counts *n,
		    const char *rest)
{
	char extra[128] = "";
	int k = 0;

	if (n->reading_rejects || n->reading_held)
		k = snprintf(extra, sizeof(extra), " reading_rejects=%" PRId64 " reading_held=%" PRId64,
			     n->reading_rejects, n->reading_held);
	if (n->other_shard && k >= 0 && (size_t)k < sizeof(extra))
		snprintf(extra + k, sizeof(extra) - (size_t)k, " other_shard=%" PRId64,
			 n->other_shard);
	log_summary(cmd, "%s=%s read=%" PRId64 " accepted=%" PRId64 " rejected=%" PRId64
		    " duplicates=%" PRId64 " held=%" PRId64 "%s%s", key, name, n->read, n->accepted,
		    n->rejected, n->duplicates, n->held, extra, rest);
}

int ingest_run_file(struct sbyt_ctx *ctx, struct job *j, const struct ingest_opts *o,
		    const char *cmd, const char *path, enum ingest_channel ch,
		    struct ingest_totals *t, struct ingest_result *res)
{
	struct reject_report rr = { 0, 0 };
	struct ingest_opts opts = *o;
	char rest[160];
	int rc;

	opts.on_reject = on_reject;
	opts.arg = &rr;
	opts.shard_i = ctx->shard_i;
	opts.shard_n = ctx->shard_n;
	err_clear(&ctx->err);
	/* SBYT_INGEST_MEMORY: megabytes for what one file kept (ingest_opts) */
	{
		const char *env = getenv("SBYT_INGEST_MEMORY");
		char *end = NULL;
		long mb = env && *env ? strtol(env, &end, 10) : INGEST_MEMORY_MB;

		if ((end && *end) || mb < 0 || mb > 1 << 20) {
			memset(res, 0, sizeof(*res));
			return err_set(&ctx->err, ERR_CONFIG, "SBYT_INGEST_MEMORY '%s' is not a number"
				       " of megabytes", env);
		}
		opts.memory = (size_t)mb << 20;
	}
	/* a regular file, not a link, FIFO, device or directory, opened and
	 * checked once and read through that descriptor (infile.h) */
	rc = ingest_one(&opts, path, ch, res, &ctx->err);
	if (rr.more)
		log_line("%s: ... and %" PRId64 " more rejected lines (sbyt report rejects)", path, rr.more);
	t->files++;
	if (rc == 0 && res->status == INGEST_NOOP) {
		log_info("'%s' was ingested before (%s): nothing to do", path, res->earlier);
		snprintf(rest, sizeof(rest), " channel=%s status=noop",
			 ingest_channel_name(res->channel));
		summary(cmd, "file", path, &res->n, rest);
		add(&t->n, &res->n);
		t->noop++;
		return 0;
	}
	if (rc == 0) {
		if (job_file(j, "in", path, res->sha256, res->bytes, &ctx->err))
			return -1;
		if (res->rejects_path[0]) {
			if (job_file(j, "out", res->rejects_path, res->rejects_sha256,
				     res->rejects_bytes, &ctx->err))
				return -1;
			log_verbose("rejects of '%s' written to '%s'", path, res->rejects_path);
		}
		snprintf(rest, sizeof(rest), " channel=%s status=ingested",
			 ingest_channel_name(res->channel));
		summary(cmd, "file", path, &res->n, rest);
		add(&t->n, &res->n);
		return 0;
	}
	if (ctx->err.kind == ERR_DATA || ctx->err.kind == ERR_NOINPUT) {
		int code = cmd_exit_code(ctx->err.kind);
		log_error("%s", ctx->err.msg);
		if (ctx->err.detail[0])
			log_detail("%s", ctx->err.detail);
		if (ctx->err.kind == ERR_DATA) {
			log_detail("nothing of '%s' was loaded", path);
			snprintf(rest, sizeof(rest), " channel=%s status=refused",
				 ingest_channel_name(res->channel));
			summary(cmd, "file", path, &res->n, rest);
			add(&t->n, &res->n);
		}
		t->refused++;
		if (!t->first_error)
			t->first_error = code;
		return 0;
	}
	return -1;
}

void ingest_totals_print(const char *cmd, const struct ingest_totals *t)
{
	char rest[96], n[24];

	snprintf(rest, sizeof(rest), " noop=%d refused=%d", t->noop, t->refused);
	snprintf(n, sizeof(n), "%d", t->files);
	summary(cmd, "files", n, &t->n, rest);
}

int cmd_ingest(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum ingest_channel ch = CH_NONE;
	struct faults f = FAULTS_INIT;
	struct ingest_rules rules;
	struct ingest_totals t;
	struct ingest_opts o;
	struct job j;
	int c, rc = EX_DONE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ch = ingest_channel_parse(optarg);
			if (ch == CH_NONE)
				return cmd_usage_error("ingest", "unknown channel '%s'", optarg);
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("ingest", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("ingest", "expected at least one FILE");
	if (ingest_rules_load(ctx->rules_dir, &rules, &f)) {
		faults_print(&f, stderr);
		faults_release(&f);
		err_set(&ctx->err, ERR_CONFIG, "rules in '%s' are invalid", ctx->rules_dir);
		return cmd_fail(ctx);
	}
	if (cmd_job_begin(ctx, &j, "ingest")) {
		ingest_rules_release(&rules);
		return cmd_fail(ctx);
	}
	memset(&o, 0, sizeof(o));
	o.db = ctx->db;
	o.conninfo = ctx->conninfo;
	o.rules = &rules;
	o.as_of = ctx->as_of;
	o.out_dir = ctx->out_dir;
	o.run_id = j.run_id;
	ingest_clean_rejects(ctx->out_dir);
	memset(&t, 0, sizeof(t));
	for (int i = optind; i < argc; i++) {
		struct ingest_result res;

		if (ingest_run_file(ctx, &j, &o, "ingest", argv[i], ch, &t, &res)) {
			rc = cmd_fail(ctx);
			break;
		}
	}
	if (rc == EX_DONE) {
		if (t.files > 1)
			ingest_totals_print("ingest", &t);
		rc = t.first_error;
		if (rc)
			err_set(&ctx->err, rc == EX_NOINPUT_ ? ERR_NOINPUT : ERR_DATA,
				"%d of %d files refused", t.refused, t.files);
	}
	job_count(&j, "files", t.files);
	job_count(&j, "read", t.n.read);
	job_count(&j, "accepted", t.n.accepted);
	job_count(&j, "rejected", t.n.rejected);
	job_count(&j, "duplicates", t.n.duplicates);
	job_count(&j, "held", t.n.held);
	job_count(&j, "refused", t.refused);
	job_count(&j, "noop", t.noop);
	ingest_rules_release(&rules);
	return cmd_job_end(ctx, &j, rc);
}
