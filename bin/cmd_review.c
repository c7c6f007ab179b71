/* cmd_review.c - sbyt review list | accept ID | reject ID --reason TEXT:
 * the readings ingest held for review (suspicious consumption). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "log.h"

static const char help[] =
	"usage: sbyt review list\n"
	"   or: sbyt review accept ID\n"
	"   or: sbyt review reject ID --reason TEXT\n"
	"\n"
	"Readings whose consumption is above 10 times the meter's monthly average\n"
	"and above 1000 kWh (rules/ingest.xml) are held by ingest: not billed until\n"
	"an operator decides.  `list` prints them, one line per reading (all its\n"
	"zones), with the ID to use; `accept` lets the reading be billed; `reject`\n"
	"sets it aside for good, with the reason on record.\n"
	"\n"
	"Options:\n"
	"  --reason TEXT   why the reading is rejected (required for reject)\n"
	"  -h, --help      this help\n";

static int list(struct sbyt_ctx *ctx)
{
	PGresult *r;
	int n;

	if (cmd_connect(ctx))
		return cmd_fail(ctx);
	r = db_query(ctx->db, &ctx->err,
		"SELECT min(h.reading_id), h.account_id, r.meter, r.taken_on,"
		" string_agg('T' || r.zone || '=' || r.value, ' ' ORDER BY r.zone),"
		" h.consumption, h.average, f.name || ':' || h.line"
		" FROM reading_hold h JOIN reading r USING (account_id, reading_id)"
		" JOIN ingest_file f USING (file_id) WHERE h.decision IS NULL"
		" GROUP BY h.account_id, h.file_id, f.name, h.line, r.meter, r.taken_on, h.consumption,"
		" h.average ORDER BY 1", 0, NULL);
	if (!r)
		return cmd_fail(ctx);
	n = PQntuples(r);
	printf("id;account;meter;taken_on;values;consumption;average;source\n");
	for (int i = 0; i < n; i++)
		cmd_print_row(r, i, 8);  /* meters, source file names: controls escaped */
	PQclear(r);
	log_summary("review", "held=%d", n);
	return EX_DONE;
}

static int decide(struct sbyt_ctx *ctx, const char *id, const char *decision, const char *reason)
{
	struct job j;
	char *count = NULL;
	char user[128];
	const char *p[4] = { id, decision, reason, user };

	/* who decided: the OS user of the process (getpwuid(geteuid())), never
	 * $USER; the database role is the session's (decided_db_user) */
	job_os_user(user, sizeof(user));
	if (cmd_job_begin(ctx, &j, "review"))
		return cmd_fail(ctx);
	if (db_begin(ctx->db, &ctx->err))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	/* Every zone of the reading (same account, file and line) together. */
	if (db_value(ctx->db, &ctx->err,
		     "WITH g AS (SELECT h.account_id, h.reading_id FROM reading_hold h"
		     " JOIN reading_hold k ON k.account_id = h.account_id AND k.file_id = h.file_id"
		     " AND k.line = h.line WHERE k.reading_id = $1::bigint AND k.decision IS NULL"
		     " AND h.decision IS NULL),"
		     " u AS (UPDATE reading r SET status = $2 FROM g WHERE r.account_id = g.account_id"
		     " AND r.reading_id = g.reading_id AND r.status = 'held' RETURNING r.reading_id),"
		     " d AS (UPDATE reading_hold h SET decision = $2, reason = $3,"
		     " decided_at = clock_timestamp(), decided_by = $4,"
		     " decided_db_user = session_user FROM g"
		     " WHERE h.account_id = g.account_id AND h.reading_id = g.reading_id RETURNING 1)"
		     " SELECT (SELECT count(*) FROM u) + 0 * (SELECT count(*) FROM d)", 4, p, &count)) {
		db_rollback(ctx->db);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	if (!count || atoi(count) == 0) {
		free(count);
		db_rollback(ctx->db);
		err_set(&ctx->err, ERR_DATA, "no reading held for review with id %s", id);
		err_detail(&ctx->err, "see sbyt review list");
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	if (db_commit(ctx->db, &ctx->err)) {
		free(count);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, decision[0] == 'a' ? "accepted" : "rejected", atoi(count));
	log_summary("review", "id=%s %s=%s", id, decision, count);
	free(count);
	return cmd_job_end(ctx, &j, EX_DONE);
}

int cmd_review(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *sub, *id;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'h': return cmd_help(help);
		default: return cmd_usage_error("review", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("review", "expected list, accept ID or reject ID");
	sub = argv[optind];
	if (strcmp(sub, "list") == 0) {
		if (argc - optind != 1)
			return cmd_usage_error("review", "list takes no arguments");
		return list(ctx);
	}
	if (strcmp(sub, "accept") != 0 && strcmp(sub, "reject") != 0)
		return cmd_usage_error("review", "unknown subcommand '%s'", sub);
	if (argc - optind != 2)
		return cmd_usage_error("review", "%s takes one ID", sub);
	id = argv[optind + 1];
	if (!*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
		return cmd_usage_error("review", "ID '%s' is not a number", id);
	if (sub[0] == 'r' && (!reason || !*reason))
		return cmd_usage_error("review", "reject needs --reason TEXT");
	if (sub[0] == 'a' && reason)
		return cmd_usage_error("review", "--reason goes with reject");
	return decide(ctx, id, sub[0] == 'a' ? "accepted" : "rejected", reason);
}
