-- 252_checkpoint_reset: a debt run that makes every checkpoint anew (the
-- first run, or other rules: sql/250) writes them into an emptied table
-- without its key and builds the key once at the end (issue 18, the debt
-- stage at its floor; as sql/251 does for the day's snapshot).
--
-- sbyt_checkpoint_reset() takes debt_checkpoint in ACCESS EXCLUSIVE mode
-- (it waits for the writers' triggers, which hold it in ROW EXCLUSIVE
-- mode to their commit, and makes them wait, as the SHARE ROW EXCLUSIVE
-- lock of sql/250's protocol did), truncates it and drops its primary key;
-- the run then COPYs the checkpoints in (FREEZE: the table was truncated
-- in the same transaction), drops those of accounts changed since its
-- reading snapshot, and sbyt_checkpoint_keyed() builds the key again.  A
-- run that fails rolls all of it back.  Only the debt job reads the table.
-- SECURITY DEFINER: the operator runs the job but does not own the table;
-- EXECUTE is the operator's only.

CREATE FUNCTION sbyt_checkpoint_reset() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	LOCK TABLE debt_checkpoint IN ACCESS EXCLUSIVE MODE;
	TRUNCATE debt_checkpoint;
	ALTER TABLE debt_checkpoint DROP CONSTRAINT debt_checkpoint_pkey;
END
$$;

CREATE FUNCTION sbyt_checkpoint_keyed() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET maintenance_work_mem = '256MB' AS $$
BEGIN
	ALTER TABLE debt_checkpoint ADD CONSTRAINT debt_checkpoint_pkey PRIMARY KEY (account_id);
END
$$;

REVOKE ALL ON FUNCTION sbyt_checkpoint_reset(), sbyt_checkpoint_keyed() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sbyt_checkpoint_reset(), sbyt_checkpoint_keyed() TO sbyt_operator;
