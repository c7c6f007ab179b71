#!/bin/sh
# 0882-bill-window: a bill reads its estimation window from bill_window
# (sql/261), the row the bill before it wrote, instead of the window's
# months of consumption; the bills are byte-identical to reading the whole
# window.  Thirteen months (2025-12 .. 2026-12) are billed in two databases
# with the same data: A keeps its bill_window rows, B has them deleted
# before every bill (the whole window read, as before sql/261).  Their
# charge lines, obligations and consumption must be the same, every month.
#
# urban_gas single rate, 1 room 1 person (rules/): 2.95 in 2025, 3.00 from
# 2026-01-01, 3.34 from 2026-10-01; norm 132 kWh; estimates are the average
# of the actual months among the 12 before (at least 3 of them) for at most
# 3 months in a row.  Amounts = kWh x tariff, half-up to kopecks.
#   R, F1..F6 (7201000001, 07..12): a reading every month, 100 kWh each.
#   E (02): read December to June: 100, 120, 130, 110, 140, 100, 150 kWh
#     (registers 1,100 .. 1,850); no reading July to October; 2,300 in
#     November, 2,420 in December.
#     July, August, September: estimates, the average of the 7 actual months
#       850 / 7 = 121.4285... -> 121.429 kWh x 3.00 = 364.287 -> 364.29;
#     October: a 4th month without a reading: the norm 132 x 3.34 = 440.88;
#     November: 2,300 - 1,850 (June's register) = 450 kWh spread over July
#       to November by days (31, 31, 30, 31, 30 of 153): 450,000 Wh x 31 /
#       153 = 91,176.47 -> 91,176, x 30 / 153 = 88,235.29 -> 88,235, the 2
#       left over to the first longest month, July: 91.178, 91.176, 88.235,
#       91.176, 88.235 kWh; November 88.235 x 3.34 = 294.7049 -> 294.70;
#       recalculated: July 91.178 - 121.429 = -30.251 x 3.00 = -90.753 ->
#       -90.75, August -30.253 x 3.00 = -90.759 -> -90.76, September 88.235
#       - 121.429 = -33.194 x 3.00 = -99.582 -> -99.58, October 91.176 - 132
#       = -40.824 x 3.34 = -136.35216 -> -136.35; total -122.74;
#     December: 2,420 - 2,300 = 120 x 3.34 = 400.80.
#     Its bill_window row after December (for January 2027): the months
#     December back to January 2026 in Wh, December's register: "a120000/
#     2420000 a88235 a91176 a88235 a91176 a91178 a150000 a100000 a140000
#     a110000 a130000 a120000".
#   N (03): no meter, the norm every month.
#   M (04): meter MA read December to August (100 kWh a month); MB installed
#     2026-09-10 at 50, read September to November (170, 290, 410: 120 kWh a
#     month), not in December: December's estimate is MB's months only, 120
#     x 3.34 = 400.80 (with MA's, 1,260 / 12 = 105, 350.70).  In
#     September its row (of MA) is not MB's: it reads consumption; the
#     bill of September read the others' windows from bill_window, so it
#     writes M's row of MB, one month, whatever the months (a batch that
#     streamed its windows writes 8 months or more), read from October.
#     Its row for January 2027: December's estimate, then November's
#     register (410 kWh), then MB's October and September, then eight
#     months of MA, none of MB: "e120000 a120000/410000 a120000 a120000
#     - - - - - - - -".
#   C (05): 100 kWh a month December to June, no reading in July: estimate
#     100 x 3.00 = 300.00; then February's consumption is corrected to 170
#     kWh by hand (UPDATE): the trigger removes C's row, and August's
#     estimate is (600 + 170) / 7 = 110 x 3.00 = 330.00 (the stale row would
#     give 300.00); C reads consumption in August.
#   Z (06): two zones, each month +80 / +40 kWh, no reading in April and
#     August (estimates, recalculated by May's and September's readings).
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
qb() { psql -XtAq -v ON_ERROR_STOP=1 -d "$B" -c "$1"; }

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
a() { echo "$1;01;individual;Абонент $1;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15"; }
{
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do a 72010000$i; done
} > accounts.csv
{
	echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
	for i in 01 02 05 07 08 09 10 11 12; do echo "72010000$i;M$i;1;6;2020-01-15;2032-01-15;1000;;"; done
	echo '7201000004;MA;1;6;2020-01-15;2032-01-15;1000;;'
	echo '7201000004;MB;1;6;2026-09-10;2032-09-10;50;;'
	echo '7201000006;MZ;2;6;2020-01-15;2032-01-15;1000;500;'
} > meters.csv

