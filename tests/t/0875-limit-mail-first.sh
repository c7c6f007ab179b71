#!/bin/sh
# 0875-limit-mail-first: the run writes the day's e-mail packages first (an
# e-mail counts as sent once its package is written), records the day as
# written but not complete, takes the e-mailed accounts on (a second pass),
# then writes the whole day once and records it complete (issue 18 item 3,
# sql/210).  A run that stops between the two (here: the post package cannot
# be published, a folder stands in its place: exit 74) leaves the day
# incomplete with the e-mail sent (the grid requests, written after the
# notices, are not; the register, written beside them by another thread,
# may be); the next day's run writes the day whole
# (a catch-up), the e-mail keeps its sending day, and the packages of the
# day are those of an uninterrupted run in a second database.
# Dates (2026 calendar): warning e-mailed Mon 06-15, delivered 06-15;
# 06-15 + 20 = Sun 07-05, the window ends Mon 07-06: partial Tue 07-07,
# its request issued on 06-15 by the second pass.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
printf 'code;name;address;phone\n09;Участок;г. Тюмень;+73452000009\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7209000001;09;individual;Почтов Иван;г. Тюмень, д. 1;625000;urban_gas;2;2;;ivan@x.example;email;0;2020-01-15
7209000002;09;individual;Письмов Олег;г. Тюмень, д. 2;625000;urban_gas;2;2;;;post;0;2020-01-15
CSV
setup() {
	sbyt -q db init && sbyt -q load branches b.csv && sbyt -q load accounts a.csv &&
	psql -Xq -c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
	 select a, '2026-06-15', 500000, 3, 0, '2026-04-10' from generate_series(7209000001, 7209000002) a"
}
setup || exit 1
B="${PGDATABASE}_b"
createdb "$B" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; cleanup' EXIT
PGDATABASE=$B setup || exit 1
day="$SBYT_OUT/limit/2026-06-15/09"
# entries DIR: the XML/CSV entries of the packages under DIR, in order
entries() {
	find "$1" -name '*.zip' | sort | while read -r z; do
		echo "== ${z#$1}"; unzip -p "$z" notices.xml requests.xml mailing.csv 2>/dev/null || :
	done
}

test_expect_success 'uninterrupted in the second database: the day complete, written once' '
	PGDATABASE=$B SBYT_OUT=$T/b sbyt limit run --as-of 2026-06-15 2> b.log &&
	grep -q "notices=2 requests=1 .* packages=3 " b.log &&
	test "$(psql -d "$B" -XAtq -c "select written_on||chr(32)||packages||chr(32)||complete from limit_day_written")" = "2026-06-15 3 true"
'
# The second pass writes again only the rows it changed (the server's
# counts of the run, sent when its connection ends: inserted, updated,
# deleted).  The e-mailed notice, delivered by the e-mail (an UPDATE
# before the pass), is loaded as it then is and left in place: 2 notices
# copied, 1 updated, none deleted (each loaded case's notices were deleted
# and copied again before: 3 1 1).  Steps: the first pass copied the two
# warnings; the second deletes the e-mailed one, now done, and copies it
# with the two steps after it: 5 0 1.
counts() { psql -d "$B" -XAtq -c "select n_tup_ins||chr(32)||n_tup_upd||chr(32)||n_tup_del
	from pg_stat_user_tables where relname = '$1'"; }
test_expect_success 'the second pass writes again only the rows it changed' '
	for i in $(seq 50); do
		[ "$(counts limit_request)" = "1 0 0" ] && break; sleep 0.1
	done &&
	test "$(counts limit_notice)" = "2 1 0" &&
	test "$(counts limit_step)" = "5 0 1"
'
# On Tue 07-07 the partial limitation takes effect: of the e-mailed
# account's case only that step changes (scheduled -> done); it alone is
# deleted and copied again, the warning and the full notice's step stay,
# as do the notice and the request (the code before wrote the case's
# three steps, its notice and its request again: 8 0 4, 4 1 2, 2 0 1).
test_expect_success 'Tue 07-07: of the case only the partial step, now done, is written again' '
	PGDATABASE=$B SBYT_OUT=$T/b sbyt limit run --as-of 2026-07-07 2> b7.log &&
	for i in $(seq 50); do
		[ "$(counts limit_case)" = "2 2 0" ] && break; sleep 0.1
	done &&
	test "$(counts limit_step)" = "6 0 2" &&
	test "$(counts limit_notice)" = "2 1 0" &&
	test "$(counts limit_request)" = "1 0 0" &&
	test "$(psql -d "$B" -XAtq -c "select name||chr(32)||state||chr(32)||date from limit_step
		where account_id = 7209000001 and name = '"'partial'"'")" = "partial done 2026-07-07"
'
test_expect_code 74 'the run of 06-15 stops after the e-mail package: the post one cannot be published' '
	mkdir -p "$day/notices-post.zip/x" &&
	sbyt limit run --as-of 2026-06-15
'
test_expect_success 'the day is written but not complete; the e-mail went out and took its account on' '
	test "$(q "select written_on||chr(32)||complete from limit_day_written")" = "2026-06-15 false" &&
	unzip -p "$day/notices-email.zip" notices.xml | grep -q "id=\"N7209000001-1-1\"" &&
	test ! -e "$day/grid-requests.zip" &&
	test "$(q "select delivered from limit_notice where account_id = 7209000001")" = 2026-06-15 &&
	requests 7209000001 > r && printf "%s\n" "partial 2026-07-07 2026-06-15" | diff - r
'
test_expect_success 'the run of 06-16 writes the day whole first; the e-mail keeps its day' '
	rm -r "$day/notices-post.zip" &&
	sbyt limit run --as-of 2026-06-16 2> run.log &&
	grep -q "^sbyt limit run: as_of=2026-06-16 .* caught_up=1$" run.log &&
	test "$(q "select day||chr(32)||written_on||chr(32)||complete from limit_day_written order by day" | tr "\n" " ")" = "2026-06-15 2026-06-15 true 2026-06-16 2026-06-16 true " &&
	unzip -p "$day/notices-post.zip" notices.xml | grep -q "id=\"N7209000002-1-1\"" &&
	unzip -p "$day/grid-requests.zip" requests.xml | grep -q "action=\"partial\" date=\"2026-07-07\"" &&
	test -s "$day/register.xlsx" &&
	test "$(q "select delivered from limit_notice where account_id = 7209000001")" = 2026-06-15 &&
	nopast > past && empty past
'
test_expect_success 'the packages of 06-15 are those of the uninterrupted run' '
	entries "$T/b/limit/2026-06-15" > b.ent && entries "$T/out/limit/2026-06-15" > a.ent &&
	test "$(grep -c "^== " b.ent)" = 3 && diff b.ent a.ent &&
	test -z "$(find "$SBYT_OUT" -name "*.tmp*" -o -name "*.parts-*")"
'
test_done
