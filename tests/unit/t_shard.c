/* t_shard.c - the --shard argument and the shard map of sbyt.conf. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "shard.h"

static struct conf c;

/* Write text to a scratch file and load it; the error message into msg. */
static int load(const char *text, char *msg, size_t size)
{
	char path[] = "/tmp/t_shard.XXXXXX";
	struct sbyt_err e;
	int fd = mkstemp(path), rc;
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	err_clear(&e);
	rc = conf_load(path, 0, &c, &e);
	/* the message without the scratch path */
	{
		const char *m = strncmp(e.msg, path, strlen(path)) ? e.msg : e.msg + strlen(path);
		size_t len = strlen(m) < size ? strlen(m) : size - 1;
		memcpy(msg, m, len);
		msg[len] = '\0';
	}
	unlink(path);
	return rc;
}

int main(void)
{
	struct sbyt_err e;
	char msg[512];
	int i = -1, n = -1;

	/* hashint8 and the shard of 7 as PostgreSQL 15 computes them:
	 * SELECT x, hashint8(x), abs(hashint8(x)::bigint) % 7 */
	static const struct { int64_t v; int32_t h; int s7; } pg[] = {
		{ 0, -272711505, 3 }, { 1, -1905060026, 2 }, { -1, 385747274, 3 },
		{ 7201000001, 271778668, 0 }, { 7202000150, 153775454, 0 },
		{ INT64_MAX, -1524351049, 4 }, { INT64_MIN, -96758253, 4 },
		{ 4294967296, -1905060026, 2 }, { -4294967297, -1242090879, 1 },
	};
	for (size_t k = 0; k < sizeof(pg) / sizeof(pg[0]); k++) {
		char name[64];
		snprintf(name, sizeof(name), "hashint8(%lld)", (long long)pg[k].v);
		CHECK_INT(shard_hashint8(pg[k].v), pg[k].h, name);
		CHECK_INT(shard_of(pg[k].v, 7), pg[k].s7, name);
	}

	CHECK(shard_parse("0/1", &i, &n) == 0 && i == 0 && n == 1, "0/1: one shard");
	CHECK(shard_parse("3/4", &i, &n) == 0 && i == 3 && n == 4, "3/4");
	CHECK(shard_parse("63/64", &i, &n) == 0 && i == 63 && n == 64, "the largest map");
	CHECK(shard_parse("4/4", &i, &n) < 0, "I must be below N");
	CHECK(shard_parse("0/0", &i, &n) < 0, "no shards");
	CHECK(shard_parse("0/65", &i, &n) < 0, "more shards than a map holds");
	CHECK(shard_parse("-1/2", &i, &n) < 0, "negative");
	CHECK(shard_parse("1/2x", &i, &n) < 0, "trailing text");
	CHECK(shard_parse("1", &i, &n) < 0, "no N");
	CHECK(shard_parse("/2", &i, &n) < 0, "no I");

	CHECK_INT(load("database = dbname=x\n", msg, sizeof(msg)), 0, "no map");
	CHECK_INT(c.shards, 0, "no map: 0 shards");
	err_clear(&e);
	CHECK(shard_conninfo(&c, 0, 2, &e) == NULL && e.kind == ERR_CONFIG &&
	      strstr(e.msg, "needs a shard map"), "--shard without a map");

	CHECK_INT(load("shard.1 = host=b dbname=s1  # the second\nshard.0=host=a dbname=s0\n",
		       msg, sizeof(msg)), 0, "a map in any order");
	CHECK_INT(c.shards, 2, "two shards");
	err_clear(&e);
	CHECK_STR(shard_conninfo(&c, 1, 2, &e), "host=b dbname=s1", "shard 1, comment dropped");
	CHECK_STR(shard_conninfo(&c, 0, 2, &e), "host=a dbname=s0", "shard 0");
	CHECK(shard_conninfo(&c, 0, 3, &e) == NULL &&
	      strstr(e.msg, "the shard map of sbyt.conf has 2 shards"), "N must be the map's size");

	CHECK(load("shard.0 = a\nshard.2 = c\n", msg, sizeof(msg)) < 0, "a gap");
	CHECK_STR(msg, ": shard.1 is missing (the shard map runs from shard.0 to shard.2)",
		  "the gap is named");
	CHECK(load("shard.0 = a\n\nshard.0 = b\n", msg, sizeof(msg)) < 0, "a repeat");
	CHECK_STR(msg, ":3: shard.0 given again (first on line 1)", "the repeat's lines");
	CHECK(load("shard.x = a\n", msg, sizeof(msg)) < 0, "not a number");
	CHECK(load("shard.64 = a\n", msg, sizeof(msg)) < 0, "beyond the largest map");
	CHECK(load("shard.01x = a\n", msg, sizeof(msg)) < 0, "trailing text in the key");
	CHECK(load("shard.0 =\n", msg, sizeof(msg)) < 0, "an empty conninfo");
	CHECK_STR(msg, ":1: shard.0 must be a conninfo of at most 511 bytes", "empty: said");
	return check_done();
}
