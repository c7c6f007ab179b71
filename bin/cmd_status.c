/* cmd_status.c - sbyt status: what is loaded, the latest runs, breaches. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "scrub.h"

static const char help[] =
	"usage: sbyt status [--runs N]\n"
	"\n"
	"What the database holds (branches, accounts by kind, meters, contracts,\n"
	"reserve acts), the latest job runs with their status and counts, runs that\n"
	"are still marked running, and every deadline breach on record.\n"
	"\n"
	"  --runs N   how many of the latest runs to list (default 10)\n";

static int print_rows(PGconn *db, struct sbyt_err *e, const char *title, const char *sql,
		      int nparams, const char *const *params)
{
	PGresult *res = db_query(db, e, sql, nparams, params);

	if (!res)
		return -1;
	printf("%s\n", title);
	if (PQntuples(res) == 0)
		printf("  (none)\n");
	for (int r = 0; r < PQntuples(res); r++) {
		printf(" ");
		for (int c = 0; c < PQnfields(res); c++) {
			/* file names and ids from outside: control characters escaped */
			putchar(' ');
			scrub_fputs(PQgetisnull(res, r, c) ? "-" : PQgetvalue(res, r, c), stdout);
		}
		printf("\n");
	}
	PQclear(res);
	return 0;
}

int cmd_status(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char runs[12] = "10";
	int c, applied;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(help);
		if (c == 'n' && strspn(optarg, "0123456789") == strlen(optarg) && strlen(optarg) < 6 &&
		    optarg[0]) {
			snprintf(runs, sizeof(runs), "%s", optarg);
			continue;
		}
		return cmd_usage_error("status", c == 'n' ? "--runs takes a number" : "unknown option");
	}
	if (optind != argc)
		return cmd_usage_error("status", "unexpected argument '%s'", argv[optind]);
	if (cmd_connect(ctx))
		return cmd_fail(ctx);
	applied = migrate_applied(ctx->db, &ctx->err);
	if (applied < 0)
		return cmd_fail(ctx);
	if (applied == 0) {
		err_set(&ctx->err, ERR_CONFIG, "the database is not initialised");
		err_detail(&ctx->err, "run `sbyt db init`");
		return cmd_fail(ctx);
	}
	char today[DATE_BUF];
	const char *p[1] = { runs };
	const char *q[1] = { date_format(ctx->as_of, today) };
	if (print_rows(ctx->db, &ctx->err, "loaded:",
		       "SELECT rpad(what, 22), n FROM ("
		       " SELECT 1 AS o, 'branches' AS what, count(*) AS n FROM branch"
		       " UNION ALL SELECT 2, 'accounts individual', count(*) FROM account WHERE kind = 'individual'"
		       " UNION ALL SELECT 3, 'accounts legal', count(*) FROM account WHERE kind = 'legal'"
		       " UNION ALL SELECT 4, 'meters', count(*) FROM meter"
		       " UNION ALL SELECT 5, 'contracts', count(*) FROM contract"
		       " UNION ALL SELECT 6, 'reserve acts', count(*) FROM reserve) t ORDER BY o",
		       0, NULL) ||
	    print_rows(ctx->db, &ctx->err, "accounts by branch:",
		       "SELECT rpad(b.code, 8), rpad(b.name, 30), count(a.account_id)"
		       " FROM branch b LEFT JOIN account a ON a.branch = b.code"
		       " GROUP BY b.code, b.name ORDER BY b.code", 0, NULL) ||
	    print_rows(ctx->db, &ctx->err, "latest runs:",
		       "SELECT run_id, rpad(command, 20), to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'),"
		       " rpad(status, 8), coalesce(exit_code::text, '-'), counts::text FROM ("
		       " SELECT * FROM run ORDER BY run_id DESC LIMIT $1::int) r ORDER BY run_id",
		       1, p) ||
	    print_rows(ctx->db, &ctx->err, "deadline breaches:",
		       "SELECT run_id, command, to_char(started_at, 'YYYY-MM-DD'), breach"
		       " FROM run WHERE breach IS NOT NULL ORDER BY run_id", 0, NULL) ||
	    print_rows(ctx->db, &ctx->err, "service registers (as of the as-of date):",
		       "SELECT rpad(reg, 10), 'due_today=' || count(*) FILTER (WHERE due = $1::date),"
		       " 'overdue=' || count(*) FILTER (WHERE due < $1::date) FROM ("
		       " SELECT 'appeals' AS reg, coalesce(extended_to, answer_due) AS due FROM appeal"
		       "  WHERE answered_at IS NULL"
		       " UNION ALL SELECT 'contracts', due FROM contract_step WHERE done_on IS NULL"
		       " UNION ALL SELECT 'appeals', NULL UNION ALL SELECT 'contracts', NULL) x"
		       " GROUP BY reg ORDER BY reg", 1, q))
		return cmd_fail(ctx);
	log_summary("status", "migrations=%d", applied);
	return EX_DONE;
}