test_expect_success 'master data' '
	sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load meters meters.csv
'
B="${PGDATABASE}_b"
createdb -T "$PGDATABASE" "$B" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; cleanup' EXIT

MONTHS="2025-12 2026-01 2026-02 2026-03 2026-04 2026-05 2026-06 2026-07 2026-08 2026-09 2026-10 2026-11 2026-12"
# idx MONTH: 1 for 2025-12 .. 13 for 2026-12
idx() { i=0; for m in $MONTHS; do i=$((i + 1)); [ "$m" = "$1" ] && echo $i; done; }
rd() { # ACCOUNT METER ZONE VALUE MONTH: taken on the 20th, in the window
	echo "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	      VALUES ($1, '$2', $3, $4, '$5-20', '$5-01', 'sms', 'sms', 'accepted');"
}
# readings MONTH: the SQL of the month's readings
readings() {
	i=$(idx "$1")
	for n in 01 07 08 09 10 11 12; do rd 72010000$n M$n 1 $((1000 + 100 * i)) "$1"; done
	case $i in 1) v=1100;; 2) v=1220;; 3) v=1350;; 4) v=1460;; 5) v=1600;; 6) v=1700;;
		7) v=1850;; 12) v=2300;; 13) v=2420;; *) v=;; esac
	[ -z "$v" ] || rd 7201000002 M02 1 $v "$1"
	if [ $i -le 9 ]; then rd 7201000004 MA 1 $((1000 + 100 * i)) "$1"
	elif [ $i -le 12 ]; then rd 7201000004 MB 1 $((50 + 120 * (i - 9))) "$1"; fi
	[ $i -gt 7 ] || rd 7201000005 M05 1 $((1000 + 100 * i)) "$1"
	[ $i = 5 ] || [ $i = 9 ] || { rd 7201000006 MZ 1 $((1000 + 80 * i)) "$1"; rd 7201000006 MZ 2 $((500 + 40 * i)) "$1"; }
}
# bill MONTH: the month's readings and bill in both databases, B without
# its bill_window rows; A's count of windows read from bill_window in wA
bill() {
	readings "$1" > r.sql &&
	psql -Xq -v ON_ERROR_STOP=1 -f r.sql && psql -Xq -v ON_ERROR_STOP=1 -d "$B" -f r.sql &&
	sbyt -v bill --period "$1" 2> errA &&
	qb "DELETE FROM bill_window" &&
	PGDATABASE="$B" sbyt -v bill --period "$1" 2> errB &&
	sed -n "s/.*estimation windows: from_summary=\([0-9]*\) .*/\1/p" errA > wA &&
	sed -n "s/.*estimation windows: from_summary=\([0-9]*\) .*/\1/p" errB > wB &&
	[ "$(cat wB)" = 0 ]
}
ROWS="SELECT 'L', account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat, of_period, day_from, day_to, sample FROM charge_line
UNION ALL SELECT 'O', account_id, period, seq, kind, NULL, NULL, NULL, NULL, NULL, amount, NULL, due, NULL, NULL, NULL FROM obligation
UNION ALL SELECT 'C', account_id, period, NULL, meter, basis, NULL, NULL, volume_t1, volume_t2, volume_t3, NULL, billed_in, NULL, NULL, NULL FROM consumption
UNION ALL SELECT 'R', account_id, period, NULL, meter, basis, NULL, NULL, reading_t1, reading_t2, reading_t3, NULL, billed_in, NULL, NULL, NULL FROM consumption
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"
# same: every row billed so far is the same in A and B
same() { q "$ROWS" > rows.a && qb "$ROWS" > rows.b && [ -s rows.a ] && cmp rows.a rows.b; }
line() { # ACCOUNT MONTH: its charge lines of the month
	q "SELECT concat_ws(' ', kind, basis, volume, tariff, amount, coalesce(to_char(of_period, 'YYYY-MM'), '-'))
	   FROM charge_line WHERE account_id = $1 AND period = '$2-01' ORDER BY line_no"
}

