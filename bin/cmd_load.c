/* cmd_load.c - sbyt load KIND FILE: master data as an upsert. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "faults.h"
#include "load.h"
#include "log.h"
#include "sha256.h"

static const char help[] =
	"usage: sbyt load branches|accounts|meters|contracts|reserves|balances FILE\n"
	"\n"
	"Load master data from a `;`-separated UTF-8 file with a header row (SPEC 4)\n"
	"as an upsert by key.  The whole file is validated first; every bad line is\n"
	"reported as FILE:LINE: reason and an invalid file loads nothing (exit 65).\n"
	"Load in this order: branches, accounts, meters, contracts, reserves.\n"
	"balances (account;period;due;amount) are the opening balances taken over\n"
	"from the previous system: what was owed for periods billed before sbyt.\n"
	"Loading the same file again changes nothing.  Under `sbyt --shard I/N load`\n"
	"only the lines of shard I's accounts are loaded (branches: every line);\n"
	"the others are checked on their own and counted as skipped=.\n";

int cmd_load(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct faults f = FAULTS_INIT;
	struct load_result r;
	struct job j;
	char hex[SHA256_HEX];
	int64_t bytes;
	int c, kind, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error("load", "unknown option");
	}
	if (argc - optind != 2)
		return cmd_usage_error("load", "expected KIND and FILE");
	kind = load_kind_parse(argv[optind]);
	if (kind < 0)
		return cmd_usage_error("load", "unknown kind '%s'", argv[optind]);
	const char *path = argv[optind + 1];

	if (sha256_file(path, hex, &bytes, &ctx->err))
		return cmd_fail(ctx);
	if (cmd_job_begin(ctx, &j, "load"))
		return cmd_fail(ctx);
	if (job_file(&j, "in", path, hex, bytes, &ctx->err))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	rc = load_file_shard(ctx->db, (enum load_kind)kind, path, ctx->shard_i, ctx->shard_n,
			     &f, &r, &ctx->err);
	faults_print(&f, stderr);
	faults_release(&f);
	job_count(&j, "read", r.read);
	if (rc)
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	job_count(&j, "inserted", r.inserted);
	job_count(&j, "updated", r.updated);
	job_count(&j, "unchanged", r.unchanged);
	if (ctx->shard_n) {
		char shard[32];
		snprintf(shard, sizeof(shard), "%d/%d", ctx->shard_i, ctx->shard_n);
		job_count(&j, "skipped", r.skipped);
		log_summary("load", "kind=%s shard=%s read=%lld inserted=%lld updated=%lld "
			    "unchanged=%lld skipped=%lld", load_kind_name((enum load_kind)kind),
			    shard, (long long)r.read, (long long)r.inserted,
			    (long long)r.updated, (long long)r.unchanged, (long long)r.skipped);
	} else {
		log_summary("load", "kind=%s read=%lld inserted=%lld updated=%lld unchanged=%lld",
			    load_kind_name((enum load_kind)kind), (long long)r.read,
			    (long long)r.inserted, (long long)r.updated,
			    (long long)r.unchanged);
	}
	return cmd_job_end(ctx, &j, EX_DONE);
}
