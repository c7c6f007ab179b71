/*
 * explain_ru.h - the Russian explanations an auditor reads in the
 * limitation workbooks (the day's register, `sbyt report limitation`).
 *
 * The wording is data: rules/limitation.xml <explanations> holds one
 * <phrase> template (template.h) per key of the table in explain_ru.c, each
 * with the placeholders that key may use, and the <plural> forms of the
 * counted words ("1 календарный день", "2 календарных дня", "5 календарных
 * дней").  explain_ru_read() checks them when the rules load (every key
 * present, no unknown key, no unknown placeholder: FILE:LINE faults);
 * explain_ru_add() expands one phrase into a fixed buffer, cut at a
 * character boundary ending in "…" when it does not fit.  The engine keeps
 * the English arithmetic for the terminal (`limit explain`); the Russian
 * text is rendered beside it from the same facts and stored in its own
 * columns (sql/160).
 */
#ifndef SBYT_EXPLAIN_RU_H
#define SBYT_EXPLAIN_RU_H

#include <stdarg.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "date.h"
#include "faults.h"
#include "money.h"

struct explain_ru;
struct limit_rules;

/* Read the <explanations> element n of path (NULL: missing) and check it
 * against r's procedures (read before: every PROCEDURE.trigger and both
 * cancels need a <citation>); faults go to f.  Returns the phrases
 * (explain_ru_free()), or NULL when out of memory (a fault is added). */
struct explain_ru *explain_ru_read(const char *path, xmlNodePtr n,
				   const struct limit_rules *r, struct faults *f);
void explain_ru_free(struct explain_ru *x);

/* Append the phrase `key` of r's rules, its placeholders taken from the
 * NULL-terminated name, value pairs that follow, to buf (size n), after
 * sep when buf is not empty.  Returns 0, or -1 when out of memory or the
 * rules have no phrases (buf unchanged). */
int explain_ru_add(const struct limit_rules *r, char *buf, size_t n, const char *sep,
		   const char *key, ...) __attribute__((sentinel));
/* explain_ru_add() with the pairs in ap. */
int explain_ru_vadd(const struct limit_rules *r, char *buf, size_t n, const char *sep,
		    const char *key, va_list ap);
/* The text of a phrase without placeholders ("dow.1", "class.holiday"),
 * "" when unknown. */
const char *explain_ru_word(const struct limit_rules *r, const char *key);
/* "20 календарных дней": n and the form of the <plural> `word` for n. */
char *explain_ru_count(const struct limit_rules *r, const char *word, int n, char *buf,
		       size_t size);
/* The plural form index for n in Russian: 0 one, 1 few, 2 many. */
int explain_ru_plural(int n);
/* "30.11.2026" ("" for DATE_NONE); buf of DATE_BUF bytes. */
char *explain_ru_date(sdate d, char *buf);
/* "1 234,56" (non-breaking space between thousands); buf of 40 bytes. */
char *explain_ru_money(money m, char *buf);
/* The Russian legal citation of a rule id of the limitation workflow: a
 * step's ("individual.partial"), the reconnect's, a notice's text
 * ("legal.notice"), a trigger's or a cancel's (<explanations> <citation>);
 * "" when the rules name none. */
const char *explain_ru_citation(const struct limit_rules *r, const char *rule);
/* Append s to buf (size n) after sep when buf is not empty; a text that
 * does not fit is cut at a character boundary and ends in "…". */
void explain_ru_append(char *buf, size_t n, const char *sep, const char *s);

#endif
