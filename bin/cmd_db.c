/* cmd_db.c - sbyt db init | migrate | status | shard-attach. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "shard.h"

static const char help[] =
	"usage: sbyt db init\n"
	"   or: sbyt db migrate\n"
	"   or: sbyt db status\n"
	"   or: sbyt db shard-attach\n"
	"\n"
	"init     create the roles sbyt_operator and sbyt_auditor and the schema;\n"
	"         on an initialised database it applies only what is missing\n"
	"migrate  apply the pending migrations of sql/, each in its own transaction\n"
	"status   the server, the database and the applied and pending migrations\n"
	"shard-attach\n"
	"         on the coordinator database (as a superuser): rebuild the schema\n"
	"         sbyt_shards, every account-scoped table hash-partitioned by\n"
	"         account_id over the servers of sbyt.conf's shard map (postgres_fdw)\n";

int cmd_db(int argc, char **argv, struct sbyt_ctx *ctx)
{
	const char *sub;
	char where[512];
	int applied, done, total = migrate_count();

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help(help);
	if (argc != 2)
		return cmd_usage_error("db", argc < 2 ? "missing subcommand" : "too many arguments");
	sub = argv[1];
	if (strcmp(sub, "init") && strcmp(sub, "migrate") && strcmp(sub, "status") &&
	    strcmp(sub, "shard-attach"))
		return cmd_usage_error("db", "unknown subcommand '%s'", sub);
	if (!strcmp(sub, "shard-attach")) {
		int tables;

		if (ctx->shard_n)
			return cmd_usage_error("db", "shard-attach runs on the coordinator, "
					       "not with --shard");
		if (cmd_connect(ctx) || shard_attach(ctx->db, ctx->conf, &tables, &ctx->err))
			return cmd_fail(ctx);
		log_summary("db shard-attach", "shards=%d tables=%d", ctx->conf->shards, tables);
		return EX_DONE;
	}
	ctx->any_schema = 1;
	if (cmd_connect(ctx))
		return cmd_fail(ctx);
	db_where(ctx->db, where, sizeof(where));
	applied = migrate_applied(ctx->db, &ctx->err);
	if (applied < 0)
		return cmd_fail(ctx);

	if (!strcmp(sub, "status")) {
		printf("server:     %s (PostgreSQL %d)\n", where, PQserverVersion(ctx->db));
		printf("migrations: %d applied, %d pending, %d shipped\n", applied,
		       total > applied ? total - applied : 0, total);
		for (int i = 0; i < total; i++)
			printf("  %-28s %s\n", migrate_name(i), i < applied ? "applied" : "pending");
		if (applied == 0)
			printf("hint: run `sbyt db init`\n");
		else if (applied < total)
			printf("hint: run `sbyt db migrate`\n");
		log_summary("db status", "applied=%d pending=%d", applied,
			    total > applied ? total - applied : 0);
		return EX_DONE;
	}
	if (!strcmp(sub, "migrate") && applied == 0)
		log_info("database at '%s' was empty; initialising it", where);
	if (migrate_apply(ctx->db, &done, &ctx->err))
		return cmd_fail(ctx);
	if (done == 0)
		log_info("database at '%s' is up to date; nothing to do", where);
	log_summary(!strcmp(sub, "init") ? "db init" : "db migrate",
		    "applied=%d total=%d", done, total);
	return EX_DONE;
}
