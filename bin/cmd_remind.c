/* cmd_remind.c - sbyt remind [--as-of DATE]: the day's reminders to
 * customers as SMS and e-mail packages (rules/reminders.xml). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "names.h"
#include "remind.h"
#include "rules.h"
#include "tariff.h"

static const char help[] =
	"usage: sbyt remind [--as-of DATE]\n"
	"\n"
	"The day's reminders to customers (the standard's p. 143; rules/reminders.xml):\n"
	"a payment document due in 3 days and not yet paid in full, an overdue debt\n"
	"(on the 20th, from the day's debt snapshot), a household tariff that changes\n"
	"in 10 days.  SMS to the accounts with a registered phone, e-mail to those\n"
	"whose documents go by e-mail: out/remind/YYYY-MM-DD/BRANCH/sms.zip and\n"
	"email.zip, each with reminders.csv and a manifest.  Cron: once a day after\n"
	"`sbyt daily`.\n"
	"\n"
	"Options:\n"
	"  --as-of DATE   the day (default: the global --as-of, or today)\n"
	"  -h, --help     this help\n";

int cmd_remind(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct faults f = FAULTS_INIT;
	struct remind_rules rules;
	struct remind_counts n;
	struct remind_opts o;
	struct tariff_rules *tariffs = NULL;
	struct names *names = NULL;
	char version[SHA256_HEX], db_[DATE_BUF];
	struct job j;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (date_parse(optarg, -1, &ctx->as_of))
				return cmd_usage_error("remind", "invalid date '%s' for --as-of "
						       "(YYYY-MM-DD)", optarg);
			ctx->as_of_given = 1;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("remind", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("remind", "unexpected argument '%s'", argv[optind]);
	if (remind_rules_load(ctx->rules_dir, &rules, &f) ||
	    tariff_rules_load(ctx->rules_dir, &tariffs, &f) < 0 ||
	    !(names = names_load(ctx->rules_dir, &f))) {
		faults_print(&f, stderr);
		faults_release(&f);
		remind_rules_release(&rules);
		tariff_rules_free(tariffs);
		err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
		return cmd_fail(ctx);
	}
	faults_release(&f);
	rc = rules_version(ctx->rules_dir, version, &ctx->err) ? -1 :
	     cmd_job_begin(ctx, &j, "remind");
	if (rc) {
		remind_rules_release(&rules);
		tariff_rules_free(tariffs);
		names_free(names);
		return cmd_fail(ctx);
	}
	memset(&o, 0, sizeof(o));
	o.db = ctx->db;
	o.rules = &rules;
	o.tariffs = tariffs;
	o.names = names;
	o.as_of = ctx->as_of;
	o.out_dir = ctx->out_dir;
	o.run_id = j.run_id;
	o.rules_version = version;
	rc = remind_run(&o, &n, &ctx->err);
	remind_rules_release(&rules);
	tariff_rules_free(tariffs);
	names_free(names);
	if (rc)
		return cmd_job_end(ctx, &j, cmd_fail(ctx));
	job_count(&j, "sms", n.sms);
	job_count(&j, "email", n.email);
	job_count(&j, "packages", n.packages);
	job_count(&j, "no_contact", n.no_contact);
	log_summary("remind", "as_of=%s payment_due=%lld debt=%lld tariff=%lld sms=%lld email=%lld "
		    "packages=%d no_contact=%lld", date_format(ctx->as_of, db_),
		    (long long)n.by_kind[REMIND_PAYMENT_DUE], (long long)n.by_kind[REMIND_DEBT],
		    (long long)n.by_kind[REMIND_TARIFF], (long long)n.sms, (long long)n.email,
		    n.packages, (long long)n.no_contact);
	return cmd_job_end(ctx, &j, EX_DONE);
}
