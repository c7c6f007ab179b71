/* cmd_appeal.c - sbyt appeal add | extend | answer | list: the appeals
 * register (SPEC 15), by hand; the spool channel `appeals` feeds it too. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "cmd.h"
#include "db.h"
#include "log.h"
#include "service.h"

static const char help[] =
	"usage: sbyt appeal add ID --received TIME --channel CHANNEL --kind KIND [--account N]\n"
	"   or: sbyt appeal extend ID --to DATE [--notified DATE]\n"
	"   or: sbyt appeal answer ID [--at TIME] [--channel CHANNEL]\n"
	"   or: sbyt appeal list [--open]\n"
	"\n"
	"The appeals register (rules/service.xml): an appeal is registered the same\n"
	"working day, answered within 3 days of receipt (a last day off moves to the\n"
	"next working day), and its term may be extended, the customer told, to the\n"
	"10th working day after those 3 days at most: a later date is refused (exit\n"
	"65).  The answer goes by the customer's choice: --channel, else the channel\n"
	"the appeal came by when it is email, phone or post, else the account's\n"
	"e-mail, phone, post.  `list` prints every appeal (--open: unanswered ones)\n"
	"with its due dates and state as of the as-of date.\n"
	"\n"
	"Options:\n"
	"  --received TIME   when it was received, ISO 8601 with offset\n"
	"  --channel NAME    add: how it came (office, email, phone, post, lkk...);\n"
	"                    answer: how the answer goes\n"
	"  --kind KIND       question, complaint or application\n"
	"  --account N       the customer's account, when known\n"
	"  --to DATE         the extended term\n"
	"  --notified DATE   when the customer was told of it (default: the as-of date)\n"
	"  --at TIME         when it was answered (default: now)\n"
	"  --open            list only unanswered appeals\n"
	"  -h, --help        this help\n";

/* The register's context for a command: rules, calendar, the operator. */
int cmd_service_open(struct sbyt_ctx *ctx, struct service_ctx *x, struct service_rules *r,
		     struct calendar **cal, char *who, size_t size)
{
	struct faults f = FAULTS_INIT;
	char user[128];

	if (service_rules_load(ctx->rules_dir, r, &f)) {
		faults_print(&f, stderr);
		faults_release(&f);
		return err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
	}
	if (!(*cal = cmd_load_calendar(ctx))) {
		service_rules_release(r);
		return -1;
	}
	job_os_user(user, sizeof(user));
	snprintf(who, size, "operator %s", user);
	memset(x, 0, sizeof(*x));
	x->db = ctx->db;
	x->rules = r;
	x->cal = *cal;
	x->as_of = ctx->as_of;
	x->source = who;
	return 0;
}

int cmd_service_close(struct sbyt_ctx *ctx, struct job *j, int rc, int out,
		      const struct service_ctx *x, const char *what, const char *id,
		      struct service_rules *r, struct calendar *cal)
{
	if (rc == 0 && out == SVC_REJECTED)
		rc = err_set(&ctx->err, ERR_DATA, "%s '%s': %s", what, id, x->reason);
	if (rc == 0)
		rc = db_commit(ctx->db, &ctx->err);
	else
		db_rollback(ctx->db);
	service_rules_release(r);
	calendar_free(cal);
	if (rc == 0)
		job_count(j, out == SVC_DUPLICATE ? "duplicates" : "changed", 1);
	return rc;
}

/* Now, or noon of the as-of date in the supplier's zone when it is not today. */
static void default_time(struct sbyt_ctx *ctx, struct date_time *t)
{
	memset(t, 0, sizeof(*t));
	t->has_offset = 1;
	t->day = ctx->as_of;
	if (ctx->as_of == date_today()) {
		t->utc = (int64_t)time(NULL);
	} else {
		t->utc = (int64_t)ctx->as_of * 86400 + 7 * 3600;  /* 12:00 at UTC+5 */
	}
}

static int list(struct sbyt_ctx *ctx, int open)
{
	char d[DATE_BUF];
	const char *p[2] = { date_format(ctx->as_of, d), open ? "t" : "f" };
	PGresult *r;
	int n;

	r = db_query(ctx->db, &ctx->err,
		"SELECT appeal_id, coalesce(account_id::text, ''), kind, channel, received_on,"
		" answer_due, coalesce(extended_to::text, ''), coalesce(answered_on::text, ''),"
		" coalesce(answer_channel, ''),"
		" CASE WHEN answered_at IS NOT NULL THEN"
		"  CASE WHEN answered_on > coalesce(extended_to, answer_due) THEN 'answered_late'"
		"  ELSE 'answered' END"
		" WHEN coalesce(extended_to, answer_due) < $1::date THEN 'overdue'"
		" WHEN coalesce(extended_to, answer_due) = $1::date THEN 'due_today'"
		" WHEN coalesce(extended_to, answer_due) = $1::date + 1 THEN 'due_tomorrow'"
		" ELSE 'open' END"
		" FROM appeal WHERE NOT $2::boolean OR answered_at IS NULL"
		" ORDER BY coalesce(extended_to, answer_due), appeal_id", 2, p);
	if (!r)
		return cmd_fail(ctx);
	n = PQntuples(r);
	printf("id;account;kind;channel;received_on;answer_due;extended_to;answered_on;"
	       "answer_channel;state\n");
	for (int i = 0; i < n; i++)
		cmd_print_row(r, i, 10);  /* the journal's ids: controls escaped */
	PQclear(r);
	log_summary("appeal", "as_of=%s appeals=%d", d, n);
	return EX_DONE;
}

