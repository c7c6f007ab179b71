/*
 * sbyt.c - the program: global options, the one command table, and the
 * mapping of library errors to sysexits(3) exit statuses.
 */
#include <getopt.h>
#include <libxml/parser.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "rules.h"
#include "scrub.h"
#include "shard.h"

struct command {
	const char *name;
	int (*fn)(int, char **, struct sbyt_ctx *);
	const char *summary;
};

static const struct command commands[] = {
	{ "appeal", cmd_appeal, "the appeals register: add, extend, answer, list" },
	{ "bill", cmd_bill, "bill a month: charge lines and obligations" },
	{ "calendar", cmd_calendar, "the production calendar: working days, day counts" },
	{ "contract", cmd_contract, "the contracts register: apply, answer, sign, terminate..." },
	{ "daily", cmd_daily, "the daily job: inbox, debt, limitation" },
	{ "db", cmd_db, "initialise, migrate or inspect the database" },
	{ "debt", cmd_debt, "debt and penalties as of a date, the daily snapshot" },
	{ "docs", cmd_docs, "payment documents of a billed period, in packages" },
	{ "ingest", cmd_ingest, "load bank, terminal, SMS, portal and delivery files" },
	{ "limit", cmd_limit, "limitation workflow: run, explain, channel, cancel, refuse, dates" },
	{ "load", cmd_load, "load master data (branches, accounts, meters...)" },
	{ "month", cmd_month, "the monthly job: bill, then documents" },
	{ "remind", cmd_remind, "the day's reminders to customers: SMS and e-mail" },
	{ "report", cmd_report, "XLSX reports for auditors (aging, reconciliation)" },
	{ "review", cmd_review, "list, accept or reject readings held for review" },
	{ "rules", cmd_rules, "validate the rules directory" },
	{ "status", cmd_status, "what is loaded, recent runs and breaches" },


};

static const char usage_text[] =
	"usage: sbyt [--db CONNINFO] [--shard I/N] [--rules DIR] [--out DIR] [--as-of DATE] [--tz ZONE] [-q|-v] COMMAND [ARGS]\n"
	"\n"
	"Batch billing and limitation workflow for an electricity supplier.\n"
	"\n"
	"Global options:\n"
	"  --db CONNINFO   PostgreSQL connection string (default: the PG* environment\n"
	"                  variables when set, `database` of sbyt.conf, the private\n"
	"                  cluster in ./var); never a password: use ~/.pgpass\n"
	"  --shard I/N     run on shard I of N: the server shard.I of sbyt.conf's\n"
	"                  shard map; `load` keeps only that shard's accounts,\n"
	"                  `ingest` and `daily` count the others' as other_shard=\n"
	"  --rules DIR     rules directory (default: $SBYT_RULES, ./rules, installed)\n"
	"  --out DIR       output directory (default: $SBYT_OUT or ./out)\n"
	"  --as-of DATE    the business date, YYYY-MM-DD (default: today in the zone)\n"
	"  --tz ZONE       the supplier's time zone (default: $SBYT_TZ, sbyt.conf,\n"
	"                  Asia/Yekaterinburg)\n"
	"  -q, --quiet     errors and the summary line only\n"
	"  -v, --verbose   more detail, stage timings; repeat for debug\n"
	"  --version       print the version\n"
	"  -h, --help      this help; `sbyt COMMAND --help` for a command\n"
	"\n"
	"Exit status: 0 done, 64 usage, 65 data refused, 66 input missing,\n"
	"69 database unavailable, 70 internal error, 73 cannot create output,\n"
	"74 i/o error, 75 locked (retry later), 77 permission denied,\n"
	"78 configuration or rules invalid (or the database not initialised).\n"
	"\n"
	"Configuration: $SBYT_CONF or /etc/sbyt/sbyt.conf (key = value: database,\n"
	"rules, out, spool, timezone, shard.N); the environment and options win over it.\n"
	"\n"
	"Commands:\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int cmd_exit_code(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE: return EX_DONE;
	case ERR_USAGE: return EX_USAGE_;
	case ERR_DATA: return EX_DATAERR_;
	case ERR_NOINPUT: return EX_NOINPUT_;
	case ERR_DB: return EX_UNAVAILABLE_;
	case ERR_CANTCREATE: return EX_CANTCREAT_;
	case ERR_IO: return EX_IOERR_;
	case ERR_LOCKED: return EX_TEMPFAIL_;
	case ERR_CONFIG: return EX_CONFIG_;
	case ERR_PERM: return EX_NOPERM_;
	case ERR_INTERNAL: break;
	}
	return EX_SOFTWARE_;
}

