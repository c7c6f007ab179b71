/* fastfmt.h - snprintf(), __snprintf_chk() and __fprintf_chk() for the
 * process, printing the formats its libraries use most (Cairo's numbers,
 * libxlsxwriter's cells, the documents' fields) without glibc's printf
 * engine and every other format with it; see fastfmt.c. */
#ifndef SBYT_FASTFMT_H
#define SBYT_FASTFMT_H

#include <stddef.h>

/* fmt printed as snprintf() prints it when this module does it without
 * glibc: its length (s holds the text as snprintf() leaves it), or -1 when
 * the format or a value is left to glibc (s then holds anything).  For
 * tests. */
int fastfmt_snprintf(char *s, size_t size, const char *fmt, ...);

#endif
