-- 221_reading_history_key: a meter zone's readings in the order ingest reads
-- them.
--
-- For every meter zone of a chunk, ingest reads its readings of the
-- averaging window and the latest accepted one before it, ordered by
-- period, date and id (lib/ingest_decide.c, hist_sql).  With the key ending
-- at period, each of the 100,000 look-ups of a month sorted the rows of its
-- period (a sort set up per probe: 150 ms a chunk of 8192); with date and
-- id in the key the backward index scan gives the latest at once (59 ms).
-- Every query that used the old key (account, meter, zone, period) uses
-- this one as well.
CREATE INDEX reading_history_idx ON reading (account_id, meter, zone, period, taken_on, reading_id);
DROP INDEX reading_period_idx;
