/* cmd_contract.c - sbyt contract apply | answer | refuse | protocol | sign |
 * terminate | invoice | list: the contracts register (SPEC 15), by hand;
 * the spool channel `contracts` feeds it too. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "cmd.h"
#include "db.h"
#include "log.h"
#include "penalty.h"
#include "service.h"
#include "sha256.h"
#include "tariff.h"

static const char help[] =
	"usage: sbyt contract apply ID --account N [--at DATE]\n"
	"   or: sbyt contract answer|refuse|protocol|sign|invoice ID [--at DATE]\n"
	"   or: sbyt contract terminate ID --date DATE [--account N] [--at DATE]\n"
	"   or: sbyt contract list [--open]\n"
	"\n"
	"The contracts register (rules/service.xml, the standard's Appendix 3 table\n"
	"1).  apply: an application registered the same working day; a legal\n"
	"entity is answered (or told what is missing, or refused: refuse) within 5\n"
	"working days and gets the signed contract within 30 days; a household signs\n"
	"at one visit.  protocol: a protocol of disagreements received, settled\n"
	"within 10 working days.  sign: the contract signed.  terminate: the\n"
	"customer's notice of termination on DATE, which must be at least 20\n"
	"working days ahead (else refused, exit 65, with the earliest lawful date);\n"
	"the final invoice is then due within 5 working days: invoice.\n"
	"`list` prints every step with its rule, due date and state.\n"
	"\n"
	"Options:\n"
	"  --account N   the customer's account (apply, terminate without a case)\n"
	"  --at DATE     when it happened (default: the as-of date)\n"
	"  --date DATE   terminate: the termination date the customer names\n"
	"  --open        list only steps not yet done\n"
	"  -h, --help    this help\n";

static const struct {
	const char *sub, *event;
} events[] = {
	{ "apply", "apply" }, { "answer", "answer" }, { "refuse", "refuse" },
	{ "protocol", "protocol" }, { "sign", "sign" }, { "terminate", "terminate_notice" },
	{ "invoice", "final_invoice" },
};

static int list(struct sbyt_ctx *ctx, int open)
{
	char d[DATE_BUF];
	const char *p[2] = { date_format(ctx->as_of, d), open ? "t" : "f" };
	PGresult *r;
	int n;

	r = db_query(ctx->db, &ctx->err,
		"SELECT s.case_id, c.account_id, c.customer, s.step, s.rule, s.from_on, s.due,"
		" coalesce(s.named_on::text, ''), coalesce(s.done_on::text, ''),"
		" CASE WHEN s.done_on IS NOT NULL THEN"
		"  CASE WHEN s.outcome = 'closed' THEN 'closed'"
		"  WHEN s.done_on > s.due AND s.step <> 'terminate' THEN 'done_late'"
		"  ELSE coalesce(s.outcome, 'done') END"
		" WHEN s.due < $1::date THEN 'overdue' WHEN s.due = $1::date THEN 'due_today'"
		" WHEN s.due = $1::date + 1 THEN 'due_tomorrow' ELSE 'open' END"
		" FROM contract_step s JOIN contract_case c USING (case_id)"
		" WHERE NOT $2::boolean OR s.done_on IS NULL ORDER BY s.due, s.case_id, s.step",
		2, p);
	if (!r)
		return cmd_fail(ctx);
	n = PQntuples(r);
	printf("case;account;customer;step;rule;from;due;named;done;state\n");
	for (int i = 0; i < n; i++)
		cmd_print_row(r, i, 10);  /* case ids, customers: controls escaped */
	PQclear(r);
	log_summary("contract", "as_of=%s steps=%d", d, n);
	return EX_DONE;
}

/* contract invoice: the final invoice of case id, made as of `when`
 * (the document), its step marked done; a second time is a no-op. */
