/*
 * migrate.h - numbered schema migrations (sql/NNN_name.sql, compiled into
 * the binary).  Each is applied once, in its own transaction, and recorded
 * in schema_migration; concurrent migrators serialise on an advisory lock.
 */
#ifndef SBYT_MIGRATE_H
#define SBYT_MIGRATE_H

#include <libpq-fe.h>

#include "error.h"

/* Number of migrations shipped in this binary. */
int migrate_count(void);
/* Name of migration i (0-based), e.g. "001_base.sql". */
const char *migrate_name(int i);
/* How many migrations are recorded as applied in db (0 when the table does
 * not exist yet); -1 on error. */
int migrate_applied(PGconn *db, struct sbyt_err *e);
/* Apply every pending migration; *done gets how many were applied.
 * Returns 0 or -1 (the failing migration is rolled back and named). */
int migrate_apply(PGconn *db, int *done, struct sbyt_err *e);

#endif
