/*
 * limit_cmds.c - sbyt limit run | explain | cancel | refuse: the daily
 * limitation job and the operator's views and actions on it.  The work is in
 * lib/limit.c (one day applied to an account), lib/limit_db.c (state in and
 * out of the database) and lib/limit_out.c (the day's packages); this file
 * parses the options, holds the job frame and prints.
 */
#include <getopt.h>
#include <inttypes.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "calendar.h"
#include "cmd.h"
#include "db.h"
#include "deadline.h"
#include "docs_texts.h"
#include "faults.h"
#include "limit.h"
#include "limit_out.h"
#include "limit_run.h"
#include "log.h"
#include "names.h"
#include "rules.h"
#include "scrub.h"
#include "sha256.h"
#include "tariff.h"

struct limit_setup {
	struct limit_rules *rules;
	struct calendar *cal;
	struct tariff_rules *tariff;
	struct names *names;
	struct docs_texts texts;    /* for the PDFs (loaded with the tariff) */
	struct limit_env env;
};

static void setup_free(struct limit_setup *s)
{
	limit_rules_free(s->rules);
	calendar_free(s->cal);
	tariff_rules_free(s->tariff);
	names_free(s->names);
	docs_texts_release(&s->texts);
}

/* Load the rules; with_tariff: also the tariff and, unless SBYT_DOCS_PDF=0,
 * the document texts for the PDFs; 2: the texts whatever SBYT_DOCS_PDF. */
static int setup_load(struct sbyt_ctx *ctx, struct limit_setup *s, int with_tariff)
{
	struct faults f = FAULTS_INIT;

	memset(s, 0, sizeof(*s));
	s->rules = limit_rules_load(ctx->rules_dir, &f, &ctx->err);
	if (s->rules && with_tariff && tariff_rules_load(ctx->rules_dir, &s->tariff, &f)) {
		err_set(&ctx->err, ERR_CONFIG, "the billing rules in '%s' are invalid", ctx->rules_dir);
		s->tariff = NULL;
		faults_print(&f, stderr);
		faults_release(&f);
		return -1;
	}
	if (s->rules && with_tariff && (with_tariff == 2 || cmd_docs_pdf())) {
		if (docs_texts_load(ctx->rules_dir, &s->texts, &f)) {
			err_set(&ctx->err, ERR_CONFIG, "the document texts in '%s' are invalid",
				ctx->rules_dir);
			faults_print(&f, stderr);
			faults_release(&f);
			return -1;
		}
		s->env.texts = &s->texts;
		s->env.sup = tariff_supplier(s->tariff);
	}
	if (s->rules && !(s->names = names_load(ctx->rules_dir, &f)))
		err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
	faults_print(&f, stderr);
	faults_release(&f);
	if (!s->rules || !s->names)
		return -1;
	s->cal = cmd_load_calendar(ctx);
	if (!s->cal)
		return -1;
	s->env.rules = s->rules;
	s->env.cal = s->cal;
	s->env.tariff = s->tariff;
	s->env.names = s->names;
	s->env.day = ctx->as_of;
	return 0;
}

