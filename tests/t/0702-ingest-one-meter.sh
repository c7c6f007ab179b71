#!/bin/sh
# 0702-ingest-one-meter: ingest is linear in the lines of a file whatever
# their spread over meters.  40,000 readings of one meter took minutes when
# each line walked the meter's readings kept before it (and each look-up
# probed through the file's own uncommitted rows); now a meter's history is
# looked up once a chunk and the file's readings are found by binary
# search.  Not a timed test: a limit of 30 s that only a quadratic ingest
# reaches.  The decisions across chunks stay those of SPEC 5.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }
# M-7201000123: 6 digits, initial 4000.  Reading i (0..39999) is 4001 + i
# kWh on 2000-01-01 + i/20 days: all accepted, the last 44000 on 2005-06-22
# (day 1999).  Then:
#   40001  4001 on 2000-01-01 again: duplicate (kept in chunk 1)
#   40002  4500 on 2005-06-22: decreasing (previous 44000)
#   40003  51000 on 2005-07-06: held.  Window [2004-07-06, 2005-07-06): the
#          first reading is i = 1648 x 20 = 32960, 36961 kWh on 2004-07-06
#          (day 1648), the last 44000 on day 1999: 7039 kWh in 351 days =
#          7039 x 30.4375 / 351 = 610.398 kWh a month; 51000 - 44000 = 7000
#          > 1000 and > 10 x 610.398.
{
	echo 'account;meter;zone;value;taken_on;source'
	awk 'BEGIN { for (i = 0; i < 40000; i++)
		printf "7201000123;M-7201000123;1;%d;%s;lkk\n", 4001 + i,
			strftime("%Y-%m-%d", 946684800 + int(i / 20) * 86400, 1) }'
	echo '7201000123;M-7201000123;1;4001;2000-01-01;lkk'
	echo '7201000123;M-7201000123;1;4500;2005-06-22;lkk'
	echo '7201000123;M-7201000123;1;51000;2005-07-06;lkk'
} > one.csv

check() {
	grep -q "read=40003 accepted=40000 rejected=1 duplicates=1 held=1 " err &&
	test "$(q "SELECT line || chr(32) || reason FROM ingest_reject")" = \
		"40003 zone 1 value 4500.000 is lower than the previous 44000.000 and no rollover" &&
	test "$(q "SELECT line || chr(32) || consumption || chr(32) || average FROM reading_hold")" = \
		"40004 7000.000 610.398" &&
	test "$(q "SELECT count(*) || chr(32) || max(value) FROM reading WHERE status = chr(97) || chr(99) || chr(99) || chr(101) || chr(112) || chr(116) || chr(101) || chr(100)")" = "40000 44000.000"
}
test_expect_success '40,003 readings of one meter: in seconds, decided as SPEC 5 says' '
	timeout 30 sbyt $AS ingest one.csv 2>err && check
'
test_expect_success 'the same with a memory budget of 0 (look-ups on the file'"'"'s connection)' '
	reset_ingest && SBYT_INGEST_MEMORY=0 timeout 30 sbyt $AS ingest one.csv 2>err && check
'
# The 40,000 rising readings in reverse file order: each line is decided
# against what was kept before it in the file.  The first line of each day
# (its highest value) finds nothing kept on or before its date (only later
# days were kept), so its previous is the initial 4000: accepted (no
# average: nothing earlier).  Every other line of the day is lower than it:
# decreasing.  2000 days: 2000 accepted, 38000 rejected.
test_expect_success 'readings in reverse order: linear too, each decided on what came before' '
	reset_ingest && { head -1 one.csv; sed -n "2,40001p" one.csv | tac; } > rev.csv &&
	timeout 30 sbyt $AS ingest rev.csv 2>err &&
	grep -q "read=40000 accepted=2000 rejected=38000 duplicates=0 held=0 " err &&
	test "$(q "SELECT min(value) || chr(32) || max(value) FROM reading")" = "4020.000 44000.000"
'
test_done
