/*
 * cmd_daily.c - sbyt daily [--as-of DATE]: the daily cron job, a list of
 * stages run in order inside one job frame.  inbox: every file in
 * $SBYT_SPOOL/inbox/<channel>/ is ingested (the folder names the channel)
 * and moved to archive/YYYY-MM-DD/ when loaded (or already loaded), or to
 * rejected/ with NAME.why when refused.  debt: the debt snapshot of the
 * as-of date (as `sbyt debt`), which the limitation stage reads.  limit:
 * the limitation day (as `sbyt limit run`; on a day off it only records
 * deliveries).  Each stage
 * also takes the lock of the job it stands for, so `sbyt debt` cannot run
 * beside the daily job's debt stage.
 *
 * A sender marks a file complete by renaming it: it writes NAME.part (or
 * .NAME) and renames it to NAME when done.  Names starting with '.' and
 * ending in .part or .tmp are never taken.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "db.h"
#include "debt.h"
#include "retention.h"
#include "infile.h"
#include "log.h"
#include "scrub.h"
#include "service.h"
#include "tariff.h"

static const char help[] =
	"usage: sbyt daily [--as-of DATE]\n"
	"\n"
	"The daily job (cron): its stages in order.  inbox: ingest every complete\n"
	"file in $SBYT_SPOOL/inbox/CHANNEL/ (default ./var/spool), then move it to\n"
	"archive/YYYY-MM-DD/ (the as-of date) when loaded or already loaded, or to\n"
	"rejected/ with NAME.why when refused.  A sender writes NAME.part and renames\n"
	"it to NAME when complete; names starting with '.' or ending in .part or\n"
	".tmp are left alone.  debt: the debt snapshot of the as-of date, as\n"
	"`sbyt debt`.  limit: the limitation day, as `sbyt limit run`.\n"
	"service: the appeals and contracts journals (inbox/appeals/, inbox/contracts/)\n"
	"into their registers, and the count of what is overdue in them.\n"
	"A file leaves the inbox only once its commit is durable; a file in archive/\n"
	"whose SHA-256 has no ingest_file row is ingested again where it lies\n"
	"(recovered=N in the summary).\n"
	"Accounts the debt stage refuses (a ledger that cannot be valued) are named\n"
	"with their reasons in out/rejects/debt-DATE-runN.accounts.csv and counted in\n"
	"refused_accounts=N; those the limit stage leaves waiting (a step needs a\n"
	"calendar year not loaded) in limit-DATE-runN.accounts.csv, waiting_accounts=W.\n"
	"Exit 65 when a file or an account was refused (files in rejected/): the\n"
	"rest completed.  Waiting accounts alone leave the exit status 0.\n"
	"\n"
	"Options:\n"
	"  --as-of DATE   the business date (default: the global --as-of, or today)\n"
	"  -h, --help     this help\n";

struct daily {
	struct sbyt_ctx *ctx;
	struct job *j;
	const char *spool;
	struct ingest_totals t;
	int archived, refused, recovered;
	struct debt_totals debt;
	struct limit_day limit;
	struct service_file_counts svc;  /* appeals and contracts lines, summed */
	int64_t overdue;                 /* the registers' overdue items */
	int svc_files;                   /* their files, archived or refused */
	int invoices;                    /* final invoices made */
	int64_t retired;                 /* snapshot partitions dropped (retention) */
};

/* The spool folders of the customer-service registers (stage service). */
static int service_folder(const char *name)
{
	return !strcmp(name, "appeals") || !strcmp(name, "contracts");
}

static int mkdirs(const char *path, struct sbyt_err *e)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0750) != 0 && errno != EEXIST)
			return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0750) != 0 && errno != EEXIST)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", p, strerror(errno));
	return 0;
}

/* Move src into dir under its own name (NAME.1, NAME.2... when taken);
 * the final path goes to out. */
static int move_into(const char *src, const char *dir, const char *name, char *out, size_t size,
		     struct sbyt_err *e)
{
	struct stat st;

	if (mkdirs(dir, e))
		return -1;
	snprintf(out, size, "%s/%s", dir, name);
	for (int i = 1; lstat(out, &st) == 0; i++)
		snprintf(out, size, "%s/%s.%d", dir, name, i);
	if (rename(src, out) != 0)
		return err_set(e, ERR_IO, "cannot move '%s' to '%s': %s", src, out, strerror(errno));
	return 0;
}

