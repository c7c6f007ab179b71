#!/bin/sh
# 0332-docs-due-moved: the payment document prints the due date the law
# counts (Civil Code art. 193: a due date on a day off is the next working
# day), the same one the debt and the penalty use, in documents.xml, the PDF
# and the register; a document issued before with the schedule's date is
# re-issued as it was.
#
# The production calendar (rules/calendar/ru-2024.xml, ru-2026.xml), by hand:
#   2026-10-10 Saturday, 10-11 Sunday          -> Monday    2026-10-12
#   2026-05-10 Sunday; 05-11 Monday a day off transferred from Saturday
#     05-09 (Victory Day, Labour Code art. 112) -> Tuesday   2026-05-12
#   2026-07-18 Saturday, 07-19 Sunday          -> Monday    2026-07-20
#   2024-05-10 Friday, a day off transferred from Saturday 01-06 (Decree
#     of 10.08.2023 No 1314); 05-11 Saturday, 05-12 Sunday -> Monday 2024-05-13
#   2026-11-10 Tuesday, a working day          -> stays     2026-11-10
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/docs.xsd"
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменское МРО;625048, г. Тюмень, ул. Холодильная, д. 136;+73452540100
CSV
cat > accounts.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000001;01;individual;Смирнова Анна Петровна;г. Тюмень, ул. Малыгина, д. 1, кв. 1;625003;urban_gas;1;1;;;post;0;2015-12-17
7201000002;01;individual;Пономарёв Олег Ильич;г. Тюмень, ул. Малыгина, д. 2, кв. 2;625003;urban_gas;1;1;;;post;0;2015-12-17
7201000003;01;legal;ООО «Ромашка»;г. Тюмень, ул. Ямская, д. 2, оф. 3;625003;;;;;;edo;0;2015-12-17
7201000004;01;individual;Краснова Вера Ивановна;г. Тюмень, ул. Малыгина, д. 4, кв. 4;625003;urban_gas;1;1;;;post;0;2015-12-17
7201000005;01;individual;Орлов Иван Сергеевич;г. Тюмень, ул. Малыгина, д. 5, кв. 5;625003;urban_gas;1;1;;;post;0;2015-12-17
CSV
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id
7201000003;ЭС-01-000003;2007-07-23;1;standard;7206443087;720601001;;2BE-0332-ROMASHKA
CSV
test_expect_success 'master data loads' '
	for k in branches accounts contracts; do sbyt -q load $k $k.csv || exit 1; done
'
# One period per account, as bill leaves it (lines and obligations at the
# schedule's dates), nothing paid except the legal entity's advances:
#   0001 2026-09  1000.00 due 2026-10-10
#   0002 2026-04   500.00 due 2026-05-10
#   0003 2026-06  6000.00 + VAT 22 % 1320.00 = 7320.00: 30 % 2196.00 due
#        06-10 (Wed) paid 06-09, 40 % 2928.00 due 06-25 (Thu) paid 06-24,
#        the balance 2196.00 due 07-18: total 7320.00 - 5124.00 = 2196.00
#   0004 2024-04   300.00 due 2024-05-10
#   0005 2026-10   200.00 due 2026-11-10
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat) VALUES
 (7201000001, '2026-09-01', 1, 'charge', 'norm', 1, 1, 333.333, 3.00, 100000, 0),
 (7201000002, '2026-04-01', 1, 'charge', 'norm', 1, 1, 166.667, 3.00, 50000, 0),
 (7201000003, '2026-06-01', 1, 'charge', 'price', 1, NULL, 1000, 6.00, 732000, 132000),
 (7201000004, '2024-04-01', 1, 'charge', 'norm', 1, 1, 100, 3.00, 30000, 0),
 (7201000005, '2026-10-01', 1, 'charge', 'norm', 1, 1, 66.667, 3.00, 20000, 0);
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000001, '2026-09-01', 10, 'charge', '2026-10-10', 100000),
 (7201000002, '2026-04-01', 10, 'charge', '2026-05-10', 50000),
 (7201000003, '2026-06-01', 1, 'advance', '2026-06-10', 219600),
 (7201000003, '2026-06-01', 2, 'advance', '2026-06-25', 292800),
 (7201000003, '2026-06-01', 10, 'balance', '2026-07-18', 219600),
 (7201000004, '2024-04-01', 10, 'charge', '2024-05-10', 30000),
 (7201000005, '2026-10-01', 10, 'charge', '2026-11-10', 20000);
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period) VALUES
 (7201000003, 'payments', 'p1', '2026-06-09', 219600, '2026-06-01'),
 (7201000003, 'payments', 'p2', '2026-06-24', 292800, '2026-06-01');
INSERT INTO period_state (period, branch, state) VALUES
 ('2026-09-01', '01', 'billed'), ('2026-04-01', '01', 'billed'), ('2026-06-01', '01', 'billed'),
 ('2024-04-01', '01', 'billed'), ('2026-10-01', '01', 'billed');
SQL

