/* error.c - filling struct sbyt_err; see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct sbyt_err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->kind = kind;
	e->detail[0] = '\0';
	e->sqlstate[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_detail(struct sbyt_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct sbyt_err *e, const char *fmt, ...)
{
	char pre[512], old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", pre, old) >= (int)sizeof(e->msg))
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);  /* cut, and says so */
	return -1;
}

void err_clear(struct sbyt_err *e)
{
	if (!e)
		return;
	e->kind = ERR_NONE;
	e->msg[0] = '\0';
	e->detail[0] = '\0';
	e->sqlstate[0] = '\0';
}

const char *err_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
		[ERR_NONE] = "none", [ERR_USAGE] = "usage", [ERR_DATA] = "data",
		[ERR_NOINPUT] = "no input", [ERR_DB] = "database",
		[ERR_INTERNAL] = "internal", [ERR_CANTCREATE] = "cannot create",
		[ERR_IO] = "i/o", [ERR_LOCKED] = "locked", [ERR_CONFIG] = "config",
		[ERR_PERM] = "permission",
	};
	if ((unsigned)kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	return "unknown";
}
