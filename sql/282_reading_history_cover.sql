-- 282_reading_history_cover: the history key carries what its readers read.
--
-- Bill's window (lib/billrun.c, SQL_READINGS) and ingest's history look-up
-- (lib/ingest_decide.c, hist_sql) read a reading's value, status and
-- source besides the key.  A real year's readings lie on the heap in the
-- order they arrived, month by month, so a bill batch's two months of
-- readings and a meter zone's window each touched a heap page per row
-- across the year.  With those columns in the index both are index-only
-- scans of the vacuumed history (make bench-year, N = 1,000,000, a batch
-- of 50,000 accounts: 1.16 s and 20,362 pages read -> 0.33 s and 10,526).
DROP INDEX reading_history_idx;
CREATE INDEX reading_history_idx ON reading (account_id, meter, zone, period, taken_on, reading_id)
	INCLUDE (value, status, source);
