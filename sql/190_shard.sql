-- 190_shard: the coordinator's view of a sharded installation (SPEC 13,
-- "Scale beyond one machine"; README "Past one machine").
--
-- Every shard server is a whole sbyt database holding the accounts of its
-- shard: account A belongs to shard abs(hashint8(A)) % N, the function that
-- `bill --shard` and `debt --shard` already filter by and `sbyt --shard I/N
-- load` loads by.  A coordinator (any sbyt database) reads them all through
-- postgres_fdw: `sbyt db shard-attach` calls these functions with the shard
-- map of sbyt.conf, and they build the schema sbyt_shards holding, for each
-- account-scoped table of public (a table, not a partition, with a NOT
-- NULL account_id), a parent of the same columns PARTITION BY HASH
-- (account_id sbyt_shard_ops) whose partition of remainder I is a foreign
-- table on shard I.  The operator class makes PostgreSQL's hash routing the
-- shard function: the partition hash of a key is its support function's
-- value plus 0x49a0f4dd15e5a8e3 (hash_combine64 from 0, PostgreSQL 11 and
-- later), so returning abs(hashint8(A)) minus that constant gives remainder
-- abs(hashint8(A)) % N.  Queries on the coordinator with
-- search_path = sbyt_shards, public read every shard; a predicate on
-- account_id prunes to the one shard that holds the account.
--
-- Nothing here runs at migration time but CREATE FUNCTION: the functions
-- need a superuser when called (CREATE EXTENSION postgres_fdw, CREATE
-- SERVER, CREATE OPERATOR CLASS), and only the owner may execute them.

CREATE FUNCTION sbyt_shard_reset() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s text;
BEGIN
	CREATE EXTENSION IF NOT EXISTS postgres_fdw;
	DROP SCHEMA IF EXISTS sbyt_shards CASCADE;
	FOR s IN SELECT srvname FROM pg_foreign_server WHERE srvname LIKE 'sbyt\_shard\_%' LOOP
		EXECUTE format('DROP SERVER %I CASCADE', s);
	END LOOP;
	CREATE SCHEMA sbyt_shards;
	-- the partition routing of the shard function (see above)
	CREATE FUNCTION sbyt_shards.shard_hash(bigint, bigint) RETURNS bigint
		LANGUAGE sql IMMUTABLE PARALLEL SAFE
		AS 'SELECT abs(hashint8($1)::bigint) - 5305509591434766563';
	CREATE OPERATOR CLASS sbyt_shards.sbyt_shard_ops FOR TYPE bigint USING hash AS
		OPERATOR 1 = (bigint, bigint),
		FUNCTION 2 sbyt_shards.shard_hash(bigint, bigint);
	GRANT USAGE ON SCHEMA sbyt_shards TO sbyt_operator, sbyt_auditor;
END $$;

-- Shard i's server from the libpq keywords and values of its conninfo
-- (user and password go to the user mapping of the calling role).
CREATE FUNCTION sbyt_shard_server(i int, keys text[], vals text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	srv text := 'sbyt_shard_' || i;
	opts text := '';
	map text := format('user %L', current_user);
BEGIN
	FOR k IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
		IF keys[k] = 'user' THEN
			map := format('user %L', vals[k]);
		ELSIF keys[k] = 'password' THEN
			map := map || format(', password %L', vals[k]);
		ELSE
			opts := opts || CASE WHEN opts = '' THEN '' ELSE ', ' END
				|| format('%I %L', keys[k], vals[k]);
		END IF;
	END LOOP;
	EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (%s)',
		       srv, opts);
	EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (%s)', srv, map);
END $$;

-- The partitioned parents of every account-scoped table and their n foreign
-- partitions; returns how many tables.
CREATE FUNCTION sbyt_shard_tables(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	t text;
	c int := 0;
BEGIN
	FOR t IN SELECT r.relname FROM pg_class r
		JOIN pg_namespace s ON s.oid = r.relnamespace AND s.nspname = 'public'
		JOIN pg_attribute a ON a.attrelid = r.oid AND a.attname = 'account_id'
			AND a.attnotnull AND NOT a.attisdropped
		WHERE r.relkind IN ('r', 'p') AND NOT r.relispartition
		ORDER BY r.relname LOOP
		EXECUTE format('CREATE TABLE sbyt_shards.%I (LIKE public.%I)'
			       ' PARTITION BY HASH (account_id sbyt_shards.sbyt_shard_ops)', t, t);
		FOR i IN 0 .. n - 1 LOOP
			EXECUTE format('CREATE FOREIGN TABLE sbyt_shards.%I PARTITION OF sbyt_shards.%I'
				       ' FOR VALUES WITH (MODULUS %s, REMAINDER %s) SERVER %I'
				       ' OPTIONS (schema_name ''public'', table_name %L)',
				       t || '_' || i, t, n, i, 'sbyt_shard_' || i, t);
		END LOOP;
		c := c + 1;
	END LOOP;
	GRANT SELECT ON ALL TABLES IN SCHEMA sbyt_shards TO sbyt_operator, sbyt_auditor;
	RETURN c;
END $$;

REVOKE ALL ON FUNCTION sbyt_shard_reset(), sbyt_shard_server(int, text[], text[]),
	sbyt_shard_tables(int) FROM PUBLIC;
