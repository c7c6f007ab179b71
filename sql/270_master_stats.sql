-- 270_master_stats: planner statistics of the master data from a sample
-- of 3,000 rows, not 30,000.
--
-- `sbyt load` ends with VACUUM (ANALYZE) of the table it changed (and
-- autovacuum analyzes after every large change); ANALYZE sorts a sample of
-- 300 x the statistics target rows for every column, text columns by the
-- collation's strcoll.  The master data's columns need no more than a
-- target of 10: the keys are unique (a sample of any size says so, and a
-- histogram of 10 ranges is enough for the branches' ranges of account
-- ids), the value sets (branch, kind, category, delivery, zones...) have
-- few values, and nothing selects by a reading or a date of them.  ANALYZE
-- of 20,000 accounts 0.07 -> 0.02 s of server CPU, of 20,282 meters
-- 0.05 -> 0.01 s (make bench, load stage); from 30,000 rows on it reads
-- a tenth of the pages it read.  Personal data keeps no statistics (220).
ALTER TABLE account ALTER COLUMN account_id SET STATISTICS 10,
	ALTER COLUMN branch SET STATISTICS 10, ALTER COLUMN kind SET STATISTICS 10,
	ALTER COLUMN category SET STATISTICS 10, ALTER COLUMN residents SET STATISTICS 10,
	ALTER COLUMN rooms SET STATISTICS 10, ALTER COLUMN delivery SET STATISTICS 10,
	ALTER COLUMN remote_metering SET STATISTICS 10, ALTER COLUMN opened_on SET STATISTICS 10;
ALTER TABLE meter ALTER COLUMN account_id SET STATISTICS 10,
	ALTER COLUMN meter SET STATISTICS 10, ALTER COLUMN zones SET STATISTICS 10,
	ALTER COLUMN digits SET STATISTICS 10, ALTER COLUMN installed_on SET STATISTICS 10,
	ALTER COLUMN verified_until SET STATISTICS 10, ALTER COLUMN initial_t1 SET STATISTICS 10,
	ALTER COLUMN initial_t2 SET STATISTICS 10, ALTER COLUMN initial_t3 SET STATISTICS 10;
