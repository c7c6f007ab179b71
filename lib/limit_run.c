/* limit_run.c - one limitation day as a job stage; see limit_run.h. */
#include "limit_run.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "limit_out.h"

/* Accounts loaded and advanced at a time: memory stays bounded whatever the
 * number of accounts (a struct limit_account is ~40 KB with its events).
 * Two halves: the next batch is loaded and advanced while the server
 * writes the events of the one before.  Halves of 2,048, not 512: each
 * half costs seven look-ups and six COPYs, and the make bench day (50,000
 * accounts of 1,000,000) took 4.92 s against 5.16 on average over ten
 * alternated pairs (its cases 2.4-2.7 s against 2.6-3.1), the peak RSS
 * 145 MB against 78. */
#define LIMIT_BATCH 4096
#define LIMIT_HALF (LIMIT_BATCH / 2)

/* The day's packages are written, whole (complete) or only the e-mailed
 * ones: record it (its own statement, after the day's transaction), with
 * the business day of the run that first wrote them (the e-mails' sending
 * day, kept by a later write). */
static int mark_written(PGconn *db, sdate day, sdate on, int64_t packages, int complete,
			struct sbyt_err *e)
{
	char b1[DATE_BUF], b2[DATE_BUF], pk[24];
	const char *p[4] = { date_format(day, b1), date_format(on, b2), pk, complete ? "t" : "f" };

	snprintf(pk, sizeof(pk), "%lld", (long long)packages);
	return db_exec(db, e, "INSERT INTO limit_day_written (day, written_on, packages, complete)"
		       " VALUES ($1::date, $2::date, $3::int, $4::boolean) ON CONFLICT (day) DO UPDATE"
		       " SET packages = EXCLUDED.packages, complete = EXCLUDED.complete,"
		       " written_at = now()", 4, p);
}

/* Write the packages of the recent days before env->day whose work is
 * committed but whose packages were never written whole (a run killed
 * between its commit and its packages).  Returns the number of days, or -1. */
static int64_t catch_up(PGconn *db, const struct limit_env *env, const char *out_dir,
			struct job *j, const char *rv, struct limit_run_counts *k,
			struct sbyt_err *e)
{
	char b[DATE_BUF];
	const char *p[1] = { date_format(env->day, b) };
	/* the days with events in the last 60, found by walking limit_event's
	 * day index from one day to the next (a min() a day: an index probe
	 * whatever the plan), not by reading every event of 60 days as before */
	PGresult *r = db_query(db, e,
			       "WITH RECURSIVE t (d) AS (SELECT min(day) FROM limit_event"
			       " WHERE day >= $1::date - 60 AND day < $1::date"
			       " UNION ALL SELECT (SELECT min(v.day) FROM limit_event v"
			       " WHERE v.day > t.d AND v.day < $1::date) FROM t WHERE t.d IS NOT NULL)"
			       " SELECT t.d FROM t WHERE t.d IS NOT NULL AND NOT EXISTS (SELECT 1"
			       " FROM limit_day_written w WHERE w.day = t.d AND w.complete)"
			       " ORDER BY 1", 1, p);
	int64_t n = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct limit_env day = *env;
		struct limit_out_counts oc;

		if (date_parse(PQgetvalue(r, i, 0), -1, &day.day) ||
		    limit_write_day(db, &day, out_dir, j, rv, NULL, &oc, e) ||
		    mark_written(db, day.day, env->day, oc.packages, 1, e)) {
			PQclear(r);
			return -1;
		}
		k->packages += oc.packages;
		n++;
	}
	PQclear(r);
	return n;
}

/* The accounts left waiting today, named once each in rej: the first pass
 * sees them in account order (ids ascending, kept to look up); the second
 * (e-mails sent) names only those the first did not. */
struct waiting {
	struct acctrej *rej;
	int64_t *id;
	size_t n, cap;
};

static int waiting_seen(const struct waiting *w, int64_t id)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->id[mid] == id)
			return 1;
		if (w->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Name account a (waiting for a calendar year) once today; 0, or -1 with e
 * set when out of memory. */
static int waiting_add(struct waiting *w, int first_pass, const struct limit_account *a,
		       struct limit_run_counts *k, struct sbyt_err *e)
{
	char id[24];

	if (first_pass) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 1024;
			int64_t *v = realloc(w->id, cap * sizeof(*v));
			if (!v)
				return err_set(e, ERR_INTERNAL, "out of memory");
			w->id = v;
			w->cap = cap;
		}
		w->id[w->n++] = a->id;
	} else if (waiting_seen(w, a->id)) {
		return 0;
	}
	k->refused++;
	snprintf(id, sizeof(id), "%" PRId64, a->id);
	if (w->rej)
		acctrej_add(w->rej, id, a->cal_msg);
	return 0;
}

