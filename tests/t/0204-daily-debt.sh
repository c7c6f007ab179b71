#!/bin/sh
# 0204-daily-debt: the daily job's debt stage writes the snapshot that
# limitation reads.
. "$SBYT_TOP/tests/lib.sh"
export SBYT_SPOOL="$T/spool"
mkdir -p "$SBYT_SPOOL/inbox"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv"; done

# fixtures/balances.csv: 12 debtors (10 households owing Aug-Oct, due by
# 2026-11-10 at the latest; 2 legal entities owing Sep-Oct, due by
# 2026-11-18): as of 2026-11-26 all 12 are overdue.
test_expect_success 'daily with an empty inbox writes the debt snapshot of its date' '
	sbyt daily --as-of 2026-11-26 2>err &&
	grep -q "stages=inbox,service,debt,limit .* in_debt=12 " err &&
	psql -XtAc "select count(*) from debt_snapshot where as_of = \$\$2026-11-26\$\$" | grep -qx 12
'
test_expect_success 'the snapshot agrees with sbyt debt for one debtor' '
	a=$(sed -n 2p "$FIX/balances.csv" | cut -d";" -f1) &&
	p=$(sbyt debt --account $a --as-of 2026-11-26 --format xml | xmllint --xpath "string(/Debt/@principal)" -) &&
	k=$(psql -XtAc "select principal from debt_snapshot where account_id = $a and as_of = \$\$2026-11-26\$\$") &&
	[ "$(echo "$p" | tr -d .)" = "$k" ]
'
test_expect_success 'running the same day again gives the same rows' '
	psql -XtAc "select md5(string_agg(account_id::text || principal::text || penalty::text, \$\$,\$\$ order by account_id)) from debt_snapshot" > h1 &&
	sbyt -q daily --as-of 2026-11-26 2>/dev/null &&
	psql -XtAc "select md5(string_agg(account_id::text || principal::text || penalty::text, \$\$,\$\$ order by account_id)) from debt_snapshot" > h2 &&
	cmp h1 h2
'
# The limit stage then opens a case for each of the 12: 10 household
# warnings (3 overdue periods, above twice the norm's charge), a legal notice,
# and for the debtor with a reserve act the notice and the authorities' one:
# 13 notices.
test_expect_success 'the limit stage opens the cases and writes the day packages' "
	psql -XtAc \"select procedure, count(*) from limit_case group by 1 order by 1\" > cases &&
	grep -qx 'individual|10' cases && grep -qx 'legal|1' cases && grep -qx 'legal_reserve|1' cases &&
	psql -XtAc 'select count(*) from limit_notice' | grep -qx 13 &&
	ls \"\$SBYT_OUT\"/limit/2026-11-26/01/notices-post.zip
"
test_expect_success 'report limitation lists the 12 open cases and their steps with citations' '
	sbyt --as-of 2026-11-26 report limitation 2>err &&
	grep -q "name=limitation as_of=2026-11-26 cases=12 open=12 cancelled=0 closed=0 escalated=0 steps=" err &&
	f="$SBYT_OUT/reports/limitation-2026-11-26.xlsx" &&
	unzip -p "$f" xl/worksheets/sheet2.xml > steps.xml &&
	grep -q "individual.partial" steps.xml && grep -q "ПП № 354" steps.xml
'
test_expect_code 75 'while sbyt debt holds its lock, daily exits 75' '
	psql -Xq -c "SELECT pg_advisory_lock(hashtext(\$\$sbyt:debt\$\$)), pg_sleep(3)" >/dev/null &
	sleep 1 && sbyt daily --as-of 2026-11-27 2>err; rc=$?; wait; exit $rc
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
