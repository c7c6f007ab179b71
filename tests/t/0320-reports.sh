#!/bin/sh
# 0320-reports: runs, control-plan and kpi reports read back from the XLSX.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
for k in branches accounts meters; do sbyt -q load $k "$FIX/$k.csv"; done

# The sheet XML of a workbook, shared strings inlined well enough to grep.
sheet() { unzip -p "$1" xl/worksheets/sheet1.xml; unzip -p "$1" xl/sharedStrings.xml 2>/dev/null; true; }

# 3 loads and the report run itself: 4 runs.
test_expect_success 'report runs lists the loads with their input files and hashes' '
	sbyt --as-of 2026-11-26 report runs --from 2026-01-01 --to 2099-12-31 2>err &&
	f=$SBYT_OUT/reports/runs-2026-01-01-2099-12-31.xlsx && [ -f "$f" ] &&
	h=$(sha256sum "$FIX/accounts.csv" | cut -d" " -f1) &&
	sheet "$f" > s.xml && grep -q "$h" s.xml && grep -q "accounts.csv" s.xml &&
	grep -q "name=runs .*runs=4 " err
'
test_expect_success 'the report file has mode 640 and is on record' '
	[ "$(stat -c %a "$SBYT_OUT/reports/runs-2026-01-01-2099-12-31.xlsx")" = 640 ] &&
	psql -XtAc "select count(*) from run_file where direction = \$\$out\$\$ and path like \$\$%runs-2026%\$\$" | grep -qx 1
'
# Control readings: account 7201000001's meter got an inspector reading on
# 2026-06-01 (due 2026-12-01: urban every 6 months, listed as of 2026-11-26
# since it falls by the end of December, not overdue); the other households
# have none, so theirs fall due 6 or 12 months after installation - long ago.
test_expect_success 'control-plan lists due households, overdue first' '
	acct=$(awk -F";" "NR > 1 && \$3 == \"individual\" && \$7 ~ /^urban/ { print \$1; exit }" "$FIX/accounts.csv") &&
	m=$(awk -F";" -v a=$acct "\$1 == a { print \$2; exit }" "$FIX/meters.csv") &&
	psql -Xq -c "insert into reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
		values ($acct, \$\$$m\$\$, 1, 1, \$\$2026-06-01\$\$, \$\$2026-06-01\$\$, \$\$portal\$\$, \$\$inspector\$\$, \$\$accepted\$\$)" &&
	sbyt --as-of 2026-11-26 report control-plan 2>err &&
	f=$SBYT_OUT/reports/control-plan-2026-11-26.xlsx && sheet "$f" > s.xml &&
	grep -q "name=control-plan as_of=2026-11-26 due=" err &&
	due=$(sed -n "s/.* due=\([0-9]*\) overdue=\([0-9]*\).*/\1 \2/p" err) &&
	set -- $due && [ $(( $1 - $2 )) -ge 1 ] && grep -q "$acct" s.xml
'
cat > appeals.csv <<'CSV'
id;received_at;channel;kind;account;answered_at;extended_to
A1;2026-11-02T10:00:00+05:00;office;question;7201000001;2026-11-05T09:00:00+05:00;
A2;2026-11-02T11:00:00+05:00;email;complaint;7201000002;2026-11-06T09:00:00+05:00;
CSV
cat > calls.csv <<'CSV'
call_id;queued_at;answered_at;ended_at;topic;abandoned
C1;2026-11-10T10:00:00+05:00;2026-11-10T10:00:30+05:00;2026-11-10T10:02:30+05:00;readings;0
C2;2026-11-10T10:00:10+05:00;;2026-11-10T10:01:10+05:00;consult;1
CSV
# Appeals: 1 of 2 answered within 3 days -> 50,0 %; 1 complaint of 2 -> 50,0 %.
# Calls: 1 of 2 lost -> 50,0 %; the one answered waited 30 s and talked 120 s.
test_expect_success 'kpi: the card from two small journals' '
	sbyt report kpi --period 2026-11 --appeals appeals.csv --calls calls.csv > card.txt 2>err &&
	grep -q "^1 .*50,0 %" card.txt && grep -q "^3 .*50,0 %" card.txt &&
	grep -q "^6 .*30 " card.txt && grep -q "^8 .*50,0 %" card.txt &&
	sheet "$SBYT_OUT/reports/kpi-2026-11.xlsx" > s.xml && grep -q "<v>0.5</v>" s.xml &&
	grep -q "нет данных" s.xml
'
test_expect_success 'kpi on the fixture journals' '
	sbyt report kpi --period 2026-11 --appeals "$FIX/journal/appeals.csv" --calls "$FIX/journal/calls.csv" > card.txt &&
	grep -q "Карта контроля качества" card.txt
'
printf 'call_id;queued_at;answered_at;ended_at;topic;abandoned\nC9;yesterday;;;readings;1\n' > bad.csv
test_expect_code 65 'kpi refuses a malformed call log' \
	'sbyt report kpi --period 2026-11 --appeals appeals.csv --calls bad.csv 2>err'
test_expect_success 'naming the line' 'grep -q "^bad.csv:2: " err'
test_expect_code 64 'kpi without its period is a usage error' 'sbyt report kpi --appeals appeals.csv'
# A QIWI file of three lines: one good, one for an unknown account, one
# with a zero sum: read 3 = accepted 1 + rejected 2.
acct=$(sed -n 2p "$FIX/accounts.csv" | cut -d";" -f1)
cat > qiwi.csv <<CSV
txn_id,datetime,terminal_id,account,amount,period
Q-1,2026-11-20T10:15:00+05:00,72-0012,$acct,1500.00,2026-11
Q-2,2026-11-20T10:16:00+05:00,72-0012,7209999999,100.00,2026-11
Q-3,2026-11-20T10:17:00+05:00,72-0012,$acct,0.00,2026-11
CSV
test_expect_success 'report rejects: the file with its counts and its two rejected lines' '
	sbyt --as-of 2026-11-26 ingest --channel qiwi qiwi.csv 2>/dev/null;
	sbyt --as-of 2026-11-26 report rejects 2>err &&
	grep -q "name=rejects from=2026-11-01 to=2026-11-26 files=1 read=3 accepted=1 rejected=2 duplicates=0 held=0" err &&
	unzip -p "$SBYT_OUT/reports/rejects-2026-11-01-2026-11-26.xlsx" xl/worksheets/sheet2.xml > s2.xml &&
	grep -q "7209999999" s2.xml && [ $(grep -o "<row " s2.xml | wc -l) = 3 ]
'
test_done
