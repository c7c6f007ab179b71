#!/bin/sh
# 0400-bill: bills worked by hand, written to charge_line, obligation and
# consumption; re-runs, published periods, branches, shards and the lock.
#
# Tariffs are the shipped rules/ (roubles per kWh, VAT included):
# urban_gas single rate 3.00 / 7.94 / 10.48 in 2026-01..09, 3.34 / 8.83 /
# 11.65 from 2026-10-01 (band limits 3,900 / 6,000 kWh); 2-zone from
# 2026-10-01 day 3.84 night 2.00; 3-zone peak 4.00 night 2.00 half-peak 3.34;
# urban_electric band 1 = 0.7 x 3.34 = 2.338 (heating-season limits 6,000 /
# 9,000).  Legal prices (kopecks per kWh without VAT): category 1 2026-11
# 804.3581; category 2 2026-09 712.8670, 2026-10 782.6875, 2026-11 788.2731;
# VAT 22 %.  Sample norms (kWh per person): urban_gas 1 room 1 person 132,
# 2 rooms 3 persons 74, 3 rooms 1 person 171; urban_electric 1 room 2
# persons 122.  Every amount = kWh x tariff, rounded half-up once to kopecks.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
# lines ACC YYYY-MM: kind basis zone band volume tariff amount vat of_period
lines() {
	q "select concat_ws(' ', kind, basis, zone, coalesce(band::text, '-'), volume, tariff,
		amount, vat, coalesce(to_char(of_period, 'YYYY-MM'), '-'))
	   from charge_line where account_id = $1 and period = '$2-01' order by line_no"
}
# obls ACC: period seq kind due amount
obls() {
	q "select concat_ws(' ', to_char(period, 'YYYY-MM'), seq, kind, due, amount)
	   from obligation where account_id = $1 order by period, seq"
}
# cons ACC YYYY-MM (billed in): period basis volumes [registers]
cons() {
	q "select concat_ws(' ', to_char(period, 'YYYY-MM'), basis, volume_t1, volume_t2, volume_t3,
		reading_t1, reading_t2, reading_t3)
	   from consumption where account_id = $1 and billed_in = '$2-01' order by period"
}
want() { cat > "want.$1"; }
# check NAME COMMAND...: the command's output equals want.NAME
check() { n=$1; shift; "$@" > "got.$n" && diff -u "want.$n" "got.$n"; }
snapshot() {
	q "select account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat,
		of_period, day_from, day_to from charge_line order by 1, 2, 3" > "$1"
	q "select account_id, period, seq, kind, due, amount from obligation order by 1, 2, 3" >> "$1"
	q "select account_id, period, billed_in, meter, basis, volume_t1, volume_t2, volume_t3,
		reading_t1, reading_t2, reading_t3 from consumption order by 1, 2, 3" >> "$1"
}

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
03;Ишимский участок;г. Ишим, ул. Ленина, д. 58;+73455000003
CSV
a() { # account branch kind category residents rooms delivery
	echo "$1;$2;$3;Абонент $1;г. Тюмень, ул. Мира, д. 1;625000;$4;$5;$6;;;$7;0;2020-01-15"
}
{
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	a 7201000001 01 individual urban_gas 1 1 post       # A one zone
	a 7201000002 01 individual urban_gas 2 2 post       # B two zones
	a 7201000003 01 individual urban_gas 2 2 post       # C three zones
	a 7201000004 01 individual urban_gas 1 1 post       # D rollover
	a 7201000005 01 individual urban_gas 1 1 post       # E estimate
	a 7201000006 01 individual urban_gas 3 2 post       # F fourth month: norm
	a 7201000007 01 individual urban_gas 1 1 post       # G late reading
	a 7201000008 01 individual urban_electric 2 1 post  # L no meter
	a 7201000009 01 individual urban_gas 1 3 post       # M verification expired
	a 7201000010 01 legal '' 0 0 edo                    # N legal entity
	a 7201000011 01 individual urban_gas 1 1 post       # O zero consumption
	a 7201000012 01 individual urban_gas 1 1 post       # P bands 1 and 2
	a 7201000013 01 individual urban_gas 1 1 post       # Q reading goes down
	a 7202000001 02 individual urban_gas 1 1 post       # H September / October
	a 7202000002 02 individual urban_gas 1 1 post       # J published, corrected
	a 7202000003 02 legal '' 0 0 edo                    # N2 legal advances chained
	a 7203000001 03 individual urban_gas 1 1 post       # K mid-month change
} > accounts.csv
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;M1;1;6;2020-01-15;2032-01-15;1000;;
7201000002;M2;2;6;2020-01-15;2032-01-15;5000;2000;
7201000003;M3;3;6;2020-01-15;2032-01-15;1000;2000;3000
7201000004;M4;1;5;2020-01-15;2032-01-15;99900.5;;
7201000005;M5;1;6;2020-01-15;2032-01-15;500;;
7201000006;M6;2;6;2020-01-15;2032-01-15;100;100;
7201000007;M7;1;6;2020-01-15;2032-01-15;9000;;
7201000009;M9;1;6;2020-01-15;2026-10-31;1000;;
7201000010;M10;1;8;2020-01-15;2032-01-15;50000;;
7201000011;M11;1;6;2020-01-15;2032-01-15;4321;;
7201000012;M12;1;6;2020-01-15;2032-01-15;0;;
7201000013;M13;1;6;2020-01-15;2032-01-15;5000;;
7202000001;M21;1;6;2020-01-15;2032-01-15;3000;;
7202000002;M22;1;6;2020-01-15;2032-01-15;2000;;
7202000003;M23;1;8;2020-01-15;2032-01-15;10000;;
7203000001;M31;1;6;2020-01-15;2032-01-15;1000;;
CSV
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7201000010;Д-2020/10;2020-01-15;1;standard;7202123456;720201001
7202000003;Д-2020/23;2020-01-15;2;standard;7202123456;720201001
CSV
# rd ACC METER ZONE VALUE TAKEN PERIOD [STATUS]: an ingested reading.
rd() {
	echo "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	      VALUES ($1, '$2', $3, $4, '$5', '$6-01', 'sms', 'sms', '${7:-accepted}');"
}
# hist ACC METER PERIOD BILLED_IN BASIS T1 [T2|NULL] [REGISTER_T1]: a month
# billed before.
hist() {
	echo "INSERT INTO consumption (account_id, meter, period, billed_in, basis, volume_t1,
		volume_t2, reading_t1)
	      VALUES ($1, '$2', '$3-01', '$4-01', '$5', $6, ${7:-NULL}, ${8:-NULL});"
}

