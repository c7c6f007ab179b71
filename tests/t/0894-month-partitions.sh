#!/bin/sh
# 0894-month-partitions: document and charge_line are partitioned by
# month (sql/283): one partition a month, made by the bill and the
# documents of the month (sbyt_month_partition()), and a default partition
# for a month without one.
#
# A database made by the migrations before 283, with rows of two months
# (and one of 2019), migrated by `sbyt db migrate`: every row kept, each in
# its month's partition, the keys and indexes under their old names, the
# grants on the new tables, consumption left whole.  Then sbyt_month_partition():
# a month's rows written to the default partition move into its new
# partition; a second call does nothing; a table it does not partition is
# refused; while another transaction reads the table, it gives up after 5
# s and the rows stay in the default partition, which the next call moves.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
# the rows of the two tables, in key order, with the table holding each
ROWS="SELECT 'd', tableoid::regclass, account_id, period, number, total, qr FROM document
	UNION ALL SELECT 'l', tableoid::regclass, account_id, period, line_no, amount, kind FROM charge_line
	ORDER BY 1, 3, 4, 5"

test_expect_success 'migrate converts the two tables, every row kept in its month' '
	db_migrate_before 283 &&
	q "insert into branch (code, name, address, phone) values (\$\$01\$\$, \$\$Тюмень\$\$, \$\$ул. Северная, 32\$\$, \$\$+73452000000\$\$)" &&
	q "insert into document (account_id, period, branch, number, channel, issued_on, due, total, qr)
	   values (7201000001, date \$\$2019-03-01\$\$, \$\$01\$\$, 1, \$\$post\$\$, date \$\$2019-03-28\$\$, date \$\$2019-04-10\$\$, 100, \$\$ST00012|a\$\$),
	   (7201000001, date \$\$2026-10-01\$\$, \$\$01\$\$, 1, \$\$post\$\$, date \$\$2026-10-28\$\$, date \$\$2026-11-10\$\$, 200, \$\$ST00012|b\$\$),
	   (7201000002, date \$\$2026-10-01\$\$, \$\$01\$\$, 2, \$\$email\$\$, date \$\$2026-10-28\$\$, date \$\$2026-11-10\$\$, 300, \$\$ST00012|c\$\$),
	   (7201000001, date \$\$2026-11-01\$\$, \$\$01\$\$, 1, \$\$post\$\$, date \$\$2026-11-28\$\$, date \$\$2026-12-10\$\$, 400, \$\$ST00012|d\$\$)" &&
	q "insert into charge_line (account_id, period, line_no, kind, basis, amount)
	   values (7201000001, date \$\$2026-10-01\$\$, 1, \$\$charge\$\$, \$\$actual\$\$, 200),
	   (7201000001, date \$\$2026-11-01\$\$, 1, \$\$charge\$\$, \$\$actual\$\$, 350),
	   (7201000001, date \$\$2026-11-01\$\$, 2, \$\$recalc\$\$, \$\$recalc\$\$, 50)" &&
	q "$ROWS" | cut -d"|" -f1,3- > before &&
	sbyt -q db migrate &&
	q "$ROWS" | cut -d"|" -f1,3- > after && cmp before after &&
	test "$(q "select string_agg(relname || \$\$:\$\$ || relkind::text, \$\$ \$\$ order by relname) from pg_class
		where relname in (\$\$document\$\$, \$\$charge_line\$\$, \$\$consumption\$\$)")" = \
		"charge_line:p consumption:r document:p"
'
# where each row went
test_expect_success 'each row is in the partition of its month, 2019 too' '
	q "$ROWS" | cut -d"|" -f1,2 | sort | uniq -c | sed "s/^ *//" > got &&
	cat > want <<-EOF &&
	1 d|document_201903
	2 d|document_202610
	1 d|document_202611
	1 l|charge_line_202610
	2 l|charge_line_202611
	EOF
	cmp want got
