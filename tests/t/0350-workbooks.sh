#!/bin/sh
# 0350-workbooks: every workbook an auditor receives, opened with a real
# reader (openpyxl): printable (print area, A4, fitted to the width, page
# header with the title and date, page numbers, the header row repeated),
# Russian (no code where its Russian name belongs), numbers as numbers
# (money # ##0.00, dates as dates), sheet names cut by characters.
. "$SBYT_TOP/tests/lib.sh"
export SBYT_SPOOL="$T/spool"
mkdir -p "$SBYT_SPOOL/inbox"
cp -R "$FIX/inbox/"* "$SBYT_SPOOL/inbox/"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv"; done
R=$SBYT_OUT/reports
# Debian's python3 has python3-openpyxl (tools/deps.sh); a python of its own
# earlier in PATH may not.
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
check() { $PY "$SBYT_TOP/tests/xlsx_check.py" "$SBYT_TOP/rules/names.xml" "$@"; }
# The text of a workbook's sheets and shared strings, one cell a line.
cells() { unzip -p "$1" 'xl/worksheets/*.xml' xl/sharedStrings.xml 2>/dev/null | sed 's/</\n</g'; }

test_expect_success 'a month of the fixture supplier: daily, month, every report' '
	sbyt -q --as-of 2026-11-30 daily &&
	sbyt -q --as-of 2026-11-30 month --period 2026-11 &&
	sbyt -q --as-of 2026-11-30 report runs &&
	sbyt -q --as-of 2026-11-30 report rejects &&
	sbyt -q --as-of 2026-11-30 report aging &&
	sbyt -q --as-of 2026-11-30 report control-plan &&
	sbyt -q --as-of 2026-11-30 report limitation &&
	sbyt -q --as-of 2026-11-30 report reconciliation --account 7201000066 \
		--from 2026-10-01 --to 2026-11-30 &&
	sbyt -q --as-of 2026-11-30 report kpi --period 2026-11 \
		--appeals "$FIX/journal/appeals.csv" --calls "$FIX/journal/calls.csv" >/dev/null