static int invoice(struct sbyt_ctx *ctx, struct job *j, struct service_ctx *x, const char *id,
		   sdate when, enum service_outcome *out)
{
	struct penalty_rules pr;
	struct tariff_rules *tr = NULL;
	struct faults f = FAULTS_INIT;
	char path[4096], hex[SHA256_HEX], *v = NULL;
	const char *p[1] = { id };
	int64_t bytes;
	int made = 0, rc;

	x->as_of = when;
	if (cmd_penalty_rules(ctx, &pr))
		return -1;
	if (tariff_rules_load(ctx->rules_dir, &tr, &f) < 0) {
		faults_print(&f, stderr);
		faults_release(&f);
		penalty_rules_release(&pr);
		return err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
	}
	faults_release(&f);
	rc = service_final_invoices(x, &pr, tr, ctx->out_dir, id, &made, path, sizeof(path),
				    &ctx->err);
	penalty_rules_release(&pr);
	tariff_rules_free(tr);
	if (rc)
		return -1;
	if (made) {
		*out = SVC_ACCEPTED;
		log_info("final invoice of '%s': %s", id, path);
		return sha256_file(path, hex, &bytes, &ctx->err) ||
		       job_file(j, "out", path, hex, bytes, &ctx->err) ? -1 : 0;
	}
	if (db_value(ctx->db, &ctx->err, "SELECT (SELECT done_on::text FROM contract_step"
		     " WHERE case_id = $1 AND step = 'final_invoice')", 1, p, &v))
		return -1;
	if (!v)
		return err_set(&ctx->err, ERR_DATA, "contract '%s': no termination notice on record, "
			       "no final invoice is due", id);
	free(v);
	*out = SVC_DUPLICATE;
	return 0;
}

int cmd_contract(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'n' },
		{ "at", required_argument, NULL, 'a' },
		{ "date", required_argument, NULL, 'd' },
		{ "open", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *account = NULL, *at = NULL, *date = NULL, *sub, *id, *event = NULL;
	struct service_rules rules;
	struct service_ctx x;
	struct calendar *cal = NULL;
	enum service_outcome out = SVC_ACCEPTED;
	char who[128], db_[DATE_BUF];
	sdate when, named = DATE_NONE;
	int64_t acc = 0;
	struct job j;
	int c, open = 0, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': account = optarg; break;
		case 'a': at = optarg; break;
		case 'd': date = optarg; break;
		case 'o': open = 1; break;
		case 'h': return cmd_help(help);
		default: return cmd_usage_error("contract", "unknown option");
		}
	}
	if (optind >= argc)
		return cmd_usage_error("contract", "expected apply, answer, refuse, protocol, sign, "
				       "terminate, invoice or list");
	sub = argv[optind];
	if (!strcmp(sub, "list")) {
		if (argc - optind != 1)
			return cmd_usage_error("contract", "list takes no arguments");
		if (cmd_connect(ctx))
			return cmd_fail(ctx);
		return list(ctx, open);
	}
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (!strcmp(sub, events[i].sub))
			event = events[i].event;
	if (!event)
		return cmd_usage_error("contract", "unknown subcommand '%s'", sub);
	if (argc - optind != 2)
		return cmd_usage_error("contract", "%s takes one ID", sub);
	id = argv[optind + 1];
	if (!*id || strlen(id) > 64)
		return cmd_usage_error("contract", "ID must be 1 to 64 bytes");
	if (account) {
		char *end;

		acc = strtoll(account, &end, 10);
		if (*end || strlen(account) != 10)
			return cmd_usage_error("contract", "--account takes 10 digits");
	}
	if (!strcmp(sub, "apply") && !account)
		return cmd_usage_error("contract", "apply needs --account N");
	if (!strcmp(sub, "terminate") && !date)
		return cmd_usage_error("contract", "terminate needs --date DATE");
	when = ctx->as_of;
	if ((at && date_parse(at, -1, &when)) || (date && date_parse(date, -1, &named)))
		return cmd_usage_error("contract", "--at and --date take YYYY-MM-DD");
	if (cmd_job_begin(ctx, &j, "contract"))
		return cmd_fail(ctx);
	if (cmd_service_open(ctx, &x, &rules, &cal, who, sizeof(who)))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	x.run_id = j.run_id;
	if (!strcmp(sub, "invoice")) {
		rc = invoice(ctx, &j, &x, id, when, &out);
		service_rules_release(&rules);
		calendar_free(cal);
		if (rc)
			return cmd_job_end(ctx, &j, cmd_fail(ctx));
		log_summary("contract", "invoice id=%s at=%s%s", id, date_format(when, db_),
			    out == SVC_DUPLICATE ? " unchanged=1" : "");
		return cmd_job_end(ctx, &j, EX_DONE);
	}
	rc = db_begin(ctx->db, &ctx->err);
	if (rc == 0)
		rc = service_contract_event(&x, id, acc, event, when, named, &out, &ctx->err);
	if (cmd_service_close(ctx, &j, rc, out, &x, "contract", id, &rules, cal))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	log_summary("contract", "%s id=%s at=%s%s", sub, id, date_format(when, db_),
		    out == SVC_DUPLICATE ? " unchanged=1" : "");
	return cmd_job_end(ctx, &j, EX_DONE);
}