test_expect_success 'master data loads' '
	sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load meters meters.csv && sbyt -q load contracts contracts.csv
'

# ---- Branch 02: September, October, a published October, November ----
{
	rd 7202000001 M21 1 3250 2026-09-20 2026-09
	rd 7202000001 M21 1 3500 2026-10-20 2026-10
	rd 7202000002 M22 1 2100 2026-09-20 2026-09
	# N2, a legal entity, is read at 00:00 of the 1st (SPEC 7): the reading
	# dated 10-01 closes September, 11-01 October (the readings day is the
	# 2nd).  Before legal entities were billed by calendar month these
	# were dated the 20th; the figures are the same.
	rd 7202000003 M23 1 11000 2026-10-01 2026-10
	rd 7202000003 M23 1 12000 2026-11-01 2026-11
} > r02.sql
test_expect_success 'September and October readings of branch 02' 'psql -Xq -v ON_ERROR_STOP=1 -f r02.sql'

# H September: 3,000 (initial) -> 3,250 = 250 kWh x 3.00 = 750.00.
# J September: 2,000 -> 2,100 = 100 kWh x 3.00 = 300.00.
# N2 September: 10,000 -> 11,000 = 1,000 kWh x 712.8670 = 712,867.0 kop;
#   VAT 22 % 156,830.74 -> 156,831; amount 869,698 = 8,696.98; no August
#   charge, so no advances: the balance 8,696.98 is due 2026-10-18, and the
#   October advances are 30 % = 260,909.4 -> 260,909 due 2026-10-10 and
#   40 % = 347,879.2 -> 347,879 due 2026-10-25.
# Branch total 750.00 + 300.00 + 8,696.98 = 9,746.98.
test_expect_success 'bill September for branch 02' '
	sbyt bill --period 2026-09 --branch 02 2>err &&
	grep -qx "sbyt bill: period=2026-09 accounts=3 documents=3 total=9746.98 refused=0" err
