-- 262_bill_window_partitions: bill_window (sql/261), one partition a period.
--
-- SPEC 13 (steady state): the bill of P replaced each account's row, so a
-- year on, every month DELETEd a million rows and wrote them again into
-- the same table (twice its size until autovacuum came; make bench-year
-- at N = 1,000,000: about 4 s of the server in day 366's bill that day 1's
-- does not pay).  bill_window is now partitioned by range of period, one
-- partition per month (bill_window_YYYYMM): the bill of P reads the rows
-- of P and writes those of P + 1 into their own partition, empty on the
-- first bill of P, and the partitions of the months before P are dropped,
-- never DELETEd from.  An account has a row per period; the bill of P uses
-- the one of P and removes those of later periods (a bill of P after a
-- later one, as the single row was replaced before); the triggers of 261
-- remove an account's rows of every period, as before.
--
-- The bill calls, before its branches' transactions (lib/billrun.c):
--   sbyt_bill_window_partition(P + 1)  the partition P + 1's rows go to;
--   sbyt_bill_window_retire(P)         drop the partitions before P.
-- A partition is created standalone and attached (SHARE UPDATE EXCLUSIVE
-- on bill_window: a bill of another shard in its transaction goes on);
-- dropping one needs bill_window in ACCESS EXCLUSIVE mode, so it waits at
-- most a second for another run's transaction and is otherwise left to
-- the next bill.  There is no default partition: a row of a period without
-- its partition is an error, and only the bill writes rows.
--
-- The existing rows are kept, each period's in its partition.

ALTER TABLE bill_window RENAME TO bill_window_unpartitioned;
ALTER TABLE bill_window_unpartitioned
	RENAME CONSTRAINT bill_window_pkey TO bill_window_unpartitioned_pkey;

CREATE TABLE bill_window (
	account_id bigint NOT NULL,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	months     smallint NOT NULL,
	meter      text NOT NULL,
	history    text NOT NULL,
	run_id     bigint,              -- the bill run that wrote it
	PRIMARY KEY (account_id, period)
) PARTITION BY RANGE (period);

-- The partition of period p (the first of its month): created empty unless
-- it exists.  Returns true when it was created.  SECURITY DEFINER: the
-- operator runs the bill but does not own the schema.
CREATE FUNCTION sbyt_bill_window_partition(p date) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	part text := 'bill_window_' || to_char(p, 'YYYYMM');
BEGIN
	IF p IS NULL OR extract(day FROM p) <> 1 THEN
		RAISE EXCEPTION 'bad period for a bill_window partition: %', p;
	END IF;
	-- two bills (shards) creating the same month: one at a time
	PERFORM pg_advisory_xact_lock(hashtext('sbyt:bill_window_partition'));
	IF to_regclass('public.' || part) IS NOT NULL THEN
		RETURN false;
	END IF;
	EXECUTE format('CREATE TABLE %I (LIKE bill_window INCLUDING DEFAULTS'
		       ' INCLUDING CONSTRAINTS INCLUDING INDEXES)', part);
	EXECUTE format('ALTER TABLE bill_window ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
		       part, p, (p + interval '1 month')::date);
	RETURN true;
END
$$;

-- The partitions of the periods before p dropped (a bill of p reads the
-- rows of p and writes those of p + 1; an older period's bill reads its
-- window from consumption).  A partition whose lock another transaction
-- holds for over a second is left for the next bill.  Returns the
-- partitions dropped.
CREATE FUNCTION sbyt_bill_window_retire(p date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	r record;
	n integer := 0;
BEGIN
	IF p IS NULL THEN
		RAISE EXCEPTION 'no period to retire bill_window partitions before';
	END IF;
	FOR r IN
		SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'bill_window'::regclass
		AND c.relname ~ '^bill_window_[0-9]{6}$'
		AND to_date(substr(c.relname, 13), 'YYYYMM') < p
		ORDER BY c.relname
	LOOP
		BEGIN
			SET LOCAL lock_timeout = '1s';
			EXECUTE format('DROP TABLE %I', r.relname);
			n := n + 1;
		EXCEPTION WHEN lock_not_available THEN
			RAISE NOTICE 'bill_window partition "%" is in use, left for the next bill', r.relname;
		END;
	END LOOP;
	RETURN n;
END
$$;

SELECT sbyt_bill_window_partition(d)
FROM (SELECT DISTINCT period AS d FROM bill_window_unpartitioned) x;
INSERT INTO bill_window SELECT account_id, period, months, meter, history, run_id
FROM bill_window_unpartitioned;
DROP TABLE bill_window_unpartitioned;

REVOKE ALL ON FUNCTION sbyt_bill_window_partition(date), sbyt_bill_window_retire(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sbyt_bill_window_partition(date), sbyt_bill_window_retire(date)
	TO sbyt_operator;
GRANT SELECT ON bill_window TO sbyt_auditor;
GRANT SELECT, INSERT, UPDATE, DELETE ON bill_window TO sbyt_operator;
