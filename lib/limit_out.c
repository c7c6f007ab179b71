/* limit_out.c - the day's limitation packages and register; see limit_out.h. */
#include "limit_out.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "db.h"
#include "log.h"
#include "limit_text.h"
#include "money.h"
#include "notice_pdf.h"
#include "package.h"
#include "explain_ru.h"
#include "xlsx.h"

#define NS "urn:sbyt:limitation:1"

static const char *const notice_kinds[] = { "post", "sms", "email", "edo", "lkk", "personal",
					     "authorities" };

static void attr(xmlTextWriterPtr w, const char *name, const char *v, int *rc)
{
	if (v && v[0])
		*rc |= xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v) < 0;
}

static const char *kopecks(const char *s, char *buf)
{
	return money_format(strtoll(s, NULL, 10), buf);
}

/* The files one write makes (the packages, sealed by package_seal()
 * without its fsync, and the registers), kept under their temporary names
 * until outrec_publish() makes them durable and renames them into place
 * all at once, then recorded on the job (may be NULL) by outrec_flush()
 * on the connection's thread.  package_commit() fsyncs four times a
 * package (the zip, its folder, the zip after the rename, the folder
 * again), each an ext4 journal commit of its own: 69 fsyncs took 0.19 to
 * 0.30 s of a 0.35-0.8 s run at N = 20,000 on this shared disk. */
struct outrec {
	struct job *j;
	int n, cap;
	struct outrec_file {
		char *tmp;            /* NULL once renamed into place */
		char *path;
		char sha256[SHA256_HEX];
		int64_t bytes;
	} *f;
};

/* Keep file tmp, to become path, of the given digest and size; 0, or -1
 * with e set (the caller removes tmp). */
static int outrec_add(struct outrec *o, const char *tmp, const char *path, const char *sha256,
		      int64_t bytes, struct sbyt_err *e)
{
	struct outrec_file *f;

	if (o->n == o->cap) {
		int cap = o->cap ? 2 * o->cap : 16;
		struct outrec_file *t = realloc(o->f, sizeof(*t) * (size_t)cap);

		if (!t)
			return err_set(e, ERR_INTERNAL, "out of memory");
		o->f = t;
		o->cap = cap;
	}
	f = &o->f[o->n];
	f->tmp = strdup(tmp);
	f->path = strdup(path);
	if (!f->tmp || !f->path) {
		free(f->tmp);
		free(f->path);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	memcpy(f->sha256, sha256, sizeof(f->sha256));
	f->bytes = bytes;
	o->n++;
	return 0;
}

/* Seal package p (opened with p->nosync set) into o; 0, or -1 with e set
 * (p aborted). */
static int outrec_seal(struct outrec *o, struct package *p, const char *rv, struct sbyt_err *e)
{
	if (package_seal(p, o->j ? o->j->run_id : 0, rv, e))
		return -1;
	if (outrec_add(o, p->tmp, p->final, p->sha256, p->bytes, e)) {
		package_abort(p);
		return -1;
	}
	return 0;
}

/* fsync paths[0..n-1] (files or folders) on up to SYNC_THREADS threads at
 * once: fsyncs in flight together share their journal commits and disk
 * cache flushes (jbd2 and the block layer merge them), where one after
 * another each waits for its own (1-4 ms each on this machine's disk,
 * whatever the file's size). */
#define SYNC_THREADS 8

struct syncs {
	const char *const *path;
	int n, next;
	pthread_mutex_t mu;
	int err;                  /* errno of the first failure, or 0 */
	const char *bad;
};

static void *sync_worker(void *arg)
{
	struct syncs *s = arg;

	for (;;) {
		int i, fd, err = 0;

		pthread_mutex_lock(&s->mu);
		i = s->err ? s->n : s->next++;
		pthread_mutex_unlock(&s->mu);
		if (i >= s->n)
			return NULL;
		fd = open(s->path[i], O_RDONLY);
		if (fd < 0 || fsync(fd) != 0)
			err = errno ? errno : EIO;
		if (fd >= 0)
			close(fd);
		if (err) {
			pthread_mutex_lock(&s->mu);
			if (!s->err) {
				s->err = err;
				s->bad = s->path[i];
			}
			pthread_mutex_unlock(&s->mu);
		}
	}
}

static int sync_all(const char *const *path, int n, struct sbyt_err *e)
{
	struct syncs s = { .path = path, .n = n };
	pthread_t th[SYNC_THREADS];
	int nt = 0;

	pthread_mutex_init(&s.mu, NULL);
	while (nt < SYNC_THREADS - 1 && nt < n - 1 && pthread_create(&th[nt], NULL, sync_worker, &s) == 0)
		nt++;
	sync_worker(&s);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&s.mu);
	if (s.err)
		return err_set(e, ERR_IO, "cannot sync '%s': %s", s.bad, strerror(s.err));
	return 0;
}

/* The files of o[0..no-1] made durable and put in place: every file
 * fsynced (sync_all()), then each renamed into place, then each folder
 * fsynced once.  Nothing is renamed before every file's bytes are on disk;
 * a reader sees each file whole or not at all, as with package_commit().
 * 0, or -1 with e set (ERR_IO; what was not renamed is left for
 * outrec_release()). */
static int outrec_publish(struct outrec *const *o, int no, struct sbyt_err *e)
{
	const char **path;
	char **dir;
	int n = 0, nf = 0, nd = 0, rc = -1;

	for (int k = 0; k < no; k++)
		n += o[k]->n;
	if (!n)
		return 0;
	path = malloc(sizeof(*path) * (size_t)n);
	dir = calloc((size_t)n, sizeof(*dir));
	if (!path || !dir) {
		free(path);
		free(dir);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	for (int k = 0; k < no; k++)
		for (int i = 0; i < o[k]->n; i++)
			path[nf++] = o[k]->f[i].tmp;
	if (sync_all(path, nf, e))
		goto out;
	for (int k = 0; k < no; k++)
		for (int i = 0; i < o[k]->n; i++) {
			struct outrec_file *f = &o[k]->f[i];
			const char *slash = strrchr(f->path, '/');
			size_t len = slash && slash != f->path ? (size_t)(slash - f->path) : 0;
			int seen = !len;

			if (rename(f->tmp, f->path) != 0) {
				err_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", f->tmp, f->path,
					strerror(errno));
				goto out;
			}
			free(f->tmp);
			f->tmp = NULL;
			/* its folder, once */
			for (int d = 0; d < nd && !seen; d++)
				seen = strlen(dir[d]) == len && !strncmp(dir[d], f->path, len);
			if (!seen && !(dir[nd++] = strndup(f->path, len))) {
				err_set(e, ERR_INTERNAL, "out of memory");
				goto out;
			}
		}
	rc = sync_all((const char *const *)dir, nd, e);
out:
	for (int d = 0; d < nd; d++)
		free(dir[d]);
	free(dir);
	free(path);
	return rc;
}

/* Free o, removing the files not put in place. */
static void outrec_release(struct outrec *o)
{
	for (int i = 0; i < o->n; i++) {
		if (o->f[i].tmp)
			unlink(o->f[i].tmp);
		free(o->f[i].tmp);
		free(o->f[i].path);
	}
	free(o->f);
	o->f = NULL;
	o->n = o->cap = 0;
}

/* Record the files of o (published) on its job; 0, or -1 with e set.  o
 * is released either way. */
static int outrec_flush(struct outrec *o, struct sbyt_err *e)
{
	int rc = 0;

	for (int i = 0; i < o->n && o->j && !rc; i++)
		rc = job_file(o->j, "out", o->f[i].path, o->f[i].sha256, o->f[i].bytes, e);
	outrec_release(o);
	return rc;
}

