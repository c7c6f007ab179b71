/* migrate.c - applying sql/ migrations; see migrate.h. */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "embed.h"

int migrate_count(void)
{
	int n = 0;

	while (sql_files[n].name)
		n++;
	return n;
}

const char *migrate_name(int i)
{
	return sql_files[i].name;
}

static int table_exists(PGconn *db, struct sbyt_err *e)
{
	char *v;
	int rc;

	if (db_value(db, e, "SELECT to_regclass('schema_migration') IS NOT NULL",
		     0, NULL, &v))
		return -1;
	rc = v && strcmp(v, "t") == 0;
	free(v);
	return rc;
}

int migrate_applied(PGconn *db, struct sbyt_err *e)
{
	char *v;
	int n, ex = table_exists(db, e);

	if (ex <= 0)
		return ex;
	if (db_value(db, e, "SELECT count(*) FROM schema_migration", 0, NULL, &v))
		return -1;
	n = v ? atoi(v) : 0;
	free(v);
	return n;
}

int migrate_apply(PGconn *db, int *done, struct sbyt_err *e)
{
	*done = 0;
	for (int i = 0; sql_files[i].name; i++) {
		const char *name = sql_files[i].name;
		char version[16];
		const char *p[2] = { version, name };
		char *have = NULL;

		snprintf(version, sizeof(version), "%d", atoi(name));
		if (db_begin(db, e) ||
		    db_exec(db, e, "SELECT pg_advisory_xact_lock(hashtext('sbyt:migrate'))", 0, NULL) ||
		    db_exec(db, e, "CREATE TABLE IF NOT EXISTS schema_migration ("
			    " version integer PRIMARY KEY, name text NOT NULL,"
			    " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL) ||
		    db_value(db, e, "SELECT count(*) FROM schema_migration WHERE version = $1",
			     1, p, &have))
			goto fail;
		if (have && strcmp(have, "0") != 0) {
			free(have);
			db_rollback(db);
			continue;
		}
		free(have);
		if (db_script(db, e, sql_files[i].text) ||
		    db_exec(db, e, "INSERT INTO schema_migration (version, name) VALUES ($1, $2)",
			    2, p) ||
		    db_commit(db, e))
			goto fail_named;
		(*done)++;
		continue;
fail_named:
		err_prefix(e, "migration '%s' failed", name);
fail:
		db_rollback(db);
		return -1;
	}
	return 0;
}