int cmd_appeal(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "received", required_argument, NULL, 'r' },
		{ "channel", required_argument, NULL, 'c' },
		{ "kind", required_argument, NULL, 'k' },
		{ "account", required_argument, NULL, 'n' },
		{ "to", required_argument, NULL, 't' },
		{ "notified", required_argument, NULL, 'N' },
		{ "at", required_argument, NULL, 'a' },
		{ "open", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *received = NULL, *channel = NULL, *kind = NULL, *account = NULL, *to = NULL,
		   *notified = NULL, *at = NULL, *sub, *id;
	struct service_rules rules;
	struct service_ctx x;
	struct calendar *cal = NULL;
	enum service_outcome out = SVC_ACCEPTED;
	char who[128], db_[DATE_BUF];
	struct job j;
	int c, open = 0, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': received = optarg; break;
		case 'c': channel = optarg; break;
		case 'k': kind = optarg; break;
		case 'n': account = optarg; break;
		case 't': to = optarg; break;
		case 'N': notified = optarg; break;
		case 'a': at = optarg; break;
		case 'o': open = 1; break;
		case 'h': return cmd_help(help);
		default: return cmd_usage_error("appeal", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("appeal", "expected add, extend, answer or list");
	sub = argv[optind];
	if (!strcmp(sub, "list")) {
		if (argc - optind != 1)
			return cmd_usage_error("appeal", "list takes no arguments");
		if (cmd_connect(ctx))
			return cmd_fail(ctx);
		return list(ctx, open);
	}
	if (strcmp(sub, "add") && strcmp(sub, "extend") && strcmp(sub, "answer"))
		return cmd_usage_error("appeal", "unknown subcommand '%s'", sub);
	if (argc - optind != 2)
		return cmd_usage_error("appeal", "%s takes one ID", sub);
	id = argv[optind + 1];
	if (!*id || strlen(id) > 64)
		return cmd_usage_error("appeal", "ID must be 1 to 64 bytes");
	if (!strcmp(sub, "add") && (!received || !channel || !kind))
		return cmd_usage_error("appeal", "add needs --received, --channel and --kind");
	if (!strcmp(sub, "extend") && !to)
		return cmd_usage_error("appeal", "extend needs --to DATE");
	if (cmd_job_begin(ctx, &j, "appeal"))
		return cmd_fail(ctx);
	if (cmd_service_open(ctx, &x, &rules, &cal, who, sizeof(who)))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	x.run_id = j.run_id;
	rc = db_begin(ctx->db, &ctx->err);
	if (rc == 0 && !strcmp(sub, "add")) {
		struct service_appeal a;
		char *end;

		memset(&a, 0, sizeof(a));
		a.id = id;
		a.channel = channel;
		a.kind = kind;
		a.notified = DATE_NONE;
		a.operator_add = 1;
		if (account)
			a.account = strtoll(account, &end, 10);
		if (date_time_parse(received, -1, &a.received) || !a.received.has_offset)
			rc = err_set(&ctx->err, ERR_USAGE, "invalid time '%s' for --received "
				     "(ISO 8601 with an offset, e.g. 2026-11-02T10:00:00+05:00)", received);
		else if (account && (*end || strlen(account) != 10))
			rc = err_set(&ctx->err, ERR_USAGE, "invalid account '%s' for --account "
				     "(10 digits)", account);
		else
			rc = service_appeal_put(&x, &a, &out, &ctx->err);
	} else if (rc == 0 && !strcmp(sub, "extend")) {
		sdate t, n = ctx->as_of;

		if (date_parse(to, -1, &t) || (notified && date_parse(notified, -1, &n)))
			rc = err_set(&ctx->err, ERR_USAGE, "--to and --notified take YYYY-MM-DD");
		else
			rc = service_appeal_extend(&x, id, t, n, &out, &ctx->err);
	} else if (rc == 0) {
		struct date_time t;

		if (at) {
			if (date_time_parse(at, -1, &t) || !t.has_offset)
				rc = err_set(&ctx->err, ERR_USAGE, "--at needs an ISO 8601 time with offset");
		} else {
			default_time(ctx, &t);
		}
		if (rc == 0)
			rc = service_appeal_answer(&x, id, &t, channel, &out, &ctx->err);
	}
	if (cmd_service_close(ctx, &j, rc, out, &x, "appeal", id, &rules, cal))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	log_summary("appeal", "%s id=%s as_of=%s%s%s%s", sub, id, date_format(ctx->as_of, db_),
		    out == SVC_DUPLICATE ? " unchanged=1" : "",
		    !strcmp(sub, "answer") ? " channel=" : "",
		    !strcmp(sub, "answer") ? x.reason : "");
	return cmd_job_end(ctx, &j, EX_DONE);
}
