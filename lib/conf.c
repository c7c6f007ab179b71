/* conf.c - reading sbyt.conf; see conf.h. */
#include "conf.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* One `shard.I = CONNINFO` line into c->shard[I]; lines[] remembers where
 * each was given.  0, or -1 with e set naming path:n. */
static int conf_shard(struct conf *c, const char *path, long n, const char *key,
		      const char *val, long *lines, struct sbyt_err *e)
{
	const char *d = key + 6;
	char *end;
	long i;

	if (*d < '0' || *d > '9' || (i = strtol(d, &end, 10), *end) || i >= CONF_SHARDS_MAX)
		return err_set(e, ERR_CONFIG, "%s:%ld: '%.64s': a shard is shard.I with "
			       "0 <= I < %d", path, n, key, CONF_SHARDS_MAX);
	if (lines[i])
		return err_set(e, ERR_CONFIG, "%s:%ld: shard.%ld given again (first on line %ld)",
			       path, n, i, lines[i]);
	if (!*val || strlen(val) >= sizeof(c->shard[0]))
		return err_set(e, ERR_CONFIG, "%s:%ld: shard.%ld must be a conninfo of at most "
			       "%zu bytes", path, n, i, sizeof(c->shard[0]) - 1);
	memcpy(c->shard[i], val, strlen(val) + 1);
	lines[i] = n;
	if (i + 1 > c->shards)
		c->shards = (int)i + 1;
	return 0;
}

int conf_load(const char *path, int optional, struct conf *c, struct sbyt_err *e)
{
	static const struct { const char *key; size_t off, size; } keys[] = {
		{ "database", offsetof(struct conf, database), sizeof(((struct conf *)0)->database) },
		{ "rules", offsetof(struct conf, rules), sizeof(((struct conf *)0)->rules) },
		{ "out", offsetof(struct conf, out), sizeof(((struct conf *)0)->out) },
		{ "spool", offsetof(struct conf, spool), sizeof(((struct conf *)0)->spool) },
		{ "timezone", offsetof(struct conf, timezone), sizeof(((struct conf *)0)->timezone) },
	};
	char line[2048];
	long n = 0, shard_line[CONF_SHARDS_MAX] = { 0 };
	FILE *f;

	memset(c, 0, sizeof(*c));
	f = fopen(path, "r");
	if (!f) {
		if (optional && errno == ENOENT)
			return 0;
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_CONFIG,
			       "cannot read the configuration '%s': %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		size_t i, len = strlen(line);

		n++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			fclose(f);
			return err_set(e, ERR_CONFIG, "%s:%ld: line too long", path, n);
		}
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		if (!(eq = strchr(s, '='))) {
			fclose(f);
			return err_set(e, ERR_CONFIG, "%s:%ld: expected key = value", path, n);
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (strncmp(key, "shard.", 6) == 0) {
			if (conf_shard(c, path, n, key, val, shard_line, e)) {
				fclose(f);
				return -1;
			}
			continue;
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i].key) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			fclose(f);
			return err_set(e, ERR_CONFIG, "%s:%ld: unknown key '%.64s' (database, rules, "
				       "out, spool, timezone, shard.N)", path, n, key);
		}
		if (strlen(val) >= keys[i].size) {
			fclose(f);
			return err_set(e, ERR_CONFIG, "%s:%ld: value of '%s' too long", path, n, key);
		}
		memcpy((char *)c + keys[i].off, val, strlen(val) + 1);
	}
	fclose(f);
	for (int k = 0; k < c->shards; k++)
		if (!shard_line[k])
			return err_set(e, ERR_CONFIG, "%s: shard.%d is missing (the shard map "
				       "runs from shard.0 to shard.%d)", path, k, c->shards - 1);
	return 0;
}
