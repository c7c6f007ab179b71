/* package.c - complete-or-absent zip packages with a manifest; see package.h. */
#include "package.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/xmlwriter.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "zipdeflate.h"

int package_mkdirs(const char *path, struct sbyt_err *e)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return err_set(e, ERR_CANTCREATE, "path too long: '%s'", path);
	memcpy(buf, path, n + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", buf, strerror(errno));
		*s = '/';
	}
	return 0;
}

int package_fsync(const char *path, struct sbyt_err *e)
{
	char dir[4096];
	char *slash;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fsync(fd) != 0) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_IO, "cannot sync '%s': %s", path, strerror(saved));
	}
	close(fd);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4200];

	if (!d) {
		unlink(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		remove_tree(path);
	}
	closedir(d);
	rmdir(dir);
}

/* Remove "<base>.tmp-*" and "<base>.parts-*" left by a dead run. */
static void remove_leftovers(const char *final)
{
	char dir[4096], pre1[300], pre2[300], path[4400];
	const char *base = strrchr(final, '/');
	DIR *d;
	struct dirent *de;

	base = base ? base + 1 : final;
	snprintf(dir, sizeof(dir), "%.*s", base == final ? 1 : (int)(base - final - 1),
		 base == final ? "." : final);
	snprintf(pre1, sizeof(pre1), "%s.tmp-", base);
	snprintf(pre2, sizeof(pre2), "%s.parts-", base);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, pre1, strlen(pre1)) == 0 ||
		    strncmp(de->d_name, pre2, strlen(pre2)) == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			remove_tree(path);
		}
	}
	closedir(d);
}

int package_open(struct package *p, const char *path, struct sbyt_err *e)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	if (strlen(path) > 3000)
		return err_set(e, ERR_CANTCREATE, "path too long: '%s'", path);
	snprintf(p->final, sizeof(p->final), "%s", path);
	snprintf(p->tmp, sizeof(p->tmp), "%s.tmp-%d", path, (int)getpid());
	snprintf(p->parts, sizeof(p->parts), "%s.parts-%d", path, (int)getpid());
	if (package_mkdirs(path, e))
		return -1;
	remove_leftovers(path);
	if (mkdir(p->parts, 0700) != 0)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", p->parts, strerror(errno));
	return 0;
}

static int name_ok(const char *name)
{
	const char *s = name;

	if (!*s || *s == '/' || strlen(name) >= sizeof(((struct package_entry *)0)->name))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-' || *s == '/'))
			return 0;
	for (s = name; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (!strncmp(s, "..", 2) && (s[2] == '/' || s[2] == '\0'))
			return 0;
		if (*s == '/' || *s == '\0')
			return 0;  /* empty part */
	}
	return 1;
}

/* Entry i: the first PACKAGE_MAX_ENTRIES inside p, the others allocated. */
static struct package_entry *ent(struct package *p, int i)
{
	return i < PACKAGE_MAX_ENTRIES ? &p->entry[i] : p->more[i - PACKAGE_MAX_ENTRIES];
}

static void free_more(struct package *p)
{
	for (int i = PACKAGE_MAX_ENTRIES; i < p->nentries; i++)
		free(p->more[i - PACKAGE_MAX_ENTRIES]);
	free(p->more);
	p->more = NULL;
	p->more_cap = 0;
	if (p->nentries > PACKAGE_MAX_ENTRIES)
		p->nentries = PACKAGE_MAX_ENTRIES;
}

/* A new entry `name` whose file is path (NULL: a file of its own in the
 * parts folder); NULL with e set.  p->mu held. */
