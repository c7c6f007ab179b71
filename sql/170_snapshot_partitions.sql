-- 170_snapshot_partitions: the daily debt snapshot, one partition a day.
--
-- SPEC 13 (steady state): what a daily job costs must not grow with the
-- history behind it.  debt_snapshot becomes a table partitioned by range of
-- as_of with one partition per day (debt_snapshot_YYYYMMDD), created ahead
-- by the debt job through sbyt_snapshot_partition(), and dropped by the
-- retention rule (rules/retention.xml) through sbyt_snapshot_retire(): a
-- partition is dropped, never DELETEd from.  Rows of a day that has no
-- partition of its own (written by hand, or before the job created it) go
-- to the default partition debt_snapshot_other and move into the day's
-- partition when it is created.
--
-- debt_snapshot_day records every day whose snapshot was taken (by the
-- debt job, even when nobody was in debt that day; by any insert, through
-- the statement trigger below).  The limitation run reads the one snapshot
-- of the latest such day on or before its own (limit_select()): an account
-- with no row there has no overdue debt.  The latest snapshot of every
-- account is therefore one partition, always kept.
--
-- The existing rows are kept: they are copied into the new table, each day
-- into its own partition.

CREATE TABLE debt_snapshot_day (
	as_of    date PRIMARY KEY,
	taken_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	run_id   bigint          -- the debt run that took it; NULL when written otherwise
);

ALTER TABLE debt_snapshot RENAME TO debt_snapshot_unpartitioned;
ALTER TABLE debt_snapshot_unpartitioned
	RENAME CONSTRAINT debt_snapshot_pkey TO debt_snapshot_unpartitioned_pkey;
DROP INDEX IF EXISTS debt_snapshot_as_of_idx;

-- The daily debt snapshot that limitation triggers read (as 002 and 030:
-- no foreign keys, amounts in kopecks).
CREATE TABLE debt_snapshot (
	account_id bigint NOT NULL,
	as_of      date NOT NULL,
	principal  bigint NOT NULL,    -- overdue principal, kopecks
	periods    smallint NOT NULL,  -- distinct periods with overdue principal
	penalty    bigint NOT NULL,    -- accrued to as_of, kopecks
	oldest_due date,
	run_id     bigint,
	PRIMARY KEY (account_id, as_of)
) PARTITION BY RANGE (as_of);
CREATE TABLE debt_snapshot_other PARTITION OF debt_snapshot DEFAULT;

-- The partition of day d: created (empty, or with the rows of d the
-- default partition holds, moved) unless it exists.  Returns true when it
-- was created.  SECURITY DEFINER: the operator runs the debt job but does
-- not own the schema; the partition gets the default privileges of 001.
CREATE FUNCTION sbyt_snapshot_partition(d date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	part text := 'debt_snapshot_' || to_char(d, 'YYYYMMDD');
BEGIN
	IF d IS NULL THEN
		RAISE EXCEPTION 'no day for a snapshot partition';
	END IF;
	-- two jobs (shards) creating the same day: one at a time
	PERFORM pg_advisory_xact_lock(hashtext('sbyt:snapshot_partition'));
	IF to_regclass('public.' || part) IS NOT NULL THEN
		RETURN false;
	END IF;
	-- its rows: standalone first, then attached (a partition created
	-- directly would clash with rows of d in the default partition)
	EXECUTE format('CREATE TABLE %I (LIKE debt_snapshot INCLUDING DEFAULTS)', part);
	EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (as_of >= %L AND as_of < %L)',
		part, part || '_day', d, d + 1);
	EXECUTE format('WITH m AS (DELETE FROM debt_snapshot_other WHERE as_of = %L RETURNING *)'
		' INSERT INTO %I SELECT * FROM m', d, part);
	EXECUTE format('ALTER TABLE debt_snapshot ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
		part, d, d + 1);
	RETURN true;
END
$$;

-- The retention rule applied on day p_day: the partitions of days before
-- p_day - p_daily are dropped, except the last one of each month when
-- p_month_ends, and except the latest day taken on or before p_day (the
-- latest snapshot of every account).  Their debt_snapshot_day rows go too.
-- Returns the partitions dropped.
CREATE FUNCTION sbyt_snapshot_retire(p_day date, p_daily integer, p_month_ends boolean)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	r record;
	n integer := 0;
	latest date := (SELECT max(as_of) FROM debt_snapshot_day WHERE as_of <= p_day);
BEGIN
	IF p_day IS NULL OR p_daily IS NULL OR p_daily < 1 THEN
		RAISE EXCEPTION 'bad retention: day %, daily %', p_day, p_daily;
	END IF;
	FOR r IN
		WITH parts AS (
			SELECT c.relname, to_date(substr(c.relname, 15), 'YYYYMMDD') AS day
			FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
			WHERE i.inhparent = 'debt_snapshot'::regclass
			AND c.relname ~ '^debt_snapshot_[0-9]{8}$'),
		ends AS (
			SELECT max(day) AS day FROM parts WHERE day <= p_day
			GROUP BY date_trunc('month', day))
		SELECT relname, day FROM parts
		WHERE day < p_day - p_daily
		AND day IS DISTINCT FROM latest
		AND NOT (p_month_ends AND day IN (SELECT day FROM ends))
		ORDER BY day
	LOOP
		EXECUTE format('DROP TABLE %I', r.relname);
		DELETE FROM debt_snapshot_day WHERE as_of = r.day;
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

-- Every insert notes the days it wrote (the debt job notes its day itself,
-- so that a day without debtors is a day taken too).
CREATE FUNCTION sbyt_snapshot_note() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	INSERT INTO debt_snapshot_day (as_of)
	SELECT DISTINCT as_of FROM new_rows ON CONFLICT (as_of) DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER debt_snapshot_note AFTER INSERT ON debt_snapshot
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_snapshot_note();

-- The rows kept: each day of the old table in its own partition.
SELECT sbyt_snapshot_partition(d) FROM (SELECT DISTINCT as_of AS d FROM debt_snapshot_unpartitioned) x;
INSERT INTO debt_snapshot SELECT account_id, as_of, principal, periods, penalty, oldest_due, run_id
FROM debt_snapshot_unpartitioned;
INSERT INTO debt_snapshot_day (as_of, run_id)
SELECT as_of, max(run_id) FROM debt_snapshot_unpartitioned GROUP BY as_of
ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id;
DROP TABLE debt_snapshot_unpartitioned;

GRANT SELECT ON debt_snapshot_day TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_snapshot_day TO sbyt_operator;
GRANT SELECT ON debt_snapshot TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_snapshot TO sbyt_operator;
GRANT SELECT ON debt_snapshot_other TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON debt_snapshot_other TO sbyt_operator;
