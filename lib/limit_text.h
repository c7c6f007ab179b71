/*
 * limit_text.h - the Russian texts of the limitation workflow (the
 * household warning, the notices, the copy to the authorities, the grid
 * requests) expanded from their templates in rules/limitation.xml
 * (<texts>, lib/template.h), whole, whatever their length.
 *
 * A notice's dates ({date:STEP}) are counted by the deadline engine from
 * the date the notice states (dated notices) or prints (the warning),
 * assuming its delivery when deemed, as the notice says them; the real
 * dates are never earlier (SPEC 9.2.9: the engine counts every later step
 * from the real ones, which are not before these).  Every date a text
 * prints reads DD.MM.YYYY.
 */
#ifndef SBYT_LIMIT_TEXT_H
#define SBYT_LIMIT_TEXT_H

#include "calendar.h"
#include "date.h"
#include "deadline.h"
#include "error.h"
#include "template.h"

#define LIMIT_TEXT_VARS 48

/* The values of a text's placeholders (copies on the heap: none is cut). */
struct limit_textvars {
	int n, oom;
	struct template_var v[LIMIT_TEXT_VARS];
	char *own[2 * LIMIT_TEXT_VARS];
};

/* Add name = value (both copied).  Out of memory or past LIMIT_TEXT_VARS
 * sets oom, which limit_text() reports. */
void limit_textvars_add(struct limit_textvars *tv, const char *name, const char *value);
/* Add name = the date iso (YYYY-MM-DD) as a Russian reader writes it,
 * DD.MM.YYYY (anything else, "—", as it is): the texts print their dates
 * so, as the tables beside them do; the XML's data fields stay ISO. */
void limit_textvars_add_date(struct limit_textvars *tv, const char *name, const char *iso);
/* Free the copies; tv is empty again. */
void limit_textvars_release(struct limit_textvars *tv);
/* Add {date:STEP} and {days:STEP} for every step of p as a notice of kind
 * `notice` issued on `issued` through `channel` and stating or printing
 * `planned` says them.  A date needing a calendar year that is not loaded
 * reads "—" (the run does not issue a notice whose own date lacks one).
 * Returns 0, or -1 with e set. */
int limit_textvars_dates(struct limit_textvars *tv, const struct limit_rules *r,
			 const struct calendar *cal, const struct limit_procedure *p,
			 const char *notice, const char *channel, sdate issued, sdate planned,
			 int remote, struct sbyt_err *e);
/* The text for key (rules <texts>) with {citation} and tv, malloc'd.
 * Returns NULL with e set (ERR_CONFIG: no such text or a placeholder
 * without a value). */
char *limit_text(const struct limit_rules *r, const char *key, struct limit_textvars *tv,
		 struct sbyt_err *e);

#endif