/* A half advanced on a thread of its own while the connection loads the
 * next half and stores the one before (limit_advance() reads the rules and
 * the calendar only, and writes its own accounts): the client's reckoning
 * and the server's reads and writes at once, on the two cores.  failed:
 * the index of the account that failed (e set), or -1. */
struct advance_job {
	const struct limit_env *env;
	struct limit_account *acc;
	int n, failed;
	pthread_t th;
	int started;
	struct sbyt_err e;
};

static void *advance_half(void *arg)
{
	struct advance_job *x = arg;

	x->failed = -1;
	for (int i = 0; i < x->n; i++)
		if (limit_advance(x->env, &x->acc[i], &x->e)) {
			x->failed = i;
			break;
		}
	return NULL;
}

/* Start advancing acc[0..n-1] (on the caller's thread when no thread can
 * be made: done on return). */
static void advance_start(struct advance_job *x, const struct limit_env *env,
			  struct limit_account *acc, int n)
{
	*x = (struct advance_job){ .env = env, .acc = acc, .n = n, .failed = -1 };
	err_clear(&x->e);
	if (pthread_create(&x->th, NULL, advance_half, x) == 0)
		x->started = 1;
	else
		advance_half(x);
}

/* Wait for the half started; 0, or -1 with e set as limit_advance() set it. */
static int advance_wait(struct advance_job *x, struct sbyt_err *e)
{
	if (x->started)
		pthread_join(x->th, NULL);
	x->started = 0;
	if (x->failed >= 0) {
		if (e)
			*e = x->e;
		return -1;
	}
	return 0;
}

/* One pass over the day in one transaction: deliveries, then (on a
 * working day) the accounts selected by `sel` (0: all, or
 * LIMIT_SELECT_MAILED).  Returns the deliveries recorded, or -1. */
static int64_t pass(PGconn *db, const struct limit_env *env, int64_t sel,
		    struct limit_account *const half[2], struct waiting *w,
		    struct limit_run_counts *k, struct sbyt_err *e)
{
	struct limit_account *acc = half[0];
	struct advance_job adv = { .started = 0, .failed = -1 };
	const struct limit_channel *ch = limit_channel_find(env->rules, "payment_document");
	int64_t after = 0, deliveries, accounts = 0;
	double t0 = log_now(), t1;
	int n = 0, m, pending = 0, prepared = 0;

	/* The tables are in shared buffers (tools/pg.sh): an index probe costs
	 * about a page read in sequence.  At the default 4.0 the day's
	 * candidates (5 % of the accounts, and a handful in the second pass)
	 * were joined to account by hashing the whole table: 22 ms of 20,000
	 * accounts a pass against 8 ms of probes, and growing with every
	 * account, not with the day's work. */
	if (db_begin(db, e) || db_exec(db, e, "SET LOCAL random_page_cost = 1.1", 0, NULL)) {
		db_rollback(db);
		return -1;
	}
	deliveries = limit_record_deliveries(db, env->day, ch ? ch->days : 0, e);
	if (deliveries < 0)
		goto fail;
	t1 = log_now();
	k->t_deliveries += t1 - t0;
	if (k->working && (sel == 0 || deliveries > 0)) {
		struct progress pg;

		accounts = limit_select(db, env->rules, env->day, sel, e);
		/* the batches' statements parsed and planned once, not a batch
		 * (about 0.3 s of the server's CPU at 1,000,000 accounts) */
		if (accounts < 0)
			goto fail;
		prepared = 1;   /* dropped on the way out, whatever was made */
		if (limit_load_prepare(db, e))
			goto fail;
		t0 = log_now();
		k->t_select += t0 - t1;
		/* accounts advanced, rate, ETA: on a terminal only (log.h) */
		progress_start_unit(&pg, sel ? "limit: e-mailed today" : "limit", "accounts", accounts);
		/* while a half is advanced on its thread, the connection ends
		 * the store of the half before (its events written by the server
		 * while the client went on) and loads the next into its place;
		 * then the advanced half is stored as the next is advanced */
		n = limit_load(db, env->day, &after, acc, LIMIT_HALF, 0, 1, e);
		if (n > 0)
			advance_start(&adv, env, acc, n);
		while (n > 0) {
			struct limit_account *next = acc == half[0] ? half[1] : half[0];
			int bad = 0;

			if (pending && db_drain(db, e))
				bad = 1;
			pending = 0;
			m = bad ? -1 : limit_load(db, env->day, &after, next, LIMIT_HALF, 0, 1, e);
			if (advance_wait(&adv, bad || m < 0 ? NULL : e) || bad || m < 0) {
				progress_end(&pg);
				goto fail;
			}
			for (int i = 0; i < n; i++) {
				k->notices += acc[i].new_notices;
				k->requests += acc[i].new_requests;
				k->cancelled += acc[i].new_cancelled;
				if (acc[i].cal_pending && !k->pending++)
					snprintf(k->pending_msg, sizeof(k->pending_msg), "%s",
						 acc[i].cal_msg);
				if (acc[i].cal_pending && waiting_add(w, sel == 0, &acc[i], k, e)) {
					progress_end(&pg);
					goto fail;
				}
			}
			if (m > 0)
				advance_start(&adv, env, next, m);
			if (limit_store_send(db, env, acc, (size_t)n, e)) {
				progress_end(&pg);
				goto fail;
			}
			pending = 1;
			progress_add(&pg, n);
			acc = next;
			n = m;
		}
		progress_end(&pg);
		if (pending && db_drain(db, e)) {
			pending = 0;
			goto fail;
		}
		pending = 0;
		if (n < 0)
			goto fail;
		k->t_cases += log_now() - t0;
	}
	if (db_commit(db, e)) {
		if (prepared)
			limit_load_unprepare(db);
		return -1;
	}
	if (prepared)
		limit_load_unprepare(db);
	k->deliveries += deliveries;
	if (sel == 0)
		k->accounts = accounts;
	return deliveries;
fail:
	advance_wait(&adv, NULL);
	if (pending)
		db_drain(db, NULL);
	db_rollback(db);
	if (prepared)
		limit_load_unprepare(db);
	return -1;
}