'
want H09 <<'E'
charge actual 1 1 250.000 3.000000 75000 0 -
E
want N2_09 <<'E'
charge actual 1 - 1000.000 7.128670 869698 156831 -
E
test_expect_success 'H September: 250 kWh x 3.00 = 750.00' 'check H09 lines 7202000001 2026-09'
test_expect_success 'N2 September: 1,000 kWh x 7.12867 + 22 % VAT = 8,696.98' 'check N2_09 lines 7202000003 2026-09'

# H October (the 2026-10-01 indexation): 3,250 -> 3,500 = the same 250 kWh
#   x 3.34 = 835.00 (September's were 750.00 at 3.00).
# J October: no reading, one month of history (< 3): the norm, 1 room 1
#   person 132 kWh x 3.34 = 440.88.
# N2 October: 11,000 -> 12,000 = 1,000 kWh x 782.6875 = 782,687.5 ->
#   782,688; VAT 172,191.36 -> 172,191; amount 954,879.  Advances owed for
#   October 260,909 + 347,879 = 608,788: balance 954,879 - 608,788 =
#   346,091 due 2026-11-18.  November advances: 30 % = 286,463.7 -> 286,464
#   due 2026-11-10, 40 % = 381,951.6 -> 381,952 due 2026-11-25.
# Branch total 835.00 + 440.88 + 9,548.79 = 10,824.67.
test_expect_success 'bill October for branch 02' '
	sbyt bill --period 2026-10 --branch 02 2>err &&
	grep -qx "sbyt bill: period=2026-10 accounts=3 documents=3 total=10824.67 refused=0" err
'
want H10 <<'E'
charge actual 1 1 250.000 3.340000 83500 0 -
E
want J10 <<'E'
charge norm 1 1 132.000 3.340000 44088 0 -
E
want N2obl <<'E'
2026-09 10 balance 2026-10-18 869698
2026-10 1 advance 2026-10-10 260909
2026-10 2 advance 2026-10-25 347879
2026-10 10 balance 2026-11-18 346091
2026-11 1 advance 2026-11-10 286464
2026-11 2 advance 2026-11-25 381952
E
test_expect_success 'H October: the same 250 kWh at the October tariff 3.34 = 835.00' 'check H10 lines 7202000001 2026-10'
test_expect_success 'J October: no reading, short history: norm 132 x 3.34 = 440.88' 'check J10 lines 7202000002 2026-10'
test_expect_success 'N2: advances from the previous charge, balance net of them' 'check N2obl obls 7202000003'

# October is published; then J's October reading arrives late.
test_expect_success 'publish October of branch 02; a late October reading of J' '
	q "update period_state set state = '"'published'"' where period = '"'2026-10-01'"' and branch = '"'02'"'" &&
	rd 7202000002 M22 1 2250 2026-10-22 2026-10 > late.sql && psql -Xq -v ON_ERROR_STOP=1 -f late.sql
'
test_expect_code 65 'billing a published period is refused' 'sbyt bill --period 2026-10 --branch 02 2>err'
test_expect_success '... with the message naming where corrections go' '
	grep -q "period 2026-10 of branch 02 is published; corrections go to 2026-11" err &&
	[ "$(q "select count(*) from charge_line where period = '"'2026-10-01'"' and account_id = 7202000002")" = 1 ]
'

