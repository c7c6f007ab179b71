/* copybin.c - binary COPY FROM STDIN; see copybin.h. */
#include "copybin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define FLUSH_AT (256 * 1024)
#define PG_EPOCH 10957  /* 2000-01-01 in days since 1970-01-01 */

static int reserve(struct copybin *c, size_t more, struct sbyt_err *e)
{
	size_t cap;
	char *nb;

	if (c->len + more <= c->cap)
		return 0;
	cap = c->cap ? c->cap : FLUSH_AT * 2;
	while (cap < c->len + more)
		cap *= 2;
	nb = realloc(c->buf, cap);
	if (!nb)
		return err_set(e, ERR_INTERNAL, "out of memory");
	c->buf = nb;
	c->cap = cap;
	return 0;
}

static void put16(struct copybin *c, unsigned v)
{
	unsigned char *p = (unsigned char *)c->buf + c->len;

	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
	c->len += 2;
}

static void put32(struct copybin *c, uint32_t v)
{
	unsigned char *p = (unsigned char *)c->buf + c->len;

	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	c->len += 4;
}

static int flush(struct copybin *c, struct sbyt_err *e)
{
	if (c->len == 0)
		return 0;
	if (PQputCopyData(c->db, c->buf, (int)c->len) != 1)
		return db_result_error(c->db, NULL, e);
	c->len = 0;
	return 0;
}

int copybin_mem_begin(struct copybin *c, struct sbyt_err *e)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";  /* and its NUL */

	memset(c, 0, sizeof(*c));
	if (reserve(c, 19, e) < 0)
		return -1;
	memcpy(c->buf, sig, 11);
	c->len = 11;
	put32(c, 0);  /* flags */
	put32(c, 0);  /* header extension */
	return 0;
}

int copybin_begin(struct copybin *c, PGconn *db, const char *sql, struct sbyt_err *e)
{
	PGresult *res;

	memset(c, 0, sizeof(*c));
	res = PQexec(db, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
		db_result_error(db, res, e);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (copybin_mem_begin(c, e) < 0) {
		c->db = db;
		copybin_abort(c, "out of memory");
		return -1;
	}
	c->db = db;
	return 0;
}

int copybin_mem_end(struct copybin *c, struct sbyt_err *e)
{
	if (reserve(c, 2, e) < 0)
		return -1;
	put16(c, 0xffff);
	return 0;
}

int copybin_row(struct copybin *c, int nfields, struct sbyt_err *e)
{
	if (c->db && c->len >= FLUSH_AT && flush(c, e) < 0)
		return -1;
	if (reserve(c, 2, e) < 0)
		return -1;
	put16(c, (unsigned)nfields);
	c->rows++;
	return 0;
}

int copybin_null(struct copybin *c, struct sbyt_err *e)
{
	if (reserve(c, 4, e) < 0)
		return -1;
	put32(c, UINT32_MAX);  /* -1 */
	return 0;
}

int copybin_int2(struct copybin *c, int v, struct sbyt_err *e)
{
	if (reserve(c, 6, e) < 0)
		return -1;
	put32(c, 2);
	put16(c, (unsigned)v & 0xffff);
	return 0;
}

int copybin_int4(struct copybin *c, int32_t v, struct sbyt_err *e)
{
	if (reserve(c, 8, e) < 0)
		return -1;
	put32(c, 4);
	put32(c, (uint32_t)v);
	return 0;
}

int copybin_int8(struct copybin *c, int64_t v, struct sbyt_err *e)
{
	if (reserve(c, 12, e) < 0)
		return -1;
	put32(c, 8);
	put32(c, (uint32_t)((uint64_t)v >> 32));
	put32(c, (uint32_t)v);
	return 0;
}

int copybin_bool(struct copybin *c, int v, struct sbyt_err *e)
{
	if (reserve(c, 5, e) < 0)
		return -1;
	put32(c, 1);
	c->buf[c->len++] = v ? 1 : 0;
	return 0;
}

int copybin_date(struct copybin *c, sdate d, struct sbyt_err *e)
{
	if (reserve(c, 8, e) < 0)
		return -1;
	put32(c, 4);
	put32(c, (uint32_t)(int32_t)(d - PG_EPOCH));
	return 0;
}

int copybin_text(struct copybin *c, const char *s, struct sbyt_err *e)
{
	size_t n = strlen(s);

	if (reserve(c, 4 + n, e) < 0)
		return -1;
	put32(c, (uint32_t)n);
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	return 0;
}

size_t copybin_numeric_body(int64_t v, int scale, unsigned char *out)
{
	/* base-10000 digits, least significant first; the value is scaled up
	 * to a whole number of fractional groups */
	unsigned __int128 a = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v
				    : (unsigned __int128)v;
	int fgroups = (scale + 3) / 4, n = 0, lo = 0, weight;
	unsigned g[12];
	size_t len = 0;

	for (int k = scale; k < fgroups * 4; k++)
		a *= 10;
	while (a >> 63) {  /* the rare huge value: 128-bit division */
		g[n++] = (unsigned)(a % 10000);
		a /= 10000;
	}
	for (uint64_t b = (uint64_t)a; b; b /= 10000)
		g[n++] = (unsigned)(b % 10000);
	while (lo < n && g[lo] == 0)
		lo++;
	weight = n ? n - 1 - fgroups : 0;
#define OUT16(x) (out[len++] = (unsigned char)((unsigned)(x) >> 8), \
		  out[len++] = (unsigned char)(x))
	OUT16(n - lo);                      /* ndigits */
	OUT16((unsigned)weight & 0xffff);   /* weight */
	OUT16(v < 0 ? 0x4000 : 0);          /* sign */
	OUT16(scale);                       /* dscale */
	for (int i = n - 1; i >= lo; i--)
		OUT16(g[i]);
#undef OUT16
	return len;
}

int copybin_numeric(struct copybin *c, int64_t v, int scale, struct sbyt_err *e)
{
	size_t n;

	if (reserve(c, 4 + 8 + 2 * 12, e) < 0)
		return -1;
	n = copybin_numeric_body(v, scale, (unsigned char *)c->buf + c->len + 4);
	put32(c, (uint32_t)n);
	c->len += n;
	return 0;
}

int copybin_send_end(struct copybin *c, struct sbyt_err *e)
{
	if (reserve(c, 2, e) < 0 || (put16(c, 0xffff), flush(c, e)) < 0) {
		copybin_abort(c, "flush failed");
		return -1;
	}
	free(c->buf);
	c->buf = NULL;
	if (PQputCopyEnd(c->db, NULL) != 1)
		return db_result_error(c->db, NULL, e);
	return 0;
}

int copybin_end(struct copybin *c, struct sbyt_err *e)
{
	PGresult *res;
	int rc = 0;

	if (copybin_send_end(c, e) < 0)
		return -1;
	while ((res = PQgetResult(c->db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0)
			rc = db_result_error(c->db, res, e);
		PQclear(res);
	}
	return rc;
}

void copybin_abort(struct copybin *c, const char *why)
{
	PGresult *res;

	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	if (!c->db)
		return;
	PQputCopyEnd(c->db, why);
	while ((res = PQgetResult(c->db)) != NULL)
		PQclear(res);
}
