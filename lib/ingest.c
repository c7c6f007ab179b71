/* ingest.c - one input file into the database, whole or not at all; see
 * ingest.h.  The parser streams the file into a decider
 * (ingest_decide.c), which checks and writes its rows a chunk at a time;
 * then the rejected lines are reported and written back in the sender's
 * format.  `rec` numbers the record lines of the file (two XML payments
 * may share a line). */
#include "ingest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "ingest_decide.h"
#include "ingest_detect.h"
#include "log.h"
#include "package.h"
#include "parse.h"
#include "text.h"

/* ---- the rejects file, in the sender's format ---- */

struct wanted {
	int64_t rec;
	char code[32];
};

struct rejects_writer {
	enum ingest_channel ch;
	FILE *out;              /* the file (CSV) or the body (XML) */
	struct wanted *w;
	size_t nw, next;
	int64_t rec;
	long count;
	money sum, fee;
	int failed;
};

/* Field i (0-based) of a `;` line, for the Sberbank trailer. */
static int nth_field(const char *s, size_t len, int i, const char **f, size_t *fl)
{
	size_t start = 0;

	for (size_t k = 0; k <= len; k++) {
		if (k == len || s[k] == ';') {
			if (i-- == 0) {
				*f = s + start;
				*fl = k - start;
				return 0;
			}
			start = k + 1;
		}
	}
	return -1;
}

static void write_back(struct rejects_writer *w, const char *text, size_t len)
{
	const char *code = w->w[w->next].code;
	char sep = w->ch == CH_QIWI ? ',' : ';';

	w->count++;
	if (w->ch == CH_GAZPROMBANK) {
		const char *s = text ? strstr(text, " sum=\"") : NULL;
		money m;
		if (s && money_parse(s + 6, (int)strcspn(s + 6, "\""), '.', &m) == 0)
			w->sum += m;
		if (!text || len < 8) {
			fprintf(w->out, "  <Payment reject=\"%s\"/>\n", code);
			return;
		}
		fprintf(w->out, "  <Payment reject=\"%s\"%.*s\n", code, (int)(len - 8), text + 8);
		return;
	}
	if (w->ch == CH_SBERBANK) {
		const char *f;
		size_t fl;
		money m;
		if (nth_field(text, len, 9, &f, &fl) == 0 && money_parse(f, (int)fl, ',', &m) == 0)
			w->sum += m;
		if (nth_field(text, len, 10, &f, &fl) == 0 && money_parse(f, (int)fl, ',', &m) == 0)
			w->fee += m;
	}
	if (fwrite(text, 1, len, w->out) != len)
		w->failed = 1;
	fprintf(w->out, "%c%s\n", sep, code);
}

static void writer_take(struct rejects_writer *w, const char *text, size_t len)
{
	w->rec++;
	if (w->next < w->nw && w->w[w->next].rec == w->rec && text) {
		write_back(w, text, len);
		w->next++;
	}
}

static int wr_record(void *arg, const struct ingest_rec *r, struct sbyt_err *e)
{
	(void)e;
	writer_take(arg, r->text, r->text_len);
	return 0;
}

static int wr_reject(void *arg, const struct ingest_reject *rj, struct sbyt_err *e)
{
	(void)e;
	writer_take(arg, rj->text, rj->text_len);
	return 0;
}

static const char *channel_header(enum ingest_channel ch)
{
	switch (ch) {
	case CH_QIWI: return "txn_id,datetime,terminal_id,account,amount,period,reject";
	case CH_PAYMENTS: return "txn_id;paid_at;account;sum;period;source;reject";
	case CH_PORTAL: return "account;meter;zone;value;taken_on;source;reject";
	case CH_DELIVERY: return "notice_id;status;at;evidence;reject";
	default: return NULL;
	}
}

