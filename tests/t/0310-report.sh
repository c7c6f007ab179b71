#!/bin/sh
# 0310-report: the aging report and the reconciliation act, unzipped and read
# back cell by cell.  The ledgers are those of 0300-debt (tests/data/
# debt-ledger.sh); every debt and penalty below is worked out there.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/data/debt-ledger.sh"

R="$SBYT_OUT/reports"
# vals SHEET_XML TEXT: the numbers of the row that holds TEXT, space-separated
vals() {
	sed 's/<row /\n<row /g' "$1" | grep -F "$2" | grep -o '<v>[^<]*</v>' |
		sed 's/<[^>]*>//g' | tr '\n' ' ' | sed 's/ $//'
}
# cell SHEET_XML TEXT COL: the number in column COL of the row holding TEXT
cell() {
	sed 's/<row /\n<row /g' "$1" | grep -F "$2" | grep -o "<c r=\"$3[0-9]*\"[^>]*><v>[^<]*</v>" |
		sed 's/.*<v>//; s/<\/v>//'
}

# eq A B: A and B are the same number of kopecks (a cell holds the double
# nearest to the roubles, e.g. 8.039999999999999 for 8.04)
eq() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(a != "" && d < 0.000001 && d > -0.000001) }'; }

# As of 2026-11-26, each period's overdue principal by the days since its due
# date (the earliest due date of its open overdue charges, moved over days
# off: Saturday 10-10 counts as Monday 10-12):
#   branch 01: 7201000001 1000.00 (108 days: 91-180); 7201000002 800.00 (77:
#     31-90); 7201000003 300.00 (45: 31-90); 7201000006 600.00 (45: 31-90)
#     -> 4 accounts, 0 | 1700 | 1000 | 0, principal 2700, penalty 32.15 +
#     11.91 + 3.01 + 2.85 = 49.92, total 2749.92
#   branch 02: 7201000004 200.00 (230 days: > 180) and 150.00 (45: 31-90);
#     7202000001 300.00 (due 11-18, 8 days: 0-30); 7201000005 owes nothing
#     -> 2 accounts, 300 | 150 | 0 | 200, principal 650, penalty 24.97 + 6.43
#     = 31.40, total 681.40
#   all: 6 accounts, 300 | 1850 | 1000 | 200, 3350, 81.32, 3431.32
# (before the move: penalties 50.49, 32.23 and 82.72)
test_expect_success 'aging: the report is written with mode 0640 and no temporary file left' '
	sbyt report aging --as-of 2026-11-26 2>err &&
	grep -q "sbyt report: name=aging as_of=2026-11-26 accounts=6 principal=3350.00 penalty=81.32" err &&
	[ "$(stat -c %a "$R/aging-2026-11-26.xlsx")" = 640 ] &&
	[ "$(ls "$R")" = aging-2026-11-26.xlsx ] &&
	unzip -q -o "$R/aging-2026-11-26.xlsx" -d ag
'
test_expect_success 'aging: the summary sheet has the bucket totals per branch and for all' '
	s=ag/xl/worksheets/sheet2.xml &&
	grep -q "<t>0–30 дней</t>" $s && grep -q "<t>Свыше 180 дней</t>" $s &&
	[ "$(vals $s ">01<")" = "4 0 1700 1000 0 2700 49.92 2749.92" ] &&
	[ "$(vals $s ">02<" | cut -d" " -f1-6)" = "2 300 150 0 200 650" ] &&
	eq "$(cell $s ">02<" H)" 31.40 && eq "$(cell $s ">02<" I)" 681.40 &&
	[ "$(vals $s ">Итого<" | cut -d" " -f1-6)" = "6 300 1850 1000 200 3350" ] &&
	eq "$(cell $s ">Итого<" H)" 81.32 && eq "$(cell $s ">Итого<" I)" 3431.32
'
test_expect_success 'aging: one row per account in debt, in account order' '
	s=ag/xl/worksheets/sheet1.xml &&
	grep -q "<t>Лицевой счёт</t>" $s &&
	[ "$(vals $s ">7201000004<")" = "0 150 0 200 350 24.97 374.97" ] &&
	[ "$(vals $s ">7202000001<")" = "300 0 0 0 300 6.43 306.43" ] &&
	[ "$(vals $s ">7201000001<")" = "0 0 1000 0 1000 32.15 1032.15" ] &&
	sed "s/<row /\n<row /g" $s | grep -o ">72[0-9]*<" | tr -d "<>" | tr "\n" " " > order &&
	[ "$(cat order)" = "7201000001 7201000002 7201000003 7201000004 7201000006 7202000001 " ] && grep -q "<t>юр. лицо</t>" $s
'
test_expect_success 'aging: a chart of the buckets of the total row' '
	grep -q "Сводка.!\$C\$4:\$F\$4" ag/xl/charts/chart1.xml &&
	grep -q "Сводка.!\$C\$1:\$F\$1" ag/xl/charts/chart1.xml
'
test_expect_success 'aging: the run is on record with its output file' '
	psql -XtAc "SELECT r.status, f.direction, f.path LIKE \$\$%/aging-2026-11-26.xlsx\$\$, length(f.sha256)
		FROM run r JOIN run_file f USING (run_id) WHERE r.command = \$\$report-aging\$\$" > got &&
	echo "done|out|t|64" > want && diff -u want got
