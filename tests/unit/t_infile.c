/* t_infile.c - the door of input files: checked once, read through the
 * checked descriptor, whatever the path becomes afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "infile.h"
#include "sha256.h"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The whole stream as a string (at most size - 1 bytes). */
static char *slurp(FILE *f, char *buf, size_t size)
{
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/sbyt-infile-XXXXXX", path[128], other[128], link_[128], fifo[128];
	char buf[256], hex[SHA256_HEX];
	struct infile in;
	struct sbyt_err e;
	int64_t bytes;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/payments.csv", dir);
	snprintf(other, sizeof(other), "%s/other.csv", dir);
	snprintf(link_, sizeof(link_), "%s/link.csv", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	put(path, "checked\n");
	put(other, "swapped in\n");

	CHECK_INT(infile_open(&in, path, &e), 0, "a regular file opens");
	CHECK_STR(slurp(infile_fopen(&in, &e), buf, sizeof(buf)), "checked\n",
		  "a reader gets its content");
	/* The path is swapped after the check: first for another file, then
	 * for a symbolic link to it.  The readers still read what was checked. */
	CHECK_INT(rename(other, path), 0, "the path is replaced by another file");
	CHECK_STR(slurp(infile_fopen(&in, &e), buf, sizeof(buf)), "checked\n",
		  "a second reader reads the checked file, not the one now at the path");
	CHECK_INT(symlink("/etc/passwd", link_) == 0 && rename(link_, path) == 0, 1,
		  "the path becomes a symbolic link to /etc/passwd");
	{
		FILE *f = infile_fopen(&in, &e);
		CHECK_INT(sha256_stream(f, path, hex, &bytes, &e), 0, "the checked file is hashed");
		/* "checked\n" is 8 bytes */
		CHECK_INT(bytes, 8, "its 8 bytes, not /etc/passwd's");
	}
	CHECK_STR(slurp(infile_fopen(&in, &e), buf, sizeof(buf)), "checked\n",
		  "each reader starts at the first byte");
	infile_close(&in);
	CHECK_INT(in.fd, -1, "closed");
	infile_close(&in);  /* twice: harmless */

	/* What the path is now is refused at the next open */
	CHECK_INT(infile_open(&in, path, &e), -1, "a symbolic link is refused");
	CHECK(e.kind == ERR_NOINPUT && strstr(e.msg, "is a symbolic link: refused"),
	      "as a symbolic link (exit 66)");
	CHECK_INT(mkfifo(fifo, 0600), 0, "a FIFO is made");
	CHECK_INT(infile_open(&in, fifo, &e), -1, "a FIFO is refused without blocking");
	CHECK(strstr(e.msg, "is a FIFO: refused") != NULL, "as a FIFO");
	CHECK_INT(infile_open(&in, dir, &e), -1, "a directory is refused");
	CHECK(strstr(e.msg, "is a directory") != NULL, "as a directory");
	CHECK_INT(infile_open(&in, "/dev/zero", &e), -1, "a device is refused");
	CHECK(strstr(e.msg, "is a character device: refused") != NULL, "as a character device");

	unlink(path);
	unlink(fifo);
	rmdir(dir);
	return check_done();
}