static struct package_entry *add_entry_locked(struct package *p, const char *name,
					      const char *path, struct sbyt_err *e)
{
	struct package_entry *en;
	char flat[sizeof(en->name)], own[sizeof(en->path)];
	size_t len;

	if (!name_ok(name) || !strcmp(name, "manifest.xml")) {
		err_set(e, ERR_INTERNAL, "bad package entry name '%s'", name);
		return NULL;
	}
	if (!path) {
		snprintf(flat, sizeof(flat), "%s", name);
		for (char *s = flat; *s; s++)
			if (*s == '/')
				*s = '_';
		if (snprintf(own, sizeof(own), "%s/%d-%s", p->parts, p->nentries + 1, flat) >=
		    (int)sizeof(own)) {
			err_set(e, ERR_CANTCREATE, "path of entry '%s' of package '%s' too long", name,
				p->final);
			return NULL;
		}
		path = own;
	}
	len = strlen(path);
	if (len >= sizeof(en->path)) {
		err_set(e, ERR_CANTCREATE, "path of entry '%s' of package '%s' too long", name, p->final);
		return NULL;
	}
	if (p->nentries >= PACKAGE_MAX_ENTRIES) {
		int k = p->nentries - PACKAGE_MAX_ENTRIES;
		if (k >= p->more_cap) {
			int cap = p->more_cap ? 2 * p->more_cap : 64;
			struct package_entry **m = realloc(p->more, (size_t)cap * sizeof(*m));
			if (!m) {
				err_set(e, ERR_INTERNAL, "out of memory");
				return NULL;
			}
			p->more = m;
			p->more_cap = cap;
		}
		if (!(p->more[k] = calloc(1, offsetof(struct package_entry, path) + len + 1))) {
			err_set(e, ERR_INTERNAL, "out of memory");
			return NULL;
		}
	}
	en = ent(p, p->nentries++);
	en->part = 0;
	en->streamed = 0;
	en->off = 0;
	snprintf(en->name, sizeof(en->name), "%s", name);
	memcpy(en->path, path, len + 1);
	return en;
}

/* add_entry_locked() from any thread: the entry returned is the caller's
 * to fill (no other thread adds the same one). */
static struct package_entry *add_entry(struct package *p, const char *name, const char *path,
				       struct sbyt_err *e)
{
	struct package_entry *en;

	pthread_mutex_lock(&p->mu);
	en = add_entry_locked(p, name, path, e);
	pthread_mutex_unlock(&p->mu);
	return en;
}

const char *package_entry(struct package *p, const char *name, struct sbyt_err *e)
{
	struct package_entry *en = add_entry(p, name, NULL, e);

	return en ? en->path : NULL;
}

/* The spool the package's deflated entries go into (parts/deflated),
 * with the entry being written through package_stream(). */
struct package_stream {
	struct zipdeflate zd;
	FILE *f;                    /* the entry's FILE, NULL between entries */
	struct package_entry *en;   /* its entry */
	int err;                    /* errno of a failed write */
	struct zipdeflate_entry at;
	struct sha256 sh;
};

static int stored(const char *name);

/* p->stream, made (its spool created) on the first call; NULL with e set. */
static struct package_stream *stream_spool(struct package *p, struct sbyt_err *e)
{
	char path[4200];

	if (p->stream)
		return p->stream;
	if (!(p->stream = calloc(1, sizeof(*p->stream)))) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/deflated", p->parts);
	if (zipdeflate_open(&p->stream->zd, path, e)) {
		free(p->stream);
		p->stream = NULL;
		return NULL;
	}
	return p->stream;
}

static void stream_free(struct package *p)
{
	if (!p->stream)
		return;
	if (p->stream->f) {
		p->stream->err = ECANCELED;  /* stream_write() drops what is left */
		fclose(p->stream->f);
	}
	zipdeflate_close(&p->stream->zd);
	free(p->stream);
	p->stream = NULL;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t n)
{
	struct package_stream *s = cookie;

	if (s->err) {
		errno = s->err;
		return s->err == ECANCELED ? (ssize_t)n : -1;
	}
	sha256_update(&s->sh, buf, n);
	if (zipdeflate_put(&s->zd, &s->at, buf, n, 0)) {
		s->err = errno ? errno : EIO;
		errno = s->err;
		return -1;
	}
	return (ssize_t)n;
}

