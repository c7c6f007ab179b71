/* shard.c - the shard function, the shard map, the coordinator; see shard.h. */
#include "shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static uint32_t rot(uint32_t x, int k)
{
	return (x << k) | (x >> (32 - k));
}

int32_t shard_hashint8(int64_t v)
{
	uint32_t lo = (uint32_t)v, hi = (uint32_t)((uint64_t)v >> 32);
	uint32_t a, b, c;

	lo ^= v >= 0 ? hi : ~hi;
	/* hash_bytes_uint32(lo): the three words seeded, then final() */
	a = b = c = 0x9e3779b9u + (uint32_t)sizeof(uint32_t) + 3923095u;
	a += lo;
	c ^= b; c -= rot(b, 14);
	a ^= c; a -= rot(c, 11);
	b ^= a; b -= rot(a, 25);
	c ^= b; c -= rot(b, 16);
	a ^= c; a -= rot(c, 4);
	b ^= a; b -= rot(a, 14);
	c ^= b; c -= rot(b, 24);
	return (int32_t)c;
}

int shard_of(int64_t a, int n)
{
	int64_t h = shard_hashint8(a);

	return (int)((h < 0 ? -h : h) % n);
}

int shard_parse(const char *s, int *i, int *n)
{
	char *end;
	long a, b;

	if (*s < '0' || *s > '9')
		return -1;
	a = strtol(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end || b < 1 || b > CONF_SHARDS_MAX || a >= b)
		return -1;
	*i = (int)a;
	*n = (int)b;
	return 0;
}

const char *shard_conninfo(const struct conf *c, int i, int n, struct sbyt_err *e)
{
	if (c->shards == 0) {
		err_set(e, ERR_CONFIG, "--shard %d/%d needs a shard map", i, n);
		err_detail(e, "give each shard's server as shard.0 ... shard.%d = CONNINFO "
			   "in sbyt.conf", n - 1);
		return NULL;
	}
	if (c->shards != n) {
		err_set(e, ERR_CONFIG, "--shard %d/%d: the shard map of sbyt.conf has %d shard%s",
			i, n, c->shards, c->shards == 1 ? "" : "s");
		return NULL;
	}
	return c->shard[i];
}

int shard_check(PGconn *db, int i, int n, struct sbyt_err *e)
{
	char ni[16], ii[16], where[512], *other = NULL;
	const char *p[2] = { ni, ii };

	snprintf(ni, sizeof(ni), "%d", n);
	snprintf(ii, sizeof(ii), "%d", i);
	if (db_value(db, e, "SELECT (SELECT account_id || ' (shard ' || "
		     SHARD_SQL("account_id", "$1::int") " || ')' FROM account WHERE "
		     SHARD_SQL("account_id", "$1::int") " <> $2::int LIMIT 1)", 2, p, &other))
		return -1;
	if (!other)
		return 0;
	err_set(e, ERR_CONFIG, "the database at '%s' holds account %s, not of shard %d/%d",
		db_where(db, where, sizeof(where)), other, i, n);
	err_detail(e, "check the shard map of sbyt.conf; a shard's accounts are loaded with "
		   "`sbyt --shard %d/%d load`", i, n);
	free(other);
	return -1;
}

/* SELECT sbyt_shard_server(i, keys, vals) for one conninfo: the keywords it
 * sets and their values as two text[] parameters (array input syntax: each
 * element double-quoted, " and \ escaped); the function quotes them. */
static int attach_server(PGconn *db, int i, const char *conninfo, struct sbyt_err *e)
{
	PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
	char *keys, *vals, num[16];
	size_t kn = 2, vn = 2, kl = 0, vl = 0;
	int rc;

	if (!o)
		return err_set(e, ERR_CONFIG, "shard.%d of sbyt.conf is not a valid conninfo", i);
	for (PQconninfoOption *k = o; k->keyword; k++)
		if (k->val && *k->val) {
			kn += 2 * strlen(k->keyword) + 4;
			vn += 2 * strlen(k->val) + 4;
		}
	keys = malloc(kn);
	vals = malloc(vn);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		PQconninfoFree(o);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	keys[kl++] = '{';
	vals[vl++] = '{';
	for (PQconninfoOption *k = o; k->keyword; k++) {
		if (!k->val || !*k->val)
			continue;
		const char *src[2] = { k->keyword, k->val };
		char *dst[2] = { keys, vals };
		size_t *len[2] = { &kl, &vl };
		for (int d = 0; d < 2; d++) {
			if (*len[d] > 1)
				dst[d][(*len[d])++] = ',';
			dst[d][(*len[d])++] = '"';
			for (const char *s = src[d]; *s; s++) {
				if (*s == '"' || *s == '\\')
					dst[d][(*len[d])++] = '\\';
				dst[d][(*len[d])++] = *s;
			}
			dst[d][(*len[d])++] = '"';
		}
	}
	keys[kl++] = '}';
	vals[vl++] = '}';
	keys[kl] = vals[vl] = '\0';
	PQconninfoFree(o);
	snprintf(num, sizeof(num), "%d", i);
	const char *p[3] = { num, keys, vals };
	rc = db_exec(db, e, "SELECT sbyt_shard_server($1::int, $2::text[], $3::text[])", 3, p);
	free(keys);
	free(vals);
	return rc;
}

int shard_attach(PGconn *db, const struct conf *c, int *tables, struct sbyt_err *e)
{
	char n[16];
	PGresult *res;

	*tables = 0;
	if (c->shards == 0) {
		err_set(e, ERR_CONFIG, "no shard map to attach");
		err_detail(e, "give each shard's server as shard.0 ... shard.N-1 = CONNINFO "
			   "in sbyt.conf");
		return -1;
	}
	if (db_begin(db, e) || db_exec(db, e, "SELECT sbyt_shard_reset()", 0, NULL))
		goto fail;
	for (int i = 0; i < c->shards; i++)
		if (attach_server(db, i, c->shard[i], e))
			goto fail;
	snprintf(n, sizeof(n), "%d", c->shards);
	const char *p[1] = { n };
	res = db_query(db, e, "SELECT sbyt_shard_tables($1::int)", 1, p);
	if (!res)
		goto fail;
	*tables = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return db_commit(db, e);
fail:
	db_rollback(db);
	return -1;
}
