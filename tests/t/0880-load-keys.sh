#!/bin/sh
# 0880-load-keys: load checks branches and accounts by the set (sql/220), the
# referenced rows cannot be deleted under it, and the two-statement upsert
# counts what it did exactly.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

printf 'code;name;address;phone\n01;Тюменский участок;г. Тюмень;+73452000001\n02;Тобольский участок;г. Тобольск;+73456000002\n03;Ишимский участок;г. Ишим;+73455000003\n' > branches.csv
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов И. И.;г. Тюмень, ул. Ленина, д. 5;625000;urban_gas;2;2;+79123456789;;post;0;2020-01-15
7201000002;01;individual;Петрова А. С.;с. Каскара;625530;rural;4;3;;;post;1;2019-06-01
7202000003;02;legal;ООО Лесник;г. Тобольск;626150;;0;0;;office@lesnik.ru;edo;1;2021-02-01
7201000004;01;individual;Сидоров П. П.;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15
CSV
M='account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
# the same meter number at two accounts is two meters, not a duplicate
cat > meters.csv <<CSV
$M
7201000001;M-1;2;6;2020-01-15;2032-01-15;1234.5;567;
7201000002;M-1;1;5;2019-06-01;;99000;;
7202000003;M-3;1;8;2021-02-01;;1000;;
CSV
printf 'account;contract;signed_on;price_category;payment_scheme;inn;kpp\n7202000003;Д-2021/15;2021-02-01;1;standard;7202123456;720201001\n' > contracts.csv

test_expect_success 'master data loads' '
	sbyt load branches branches.csv 2>e && grep -q "inserted=3 updated=0 unchanged=0" e &&
	sbyt load accounts accounts.csv 2>e && grep -q "inserted=4 updated=0 unchanged=0" e &&
	sbyt load meters meters.csv 2>e && grep -q "read=3 inserted=3 updated=0 unchanged=0" e &&
	sbyt load contracts contracts.csv 2>e && grep -q "inserted=1 updated=0 unchanged=0" e
'

# Reload: line 2 unchanged (1234.5 is the stored 1234.500), line 3 a new
# verification date, line 4 a new meter; the counts are 1 + 1 + 1 of 3.
cat > meters2.csv <<CSV
$M
7201000001;M-1;2;6;2020-01-15;2032-01-15;1234.500;567;
7201000002;M-1;1;5;2019-06-01;2035-06-01;99000;;
7201000004;M-4;1;5;2020-01-15;;7;;
CSV
test_expect_success 'a reload counts inserted, updated and unchanged exactly' '
	sbyt load meters meters2.csv 2>e &&
	grep -q "read=3 inserted=1 updated=1 unchanged=1" e &&
	test "$(psql -XtAc "SELECT verified_until FROM meter WHERE account_id = 7201000002")" = 2035-06-01 &&
	test "$(psql -XtAc "SELECT initial_t1 FROM meter WHERE account_id = 7201000004")" = 7.000 &&
	test "$(psql -XtAc "SELECT count(*) FROM meter")" = 4
'
test_expect_success 'the same file again changes nothing' '
	sbyt load meters meters2.csv 2>e && grep -q "inserted=0 updated=0 unchanged=3" e
'

# Refusals by the set: every line named, nothing loaded.
cat > badm.csv <<CSV
$M
7201000004;M-5;1;5;2020-01-15;;1;;
7209999999;M-6;1;5;2020-01-15;;1;;
7201000004;M-5;1;5;2020-01-15;;2;;
7201000001;M-7;1;5;2020-01-15;;1;;
CSV
test_expect_code 65 'meters of an unknown account and a meter twice are refused' 'sbyt load meters badm.csv 2>err'
test_expect_success 'each on its line, and nothing loaded' '
	grep -qx "badm.csv:3: unknown account 7209999999" err &&
	grep -qx "badm.csv:4: meter M-5 of account 7201000004 appears again (first on line 2)" err &&
	test "$(grep -c "^badm.csv:" err)" = 2 &&
	test "$(psql -XtAc "SELECT count(*) FROM meter")" = 4
'
printf '%s\n7201000009;09;individual;Х;г. Тюмень;625000;rural;1;1;;;post;0;2020-01-15\n' "$H" > bada.csv
test_expect_code 65 'an account of an unknown branch is refused' 'sbyt load accounts bada.csv 2>err'
test_expect_success 'with its line' 'grep -qx "bada.csv:2: unknown branch .09." err'

# The referenced side of the keys the load checks (sql/220): refused as the
# foreign keys refused it, SQLSTATE 23503.
state() { psql -Xq -v ON_ERROR_STOP=1 -c "\\set VERBOSITY sqlstate" -c "$1" 2>&1 | sed -n "s/^ERROR: *//p"; }
test_expect_success 'a branch with accounts cannot be deleted or renamed' '
	test "$(state "DELETE FROM branch WHERE code = '"'"'01'"'"'")" = 23503 &&
	test "$(state "UPDATE branch SET code = '"'"'11'"'"' WHERE code = '"'"'02'"'"'")" = 23503 &&
	test "$(psql -XtAc "SELECT count(*) FROM branch")" = 3
'
test_expect_success 'a branch without accounts can' '
	psql -Xq -c "DELETE FROM branch WHERE code = '"'"'03'"'"'" &&
	test "$(psql -XtAc "SELECT count(*) FROM branch")" = 2
'
test_expect_success 'an account with meters, a contract or a reserve act cannot be deleted or renumbered' '
	test "$(state "DELETE FROM account WHERE account_id = 7201000002")" = 23503 &&
	test "$(state "UPDATE account SET account_id = 7201000099 WHERE account_id = 7201000001")" = 23503 &&
	psql -Xq -c "DELETE FROM meter WHERE account_id = 7202000003" &&
	test "$(state "DELETE FROM account WHERE account_id = 7202000003")" = 23503 &&
	psql -X -c "DELETE FROM account WHERE account_id = 7202000003" 2>err;
	grep -q "violates foreign key constraint \"contract_account_id_fkey\" on table \"contract\"" err &&
	test "$(psql -XtAc "SELECT count(*) FROM account")" = 4
'
test_expect_success 'an account nothing refers to can be deleted' '
	psql -Xq -c "DELETE FROM meter WHERE account_id = 7201000004" &&
	psql -Xq -c "DELETE FROM account WHERE account_id = 7201000004" &&
	test "$(psql -XtAc "SELECT count(*) FROM account")" = 3
'
# Personal data gets no planner statistics (sql/220): no most common names.
test_expect_success 'no statistics of names, addresses, phones, e-mails, postcodes' '
	psql -Xq -c "ANALYZE account" &&
	test "$(psql -XtAc "SELECT string_agg(attname, '"'"','"'"' ORDER BY attname) FROM pg_stats
		WHERE tablename = '"'"'account'"'"' AND attname IN ('"'"'name'"'"', '"'"'address'"'"',
		'"'"'phones'"'"', '"'"'email'"'"', '"'"'postcode'"'"', '"'"'branch'"'"')")" = branch
'
test_done
