/* zipdeflate.c - deflated package entries (ISA-L); see zipdeflate.h. */
#include "zipdeflate.h"

#include <errno.h>
#include <isa-l/crc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sha256.h"

#define ZD_BUF (1 << 20)

void zipdeflate_stream_init(struct zipdeflate_stream *s,
			    int (*out)(void *arg, const unsigned char *bytes, size_t n), void *arg)
{
	s->crc = 0;
	s->size = 0;
	s->out = out;
	s->arg = arg;
	isal_deflate_init(&s->zs);
	s->zs.level = 1;
	s->zs.level_buf = s->level_buf;
	s->zs.level_buf_size = sizeof(s->level_buf);
	s->zs.gzip_flag = IGZIP_DEFLATE;
}

int zipdeflate_stream_put(struct zipdeflate_stream *s, const void *in, size_t n, int end)
{
	struct isal_zstream *zs = &s->zs;

	s->crc = crc32_gzip_refl(s->crc, in, n);
	s->size += (int64_t)n;
	zs->next_in = (uint8_t *)(uintptr_t)in;
	zs->avail_in = (uint32_t)n;
	zs->end_of_stream = (uint16_t)end;
	do {
		size_t m;

		zs->next_out = s->obuf;
		zs->avail_out = sizeof(s->obuf);
		if (isal_deflate(zs) != COMP_OK)
			return -1;
		m = sizeof(s->obuf) - zs->avail_out;
		if (m && s->out(s->arg, s->obuf, m))
			return -1;
	} while (zs->avail_in > 0 || zs->avail_out == 0 ||
		 (end && zs->internal_state.state != ZSTATE_END));
	return 0;
}

/* Append n deflated bytes to the spool. */
static int spool_out(void *arg, const unsigned char *bytes, size_t n)
{
	struct zipdeflate *d = arg;

	if (fwrite(bytes, 1, n, d->f) != n)
		return -1;
	d->len += (int64_t)n;
	return 0;
}

int zipdeflate_open(struct zipdeflate *d, const char *path, struct sbyt_err *e)
{
	memset(d, 0, sizeof(*d));
	if (snprintf(d->path, sizeof(d->path), "%s", path) >= (int)sizeof(d->path))
		return err_set(e, ERR_CANTCREATE, "path too long: '%.200s...'", path);
	d->zs = malloc(sizeof(*d->zs));
	d->in = malloc(ZD_BUF);
	if (!d->zs || !d->in) {
		zipdeflate_close(d);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	if (!(d->f = fopen(path, "w+b"))) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", path, strerror(errno));
		zipdeflate_close(d);
		return -1;
	}
	return 0;
}

void zipdeflate_begin(struct zipdeflate *d, struct zipdeflate_entry *ent)
{
	zipdeflate_stream_init(d->zs, spool_out, d);
	memset(ent, 0, sizeof(*ent));
	ent->off = d->len;
}

int zipdeflate_put(struct zipdeflate *d, struct zipdeflate_entry *ent, const void *in, size_t n,
		   int end)
{
	static const unsigned char none[1];

	if (zipdeflate_stream_put(d->zs, n ? in : none, n, end))
		return -1;
	ent->size = d->zs->size;
	ent->crc = d->zs->crc;
	ent->csize = d->len - ent->off;
	return 0;
}

int zipdeflate_add(struct zipdeflate *d, const char *in, int64_t off, int64_t bytes,
		   char *sha256, struct zipdeflate_entry *ent, struct sbyt_err *e)
{
	struct sha256 sh;
	FILE *f = fopen(in, "rb");
	int64_t left = bytes;
	int end = 0;

	if (!f)
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", in, strerror(errno));
	if (off > 0 && fseeko(f, (off_t)off, SEEK_SET) != 0) {
		err_set(e, ERR_IO, "cannot read '%s': %s", in, strerror(errno));
		fclose(f);
		return -1;
	}
	zipdeflate_begin(d, ent);
	sha256_init(&sh);
	while (!end) {
		size_t want = bytes >= 0 && left < ZD_BUF ? (size_t)left : ZD_BUF;
		size_t n = want ? fread(d->in, 1, want, f) : 0;

		if (n < want && (ferror(f) || bytes >= 0)) {
			err_set(e, ERR_IO, "cannot read '%s': %s", in,
				ferror(f) ? strerror(errno) : "shorter than expected");
			fclose(f);
			return -1;
		}
		left -= (int64_t)n;
		end = n < want || (bytes >= 0 && left == 0);
		if (sha256)
			sha256_update(&sh, d->in, n);
		if (zipdeflate_put(d, ent, d->in, n, end)) {
			err_set(e, ERR_IO, "cannot deflate '%s' into '%s': %s", in, d->path,
				ferror(d->f) ? strerror(errno) : "deflate failed");
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (sha256)
		sha256_hex(&sh, sha256);
	return 0;
}

int zipdeflate_finish(struct zipdeflate *d, struct sbyt_err *e)
{
	if (fflush(d->f) != 0 || ferror(d->f))
		return err_set(e, ERR_IO, "cannot write '%s': %s", d->path, strerror(errno));
	return 0;
}

void zipdeflate_close(struct zipdeflate *d)
{
	if (d->f)
		fclose(d->f);
	free(d->zs);
	free(d->in);
	d->f = NULL;
	d->zs = NULL;
	d->in = NULL;
}

/* ---- the source ---- */

struct zsrc {
	struct zipdeflate_entry ent;
	FILE *f;
	int64_t pos;
	time_t mtime;
	zip_error_t err;
	char path[];
};

static zip_int64_t zsrc_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zsrc *s = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		if (!(s->f = fopen(s->path, "rb")) || fseeko(s->f, (off_t)s->ent.off, SEEK_SET) != 0) {
			zip_error_set(&s->err, ZIP_ER_OPEN, errno);
			return -1;
		}
		s->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		zip_uint64_t left = (zip_uint64_t)(s->ent.csize - s->pos);
		size_t n;

		if (len > left)
			len = left;
		n = fread(data, 1, (size_t)len, s->f);
		if (n < len) {
			zip_error_set(&s->err, ZIP_ER_READ, ferror(s->f) ? errno : EIO);
			return -1;
		}
		s->pos += (int64_t)n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
		if (s->f)
			fclose(s->f);
		s->f = NULL;
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st)) {
			zip_error_set(&s->err, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
			    ZIP_STAT_MTIME | ZIP_STAT_ENCRYPTION_METHOD;
		st->size = (zip_uint64_t)s->ent.size;
		st->comp_size = (zip_uint64_t)s->ent.csize;
		st->comp_method = ZIP_CM_DEFLATE;
		st->encryption_method = ZIP_EM_NONE;
		st->crc = s->ent.crc;
		st->mtime = s->mtime;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->err, data, len);
	case ZIP_SOURCE_FREE:
		if (s->f)
			fclose(s->f);
		zip_error_fini(&s->err);
		free(s);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&s->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

zip_source_t *zipdeflate_source(zip_t *z, const struct zipdeflate *d,
				const struct zipdeflate_entry *ent)
{
	size_t n = strlen(d->path) + 1;
	struct zsrc *s = calloc(1, sizeof(*s) + n);
	zip_source_t *src;

	if (!s) {
		zip_error_set(zip_get_error(z), ZIP_ER_MEMORY, 0);
		return NULL;
	}
	s->ent = *ent;
	s->mtime = time(NULL);
	zip_error_init(&s->err);
	memcpy(s->path, d->path, n);
	if (!(src = zip_source_function(z, zsrc_cb, s))) {
		zip_error_fini(&s->err);
		free(s);
	}
	return src;
}
