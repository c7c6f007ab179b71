#!/bin/sh
# 0330-money-law: SPEC 10 as amended (issue 12) against the real database.
# Due dates on days off move to the next working day (Civil Code art. 193)
# for households and legal entities, loaded balances included; each day of
# delay up to 2026-12-31 is valued at no more than 9.50 %, the days of 2027
# at the full key rate of the payment (as-of) day; managing organisations
# (category=managing) pay on the households' scale from the legal due date.
#
# The rules are the shipped ones except keyrate.xml, pinned here so that the
# figures do not move when operators add decisions: 16.00 % from
# 2025-12-22, 15.50 % from 2026-02-16, 15.00 % from 2026-03-23, and the cap
# of 9.50 % for days of delay from 2022-02-28 to 2026-12-31.
#
# Calendar facts (rules/calendar/ru-2026.xml): Sat 10-10, Sun 10-11; Sun
# 05-10 and Mon 05-11 (day off moved from 05-09); Wed 11-04 a holiday; Fri
# 06-12 a holiday, then Sat and Sun; Sat 04-18; Sun 10-25; Thu 12-31 off.
# One day costs B x rate / (10000 x D) kopecks on a base of B kopecks:
#   1000.00 at 9.50 %: 1/300 31.6667, 1/130 73.0769; 300.00 1/130 21.9231;
#   400.00 1/130 29.2308; 500.00 1/300 15.8333, 1/130 36.5385;
#   500.00 at 15.00 % 1/130 57.6923; 1000.00 at 15.00 % 1/130 115.3846.
. "$SBYT_TOP/tests/lib.sh"

cp -r "$SBYT_TOP/rules" rules && export SBYT_RULES="$T/rules" || exit 1
cat > rules/keyrate.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<KeyRates source="test 0330: a pinned history">
  <Rate from="2021-12-20" rate="8.50"/>
  <Rate from="2022-02-28" rate="20.00"/>
  <Rate from="2025-12-22" rate="16.00"/>
  <Rate from="2026-02-16" rate="15.50"/>
  <Rate from="2026-03-23" rate="15.00"/>
  <Cap from="2022-02-28" to="2026-12-31" rate="9.50" basis="ПП РФ № 474"/>
</KeyRates>
XML

sbyt -q db init || exit 1
cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
hh() { echo "$1;01;individual;Абонент $1;г. Тюмень, ул. Мира, д. 1;625000;urban_gas;2;2;;;post;0;2020-01-15"; }
le() { echo "$1;01;legal;Организация $1;г. Тюмень, ул. Мира, д. 2;625000;$2;;;;;post;0;2020-01-15"; }
{
	echo "$H"
	for a in 7201000001 7201000002 7201000003 7201000004 7201000005 7201000006; do hh $a; done
	le 7202000001 ''; le 7202000002 ''; le 7202000003 managing; le 7202000004 ''
	le 7202000005 ''; le 7202000006 ''
} > accounts.csv
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp
7202000003;Д-2020/3;2020-01-15;1;standard;7202123456;720201001
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv &&
	sbyt -q load contracts contracts.csv || exit 1
