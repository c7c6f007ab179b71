-- 220_load_keys: master data checked by the set, not row by row.
--
-- `sbyt load accounts` checks every staged line's branch, and `sbyt load
-- meters|contracts|reserves` every line's account, in one query before
-- they write anything, and refuse the file with FILE:LINE: unknown branch
-- 'X' / unknown account N (the error an operator has always seen: the
-- per-row foreign keys never fired after it).  They take the referenced
-- table in SHARE mode first (branch, account: nothing but load writes
-- them), so no one can delete a referenced row between the check and the
-- commit.  The per-row checks of the foreign keys cost more than the rows
-- themselves: at 100,000 accounts 0.45 s of server time for
-- account -> branch, 0.62 s for meter -> account and 0.1 s for the 3,030
-- contracts (make bench, load stage), against 0.03-0.07 s for each
-- set-based check.
--
-- The other side of the keys stays: deleting a branch or an account that
-- rows still refer to, or changing its key, fails as the foreign key did
-- (SQLSTATE 23503, the same message), checked once per statement against
-- the deleted rows.
ALTER TABLE account DROP CONSTRAINT IF EXISTS account_branch_fkey;
ALTER TABLE meter DROP CONSTRAINT IF EXISTS meter_account_id_fkey;
ALTER TABLE contract DROP CONSTRAINT IF EXISTS contract_account_id_fkey;
ALTER TABLE reserve DROP CONSTRAINT IF EXISTS reserve_account_id_fkey;

CREATE FUNCTION sbyt_branch_still_used() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	k text;
BEGIN
	SELECT o.code INTO k FROM old_rows o
	WHERE NOT EXISTS (SELECT 1 FROM branch b WHERE b.code = o.code)
	  AND EXISTS (SELECT 1 FROM account a WHERE a.branch = o.code) LIMIT 1;
	IF FOUND THEN
		RAISE foreign_key_violation USING MESSAGE = 'update or delete on table "branch"'
			' violates foreign key constraint "account_branch_fkey" on table "account"',
			DETAIL = format('Key (code)=(%s) is still referenced from table "account".', k);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER branch_still_used_del AFTER DELETE ON branch
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_branch_still_used();
CREATE TRIGGER branch_still_used_upd AFTER UPDATE ON branch
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_branch_still_used();

CREATE FUNCTION sbyt_account_still_used() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	k bigint;
	t text;
BEGIN
	SELECT o.account_id, r.t INTO k, t FROM old_rows o
	CROSS JOIN LATERAL (SELECT 'meter' WHERE EXISTS (SELECT 1 FROM meter m
			WHERE m.account_id = o.account_id)
		UNION ALL SELECT 'contract' WHERE EXISTS (SELECT 1 FROM contract c
			WHERE c.account_id = o.account_id)
		UNION ALL SELECT 'reserve' WHERE EXISTS (SELECT 1 FROM reserve r
			WHERE r.account_id = o.account_id)) r (t)
	WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.account_id = o.account_id) LIMIT 1;
	IF FOUND THEN
		RAISE foreign_key_violation USING MESSAGE = format('update or delete on table'
			' "account" violates foreign key constraint "%s_account_id_fkey" on table "%s"',
			t, t), DETAIL = format('Key (account_id)=(%s) is still referenced from table'
			' "%s".', k, t);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER account_still_used_del AFTER DELETE ON account
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_still_used();
-- A change of account_id: checked row by row, and only in a statement
-- that sets account_id (load's updates do not; a transition table cannot
-- be limited to a column).
CREATE FUNCTION sbyt_account_key_kept() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	t text;
BEGIN
	SELECT r.t INTO t FROM (SELECT 'meter' WHERE EXISTS (SELECT 1 FROM meter m
			WHERE m.account_id = OLD.account_id)
		UNION ALL SELECT 'contract' WHERE EXISTS (SELECT 1 FROM contract c
			WHERE c.account_id = OLD.account_id)
		UNION ALL SELECT 'reserve' WHERE EXISTS (SELECT 1 FROM reserve r
			WHERE r.account_id = OLD.account_id)) r (t) LIMIT 1;
	IF FOUND THEN
		RAISE foreign_key_violation USING MESSAGE = format('update or delete on table'
			' "account" violates foreign key constraint "%s_account_id_fkey" on table "%s"',
			t, t), DETAIL = format('Key (account_id)=(%s) is still referenced from table'
			' "%s".', OLD.account_id, t);
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER account_key_kept BEFORE UPDATE OF account_id ON account FOR EACH ROW
	WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id) EXECUTE FUNCTION sbyt_account_key_kept();

-- No planner statistics of the personal data nothing selects by: ANALYZE
-- after a load sorted a sample of every name, address, phone list, e-mail
-- and postcode (half of its 0.36 s at 100,000 accounts), and
-- pg_statistic kept the most common of them for anyone who may read it.
ALTER TABLE account ALTER COLUMN name SET STATISTICS 0,
	ALTER COLUMN address SET STATISTICS 0, ALTER COLUMN phones SET STATISTICS 0,
	ALTER COLUMN email SET STATISTICS 0, ALTER COLUMN postcode SET STATISTICS 0;
