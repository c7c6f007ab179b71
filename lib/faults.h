/*
 * faults.h - a list of "FILE:LINE: reason" faults.
 *
 * Validators (rules files, master-data CSV, ingest files) report every fault
 * they find, not just the first: they add them here and fail at the end.
 * bin/ prints the list.  At most FAULTS_KEEP lines are kept (the count goes
 * on), so a file full of errors cannot exhaust memory.
 */
#ifndef SBYT_FAULTS_H
#define SBYT_FAULTS_H

#include <stdio.h>

#define FAULTS_KEEP 1000

struct faults {
	int count;   /* every fault added */
	int kept;    /* how many lines are held */
	char **lines;
};

#define FAULTS_INIT { 0, 0, NULL }

/* Add "FILE:LINE: reason" (line <= 0 gives "FILE: reason"). */
void faults_add(struct faults *f, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Print every kept line to out, then "... and N more" when some were dropped. */
void faults_print(const struct faults *f, FILE *out);
/* Free the lines; f can be reused after. */
void faults_release(struct faults *f);

#endif
