-- 030_debt_snapshot_keys: no per-row foreign-key checks on the snapshot.
--
-- As 005, 006 and 021: account-scoped tables reference only reference
-- tables (SPEC 3, so that they can be distributed by account_id).  The debt
-- job writes a row only for an account it has just read from account, in
-- the same snapshot, and only under its own run; the checks of those two
-- references were about 70 % of the server's time for the snapshot of a
-- million accounts.
ALTER TABLE debt_snapshot DROP CONSTRAINT IF EXISTS debt_snapshot_account_id_fkey;
ALTER TABLE debt_snapshot DROP CONSTRAINT IF EXISTS debt_snapshot_run_id_fkey;