FILE *package_stream(struct package *p, const char *name, struct sbyt_err *e)
{
	static const cookie_io_functions_t io = { .write = stream_write };
	struct package_stream *s = stream_spool(p, e);
	struct package_entry *en;

	if (!s)
		return NULL;
	if (s->f || stored(name)) {
		err_set(e, ERR_INTERNAL, "package '%s': entry '%s' cannot be streamed%s", p->final,
			name, s->f ? " while another is" : "");
		return NULL;
	}
	if (!(en = add_entry(p, name, NULL, e)))
		return NULL;
	en->streamed = 1;
	s->en = en;
	s->err = 0;
	sha256_init(&s->sh);
	zipdeflate_begin(&s->zd, &s->at);
	if (!(s->f = fopencookie(s, "w", io))) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	setvbuf(s->f, NULL, _IOFBF, 256 * 1024);
	return s->f;
}

int package_stream_end(struct package *p, struct sbyt_err *e)
{
	struct package_stream *s = p->stream;
	struct package_entry *en;
	int bad;

	if (!s || !s->f)
		return err_set(e, ERR_INTERNAL, "package '%s': no entry being written", p->final);
	bad = fclose(s->f) != 0;
	s->f = NULL;
	if (!bad && !s->err && zipdeflate_put(&s->zd, &s->at, NULL, 0, 1))
		s->err = errno ? errno : EIO;
	en = s->en;
	if (bad || s->err)
		return err_set(e, ERR_IO, "cannot write entry '%s' of '%s': %s", en->name, p->final,
			       strerror(s->err ? s->err : errno));
	sha256_hex(&s->sh, en->sha256);
	en->bytes = s->at.size;
	en->zoff = s->at.off;
	en->zcsize = s->at.csize;
	en->zcrc = s->at.crc;
	return 0;
}

const char *package_spool(struct package *p, struct sbyt_err *e)
{
	if (p->spool[0])
		return p->spool;
	if (snprintf(p->spool, sizeof(p->spool), "%s/spool", p->parts) >= (int)sizeof(p->spool)) {
		err_set(e, ERR_CANTCREATE, "path of the spool of package '%s' too long", p->final);
		p->spool[0] = '\0';
		return NULL;
	}
	return p->spool;
}

int package_entry_part(struct package *p, const char *name, const char *path, int64_t off,
		       int64_t bytes, const char *sha256, struct sbyt_err *e)
{
	struct package_entry *en = add_entry(p, name, path, e);

	if (!en)
		return -1;
	snprintf(en->sha256, sizeof(en->sha256), "%s", sha256);
	en->off = off;
	en->bytes = bytes;
	en->part = 1;
	return 0;
}

const char *package_folder(struct package *p, struct sbyt_err *e)
{
	if (p->folder[0])
		return p->folder;
	if (snprintf(p->folder, sizeof(p->folder), "%s/folder", p->parts) >= (int)sizeof(p->folder)) {
		err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", p->parts);
		p->folder[0] = '\0';
		return NULL;
	}
	if (mkdir(p->folder, 0700) != 0) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", p->folder, strerror(errno));
		p->folder[0] = '\0';
		return NULL;
	}
	return p->folder;
}

const char *package_spool_n(struct package *p, int k, char *buf, size_t size,
			    struct sbyt_err *e)
{
	if (k < 0 || k >= 1000 ||
	    snprintf(buf, size, "%s/spool-%d", p->parts, k) >= (int)size) {
		err_set(e, ERR_CANTCREATE, "path of spool %d of package '%s' too long", k, p->final);
		return NULL;
	}
	return buf;
}

/* One more folder entry, or NULL (out of memory). */
static struct package_fentry *fentry_add(struct package *p)
{
	if (p->nfolder >= p->fentry_cap) {
		int cap = p->fentry_cap ? p->fentry_cap * 2 : 64;
		struct package_fentry *ne = realloc(p->fentry, (size_t)cap * sizeof(*ne));
		if (!ne)
			return NULL;
		p->fentry = ne;
		p->fentry_cap = cap;
	}
	return &p->fentry[p->nfolder++];
}