static void xml_attr(FILE *f, const char *name, const char *v)
{
	fprintf(f, " %s=\"", name);
	for (; *v; v++) {
		switch (*v) {
		case '<': fputs("&lt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*v, f);
		}
	}
	fputc('"', f);
}

/* The rejects file name for path, run and file: OUT/rejects/STEM.RUN.FILE.rejects.EXT
 * (RUN: the run that ingested the file; without a run, STEM.fFILE.rejects.EXT).
 * Two files of one name in one run (from two channels' folders), or one
 * name ingested by two runs, keep a rejects file each; a no-op re-run finds
 * the file's own name again.  The temporary name is the final one's,
 * hidden: two files loaded at once never share it.  final has room for
 * REJECTS_PATH bytes, tmp for REJECTS_TMP. */
#define REJECTS_PATH sizeof(((struct ingest_result *)0)->rejects_path)
#define REJECTS_TMP (REJECTS_PATH + 8)
static int rejects_names(const char *out_dir, const char *path, const char *run,
			 const char *fileid, char *final, char *tmp, struct sbyt_err *e)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	char dir[4096], key[64];

	base = base ? base + 1 : path;
	/* never a hidden name: the input's leading dots left out (".csv"
	 * gives "csv.RUN.FILE.rejects"), "file" for a name of dots alone */
	while (*base == '.')
		base++;
	if (!*base)
		base = "file";
	dot = strrchr(base, '.');
	if (!dot)
		dot = base + strlen(base);
	snprintf(dir, sizeof(dir), "%s/rejects/", out_dir);
	if (package_mkdirs(dir, e))
		return -1;
	snprintf(dir, sizeof(dir), "%s/rejects", out_dir);
	/* "f" and the file id already name the file */
	if (run[0] == 'f')
		snprintf(key, sizeof(key), "%s", run);
	else
		snprintf(key, sizeof(key), "%s.%s", run, fileid);
	/* within a file name's 255 bytes, the temporary's "." and ".tmp"
	 * included: a long stem is cut (at a character's start; the key keeps
	 * the name unique); an "extension" of more than 16 bytes is part of the
	 * stem, not an extension */
	{
		size_t ext = strlen(dot), stem = (size_t)(dot - base);
		size_t room = 255 - 5 - strlen(key) - strlen("..rejects");

		if (ext > 16) {
			stem += ext;
			dot += ext;
			ext = 0;
		}
		if (stem + ext > room) {
			stem = utf8_cut(base, room - ext);
		}
		if ((size_t)snprintf(final, REJECTS_PATH, "%s/%.*s.%s.rejects%s", dir, (int)stem,
				     base, key, dot) >= REJECTS_PATH)
			return err_set(e, ERR_CANTCREATE, "rejects file name too long for '%s'",
				       path);
	}
	/* the final name hidden, in the same folder */
	base = final + strlen(dir) + 1;
	if ((size_t)snprintf(tmp, REJECTS_TMP, "%.*s.%s.tmp", (int)(base - final), final, base) >=
	    REJECTS_TMP)
		return err_set(e, ERR_CANTCREATE, "rejects file name too long for '%s'", path);
	return 0;
}

/* Write the rejects file of path to tmp (the caller renames it after the
 * commit).  w->w holds the rejected record numbers in order. */
