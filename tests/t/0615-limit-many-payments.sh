#!/bin/sh
# 0615-limit-many-payments: an account's payments are never dropped or
# folded (issue 19 item 7): 69 payments of 1.00 on Tue 06-16 and one of
# 4931.00 on Tue 06-23 pay the stated 5000.00 in full on 06-23, not on the
# day of the 64th payment (the fixed array of 64 used to fold the rest into
# its last slot, dated 06-16).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init
printf 'code;name;address;phone\n08;Участок;г. Тюмень;+73452000008\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7208000001;08;individual;Платёжкин Иван;г. Тюмень, д. 1;625000;urban_gas;2;2;;;post;0;2020-01-15
CSV
sbyt -q load branches b.csv && sbyt -q load accounts a.csv || exit 1
psql -Xq <<'SQL'
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 values (7208000001, '2026-06-15', 500000, 3, 0, '2026-04-10');
insert into payment (account_id, channel, source_id, paid_on, amount)
 select 7208000001, 'payments', 'small' || i, '2026-06-16', 100 from generate_series(1, 69) i;
insert into payment (account_id, channel, source_id, paid_on, amount)
 values (7208000001, 'payments', 'big', '2026-06-23', 493100);
SQL
test_expect_success 'walk 06-15 .. 06-24: paid in full on 06-23' '
	walk 2026-06-15 2026-06-24 &&
	test "$(q "select status||chr(124)||ended_on||chr(124)||reason from limit_case where account_id = 7208000001")" = \
		"cancelled|2026-06-23|оплата задолженности 2026-06-23"
'
test_done
