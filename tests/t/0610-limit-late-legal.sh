#!/bin/sh
# 0610-limit-late-legal: SPEC 9.2.8 "nothing happens in the past" for the
# organisations (`legal`, `legal_reserve`, `refusal`): post confirmations of
# a delivery on Mon 2026-06-22 ingested 1, 10 and 30 days late in each
# procedure, a payment on the day of a late action, a notice delivered early
# (the action stays on the date it stated); walked day by day, each confirmation inserted
# only on the day it is ingested.  Every date by hand from the 2026 calendar
# (rules/calendar/ru-2026.xml): days off Jun 12 (holiday) 13 14 20 21 27 28,
# Jul 4 5 11 12 18 19 25 26, Aug 1 2 8 9.  Post allowance 7 days.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
03;Ишимский участок;г. Ишим, ул. Ленина, д. 3;+73455000003
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
{
	echo "$H"
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13; do
		echo "72030000$i;03;legal;ООО Номер $i;г. Ишим, ул. Мира, д. $i;627750;;0;0;;o$i@x.example;post;0;2021-02-01"
	done
} > accounts.csv
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7203000006;150;40;0;edds@ishim.example
7203000007;90;30;0;edds@ishim.example
7203000010;60;20;0;edds@ishim.example
7203000012;70;25;0;edds@ishim.example
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load reserves reserves.csv || exit 1

# One payment period's obligations (2026-04, due 05-18): 50000.00; ..08 and
# ..09, ..11 also owe 2026-03 (due 04-18) 40000.00 and are refused by the
# operator.  Snapshots of Mon 06-15: 60000.00 over 2 periods (..08, ..09,
# ..11: 100000.00).
psql -Xq <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-04-01', 1, 'balance', '2026-05-18', 5000000 from generate_series(7203000001, 7203000013) a;
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-03-01', 1, 'balance', '2026-04-18', 4000000 from unnest(array[7203000008, 7203000009, 7203000011]) a;
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-06-15', 6000000, 2, 0, '2026-05-18' from unnest(array[7203000001, 7203000002,
  7203000003, 7203000004, 7203000005, 7203000006, 7203000007, 7203000010, 7203000012, 7203000013]) a;
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-06-15', 10000000, 2, 0, '2026-04-18' from unnest(array[7203000008, 7203000009, 7203000011]) a;
insert into delivery (notice_id, status, at, evidence) values
 ('N7203000013-1-1', 'delivered', '2026-06-17', 'ШПИ 62775000000013');
SQL

# Every notice is issued Mon 06-15 by post: it states 06-15 + 7 = 06-22,
# + 10 = Thu 07-02 (legal partial, legal_reserve tech reserve); the refusal
# notice states the 10th working day after 06-22: 06-23 24 25 26 29 30,
# 07-01 02 03 06 -> Mon 07-06.  Every letter is delivered Mon 06-22:
# 06-22 + 10 = 07-02 <= 07-02, the lead holds, no notice is void.
#
# ..01 legal, ingested Tue 06-23 (1 day late): partial Thu 07-02 (request
#   issued 06-23); full once 3 working days after it have run out: 07-03,
#   07-06, 07-07 -> Wed 07-08 (request issued 07-02, the day partial is done).
# ..02 legal, ingested Thu 07-02 (10 days late): the partial is due that very
#   day: partial 07-02, request issued 07-02; full Wed 07-08 (issued 07-02).
# ..03 legal, ingested Wed 07-22 (30 days late): partial was due 07-02, 20
#   days ago: executed on the run's day Wed 07-22, request dated 07-22; full
#   counts from the real partial: 07-23, 07-24, 07-27 -> Tue 07-28 (not
#   07-08).
# ..04 legal, ingested 07-22, and paid in full (60000.00) on 07-22, known to
#   the run of 07-22: the case is cancelled before the late partial, no
#   request at all.
# ..05 legal, ingested 07-22, paid in full on 07-22 but the payment reaches
#   the database after the run of 07-22: partial 07-22 and full 07-28 are
#   requested on 07-22; the run of Thu 07-23 sees the payment: the full
#   request still to come is cancelled (cancel dated 07-23) and reconnect is
#   due 07-22 + 2 = Fri 07-24.
# ..06 legal_reserve, ingested 07-22: tech reserve due 07-02 -> Wed 07-22
#   (150 kW); emergency once 5 days from it have run out: 07-22 + 5 = Mon
#   07-27, working, window ends 07-27 -> Tue 07-28 (40 kW, issued 07-22);
#   full: 07-28 + 5 = Sun 08-02, window ends Mon 08-03 -> Tue 08-04 (issued
#   07-28).
# ..07 legal_reserve, ingested 06-23: tech Thu 07-02 (90 kW, issued 06-23);
#   emergency 07-02 + 5 = Tue 07-07 -> Wed 07-08 (30 kW, issued 07-02); full
#   07-08 + 5 = Mon 07-13 -> Tue 07-14 (issued 07-08).
# ..08 refusal (operator, 06-15), its notice ingested 07-22: the refusal was
#   due Mon 07-06 (16 days ago): it takes effect Wed 07-22.
# ..09 refusal, its notice ingested 06-23: refusal Mon 07-06.
# ..10 legal_reserve, ingested Thu 07-02 (10 days late): tech 07-02 (60 kW,
#   issued 07-02); emergency 07-02 + 5 = Tue 07-07 -> Wed 07-08 (20 kW,
#   issued 07-02); full 07-08 + 5 = Mon 07-13 -> Tue 07-14 (issued 07-08).
# ..11 refusal, ingested 07-02 (10 days late): the refusal of Mon 07-06 is
#   still ahead: on it.
# ..12 legal_reserve, ingested 07-22 with a payment in full made that day,
#   known to the run of 07-22: cancelled before the late tech reserve, no
#   request.
# ..13 legal, delivered early, Wed 06-17 (ingested that day): 06-17 + 10 =
#   06-27 <= 07-02: the partial is on the date the notice stated, Thu 07-02,
#   never earlier (SPEC 9.2.9); request issued 06-17; full Wed 07-08.
test_expect_success 'the operator refuses ..08, ..09 and ..11' '
	sbyt limit refuse 7203000008 --as-of 2026-06-15 &&
	sbyt limit refuse 7203000009 --as-of 2026-06-15 &&
	sbyt limit refuse 7203000011 --as-of 2026-06-15
