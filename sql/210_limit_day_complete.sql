-- 210_limit_day_complete: a limitation day's packages written in two steps
-- (issue 18 item 3).  A run writes the e-mail and authorities' packages
-- first (sending them: the second pass takes the accounts they deliver to),
-- records the day here with complete = false, and writes the whole day once
-- after the second pass (complete = true).  A run killed between the two
-- leaves the day incomplete: the next run's catch-up writes it whole, as it
-- does a day with no row here; written_on stays the day the e-mails went.
ALTER TABLE limit_day_written ADD COLUMN IF NOT EXISTS complete boolean NOT NULL DEFAULT true;
