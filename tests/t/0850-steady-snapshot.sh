#!/bin/sh
# 0850-steady-snapshot: the daily debt snapshot in one partition a day
# (sql/170), the limitation run reading only the day's snapshot, the
# retention rule (rules/retention.xml) applied by daily, and the migration
# of a database that had the unpartitioned table.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1
q() { psql -XAtq -c "$1"; }
export SBYT_SPOOL="$T/spool"
mkdir -p "$SBYT_SPOOL/inbox"
sbyt -q db init

cat > b.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7285000001;01;individual;Платов Иван;г. Тюмень, ул. Мира, д. 1, кв. 1;625001;urban_gas;2;2;;;post;0;2019-06-01
7285000002;01;individual;Должнов Пётр;г. Тюмень, ул. Мира, д. 3, кв. 2;625001;urban_gas;2;2;;;post;0;2019-06-01
CSV
sbyt -q load branches b.csv && sbyt -q load accounts a.csv || exit 1

# Both households owe 2026-07 (due Mon 08-10) and 2026-08 (due Thu 09-10),
# 2000.00 each.  ..01 paid both on time (08-05 and 09-05), but the bank's
# file with those payments reached sbyt only on 10-01: the snapshot of Wed
# 09-30 shows it 4000.00 over 2 periods, the one of Thu 10-01 nothing at all
# (paid before the due dates: no principal, no penalty, so no row).  ..02
# never pays: 4000.00 over 2 periods on both days.  Threshold (SPEC 9.1, as
# in 0600): urban_gas, 2 rooms, 2 residents, 2 x (96 x 2 x 3.34) = 1282.56,
# below 4000.00.
psql -Xq <<'SQL' || exit 1
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, p::date, 1, 'charge', (p + interval '1 month 9 days')::date, 200000
 from generate_series(7285000001, 7285000002) a,
      (values (date '2026-07-01'), (date '2026-08-01')) v(p);
SQL

test_expect_success 'the snapshot of 09-30: both in debt, in the partition of the day' '
	sbyt -q debt --as-of 2026-09-30 &&
	test "$(q "select account_id||\$\$ \$\$||principal||\$\$ \$\$||periods from debt_snapshot where as_of = date \$\$2026-09-30\$\$ order by 1" | tr "\n" ,)" = \
		"7285000001 400000 2,7285000002 400000 2," &&
	test "$(q "select distinct tableoid::regclass from debt_snapshot where as_of = date \$\$2026-09-30\$\$")" = debt_snapshot_20260930 &&
	test "$(q "select count(*) from debt_snapshot_other")" = 0
'
test_expect_success 'the next day partition is created ahead, empty' '
	test "$(q "select to_regclass(\$\$debt_snapshot_20261001\$\$) is not null")" = t &&
	test "$(q "select count(*) from debt_snapshot_20261001")" = 0
'
test_expect_success 'the snapshot of 10-01 after the late payments: only ..02' '
	q "insert into payment (account_id, channel, source_id, paid_on, amount, period) values
	   (7285000001, \$\$payments\$\$, \$\$t0850-1\$\$, date \$\$2026-08-05\$\$, 200000, date \$\$2026-07-01\$\$),
	   (7285000001, \$\$payments\$\$, \$\$t0850-2\$\$, date \$\$2026-09-05\$\$, 200000, date \$\$2026-08-01\$\$)" &&
	sbyt -q debt --as-of 2026-10-01 &&
	test "$(q "select account_id||\$\$ \$\$||principal from debt_snapshot where as_of = date \$\$2026-10-01\$\$")" = "7285000002 400000" &&
	test "$(q "select string_agg(as_of::text, \$\$,\$\$ order by as_of) from debt_snapshot_day")" = 2026-09-30,2026-10-01
'
# The bug this guards against: the candidates were the latest row of every
# account on or before the day (DISTINCT ON ... as_of <= day), so ..01's
# stale row of 09-30 opened a case on 10-01.
test_expect_success 'limit run on 10-01: ..01, in debt on 09-30 and paid, is not a candidate' '
	sbyt limit run --as-of 2026-10-01 2>err &&
	grep -q "notices=1 " err &&
	test "$(q "select account_id||\$\$ \$\$||procedure||\$\$ \$\$||snap_as_of||\$\$ \$\$||stated_debt from limit_case")" = \
		"7285000002 individual 2026-10-01 400000"
'
test_expect_success 'explain says ..01 has no overdue debt in the snapshot of 10-01' '
	sbyt limit explain 7285000001 --as-of 2026-10-01 > ex.txt &&
	grep -qx "debt snapshot: no overdue debt on or before 2026-10-01" ex.txt &&
	grep -qx "no limitation case" ex.txt
'
# A day without debtors is a day taken too: before any due date (Sat 08-01)
# nobody owes, no row is written, and a run of that day reads that (empty)
# snapshot, not the one before it.
test_expect_success 'a day with no debtors is recorded as taken' '
	sbyt -q debt --as-of 2026-08-01 &&
	test "$(q "select count(*) from debt_snapshot where as_of = date \$\$2026-08-01\$\$")" = 0 &&
	test "$(q "select count(*) from debt_snapshot_day where as_of = date \$\$2026-08-01\$\$")" = 1
