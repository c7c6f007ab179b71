-- 253_charge_line_period: the charge lines of one period by account
-- (issue 18, steady state).  The documents read a branch's lines of the
-- period (docs_line: period = P, account in the branch's range); with only
-- the key (account_id, period, line_no) the planner scanned the whole table,
-- every period of the history, for them: on day 366 of `make bench-year`
-- at N = 100,000 (1.9 million lines of 13 periods) 835 ms against 292 ms
-- with this index a half-branch, the same 197 -> 205 ms on a first month.
-- The bill's floor in `make bench` copies into a twin LIKE charge_line
-- INCLUDING ALL, so it pays for this index as the bill does.
CREATE INDEX charge_line_period_idx ON charge_line (period, account_id);
