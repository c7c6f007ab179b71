#!/bin/sh
# 0331-managing-limit: a managing organisation (accounts.csv category=managing)
# in the daily debt job and in limitation, against the real database.  It is
# a legal entity for limitation (SPEC 9.1: the `legal` procedure, threshold =
# the obligations of one payment period), and on the households' penalty
# scale for its debt (SPEC 10, 35-FZ art. 37 p. 2).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7202000001;02;legal;ТСЖ «Мира, 10»;г. Тобольск, ул. Мира, д. 10;626150;managing;;;;tsj@mira10.example;post;0;2021-02-01
7202000002;02;legal;ООО Лесник;г. Тобольск, ул. Мира, д. 12;626150;;;;;office@lesnik.example;post;0;2021-02-01
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1

# Both owe 50000.00, the balance of 2026-07 due Tuesday 2026-08-18, and
# 50000.00, the balance of 2026-08 due Friday 2026-09-18; nothing paid.
# As of 2026-10-01 (2026-08-18: day 44; 2026-09-18: day 13), one day costs
# on 5000000 kopecks 5000000 x 950 / 3000000 = 1583.3333 (1/300) and
# 5000000 x 950 / 1300000 = 3653.8462 (1/130).
#   the managing organisation: July days 31-44 = 14 x 1583.3333 =
#     22166.6667 -> 221.67; August day 13: nothing;  221.67
#   the ordinary legal entity: July 44 x 3653.8462 = 160769.2308 -> 1607.69;
#     August 13 x 3653.8462 = 47500.0000 -> 475.00;  2082.69
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-07-01', 3, 'balance', '2026-08-18', 5000000 from generate_series(7202000001, 7202000002) a;
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-08-01', 3, 'balance', '2026-09-18', 5000000 from generate_series(7202000001, 7202000002) a;
SQL

test_expect_success 'the daily debt job: the managing organisation on its own scale' '
	sbyt debt --as-of 2026-10-01 2>err &&
	grep -qx "sbyt debt: as_of=2026-10-01 accounts=2 in_debt=2 principal=200000.00 penalty=2304.36 refused=0" err &&
	test "$(q "select principal||chr(32)||periods||chr(32)||penalty from debt_snapshot where account_id = 7202000001")" = "10000000 2 22167" &&
	test "$(q "select penalty from debt_snapshot where account_id = 7202000002")" = 208269
'
# The legal trigger: overdue 100000.00 >= the obligations of the latest
# period wholly due (2026-08, 50000.00): both get a `legal` case on the
# first run.
test_expect_success 'limitation opens the legal procedure for the managing organisation' '
	sbyt limit run --as-of 2026-10-01 2>run.log &&
	test "$(q "select procedure from limit_case where account_id = 7202000001")" = legal &&
	test "$(q "select procedure from limit_case where account_id = 7202000002")" = legal
'
test_expect_success 'its notice states the legal threshold' '
	zipxml 2026-10-01 02 notices-post notices.xml > p.xml &&
	N="/*[local-name()=\"Notices\"]/*[local-name()=\"Notice\"][@account=\"7202000001\"]" &&
	test "$(xmllint --xpath "string($N/@procedure)" p.xml)" = legal &&
	test "$(xmllint --xpath "string($N/*[local-name()=\"Debt\"]/@threshold)" p.xml)" = 50000.00
'
test_done
