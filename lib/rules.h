/*
 * rules.h - the rules directory as a whole: its version and its check.
 *
 * The rules version is the SHA-256 of every regular file under the rules
 * directory (relative path, a NUL, the contents, in byte order of the
 * paths); every run record carries it, so an auditor can tell which law a
 * run applied.  rules_check() runs the validator of every kind of rules file
 * and collects all their faults.
 */
#ifndef SBYT_RULES_H
#define SBYT_RULES_H

#include "error.h"
#include "faults.h"
#include "sha256.h"

/* Hash dir into hex (SHA256_HEX bytes).  Returns 0, or -1 with e set
 * (ERR_CONFIG when dir cannot be read). */
int rules_version(const char *dir, char *hex, struct sbyt_err *e);
/* Validate every rules file under dir, adding every fault to f.  Returns
 * the number of kinds of rules checked, or -1 when any fault was found. */
int rules_check(const char *dir, struct faults *f);
/* What the i-th kind of rules file is (for listings); NULL past the last. */
const char *rules_kind(int i);

#endif
