/* cmd_debt.c - sbyt debt: the daily debt snapshot, or one account's debt. */
#include <getopt.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctrej.h"
#include "cmd.h"
#include "db.h"
#include "debt.h"
#include "faults.h"
#include "log.h"
#include "rules.h"
#include "sha256.h"
#include "shard.h"

static const char help[] =
	"usage: sbyt debt [--as-of DATE] [--shard I/N] [--full]\n"
	"   or: sbyt debt [--as-of DATE] --account N [--format text|xml] [-v]\n"
	"\n"
	"Without --account: the daily job.  Every account's obligations and the\n"
	"payments made by the as-of date are allocated (named period first, then the\n"
	"oldest open charge) and valued with penalties, and the debt_snapshot rows of\n"
	"the as-of date are replaced, in one transaction, by one row per account with\n"
	"overdue principal or accrued penalty (accounts with neither get no row).\n"
	"An account whose ledger cannot be valued (an obligation without a period, a\n"
	"payment that is not positive, a due date before the first calendar year or\n"
	"key rate loaded) is refused and left out, the rest is written; each refused\n"
	"account with its reason in out/rejects/debt-DATE-runN.accounts.csv.\n"
	"Ends with: sbyt debt: as_of=D accounts=N in_debt=K principal=P penalty=Q\n"
	"refused=R\n"
	"Exit status: 0 done (refused accounts are reported; `sbyt daily` exits 65),\n"
	"64 usage, 69 database unavailable, 73 cannot create the rejects file,\n"
	"75 another run holds the lock, 78 rules invalid or not covering the date.\n"
	"A day whose day before was taken (with the same rules, and no later day\n"
	"taken) values only the accounts whose row can have changed: the day\n"
	"before's debtors and refused accounts, the accounts with an obligation or\n"
	"payment written since, and those with an entry fallen due in between; the\n"
	"rows are the same as a full valuation's.  accounts= counts those valued.\n"
	"\n"
	"With --account: print that account's debt as of the date; writes nothing.\n"
	"\n"
	"  --as-of DATE        the date of the debt (default: the global --as-of, today)\n"
	"  --shard I/N         only accounts with abs(hashint8(account_id)) % N = I\n"
	"  --full              value every account (also SBYT_DEBT_FULL=1, which the\n"
	"                      daily job's debt stage heeds too)\n"
	"  --account N         one account, printed\n"
	"  --format text|xml   how to print it (default text)\n"
	"  -v, --verbose       with --account: every penalty segment, in Russian: the\n"
	"                      due date and the days off it moved over, the rate and\n"
	"                      whether the cap applied\n";

int cmd_penalty_rules(struct sbyt_ctx *ctx, struct penalty_rules *r)
{
	struct faults f = FAULTS_INIT;

	if (penalty_rules_load(ctx->rules_dir, r, &f) == 0)
		return 0;
	faults_print(&f, stderr);
	faults_release(&f);
	return err_set(&ctx->err, ERR_CONFIG, "penalty rules in '%s' are invalid", ctx->rules_dir);
}

/* ---- one account, printed ---- */

struct show {
	const struct penalty_rules *r;
	int xml, verbose, found;
	xmlTextWriterPtr w;
};