# ---- November, every branch ----
{
	# A: an October reading 1,100 and two November ones (the later 1,250
	# counts), a held one and one taken after the window (December's).
	rd 7201000001 M1 1 1100 2026-10-20 2026-10
	rd 7201000001 M1 1 1200 2026-11-16 2026-11
	rd 7201000001 M1 1 1250 2026-11-22 2026-11
	rd 7201000001 M1 1 1300 2026-11-23 2026-11 held
	rd 7201000001 M1 1 1400 2026-11-27 2026-12
	rd 7201000002 M2 1 5180 2026-11-20 2026-11
	rd 7201000002 M2 2 2090 2026-11-20 2026-11
	rd 7201000003 M3 1 1100 2026-11-20 2026-11
	rd 7201000003 M3 2 2150 2026-11-20 2026-11
	rd 7201000003 M3 3 3200 2026-11-20 2026-11
	rd 7201000004 M4 1 120.3 2026-11-20 2026-11
	rd 7201000007 M7 1 10650 2026-11-20 2026-11
	rd 7201000009 M9 1 1100 2026-11-20 2026-11
	rd 7201000010 M10 1 51234.567 2026-12-01 2026-12  # closes November
	rd 7201000011 M11 1 4321 2026-11-20 2026-11
	rd 7201000012 M12 1 4500 2026-11-20 2026-11
	rd 7201000013 M13 1 4000 2026-11-20 2026-11
	rd 7202000001 M21 1 3600 2026-11-20 2026-11
	rd 7202000003 M23 1 12500 2026-12-02 2026-12  # closes November
	rd 7203000001 M31 1 1301 2026-11-20 2026-11
	# E: three actual months before November.
	hist 7201000005 M5 2026-08 2026-08 actual 300
	hist 7201000005 M5 2026-09 2026-09 actual 320
	hist 7201000005 M5 2026-10 2026-10 actual 311
	# F: three actual months, then three estimated in a row.
	for m in 05 06 07; do hist 7201000006 M6 2026-$m 2026-$m actual 200 100; done
	for m in 08 09 10; do hist 7201000006 M6 2026-$m 2026-$m estimate 200 100; done
	# G: actual months ending at the register value 10,000 in September,
	# October estimated at 300 kWh.
	hist 7201000007 M7 2026-07 2026-07 actual 300
	hist 7201000007 M7 2026-08 2026-08 actual 300
	hist 7201000007 M7 2026-09 2026-09 actual 300 NULL 10000
	hist 7201000007 M7 2026-10 2026-10 estimate 300
	# N: October's charge 10,500.00 (the basis of November's advances).
	echo "INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, amount)
	      VALUES (7201000010, '2026-10-01', 1, 'charge', 'actual', 1, 0, 1050000);"
} > r11.sql
test_expect_success 'November readings and earlier months' 'psql -Xq -v ON_ERROR_STOP=1 -f r11.sql'

# Totals.  Branch 01: A 501.00 + B 871.20 + C 1,368.00 + D 734.13 +
# E 1,036.51 + F 741.48 + G 1,169.00 + L 570.47 + M 571.14 + N 12,115.01 +
# O 0.00 + P 18,324.00 = 38,001.94 (Q refused).  Branch 02: H 334.00 +
# J 60.12 + N2 4,808.47 = 5,202.59.  Branch 03: K 301 kWh x 3.34 = 1,005.34.
# All: 44,209.87 for 17 accounts, 16 documents.
test_expect_success 'bill November for every branch' '
	sbyt bill --period 2026-11 2>err &&
	grep -qx "sbyt bill: period=2026-11 accounts=17 documents=16 total=44209.87 refused=1" err
'
test_expect_success 'the refused account is named, not billed, and the run is on record' '
	grep -q "7201000013.*below the previous" err &&
	[ "$(q "select count(*) from charge_line where account_id = 7201000013")" = 0 ] &&
	[ "$(q "select status || (counts->>'"'refused'"') from run where command = '"'bill'"' order by run_id desc limit 1")" = done1 ]
'

