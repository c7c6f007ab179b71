#!/bin/sh
# 0541-load-contracts-edo: contracts.csv with the optional trailing columns
# readings_day, edo_id and legal_address (old 7-column files still load), and
# the INN/KPP that the УПД schema (ИННЮЛТип, ИННФЛТип, КППТип) would refuse
# refused at load with FILE:LINE (exit 65, nothing loaded).
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init

cat > branches.csv <<'EOF'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
EOF
cat > accounts.csv <<'EOF'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000010;01;legal;ООО «А»;г. Тюмень, ул. Ямская, д. 10;625003;;;;;a@a.ru;edo;0;2015-12-17
7201000011;01;legal;ООО «Б»;г. Тюмень, ул. Ямская, д. 11;625003;;;;;b@b.ru;edo;0;2015-12-17
7201000012;01;legal;ИП Сидоров Пётр Иванович;г. Тюмень, ул. Ямская, д. 12;625003;;;;;;post;0;2015-12-17
EOF
for k in branches accounts; do sbyt -q load $k $k.csv || exit 1; done

cat > old.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7201000010;ЭС-1;2015-12-17;1;standard;7206443087;720601001
EOF
test_expect_success 'an old 7-column file still loads, without EDO id or legal address' '
	sbyt -q load contracts old.csv &&
	[ "$(psql -XtAc "select inn, coalesce(edo_id, \$\$-\$\$), coalesce(legal_address, \$\$-\$\$)
		from contract")" = "7206443087|-|-" ]
'
cat > full.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address
7201000010;ЭС-1;2015-12-17;1;standard;7206443087;720601001;;2BE-A-0010;625000, г. Тюмень, ул. Республики, д. 1
7201000011;ЭС-2;2015-12-17;1;standard;7214333659;7214AB001;3;2BE-B-0011;
7201000012;ЭС-3;2016-02-01;1;standard;720612345652;;;;
EOF
test_expect_success 'the full 10-column file loads and stores edo_id and legal_address' '
	sbyt -q load contracts full.csv &&
	psql -XtAc "select account_id, kpp, coalesce(edo_id, \$\$-\$\$), coalesce(legal_address, \$\$-\$\$)
		from contract order by 1" > got &&
	printf "%s\n" "7201000010|720601001|2BE-A-0010|625000, г. Тюмень, ул. Республики, д. 1" \
		"7201000011|7214AB001|2BE-B-0011|-" "7201000012||-|-" | diff - got
'
cat > nine.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id
7201000011;ЭС-2;2015-12-17;1;standard;7214333659;721401001;;2BE-B-0011
EOF
test_expect_success 'a 9-column file (up to edo_id) loads too' '
	sbyt -q load contracts nine.csv &&
	[ "$(psql -XtAc "select kpp from contract where account_id = 7201000011")" = 721401001 ]
'
# Check digits of 7206123457 are right (weights 2,4,10,3,5,9,4,6,8: sum
# 7x2+2x4+0+6x3+1x5+2x9+3x4+4x6+5x8 = 139, 139 mod 11 = 7); 7206123458 is wrong.
# 0012345673 has right check digits but starts with 00 (the schema's pattern
# refuses it); 720612345653 a wrong 12-digit one.
cat > bad.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address
7201000010;ЭС-1;2015-12-17;1;standard;7206123458;720601001;;;
7201000010;ЭС-1;2015-12-17;1;standard;0012345673;720601001;;;
7201000010;ЭС-1;2015-12-17;1;standard;7206123457;0012AB001;;;
7201000010;ЭС-1;2015-12-17;1;standard;7206123457;7206ab001;;;
7201000010;ЭС-1;2015-12-17;1;standard;7206123457;72060100;;;
7201000012;ЭС-3;2016-02-01;1;standard;720612345652;720601001;;;
7201000012;ЭС-3;2016-02-01;1;standard;720612345653;;;;
7201000011;ЭС-2;2015-12-17;1;standard;7214333659;721401001;;2BE_B;
7201000011;ЭС-2;2015-12-17;1;standard;7214333659;721401001;;2BE-B-0011;a;b
7201000011;ЭС-2;2015-12-17;1;standard;7214333659;721401001;40;2BE-B-0011;
EOF
test_expect_code 65 'an INN or KPP the УПД schema would refuse is refused at load' \
	'sbyt load contracts bad.csv 2>err'
test_expect_success 'every bad line as FILE:LINE: reason, and nothing loaded' '
	cat err &&
	grep -qx "bad.csv:2: inn must be 10 or 12 digits with valid check digits" err &&
	grep -qx "bad.csv:3: inn may not start with 00" err &&
	grep -qx "bad.csv:4: kpp must be 9 characters: 4 digits (not starting with 00), 2 digits or capital letters, 3 digits" err &&
	grep -q "^bad.csv:5: kpp must be 9 characters" err &&
	grep -q "^bad.csv:6: kpp must be 9 characters" err &&
	grep -qx "bad.csv:7: kpp must be empty with a 12-digit inn (an individual entrepreneur)" err &&
	grep -qx "bad.csv:8: inn must be 10 or 12 digits with valid check digits" err &&
	grep -qx "bad.csv:9: edo_id must be 4-46 letters, digits or .-." err &&
	grep -qx "bad.csv:10: 11 fields, expected 10" err &&
	grep -q "^bad.csv:11: readings_day" err &&
	[ "$(psql -XtAc "select count(*) from contract where inn in (\$\$7206123457\$\$, \$\$0012345673\$\$)")" = 0 ]
'
cat > hdr.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn
7201000010;ЭС-1;2015-12-17;1;standard;7206443087
EOF
test_expect_code 65 'a header cut before kpp is refused' 'sbyt load contracts hdr.csv 2>err'
test_expect_success 'naming the full header' '
	grep -q "hdr.csv:1: the header must be .account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address." err
'
test_done
