/*
 * sms_rules.h - the patterns that read meter readings out of free SMS text
 * (SPEC 5.4), kept in rules/sms.xml as PCRE2 regular expressions.
 *
 * Each <Pattern> is compiled with PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS
 * (so `Т1` matches `т1`, and a character class [TТ] takes Latin and
 * Cyrillic letters) and must name the groups `account` and `t1`; `t2` and
 * `t3` are optional.  Patterns are tried in file order; the first that
 * matches the whole text wins.  No pattern lives in C code.
 */
#ifndef SBYT_SMS_RULES_H
#define SBYT_SMS_RULES_H

#include <stddef.h>

#include "faults.h"
#include "ingest_rec.h"

struct sms_rules;

/* Read and compile rules_dir/sms.xml (validated against
 * rules_dir/schema/sms.xsd).  Returns the rules (sms_rules_free), or NULL
 * after adding FILE:LINE faults to f: a schema error, a pattern PCRE2
 * cannot compile (with its message and offset), or a missing group. */
struct sms_rules *sms_rules_load(const char *rules_dir, struct faults *f);
/* Free rules (NULL is fine). */
void sms_rules_free(struct sms_rules *r);
/* Check rules_dir/sms.xml for `sbyt rules check`: 0 when clean, -1 after
 * adding faults. */
int sms_rules_check(const char *rules_dir, struct faults *f);
/* Match text[0..len) (valid UTF-8).  Returns 1 and fills rd->account,
 * has/value/zones when a pattern matched and its values are readable;
 * 0 when no pattern matches; -1 when a pattern matched but a value is not
 * a meter value (too many digits...).  *name (may be NULL) gets the name of
 * the pattern that matched. */
int sms_rules_match(struct sms_rules *r, const char *text, size_t len,
		    struct rec_reading *rd, const char **name);
/* How many patterns are loaded. */
int sms_rules_count(const struct sms_rules *r);

#endif