/* Notices of one branch and channel: rows [from, to) of r. */
/* <Text citation="...">the whole text</Text> */
static void text_elem(xmlTextWriterPtr w, const struct limit_rules *rules, const char *key,
		      const char *text, int *rc)
{
	const struct limit_text *t = limit_text_find(rules, key);

	*rc |= xmlTextWriterStartElement(w, BAD_CAST "Text") < 0;
	attr(w, "citation", t ? t->citation : "", rc);
	*rc |= xmlTextWriterWriteString(w, BAD_CAST text) < 0;
	*rc |= xmlTextWriterEndElement(w) < 0;
}

/* A notice row composed: its text (as notices.xml and the PDF carry it)
 * and what the PDF prints; released by notice_row_release(). */
struct notice_row {
	struct limit_textvars tv;
	char key[2 * LIMIT_NAME + 16];
	char *text;
	struct notice_doc d;
};

static void notice_row_release(struct notice_row *nr)
{
	limit_textvars_release(&nr->tv);
	free(nr->text);
	nr->text = NULL;
}

/* The value of placeholder name in tv, or "—". */
static const char *tv_value(const struct limit_textvars *tv, const char *name)
{
	for (int k = 0; k < tv->n; k++)
		if (!strcmp(tv->v[k].name, name))
			return tv->v[k].value;
	return "—";
}

/* Compose notice row i of r (columns NOTICE_SELECT) into nr (zeroed by
 * the caller).  0, or -1 with e set (nr released). */
static int notice_compose(const struct limit_env *env, PGresult *r, int i, struct notice_row *nr,
			  struct sbyt_err *e)
{
	const char *proc = PQgetvalue(r, i, 2), *step = PQgetvalue(r, i, 3);
	const struct limit_procedure *p = limit_procedure_find(env->rules, proc);
	struct limit_textvars *tv = &nr->tv;
	const struct limit_channel *ch;
	struct notice_doc *d = &nr->d;
	int authorities = !strcmp(PQgetvalue(r, i, 19), "authorities"), ni;
	char m[40];
	sdate issued, planned = DATE_NONE;

	if (!p)
		return err_set(e, ERR_CONFIG, "procedure '%s' is not in the rules", proc);
	date_parse(PQgetvalue(r, i, 4), -1, &issued);
	if (!PQgetisnull(r, i, 5))
		date_parse(PQgetvalue(r, i, 5), -1, &planned);
	limit_textvars_add(tv, "notice", PQgetvalue(r, i, 0));
	limit_textvars_add(tv, "account", PQgetvalue(r, i, 1));
	limit_textvars_add_date(tv, "issued", PQgetvalue(r, i, 4));
	limit_textvars_add_date(tv, "planned", PQgetisnull(r, i, 5) ? "—" : PQgetvalue(r, i, 5));
	limit_textvars_add_date(tv, "snapshot", PQgetvalue(r, i, 7));
	/* sums in a text a person reads as the tables print them: "1 234,56" */
	limit_textvars_add(tv, "debt", explain_ru_money(strtoll(PQgetvalue(r, i, 8), NULL, 10), m));
	limit_textvars_add(tv, "periods", PQgetvalue(r, i, 9));
	limit_textvars_add(tv, "threshold",
			   explain_ru_money(strtoll(PQgetvalue(r, i, 10), NULL, 10), m));
	limit_textvars_add(tv, "name", PQgetvalue(r, i, 12));
	limit_textvars_add(tv, "address", PQgetvalue(r, i, 13));
	limit_textvars_add(tv, "branch", PQgetvalue(r, i, 20));
	limit_textvars_add(tv, "branch_phone", PQgetvalue(r, i, 21));
	limit_textvars_add(tv, "tech_kw", PQgetvalue(r, i, 22));
	limit_textvars_add(tv, "emergency_kw", PQgetvalue(r, i, 23));
	if (authorities)
		snprintf(nr->key, sizeof(nr->key), "%s.authorities", proc);
	else
		snprintf(nr->key, sizeof(nr->key), "%s.%s", proc, step);
	/* the dates as the notice says them: issued through its own channel
	 * (the authorities' copy: those of the consumer's notice it copies) */
	if (limit_textvars_dates(tv, env->rules, env->cal, p, step,
				 authorities ? PQgetvalue(r, i, 25) : PQgetvalue(r, i, 19), issued,
				 planned, !strcmp(PQgetvalue(r, i, 24), "t"), e) ||
	    !(nr->text = limit_text(env->rules, nr->key, tv, e))) {
		notice_row_release(nr);
		return -1;
	}
	ni = limit_notice_index(p, step);
	ch = limit_channel_find(env->rules, PQgetvalue(r, i, 6));
	d->id = PQgetvalue(r, i, 0);
	d->account = PQgetvalue(r, i, 1);
	d->title = ni >= 0 ? p->notice[ni].title : p->title;
	d->procedure = p->title;
	d->channel = ch ? ch->title : "";
	d->name = PQgetvalue(r, i, 12);
	d->address = PQgetvalue(r, i, 13);
	d->postcode = PQgetvalue(r, i, 14);
	d->issued = issued;
	if (date_parse(PQgetvalue(r, i, 7), -1, &d->as_of))
		d->as_of = issued;
	d->debt = strtoll(PQgetvalue(r, i, 8), NULL, 10);
	d->threshold = strtoll(PQgetvalue(r, i, 10), NULL, 10);
	d->periods = atoi(PQgetvalue(r, i, 9));
	d->authorities = authorities;
	d->recipients = PQgetvalue(r, i, 17);
	d->unpaid = PQgetvalue(r, i, 26);
	d->text = nr->text;
	for (int k = 0; k < p->nsteps && d->nsteps < NOTICE_PDF_STEPS; k++) {
		char name[LIMIT_NAME + 8];

		snprintf(name, sizeof(name), "date:%s", p->step[k].name);
		d->step[d->nsteps].title = p->step[k].title;
		d->step[d->nsteps].date = tv_value(tv, name);
		d->step[d->nsteps].citation = p->step[k].citation;
		d->nsteps++;
	}
	return 0;
}

/* A package's PDFs: one print file (post, personal) or one file per
 * document in the package's folder (email, edo, lkk, authorities, the grid
 * requests); none for SMS or when the texts are not loaded. */
struct pdfs {
	struct notice_pdf *r;
	const char *where;          /* the print file, or the folder */
	int per_document;
	int pages;
};

static int pdfs_start(const struct limit_env *env, struct package *pk, const char *kind,
		      sdate day, struct pdfs *x, struct sbyt_err *e)
{
	memset(x, 0, sizeof(*x));
	if (!env->texts || !env->sup || !strcmp(kind, "sms"))
		return 0;
	x->per_document = strcmp(kind, "post") && strcmp(kind, "personal");
	x->where = x->per_document ? package_folder(pk, e) : package_entry(pk, "notices.pdf", e);
	if (!x->where || !(x->r = notice_pdf_new(env->texts, env->sup, e)))
		return -1;
	if (!x->per_document && pdf_begin(notice_pdf_file(x->r), x->where, day, e)) {
		notice_pdf_free(x->r);
		x->r = NULL;
		return -1;
	}
	return 0;
}

/* Draw notice n or request q (one of them) into x. */
static int pdfs_add(struct pdfs *x, const struct notice_doc *n, const struct request_doc *q,
		    struct sbyt_err *e)
{
	struct pdf *g;
	char path[4200];
	int rc;

	if (!x->r)
		return 0;
	g = notice_pdf_file(x->r);
	if (x->per_document) {
		snprintf(path, sizeof(path), "%s/%s-%s.pdf", x->where, n ? n->account : q->account,
			 n ? n->id : q->id);
		if (pdf_begin(g, path, n ? n->issued : q->issued, e))
			return -1;
	}
	rc = n ? notice_pdf_notice(x->r, n, e) : notice_pdf_request(x->r, q, e);
	if (x->per_document) {
		if (rc) {
			pdf_abort(g);
			return -1;
		}
		x->pages += pdf_pages(g);
		return pdf_end(g, 0, e);
	}
	return rc;
}

