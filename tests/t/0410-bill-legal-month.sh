#!/bin/sh
# 0410-bill-legal-month: legal entities billed by calendar month (SPEC 7),
# the readings day (rules/billing.xml, contracts.csv readings_day), the
# households' window from its first day, and `month --kind` billing each
# kind when its readings are in.
#
# Figures (shipped rules/, November 2026): households urban_gas single rate
# 3.34 roubles per kWh (band 1); legal price category 1 804.3581 kopecks per
# kWh in 2026-11 and 810.0577 in 2026-12, VAT 22 %.  Every amount = kWh x
# price rounded half-up to kopecks, then VAT on that, rounded.
#   1,000 kWh x 804.3581 = 804,358.1 -> 804,358; VAT 176,958.76 -> 176,959;
#   amount 981,317 = 9,813.17.
#   1,500 kWh x 810.0577 = 1,215,086.55 -> 1,215,087; VAT 267,319.14 ->
#   267,319; amount 1,482,406 = 14,824.06.
# Calendar: November 2026 has 30 days; readings day 2 (the default) makes
# 11-30, 12-01 and 12-02 closing readings of November and 12-03 an
# intermediate one; with readings day 3, 12-03 closes November too.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init

q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
lines() { # ACC YYYY-MM: kind basis zone volume tariff amount vat
	q "select concat_ws(' ', kind, basis, zone, volume, tariff, amount, vat)
	   from charge_line where account_id = $1 and period = '$2-01' order by line_no"
}
want() { cat > "want.$1"; }
check() { n=$1; shift; "$@" > "got.$n" && diff -u "want.$n" "got.$n"; }

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
a() { # account kind category delivery
	echo "$1;01;$2;Абонент $1;г. Тюмень, ул. Мира, д. ${1#72010000};625000;$3;1;1;;;$4;0;2020-01-15"
}
{
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	a 7201000001 individual urban_gas post   # H1 only a reading of the 14th
	a 7201000002 individual urban_gas post   # H2 the 14th and the window
	a 7201000003 individual urban_gas post   # H3 the 27th before, and the 25th
	a 7201000011 legal '' edo                # L1 11-30
	a 7201000012 legal '' edo                # L2 12-01
	a 7201000013 legal '' edo                # L3 11-30 and 12-02
	a 7201000014 legal '' edo                # L4 12-03: intermediate
	a 7201000015 legal '' edo                # L5 12-03, readings day 3
} > accounts.csv
{
	echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
	for n in 01 02 03; do echo "72010000$n;H$n;1;6;2020-01-15;2032-01-15;1000;;"; done
	for n in 11 12 13 14 15; do echo "72010000$n;L$n;1;8;2020-01-15;2032-01-15;10000;;"; done
} > meters.csv
# The new trailing column readings_day: empty is the rules' default (2).
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day
7201000011;Д-11;2020-01-15;1;standard;7202123456;720201001;
7201000012;Д-12;2020-01-15;1;standard;7202123456;720201001;
7201000013;Д-13;2020-01-15;1;standard;7202123456;720201001;
7201000014;Д-14;2020-01-15;1;standard;7202123456;720201001;
7201000015;Д-15;2020-01-15;1;standard;7202123456;720201001;3
CSV

cat > days.sql <<'SQL'
select account_id || ':' || coalesce(readings_day::text, '-') from contract order by 1;
SQL
want days <<'E'
7201000011:-
7201000012:-
7201000013:-
7201000014:-
7201000015:3
E
test_expect_success 'master data loads, contracts with the readings_day column' '
	sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load meters meters.csv && sbyt -q load contracts contracts.csv &&
	psql -XtAq -f days.sql > got.days && diff -u want.days got.days
'
cat > bad-contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day
7201000011;Д-11;2020-01-15;1;standard;7202123456;720201001;0
7201000012;Д-12;2020-01-15;1;standard;7202123456;720201001;28
7201000013;Д-13;2020-01-15;1;standard;7202123456;720201001;2x
7201000014;Д-14;2020-01-15;1;standard;7202123456;720201001
CSV
test_expect_code 65 'a readings day outside 1..27 or a short line is refused' '
	sbyt load contracts bad-contracts.csv 2>err
'
test_expect_success '... every bad line named, nothing loaded' '
	grep -q "bad-contracts.csv:2: readings_day must be a whole number from 1 to 27" err &&
	grep -q "bad-contracts.csv:3: readings_day must be a whole number from 1 to 27" err &&
	grep -q "bad-contracts.csv:4: readings_day must be a whole number from 1 to 27" err &&
	grep -q "bad-contracts.csv:5: 7 fields, expected 8" err &&
	[ "$(q "select readings_day from contract where account_id = 7201000015")" = 3 ]
