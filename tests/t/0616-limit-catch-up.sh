#!/bin/sh
# 0616-limit-catch-up: a day counts as done only once its packages are
# written (issue 16 item 3).  The run of Mon 06-15 commits its cases but
# cannot write its packages (the output folder is a file: exit 73); the run
# of Tue 06-16 first writes the packages of 06-15 (a catch-up, said in its
# summary), and the e-mailed warning of 06-15, not sent on 06-15, counts as
# sent, so delivered, on 06-16 when its package was written.  Dates from the
# 2026 calendar: 06-16 + 20 = Mon 07-06, working: partial Tue 07-07.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init
printf 'code;name;address;phone\n09;Участок;г. Тюмень;+73452000009\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7209000001;09;individual;Почтов Иван;г. Тюмень, д. 1;625000;urban_gas;2;2;;ivan@x.example;email;0;2020-01-15
7209000002;09;individual;Письмов Олег;г. Тюмень, д. 2;625000;urban_gas;2;2;;;post;0;2020-01-15
CSV
sbyt -q load branches b.csv && sbyt -q load accounts a.csv || exit 1
psql -Xq -c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-06-15', 500000, 3, 0, '2026-04-10' from generate_series(7209000001, 7209000002) a" || exit 1

test_expect_code 73 'the run of 06-15 cannot write its packages' '
	touch notafolder && SBYT_OUT=$T/notafolder sbyt limit run --as-of 2026-06-15
'
test_expect_success 'its cases are committed, the day is not done, nothing e-mailed' '
	test "$(q "select count(*) from limit_notice")" = 2 &&
	test "$(q "select count(*) from limit_day_written")" = 0 &&
	test "$(q "select coalesce(delivered::text, chr(45)) from limit_notice where account_id = 7209000001")" = - &&
	! test -e "$SBYT_OUT/limit/2026-06-15"
'
test_expect_success 'the run of 06-16 writes the packages of 06-15 first' '
	sbyt limit run --as-of 2026-06-16 2> run.log &&
	grep -q "^sbyt limit run: as_of=2026-06-16 .* caught_up=1$" run.log &&
	grep -q "catch-up" run.log &&
	zipxml 2026-06-15 09 notices-email notices.xml | grep -q "id=\"N7209000001-1-1\"" &&
	zipxml 2026-06-15 09 notices-post notices.xml | grep -q "id=\"N7209000002-1-1\"" &&
	test "$(q "select day||chr(32)||written_on from limit_day_written order by day" | tr "\n" " ")" = "2026-06-15 2026-06-16 2026-06-16 2026-06-16 "
'
test_expect_success 'the e-mail counts as sent on 06-16: partial from it' '
	test "$(q "select delivered from limit_notice where account_id = 7209000001")" = 2026-06-16 &&
	requests 7209000001 > r && printf "%s\n" "partial 2026-07-07 2026-06-16" | diff - r &&
	nopast > past && empty past
'
test_expect_success 'a run of a day already done writes nothing earlier again' '
	sbyt limit run --as-of 2026-06-17 2> run2.log &&
	grep -q "caught_up=0$" run2.log
'
test_done
