-- 150_consumption_start: the register value an actual month starts from.
--
-- reading_tN (020) is the register value a month billed on a reading ends
-- at; start_tN, on the same row, is the value its volume was counted from:
-- the previous value the bill used (the register value of the last month
-- billed on a reading, else the meter's initial value), so that
-- volume = reading - start (or the rollover of SPEC 5).  The payment
-- document prints these two (SPEC 8: previous, current) rather than
-- choosing readings again, so it shows exactly what the bill used, for a
-- household (the 15-25 window) and for a legal entity (the calendar month
-- closed by a reading up to the contract's readings day) alike.  NULL on
-- rows written before this column (the documents then take the previous
-- value from the last month billed on a reading) and on estimate and norm
-- rows.
ALTER TABLE consumption
	ADD COLUMN IF NOT EXISTS start_t1 numeric(12, 3),
	ADD COLUMN IF NOT EXISTS start_t2 numeric(12, 3),
	ADD COLUMN IF NOT EXISTS start_t3 numeric(12, 3);
