/*
 * cmd_limit.c - sbyt limit SUBCOMMAND: the limitation workflow.
 *
 * One table of subcommands; each is a static function taking the
 * subcommand's own argv (argv[0] = its name).  Adding one (run, explain,
 * cancel): write limit_NAME(), add it to `subs`, add its usage line to
 * `help` and to man/sbyt-limit.1's SYNOPSIS, and a test in tests/t/.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "calendar.h"
#include "cmd.h"
#include "deadline.h"
#include "faults.h"
#include "log.h"

/* bin/limit_cmds.c */
int limit_run(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_explain(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_cancel(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_refuse(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_channel(int argc, char **argv, struct sbyt_ctx *ctx);
int limit_render(int argc, char **argv, struct sbyt_ctx *ctx);

static const char help[] =
	"usage: sbyt limit dates PROCEDURE --delivered DATE [--remote] [--planned DATE] [--format text|xml]\n"
	"   or: sbyt limit run [--as-of DATE]\n"
	"   or: sbyt limit explain ACCOUNT [--as-of DATE] [--format text|xml]\n"
	"   or: sbyt limit cancel ACCOUNT --reason TEXT [--as-of DATE]\n"
	"   or: sbyt limit refuse ACCOUNT [--as-of DATE]\n"
	"   or: sbyt limit channel ACCOUNT CHANNEL --reason TEXT [--as-of DATE]\n"
	"   or: sbyt limit render --notice ID [--out DIR]\n"
	"\n"
	"run      the day's limitation work (cron, daily): record delivery\n"
	"         confirmations; on a working day also open cases from the debt\n"
	"         snapshot, issue notices, send grid requests, execute due steps,\n"
	"         cancel or reconnect on full payment; writes\n"
	"         out/limit/YYYY-MM-DD/<branch>/<kind>.zip and register.xlsx\n"
	"explain  an account's cases: every step, its date, rule and arithmetic\n"
	"cancel   the operator cancels the account's open cases, with a reason\n"
	"refuse   the operator starts the contract refusal procedure of a legal\n"
	"         entity whose overdue debt covers 2 payment periods\n"
	"channel  the operator chooses the channel of the account's next notices\n"
	"         (post, edo, lkk, email, sms, personal, document), with a reason;\n"
	"         recorded with the database and system user and the time\n"
	"render   reprints a notice and the grid requests resting on it as PDF,\n"
	"         DIR/ACCOUNT-ID.pdf (default OUT/limit/reprint), as the package\n"
	"         holds them; prints the paths (65: no such notice)\n"
	"dates    every step's earliest date for a notice of PROCEDURE (individual,\n"
	"         legal, legal_reserve, refusal) delivered on DATE, with the arithmetic\n"
	"         of SPEC 9.2 and the rule behind each date\n"
	"\n"
	
	"Options of dates:\n"
	"  --delivered DATE   delivery date of the procedure's first notice (the\n"
	"                     household warning, the legal notice)\n"
	"  --remote           the meter is read remotely (household full: 3 days)\n"
	"  --planned DATE     the action date the dated notice states; later steps\n"
	"                     count from it when it leaves the lead, else the notice\n"
	"                     is void (exit 65)\n"
	"  --format text|xml  text (default) or <Dates><Step .../></Dates>\n"
	"\n"
	"Exit status: 0 done, 64 usage or unknown procedure, 65 the planned date\n"
	"leaves less lead than the rule (void notice), 78 rules invalid or a date\n"
	"needs a calendar year that is not loaded.\n";

static const char *dow(sdate d)
{
	static const char *const names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	return names[date_weekday(d) - 1];
}

/* The calendar files behind the dates of res, once each, in year order. */
static void print_calendar_files(const struct calendar *cal, sdate from,
				 const struct deadline_result *res)
{
	int y0, y1, y;

	date_to_ymd(from, &y0, NULL, NULL);
	y1 = y0;
	for (int i = 0; i < res->nsteps; i++)
		if (!res->step[i].pending) {
			date_to_ymd(res->step[i].date, &y, NULL, NULL);
			if (y > y1)
				y1 = y;
		}
	for (y = y0; y <= y1; y++)
		printf("calendar: %s\n", calendar_file(cal, y) ? calendar_file(cal, y) : "(none)");
}

static void print_text(const struct calendar *cal, const struct deadline_result *res,
		       const struct deadline_input *in, sdate delivered)
{
	const struct limit_procedure *p = res->proc;
	char b[DATE_BUF], line[4096];

	printf("procedure %s (%s): %s delivered %s (%s)%s\n", p->name, p->title,
	       p->notice[0].name, date_format(delivered, b), dow(delivered),
	       in->remote ? ", remote metering" : "");
	print_calendar_files(cal, delivered, res);
	for (int i = 0; i < res->nsteps; i++) {
		const struct derivation *dv = &res->step[i];
		const struct limit_step *st = dv->step;

		printf("%-18s %s %s  %s\n", st->name, date_format(dv->date, b), dow(dv->date),
		       st->rule);
		if (dv->assumed)
			printf("    assuming %s is delivered on its earliest date %s (%s)\n",
			       p->notice[st->notice].name, date_format(dv->anchor, b),
			       p->step[p->notice[st->notice].earliest].name);
		printf("    %s\n", deadline_explain(p, dv, line, sizeof(line)));
		printf("    %s\n", st->citation);
	}
	if (in->planned != DATE_NONE) {
		const struct derivation *dv = p->stated >= 0 ? &res->step[p->stated] : NULL;

		char b2[DATE_BUF], b3[DATE_BUF];

		if (res->void_notice && dv)
			printf("verdict: void: the notice states %s for %s, earlier than the rule "
			       "allows after delivery on %s; issue a new notice (earliest lawful "
			       "date %s)\n", date_format(in->planned, b), dv->step->name,
			       date_format(delivered, b2), date_format(dv->date, b3));
		else if (dv)
			printf("verdict: valid: the stated %s leaves the lead; later steps count "
			       "from it\n", date_format(in->planned, b));
	}
}

static int print_xml(const struct deadline_result *res, const struct deadline_input *in,
		     sdate delivered, struct sbyt_err *e)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	char b[DATE_BUF];
	int rc = 0;

	if (!w) {
		xmlBufferFree(buf);
		return err_set(e, ERR_INTERNAL, "cannot create the xml writer");
	}
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Dates") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "procedure", BAD_CAST res->proc->name) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "delivered",
					  BAD_CAST date_format(delivered, b)) < 0;
	if (in->remote)
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "remote", BAD_CAST "true") < 0;
	if (in->planned != DATE_NONE) {
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "planned",
						  BAD_CAST date_format(in->planned, b)) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "verdict",
						  BAD_CAST(res->void_notice ? "void" : "valid")) < 0;
	}
	for (int i = 0; i < res->nsteps; i++) {
		const struct derivation *dv = &res->step[i];

		rc |= xmlTextWriterStartElement(w, BAD_CAST "Step") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST dv->step->name) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "date",
						  BAD_CAST date_format(dv->date, b)) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rule", BAD_CAST dv->step->rule) < 0;
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

