/* infile.c - regular input files only; see infile.h. */
#include "infile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *infile_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symbolic link";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	}
	return "not a regular file";
}

int infile_check(const char *path, struct sbyt_err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;
		if (err == ELOOP || (err == EMLINK && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)))
			return err_set(e, ERR_NOINPUT, "'%s' is a symbolic link: refused, sbyt "
				       "reads regular files only", path);
		if (err == EISDIR)
			return err_set(e, ERR_NOINPUT, "'%s' is a directory: refused, sbyt reads "
				       "regular files only", path);
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", path, strerror(err));
	}
	if (fstat(fd, &st) != 0) {
		int err = errno;
		close(fd);
		return err_set(e, ERR_IO, "cannot stat '%s': %s", path, strerror(err));
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return err_set(e, ERR_NOINPUT, "'%s' is %s: refused, sbyt reads regular files only",
			       path, infile_kind((unsigned)st.st_mode));
	return 0;
}
