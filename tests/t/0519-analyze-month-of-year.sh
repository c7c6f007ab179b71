#!/bin/sh
# 0519-analyze-month-of-year: a new period's rows in a table holding a year
# of history are analyzed by the next job.  A month adds about 8 % to such a
# table, under the 10 % of changed rows that made db_analyze_grown() analyze
# (lib/db.c), so the planner kept estimating the new period at one row: the
# documents' readings cursor on day 366 of `make bench-year` planned a loop
# over the whole period per meter (7-9 s a branch against 0.2 s).  A table
# is now analyzed too when more rows changed than half the accounts (a
# month's history), and not for fewer.  Autovacuum is off for the table, so
# only sbyt can have analyzed it.  The table is obligation: charge_line is
# partitioned by month since sql/283 (a month's rows are a new partition,
# analyzed as one that grew from nothing).
. "$SBYT_TOP/tests/lib.sh"
T=$(pwd)
gen --accounts 4000 --period 2026-11 --seed 5 --out "$T/g" >/dev/null 2>&1 || exit 1
sbyt -q db init
psql -Xq -c "ALTER TABLE obligation SET (autovacuum_enabled = false)" || exit 1
sbyt -q load branches g/branches.csv accounts g/accounts.csv meters g/meters.csv \
	contracts g/contracts.csv reserves g/reserves.csv || exit 1

# n rows, one an account, of each period from $1 for $2 months
lines() {
	psql -Xq -c "INSERT INTO obligation (account_id, period, seq, kind, due, amount)
		SELECT a.account_id, p, 1, 'charge', (p + interval '1 month 9 days')::date, 50000
		FROM account a CROSS JOIN generate_series(DATE '$1', DATE '$1' + interval '$2 month' - interval '1 day', interval '1 month') p
		WHERE a.account_id % 1000 < $3"
}
est() { # the planner's rows for one period
	psql -XAtc "EXPLAIN SELECT * FROM obligation WHERE period = '$1'" | sed -n '1s/.*rows=\([0-9]*\).*/\1/p'
}
analyzed() { psql -XAtc "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'obligation'"; }
# the changed rows as counted by the server (a backend reports them when it ends)
mods() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		m=$(psql -XAtc "SELECT pg_stat_get_mod_since_analyze('obligation'::regclass)")
		[ "$m" -ge "$1" ] && break; sleep 0.5
	done
	echo "$m"
}

# A year: 12 months of the 4,000 accounts (48,000 rows), analyzed.
lines 2025-11-01 12 1000 && psql -Xq -c "ANALYZE obligation" || exit 1
n0=$(analyzed)
# November: 4,000 rows, 8.3 % of the year's.  Before: 0.1 * 48,000 + 1,000
# = 5,800 changed rows to analyze; now least(4,800, 0.5 * 4,000) + 1,000 =
# 3,000.
lines 2026-11-01 1 1000
test_expect_success 'before the job: November planned as almost no rows' '
	[ "$(mods 4000)" = 4000 ] && [ "$(est 2026-11-01)" -lt 100 ]
'
test_expect_success 'the next job analyzes the table: November planned as its 4,000 rows' '
	sbyt -q --as-of 2026-12-01 debt 2>err &&
	[ "$(analyzed)" = $((n0 + 1)) ] &&
	e=$(est 2026-11-01) && [ "$e" -gt 3000 ] && [ "$e" -lt 5000 ]
'
# December's first 2,000 rows (half the accounts: 2,000 < 3,000 needed).
lines 2026-12-01 1 500
test_expect_success 'fewer rows than half the accounts and 1,000: not analyzed again' '
	[ "$(mods 2000)" = 2000 ] &&
	sbyt -q --as-of 2026-12-02 debt 2>err &&
	[ "$(analyzed)" = $((n0 + 1)) ]
'
test_done
