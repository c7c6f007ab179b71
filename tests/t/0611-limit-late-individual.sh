#!/bin/sh
# 0611-limit-late-individual: SPEC 9.2.8 and 9.2.9 for households
# (`individual`): post confirmations ingested 1, 10 and 30 days late, a
# warning delivered so early that the date it printed is later than the end
# of the 20-day window, a payment on the day of a late partial.  Walked day
# by day, each confirmation inserted only on the day it is ingested.  Dates
# by hand from the 2026 calendar (rules/calendar/ru-2026.xml): days off Jun
# 13 14 20 21 27 28, Jul 4 5 11 12 18 19 25 26, Aug 1 2 8 9 15 16 22 23 29 30.
# Post allowance 7 days.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
04;Ялуторовский участок;г. Ялуторовск, ул. Ленина, д. 4;+73453500004
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
{
	echo "$H"
	for i in 1 2 3 4 5; do
		echo "720400000$i;04;individual;Житель $i;г. Ялуторовск, ул. Мира, д. $i;627010;urban_gas;2;2;;;post;0;2020-01-15"
	done
} > accounts.csv
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1
# Snapshots of Mon 06-15: 5000.00 over 3 periods, far above 2 monthly
# charges from the norm (2 x 96 kWh x 2 residents x the tariff, ~1300.00).
psql -Xq <<'SQL'
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-06-15', 500000, 3, 0, '2026-04-10' from generate_series(7204000001, 7204000005) a;
SQL

# Every warning is issued Mon 06-15 by post and prints the partial date it
# leads to if delivered when deemed: 06-15 + 7 = 06-22, + 20 = Sun 07-12,
# window ends Mon 07-13: partial Tue 07-14.
#
# ..01 delivered Mon 06-22, ingested Tue 06-23 (1 day late): 06-22 + 20 =
#   Sun 07-12 -> Mon 07-13 -> partial Tue 07-14 (request issued 06-23).  Full
#   notice from 06-22 + 40 = Sat 08-01 -> window ends Mon 08-03 -> Tue 08-04;
#   issued 08-04 by post it states 08-04 + 7 = 08-11, + 11 = Sat 08-22 -> Mon
#   08-24; delivered and ingested Tue 08-11: 08-11 + 11 = 08-22 <= 08-24:
#   full Mon 08-24 (request issued 08-11).
# ..02 delivered 06-22, ingested Thu 07-02 (10 days late): partial Tue 07-14,
#   request issued 07-02.
# ..03 delivered 06-22, ingested Wed 07-22 (30 days late): the partial was
#   due 07-14, 8 days ago: partial Wed 07-22, request dated 07-22.  Full
#   notice 08-04 as ..01 (partial is done by then), states Mon 08-24;
#   delivered 08-11 but that confirmation is ingested only Mon 08-31, 7 days
#   after the full was due: full Mon 08-31, request dated 08-31.
# ..04 delivered Wed 06-17 (ingested 06-17): the window runs out 06-17 + 20 =
#   Tue 07-07, next day Wed 07-08, but the warning printed Tue 07-14, later:
#   partial Tue 07-14 (SPEC 9.2.9).  Full notice from 06-17 + 40 = Mon 07-27,
#   working -> Tue 07-28; issued 07-28 it states 07-28 + 7 = 08-04, + 11 =
#   Sat 08-15 -> Mon 08-17; delivered and ingested Tue 08-04: 08-04 + 11 =
#   08-15 <= 08-17: full Mon 08-17 (request issued 08-04).
# ..05 delivered 06-22, ingested 07-22 together with a payment in full made
#   that day: cancelled on 07-22, no request.
deliver() { # AT NOTICE...
	at=$1; shift
	for n in "$@"; do
		q "insert into delivery (notice_id, status, at, evidence) values ('$n', 'delivered', '$at', 'ШПИ 62701000000000')" >/dev/null || return 1
	done
}
test_expect_success 'walk 06-15 .. 09-04, confirmations ingested as they come' '
	walk 2026-06-15 2026-06-16 &&
	deliver 2026-06-17 N7204000004-1-1 &&
	walk 2026-06-17 2026-06-22 &&
	deliver 2026-06-22 N7204000001-1-1 &&
	walk 2026-06-23 2026-07-01 &&
	deliver 2026-06-22 N7204000002-1-1 &&
	walk 2026-07-02 2026-07-21 &&
	deliver 2026-06-22 N7204000003-1-1 N7204000005-1-1 &&
	q "insert into payment (account_id, channel, source_id, paid_on, amount) values
	   (7204000005, $(printf "\047sberbank\047"), $(printf "\047p5\047"), date $(printf "\047%s\047" 2026-07-22), 500000)" &&
	walk 2026-07-22 2026-08-03 &&
	deliver 2026-08-04 N7204000004-1-2 &&
	walk 2026-08-04 2026-08-10 &&
	deliver 2026-08-11 N7204000001-1-2 &&
	walk 2026-08-11 2026-08-30 &&
	deliver 2026-08-11 N7204000003-1-2 &&
	walk 2026-08-31 2026-09-04