static int limit_dates(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "delivered", required_argument, NULL, 'd' },
		{ "remote", no_argument, NULL, 'r' },
		{ "planned", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct faults f = FAULTS_INIT;
	struct deadline_input in;
	struct deadline_result res;
	struct limit_rules *rules = NULL;
	struct calendar *cal = NULL;
	const struct limit_procedure *proc;
	sdate delivered = DATE_NONE, planned = DATE_NONE;
	int c, remote = 0, xml = 0, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (date_parse(optarg, -1, &delivered))
				return cmd_usage_error("limit", "invalid date '%s' for --delivered "
						       "(YYYY-MM-DD)", optarg);
			break;
		case 'p':
			if (date_parse(optarg, -1, &planned))
				return cmd_usage_error("limit", "invalid date '%s' for --planned "
						       "(YYYY-MM-DD)", optarg);
			break;
		case 'r': remote = 1; break;
		case 'f':
			if (!strcmp(optarg, "xml"))
				xml = 1;
			else if (strcmp(optarg, "text"))
				return cmd_usage_error("limit", "unknown format '%s' (text, xml)",
						       optarg);
			break;
		case 'h': return cmd_help(help);
		default: return cmd_usage_error("limit", "invalid option");
		}
	}
	if (optind != argc - 1)
		return cmd_usage_error("limit", optind >= argc ? "missing procedure"
							       : "too many arguments");
	if (delivered == DATE_NONE)
		return cmd_usage_error("limit", "--delivered DATE is required");

	rules = limit_rules_load(ctx->rules_dir, &f, &ctx->err);
	faults_print(&f, stderr);
	faults_release(&f);
	if (!rules)
		return cmd_fail(ctx);
	proc = limit_procedure_find(rules, argv[optind]);
	if (!proc) {
		char names[256] = "";

		for (int i = 0; i < rules->nprocs; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", rules->proc[i].name);
		rc = cmd_usage_error("limit", "unknown procedure '%s' (%s)", argv[optind], names);
		limit_rules_free(rules);
		return rc;
	}
	if (planned != DATE_NONE && proc->stated < 0) {
		rc = cmd_usage_error("limit", "procedure '%s' has no dated notice for --planned",
				     proc->name);
		limit_rules_free(rules);
		return rc;
	}
	cal = cmd_load_calendar(ctx);
	if (!cal) {
		limit_rules_free(rules);
		return cmd_fail(ctx);
	}
	deadline_input_init(&in, proc);
	in.delivered[0] = delivered;
	in.assume_earliest = 1;
	in.remote = remote;
	in.planned = planned;
	/* the delivery date itself must be in a loaded year too */
	if (calendar_class_err(cal, delivered, &ctx->err) < 0 ||
	    deadline_compute(cal, &in, &res, &ctx->err)) {
		rc = cmd_fail(ctx);
	} else if (xml && print_xml(&res, &in, delivered, &ctx->err)) {
		rc = cmd_fail(ctx);
	} else {
		if (!xml)
			print_text(cal, &res, &in, delivered);
		rc = res.void_notice ? EX_DATAERR_ : EX_DONE;
		if (res.void_notice)
			log_error("the notice is void: the planned date leaves less lead than "
				  "rule '%s' requires", proc->step[proc->stated].rule);
	}
	calendar_free(cal);
	limit_rules_free(rules);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int, char **, struct sbyt_ctx *);
} subs[] = {
	{ "dates", limit_dates },
	{ "run", limit_run },
	{ "explain", limit_explain },
	{ "cancel", limit_cancel },
	{ "refuse", limit_refuse },
	{ "channel", limit_channel },
	{ "render", limit_render },
};

int cmd_limit(int argc, char **argv, struct sbyt_ctx *ctx)
{
	if (argc < 2)
		return cmd_usage_error("limit", "missing subcommand");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(help);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].fn(argc - 1, argv + 1, ctx);
	return cmd_usage_error("limit", "unknown subcommand '%s'", argv[1]);
}