static void wattr(xmlTextWriterPtr w, const char *name, const char *value)
{
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static void show_xml(struct show *s, int64_t account, const struct ledger_debt *d)
{
	char buf[MONEY_BUF], db_[DATE_BUF], pb[PERIOD_BUF], ab[24];
	xmlTextWriterPtr w = s->w;

	snprintf(ab, sizeof(ab), "%lld", (long long)account);
	xmlTextWriterStartElement(w, BAD_CAST "Debt");
	wattr(w, "account", ab);
	wattr(w, "asOf", date_format(d->as_of, db_));
	wattr(w, "principal", money_format(d->principal, buf));
	wattr(w, "penalty", money_format(d->penalty, buf));
	for (int i = 0; i < d->nper; i++) {
		const struct ledger_period *p = &d->per[i];

		xmlTextWriterStartElement(w, BAD_CAST "Period");
		wattr(w, "period", period_format(p->period, pb));
		wattr(w, "due", date_format(p->due, db_));
		wattr(w, "principal", money_format(p->principal, buf));
		wattr(w, "penalty", money_format(p->penalty, buf));
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
}

/* -v: the due date a run of segments counts from, whether it moved and
 * over which days off. */
static void show_due(const struct penalty_rules *r, const struct penalty_segment *g)
{
	char db_[DATE_BUF], why[4 * PENALTY_TEXT_BUF];  /* the New Year days: 11 days off */

	if (g->due == g->due_nominal)
		printf("  срок оплаты %s: рабочий день, не переносится\n", date_format(g->due, db_));
	else
		printf("  срок оплаты %s: %s\n", date_format(g->due, db_),
		       penalty_due_text(r, g->due_nominal, g->due, why, sizeof(why)));
}

static void show_text(struct show *s, int64_t account, enum customer_kind kind,
		      const struct ledger_debt *d)
{
	char m1[MONEY_BUF], m2[MONEY_BUF], db_[DATE_BUF], pb[PERIOD_BUF], seg[PENALTY_TEXT_BUF];

	printf("account %lld (%s) as of %s\n", (long long)account,
	       penalty_kind_name(kind), date_format(d->as_of, db_));
	printf("%-8s %-10s %6s %14s %12s\n", "period", "due", "days", "principal", "penalty");
	for (int i = 0; i < d->nper; i++) {
		const struct ledger_period *p = &d->per[i];

		printf("%-8s %-10s %6d %14s %12s\n", period_format(p->period, pb),
		       date_format(p->due, db_), p->days_overdue, money_format(p->principal, m1),
		       money_format(p->penalty, m2));
		if (s->verbose)
			for (int k = 0; k < p->detail.nseg; k++) {
				const struct penalty_segment *g = &p->detail.seg[k];

				if (k == 0 || g->due != p->detail.seg[k - 1].due ||
				    g->due_nominal != p->detail.seg[k - 1].due_nominal)
					show_due(s->r, g);
				printf("    %s\n", penalty_segment_text(g, seg, sizeof(seg)));
			}
	}
	printf("%-8s %-10s %6s %14s %12s\n", "total", "", "", money_format(d->principal, m1),
	       money_format(d->penalty, m2));
	printf("overdue periods %d, advance %s\n", d->periods, money_format(d->advance, m1));
}

static int show_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct show *s = arg;

	s->found = 1;
	if (s->xml)
		show_xml(s, a->account_id, a->debt);
	else
		show_text(s, a->account_id, a->kind, a->debt);
	return 0;
}

static int debt_one(struct sbyt_ctx *ctx, const struct penalty_rules *r,
		    const struct debt_filter *f, int xml)
{
	struct show s = { .r = r, .xml = xml, .verbose = ctx->verbosity > 0 };
	struct debt_sink sink = { show_account, &s };
	struct debt_totals t;
	xmlBufferPtr buf = NULL;
	char ab[24];
	const char *params[1] = { ab };
	char *kind = NULL;
	int rc = -1;

	snprintf(ab, sizeof(ab), "%lld", (long long)f->account);
	if (cmd_connect(ctx) ||
	    db_value(ctx->db, &ctx->err, "SELECT (SELECT CASE WHEN kind = 'legal' AND"
		     " category = 'managing' THEN 'managing' ELSE kind END FROM account"
		     " WHERE account_id = $1::bigint)", 1, params, &kind))
		return cmd_fail(ctx);
	if (!kind) {
		err_set(&ctx->err, ERR_DATA, "unknown account '%s'", ab);
		return cmd_fail(ctx);
	}
	if (xml) {
		buf = xmlBufferCreate();
		s.w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
		if (!s.w) {
			xmlBufferFree(buf);
			free(kind);
			err_set(&ctx->err, ERR_INTERNAL, "cannot start the XML writer");
			return cmd_fail(ctx);
		}
		xmlTextWriterStartDocument(s.w, NULL, "UTF-8", NULL);
	}
	if (db_begin(ctx->db, &ctx->err))
		goto out;
	if (db_exec(ctx->db, &ctx->err, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) ||
	    debt_scan(ctx->db, r, f, &sink, &t, &ctx->err)) {
		db_rollback(ctx->db);
		goto out;
	}
	db_rollback(ctx->db);
	if (!s.found) {
		/* an account with no obligation and no payment owes nothing */
		struct ledger_debt d;

		ledger_debt_init(&d);
		d.as_of = f->as_of;
		if (xml)
			show_xml(&s, f->account, &d);
		else {
			enum customer_kind k = CUSTOMER_INDIVIDUAL;
			debt_kind_parse(kind, &k);
			show_text(&s, f->account, k, &d);
		}
	}
	if (xml) {
		xmlTextWriterEndDocument(s.w);
		xmlFreeTextWriter(s.w);
		s.w = NULL;
		fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), stdout);
	}
	if (fflush(stdout) != 0) {
		err_set(&ctx->err, ERR_IO, "cannot write to standard output");
		goto out;
	}
	rc = 0;
