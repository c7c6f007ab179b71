/*
 * conf.h - the configuration file, /etc/sbyt/sbyt.conf.
 *
 * Plain `key = value` lines; '#' starts a comment; blank lines are skipped;
 * a value runs to the end of the line (blanks around it trimmed, no
 * quoting).  Keys: database (a libpq connection string: never a password,
 * use ~/.pgpass or a service file), rules, out, spool (directories) and
 * timezone (an IANA zone name).  An unknown key or a line without '=' is
 * refused as FILE:LINE: reason (ERR_CONFIG).  What is set here is the
 * default: the environment (SBYT_RULES, SBYT_OUT, SBYT_SPOOL, SBYT_TZ, PG*)
 * and the command line's options win over it.
 */
#ifndef SBYT_CONF_H
#define SBYT_CONF_H

#include "error.h"

#define CONF_DEFAULT_PATH "/etc/sbyt/sbyt.conf"

struct conf {
	char database[1024];
	char rules[1024];
	char out[1024];
	char spool[1024];
	char timezone[128];
};

/* Read path into c (zeroed first).  A missing file is not an error when
 * optional is set (c stays empty); returns 0, or -1 with e set
 * (ERR_CONFIG naming FILE:LINE, ERR_NOINPUT when a required file is missing). */
int conf_load(const char *path, int optional, struct conf *c, struct sbyt_err *e);

#endif
