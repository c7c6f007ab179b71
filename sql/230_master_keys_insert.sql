-- 230_master_keys_insert: the inserting side of the master data's keys,
-- checked by the statement.
--
-- 220 replaced the per-row foreign keys account -> branch and
-- meter/contract/reserve -> account by `sbyt load`'s set-based checks (and
-- statement triggers for deleting or re-keying a referenced row).  Rows
-- written by anything else than `sbyt load` (a DBA's INSERT, a migration,
-- a repair script) are checked here, once per statement, against the rows
-- the statement wrote: a branch or an account that does not exist fails as
-- the foreign key did (SQLSTATE 23503, the same message).  `sbyt load` has
-- refused such a line before with FILE:LINE, so for it this is one
-- anti-join per statement that finds nothing.
CREATE FUNCTION sbyt_account_branch_known() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	k text;
BEGIN
	SELECT n.branch INTO k FROM new_rows n
	WHERE NOT EXISTS (SELECT 1 FROM branch b WHERE b.code = n.branch) LIMIT 1;
	IF FOUND THEN
		RAISE foreign_key_violation USING MESSAGE = 'insert or update on table "account"'
			' violates foreign key constraint "account_branch_fkey"',
			DETAIL = format('Key (branch)=(%s) is not present in table "branch".', k);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER account_branch_known_ins AFTER INSERT ON account
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION sbyt_account_branch_known();
CREATE TRIGGER account_branch_known_upd AFTER UPDATE ON account
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
	EXECUTE FUNCTION sbyt_account_branch_known();

CREATE FUNCTION sbyt_account_known() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
	k bigint;
BEGIN
	SELECT n.account_id INTO k FROM new_rows n
	WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.account_id = n.account_id) LIMIT 1;
	IF FOUND THEN
		RAISE foreign_key_violation USING MESSAGE = format('insert or update on table "%s"'
			' violates foreign key constraint "%s_account_id_fkey"', TG_TABLE_NAME,
			TG_TABLE_NAME), DETAIL = format('Key (account_id)=(%s) is not present in table'
			' "account".', k);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER meter_account_known_ins AFTER INSERT ON meter
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
CREATE TRIGGER meter_account_known_upd AFTER UPDATE ON meter
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
CREATE TRIGGER contract_account_known_ins AFTER INSERT ON contract
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
CREATE TRIGGER contract_account_known_upd AFTER UPDATE ON contract
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
CREATE TRIGGER reserve_account_known_ins AFTER INSERT ON reserve
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
CREATE TRIGGER reserve_account_known_upd AFTER UPDATE ON reserve
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sbyt_account_known();
