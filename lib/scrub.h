/*
 * scrub.h - what may be shown of text that came from outside.
 *
 * Two rules for everything sbyt prints, logs or records.  Secrets: a
 * connection string's password (`password=...` in key/value form, the
 * `user:PASSWORD@` of a postgresql:// URI and its `?password=` parameter) is
 * replaced with `***` wherever a connection string or a command line is
 * shown or stored; the way to give a password is ~/.pgpass or a service
 * file (pg_service.conf), never the command line.  Control characters: a
 * name from outside (a file name, an id) may hold a newline or an escape
 * sequence; it is shown with every control byte written as \n, \t, \r or
 * \xHH, so it cannot forge a line of a log or drive a terminal.
 */
#ifndef SBYT_SCRUB_H
#define SBYT_SCRUB_H

#include <stddef.h>
#include <stdio.h>

/* Copy s to out (size bytes, always terminated) with every password of a
 * connection string replaced by ***; returns out.  Text that is not a
 * connection string comes through unchanged. */
char *scrub_secrets(const char *s, char *out, size_t size);
/* The same, malloc'd (NULL when out of memory). */
char *scrub_secrets_dup(const char *s);
/* Overwrite each password of the connection string s in place with as many
 * '*' (for a process's own arguments, which ps shows). */
void scrub_secrets_hide(char *s);
/* Remove every occurrence of the literal secret (when not NULL or empty)
 * from buf in place, writing *** instead; for messages a library composed
 * from a connection string. */
void scrub_literal(char *buf, size_t size, const char *secret);
/* Copy s to out with control bytes (< 0x20, 0x7f) escaped: \n \r \t and
 * \xHH; returns out (truncated at a whole escape when out
 * is too small: callers size it 4 * strlen + 1 to keep all). */
char *scrub_controls(const char *s, char *out, size_t size);
/* The same, malloc'd (NULL when out of memory). */
char *scrub_controls_dup(const char *s);
/* 1 when s holds a control byte. */
int scrub_has_controls(const char *s);
/* Write s to f as scrub_controls() shows it: for listings on standard
 * output of names and text from outside (a file name, an id, a reason
 * typed by an operator, a customer's name).  Returns fputs()'s result. */
int scrub_fputs(const char *s, FILE *f);

#endif