int cmd_fail(struct sbyt_ctx *ctx)
{
	struct sbyt_err *e = &ctx->err;

	if (e->kind == ERR_NONE)
		err_set(e, ERR_INTERNAL, "command failed without a message");
	log_error("%s", e->msg);
	if (e->detail[0])
		log_detail("%s", e->detail);
	if (e->kind == ERR_LOCKED)
		log_hint("retry later");
	return cmd_exit_code(e->kind);
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sbyt %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"sbyt %s --help\" for more information.\n", cmd);
	return EX_USAGE_;
}

int cmd_help(const char *text)
{
	fputs(text, stdout);
	return EX_DONE;
}

void cmd_print_row(const PGresult *res, int row, int ncols)
{
	for (int c = 0; c < ncols; c++) {
		if (c)
			putchar(';');
		scrub_fputs(PQgetvalue(res, row, c), stdout);
	}
	putchar('\n');
}

int cmd_connect(struct sbyt_ctx *ctx)
{
	int applied, shipped = migrate_count();
	char where[512];

	if (ctx->db)
		return 0;
	ctx->db = db_connect(ctx->conninfo, &ctx->err);
	if (!ctx->db)
		return -1;
	if (ctx->any_schema)
		return 0;
	applied = migrate_applied(ctx->db, &ctx->err);
	if (applied < 0)
		return -1;
	if (applied == 0) {
		err_set(&ctx->err, ERR_CONFIG, "the database at '%s' is not initialised",
			db_where(ctx->db, where, sizeof(where)));
		err_detail(&ctx->err, "run `sbyt db init`");
		return -1;
	}
	if (applied < shipped) {
		err_set(&ctx->err, ERR_CONFIG, "the database at '%s' lacks %d of this program's "
			"migrations", db_where(ctx->db, where, sizeof(where)), shipped - applied);
		err_detail(&ctx->err, "run `sbyt db migrate`");
		return -1;
	}
	if (ctx->shard_n && shard_check(ctx->db, ctx->shard_i, ctx->shard_n, &ctx->err))
		return -1;
	return 0;
}

int cmd_job_begin(struct sbyt_ctx *ctx, struct job *j, const char *name)
{
	char version[SHA256_HEX];

	memset(j, 0, sizeof(*j));
	if (rules_version(ctx->rules_dir, version, &ctx->err))
		return -1;
	if (cmd_connect(ctx))
		return -1;
	return job_begin(j, ctx->db, name, ctx->argc, ctx->argv, ctx->as_of, version, &ctx->err);
}

int cmd_job_end(struct sbyt_ctx *ctx, struct job *j, int rc)
{
	struct sbyt_err e;

	if (job_end(j, rc, rc ? ctx->err.msg : NULL, &e))
		log_warn("could not close the run record: %s", e.msg);
	return rc;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The installed rules beside the binary: PREFIX/bin/sbyt -> PREFIX/share/
 * sbyt/rules, found at run time, so `make install PREFIX=...` is honoured
 * whatever the build was configured with; the compiled-in SBYT_SHAREDIR is
 * the last resort. */
static const char *installed_rules(void)
{
	static char path[4200];
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';                          /* PREFIX/bin */
			if ((slash = strrchr(exe, '/')) != NULL) {
				*slash = '\0';                  /* PREFIX */
				snprintf(path, sizeof(path), "%s/share/sbyt/rules", exe);
				if (is_dir(path))
					return path;
			}
		}
	}
	return SBYT_SHAREDIR "/rules";
}

/* --rules, else $SBYT_RULES, `rules` of sbyt.conf, ./rules, the installed copy. */
static const char *default_rules(const struct conf *conf)
{
	const char *env = getenv("SBYT_RULES");

	if (env && *env)
		return env;
	if (conf->rules[0])
		return conf->rules;
	if (is_dir("rules"))
		return "rules";
	return installed_rules();
}

/* Stars over the password of the --db argument (the conninfo was copied),
 * so that ps and /proc/PID/cmdline do not show it.  Only that argument:
 * the command's own arguments are parsed later from the same argv. */
