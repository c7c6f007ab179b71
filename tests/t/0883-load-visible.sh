#!/bin/sh
# 0883-load-visible: after `sbyt load` every page of the tables it loaded is
# in the visibility map (pg_class.relallvisible = relpages), so that the
# index-only scans of the jobs that follow (ingest's account look-ups) do
# not visit the heap.  The load commits, waits for the commit to be flushed
# (synchronous_commit is off in the test cluster) and only then vacuums:
# run before the flush, VACUUM leaves the pages without the committed hint
# bit out of the map.  20,000 accounts and meters (some hundred pages each),
# first into the empty tables, then again with 1,000 more (the upsert path).
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

printf 'code;name;address;phone\n01;Тюменский участок;г. Тюмень;+73452000001\n' > branches.csv
accounts() {  # N: accounts 7201000001.. 72010N
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "72%08d;01;individual;Иванов И. И.;г. Тюмень, ул. Ленина, д. %d;625000;urban_gas;2;2;;;post;0;2020-01-15\n", i, i }'
}
meters() {
	echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
		printf "72%08d;M-%d;1;6;2020-01-15;2032-01-15;100;;\n", i, i }'
}
accounts 20000 > a1.csv; meters 20000 > m1.csv
accounts 21000 > a2.csv; meters 21000 > m2.csv
visible() {
	psql -XtAc "SELECT string_agg(relname || chr(61) || (relallvisible = relpages AND relpages > 50),
		chr(32) ORDER BY relname) FROM pg_class WHERE relname IN ('account', 'meter')"
}
test_expect_success 'into the empty tables: every page all-visible' '
	sbyt -q load branches branches.csv accounts a1.csv meters m1.csv &&
	test "$(visible)" = "account=true meter=true"
'
test_expect_success 'again with 1,000 more: every page all-visible' '
	sbyt load accounts a2.csv meters m2.csv 2>e &&
	grep -q "kind=accounts read=21000 inserted=1000 updated=0 unchanged=20000" e &&
	test "$(visible)" = "account=true meter=true"
'
test_done