static int write_rejects(const struct ingest_opts *o, const struct infile *in,
			 enum ingest_channel ch, struct rejects_writer *w, const char *tmp,
			 struct sbyt_err *e)
{
	struct ingest_sink s;
	struct sbyt_err pe;
	FILE *f, *body = NULL;
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	fchmod(fd, 0640);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", tmp, strerror(errno));
	}
	if (ch == CH_GAZPROMBANK) {
		body = tmpfile();
		if (!body) {
			fclose(f);
			return err_set(e, ERR_CANTCREATE, "cannot create a temporary file: %s",
				       strerror(errno));
		}
	}
	w->ch = ch;
	w->out = body ? body : f;
	if (channel_header(ch))
		fprintf(f, "%s\n", channel_header(ch));
	memset(&s, 0, sizeof(s));
	s.arg = w;
	s.record = wr_record;
	s.reject = wr_reject;
	s.want_text = 1;
	err_clear(&pe);
	/* The file parsed before: a second pass cannot fail but on I/O. */
	if (ingest_parse(ch, in, o->rules->sms, &s, &pe) && pe.kind != ERR_DATA) {
		rc = err_set(e, pe.kind, "%s", pe.msg);
		goto out;
	}
	if (ch == CH_SBERBANK) {
		char a[MONEY_BUF], b[MONEY_BUF];
		money_format(w->sum, a);
		money_format(w->fee, b);
		for (char *p = a; *p; p++)
			if (*p == '.')
				*p = ',';
		for (char *p = b; *p; p++)
			if (*p == '.')
				*p = ',';
		fprintf(f, "=%ld;%s;%s;%s;%s\n", w->count, a, b, s.info.order_no, s.info.order_date);
	} else if (ch == CH_GAZPROMBANK) {
		char a[MONEY_BUF];
		char buf[65536];
		size_t n;
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Registry");
		xml_attr(f, "bank", s.info.bank);
		xml_attr(f, "date", s.info.registry_date);
		fprintf(f, " count=\"%ld\" total=\"%s\" rejects=\"1\">\n", w->count,
			money_format(w->sum, a));
		rewind(body);
		while ((n = fread(buf, 1, sizeof(buf), body)) > 0)
			if (fwrite(buf, 1, n, f) != n)
				w->failed = 1;
		fprintf(f, "</Registry>\n");
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f) || w->failed)
		rc = err_set(e, ERR_CANTCREATE, "cannot write '%s': %s", tmp, strerror(errno));
out:
	if (body)
		fclose(body);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, ERR_CANTCREATE, "cannot write '%s': %s", tmp, strerror(errno));
	if (rc)
		unlink(tmp);
	return rc;
}

