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
	struct infile in;

	if (infile_open(&in, path, e))
		return -1;
	infile_close(&in);
	return 0;
}

int infile_open(struct infile *in, const char *path, struct sbyt_err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	int fl;

	in->path = path;
	in->fd = -1;

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
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_NOINPUT, "'%s' is %s: refused, sbyt reads regular files only",
			       path, infile_kind((unsigned)st.st_mode));
	}
	/* a regular file: reads block as usual */
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	in->fd = fd;
	return 0;
}

FILE *infile_fopen(const struct infile *in, struct sbyt_err *e)
{
	int fd;
	FILE *f;

	if (in->fd < 0) {
		err_set(e, ERR_INTERNAL, "'%s' is not open", in->path);
		return NULL;
	}
	fd = fcntl(in->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0 || !(f = fdopen(fd, "rb"))) {
		err_set(e, ERR_IO, "cannot read '%s': %s", in->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return f;
}

void infile_close(struct infile *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}
