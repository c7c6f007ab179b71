-- 022_account_branch_key: a branch's accounts in account order.
--
-- bill reads a branch's accounts in account_id order and bounds the scans
-- of meter, reading, consumption and charge_line by the branch's first and
-- last account_id.  With an index on branch alone both need the branch's
-- rows sorted, and min()/max() of account_id for a branch walked the
-- primary key past the other branches' accounts (1 s for the ninth of ten
-- branches at a million accounts).  (branch, account_id) serves every
-- query that account_branch_idx served.
CREATE INDEX account_branch_id_idx ON account (branch, account_id);
DROP INDEX account_branch_idx;