'
deliver() { # NOTICE...: delivered Mon 06-22 by post
	for n in "$@"; do
		q "insert into delivery (notice_id, status, at, evidence) values ('$n', 'delivered', '2026-06-22', 'ШПИ 62775000000000')" >/dev/null || return 1
	done
}
test_expect_success 'walk 06-15 .. 08-10, confirmations ingested as they come' '
	walk 2026-06-15 2026-06-22 &&
	deliver N7203000001-1-1 N7203000007-1-1 N7203000009-1-1 &&
	walk 2026-06-23 2026-07-01 &&
	deliver N7203000002-1-1 N7203000010-1-1 N7203000011-1-1 &&
	walk 2026-07-02 2026-07-21 &&
	deliver N7203000003-1-1 N7203000004-1-1 N7203000005-1-1 N7203000006-1-1 N7203000008-1-1 \
		N7203000012-1-1 &&
	q "insert into payment (account_id, channel, source_id, paid_on, amount) values
	   (7203000004, $(printf "\047payments\047"), $(printf "\047p4\047"), date $(printf "\047%s\047" 2026-07-22), 6000000),
	   (7203000012, $(printf "\047payments\047"), $(printf "\047p12\047"), date $(printf "\047%s\047" 2026-07-22), 6000000)" &&
	walk 2026-07-22 2026-07-22 &&
	q "insert into payment (account_id, channel, source_id, paid_on, amount) values
	   (7203000005, $(printf "\047payments\047"), $(printf "\047p5\047"), date $(printf "\047%s\047" 2026-07-22), 6000000)" &&
	walk 2026-07-23 2026-08-10
'
test_expect_success 'nothing dated before the run that recorded it' '
	nopast > past && empty past
'
test_expect_success '..01 1 day late: on the dates the notice stated' '
	requests 7203000001 > r && printf "%s\n" "partial 2026-07-02 2026-06-23" \
		"full 2026-07-08 2026-07-02 0" | diff - r &&
	ex 7203000001 2026-08-10 &&
	test "$(st 7203000001 "@name=\"partial\"" planned)" = 2026-07-02 &&
	test "$(st 7203000001 "@name=\"partial\"" why)" = "" &&
	test "$(wd 2026-07-02 2026-07-07)" = 3
'
test_expect_success '..02 10 days late: the partial due the day the confirmation comes' '
	requests 7203000002 > r && printf "%s\n" "partial 2026-07-02 2026-07-02" \
		"full 2026-07-08 2026-07-02 0" | diff - r
