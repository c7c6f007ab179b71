#!/bin/sh
# 0898-analyze-dead-rows: a table whose rows are mostly dead is vacuumed,
# not only analyzed, when a job brings the statistics up to date at its
# start (db_analyze_grown()).  A limitation run killed on its first day at
# 1,000,000 accounts left 50,000 rolled-back notices; the run started again
# analyzed limit_notice as it was - pages full of dead rows, no live one:
# "no rows" - and the second pass planned the 50,000 notices it had just
# written again as none: a loop over them once per notice, stopped after
# 13 minutes, where the run takes 4 s.  Here 3,000 events of a rolled-back
# transaction stand for the killed run's rows (autovacuum off for the
# table, so that only sbyt can have vacuumed it); after the job's start the
# table holds no dead pages, and 3,000 rows written afterwards are
# estimated as about 3,000, not as none.
. "$SBYT_TOP/tests/lib.sh"
q() { psql -XAtq -c "$1"; }
sbyt -q db init || exit 1
psql -Xq -c "ALTER TABLE limit_event SET (autovacuum_enabled = false)" || exit 1
# events ROWS: ROWS events of 2026-06-01, accounts 1..ROWS (the killed run's)
events() {
	echo "INSERT INTO limit_event (account_id, day, n, case_no, procedure, step, what, rule,
	 inputs, dates) SELECT i, '2026-06-01', 1, 1, 'individual', 'warning', 'issued',
	 'SPEC 9.1', 'debt 5000.00 over 3 periods', 'issued 2026-06-01, delivered by post'
	 FROM generate_series(1, $1) i;"
}
test_expect_success 'a rolled-back transaction leaves 3,000 dead events' '
	{ echo "BEGIN;"; events 3000; echo "ROLLBACK;"; } | psql -Xq &&
	test "$(q "select count(*) from limit_event")" = 0 &&
	test "$(q "select pg_relation_size('"'limit_event'"') > 8 * 8192")" = t &&
	test "$(q "select pg_stat_get_dead_tuples('"'limit_event'"'::regclass)")" = 3000
'
test_expect_success 'the next job vacuums it at its start: no pages, no dead rows' '
	sbyt -q limit run --as-of 2026-06-15 &&
	test "$(q "select pg_relation_size('"'limit_event'"')")" = 0 &&
	test "$(q "select pg_stat_get_dead_tuples('"'limit_event'"'::regclass)")" = 0 &&
	test "$(q "select last_vacuum is not null from pg_stat_user_tables where relname = '"'limit_event'"'")" = t
'
test_expect_success 'rows written afterwards are estimated as what they are, not as none' '
	events 3000 | psql -Xq &&
	est=$(q "explain select * from limit_event" | sed -n "1s/.* rows=\([0-9]*\) .*/\1/p") &&
	test "$est" -gt 1500 && test "$est" -lt 6000
'
test_done
