#!/bin/sh
# 0893-limit-branch-order: the day's registers and notice packages of two
# branches whose accounts alternate (odd ids in branch 09, even in 08).
# The events are read in account order and each row goes to its branch's
# register, all registers open at once; the notices are read unsorted and
# ordered on the client (branch, channel, account, case, id).  Each
# register holds its own branch's accounts only, ascending; each package
# its channel's notices, ascending by account.
# Six households in debt (5,000.00 RUB over 3 periods, above any
# threshold): each gets its first warning on Mon 2026-06-15, 6 notices:
#   7201000001 09 email   7201000002 08 post   7201000003 09 post
#   7201000004 08 email   7201000005 09 lkk    7201000006 08 post
# so (by hand) register 08: ...002, ...004, ...006; register 09: ...001,
# ...003, ...005; 08/notices-post: ...002, ...006; 08/notices-email: ...004;
# 09/notices-email: ...001; 09/notices-post: ...003; 09/notices-lkk: ...005.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
printf 'code;name;address;phone\n08;Восток;г. Тюмень;+73452000008\n09;Запад;г. Тюмень;+73452000009\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000001;09;individual;Первов Иван;г. Тюмень, д. 1;625000;urban_gas;2;2;;p1@x.example;email;0;2020-01-15
7201000002;08;individual;Второв Олег;г. Тюмень, д. 2;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000003;09;individual;Третьев Пётр;г. Тюмень, д. 3;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000004;08;individual;Четвёртов Иван;г. Тюмень, д. 4;625000;urban_gas;2;2;;p4@x.example;email;0;2020-01-15
7201000005;09;individual;Пятов Олег;г. Тюмень, д. 5;625000;urban_gas;2;2;;;lkk;0;2020-01-15
7201000006;08;individual;Шестов Пётр;г. Тюмень, д. 6;625000;urban_gas;2;2;;;post;0;2020-01-15
CSV
sbyt -q db init && sbyt -q load branches b.csv && sbyt -q load accounts a.csv &&
psql -Xq -c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-06-15', 500000, 3, 0, '2026-04-10' from account a0 (a)" || exit 1
D="$SBYT_OUT/limit/2026-06-15"
# accts FILE ENTRY: the account numbers an entry names, in order, once each in a row
accts() { unzip -p "$1" "$2" | grep -o '72010000[0-9][0-9]' | uniq | tr '\n' ' '; }

test_expect_success 'the day: six notices' '
	sbyt limit run --as-of 2026-06-15 2> run.log &&
	grep -q "^sbyt limit run: as_of=2026-06-15 notices=6 " run.log
'
test_expect_success 'each register: its own branch, by account' '
	test "$(accts "$D/08/register.xlsx" xl/worksheets/sheet1.xml)" = "7201000002 7201000004 7201000006 " &&
	test "$(accts "$D/09/register.xlsx" xl/worksheets/sheet1.xml)" = "7201000001 7201000003 7201000005 " &&
	test "$(q "select count(*) from limit_event where day = '"'"'2026-06-15'"'"'")" -gt 6
'
test_expect_success 'each package: its channel, by account' '
	test "$(accts "$D/08/notices-post.zip" notices.xml)" = "7201000002 7201000006 " &&
	test "$(accts "$D/08/notices-email.zip" notices.xml)" = "7201000004 " &&
	test "$(accts "$D/09/notices-email.zip" notices.xml)" = "7201000001 " &&
	test "$(accts "$D/09/notices-post.zip" notices.xml)" = "7201000003 " &&
	test "$(accts "$D/09/notices-lkk.zip" notices.xml)" = "7201000005 " &&
	test ! -e "$D/08/notices-lkk.zip"
'
test_done