'
test_expect_success 'every report workbook passes the reader checks' '
	ls "$R"/*.xlsx > list && [ $(wc -l < list) -ge 7 ] && check $(cat list)
'
test_expect_success 'every register of the packages and limitation days passes them too' '
	mkdir regs && n=0 && l=0 &&
	for z in $(find "$SBYT_OUT/docs" "$SBYT_OUT/limit" -name "*.zip"); do
		unzip -l "$z" | grep -q " register.xlsx$" || continue
		n=$((n + 1)); unzip -p "$z" register.xlsx > regs/$n.xlsx; done &&
	for x in $(find "$SBYT_OUT/limit" -name "register.xlsx"); do
		n=$((n + 1)); l=$((l + 1)); cp "$x" regs/$n.xlsx; done &&
	[ $n -ge 2 ] && [ $l -ge 1 ] && check regs/*.xlsx
'
# The checker itself fails on what it is there to catch.
test_expect_success 'the checker finds a code, a number as text and a missing page setup' '
	$PY -c "
import openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = \"Лист\"
ws.append([\"Статус\", \"Сумма, руб.\"]); ws.append([\"open\", \"83,3 %\"]); ws.freeze_panes = \"A2\"
wb.save(\"bad.xlsx\")" &&
	! check bad.xlsx > bad.out && grep -q "the code .open." bad.out &&
	grep -q "number stored as text" bad.out &&
	grep -q "no print area" bad.out && grep -q "without an autofilter" bad.out
'
# The runs of a replayed day are found by its as-of date: the demo replays
# 2026-11-30 on a machine whose clock says otherwise.
test_expect_success 'the runs report of the as-of month lists the replayed runs' '
	sbyt --as-of 2026-11-30 report runs 2>err &&
	grep -q "name=runs from=2026-11-01 to=2026-11-30 runs=[1-9]" err
'
test_expect_success 'the runs report: times are times, jobs and statuses in Russian' '
	$PY -c "
import openpyxl, sys, datetime, re
ws = openpyxl.load_workbook(sys.argv[1]).active
jobs = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
assert \"ежедневное задание\" in jobs, jobs
assert \"отчёт (возрастная структура задолженности)\" in jobs, jobs
assert not [j for j in jobs if re.search(\"[A-Za-z]\", str(j))], jobs
for r in ws.iter_rows(min_row=2, values_only=True):
    assert isinstance(r[5], datetime.datetime), r[5]
    assert r[8] in (\"завершён\", \"выполняется\", \"ошибка\", \"прерван\"), r[8]
" "$R/runs-2026-11-01-2026-11-30.xlsx"
'
# The aging detail adds up: its totals row is the sum of its rows (kopecks).
test_expect_success 'aging: a totals row equal to the sum of the rows, landscape, dated header' '
	$PY -c "
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb[\"Задолженность\"]
rows = list(ws.iter_rows(min_row=2, values_only=True))
assert rows[-1][0] == \"Итого\", rows[-1]
for c in range(3, 10):
    s = round(sum(r[c] or 0 for r in rows[:-1]) * 100)
    assert s == round(rows[-1][c] * 100), (c, s, rows[-1][c])
assert ws.page_setup.orientation == \"landscape\"
assert \"по состоянию на 30.11.2026\" in ws.oddHeader.right.text, ws.oddHeader.right.text
assert ws.print_title_rows
" "$R/aging-2026-11-30.xlsx"
'
test_expect_success 'limitation: procedures, statuses, steps and channels in Russian' '
	cells "$R/limitation-2026-11-30.xlsx" > c &&
	grep -q "гражданин-потребитель" c && grep -q "^<t>открыто" c &&
	grep -q "предупреждение" c && ! grep -q "^<t>\(individual\|open\|warning\|post\)$" c
'
test_expect_success 'kpi: values and targets are numbers, the title is whole, a chart' '
	$PY -c "
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb[\"Карта качества\"]
assert ws[\"A1\"].value == \"Карта контроля качества обслуживания клиентов за 2026-11\", ws[\"A1\"].value
vals = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
assert isinstance(vals[\"1\"][4], float) and abs(vals[\"1\"][4] - 0.95) < 1e-9, vals[\"1\"]
assert ws[\"E4\"].number_format == \"0.0%\"
assert ws.page_setup.orientation == \"landscape\"
assert \"Диаграмма\" in wb.sheetnames
" "$R/kpi-2026-11.xlsx" &&
	unzip -l "$R/kpi-2026-11.xlsx" | grep -q "xl/charts/chart1.xml"
'
test_expect_success 'the kpi card on stdout is aligned by characters' '
	sbyt -q --as-of 2026-11-30 report kpi --period 2026-11 \
		--appeals "$FIX/journal/appeals.csv" --calls "$FIX/journal/calls.csv" > card &&
	grep " цель " card | awk "{ print index(\$0, \" цель \") }" > pos &&
	$PY -c "
import sys
cols = set()
for line in open(\"card\", encoding=\"utf-8\"):
    if \" цель \" in line:
        cols.add(line.index(\" цель \")); cols.add(line.index(\" выполнено: \"))
assert len(cols) == 2, cols
"
'
test_expect_success 'reconciliation: the form on one landscape page, signatures included' '
	$PY -c "
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1]).active
assert ws.page_setup.orientation == \"landscape\"
assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, None)
texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
assert \"По данным покупателя, руб.\" in texts, texts
assert \"От покупателя\" in texts and \"От поставщика\" in texts
last = max(c.row for r in ws.iter_rows() for c in r if c.value is not None)
area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
assert area.endswith(str(last)), (area, last)
" "$R/reconciliation-7201000066-2026-10-01-2026-11-30.xlsx"
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