'
# An old file, without the column: it loads, and keeps the days stored.
sed 's/;[0-9]*$//; 1s/;readings_day$//' contracts.csv | sed 's/;$//' > old-contracts.csv
test_expect_success 'an old contracts file without readings_day still loads' '
	head -1 old-contracts.csv | grep -qx "account;contract;signed_on;price_category;payment_scheme;inn;kpp" &&
	sbyt -q load contracts old-contracts.csv &&
	[ "$(q "select readings_day from contract where account_id = 7201000015")" = 3 ]
'
test_expect_code 65 'a header cut inside the required columns is refused' '
	cut -d";" -f1-6 old-contracts.csv > cut.csv && sbyt load contracts cut.csv 2>err &&
	grep -q "header must be" err
'

# rd ACC METER VALUE TAKEN: an accepted reading, with the period ingest
# gives every reading (the households' window rule: after the 25th, the
# next month); bill reads a legal entity's month from the date itself.
rd() {
	echo "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	      VALUES ($1, '$2', 1, $3, '$4', (date_trunc('month', DATE '$4') + CASE WHEN
	      extract(day FROM DATE '$4') > 25 THEN interval '1 month' ELSE interval '0' END)::date,
	      'portal', 'lkk', 'accepted');"
}
{
	rd 7201000001 H01 1100 2026-11-14
	rd 7201000002 H02 1300 2026-11-14
	rd 7201000002 H02 1200 2026-11-20
	rd 7201000003 H03 1050 2026-10-27
	rd 7201000003 H03 1150 2026-11-25
	rd 7201000003 H03 1400 2026-11-26
	rd 7201000011 L11 11000 2026-11-30
	rd 7201000012 L12 11000 2026-12-01
	rd 7201000013 L13 10800 2026-11-30
	rd 7201000013 L13 11000 2026-12-02
	rd 7201000014 L14 11000 2026-12-03
	rd 7201000015 L15 11000 2026-12-03
} > r.sql
test_expect_success 'the readings' 'psql -Xq -v ON_ERROR_STOP=1 -f r.sql'

# ---- month --kind: each kind when its readings are in ----
test_expect_success 'on the 25th nothing is in yet: month bills nothing' '
	sbyt --as-of 2026-11-25 month --period 2026-11 2>err &&
	grep -q "individual readings of 2026-11 are in after 2026-11-25: not billed yet" err &&
	grep -q "legal readings of 2026-11 are in after 2026-12-03: not billed yet" err &&
	grep -qx "sbyt month: period=2026-11 accounts=0 documents=0 packages=0 total=0.00 billed=none refused=0" err &&
	[ "$(q "select count(*) from charge_line")" = 0 ]
'
test_expect_success 'on the 26th, month --kind legal still bills nothing' '
	sbyt --as-of 2026-11-26 month --period 2026-11 --kind legal 2>err &&
	grep -q "billed=none" err && [ "$(q "select count(*) from charge_line")" = 0 ]
'
# H1: only a reading of the 14th, before the window: it counts, 1,000 ->
#   1,100 = 100 kWh x 3.34 = 334.00.
# H2: the 14th (1,300) and the 20th in the window (1,200): the window's
#   counts, 1,000 -> 1,200 = 200 kWh x 3.34 = 668.00; the 14th is kept.
# H3: 10-27 (November's by the window rule, before the window) 1,050 and
#   11-25 (the window's last day) 1,150: 150 kWh x 3.34 = 501.00; 11-26's
#   1,400 is December's.
# Households 334.00 + 668.00 + 501.00 = 1,503.00; the legal entities wait.
test_expect_success 'on the 26th, month bills the households only' '
	sbyt --as-of 2026-11-26 month --period 2026-11 2>err &&
	grep -q "legal readings of 2026-11 are in after 2026-12-03" err &&
	grep -qx "sbyt month: period=2026-11 accounts=3 documents=3 packages=1 total=1503.00 billed=individual refused=0" err &&
	[ "$(q "select count(*) from charge_line where account_id > 7201000010")" = 0 ] &&
	[ "$(q "select state from period_state")" = published ]
'
want H1 <<'E'
charge actual 1 100.000 3.340000 33400 0
E
want H2 <<'E'
charge actual 1 200.000 3.340000 66800 0
E
want H3 <<'E'
charge actual 1 150.000 3.340000 50100 0
E
test_expect_success 'H1: a reading of the 14th counts without one of the window' 'check H1 lines 7201000001 2026-11'
test_expect_success 'H2: the window'"'"'s reading counts, not the 14th'"'"'s' '
	check H2 lines 7201000002 2026-11 &&
	[ "$(q "select count(*) from reading where account_id = 7201000002")" = 2 ]
