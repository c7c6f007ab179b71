/* docs_render.c - PDF rendering threads; see docs_render.h. */
#include "docs_render.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RING 32
#define MAX_THREADS 64

struct worker {
	struct docs_render *r;
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct docmodel ring[RING];
	int head, count, finish, quit, failed;
	struct sbyt_err err;
	struct docs_pdf *pdf;
	int64_t pages;
	double cpu;
};

struct docs_render {
	const struct docs_pdf_env *env;
	char path[4096];
	int per_document;
	sdate date;
	int n, next;
	struct worker w[MAX_THREADS];
};

/* Draw one document: into the open file, or a file of its own. */
static int draw(struct worker *w, const struct docmodel *d, struct sbyt_err *e)
{
	struct docs_render *r = w->r;
	char path[4200], period[PERIOD_BUF];

	if (!r->per_document)
		return docs_pdf_document(w->pdf, d, e);
	snprintf(path, sizeof(path), "%s/%s-%s.pdf", r->path, d->account,
		 period_format(d->period, period));
	if (docs_pdf_begin(w->pdf, path, r->date, e))
		return -1;
	if (docs_pdf_document(w->pdf, d, e)) {
		docs_pdf_abort(w->pdf);
		return -1;
	}
	w->pages += docs_pdf_pages(w->pdf);
	return docs_pdf_end(w->pdf, 0, e);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct timespec t0, t1;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct docmodel *d;
		struct sbyt_err err;
		int rc = 0;

		while (!w->count && !w->finish && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->quit || !w->count)
			break;
		d = &w->ring[w->head];
		pthread_mutex_unlock(&w->mu);
		if (!w->failed)
			rc = draw(w, d, &err);
		pthread_mutex_lock(&w->mu);
		if (rc && !w->failed) {
			w->failed = 1;
			w->err = err;
		}
		w->head = (w->head + 1) % RING;
		w->count--;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	w->cpu = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return NULL;
}

static void stop(struct docs_render *r, int quit)
{
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		if (quit)
			w->quit = 1;
		else
			w->finish = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->started = 0;
	}
}

static void release(struct docs_render *r)
{
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (w->pdf) {
			docs_pdf_abort(w->pdf);
			docs_pdf_free(w->pdf);
		}
		for (int k = 0; k < RING; k++)
			docmodel_release(&w->ring[k]);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	free(r);
}

struct docs_render *docs_render_start(const struct docs_pdf_env *env, const char *path,
				      int per_document, int threads, sdate date,
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
	r->per_document = per_document;
	r->date = date;
	r->n = per_document ? threads : 1;
	snprintf(r->path, sizeof(r->path), "%s", path);
	for (int i = 0; i < r->n; i++) {
		pthread_mutex_init(&r->w[i].mu, NULL);
		pthread_cond_init(&r->w[i].cv, NULL);
		r->w[i].r = r;
		for (int k = 0; k < RING; k++)
			docmodel_init(&r->w[i].ring[k]);
	}
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (!(w->pdf = docs_pdf_new(env, e)))
			goto fail;
		if (!per_document && docs_pdf_begin(w->pdf, path, date, e))
			goto fail;
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
	int rc = 0;

	r->next = (r->next + 1) % r->n;
	pthread_mutex_lock(&w->mu);
	while (w->count == RING && !w->failed)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->failed) {
		*e = w->err;
		rc = -1;
	} else {
		/* the slot past the ring's end is the stage's until counted in */
		struct docmodel *slot = &w->ring[(w->head + w->count) % RING];
		pthread_mutex_unlock(&w->mu);
		rc = docmodel_copy(slot, d, e);
		pthread_mutex_lock(&w->mu);
		if (rc == 0) {
			w->count++;
			pthread_cond_broadcast(&w->cv);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int docs_render_finish(struct docs_render *r, int64_t *pages, double *cpu_seconds,
		       struct sbyt_err *e)
{
	int rc = 0;

	stop(r, 0);
	*pages = 0;
	if (cpu_seconds)
		*cpu_seconds = 0;
	for (int i = 0; i < r->n; i++) {
		struct worker *w = &r->w[i];
		if (w->failed && rc == 0) {
			*e = w->err;
			rc = -1;
		}
		if (cpu_seconds)
			*cpu_seconds += w->cpu;
		if (!r->per_document && rc == 0) {
			w->pages = docs_pdf_pages(w->pdf);
			if (docs_pdf_end(w->pdf, 0, e))
				rc = -1;
		}
		*pages += w->pages;
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
