#!/bin/sh
# 0601-limit-legal: organisations (SPEC 9.1 `legal`, `legal_reserve`,
# `refusal`) walked day by day through `sbyt limit run` from 2026-10-01 to
# 2026-12-31 with delivery confirmations and payments; every date worked out
# by hand below from the 2026 production calendar.  Days off: Oct 3 4 10 11
# 17 18 24 25 31; Nov 1, 4 (holiday), 7 8 14 15 21 22 28 29; Dec 5 6 12 13
# 19 20 26 27 31.  Allowances: post 7, edo 1, lkk 1, email 0 days.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7202000001;02;legal;ООО Лесник;г. Тобольск, ул. Мира, д. 10;626150;;0;0;;office@lesnik.example;post;0;2021-02-01
7202000002;02;legal;ООО Рыбак;г. Тобольск, ул. Мира, д. 12;626150;;0;0;;office@rybak.example;edo;0;2021-02-01
7202000003;02;legal;ООО Пекарь;г. Тобольск, ул. Мира, д. 14;626150;;0;0;;office@pekar.example;lkk;0;2021-02-01
7202000004;02;legal;МУП Водоканал;г. Тобольск, ул. Мира, д. 16;626150;;0;0;;office@voda.example;edo;0;2021-02-01
7202000005;02;legal;ГБУЗ Больница;г. Тобольск, ул. Мира, д. 18;626150;;0;0;;office@bolnica.example;post;0;2021-02-01
7202000006;02;legal;ООО Должник;г. Тобольск, ул. Мира, д. 20;626150;;0;0;;office@dolg.example;edo;0;2021-02-01
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7202000004;150;40.5;0;edds@adm-tobolsk.example,gochs@mchs72.example
7202000005;80;20;1;zdrav@dzo72.example
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load reserves reserves.csv || exit 1

# Obligations: 2026-08 (balance due 09-18) 50000.00 for each; ..06 also owes
# 2026-07 (due 08-18) 40000.00.  The legal trigger compares the overdue debt
# with the obligations of one payment period (the latest wholly due by the
# snapshot date: 2026-08, 50000.00); snapshots of 2026-10-01 show 60000.00
# over 2 periods (..06: 100000.00 >= 40000.00 + 50000.00 for the refusal).
psql -Xq <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-08-01', 1, 'balance', '2026-09-18', 5000000 from generate_series(7202000001, 7202000006) a;
insert into obligation values (7202000006, '2026-07-01', 1, 'balance', '2026-08-18', 4000000);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-10-01', 6000000, 2, 0, '2026-08-18' from generate_series(7202000001, 7202000005) a;
insert into debt_snapshot values (7202000006, '2026-10-01', 10000000, 2, 0, '2026-08-18');
SQL

# ..01 legal, post, the letter returned unclaimed: notice issued Thu 10-01
#   states 10-01 + 7 = 10-08, + 10 = Sun 10-18 -> Mon 10-19.  Returned Thu
#   10-08 = delivered 10-08: 10-08 + 10 = 10-18 <= 10-19, valid.  Partial
#   Mon 10-19 (request sent 10-08); full once 3 working days after it have
#   run out: 10-20, 10-21, 10-22 -> Fri 10-23 (request sent 10-19).  Paid in
#   full Mon 11-02: reconnect 11-02 + 2 = Wed 11-04 (holiday) -> Thu 11-05.
# ..02 legal, edo, a void notice: issued 10-01 states 10-01 + 1 + 10 = Mon
#   10-12; the receipt comes Mon 10-05: 10-05 + 10 = 10-15 > 10-12: void,
#   re-issued 10-05 stating 10-06 + 10 = Fri 10-16; receipt Tue 10-06: valid.
#   Partial Fri 10-16 (request 10-06), full: 10-19, 10-20, 10-21 -> Thu 10-22.
# ..03 legal, portal (lkk): the portal reports failure on Mon 10-05: void,
#   re-issued by post 10-05 stating 10-12 + 10 = Thu 10-22; delivered Fri
#   10-09 (10-19 <= 10-22); partial request sent 10-09; paid in full Tue
#   10-20 before the partial: cancel request 10-20.
# ..04 legal_reserve, edo, authorities by e-mail: notice 10-01 states Mon
#   10-12; receipt Fri 10-02 (valid).  Tech reserve Mon 10-12 at 150 kW;
#   emergency once 5 days from it have run out: 10-12 + 5 = Sat 10-17,
#   window ends Mon 10-19 -> Tue 10-20 at 40.5 kW; full: 10-20 + 5 = Sun
#   10-25, ends Mon 10-26 -> Tue 10-27.  Paid Fri 11-06: reconnect 11-08
#   (Sun) -> Mon 11-09.
# ..05 legal_reserve, post, no_below_emergency: notice 10-01 states Mon 10-19
#   (as ..01); delivered Wed 10-07 (10-17 <= 10-19).  Tech Mon 10-19 (80 kW),
#   emergency 10-19 + 5 = Sat 10-24 -> window ends Mon 10-26 -> Tue 10-27
#   (20 kW); then the case stops: escalated, no full request.
# ..06 refusal (operator, 10-01) besides its legal case: notice by edo 10-01,
#   deemed delivered 10-02; the refusal date is the 10th working day after
#   it: 10-05 6 7 8 9 12 13 14 15 16 -> Fri 10-16; receipt 10-02: valid.
psql -Xq <<'SQL'
insert into delivery (notice_id, status, at, evidence) values
 ('N7202000001-1-1', 'returned', '2026-10-08', 'ШПИ 62615012345678: истёк срок хранения'),
 ('N7202000002-1-1', 'delivered', '2026-10-05', 'извещение о получении'),
 ('N7202000002-1-2', 'delivered', '2026-10-06', 'извещение о получении'),
 ('N7202000003-1-1', 'failed', '2026-10-05', 'ЛКК: не открыто'),
 ('N7202000003-1-2', 'delivered', '2026-10-09', 'ШПИ 62615012345679'),
 ('N7202000004-1-1', 'delivered', '2026-10-02', 'извещение о получении'),
 ('N7202000005-1-1', 'delivered', '2026-10-07', 'ШПИ 62615012345680'),
 ('N7202000006-1-1', 'delivered', '2026-10-02', 'извещение о получении');