'
test_expect_success 'the keys and indexes keep their names; the grants are on the new tables' '
	test "$(q "select string_agg(indexrelid::regclass::text, \$\$ \$\$ order by indexrelid::regclass::text) from pg_index
		where indrelid in (\$\$document\$\$::regclass, \$\$charge_line\$\$::regclass)")" = \
		"charge_line_period_idx charge_line_pkey document_branch_period_number_key document_pkey" &&
	test "$(q "select count(*) from pg_class where relname like \$\$%unpartitioned%\$\$")" = 0 &&
	test "$(q "select has_table_privilege(\$\$sbyt_auditor\$\$, \$\$document\$\$, \$\$SELECT\$\$),
		has_table_privilege(\$\$sbyt_operator\$\$, \$\$charge_line\$\$, \$\$INSERT\$\$)")" = "t|t"
'
test_expect_code 1 'a table it does not partition is refused' '
	psql -XtAq -v ON_ERROR_STOP=1 -c "select sbyt_month_partition(\$\$obligation\$\$, date \$\$2026-12-01\$\$)" 2>err;
	rc=$?; grep -q "no month partitions for table \"obligation\"" err || rc=9; exit $rc
'
# December's lines written before its partition exists go to the default
# partition; making it moves them there
test_expect_success 'a month made after its rows: the rows move from the default partition' '
	q "insert into charge_line (account_id, period, line_no, kind, basis, amount)
	   values (7201000001, date \$\$2026-12-01\$\$, 1, \$\$charge\$\$, \$\$actual\$\$, 500)" &&
	test "$(q "select tableoid::regclass from charge_line where period = date \$\$2026-12-01\$\$")" = charge_line_default &&
	test "$(q "select sbyt_month_partition(\$\$charge_line\$\$, date \$\$2026-12-01\$\$)")" = t &&
	test "$(q "select tableoid::regclass || \$\$ \$\$ || amount from charge_line where period = date \$\$2026-12-01\$\$")" = "charge_line_202612 500" &&
	test "$(q "select count(*) from charge_line_default")" = 0 &&
	test "$(q "select sbyt_month_partition(\$\$charge_line\$\$, date \$\$2026-12-01\$\$)")" = f
'
# another job's transaction reads document: the default partition cannot
# be locked to attach January's; after 5 s the function gives up, January's
# row stays where it is, and the call after that transaction moves it
q "insert into document (account_id, period, branch, number, channel, issued_on, due, total, qr)
   values (7201000001, date \$\$2027-01-01\$\$, \$\$01\$\$, 1, \$\$post\$\$, date \$\$2027-01-28\$\$, date \$\$2027-02-10\$\$, 500, \$\$ST00012|e\$\$)"
psql -XtAq -c "begin" -c "select count(*) from document" -c "select pg_sleep(8)" -c "commit" >/dev/null &
holder=$!
sleep 1
test_expect_success 'the table in use: after 5 s the rows stay in the default partition' '
	s=$(date +%s) &&
	test "$(psql -XtAq -v ON_ERROR_STOP=1 -c "select sbyt_month_partition(\$\$document\$\$, date \$\$2027-01-01\$\$)" 2>notice)" = f &&
	e=$(date +%s) && test $((e - s)) -ge 4 &&
	grep -q "table \"document\" is in use: the rows of 2027-01 stay in \"document_default\"" notice &&
	test "$(q "select to_regclass(\$\$document_202701\$\$) is null")" = t &&
	test "$(q "select tableoid::regclass from document where period = date \$\$2027-01-01\$\$")" = document_default
'
wait "$holder"
test_expect_success 'once that transaction ended, the next call moves them' '
	test "$(q "select sbyt_month_partition(\$\$document\$\$, date \$\$2027-01-01\$\$)")" = t &&
	test "$(q "select tableoid::regclass from document where period = date \$\$2027-01-01\$\$")" = document_202701
'
test_done
