#!/bin/sh
# 0521-docs-lines-of-year: the documents of a month read the period's charge
# lines alone, not every period of the history.  4,000 generated accounts,
# a year of charge lines before November made by SQL (12 periods, 48,000
# rows) and November's (4,000), each month in its partition as the bill
# makes them (sql/283), analyzed; then `sbyt docs --period 2026-11`: the
# server's counts of scans of every other month's partition must not move,
# and November's must have been read.  Before sql/283 the same test held
# the period index of sql/253 to it (at 100,000 accounts the line cursor
# walked the key (account_id, period, line_no) through every period of
# each account, then scanned the whole table).
. "$SBYT_TOP/tests/lib.sh"
T=$(pwd)
export SBYT_DOCS_PDF=0
gen --accounts 4000 --period 2026-11 --seed 7 --out "$T/g" >/dev/null 2>&1 || exit 1
sbyt -q db init
sbyt -q load branches g/branches.csv accounts g/accounts.csv meters g/meters.csv \
	contracts g/contracts.csv reserves g/reserves.csv || exit 1
# November billed by SQL as tools/bench_docs.sh does (123 kWh x 5.67 =
# 697.41 a document; a legal entity's line 610.00 with its VAT inside:
# 500.00 x 22 % = 110.00), and a year before it of one line an account a
# month
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
SELECT sbyt_month_partition('charge_line', p::date)
 FROM generate_series(DATE '2025-11-01', DATE '2026-11-01', interval '1 month') p;
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat)
 SELECT account_id, p, 1, 'charge', 'actual', 1, 1, 123.000, 5.67,
        CASE kind WHEN 'legal' THEN 61000 ELSE 69741 END, CASE kind WHEN 'legal' THEN 11000 ELSE 0 END
 FROM account CROSS JOIN generate_series(DATE '2025-11-01', DATE '2026-11-01', interval '1 month') p;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
 SELECT account_id, '2026-11-01', 1, 'charge', '2026-12-10', CASE kind WHEN 'legal' THEN 61000 ELSE 69741 END FROM account;
INSERT INTO period_state (period, branch, state)
 SELECT '2026-11-01', code, 'billed' FROM branch
 ON CONFLICT (period, branch) DO UPDATE SET state = 'billed';
ANALYZE;
SQL
test_expect_success 'a year of charge lines: 13 periods, 52,000 rows' '
	test "$(psql -XAtc "SELECT count(DISTINCT period) || '"' '"' || count(*) FROM charge_line")" = "13 52000"
'
# the server's counters of the partitions (reported when a backend's
# transaction ends): November's, the others' summed
scans() { psql -XAtc "SELECT sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)) FILTER (WHERE relname $1 'charge_line_202611')
	FROM pg_stat_user_tables WHERE relid IN (SELECT relid FROM pg_partition_tree('charge_line'))"; }
nov() { scans =; }
others() { scans '<>'; }
test_expect_success 'the year is in 13 partitions and the default one holds none' '
	test "$(psql -XAtc "SELECT count(DISTINCT tableoid) FROM charge_line")" = 13 &&
	test "$(psql -XAtc "SELECT count(*) FROM charge_line_default")" = 0
'
nov0=$(nov); other0=$(others)
sbyt -q --as-of 2026-11-28 docs --period 2026-11 2>docs.err || { cat docs.err; exit 1; }
sleep 1
test_expect_success 'the documents are issued: one a generated account' '
	test "$(psql -XAtc "SELECT count(*) FROM document WHERE period = '"'"'2026-11-01'"'"'")" = 4000
'
test_expect_success 'docs read November'"'"'s partition ('"$nov0"' -> '"$(nov)"')' '
	test "$(nov)" -gt "$nov0"
'
test_expect_success 'docs read no other month'"'"'s partition ('"$other0"' -> '"$(others)"')' '
	test "$(others)" = "$other0"
'
test_done
