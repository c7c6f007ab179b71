#!/bin/sh
# 0543-invoice-pdf: the invoices for payment of a legal entity's advances
# (SPEC 8.2) as PDF a person reads: one ACCOUNT-NUMBER.pdf per invoice in
# the edo and e-mail packages, one print file invoices.pdf in post, read
# back with pdftotext (the supplier's bank, the buyer, the contract, the
# sum, VAT 22 % and the due date worked out by hand), zbarimg (the QR is
# the payload invoices.xml carries), pdffonts (embedded); a re-run gives
# the same bytes.
. "$SBYT_TOP/tests/lib.sh"
OUT="$SBYT_OUT/docs/2026-11/01"
sbyt -q db init

cat > branches.csv <<'EOF'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
EOF
cat > accounts.csv <<'EOF'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000010;01;legal;ООО «Северный ветер»;Тюменская обл., г. Тюмень, ул. Ямская, д. 10;625003;;;;+73452000010;buh@veter.ru;edo;0;2015-12-17
7201000011;01;legal;АО «Без ЭДО»;Тюменская обл., г. Тюмень, ул. Ямская, д. 11;625003;;;;+73452000011;buh@bezedo.ru;edo;0;2015-12-17
7201000013;01;legal;ООО «Почтовый ящик»;Тюменская обл., г. Тюмень, ул. Ямская, д. 13;625003;;;;+73452000013;;post;0;2016-03-01
EOF
cat > contracts.csv <<'EOF'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id;legal_address
7201000010;ЭС-01-000010;2015-12-17;1;standard;7206443087;720601001;;2BE-VETER-0010;625000, г. Тюмень, ул. Республики, д. 1, оф. 10
7201000011;ЭС-01-000011;2015-12-17;1;standard;7214333659;721401001;;;
7201000013;ЭС-01-000013;2016-03-01;1;standard;7203123459;720301001;;;
EOF
for k in branches accounts contracts; do sbyt -q load $k $k.csv || exit 1; done
# November, by hand (6.00 a kWh without VAT, VAT 22 %):
#   7201000010: 1000 kWh = 6000.00 + 1320.00 = 7320.00
#   7201000011:  100 kWh =  600.00 +  132.00 =  732.00
#   7201000013:  500 kWh = 3000.00 +  660.00 = 3660.00
# and the advances of December that billing November sets (30 % due the
# 10th, 40 % due the 25th) with the VAT in them, sum x 22 / 122:
#   7201000010: 2196.00 (VAT 396.00 = 18 x 22), 2928.00 (VAT 528.00 = 24 x 22)
#   7201000011:  219.60 (VAT  39.60), stored due Saturday 2026-12-12 (as a
#               contract's own schedule could set it): the invoice prints
#               the date that counts, Monday 14.12.2026 (Civil Code 193)
#   7201000013: 1098.00 (VAT 198.00 =  9 x 22), 1464.00 (VAT 264.00 = 12 x 22)
psql -Xq <<'EOF' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat, day_from, day_to) VALUES
 (7201000010, '2026-11-01', 1, 'charge', 'price', 1, 1000, 6.00, 732000, 132000, '2026-11-01', '2026-11-30'),
 (7201000011, '2026-11-01', 1, 'charge', 'price', 1, 100, 6.00, 73200, 13200, '2026-11-01', '2026-11-30'),
 (7201000013, '2026-11-01', 1, 'charge', 'price', 1, 500, 6.00, 366000, 66000, '2026-11-01', '2026-11-30');
INSERT INTO period_state (period, branch, state) VALUES ('2026-11-01', '01', 'billed');
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000010, '2026-12-01', 1, 'advance', '2026-12-10', 219600),
 (7201000010, '2026-12-01', 2, 'advance', '2026-12-25', 292800),
 (7201000011, '2026-12-01', 1, 'advance', '2026-12-12', 21960),
 (7201000013, '2026-12-01', 1, 'advance', '2026-12-10', 109800),
 (7201000013, '2026-12-01', 2, 'advance', '2026-12-25', 146400);
EOF
# "2 196,00" -> "2196.00"
plain() { sed 's/\xc2\xa0/ /g; s/\([0-9]\) \([0-9][0-9][0-9]\)/\1\2/g; s/\([0-9]\),\([0-9][0-9]\)\b/\1.\2/g'; }
num() { psql -XtAc "select number from document where account_id = $1 and period = '2026-11-01'"; }

test_expect_success 'docs issues November with the invoices as PDF' '
	sbyt --as-of 2026-12-03 docs --period 2026-11 2>err && cat err &&
	n10=$(num 7201000010) && n11=$(num 7201000011) && n13=$(num 7201000013) &&
	unzip -Z1 "$OUT/edo.zip" | grep "\.pdf$" > got &&
	printf "7201000010-01-2026-12-%s-1.pdf\n7201000010-01-2026-12-%s-2.pdf\n" "$n10" "$n10" > want &&
	diff want got &&
	unzip -Z1 "$OUT/email.zip" | grep -x "7201000011-01-2026-12-$n11-1.pdf" &&
	unzip -Z1 "$OUT/post.zip" | grep -qx invoices.pdf
