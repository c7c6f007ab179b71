/* docs_render.c - PDF rendering threads; see docs_render.h. */
#include "docs_render.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING 32
#define MAX_THREADS 64

struct slot {
	struct docmodel d;
	struct pdf_pages pages;  /* one file: the recorded pages */
	int state;                    /* 0 free, 1 queued, 2 drawn */
};

struct worker {
	struct docs_render *r;
	pthread_t th;
	int started;
	struct slot ring[RING];
	int head, count, next;   /* ring: oldest, how many in use, next to draw */
	struct docs_pdf *pdf;
	int64_t pages;
	double cpu;
	/* a file per document: the files one after another in a spool */
	FILE *spool;
	char spool_path[4200];
	int64_t spool_off;
	char name[64];                /* the last file drawn */
	char sha[SHA256_HEX];
	int64_t bytes;
};

/* One lock for the pool: the work per document is long, the hand-overs
 * short. */
struct docs_render {
	const struct docs_pdf_env *env;
	char path[4096];
	int per_document;
	struct package *pkg;     /* a file per document: their package */
	sdate date;
	int n, next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finish, quit, failed;
	struct sbyt_err err;
	int64_t put;             /* documents handed over */
	/* one file: the writer thread puts the recorded pages in order */
	pthread_t wth;
	int wstarted;
	struct docs_pdf *out;
	double wcpu;
	struct worker w[MAX_THREADS];
};

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Record (one file) or write (a file per document, into the worker's
 * spool: w->name, w->sha, w->bytes) slot s. */
static int draw(struct worker *w, struct slot *s, struct sbyt_err *e)
{
	struct docs_render *r = w->r;
	struct pdf *f = docs_pdf_file(w->pdf);
	char period[PERIOD_BUF];

	if (!r->per_document)
		return docs_pdf_record(w->pdf, &s->d, &s->pages, e);
	if (snprintf(w->name, sizeof(w->name), "%s-%s.pdf", s->d.account,
		     period_format(s->d.period, period)) >= (int)sizeof(w->name))
		return err_set(e, ERR_INTERNAL, "file name too long: '%s'", w->name);
	if (pdf_begin_stream(f, w->spool, w->name, r->date, e))
		return -1;
	if (docs_pdf_document(w->pdf, &s->d, e)) {
		pdf_abort(f);
		return -1;
	}
	w->pages += pdf_pages(f);
	if (pdf_end(f, 0, e))
		return -1;
	w->bytes = pdf_written(f, w->sha);
	return 0;
}

static void fail(struct docs_render *r, const struct sbyt_err *e)
{
	if (!r->failed) {
		r->failed = 1;
		r->err = *e;
	}
	pthread_cond_broadcast(&r->cv);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct docs_render *r = w->r;
	double t0 = cpu_now();

	pthread_mutex_lock(&r->mu);
	for (;;) {
		struct slot *s;
		struct sbyt_err err;
		int rc = 0;

		while (!r->quit && !r->failed && !(w->count > 0 && w->ring[w->next].state == 1) &&
		       !r->finish)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->quit || r->failed)
			break;
		if (!(w->count > 0 && w->ring[w->next].state == 1))
			break;  /* finished and nothing left */
		s = &w->ring[w->next];
		pthread_mutex_unlock(&r->mu);
		rc = draw(w, s, &err);
		pthread_mutex_lock(&r->mu);
		if (rc == 0 && r->per_document) {
			rc = package_folder_part(r->pkg, w->name, (int)(w - r->w), w->spool_off,
						 w->bytes, w->sha, &err);
			w->spool_off += w->bytes;
		}
		if (rc) {
			fail(r, &err);
			break;
		}
		w->next = (w->next + 1) % RING;
		if (r->per_document) {
			s->state = 0;
			w->head = (w->head + 1) % RING;
			w->count--;
		} else {
			s->state = 2;
		}
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	w->cpu = cpu_now() - t0;
	return NULL;
}

/* One file: put the documents' pages in the order they were handed over
 * (document k was dealt to worker k % n). */
static void *writer_main(void *arg)
{
	struct docs_render *r = arg;
	double t0 = cpu_now();

	pthread_mutex_lock(&r->mu);
	for (int64_t k = 0;; k++) {
		struct worker *w = &r->w[k % r->n];
		struct slot *s;
		struct sbyt_err err;
		int rc;

		while (!r->quit && !r->failed && k >= r->put && !r->finish)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->quit || r->failed || k >= r->put)
			break;
		while (!r->quit && !r->failed && w->ring[w->head].state != 2)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->quit || r->failed)
			break;
		s = &w->ring[w->head];
		pthread_mutex_unlock(&r->mu);
		rc = pdf_put(docs_pdf_file(r->out), &s->pages, &err);
		pthread_mutex_lock(&r->mu);
		if (rc) {
			fail(r, &err);
			break;
		}
		s->state = 0;
		w->head = (w->head + 1) % RING;
		w->count--;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	r->wcpu = cpu_now() - t0;
	return NULL;
}

