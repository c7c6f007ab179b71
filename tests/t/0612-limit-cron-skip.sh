#!/bin/sh
# 0612-limit-cron-skip: cron does not run on Wed 07-01, Thu 07-02 and Fri
# 07-03, and Thu 07-02 is the day of an action in every procedure.  The
# grid company holds the requests sent before (each action takes effect on
# its date); the run of Mon 07-06 (07-04 and 07-05 are days off: deliveries
# only) records them and counts every later step from the real dates, never
# dating anything before itself (SPEC 9.2.8).  Payments made during the gap
# reconnect, never cancel an action already in effect.  Dates by hand from
# the 2026 calendar (rules/calendar/ru-2026.xml): days off Jun 12 (holiday)
# 13 14 20 21 27 28, Jul 4 5 11 12 18 19 25 26, Aug 1 2 8 9.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
05;Заводоуковский участок;г. Заводоуковск, ул. Ленина, д. 5;+73454200005
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7205000001;05;legal;ООО Первое;г. Заводоуковск, д. 1;627140;;0;0;;o1@x.example;post;0;2021-02-01
7205000002;05;legal;ООО Второе;г. Заводоуковск, д. 2;627140;;0;0;;o2@x.example;post;0;2021-02-01
7205000003;05;legal;ООО Третье;г. Заводоуковск, д. 3;627140;;0;0;;o3@x.example;edo;0;2021-02-01
7205000004;05;individual;Житель Четвёртый;г. Заводоуковск, д. 4;627140;urban_gas;2;2;;p4@x.example;email;0;2020-01-15
7205000006;05;legal;ООО Шестое;г. Заводоуковск, д. 6;627140;;0;0;;o6@x.example;post;0;2021-02-01
7205000007;05;legal;ООО Седьмое;г. Заводоуковск, д. 7;627140;;0;0;;o7@x.example;post;0;2021-02-01
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7205000002;100;25;0;edds@zavod.example
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load reserves reserves.csv || exit 1
psql -Xq <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-04-01', 1, 'balance', '2026-05-18', 5000000 from unnest(array[7205000001, 7205000002, 7205000003, 7205000006, 7205000007]) a;
insert into obligation values (7205000003, '2026-03-01', 1, 'balance', '2026-04-18', 4000000);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7205000001, '2026-06-15', 6000000, 2, 0, '2026-05-18'),
 (7205000002, '2026-06-15', 6000000, 2, 0, '2026-05-18'),
 (7205000003, '2026-06-15', 10000000, 2, 0, '2026-04-18'),
 (7205000004, '2026-06-11', 500000, 3, 0, '2026-04-10'),
 (7205000006, '2026-06-15', 6000000, 2, 0, '2026-05-18'),
 (7205000007, '2026-06-15', 6000000, 2, 0, '2026-05-18');
insert into delivery (notice_id, status, at, evidence) values
 ('N7205000001-1-1', 'delivered', '2026-06-22', 'ШПИ 1'),
 ('N7205000002-1-1', 'delivered', '2026-06-22', 'ШПИ 2'),
 ('N7205000003-2-1', 'delivered', '2026-06-18', 'извещение о получении'),
 ('N7205000006-1-1', 'delivered', '2026-06-22', 'ШПИ 6'),
 ('N7205000007-1-1', 'delivered', '2026-06-22', 'ШПИ 7');
insert into payment (account_id, channel, source_id, paid_on, amount) values
 (7205000006, 'payments', 'p6', '2026-07-03', 6000000),
 (7205000007, 'payments', 'p7', '2026-07-02', 6000000);
