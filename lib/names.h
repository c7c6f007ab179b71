/*
 * names.h - the Russian names of codes (rules/names.xml, SPEC 11.1).
 *
 * Codes such as `individual`, `open`, `post` or `decreasing` are what the
 * database stores and the XML carries; what an auditor, a customer or a
 * grid company reads is their Russian name.  One table in rules/ serves the
 * workbooks, the registers and the printed documents.  A code the table
 * does not name is shown as it is.
 */
#ifndef SBYT_NAMES_H
#define SBYT_NAMES_H

#include "faults.h"

struct names;

/* Load rules_dir/names.xml (validated by schema/names.xsd).  Returns the
 * table (names_free() by the caller), or NULL after adding faults to f. */
struct names *names_load(const char *rules_dir, struct faults *f);
/* Validate the file; 0 when clean, -1 after adding faults. */
int names_check(const char *rules_dir, struct faults *f);
/* The Russian name of code in domain ("kind", "step", "channel"...); code
 * itself when the table (which may be NULL) does not name it, "" for NULL.
 * The string lives as long as the table. */
const char *names_ru(const struct names *n, const char *domain, const char *code);
/* The title of domain ("Тип потребителя"), or NULL when not named. */
const char *names_title(const struct names *n, const char *domain);
void names_free(struct names *n);

#endif
