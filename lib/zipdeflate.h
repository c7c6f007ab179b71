/*
 * zipdeflate.h - the deflated entries of a package, compressed before the
 * zip is written.
 *
 * libzip deflates with zlib; ISA-L's deflate at its level 1 does the same
 * work four times faster on the documents' XML, and a little smaller (at
 * N = 1,000,000 the packages' 1.3 GB of XML took 5 CPU s of zlib at level
 * 1).  Each entry is read once: its SHA-256 (for the manifest), its CRC-32
 * and its deflated bytes, appended to one spool file; zipdeflate_source()
 * then hands libzip the deflated bytes as they are (libzip copies data
 * whose source says it is deflated, with its CRC and sizes).  The entries
 * come out byte for byte as before once inflated; the compressed bytes
 * differ from zlib's.
 */
#ifndef SBYT_ZIPDEFLATE_H
#define SBYT_ZIPDEFLATE_H

#include <stdint.h>
#include <isa-l/igzip_lib.h>
#include <stddef.h>
#include <stdio.h>
#include <zip.h>

#include "error.h"

/* One raw deflate stream (ISA-L, level 1) with the CRC-32 and size of
 * its input: zipdeflate_stream_init(), then zipdeflate_stream_put() with
 * each piece of the input, end set with the last (an empty one will do).
 * The deflated bytes go to out(arg, bytes, n), which returns 0, or -1 to
 * stop (put then returns -1).  Large (about 600 KB): allocate it. */
struct zipdeflate_stream {
	uint32_t crc;
	int64_t size;
	int (*out)(void *arg, const unsigned char *bytes, size_t n);
	void *arg;
	struct isal_zstream zs;
	unsigned char obuf[256 * 1024];
	unsigned char level_buf[ISAL_DEF_LVL1_DEFAULT];
};

void zipdeflate_stream_init(struct zipdeflate_stream *s,
			    int (*out)(void *arg, const unsigned char *bytes, size_t n), void *arg);
int zipdeflate_stream_put(struct zipdeflate_stream *s, const void *in, size_t n, int end);

struct zipdeflate {
	FILE *f;            /* the spool, being appended to */
	char path[4200];
	int64_t len;        /* its length so far */
	struct zipdeflate_stream *zs;
	unsigned char *in;
};

/* One deflated entry: where in the spool, and what libzip needs. */
struct zipdeflate_entry {
	int64_t off, csize, size;
	uint32_t crc;
};

/* Create the spool at path.  0, or -1 with e set. */
int zipdeflate_open(struct zipdeflate *d, const char *path, struct sbyt_err *e);
/* Deflate bytes bytes of the file in from off (bytes < 0: to its end)
 * onto the spool into *ent; sha256 (SHA256_HEX bytes, NULL: none) gets the
 * hex SHA-256 of those bytes.  0, or -1 with e set. */
int zipdeflate_add(struct zipdeflate *d, const char *in, int64_t off, int64_t bytes,
		   char *sha256, struct zipdeflate_entry *ent, struct sbyt_err *e);
/* The same for an entry written piece by piece, with no file of its own:
 * zipdeflate_begin() starts it at the spool's end, then
 * zipdeflate_put() takes each piece (end set with the last; n may be 0),
 * keeping *ent up to date.  Nothing else is added to d until the last
 * piece.  0, or -1 when the spool could not be written (errno) or deflate
 * failed. */
void zipdeflate_begin(struct zipdeflate *d, struct zipdeflate_entry *ent);
int zipdeflate_put(struct zipdeflate *d, struct zipdeflate_entry *ent, const void *in, size_t n,
		   int end);
/* Finish the spool for reading (after the last zipdeflate_add()); 0 or -1
 * with e set.  zipdeflate_close() frees d (the spool file stays). */
int zipdeflate_finish(struct zipdeflate *d, struct sbyt_err *e);
void zipdeflate_close(struct zipdeflate *d);
/* A libzip source of ent in d's spool, written into the zip as it is
 * (leave its compression to the source: no zip_set_file_compression());
 * NULL with z's error set. */
zip_source_t *zipdeflate_source(zip_t *z, const struct zipdeflate *d,
				const struct zipdeflate_entry *ent);

#endif
