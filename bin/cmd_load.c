/* cmd_load.c - sbyt load KIND FILE: master data as an upsert. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "faults.h"
#include "load.h"
#include "log.h"
#include "sha256.h"

static const char help[] =
	"usage: sbyt load branches|accounts|meters|contracts|reserves|balances FILE [KIND FILE]...\n"
	"\n"
	"Load master data from a `;`-separated UTF-8 file with a header row (SPEC 4)\n"
	"as an upsert by key.  The whole file is validated first; every bad line is\n"
	"reported as FILE:LINE: reason and an invalid file loads nothing (exit 65).\n"
	"Load in this order: branches, accounts, meters, contracts, reserves.\n"
	"Several KIND FILE pairs load in the order given, in one process and one\n"
	"run record, each file in its own transaction; the first file refused\n"
	"stops the command (the files before it stay loaded, those after it are\n"
	"not read).\n"
	"balances (account;period;due;amount) are the opening balances taken over\n"
	"from the previous system: what was owed for periods billed before sbyt.\n"
	"Loading the same file again changes nothing.  Under `sbyt --shard I/N load`\n"
	"only the lines of shard I's accounts are loaded (branches: every line);\n"
	"the others are checked on their own and counted as skipped=.\n";

/* One file: load it, print its faults and its summary line, add its
 * counts to sum.  Returns 0, or -1 with ctx->err set. */
static int load_one(struct sbyt_ctx *ctx, enum load_kind kind, const char *path,
		    struct load_result *sum)
{
	struct faults f = FAULTS_INIT;
	struct load_result r;
	int rc;

	rc = load_file_shard(ctx->db, kind, path, ctx->shard_i, ctx->shard_n, &f, &r, &ctx->err);
	faults_print(&f, stderr);
	faults_release(&f);
	sum->read += r.read;
	if (rc)
		return -1;
	sum->inserted += r.inserted;
	sum->updated += r.updated;
	sum->unchanged += r.unchanged;
	sum->skipped += r.skipped;
	if (ctx->shard_n) {
		char shard[32];
		snprintf(shard, sizeof(shard), "%d/%d", ctx->shard_i, ctx->shard_n);
		log_summary("load", "kind=%s shard=%s read=%lld inserted=%lld updated=%lld "
			    "unchanged=%lld skipped=%lld", load_kind_name(kind), shard,
			    (long long)r.read, (long long)r.inserted, (long long)r.updated,
			    (long long)r.unchanged, (long long)r.skipped);
	} else {
		log_summary("load", "kind=%s read=%lld inserted=%lld updated=%lld unchanged=%lld",
			    load_kind_name(kind), (long long)r.read, (long long)r.inserted,
			    (long long)r.updated, (long long)r.unchanged);
	}
	return 0;
}

int cmd_load(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	struct load_result sum = { 0, 0, 0, 0, 0 };
	struct job j;
	char (*hex)[SHA256_HEX];
	int64_t *bytes;
	int c, rc = 0, nfiles;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		return cmd_usage_error("load", "unknown option");
	}
	nfiles = (argc - optind) / 2;
	if (argc - optind < 2 || (argc - optind) % 2)
		return cmd_usage_error("load", "expected KIND and FILE (pairs of them)");
	for (int i = 0; i < nfiles; i++)
		if (load_kind_parse(argv[optind + 2 * i]) < 0)
			return cmd_usage_error("load", "unknown kind '%s'", argv[optind + 2 * i]);

	/* every file is hashed (and so found readable) before the job starts */
	hex = calloc((size_t)nfiles, sizeof(*hex));
	bytes = calloc((size_t)nfiles, sizeof(*bytes));
	if (!hex || !bytes) {
		free(hex);
		free(bytes);
		err_set(&ctx->err, ERR_INTERNAL, "out of memory");
		return cmd_fail(ctx);
	}
	for (int i = 0; i < nfiles && rc == 0; i++)
		rc = sha256_file(argv[optind + 2 * i + 1], hex[i], &bytes[i], &ctx->err);
	if (rc == 0 && cmd_job_begin(ctx, &j, "load"))
		rc = -1;
	if (rc) {
		free(hex);
		free(bytes);
		return cmd_fail(ctx);
	}
	for (int i = 0; i < nfiles && rc == 0; i++)
		rc = job_file(&j, "in", argv[optind + 2 * i + 1], hex[i], bytes[i], &ctx->err);
	free(hex);
	free(bytes);
	if (rc)
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	for (int i = 0; i < nfiles && rc == 0; i++)
		rc = load_one(ctx, (enum load_kind)load_kind_parse(argv[optind + 2 * i]),
			      argv[optind + 2 * i + 1], &sum);
	job_count(&j, "read", sum.read);
	if (rc)
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	job_count(&j, "inserted", sum.inserted);
	job_count(&j, "updated", sum.updated);
	job_count(&j, "unchanged", sum.unchanged);
	if (ctx->shard_n)
		job_count(&j, "skipped", sum.skipped);
	if (nfiles > 1)
		job_count(&j, "files", nfiles);
	return cmd_job_end(ctx, &j, EX_DONE);
}
