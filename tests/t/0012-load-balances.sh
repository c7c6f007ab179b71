#!/bin/sh
# 0012-load-balances: opening balances become the debt history.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
printf 'code;name;address;phone\n01;Участок;г. Тюмень;+73452000001\n' > b.csv
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
printf '%s\n7201000001;01;individual;А;г. Тюмень;625000;urban_gas;1;1;;;post;0;2020-01-15\n' "$H" > a.csv
sbyt -q load branches b.csv && sbyt -q load accounts a.csv
printf 'account;period;due;amount\n7201000001;2026-09;2026-10-10;1000.00\n' > bal.csv

test_expect_success 'an opening balance loads as the obligation of seq 0' '
	sbyt load balances bal.csv 2>err && grep -q "kind=balances read=1 inserted=1" err &&
	psql -XtAc "select period, seq, kind, due, amount from obligation" | grep -qx "2026-09-01|0|charge|2026-10-10|100000"
'
# SPEC 10: 1,000.00 due Saturday 2026-10-10, moved to Monday 10-12 (Civil
# Code 193: a balance's due date moves like any other), unpaid, household,
# as of 2026-11-26: day 1 = 10-13, days 31-45 (2026-11-12 .. 2026-11-26) =
# 15 days x 1000.00 x 9.5 % / 300 = 4.75 (5.38 before the move).
test_expect_success 'and the debt job sees it: the SPEC 10 example, 4.75' '
	sbyt debt --account 7201000001 --as-of 2026-11-26 --format xml > d.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/debt.xsd" d.xml &&
	xmllint --xpath "string(/Debt/@principal)" d.xml | grep -qx 1000.00 &&
	xmllint --xpath "string(/Debt/@penalty)" d.xml | grep -qx 4.75 &&
	xmllint --xpath "string(/Debt/Period/@due)" d.xml | grep -qx 2026-10-12
'
test_expect_success 'loading it again changes nothing' '
	sbyt load balances bal.csv 2>err && grep -q "inserted=0 updated=0 unchanged=1" err
'
printf 'account;period;due;amount\n7201000001;2026-08;2026-08-01;10.00\n7209999999;2026-08;2026-09-10;10.00\n7201000001;2026-13;2026-09-10;10.00\n7201000001;2026-07;2026-08-10;10,00\n7201000001;2026-06;2026-07-10;5.00\n7201000001;2026-06;2026-07-10;6.00\n' > badbal.csv
test_expect_code 65 'bad balances are refused whole' 'sbyt load balances badbal.csv 2>err'
test_expect_success 'each named' '
	grep -qx "badbal.csv:2: due must be after the first day of the period" err &&
	grep -qx "badbal.csv:3: unknown account 7209999999" err &&
	grep -qx "badbal.csv:4: period must be YYYY-MM" err &&
	grep -q "^badbal.csv:5: amount must be" err &&
	grep -qx "badbal.csv:7: account 7201000001 period 2026-06 appears again (first on line 6)" err
'
test_done
