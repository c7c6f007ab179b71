#!/bin/sh
# 0333-docs-readings-billed: the payment document shows exactly the readings
# the bill used (SPEC 8: previous, current and volume per zone), for a legal
# entity billed by calendar month (SPEC 7: the reading at 00:00 of the 1st,
# sent by the contract's readings day) and for a household (the 15-25
# window), not readings chosen again by the period ingest stored.
#
# Ingest stores every reading under the households' window rule (after the
# 25th: the next month), so a legal entity's closing readings of November
# dated 11-30..12-02 are all stored as December's, and the October closing
# reading of 10-31 as November's: choosing by the stored period would print
# October's reading as November's current one and no current at all.
#
# Figures (shipped rules/): legal price category 1, 798.6585 kop/kWh in
# 2026-10, 804.3581 in 2026-11, VAT 22 %; households urban_gas 3.34 /kWh.
#   L1 7201000011, readings day 2 (the default), meter initial 10,000:
#     10-31 10,400 closes October: 400 kWh.
#     11-30 11,000, 12-01 11,010, 12-02 11,020 close November (the last
#     day of the month up to the readings day), the latest taken counts:
#     12-02's 11,020; 12-03 11,050 is an intermediate reading.
#     November: 11,020 - 10,400 = 620 kWh x 804.3581 = 498,702.022 ->
#     498,702 kop; VAT 109,714.44 -> 109,714; 608,416 = 6,084.16.
#   L2 7201000012, readings day 2, initial 10,000: 10-31 10,500 closes
#     October (500 kWh); 11-15 10,700 intermediate; 12-01 11,000 closes
#     November: 11,000 - 10,500 = 500 kWh x 804.3581 = 402,179.05 ->
#     402,179; VAT 88,479.38 -> 88,479; 490,658 = 4,906.58.
#   H1 7201000001, household, initial 1,000: 10-20 1,100 (October);
#     11-14 1,300 (before the window), 11-20 1,200 (in it: counts), 11-26
#     1,400 (December's): November 1,200 - 1,100 = 100 kWh x 3.34 = 334.00.
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/docs.xsd"
OUT="$SBYT_OUT/docs/2026-11"
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
cat > accounts.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000001;01;individual;Абонент Один;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;1;1;;;post;0;2020-01-15
7201000011;01;legal;ООО «Первое»;г. Тюмень, ул. Мира, д. 11;625000;;;;;;post;0;2020-01-15
7201000012;01;legal;ООО «Второе»;г. Тюмень, ул. Мира, д. 12;625000;;;;;;post;0;2020-01-15
CSV
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000001;H01;1;6;2020-01-15;2032-01-15;1000;;
7201000011;L11;1;8;2020-01-15;2032-01-15;10000;;
7201000012;L12;1;8;2020-01-15;2032-01-15;10000;;
CSV
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day
7201000011;Д-11;2020-01-15;1;standard;7202123456;720201001;
7201000012;Д-12;2020-01-15;1;standard;7202123456;720201001;
CSV
test_expect_success 'master data loads' '
	for k in branches accounts meters contracts; do sbyt -q load $k $k.csv || exit 1; done
'
# rd ACC METER VALUE TAKEN: an accepted reading with the period ingest
# gives it (the households' window rule: after the 25th, the next month).
rd() {
	echo "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	      VALUES ($1, '$2', 1, $3, '$4', (date_trunc('month', DATE '$4') + CASE WHEN
	      extract(day FROM DATE '$4') > 25 THEN interval '1 month' ELSE interval '0' END)::date,
	      'portal', 'lkk', 'accepted');"
}
{
	rd 7201000001 H01 1100 2026-10-20
	rd 7201000001 H01 1300 2026-11-14
	rd 7201000001 H01 1200 2026-11-20
	rd 7201000001 H01 1400 2026-11-26
	rd 7201000011 L11 10400 2026-10-31
	rd 7201000011 L11 11000 2026-11-30
	rd 7201000011 L11 11010 2026-12-01
	rd 7201000011 L11 11020 2026-12-02
	rd 7201000011 L11 11050 2026-12-03
	rd 7201000012 L12 10500 2026-10-31
	rd 7201000012 L12 10700 2026-11-15
	rd 7201000012 L12 11000 2026-12-01
} > r.sql
test_expect_success 'the readings, stored under the window rule' '
	psql -Xq -v ON_ERROR_STOP=1 -f r.sql &&
	[ "$(psql -XtAc "select count(*) from reading where account_id = 7201000011 and period = DATE \$\$2026-12-01\$\$")" = 4 ]
