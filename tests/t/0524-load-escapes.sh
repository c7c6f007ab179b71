#!/bin/sh
# 0524-load-escapes: the characters COPY's text format escapes (backslash,
# TAB) and the ones it does not (quotes, semicolon-free Cyrillic, a long
# run of plain bytes) reach the tables byte for byte, into an empty table
# (the direct COPY) and through the staging table (a table not empty), in
# names, addresses and branch fields (lib/db.c copy_text()).
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

T1=$(printf '\t')
cat > branches.csv <<CSV
code;name;address;phone
01;Участок\\1;г. Тюмень${T1}ул. Ленина;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
long=$(printf 'Ж%.0s' $(seq 1 150))
cat > accounts.csv <<CSV
$H
7201000001;01;individual;C:\\dir\\x "Иванов";ул.${T1}Ленина\\\\д. 5;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000002;01;individual;$long;\\t не TAB, а две буквы;625530;rural;4;3;;;post;1;2019-06-01
CSV
# The expected values, written independently of the files: E'' strings.
want_b="01|Участок\\1|г. Тюмень	ул. Ленина"
cat > want.txt <<'W'
7201000001|C:\dir\x "Иванов"|ул.	Ленина\\д. 5
W
printf '7201000002|%s|\\t не TAB, а две буквы\n' "$long" >> want.txt

sed 's/;individual;C:/;individual;D:/' accounts.csv > changed.csv
printf '%s\n' 'D:\dir\x "Иванов"' > want_d.txt

dump() {
	psql -XtAc "select code, name, address from branch order by 1" > b.out &&
	psql -XtAc "select account_id, name, address from account order by 1" > a.out &&
	test "$(cat b.out)" = "$want_b" && cmp a.out want.txt
}

test_expect_success 'the fields as the tables hold them (TAB, backslashes)' '
	test "$(printf "%s" "$want_b" | tr -cd "\t" | wc -c)" = 1 &&
	test "$(tr -cd "\t" < want.txt | wc -c)" = 1 &&
	test "$(tr -cd "\\\\" < want.txt | wc -c)" = 5
'
test_expect_success 'into the empty tables directly: byte for byte' '
	sbyt -v load branches branches.csv accounts accounts.csv 2>e &&
	grep -q "accounts: 2 lines into the empty table directly" e && dump
'
test_expect_success 'through the staging table: the same bytes, nothing to update' '
	sbyt -v load branches branches.csv accounts accounts.csv 2>e &&
	! grep -q directly e &&
	grep -q "kind=accounts read=2 inserted=0 updated=0 unchanged=2" e &&
	grep -q "kind=branches read=1 inserted=0 updated=0 unchanged=1" e && dump
'
test_expect_success 'a changed name through the staging table is stored as written' '
	sbyt -v load accounts changed.csv 2>e &&
	grep -q "kind=accounts read=2 inserted=0 updated=1 unchanged=1" e &&
	psql -XtAc "select name from account where account_id = 7201000001" > d.out &&
	cmp d.out want_d.txt
'
test_done
