-- 023_obligation_due: no index on obligation (due).
--
-- No query reads obligation by its due date alone: debt streams the whole
-- table in account order, limitation, docs and the reports read an
-- account's (or a range of accounts') rows through the primary key.  The
-- index only cost bill an insertion per obligation row (a million at the
-- design point).
DROP INDEX IF EXISTS obligation_due_idx;