int limit_run_day(PGconn *db, const struct limit_env *env, const char *out_dir, struct job *j,
		  const char *rules_version, struct acctrej *rej, struct limit_run_counts *k,
		  struct sbyt_err *e)
{
	struct limit_account *acc, *half[2];
	struct limit_out_counts oc;
	struct limit_mailed mailed = { 0 };
	struct waiting w = { .rej = rej };
	double t0;
	int working;

	memset(k, 0, sizeof(*k));
	if (limit_check_day(db, env->day, e))
		return -1;
	working = calendar_is_working(env->cal, env->day, e);
	if (working < 0)
		return -1;
	k->working = working;
	acc = calloc(LIMIT_BATCH, sizeof(*acc));
	if (!acc)
		return err_set(e, ERR_INTERNAL, "out of memory");
	half[0] = acc;
	half[1] = acc + LIMIT_HALF;
	/* the day's sorts in memory (the events of a day at 1,000,000 accounts,
	 * 110,000 rows, spilled to disk past the default 4 MB, as did the
	 * notices'), as the bill and the documents run theirs; reset on return */
	if (db_exec(db, e, "SET work_mem = '64MB'", 0, NULL))
		goto fail;
	/* the packages of earlier days a killed run left unwritten */
	k->caught_up = catch_up(db, env, out_dir, j, rules_version, k, e);
	if (k->caught_up < 0 || pass(db, env, 0, half, &w, k, e) < 0)
		goto fail;
	/* the e-mails are sent when their packages are written: those first;
	 * the accounts they start a clock for go on today (a second pass),
	 * then the day's packages are written whole, once */
	t0 = log_now();
	if (limit_write_mail(db, env, out_dir, j, rules_version, &mailed, &oc, e) ||
	    mark_written(db, env->day, env->day, oc.packages, 0, e))
		goto fail;
	k->t_packages += log_now() - t0;
	if (pass(db, env, LIMIT_SELECT_MAILED, half, &w, k, e) < 0)
		goto fail;
	/* the accounts' arrays freed before the packages' rows are read: the
	 * peak memory is the larger of the two, not their sum */
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	t0 = log_now();
	if (limit_write_day(db, env, out_dir, j, rules_version, &mailed, &oc, e) ||
	    mark_written(db, env->day, env->day, oc.packages, 1, e))
		goto fail;
	k->t_packages += log_now() - t0;
	k->packages += oc.packages;
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	free(w.id);
	limit_mailed_release(&mailed);
	return db_exec(db, e, "RESET work_mem", 0, NULL) ? -1 : 0;
fail:
	db_exec(db, NULL, "RESET work_mem", 0, NULL);
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	free(w.id);
	limit_mailed_release(&mailed);
	return -1;
}