static int parse_account(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (!s[0] || strlen(s) > 18)
		return -1;
	v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int limit_run(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_explain(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_cancel(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_refuse(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_channel(int argc, char **argv, struct sbyt_ctx *ctx);

static int as_of_option(struct sbyt_ctx *ctx, const char *arg)
{
	if (date_parse(arg, -1, &ctx->as_of))
		return cmd_usage_error("limit", "invalid date '%s' for --as-of (YYYY-MM-DD)", arg);
	ctx->as_of_given = 1;
	return 0;
}

int cmd_limit_stage(struct sbyt_ctx *ctx, struct job *j, struct limit_day *k)
{
	struct limit_setup s;
	struct limit_run_counts rc;
	struct acctrej rej;
	char version[SHA256_HEX], db_[DATE_BUF], line[1024];

	memset(k, 0, sizeof(*k));
	if (setup_load(ctx, &s, 1))
		return -1;
	if (rules_version(ctx->rules_dir, version, &ctx->err) ||
	    acctrej_init_late(&rej, ctx->out_dir, "limit", date_format(ctx->as_of, db_), j->run_id,
			 &ctx->err)) {
		setup_free(&s);
		return -1;
	}
	/* the day's packages read on a connection of their own beside the
	 * registers' (SBYT_LIMIT_READERS=1: on the run's one connection) */
	s.env.conninfo = ctx->conninfo;
	s.env.twin = !getenv("SBYT_LIMIT_READERS") || strcmp(getenv("SBYT_LIMIT_READERS"), "1");
	if (limit_run_day(ctx->db, &s.env, ctx->out_dir, j, version, &rej, &rc, &ctx->err)) {
		acctrej_abort(&rej);
		setup_free(&s);
		return -1;
	}
	setup_free(&s);
	if (acctrej_finish(&rej, rc.refused, j, &ctx->err))
		return -1;
	k->refused = rc.refused;
	k->working = rc.working;
	k->deliveries = rc.deliveries;
	k->accounts = rc.accounts;
	k->notices = rc.notices;
	k->requests = rc.requests;
	k->cancelled = rc.cancelled;
	k->packages = rc.packages;
	k->pending = rc.pending;
	k->caught_up = rc.caught_up;
	snprintf(k->pending_msg, sizeof(k->pending_msg), "%s", rc.pending_msg);
	log_verbose("stage deliveries %.3f s, select %.3f s, cases %.3f s, packages %.3f s",
		    rc.t_deliveries, rc.t_select, rc.t_cases, rc.t_packages);
	job_count(j, "deliveries", k->deliveries);
	job_count(j, "accounts", k->accounts);
	job_count(j, "notices", k->notices);
	job_count(j, "requests", k->requests);
	job_count(j, "cancelled", k->cancelled);
	job_count(j, "packages", k->packages);
	job_count(j, "pending_calendar", k->pending);
	job_count(j, "caught_up", k->caught_up);
	job_count(j, "limit_refused", k->refused);
	if (k->caught_up)
		log_warn("wrote the packages of %" PRId64 " earlier days that a run had left "
			 "unwritten (catch-up)", k->caught_up);
	if (rej.n)
		log_warn("%s", acctrej_line(&rej, "left waiting, a step needs a calendar year not"
					     " loaded (the rest completed)", line, sizeof(line)));
	else if (k->pending)
		log_warn("%" PRId64 " accounts have steps waiting for a calendar year: %s", k->pending,
			 k->pending_msg);
	return 0;
}

int limit_run(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct limit_day k;
	struct job j;
	char b[DATE_BUF];
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (as_of_option(ctx, optarg))
				return EX_USAGE_;
			break;
		case 'h': return cmd_help("usage: sbyt limit run [--as-of DATE]\n");
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("limit", "too many arguments");
	if (cmd_job_begin(ctx, &j, "limit"))
		return cmd_fail(ctx);
	if (cmd_limit_stage(ctx, &j, &k))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	job_count(&j, "refused", k.refused);
	log_summary("limit run", "as_of=%s notices=%" PRId64 " requests=%" PRId64
		    " cancelled=%" PRId64 " deliveries=%" PRId64 " working=%d accounts=%" PRId64
		    " packages=%" PRId64 " refused=%" PRId64 " pending_calendar=%" PRId64
		    " caught_up=%" PRId64, date_format(ctx->as_of, b), k.notices, k.requests,
		    k.cancelled, k.deliveries, k.working, k.accounts, k.packages, k.refused,
		    k.pending, k.caught_up);
	return cmd_job_end(ctx, &j, EX_DONE);
}

/* ---- explain ---------------------------------------------------------- */

static const char *df(sdate d, char *b)
{
	if (d == DATE_NONE) {
		strcpy(b, "-");
		return b;
	}
	return date_format(d, b);
}

static const struct lim_notice *notice_of(const struct lim_case *c, const char *id)
{
	for (int i = 0; i < c->nnotices; i++)
		if (!strcmp(c->notice[i].id, id))
			return &c->notice[i];
	return NULL;
}

static int explain_xml(const struct limit_account *a, sdate as_of, struct sbyt_err *e)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	char b[DATE_BUF], id[24];
	int rc = 0;

	if (!w) {
		xmlBufferFree(buf);
		return err_set(e, ERR_INTERNAL, "cannot create the xml writer");
	}
	snprintf(id, sizeof(id), "%" PRId64, a->id);
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Cases") < 0;
	for (int i = 0; i < a->ncases; i++) {
		const struct lim_case *c = &a->cases[i];

		if (c->opened > as_of)
			continue;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Case") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "account", BAD_CAST id) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "procedure", BAD_CAST c->procedure) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "status", BAD_CAST c->status) < 0;
		for (int k = 0; k < c->nsteps; k++) {
			const struct lim_step *s = &c->step[k];
			const struct lim_notice *n = s->notice_id[0] ? notice_of(c, s->notice_id) : NULL;

			rc |= xmlTextWriterStartElement(w, BAD_CAST "Step") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST s->name) < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "date",
							  BAD_CAST date_format(s->date, b)) < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "state", BAD_CAST s->state) < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rule", BAD_CAST s->rule) < 0;
			if (n) {
				if (n->delivered != DATE_NONE && n->delivered <= as_of)
					rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "delivered",
						BAD_CAST date_format(n->delivered, b)) < 0;
				rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "notice", BAD_CAST n->id) < 0;
				rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "channel",
								  BAD_CAST n->channel) < 0;
				if (n->planned != DATE_NONE)
					rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "planned",
						BAD_CAST date_format(n->planned, b)) < 0;
				if (n->void_)
					rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "void",
									  BAD_CAST "true") < 0;
			}
			if (!n && strcmp(s->state, "cancelled")) {
				/* SPEC 9.2.8: the date the rules gave beside the actual one */
				rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "planned",
					BAD_CAST date_format(s->planned != DATE_NONE ? s->planned
										     : s->date, b)) < 0;
				if (s->why[0])
					rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "why",
									  BAD_CAST s->why) < 0;
			}
			if (s->request_id[0])
				rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "request",
								  BAD_CAST s->request_id) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (!rc && fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), stdout) !=
		   (size_t)xmlBufferLength(buf))
		rc = 1;
	xmlBufferFree(buf);
	return rc ? err_set(e, ERR_IO, "cannot write the xml") : 0;
}

