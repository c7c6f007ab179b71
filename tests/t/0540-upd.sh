#!/bin/sh
# 0540-upd: the УПД (FNS format 5.03, СЧФДОП) in the edo packages (SPEC 8.2),
# read back from the zips: the official schema, the file name = ИдФайл,
# windows-1251, a month with two price changes and VAT 22 % worked by hand,
# its totals against the payment document, corrections of a recalculated
# month (two of them), an entrepreneur buyer, a legal entity without an EDO
# id (e-mail, no УПД), byte-identical re-runs.
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/fns/ON_NSCHFDOPPR_1_997_01_05_03_05.xsd"
OUT="$SBYT_OUT/docs"
SELLER_EDO=2BE-7203001235-720301001-SAMPLE   # rules/supplier.xml
sbyt -q db init

cat > branches.csv <<'EOF'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
EOF
cat > accounts.csv <<'EOF'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000010;01;legal;ООО «Северный ветер»;Тюменская обл., г. Тюмень, ул. Ямская, д. 10;625003;;;;+73452000010;buh@veter.ru;edo;0;2015-12-17
7201000011;01;legal;АО «Без ЭДО»;Тюменская обл., г. Тюмень, ул. Ямская, д. 11;625003;;;;+73452000011;buh@bezedo.ru;edo;0;2015-12-17
7201000012;01;legal;ИП Сидоров Пётр Иванович;Тюменская обл., г. Тюмень, ул. Ямская, д. 12;625003;;;;+73452000012;;edo;0;2015-12-17
EOF
# 10 columns for 7201000010 (legal address), 9 for the others: old and
# short files load too (0541).
cat > contracts.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address
7201000010;ЭС-01-000010;2015-12-17;1;standard;7206443087;720601001;;2BE-VETER-0010;625000, г. Тюмень, ул. Республики, д. 1, оф. 10
7201000011;ЭС-01-000011;2015-12-17;1;standard;7214333659;721401001;;;
7201000012;ЭС-01-000012;2016-02-01;1;standard;720612345652;;;2BE-SIDOROV-12;
EOF
for k in branches accounts contracts; do sbyt -q load $k $k.csv || exit 1; done

# October, by hand (price without VAT, VAT 22 %, half-up per line):
#   7201000010: 1000 kWh x 6.00 = 6000.00, VAT 1320.00, 7320.00
#   7201000011:  100 kWh x 6.00 =  600.00, VAT  132.00,  732.00
#   7201000012:  200 kWh x 6.00 = 1200.00, VAT  264.00, 1464.00
psql -Xq <<'EOF' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat, day_from, day_to) VALUES
 (7201000010, '2026-10-01', 1, 'charge', 'price', 1, 1000, 6.00, 732000, 132000, '2026-10-01', '2026-10-31'),
 (7201000011, '2026-10-01', 1, 'charge', 'price', 1, 100, 6.00, 73200, 13200, '2026-10-01', '2026-10-31'),
 (7201000012, '2026-10-01', 1, 'charge', 'price', 1, 200, 6.00, 146400, 26400, '2026-10-01', '2026-10-31');
INSERT INTO period_state (period, branch, state) VALUES ('2026-10-01', '01', 'billed');
EOF

