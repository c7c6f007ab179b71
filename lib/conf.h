/*
 * conf.h - the configuration file, /etc/sbyt/sbyt.conf.
 *
 * Plain `key = value` lines; '#' starts a comment; blank lines are skipped;
 * a value runs to the end of the line (blanks around it trimmed, no
 * quoting).  Keys: database (a libpq connection string: never a password,
 * use ~/.pgpass or a service file), rules, out, spool (directories) and
 * timezone (an IANA zone name), and the shard map: shard.0 ... shard.N-1,
 * each a conninfo of one shard's server (lib/shard.h; every index from 0 to
 * the highest given must be there, once).  An unknown key or a line without '=' is
 * refused as FILE:LINE: reason (ERR_CONFIG).  What is set here is the
 * default: the environment (SBYT_RULES, SBYT_OUT, SBYT_SPOOL, SBYT_TZ, PG*)
 * and the command line's options win over it.
 */
#ifndef SBYT_CONF_H
#define SBYT_CONF_H

#include "error.h"

#define CONF_DEFAULT_PATH "/etc/sbyt/sbyt.conf"
#define CONF_SHARDS_MAX 64

struct conf {
	char database[1024];
	char rules[1024];
	char out[1024];
	char spool[1024];
	char timezone[128];
	int shards;                             /* shard.I keys given: 0..shards-1 */
	char shard[CONF_SHARDS_MAX][512];
};

/* Read path into c (zeroed first).  A missing file is not an error when
 * optional is set (c stays empty); returns 0, or -1 with e set
 * (ERR_CONFIG naming FILE:LINE, ERR_NOINPUT when a required file is missing). */
int conf_load(const char *path, int optional, struct conf *c, struct sbyt_err *e);

#endif