'
test_expect_success 'the 30 % invoice of 7201000010: bank, parties, contract, sum, VAT, due date' '
	n10=$(num 7201000010) &&
	unzip -p "$OUT/edo.zip" "7201000010-01-2026-12-$n10-1.pdf" > i1.pdf &&
	pdftotext -layout i1.pdf - | plain > i1.txt &&
	grep -q "Счёт на оплату № 01-2026-12-$n10-1 от 03\.12\.2026" i1.txt &&
	grep -q "047102777" i1.txt && grep -q "30101810700000000777" i1.txt &&
	grep -q "40702810667100012345" i1.txt && grep -q "ИНН 7203001235" i1.txt &&
	grep -q "АО «Газпром энергосбыт Тюмень»" i1.txt &&
	grep -q "ООО «Северный ветер», ИНН 7206443087, КПП 720601001" i1.txt &&
	grep -q "Договор энергоснабжения № ЭС-01-000010 от 17\.12\.2015" i1.txt &&
	grep -q "Авансовый платёж (30 %) за электрическую энергию за" i1.txt && grep -q "декабрь 2026 г\." i1.txt &&
	[ "$(grep -c "2196\.00" i1.txt)" -ge 3 ] &&
	grep "В том числе НДС (22 %)" i1.txt | grep -q "396\.00" &&
	grep -q "Оплатить не позднее 10\.12\.2026" i1.txt &&
	[ "$(pdfinfo i1.pdf | sed -n "s/^Pages: *//p")" = 1 ]
'
test_expect_success 'the 40 %: 2928.00, VAT 528.00, due 25.12.2026' '
	n10=$(num 7201000010) &&
	unzip -p "$OUT/edo.zip" "7201000010-01-2026-12-$n10-2.pdf" | pdftotext -layout - - | plain > i2.txt &&
	grep -q "(40 %)" i2.txt && grep -q "2928\.00" i2.txt &&
	grep "НДС (22 %)" i2.txt | grep -q "528\.00" && grep -q "25\.12\.2026" i2.txt
'
test_expect_success 'the QR image decodes to the payload of invoices.xml' '
	unzip -p "$OUT/edo.zip" invoices.xml | grep "advance=\"1\"" |
		sed -n "s/.* qr=\"\([^\"]*\)\".*/\1/p" | sed "s/&quot;/\"/g; s/&amp;/\\&/g" > want.qr &&
	grep -q "Sum=219600" want.qr &&
	pdftoppm -r 200 -png i1.pdf q && zbarimg --raw -q q-1.png > got.qr 2>/dev/null && cmp want.qr got.qr
'
test_expect_success 'every font is embedded' '
	pdffonts i1.pdf > fonts && [ "$(awk "NR > 2" fonts | wc -l)" -ge 1 ] &&
	awk "NR > 2 && \$(NF - 4) != \"yes\" { bad = 1 } END { exit bad }" fonts
'
test_expect_success 'e-mail: 219.60 with VAT 39.60 for the buyer without an EDO id' '
	n11=$(num 7201000011) &&
	unzip -p "$OUT/email.zip" "7201000011-01-2026-12-$n11-1.pdf" | pdftotext -layout - - | plain > e.txt &&
	grep -q "219\.60" e.txt && grep "НДС (22 %)" e.txt | grep -q "39\.60" && grep -q "АО «Без ЭДО»" e.txt &&
	grep -q "Оплатить не позднее 14\.12\.2026" e.txt &&
	unzip -p "$OUT/email.zip" invoices.xml | grep "account=\"7201000011\"" | grep -q "due=\"2026-12-14\""
'
test_expect_success 'post: one print file, the invoices in order, pages in the manifest' '
	n13=$(num 7201000013) &&
	unzip -p "$OUT/post.zip" invoices.pdf > p.pdf &&
	[ "$(pdfinfo p.pdf | sed -n "s/^Pages: *//p")" = 2 ] &&
	pdftotext -f 1 -l 1 -layout p.pdf - | plain > p1.txt && pdftotext -f 2 -l 2 -layout p.pdf - | plain > p2.txt &&
	grep -q "№ 01-2026-12-$n13-1 от" p1.txt && grep -q "1098\.00" p1.txt && grep "НДС" p1.txt | grep -q "198\.00" &&
	grep -q "№ 01-2026-12-$n13-2 от" p2.txt && grep -q "1464\.00" p2.txt && grep "НДС" p2.txt | grep -q "264\.00" &&
	unzip -p "$OUT/post.zip" manifest.xml | grep -q "<Fact name=\"invoice_pages\" value=\"2\"/>" &&
	unzip -p "$OUT/edo.zip" manifest.xml | grep -q "<Fact name=\"invoice_pages\" value=\"2\"/>"
'
test_expect_success 'a re-run gives the same bytes' '
	n10=$(num 7201000010) &&
	sbyt -q --as-of 2026-12-07 docs --period 2026-11 &&
	unzip -p "$OUT/edo.zip" "7201000010-01-2026-12-$n10-1.pdf" | cmp - i1.pdf
'
test_expect_success 'SBYT_DOCS_PDF=0: no invoice PDF, the XML the same' '
	unzip -p "$OUT/edo.zip" invoices.xml > with.xml &&
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-12-07 docs --period 2026-11 &&
	! unzip -Z1 "$OUT/edo.zip" | grep -q "\.pdf$" &&
	unzip -p "$OUT/edo.zip" invoices.xml | cmp - with.xml
'
test_done