# opening balances (sbyt load balances): due dates on a Sunday and on holidays
cat > balances.csv <<'CSV'
account;period;due;amount
7201000002;2026-04;2026-05-10;1000.00
7201000003;2026-10;2026-11-04;1000.00
7202000002;2026-05;2026-06-12;1000.00
CSV
sbyt -q load balances balances.csv || exit 1
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000001, '2026-09-01', 1, 'charge', '2026-10-10', 100000),
 (7202000001, '2026-03-01', 3, 'balance', '2026-04-18', 100000),
 (7202000001, '2026-10-01', 1, 'advance', '2026-10-10', 30000),
 (7202000001, '2026-10-01', 2, 'advance', '2026-10-25', 40000),
 (7202000003, '2026-05-01', 3, 'balance', '2026-06-18', 100000),
 (7202000004, '2026-05-01', 3, 'balance', '2026-06-18', 100000),
 (7201000004, '2026-06-01', 1, 'charge', '2026-07-10', 50000),
 (7201000005, '2026-06-01', 1, 'charge', '2026-07-10', 50000),
 (7202000005, '2026-11-01', 3, 'balance', '2026-12-18', 100000),
 (7202000006, '2026-11-01', 3, 'balance', '2026-12-18', 100000),
 (7201000006, '2026-12-01', 1, 'charge', '2027-01-10', 100000);
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period) VALUES
 (7202000001, 'payments', 'a-1', '2026-04-20', 100000, '2026-03-01'),
 (7202000001, 'payments', 'a-2', '2026-10-13', 30000, NULL),
 (7202000001, 'payments', 'a-3', '2026-10-30', 40000, NULL),
 (7201000005, 'sberbank', 'b-1', '2027-01-15', 50000, NULL),
 (7202000006, 'payments', 'c-1', '2027-01-20', 100000, NULL);
SQL

# pen ACCOUNT DATE: the penalty; pri ACCOUNT DATE: the overdue principal
debt() { sbyt debt --account "$1" --as-of "$2" --format xml > "$1-$2.xml"; }
pen() { debt "$1" "$2" && xmllint --xpath "string(/Debt/@penalty)" "$1-$2.xml"; }
pri() { xmllint --xpath "string(/Debt/@principal)" "$1-$2.xml"; }
due() { xmllint --xpath "string(/Debt/Period[1]/@due)" "$1-$2.xml"; }

# --- 1. due dates on days off ---

# Household, Saturday: 1000.00 due 2026-10-10 -> Monday 10-12; as of 11-26
# day 45 (Oct 19 + Nov 26): days 31-45 = 15 x 31.6667 = 475 -> 4.75 (SPEC 10,
# the first example; 5.38 without the move).
test_expect_success 'household due on a Saturday: SPEC 10 example, 4.75' '
	[ "$(pen 7201000001 2026-11-26)" = 4.75 ] && [ "$(due 7201000001 2026-11-26)" = 2026-10-12 ]
'
test_expect_success '-v: the due date, the days off it moved over, the rate and the cap' '
	sbyt -v debt --account 7201000001 --as-of 2026-11-26 > v.txt &&
	grep -Eq "^2026-09 +2026-10-12 +45 +1000.00 +4.75$" v.txt &&
	grep -qx "  срок оплаты 2026-10-12: перенесён с 2026-10-10 (сб, выходной; 2026-10-11 вс, выходной) на 2026-10-12, ГК РФ ст. 193" v.txt &&
	grep -qx "    2026-11-12 – 2026-11-26, дни 31–45 (15 дн.) × 1000.00 × 9.50 % / 300 = 4.7500 (не оплачено; ставка на 2026-11-26: ключевая 15.00 %, применена 9.50 %; ограничение 9.50 % для дней по 2026-12-31 применено)" v.txt
'
# Household, Sunday (a loaded balance): due 2026-05-10 -> 05-11 is a day off
# too (moved from 05-09) -> Tuesday 05-12.  Day 1 = 05-13, day 30 = 06-11,
# day 31 = 06-12: 0.00, then 1 x 31.6667 -> 0.32.
test_expect_success 'household due on a Sunday, then a day off: day 30 free, day 31 0.32' '
	[ "$(pen 7201000002 2026-06-11)" = 0.00 ] && [ "$(pen 7201000002 2026-06-12)" = 0.32 ] &&
	[ "$(due 7201000002 2026-06-12)" = 2026-05-12 ] &&
	sbyt -v debt --account 7201000002 --as-of 2026-06-12 |
		grep -qx "  срок оплаты 2026-05-12: перенесён с 2026-05-10 (вс, выходной; 2026-05-11 пн, выходной, перенесён с 2026-05-09) на 2026-05-12, ГК РФ ст. 193"
