/* limit_run.c - one limitation day as a job stage; see limit_run.h. */
#include "limit_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "limit_out.h"

/* Accounts loaded and advanced at a time: memory stays bounded whatever the
 * number of accounts (a struct limit_account is ~40 KB with its events). */
#define LIMIT_BATCH 1024

int limit_run_day(PGconn *db, const struct limit_env *env, const char *out_dir, struct job *j,
		  const char *rules_version, struct limit_run_counts *k, struct sbyt_err *e)
{
	const struct limit_channel *ch = limit_channel_find(env->rules, "payment_document");
	struct limit_account *acc;
	struct limit_out_counts oc;
	int64_t after = 0;
	double t0, t1;
	int working, n = 0;

	memset(k, 0, sizeof(*k));
	working = calendar_is_working(env->cal, env->day, e);
	if (working < 0)
		return -1;
	k->working = working;
	acc = calloc(LIMIT_BATCH, sizeof(*acc));
	if (!acc)
		return err_set(e, ERR_INTERNAL, "out of memory");
	t0 = log_now();
	if (db_begin(db, e))
		goto fail;
	k->deliveries = limit_record_deliveries(db, env->day, ch ? ch->days : 0, e);
	if (k->deliveries < 0)
		goto fail_tx;
	t1 = log_now();
	k->t_deliveries = t1 - t0;
	if (working) {
		k->accounts = limit_select(db, env->day, 0, e);
		if (k->accounts < 0)
			goto fail_tx;
		t0 = log_now();
		k->t_select = t0 - t1;
		while ((n = limit_load(db, env->day, &after, acc, LIMIT_BATCH, 0, e)) > 0) {
			for (int i = 0; i < n; i++) {
				if (limit_advance(env, &acc[i], e))
					goto fail_tx;
				k->notices += acc[i].new_notices;
				k->requests += acc[i].new_requests;
				k->cancelled += acc[i].new_cancelled;
				if (acc[i].cal_pending && !k->pending++)
					snprintf(k->pending_msg, sizeof(k->pending_msg), "%s",
						 acc[i].cal_msg);
			}
			if (limit_store(db, env, acc, (size_t)n, e))
				goto fail_tx;
		}
		if (n < 0)
			goto fail_tx;
		k->t_cases = log_now() - t0;
	}
	if (db_commit(db, e))
		goto fail;
	t0 = log_now();
	if (limit_write_day(db, env, out_dir, j, rules_version, &oc, e))
		goto fail;
	k->packages = oc.packages;
	k->t_packages = log_now() - t0;
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	return 0;
fail_tx:
	db_rollback(db);
fail:
	for (int i = 0; i < LIMIT_BATCH; i++)
		limit_account_release(&acc[i]);
	free(acc);
	return -1;
}