# A: previous = the October reading 1,100 (not the initial 1,000); current =
# the latest accepted November reading 1,250 (the held 1,300 and December's
# 1,400 do not count): 150 kWh x 3.34 = 501.00, due 2026-12-10.
want A <<'E'
charge actual 1 1 150.000 3.340000 50100 0 -
E
want Aobl <<'E'
2026-11 10 charge 2026-12-10 50100
E
test_expect_success 'A: one zone, 150 kWh x 3.34 = 501.00' 'check A lines 7201000001 2026-11'
test_expect_success 'A: one charge due the 10th of December' 'check Aobl obls 7201000001'
# B: day 5,000 -> 5,180 = 180 x 3.84 = 691.20; night 2,000 -> 2,090 = 90 x
# 2.00 = 180.00; 270 kWh in band 1; total 871.20.
want B <<'E'
charge actual 1 1 180.000 3.840000 69120 0 -
charge actual 2 1 90.000 2.000000 18000 0 -
E
test_expect_success 'B: two zones, 691.20 + 180.00' 'check B lines 7201000002 2026-11'
want Bcons <<'E'
2026-11 actual 180.000 90.000 5180.000 2090.000
E
test_expect_success 'B: both zones kept with the registers they end at' 'check Bcons cons 7201000002 2026-11'
# C: peak 100 x 4.00 = 400.00; night 150 x 2.00 = 300.00; half-peak 200 x
# 3.34 = 668.00; total 1,368.00.
want C <<'E'
charge actual 1 1 100.000 4.000000 40000 0 -
charge actual 2 1 150.000 2.000000 30000 0 -
charge actual 3 1 200.000 3.340000 66800 0 -
E
test_expect_success 'C: three zones, 400.00 + 300.00 + 668.00' 'check C lines 7201000003 2026-11'
# D: a 5-digit register 99,900.5 -> 120.3: 100,000 - 99,900.5 + 120.3 =
# 219.8 kWh x 3.34 = 734.132 -> 734.13.
want D <<'E'
charge actual 1 1 219.800 3.340000 73413 0 -
E
test_expect_success 'D: rollover, 219.8 kWh x 3.34 = 734.13' 'check D lines 7201000004 2026-11'
# E: no reading; (300 + 320 + 311) / 3 = 310.333 kWh x 3.34 = 1,036.51222
# -> 1,036.51; kept as November's estimate.
want E <<'E'
charge estimate 1 1 310.333 3.340000 103651 0 -
E
want Econs <<'E'
2026-11 estimate 310.333
E
test_expect_success 'E: estimate, the average 310.333 kWh x 3.34 = 1,036.51' 'check E lines 7201000005 2026-11'
test_expect_success 'E: the estimate is kept as November'"'"'s volume' 'check Econs cons 7201000005 2026-11'
# F: August-October estimated, November is the fourth month without a
# reading: the norm, 2 rooms 3 persons 74 x 3 = 222 kWh on the single rate
# 3.34 = 741.48 (the 2-zone meter is not used).
want F <<'E'
charge norm 1 1 222.000 3.340000 74148 0 -
E
test_expect_success 'F: the fourth month goes to the norm, 222 kWh x 3.34 = 741.48' 'check F lines 7201000006 2026-11'
# G: the November reading 10,650 after October's estimate (300 kWh): 650 kWh
# since September's 10,000 spread over October (31 days) and November (30):
# 650,000 x 31/61 = 330,327.87 -> 330,327, x 30/61 = 319,672.13 -> 319,672,
# the remainder 1 to October (the larger weight): 330,328.
# Charge November 319.672 x 3.34 = 1,067.70448 -> 1,067.70.
# Recalculation of October: 330.328 - 300 = 30.328 kWh x 3.34 = 101.29552 ->
# 101.30.  Total 1,169.00 = (650 - 300) x 3.34.
want G <<'E'
charge actual 1 1 319.672 3.340000 106770 0 -
recalc recalc 1 1 30.328 3.340000 10130 0 2026-10
E
want Gobl <<'E'
2026-11 10 charge 2026-12-10 106770
2026-11 11 recalc 2026-12-10 10130
E
want Gcons <<'E'
2026-10 actual 330.328
2026-11 actual 319.672 10650.000
E
test_expect_success 'G: late reading, November 1,067.70 and October recalculated +101.30' 'check G lines 7201000007 2026-11'
test_expect_success 'G: the recalculation is its own obligation' 'check Gobl obls 7201000007'
test_expect_success 'G: October becomes actual, November ends at the register 10,650' 'check Gcons cons 7201000007 2026-11'
# L: no meter, urban_electric 1 room 2 persons: 122 x 2 = 244 kWh x (0.7 x
# 3.34 = 2.338) = 570.472 -> 570.47.
want L <<'E'
charge norm 1 1 244.000 2.338000 57047 0 -
E
test_expect_success 'L: no meter, norm 244 kWh x 2.338 = 570.47' 'check L lines 7201000008 2026-11'
test_expect_success 'L: kept as a norm month without a meter' '
	[ "$(q "select meter || basis || volume_t1 from consumption where account_id = 7201000008")" = norm244.000 ]
