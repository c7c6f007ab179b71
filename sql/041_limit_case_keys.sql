-- 041_limit_case_keys: no per-row check of limit_case against account.
--
-- As 030 for the debt snapshot: limitation opens a case only for an account
-- it has read from account and debt_snapshot in the same transaction, and
-- account-scoped tables reference only reference tables (SPEC 3).  Steps,
-- notices and requests keep their keys to their case (the same account_id).
ALTER TABLE limit_case DROP CONSTRAINT IF EXISTS limit_case_account_id_fkey;
