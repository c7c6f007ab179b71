-- 075_contract_readings_day: a legal entity's readings day (SPEC 6 and 7).
--
-- Legal entities are billed by calendar month: their meters are read at
-- 00:00 of the 1st of the next month and the readings are sent by the day
-- of that month the contract sets.  NULL: the default of rules/billing.xml
-- (LegalMonth readingsDay, the 2nd).  A reading dated from the last day of
-- month M to this day of M+1 closes M; any other is an intermediate one.
ALTER TABLE contract ADD COLUMN IF NOT EXISTS readings_day smallint
	CHECK (readings_day BETWEEN 1 AND 27);

-- The legal accounts of a branch: bill and month ask whether a branch's
-- legal entities already have documents for a period (published for that
-- kind) without walking the branch's households.
CREATE INDEX IF NOT EXISTS account_legal_idx ON account (branch, account_id)
	WHERE kind = 'legal';