insert into payment (account_id, channel, source_id, paid_on, amount) values
 (7202000001, 'payments', 'l1', '2026-11-02', 6000000),
 (7202000003, 'payments', 'l3', '2026-10-20', 6000000),
 (7202000004, 'payments', 'l4a', '2026-11-03', 1000000),
 (7202000004, 'payments', 'l4b', '2026-11-06', 5000000);
SQL

test_expect_success 'limit refuse checks the 2-period trigger' '
	! sbyt limit refuse 7202000001 --as-of 2026-10-01 2>err &&
	grep -q "overdue 60000.00 over 2 periods is less than the obligations of 2 payment periods" err &&
	sbyt limit refuse 7202000006 --as-of 2026-10-01 &&
	test "$(q "select procedure||chr(32)||status from limit_case where account_id=7202000006")" = "refusal open"
'
test_expect_success 'walk Oct-Dec 2026' '
	walk 2026-10-01 2026-12-31 &&
	grep -q "^sbyt limit run: as_of=2026-10-01 notices=9 " walk.log
'
# 10-01: 6 consumer notices (..01-..05 and ..06 legal) + the refusal notice
# + the copies to the authorities of ..04 and ..05 = 9.
test_expect_success '..01 returned letter: partial, full, reconnect' '
	ex 7202000001 2026-12-31 &&
	test "$(cs 7202000001 1)" = closed &&
	test "$(st 7202000001 "@name=\"notice\"" delivered)" = 2026-10-08 &&
	test "$(st 7202000001 "@name=\"partial\"" date)" = 2026-10-19 &&
	test "$(st 7202000001 "@name=\"partial\"" rule)" = legal.partial &&
	test "$(st 7202000001 "@name=\"full\"" date)" = 2026-10-23 &&
	test "$(st 7202000001 "@name=\"full\"" rule)" = legal.full &&
	test "$(st 7202000001 "@name=\"reconnect\"" date)" = 2026-11-05 &&
	requests 7202000001 > r && printf "%s\n" "partial 2026-10-19 2026-10-08" \
		"full 2026-10-23 2026-10-19 0" "reconnect 2026-11-05 2026-11-02" | diff - r
