/*
 * error.h - the one error type that flows up from lib/ to bin/.
 *
 * Library functions that can fail take a `struct sbyt_err *` and return -1
 * (or NULL) after filling it with err_set(): a kind that says what class of
 * failure it is and a lowercase message without a final period, in the style
 * of PostgreSQL and git ("unable to open 'x.csv': No such file").  Only bin/
 * maps a kind to an exit status (bin/sbyt.c, sysexits); library code never
 * calls exit() and never prints.
 */
#ifndef SBYT_ERROR_H
#define SBYT_ERROR_H

#include <stddef.h>

enum err_kind {
	ERR_NONE = 0,
	ERR_USAGE,      /* the caller's arguments are wrong */
	ERR_DATA,       /* input data refused */
	ERR_NOINPUT,    /* an input file is missing or unreadable */
	ERR_DB,         /* the database is unavailable or lost */
	ERR_INTERNAL,   /* a bug or an unexpected state */
	ERR_CANTCREATE, /* an output cannot be created */
	ERR_IO,         /* reading or writing failed part way */
	ERR_LOCKED,     /* another run holds the lock: retry later */
	ERR_CONFIG,     /* configuration or rules invalid (missing calendar year too) */
	ERR_PERM        /* the database role may not do this (SQLSTATE 42501) */
};

struct sbyt_err {
	enum err_kind kind;
	char msg[2048];
	char detail[1024];   /* optional second line, "" when none */
	char sqlstate[6];    /* SQLSTATE when the error came from PostgreSQL */
};

/* Fill e (which may be NULL) and return -1. */
int err_set(struct sbyt_err *e, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set the detail line of e; returns -1 for chaining. */
int err_detail(struct sbyt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the existing message with "prefix: "; returns -1. */
int err_prefix(struct sbyt_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reset e to ERR_NONE with empty messages. */
void err_clear(struct sbyt_err *e);
/* A short lowercase name of the kind ("data", "database"...). */
const char *err_kind_name(enum err_kind kind);

#endif