int package_folder_part(struct package *p, const char *name, int k, int64_t off, int64_t bytes,
			const char *sha256, struct sbyt_err *e)
{
	struct package_fentry *en;

	if (!name_ok(name) || strchr(name, '/') || strlen(name) >= sizeof(en->name) ||
	    !strcmp(name, "manifest.xml") || k < 0 || k >= 1000)
		return err_set(e, ERR_INTERNAL, "bad package entry name '%s'", name);
	if (!(en = fentry_add(p)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	snprintf(en->name, sizeof(en->name), "%s", name);
	snprintf(en->sha256, sizeof(en->sha256), "%s", sha256);
	en->bytes = bytes;
	en->off = off;
	en->spool = k;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct package_fentry *)a)->name,
		      ((const struct package_fentry *)b)->name);
}

/* Stored as it is: an XLSX is a zip already, a PDF compressed already;
 * the other entries are deflated (zipdeflate.h). */
static int stored(const char *name)
{
	size_t len = strlen(name);

	return (len > 5 && !strcmp(name + len - 5, ".xlsx")) ||
	       (len > 4 && !strcmp(name + len - 4, ".pdf"));
}

/* The folder's files as entries, hashed, in name order. */
static int scan_folder(struct package *p, struct sbyt_err *e)
{
	DIR *d;
	struct dirent *de;

	if (!p->folder[0])
		goto sort;
	d = opendir(p->folder);
	if (!d)
		return err_set(e, ERR_IO, "cannot read '%s': %s", p->folder, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct package_fentry *en;
		if (de->d_name[0] == '.')
			continue;
		if (!name_ok(de->d_name) || strchr(de->d_name, '/') || strlen(de->d_name) >= 64 ||
		    !strcmp(de->d_name, "manifest.xml")) {
			closedir(d);
			return err_set(e, ERR_INTERNAL, "bad package entry name '%s'", de->d_name);
		}
		if (!(en = fentry_add(p))) {
			closedir(d);
			return err_set(e, ERR_INTERNAL, "out of memory");
		}
		snprintf(en->name, sizeof(en->name), "%s", de->d_name);
		en->spool = -1;
		en->off = 0;
	}
	closedir(d);
sort:
	if (p->nfolder == 0)
		return 0;
	qsort(p->fentry, (size_t)p->nfolder, sizeof(*p->fentry), cmp_entry);
	for (int i = 0; i < p->nfolder; i++) {
		char path[4200];
		if (i > 0 && !strcmp(p->fentry[i - 1].name, p->fentry[i].name))
			return err_set(e, ERR_INTERNAL, "package entry '%s' twice", p->fentry[i].name);
		if (p->fentry[i].spool >= 0 || !stored(p->fentry[i].name))
			continue;  /* hashed by its writer, or when deflated */
		snprintf(path, sizeof(path), "%s/%s", p->folder, p->fentry[i].name);
		if (sha256_file(path, p->fentry[i].sha256, &p->fentry[i].bytes, e))
			return -1;
	}
	return 0;
}

void package_fact(struct package *p, const char *key, const char *value)
{
	/* past the capacity, or a fact that does not fit: package_commit()
	 * refuses the package rather than write a manifest without it */
	if (p->nfacts >= PACKAGE_MAX_FACTS ||
	    snprintf(p->fact_key[p->nfacts], sizeof(p->fact_key[0]), "%s", key) >=
		    (int)sizeof(p->fact_key[0]) ||
	    snprintf(p->fact_val[p->nfacts], sizeof(p->fact_val[0]), "%s", value) >=
		    (int)sizeof(p->fact_val[0])) {
		p->facts_lost++;
		return;
	}
	p->nfacts++;
}

