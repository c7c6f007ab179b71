-- 283_month_partitions: document and charge_line, one partition a month.
--
-- SPEC 13 (steady state): the month's bill and documents wrote a million
-- rows each into tables keyed by account first (document (account_id,
-- period), charge_line (account_id, period, line_no)).  A year on, every
-- account's new row goes between its rows of the year before: the month
-- dirtied every leaf of a year's indexes (each written again to the WAL
-- whole after a checkpoint) and read them back through a cache they no
-- longer fit.  Both are now partitioned by range of period, one partition
-- a month, TABLE_YYYYMM, and a default partition, TABLE_default, for a
-- month without one.  The month's rows go into indexes of that month
-- alone; what reads one period (the documents, the bill's re-run, the
-- УПД) reads one partition.  consumption stays whole: the documents walk
-- each unread meter's months back to its last reading, one index descent
-- a meter there and one a partition under a partition a month (3 times
-- the time at 1,000,000 accounts and a year).
--
-- The bill of P calls sbyt_month_partition('charge_line', P), the
-- documents of P ('document', P), before their branches' transactions
-- (lib/billrun.c, lib/docs.c).  A partition is created standalone; the
-- month's rows already in the default partition (rows written while the
-- month had no partition) are moved into it, and it is attached.
-- Attaching beside a default partition locks the default partition in
-- ACCESS EXCLUSIVE mode: another job reading the table holds it, so the
-- function waits at most five seconds for it and otherwise leaves the
-- month to the default partition (the rows are the same; the next call
-- moves them).  Returns true when it created the partition.
--
-- The existing rows are kept, each month's in its partition.

CREATE FUNCTION sbyt_month_partition(tbl text, p date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '5s' AS $$
DECLARE
	key text;
	part text := tbl || '_' || to_char(p, 'YYYYMM');
	q date := (p + interval '1 month')::date;
BEGIN
	key := CASE WHEN tbl IN ('document', 'charge_line') THEN 'period' END;
	IF key IS NULL THEN
		RAISE EXCEPTION 'no month partitions for table "%"', tbl;
	END IF;
	IF p IS NULL OR extract(day FROM p) <> 1 THEN
		RAISE EXCEPTION 'bad month for a partition of "%": %', tbl, p;
	END IF;
	BEGIN
		-- two jobs (shards) creating the same month: one at a time
		PERFORM pg_advisory_xact_lock(hashtext('sbyt:month_partition'));
		IF to_regclass('public.' || part) IS NOT NULL THEN
			RETURN false;
		END IF;
		EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS'
			       ' INCLUDING CONSTRAINTS INCLUDING INDEXES)', part, tbl);
		EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *)'
			       ' INSERT INTO %I SELECT * FROM moved',
			       tbl || '_default', key, p, key, q, part);
		EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
			       tbl, part, p, q);
	EXCEPTION WHEN lock_not_available THEN
		RAISE NOTICE 'table "%" is in use: the rows of % stay in "%"', tbl,
			to_char(p, 'YYYY-MM'), tbl || '_default';
		RETURN false;
	END;
	RETURN true;
END
$$;

-- tbl (its rows kept aside) made again partitioned by key, with its
-- constraints, indexes, triggers and grants, a partition for every month
-- it holds and the default one
CREATE FUNCTION pg_temp.sbyt_by_month(tbl text, key text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	old text := tbl || '_unpartitioned';
	r record;
BEGIN
	EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, old);
	FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = old::regclass
		AND contype IN ('p', 'u') LOOP
		EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', old, r.conname,
			       r.conname || '_unpartitioned');
	END LOOP;
	FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = old::regclass AND NOT EXISTS
		(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) LOOP
		EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, r.relname || '_unpartitioned');
	END LOOP;
	EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
		       ' PARTITION BY RANGE (%I)', tbl, old, key);
	-- the keys and indexes under their old names
	FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
		WHERE conrelid = old::regclass AND contype IN ('p', 'u', 'f') LOOP
		EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl,
			       regexp_replace(r.conname, '_unpartitioned$', ''), r.def);
	END LOOP;
	FOR r IN SELECT c.relname, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = old::regclass AND NOT EXISTS
		(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) LOOP
		EXECUTE replace(replace(r.def, r.relname, regexp_replace(r.relname, '_unpartitioned$', '')),
				' ON public.' || old || ' ', ' ON public.' || tbl || ' ');
	END LOOP;
	EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
	FOR r IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I)::date AS m FROM %I',
				key, old) LOOP
		PERFORM sbyt_month_partition(tbl, r.m);
	END LOOP;
	-- the rows, without the triggers (they are on the old table yet)
	EXECUTE format('INSERT INTO %I SELECT * FROM %I', tbl, old);
	FOR r IN SELECT tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger
		WHERE tgrelid = old::regclass AND NOT tgisinternal LOOP
		EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, old);
		EXECUTE replace(r.def, ' ON public.' || old || ' ', ' ON public.' || tbl || ' ');
	END LOOP;
	EXECUTE format('DROP TABLE %I', old);
	EXECUTE format('GRANT SELECT ON %I TO sbyt_auditor', tbl);
	EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sbyt_operator', tbl);
END
$$;

SELECT pg_temp.sbyt_by_month('document', 'period');
SELECT pg_temp.sbyt_by_month('charge_line', 'period');

REVOKE ALL ON FUNCTION sbyt_month_partition(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sbyt_month_partition(text, date) TO sbyt_operator;
