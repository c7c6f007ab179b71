/* cmd_rules.c - sbyt rules check: validate every rules file. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "faults.h"
#include "log.h"
#include "rules.h"

static const char help[] =
	"usage: sbyt rules check\n"
	"\n"
	"Validate every file of the rules directory (--rules DIR, $SBYT_RULES or\n"
	"./rules) against its schema and its own consistency checks, report every\n"
	"fault as FILE:LINE: reason and print the rules version (the SHA-256 of the\n"
	"directory) that run records carry.  Exit 78 when anything is wrong.\n";

int cmd_rules(int argc, char **argv, struct sbyt_ctx *ctx)
{
	struct faults f = FAULTS_INIT;
	char version[SHA256_HEX];
	int kinds;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(help);
	if (argc != 2 || strcmp(argv[1], "check"))
		return cmd_usage_error("rules", argc < 2 ? "missing subcommand" :
				       argc > 2 ? "too many arguments" : "unknown subcommand");
	kinds = rules_check(ctx->rules_dir, &f);
	if (kinds < 0) {
		faults_print(&f, stderr);
		err_set(&ctx->err, ERR_CONFIG, "rules in '%s' are invalid: %d fault%s",
			ctx->rules_dir, f.count, f.count == 1 ? "" : "s");
		faults_release(&f);
		return cmd_fail(ctx);
	}
	if (rules_version(ctx->rules_dir, version, &ctx->err))
		return cmd_fail(ctx);
	for (int i = 0; rules_kind(i); i++)
		printf("ok  %s\n", rules_kind(i));
	printf("rules version %s\n", version);
	log_summary("rules check", "dir=%s kinds=%d faults=0 version=%.12s", ctx->rules_dir,
		    kinds, version);
	return EX_DONE;
}
