/*
 * infile.h - the door every input file passes: a regular file, not a link.
 *
 * sbyt reads only regular files.  An input path that is a symbolic link
 * (the inbox could be made to read /etc/shadow into a rejects file), a FIFO
 * or a device (`/dev/zero` would be read for ever) or a directory is
 * refused before anything reads it: the path is opened with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO does not block the open) and checked with fstat.
 */
#ifndef SBYT_INFILE_H
#define SBYT_INFILE_H

#include "error.h"

/* 0 when path is a regular file that is not a symbolic link and can be
 * opened for reading; -1 with e set (ERR_NOINPUT, exit 66) naming what it
 * is instead ("a symbolic link", "a directory", "a FIFO", "a device"...). */
int infile_check(const char *path, struct sbyt_err *e);
/* What the file system entry of mode is, in words ("a FIFO"...). */
const char *infile_kind(unsigned mode);

#endif