'
test_expect_success '..01 the notice of 10-01 states 10-19' '
	zipxml 2026-10-01 02 notices-post notices.xml > p.xml &&
	N="/*[local-name()=\"Notices\"]/*[local-name()=\"Notice\"][@account=\"7202000001\"]" &&
	test "$(xmllint --xpath "string($N/@planned)" p.xml)" = 2026-10-19 &&
	test "$(xmllint --xpath "string($N/@procedure)" p.xml)" = legal &&
	test "$(xmllint --xpath "string($N/*[local-name()=\"Debt\"]/@threshold)" p.xml)" = 50000.00
'
test_expect_success '..02 void notice re-issued: both kept, dates from the second' '
	ex 7202000002 2026-12-31 &&
	notices 7202000002 > n && printf "%s\n" \
		"N7202000002-1-1 edo 2026-10-01 2026-10-12 2026-10-05 void" \
		"N7202000002-1-2 edo 2026-10-05 2026-10-16 2026-10-06" | diff - n &&
	test "$(xmllint --xpath "count(/Cases/Case/Step[@name=\"notice\"])" ex-7202000002.xml)" = 2 &&
	test "$(xmllint --xpath "string(/Cases/Case/Step[@name=\"notice\"][1]/@state)" ex-7202000002.xml)" = cancelled &&
	test "$(st 7202000002 "@name=\"partial\"" date)" = 2026-10-16 &&
	test "$(st 7202000002 "@name=\"full\"" date)" = 2026-10-22 &&
	test "$(cs 7202000002 1)" = open &&
	zipxml 2026-10-05 02 notices-edo notices.xml | grep -q "replaces=\"N7202000002-1-1\""
'
test_expect_success '..03 failed delivery: re-issued by post, paid: cancel request' '
	notices 7202000003 > n && printf "%s\n" \
		"N7202000003-1-1 lkk 2026-10-01 2026-10-12 - void" \
		"N7202000003-1-2 post 2026-10-05 2026-10-22 2026-10-09" | diff - n &&
	requests 7202000003 > r && printf "%s\n" "partial 2026-10-22 2026-10-09" \
		"cancel 2026-10-20 2026-10-20" | diff - r &&
	ex 7202000003 2026-12-31 && test "$(cs 7202000003 1)" = cancelled
'
test_expect_success '..04 legal_reserve: tech, emergency, full with kW, reconnect' '
	ex 7202000004 2026-12-31 &&
	test "$(st 7202000004 "@name=\"tech_reserve\"" date)" = 2026-10-12 &&
	test "$(st 7202000004 "@name=\"emergency_reserve\"" date)" = 2026-10-20 &&
	test "$(st 7202000004 "@name=\"full\"" date)" = 2026-10-27 &&
	test "$(st 7202000004 "@name=\"full\"" rule)" = legal_reserve.full &&
	test "$(cs 7202000004 1)" = closed &&
	requests 7202000004 > r && printf "%s\n" "tech_reserve 2026-10-12 2026-10-02 150" \
		"emergency_reserve 2026-10-20 2026-10-12 40.5" "full 2026-10-27 2026-10-20 0" \
		"reconnect 2026-11-09 2026-11-06" | diff - r
'
test_expect_success '..04 the authorities were notified on 10-01' '
	zipxml 2026-10-01 02 notices-authorities notices.xml > au.xml &&
	xmllint --noout au.xml &&
	grep -q "account=\"7202000004\"" au.xml &&
	grep -q "email=\"edds@adm-tobolsk.example\"" au.xml &&
	grep -q "email=\"gochs@mchs72.example\"" au.xml &&
	zipxml 2026-10-12 02 grid-requests requests.xml |
		grep -q "action=\"emergency_reserve\" date=\"2026-10-20\" levelKw=\"40.5\""
'
test_expect_success '..05 no_below_emergency: stops at emergency, escalated' '
	ex 7202000005 2026-12-31 &&
	test "$(cs 7202000005 1)" = escalated &&
	test "$(st 7202000005 "@name=\"tech_reserve\"" date)" = 2026-10-19 &&
	test "$(st 7202000005 "@name=\"emergency_reserve\"" date)" = 2026-10-27 &&
	test "$(st 7202000005 "@name=\"emergency_reserve\"" state)" = done &&
	test "$(st 7202000005 "@name=\"full\"" state)" = cancelled &&
	requests 7202000005 > r && printf "%s\n" "tech_reserve 2026-10-19 2026-10-07 80" \
		"emergency_reserve 2026-10-27 2026-10-19 20" | diff - r
'
test_expect_success '..06 refusal on the 10th working day after delivery' '
	ex 7202000006 2026-12-31 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/@procedure)" ex-7202000006.xml)" = refusal &&
	test "$(cs 7202000006 1)" = closed &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@date)" ex-7202000006.xml)" = 2026-10-16 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@rule)" ex-7202000006.xml)" = refusal.refusal &&
	test "$(xmllint --xpath "string(/Cases/Case[2]/@procedure)" ex-7202000006.xml)" = legal
'
test_expect_success 'the register of 10-01 lists the steps taken' '
	test -f "$SBYT_OUT/limit/2026-10-01/02/register.xlsx" &&
	unzip -p "$SBYT_OUT/limit/2026-10-01/02/register.xlsx" xl/worksheets/sheet1.xml > ss.xml &&
	grep -q "legal_reserve.notice" ss.xml && grep -q "refusal.notice" ss.xml
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
