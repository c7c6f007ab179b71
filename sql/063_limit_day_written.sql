-- 063_limit_day_written: a limitation day counts as done once its packages
-- are written (issue 16 item 3).  `sbyt limit run` writes the day's
-- packages after its transaction commits and then records the day here,
-- with the business day of the run that wrote them (written_on: the day a
-- catch-up wrote them late).  Any run first writes the packages of the
-- recent days that have committed work and no row here (a crash between
-- the commit and the packages), and an e-mailed notice counts as delivered
-- (sent) only once the package that carries it is written: on written_on.
CREATE TABLE IF NOT EXISTS limit_day_written (
	day        date PRIMARY KEY,
	written_on date NOT NULL,
	packages   integer NOT NULL,
	written_at timestamptz NOT NULL DEFAULT now()
);
-- The days already run before this migration: their packages were written
-- by the runs that made them (they are not written again).
INSERT INTO limit_day_written (day, written_on, packages)
	SELECT DISTINCT day, day, 0 FROM limit_event
	ON CONFLICT (day) DO NOTHING;
