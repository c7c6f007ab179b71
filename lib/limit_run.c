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
 * 145 MB against 78.  With the accounts in two parts (struct part), each
 * part's halves are half as large: the same memory. */
#define LIMIT_BATCH 4096
#define LIMIT_PARTS 2

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

/* Name account id (waiting for a calendar year: msg) once today; 0, or -1
 * with e set when out of memory. */
static int waiting_add(struct waiting *w, int first_pass, int64_t id, const char *msg,
		       struct limit_run_counts *k, struct sbyt_err *e)
{
	char ids[24];

	if (first_pass) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 1024;
			int64_t *v = realloc(w->id, cap * sizeof(*v));
			if (!v)
				return err_set(e, ERR_INTERNAL, "out of memory");
			w->id = v;
			w->cap = cap;
		}
		w->id[w->n++] = id;
	} else if (waiting_seen(w, id)) {
		return 0;
	}
	k->refused++;
	snprintf(ids, sizeof(ids), "%" PRId64, id);
	if (w->rej)
		acctrej_add(w->rej, ids, msg);
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

/* Part i of n of a pass's accounts (limit_select(); n = 0: all of them),
 * selected, loaded, advanced and stored on connection db, in a transaction
 * that part_run() leaves open for pass() to end together with the other
 * part's.  The accounts it leaves waiting for a calendar year are kept in
 * wait[] in the order loaded (ascending ids) for pass() to name. */
struct waiting_acc {
	int64_t id;
	char msg[sizeof(((struct limit_account *)0)->cal_msg)];
};

/* The progress line both parts add to (log.h: one thread at a time). */
struct shared_progress {
	struct progress pg;
	pthread_mutex_t mu;
};

struct part {
	PGconn *db;
	const struct limit_env *env;
	int64_t sel;
	int i, n, max;                  /* part i of n; accounts a half */
	struct limit_account *half[2];
	struct shared_progress *sp;
	struct waiting_acc *wait;
	size_t nwait, cwait;
	int64_t accounts, notices, requests, cancelled;
	double t_select, t_cases;
	int open, prepared, rc;
	struct sbyt_err e;
	pthread_t th;
};

/* End x's transaction (commit when commit is set, else roll back) and drop
 * its statements; 0, or -1 with x->e set when the commit failed. */
static int part_end(struct part *x, int commit)
{
	int rc = 0;

	if (x->open) {
		if (commit)
			rc = db_commit(x->db, &x->e);
		else
			db_rollback(x->db);
		x->open = 0;
	}
	if (x->prepared)
		limit_load_unprepare(x->db);
	x->prepared = 0;
	return rc;
}

static int part_wait(struct part *x, const struct limit_account *a)
{
	if (x->nwait == x->cwait) {
		size_t cap = x->cwait ? 2 * x->cwait : 64;
		struct waiting_acc *v = realloc(x->wait, cap * sizeof(*v));
		if (!v)
			return err_set(&x->e, ERR_INTERNAL, "out of memory");
		x->wait = v;
		x->cwait = cap;
	}
	x->wait[x->nwait].id = a->id;
	snprintf(x->wait[x->nwait].msg, sizeof(x->wait[x->nwait].msg), "%s", a->cal_msg);
	x->nwait++;
	return 0;
}

static void part_progress(struct part *x, int total, int64_t n)
{
	pthread_mutex_lock(&x->sp->mu);
	if (total)
		progress_total(&x->sp->pg, n);
	else
		progress_add(&x->sp->pg, n);
	pthread_mutex_unlock(&x->sp->mu);
}

/* Run part x (see struct part); x->rc 0 with its transaction open, or -1
 * with x->e set and nothing of it kept. */
/* Begin a transaction of the day's work on db.  The tables are in shared
 * buffers (tools/pg.sh): an index probe costs about a page read in
 * sequence.  At the default 4.0 the day's candidates (5 % of the accounts,
 * and a handful in the second pass) were joined to account by hashing the
 * whole table: 22 ms of 20,000 accounts a pass against 8 ms of probes, and
 * growing with every account, not with the day's work.  0, or -1 with e
 * set and no transaction open. */
