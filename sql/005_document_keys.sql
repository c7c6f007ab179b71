-- 005_document_keys: no per-row foreign-key checks on the rows docs writes.
--
-- As 021 for bill: account-scoped tables reference only reference tables
-- (SPEC 3), and the checks of document's references to account and run
-- cost about 1 s of server time per 100,000 documents.  docs reads the
-- accounts it writes for in the same snapshot; the branch reference (a
-- reference table) stays.
ALTER TABLE document DROP CONSTRAINT IF EXISTS document_account_id_fkey;
ALTER TABLE document DROP CONSTRAINT IF EXISTS document_run_id_fkey;