'

# Retention (rules/retention.xml: daily="90" monthEnds="true") applied by
# daily on Fri 10-02: 10-02 - 90 days = 07-04, so the partitions of the days
# before 07-04 go, except the last of each month.  Made here: one a day from
# 06-01 to 07-10 with a row of ..02 each (06-01..06-30 is 30 days, 07-01..
# 07-10 ten more).  Dropped: 06-01..06-29 (29) and 07-01..07-03 (3) = 32.
# Kept: 06-30 (June's last), 07-04.. (in the window), 08-01, 09-30, 10-01,
# 10-02 and 10-03 (made ahead).
test_expect_success 'daily drops whole partitions the retention rule does not keep' '
	psql -Xq -c "select sbyt_snapshot_partition(d::date) from generate_series(date \$\$2026-06-01\$\$, date \$\$2026-07-10\$\$, interval \$\$1 day\$\$) d" \
		-c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty) select 7285000002, d::date, 200000, 1, 0 from generate_series(date \$\$2026-06-01\$\$, date \$\$2026-07-10\$\$, interval \$\$1 day\$\$) d" &&
	test "$(q "select count(*) from debt_snapshot_other")" = 0 &&
	sbyt daily --as-of 2026-10-02 2>err &&
	grep -q " retired=32$" err &&
	for d in 20260601 20260615 20260629 20260701 20260703; do
		test "$(q "select to_regclass(\$\$debt_snapshot_$d\$\$) is null")" = t || exit 1
	done &&
	for d in 20260630 20260704 20260710 20260801 20260930 20261001 20261002 20261003; do
		test "$(q "select to_regclass(\$\$debt_snapshot_$d\$\$) is not null")" = t || exit 1
	done &&
	test "$(q "select count(*) from debt_snapshot where as_of < date \$\$2026-07-04\$\$")" = 1 &&
	test "$(q "select count(*) from debt_snapshot_day where as_of < date \$\$2026-07-04\$\$")" = 1
'
test_expect_success 'a second daily of the same day drops nothing more' '
	sbyt daily --as-of 2026-10-02 2>err &&
	grep -q " retired=0$" err
'
# The limitation run reads the latest day taken on or before its own: rows
# written by hand to a day with no partition go to the default partition,
# count as taken, and move into the day's partition when it is made.
test_expect_success 'rows of a day without a partition: default partition, then moved' '
	q "insert into debt_snapshot (account_id, as_of, principal, periods, penalty) values (7285000002, date \$\$2026-10-05\$\$, 400000, 2, 0)" &&
	test "$(q "select count(*) from debt_snapshot_other")" = 1 &&
	test "$(q "select count(*) from debt_snapshot_day where as_of = date \$\$2026-10-05\$\$")" = 1 &&
	q "select sbyt_snapshot_partition(date \$\$2026-10-05\$\$)" >/dev/null &&
	test "$(q "select count(*) from debt_snapshot_other")" = 0 &&
	test "$(q "select tableoid::regclass from debt_snapshot where as_of = date \$\$2026-10-05\$\$")" = debt_snapshot_20261005
'

mkdir r && cp -R "$SBYT_TOP/rules/." r/ || exit 1
test_expect_code 78 'a retention rule under 60 days is refused by rules check' '
	sed "s/daily=\"90\"/daily=\"30\"/" "$SBYT_TOP/rules/retention.xml" > r/retention.xml &&
	sbyt --rules r rules check 2>err; rc=$?
	grep -q "retention.xml:[0-9]*:" err || rc=1; exit $rc
'
test_expect_code 78 'and daily will not run with it' '
	sbyt --rules r daily --as-of 2026-10-05 2>err; rc=$?
	grep -q "retention.xml:[0-9]*:" err || rc=1; exit $rc
'

# The migration keeps data: a database made by the migrations before 170,
# with snapshot rows of two days, migrated by sbyt db migrate.
test_expect_success 'migrate converts an existing snapshot table, rows kept per day' '
	export PGDATABASE="${PGDATABASE}_old" &&
	createdb "$PGDATABASE" &&
	db_migrate_before 170 &&
	q "insert into debt_snapshot (account_id, as_of, principal, periods, penalty) values
	   (7285000001, date \$\$2026-09-30\$\$, 400000, 2, 0), (7285000002, date \$\$2026-09-30\$\$, 400000, 2, 0),
	   (7285000002, date \$\$2026-10-01\$\$, 400000, 2, 0)" &&
	test "$(q "select relkind from pg_class where relname = \$\$debt_snapshot\$\$")" = r &&
	sbyt -q db migrate &&
	test "$(q "select relkind from pg_class where relname = \$\$debt_snapshot\$\$")" = p &&
	test "$(q "select t||\$\$ \$\$||count(*) from (select tableoid::regclass::text as t from debt_snapshot) x group by t order by t" | tr "\n" ,)" = \
		"debt_snapshot_20260930 2,debt_snapshot_20261001 1," &&
	test "$(q "select string_agg(as_of::text, \$\$,\$\$ order by as_of) from debt_snapshot_day")" = 2026-09-30,2026-10-01;
	rc=$?; dropdb "$PGDATABASE"; exit $rc
'
test_done
