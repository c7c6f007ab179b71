-- 050_document_branch_key: no per-row check of document against branch.
--
-- docs writes the documents of one branch at a time, the branch it has just
-- locked and numbered in the same transaction, so every row's branch
-- exists; at a million documents the per-row check cost 3-6 s of the
-- server's time (make bench, docs stage).  branch is a reference table
-- and the key would be allowed (SPEC 3); the job is what keeps it.
ALTER TABLE document DROP CONSTRAINT IF EXISTS document_branch_fkey;