'
# Household, holiday (a loaded balance): due Wednesday 2026-11-04 (День
# народного единства) -> 11-05; as of 12-10: day 35, days 31-35 = 5 x
# 31.6667 = 158.3333 -> 1.58 (1.90 without the move).
test_expect_success 'household due on a holiday: 1.58' '
	[ "$(pen 7201000003 2026-12-10)" = 1.58 ] && [ "$(due 7201000003 2026-12-10)" = 2026-11-05 ] &&
	sbyt -v debt --account 7201000003 --as-of 2026-12-10 |
		grep -q "перенесён с 2026-11-04 (ср, нерабочий праздничный день: День народного единства) на 2026-11-05"
'
# Legal: the balance of 2026-03 due Saturday 2026-04-18 -> Monday 04-20,
# paid on 04-20: on time, 0.00.  2026-10: the 30 % advance 300.00 due
# Saturday 10-10 -> 10-12, paid 10-13 (day 1): 21.9231; the 40 % advance
# 400.00 due Sunday 10-25 -> 10-26, paid 10-30 (days 1-4): 4 x 29.2308 =
# 116.9231; the period rounded once: 138.8462 -> 1.39 (without the moves
# 3 x 21.9231 + 5 x 29.2308 = 211.92 -> 2.12).
test_expect_success 'legal due on Saturday and Sunday: 2026-03 0.00, 2026-10 1.39' '
	debt 7202000001 2026-11-30 && f=7202000001-2026-11-30.xml &&
	[ "$(xmllint --xpath "string(/Debt/@penalty)" $f)" = 1.39 ] &&
	[ "$(xmllint --xpath "count(/Debt/Period)" $f)" = 1 ] &&
	[ "$(xmllint --xpath "string(/Debt/Period/@period)" $f)" = 2026-10 ] &&
	[ "$(pri 7202000001 2026-11-30)" = 0.00 ]
'
test_expect_success 'legal -v: both advances with their own moves' '
	sbyt -v debt --account 7202000001 --as-of 2026-11-30 > l.txt &&
	grep -qx "  срок оплаты 2026-10-12: перенесён с 2026-10-10 (сб, выходной; 2026-10-11 вс, выходной) на 2026-10-12, ГК РФ ст. 193" l.txt &&
	grep -qx "  срок оплаты 2026-10-26: перенесён с 2026-10-25 (вс, выходной) на 2026-10-26, ГК РФ ст. 193" l.txt &&
	grep -q "2026-10-27 – 2026-10-30, дни 1–4 (4 дн.) × 400.00 × 9.50 % / 130 = 1.1692 (оплачено" l.txt
'
# Legal, holiday (a loaded balance): due Friday 2026-06-12 (День России) ->
# Monday 06-15; unpaid as of 06-20: days 1-5 = 5 x 73.0769 = 365.3846 -> 3.65
# (5.85 without the move).
test_expect_success 'legal due on a holiday: 3.65' '
	[ "$(pen 7202000002 2026-06-20)" = 3.65 ] && [ "$(due 7202000002 2026-06-20)" = 2026-06-15 ]
'
test_expect_success 'on the moved due date itself nothing is overdue yet' '
	debt 7202000002 2026-06-15 && [ "$(pri 7202000002 2026-06-15)" = 0.00 ] &&
	[ "$(xmllint --xpath "string(/Debt/@penalty)" 7202000002-2026-06-15.xml)" = 0.00 ]
'

# --- 2. the rate day by day across 2026-12-31 ---

# SPEC 10, the second example: 500.00 due Friday 2026-07-10, household,
# unpaid as of 2027-01-15 (15.00 % in force):
#   days 31-90 (08-10 .. 10-08)     60 x 15.8333 =  950.0000
#   days 91-174 (10-09 .. 12-31)    84 x 36.5385 = 3069.2308
#   days 175-189 (2027-01-01 .. 15) 15 x 57.6923 =  865.3846  (no cap)
#   total 4884.6154 -> 48.85.  Paid on 2027-01-15: the same, principal 0.
test_expect_success 'household across 2026-12-31, unpaid: SPEC 10 example, 48.85' '
	[ "$(pen 7201000004 2027-01-15)" = 48.85 ] && [ "$(pri 7201000004 2027-01-15)" = 500.00 ]
