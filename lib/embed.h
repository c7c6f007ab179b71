/*
 * embed.h - files compiled into the binary by tools/embed.c at build time
 * (the SQL migrations of sql/), so an installed sbyt needs no path to them.
 */
#ifndef SBYT_EMBED_H
#define SBYT_EMBED_H

struct embedded_file {
	const char *name;  /* file name without directory, e.g. "001_base.sql" */
	const char *text;  /* contents, NUL-terminated */
};

/* The migrations of sql/, sorted by name, ended by {NULL, NULL}. */
extern const struct embedded_file sql_files[];

#endif
