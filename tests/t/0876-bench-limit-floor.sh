#!/bin/sh
# 0876-bench-limit-floor: the limitation stage of `make bench` and its floor
# (issue 18 item 3; SPEC 13: the floor writes the same elements and cells).
# bench_limit_floor writes N notices making the bytes of XML it is given and
# a workbook holding the register rows it is given, cell for cell (read back
# from the sheet's XML); tools/bench_limit.sh at 400 accounts prints one
# line whose floor is its parts' sum and whose ratios are floor / seconds.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
F="$SBYT_BUILD/tools/bench_limit_floor"

# three register rows as psql \copy writes them (tab, \n escaped)
printf '7200000020\t1\tindividual\twarning\tissued\tindividual.warning\tдолг 500000.00\\nза 3 периода\tвыдано 2026-12-01\n' > rows
printf '7200000040\t1\tlegal\tnotice\topened\tlegal.trigger\tсальдо\tсрок 2026-12-11\n' >> rows
printf '7200000060\t2\tindividual\tpartial\tscheduled\tindividual.partial\tокно\t2026-12-29\n' >> rows

test_expect_success 'the floor writes 10 notices making about 24000 bytes of XML' '
	"$F" 10 f.xml 24000 > s && grep -Eq "^[0-9]+\.[0-9]{3}$" s &&
	test "$(grep -c "<Notice " f.xml)" = 10 && test "$(grep -c "<Text " f.xml)" = 10 &&
	xmllint --noout f.xml &&
	b=$(wc -c < f.xml) && test "$b" -gt 21600 && test "$b" -lt 26400
'
test_expect_success 'without XML_BYTES: the notices without their text (the floor before issue 18)' '
	"$F" 10 f1.xml > s && test "$(grep -c "<Notice " f1.xml)" = 10 &&
	! grep -q "<Text " f1.xml
'
test_expect_success 'the workbook holds a header and the three rows, cell for cell' '
	"$F" 1 f.xml 2400 rows f.xlsx > s &&
	unzip -p f.xlsx xl/worksheets/sheet1.xml > sheet.xml &&
	test "$(grep -o "<row " sheet.xml | wc -l)" = 4 &&
	grep -q "7200000040" sheet.xml && grep -q "legal.trigger" sheet.xml &&
	grep -q "выдано 2026-12-01" sheet.xml && grep -q "срок 2026-12-11" sheet.xml &&
	grep -q "Даты (расчёт)" sheet.xml &&
	grep -q "долг 500000.00" sheet.xml && grep -q "за 3 периода" sheet.xml
'
test_expect_code 66 'rows it cannot read: exit 66' '
	"$F" 1 f.xml 2400 nosuchfile f.xlsx
'

# the stage at 400 accounts: every 20th in debt (bench_limit.sh), 20 notices
sbyt -q db init || exit 1
gen --accounts 400 --period 2026-11 --seed 1 --out g > /dev/null 2>&1 || exit 1
for k in branches accounts meters contracts reserves; do
	sbyt -q load $k g/$k.csv || exit 1
done
test_expect_success 'bench_limit.sh: one line, its floor the sum of its parts, ratio = floor / seconds' '
	SBYT_OUT=$T/out sh "$SBYT_TOP/tools/bench_limit.sh" "$SBYT_BUILD" 400 "$T/w" > line 2> err &&
	test "$(wc -l < line)" = 1 &&
	grep -Eq "^bench: stage=limit n=400 seconds=[0-9.]+ floor_seconds=[0-9.]+ ratio=[0-9.]+ rss_mb=[0-9]+ xml_xlsx_s=[0-9.]+ copy_s=[0-9.]+ floor_v1_seconds=[0-9.]+ ratio_v1=[0-9.]+ cli_cpu_s=[0-9.]+ srv_cpu_s=([0-9.]+|na) floor_cli_cpu_s=[0-9.]+ floor_srv_cpu_s=([0-9.]+|na) cpu_ratio=[0-9.]+$" line &&
	tr " " "\n" < line | grep = > kv &&
	awk -F= "{ v[\$1] = \$2 } END {
		s = v[\"seconds\"]; f = v[\"floor_seconds\"]
		if (s <= 0) exit 1
		if (sprintf(\"%.2f\", v[\"xml_xlsx_s\"] + v[\"copy_s\"]) != f) exit 2
		if (sprintf(\"%.2f\", f / s) != v[\"ratio\"]) exit 3
		if (sprintf(\"%.2f\", v[\"floor_v1_seconds\"] / s) != v[\"ratio_v1\"]) exit 4
		if (v[\"srv_cpu_s\"] != \"na\" && v[\"floor_srv_cpu_s\"] != \"na\") {
			t = v[\"cli_cpu_s\"] + v[\"srv_cpu_s\"]
			ft = v[\"floor_cli_cpu_s\"] + v[\"floor_srv_cpu_s\"]
			if (t <= 0 || sprintf(\"%.2f\", ft / t) != v[\"cpu_ratio\"]) exit 5
		}
	}" kv &&
	test "$(q "select count(*) from limit_notice where issued = date '"'"'2026-12-01'"'"'")" -ge 20 &&
	test -z "$(ls "$T/w" | grep floor)"
'
test_done