'
# M: verified until 2026-10-31: the November reading is ignored, the norm
# 3 rooms 1 person 171 kWh x 3.34 = 571.14.
want M <<'E'
charge norm 1 1 171.000 3.340000 57114 0 -
E
test_expect_success 'M: verification expired, norm 171 kWh x 3.34 = 571.14' 'check M lines 7201000009 2026-11'
# N: 50,000 -> 51,234.567 = 1,234.567 kWh x 804.3581 = 993,033.966 ->
# 993,034 kop; VAT 22 % 218,467.48 -> 218,467; amount 1,211,501 = 12,115.01.
# November's advances from October's 10,500.00: 3,150.00 + 4,200.00 =
# 7,350.00; balance 12,115.01 - 7,350.00 = 4,765.01 due 2026-12-18.
# December's advances from November's 12,115.01: 30 % = 3,634.503 ->
# 3,634.50 due 2026-12-10; 40 % = 4,846.004 -> 4,846.00 due 2026-12-25.
want N <<'E'
charge actual 1 - 1234.567 8.043581 1211501 218467 -
E
want Nobl <<'E'
2026-11 10 balance 2026-12-18 476501
2026-12 1 advance 2026-12-10 363450
2026-12 2 advance 2026-12-25 484600
E
test_expect_success 'N: legal entity, 12,115.01 with VAT 22 % 2,184.67' 'check N lines 7201000010 2026-11'
test_expect_success 'N: balance net of advances, December advances from November' 'check Nobl obls 7201000010'
# O: the same register twice: one 0 kWh line at 3.34, 0.00, nothing owed.
want O <<'E'
charge actual 1 1 0.000 3.340000 0 0 -
E
test_expect_success 'O: zero consumption, one zero line and no obligation' '
	check O lines 7201000011 2026-11 && [ -z "$(obls 7201000011)" ]
'
# P: 0 -> 4,500 kWh: band 1 3,900 x 3.34 = 13,026.00; band 2 600 x 8.83 =
# 5,298.00; total 18,324.00.
want P <<'E'
charge actual 1 1 3900.000 3.340000 1302600 0 -
charge actual 1 2 600.000 8.830000 529800 0 -
E
test_expect_success 'P: 4,500 kWh in bands 1 and 2, 13,026.00 + 5,298.00' 'check P lines 7201000012 2026-11'
# H: 3,500 -> 3,600 = 100 kWh x 3.34 = 334.00 (previous = October's bill).
want H11 <<'E'
charge actual 1 1 100.000 3.340000 33400 0 -
E
test_expect_success 'H November: 100 kWh from October'"'"'s register, 334.00' 'check H11 lines 7202000001 2026-11'
# J: the late October reading 2,250 counts in November: 150 kWh since
# September's 2,100 spread over October (31) and November (30): 150,000 x
# 31/61 = 76,229.5 -> 76,229 (+1 remainder) = 76,230; x 30/61 = 73,770.5 ->
# 73,770.  Charge November 73.770 x 3.34 = 246.3918 -> 246.39.
# Recalculation of October: +76.230 - 132 (the norm billed) = -55.770 kWh x
# 3.34 = -186.2718 -> -186.27.  Total 60.12 = (150 - 132) x 3.34.
want J11 <<'E'
charge actual 1 1 73.770 3.340000 24639 0 -
recalc recalc 1 1 -55.770 3.340000 -18627 0 2026-10
E
want Jobl <<'E'
2026-11 10 charge 2026-12-10 24639
2026-11 11 recalc 2026-12-10 -18627
E
test_expect_success 'J: the published October corrected by a recalc line in November' 'check J11 lines 7202000002 2026-11'
test_expect_success 'J: a credit obligation for the recalculation' '
	obls 7202000002 | grep -v "^2026-1[0]\|^2026-09" > got.Jobl && diff -u want.Jobl got.Jobl