'
test_expect_success 'October and November billed and published, each kind when its readings are in' '
	sbyt -q --as-of 2026-10-26 month --period 2026-10 --kind individual &&
	sbyt -q --as-of 2026-11-03 month --period 2026-10 --kind legal &&
	sbyt -q --as-of 2026-11-26 month --period 2026-11 --kind individual &&
	sbyt -q --as-of 2026-12-04 month --period 2026-11 --kind legal &&
	[ "$(psql -XtAc "select count(*) from document where period = DATE \$\$2026-11-01\$\$")" = 3 ]
'
# doc ACCOUNT: the account's November document, one element per line.
doc() {
	unzip -p "$OUT/01/post.zip" documents.xml |
		awk -v a="$1" '/<PaymentDocument / { on = index($0, "account=\"" a "\"") > 0 } on { print } /<\/PaymentDocument>/ { on = 0 }'
}
test_expect_success 'documents.xml validates against xsd/docs.xsd' '
	unzip -p "$OUT/01/post.zip" documents.xml > nov.xml && xmllint --noout --schema "$XSD" nov.xml
'
test_expect_success 'L1: 12-02'"'"'s reading, from October'"'"'s 10-31 reading; not 12-03'"'"'s' '
	doc 7201000011 > l1 &&
	grep -q "<Reading meter=\"L11\" zone=\"1\" previous=\"10400.000\" current=\"11020.000\"/>" l1 &&
	grep -q "<Line kind=\"charge\" zone=\"1\" volume=\"620.000\" tariff=\"8.043581\" amount=\"6084.16\" vat=\"1097.14\"/>" l1 &&
	! grep -q "11050" l1
'
test_expect_success 'L2: 12-01'"'"'s reading, from 10-31 (stored as November'"'"'s), not the intermediate 11-15' '
	doc 7201000012 > l2 &&
	grep -q "<Reading meter=\"L12\" zone=\"1\" previous=\"10500.000\" current=\"11000.000\"/>" l2 &&
	grep -q "<Line kind=\"charge\" zone=\"1\" volume=\"500.000\" tariff=\"8.043581\" amount=\"4906.58\" vat=\"884.79\"/>" l2
'
test_expect_success 'H1: the window'"'"'s 11-20 reading, from October'"'"'s' '
	doc 7201000001 > h1 &&
	grep -q "<Reading meter=\"H01\" zone=\"1\" previous=\"1100.000\" current=\"1200.000\"/>" h1 &&
	grep -q "<Line kind=\"charge\" zone=\"1\" band=\"1\" volume=\"100.000\" tariff=\"3.34\" amount=\"334.00\"/>" h1
'
# Independently of the figures above: on every document the charge's
# volume is current - previous of the readings it shows.
test_expect_success 'on every document, volume = current - previous' '
	awk -F"\"" "
		/<PaymentDocument / { acc = \$4 }
		/<Reading / { for (i = 1; i < NF; i++) { if (\$i ~ /previous=\$/) p = \$(i + 1); if (\$i ~ /current=\$/) c = \$(i + 1) } }
		/<Line kind=\"charge\"/ { for (i = 1; i < NF; i++) if (\$i ~ /volume=\$/) v = \$(i + 1)
			if (sprintf(\"%.3f\", c - p) != v) { print acc, p, c, v; bad = 1 } n++ }
		END { exit bad || n != 3 }" nov.xml
'
test_expect_success 'the consumption rows keep where the volume starts and ends' '
	psql -XtAc "select account_id, start_t1, reading_t1, volume_t1 from consumption
		where period = DATE \$\$2026-11-01\$\$ order by account_id" > cons &&
	printf "%s\n" "7201000001|1100.000|1200.000|100.000" "7201000011|10400.000|11020.000|620.000" \
		"7201000012|10500.000|11000.000|500.000" | diff - cons
'
# The PDF a person reads: the meter's row of the readings table, zone Т1,
# previous, current and the volume drawn beside them.
test_expect_success 'L1'"'"'s PDF shows the readings the bill used and their difference' '
	sbyt -q docs render --account 7201000011 --period 2026-11 --out l1.pdf >/dev/null &&
	pdftotext -layout l1.pdf l1.txt &&
	grep -Eq "^L11 +Т1 +10400 +11020 +620 " l1.txt && ! grep -q "11050" l1.txt
'
test_done
