#!/bin/sh
# 0603-limit-worked: the worked examples of SPEC 9.3 through the workflow.
# Notices go by e-mail, delivered on the day they are sent, so each notice is
# delivered on its issue day and the cases meet the examples' dates; walked
# day by day through `sbyt limit run` from 2026-04-13 to 2026-06-10.
# 2026 days off: Apr 18 19 25 26; May 1 2 3 (holidays and weekend), 9 10 11
# (Victory Day and its transfer), 16 17 23 24 30 31; Jun 6 7 12 13 14.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов Иван;г. Тюмень, ул. Ленина, д. 5;625000;urban_gas;2;2;;ivanov@x.example;email;0;2020-01-15
7201000002;01;legal;ООО Лесник;г. Тюмень, ул. Мира, д. 10;625000;;0;0;;lesnik@x.example;email;0;2021-02-01
7201000003;01;legal;МУП Водоканал;г. Тюмень, ул. Мира, д. 16;625000;;0;0;;voda@x.example;email;0;2021-02-01
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7201000003;120;35;0;edds@adm.example
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load reserves reserves.csv || exit 1
# Snapshots: the household on Tue 04-14 (3000.00 over 2 periods; threshold in
# April: 2 x (96 x 2 x 3.00) = 1152.00), the legal entity on Mon 04-27 and
# the one with reserves on Fri 04-24 (60000.00 >= one period, 50000.00).
psql -Xq <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount) values
 (7201000002, '2026-02-01', 1, 'balance', '2026-03-18', 5000000),
 (7201000003, '2026-02-01', 1, 'balance', '2026-03-18', 5000000);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty) values
 (7201000001, '2026-04-14', 300000, 2, 0),
 (7201000002, '2026-04-27', 6000000, 2, 0),
 (7201000003, '2026-04-24', 6000000, 2, 0);
SQL

test_expect_success 'walk 2026-04-13 .. 2026-06-10' '
	walk 2026-04-13 2026-06-10
'
# individual: warning delivered Tue 04-14: window ends Mon 05-04 -> partial
# Tue 05-05; full notice from Tue 05-26 (04-14 + 40 = Sun 05-24, window ends
# Mon 05-25); sent 05-26 stating 05-26 + 11 = Sat 06-06 -> Mon 06-08.
test_expect_success 'individual: partial 05-05, full notice 05-26, full 06-08' '
	ex 7201000001 2026-06-10 &&
	test "$(st 7201000001 "@name=\"warning\"" delivered)" = 2026-04-14 &&
	test "$(st 7201000001 "@name=\"partial\"" date)" = 2026-05-05 &&
	test "$(st 7201000001 "@name=\"full_notice\"" date)" = 2026-05-26 &&
	test "$(st 7201000001 "@name=\"full\"" date)" = 2026-06-08 &&
	test "$(st 7201000001 "@name=\"full\"" state)" = done
'
# legal: notice delivered Mon 04-27: partial Thu 05-07; working days after:
# 05-08, 05-12, 05-13 -> full Thu 05-14.
test_expect_success 'legal: partial 05-07, full 05-14' '
	ex 7201000002 2026-06-10 &&
	test "$(st 7201000002 "@name=\"notice\"" delivered)" = 2026-04-27 &&
	test "$(st 7201000002 "@name=\"partial\"" date)" = 2026-05-07 &&
	test "$(st 7201000002 "@name=\"full\"" date)" = 2026-05-14 &&
	test "$(st 7201000002 "@name=\"full\"" state)" = done
'
# legal_reserve: notice delivered Fri 04-24: tech reserve Mon 05-04; 05-09 is
# a holiday, window ends Tue 05-12 -> emergency Wed 05-13; full Tue 05-19.
test_expect_success 'legal_reserve: tech 05-04, emergency 05-13, full 05-19' '
	ex 7201000003 2026-06-10 &&
	test "$(st 7201000003 "@name=\"tech_reserve\"" date)" = 2026-05-04 &&
	test "$(st 7201000003 "@name=\"emergency_reserve\"" date)" = 2026-05-13 &&
	test "$(st 7201000003 "@name=\"full\"" date)" = 2026-05-19 &&
	requests 7201000003 > r && printf "%s\n" "tech_reserve 2026-05-04 2026-04-24 120" \
		"emergency_reserve 2026-05-13 2026-05-04 35" "full 2026-05-19 2026-05-13 0" | diff - r
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