static void explain_text(const struct limit_account *a, const struct limit_setup *s,
			 sdate as_of)
{
	char b[DATE_BUF], b2[DATE_BUF], b3[DATE_BUF], m1[32], m2[32];
	int y0 = 9999, y1 = 0, y;

	printf("account %" PRId64 " (%s, branch %s), notices via %s%s; as of %s\n", a->id,
	       a->kind, a->branch, a->channel, a->remote ? ", remote metering" : "",
	       date_format(as_of, b));
	if (a->has_snap)
		printf("debt snapshot %s: overdue %s over %d periods, penalty %s\n",
		       date_format(a->snap_as_of, b), money_format(a->principal, m1), a->periods,
		       money_format(a->penalty, m2));
	else
		printf("debt snapshot: no overdue debt on or before %s\n", date_format(as_of, b));
	if (!a->ncases)
		printf("no limitation case\n");
	for (int i = 0; i < a->ncases; i++) {
		const struct lim_case *c = &a->cases[i];
		const struct limit_procedure *p = limit_procedure_find(s->rules, c->procedure);

		if (c->opened > as_of)
			continue;
		printf("\ncase %d: %s (%s), %s\n", c->no, c->procedure, p ? p->title : "?",
		       c->status);
		printf("  opened %s on the snapshot of %s: overdue %s over %d periods, threshold %s\n",
		       date_format(c->opened, b), date_format(c->snap_as_of, b2),
		       money_format(c->stated, m1), c->periods, money_format(c->threshold, m2));
		if (c->ended != DATE_NONE) {
			/* the reason an operator typed: control characters escaped */
			printf("  ended %s: ", date_format(c->ended, b));
			scrub_fputs(c->reason, stdout);
			putchar('\n');
		}
		for (int k = 0; k < c->nsteps; k++) {
			const struct lim_step *st = &c->step[k];
			const struct lim_notice *n = st->notice_id[0] ? notice_of(c, st->notice_id) : NULL;
			const struct limit_step *rs = p ? (limit_step_index(p, st->name) >= 0 ?
				&p->step[limit_step_index(p, st->name)] : NULL) : NULL;

			date_to_ymd(st->date, &y, NULL, NULL);
			if (y < y0)
				y0 = y;
			if (y > y1)
				y1 = y;
			printf("  %-18s %s  %-9s  %s\n", st->name, date_format(st->date, b), st->state,
			       st->rule);
			if (n)
				printf("      notice %s via %s, issued %s%s%s, delivered %s%s%s%s\n", n->id,
				       n->channel, date_format(n->issued, b),
				       n->planned != DATE_NONE ? ", states " : "",
				       n->planned != DATE_NONE ? df(n->planned, b2) : "",
				       df(n->delivered, b3), n->void_ ? " (void)" : "",
				       n->replaces[0] ? ", replaces " : "", n->replaces);
			if (st->planned != DATE_NONE)
				printf("      planned %s, actual %s: %s\n", date_format(st->planned, b),
				       date_format(st->date, b2), st->why);
			if (st->request_id[0])
				printf("      request %s to the grid company\n", st->request_id);
			if (st->deriv[0])
				printf("      %s\n", st->deriv);
			if (rs && rs->citation)
				printf("      %s\n", rs->citation);
		}
		for (int k = 0; k < c->nnotices; k++)
			if (!strcmp(c->notice[k].channel, "authorities"))
				printf("  copy to the authorities: notice %s issued %s\n", c->notice[k].id,
				       date_format(c->notice[k].issued, b));
	}
	if (y1 == 0)
		date_to_ymd(as_of, &y0, NULL, NULL), y1 = y0;
	for (y = y0; y <= y1; y++)
		printf("calendar: %s\n", calendar_file(s->cal, y) ? calendar_file(s->cal, y) : "(none)");
	printf("rules: %s\n", s->rules->path);
}

