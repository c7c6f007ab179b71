/*
 * template.h - texts with named placeholders, the way the rules write every
 * text a customer reads (rules/limitation.xml <texts>; the PDF writer may
 * use the same).
 *
 * A template is UTF-8 text in which "{name}" stands for a value given at
 * expansion; "{{" and "}}" stand for literal braces.  A name is
 * [a-z][a-z0-9_]* optionally followed by ":" and an argument
 * [a-z0-9_.]+ ("{date:full}"): the caller decides what names exist.
 * template_check() runs when the rules load, so an unknown or malformed
 * placeholder is a rules error (FILE:LINE), never a hole in a printed
 * letter; template_expand() builds the whole text on the heap, whatever its
 * length (no fixed buffer cuts it, never inside a multi-byte letter).
 */
#ifndef SBYT_TEMPLATE_H
#define SBYT_TEMPLATE_H

#include <stddef.h>

#include "error.h"

struct template_var {
	const char *name;         /* "debt", "date:full" */
	const char *value;
};

/* Is every placeholder of text accepted by ok(name, arg)?  ok gets the name
 * before ':' and the argument after it (NULL without one) and returns 1 when
 * the placeholder exists.  Returns 0, or -1 with a reason in msg (size n):
 * an unknown placeholder, an unclosed "{", a lone "}", an empty name. */
int template_check(const char *text, int (*ok)(const char *name, const char *arg, void *arg2),
		   void *arg2, char *msg, size_t n);
/* The text with every placeholder replaced by its value from v[0..nv-1]
 * (matched on the whole "name:arg"), malloc'd (the caller frees).  Returns
 * NULL with e set: ERR_CONFIG for a placeholder that has no value (a rules
 * text not checked against what the caller gives), ERR_INTERNAL when out of
 * memory. */
char *template_expand(const char *text, const struct template_var *v, size_t nv,
		      struct sbyt_err *e);

#endif
