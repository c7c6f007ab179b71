#!/bin/sh
# 0892-docs-analyze: documents planned on statistics of what bill wrote.
# The first month's bill fills consumption, charge_line and obligation from
# empty tables; autovacuum analyzes them only at its next round (a minute
# later), and the documents' cursors planned on an empty table's statistics
# (period = P estimated at one row: a nested loop over a sequential scan)
# took 131 s at N=100,000 in `make bench` against 2.5 s.  Every job begins
# by analyzing the tables whose statistics lag (10 % more pages, or 10 % of
# the rows changed, since they were taken), and docs does again before its
# cursors: `month` bills and issues in one process.  Here autovacuum is off
# for those tables, so only sbyt can have analyzed them; charge_line and
# document are partitioned by month (sql/283): their partitions of November
# (made here as the bill and docs make them) and their default ones.
. "$SBYT_TOP/tests/lib.sh"
T=$(pwd)
gen --accounts 3000 --period 2026-11 --seed 3 --out "$T/g" >/dev/null 2>&1 || exit 1
sbyt -q db init
for t in charge_line document; do
	psql -Xq -c "SELECT sbyt_month_partition('$t', '2026-11-01')" || exit 1
done
for t in charge_line_202611 document_202611 charge_line_default document_default \
	 consumption obligation payment reading; do
	psql -Xq -c "ALTER TABLE $t SET (autovacuum_enabled = false)" || exit 1
done
sbyt -q load branches g/branches.csv accounts g/accounts.csv meters g/meters.csv \
	contracts g/contracts.csv reserves g/reserves.csv || exit 1

stats() { psql -XAtc "SELECT count(*) FROM pg_stats WHERE tablename = '$1' AND attname = '$2'"; }
analyzed() { psql -XAtc "SELECT coalesce(last_analyze::text, 'never') FROM pg_stat_user_tables WHERE relname = '$1'"; }
# the planner's rows for the month's actual consumption, and the true count
est() {
	psql -XAtc "EXPLAIN SELECT * FROM consumption WHERE period = '2026-11-01' AND billed_in = '2026-11-01' AND basis = 'actual'" |
	sed -n '1s/.*rows=\([0-9]*\).*/\1/p'
}
real() { psql -XAtc "SELECT count(*) FROM consumption WHERE period = '2026-11-01' AND billed_in = '2026-11-01' AND basis = 'actual'"; }

test_expect_success 'ingest: the readings are analyzed by the next job, not before' '
	sbyt -q --as-of 2026-11-26 ingest g/inbox/*/* 2>/dev/null;
	[ "$(stats reading taken_on)" = 0 ] && [ "$(psql -XAtc "SELECT count(*) FROM reading")" -gt 1000 ]
'
test_expect_success 'month: the bill stage plans on analyzed readings' '
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-11-28 month --period 2026-11 --kind individual &&
	[ "$(stats reading taken_on)" = 1 ]
'
test_expect_success 'month: its docs stage analyzed what its bill stage wrote' '
	for t in consumption charge_line_202611 obligation; do [ "$(stats $t period)" = 1 ] || exit 1; done &&
	r=$(real) && [ "$r" -gt 1000 ] &&
	e=$(est) && [ $((e * 10)) -ge $((r * 9)) ] && [ $((e * 10)) -le $((r * 11)) ]
'
# The limitation day reads the month's documents only by key (its warnings
# printed in them): it leaves them to autovacuum, which vacuums a month's
# million documents for seconds after docs, and whose lock its ANALYZE
# waited a second for; a debt run analyzes them.
test_expect_success 'limit leaves the month'"'"'s documents to autovacuum, debt analyzes them' '
	[ "$(analyzed document_202611)" = never ] &&
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-12-01 limit run &&
	[ "$(analyzed document_202611)" = never ] && [ "$(analyzed obligation)" != never ] &&
	sbyt -q --as-of 2026-12-01 debt &&
	[ "$(analyzed document_202611)" != never ]
'
# (a backend counts its rows in the statistics when it has gone: the
# month's bill may be counted after the analysis, and analyzed once more by
# the next job; the one after it finds nothing to do)
test_expect_success 'a re-run finds them current and does not analyze again' '
	[ "$(analyzed consumption)" != never ] &&
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	a=$(analyzed consumption) &&
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	[ "$(analyzed consumption)" = "$a" ]
'
test_done