# x PERIOD CHAN: the documents.xml of the period's package
x() { unzip -p "$SBYT_OUT/docs/$1/01/$2.zip" documents.xml; }
due() { x "$1" "$2" | sed -n 's/.*<PaymentDocument [^>]* due="\([0-9-]*\)".*/\1/p'; }
test_expect_success 'the documents of five periods are issued' '
	sbyt -q --as-of 2026-09-30 docs --period 2026-09 &&
	sbyt -q --as-of 2026-04-30 docs --period 2026-04 &&
	sbyt -q --as-of 2026-06-30 docs --period 2026-06 &&
	sbyt -q --as-of 2024-04-30 docs --period 2024-04 &&
	sbyt -q --as-of 2026-10-31 docs --period 2026-10
'
test_expect_success 'Saturday 2026-10-10 is printed as Monday 2026-10-12' '[ "$(due 2026-09 post)" = 2026-10-12 ]'
test_expect_success 'Sunday 2026-05-10, then a transferred day off: Tuesday 2026-05-12' '
	[ "$(due 2026-04 post)" = 2026-05-12 ]
'
test_expect_success 'a legal balance due Saturday 2026-07-18: Monday 2026-07-20, total 2196.00' '
	x 2026-06 edo | grep -q "account=\"7201000003\" period=\"2026-06\" due=\"2026-07-20\" total=\"2196.00\""
'
test_expect_success 'a transferred holiday, Friday 2024-05-10: Monday 2024-05-13' '[ "$(due 2024-04 post)" = 2024-05-13 ]'
test_expect_success 'a working Tuesday, 2026-11-10, stays' '[ "$(due 2026-10 post)" = 2026-11-10 ]'
test_expect_success 'every documents.xml validates against xsd/docs.xsd' '
	for p in 2026-09 2026-04 2024-04 2026-10; do x $p post > $p.xml || exit 1; done && x 2026-06 edo > 2026-06.xml &&
	xmllint --noout --schema "$XSD" 2026-09.xml 2026-04.xml 2026-06.xml 2024-04.xml 2026-10.xml
'
test_expect_success 'the document rows keep the printed date; the obligations the schedule'"'"'s' '
	psql -XtAc "select account_id, due from document order by account_id" > rows &&
	printf "%s\n" "7201000001|2026-10-12" "7201000002|2026-05-12" "7201000003|2026-07-20" \
		"7201000004|2024-05-13" "7201000005|2026-11-10" | diff - rows &&
	[ "$(psql -XtAc "select due from obligation where account_id = 7201000001")" = 2026-10-10 ]
'
test_expect_success 'the register prints the moved date' '
	unzip -p "$SBYT_OUT/docs/2026-09/01/post.zip" register.xlsx > reg.xlsx &&
	/usr/bin/python3 - reg.xlsx <<-"PY"
	import sys, datetime, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]
	rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] is not None and r[1]]
	assert [str(r[1]) for r in rows] == ["7201000001"], rows
	assert rows[0][11] == datetime.datetime(2026, 10, 12), rows[0][11]
	PY
'
test_expect_success 'the PDF prints the moved date, not the schedule'"'"'s' '
	unzip -p "$SBYT_OUT/docs/2026-09/01/post.zip" documents.pdf > d.pdf &&
	pdftotext -layout d.pdf d.txt && grep -q "12\.10\.2026" d.txt && ! grep -q "10\.10\.2026" d.txt &&
	sbyt -q docs render --account 7201000002 --period 2026-04 --out r.pdf >/dev/null &&
	pdftotext -layout r.pdf r.txt && grep -q "12\.05\.2026" r.txt && ! grep -q "10\.05\.2026" r.txt
'
# The debt counts from the same date: 1000.00 unpaid as of 2026-11-30 is
# overdue from day 1 = 10-13, day 49 on 11-30 (not 51 from 10-10).
test_expect_success 'the debt of the same charge is due on the same date' '
	sbyt --as-of 2026-11-30 debt --account 7201000001 --format xml > debt.xml &&
	grep -q "<Period period=\"2026-09\" due=\"2026-10-12\"" debt.xml
'
# A document issued before documents moved their due dates (the row keeps
# the schedule's date) is re-issued as it was issued; any other date is a
# change and is refused.
test_expect_success 'a document issued with the schedule'"'"'s date is re-issued as issued' '
	psql -Xqc "UPDATE document SET due = DATE \$\$2026-10-10\$\$ WHERE account_id = 7201000001" &&
	sbyt -q --as-of 2026-09-30 docs --period 2026-09 && [ "$(due 2026-09 post)" = 2026-10-10 ] &&
	sbyt -q docs render --account 7201000001 --period 2026-09 --out old.pdf >/dev/null &&
	pdftotext -layout old.pdf - | grep -q "10\.10\.2026"
'
test_expect_code 65 'a document issued with another date would change: refused' '
	psql -Xqc "UPDATE document SET due = DATE \$\$2026-10-11\$\$ WHERE account_id = 7201000001" &&
	sbyt --as-of 2026-09-30 docs --period 2026-09 2>err
'
test_expect_success '... naming it' 'grep -q "published document 1 of branch .01. for 2026-09 would change" err'
test_done