# ex DIR ZIP: the УПД files of ZIP into DIR, each also as DIR/NAME.utf8.
ex() {
	rm -rf "$1" && mkdir -p "$1" && unzip -q -o "$2" 'upd/*' -d "$1" 2>/dev/null
	for f in "$1"/upd/*.xml; do [ -f "$f" ] && iconv -f CP1251 -t UTF-8 "$f" > "$f.utf8"; done
	return 0
}
# upd DIR INN [fix]: the converted УПД of the buyer INN (with fix: the correction).
upd() {
	for f in "$1"/upd/*.utf8; do
		grep -q "ИНН[ЮФ]Л=\"$2\"" "$f" || continue
		if [ "${3:-}" ]; then grep -q '<ИспрДок' "$f" || continue
		else grep -q '<ИспрДок' "$f" && continue; fi
		cat "$f"; return 0
	done
	return 1
}

test_expect_success 'October: docs writes the УПД into the edo package' '
	sbyt --as-of 2026-11-03 docs --period 2026-10 2>err && cat err &&
	ex oct "$OUT/2026-10/01/edo.zip" && [ "$(ls oct/upd/*.xml | wc -l)" = 2 ]
'
test_expect_success 'a legal entity without an EDO id gets its document by e-mail, no УПД' '
	unzip -p "$OUT/2026-10/01/email.zip" documents.xml | grep -q "account=\"7201000011\"" &&
	! unzip -l "$OUT/2026-10/01/email.zip" | grep -q upd/ &&
	! unzip -p "$OUT/2026-10/01/edo.zip" documents.xml | grep -q "account=\"7201000011\"" &&
	! upd oct 7214333659 >/dev/null
'
test_expect_success 'every УПД validates against the official schema' '
	for f in oct/upd/*.xml; do xmllint --noout --schema "$XSD" "$f" || exit 1; done
'
test_expect_success 'windows-1251: declared, and the Cyrillic bytes are not UTF-8' '
	for f in oct/upd/*.xml; do
		head -1 "$f" | grep -qx "<?xml version=\"1.0\" encoding=\"windows-1251\"?>" &&
		! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 &&
		grep -q "Электрическая энергия" "$f.utf8" || exit 1
	done
'
# The file name: ON_NSCHFDOPPR_<receiver>_<sender>_<formation date>_<GUID>,
# the receiver the buyer's EDO id, and ИдФайл = the name without .xml.
test_expect_success 'the file name is as the format requires and equals ИдФайл' '
	for f in oct/upd/*.xml; do
		n=$(basename "$f" .xml)
		echo "$n" | grep -Eqx "ON_NSCHFDOPPR_2BE-(VETER-0010|SIDOROV-12)_${SELLER_EDO}_20261103_[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" &&
		grep -q "<Файл ИдФайл=\"$n\" ВерсФорм=\"5.03\"" "$f.utf8" || exit 1
	done
'
test_expect_success 'October of 7201000010: seller, buyer, contract, one line, totals' '
	upd oct 7206443087 > o10 &&
	grep -q "Функция=\"СЧФДОП\"" o10 && grep -q "КНД=\"1115131\"" o10 &&
	num=$(psql -XtAc "select number from document where account_id = 7201000010 and period = \$\$2026-10-01\$\$") &&
	grep -q "<СвСчФакт НомерДок=\"01-2026-10-$num\" ДатаДок=\"03.11.2026\">" o10 &&
	grep -q "<СвЮЛУч НаимОрг=\"АО «Газпром энергосбыт Тюмень»\" ИННЮЛ=\"7203001235\" КПП=\"720301001\"/>" o10 &&
	grep -q "<СвЮЛУч НаимОрг=\"ООО «Северный ветер»\" ИННЮЛ=\"7206443087\" КПП=\"720601001\"/>" o10 &&
	grep -q "АдрТекст=\"625000, г. Тюмень, ул. Республики, д. 1, оф. 10\"" o10 &&
	grep -q "<ОснПер РеквНаимДок=\"Договор энергоснабжения\" РеквНомерДок=\"ЭС-01-000010\" РеквДатаДок=\"17.12.2015\"/>" o10 &&
	grep -q "ДатаНачПер=\"01.10.2026\" ДатаОконПер=\"31.10.2026\"" o10 &&
	grep -q "<СведТов НомСтр=\"1\" НаимТов=\"Электрическая энергия\" ОКЕИ_Тов=\"245\" НаимЕдИзм=\"кВт·ч\" КолТов=\"1000.000\" ЦенаТов=\"6.00\" СтТовБезНДС=\"6000.00\" НалСт=\"22%\" СтТовУчНал=\"7320.00\">" o10 &&
	grep -q "<ВсегоОпл СтТовБезНДСВсего=\"6000.00\" СтТовУчНалВсего=\"7320.00\"" o10 &&
	[ "$(grep -c "<СведТов " o10)" = 1 ] && ! grep -q "<ИспрДок" o10 &&
	grep -q "<Подписант Должн=\"Начальник отдела по работе с юридическими лицами\" СпосПодтПолном=\"1\">" o10
'
test_expect_success 'and its total equals the payment document total' '
	unzip -p "$OUT/2026-10/01/edo.zip" documents.xml |
		grep -q "account=\"7201000010\" period=\"2026-10\" due=\"[0-9-]*\" total=\"7320.00\""
'
test_expect_success 'an entrepreneur (12-digit INN) is СвИП with his name split' '
	upd oct 720612345652 > o12 &&
	grep -q "<СвИП ИННФЛ=\"720612345652\">" o12 &&
	grep -q "<ФИО Фамилия=\"Сидоров\" Имя=\"Пётр\" Отчество=\"Иванович\"/>" o12 &&
	grep -q "АдрТекст=\"625003, Тюменская обл., г. Тюмень, ул. Ямская, д. 12\"" o12
'

# November, 7201000010: the price changed twice in the month (three day
# ranges; sbyt bills legal entities one price a month, so these lines are
# written here as the supplier would bill them) and October is recalculated
# (+100 kWh at October's 6.00):
#   300 kWh x 6.00 = 1800.00, VAT  396.00, 2196.00
#   400 kWh x 6.50 = 2600.00, VAT  572.00, 3172.00
#   300 kWh x 6.75 = 2025.00, VAT  445.50, 2470.50
#   total 1000 kWh, 6425.00 + VAT 1413.50 = 7838.50 (the УПД of November)
#   recalc +100 kWh x 6.00 = 600.00, VAT 132.00, 732.00
# October corrected: 1100 kWh x 6.00 = 6600.00 + VAT 1452.00 = 8052.00.
# The payment document: 7838.50 + 732.00 = 8570.50 (nothing else owed or paid)
# = November's УПД + (corrected October - October) = 7838.50 + 8052.00 - 7320.00.
psql -Xq <<'EOF' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat, day_from, day_to, of_period) VALUES
 (7201000010, '2026-11-01', 1, 'charge', 'price', 1, 300, 6.00, 219600, 39600, '2026-11-01', '2026-11-10', NULL),
 (7201000010, '2026-11-01', 2, 'charge', 'price', 1, 400, 6.50, 317200, 57200, '2026-11-11', '2026-11-20', NULL),
 (7201000010, '2026-11-01', 3, 'charge', 'price', 1, 300, 6.75, 247050, 44550, '2026-11-21', '2026-11-30', NULL),
 (7201000010, '2026-11-01', 4, 'recalc', 'recalc', 1, 100, 6.00, 73200, 13200, '2026-10-01', '2026-10-31', '2026-10-01'),
 (7201000011, '2026-11-01', 1, 'charge', 'price', 1, 100, 6.00, 73200, 13200, '2026-11-01', '2026-11-30', NULL),
 (7201000011, '2026-11-01', 2, 'recalc', 'recalc', 1, 10, 6.00, 7320, 1320, '2026-10-01', '2026-10-31', '2026-10-01'),
 (7201000012, '2026-11-01', 1, 'charge', 'price', 1, 100, 6.00, 73200, 13200, '2026-11-01', '2026-11-30', NULL);
INSERT INTO period_state (period, branch, state) VALUES ('2026-11-01', '01', 'billed');
-- what billing November sets for 7201000010 and 7201000011 (no e-mail UPD):
-- advances of December, 30 % and 40 % of November's charges with VAT.
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000010, '2026-12-01', 1, 'advance', '2026-12-10', 235155),
 (7201000010, '2026-12-01', 2, 'advance', '2026-12-25', 313540),
 (7201000011, '2026-12-01', 1, 'advance', '2026-12-10', 21960);
EOF
# 7201000011 (e-mail, no EDO id) has October recalculated too (+10 kWh,
# 73.20): its documents go by e-mail, so no УПД and no correction.
test_expect_success 'November: the УПД, and a correction of October' '
	sbyt --as-of 2026-12-03 docs --period 2026-11 2>err && cat err &&
	! unzip -l "$OUT/2026-11/01/email.zip" | grep -q " upd/" &&
	ex nov "$OUT/2026-11/01/edo.zip" && [ "$(ls nov/upd/*.xml | wc -l)" = 3 ] &&
	for f in nov/upd/*.xml; do xmllint --noout --schema "$XSD" "$f" || exit 1; done
'
# Invoices for payment of December's advances, in the package of November's
# document, whatever the channel: 7838.50 x 30 % = 2351.55, VAT 22/122 of it
# = 424.05 (424.0500); x 40 % = 3135.40, VAT 565.40; 7201000011 (e-mail):
# 732.00 x 30 % = 219.60, VAT 39.60.
test_expect_success 'invoices for payment of the advances, valid against xsd/invoice.xsd' '
	unzip -p "$OUT/2026-11/01/edo.zip" invoices.xml > inv-edo.xml &&
	unzip -p "$OUT/2026-11/01/email.zip" invoices.xml > inv-email.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/invoice.xsd" inv-edo.xml inv-email.xml &&
	[ "$(grep -c "<Invoice " inv-edo.xml)" = 2 ] && [ "$(grep -c "<Invoice " inv-email.xml)" = 1 ] &&
	num=$(psql -XtAc "select number from document where account_id = 7201000010 and period = \$\$2026-11-01\$\$") &&
	grep -q "<Invoice number=\"01-2026-12-$num-1\" date=\"2026-12-03\" account=\"7201000010\" period=\"2026-12\" advance=\"1\" percent=\"30\" basisPeriod=\"2026-11\" due=\"2026-12-10\" sum=\"2351.55\" vat=\"424.05\" vatRate=\"22.00\"" inv-edo.xml &&
	grep -q "<Invoice number=\"01-2026-12-$num-2\" .* percent=\"40\" basisPeriod=\"2026-11\" due=\"2026-12-25\" sum=\"3135.40\" vat=\"565.40\"" inv-edo.xml &&
	grep -q "account=\"7201000011\" .* sum=\"219.60\" vat=\"39.60\"" inv-email.xml &&
	grep -q "<Purpose>Аванс 30 % за электрическую энергию за 12.2026 по договору ЭС-01-000010, в т.ч. НДС 22 % 424.05</Purpose>" inv-edo.xml &&
	grep -q "qr=\"ST00012|Name=.*|PersAcc=7201000010|Sum=235155|" inv-edo.xml
'
# invoices.xlsx: a header, the two invoices, the totals row (xlsx.h):
# 2351.55 + 3135.40 = 5486.95, VAT 424.05 + 565.40 = 989.45.
test_expect_success 'the invoices register of each package, and the manifest counts' '
	unzip -p "$OUT/2026-11/01/edo.zip" invoices.xlsx > inv.xlsx &&
	unzip -p inv.xlsx xl/worksheets/sheet1.xml > s.xml &&
	[ "$(grep -o "<row " s.xml | wc -l)" = 4 ] &&
	grep -o "<row r=\"4\".*</row>" s.xml | grep -q "Итого.*<v>5486.95</v>.*<v>989.45</v>" &&
	grep -o "<row r=\"2\".*</row>" s.xml | sed "s|</row>.*||" > r2 &&
	grep -q "<v>2351.55</v>" r2 && grep -q "<v>424.05</v>" r2 && grep -q "<v>30</v>" r2 &&
	grep -o "<row r=\"3\".*</row>" s.xml | grep -q "<v>3135.40\?</v>.*<v>565.40\?</v>" &&
	unzip -p inv.xlsx xl/sharedStrings.xml xl/worksheets/sheet1.xml | grep -q "Срок оплаты" &&
	unzip -p "$OUT/2026-11/01/edo.zip" manifest.xml > man.xml &&
	grep -q "<Fact name=\"upd\" value=\"3\"/>" man.xml &&
	grep -q "<Fact name=\"invoices\" value=\"2\"/>" man.xml &&
	unzip -p "$OUT/2026-11/01/email.zip" manifest.xml | grep -q "<Fact name=\"invoices\" value=\"1\"/>" &&
	grep -q "name=\"invoices.xlsx\"" man.xml
'
test_expect_success 'two price changes: three lines at 6.00, 6.50, 6.75 with VAT 22 %' '
	upd nov 7206443087 > n10 &&
	grep -q "НомСтр=\"1\" .* КолТов=\"300.000\" ЦенаТов=\"6.00\" СтТовБезНДС=\"1800.00\" НалСт=\"22%\" СтТовУчНал=\"2196.00\"" n10 &&
	grep -q "НомСтр=\"2\" .* КолТов=\"400.000\" ЦенаТов=\"6.50\" СтТовБезНДС=\"2600.00\" НалСт=\"22%\" СтТовУчНал=\"3172.00\"" n10 &&
	grep -q "НомСтр=\"3\" .* КолТов=\"300.000\" ЦенаТов=\"6.75\" СтТовБезНДС=\"2025.00\" НалСт=\"22%\" СтТовУчНал=\"2470.50\"" n10 &&
	[ "$(grep -c "<СведТов " n10)" = 3 ] &&
	grep -q "<ВсегоОпл СтТовБезНДСВсего=\"6425.00\" СтТовУчНалВсего=\"7838.50\" КолНеттоВс=\"1000.000\">" n10 &&
	grep -A1 "<СумНалВсего>" n10 | grep -q "<СумНал>1413.50</СумНал>" &&
	grep -q "ДатаДок=\"03.12.2026\"" n10 && ! grep -q "<ИспрДок" n10
'
test_expect_success 'its totals equal the payment document (charges, and with the correction the total)' '
	unzip -p "$OUT/2026-11/01/edo.zip" documents.xml |
		awk "/account=\"7201000010\"/,/<\/PaymentDocument>/" > d10 &&
	grep -q "total=\"8570.50\"" d10 && grep -q "<Accrued charge=\"7838.50\" recalc=\"732.00\"" d10 &&
	upd nov 7206443087 fix > c10 &&
	t=$(sed -n "s/.*СтТовУчНалВсего=\"\([0-9.]*\)\".*/\1/p" n10) &&
	c=$(sed -n "s/.*СтТовУчНалВсего=\"\([0-9.]*\)\".*/\1/p" c10) &&
	o=$(sed -n "s/.*СтТовУчНалВсего=\"\([0-9.]*\)\".*/\1/p" o10) &&
	[ "$(awk -v t="$t" -v c="$c" -v o="$o" "BEGIN { printf \"%.2f\", t + c - o }")" = 8570.50 ]
'
test_expect_success 'the correction: October number and date, НомИспр 1 of 03.12.2026, 1100 kWh' '
	num=$(psql -XtAc "select number from document where account_id = 7201000010 and period = \$\$2026-10-01\$\$") &&
	grep -q "<СвСчФакт НомерДок=\"01-2026-10-$num\" ДатаДок=\"03.11.2026\">" c10 &&
	grep -q "<ИспрДок НомИспр=\"1\" ДатаИспр=\"03.12.2026\"/>" c10 &&
	grep -q "КолТов=\"1100.000\" ЦенаТов=\"6.00\" СтТовБезНДС=\"6600.00\" НалСт=\"22%\" СтТовУчНал=\"8052.00\"" c10 &&
	grep -q "ДатаНачПер=\"01.10.2026\" ДатаОконПер=\"31.10.2026\"" c10 &&
	basename "$(grep -l "<ИспрДок" nov/upd/*.utf8)" .xml.utf8 | grep -q "_20261203_"
'
test_expect_success 'a re-run gives byte-identical УПД files and invoices' '
	(cd nov/upd && sha256sum *.xml) > sums1 && sha256sum inv-edo.xml inv-email.xml > isums1 &&
	sbyt --as-of 2026-12-07 docs --period 2026-11 2>err && cat err &&
	ex nov2 "$OUT/2026-11/01/edo.zip" && (cd nov2/upd && sha256sum *.xml) > sums2 &&
	diff sums1 sums2 && [ "$(wc -l < sums2)" = 3 ] &&
	unzip -p "$OUT/2026-11/01/edo.zip" invoices.xml > inv-edo.xml &&
	unzip -p "$OUT/2026-11/01/email.zip" invoices.xml > inv-email.xml &&
	sha256sum inv-edo.xml inv-email.xml | diff isums1 -
'
test_expect_success 'and so does October re-issued after it' '
	(cd oct/upd && sha256sum *.xml) > osums1 &&
	sbyt --as-of 2026-12-07 docs --period 2026-10 2>err &&
	ex oct2 "$OUT/2026-10/01/edo.zip" && (cd oct2/upd && sha256sum *.xml) | diff osums1 -
'

# December recalculates October again (+50 kWh): correction 2 of October,
# 1150 kWh x 6.00 = 6900.00 + VAT 1518.00 = 8418.00.
psql -Xq <<'EOF' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat, day_from, day_to, of_period) VALUES
 (7201000010, '2026-12-01', 1, 'charge', 'price', 1, 500, 6.00, 366000, 66000, '2026-12-01', '2026-12-31', NULL),
 (7201000010, '2026-12-01', 2, 'recalc', 'recalc', 1, 50, 6.00, 36600, 6600, '2026-10-01', '2026-10-31', '2026-10-01');
INSERT INTO period_state (period, branch, state) VALUES ('2026-12-01', '01', 'billed');
EOF
test_expect_success 'a second recalculation gives correction 2 with both recalculations' '
	sbyt --as-of 2027-01-05 docs --period 2026-12 2>err && cat err &&
	ex dec "$OUT/2026-12/01/edo.zip" && [ "$(ls dec/upd/*.xml | wc -l)" = 2 ] &&
	for f in dec/upd/*.xml; do xmllint --noout --schema "$XSD" "$f" || exit 1; done &&
	upd dec 7206443087 fix > c2 &&
	grep -q "<ИспрДок НомИспр=\"2\" ДатаИспр=\"05.01.2027\"/>" c2 &&
	grep -q "КолТов=\"1150.000\" ЦенаТов=\"6.00\" СтТовБезНДС=\"6900.00\" НалСт=\"22%\" СтТовУчНал=\"8418.00\"" c2
'
# A branch with 40 legal entities on edo: more files than a package's first
# 32 entries, every one listed in the manifest with its SHA-256.
{
	echo "code;name;address;phone"; echo "02;Ишимское МРО;627750, г. Ишим, ул. Ленина, д. 58;+73455120200"
} > b2.csv
awk 'BEGIN {
	print "account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on" > "a2.csv"
	print "account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id" > "c2.csv"
	split("2 4 10 3 5 9 4 6 8", w, " ")
	for (i = 1; i <= 40; i++) {
		acc = sprintf("72020000%02d", i); inn = sprintf("720500%03d", i); s = 0
		for (k = 1; k <= 9; k++) s += substr(inn, k, 1) * w[k]
		inn = inn (s % 11 % 10)
		printf "%s;02;legal;ООО «Ишим-%d»;г. Ишим, ул. Ленина, д. %d;627750;;;;;;edo;0;2015-12-17\n", acc, i, i > "a2.csv"
		printf "%s;ЭС-02-%d;2015-12-17;1;standard;%s;720501001;;2BE-ISHIM-%02d\n", acc, i, inn, i > "c2.csv"
	}
}'
test_expect_success 'a package with 40 УПД files (past 32 entries) lists each in its manifest' '
	sbyt -q load branches b2.csv && sbyt -q load accounts a2.csv && sbyt -q load contracts c2.csv &&
	psql -Xqc "INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat)
		SELECT account_id, \$\$2026-11-01\$\$, 1, \$\$charge\$\$, \$\$price\$\$, 1, 100, 6.00, 73200, 13200
		FROM account WHERE branch = \$\$02\$\$;
		INSERT INTO period_state (period, branch, state) VALUES (\$\$2026-11-01\$\$, \$\$02\$\$, \$\$billed\$\$)" &&
	sbyt --as-of 2026-12-03 docs --period 2026-11 --branch 02 2>err && cat err &&
	ex b2 "$OUT/2026-11/02/edo.zip" && [ "$(ls b2/upd/*.xml | wc -l)" = 40 ] &&
	unzip -p "$OUT/2026-11/02/edo.zip" manifest.xml > m2 &&
	[ "$(grep -c "<Entry name=\"upd/ON_NSCHFDOPPR_2BE-ISHIM-" m2)" = 40 ] &&
	grep -q "<Fact name=\"upd\" value=\"40\"/>" m2 &&
	f=$(ls b2/upd/*.xml | tail -1) && n=$(basename "$f") &&
	grep -q "<Entry name=\"upd/$n\" bytes=\"$(stat -c %s "$f")\" sha256=\"$(sha256sum < "$f" | cut -d" " -f1)\"/>" m2 &&
	for f in b2/upd/*.xml; do xmllint --noout --schema "$XSD" "$f" || exit 1; done
'
# Rules without the Edo block: an edo document cannot get its УПД (exit 78).
cp -R "$SBYT_TOP/rules" noedo && sed -i "/<Edo>/,/<\/Edo>/d" noedo/supplier.xml
test_expect_code 78 'without the Edo block in rules/supplier.xml an edo document is refused' \
	'sbyt --rules "$T/noedo" --as-of 2026-12-03 docs --period 2026-11 --branch 02 2>err'
test_expect_success 'naming the file and what to add' '
	cat err && grep -q "supplier.xml. has no Edo block" err &&
	xmllint --noout --schema noedo/schema/supplier.xsd noedo/supplier.xml
'
test_done