out:
	if (s.w)
		xmlFreeTextWriter(s.w);
	xmlBufferFree(buf);
	free(kind);
	return rc ? cmd_fail(ctx) : EX_DONE;
}

/* ---- the daily job ---- */

int cmd_debt_stage(struct sbyt_ctx *ctx, struct job *j, const struct penalty_rules *r,
		   const struct debt_filter *f, struct debt_totals *t, int64_t *rows)
{
	struct debt_filter fr = *f;
	struct acctrej rej;
	char db_[DATE_BUF], line[1024], version[SHA256_HEX];
	const char *env = getenv("SBYT_DEBT_FULL");

	/* the rules the day is valued with: another version values it in full */
	if (rules_version(ctx->rules_dir, version, &ctx->err))
		return -1;
	fr.rules_version = version;
	if (env && *env && strcmp(env, "0") != 0)
		fr.full = 1;
	/* how many connections read the ledgers (tests: the two halves) */
	env = getenv("SBYT_DEBT_READERS");
	if (env && (strcmp(env, "1") == 0 || strcmp(env, "2") == 0 || strcmp(env, "3") == 0))
		fr.readers = env[0] - '0';

	if (acctrej_init_late(&rej, ctx->out_dir, "debt", date_format(f->as_of, db_), j->run_id,
			 &ctx->err))
		return -1;
	fr.rej = &rej;
	if (debt_snapshot_run(ctx->db, ctx->conninfo, r, &fr, j->run_id, t, rows, &ctx->err)) {
		acctrej_abort(&rej);
		return -1;
	}
	if (acctrej_finish(&rej, t->refused, j, &ctx->err))
		return -1;
	log_verbose("debt: the ledgers read by %d connection%s", t->readers,
		    t->readers == 1 ? "" : "s");
	if (t->incremental)
		log_verbose("debt: incremental from %s: %lld accounts valued",
			    date_format(t->base, db_), (long long)t->accounts);
	else if (t->candidates)
		log_verbose("debt: every account valued (%lld of them can have changed)",
			    (long long)t->candidates);
	else
		log_verbose("debt: every account valued");
	if (t->checkpoints)
		log_verbose("debt: %lld accounts read from their checkpoints, %lld checkpoints made",
			    (long long)t->ck_used, (long long)t->ck_made);
	if (t->checkpoints && t->ranges)
		log_verbose("debt: the ledgers read by index range from the checkpoints");
	if (!t->checkpoints && !fr.full)
		log_verbose("debt: no checkpoints read, %lld made", (long long)t->ck_made);
	if (t->swapped)
		log_verbose("debt: the day's snapshot written into a new partition, indexed at the end");
	if (rej.n)
		log_warn("%s", acctrej_line(&rej, "refused for their data, left out of the debt"
					     " snapshot", line, sizeof(line)));
	return 0;
}

