#!/bin/sh
# 0956-refused: accounts a job leaves out for their data are never silent.
# The bill and month summaries say refused=N (also under -q, as cron runs
# them); every refused account is in out/rejects/JOB-PERIOD-runN.accounts.csv
# with its reason; the terminal gets one warning line with the count and
# the first three accounts, not one line each; the month job (cron) exits
# 65, the rest completed, and the cron wrapper says so.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
ops_load
# Five more legal entities like 7201000132 (a meter with no reading, no
# calculation method): each is refused.  With it, six.
{
	head -1 "$FIX/accounts.csv"
	for i in 1 2 3 4 5; do
		grep "^7201000132;" "$FIX/accounts.csv" | sed "s/^7201000132;/720100090$i;/"
	done
} > more-acc.csv
{ head -1 "$FIX/contracts.csv"; for i in 1 2 3 4 5; do
	grep "^7201000132;" "$FIX/contracts.csv" | sed "s/^7201000132;ЭС-01-000132/720100090$i;ЭС-01-00090$i/"; done; } > more-con.csv
{ head -1 "$FIX/meters.csv"; for i in 1 2 3 4 5; do
	grep "^7201000132;" "$FIX/meters.csv" | sed "s/^7201000132;121518888002/720100090$i;12151888800$i/"; done; } > more-met.csv
sbyt -q load accounts more-acc.csv && sbyt -q load contracts more-con.csv && sbyt -q load meters more-met.csv
# the month's readings and payments first, as cron does
ops_inbox && sbyt -q --as-of $DAY daily 2>/dev/null

test_expect_code 65 'month with refused accounts exits 65 under -q (cron)' '
	sbyt -q --as-of 2026-12-04 month --period 2026-11 2>q.err
'
test_expect_success 'its summary says refused=6, and the rest was done' '
	grep -q "^sbyt month: period=2026-11 accounts=[0-9]* documents=[0-9]* packages=[1-9][0-9]* total=[0-9.]* billed=[a-z,]* refused=6$" q.err &&
	grep -q "6 accounts refused for their data (the rest completed)" q.err &&
	[ "$(psql -XtAc "select count(distinct account_id) from charge_line where period = '"'2026-11-01'"'")" -gt 250 ]
'
test_expect_success 'the rejects file names each refused account with its reason' '
	f=$(ls "$SBYT_OUT"/rejects/month-2026-11-run*.accounts.csv) &&
	head -1 "$f" | grep -qx "account;reason" &&
	[ "$(tail -n +2 "$f" | cut -d";" -f1 | sort | tr "\n" " ")" = "7201000132 7201000901 7201000902 7201000903 7201000904 7201000905 " ] &&
	[ "$(grep -c ";a legal entity without readings or a working meter needs the calculation method" "$f")" = 6 ] &&
	test "$(stat -c %a "$f")" = 640
'
test_expect_success 'the detail line names the file; the run record lists it as an output' '
	grep -q "detail: each with its reason in .*rejects/month-2026-11-run[0-9]*.accounts.csv" q.err &&
	[ "$(psql -XtAc "select count(*) from run_file where path like '"'%/month-%.accounts.csv'"' and direction = '"'out'"'")" = 1 ]
'
test_expect_success 'bill at a terminal: one warning line with the count and the first three' '
	sbyt --as-of 2026-12-28 bill --period 2026-12 2>t.err; echo $? > t.rc
	f=$(ls "$SBYT_OUT"/rejects/bill-2026-12-run*.accounts.csv) && n=$(($(wc -l < "$f") - 1)) &&
	[ "$n" -ge 6 ] && [ "$(grep -c "refused" t.err)" = 2 ] &&
	grep -q "^sbyt: warning: $n accounts refused for their data, not billed: 72[0-9]* (a legal entity[^;]*); 72[0-9]* ([^;]*); 72[0-9]* ([^;]*) and $((n - 3)) more; every one in .*rejects/bill-2026-12-run[0-9]*.accounts.csv.$" t.err &&
	grep -q "^sbyt bill: period=2026-12 .* refused=$n$" t.err
'
test_expect_success 'bill by hand still exits 0: the refusals are reported, not fatal' '
	[ "$(cat t.rc)" = 0 ]
'
test_expect_success 'no temporary rejects file is left behind' '
	! ls "$SBYT_OUT"/rejects/*.tmp 2>/dev/null
'
test_expect_success 'the cron wrapper reports 65 as bad data, the rest completed' '
	grep -q "65) verdict=\"bad-data: input refused (the rest completed)" "$SBYT_TOP/jobs/sbyt-job"
'
test_done