SQL
# ..01 legal: notice Mon 06-15 by post states 06-22 + 10 = Thu 07-02;
#   delivered Mon 06-22 (lead holds): partial 07-02, request sent 06-22.  The
#   run of 07-06 records it and counts full from the real partial: 07-03,
#   07-06, 07-07 -> Wed 07-08, request issued 07-06.
# ..02 legal_reserve: tech 07-02 (100 kW, request 06-22); emergency once 5
#   days from it have run out: 07-02 + 5 = Tue 07-07 -> Wed 07-08 (25 kW,
#   issued by the run of 07-06); full 07-08 + 5 = Mon 07-13 -> Tue 07-14
#   (issued 07-08).
# ..03 refusal, refused by the operator Wed 06-17, notice by edo: deemed
#   delivered 06-18; 10th working day after it: 06-19 22 23 24 25 26 29 30,
#   07-01 02 -> Thu 07-02; received 06-18 (lead holds): the refusal takes
#   effect 07-02 as the notice stated; the run of 07-06 closes the case.
# ..04 individual by e-mail, snapshot Thu 06-11: warning sent and delivered
#   06-11: 06-11 + 20 = Wed 07-01, working: partial Thu 07-02 (request
#   06-11).  Full notice from 06-11 + 40 = Tue 07-21 -> Wed 07-22; e-mailed
#   07-22, it states 07-22 + 11 = Sun 08-02 -> Mon 08-03: full 08-03.
# ..06 legal as ..01, paid in full Fri 07-03 (in the gap): the partial was in
#   effect since 07-02: reconnect 07-03 + 2 = Sun 07-05 -> Mon 07-06.
# ..07 legal as ..01, paid in full Thu 07-02, the day of the partial, known
#   only to the run of 07-06: counted as executed (a reconnect is harmless, a
#   cancel would leave the supply limited): reconnect 07-02 + 2 = Sat 07-04
#   -> Mon 07-06.
test_expect_success 'walk 06-11 .. 08-10 without 07-01, 07-02, 07-03' '
	walk 2026-06-11 2026-06-16 &&
	sbyt limit refuse 7205000003 --as-of 2026-06-17 &&
	walk 2026-06-17 2026-06-30 &&
	walk 2026-07-04 2026-08-10 &&
	! test -e "$SBYT_OUT/limit/2026-07-02"
'
test_expect_success 'nothing dated before the run that recorded it' '
	nopast > past && empty past
'
test_expect_success '..01 legal: full counted from the real partial, issued by the late run' '
	requests 7205000001 > r && printf "%s\n" "partial 2026-07-02 2026-06-22" \
		"full 2026-07-08 2026-07-06 0" | diff - r &&
	test "$(wd 2026-07-02 2026-07-07)" = 3 &&
	ex 7205000001 2026-08-10 &&
	test "$(st 7205000001 "@name=\"partial\"" date)" = 2026-07-02 &&
	test "$(st 7205000001 "@name=\"partial\"" state)" = done &&
	q "select inputs from limit_event where account_id = 7205000001 and day = date $(printf "\047%s\047" 2026-07-06) and step = $(printf "\047partial\047")" |
		grep -qx "executed 2026-07-02 by request R7205000001-1-1 sent before it; recorded by the run of 2026-07-06"
'
test_expect_success '..02 legal_reserve: each level from the real one before' '
	requests 7205000002 > r && printf "%s\n" "tech_reserve 2026-07-02 2026-06-22 100" \
		"emergency_reserve 2026-07-08 2026-07-06 25" "full 2026-07-14 2026-07-08 0" | diff - r
'
test_expect_success '..03 refusal on the date its notice stated' '
	ex 7205000003 2026-08-10 &&
	test "$(xmllint --xpath "string(/Cases/Case[@procedure=\"refusal\"]/Step[@name=\"refusal\"]/@date)" ex-7205000003.xml)" = 2026-07-02 &&
	test "$(xmllint --xpath "string(/Cases/Case[@procedure=\"refusal\"]/@status)" ex-7205000003.xml)" = closed
'
test_expect_success '..04 individual: partial in the gap, full notice and full later' '
	requests 7205000004 > r && printf "%s\n" "partial 2026-07-02 2026-06-11" \
		"full 2026-08-03 2026-07-22 0" | diff - r
'
test_expect_success '..06 paid in the gap after the partial: reconnect, no cancel' '
	requests 7205000006 > r && printf "%s\n" "partial 2026-07-02 2026-06-22" \
		"reconnect 2026-07-06 2026-07-06" | diff - r
'
test_expect_success '..07 paid on the day of the partial, known later: reconnect' '
	requests 7205000007 > r && printf "%s\n" "partial 2026-07-02 2026-06-22" \
		"reconnect 2026-07-06 2026-07-06" | diff - r &&
	ex 7205000007 2026-08-10 && test "$(cs 7205000007 1)" = closed
'
# The skipped days cannot be run afterwards: their events would be dated
# before those the later runs recorded (the last: ..04's full on Mon 08-03).
test_expect_code 65 'a day before the last day with events is refused' '
	sbyt limit run --as-of 2026-07-02 2>err; rc=$?
	grep -q "day 2026-07-02 is before the last day with limitation events (2026-08-03): nothing happens in the past" err && exit $rc
'
test_expect_code 65 'so is an operator cancel dated before it' '
	sbyt limit cancel 7205000004 --reason "x" --as-of 2026-07-31
'
test_expect_success 'the last day itself may run again: nothing new' '
	sbyt limit run --as-of 2026-08-10 2>again.log &&
	grep -q "notices=0 requests=0 cancelled=0" again.log
'
test_done