/* Finish x (ok: keep the print file) and free it; the pages into the
 * manifest. */
static int pdfs_finish(struct pdfs *x, struct package *pk, int ok, struct sbyt_err *e)
{
	char cnt[24];
	int rc = 0;

	if (!x->r)
		return 0;
	if (!x->per_document) {
		if (ok) {
			x->pages = pdf_pages(notice_pdf_file(x->r));
			rc = pdf_end(notice_pdf_file(x->r), 0, e);
		}
	}
	notice_pdf_free(x->r);
	x->r = NULL;
	if (ok && !rc) {
		snprintf(cnt, sizeof(cnt), "%d", x->pages);
		package_fact(pk, "pages", cnt);
	}
	return rc;
}

/* End package p after its XML went out, rc non-zero when a write of it
 * failed, and close its PDFs x: 0, or -1 with e set and p aborted ("cannot
 * write the WHAT of 'PATH'" for a failed write). */
static int pdfs_package_end(struct pdfs *x, struct package *p, int rc, const char *what,
			    const char *path, struct sbyt_err *e)
{
	if (!rc && package_stream_end(p, e)) {
		pdfs_finish(x, p, 0, NULL);
		package_abort(p);
		return -1;
	}
	if (rc) {
		pdfs_finish(x, p, 0, NULL);
		package_abort(p);
		return err_set(e, ERR_IO, "cannot write the %s of '%s'", what, path);
	}
	if (pdfs_finish(x, p, 1, e)) {
		package_abort(p);
		return -1;
	}
	return 0;
}

/* An XML writer on entry name of p, hashed and deflated as it writes
 * (package_stream(): the XML is never a file of its own); NULL with e
 * set.  xmlFreeTextWriter() flushes it, then package_stream_end() ends the
 * entry (package_abort() when it fails). */
static xmlTextWriterPtr stream_writer(struct package *p, const char *name, struct sbyt_err *e)
{
	FILE *f = package_stream(p, name, e);
	xmlOutputBufferPtr ob = f ? xmlOutputBufferCreateFile(f, NULL) : NULL;
	xmlTextWriterPtr w = ob ? xmlNewTextWriter(ob) : NULL;

	if (f && !w) {
		if (ob)
			xmlOutputBufferClose(ob);
		err_set(e, ERR_INTERNAL, "out of memory");
	}
	return w;
}

static int write_notices(const struct limit_env *env, PGresult *r, const int *ord, int from,
			 int to, const char *dir, const char *branch, const char *kind, const char *day,
			 struct outrec *o, const char *rv, struct limit_out_counts *n,
			 struct sbyt_err *e)
{
	struct package p;
	char path[4096], cnt[24], m1[32], m2[32];
	const char *csv = NULL;
	xmlTextWriterPtr w;
	int rc = 0;
	FILE *f = NULL;
	struct pdfs x;

	snprintf(path, sizeof(path), "%s/notices-%s.zip", dir, kind);
	if (package_open(&p, path, e))
		return -1;
	p.nosync = 1;  /* made durable with the others: outrec_publish() */
	w = stream_writer(&p, "notices.xml", e);
	if (w && !strcmp(kind, "post"))
		csv = package_entry(&p, "mailing.csv", e);
	if (!w || (!strcmp(kind, "post") && !csv)) {
		if (w)
			xmlFreeTextWriter(w);
		package_abort(&p);
		return -1;
	}
	if (csv && !(f = fopen(csv, "w"))) {
		xmlFreeTextWriter(w);
		package_abort(&p);
		return err_set(e, ERR_CANTCREATE, "cannot write '%s'", csv);
	}
	if (pdfs_start(env, &p, kind, env->day, &x, e)) {
		xmlFreeTextWriter(w);
		if (f)
			fclose(f);
		package_abort(&p);
		return -1;
	}
	if (f)
		fputs("addressee;address;postcode;notice_id\n", f);
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Notices") < 0;
	attr(w, "xmlns", NS, &rc);
	attr(w, "date", day, &rc);
	attr(w, "branch", branch, &rc);
	attr(w, "channel", kind, &rc);
	for (int j = from; j < to; j++) {
		int i = ord ? ord[j] : j;
		/* 0 notice_id 1 account 2 procedure 3 step 4 issued 5 planned 6 channel
		 * 7 snap 8 stated 9 periods 10 threshold 11 replaces 12 name 13 address
		 * 14 postcode 15 email 16 phones 17 authority emails 18 branch */
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Notice") < 0;
		attr(w, "id", PQgetvalue(r, i, 0), &rc);
		attr(w, "account", PQgetvalue(r, i, 1), &rc);
		attr(w, "procedure", PQgetvalue(r, i, 2), &rc);
		attr(w, "step", PQgetvalue(r, i, 3), &rc);
		attr(w, "issued", PQgetvalue(r, i, 4), &rc);
		attr(w, "planned", PQgetvalue(r, i, 5), &rc);
		attr(w, "channel", PQgetvalue(r, i, 6), &rc);
		attr(w, "replaces", PQgetvalue(r, i, 11), &rc);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Debt") < 0;
		attr(w, "asOf", PQgetvalue(r, i, 7), &rc);
		attr(w, "overdue", kopecks(PQgetvalue(r, i, 8), m1), &rc);
		attr(w, "periods", PQgetvalue(r, i, 9), &rc);
		attr(w, "threshold", kopecks(PQgetvalue(r, i, 10), m2), &rc);
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Addressee") < 0;
		attr(w, "name", PQgetvalue(r, i, 12), &rc);
		attr(w, "address", PQgetvalue(r, i, 13), &rc);
		attr(w, "postcode", PQgetvalue(r, i, 14), &rc);
		if (!strcmp(kind, "email"))
			attr(w, "email", PQgetvalue(r, i, 15), &rc);
		if (!strcmp(kind, "sms"))
			attr(w, "phone", PQgetvalue(r, i, 16), &rc);
		rc |= xmlTextWriterEndElement(w) < 0;
		{
			struct notice_row nr = { 0 };

			if (notice_compose(env, r, i, &nr, e) || pdfs_add(&x, &nr.d, NULL, e)) {
				notice_row_release(&nr);
				pdfs_finish(&x, &p, 0, NULL);
				xmlFreeTextWriter(w);
				if (f)
					fclose(f);
				package_abort(&p);
				return -1;
			}
			text_elem(w, env->rules, nr.key, nr.text, &rc);
			notice_row_release(&nr);
		}
		if (!strcmp(kind, "authorities")) {
			char *list = strdup(PQgetvalue(r, i, 17)), *save = NULL;

			for (char *t = list ? strtok_r(list, ",", &save) : NULL; t;
			     t = strtok_r(NULL, ",", &save)) {
				rc |= xmlTextWriterStartElement(w, BAD_CAST "To") < 0;
				attr(w, "email", t, &rc);
				rc |= xmlTextWriterEndElement(w) < 0;
			}
			free(list);
		}
		rc |= xmlTextWriterEndElement(w) < 0;
		if (f) {
			/* CSV: ';' separated, fields quoted when they hold ';' or '"' */
			for (int k = 0; k < 4; k++) {
				const char *v = PQgetvalue(r, i, k == 0 ? 12 : k == 1 ? 13 : k == 2 ? 14 : 0);

				if (k)
					fputc(';', f);
				if (strpbrk(v, ";\"\n")) {
					fputc('"', f);
					for (const char *q = v; *q; q++) {
						if (*q == '"')
							fputc('"', f);
						fputc(*q, f);
					}
					fputc('"', f);
				} else {
					fputs(v, f);
				}
			}
			fputc('\n', f);
		}
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (f && fclose(f))
		rc = 1;
	if (pdfs_package_end(&x, &p, rc, "notices", path, e))
		return -1;
	snprintf(cnt, sizeof(cnt), "%d", to - from);
	package_fact(&p, "notices", cnt);
	package_fact(&p, "channel", kind);
	package_fact(&p, "date", day);
	if (outrec_seal(o, &p, rv, e))
		return -1;
	n->packages++;
	n->notices += to - from;
	return 0;
}

/* Compose request row i of r (columns REQUEST_SELECT) into *q, its text
 * malloc'd in *text (the caller frees it).  0, or -1 with e set. */
static int request_compose(const struct limit_env *env, PGresult *r, int i,
			   struct request_doc *q, char **text, struct sbyt_err *e)
{
	const char *day = PQgetvalue(r, i, 15);
	struct limit_textvars tv = { 0 };
	const struct limit_text *act;
	char key[LIMIT_NAME + 16], level[64];
	const char *kw = PQgetvalue(r, i, 4);

