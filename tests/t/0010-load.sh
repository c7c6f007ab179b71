#!/bin/sh
# 0010-load: master data is validated whole, upserted, and never half-loaded.
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
7202000003;02;legal;"ООО ""Лесник""; Тобольск";г. Тобольск, ул. Мира, д. 10;626150;;0;0;+73456123456;office@lesnik.ru;edo;1;2021-02-01
CSV
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;M-1;2;6;2020-01-15;2032-01-15;1234.5;567;
7201000002;M-2;1;5;2019-06-01;;99000;;
7202000003;M-3;3;8;2021-02-01;2029-02-01;1000;2000;3000.125
CSV
# INN 7202123456: weights 2,4,10,3,5,9,4,6,8 over 720212345 give
# 7*2+2*4+0*10+2*3+1*5+2*9+3*4+4*6+5*8 = 127; 127 mod 11 = 6, so the check digit is 6
# (and 7202123455 in badc.csv is wrong).
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7202000003;Д-2021/15;2021-02-01;1;standard;7202123456;720201001
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7202000003;120.5;40;1;mchs@72.mchs.gov.ru,admin@tobolsk.ru
CSV

test_expect_success 'branches, accounts, meters, contracts and reserves load' '
	sbyt load branches branches.csv 2>e1 && grep -q "kind=branches read=2 inserted=2" e1 &&
	sbyt load accounts accounts.csv 2>e2 && grep -q "read=3 inserted=3 updated=0" e2 &&
	sbyt load meters meters.csv 2>e3 && grep -q "read=3 inserted=3" e3 &&
	sbyt load contracts contracts.csv 2>e4 && grep -q "read=1 inserted=1" e4 &&
	sbyt load reserves reserves.csv 2>e5 && grep -q "read=1 inserted=1" e5
'
test_expect_success 'quoted names keep their ; and quotes, phones become a list' "
	psql -XtAc \"select name from account where account_id = 7202000003\" | grep -qx 'ООО \"Лесник\"; Тобольск' &&
	psql -XtAc \"select array_length(phones, 1) from account where account_id = 7201000001\" | grep -qx 2
"
test_expect_success 'the meter readings are exact decimals' "
	psql -XtAc \"select initial_t1 + initial_t3 from meter where account_id = 7202000003\" | grep -qx 4000.125
"
test_expect_success 'loading the same file again changes nothing' '
	sbyt load accounts accounts.csv 2>e && grep -q "inserted=0 updated=0 unchanged=3" e
'
test_expect_success 'a changed line is an update' '
	sed "s/;2;2;+79123456789/;3;2;+79123456789/" accounts.csv > changed.csv &&
	sbyt load accounts changed.csv 2>e && grep -q "inserted=0 updated=1 unchanged=2" e &&
	psql -XtAc "select residents from account where account_id = 7201000001" | grep -qx 3
'
cat > bad3.csv <<CSV
$H
7201000010;01;individual;Сидоров С.С.;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15
720100011;01;individual;Сидоров С.С.;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000012;01;individual;Сидоров С.С.;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000013;01;firm;Сидоров С.С.;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000014;01;individual;Сидоров С.С.;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2026-02-31
CSV
test_expect_code 65 'a file with three bad lines is refused' 'sbyt load accounts bad3.csv 2>err'
test_expect_success 'all three bad lines are named with file and line' '
	grep -qx "bad3.csv:3: account must be 10 digits" err &&
	grep -qx "bad3.csv:5: kind must be one of individual|legal" err &&
	grep -qx "bad3.csv:6: opened_on must be a real date YYYY-MM-DD" err &&
	[ $(grep -c "^bad3.csv:" err) = 3 ]
'
test_expect_success 'and nothing of it was loaded, not even the good lines' '
	psql -XtAc "select count(*) from account" | grep -qx 3
'
test_expect_success 'the failed load is on record with exit status 65' '
	psql -XtAc "select status, exit_code from run where command = \$\$load\$\$ order by run_id desc limit 1" | grep -qx "failed|65"
'
cat > whole.csv <<CSV
$H
7201000020;01;individual;А;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000021;09;individual;Б;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000020;01;individual;В;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000022;01;individual;Г;г. Тюмень;625000;urban_gas;1;1;+7912;;post;0;2020-01-15
7201000023;01;individual;Д;г. Тюмень;625000;urban_gas;1;1;;;edo;0;2020-01-15
7201000024;01;individual;Е;г. Тюмень;625000
CSV
test_expect_code 65 'whole-file faults: unknown branch, duplicate key, bad phone, edo, short line' \
	'sbyt load accounts whole.csv 2>err'
test_expect_success 'each is reported on its line' '
	grep -qx "whole.csv:3: unknown branch .09." err &&
	grep -qx "whole.csv:4: account 7201000020 appears again (first on line 2)" err &&
	grep -q "^whole.csv:5: phone" err &&
	grep -qx "whole.csv:6: delivery .edo. is for legal entities only" err &&
	grep -qx "whole.csv:7: 6 fields, expected 14" err
