#!/bin/sh
# 0884-load-several: `sbyt load KIND FILE [KIND FILE]...` loads the files in
# the order given, in one process and one run record, each file in its own
# transaction: the same rows as one load a file, the first refused file
# stops it (those before it stay, those after it are not read).
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;urban_gas;2;2;+79123456789,+79123456780;;post;0;2020-01-15
7201000002;01;individual;Петрова Анна Сергеевна;с. Каскара, ул. Школьная, д. 3;625530;rural;4;3;;petrova@mail.ru;email;1;2019-06-01
7202000003;02;legal;ООО Лесник;г. Тобольск, ул. Мира, д. 10;626150;;;;+73456123456;office@lesnik.ru;edo;1;2021-02-01
CSV
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;M-1;2;6;2020-01-15;2032-01-15;1234.5;567;
7201000002;M-2;1;5;2019-06-01;;99000;;
7202000003;M-3;3;8;2021-02-01;2029-02-01;1000;2000;3000.125
CSV
# INN 7202123456: 7*2+2*4+0*10+2*3+1*5+2*9+3*4+4*6+5*8 = 127, 127 mod 11 = 6
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7202000003;Д-2021/15;2021-02-01;1;standard;7202123456;720201001
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7202000003;120.5;40;1;mchs@72.mchs.gov.ru,admin@tobolsk.ru
CSV
# a meter of an account no file names
cat > badmeters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;M-9;1;6;2020-01-15;;10;;
7209999999;M-8;1;6;2020-01-15;;10;;
CSV

dump() {
	psql -XtAc "select account_id, branch, kind, name, category, residents, rooms, phones, email
		from account order by 1" &&
	psql -XtAc "select * from meter order by 1, 2" &&
	psql -XtAc "select * from contract order by 1" &&
	psql -XtAc "select * from reserve order by 1"
}

test_expect_success 'five files in one command: a summary line each, one run record' '
	sbyt load branches branches.csv accounts accounts.csv meters meters.csv \
		contracts contracts.csv reserves reserves.csv 2>e &&
	test "$(grep -c "^sbyt load: kind=" e)" = 5 &&
	grep -q "kind=branches read=2 inserted=2 updated=0 unchanged=0" e &&
	grep -q "kind=accounts read=3 inserted=3 updated=0 unchanged=0" e &&
	grep -q "kind=meters read=3 inserted=3 updated=0 unchanged=0" e &&
	grep -q "kind=contracts read=1 inserted=1 updated=0 unchanged=0" e &&
	grep -q "kind=reserves read=1 inserted=1 updated=0 unchanged=0" e &&
	test "$(psql -XtAc "select count(*) from run where command = '"'load'"'")" = 1 &&
	test "$(psql -XtAc "select count(*) from run r join run_file f using (run_id)
		where command = '"'load'"' and status = '"'done'"' and direction = '"'in'"'")" = 5 &&
	# 2 + 3 + 3 + 1 + 1 = 10 lines read and inserted
	psql -XtAc "select counts->>'"'read'"', counts->>'"'inserted'"', counts->>'"'files'"'
		from run where command = '"'load'"'" | grep -qx "10|10|5"
'
test_expect_success 'the same rows as one load a file in a fresh database' '
	dump > several.out &&
	createdb one && PGDATABASE=one sbyt -q db init &&
	for k in branches accounts meters contracts reserves; do
		PGDATABASE=one sbyt -q load $k $k.csv || return 1
	done &&
	PGDATABASE=one dump > one.out && dropdb one &&
	cmp one.out several.out &&
	grep -qx "7201000001|M-1|2|6|2020-01-15|2032-01-15|1234.500|567.000|" several.out
'
test_expect_success 'again: nothing changes' '
	sbyt load branches branches.csv accounts accounts.csv meters meters.csv 2>e &&
	grep -q "kind=accounts read=3 inserted=0 updated=0 unchanged=3" e &&
	grep -q "kind=meters read=3 inserted=0 updated=0 unchanged=3" e
'
test_expect_success 'a missing file: every file is hashed first, nothing loads (66)' '
	sed "s/;2;2;+79123456789/;3;2;+79123456789/" accounts.csv > changed.csv &&
	{ sbyt load accounts changed.csv reserves nosuch.csv 2>e; test $? = 66; } &&
	grep -q "nosuch.csv" e && ! grep -q "^sbyt load: kind=" e &&
	psql -XtAc "select residents from account where account_id = 7201000001" | grep -qx 2
'
test_expect_success 'a refused file stops the command: before it loaded, after it not read' '
	{ sbyt load accounts changed.csv meters badmeters.csv contracts contracts.csv 2>e
	  test $? = 65; } &&
	grep -q "kind=accounts read=3 inserted=0 updated=1 unchanged=2" e &&
	grep -q "badmeters.csv:3: unknown account 7209999999" e &&
	! grep -q "kind=meters" e && ! grep -q "kind=contracts" e &&
	psql -XtAc "select residents from account where account_id = 7201000001" | grep -qx 3 &&
	test "$(psql -XtAc "select count(*) from meter")" = 3 &&
	psql -XtAc "select status, exit_code from run where command = '"'load'"'
		order by run_id desc limit 1" | grep -qx "failed|65"
'
test_expect_code 64 'an odd argument count is a usage error' '
	sbyt load accounts accounts.csv meters
'
test_expect_code 64 'an unknown kind among the pairs is a usage error' '
	sbyt load accounts accounts.csv nothing x.csv
'
test_done
