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
#include "ingest_lanes.h"
#include "log.h"

static const char help[] =
	"usage: sbyt ingest [--channel NAME] FILE...\n"
	"\n"
	"Load payments, meter readings and delivery confirmations (SPEC 5).  The\n"
	"channel is told from each file's content unless --channel names it:\n"
	"sberbank, gazprombank, qiwi, payments, sms, portal, delivery.\n"
	"\n"
	"Each file is loaded in one transaction; a file of payments alone (qiwi,\n"
	"payments) beside a file of another channel, but delivery, the others in\n"
	"the order given, with the same outcome.  The same file (SHA-256) again is\n"
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

/* The rejected lines of one file on the terminal: the first 1000, then a
 * count.  Held (hold) until the file is reported when files are loaded two
 * at a time, so that each file's lines come together, in the order given. */
struct reject_report {
	int64_t printed, more;
	int hold;
	char *buf;
	size_t len, cap;
};

static void on_reject(void *arg, const char *file, long line, const char *code, const char *reason)
{
	struct reject_report *r = arg;
	int k;

	if (log_verbosity() < LOG_NORMAL)
		return;
	if (r->printed >= 1000) {
		r->more++;
		return;
	}
	r->printed++;
	if (!r->hold) {
		log_line("%s:%ld: %s: %s", file, line, code, reason);
		return;
	}
	/* each line held as its length and its bytes (a name may hold a
	 * newline: log_line() escapes it when the line is printed) */
	k = snprintf(NULL, 0, "%s:%ld: %s: %s", file, line, code, reason);
	if (k < 0)
		return;
	if (r->len + sizeof(size_t) + (size_t)k + 1 > r->cap) {
		size_t nc = r->cap ? 2 * r->cap : 4096;
		char *nb;
		while (nc < r->len + sizeof(size_t) + (size_t)k + 1)
			nc *= 2;
		if (!(nb = realloc(r->buf, nc))) {
			r->printed--;
			r->more++;
			return;
		}
		r->buf = nb;
		r->cap = nc;
	}
	memcpy(r->buf + r->len, &(size_t){ (size_t)k }, sizeof(size_t));
	r->len += sizeof(size_t);
	snprintf(r->buf + r->len, r->cap - r->len, "%s:%ld: %s: %s", file, line, code, reason);
	r->len += (size_t)k;
}