'
test_expect_success 'household across 2026-12-31, paid 2027-01-15: 48.85, nothing owed' '
	[ "$(pen 7201000005 2027-01-20)" = 48.85 ] && [ "$(pri 7201000005 2027-01-20)" = 0.00 ]
'
test_expect_success '-v: the days of 2026 capped, the days of 2027 at the full rate' '
	sbyt -v debt --account 7201000004 --as-of 2027-01-15 > y.txt &&
	grep -qx "  срок оплаты 2026-07-10: рабочий день, не переносится" y.txt &&
	grep -q "2026-10-09 – 2026-12-31, дни 91–174 (84 дн.) × 500.00 × 9.50 % / 130 = 30.6923 (не оплачено; ставка на 2027-01-15: ключевая 15.00 %, применена 9.50 %; ограничение 9.50 % для дней по 2026-12-31 применено)" y.txt &&
	grep -q "2027-01-01 – 2027-01-15, дни 175–189 (15 дн.) × 500.00 × 15.00 % / 130 = 8.6538 (не оплачено; ставка на 2027-01-15: ключевая 15.00 %, применена 15.00 %; дни вне ограничения ставки: без ограничения)" y.txt
'
# Legal 1000.00 due Friday 2026-12-18: days 1-13 (12-19 .. 12-31) 13 x
# 73.0769 = 950.0000; days 14-33 (2027-01-01 .. 01-20) 20 x 115.3846 =
# 2307.6923; total 3257.6923 -> 32.58, unpaid as of 01-20 or paid that day.
test_expect_success 'legal across 2026-12-31, unpaid and paid in January: 32.58' '
	[ "$(pen 7202000005 2027-01-20)" = 32.58 ] && [ "$(pri 7202000005 2027-01-20)" = 1000.00 ] &&
	[ "$(pen 7202000006 2027-01-31)" = 32.58 ] && [ "$(pri 7202000006 2027-01-31)" = 0.00 ]
'

# --- a due date needing a year rules/calendar does not hold ---

# 1000.00 due Sunday 2027-01-10.  Without ru-2027.xml (taken out of the
# test's rules, as a year not yet published would be) whether it moves is
# unknown: an error naming the year, never a guess.  Before the date
# nothing is overdue and no calendar is needed.
test_expect_code 78 'a due date in a year rules/calendar lacks: exit 78' '
	mv rules/calendar/ru-2027.xml ru-2027.xml.away &&
	sbyt debt --account 7201000006 --as-of 2027-02-01 2>err78
'
test_expect_success 'naming the missing year' '
	grep -q "no production calendar for 2027" err78 &&
	debt 7201000006 2027-01-09 && [ "$(pri 7201000006 2027-01-09)" = 0.00 ] &&
	mv ru-2027.xml.away rules/calendar/ru-2027.xml
'
# With the shipped 2027 calendar (1-8 January holidays, 9-10 weekend):
# Sunday 2027-01-10 -> Monday 01-11; day 1 = 01-12, day 31 = 02-11:
# 1 x 100000 x 1500 / 3000000 (no cap in 2027) = 50 -> 0.50.
test_expect_success 'with ru-2027.xml the date moves: 0.50 on day 31' '
	[ "$(pen 7201000006 2027-02-10)" = 0.00 ] && [ "$(pen 7201000006 2027-02-11)" = 0.50 ] &&
	[ "$(due 7201000006 2027-02-11)" = 2027-01-11 ]
'

# --- 3. managing organisations ---

