/*
 * package.h - zip packages that appear only when complete.
 *
 * A package (out/docs/2026-11/01/post.zip, out/limit/...) is built from
 * entries that writers produce as ordinary files in a private folder beside
 * the target (documents XML, register XLSX...).  package_seal() adds
 * manifest.xml (counts, sums, the SHA-256 and size of every entry, the run
 * id and the rules version), writes the zip under a temporary name, fsyncs
 * it and sets mode 0640; package_publish() renames it into place, then
 * fsyncs the folder: a reader sees the whole package or none.  A caller
 * whose package records a state change seals before its transaction
 * commits and publishes after (nothing final-named for a state that was
 * rolled back); package_commit() does both at once.  Leftovers of a killed
 * run (the caller holds the job lock, so they are dead) are removed on
 * open, or by package_clean() for a whole folder.
 * Entry names are checked so that they cannot escape the archive.
 */
#ifndef SBYT_PACKAGE_H
#define SBYT_PACKAGE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "sha256.h"

#define PACKAGE_MAX_ENTRIES 32  /* kept inside struct package; more are allocated */
#define PACKAGE_MAX_FACTS 24

struct package_entry {
	char name[256];
	char sha256[SHA256_HEX];
	int64_t bytes;
	int64_t off;         /* package_entry_part(): bytes [off, off + bytes) of path */
	int part;
	int streamed;        /* package_stream(): deflated into the parts' spool as it
	                        was written, at [zoff, zoff + zcsize) */
	int64_t zoff, zcsize;
	uint32_t zcrc;
	char path[4096];     /* last: an entry past PACKAGE_MAX_ENTRIES is allocated
	                        with room for its own path only (an edo package
	                        has one per УПД) */
};

struct package {
	char final[4096];     /* the zip's path */
	char tmp[4096];       /* the zip being written */
	char parts[4096];     /* folder of the entries being written */
	pthread_mutex_t mu;   /* entries are added from several threads (the
	                         package's, its renderer's) */
	int nentries;
	struct package_entry entry[PACKAGE_MAX_ENTRIES];
	struct package_entry **more;  /* entries past PACKAGE_MAX_ENTRIES (one file
	                                 per УПД in an edo package), freed by
	                                 package_commit() and package_abort() */
	int more_cap;
	int nfacts;
	int facts_lost;      /* facts that did not fit: package_seal() refuses */
	char fact_key[PACKAGE_MAX_FACTS][32];
	char fact_val[PACKAGE_MAX_FACTS][96];
	char sha256[SHA256_HEX];  /* of the committed zip */
	int64_t bytes;
	/* package_folder(): its files become entries at commit */
	char folder[4096];
	char spool[4096];     /* package_spool(): "" until asked for */
	int nfolder;
	struct package_fentry {   /* small: there may be a million */
		char name[64];
		char sha256[SHA256_HEX];
		int64_t bytes;
		int64_t off;          /* package_folder_part(): bytes [off, off + bytes) */
		int spool;            /* of spool file number spool, or -1: a file */
	} *fentry;
	int fentry_cap;
	struct package_stream *stream;  /* package_stream(): the spool its entries are
	                                   deflated into, kept until the seal */
	int nosync;           /* set after package_open(): package_seal() does not
	                         fsync the zip; the caller makes it durable before
	                         it publishes it (many zips synced at once) */
};

/* Start a package at path, creating its folders (mode 0750).  Returns 0, or
 * -1 with e set (ERR_CANTCREATE). */
int package_open(struct package *p, const char *path, struct sbyt_err *e);
/* The file to write entry `name` into (owned by p, valid until commit or
 * abort).  name: letters, digits, '.', '_', '-' and '/' between parts, no
 * '..' part, not absolute.  Returns NULL with e set when the name is bad or
 * there are too many entries.  The entry is taken as it is on disk when
 * package_commit() runs.  Entries (this, package_stream(),
 * package_entry_part()) may be added from several threads at once. */
const char *package_entry(struct package *p, const char *name, struct sbyt_err *e);
/* Entry `name` (as package_entry() wants it) written through the FILE
 * returned, deflated and hashed as the bytes come (none land in a file of
 * their own, nor are they read back at the seal): for a large entry made
 * in one pass, such as a package's documents XML.  The FILE is owned by p;
 * package_stream_end() closes it.  One at a time per package.  NULL with e
 * set. */