static int begin_probing(PGconn *db, struct sbyt_err *e)
{
	if (db_begin(db, e))
		return -1;
	if (db_exec(db, e, "SET LOCAL random_page_cost = 1.1", 0, NULL)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static void *part_run(void *arg)
{
	struct part *x = arg;
	const struct limit_env *env = x->env;
	struct limit_account *acc = x->half[0];
	struct advance_job adv = { .started = 0, .failed = -1 };
	struct sbyt_err *e = &x->e;
	int64_t after = 0;
	double t0 = log_now(), t1;
	int n, m, pending = 0;

	x->rc = -1;
	if (begin_probing(x->db, e))
		return NULL;
	x->open = 1;
	x->accounts = limit_select(x->db, env->rules, env->day, x->sel, x->i, x->n, e);
	if (x->accounts < 0)
		goto fail;
	/* the batches' statements parsed and planned once, not a batch
	 * (about 0.3 s of the server's CPU at 1,000,000 accounts) */
	x->prepared = 1;   /* dropped on the way out, whatever was made */
	if (limit_load_prepare(x->db, e))
		goto fail;
	part_progress(x, 1, x->accounts);
	t1 = log_now();
	x->t_select = t1 - t0;
	/* while a half is advanced on its thread, the connection ends the
	 * store of the half before (its events written by the server while
	 * the client went on) and loads the next into its place; then the
	 * advanced half is stored as the next is advanced */
	n = limit_load(x->db, env->day, &after, acc, x->max, 0, 1, e);
	if (n > 0)
		advance_start(&adv, env, acc, n);
	while (n > 0) {
		struct limit_account *next = acc == x->half[0] ? x->half[1] : x->half[0];
		int bad = 0;

		if (pending && db_drain(x->db, e))
			bad = 1;
		pending = 0;
		m = bad ? -1 : limit_load(x->db, env->day, &after, next, x->max, 0, 1, e);
		if (advance_wait(&adv, bad || m < 0 ? NULL : e) || bad || m < 0)
			goto fail;
		for (int i = 0; i < n; i++) {
			x->notices += acc[i].new_notices;
			x->requests += acc[i].new_requests;
			x->cancelled += acc[i].new_cancelled;
			if (acc[i].cal_pending && part_wait(x, &acc[i]))
				goto fail;
		}
		if (m > 0)
			advance_start(&adv, env, next, m);
		if (limit_store_send(x->db, env, acc, (size_t)n, e))
			goto fail;
		pending = 1;
		part_progress(x, 0, n);
		acc = next;
		n = m;
	}
	if (pending && db_drain(x->db, e)) {
		pending = 0;
		goto fail;
	}
	pending = 0;
	if (n < 0)
		goto fail;
	x->t_cases = log_now() - t1;
	x->rc = 0;
	return NULL;
fail:
	advance_wait(&adv, NULL);
	if (pending)
		db_drain(x->db, NULL);
	part_end(x, 0);
	return NULL;
}

/* One pass over the day: its deliveries recorded and committed, then (on a
 * working day) the accounts selected by `sel` (0: all, or
 * LIMIT_SELECT_MAILED) advanced in one transaction - or, with a second
 * connection db2, in two parts at once, the server's loads and COPYs of
 * each on a core: the two transactions are committed together when both
 * parts are done, else both rolled back (a kill between the two commits
 * leaves one part's day done, which a run of the day again completes, as
 * it completes a day killed before its commit).  acc: LIMIT_BATCH
 * accounts.  Returns the deliveries recorded, or -1. */
static int64_t pass(PGconn *db, PGconn *db2, const struct limit_env *env, int64_t sel,
		    struct limit_account *acc, struct waiting *w, struct limit_run_counts *k,
		    struct sbyt_err *e)
{
	const struct limit_channel *ch = limit_channel_find(env->rules, "payment_document");
	int np = db2 ? LIMIT_PARTS : 1, started = 0, failed = -1;
	struct part x[LIMIT_PARTS];
	struct shared_progress sp;
	int64_t deliveries;
	double t0 = log_now(), t1, sel_s = 0;
	size_t at[LIMIT_PARTS] = { 0 };

	/* the confirmations first, on their own: both parts read them (with
	 * the parts' cost of an index probe, as when they shared a transaction) */
	if (begin_probing(db, e))
		return -1;
	deliveries = limit_record_deliveries(db, env->day, ch ? ch->days : 0, e);
	if (deliveries < 0 || db_commit(db, e)) {
		db_rollback(db);
		return -1;
	}
	t1 = log_now();
	k->t_deliveries += t1 - t0;
	k->deliveries += deliveries;
	if (!k->working || (sel != 0 && deliveries == 0))
		return deliveries;
	memset(x, 0, sizeof(x));
	pthread_mutex_init(&sp.mu, NULL);
	/* accounts advanced, rate, ETA: on a terminal only (log.h) */
	progress_start_unit(&sp.pg, sel ? "limit: e-mailed today" : "limit", "accounts", 0);
	for (int i = 0; i < np; i++) {
		x[i] = (struct part){ .db = i ? db2 : db, .env = env, .sel = sel, .i = i,
				      .n = np > 1 ? np : 0, .max = LIMIT_BATCH / (2 * np), .sp = &sp };
		x[i].half[0] = acc + 2 * i * x[i].max;
		x[i].half[1] = x[i].half[0] + x[i].max;
		err_clear(&x[i].e);
	}
	if (np > 1 && pthread_create(&x[1].th, NULL, part_run, &x[1]) == 0)
		started = 1;
	part_run(&x[0]);
	if (started)
		pthread_join(x[1].th, NULL);
	else if (np > 1 && x[0].rc == 0)
		part_run(&x[1]);
	progress_end(&sp.pg);
	pthread_mutex_destroy(&sp.mu);
	for (int i = 0; i < np && failed < 0; i++)
		if (x[i].rc)
			failed = i;
	/* committed together: a part that failed (or could not run) rolls the
	 * other back; then the commits, the first part's first */
	for (int i = 0; i < np; i++)
		if (part_end(&x[i], failed < 0) && failed < 0)
			failed = i;
	if (failed >= 0) {
		*e = x[failed].e;
		for (int i = 0; i < np; i++)
			free(x[i].wait);
		return -1;
	}
	/* the parts' accounts left waiting, named in account order (the ids
	 * of each part ascend): as one part names them */
	for (;;) {
		struct waiting_acc *a = NULL;
		int from = -1;

		for (int i = 0; i < np; i++)
			if (at[i] < x[i].nwait && (!a || x[i].wait[at[i]].id < a->id)) {
				a = &x[i].wait[at[i]];
				from = i;
			}
		if (!a)
			break;
		at[from]++;
		if (!k->pending++)
			snprintf(k->pending_msg, sizeof(k->pending_msg), "%s", a->msg);
		if (waiting_add(w, sel == 0, a->id, a->msg, k, e)) {
			failed = from;
			break;
		}
	}
	for (int i = 0; i < np; i++) {
		if (sel == 0)
			k->accounts += x[i].accounts;
		k->notices += x[i].notices;
		k->requests += x[i].requests;
		k->cancelled += x[i].cancelled;
		if (x[i].t_select > sel_s)
			sel_s = x[i].t_select;
		free(x[i].wait);
	}
	k->t_select += sel_s;
	k->t_cases += log_now() - t1 - sel_s;
	if (np > 1)
		log_verbose("limit: %s advanced in %d parts at once: %" PRId64 " and %" PRId64
			    " accounts", sel ? "the e-mailed accounts" : "the accounts", np,
			    x[0].accounts, x[1].accounts);
	return failed >= 0 ? -1 : deliveries;
}

int limit_run_day(PGconn *db, const struct limit_env *env, const char *out_dir, struct job *j,
		  const char *rules_version, struct acctrej *rej, struct limit_run_counts *k,
		  struct sbyt_err *e)
{
	struct limit_account *acc;
	PGconn *db2 = NULL;
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
	/* the day's sorts in memory (the events of a day at 1,000,000 accounts,
	 * 110,000 rows, spilled to disk past the default 4 MB, as did the
	 * notices'), as the bill and the documents run theirs; reset on return */
	if (db_exec(db, e, "SET work_mem = '64MB'", 0, NULL))
		goto fail;
	/* a working day's accounts in two parts at once, the second on a
	 * connection of its own (as the packages' reads: env->twin) */
	if (working && env->twin) {
		db2 = db_connect(env->conninfo, NULL);
		if (db2 && db_exec(db2, NULL, "SET work_mem = '64MB'", 0, NULL)) {
			PQfinish(db2);
			db2 = NULL;
		}
		if (!db2)
			log_verbose("limit: no second connection, the accounts advanced in one part");
	}
	/* the packages of earlier days a killed run left unwritten */
	k->caught_up = catch_up(db, env, out_dir, j, rules_version, k, e);
	if (k->caught_up < 0 || pass(db, db2, env, 0, acc, &w, k, e) < 0)
		goto fail;
	/* the e-mails are sent when their packages are written: those first;
	 * the accounts they start a clock for go on today (a second pass),
	 * then the day's packages are written whole, once */
	t0 = log_now();
	if (limit_write_mail(db, env, out_dir, j, rules_version, &mailed, &oc, e) ||
	    mark_written(db, env->day, env->day, oc.packages, 0, e))
		goto fail;
	k->t_packages += log_now() - t0;
	if (pass(db, db2, env, LIMIT_SELECT_MAILED, acc, &w, k, e) < 0)
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
	if (db2)
		PQfinish(db2);
	return db_exec(db, e, "RESET work_mem", 0, NULL) ? -1 : 0;
fail:
	if (db2)
		PQfinish(db2);
	db_exec(db, NULL, "RESET work_mem", 0, NULL);
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	free(w.id);
	limit_mailed_release(&mailed);
	return -1;
}
