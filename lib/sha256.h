/*
 * sha256.h - SHA-256 (FIPS 180-4), for file identity (the same input file
 * twice is a no-op), manifests and the rules version.
 */
#ifndef SBYT_SHA256_H
#define SBYT_SHA256_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "error.h"

#define SHA256_HEX 65  /* 64 hex digits and a NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Finish and write the lowercase hex digest into hex (SHA256_HEX bytes). */
void sha256_hex(struct sha256 *s, char *hex);
/* Hash a whole file, streaming; *bytes (may be NULL) gets its size.
 * Returns 0, or -1 with e set (ERR_NOINPUT when it cannot be opened,
 * ERR_IO when reading fails). */
int sha256_file(const char *path, char *hex, int64_t *bytes, struct sbyt_err *e);
/* The same from a stream open at its start, named path in the messages;
 * f is closed. */
int sha256_stream(FILE *f, const char *path, char *hex, int64_t *bytes, struct sbyt_err *e);
/* For tests: on = 0 forces the plain C compression function; on = 1 goes
 * back to the CPU's SHA extensions when it has them (the default, chosen
 * at start-up).  Returns 1 when the hardware path is now in use.  Not to be
 * called while another thread hashes. */
int sha256_hardware(int on);

#endif