static int write_manifest(struct package *p, const char *path, int64_t run_id,
			  const char *rules_version, struct sbyt_err *e)
{
	xmlTextWriterPtr w = xmlNewTextWriterFilename(path, 0);
	const char *base = strrchr(p->final, '/');
	char run[24], bytes[24];
	int rc = 0;

	if (!w)
		return err_set(e, ERR_IO, "cannot write '%s'", path);
	snprintf(run, sizeof(run), "%lld", (long long)run_id);
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "Manifest") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns", BAD_CAST "urn:sbyt:manifest:1") < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "package", BAD_CAST(base ? base + 1 : p->final)) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "run", BAD_CAST run) < 0;
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rulesVersion",
					  BAD_CAST(rules_version ? rules_version : "")) < 0;
	for (int i = 0; i < p->nfacts; i++) {
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Fact") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST p->fact_key[i]) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST p->fact_val[i]) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (int i = 0; i < p->nentries + p->nfolder; i++) {
		int f = i >= p->nentries;
		const char *name = f ? p->fentry[i - p->nentries].name : ent(p, i)->name;
		const char *sha = f ? p->fentry[i - p->nentries].sha256 : ent(p, i)->sha256;
		int64_t size = f ? p->fentry[i - p->nentries].bytes : ent(p, i)->bytes;
		snprintf(bytes, sizeof(bytes), "%lld", (long long)size);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "Entry") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "bytes", BAD_CAST bytes) < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "sha256", BAD_CAST sha) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (rc)
		return err_set(e, ERR_IO, "cannot write '%s' (disk full?)", path);
	return 0;
}

/* Entry i of the zip, the entries then the folder's: its name, and where
 * its bytes are (path, a buffer of 4200; *bytes < 0: the whole file).
 * NULL with e set. */
static const char *entry_at(struct package *p, int i, char *path, int64_t *off, int64_t *bytes,
			    struct sbyt_err *e)
{
	struct package_fentry *f;

	if (i < p->nentries) {
		struct package_entry *en = ent(p, i);
		snprintf(path, 4200, "%s", en->path);
		*off = en->part ? en->off : 0;
		*bytes = en->part ? en->bytes : -1;
		return en->name;
	}
	f = &p->fentry[i - p->nentries];
	*off = 0;
	*bytes = -1;
	if (f->spool >= 0) {
		if (!package_spool_n(p, f->spool, path, 4200, e))
			return NULL;
		*off = f->off;
		*bytes = f->bytes;
	} else {
		snprintf(path, 4200, "%s/%s", p->folder, f->name);
	}
	return f->name;
}

int package_seal(struct package *p, int64_t run_id, const char *rules_version,
		 struct sbyt_err *e)
{
	char manifest[4200], path[4200];
	struct zipdeflate *zd;
	struct zipdeflate_entry *dent = NULL;
	int n, nf;
	zip_t *z;
	int zerr = 0;