static void hide_password(int argc, char **argv, const char *optval)
{
	for (int i = 1; i < argc; i++)
		if (optval >= argv[i] && optval <= argv[i] + strlen(argv[i])) {
			scrub_secrets_hide(argv[i]);
			return;
		}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "shard", required_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "tz", required_argument, NULL, 'z' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct conf conf;
	char *conninfo_copy = NULL;
	struct sbyt_ctx ctx;
	const char *env, *as_of = NULL, *tz = NULL, *conf_path, *shard = NULL;
	int c, rc;

	/* glibc's malloc gives every thread that allocates an arena of its own
	 * (up to 8 per core) and grows its threshold for mmap with every large
	 * block freed: the documents' rendering, reading and storing threads
	 * left freed memory in arenas the next allocation could not reuse, so
	 * the peak grew with N (docs with PDFs: 84 MB at N=20,000, 109 MB at
	 * 100,000).  Two arenas and blocks of 128 kB and more mapped and given
	 * back when freed: 69 and 75 MB, the same time. */
#ifdef M_ARENA_MAX
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	/* libxml2 set up here, before any thread uses it (the packages'
	 * threads write and read back invoices and УПДs, load rules) */
	xmlInitParser();
	memset(&ctx, 0, sizeof(ctx));
	ctx.argc = argc;
	ctx.argv = argv;
	/* sbyt.conf: $SBYT_CONF (must exist) or /etc/sbyt/sbyt.conf (may not) */
	env = getenv("SBYT_CONF");
	conf_path = env && *env ? env : CONF_DEFAULT_PATH;
	if (conf_load(conf_path, !(env && *env), &conf, &ctx.err)) {
		log_init(0);
		return cmd_fail(&ctx);
	}
	ctx.rules_dir = default_rules(&conf);
	env = getenv("SBYT_OUT");
	ctx.out_dir = env && *env ? env : conf.out[0] ? conf.out : "out";
	if (conf.spool[0])
		setenv("SBYT_SPOOL", conf.spool, 0);
	env = getenv("SBYT_TZ");
	tz = env && *env ? env : conf.timezone[0] ? conf.timezone : NULL;

	while ((c = getopt_long(argc, argv, "+qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': ctx.conninfo = optarg; break;
		case 's': shard = optarg; break;
		case 'r': ctx.rules_dir = optarg; break;
		case 'o': ctx.out_dir = optarg; break;
		case 'a': as_of = optarg; break;
		case 'z': tz = optarg; break;
		case 'q': ctx.verbosity = LOG_QUIET; break;
		case 'v': ctx.verbosity = ctx.verbosity < 0 ? 1 : ctx.verbosity + 1; break;
		case 'V': printf("sbyt %s\n", SBYT_VERSION); return EX_DONE;
		case 'h': usage(stdout); return EX_DONE;
		default:
			fprintf(stderr, "Try \"sbyt --help\" for more information.\n");
			return EX_USAGE_;
		}
	}
	log_init(ctx.verbosity);
	if (tz && date_zone_set(tz)) {
		err_set(&ctx.err, ERR_CONFIG, "unknown time zone '%.128s'", tz);
		err_detail(&ctx.err, "give a name of the zone database, as Asia/Yekaterinburg "
			   "(--tz, SBYT_TZ or timezone in sbyt.conf)");
		return cmd_fail(&ctx);
	}
	ctx.as_of = date_today();
	if (as_of) {
		if (date_parse(as_of, -1, &ctx.as_of)) {
			fprintf(stderr, "sbyt: invalid date '%s' for --as-of (YYYY-MM-DD)\n"
				"Try \"sbyt --help\" for more information.\n", as_of);
			return EX_USAGE_;
		}
		ctx.as_of_given = 1;
	}
	ctx.conf = &conf;
	if (shard) {
		if (shard_parse(shard, &ctx.shard_i, &ctx.shard_n)) {
			fprintf(stderr, "sbyt: invalid shard '%s' for --shard (I/N with 0 <= I < N)\n"
				"Try \"sbyt --help\" for more information.\n", shard);
			return EX_USAGE_;
		}
		if (!ctx.conninfo &&
		    !(ctx.conninfo = shard_conninfo(&conf, ctx.shard_i, ctx.shard_n, &ctx.err)))
			return cmd_fail(&ctx);
	}
	/* the database: --db, else the shard's server, else the PG* variables,
	 * else sbyt.conf, else the private cluster (db.h) */
	if (!ctx.conninfo && conf.database[0] && !getenv("PGHOST") && !getenv("PGHOSTADDR") &&
	    !getenv("PGDATABASE") && !getenv("PGSERVICE"))
		ctx.conninfo = conf.database;
	if (ctx.conninfo && ctx.conninfo != conf.database &&
	    !(ctx.shard_n && ctx.conninfo == conf.shard[ctx.shard_i])) {
		conninfo_copy = strdup(ctx.conninfo);
		if (conninfo_copy) {
			hide_password(argc, argv, ctx.conninfo);
			ctx.conninfo = conninfo_copy;  /* freed when the command returns */
		}
	}
	if (optind >= argc) {
		usage(stderr);
		free(conninfo_copy);
		return EX_USAGE_;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;

			optind = 0;  /* reset getopt for the command (GNU: full reset) */
			rc = commands[i].fn(sub_argc, sub_argv, &ctx);
			if (ctx.db)
				PQfinish(ctx.db);
			free(conninfo_copy);
			return rc;
		}
	}
	fprintf(stderr, "sbyt: '%s' is not a sbyt command\n"
		"Try \"sbyt --help\" for more information.\n", argv[optind]);
	free(conninfo_copy);
	return EX_USAGE_;
}
