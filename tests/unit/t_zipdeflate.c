/* t_zipdeflate.c - entries deflated by ISA-L before the zip: zlib inflates
 * them to the same bytes, the CRC is zlib's, libzip writes them as they are
 * and reads them back whole. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "check.h"
#include "sha256.h"
#include "zipdeflate.h"

#define BIG (3 * 1024 * 1024 + 12345)  /* past three of zipdeflate's 1 MB reads */

/* Inflate the raw deflate stream of ent in the spool; 0 when it gives
 * exactly want. */
static int inflates_to(const char *spool, const struct zipdeflate_entry *ent, const char *want,
		       size_t wlen)
{
	FILE *f = fopen(spool, "rb");
	unsigned char *in = malloc((size_t)ent->csize + 1);
	char *out = malloc(wlen + 16);
	z_stream zs;
	int rc = -1;

	memset(&zs, 0, sizeof(zs));
	if (!f || !in || !out || fseek(f, (long)ent->off, SEEK_SET) != 0 ||
	    fread(in, 1, (size_t)ent->csize, f) != (size_t)ent->csize ||
	    inflateInit2(&zs, -15) != Z_OK)
		goto out;
	zs.next_in = in;
	zs.avail_in = (uInt)ent->csize;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)wlen + 16;
	if (inflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out == wlen && zs.avail_in == 0 &&
	    memcmp(out, want, wlen) == 0)
		rc = 0;
	inflateEnd(&zs);
out:
	if (f)
		fclose(f);
	free(in);
	free(out);
	return rc;
}

static int write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc = f && fwrite(s, 1, n, f) == n ? 0 : -1;

	if (f && fclose(f) != 0)
		rc = -1;
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/sbyt-t_zipdeflate-XXXXXX", big[256], empty[256], spool[256], zpath[256];
	char hex[SHA256_HEX], want_hex[SHA256_HEX];
	struct zipdeflate_entry eb, es, ee;
	struct zipdeflate d;
	struct sbyt_err e;
	struct sha256 h;
	char *data = malloc(BIG);
	unsigned x = 12345;
	int err = 0;
	zip_t *z;

	if (!mkdtemp(dir) || !data)
		return 1;
	/* XML-like lines with pseudo-random numbers: compressible, not trivial */
	for (size_t i = 0, n; i < BIG; i += n) {
		char line[96];
		x = x * 1103515245u + 12345u;
		n = (size_t)snprintf(line, sizeof(line), "<Line kind=\"charge\" amount=\"%u.%02u\"/>\n",
				     (x >> 8) % 100000, (x >> 4) % 100);
		if (n > BIG - i)
			n = BIG - i;
		memcpy(data + i, line, n);
	}
	snprintf(big, sizeof(big), "%s/big.xml", dir);
	snprintf(empty, sizeof(empty), "%s/empty.xml", dir);
	snprintf(spool, sizeof(spool), "%s/deflated", dir);
	snprintf(zpath, sizeof(zpath), "%s/t.zip", dir);
	CHECK(write_file(big, data, BIG) == 0 && write_file(empty, "", 0) == 0, "inputs written");

	CHECK(zipdeflate_open(&d, spool, &e) == 0, "spool open");
	CHECK(zipdeflate_add(&d, big, 0, -1, hex, &eb, &e) == 0, "the whole file deflated");
	CHECK(zipdeflate_add(&d, big, 1000, 2 * 1024 * 1024, NULL, &es, &e) == 0,
	      "a slice of 2 MB from byte 1000 deflated");
	CHECK(zipdeflate_add(&d, empty, 0, -1, NULL, &ee, &e) == 0, "an empty file deflated");
	CHECK(zipdeflate_finish(&d, &e) == 0, "spool finished");

	CHECK(eb.size == BIG && es.size == 2 * 1024 * 1024 && ee.size == 0, "sizes read");
	CHECK(eb.off == 0 && es.off == eb.csize && ee.off == es.off + es.csize,
	      "entries follow each other in the spool");
	CHECK(eb.csize > 0 && eb.csize < BIG / 3, "the XML compresses (to under a third)");
	CHECK(eb.crc == (uint32_t)crc32(0, (const Bytef *)data, BIG), "CRC-32 of the file = zlib's");
	CHECK(es.crc == (uint32_t)crc32(0, (const Bytef *)data + 1000, 2 * 1024 * 1024),
	      "CRC-32 of the slice = zlib's");
	CHECK(ee.crc == 0, "CRC-32 of nothing is 0");
	sha256_init(&h);
	sha256_update(&h, data, BIG);
	sha256_hex(&h, want_hex);
	CHECK_STR(hex, want_hex, "SHA-256 of the file read on the way");
	CHECK(inflates_to(spool, &eb, data, BIG) == 0, "zlib inflates the file's stream to the file");
	CHECK(inflates_to(spool, &es, data + 1000, 2 * 1024 * 1024) == 0,
	      "zlib inflates the slice's stream to the slice");
	CHECK(inflates_to(spool, &ee, "", 0) == 0, "zlib inflates the empty stream to nothing");

	/* libzip writes the deflated bytes as they are and reads them back */
	z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &err);
	CHECK(z != NULL, "zip created");
	if (z) {
		zip_source_t *s1 = zipdeflate_source(z, &d, &eb), *s2 = zipdeflate_source(z, &d, &ee);
		CHECK(s1 && zip_file_add(z, "big.xml", s1, ZIP_FL_ENC_UTF_8) == 0, "big.xml added");
		CHECK(s2 && zip_file_add(z, "empty.xml", s2, ZIP_FL_ENC_UTF_8) == 1, "empty.xml added");
		CHECK(zip_close(z) == 0, "zip written");
	}
	zipdeflate_close(&d);
	z = zip_open(zpath, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	CHECK(z != NULL, "zip opens, consistent");
	if (z) {
		zip_stat_t st;
		zip_file_t *f;
		char *back = malloc(BIG + 1);
		CHECK(zip_stat(z, "big.xml", 0, &st) == 0 && st.comp_method == ZIP_CM_DEFLATE &&
		      st.size == BIG && (zip_int64_t)st.comp_size == eb.csize && st.crc == eb.crc,
		      "big.xml: deflated, the sizes and CRC of the spool (not deflated again)");
		f = zip_fopen(z, "big.xml", 0);
		CHECK(f && zip_fread(f, back, BIG + 1) == BIG && memcmp(back, data, BIG) == 0,
		      "big.xml reads back as the file (libzip checks the CRC)");
		if (f)
			zip_fclose(f);
		f = zip_fopen(z, "empty.xml", 0);
		CHECK(f && zip_fread(f, back, 1) == 0, "empty.xml reads back empty");
		if (f)
			zip_fclose(f);
		free(back);
		zip_close(z);
	}
	unlink(big);
	unlink(empty);
	unlink(spool);
	unlink(zpath);
	rmdir(dir);
	free(data);
	return check_done();
}