# 7202000003 (category=managing) and 7202000004 (an ordinary legal entity)
# each owe the 1000.00 balance of 2026-05 due Thursday 2026-06-18 (the legal
# schedule's 18th).  Day 1 = 06-19, day 30 = 07-18, day 31 = 07-19, day 90 =
# 09-16, day 91 = 09-17.  Managing: 0.00; 31.6667 -> 0.32; 60 x 31.6667 =
# 1900 -> 19.00; 1900 + 73.0769 -> 19.73.  Legal at day 30: 30 x 73.0769 =
# 2192.3077 -> 21.92.
test_expect_success 'managing organisation at day 30, 31, 90 and 91' '
	[ "$(pen 7202000003 2026-07-18)" = 0.00 ] && [ "$(pen 7202000003 2026-07-19)" = 0.32 ] &&
	[ "$(pen 7202000003 2026-09-16)" = 19.00 ] && [ "$(pen 7202000003 2026-09-17)" = 19.73 ]
'
test_expect_success 'an ordinary legal entity owes from day 1: 21.92 at day 30' '
	[ "$(pen 7202000004 2026-07-18)" = 21.92 ]
'
test_expect_success 'the text form names the kind' '
	sbyt debt --account 7202000003 --as-of 2026-09-17 | grep -q "^account 7202000003 (managing) as of 2026-09-17$"
'
# The daily snapshot as of 2026-09-17 holds both (19.73 and, for the legal
# entity, 91 x 73.0769 = 6650.0000 -> 66.50).
test_expect_success 'the daily snapshot values the managing organisation on its scale' '
	sbyt -q debt --as-of 2026-09-17 2>/dev/null &&
	[ "$(psql -XtAc "SELECT penalty FROM debt_snapshot WHERE account_id = 7202000003")" = 1973 ] &&
	[ "$(psql -XtAc "SELECT penalty FROM debt_snapshot WHERE account_id = 7202000004")" = 6650 ]
'
test_expect_success 'aging names the managing organisation and counts its penalty' '
	sbyt -q report aging --as-of 2026-09-17 2>/dev/null &&
	unzip -q -o "$SBYT_OUT/reports/aging-2026-09-17.xlsx" -d ag &&
	sed "s/<row /\n<row /g" ag/xl/worksheets/sheet1.xml | grep -F ">7202000003<" > row &&
	grep -q "<t>юр. лицо (УО, ТСЖ, ЖСК)</t>" row && grep -q "<v>19.73</v>" row
'
test_expect_success 'reconciliation of a managing organisation: its penalty and the scale it follows' '
	sbyt -q report reconciliation --account 7202000003 --from 2026-06-01 --to 2026-09-17 2>/dev/null &&
	unzip -q -o "$SBYT_OUT/reports/reconciliation-7202000003-2026-06-01-2026-09-17.xlsx" -d rc &&
	sed "s/<row /\n<row /g" rc/xl/worksheets/sheet1.xml | grep -F "Пени, начисленные" > prow &&
	grep -q "управляющая организация, ТСЖ, ЖСК: с 31-го по 90-й день просрочки 1/300, с 91-го дня 1/130 ключевой ставки, ФЗ-35 ст. 37 п. 2" prow &&
	grep -q "<v>19.73</v>" prow
'
test_expect_code 65 'category=managing is for legal accounts only' '
	{ echo "$H"; echo "7201000009;01;individual;А;г. Тюмень;625000;managing;1;1;;;post;0;2020-01-15"; } > m.csv &&
	sbyt load accounts m.csv 2>errm
'
test_expect_code 65 'a legal category other than managing is refused' '
	grep -q "m.csv:2: category of an individual must be one of" errm &&
	{ echo "$H"; le 7202000009 hoa; } > h.csv && sbyt load accounts h.csv 2>errh
'
test_expect_success 'naming the line and the values allowed' '
	grep -qx "h.csv:2: category of a legal entity must be empty or managing" errh
'
test_done