'
test_expect_success 'messages do not quote personal data' '! grep -q "+7912" err'
printf 'account;contract;signed_on;price_category;payment_scheme;inn;kpp\n7201000001;Д-1;2021-01-01;1;standard;7202123455;720201001\n7209999999;Д-2;2021-01-01;1;standard;7202123456;720201001\n' > badc.csv
test_expect_code 65 'contracts: a wrong INN check digit and an unknown account' 'sbyt load contracts badc.csv 2>err'
test_expect_success 'both named' '
	grep -qx "badc.csv:2: inn must be 10 or 12 digits with valid check digits" err &&
	grep -qx "badc.csv:3: unknown account 7209999999" err
'
printf 'account;contract;signed_on;price_category;payment_scheme;inn;kpp\n7201000001;Д-1;2021-01-01;1;standard;7202123456;720201001\n' > indc.csv
test_expect_code 65 'a contract for an individual is refused' 'sbyt load contracts indc.csv 2>err'
test_expect_success 'because the account is not a legal entity' 'grep -qx "indc.csv:2: account 7201000001 is not a legal entity" err'
printf 'account;tech_kw;emergency_kw;no_below_emergency;authority_emails\n7202000003;10;20;0;a@b.ru\n' > badr.csv
test_expect_code 65 'an emergency reserve above the technological one is refused' 'sbyt load reserves badr.csv'
printf 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3\n7201000001;M-9;1;5;2020-01-01;;123456;;\n7201000001;M-8;1;5;2020-01-01;;12;5;\n' > badm.csv
test_expect_code 65 'meters: a reading wider than the meter, a zone it does not have' 'sbyt load meters badm.csv 2>err'
test_expect_success 'both named' '
	grep -qx "badm.csv:2: initial reading has more digits than the meter" err &&
	grep -qx "badm.csv:3: initial_t2 must be empty for a 1-zone meter" err
'
printf 'code,name,address,phone\n' > wrong.csv
test_expect_code 65 'a file with the wrong header is refused' 'sbyt load branches wrong.csv 2>err'
test_expect_success 'the message gives the header expected' 'grep -q "wrong.csv:1: the header must be .code;name;address;phone." err'
printf '\377\376c\000o\000d\000e\000' > utf16.csv
test_expect_code 65 'a UTF-16 file is refused' 'sbyt load branches utf16.csv 2>err'
test_expect_success 'saying the file must be UTF-8' 'grep -q "^utf16.csv:1: .*the file must be UTF-8" err'
: > empty.csv
test_expect_code 65 'an empty file is refused' 'sbyt load branches empty.csv'
test_expect_code 66 'a missing file exits 66' 'sbyt load branches nosuch.csv'
test_expect_code 64 'an unknown kind is a usage error' 'sbyt load tariffs branches.csv'

# A file large enough that two loads overlap: 200,000 accounts.
awk -v H="$H" 'BEGIN { print H; for (i = 0; i < 200000; i++)
	printf "72%08d;01;individual;Житель %d;г. Тюмень, ул. Новая, д. %d;625000;urban_gas;1;1;;;post;0;2020-01-15\n", 1000000 + i, i, i % 200 + 1 }' > big.csv
test_expect_success 'two loads started together: one succeeds, the other exits 75' '
	sbyt load accounts big.csv 2>e1 & p1=$!
	sbyt load accounts big.csv 2>e2 & p2=$!
	wait $p1; r1=$?; wait $p2; r2=$?
	echo "exits $r1 $r2"; cat e1 e2
	{ [ $r1 = 0 ] && [ $r2 = 75 ] && grep -q "another .load. run holds the lock" e2; } ||
	{ [ $r1 = 75 ] && [ $r2 = 0 ] && grep -q "another .load. run holds the lock" e1; }
'
test_expect_success 'a load killed with SIGKILL leaves nothing; the re-run loads all' '
	psql -XtAc "delete from account where name like \$\$Житель%\$\$" &&
	sbyt load accounts big.csv 2>/dev/null & p=$!
	sleep 0.5; kill -9 $p; wait $p
	n=$(psql -XtAc "select count(*) from account where name like \$\$Житель%\$\$")
	echo "after kill: $n"; { [ "$n" = 0 ] || [ "$n" = 200000 ]; } &&
	sbyt load accounts big.csv 2>e && grep -q "read=200000" e &&
	psql -XtAc "select count(*) from account where name like \$\$Житель%\$\$" | grep -qx 200000
'
test_expect_success 'the killed run is marked aborted by the next one' '
	psql -XtAc "select count(*) from run where status = \$\$running\$\$" | grep -qx 0
'
test_expect_code 69 'a database that is down: load exits 69' \
	'sbyt --db "host=$T/nowhere dbname=sbyt" load branches branches.csv'
test_expect_success 'status shows what is loaded' '
	sbyt status > out && grep -q "accounts legal  *1" out && grep -q "reserve acts  *1" out
'
test_done
