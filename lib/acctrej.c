/* acctrej.c - refused accounts to a rejects file; see acctrej.h. */
#include "acctrej.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "package.h"
#include "scrub.h"
#include "sha256.h"

/* Make the temporary file with its header.  0, or -1 with e set. */
static int make(struct acctrej *r, struct sbyt_err *e)
{
	static const char head[] = "account;reason\n";

	r->made = 1;
	if (package_mkdirs(r->path, e))  /* the folders above the file */
		return -1;
	r->fd = open(r->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
	if (r->fd < 0 || write(r->fd, head, sizeof(head) - 1) != (ssize_t)sizeof(head) - 1) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", r->tmp, strerror(errno));
		acctrej_abort(r);
		return -1;
	}
	return 0;
}

int acctrej_init_late(struct acctrej *r, const char *out_dir, const char *job, const char *what,
		      int64_t run_id, struct sbyt_err *e)
{
	char name[128], dir[4200];
	size_t n;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	/* the job and what as one file name: "bill:0/3" becomes "bill-0-3" */
	n = (size_t)snprintf(name, sizeof(name), "%.60s-%.60s", job, what);
	for (size_t i = 0; i < n && i < sizeof(name); i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_'))
			name[i] = '-';
	if (snprintf(dir, sizeof(dir), "%s/rejects", out_dir) >= (int)sizeof(dir) ||
	    snprintf(r->path, sizeof(r->path), "%s/%s-run%lld.accounts.csv", dir, name,
		     (long long)run_id) >= (int)sizeof(r->path))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", out_dir);
	/* a job may run the stage more than once (month per branch and kind):
	 * the later files take the next free name, none overwrites another */
	for (int k = 2; access(r->path, F_OK) == 0; k++)
		if (snprintf(r->path, sizeof(r->path), "%s/%s-run%lld-%d.accounts.csv", dir, name,
			     (long long)run_id, k) >= (int)sizeof(r->path))
			return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", out_dir);
	if (snprintf(r->tmp, sizeof(r->tmp), "%s.tmp", r->path) >= (int)sizeof(r->tmp))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", out_dir);
	r->late = 1;
	return 0;
}

int acctrej_init(struct acctrej *r, const char *out_dir, const char *job, const char *what,
		 int64_t run_id, struct sbyt_err *e)
{
	if (acctrej_init_late(r, out_dir, job, what, run_id, e))
		return -1;
	r->late = 0;
	return make(r, e);
}

/* One CSV field at b (room: 4 * strlen(s) + 3): quoted when it holds ';'
 * or '"', control characters escaped.  Returns the bytes written. */
static size_t field(char *b, const char *s)
{
	char *safe = scrub_controls_dup(s);
	const char *t = safe ? safe : "?";
	size_t n = 0;

	if (strpbrk(t, ";\"")) {
		b[n++] = '"';
		for (; *t; t++) {
			if (*t == '"')
				b[n++] = '"';
			b[n++] = *t;
		}
		b[n++] = '"';
	} else {
		n = strlen(t);
		memcpy(b, t, n);
	}
	free(safe);
	return n;
}

void acctrej_add(struct acctrej *r, const char *account, const char *reason)
{
	size_t cap = 8 * (strlen(account) + strlen(reason)) + 16, n;
	char *line;

	if (r->late && !r->made) {
		struct sbyt_err e;
		if (make(r, &e))
			r->failed = 1;
	}
	line = malloc(cap);
	if (r->fd < 0 || !line) {
		r->failed = 1;
		free(line);
		return;
	}
	n = field(line, account);
	line[n++] = ';';
	n += field(line + n, reason);
	line[n++] = '\n';
	if (write(r->fd, line, n) != (ssize_t)n)
		r->failed = 1;
	free(line);
}

void acctrej_add_msg(struct acctrej *r, const char *msg)
{
	char acc[64];
	const char *q;

	if (msg && strncmp(msg, "account '", 9) == 0 && (q = strchr(msg + 9, '\'')) != NULL &&
	    (size_t)(q - msg - 9) < sizeof(acc) && q[1] == ':') {
		memcpy(acc, msg + 9, (size_t)(q - msg - 9));
		acc[q - msg - 9] = '\0';
		acctrej_add(r, acc, q[2] == ' ' ? q + 3 : q + 2);
	} else {
		acctrej_add(r, "?", msg ? msg : "refused");
	}
}

/* The first few lines after the header, for the message. */
static void read_first(struct acctrej *r)
{
	char line[512];
	FILE *f = fopen(r->path, "r");
	int i = -1;

	if (!f)
		return;
	while (i < ACCTREJ_SHOW && fgets(line, sizeof(line), f)) {
		char *semi = strchr(line, ';');
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (i >= 0 && semi) {
			*semi = '\0';
			snprintf(r->first[i], sizeof(r->first[0]), "%.24s (%.150s%s)", line, semi + 1,
				 strlen(semi + 1) > 150 ? "..." : "");
		}
		i++;
	}
	fclose(f);
}

int acctrej_close(struct acctrej *r, int64_t n, struct sbyt_err *e)
{
	r->n = n;
	if (r->failed) {
		err_set(e, ERR_IO, "cannot write '%s': %s", r->tmp, strerror(errno));
		acctrej_abort(r);
		return -1;
	}
	if (n == 0) {
		acctrej_abort(r);
		return 0;
	}
	if (fsync(r->fd) != 0 || close(r->fd) != 0) {
		r->fd = -1;
		err_set(e, ERR_IO, "cannot write '%s': %s", r->tmp, strerror(errno));
		unlink(r->tmp);
		return -1;
	}
	r->fd = -1;
	if (rename(r->tmp, r->path) != 0) {
		err_set(e, ERR_IO, "cannot rename '%s': %s", r->tmp, strerror(errno));
		unlink(r->tmp);
		return -1;
	}
	read_first(r);
	return 0;
}

int acctrej_finish(struct acctrej *r, int64_t n, struct job *j, struct sbyt_err *e)
{
	char sha[SHA256_HEX];
	int64_t bytes;

	if (acctrej_close(r, n, e))
		return -1;
	if (r->n == 0 || !j)
		return 0;
	return sha256_file(r->path, sha, &bytes, e) || job_file(j, "out", r->path, sha, bytes, e)
		? -1 : 0;
}

void acctrej_abort(struct acctrej *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
		unlink(r->tmp);
	}
}

const char *acctrej_line(const struct acctrej *r, const char *what, char *buf, size_t size)
{
	size_t n;

	n = (size_t)snprintf(buf, size, "%lld accounts %s: ", (long long)r->n, what);
	for (int64_t i = 0; i < r->n && i < ACCTREJ_SHOW && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "; " : "", r->first[i]);
	if (r->n > ACCTREJ_SHOW && n < size)
		n += (size_t)snprintf(buf + n, size - n, " and %lld more",
				      (long long)(r->n - ACCTREJ_SHOW));
	if (n < size)
		snprintf(buf + n, size - n, "; every one in '%s'", r->path);
	return buf;
}