/* Load one account (any transaction state: runs its own and rolls back). */
static int load_one(struct sbyt_ctx *ctx, const struct limit_rules *rules, int64_t id,
		    struct limit_account *a)
{
	int64_t after = 0;
	int n;

	if (db_begin(ctx->db, &ctx->err))
		return -1;
	if (limit_select(ctx->db, rules, ctx->as_of, id, 0, 0, &ctx->err) < 0 ||
	    (n = limit_load(ctx->db, ctx->as_of, &after, a, 1, 1, 0, &ctx->err)) < 0) {
		db_rollback(ctx->db);
		return -1;
	}
	db_rollback(ctx->db);
	if (n == 0)
		return err_set(&ctx->err, ERR_DATA, "unknown account '%" PRId64 "'", id);
	return 0;
}

int limit_explain(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct limit_setup s;
	struct limit_account *a;
	int64_t id;
	int c, xml = 0, rc = EX_DONE;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (as_of_option(ctx, optarg))
				return EX_USAGE_;
			break;
		case 'f':
			if (!strcmp(optarg, "xml"))
				xml = 1;
			else if (strcmp(optarg, "text"))
				return cmd_usage_error("limit", "unknown format '%s' (text, xml)",
						       optarg);
			break;
		case 'h': return cmd_help("usage: sbyt limit explain ACCOUNT [--as-of DATE] "
					  "[--format text|xml]\n");
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("limit", optind >= argc ? "missing account"
							       : "too many arguments");
	if (parse_account(argv[optind], &id))
		return cmd_usage_error("limit", "invalid account '%s'", argv[optind]);
	a = calloc(1, sizeof(*a));
	if (!a)
		return EX_SOFTWARE_;
	if (setup_load(ctx, &s, 0) || cmd_connect(ctx) || load_one(ctx, s.rules, id, a)) {
		rc = cmd_fail(ctx);
	} else if (xml) {
		if (explain_xml(a, ctx->as_of, &ctx->err))
			rc = cmd_fail(ctx);
	} else {
		explain_text(a, &s, ctx->as_of);
	}
	if (a)
		limit_account_release(a);
	free(a);
	setup_free(&s);
	return rc;
}

