-- 020_bill: what bill keeps besides the ledger.
--
-- consumption holds the monthly volume billed per account, meter and zone
-- (volume_t1..t3, as meter's initial_t1..t3) with how it was found (actual
-- reading, estimate, norm): the history that estimates average and the
-- estimated runs that a late reading recalculates.  Every row names the bill
-- that wrote it (billed_in): a bill of period P writes P's row, and when a
-- late reading spreads its volume over the estimated months before P, it
-- also writes revised 'actual' rows for those months with billed_in = P.
-- The row of a month that counts for a bill of P is the one with the latest
-- billed_in before P, so re-running P (which deletes and rewrites the rows
-- with billed_in = P) sees exactly what the first run saw.  reading_tN is
-- the register value an actual month ends at, on the month whose reading
-- was billed: the next bill's previous value.  meter is '' for a month
-- billed without a meter (the norm, volume_t1 only).  A month is billed on
-- one meter, the account's latest installed.  Like every account-scoped
-- table it keeps account_id first in its key, and it references no other
-- account-scoped table (SPEC 3).

CREATE TABLE consumption (
	account_id bigint NOT NULL,
	period     date NOT NULL CHECK (extract(day FROM period) = 1),
	billed_in  date NOT NULL CHECK (extract(day FROM billed_in) = 1 AND billed_in >= period),
	meter      text NOT NULL,
	basis      text NOT NULL CHECK (basis IN ('actual', 'estimate', 'norm')),
	volume_t1  numeric(14, 3) NOT NULL,   -- kWh
	volume_t2  numeric(14, 3),
	volume_t3  numeric(14, 3),
	reading_t1 numeric(12, 3),
	reading_t2 numeric(12, 3),
	reading_t3 numeric(12, 3),
	run_id     bigint,                    -- the bill run that wrote it
	PRIMARY KEY (account_id, period, billed_in)
);

-- What a charge line needs besides 002's columns: the period a
-- recalculation line corrects (NULL for a charge of the line's own period)
-- and the days of the month its tariff covers (a tariff change inside the
-- month gives two lines of the same zone and band).  Legal entities'
-- prices have up to four decimals of a kopeck, six of a rouble.
ALTER TABLE charge_line
	ADD COLUMN of_period date CHECK (extract(day FROM of_period) = 1),
	ADD COLUMN day_from date,
	ADD COLUMN day_to date,
	ADD COLUMN sample boolean NOT NULL DEFAULT false,
	ALTER COLUMN tariff TYPE numeric(14, 6);