static int debt_job(struct sbyt_ctx *ctx, const struct penalty_rules *r,
		    const struct debt_filter *f)
{
	struct debt_totals t;
	struct job j;
	int64_t rows;
	char ab[DATE_BUF], m1[MONEY_BUF], m2[MONEY_BUF];
	double t0;

	if (cmd_job_begin(ctx, &j, "debt"))
		return cmd_fail(ctx);
	t0 = log_now();
	if (cmd_debt_stage(ctx, &j, r, f, &t, &rows))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	job_count(&j, "accounts", t.accounts);
	job_count(&j, "in_debt", t.in_debt);
	job_count(&j, "snapshot_rows", rows);
	job_count(&j, "refused", t.refused);
	job_count(&j, "ledger_rows", t.rows);
	job_count(&j, "incremental", t.incremental);
	job_count(&j, "principal", t.principal);
	job_count(&j, "penalty", t.penalty);
	log_verbose("debt: %lld ledger rows, %lld snapshot rows in %.2f s", (long long)t.rows,
		    (long long)rows, log_now() - t0);
	log_summary("debt", "as_of=%s accounts=%lld in_debt=%lld principal=%s penalty=%s"
		    " refused=%lld", date_format(f->as_of, ab), (long long)t.accounts,
		    (long long)t.in_debt, money_format(t.principal, m1), money_format(t.penalty, m2),
		    (long long)t.refused);
	return cmd_job_end(ctx, &j, EX_DONE);
}

int cmd_debt(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "account", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "shard", required_argument, NULL, 's' },
		{ "full", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct debt_filter f = { 0 };
	struct penalty_rules r;
	int c, xml = 0, sharded = 0, rc;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'h': return cmd_help(help);
		case 'a':
			if (date_parse(optarg, -1, &ctx->as_of))
				return cmd_usage_error("debt", "invalid date '%s' (YYYY-MM-DD)", optarg);
			ctx->as_of_given = 1;
			break;
		case 'n':
			if (strlen(optarg) != 10 || strspn(optarg, "0123456789") != 10)
				return cmd_usage_error("debt", "account must be 10 digits");
			f.account = strtoll(optarg, NULL, 10);
			break;
		case 'f':
			if (strcmp(optarg, "xml") == 0)
				xml = 1;
			else if (strcmp(optarg, "text") == 0)
				xml = 0;
			else
				return cmd_usage_error("debt", "unknown format '%s'", optarg);
			break;
		case 's':
			if (shard_parse(optarg, &f.shard_i, &f.shard_n))
				return cmd_usage_error("debt", "--shard takes I/N with 0 <= I < N");
			sharded = 1;
			break;
		case 'F':
			f.full = 1;
			break;
		case 'v':
			ctx->verbosity++;
			log_init(ctx->verbosity);
			break;
		default: return cmd_usage_error("debt", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("debt", "unexpected argument '%s'", argv[optind]);
	if (f.account && sharded)
		return cmd_usage_error("debt", "--shard and --account do not go together");
	if (f.account && f.full)
		return cmd_usage_error("debt", "--full and --account do not go together");
	if (!f.account && xml)
		return cmd_usage_error("debt", "--format needs --account");
	f.as_of = ctx->as_of;
	if (cmd_penalty_rules(ctx, &r))
		return cmd_fail(ctx);
	rc = f.account ? debt_one(ctx, &r, &f, xml) : debt_job(ctx, &r, &f);
	penalty_rules_release(&r);
	return rc;
}