/* ---- cancel, refuse --------------------------------------------------- */

/* `limit cancel ACCOUNT --reason TEXT` (cancel) or `limit refuse ACCOUNT`:
 * in one transaction of a "limit" job, the account's case is loaded as of
 * the day, the operator's act applied and stored.  Returns the exit status. */
static int operator_act(int argc, char **argv, struct sbyt_ctx *ctx, int cancel)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct option o[3];
	struct limit_setup s;
	struct limit_account *a = NULL;
	struct job j;
	const char *reason = NULL;
	int64_t id, after = 0;
	int c, n;

	/* --reason is cancel's only */
	memcpy(o, opts, sizeof(o));
	if (!cancel)
		o[2] = opts[3];
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", cancel ? opts : o, NULL)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'a':
			if (as_of_option(ctx, optarg))
				return EX_USAGE_;
			break;
		case 'h': return cmd_help(cancel ? "usage: sbyt limit cancel ACCOUNT --reason TEXT "
						   "[--as-of DATE]\n"
						 : "usage: sbyt limit refuse ACCOUNT [--as-of DATE]\n");
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("limit", optind >= argc ? "missing account"
							       : "too many arguments");
	if (parse_account(argv[optind], &id))
		return cmd_usage_error("limit", "invalid account '%s'", argv[optind]);
	if (cancel && (!reason || !reason[0]))
		return cmd_usage_error("limit", "--reason TEXT is required");
	if (setup_load(ctx, &s, 0)) {
		setup_free(&s);
		return cmd_fail(ctx);
	}
	if (cmd_job_begin(ctx, &j, "limit")) {
		setup_free(&s);
		return cmd_fail(ctx);
	}
	a = calloc(1, sizeof(*a));
	if (!a || db_begin(ctx->db, &ctx->err))
		goto fail;
	if (limit_check_day(ctx->db, ctx->as_of, &ctx->err) ||
	    limit_select(ctx->db, s.rules, ctx->as_of, id, 0, 0, &ctx->err) < 0 ||
	    (n = limit_load(ctx->db, ctx->as_of, &after, a, 1, 0, 0, &ctx->err)) < 0)
		goto fail_tx;
	if (n == 0) {
		err_set(&ctx->err, ERR_DATA, "unknown account '%" PRId64 "'", id);
		goto fail_tx;
	}
	n = cancel ? limit_operator_cancel(&s.env, a, reason, &ctx->err)
		   : limit_operator_refuse(&s.env, a, &ctx->err);
	if (n < 0)
		goto fail_tx;
	if (cancel && n == 0) {
		err_set(&ctx->err, ERR_DATA, "account '%" PRId64 "' has no open limitation case", id);
		goto fail_tx;
	}
	if (limit_store(ctx->db, &s.env, a, 1, &ctx->err) || db_commit(ctx->db, &ctx->err))
		goto fail_tx;
	if (cancel) {
		job_count(&j, "cancelled", n);
		job_count(&j, "requests", a->new_requests);
		log_summary("limit cancel", "account=%" PRId64 " cancelled=%d requests=%d", id, n,
			    a->new_requests);
	} else {
		log_summary("limit refuse", "account=%" PRId64 " opened=1", id);
	}
	limit_account_release(a);
	free(a);
	setup_free(&s);
	return cmd_job_end(ctx, &j, EX_DONE);
fail_tx:
	db_rollback(ctx->db);
fail:
	if (a)
		limit_account_release(a);
	free(a);
	setup_free(&s);
	return cmd_job_end(ctx, &j, cmd_fail(ctx));
}