static void stop(struct docs_render *r, int quit)
{
	pthread_mutex_lock(&r->mu);
	if (quit)
		r->quit = 1;
	r->finish = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	for (int i = 0; i < r->n; i++)
		if (r->w[i].started) {
			pthread_join(r->w[i].th, NULL);
			r->w[i].started = 0;
		}
	if (r->wstarted) {
		pthread_join(r->wth, NULL);
		r->wstarted = 0;
	}
}

static void release(struct docs_render *r)
{
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (w->pdf) {
			docs_pdf_free(w->pdf);
		}
		if (w->spool)
			fclose(w->spool);  /* the file goes with the package's parts */
		for (int k = 0; k < RING; k++) {
			docmodel_release(&w->ring[k].d);
			pdf_pages_release(&w->ring[k].pages);
		}
	}
	if (r->out) {
		docs_pdf_free(r->out);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

struct docs_render *docs_render_start(const struct docs_pdf_env *env, const char *path,
				      struct package *pkg, int threads, sdate date,
				      struct sbyt_err *e)
{
	struct docs_render *r = calloc(1, sizeof(*r));

	if (!r) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	if (threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (int)n : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	r->env = env;
	r->per_document = pkg != NULL;
	r->pkg = pkg;
	r->date = date;
	r->n = threads;
	snprintf(r->path, sizeof(r->path), "%s", path ? path : "");
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	for (int i = 0; i < r->n; i++) {
		r->w[i].r = r;
		for (int k = 0; k < RING; k++)
			docmodel_init(&r->w[i].ring[k].d);
	}
	if (!r->per_document) {
		if (!(r->out = docs_pdf_new(env, e)) || pdf_begin(docs_pdf_file(r->out), path, date, e))
			goto fail;
		if (pthread_create(&r->wth, NULL, writer_main, r) != 0) {
			err_set(e, ERR_INTERNAL, "cannot start a rendering thread");
			goto fail;
		}
		r->wstarted = 1;
	}
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (!(w->pdf = docs_pdf_new(env, e)))
			goto fail;
		if (r->per_document) {
			/* a large buffer: the files are written in few system calls */
			if (!package_spool_n(pkg, i, w->spool_path, sizeof(w->spool_path), e))
				goto fail;
			if (!(w->spool = fopen(w->spool_path, "we"))) {
				err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", w->spool_path,
					strerror(errno));
				goto fail;
			}
			setvbuf(w->spool, NULL, _IOFBF, 1 << 18);
		}
		if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
			err_set(e, ERR_INTERNAL, "cannot start a rendering thread");
			goto fail;
		}
		w->started = 1;
	}
	return r;
fail:
	stop(r, 1);
	release(r);
	return NULL;
}

int docs_render_put(struct docs_render *r, const struct docmodel *d, struct sbyt_err *e)
{
	struct worker *w = &r->w[r->next];
	struct slot *s;
	int rc;

	pthread_mutex_lock(&r->mu);
	while (w->count == RING && !r->failed)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->failed) {
		*e = r->err;
		pthread_mutex_unlock(&r->mu);
		return -1;
	}
	/* the slot past the ring's end is ours until it is counted in */
	s = &w->ring[(w->head + w->count) % RING];
	pthread_mutex_unlock(&r->mu);
	rc = docmodel_copy(&s->d, d, e);
	if (rc)
		return -1;
	pthread_mutex_lock(&r->mu);
	s->state = 1;
	w->count++;
	r->put++;
	r->next = (r->next + 1) % r->n;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

int docs_render_finish(struct docs_render *r, int64_t *pages, double *cpu_seconds,
		       struct sbyt_err *e)
{
	int rc = 0;

	stop(r, 0);
	*pages = 0;
	if (r->failed) {
		*e = r->err;
		rc = -1;
	}
	if (cpu_seconds)
		*cpu_seconds = r->wcpu;
	for (int i = 0; i < r->n; i++) {
		if (cpu_seconds)
			*cpu_seconds += r->w[i].cpu;
		*pages += r->w[i].pages;
	}
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (!w->spool)
			continue;
		if (fclose(w->spool) != 0 && rc == 0)
			rc = err_set(e, ERR_IO, "cannot write '%s': %s", w->spool_path,
				     strerror(errno));
		w->spool = NULL;
	}
	if (r->out && rc == 0) {
		*pages = pdf_pages(docs_pdf_file(r->out));
		if (pdf_end(docs_pdf_file(r->out), 0, e))
			rc = -1;
	}
	release(r);
	return rc;
}

void docs_render_abort(struct docs_render *r)
{
	if (!r)
		return;
	stop(r, 1);
	release(r);
}
