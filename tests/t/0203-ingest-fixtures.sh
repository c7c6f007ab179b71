#!/bin/sh
# 0203-ingest-fixtures: the month of fixtures/inbox/ loads whole, with the
# counts fixtures/README.md gives, and a second time is a no-op.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init
for k in branches accounts meters contracts reserves; do
	sbyt -q load $k "$FIX/$k.csv" || echo "not ok - $k did not load"
done
test_expect_success 'every fixture file is ingested, channel told from the content' '
	sbyt --as-of 2026-12-01 ingest "$FIX"/inbox/*/* 2>err &&
	grep -q "sber-2026-11-p01.txt read=961 accepted=961 rejected=0 duplicates=0 held=0 channel=sberbank" err &&
	grep -q "gpb-2026-11.xml read=27 accepted=27 rejected=0 duplicates=0 held=0 channel=gazprombank" err &&
	grep -q "qiwi-2026-11.csv read=23 accepted=23 rejected=0 duplicates=0 held=0 channel=qiwi" err &&
	grep -q "payments-2026-11.csv read=81 accepted=81 rejected=0 duplicates=0 held=0 channel=payments" err &&
	grep -q "sms-2026-11.log read=40 accepted=40 rejected=0 duplicates=0 held=0 channel=sms" err &&
	grep -q "portal-2026-11.csv read=165 accepted=165 rejected=0 duplicates=0 held=0 channel=portal" err
'
test_expect_success 'look-alike payments are both kept (7202000036, 2166.87 on 2026-11-09)' '
	test "$(psql -XtAc "SELECT count(*) FROM payment WHERE account_id = 7202000036 AND amount = 216687 AND paid_on = DATE '"'2026-11-09'"'")" = 2
'
# 7201000028: 999905 -> 118.7 on 6 digits (999786.3 > 500000): rollover.
# 7202000043: 999891 -> 155 likewise.  7201000099 (a legal entity): 984264 ->
# 1855 on 6 digits, 982409 > 500000: a rollover too (17591 kWh in the month).
test_expect_success 'the rollovers of the fixtures are recognised' '
	test "$(psql -XtAc "SELECT string_agg(DISTINCT account_id::text, chr(44)) FROM reading WHERE rollover")" = "7201000028,7201000099,7202000043"
'
test_expect_success 'a payment naming no period has none' '
	test "$(psql -XtAc "SELECT period IS NULL FROM payment WHERE source_id = chr(65) || chr(67) || chr(81) || chr(45) || chr(55) || chr(52) || chr(53) || chr(53) || chr(50) || chr(49) || chr(51) || chr(48)")" = t
'
test_expect_success 'the same files again: every one a no-op' '
	sbyt --as-of 2026-12-01 ingest "$FIX"/inbox/*/* 2>err2 &&
	grep -q "files=6 read=1297 accepted=1297 rejected=0 duplicates=0 held=0 noop=6 refused=0" err2
'
test_done