/* Print what on_reject() held, and the count past the first 1000. */
static void rejects_flush(struct reject_report *r, const char *path)
{
	for (size_t i = 0; i + sizeof(size_t) <= r->len;) {
		size_t l;
		memcpy(&l, r->buf + i, sizeof(l));
		i += sizeof(l);
		log_line("%.*s", (int)l, r->buf + i);
		i += l;
	}
	if (r->more)
		log_line("%s: ... and %" PRId64 " more rejected lines (sbyt report rejects)", path, r->more);
	free(r->buf);
	memset(r, 0, sizeof(*r));
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

/* The options of the files of one command: o's, with the memory for what
 * a file kept (SBYT_INGEST_MEMORY megabytes, else INGEST_MEMORY_MB) and
 * the shard; 0, or -1 with ctx->err set. */
static int file_opts(struct sbyt_ctx *ctx, const struct ingest_opts *o, struct ingest_opts *opts)
{
	const char *env = getenv("SBYT_INGEST_MEMORY");
	char *end = NULL;
	long mb = env && *env ? strtol(env, &end, 10) : INGEST_MEMORY_MB;

	*opts = *o;
	opts->shard_i = ctx->shard_i;
	opts->shard_n = ctx->shard_n;
	if ((end && *end) || mb < 0 || mb > 1 << 20)
		return err_set(&ctx->err, ERR_CONFIG, "SBYT_INGEST_MEMORY '%s' is not a number"
			       " of megabytes", env);
	opts->memory = (size_t)mb << 20;
	return 0;
}

/* Report what came of one file (rc and err: ingest_one()'s): its rejected
 * lines, its summary line, its files in the job's record, the totals.
 * Returns 0 (a file refused on its data or missing counts in t, its error
 * left in ctx->err), or -1 with ctx->err set. */
static int report_file(struct sbyt_ctx *ctx, struct job *j, const char *cmd, const char *path,
		       int rc, const struct ingest_result *res, const struct sbyt_err *err,
		       struct reject_report *rr, struct ingest_totals *t)
{
	char rest[160];

	rejects_flush(rr, path);
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
	ctx->err = *err;   /* the file's failure (daily's .why says it) */
	if (err->kind == ERR_DATA || err->kind == ERR_NOINPUT) {
		int code = cmd_exit_code(err->kind);
		log_error("%s", err->msg);
		if (err->detail[0])
			log_detail("%s", err->detail);
		if (err->kind == ERR_DATA) {
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

/* ingest_lanes()'s report of one file, in the order given. */
struct lanes_report {
	struct sbyt_ctx *ctx;
	struct job *j;
	const char *cmd;
	struct ingest_totals *t;
	const struct ingest_item *items;
	int (*after)(void *arg, int i, const struct ingest_result *res, int refused);
	void *arg;
};

static int lanes_done(void *arg, struct ingest_item *it, struct sbyt_err *e)
{
	struct lanes_report *r = arg;

	if (it->retries)
		log_info("'%s' was chosen by the server to end a deadlock with the file loaded"
			 " beside it: loaded again, alone", it->path);
	if (report_file(r->ctx, r->j, r->cmd, it->path, it->rc, &it->res, &it->err, it->arg, r->t) ||
	    (r->after && r->after(r->arg, (int)(it - r->items), &it->res, it->rc != 0))) {
		*e = r->ctx->err;
		return -1;
	}
	return 0;
}

int ingest_run_files(struct sbyt_ctx *ctx, struct job *j, const struct ingest_opts *o,
		     const char *cmd, const char *const *paths, const enum ingest_channel *chs, int n,
		     struct ingest_totals *t,
		     int (*after)(void *arg, int i, const struct ingest_result *res, int refused),
		     void *arg)
{
	struct ingest_item *items = calloc((size_t)(n > 0 ? n : 1), sizeof(*items));
	struct reject_report *rr = calloc((size_t)(n > 0 ? n : 1), sizeof(*rr));
	struct lanes_report lr = { ctx, j, cmd, t, items, after, arg };
	struct ingest_opts fo;
	int rc = -1;

	err_clear(&ctx->err);
	if (!items || !rr) {
		err_set(&ctx->err, ERR_INTERNAL, "out of memory");
	} else if (file_opts(ctx, o, &fo) == 0) {
		for (int i = 0; i < n; i++) {
			items[i].path = paths[i];
			items[i].ch = chs[i];
			items[i].on_reject = on_reject;
			items[i].arg = &rr[i];
			rr[i].hold = 1;
		}
		rc = ingest_lanes(&fo, items, n, lanes_done, &lr, &ctx->err);
	}
	for (int i = 0; items && rr && i < n; i++)
		free(rr[i].buf);
	free(items);
	free(rr);
	return rc;
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
	/* the files two at a time where they cannot change each other's
	 * decisions (ingest_lanes.h), reported in the order given */
	{
		int n = argc - optind;
		enum ingest_channel *chs = calloc((size_t)n, sizeof(*chs));

		for (int i = 0; chs && i < n; i++)
			chs[i] = ch;
		if (!chs) {
			err_set(&ctx->err, ERR_INTERNAL, "out of memory");
			rc = cmd_fail(ctx);
		} else if (ingest_run_files(ctx, &j, &o, "ingest", (const char *const *)argv + optind,
					    chs, n, &t, NULL, NULL)) {
			rc = cmd_fail(ctx);
		}
		free(chs);
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