FILE *package_stream(struct package *p, const char *name, struct sbyt_err *e);
/* Close the entry package_stream() opened; 0, or -1 with e set (ERR_IO:
 * its bytes could not be deflated into the spool, e.g. a full disk). */
int package_stream_end(struct package *p, struct sbyt_err *e);
/* A file in the package's parts folder for many small entries written one
 * after another (one file per УПД cost a file creation each: 0.7 ms on a
 * busy ext4); created on the first call, owned by p.  NULL with e set when
 * the path is too long. */
const char *package_spool(struct package *p, struct sbyt_err *e);
/* Entry `name` (as package_entry() wants it) made of the bytes [off, off +
 * bytes) of the spool file path (package_spool()), whose SHA-256 the
 * caller computed as it wrote them; the zip reads them from there at
 * commit.  0, or -1 with e set. */
int package_entry_part(struct package *p, const char *name, const char *path, int64_t off,
		       int64_t bytes, const char *sha256, struct sbyt_err *e);
/* A folder whose files (as many as there are; names as package_entry()
 * wants them, no '/', under 64 bytes) all become entries at commit, in name order, each
 * hashed and listed in the manifest like the others; for one file per
 * document.  Owned by p; NULL with e set when it cannot be made. */
const char *package_folder(struct package *p, struct sbyt_err *e);
/* The path of spool file number k (0 <= k < 1000) of the package's parts
 * folder, for package_folder_part(), into buf; NULL with e set when it is
 * too long.  The caller creates and writes it; it goes with the parts. */
const char *package_spool_n(struct package *p, int k, char *buf, size_t size,
			    struct sbyt_err *e);
/* A file of the package's folder (named as package_folder() wants it) that
 * is the bytes [off, off + bytes) of spool file number k
 * (package_spool_n()), whose SHA-256 the caller computed as it wrote them:
 * one file per document without a file creation each (0.3-0.7 ms of
 * kernel time on this machine's ext4).  In the zip and the manifest it is
 * the same as a folder file of those bytes; folder files and these go in
 * name order together.  Callers on several threads serialise the calls.
 * 0, or -1 with e set (bad name, out of memory). */
int package_folder_part(struct package *p, const char *name, int k, int64_t off, int64_t bytes,
			const char *sha256, struct sbyt_err *e);
/* Add a fact to the manifest (<Fact name="documents" value="1234"/>); one
 * past PACKAGE_MAX_FACTS or too long makes package_seal() fail. */
void package_fact(struct package *p, const char *key, const char *value);
/* Write manifest.xml and the zip under its temporary name (p->tmp), fsync
 * it (unless p->nosync).  run_id and rules_version go into the manifest.  Returns 0 with
 * p->sha256/bytes set, or -1 with e set (ERR_IO when writing fails, e.g. a
 * full disk; the temporary zip is removed).  The parts are removed either
 * way; after 0 only p->tmp is left, for package_publish() or
 * package_abort(). */
int package_seal(struct package *p, int64_t run_id, const char *rules_version,
		 struct sbyt_err *e);
/* Rename the sealed zip into place and fsync its folder.  0, or -1 with e
 * set (ERR_IO; the temporary zip is removed). */
int package_publish(struct package *p, struct sbyt_err *e);
/* The same for a sealed zip known by its paths (the package itself gone). */
int package_publish_file(const char *tmp, const char *final, struct sbyt_err *e);
/* package_seal() then package_publish(). */
int package_commit(struct package *p, int64_t run_id, const char *rules_version,
		   struct sbyt_err *e);
/* Remove the leftovers of killed runs (sealed or half-written zips, parts
 * folders) in dir; the caller holds the lock of the job that writes there. */
void package_clean(const char *dir);
/* Remove everything a package left behind; the final path is untouched. */
void package_abort(struct package *p);

/* Create the folders of path's parent (mode 0750); 0 or -1 with e set. */
int package_mkdirs(const char *path, struct sbyt_err *e);
/* fsync a file (by path) and its folder; 0 or -1 with e set (ERR_IO). */
int package_fsync(const char *path, struct sbyt_err *e);

#endif