	snprintf(key, sizeof(key), "action.%s", PQgetvalue(r, i, 2));
	act = limit_text_find(env->rules, key);
	if (!act)
		return err_set(e, ERR_CONFIG, "no text for '%s' in the limitation rules", key);
	if (kw[0])
		snprintf(level, sizeof(level), ", уровень мощности %s кВт", kw);
	else
		level[0] = 0;
	limit_textvars_add(&tv, "request", PQgetvalue(r, i, 0));
	limit_textvars_add(&tv, "account", PQgetvalue(r, i, 1));
	limit_textvars_add(&tv, "action", act->text);
	limit_textvars_add_date(&tv, "date", PQgetvalue(r, i, 3));
	limit_textvars_add(&tv, "level", level);
	limit_textvars_add_date(&tv, "issued", day);
	limit_textvars_add(&tv, "address", PQgetvalue(r, i, 7));
	limit_textvars_add(&tv, "name", PQgetvalue(r, i, 9));
	limit_textvars_add(&tv, "basis", PQgetvalue(r, i, 10));
	limit_textvars_add(&tv, "branch", PQgetvalue(r, i, 11));
	limit_textvars_add(&tv, "branch_phone", PQgetvalue(r, i, 12));
	*text = limit_text(env->rules, "request", &tv, e);
	limit_textvars_release(&tv);
	if (!*text)
		return -1;
	memset(q, 0, sizeof(*q));
	q->id = PQgetvalue(r, i, 0);
	q->account = PQgetvalue(r, i, 1);
	q->name = PQgetvalue(r, i, 9);
	q->address = PQgetvalue(r, i, 7);
	q->meters = PQgetvalue(r, i, 14);
	q->action = act->text;
	q->level = kw;
	q->date = PQgetvalue(r, i, 3);
	q->basis = PQgetvalue(r, i, 10);
	q->branch = PQgetvalue(r, i, 11);
	q->branch_phone = PQgetvalue(r, i, 12);
	q->text = *text;
	date_parse(day, -1, &q->issued);
	return 0;
}

static int write_requests(const struct limit_env *env, PGresult *r, int from, int to,
			  const char *dir, const char *branch, const char *day, struct outrec *o,
			  const char *rv, struct limit_out_counts *n, struct sbyt_err *e)
{
	struct package p;
	char path[4096], cnt[24];
	xmlTextWriterPtr w;
	int rc = 0;
	struct pdfs x;

	snprintf(path, sizeof(path), "%s/grid-requests.zip", dir);
	if (package_open(&p, path, e))
		return -1;
	p.nosync = 1;  /* made durable with the others: outrec_publish() */
	if (!(w = stream_writer(&p, "requests.xml", e))) {
		package_abort(&p);
		return -1;
	}
	if (pdfs_start(env, &p, "requests", env->day, &x, e)) {
		xmlFreeTextWriter(w);
		package_abort(&p);
		return -1;
	}
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Requests") < 0;
	attr(w, "xmlns", NS, &rc);
	attr(w, "date", day, &rc);
	attr(w, "branch", branch, &rc);
	for (int i = from; i < to; i++) {
		/* 0 id 1 account 2 action 3 date 4 level 5 procedure 6 case 7 address 8 branch */
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Request") < 0;
		attr(w, "id", PQgetvalue(r, i, 0), &rc);
		attr(w, "account", PQgetvalue(r, i, 1), &rc);
		attr(w, "action", PQgetvalue(r, i, 2), &rc);
		attr(w, "date", PQgetvalue(r, i, 3), &rc);
		attr(w, "levelKw", PQgetvalue(r, i, 4), &rc);
		attr(w, "procedure", PQgetvalue(r, i, 5), &rc);
		attr(w, "case", PQgetvalue(r, i, 6), &rc);
		attr(w, "address", PQgetvalue(r, i, 7), &rc);
		{
			struct request_doc q;
			char *text = NULL;

			if (request_compose(env, r, i, &q, &text, e) || pdfs_add(&x, NULL, &q, e)) {
				free(text);
				pdfs_finish(&x, &p, 0, NULL);
				xmlFreeTextWriter(w);
				package_abort(&p);
				return -1;
			}
			text_elem(w, env->rules, "request", text, &rc);
			free(text);
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (pdfs_package_end(&x, &p, rc, "requests", path, e))
		return -1;
	snprintf(cnt, sizeof(cnt), "%d", to - from);
	package_fact(&p, "requests", cnt);
	package_fact(&p, "date", day);
	if (outrec_seal(o, &p, rv, e))
		return -1;
	n->packages++;
	n->requests += to - from;
	return 0;
}

/* A branch's register (register.xlsx: the day's events, one row each),
 * written as its rows come: reg_open(), reg_row() a row, reg_close(),
 * which seals it and keeps it in o to be made durable with the packages. */
struct reg {
	struct xlsx_table t;
	char path[4096], tmp[4200];
	int open;
};

static int reg_open(const struct limit_env *env, struct reg *g, const char *dir,
		    struct sbyt_err *e)
{
	/* the rule's code is an identifier (rules/limitation.xml), like the
	 * notice and request numbers; every other column is Russian */
	static const char *const headers[] = {
		"Лицевой счёт", "Дело", "Процедура", "Шаг", "Действие", "Код правила",
		"Основание", "Исходные данные", "Даты (расчёт)"
	};
	static const double widths[] = { 14, 6, 14, 18, 12, 24, 40, 60, 90 };

	if (snprintf(g->path, sizeof(g->path), "%s/register.xlsx", dir) >= (int)sizeof(g->path) ||
	    snprintf(g->tmp, sizeof(g->tmp), "%s/.register.xlsx.tmp", dir) >= (int)sizeof(g->tmp))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", dir);
	if (xlsx_table_open(&g->t, g->tmp, "Реестр", headers, widths, 9, e))
		return -1;
	g->open = 1;
	g->t.names = env->names;
	g->t.no_totals = 1;
	xlsx_table_caption(&g->t, "Реестр шагов ограничения за день", env->day);
	return 0;
}

/* Row i of r (EVENT_SELECT: 0 account 1 case 2 procedure 3 step 4 what
 * 5 rule 6 inputs_ru 7 dates_ru, sql/160). */
static int reg_row(const struct limit_env *env, struct reg *g, PGresult *r, int i,
		   struct sbyt_err *e)
{
	struct xlsx_table *t = &g->t;

	if (xlsx_table_row(t, e))
		return -1;
	xlsx_table_str(t, 0, PQgetvalue(r, i, 0));
	xlsx_table_int(t, 1, strtoll(PQgetvalue(r, i, 1), NULL, 10));
	xlsx_table_code(t, 2, "procedure", PQgetvalue(r, i, 2));
	xlsx_table_code(t, 3, "step", PQgetvalue(r, i, 3));
	xlsx_table_code(t, 4, "event", PQgetvalue(r, i, 4));
	xlsx_table_str(t, 5, PQgetvalue(r, i, 5));
	xlsx_table_str(t, 6, explain_ru_citation(env->rules, PQgetvalue(r, i, 5)));
	xlsx_table_str(t, 7, PQgetvalue(r, i, 6));
	xlsx_table_str(t, 8, PQgetvalue(r, i, 7));
	return 0;
}

/* Finish g (ok: sealed and kept in o; else dropped).  0, or -1 with e set. */
static int reg_close(struct reg *g, int ok, struct outrec *o, struct limit_out_counts *n,
		     struct sbyt_err *e)
{
	struct package_entry pe;

	if (!g->open)
		return 0;
	g->open = 0;
	if (!ok) {
		xlsx_table_close(&g->t, NULL);
		unlink(g->tmp);
		return 0;
	}
	if (xlsx_table_close(&g->t, e))
		return -1;
	/* made durable and put in place with the packages: outrec_publish() */
	if (chmod(g->tmp, 0640) != 0 || sha256_file(g->tmp, pe.sha256, &pe.bytes, e) ||
	    outrec_add(o, g->tmp, g->path, pe.sha256, pe.bytes, e)) {
		unlink(g->tmp);
		if (e && e->kind == ERR_NONE)
			err_set(e, ERR_IO, "cannot write '%s'", g->path);
		return -1;
	}
	n->registers++;
	return 0;
}

/* Rows [from, to) of a result with the same branch and kind: the results
 * are ordered by them, so each pair's rows are together. */
struct run {
	const char *branch, *kind;
	int from, to;
};

/* The runs of equal (branch, kind) of r, in order (of ord[], when not
 * NULL: the rows in the order of their indices there); kc < 0: branch only.
 * Returns the number of runs in *out (malloc'd, the caller frees), -1 when
 * out of memory. */
static int runs_of(PGresult *r, const int *ord, int bc, int kc, struct run **out)
{
	int n = PQntuples(r), k = 0;
	struct run *x = malloc(sizeof(*x) * (size_t)(n ? n : 1));

	*out = x;
	if (!x)
		return -1;
	for (int i = 0; i < n; i++) {
		int row = ord ? ord[i] : i;
		const char *b = PQgetvalue(r, row, bc), *c = kc >= 0 ? PQgetvalue(r, row, kc) : "";

		if (k && !strcmp(x[k - 1].branch, b) && !strcmp(x[k - 1].kind, c)) {
			x[k - 1].to = i + 1;
			continue;
		}
		x[k++] = (struct run){ b, c, i, i + 1 };
	}
	return k;
}

/* The run of branch b and kind c (NULL: any), or NULL. */
static const struct run *run_find(const struct run *x, int n, const char *b, const char *c)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(x[i].branch, b) && (!c || !strcmp(x[i].kind, c)))
			return &x[i];
	return NULL;
}

/* The notices as the packages and a reprint read them: 0 notice_id
 * 1 account 2 procedure 3 step 4 issued 5 planned 6 channel (the
 * authorities' copy: email) 7 snap 8 stated 9 periods 10 threshold
 * 11 replaces 12 name 13 address 14 postcode 15 email 16 phones
 * 17 authority emails 18 branch 19 channel 20 branch name 21 branch phone
 * 22 tech kW 23 emergency kW 24 remote 25 the consumer's notice's channel (looked
 * up for the authorities' copies only: the other rows never read it, and a
 * lookup per row went through the day's index for every row, 0.5 s at 5000;
 * `issued + 0`: the account's own notices by the key, not the BitmapAnd
 * with the day's index the planner chose, which read every notice of the
 * day for each copy, 0.045 -> 0.009 ms a copy at 20,000 accounts)
 * 26 the unpaid periods as the notice lists them (notice_pdf.h) when $2 is
 * true (the PDFs are drawn: PDF_ARG), else NULL 27 case. */
/* The case and the account of the day's rows (alias t), each looked up by
 * its key (a subquery the planner keeps, OFFSET 0: a probe a row), not
 * joined by hashing every case and every account: reading the day's
 * notices, requests and events cost a scan of the whole account table
 * each, four a run (N-scaled, where the rows are the day's work).  The
 * sorts are in byte order (COLLATE "C": the order the branches' runs are
 * merged in with strcmp(), and under the cluster's C.UTF-8 the same order
 * without a strcoll() a comparison). */
#define KEYED_CASE(t)                                                                       \
	" CROSS JOIN LATERAL (SELECT c0.procedure, c0.reason FROM limit_case c0"            \
	"  WHERE c0.account_id = " t ".account_id AND c0.case_no = " t ".case_no OFFSET 0) c"
#define KEYED_ACCOUNT(t)                                                                    \
	" CROSS JOIN LATERAL (SELECT a0.name, a0.address, a0.postcode, a0.email, a0.phones,"  \
	"  a0.branch, a0.remote_metering FROM account a0"                                   \
	"  WHERE a0.account_id = " t ".account_id OFFSET 0) a"
/* "t" when the notices' PDFs are drawn (limit_out.c's pdfs: both set) */
#define PDF_ARG(env) ((env)->texts && (env)->sup ? "t" : "f")
#define NOTICE_SELECT                                                                       \
	"SELECT n.notice_id, n.account_id, c.procedure, n.step, n.issued, n.planned,"        \
	" CASE WHEN n.channel = 'authorities' THEN 'email' ELSE n.channel END,"             \
	" n.snap_as_of, n.stated_debt, n.periods, n.threshold, n.replaces,"                 \
	" a.name, a.address, a.postcode, a.email, array_to_string(a.phones, ','),"          \
	" array_to_string(r.authority_emails, ','), a.branch, n.channel,"                   \
	" coalesce(br.name, ''), coalesce(br.phone, ''),"                                   \
	" coalesce(rtrim(rtrim(r.tech_kw::text, '0'), '.'), ''),"                           \
	" coalesce(rtrim(rtrim(r.emergency_kw::text, '0'), '.'), ''), a.remote_metering,"   \
	" CASE WHEN n.channel = 'authorities' THEN coalesce((SELECT o.channel"              \
	"  FROM limit_notice o WHERE o.account_id = n.account_id"                           \
	"  AND o.case_no = n.case_no AND o.step = n.step AND o.issued + 0 = n.issued"       \
	"  AND o.channel <> 'authorities' LIMIT 1), n.channel) ELSE n.channel END,"         \
	" CASE WHEN $2::boolean THEN (SELECT string_agg(concat_ws(';', u.period, u.amount,"  \
	"  u.due, u.paid), E'\\n' ORDER BY u.period)"                                        \
	"  FROM notice_unpaid(n.account_id, n.snap_as_of) u) END, n.case_no"                \
	" FROM limit_notice n" KEYED_CASE("n") KEYED_ACCOUNT("n")                           \
	" LEFT JOIN reserve r ON r.account_id = n.account_id"                               \
	" LEFT JOIN branch br ON br.code = a.branch"

/* A notice's place in the packages' order: by branch and channel (bytes),
 * account, case, the id's length in characters and the id (bytes), what
 * ORDER BY a.branch COLLATE "C", n.channel COLLATE "C", n.account_id,
 * n.case_no, length(n.notice_id), n.notice_id COLLATE "C" gives (the id
 * is unique). */
struct notice_key {
	const char *branch, *channel, *id;
	long long account, case_no;
	long len;
	int row;
};

static int notice_key_cmp(const void *a, const void *b)
{
	const struct notice_key *x = a, *y = b;
	int c;

	if ((c = strcmp(x->branch, y->branch)) || (c = strcmp(x->channel, y->channel)))
		return c;
	if (x->account != y->account)
		return x->account < y->account ? -1 : 1;
	if (x->case_no != y->case_no)
		return x->case_no < y->case_no ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The rows of r (the day's notices, NOTICE_SELECT in any order) in the
 * packages' order (struct notice_key): their indices, malloc'd (the caller
 * frees), or NULL when out of memory.  Sorted by the server (ORDER BY the
 * branch, the channel, ...), nearly every comparison tied on the branch
 * and the channel and went into the rows themselves: of the server's CPU
 * for the day's 50,505 notices at N = 1,000,000, ~0.3 s. */
static int *notices_order(PGresult *r)
{
	int n = PQntuples(r);
	struct notice_key *k = malloc(sizeof(*k) * (size_t)(n ? n : 1));
	int *ord = k ? malloc(sizeof(*ord) * (size_t)(n ? n : 1)) : NULL;

	if (!ord) {
		free(k);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		k[i] = (struct notice_key){ .branch = PQgetvalue(r, i, 18),
					    .channel = PQgetvalue(r, i, 19),
					    .id = PQgetvalue(r, i, 0),
					    .account = strtoll(PQgetvalue(r, i, 1), NULL, 10),
					    .case_no = strtoll(PQgetvalue(r, i, 27), NULL, 10),
					    .row = i };
		for (const char *t = k[i].id; *t; t++)
			k[i].len += ((unsigned char)*t & 0xC0) != 0x80;
	}
	qsort(k, (size_t)n, sizeof(*k), notice_key_cmp);
	for (int i = 0; i < n; i++)
		ord[i] = k[i].row;
	free(k);
	return ord;
}

/* The requests: 0 id 1 account 2 action 3 date 4 level 5 procedure 6 case
 * 7 address 8 branch 9 name 10 basis 11 branch name 12 branch phone
 * 13 the notice it rests on 14 the meters 15 issued. */
#define REQUEST_SELECT                                                                      \
	"SELECT q.request_id, q.account_id, q.action, q.date,"                              \
	" rtrim(rtrim(q.level_kw::text, '0'), '.'), c.procedure, q.case_no, a.address,"     \
	" a.branch, a.name,"                                                                \
	" CASE WHEN q.action IN ('cancel', 'reconnect') THEN"                               \
	"  coalesce(nullif(c.reason, ''), 'оплата задолженности')"                          \
	" ELSE coalesce('уведомление № ' || b.notice_id || ' от '"                          \
	"  || to_char(b.issued, 'DD.MM.YYYY') || ', доставлено '"                           \
	"  || to_char(b.delivered, 'DD.MM.YYYY'), '') END,"                                 \
	" coalesce(br.name, ''), coalesce(br.phone, ''),"                                   \
	" CASE WHEN q.action IN ('cancel', 'reconnect') THEN '' ELSE b.notice_id END"       \
	" AS basis_notice,"                                                                 \
	" coalesce((SELECT string_agg(m.meter, ', ' ORDER BY m.meter) FROM meter m"         \
	"  WHERE m.account_id = q.account_id), ''), q.issued"                               \
	" FROM limit_request q" KEYED_CASE("q") KEYED_ACCOUNT("q")                          \
	" LEFT JOIN branch br ON br.code = a.branch"                                        \
	" LEFT JOIN LATERAL (SELECT n.notice_id, n.issued, n.delivered FROM limit_notice n" \
	"  WHERE n.account_id = q.account_id AND n.case_no = q.case_no AND NOT n.void"      \
	"  AND n.channel <> 'authorities' AND n.delivered IS NOT NULL"                      \
	"  AND n.delivered <= q.issued ORDER BY n.issued DESC, length(n.notice_id) DESC,"   \
	"  n.notice_id DESC LIMIT 1) b ON true"
#define REQUEST_ORDER " ORDER BY a.branch COLLATE \"C\", q.account_id, q.case_no," \
	" length(q.request_id), q.request_id COLLATE \"C\""

/* The digest of rows [from, to) of r (in ord[], when not NULL): every
 * column's length (-1: NULL) and bytes. */
static void rows_digest(PGresult *r, const int *ord, int from, int to, char *hex)
{
	int nf = PQnfields(r);
	struct sha256 s;

	sha256_init(&s);
	for (int j = from; j < to; j++)
		for (int c = 0, i = ord ? ord[j] : j; c < nf; c++) {
			int32_t len = PQgetisnull(r, i, c) ? -1 : PQgetlength(r, i, c);

			sha256_update(&s, &len, sizeof(len));
			if (len > 0)
				sha256_update(&s, PQgetvalue(r, i, c), (size_t)len);
		}
	sha256_hex(&s, hex);
}

static int mailed_add(struct limit_mailed *m, const char *branch, const char *kind,
		      PGresult *r, const int *ord, int from, int to, struct sbyt_err *e)
{
	struct limit_mailed_pkg *x;

	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 16;
		struct limit_mailed_pkg *t = realloc(m->v, sizeof(*t) * (size_t)cap);

		if (!t)
			return err_set(e, ERR_INTERNAL, "out of memory");
		m->v = t;
		m->cap = cap;
	}
	x = &m->v[m->n];
	x->branch = strdup(branch);
	x->kind = strdup(kind);
	if (!x->branch || !x->kind) {
		free(x->branch);
		free(x->kind);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	rows_digest(r, ord, from, to, x->digest);
	x->notices = to - from;
	m->n++;
	return 0;
}

/* Did limit_write_mail() write the package of branch and kind from these
 * very rows? */
static int mailed_same(const struct limit_mailed *m, const char *branch, const char *kind,
		       PGresult *r, const int *ord, int from, int to)
{
	char hex[SHA256_HEX];

	for (int i = 0; m && i < m->n; i++)
		if (!strcmp(m->v[i].branch, branch) && !strcmp(m->v[i].kind, kind)) {
			if (m->v[i].notices != to - from)
				return 0;
			rows_digest(r, ord, from, to, hex);
			return !strcmp(hex, m->v[i].digest);
		}
	return 0;
}

void limit_mailed_release(struct limit_mailed *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].branch);
		free(m->v[i].kind);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* The notice kinds sent when their package is written (limit_write_mail()). */
static int mail_kind(const char *kind)
{
	return !strcmp(kind, "email") || !strcmp(kind, "authorities");
}

int limit_write_mail(PGconn *db, const struct limit_env *env, const char *out_dir,
		     struct job *j, const char *rv, struct limit_mailed *mailed,
		     struct limit_out_counts *n, struct sbyt_err *e)
{
	char b[DATE_BUF], dir[4096];
	const char *p[2] = { date_format(env->day, b), PDF_ARG(env) };
	PGresult *nr;
	struct run *nrun = NULL;
	struct outrec o = { .j = j };
	int nn, rc = -1, *nord;

	memset(n, 0, sizeof(*n));
	nr = db_query(db, e, NOTICE_SELECT " WHERE n.issued = $1::date"
		      " AND n.channel IN ('email', 'authorities')", 2, p);
	if (!nr)
		return -1;
	nord = notices_order(nr);
	if (!nord) {
		PQclear(nr);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	nn = runs_of(nr, nord, 18, 19, &nrun);
	if (nn < 0) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (int i = 0; i < nn; i++) {
		const struct run *x = &nrun[i];

		snprintf(dir, sizeof(dir), "%s/limit/%s/%s", out_dir, b, x->branch);
		if (!mail_kind(x->kind))
			continue;
		if (write_notices(env, nr, nord, x->from, x->to, dir, x->branch, x->kind, b, &o, rv, n,
				  e) ||
		    (mailed && mailed_add(mailed, x->branch, x->kind, nr, nord, x->from, x->to, e)))
			goto out;
	}
	{
		struct outrec *const all[1] = { &o };

		if (outrec_publish(all, 1, e))
			goto out;
	}
	rc = outrec_flush(&o, e);
out:
	outrec_release(&o);
	free(nrun);
	free(nord);
	PQclear(nr);
	return rc;
}

/* The events of the day for the registers, by account, with their
 * branch (column 8), fetched REG_FETCH rows at a time: each row goes to its
 * branch's register, all of them open at once.  Sorted by branch first, the
 * server compared nearly every pair of rows past a first key they shared
 * (ten branches), in the rows themselves: the day's 111,817 events at
 * 1,000,000 accounts took 0.5-0.9 s to sort, against ~0.1 s by account. */
#define REG_FETCH "4096"
#define EVENT_SELECT                                                                        \
	"SELECT v.account_id, v.case_no, v.procedure, v.step, v.what, v.rule,"              \
	" v.inputs_ru, v.dates_ru, a.branch FROM limit_event v"                             \
	" CROSS JOIN LATERAL (SELECT a0.branch FROM account a0"                              \
	"  WHERE a0.account_id = v.account_id OFFSET 0) a"                                  \
	" WHERE v.day = $1::date ORDER BY v.account_id, v.n"

/* The registers open, one a branch (regs_find() opens them). */
struct regs {
	struct reg **g;
	char **branch;
	int n, cap, last;
};

/* The register of branch br, opened under out_dir/limit/day/br when it is
 * not yet; NULL with e set. */
static struct reg *regs_find(struct regs *rs, const struct limit_env *env, const char *out_dir,
			     const char *day, const char *br, struct sbyt_err *e)
{
	char dir[4096], probe[4200];
	struct reg *g;

	if (rs->n && !strcmp(rs->branch[rs->last], br))
		return rs->g[rs->last];
	for (int i = 0; i < rs->n; i++)
		if (!strcmp(rs->branch[i], br)) {
			rs->last = i;
			return rs->g[i];
		}
	if (rs->n == rs->cap) {
		int cap = rs->cap ? 2 * rs->cap : 16;
		struct reg **ng = realloc(rs->g, sizeof(*ng) * (size_t)cap);
		char **nb = ng ? realloc(rs->branch, sizeof(*nb) * (size_t)cap) : NULL;

		if (ng)
			rs->g = ng;
		if (nb)
			rs->branch = nb;
		if (!ng || !nb) {
			err_set(e, ERR_INTERNAL, "out of memory");
			return NULL;
		}
		rs->cap = cap;
	}
	g = calloc(1, sizeof(*g));
	rs->branch[rs->n] = strdup(br);
	if (!g || !rs->branch[rs->n]) {
		free(g);
		free(rs->branch[rs->n]);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	rs->g[rs->n] = g;
	rs->last = rs->n++;
	snprintf(dir, sizeof(dir), "%s/limit/%s/%s", out_dir, day, br);
	snprintf(probe, sizeof(probe), "%s/register.xlsx", dir);
	if (package_mkdirs(dir, e) < 0 || package_mkdirs(probe, e) < 0 || reg_open(env, g, dir, e))
		return NULL;
	return g;
}

static int branch_cmp(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Close every register of rs in branch order (ok: sealed and kept in o, as
 * reg_close()), then free rs.  0, or -1 with e set (the rest dropped). */
static int regs_close(struct regs *rs, int ok, struct outrec *o, struct limit_out_counts *n,
		      struct sbyt_err *e)
{
	char ***order = malloc(sizeof(*order) * (size_t)(rs->n ? rs->n : 1));
	int rc = 0;

	if (!order) {
		ok = 0;
		rc = err_set(e, ERR_INTERNAL, "out of memory");
	}
	for (int i = 0; order && i < rs->n; i++)
		order[i] = &rs->branch[i];
	if (order)
		qsort(order, (size_t)rs->n, sizeof(*order), branch_cmp);
	for (int i = 0; i < rs->n; i++) {
		struct reg *g = rs->g[order ? order[i] - rs->branch : i];

		if (reg_close(g, ok && rc == 0, o, n, rc ? NULL : e))
			rc = -1;
	}
	for (int i = 0; i < rs->n; i++) {
		free(rs->g[i]);
		free(rs->branch[i]);
	}
	free(rs->g);
	free(rs->branch);
	free(order);
	memset(rs, 0, sizeof(*rs));
	return rc;
}

/* The branches of runs x[0..nx-1] and y[0..ny-1] (each in branch order),
 * once each, in order, into out (room for nx + ny); returns how many. */
static int branches_of(const struct run *x, int nx, const struct run *y, int ny,
		       const char **out)
{
	int i = 0, k = 0, n = 0;

	while (i < nx || k < ny) {
		const char *b;
		int c = i >= nx ? 1 : k >= ny ? -1 : strcmp(x[i].branch, y[k].branch);

		b = c <= 0 ? x[i].branch : y[k].branch;
		if (!n || strcmp(out[n - 1], b))
			out[n++] = b;
		if (c <= 0)
			i++;
		else
			k++;
	}
	return n;
}

/* The notice and request packages of a day, written by a thread of their
 * own while the caller reads and writes the registers: no database (the
 * files written are kept in o for the caller to record), no state shared
 * but what is read only (the rules, the calendar, the results) - unless rd
 * is set: then the thread reads the day's notices and requests itself on
 * that connection of its own (packages_read()), while the caller's
 * connection sorts the day's events for the registers, the two queries on
 * the two cores at once. */
struct packages_job {
	const struct limit_env *env;
	PGconn *rd;
	const char *p[2];
	PGresult *nr, *rr;
	int *nord;                      /* nr's rows in the packages' order */
	struct run *nrun, *rrun;
	int nn, rn;
	const char **branch;
	int nb;
	const char *out_dir, *day, *rv;
	const struct limit_mailed *mailed;
	struct outrec o;
	struct limit_out_counts n;
	struct sbyt_err e;
	int rc;
};

/* The day's notices (but those inside payment documents) and requests into
 * x, on db, with their runs by branch and kind and the branches of both.
 * 0, or -1 with x->e set. */
static int packages_read(PGconn *db, struct packages_job *x)
{
	x->nr = db_query(db, &x->e, NOTICE_SELECT " WHERE n.issued = $1::date"
			 " AND n.channel <> 'payment_document'", 2, x->p);
	if (!x->nr)
		return -1;
	if (!(x->nord = notices_order(x->nr)))
		return err_set(&x->e, ERR_INTERNAL, "out of memory");
	x->rr = db_query(db, &x->e, REQUEST_SELECT " WHERE q.issued = $1::date" REQUEST_ORDER, 1,
			 x->p);
	if (!x->rr)
		return -1;
	x->nn = runs_of(x->nr, x->nord, 18, 19, &x->nrun);
	x->rn = runs_of(x->rr, NULL, 8, -1, &x->rrun);
	x->branch = malloc(sizeof(*x->branch) * (size_t)(x->nn + x->rn + 1));
	if (x->nn < 0 || x->rn < 0 || !x->branch)
		return err_set(&x->e, ERR_INTERNAL, "out of memory");
	x->nb = branches_of(x->nrun, x->nn, x->rrun, x->rn, x->branch);
	return 0;
}

static void *write_packages(void *arg)
{
	struct packages_job *x = arg;
	char dir[4096];

	x->rc = -1;
	if (x->rd && packages_read(x->rd, x))
		return NULL;
	for (int bi = 0; bi < x->nb; bi++) {
		const char *branch = x->branch[bi];
		const struct run *r;

		snprintf(dir, sizeof(dir), "%s/limit/%s/%s", x->out_dir, x->day, branch);
		for (size_t k = 0; k < sizeof(notice_kinds) / sizeof(notice_kinds[0]); k++) {
			r = run_find(x->nrun, x->nn, branch, notice_kinds[k]);
			/* an e-mail package written before the second pass, of
			 * the same rows: it stays (its e-mails are sent) */
			if (r && mail_kind(notice_kinds[k]) &&
			    mailed_same(x->mailed, branch, notice_kinds[k], x->nr, x->nord, r->from,
					r->to)) {
				x->n.packages++;
				x->n.notices += r->to - r->from;
				continue;
			}
			if (r && write_notices(x->env, x->nr, x->nord, r->from, r->to, dir, branch,
					       notice_kinds[k], x->day, &x->o, x->rv, &x->n, &x->e))
				return NULL;
		}
		r = run_find(x->rrun, x->rn, branch, NULL);
		if (r && write_requests(x->env, x->rr, r->from, r->to, dir, branch, x->day, &x->o,
					x->rv, &x->n, &x->e))
			return NULL;
	}
	x->rc = 0;
	return NULL;
}

/* A second connection for the packages' reads (limit_env.conninfo, with
 * the run's work_mem), or NULL: the caller reads them on its own. */
static PGconn *packages_conn(const struct limit_env *env)
{
	PGconn *rd;

	if (!env->twin)
		return NULL;
	rd = db_connect(env->conninfo, NULL);
	if (rd && db_exec(rd, NULL, "SET work_mem = '64MB'", 0, NULL)) {
		PQfinish(rd);
		rd = NULL;
	}
	log_verbose("limit: the packages read on %s", rd ? "a second connection"
							  : "the run's connection (no second one)");
	return rd;
}

int limit_write_day(PGconn *db, const struct limit_env *env, const char *out_dir,
		    struct job *j, const char *rv, const struct limit_mailed *mailed,
		    struct limit_out_counts *n, struct sbyt_err *e)
{
	sdate day = env->day;
	char b[DATE_BUF];
	const char *p[2] = { date_format(day, b), PDF_ARG(env) };
	PGresult *er = NULL;
	struct regs regs = { 0 };
	int in_tx = 0;
	struct packages_job x;
	struct outrec ro = { .j = j };     /* the registers */
	pthread_t th;
	int rc = -1, started = 0, set_up = 0;

	memset(n, 0, sizeof(*n));
	/* the notices and requests of each branch, in branch order, on a
	 * thread of their own while the registers are read and written here;
	 * read by the thread on a connection of its own when one can be made,
	 * else here first */
	x = (struct packages_job){ .env = env, .rd = packages_conn(env), .p = { p[0], p[1] },
				   .out_dir = out_dir, .day = b, .rv = rv, .mailed = mailed,
				   .o = { .j = j } };
	err_clear(&x.e);
	if (!x.rd && packages_read(db, &x)) {
		*e = x.e;
		goto out;
	}
	set_up = 1;
	if (pthread_create(&th, NULL, write_packages, &x) == 0)
		started = 1;
	else
		write_packages(&x);
	/* the events through a cursor, a few thousand rows at a time, each
	 * branch's register written as its rows come: memory for a chunk, not
	 * for the day's events (111,000 rows, ~60 MB at 1,000,000 accounts) */
	if (db_begin(db, e))
		goto out;
	in_tx = 1;
	if (db_exec(db, e, "DECLARE lim_events NO SCROLL CURSOR FOR " EVENT_SELECT, 1, p))
		goto out;
	for (;;) {
		int rows;

		er = db_query(db, e, "FETCH " REG_FETCH " FROM lim_events", 0, NULL);
		if (!er)
			goto out;
		rows = PQntuples(er);
		for (int i = 0; i < rows; i++) {
			struct reg *g = regs_find(&regs, env, out_dir, b, PQgetvalue(er, i, 8), e);

			if (!g || reg_row(env, g, er, i, e))
				goto out;
		}
		PQclear(er);
		er = NULL;
		if (rows == 0)
			break;
	}
	if (regs_close(&regs, 1, &ro, n, e))
		goto out;
	if (db_exec(db, e, "CLOSE lim_events", 0, NULL) || db_commit(db, e))
		goto out;
	in_tx = 0;
	rc = 0;
out:
	regs_close(&regs, 0, &ro, n, NULL);
	if (in_tx)
		db_rollback(db);
	if (started)
		pthread_join(th, NULL);
	if (set_up) {
		struct outrec *const all[2] = { &x.o, &ro };

		n->packages += x.n.packages;
		n->notices += x.n.notices;
		n->requests += x.n.requests;
		if (x.rc && !rc)
			*e = x.e;  /* the packages' failure, when the registers had none */
		if (x.rc)
			rc = -1;
		/* the packages and registers made durable and put in place at once */
		if (!rc && (outrec_publish(all, 2, e) || outrec_flush(&x.o, e) ||
			    outrec_flush(&ro, e)))
			rc = -1;
	}
	outrec_release(&x.o);
	outrec_release(&ro);
	if (x.rd)
		PQfinish(x.rd);
	free(x.branch);
	free(x.nrun);
	free(x.nord);
	free(x.rrun);
	PQclear(x.nr);
	PQclear(x.rr);
	PQclear(er);
	return rc;
}

/* Write one notice or request (one of n, q) to dir/ACCOUNT-ID.pdf through
 * a temporary file; the path goes to emit. */
static int render_one(struct notice_pdf *np, const char *dir, const struct notice_doc *n,
		      const struct request_doc *q, void (*emit)(const char *path, void *arg),
		      void *arg, struct sbyt_err *e)
{
	struct pdf *g = notice_pdf_file(np);
	char path[4096], tmp[4200];
	int rc;

	if (snprintf(path, sizeof(path), "%s/%s-%s.pdf", dir, n ? n->account : q->account,
		     n ? n->id : q->id) >= (int)sizeof(path))
		return err_set(e, ERR_CANTCREATE, "output path too long");
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid());
	if (package_mkdirs(path, e) || pdf_begin(g, tmp, n ? n->issued : q->issued, e))
		return -1;
	rc = n ? notice_pdf_notice(np, n, e) : notice_pdf_request(np, q, e);
	if (rc) {
		pdf_abort(g);
		return -1;
	}
	if (pdf_end(g, 1, e))
		return -1;
	if (rename(tmp, path) != 0) {
		err_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (package_fsync(path, e))
		return -1;
	emit(path, arg);
	return 0;
}

int limit_render_notice(PGconn *db, const struct limit_env *env, const char *id,
			const char *dir, void (*emit)(const char *path, void *arg), void *arg,
			struct sbyt_err *e)
{
	const char *p[2] = { id, "t" };
	PGresult *nr = NULL, *rr = NULL;
	struct notice_pdf *np = NULL;
	int rc = -1;

	nr = db_query(db, e, NOTICE_SELECT " WHERE n.notice_id = $1 AND n.channel <> 'payment_document'",
		      2, p);
	if (!nr)
		goto out;
	if (PQntuples(nr) != 1) {
		err_set(e, ERR_DATA, "no notice '%s' (a notice inside a payment document is reprinted "
			"with the document)", id);
		goto out;
	}
	rr = db_query(db, e, "SELECT * FROM (" REQUEST_SELECT ") x WHERE x.basis_notice = $1"
		      " ORDER BY x.case_no, length(x.request_id), x.request_id", 1, p);
	if (!rr || !(np = notice_pdf_new(env->texts, env->sup, e)))
		goto out;
	{
		struct notice_row n = { 0 };

		if (notice_compose(env, nr, 0, &n, e))
			goto out;
		rc = render_one(np, dir, &n.d, NULL, emit, arg, e);
		notice_row_release(&n);
		if (rc)
			goto out;
		rc = -1;
	}
	for (int i = 0; i < PQntuples(rr); i++) {
		struct request_doc q;
		char *text = NULL;
		int bad = request_compose(env, rr, i, &q, &text, e) ||
			  render_one(np, dir, NULL, &q, emit, arg, e);

		free(text);
		if (bad)
			goto out;
	}
	rc = 0;
out:
	notice_pdf_free(np);
	PQclear(nr);
	PQclear(rr);
	return rc;
}
