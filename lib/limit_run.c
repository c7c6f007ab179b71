/* limit_run.c - one limitation day as a job stage; see limit_run.h. */
#include "limit_run.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "limit_out.h"

/* Accounts loaded and advanced at a time: memory stays bounded whatever the
 * number of accounts (a struct limit_account is ~40 KB with its events). */
#define LIMIT_BATCH 1024

/* The day's packages are written: record it (its own statement, after the
 * day's transaction), with the business day of the run that wrote them. */
static int mark_written(PGconn *db, sdate day, sdate on, int64_t packages, struct sbyt_err *e)
{
	char b1[DATE_BUF], b2[DATE_BUF], pk[24];
	const char *p[3] = { date_format(day, b1), date_format(on, b2), pk };

	snprintf(pk, sizeof(pk), "%lld", (long long)packages);
	return db_exec(db, e, "INSERT INTO limit_day_written (day, written_on, packages)"
		       " VALUES ($1::date, $2::date, $3::int) ON CONFLICT (day) DO UPDATE"
		       " SET packages = EXCLUDED.packages, written_at = now()", 3, p);
}

/* Write the packages of the recent days before env->day whose work is
 * committed but whose packages were never written (a run killed between
 * its commit and its packages).  Returns the number of days, or -1. */
static int64_t catch_up(PGconn *db, const struct limit_env *env, const char *out_dir,
			struct job *j, const char *rv, struct limit_run_counts *k,
			struct sbyt_err *e)
{
	char b[DATE_BUF];
	const char *p[1] = { date_format(env->day, b) };
	PGresult *r = db_query(db, e,
			       "SELECT DISTINCT v.day FROM limit_event v WHERE v.day < $1::date"
			       " AND v.day >= $1::date - 60 AND NOT EXISTS (SELECT 1 FROM"
			       " limit_day_written w WHERE w.day = v.day) ORDER BY v.day", 1, p);
	int64_t n = 0;

	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		struct limit_env day = *env;
		struct limit_out_counts oc;

		if (date_parse(PQgetvalue(r, i, 0), -1, &day.day) ||
		    limit_write_day(db, &day, out_dir, j, rv, &oc, e) ||
		    mark_written(db, day.day, env->day, oc.packages, e)) {
			PQclear(r);
			return -1;
		}
		k->packages += oc.packages;
		n++;
	}
	PQclear(r);
	return n;
}

/* One pass over the day in one transaction: deliveries, then (on a
 * working day) the accounts selected by `sel` (0: all, or
 * LIMIT_SELECT_MAILED).  Returns the deliveries recorded, or -1. */
static int64_t pass(PGconn *db, const struct limit_env *env, int64_t sel,
		    struct limit_account *acc, struct acctrej *rej, struct limit_run_counts *k,
		    struct sbyt_err *e)
{
	const struct limit_channel *ch = limit_channel_find(env->rules, "payment_document");
	int64_t after = 0, deliveries, accounts = 0;
	double t0 = log_now(), t1;
	int n = 0;

	if (db_begin(db, e))
		return -1;
	deliveries = limit_record_deliveries(db, env->day, ch ? ch->days : 0, e);
	if (deliveries < 0)
		goto fail;
	t1 = log_now();
	k->t_deliveries += t1 - t0;
	if (k->working && (sel == 0 || deliveries > 0)) {
		struct progress pg;

		accounts = limit_select(db, env->rules, env->day, sel, e);
		if (accounts < 0)
			goto fail;
		t0 = log_now();
		k->t_select += t0 - t1;
		/* accounts advanced, rate, ETA: on a terminal only (log.h) */
		progress_start_unit(&pg, sel ? "limit: e-mailed today" : "limit", "accounts", accounts);
		while ((n = limit_load(db, env->day, &after, acc, LIMIT_BATCH, 0, e)) > 0) {
			for (int i = 0; i < n; i++) {
				if (limit_advance(env, &acc[i], e))
					goto fail;
				k->notices += acc[i].new_notices;
				k->requests += acc[i].new_requests;
				k->cancelled += acc[i].new_cancelled;
				if (acc[i].cal_pending && !k->pending++)
					snprintf(k->pending_msg, sizeof(k->pending_msg), "%s",
						 acc[i].cal_msg);
				/* named once a day: in the first pass, which sees all */
				if (acc[i].cal_pending && sel == 0) {
					char id[24];
					snprintf(id, sizeof(id), "%" PRId64, acc[i].id);
					k->refused++;
					if (rej)
						acctrej_add(rej, id, acc[i].cal_msg);
				}
			}
			if (limit_store(db, env, acc, (size_t)n, e)) {
				progress_end(&pg);
				goto fail;
			}
			progress_add(&pg, n);
		}
		progress_end(&pg);
		if (n < 0)
			goto fail;
		k->t_cases += log_now() - t0;
	}
	if (db_commit(db, e))
		return -1;
	k->deliveries += deliveries;
	if (sel == 0)
		k->accounts = accounts;
	return deliveries;
fail:
	db_rollback(db);
	return -1;
}

int limit_run_day(PGconn *db, const struct limit_env *env, const char *out_dir, struct job *j,
		  const char *rules_version, struct acctrej *rej, struct limit_run_counts *k,
		  struct sbyt_err *e)
{
	struct limit_account *acc;
	struct limit_out_counts oc;
	int64_t mailed;
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
	/* the packages of earlier days a killed run left unwritten */
	k->caught_up = catch_up(db, env, out_dir, j, rules_version, k, e);
	if (k->caught_up < 0 || pass(db, env, 0, acc, rej, k, e) < 0)
		goto fail;
	t0 = log_now();
	if (limit_write_day(db, env, out_dir, j, rules_version, &oc, e) ||
	    mark_written(db, env->day, env->day, oc.packages, e))
		goto fail;
	k->t_packages += log_now() - t0;
	/* the e-mails just written are sent: the accounts they start a clock
	 * for go on today, and the day's packages are written again whole */
	mailed = pass(db, env, LIMIT_SELECT_MAILED, acc, rej, k, e);
	if (mailed < 0)
		goto fail;
	if (mailed > 0) {
		t0 = log_now();
		if (limit_write_day(db, env, out_dir, j, rules_version, &oc, e) ||
		    mark_written(db, env->day, env->day, oc.packages, e))
			goto fail;
		k->t_packages += log_now() - t0;
	}
	k->packages += oc.packages;
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	return 0;
fail:
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	return -1;
}
