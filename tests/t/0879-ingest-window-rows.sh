#!/bin/sh
# 0879-ingest-window-rows: the suspicious-consumption check reads of a
# meter zone's averaging window only the rows it uses (lib/ingest_decide.c
# hist_sql): the first accepted reading of the window, every row from the
# earliest line of the file on (or from the second line's window start),
# the latest accepted one before.  A year of monthly readings is three rows,
# and the decisions are those of the whole window, worked out by hand.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
q() { psql -XtAc "$1"; }
P='account;meter;zone;value;taken_on;source'

# hist Y-M-D VALUE...: accepted readings of M-7201000123 zone 1 (period by
# the window rule: all taken by the 25th, their own month)
hist() {
	while [ $# -gt 1 ]; do
		q "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
		   VALUES (7201000123, 'M-7201000123', 1, $2, DATE '$1', date_trunc('month', DATE '$1'),
		           'portal', 'lkk', 'accepted')" >/dev/null
		shift 2
	done
}

# One line on 2026-11-20, window [2025-11-20, 2026-11-20).  Its first
# reading is 2025-11-25 (5000; 2025-10-20 is before the window), its last
# 2026-10-20 (5110): 110 kWh in 329 days = 110 x 30.4375 / 329 = 10.177 kWh
# a month (thousandths: 110000 x 487 / (16 x 329) = 10176.67 -> 10177).
# 6610 consumes 1500 > 1000 and > 10 x 10.177: held.  Without the window's
# first row only the last one would be read: no average, accepted.
test_expect_success 'one line: the first reading of a year window decides' '
	hist 2025-10-20 4500 2025-11-25 5000 2025-12-20 5010 2026-01-20 5020 2026-02-20 5030 \
	     2026-03-20 5040 2026-04-20 5050 2026-05-20 5060 2026-06-20 5070 2026-07-20 5080 \
	     2026-08-20 5090 2026-09-20 5100 2026-10-20 5110 &&
	printf "%s\n" "$P" "7201000123;M-7201000123;1;6610;2026-11-20;lkk" > w1.csv &&
	sbyt --as-of 2026-11-30 ingest w1.csv 2>err &&
	grep -q "file=w1.csv read=1 accepted=0 rejected=0 duplicates=0 held=1" err &&
	sbyt review list > list 2>/dev/null &&
	id=$(sed -n 2p list | cut -d";" -f1) &&
	test "$(sed -n 2p list)" = "$id;7201000123;M-7201000123;2026-11-20;T1=6610.000;1500.000;10.177;w1.csv:2"
'

# Two lines of the zone: 2026-11-20 (5100, 10 kWh after 5090: accepted,
# below 1000) and 2026-12-01 (6600: 1500 kWh).  The second's window
# [2025-12-01, 2026-12-01) begins before the first line: its first reading
# is 2025-12-20 (100), its last the file's 2026-11-20 (5100): 5000 kWh in
# 335 days = 454.291 kWh a month; 1500 < 10 x 454.291: accepted.  Read from
# the first line's date on, its window would start at 2026-10-20 (5090):
# 10 kWh in 31 days, and the line would be held.
test_expect_success 'two lines: the second line window reads from its own start' '
	reset_ingest &&
	hist 2025-11-22 50 2025-12-20 100 2026-01-20 5000 2026-02-20 5010 2026-03-20 5020 \
	     2026-04-20 5030 2026-05-20 5040 2026-06-20 5050 2026-07-20 5060 2026-08-20 5070 \
	     2026-09-20 5080 2026-10-20 5090 &&
	printf "%s\n" "$P" "7201000123;M-7201000123;1;5100;2026-11-20;lkk" \
		"7201000123;M-7201000123;1;6600;2026-12-01;lkk" > w2.csv &&
	sbyt --as-of 2026-12-02 ingest w2.csv 2>err &&
	grep -q "file=w2.csv read=2 accepted=2 rejected=0 duplicates=0 held=0" err &&
	test "$(q "SELECT string_agg(status, chr(44) ORDER BY taken_on) FROM reading WHERE taken_on >= make_date(2026, 11, 20)")" = accepted,accepted
'

# The same reading again (same date, value and source) is found among the
# rows from the earliest line on: a duplicate, not a second reading.
test_expect_success 'a reading sent again is a duplicate' '
	printf "%s\n" "$P" "7201000123;M-7201000123;1;6600;2026-12-01;lkk" > w3.csv &&
	sbyt --as-of 2026-12-02 ingest w3.csv 2>err &&
	grep -q "file=w3.csv read=1 accepted=0 rejected=0 duplicates=1 held=0" err
'

test_done
