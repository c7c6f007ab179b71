/* faults.c - the fault list; see faults.h. */
#include "faults.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scrub.h"

void faults_add(struct faults *f, const char *file, long line, const char *fmt, ...)
{
	char reason[1024], *s;
	va_list ap;
	int n;

	f->count++;
	if (f->kept >= FAULTS_KEEP)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (f->kept % 64 == 0) {
		char **nl = realloc(f->lines, sizeof(*nl) * (size_t)(f->kept + 64));
		if (!nl)
			return;
		f->lines = nl;
	}
	n = line > 0 ? snprintf(NULL, 0, "%s:%ld: %s", file, line, reason)
		     : snprintf(NULL, 0, "%s: %s", file, reason);
	s = malloc((size_t)n + 1);
	if (!s)
		return;
	if (line > 0)
		snprintf(s, (size_t)n + 1, "%s:%ld: %s", file, line, reason);
	else
		snprintf(s, (size_t)n + 1, "%s: %s", file, reason);
	f->lines[f->kept++] = s;
}

void faults_print(const struct faults *f, FILE *out)
{
	for (int i = 0; i < f->kept; i++) {
		/* a file name's control characters escaped (scrub.h) */
		char *safe = scrub_controls_dup(f->lines[i]);
		fprintf(out, "%s\n", safe ? safe : "(out of memory)");
		free(safe);
	}
	if (f->count > f->kept)
		fprintf(out, "... and %d more\n", f->count - f->kept);
}

void faults_release(struct faults *f)
{
	for (int i = 0; i < f->kept; i++)
		free(f->lines[i]);
	free(f->lines);
	f->lines = NULL;
	f->count = f->kept = 0;
}