void ingest_clean_rejects(const char *out_dir)
{
	char dir[4096], path[4400];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/rejects", out_dir);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' && n > 5 && strcmp(de->d_name + n - 4, ".tmp") == 0 &&
		    strstr(de->d_name, ".rejects")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

/* ---- one file ---- */

static int noop_check(PGconn *db, const char *sha, struct ingest_result *res, char *fileid,
		      char *run, struct sbyt_err *e)
{
	const char *p[1] = { sha };
	PGresult *r = db_query(db, e,
		"SELECT read, accepted, rejected, duplicates, held, other_shard,"
		" to_char(ingested_at, 'YYYY-MM-DD HH24:MI'), channel,"
		" file_id, coalesce(run_id::text, 'f' || file_id)"
		" FROM ingest_file WHERE sha256 = $1", 1, p);
	int found;

	if (!r)
		return -1;
	found = PQntuples(r) == 1;
	if (found) {
		res->status = INGEST_NOOP;
		res->n.read = atoll(PQgetvalue(r, 0, 0));
		res->n.accepted = atoll(PQgetvalue(r, 0, 1));
		res->n.rejected = atoll(PQgetvalue(r, 0, 2));
		res->n.duplicates = atoll(PQgetvalue(r, 0, 3));
		res->n.held = atoll(PQgetvalue(r, 0, 4));
		res->n.other_shard = atoll(PQgetvalue(r, 0, 5));
		snprintf(res->earlier, sizeof(res->earlier), "%s", PQgetvalue(r, 0, 6));
		res->channel = ingest_channel_parse(PQgetvalue(r, 0, 7));
		snprintf(fileid, 24, "%s", PQgetvalue(r, 0, 8));
		snprintf(run, 24, "%s", PQgetvalue(r, 0, 9));
	}
	PQclear(r);
	return found;
}

/* The rejected lines of file fileid: reported through o->on_reject when
 * report is set; those to send back (whole lines) gathered in w->w. */
static int collect_rejects(PGconn *db, const struct ingest_opts *o, const char *path,
			   const char *fileid, int report, struct rejects_writer *w,
			   struct sbyt_err *e)
{
	const char *p[1] = { fileid };
	PGresult *r = db_query(db, e, "SELECT rec, line, what, code, reason FROM ingest_reject"
			       " WHERE file_id = $1 ORDER BY rec, what", 1, p);
	int nt;

	if (!r)
		return -1;
	nt = PQntuples(r);
	w->w = nt ? calloc((size_t)nt, sizeof(*w->w)) : NULL;
	if (nt && !w->w) {
		PQclear(r);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; i < nt; i++) {
		int line_reject = strcmp(PQgetvalue(r, i, 2), "line") == 0;
		if (report && o->on_reject)
			o->on_reject(o->arg, path, atol(PQgetvalue(r, i, 1)), PQgetvalue(r, i, 3),
				     PQgetvalue(r, i, 4));
		if (line_reject) {
			w->w[w->nw].rec = atoll(PQgetvalue(r, i, 0));
			snprintf(w->w[w->nw].code, sizeof(w->w[w->nw].code), "%s", PQgetvalue(r, i, 3));
			w->nw++;
		}
	}
	PQclear(r);
	return 0;
}

/* A file ingested before: write its rejects file again when it is missing
 * (a run killed between its commit and the rename).  0 or -1 with e set. */
static int rejects_again(const struct ingest_opts *o, const struct infile *in,
			 struct ingest_result *res, const char *fileid, const char *run,
			 struct sbyt_err *e)
{
	const char *path = in->path;
	struct rejects_writer w;
	char final[REJECTS_PATH], tmp[REJECTS_TMP];
	struct stat st;
	int rc = 0;

	if (res->n.rejected == 0)
		return 0;
	if (rejects_names(o->out_dir, path, run, fileid, final, tmp, e))
		return -1;
	if (stat(final, &st) == 0)
		return 0;
	memset(&w, 0, sizeof(w));
	if (collect_rejects(o->db, o, path, fileid, 0, &w, e))
		return -1;
	if (w.nw) {
		rc = write_rejects(o, in, res->channel, &w, tmp, e);
		if (rc == 0 && rename(tmp, final) != 0) {
			rc = err_set(e, ERR_CANTCREATE, "cannot rename '%s' to '%s': %s", tmp, final,
				     strerror(errno));
			unlink(tmp);
		}
		if (rc == 0) {
			snprintf(res->rejects_path, sizeof(res->rejects_path), "%s", final);
			rc = sha256_file(final, res->rejects_sha256, &res->rejects_bytes, e);
		}
	}
	free(w.w);
	return rc;
}

int ingest_one(const struct ingest_opts *o, const char *path, enum ingest_channel ch,
	       struct ingest_result *res, struct sbyt_err *e)
{
	struct infile in;
	int rc;

	memset(res, 0, sizeof(*res));
	/* opened and checked once: every reading below is of this descriptor */
	if (infile_open(&in, path, e))
		return -1;
	rc = ingest_infile(o, &in, ch, res, e);
	infile_close(&in);
	return rc;
}

int ingest_infile(const struct ingest_opts *o, const struct infile *in, enum ingest_channel ch,
		  struct ingest_result *res, struct sbyt_err *e)
{
	const char *path = in->path;
	PGconn *db = o->db;
	struct progress pg;
	struct decider *d = NULL;
	struct ingest_sink sink;
	struct rejects_writer w;
	char runid[24], fileid[24], bytes[24];
	const char *chname;
	char tmp[REJECTS_TMP];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	tmp[0] = '\0';
	{
		FILE *f = infile_fopen(in, e);
		if (!f || sha256_stream(f, path, res->sha256, &res->bytes, e))
			return -1;
	}
	rc = noop_check(db, res->sha256, res, fileid, runid, e);
	if (rc != 0)
		return rc < 0 || rejects_again(o, in, res, fileid, runid, e) ? -1 : 0;
	if (ch == CH_NONE) {
		ch = ingest_detect(in, e);
		if (ch == CH_NONE) {
			res->status = INGEST_REFUSED;
			return -1;
		}
	}
	res->channel = ch;
	chname = ingest_channel_name(ch);

	if (db_begin(db, e))
		return -1;
	/* The commit is durable whatever the server's default: the caller
	 * may take the file away from where it came (daily's archive move). */
	if (db_exec(db, e, "SET LOCAL jit = off", 0, NULL) ||
	    db_exec(db, e, "SET LOCAL synchronous_commit = on", 0, NULL))
		goto fail;
	snprintf(bytes, sizeof(bytes), "%" PRId64, res->bytes);
	snprintf(runid, sizeof(runid), "%" PRId64, o->run_id);
	{
		const char *p[5] = { res->sha256, path, chname, bytes, o->run_id ? runid : NULL };
		char *id = NULL;
		if (db_value(db, e, "INSERT INTO ingest_file (sha256, name, channel, bytes, run_id,"
			     " read, accepted, rejected, duplicates, held) VALUES ($1, $2, $3, $4,"
			     " $5, 0, 0, 0, 0, 0) RETURNING file_id", 5, p, &id))
			goto fail;
		snprintf(fileid, sizeof(fileid), "%s", id ? id : "0");
		free(id);
	}
	d = decide_new(db, o->conninfo, o->rules, o->as_of, ch, strtoll(fileid, NULL, 10), o->run_id,
		       o->memory, e);
	if (!d)
		goto fail;
	decide_shard(d, o->shard_i, o->shard_n);
	decide_sink(d, &sink);
	{
		/* record lines, their rate, and how far into the file (log.h:
		 * on a terminal only) */
		const char *base = strrchr(path, '/');
		char what[300];
		snprintf(what, sizeof(what), "ingest %.280s", base ? base + 1 : path);
		if (!o->no_progress) {
			progress_start_unit(&pg, what, "lines", 0);
			progress_bytes(&pg, in->fd, res->bytes);
			sink.progress = &pg;
		}
		rc = ingest_parse(ch, in, o->rules->sms, &sink, e);
		if (!o->no_progress)
			progress_end(&pg);
	}
	if (rc) {
		decide_free(d);   /* first: its writer may still use db */
		db_rollback(db);
		if (e->kind == ERR_DATA) {
			res->status = INGEST_REFUSED;
			res->n.read = res->n.rejected = sink.info.records;
		}
		return -1;
	}
	if (decide_finish(d, &res->n, e))
		goto fail;
	decide_free(d);
	d = NULL;
	{
		char n[6][24];
		int64_t v[6] = { res->n.read, res->n.accepted, res->n.rejected, res->n.duplicates,
				 res->n.held, res->n.other_shard };
		for (int i = 0; i < 6; i++)
			snprintf(n[i], sizeof(n[i]), "%" PRId64, v[i]);
		const char *p[7] = { fileid, n[0], n[1], n[2], n[3], n[4], n[5] };
		if (db_exec(db, e, "UPDATE ingest_file SET read = $2, accepted = $3, rejected = $4,"
			    " duplicates = $5, held = $6, other_shard = $7 WHERE file_id = $1", 7, p))
			goto fail;
	}

	/* Report the rejected lines; collect those to send back. */
	if (collect_rejects(db, o, path, fileid, 1, &w, e))
		goto fail;
	if (w.nw) {
		char run[32];  /* "f" and a file id of up to 23 digits */
		if (o->run_id)
			snprintf(run, sizeof(run), "%" PRId64, o->run_id);
		else
			snprintf(run, sizeof(run), "f%s", fileid);
		if (rejects_names(o->out_dir, path, run, fileid, res->rejects_path, tmp, e) ||
		    write_rejects(o, in, ch, &w, tmp, e))
			goto fail;
		if (sha256_file(tmp, res->rejects_sha256, &res->rejects_bytes, e))
			goto fail;
	}
	if (db_commit(db, e))
		goto fail;
	if (tmp[0] && rename(tmp, res->rejects_path) != 0) {
		err_set(e, ERR_CANTCREATE, "cannot rename '%s' to '%s': %s", tmp, res->rejects_path,
			strerror(errno));
		unlink(tmp);
		free(w.w);
		return -1;
	}
	free(w.w);
	res->status = INGEST_DONE;
	return 0;
fail:
	decide_free(d);
	db_rollback(db);
	if (tmp[0])
		unlink(tmp);
	res->rejects_path[0] = '\0';
	free(w.w);
	return -1;
}