	if (p->facts_lost) {
		err_set(e, ERR_INTERNAL, "package '%s': %d manifest facts did not fit", p->final,
			p->facts_lost);
		goto fail;
	}
	if (p->stream && p->stream->f) {
		err_set(e, ERR_INTERNAL, "package '%s': entry '%s' not finished", p->final,
			p->stream->en->name);
		goto fail;
	}
	for (int i = 0; i < p->nentries; i++)
		if (!ent(p, i)->part && stored(ent(p, i)->name) &&
		    sha256_file(ent(p, i)->path, ent(p, i)->sha256, &ent(p, i)->bytes, e)) {
			err_prefix(e, "package entry '%s' was not written", ent(p, i)->name);
			goto fail;
		}
	if (scan_folder(p, e))
		goto fail;
	/* the deflated entries, read once: hashed (the files written whole)
	 * and deflated into one spool, after those streamed into it */
	n = p->nentries;
	nf = p->nfolder;
	if (!(dent = calloc((size_t)(n + nf + 1), sizeof(*dent)))) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	if (!stream_spool(p, e))
		goto fail;
	zd = &p->stream->zd;
	for (int i = 0; i < n + nf; i++) {
		int64_t off, bytes;
		const char *name = entry_at(p, i, path, &off, &bytes, e);
		char *sha = NULL;
		int64_t *size = NULL;

		if (!name)
			goto fail;
		if (stored(name))
			continue;
		if (i < n && ent(p, i)->streamed) {
			dent[i].off = ent(p, i)->zoff;
			dent[i].csize = ent(p, i)->zcsize;
			dent[i].size = ent(p, i)->bytes;
			dent[i].crc = ent(p, i)->zcrc;
			continue;
		}
		if (i < n && !ent(p, i)->part) {
			sha = ent(p, i)->sha256;
			size = &ent(p, i)->bytes;
		} else if (i >= n && p->fentry[i - n].spool < 0) {
			sha = p->fentry[i - n].sha256;
			size = &p->fentry[i - n].bytes;
		}
		if (zipdeflate_add(zd, path, off, bytes, sha, &dent[i], e)) {
			if (i < n && !ent(p, i)->part)
				err_prefix(e, "package entry '%s' was not written", name);
			goto fail;
		}
		if (size)
			*size = dent[i].size;
	}
	snprintf(manifest, sizeof(manifest), "%s/manifest.xml", p->parts);
	if (write_manifest(p, manifest, run_id, rules_version, e) ||
	    zipdeflate_add(zd, manifest, 0, -1, NULL, &dent[n + nf], e) ||
	    zipdeflate_finish(zd, e))
		goto fail;
	z = zip_open(p->tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s' (zip error %d)", p->tmp, zerr);
		goto fail;
	}
	for (int i = 0; i <= n + nf; i++) {
		int64_t off = 0, bytes = -1;
		const char *name = i < n + nf ? entry_at(p, i, path, &off, &bytes, e) : "manifest.xml";
		int store = name && stored(name);
		zip_source_t *src;
		zip_int64_t idx;

		if (!name) {
			zip_discard(z);
			goto fail;
		}
		if (!store)
			src = zipdeflate_source(z, zd, &dent[i]);
		else if (bytes == 0)  /* (libzip reads a length of 0 as "to the end of the file") */
			src = zip_source_buffer(z, NULL, 0, 0);
		else
			src = zip_source_file(z, path, (zip_uint64_t)off, bytes);
		idx = src ? zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(src);
			err_set(e, ERR_IO, "cannot add '%s' to '%s': %s", name, p->tmp, zip_strerror(z));
			zip_discard(z);
			goto fail;
		}
		if (store)
			zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		/* every entry a regular file of mode 0640, as the files we write
		 * (a deflated entry's source has no file to take it from) */
		zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
						 (zip_uint32_t)(S_IFREG | 0640) << 16);
	}
	if (zip_close(z) != 0) {
		err_set(e, ERR_IO, "cannot write '%s': %s", p->tmp, zip_strerror(z));
		zip_discard(z);
		goto fail;
	}
	stream_free(p);
	free(dent);
	dent = NULL;
	if (chmod(p->tmp, 0640) != 0 || (!p->nosync && package_fsync(p->tmp, e)) ||
	    sha256_file(p->tmp, p->sha256, &p->bytes, e))
		goto fail_io;
	remove_tree(p->parts);
	free(p->fentry);
	p->fentry = NULL;
	p->fentry_cap = 0;
	p->parts[0] = '\0';
	free_more(p);
	return 0;
fail_io:
	if (e && e->kind == ERR_NONE)
		err_set(e, ERR_IO, "cannot finish '%s': %s", p->tmp, strerror(errno));
fail:
	free(dent);
	package_abort(p);
	return -1;
}

int package_publish_file(const char *tmp, const char *final, struct sbyt_err *e)
{
	if (rename(tmp, final) != 0) {
		err_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return package_fsync(final, e);
}

int package_publish(struct package *p, struct sbyt_err *e)
{
	int rc = package_publish_file(p->tmp, p->final, e);

	p->tmp[0] = '\0';
	return rc;
}

int package_commit(struct package *p, int64_t run_id, const char *rules_version,
		   struct sbyt_err *e)
{
	if (package_seal(p, run_id, rules_version, e))
		return -1;
	return package_publish(p, e);
}

void package_clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4400];

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".zip.tmp-") || strstr(de->d_name, ".zip.parts-")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			remove_tree(path);
		}
	}
	closedir(d);
}

void package_abort(struct package *p)
{
	stream_free(p);
	free(p->fentry);
	p->fentry = NULL;
	p->fentry_cap = 0;
	p->nfolder = 0;
	if (p->parts[0])
		remove_tree(p->parts);
	if (p->tmp[0])
		unlink(p->tmp);
	free_more(p);
}
