-- 171_limit_bounded: the limitation run's reads bounded by the day's work.
--
-- SPEC 13 (steady state).  limit_load() reads, per batch of accounts, the
-- delivery confirmations of those accounts: the account is the number in
-- the notice id (N<account>-<case>-<n>).  Without an index on it every
-- batch read every confirmation ever ingested and matched a regular
-- expression on each; this partial expression index (the same expression
-- and predicate as the query) makes it a range scan of the batch's
-- accounts.
CREATE INDEX delivery_account_idx
	ON delivery ((substr(split_part(notice_id, '-', 1), 2)::bigint), at)
	WHERE notice_id ~ '^N[0-9]{1,18}-[0-9]{1,9}-[0-9]{1,9}$';

-- limit_record_deliveries() looks for the notices still waiting for a
-- confirmation: few, however many notices the years have issued.
CREATE INDEX limit_notice_waiting_idx ON limit_notice (notice_id)
	WHERE delivered IS NULL AND NOT void;
