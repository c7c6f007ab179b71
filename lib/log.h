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

/* Progress of a long stage. total may be 0 when unknown. */
struct progress {
	const char *what;
	int64_t total, done;
	double started, last;
};
void progress_start(struct progress *p, const char *what, int64_t total);
/* Add n rows; redraws at most 5 times a second, only on a terminal. */
void progress_add(struct progress *p, int64_t n);
/* Clear the progress line; returns the stage's seconds. */
double progress_end(struct progress *p);
/* Monotonic seconds, for timings. */
double log_now(void);

#endif
