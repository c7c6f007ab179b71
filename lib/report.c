/* report.c - where reports go: paths, temporary name, commit; see report.h. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "package.h"

int report_paths(const char *out_dir, const char *name, char *final, char *tmp, size_t size,
		 struct sbyt_err *e)
{
	int n = snprintf(final, size, "%s/reports/%s.xlsx", out_dir, name);

	if (n < 0 || (size_t)n >= size)
		return err_set(e, ERR_CANTCREATE, "report path under '%s' is too long", out_dir);
	n = snprintf(tmp, size, "%s.tmp-%d", final, (int)getpid());
	if (n < 0 || (size_t)n >= size)
		return err_set(e, ERR_CANTCREATE, "report path under '%s' is too long", out_dir);
	return package_mkdirs(final, e);
}

int report_commit(const char *tmp, const char *final, struct sbyt_err *e)
{
	if (chmod(tmp, 0640) != 0) {
		err_set(e, ERR_IO, "cannot set the mode of '%s': %s", tmp, strerror(errno));
		goto fail;
	}
	if (package_fsync(tmp, e))
		goto fail;
	if (rename(tmp, final) != 0) {
		err_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
		goto fail;
	}
	return package_fsync(final, e);
fail:
	unlink(tmp);
	return -1;
}