static int write_why(const char *path, const struct sbyt_err *why, struct sbyt_err *e)
{
	char tmp[4200];
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	}
	{
		/* names from outside: control characters escaped (scrub.h) */
		char *m = scrub_controls_dup(why->msg), *dt = scrub_controls_dup(why->detail);
		fprintf(f, "%s\n", m ? m : "(out of memory)");
		if (why->detail[0])
			fprintf(f, "%s\n", dt ? dt : "(out of memory)");
		free(m);
		free(dt);
	}
	fprintf(f, "nothing of the file was loaded\n");
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, path) != 0)
		return err_set(e, ERR_CANTCREATE, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static int taken(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	if (n > 5 && strcmp(d->d_name + n - 5, ".part") == 0)
		return 0;
	if (n > 4 && strcmp(d->d_name + n - 4, ".tmp") == 0)
		return 0;
	return 1;
}

/* Refuse a file: to rejected/ with its .why. */
static int refuse(struct daily *d, const char *path, const char *name, const struct sbyt_err *why)
{
	char dir[4096], dest[4300], whyp[4400];

	snprintf(dir, sizeof(dir), "%s/rejected", d->spool);
	if (move_into(path, dir, name, dest, sizeof(dest), &d->ctx->err))
		return -1;
	snprintf(whyp, sizeof(whyp), "%s.why", dest);
	if (write_why(whyp, why, &d->ctx->err))
		return -1;
	log_warn("'%s' refused: moved to '%s'", path, dest);
	d->refused++;
	return 0;
}

/* Note in archive dir's .ingested that name holds the file of sha (channel
 * ch): the next runs check it without reading the file again.  Lost on a
 * crash at worst, then the file is hashed again. */
static void note_archived(const char *dir, const char *name, const char *sha,
			  enum ingest_channel ch)
{
	char p[4200];
	FILE *f;

	snprintf(p, sizeof(p), "%s/.ingested", dir);
	f = fopen(p, "a");
	if (!f)
		return;
	fprintf(f, "%s %s %s\n", sha, ingest_channel_name(ch), name);
	fflush(f);
	fsync(fileno(f));
	fclose(f);
}

/* An archived file to check: its path, SHA-256 and channel. */
struct archived {
	char path[4400];
	char dir[4096];
	char name[256];
	char sha[SHA256_HEX];
	enum ingest_channel ch;
	int hashed;             /* not in .ingested: read to hash it */
};

/* Read what a day folder's .ingested says of name: its SHA-256 and channel.
 * 1 when found. */
static int noted(const char *dir, const char *name, char *sha, enum ingest_channel *ch)
{
	char p[4200], line[4400];
	int found = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/.ingested", dir);
	if (!(f = fopen(p, "r")))
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *s1 = strchr(line, ' '), *s2 = s1 ? strchr(s1 + 1, ' ') : NULL;
		size_t n;
		if (!s2 || s1 - line != SHA256_HEX - 1)
			continue;
		n = strcspn(s2 + 1, "\n");
		s2[1 + n] = '\0';
		if (strcmp(s2 + 1, name) != 0)
			continue;
		memcpy(sha, line, SHA256_HEX - 1);
		sha[SHA256_HEX - 1] = '\0';
		*s2 = '\0';
		*ch = ingest_channel_parse(s1 + 1);
		found = 1;
	}
	fclose(f);
	return found;
}

/* Gather every file of archive/DAY/ with its SHA-256 (from .ingested, else
 * read).  *out, *n: the list (the caller frees it). */