int limit_cancel(int argc, char **argv, struct sbyt_ctx *ctx)
{
	return operator_act(argc, argv, ctx, 1);
}

int limit_refuse(int argc, char **argv, struct sbyt_ctx *ctx)
{
	return operator_act(argc, argv, ctx, 0);
}

/* ---- channel ---------------------------------------------------------- */

/* The channels an operator may choose, as typed and as stored. */
static const struct {
	const char *name, *stored;
} channels[] = {
	{ "post", "post" }, { "edo", "edo" }, { "lkk", "lkk" }, { "email", "email" },
	{ "sms", "sms" }, { "personal", "personal" }, { "document", "payment_document" },
};

int limit_channel(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = NULL, *stored = NULL;
	char previous[32], osu[64];
	struct job j;
	int64_t id;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': reason = optarg; break;
		case 'a':
			if (as_of_option(ctx, optarg))
				return EX_USAGE_;
			break;
		case 'h': return cmd_help("usage: sbyt limit channel ACCOUNT CHANNEL --reason TEXT "
					  "[--as-of DATE]\n"
					  "\nCHANNEL: post, edo, lkk, email, sms, personal (against "
					  "signature),\ndocument (inside the payment document)\n");
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc - 2)
		return cmd_usage_error("limit", optind >= argc - 1 ? "missing account or channel"
								   : "too many arguments");
	if (parse_account(argv[optind], &id))
		return cmd_usage_error("limit", "invalid account '%s'", argv[optind]);
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if (!strcmp(argv[optind + 1], channels[i].name))
			stored = channels[i].stored;
	if (!stored)
		return cmd_usage_error("limit", "unknown channel '%s' (post, edo, lkk, email, sms, "
				       "personal, document)", argv[optind + 1]);
	if (!reason || !reason[0])
		return cmd_usage_error("limit", "--reason TEXT is required");
	/* who: the operating-system account behind the process, never $USER */
	job_os_user(osu, sizeof(osu));
	if (cmd_job_begin(ctx, &j, "limit"))
		return cmd_fail(ctx);
	if (db_begin(ctx->db, &ctx->err))
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	if (limit_channel_set(ctx->db, id, stored, reason, osu, ctx->as_of, previous,
			      sizeof(previous), &ctx->err) ||
	    db_commit(ctx->db, &ctx->err)) {
		db_rollback(ctx->db);
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	}
	job_count(&j, "channels", 1);
	log_summary("limit channel", "account=%" PRId64 " channel=%s previous=%s", id, stored,
		    previous);
	return cmd_job_end(ctx, &j, EX_DONE);
}

static void print_path(const char *path, void *arg)
{
	(void)arg;
	printf("%s\n", path);
}

int limit_render(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "notice", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct limit_setup s;
	const char *id = NULL, *out = NULL;
	char dir[4096];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': id = optarg; break;
		case 'o': out = optarg; break;
		case 'h': return cmd_help("usage: sbyt limit render --notice ID [--out DIR]\n"
					  "\nReprints the notice and each grid request resting on it"
					  " as PDF,\nDIR/ACCOUNT-ID.pdf (default OUT/limit/reprint);"
					  " prints the paths.\n");
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("limit", "unexpected argument '%s'", argv[optind]);
	if (!id)
		return cmd_usage_error("limit", "render needs --notice ID");
	if (!id[0] || strlen(id) > 48 ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    strlen(id))
		return cmd_usage_error("limit", "bad notice id '%s' (letters, digits, '-')", id);
	if (!out) {
		snprintf(dir, sizeof(dir), "%s/limit/reprint", ctx->out_dir);
		out = dir;
	}
	if (setup_load(ctx, &s, 2))
		return cmd_fail(ctx);
	if (cmd_connect(ctx)) {
		setup_free(&s);
		return cmd_fail(ctx);
	}
	rc = limit_render_notice(ctx->db, &s.env, id, out, print_path, NULL, &ctx->err);
	setup_free(&s);
	if (rc)
		return cmd_fail(ctx);
	log_summary("limit render", "notice=%s", id);
	return EX_DONE;
}
