#!/bin/sh
# 0201-ingest-readings: the reading checks of SPEC 5 and the window rule of
# SPEC 7, and the review of held readings.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }

P='account;meter;zone;value;taken_on;source'
cat > p1.csv <<CSV
$P
7201000123;M-7201000123;1;4100;2026-09-20;lkk
7201000123;M-7201000123;1;4200;2026-10-26;lkk
7201000123;M-7201000123;1;4150;2026-11-05;lkk
7201000124;;1;120;2026-11-10;ivr
7201000126;;1;10;2026-11-10;lkk
7201000127;;1;10;2026-11-10;lkk
7201000125;M-7201000125;2;60;2026-12-02;lkk
7201000123;M-7201000123;1;4100;2026-09-20;lkk
CSV
# line 2: 4100 > initial 4000: accepted, period 2026-09 (day 20 <= 25)
# line 3: 4200: accepted, period 2026-11 (day 26 > 25: the next month)
# line 4: 4150 < 4200 by 50, far less than 10^6/2: decreasing
# line 5: 120 after 99900 on 5 digits: 99900 - 120 = 99780 > 10^5/2: rollover
# line 6: two meters, none named: meter_ambiguous; line 7: no meter: unknown_meter
# line 8: after the as-of date: future_date; line 9: line 2 again: duplicate
test_expect_success 'portal readings: exact counts' '
	sbyt $AS ingest p1.csv 2>err &&
	grep -q "file=p1.csv read=8 accepted=3 rejected=4 duplicates=1 held=0" err
'
test_expect_success 'each rejected line with its code' '
	grep -q "^p1.csv:4: decreasing: zone 1 value 4150.000 is lower than the previous 4200.000" err &&
	grep -q "^p1.csv:6: meter_ambiguous:" err &&
	grep -q "^p1.csv:7: unknown_meter: account 7201000127 has no meter" err &&
	grep -q "^p1.csv:8: future_date:" err
'
test_expect_success 'the window rule gives each reading its period' '
	test "$(q "SELECT string_agg(taken_on || chr(32) || period, chr(44) ORDER BY taken_on) FROM reading WHERE account_id = 7201000123")" \
		= "2026-09-20 2026-09-01,2026-10-26 2026-11-01"
'
test_expect_success 'the rollover is marked and the meter resolved' '
	test "$(q "SELECT meter || chr(32) || value || chr(32) || rollover FROM reading WHERE account_id = 7201000124")" \
		= "M-7201000124 120.000 true"
'
# History 4100 (09-20) .. 4200 (10-26): 100 kWh in 36 days = 84.549 kWh a
# month.  6000 on 11-20 consumes 1800 > 1000 and > 10 x 84.549: held.
printf '%s\n' "$P" '7201000123;M-7201000123;1;6000;2026-11-20;lkk' > p2.csv
test_expect_success 'a suspicious consumption is held' '
	sbyt $AS ingest p2.csv 2>err &&
	grep -q "file=p2.csv read=1 accepted=0 rejected=0 duplicates=0 held=1" err &&
	test "$(q "SELECT status FROM reading WHERE value = 6000")" = held
'
test_expect_success 'review list shows it with consumption and average' '
	sbyt review list >list 2>err &&
	grep -q "held=1" err &&
	id=$(sed -n 2p list | cut -d";" -f1) &&
	test "$(sed -n 2p list)" = "$id;7201000123;M-7201000123;2026-11-20;T1=6000.000;1800.000;84.549;p2.csv:2"
'
test_expect_success 'review accept lets it be billed' '
	id=$(sed -n 2p list | cut -d";" -f1) &&
	sbyt review accept $id 2>err && grep -q "accepted=1" err &&
	test "$(q "SELECT status FROM reading WHERE value = 6000")" = accepted &&
	sbyt review list >list2 && test $(wc -l < list2) = 1
'
test_expect_code 65 'accepting it twice is refused' 'sbyt review accept $(sed -n 2p list | cut -d";" -f1)'
# Now 4100 (09-20) .. 6000 (11-20): 1900 kWh in 61 days = 948.064 a month;
# 20000 on 11-22 consumes 14000 > 9480.64: held again; rejected by the operator.
printf '%s\n' "$P" '7201000123;M-7201000123;1;20000;2026-11-22;site' > p3.csv
test_expect_success 'review reject needs a reason and keeps it' '
	sbyt $AS ingest p3.csv 2>err && grep -q "held=1" err &&
	id=$(sbyt review list | sed -n 2p | cut -d";" -f1) &&
	{ sbyt review reject $id; test $? = 64; } &&
	sbyt review reject $id --reason "meter photo shows 2000,0" 2>err &&
	test "$(q "SELECT r.status || chr(47) || h.reason FROM reading r JOIN reading_hold h USING (account_id, reading_id)
		WHERE r.value = 20000")" = "rejected/meter photo shows 2000,0"
'
# SMS: the phone must be on the account.  6100,5 after 6000 (11-20) consumes
# 100.5 kWh: accepted.
printf '%s\n' \
	'2026-11-21T09:15:02+05:00;+79123456789;ЛС7201000123 Т1 6100,5' \
	'2026-11-21T09:16:02+05:00;+79120000124;7201000123 6200' > s1.log
test_expect_success 'an SMS from a phone not on the account is rejected' '
	sbyt $AS ingest s1.log 2>err &&
	grep -q "read=2 accepted=1 rejected=1" err &&
	grep -q "^s1.log:2: phone_not_linked:" err &&
	test "$(q "SELECT value FROM reading WHERE channel = chr(115) || chr(109) || chr(115)")" = 6100.500
'
test_expect_success 'more zones than the meter has are rejected' '
	printf "%s\n" "$P" "7201000123;M-7201000123;2;1;2026-11-20;lkk" > p4.csv &&
	sbyt $AS ingest p4.csv 2>err && grep -q "^p4.csv:2: too_many_zones:" err
'
test_done
