/* log.c - stderr messages, progress and the summary line; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "scrub.h"

static int verbosity;
static int tty;
static int progress_shown;
static double progress_interval = 0.2;

void log_init(int v)
{
	const char *env = getenv("SBYT_PROGRESS_INTERVAL");
	char *end;
	double s;

	verbosity = v;
	tty = isatty(STDERR_FILENO);
	if (env && *env && (s = strtod(env, &end)) >= 0 && !*end && s < 3600)
		progress_interval = s;
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

/* One line on stderr: prefix and the message, whose control characters
 * (a file name's newline, an escape sequence) are escaped, so that no name
 * from outside can forge a line of the log or drive the terminal. */
static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	char small[1024], *text = small, *safe;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof(small) && (text = malloc((size_t)n + 1)) != NULL)
		vsnprintf(text, (size_t)n + 1, fmt, ap);
	if (!text)
		text = small;  /* out of memory: the line cut, still one line */
	clear_progress();
	fputs(prefix, stderr);
	if (scrub_has_controls(text) && (safe = scrub_controls_dup(text)) != NULL) {
		fputs(safe, stderr);
		free(safe);
	} else if (scrub_has_controls(text)) {
		for (char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		fputs(text, stderr);
	} else {
		fputs(text, stderr);
	}
	fputc('\n', stderr);
	if (text != small)
		free(text);
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
	char prefix[128];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "sbyt %.100s: ", command);
	va_start(ap, fmt);
	vsay(prefix, fmt, ap);
	va_end(ap);
}

double log_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *what, int64_t total)
{
	progress_start_unit(p, what, NULL, total);
}

void progress_start_unit(struct progress *p, const char *what, const char *unit, int64_t total)
{
	p->what = what;
	p->unit = unit;
	p->total = total;
	p->done = 0;
	p->fd = -1;
	p->size = 0;
	p->started = p->last = log_now();
}

int progress_wanted(void)
{
	return tty && verbosity >= LOG_NORMAL;
}

void progress_bytes(struct progress *p, int fd, int64_t size)
{
	p->fd = fd;
	p->size = size;
}

void progress_total(struct progress *p, int64_t n)
{
	p->total += n;
}

void progress_add(struct progress *p, int64_t n)
{
	const char *unit = p->unit ? p->unit : "rows";
	double now, rate, elapsed;
	char safe[256];

	p->done += n;
	if (!tty || verbosity < LOG_NORMAL)
		return;
	now = log_now();
	if (now - p->last < progress_interval)
		return;
	p->last = now;
	elapsed = now - p->started + 1e-9;
	rate = (double)p->done / elapsed;
	/* the stage's name may hold a file name: escaped like every message */
	scrub_controls(p->what ? p->what : "", safe, sizeof(safe));
	if (p->total > 0 && rate > 0) {
		fprintf(stderr, "\r\033[K%s: %lld/%lld %s, %.0f %s/s, eta %.0fs", safe,
			(long long)p->done, (long long)p->total, unit, rate, unit,
			p->done < p->total ? (double)(p->total - p->done) / rate : 0.0);
	} else if (p->fd >= 0 && p->size > 0) {
		off_t at = lseek(p->fd, 0, SEEK_CUR);
		double part = at > 0 ? (double)at / (double)p->size : 0;

		if (part > 1)
			part = 1;
		if (part > 0)
			fprintf(stderr, "\r\033[K%s: %lld %s, %.0f %s/s, %.0f%%, eta %.0fs", safe,
				(long long)p->done, unit, rate, unit, 100 * part,
				elapsed * (1 - part) / part);
		else
			fprintf(stderr, "\r\033[K%s: %lld %s, %.0f %s/s", safe, (long long)p->done,
				unit, rate, unit);
	} else {
		fprintf(stderr, "\r\033[K%s: %lld %s, %.0f %s/s", safe, (long long)p->done, unit,
			rate, unit);
	}
	progress_shown = 1;
}

double progress_end(struct progress *p)
{
	clear_progress();
	return log_now() - p->started;
}
