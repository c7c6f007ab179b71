/* docs_cursor.c - the documents' cursors and their prefetch thread; see
 * docs_cursor.h. */
#include "docs_cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define FETCH_ROWS "2000"

static void *prefetch_main(void *arg)
{
	struct docs_prefetch *pf = arg;
	char sql[64];

	pthread_mutex_lock(&pf->mu);
	for (;;) {
		struct docs_cursor *c;
		struct sbyt_err err;
		PGresult *res;

		while (!pf->count && !pf->quit)
			pthread_cond_wait(&pf->cv, &pf->mu);
		if (pf->quit)
			break;
		c = pf->queue[pf->head];
		pf->head = (pf->head + 1) % 8;
		pf->count--;
		pthread_mutex_unlock(&pf->mu);
		memset(&err, 0, sizeof(err));
		snprintf(sql, sizeof(sql), "FETCH " FETCH_ROWS " FROM %s", c->name);
		res = db_query(pf->db, &err, sql, 0, NULL);
		pthread_mutex_lock(&pf->mu);
		c->next = res;
		c->next_err = err;
		c->next_state = 2;
		pthread_cond_broadcast(&pf->cv);
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}

/* Ask for c's next batch (the lock held). */
static void prefetch_ask(struct docs_prefetch *pf, struct docs_cursor *c)
{
	pf->queue[(pf->head + pf->count) % 8] = c;
	pf->count++;
	c->next_state = 1;
	pthread_cond_broadcast(&pf->cv);
}

int docs_prefetch_start(struct docs_prefetch *pf, PGconn *db, struct docs_cursor **curs, int ncurs,
			  struct sbyt_err *e)
{
	memset(pf, 0, sizeof(*pf));
	pf->db = db;
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	if (pthread_create(&pf->th, NULL, prefetch_main, pf) != 0) {
		pthread_mutex_destroy(&pf->mu);
		pthread_cond_destroy(&pf->cv);
		return err_set(e, ERR_INTERNAL, "cannot start the reader thread");
	}
	pthread_mutex_lock(&pf->mu);
	for (int i = 0; i < ncurs; i++) {
		curs[i]->pf = pf;
		if (!curs[i]->done)
			prefetch_ask(pf, curs[i]);
	}
	pthread_mutex_unlock(&pf->mu);
	return 0;
}

/* Stop the thread (after the fetch it is running) and drop what it read. */
void docs_prefetch_stop(struct docs_prefetch *pf, struct docs_cursor **curs, int ncurs)
{
	pthread_mutex_lock(&pf->mu);
	pf->quit = 1;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->th, NULL);
	pthread_mutex_destroy(&pf->mu);
	pthread_cond_destroy(&pf->cv);
	for (int i = 0; i < ncurs; i++) {
		PQclear(curs[i]->next);
		curs[i]->next = NULL;
		curs[i]->next_state = 0;
		curs[i]->pf = NULL;
	}
}

/* The row's column 0, parsed once per row (the loops over a document's
 * rows ask for it several times a row). */
static void read_seq(struct docs_cursor *c)
{
	c->seq = c->done ? INT64_MAX : strtoll(PQgetvalue(c->res, c->row, 0), NULL, 10);
}

int docs_cursor_fetch(struct docs_cursor *c, struct sbyt_err *e)
{
	char sql[64];

	PQclear(c->res);
	c->res = NULL;
	if (c->pf) {
		struct docs_prefetch *pf = c->pf;
		pthread_mutex_lock(&pf->mu);
		while (c->next_state == 1)
			pthread_cond_wait(&pf->cv, &pf->mu);
		c->res = c->next;
		c->next = NULL;
		c->next_state = 0;
		if (c->res && PQntuples(c->res) > 0)
			prefetch_ask(pf, c);
		pthread_mutex_unlock(&pf->mu);
		if (!c->res) {
			*e = c->next_err;
			c->done = 1;
			return -1;
		}
	} else {
		snprintf(sql, sizeof(sql), "FETCH " FETCH_ROWS " FROM %s", c->name);
		c->res = db_query(c->db, e, sql, 0, NULL);
	}
	if (!c->res)
		return -1;
	c->n = PQntuples(c->res);
	c->row = 0;
	c->done = c->n == 0;
	read_seq(c);
	return 0;
}

int docs_cursor_open(struct docs_cursor *c, PGconn *db, const char *name, const char *query, int np,
		    const char *const *params, struct sbyt_err *e)
{
	char sql[4096];

	memset(c, 0, sizeof(*c));
	c->db = db;
	c->name = name;
	snprintf(sql, sizeof(sql), "DECLARE %s NO SCROLL CURSOR FOR %s", name, query);
	if (db_exec(db, e, sql, np, params))
		return -1;
	c->declared = 1;
	return docs_cursor_fetch(c, e);
}

void docs_cursor_close(struct docs_cursor *c)
{
	PQclear(c->res);
	c->res = NULL;
	c->done = 1;
	c->seq = INT64_MAX;
}

int64_t docs_cursor_seq(const struct docs_cursor *c)
{
	return c->done ? INT64_MAX : c->seq;
}

const char *docs_cursor_val(const struct docs_cursor *c, int col)
{
	return PQgetisnull(c->res, c->row, col) ? NULL : PQgetvalue(c->res, c->row, col);
}

int docs_cursor_next(struct docs_cursor *c, struct sbyt_err *e)
{
	if (c->done)
		return 0;
	if (++c->row >= c->n)
		return docs_cursor_fetch(c, e);
	read_seq(c);
	return 0;
}

