/* ingest_lanes.c - the files of one ingest, two at a time when neither can
 * change the other's decisions; see ingest_lanes.h. */
#include "ingest_lanes.h"

#include <pthread.h>
#include <string.h>

#include "db.h"
#include "ingest_detect.h"

enum { S_WAIT, S_RUN, S_DONE };            /* an item's state */
enum { K_PAY, K_READ, K_ALL };             /* what a file may touch */

struct lanes {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct ingest_opts *o;
	struct ingest_item *it;
	int n;
	int nlanes;                /* 2: files may run two at a time */
	int running;
	int stop;                  /* start no more files */
	size_t budget[3];          /* o->memory for a file of each kind */
};

struct lane {
	struct lanes *l;
	PGconn *db;
	pthread_t th;
	int started;
};

/* The kind of a file of channel ch: payments alone (a payment's duplicate
 * is its channel's), readings with or without payments, or anything. */
static int kind_of(enum ingest_channel ch)
{
	switch (ch) {
	case CH_QIWI:
	case CH_PAYMENTS:
		return K_PAY;
	case CH_SBERBANK:
	case CH_GAZPROMBANK:
	case CH_SMS:
	case CH_PORTAL:
		return K_READ;
	default:
		return K_ALL;
	}
}

/* 1 when a and b could change each other's decisions. */
static int conflict(const struct ingest_item *a, const struct ingest_item *b)
{
	return a->kind == K_ALL || b->kind == K_ALL || a->ch == b->ch ||
	       (a->kind == K_READ && b->kind == K_READ);
}

/* Open x (once) and tell its kind from its channel, forced or read from
 * its first bytes; a file that cannot be opened or told may touch
 * anything (its load says why). */
static void open_item(struct ingest_item *x)
{
	struct sbyt_err e;

	if (x->opened)
		return;
	if (infile_open(&x->in, x->path, &x->err)) {
		x->opened = -1;
		x->kind = K_ALL;
		return;
	}
	x->opened = 1;
	if (x->ch == CH_NONE)
		x->ch = ingest_detect(&x->in, &e);
	x->kind = kind_of(x->ch);
}

/* Under l->mu: the item to start now (no file before it that it could
 * touch is waiting or running; a file loaded again after a deadlock only
 * with nothing running, and nothing else starts while it waits), -1 when
 * none can start yet, -2 when none ever will.  Looks at most LANES_AHEAD
 * files past the first not finished, opening them. */
static int pick(struct lanes *l)
{
	int waiting = 0, first = -1;

	if (l->stop)
		return -2;
	for (int i = 0; i < l->n; i++)
		if (l->it[i].state == S_WAIT && l->it[i].retries)
			return l->running ? -1 : i;
	for (int i = 0; i < l->n; i++) {
		struct ingest_item *x = &l->it[i];
		int free_ = 1;

		if (x->state == S_DONE)
			continue;
		if (first < 0)
			first = i;
		if (i >= first + LANES_AHEAD)
			return -1;
		if (x->state != S_WAIT)
			continue;
		waiting = 1;
		open_item(x);
		for (int j = first; j < i && free_; j++)
			if (l->it[j].state != S_DONE && conflict(x, &l->it[j]))
				free_ = 0;
		if (free_)
			return i;
	}
	return waiting ? -1 : -2;
}

