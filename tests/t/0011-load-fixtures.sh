#!/bin/sh
# 0011-load-fixtures: the fixture supplier loads whole; its broken files
# are refused with exactly their three bad lines named.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init

test_expect_success 'the fixture supplier loads in order' '
	for k in branches accounts meters contracts reserves balances; do
		sbyt load $k "$FIX/$k.csv" 2>>log || exit 1
	done &&
	grep -q "kind=accounts read=300 inserted=300" log
'
test_expect_success 'with 2 branches, 300 accounts, 9 legal, 3 reserve acts' "
	psql -XtAc \"select (select count(*) from branch), (select count(*) from account),
		(select count(*) from account where kind = 'legal'), (select count(*) from reserve)\" |
		grep -qx '2|300|9|3'
"
test_expect_success 'meters of one, two and three zones' '
	psql -XtAc "select string_agg(distinct zones::text, \$\$,\$\$ order by zones::text) from meter" | grep -qx "1,2,3"
'
test_expect_success 'the debtors open with their unpaid months' "
	psql -XtAc \"select count(*), count(distinct account_id) from obligation where seq = 0\" | grep -qx '34|12'
"
for f in accounts-3-bad meters-3-bad contracts-3-bad; do
	kind=${f%%-*}
	test_expect_code 65 "fixtures/bad/$f.csv is refused" "sbyt load $kind \"\$FIX/bad/$f.csv\" 2>err"
	test_expect_success "naming exactly three lines" '[ $(grep -c "^.*/bad/'"$f"'.csv:[0-9]*: " err) = 3 ]'
done
test_expect_success 'and nothing changed' "
	psql -XtAc 'select count(*) from account' | grep -qx 300
"
test_done