'
test_expect_success '..03 30 days late: partial on the run day, full re-counted from it' '
	requests 7203000003 > r && printf "%s\n" "partial 2026-07-22 2026-07-22" \
		"full 2026-07-28 2026-07-22 0" | diff - r &&
	ex 7203000003 2026-08-10 &&
	test "$(st 7203000003 "@name=\"partial\"" date)" = 2026-07-22 &&
	test "$(st 7203000003 "@name=\"partial\"" planned)" = 2026-07-02 &&
	test "$(st 7203000003 "@name=\"partial\"" state)" = done &&
	test "$(st 7203000003 "@name=\"partial\"" why)" = "confirmation of the delivery on 2026-06-22 ingested by the run of 2026-07-22, 20 days after it was due (2026-07-02)" &&
	test "$(st 7203000003 "@name=\"full\"" date)" = 2026-07-28 &&
	test "$(st 7203000003 "@name=\"full\"" planned)" = 2026-07-28 &&
	test "$(wd 2026-07-22 2026-07-27)" = 3 &&
	sbyt limit explain 7203000003 --as-of 2026-08-10 > t.txt &&
	grep -qF "planned 2026-07-02, actual 2026-07-22: confirmation of the delivery on 2026-06-22 ingested by the run of 2026-07-22, 20 days after it was due (2026-07-02)" t.txt &&
	grep -qF "2026-07-02 had passed when the run of 2026-07-22 found it due: takes effect 2026-07-22 (Wed)" t.txt &&
	zipxml 2026-07-22 03 grid-requests requests.xml > g.xml &&
	grep -q "account=\"7203000003\" action=\"partial\" date=\"2026-07-22\"" g.xml
'
test_expect_success '..04 paid on the day of the late partial, known to that run: no request' '
	requests 7203000004 > r && empty r &&
	ex 7203000004 2026-08-10 && test "$(cs 7203000004 1)" = cancelled
'
test_expect_success '..05 paid on the day of the late partial, known the next day' '
	requests 7203000005 > r && printf "%s\n" "partial 2026-07-22 2026-07-22" \
		"full 2026-07-28 2026-07-22 0" "cancel 2026-07-23 2026-07-23" \
		"reconnect 2026-07-24 2026-07-23" | diff - r &&
	ex 7203000005 2026-08-10 && test "$(cs 7203000005 1)" = closed &&
	test "$(st 7203000005 "@name=\"full\"" state)" = cancelled
'
test_expect_success '..06 legal_reserve 30 days late: every level re-counted' '
	requests 7203000006 > r && printf "%s\n" "tech_reserve 2026-07-22 2026-07-22 150" \
		"emergency_reserve 2026-07-28 2026-07-22 40" "full 2026-08-04 2026-07-28 0" | diff - r &&
	ex 7203000006 2026-08-10 &&
	test "$(st 7203000006 "@name=\"tech_reserve\"" planned)" = 2026-07-02 &&
	test "$(st 7203000006 "@name=\"emergency_reserve\"" planned)" = 2026-07-28
'
test_expect_success '..07 legal_reserve 1 day late: the stated dates' '
	requests 7203000007 > r && printf "%s\n" "tech_reserve 2026-07-02 2026-06-23 90" \
		"emergency_reserve 2026-07-08 2026-07-02 30" "full 2026-07-14 2026-07-08 0" | diff - r
'
test_expect_success '..08 refusal 30 days late: on the run day, never the stated past date' '
	ex 7203000008 2026-08-10 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@date)" ex-7203000008.xml)" = 2026-07-22 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@planned)" ex-7203000008.xml)" = 2026-07-06 &&
	test "$(cs 7203000008 1)" = closed
'
test_expect_success '..09 refusal 1 day late: on the stated date' '
	ex 7203000009 2026-08-10 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@date)" ex-7203000009.xml)" = 2026-07-06 &&
	test "$(cs 7203000009 1)" = closed
'
test_expect_success '..10 legal_reserve 10 days late: tech on the stated date, the day it is learned' '
	requests 7203000010 > r && printf "%s\n" "tech_reserve 2026-07-02 2026-07-02 60" \
		"emergency_reserve 2026-07-08 2026-07-02 20" "full 2026-07-14 2026-07-08 0" | diff - r
'
test_expect_success '..11 refusal 10 days late: on the stated date still ahead' '
	ex 7203000011 2026-08-10 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@date)" ex-7203000011.xml)" = 2026-07-06 &&
	test "$(xmllint --xpath "string(/Cases/Case[1]/Step[@name=\"refusal\"]/@planned)" ex-7203000011.xml)" = 2026-07-06 &&
	test "$(cs 7203000011 1)" = closed
'
test_expect_success '..12 legal_reserve paid on the day of the late tech reserve: no request' '
	requests 7203000012 > r && empty r &&
	ex 7203000012 2026-08-10 && test "$(cs 7203000012 1)" = cancelled
'
test_expect_success '..13 delivered early: never before the date the notice stated' '
	requests 7203000013 > r && printf "%s\n" "partial 2026-07-02 2026-06-17" \
		"full 2026-07-08 2026-07-02 0" | diff - r &&
	sbyt limit explain 7203000013 --as-of 2026-08-10 > t.txt &&
	grep -qF "stated date 2026-07-02 leaves the lead" t.txt
'
test_done