'
test_expect_success 'nothing dated before the run that recorded it' '
	nopast > past && empty past
'
test_expect_success 'every warning printed Tue 07-14' '
	test "$(q "select string_agg(distinct planned::text, chr(32)) from limit_notice where step = chr(119)||chr(97)||chr(114)||chr(110)||chr(105)||chr(110)||chr(103)")" = 2026-07-14
'
test_expect_success '..01 1 day late: partial 07-14, full 08-24' '
	requests 7204000001 > r && printf "%s\n" "partial 2026-07-14 2026-06-23" \
		"full 2026-08-24 2026-08-11 0" | diff - r &&
	notices 7204000001 > n && printf "%s\n" \
		"N7204000001-1-1 post 2026-06-15 2026-07-14 2026-06-22" \
		"N7204000001-1-2 post 2026-08-04 2026-08-24 2026-08-11" | diff - n
'
test_expect_success '..02 10 days late: partial on the printed date' '
	requests 7204000002 > r && printf "%s\n" "partial 2026-07-14 2026-07-02" | diff - r
'
test_expect_success '..03 30 days late: partial on the run day; late full notice confirmation' '
	requests 7204000003 > r && printf "%s\n" "partial 2026-07-22 2026-07-22" \
		"full 2026-08-31 2026-08-31 0" | diff - r &&
	ex 7204000003 2026-09-04 &&
	test "$(st 7204000003 "@name=\"partial\"" planned)" = 2026-07-14 &&
	test "$(st 7204000003 "@name=\"partial\"" why)" = "confirmation of the delivery on 2026-06-22 ingested by the run of 2026-07-22, 8 days after it was due (2026-07-14)" &&
	test "$(st 7204000003 "@name=\"full\"" planned)" = 2026-08-24 &&
	test "$(st 7204000003 "@name=\"full\"" date)" = 2026-08-31 &&
	test "$(st 7204000003 "@name=\"full\"" why)" = "confirmation of the delivery on 2026-08-11 ingested by the run of 2026-08-31, 7 days after it was due (2026-08-24)" &&
	test "$(st 7204000003 "@name=\"full_notice\"" date)" = 2026-08-04
'
test_expect_success '..04 the printed date is later than the window: partial on it' '
	requests 7204000004 > r && printf "%s\n" "partial 2026-07-14 2026-06-17" \
		"full 2026-08-17 2026-08-04 0" | diff - r &&
	ex 7204000004 2026-09-04 &&
	test "$(st 7204000004 "@name=\"full_notice\"" date)" = 2026-07-28 &&
	sbyt limit explain 7204000004 --as-of 2026-09-04 > t.txt &&
	grep -qF "delivered 2026-06-17 + 20 calendar days = 2026-07-07 (Tue, working): window ends 2026-07-07; next step on 2026-07-08; the notice printed 2026-07-14, later: not before it (SPEC 9.2.9)" t.txt
'
test_expect_success '..05 paid on the day of the late partial: cancelled, no request' '
	requests 7204000005 > r && empty r &&
	ex 7204000005 2026-09-04 && test "$(cs 7204000005 1)" = cancelled
'
test_done
