/*
 * infile.h - the door every input file passes: a regular file, not a link.
 *
 * sbyt reads only regular files.  An input path that is a symbolic link
 * (the inbox could be made to read /etc/shadow into a rejects file), a FIFO
 * or a device (`/dev/zero` would be read for ever) or a directory is
 * refused before anything reads it: the path is opened with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO does not block the open) and checked with fstat.
 *
 * The check and the reading are one open: infile_open() opens and checks
 * the path once and keeps the descriptor, and every reader of the file
 * (its hash, the channel's detection, the parser, the second pass that
 * writes the rejects file) reads that descriptor through infile_fopen(),
 * never the path again.  A file swapped for a link, a FIFO or another file
 * between the check and the reading is not read: what was checked is what
 * is read, hashed and recorded.
 */
#ifndef SBYT_INFILE_H
#define SBYT_INFILE_H

#include <stdio.h>

#include "error.h"

/* An input file opened and checked once. */
struct infile {
	const char *path;      /* for messages only: never opened again */
	int fd;                /* -1 when closed */
};

/* 0 when path is a regular file that is not a symbolic link and can be
 * opened for reading; -1 with e set (ERR_NOINPUT, exit 66) naming what it
 * is instead ("a symbolic link", "a directory", "a FIFO", "a device"...). */
int infile_check(const char *path, struct sbyt_err *e);
/* Open path as infile_check() checks it and keep the descriptor (blocking
 * again, close-on-exec) in in; in->path points to path, which must outlive
 * in.  0, or -1 with e set as infile_check() does. */
int infile_open(struct infile *in, const char *path, struct sbyt_err *e);
/* A stream reading the checked file from its first byte, on a duplicate of
 * its descriptor (fclose() it; in stays open).  One reader at a time: the
 * duplicates share the offset.  NULL with e set (ERR_IO) on failure. */
FILE *infile_fopen(const struct infile *in, struct sbyt_err *e);
/* Close the descriptor (in->fd -1); closing twice is harmless. */
void infile_close(struct infile *in);
/* What the file system entry of mode is, in words ("a FIFO"...). */
const char *infile_kind(unsigned mode);

#endif
