#!/bin/sh
# 0885-load-direct: accounts and meters into an empty table go straight in
# (no staging table): the same rows as the staged upsert, and a file the
# staged way refuses is refused the same way, every bad line named,
# nothing loaded.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;urban_gas;2;2;+79123456789,+79123456780;;post;0;2020-01-15
7201000002;01;individual;Петрова Анна Сергеевна;с. Каскара, ул. Школьная, д. 3;625530;rural;4;3;;petrova@mail.ru;email;1;2019-06-01

7201000003;01;legal;ООО Лесник;г. Тюмень, ул. Мира, д. 10;626150;managing;;;+73456123456;office@lesnik.ru;edo;1;2021-02-01
CSV
M='account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
cat > meters.csv <<CSV
$M
7201000001;M-1;2;6;2020-01-15;2032-01-15;1234.5;567;
7201000002;M-2;1;5;2019-06-01;;99000;;
7201000003;M-3;3;8;2021-02-01;2029-02-01;1000;2000;3000.125
CSV
head -2 accounts.csv > first.csv
{ cat accounts.csv; sed -n 2p accounts.csv; } > dup.csv
sed 's/^7201000002;01;/7201000002;09;/' accounts.csv > nobranch.csv
# line 3: bad postcode; line 5: branch 09 unknown (both reported)
sed 's/;625530;/;62553;/; s/^7201000003;01;/7201000003;09;/' accounts.csv > two.csv
{ cat meters.csv; echo '7209999999;M-9;1;6;2020-01-15;;10;;'; } > nometer.csv

dump() {
	psql -XtAc "select account_id, branch, kind, name, address, postcode, category, residents,
		rooms, phones, email, delivery, remote_metering, opened_on from account order by 1" &&
	psql -XtAc "select * from meter order by 1, 2"
}

test_expect_success 'branches' 'sbyt -q load branches branches.csv'
test_expect_code 65 'a key twice in the first file: refused with its line, nothing loaded' '
	sbyt load accounts dup.csv 2>e; rc=$?
	grep -q "dup.csv:6: account 7201000001 appears again (first on line 2)" e &&
	test "$(psql -XtAc "select count(*) from account")" = 0 && exit $rc
'
test_expect_code 65 'an unknown branch in the first file: refused with its line' '
	sbyt load accounts nobranch.csv 2>e; rc=$?
	grep -q "nobranch.csv:3: unknown branch .09." e &&
	test "$(psql -XtAc "select count(*) from account")" = 0 && exit $rc
'
test_expect_code 65 'a bad line and an unknown branch: both named, as the staged way does' '
	sbyt load accounts two.csv 2>e; rc=$?
	grep -q "two.csv:3: postcode must be 6 digits" e &&
	grep -q "two.csv:5: unknown branch .09." e &&
	test "$(psql -XtAc "select count(*) from account")" = 0 && exit $rc
'
test_expect_success 'into the empty tables directly (-v says so), blank line skipped' '
	sbyt -v load accounts accounts.csv meters meters.csv 2>e &&
	grep -q "accounts: 3 lines into the empty table directly" e &&
	grep -q "meters: 3 lines into the empty table directly" e &&
	grep -q "kind=accounts read=3 inserted=3 updated=0 unchanged=0" e &&
	grep -q "kind=meters read=3 inserted=3 updated=0 unchanged=0" e &&
	dump > direct.out
'
test_expect_success 'the same rows as the staged upsert (a table not empty)' '
	createdb staged && PGDATABASE=staged sbyt -q db init &&
	PGDATABASE=staged sbyt -q load branches branches.csv accounts first.csv &&
	PGDATABASE=staged sbyt -v load accounts accounts.csv 2>e &&
	! grep -q "directly" e && grep -q "read=3 inserted=2 updated=0 unchanged=1" e &&
	PGDATABASE=staged sbyt -q load meters meters.csv &&
	PGDATABASE=staged dump > staged.out && dropdb staged &&
	cmp direct.out staged.out &&
	grep -qx "7201000003|01|legal|ООО Лесник|г. Тюмень, ул. Мира, д. 10|626150|managing|0|0|{+73456123456}|office@lesnik.ru|edo|t|2021-02-01" direct.out &&
	grep -qx "7201000001|M-1|2|6|2020-01-15|2032-01-15|1234.500|567.000|" direct.out
'
test_expect_code 65 'a meter of an unknown account into the empty table: refused with its line' '
	createdb m && PGDATABASE=m sbyt -q db init &&
	PGDATABASE=m sbyt -q load branches branches.csv accounts accounts.csv &&
	PGDATABASE=m sbyt load meters nometer.csv 2>e; rc=$?
	n=$(PGDATABASE=m psql -XtAc "select count(*) from meter"); dropdb m
	grep -q "nometer.csv:5: unknown account 7209999999" e && test "$n" = 0 && exit $rc
'
test_done
