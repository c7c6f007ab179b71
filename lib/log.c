/* log.c - stderr messages, progress and the summary line; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int verbosity;
static int tty;
static int progress_shown;

void log_init(int v)
{
	verbosity = v;
	tty = isatty(STDERR_FILENO);
}

int log_verbosity(void)
{
	return verbosity;
}

static void clear_progress(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	clear_progress();
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define SAY(prefix, cond)                   \
	do {                                \
		va_list ap;                 \
		if (!(cond))                \
			return;             \
		va_start(ap, fmt);          \
		vsay(prefix, fmt, ap);      \
		va_end(ap);                 \
	} while (0)

void log_error(const char *fmt, ...) { SAY("sbyt: error: ", 1); }
void log_warn(const char *fmt, ...) { SAY("sbyt: warning: ", verbosity >= LOG_NORMAL); }
void log_info(const char *fmt, ...) { SAY("sbyt: ", verbosity >= LOG_NORMAL); }
void log_verbose(const char *fmt, ...) { SAY("sbyt: ", verbosity >= LOG_VERBOSE); }
void log_detail(const char *fmt, ...) { SAY("sbyt: detail: ", 1); }
void log_hint(const char *fmt, ...) { SAY("sbyt: hint: ", 1); }
void log_line(const char *fmt, ...) { SAY("", 1); }

void log_summary(const char *command, const char *fmt, ...)
{
	va_list ap;

	clear_progress();
	fprintf(stderr, "sbyt %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

double log_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *what, int64_t total)
{
	p->what = what;
	p->total = total;
	p->done = 0;
	p->started = p->last = log_now();
}

void progress_add(struct progress *p, int64_t n)
{
	double now, rate;

	p->done += n;
	if (!tty || verbosity < LOG_NORMAL || (p->done & 1023) != 0)
		return;
	now = log_now();
	if (now - p->last < 0.2)
		return;
	p->last = now;
	rate = (double)p->done / (now - p->started + 1e-9);
	if (p->total > 0 && rate > 0)
		fprintf(stderr, "\r\033[K%s: %lld/%lld rows, %.0f rows/s, eta %.0fs",
			p->what, (long long)p->done, (long long)p->total, rate,
			(double)(p->total - p->done) / rate);
	else
		fprintf(stderr, "\r\033[K%s: %lld rows, %.0f rows/s", p->what,
			(long long)p->done, rate);
	progress_shown = 1;
}

double progress_end(struct progress *p)
{
	clear_progress();
	return log_now() - p->started;
}