# windows read from bill_window in A: a bill that streams its windows
# writes an account's row when its window has at least 8 months
# (lib/billrun.c WINDOW_WRITE_MIN), so the first rows are July's, for
# August; then all 12 but C in August (removed by the correction) and M in
# September (its row is of MA); from October all 12 (September's bill read
# from bill_window and wrote every account's row, M's of MB)
for m in $MONTHS; do
	case $m in 2025-12|2026-0[1-7]) w=0;; 2026-0[89]) w=11;; *) w=12;; esac
	if [ "$m" = 2026-08 ]; then
		test_expect_success 'a late correction of C'"'"'s February (170 kWh) removes C'"'"'s row, and only it' '
			[ "$(q "SELECT count(*) FROM bill_window WHERE account_id = 7201000005")" = 1 ] &&
			for d in "$PGDATABASE" "$B"; do
				psql -XtAq -v ON_ERROR_STOP=1 -d "$d" -c "UPDATE consumption SET volume_t1 = 170
					WHERE account_id = 7201000005 AND period = DATE '"'"'2026-02-01'"'"'" || return 1
			done &&
			[ "$(q "SELECT count(*) FROM bill_window WHERE account_id = 7201000005")" = 0 ] &&
			[ "$(q "SELECT count(*) FROM bill_window WHERE period = DATE '"'"'2026-08-01'"'"'")" = 11 ]
		'
	fi
	test_expect_success "$m: $w windows from bill_window, the same rows as the whole window" "
		bill $m && [ \"\$(cat wA)\" = $w ] && same
	"
done

test_expect_success 'E: July to September the average 364.29, October the norm 440.88' '
	for m in 2026-07 2026-08 2026-09; do
		[ "$(line 7201000002 $m)" = "charge estimate 121.429 3.000000 36429 -" ] || return 1
	done &&
	[ "$(line 7201000002 2026-10)" = "charge norm 132.000 3.340000 44088 -" ]
'
test_expect_success 'E: November spreads 450 kWh over five months, -122.74' '
	cat > want <<-E &&
	charge actual 88.235 3.340000 29470 -
	recalc recalc -30.251 3.000000 -9075 2026-07
	recalc recalc -30.253 3.000000 -9076 2026-08
	recalc recalc -33.194 3.000000 -9958 2026-09
	recalc recalc -40.824 3.340000 -13635 2026-10
	E
	line 7201000002 2026-11 > got && diff -u want got &&
	[ "$(q "SELECT sum(amount) FROM charge_line WHERE account_id = 7201000002 AND period = DATE '"'"'2026-11-01'"'"'")" = -12274 ] &&
	[ "$(line 7201000002 2026-12)" = "charge actual 120.000 3.340000 40080 -" ]
'
wrow() { q "SELECT concat_ws('|', period, months, meter, history) FROM bill_window WHERE account_id = $1 AND period = DATE '2027-01-01'"; }
test_expect_success 'E: its row for January 2027 holds the twelve months, December'"'"'s register' '
	wrow 7201000002 > got && echo "$(cat got)" && [ "$(cat got)" = "2027-01-01|12|M02|a120000/2420000 a88235 a91176 a88235 a91176 a91178 a150000 a100000 a140000 a110000 a130000 a120000" ]
'
test_expect_success 'M: December estimates MB'"'"'s months only, 400.80; its row for January 2027 is of MB' '
	[ "$(line 7201000004 2026-12)" = "charge estimate 120.000 3.340000 40080 -" ] &&
	[ "$(wrow 7201000004)" = "2027-01-01|12|MB|e120000 a120000/410000 a120000 a120000 - - - - - - - -" ]
'
test_expect_success 'C: July 300.00; August after the correction 330.00' '
	[ "$(line 7201000005 2026-07)" = "charge estimate 100.000 3.000000 30000 -" ] &&
	[ "$(line 7201000005 2026-08)" = "charge estimate 110.000 3.000000 33000 -" ]
'
# bill_window's partitions (sql/262): the bill of P writes P + 1's and
# drops those of the months before P; after December's, December's (read
# by it) and January 2027's.  Each account has a row in both.
parts() { q "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'bill_window'::regclass"; }
test_expect_success 'after December: the partitions of December and January 2027 only' '
	[ "$(parts)" = "bill_window_202612 bill_window_202701" ] &&
	[ "$(q "SELECT count(*) FROM bill_window_202612")" = 12 ] &&
	[ "$(q "SELECT count(*) FROM bill_window_202701")" = 12 ] &&
	[ "$(q "SELECT count(*) FROM bill_window WHERE period < DATE '"'"'2026-12-01'"'"'")" = 0 ]
'
# Each month's bill made the month partition of charge_line it wrote into
# (sql/283): 2025-12 .. 2026-12, nothing in the default one.
mparts() { q "SELECT count(*) || ' ' || min(c.relname) || ' ' || max(c.relname) FROM pg_inherits i
	JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '$1'::regclass AND c.relname <> '$1_default'"; }
test_expect_success 'the bills made the 13 months'"'"' partitions of charge_line' '
	[ "$(mparts charge_line)" = "13 charge_line_202512 charge_line_202612" ] &&
	[ "$(q "SELECT count(*) FROM charge_line_default")" = 0 ] &&
	[ "$(q "SELECT count(*) FROM charge_line_202612")" = "$(q "SELECT count(*) FROM charge_line WHERE period = DATE '"'"'2026-12-01'"'"'")" ]
'
# A re-run of December reads December's rows again (the consumption
# billed before December is what it was), replaces the rows of January
# (the 12 accounts' rows removed and written again: their run_id is the
# re-run's) and bills the same.
test_expect_success 'a re-run of December reads its 12 windows from bill_window, writes the same and replaces January'"'"'s rows' '
	q "$ROWS" > before &&
	q "SELECT account_id, months, meter, history FROM bill_window ORDER BY 1, period" > wbefore &&
	sbyt -v bill --period 2026-12 2> err &&
	grep -q "from_summary=12 " err && q "$ROWS" > after && cmp before after &&
	q "SELECT account_id, months, meter, history FROM bill_window ORDER BY 1, period" > wafter &&
	cmp wbefore wafter &&
	[ "$(q "SELECT count(DISTINCT run_id) FROM bill_window_202701")" = 1 ] &&
	[ "$(q "SELECT max(run_id) FROM bill_window_202701")" = "$(q "SELECT max(run_id) FROM run")" ] &&
	[ "$(q "SELECT count(*) FROM bill_window WHERE account_id = 7201000004")" = 2 ] &&
	[ "$(parts)" = "bill_window_202612 bill_window_202701" ]
'
# A re-bill of an older month (October, unissued there) after December's:
# its window is read from consumption (October's partition was dropped),
# the later rows of the accounts it bills are removed (November's
# consumption is written again), and October's bill creates November's
# partition again, with the rows it writes; it drops none (none before
# October).
test_expect_success 'a re-bill of October removes the accounts'"'"' later rows and writes November'"'"'s' '
	sbyt -v bill --period 2026-10 2> err &&
	grep -q "from_summary=0 " err &&
	[ "$(parts)" = "bill_window_202611 bill_window_202612 bill_window_202701" ] &&
	[ "$(q "SELECT count(*) FROM bill_window WHERE period > DATE '"'"'2026-11-01'"'"'")" = 0 ] &&
	[ "$(q "SELECT count(*) FROM bill_window_202611")" = 11 ]
'
test_expect_success 'TRUNCATE consumption empties bill_window' '
	q "TRUNCATE consumption" && [ "$(q "SELECT count(*) FROM bill_window")" = 0 ]
'

test_done