'
# N2: 12,000 -> 12,500 = 500 kWh x 788.2731 = 394,136.55 -> 394,137; VAT
# 86,710.14 -> 86,710; amount 480,847.  Advances owed for November (from
# October) 286,464 + 381,952 = 668,416: balance -187,569 (overpaid).
test_expect_success 'N2: a negative balance when the advances exceed the month' '
	[ "$(q "select amount from obligation where account_id = 7202000003 and period = '"'2026-11-01'"' and kind = '"'balance'"'")" = -187569 ]
'
test_expect_success 'every branch is billed for November' '
	[ "$(q "select string_agg(branch || state, '"','"' order by branch) from period_state where period = '"'2026-11-01'"'")" = 01billed,02billed,03billed ]
'

test_expect_success 'one branch at a time or three at once: the same rows' '
	snapshot nov &&
	SBYT_BILL_WORKERS=1 sbyt bill --period 2026-11 2>err1 && snapshot nov1 && diff -u nov nov1 &&
	SBYT_BILL_WORKERS=3 sbyt bill --period 2026-11 2>err3 && snapshot nov3 && diff -u nov nov3 &&
	grep -qx "sbyt bill: period=2026-11 accounts=17 documents=16 total=44209.87 refused=1" err1 &&
	grep -qx "sbyt bill: period=2026-11 accounts=17 documents=16 total=44209.87 refused=1" err3
'

# ---- a tariff change in the middle of the month (branch 03) ----
# Scratch rules: the single rate 3.34 until 2026-11-20, 3.50 from 2026-11-21.
# K: 1,000 -> 1,301 = 301 kWh over 20 + 10 days: 301,000 x 20/30 =
# 200,666.67 -> 200,666 (+1 remainder) = 200,667; x 10/30 = 100,333.33 ->
# 100,333.  200.667 x 3.34 = 670.22778 -> 670.23; 100.333 x 3.50 =
# 351.1655 -> 351.17; total 1,021.40 (it was 1,005.34 on the shipped rules).
cp -r "$SBYT_RULES" mid
awk '
/<Tariff from="2026-10-01" zones="1" sample="true">/ { sub(/from="2026-10-01"/, "from=\"2026-10-01\" to=\"2026-11-20\""); f = 1 }
{ print }
f && /<\/Tariff>/ {
	print "    <Tariff from=\"2026-11-21\" zones=\"1\" sample=\"true\">"
	print "      <Rate zone=\"1\" band1=\"3.50\" band2=\"9.25\" band3=\"12.20\"/>"
	print "    </Tariff>"
	f = 0
}' "$SBYT_RULES/tariffs.xml" > mid/tariffs.xml
want K <<'E'
charge actual 1 1 200.667 3.340000 67023 0 - 2026-11-01 2026-11-20
charge actual 1 1 100.333 3.500000 35117 0 - 2026-11-21 2026-11-30
E
test_expect_success 'a mid-month tariff change splits K by days: 670.23 + 351.17' '
	sbyt --rules mid bill --period 2026-11 --branch 03 2>err &&
	grep -qx "sbyt bill: period=2026-11 accounts=1 documents=1 total=1021.40 refused=0" err &&
	lines 7203000001 2026-11 > l &&
	q "select day_from || '"' '"' || day_to from charge_line where account_id = 7203000001 and period = '"'2026-11-01'"' order by line_no" > d &&
	paste -d " " l d > got.K && diff -u want.K got.K
'