static int archive_list(const char *archive, struct archived **out, int *n, struct sbyt_err *e)
{
	struct dirent **days;
	int nd = scandir(archive, &days, taken, alphasort), cap = 0, rc = 0;

	*out = NULL;
	*n = 0;
	for (int i = 0; i < nd; i++) {
		struct dirent **files;
		char dir[4096];
		int nf;

		if (snprintf(dir, sizeof(dir), "%s/%s", archive, days[i]->d_name) >= (int)sizeof(dir))
			rc = err_set(e, ERR_IO, "path too long: '%.200s...'", archive);
		nf = rc ? -1 : scandir(dir, &files, taken, alphasort);
		for (int k = 0; k < nf; k++) {
			struct archived *a;
			struct stat st;
			int64_t bytes;

			if (rc == 0 && *n == cap) {
				int nc = cap ? cap * 2 : 64;
				struct archived *p = realloc(*out, sizeof(*p) * (size_t)nc);
				if (!p)
					rc = err_set(e, ERR_INTERNAL, "out of memory");
				else
					*out = p, cap = nc;
			}
			if (rc == 0) {
				a = &(*out)[*n];
				snprintf(a->dir, sizeof(a->dir), "%s", dir);
				snprintf(a->name, sizeof(a->name), "%s", files[k]->d_name);
				snprintf(a->path, sizeof(a->path), "%s/%s", dir, files[k]->d_name);
				a->ch = CH_NONE;
				a->hashed = 0;
				/* regular files only: a link planted in the archive is
				 * never read (lstat, as the inbox) */
				if (lstat(a->path, &st) == 0 && S_ISREG(st.st_mode)) {
					if (!noted(dir, a->name, a->sha, &a->ch) &&
					    (a->hashed = 1, sha256_file(a->path, a->sha, &bytes, e)))
						rc = -1;
					else
						(*n)++;
				}
			}
			free(files[k]);
		}
		if (nf >= 0)
			free(files);
		free(days[i]);
	}
	if (nd >= 0)
		free(days);
	return rc;
}

/* After an archived file is ingested again (recover_archive()): noted in
 * its day's .ingested, or refused into rejected/ with its .why. */
struct recovery {
	struct daily *d;
	const struct archived *x;
};

static int recover_after(void *arg, int i, const struct ingest_result *res, int refused)
{
	struct recovery *rv = arg;
	const struct archived *x = rv->x;

	(void)i;
	if (refused)
		return refuse(rv->d, x->path, x->name, &rv->d->ctx->err);
	if (x->ch == CH_NONE || res->status == INGEST_DONE)
		note_archived(x->dir, x->name, res->sha256, res->channel);
	rv->d->recovered++;
	return 0;
}

/* Stage inbox, first: a file in archive/ whose SHA-256 has no ingest_file
 * row lost its rows (a commit lost with the server, a database restored
 * from a backup): ingest it again where it lies. */
static int recover_archive(struct daily *d, const struct ingest_opts *o)
{
	struct sbyt_ctx *ctx = d->ctx;
	struct archived *a;
	struct buf_s { char *s; size_t len, cap; } arr = { 0 };
	char archive[4096];
	PGresult *r;
	int n, rc = 0;

	snprintf(archive, sizeof(archive), "%s/archive", d->spool);
	if (archive_list(archive, &a, &n, &ctx->err)) {
		free(a);
		return -1;
	}
	if (n == 0) {
		free(a);
		return 0;
	}
	arr.cap = (size_t)n * SHA256_HEX + 3;
	arr.s = malloc(arr.cap);
	if (!arr.s) {
		free(a);
		return err_set(&ctx->err, ERR_INTERNAL, "out of memory");
	}
	arr.s[arr.len++] = '{';
	for (int i = 0; i < n; i++) {
		if (i)
			arr.s[arr.len++] = ',';
		memcpy(arr.s + arr.len, a[i].sha, SHA256_HEX - 1);
		arr.len += SHA256_HEX - 1;
	}
	arr.s[arr.len++] = '}';
	arr.s[arr.len] = '\0';
	{
		const char *p[1] = { arr.s };
		r = db_query(ctx->db, &ctx->err, "SELECT s.i, f.channel FROM unnest($1::text[])"
			     " WITH ORDINALITY AS s(sha, i) LEFT JOIN ingest_file f"
			     " ON f.sha256 = s.sha ORDER BY s.i", 1, p);
	}
	free(arr.s);
	if (!r) {
		free(a);
		return -1;
	}
	for (int t = 0; t < PQntuples(r) && rc == 0; t++) {
		struct archived *x = &a[atoi(PQgetvalue(r, t, 0)) - 1];
		struct recovery rv = { d, x };
		const char *path = x->path;

		if (!PQgetisnull(r, t, 1)) {
			/* in the database: note it, not to read it again */
			if (x->hashed)
				note_archived(x->dir, x->name, x->sha,
					      ingest_channel_parse(PQgetvalue(r, t, 1)));
			continue;
		}

		log_warn("'%s' is archived but its rows are not in the database: ingesting it again",
			 x->path);
		rc = ingest_run_files(ctx, d->j, o, "daily", &path, &x->ch, 1, &d->t, recover_after,
				      &rv);
	}
	PQclear(r);
	free(a);
	return rc;
}

