-- 251_snapshot_swap: a debt run of every account writes its day's snapshot
-- into a new table without an index and swaps it in for the day's partition
-- (issue 18, the debt stage at its floor).
--
-- A COPY into the day's partition inserts each row into its primary key as
-- well: at 100,000 accounts 0.10 s of the server's 0.16 s for the rows.
-- Built afterwards from the whole table (one sort of keys that come in
-- order), the same index costs 0.04 s.  So a run that replaces the whole day
-- (not one shard of it: a shard's run on a shared server still deletes and
-- copies its own rows) asks sbyt_snapshot_stage(d) for a new empty table
-- with the day's check constraint, COPYs its rows into it in the same
-- transaction (FREEZE: the rows are written frozen and all-visible, as the
-- table is new), and sbyt_snapshot_swap(d) then builds its primary key,
-- drops the day's old partition (with it the rows of an earlier run of the
-- day) and any rows of the day in the default partition, and attaches the
-- new table as the day's partition under its name.  The constraint is
-- there before the rows come, so the attachment reads none of them.
--
-- The swap holds debt_snapshot in ACCESS EXCLUSIVE mode from the swap to
-- the run's commit (the run writes its other tables meanwhile, a few
-- statements): a reader of the snapshots waits for it, and the swap waits
-- for the readers that hold it.  Like TRUNCATE, it is not MVCC-safe for a
-- transaction that began before the commit and first reads the day after
-- it: that one sees the new rows (written frozen), not the old ones.
--
-- The key is sorted in memory (a million rows take some 60 MB, over the
-- default maintenance_work_mem of 64 MB with the sort's overhead: it would
-- spill to disk), and PostgreSQL may build it with parallel workers.
--
-- SECURITY DEFINER, as sbyt_snapshot_partition(): the operator runs the
-- debt job but does not own the schema; the table gets the default
-- privileges of 001 (the operator may COPY into it).  EXECUTE is the
-- operator's only (the swap drops a partition).

CREATE FUNCTION sbyt_snapshot_stage(d date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	stage text := 'debt_snapshot_' || to_char(d, 'YYYYMMDD') || '_new';
BEGIN
	IF d IS NULL THEN
		RAISE EXCEPTION 'no day for a snapshot partition';
	END IF;
	EXECUTE format('CREATE TABLE %I (LIKE debt_snapshot INCLUDING DEFAULTS)', stage);
	EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (as_of >= %L AND as_of < %L)',
		stage, stage || '_day', d, d + 1);
	RETURN stage;
END
$$;

CREATE FUNCTION sbyt_snapshot_swap(d date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET maintenance_work_mem = '256MB' AS $$
DECLARE
	part text := 'debt_snapshot_' || to_char(d, 'YYYYMMDD');
	stage text := 'debt_snapshot_' || to_char(d, 'YYYYMMDD') || '_new';
BEGIN
	IF d IS NULL OR to_regclass('public.' || stage) IS NULL THEN
		RAISE EXCEPTION 'no new snapshot of day % to swap in', d;
	END IF;
	-- the index before the lock, under a name of its own
	EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (account_id, as_of)',
		stage, stage || '_pkey');
	LOCK TABLE debt_snapshot IN ACCESS EXCLUSIVE MODE;
	DELETE FROM debt_snapshot_other WHERE as_of = d;
	IF to_regclass('public.' || part) IS NOT NULL THEN
		EXECUTE format('DROP TABLE %I', part);
	END IF;
	EXECUTE format('ALTER TABLE %I RENAME TO %I', stage, part);
	EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', part, stage || '_pkey', part || '_pkey');
	EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', part, stage || '_day', part || '_day');
	EXECUTE format('ALTER TABLE debt_snapshot ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
		part, d, d + 1);
END
$$;

REVOKE ALL ON FUNCTION sbyt_snapshot_stage(date), sbyt_snapshot_swap(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sbyt_snapshot_stage(date), sbyt_snapshot_swap(date) TO sbyt_operator;
