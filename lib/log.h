/*
 * log.h - what sbyt says on stderr.
 *
 * Three levels of verbosity (-q, default, -v).  Messages are English,
 * lowercase, in the PostgreSQL style: "sbyt: error: ...", then "detail:"
 * and "hint:" lines.  Progress (rows, rate, ETA) is drawn only when stderr is
 * a terminal and not quiet, so cron logs stay clean.  The summary line of
 * every job, `sbyt <command>: key=value ...`, is always printed.  Personal
 * data (names, phones, addresses) is logged only at -v and above.
 */
#ifndef SBYT_LOG_H
#define SBYT_LOG_H

#include <stdint.h>

enum log_level { LOG_QUIET = -1, LOG_NORMAL = 0, LOG_VERBOSE = 1, LOG_DEBUG = 2 };

/* Set the verbosity; the terminal test is done here once. */
void log_init(int verbosity);
int log_verbosity(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "detail: ..." and "hint: ..." lines that follow an error. */
void log_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one summary line of a job: "sbyt <command>: <text>". */
void log_summary(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A raw line on stderr, used by line-level reports ("FILE:LINE: reason"). */
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress of a long stage, one line on stderr redrawn in place:
 *   "WHAT: DONE/TOTAL UNIT, RATE UNIT/s, eta Ns"
 * (without a total: "WHAT: DONE UNIT, RATE UNIT/s"; with a file's bytes as
 * the measure of the whole: "WHAT: DONE UNIT, RATE UNIT/s, P%, eta Ns").
 * Drawn only when stderr is a terminal and not under -q, so cron logs and
 * redirected output stay clean; at most every 0.2 s (SBYT_PROGRESS_INTERVAL
 * seconds, read by log_init(); 0 draws at every step).  The line is erased
 * before any message and by progress_end(). */
struct progress {
	const char *what;
	const char *unit;          /* NULL: "rows" */
	int64_t total, done;
	double started, last;
	int fd;                    /* >= 0: the fraction done is fd's offset / size */
	int64_t size;
};
void progress_start(struct progress *p, const char *what, int64_t total);
/* The same, counting unit ("documents", "accounts", "lines"). */
void progress_start_unit(struct progress *p, const char *what, const char *unit, int64_t total);
/* Measure the fraction done by how far fd (a file of size bytes, being
 * read) has been read: for an ETA when the number of rows is not known. */
void progress_bytes(struct progress *p, int fd, int64_t size);
/* Add n to the total (a stage that learns its size part by part). */
void progress_total(struct progress *p, int64_t n);
/* Add n rows; redraws at most every interval, only on a terminal. */
void progress_add(struct progress *p, int64_t n);
/* 1 when progress is drawn (stderr a terminal, not -q): a stage may then
 * spend a query on its total. */
int progress_wanted(void);
/* Clear the progress line; returns the stage's seconds. */
double progress_end(struct progress *p);
/* Monotonic seconds, for timings. */
double log_now(void);

#endif
