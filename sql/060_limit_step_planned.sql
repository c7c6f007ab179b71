-- 060_limit_step_planned: nothing happens in the past (SPEC 9.2.8).  A step
-- found due after its date by a late run (a delivery confirmation ingested
-- weeks late, a day cron did not run) takes the run's day; `planned` keeps
-- the date the rules gave and `why` says why they differ ("confirmation
-- ingested 2026-07-20, 14 days after it was due (2026-07-06)").  NULL/'' when
-- the step took the date the rules gave.
ALTER TABLE limit_step ADD COLUMN IF NOT EXISTS planned date;
ALTER TABLE limit_step ADD COLUMN IF NOT EXISTS why text NOT NULL DEFAULT '';