static void *lane_main(void *arg)
{
	struct lane *ln = arg;
	struct lanes *l = ln->l;

	pthread_mutex_lock(&l->mu);
	for (;;) {
		struct ingest_opts o;
		struct ingest_item *x;
		int i;

		while ((i = pick(l)) == -1)
			pthread_cond_wait(&l->cv, &l->mu);
		if (i < 0)
			break;
		x = &l->it[i];
		x->state = S_RUN;
		l->running++;
		o = *l->o;
		o.db = ln->db;
		o.on_reject = x->on_reject;
		o.arg = x->arg;
		o.memory = x->retries ? l->o->memory : l->budget[x->kind];
		o.no_progress = l->o->no_progress || l->nlanes > 1;  /* one line at a time */
		pthread_mutex_unlock(&l->mu);

		if (x->opened > 0) {
			err_clear(&x->err);
			x->rc = ingest_infile(&o, &x->in, x->ch, &x->res, &x->err);
		} else {
			x->rc = -1;   /* x->err: why it could not be opened */
		}

		pthread_mutex_lock(&l->mu);
		l->running--;
		if (x->rc && !strcmp(x->err.sqlstate, "40P01") && !x->retries) {
			/* the server's deadlock victim: nothing of it was kept;
			 * again, alone */
			x->retries = 1;
			x->state = S_WAIT;
		} else {
			x->state = S_DONE;
			if (x->opened > 0)
				infile_close(&x->in);
			x->opened = 0;
			if (x->rc && x->err.kind != ERR_DATA && x->err.kind != ERR_NOINPUT)
				l->stop = 1;
		}
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

int ingest_lanes(const struct ingest_opts *o, struct ingest_item *items, int n,
		 int (*done)(void *arg, struct ingest_item *it, struct sbyt_err *e), void *arg,
		 struct sbyt_err *e)
{
	struct lanes l = { .o = o, .it = items, .n = n };
	struct lane ln[2];
	int nlanes = 1, pay = 0, rc = 0;
	struct sbyt_err first;

	err_clear(&first);
	for (int i = 0; i < n; i++) {
		struct ingest_item *x = &items[i];

		x->kind = kind_of(x->ch);   /* told when opened (CH_NONE: K_ALL till then) */
		x->state = S_WAIT;
		x->opened = 0;
		x->retries = 0;
		x->rc = 0;
		memset(&x->res, 0, sizeof(x->res));
		err_clear(&x->err);
		pay |= x->ch == CH_NONE || x->kind == K_PAY;   /* may be one of payments alone */
	}
	/* two at once only when a file may be of payments alone (to pair);
	 * the memory for what the files kept shared then, as two may run */
	if (pay && n > 1) {
		nlanes = 2;
		l.budget[K_PAY] = o->memory / 3;
		l.budget[K_READ] = l.budget[K_ALL] = o->memory - o->memory / 3;
	} else {
		l.budget[K_PAY] = l.budget[K_READ] = l.budget[K_ALL] = o->memory;
	}
	l.nlanes = nlanes;
	memset(ln, 0, sizeof(ln));
	for (int k = 0; k < nlanes; k++) {
		ln[k].l = &l;
		if (!(ln[k].db = db_connect(o->conninfo, e))) {
			for (int j = 0; j < k; j++)
				PQfinish(ln[j].db);
			return -1;
		}
	}
	pthread_mutex_init(&l.mu, NULL);
	pthread_cond_init(&l.cv, NULL);
	for (int k = 0; k < nlanes; k++)
		ln[k].started = pthread_create(&ln[k].th, NULL, lane_main, &ln[k]) == 0;
	if (!ln[0].started) {
		/* lane 0 has no thread: this one runs it (beside lane 1 when that
		 * one started; the files one after another when neither did) */
		lane_main(&ln[0]);
	}

	/* each file reported in order, once it and those before are done */
	pthread_mutex_lock(&l.mu);
	for (int i = 0; i < n; i++) {
		struct ingest_item *x = &items[i];
		struct sbyt_err de;

		while (x->state == S_RUN || (x->state == S_WAIT && !l.stop))
			pthread_cond_wait(&l.cv, &l.mu);
		if (x->state != S_DONE)
			continue;      /* stopped before it started */
		pthread_mutex_unlock(&l.mu);
		err_clear(&de);
		if (done(arg, x, &de)) {
			if (!rc)
				first = de;
			rc = -1;
			pthread_mutex_lock(&l.mu);
			l.stop = 1;
			pthread_cond_broadcast(&l.cv);
			continue;
		}
		pthread_mutex_lock(&l.mu);
	}
	l.stop = 1;
	pthread_cond_broadcast(&l.cv);
	pthread_mutex_unlock(&l.mu);
	for (int k = 0; k < nlanes; k++) {
		if (ln[k].started)
			pthread_join(ln[k].th, NULL);
		PQfinish(ln[k].db);
	}
	for (int i = 0; i < n; i++)
		if (items[i].opened > 0) {   /* opened, never loaded (stopped) */
			infile_close(&items[i].in);
			items[i].opened = 0;
		}
	pthread_mutex_destroy(&l.mu);
	pthread_cond_destroy(&l.cv);
	if (rc)
		*e = first;
	return rc;
}