'
test_expect_success 'H3: a reading of the 27th before, the 25th in the window' 'check H3 lines 7201000003 2026-11'
q "select number || ' ' || account_id from document order by number" > docs.households
test_expect_success 'the households'"'"' documents are numbered 1-3' '
	[ "$(cut -d" " -f1 docs.households | tr "\n" " ")" = "1 2 3 " ]
'
test_expect_code 65 'bill --kind individual of the published period is refused' '
	sbyt bill --period 2026-11 --kind individual 2>err
'
test_expect_success '... as published for individual' '
	grep -q "period 2026-11 of branch 01 is published for individual; corrections go to 2026-12" err
'
test_expect_code 65 'bill without --kind is refused too' 'sbyt bill --period 2026-11 2>err'

# The legal entities' readings day is the 2nd, but L5's contract says the
# 3rd: the latest readings day is 12-03, so their month is in from 12-04.
test_expect_success 'on 12-03 (L5 may still send its readings), legal is not in' '
	sbyt --as-of 2026-12-03 month --period 2026-11 --kind legal 2>err &&
	grep -q "legal readings of 2026-11 are in after 2026-12-03: not billed yet" err &&
	grep -q "billed=none" err
'
# L1 11-30, L2 12-01, L3 12-02 (its 11-30 reading too, the later counts),
# L5 12-03 with readings day 3: each closes November, 10,000 -> 11,000 =
# 1,000 kWh = 9,813.17.  L4's 12-03 reading is intermediate with readings
# day 2: November has no closing reading and no history (no estimate), so
# L4 is refused.  Legal total 4 x 9,813.17 = 39,252.68.
test_expect_success 'on 12-04, month --kind legal bills the legal entities (L4 refused: exit 65)' '
	sbyt --as-of 2026-12-04 month --period 2026-11 --kind legal 2>err; [ $? = 65 ] &&
	grep -q "7201000014.*calculation method" err &&
	grep -q "^sbyt month: period=2026-11 accounts=5 .* billed=legal refused=1$" err &&
	[ "$(q "select sum(amount) from charge_line where account_id > 7201000010")" = 3925268 ]
'
want L <<'E'
charge actual 1 1000.000 8.043581 981317 176959
E
for n in 11 12 13 15; do
	test_expect_success "L${n#1}: a reading that closes November, 9,813.17" "check L lines 72010000$n 2026-11"
done
test_expect_success 'L4: an intermediate reading of 12-03 closes nothing' '
	[ "$(q "select count(*) from charge_line where account_id = 7201000014")" = 0 ] &&
	[ "$(q "select count(*) from reading where account_id = 7201000014")" = 1 ]
'
test_expect_success 'the households'"'"' documents keep their numbers; the legal ones follow' '
	q "select number || '"' '"' || account_id from document where account_id < 7201000010 order by number" > now &&
	diff -u docs.households now &&
	[ "$(q "select string_agg(number::text, '"' '"' order by number) from document where account_id > 7201000010")" = "4 5 6 7" ] &&
	[ "$(q "select state from period_state")" = published ]
'
test_expect_success 'no deadline breach: legal documents by the 5th' '
	[ "$(q "select count(*) from run where command = '"'month'"' and breach is not null")" = 0 ]
'
test_expect_code 65 'bill --kind legal is refused once their documents are out' '
	sbyt bill --period 2026-11 --kind legal 2>err
'
test_expect_success '... as published for legal' 'grep -q "is published for legal" err'
# The re-run bills only the accounts without a document: L4, refused again
# (exit 65, the others completed); nothing new is issued.
test_expect_success 'month --kind legal on the 6th re-issues, and records the breach' '
	sbyt --as-of 2026-12-06 month --period 2026-11 --kind legal 2>err; [ $? = 65 ] &&
	grep -q "billed=none skipped=1 refused=1$" err && grep -q "deadline breach" err &&
	q "select deadline || '"' '"' || breach from run where breach is not null" > br &&
	grep -q "^2026-12-05 the month job for 2026-11 (legal) finished on 2026-12-06" br
'

# December: L4's 2027-01-01 reading closes December; its 12-03 reading is
# not a previous value (it closes no month): 10,000 -> 11,500 = 1,500 kWh x
# 810.0577 = 14,824.06.
test_expect_success 'December: L4 from its initial value, the 12-03 reading skipped' '
	rd 7201000014 L14 11500 2027-01-01 > r12.sql && psql -Xq -v ON_ERROR_STOP=1 -f r12.sql &&
	sbyt -q --as-of 2027-01-04 bill --period 2026-12 --kind legal &&
	[ "$(lines 7201000014 2026-12)" = "charge actual 1 1500.000 8.100577 1482406 267319" ] &&
	[ "$(q "select count(*) from charge_line where period = '"'2026-12-01'"' and account_id < 7201000010")" = 0 ]
'
test_done