# ---- re-runs, branches, shards, the lock ----
test_expect_success 're-billing November of branch 01 gives the same rows' '
	snapshot before &&
	sbyt bill --period 2026-11 --branch 01 2>err &&
	grep -qx "sbyt bill: period=2026-11 accounts=13 documents=12 total=38001.94 refused=1" err &&
	snapshot after && diff -u before after &&
	[ "$(q "select count(distinct run_id) from charge_line where period = '"'2026-11-01'"' and account_id < 7202000000")" = 1 ]
'
test_expect_success '--branch 02 bills only branch 02' '
	sbyt bill --period 2026-11 --branch 02 2>err &&
	grep -qx "sbyt bill: period=2026-11 accounts=3 documents=3 total=5202.59 refused=0" err &&
	snapshot again && diff -u before again
'
test_expect_code 65 'an unknown branch is refused' 'sbyt bill --period 2026-11 --branch 09 2>err'
test_expect_success 'three shards at once cover every account of branch 01 exactly once' '
	for i in 0 1 2; do (sbyt bill --period 2026-11 --branch 01 --shard $i/3 2>sh$i; echo $? > rc$i) & done; wait &&
	[ "$(cat rc0 rc1 rc2)" = "$(printf "0\n0\n0")" ] &&
	for i in 0 1 2; do
		n=$(sed -n "s/^sbyt bill: .* accounts=\([0-9]*\) .*/\1/p" sh$i) &&
		[ "$n" = "$(q "select count(*) from account where branch = '"'01'"' and abs(hashint8(account_id)::bigint) % 3 = $i")" ] || exit 1
	done &&
	[ "$(cat sh0 sh1 sh2 | sed -n "s/^sbyt bill: .* accounts=\([0-9]*\) documents=\([0-9]*\) .*/\1 \2/p" |
		awk "{ a += \$1; d += \$2 } END { print a, d }")" = "13 12" ] &&
	[ "$(q "select count(distinct run_id) from charge_line where period = '"'2026-11-01'"' and account_id < 7202000000")" = 3 ] &&
	snapshot sharded && diff -u before sharded
'
test_expect_success 'while another bill run holds the lock, bill exits 75' '
	psql -Xq -c "select pg_advisory_lock(hashtext(\$\$sbyt:bill\$\$)), pg_sleep(3)" >/dev/null &
	sleep 1
	sbyt bill --period 2026-11 --branch 01 2>err; rc=$?
	wait
	[ $rc = 75 ] && grep -q "another .bill. run holds the lock" err
'
test_expect_success 'a shard holds its own lock: the same shard waits, another runs' '
	psql -Xq -c "select pg_advisory_lock(hashtext(\$\$sbyt:bill:1/3\$\$)), pg_sleep(3)" >/dev/null &
	sleep 1
	sbyt bill --period 2026-11 --branch 01 --shard 1/3 2>err1; rc1=$?
	sbyt bill --period 2026-11 --branch 01 --shard 0/3 2>err0; rc0=$?
	wait
	[ $rc1 = 75 ] && [ $rc0 = 0 ]
'
test_expect_code 78 'a period without tariffs stops with 78' 'sbyt bill --period 2024-03 2>err'
test_expect_success '... naming the missing rule, and writing nothing' '
	grep -q "no norm for category .urban_gas. on 2024-03-01 in norms.xml" err &&
	[ "$(q "select count(*) from charge_line where period = '"'2024-03-01'"'")" = 0 ] &&
	[ "$(q "select count(*) from period_state where period = '"'2024-03-01'"'")" = 0 ]
'
test_expect_code 64 'a malformed period is a usage error' 'sbyt bill --period 2026-13'
test_expect_code 64 'a malformed shard is a usage error' 'sbyt bill --period 2026-11 --shard 3/3'
test_expect_success 'publish November of branch 01' '
	q "update period_state set state = '"'published'"' where period = '"'2026-11-01'"' and branch = '"'01'"'"
'
test_expect_code 65 'then billing November is refused' 'sbyt bill --period 2026-11 2>err'
test_expect_success '... with the exact message, and nothing changed' '
	grep -q "period 2026-11 of branch 01 is published; corrections go to 2026-12" err &&
	snapshot final && diff -u before final
'
test_done
