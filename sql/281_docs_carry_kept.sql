-- 281_docs_carry_kept: the carries of the last two document runs of an
-- account are kept (SPEC 13, steady state), so that a re-issue of a
-- published period starts from a carry too (sql/260: it read the whole
-- history).
--
-- docs_carry holds one row per account and period whose documents made it
-- (made_for), and made_run, the run that made it (NULL: made before this
-- migration).  Writing the carries of period P keeps an account's row of P
-- and of the period before (that one's cut is before P, so a re-issue of P
-- can start from it) and deletes the older ones.  A new document starts
-- from the usable row (period and cut before its period, same rules) with
-- the latest period; a re-issued one from the usable row made by its own
-- run or before it (made_run <= the document's run_id), which holds no
-- payment that run left out (a payment dated up to the cut written after it
-- deletes the row: the triggers of sql/260 delete every row of the account
-- they cover, as before).

ALTER TABLE docs_carry ADD COLUMN made_run bigint;
ALTER TABLE docs_carry DROP CONSTRAINT docs_carry_pkey;
ALTER TABLE docs_carry ADD PRIMARY KEY (account_id, made_for);
