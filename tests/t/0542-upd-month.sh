#!/bin/sh
# 0542-upd-month: the УПД and the advance invoices out of the real monthly
# job (sbyt month --kind legal: bill, then docs) for a legal entity billed
# by calendar month from its closing reading, with the shipped rules.
#
# By hand (rules/prices.xml 2026-11, category 1: 804.3581 kopecks per kWh
# without VAT; rules/vat.xml 22 %; 0410 has the same figures):
#   10,000 -> 11,000 kWh on 11-30: 1,000 kWh x 804.3581 = 804,358.1 -> 8,043.58;
#   VAT 8,043.58 x 22 % = 1,769.5876 -> 1,769.59; with VAT 9,813.17.
# December's advances (rules/billing.xml): 30 % of 9,813.17 = 2,943.951 ->
# 2,943.95 (VAT 22/122 of it: 530.8762 -> 530.88), 40 % = 3,925.268 ->
# 3,925.27 (VAT 707.8355 -> 707.84).
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/fns/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd"
sbyt -q db init

cat > branches.csv <<'EOF'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
EOF
cat > accounts.csv <<'EOF'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000021;01;legal;АО «Тюменский хлеб»;Тюменская обл., г. Тюмень, ул. Мельничная, д. 5;625001;;;;;bread@example.ru;edo;0;2020-01-15
EOF
cat > meters.csv <<'EOF'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7201000021;L21;1;8;2020-01-15;2032-01-15;10000;;
EOF
cat > contracts.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address
7201000021;Д-21;2020-01-15;1;standard;7206443087;720601001;;2BE-BREAD-21;625001, г. Тюмень, ул. Мельничная, д. 5
EOF
for k in branches accounts meters contracts; do sbyt -q load $k $k.csv || exit 1; done
psql -Xq -v ON_ERROR_STOP=1 -c "INSERT INTO reading (account_id, meter, zone, value, taken_on, period,
	channel, source, status) VALUES (7201000021, 'L21', 1, 11000, '2026-11-30', '2026-12-01', 'portal', 'lkk',
	'accepted')" || exit 1

test_expect_success 'month --kind legal bills and issues the documents' '
	sbyt --as-of 2026-12-04 month --period 2026-11 --kind legal 2>err && cat err &&
	[ "$(psql -XtAc "select concat_ws(\$\$ \$\$, volume, amount, vat) from charge_line
		where account_id = 7201000021 and period = \$\$2026-11-01\$\$")" = "1000.000 981317 176959" ]
'
Z="$SBYT_OUT/docs/2026-11/01/edo.zip"
test_expect_success 'the edo package carries one УПД, valid against the official schema' '
	rm -rf x && mkdir x && unzip -q "$Z" "upd/*" -d x && [ "$(ls x/upd | wc -l)" = 1 ] &&
	f=$(ls x/upd/*.xml) && xmllint --noout --schema "$XSD" "$f" &&
	iconv -f CP1251 -t UTF-8 "$f" > u.xml &&
	basename "$f" | grep -Eq "^ON_NSCHFDOPPR_2BE-BREAD-21_2BE-7203001235-720301001-SAMPLE_20261204_[0-9a-f-]{36}\.xml$"
'
test_expect_success 'its line is the bill: 1000 kWh at 8.043581, 8043.58 + VAT 22 % 1769.59 = 9813.17' '
	grep -q "КолТов=\"1000.000\" ЦенаТов=\"8.043581\" СтТовБезНДС=\"8043.58\" НалСт=\"22%\" СтТовУчНал=\"9813.17\"" u.xml &&
	grep -q "<СумНал>1769.59</СумНал>" u.xml &&
	grep -q "ДатаНачПер=\"01.11.2026\" ДатаОконПер=\"30.11.2026\"" u.xml &&
	grep -q "РеквНомерДок=\"Д-21\" РеквДатаДок=\"15.01.2020\"" u.xml &&
	unzip -p "$Z" documents.xml | grep -q "<Accrued charge=\"9813.17\""
'
test_expect_success 'and the invoices of the advances that the bill set' '
	unzip -p "$Z" invoices.xml > inv.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/invoice.xsd" inv.xml &&
	grep -q "advance=\"1\" percent=\"30\" basisPeriod=\"2026-11\" due=\"2026-12-10\" sum=\"2943.95\" vat=\"530.88\"" inv.xml &&
	grep -q "advance=\"2\" percent=\"40\" basisPeriod=\"2026-11\" due=\"2026-12-25\" sum=\"3925.27\" vat=\"707.84\"" inv.xml
'
test_done
