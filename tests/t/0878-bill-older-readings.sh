#!/bin/sh
# 0878-bill-older-readings: the bill reads the readings of the month before
# the period and of the period (lib/billrun.c READ_BACK), and all of an
# account's readings only when an older one may count; the bills are those
# of all the readings, worked by hand.
#
# November 2026, urban_gas single rate 3.00 until 2026-09-30 and 3.34 from
# 2026-10-01 (rules/), 1 room 1 person: norm 132 kWh.  Amounts = kWh x
# tariff rounded half-up once to kopecks.
#   A: first reading since May (no month billed on a reading): its previous
#      value is May's 1,100, not the meter's initial 1,000.
#   C: no reading ever, two norm months: nothing older is found, the norm.
#   D: August billed on the register 2,000, September and October
#      estimated; a late September reading (2,500, accepted after
#      September was billed) is current in November and spreads.
#   E: a monthly reader (October's register 1,500): billed on the stream
#      alone.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
lines() {
	q "select concat_ws(' ', kind, basis, zone, coalesce(band::text, '-'), volume, tariff,
		amount, vat, coalesce(to_char(of_period, 'YYYY-MM'), '-'))
	   from charge_line where account_id = $1 and period = '$2-01' order by line_no"
}
cons() {
	q "select concat_ws(' ', to_char(period, 'YYYY-MM'), basis, volume_t1, reading_t1, start_t1)
	   from consumption where account_id = $1 and billed_in = '$2-01' order by period"
}
want() { cat > "want.$1"; }
check() { n=$1; shift; "$@" > "got.$n" && diff -u "want.$n" "got.$n"; }

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
a() { echo "$1;01;individual;Абонент $1;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15"; }
{
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	a 7201000001; a 7201000003; a 7201000004; a 7201000005
} > accounts.csv
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;MA;1;6;2020-01-15;2032-01-15;1000;;
7201000003;MC;1;6;2020-01-15;2032-01-15;700;;
7201000004;MD;1;6;2020-01-15;2032-01-15;1000;;
7201000005;ME;1;6;2020-01-15;2032-01-15;1000;;
CSV
rd() {
	echo "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	      VALUES ($1, '$2', 1, $3, '$4', '$5-01', 'sms', 'sms', 'accepted');"
}
hist() {
	echo "INSERT INTO consumption (account_id, meter, period, billed_in, basis, volume_t1, reading_t1)
	      VALUES ($1, '$2', '$3-01', '$3-01', '$4', $5, ${6:-NULL});"
}
test_expect_success 'master data, readings and the months billed before' '
	sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load meters meters.csv &&
	{
		rd 7201000001 MA 1100 2026-05-20 2026-05
		rd 7201000001 MA 1250 2026-11-20 2026-11
		hist 7201000003 MC 2026-09 norm 132
		hist 7201000003 MC 2026-10 norm 132
		hist 7201000004 MD 2026-08 actual 300 2000
		hist 7201000004 MD 2026-09 estimate 300
		hist 7201000004 MD 2026-10 estimate 300
		rd 7201000004 MD 2500 2026-09-20 2026-09
		hist 7201000005 ME 2026-10 actual 100 1500
		rd 7201000005 ME 1620 2026-11-20 2026-11
	} > r.sql && psql -Xq -v ON_ERROR_STOP=1 -f r.sql
'

# A: 1,250 - 1,100 = 150 kWh x 3.34 = 501.00.
# C: norm 132 x 3.34 = 440.88.
# D: 2,500 - 2,000 = 500 kWh over September, October, November by days
#   (30, 31, 30 of 91): 500,000 Wh x 30 / 91 = 164,835.16 -> 164.835,
#   x 31 / 91 = 170,329.67 -> 170.329 and the one left over to the longest
#   month, October 170.330; November 164.835 x 3.34 = 550.5489 -> 550.55;
#   each estimated month recalculated by the difference, one line:
#   September 164.835 - 300 = -135.165 x 3.00 = -405.495 -> -405.50,
#   October 170.330 - 300 = -129.670 x 3.34 = -433.0978 -> -433.10.
#   Total 550.55 - 405.50 - 433.10 = -288.05.
# E: 1,620 - 1,500 = 120 kWh x 3.34 = 400.80.
# Total 501.00 + 440.88 - 288.05 + 400.80 = 1,054.63; A, C and D are read
# in full (older_readings=3), E from the bounded stream.
test_expect_success 'bill November' '
	sbyt -v bill --period 2026-11 2>err &&
	grep -qx "sbyt bill: period=2026-11 accounts=4 documents=4 total=1054.63 refused=0" err &&
	grep -q "refused=0 older_readings=3$" err
'
want A <<'E'
charge actual 1 1 150.000 3.340000 50100 0 -
E
want C <<'E'
charge norm 1 1 132.000 3.340000 44088 0 -
E
want D <<'E'
charge actual 1 1 164.835 3.340000 55055 0 -
recalc recalc 1 1 -135.165 3.000000 -40550 0 2026-09
recalc recalc 1 1 -129.670 3.340000 -43310 0 2026-10
E
want E <<'E'
charge actual 1 1 120.000 3.340000 40080 0 -
E
test_expect_success 'A: from May'"'"'s 1,100, not the initial 1,000: 501.00' 'check A lines 7201000001 2026-11'
test_expect_success 'C: nothing older, the norm 440.88' 'check C lines 7201000003 2026-11'
test_expect_success 'D: the late September reading spreads over three months' 'check D lines 7201000004 2026-11'
test_expect_success 'E: 400.80 from the bounded stream' 'check E lines 7201000005 2026-11'
want Acons <<'E'
2026-11 actual 150.000 1250.000 1100.000
E
want Dcons <<'E'
2026-09 actual 164.835
2026-10 actual 170.330
2026-11 actual 164.835 2500.000 2000.000
E
test_expect_success 'A: November starts at 1,100 and ends at 1,250' 'check Acons cons 7201000001 2026-11'
test_expect_success 'D: September and October actual, November ends at 2,500' 'check Dcons cons 7201000004 2026-11'

test_done