/* The inbox files to ingest, gathered over the channel folders in order. */
struct inbox_files {
	struct daily *d;
	char **path;               /* malloc'd */
	enum ingest_channel *ch;
	int n, cap;
	char archive[4096];        /* spool/archive/DAY */
};

static int inbox_add(struct inbox_files *f, const char *path, enum ingest_channel ch,
		     struct sbyt_err *e)
{
	if (f->n == f->cap) {
		int nc = f->cap ? 2 * f->cap : 64;
		char **np = realloc(f->path, (size_t)nc * sizeof(*np));
		enum ingest_channel *nch;

		if (!np)
			return err_set(e, ERR_INTERNAL, "out of memory");
		f->path = np;
		if (!(nch = realloc(f->ch, (size_t)nc * sizeof(*nch))))
			return err_set(e, ERR_INTERNAL, "out of memory");
		f->ch = nch;
		f->cap = nc;
	}
	if (!(f->path[f->n] = strdup(path)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	f->ch[f->n++] = ch;
	return 0;
}

/* After file i is ingested and reported (ingest_run_files()): archived,
 * or refused into rejected/ with its .why. */
static int inbox_after(void *arg, int i, const struct ingest_result *res, int refused)
{
	struct inbox_files *f = arg;
	struct daily *d = f->d;
	const char *path = f->path[i], *name = strrchr(path, '/') + 1;
	char dest[4400];

	if (refused)
		return refuse(d, path, name, &d->ctx->err);
	if (move_into(path, f->archive, name, dest, sizeof(dest), &d->ctx->err))
		return -1;
	note_archived(f->archive, strrchr(dest, '/') + 1, res->sha256, res->channel);
	log_verbose("'%s' archived as '%s'", path, dest);
	d->archived++;
	return 0;
}

/* Walk one channel folder: its regular files go to f, to be ingested with
 * the others.  The folder is opened with O_NOFOLLOW: a symbolic link
 * standing for a channel folder is refused, never walked; every entry that
 * is not a regular file (a link, FIFO, device, socket or folder), and
 * every file of a folder that names no channel, is refused into rejected/
 * unread. */
static int inbox_channel(struct daily *d, struct inbox_files *f, const char *chdir_,
			 enum ingest_channel ch)
{
	struct dirent **list;
	int n, rc = 0, dfd;

	dfd = open(chdir_, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		struct stat ls;
		if (lstat(chdir_, &ls) == 0 && !S_ISDIR(ls.st_mode)) {
			log_warn("'%s' is %s, not a folder: refused, not walked", chdir_,
				 infile_kind((unsigned)ls.st_mode));
			d->refused++;
		}
		return 0;
	}
	n = scandirat(dfd, ".", &list, taken, alphasort);
	if (n < 0) {
		close(dfd);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char path[4400];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", chdir_, list[i]->d_name);
		if (rc || fstatat(dfd, list[i]->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			struct sbyt_err why;
			err_set(&why, ERR_DATA, "'%s' is %s: refused unread, the inbox takes regular "
				"files only", path, infile_kind((unsigned)st.st_mode));
			if (refuse(d, path, list[i]->d_name, &why))
				rc = -1;
			continue;
		}
		if (ch == CH_NONE) {
			struct sbyt_err why;
			err_set(&why, ERR_DATA, "'%s' is in a folder that names no channel", path);
			err_detail(&why, "channel folders: sberbank, gazprombank, qiwi, payments, sms,"
				   " portal, delivery");
			if (refuse(d, path, list[i]->d_name, &why))
				rc = -1;
			continue;
		}
		if (inbox_add(f, path, ch, &d->ctx->err))
			rc = -1;
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	close(dfd);
	return rc;
}

/* Stage inbox: every channel folder, in a fixed order, then any other. */
static int stage_inbox(struct daily *d)
{
	struct sbyt_ctx *ctx = d->ctx;
	struct faults f = FAULTS_INIT;
	struct ingest_rules rules;
	struct ingest_opts o;
	struct inbox_files in = { 0 };
	char inbox[4096], dir[4400];
	struct dirent **list;
	int n, rc = 0;

	snprintf(inbox, sizeof(inbox), "%s/inbox", d->spool);
	if (ingest_rules_load(ctx->rules_dir, &rules, &f)) {
		faults_print(&f, stderr);
		faults_release(&f);
		return err_set(&ctx->err, ERR_CONFIG, "rules in '%s' are invalid", ctx->rules_dir);
	}
	/* Exclude a concurrent `sbyt ingest`. */
	if (job_lock(ctx->db, "ingest", &ctx->err)) {
		ingest_rules_release(&rules);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.db = ctx->db;
	o.conninfo = ctx->conninfo;
	o.rules = &rules;
	o.as_of = ctx->as_of;
	o.out_dir = ctx->out_dir;
	o.run_id = d->j->run_id;
	ingest_clean_rejects(ctx->out_dir);
	rc = recover_archive(d, &o);
	in.d = d;
	{
		char day[DATE_BUF];
		snprintf(in.archive, sizeof(in.archive), "%s/archive/%s", d->spool,
			 date_format(ctx->as_of, day));
	}
	for (int c = 1; c < CH_COUNT && rc == 0; c++) {
		snprintf(dir, sizeof(dir), "%s/%s", inbox, ingest_channel_name((enum ingest_channel)c));
		rc = inbox_channel(d, &in, dir, (enum ingest_channel)c);
	}
	n = rc == 0 ? scandir(inbox, &list, taken, alphasort) : -1;
	for (int i = 0; i < n; i++) {
		struct stat st;
		snprintf(dir, sizeof(dir), "%s/%s", inbox, list[i]->d_name);
		if (rc == 0 && ingest_channel_parse(list[i]->d_name) == CH_NONE &&
		    !service_folder(list[i]->d_name) &&
		    lstat(dir, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
			rc = inbox_channel(d, &in, dir, CH_NONE);  /* a link: refused there */
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	/* the channel folders' files, two at a time where neither can change
	 * the other's decisions, each archived or refused once reported, in
	 * the folders' order */
	if (rc == 0 && in.n > 0)
		rc = ingest_run_files(ctx, d->j, &o, "daily", (const char *const *)in.path, in.ch,
				      in.n, &d->t, inbox_after, &in);
	for (int i = 0; i < in.n; i++)
		free(in.path[i]);
	free(in.path);
	free(in.ch);
	ingest_rules_release(&rules);
	db_exec(ctx->db, NULL, "SELECT pg_advisory_unlock(hashtext('sbyt:ingest'))", 0, NULL);
	return rc;
}

/* Stage service: the appeals and contracts journals of the spool into
 * their registers (one transaction a file), then the count of what is
 * overdue in them. */
static int stage_service(struct daily *d)
{
	static const char *const folders[] = { "appeals", "contracts" };
	struct sbyt_ctx *ctx = d->ctx;
	struct service_rules rules;
	struct service_ctx x;
	struct calendar *cal;
	char who[128], archive[4096], day[DATE_BUF];
	int rc = 0;

	if (cmd_service_open(ctx, &x, &rules, &cal, who, sizeof(who)))
		return -1;
	x.run_id = d->j->run_id;
	x.shard_i = ctx->shard_i;
	x.shard_n = ctx->shard_n;
	snprintf(archive, sizeof(archive), "%s/archive/%s", d->spool,
		 date_format(ctx->as_of, day));
	for (size_t k = 0; k < sizeof(folders) / sizeof(folders[0]) && rc == 0; k++) {
		char dir[4200];
		struct dirent **list;
		int n;

		struct stat ls;

		snprintf(dir, sizeof(dir), "%s/inbox/%s", d->spool, folders[k]);
		if (lstat(dir, &ls) == 0 && !S_ISDIR(ls.st_mode)) {
			/* a link standing for the folder: refused, never walked */
			log_warn("'%s' is %s, not a folder: refused, not walked", dir,
				 infile_kind((unsigned)ls.st_mode));
			d->refused++;
			continue;
		}
		if ((n = scandir(dir, &list, taken, alphasort)) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			char path[4500], dest[4500], other[40];
			struct service_file_counts c;
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
			if (rc || lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			if (service_ingest_file(&x, path, folders[k], &c, &ctx->err)) {
				if (ctx->err.kind != ERR_DATA || refuse(d, path, list[i]->d_name, &ctx->err))
					rc = -1;
				continue;
			}
			snprintf(other, sizeof(other), " other_shard=%lld", (long long)c.other_shard);
			log_info("%s: read=%lld accepted=%lld rejected=%lld duplicates=%lld%s%s", path,
				 (long long)c.read, (long long)c.accepted, (long long)c.rejected,
				 (long long)c.duplicates, ctx->shard_n ? other : "",
				 c.noop ? " (ingested before)" : "");
			d->svc_files++;  /* a refused one is counted with the refused */
			d->svc.read += c.read;
			d->svc.accepted += c.accepted;
			d->svc.rejected += c.rejected;
			d->svc.duplicates += c.duplicates;
			if (move_into(path, archive, list[i]->d_name, dest, sizeof(dest), &ctx->err))
				rc = -1;
			else
				d->archived++;
		}
		for (int i = 0; i < n; i++)
			free(list[i]);
		free(list);
	}
	/* the final invoices due after termination notices: made on the first
	 * run after the notice, inside their 5 working days */
	if (rc == 0) {
		struct penalty_rules pr;
		struct tariff_rules *tr = NULL;
		struct faults f = FAULTS_INIT;

		if (cmd_penalty_rules(ctx, &pr)) {
			rc = -1;
		} else {
			if (tariff_rules_load(ctx->rules_dir, &tr, &f) < 0) {
				faults_print(&f, stderr);
				rc = err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
			} else {
				rc = service_final_invoices(&x, &pr, tr, ctx->out_dir, NULL, &d->invoices,
							    NULL, 0, &ctx->err);
			}
			faults_release(&f);
			tariff_rules_free(tr);
			penalty_rules_release(&pr);
		}
	}
	if (rc == 0)
		rc = service_overdue(ctx->db, ctx->as_of, &d->overdue, &ctx->err);
	service_rules_release(&rules);
	calendar_free(cal);
	return rc;
}

static int stage_debt(struct daily *d)
{
	struct sbyt_ctx *ctx = d->ctx;
	struct debt_filter f;
	struct penalty_rules r;
	int64_t rows;
	int rc;

	struct retention_rules keep;
	struct faults fl = FAULTS_INIT;

	if (retention_rules_load(ctx->rules_dir, &keep, &fl)) {
		faults_print(&fl, stderr);
		faults_release(&fl);
		return err_set(&ctx->err, ERR_CONFIG, "invalid rules in '%s'", ctx->rules_dir);
	}
	if (job_lock(ctx->db, "debt", &ctx->err) || cmd_penalty_rules(ctx, &r))
		return -1;
	memset(&f, 0, sizeof(f));
	f.as_of = ctx->as_of;
	rc = cmd_debt_stage(ctx, d->j, &r, &f, &d->debt, &rows);
	penalty_rules_release(&r);
	/* then the snapshots the retention rule no longer keeps (whole
	 * partitions, rules/retention.xml) */
	if (rc == 0)
		rc = retention_apply(ctx->db, &keep, ctx->as_of, &d->retired, &ctx->err);
	return rc;
}

static int stage_limit(struct daily *d)
{
	if (job_lock(d->ctx->db, "limit", &d->ctx->err))
		return -1;
	return cmd_limit_stage(d->ctx, d->j, &d->limit);
}

static const struct {
	const char *name;
	int (*run)(struct daily *d);
} stages[] = {
	{ "inbox", stage_inbox },
	{ "service", stage_service },
	{ "debt", stage_debt },
	{ "limit", stage_limit },
};

int cmd_daily(int argc, char **argv, struct sbyt_ctx *ctx)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("SBYT_SPOOL");
	struct daily d;
	struct job j;
	int c, rc = EX_DONE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (date_parse(optarg, -1, &ctx->as_of))
				return cmd_usage_error("daily", "invalid date '%s' for --as-of (YYYY-MM-DD)",
						       optarg);
			ctx->as_of_given = 1;
			break;
		case 'h':
			return cmd_help(help);
		default:
			return cmd_usage_error("daily", "unknown option");
		}
	}
	if (optind != argc)
		return cmd_usage_error("daily", "unexpected argument '%s'", argv[optind]);
	if (cmd_job_begin(ctx, &j, "daily"))
		return cmd_fail(ctx);
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.j = &j;
	d.spool = env && *env ? env : "var/spool";
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		double t0 = log_now();

		if (stages[i].run(&d)) {
			rc = cmd_fail(ctx);
			break;
		}
		log_verbose("stage %s: %.2f s", stages[i].name, log_now() - t0);
	}
	job_count(&j, "files", d.t.files);
	job_count(&j, "archived", d.archived);
	job_count(&j, "refused", d.refused);
	job_count(&j, "recovered", d.recovered);
	job_count(&j, "read", d.t.n.read);
	job_count(&j, "accepted", d.t.n.accepted);
	job_count(&j, "rejected", d.t.n.rejected);
	job_count(&j, "duplicates", d.t.n.duplicates);
	job_count(&j, "held", d.t.n.held);
	if (ctx->shard_n)
		job_count(&j, "other_shard", d.t.n.other_shard);
	job_count(&j, "in_debt", d.debt.in_debt);
	job_count(&j, "debt_refused", d.debt.refused);
	job_count(&j, "service_lines", d.svc.read);
	job_count(&j, "service_overdue", d.overdue);
	job_count(&j, "final_invoices", d.invoices);
	if (rc == EX_DONE) {
		char m1[MONEY_BUF], shard[48] = "";

		if (ctx->shard_n)  /* on a shard's server: the other shards' lines */
			snprintf(shard, sizeof(shard), " other_shard=%lld",
				 (long long)d.t.n.other_shard);

		log_summary("daily", "stages=inbox,service,debt,limit files=%d archived=%d refused=%d"
			    " read=%lld accepted=%lld rejected=%lld duplicates=%lld held=%lld"
			    " in_debt=%lld principal=%s refused_accounts=%lld waiting_accounts=%lld"
			    " notices=%lld requests=%lld cancelled=%lld"
			    " service_overdue=%lld recovered=%d caught_up=%lld retired=%lld%s",
			    d.t.files + d.svc_files + (d.refused - d.t.refused), d.archived, d.refused,
			    (long long)d.t.n.read, (long long)d.t.n.accepted,
			    (long long)d.t.n.rejected, (long long)d.t.n.duplicates,
			    (long long)d.t.n.held, (long long)d.debt.in_debt,
			    money_format(d.debt.principal, m1),
			    (long long)d.debt.refused, (long long)d.limit.refused,
			    (long long)d.limit.notices,
			    (long long)d.limit.requests, (long long)d.limit.cancelled,
			    (long long)d.overdue, d.recovered, (long long)d.limit.caught_up,
			    (long long)d.retired, shard);
		if (d.refused) {
			rc = EX_DATAERR_;
			err_set(&ctx->err, ERR_DATA, "%d file(s) refused, see %s/rejected", d.refused,
				d.spool);
		} else if (d.debt.refused) {
			char db_[DATE_BUF];
			/* the cron job says so: the rest completed, the accounts are
			 * named in out/rejects/debt-DATE-runN.accounts.csv.  The limit
			 * stage's waiting accounts (a calendar year not loaded) do not
			 * make it fail: not a fault of their data, and their steps are
			 * taken once the year is added; they are named all the same. */
			err_set(&ctx->err, ERR_DATA, "%lld accounts refused for their data (the rest"
				" completed)", (long long)d.debt.refused);
			err_detail(&ctx->err, "each with its reason in %s/rejects/"
				   "debt-%s-run%lld.accounts.csv", ctx->out_dir,
				   date_format(ctx->as_of, db_), (long long)j.run_id);
			rc = cmd_fail(ctx);
		}
	}
	return cmd_job_end(ctx, &j, rc);
}