'

# The act of 7202000001 (advances 300.00 due 10-10 and 400.00 due 10-25, the
# balance 300.00 due 11-18; paid 300.00 on 10-20 and 400.00 on 11-05).
# From 2026-10-15 to 2026-11-10: opening = 300.00 due before 10-15 - 0 paid
# before = 300.00 (debit); then the payment 300.00, the advance 400.00, the
# payment 400.00: debit 400.00, credit 700.00, closing 300 + 400 - 700 = 0.00.
# Penalty as of 11-10 (the advances' due dates moved to Monday 10-12 and
# Monday 10-26, see 0300-debt): 175.3846 + 292.3077 = 467.6923 -> 4.68.
RC1="$R/reconciliation-7202000001-2026-10-15-2026-11-10.xlsx"
test_expect_success 'reconciliation: opening and closing balances, turnover, penalty' '
	sbyt report reconciliation --account 7202000001 --from 2026-10-15 --to 2026-11-10 2>err &&
	grep -q "name=reconciliation account=7202000001 rows=3 opening=300.00 closing=0.00 penalty=4.68" err &&
	[ "$(stat -c %a "$RC1")" = 640 ] &&
	unzip -q -o "$RC1" -d rc1 && s=rc1/xl/worksheets/sheet1.xml &&
	eq "$(cell $s "Сальдо начальное" C)" 300 &&
	eq "$(cell $s "Обороты за период" C)" 400 && eq "$(cell $s "Обороты за период" D)" 700 &&
	eq "$(cell $s "Сальдо конечное" C)" 0 &&
	eq "$(cell $s "Пени, начисленные по состоянию на 10.11.2026" C)" 4.68
'
test_expect_success 'reconciliation: supplier, customer with INN and KPP, every line by date' '
	s=rc1/xl/worksheets/sheet1.xml &&
	grep -q "<t>Акт сверки взаиморасчётов</t>" $s &&
	grep -q "<t>за период с 15.10.2026 по 10.11.2026</t>" $s &&
	grep -q "<t>ООО Лесник, ИНН 7202123456, КПП 720201001</t>" $s &&
	grep -q "Поставщик:" $s && grep -q "энергосбыт" $s &&
	sed "s/<row /\n<row /g" $s | grep -o "<t>\(Оплата\|Промежуточный\)[^<]*</t>" > lines &&
	printf "%s\n" "<t>Оплата (прочие платежи: почта, касса, эквайринг, № pp-1)</t>" \
		"<t>Промежуточный платёж (аванс) за 10.2026</t>" \
		"<t>Оплата (прочие платежи: почта, касса, эквайринг, № pp-2)</t>" > want &&
	diff -u want lines
'
# From 2026-10-01 to 2026-11-30: opening 0.00; debit 300 + 400 + 300 = 1000.00,
# credit 700.00, closing 300.00; penalty as of 11-30: 467.6923 + the balance
# for days 1-12 (11-19..11-30) 12 x 21.9231 = 263.0769, 730.7692 -> 7.31.
test_expect_success 'reconciliation over the whole period: closing 300.00, penalty 7.31' '
	sbyt report reconciliation --account 7202000001 --from 2026-10-01 --to 2026-11-30 2>err &&
	unzip -q -o "$R/reconciliation-7202000001-2026-10-01-2026-11-30.xlsx" -d rc2 &&
	s=rc2/xl/worksheets/sheet1.xml &&
	eq "$(cell $s "Сальдо начальное" C)" 0 &&
	eq "$(cell $s "Обороты за период" C)" 1000 && eq "$(cell $s "Обороты за период" D)" 700 &&
	eq "$(cell $s "Сальдо конечное" C)" 300 &&
	eq "$(cell $s "Пени, начисленные" C)" 7.31 &&
	grep -q "составляет 300.00 руб." $s
'
# A household gets the act on request (the standard's App. 3 table 2):
# 7201000001 owes 1,000.00 due Monday 2026-08-10, paid only on 12-01.  From
# 10-01 to 11-30: opening 1000.00, no movement, closing 1000.00; penalty as
# of 11-30: days 31-90 (09-10 .. 11-08) 60 x 1000 x 9.5 % / 300 = 19.00,
# days 91-112 (11-09 .. 11-30) 22 x 1000 x 9.5 % / 130 = 16.0769: 35.08.
test_expect_success 'reconciliation of a household on request' '
	sbyt report reconciliation --account 7201000001 --from 2026-10-01 --to 2026-11-30 2>err &&
	unzip -q -o "$R/reconciliation-7201000001-2026-10-01-2026-11-30.xlsx" -d rc3 &&
	s=rc3/xl/worksheets/sheet1.xml &&
	eq "$(cell $s "Сальдо начальное" C)" 1000 && eq "$(cell $s "Сальдо конечное" C)" 1000 &&
	eq "$(cell $s "Пени, начисленные" C)" 35.08 && grep -q "Иванов И.И." $s
'
test_expect_code 64 'an unknown report name is a usage error' 'sbyt report nosuch'
test_expect_code 64 'reconciliation without its dates is a usage error' '
	sbyt report reconciliation --account 7202000001
'
test_expect_code 64 'reconciliation with --from after --to is a usage error' '
	sbyt report reconciliation --account 7202000001 --from 2026-11-30 --to 2026-10-01
'
test_done
