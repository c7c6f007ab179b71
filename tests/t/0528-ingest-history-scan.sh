#!/bin/sh
# 0528-ingest-history-scan: a meter zone's history is looked up with one
# index scan down from its latest line's date (at most its lines + 1 rows),
# the first accepted reading of the averaging window with a second probe
# when the latest accepted one before the line falls in that window, and
# with the three probes of before when the scan stopped before it was sure
# to hold every reading of the lines' dates.  The decisions stay SPEC 5's.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }
M1='7201000123;M-7201000123;1'
M2='7201000126;M-7201000126a;1'
{ echo 'account;meter;zone;value;taken_on;source'
  echo "$M1;4100;2026-01-10;lkk"; echo "$M1;4200;2026-06-10;lkk"
  echo "$M1;4300;2026-10-10;lkk"; } > h1.csv
{ echo 'account;meter;zone;value;taken_on;source'; echo "$M1;6000;2026-11-10;lkk"; } > h2.csv
{ echo 'account;meter;zone;value;taken_on;source'
  echo "$M2;100;2026-11-20;lkk"; echo "$M2;110;2026-11-20;ivr"
  echo "$M2;120;2026-11-20;inspector"; echo "$M2;130;2026-11-20;lkk"; } > h3.csv
{ echo 'account;meter;zone;value;taken_on;source'; echo "$M2;100;2026-11-20;lkk"; } > h4.csv

# h2's line: the scan finds 2026-10-10 and 06-10 (two rows, its lines + 1,
# the last before the line and of an earlier period: complete);
# the latest, 4300 on 2026-10-10, is in the window [2025-11-10, 2026-11-10),
# whose first accepted reading is 4100 on 2026-01-10 (the second probe).
# Consumption 6000 - 4300 = 1700 > 1000 kWh; average 200 kWh in 273 days =
# 200 x 30.4375 / 273 = 22.2985 kWh a month, 10 x that < 1700: held.
held() {
	grep -q "read=1 accepted=0 rejected=0 duplicates=0 held=1 " err &&
	test "$(q "SELECT consumption || chr(32) || average FROM reading_hold")" = "1700.000 22.299"
}
test_expect_success 'the window'"'"'s first reading is probed when the latest before is in it: held' '
	sbyt -q $AS ingest h1.csv && sbyt $AS ingest h2.csv 2>err && held
'
test_expect_success 'the same with a memory budget of 0 (look-ups on the file'"'"'s connection)' '
	reset_ingest && sbyt -q $AS ingest h1.csv &&
	SBYT_INGEST_MEMORY=0 sbyt $AS ingest h2.csv 2>err && held
'
# h3: four accepted readings of one day.  h4's line is the first of them
# again: its scan stops at two rows (130, 120: the latest first), both of
# its date, so the meter zone is looked up again with every row of
# that date: 100 from lkk is there, a duplicate (with only the three it
# would be rejected, lower than 130).
test_expect_success 'a scan full of the line'"'"'s date is looked up again: the duplicate is found' '
	sbyt $AS ingest h3.csv 2>err &&
	grep -q "read=4 accepted=4 rejected=0 duplicates=0 held=0 " err &&
	sbyt $AS ingest h4.csv 2>err &&
	grep -q "read=1 accepted=0 rejected=0 duplicates=1 held=0 " err &&
	SBYT_INGEST_MEMORY=0 sbyt $AS ingest h4.csv 2>err &&
	grep -q "read=1 accepted=0 rejected=0 duplicates=1 held=0 " err
'
test_done
