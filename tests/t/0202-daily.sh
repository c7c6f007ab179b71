#!/bin/sh
# 0202-daily: the inbox stage of the daily job: the spool folders, archive
# and rejected/ with .why, files still being written left alone.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
C="$SBYT_TOP/tests/corpus"
export SBYT_SPOOL="$T/spool"
in="$SBYT_SPOOL/inbox"
mkdir -p "$in/sberbank" "$in/portal" "$in/visa"
cp "$C/sber_crlf.txt" "$in/sberbank/reg-a.txt"
cp "$C/sber_count_plus1.txt" "$in/sberbank/reg-b.txt"
printf 'account;meter;zone;value;taken_on;source\n7201000123;;1;4100;2026-11-20;lkk\n' > "$in/portal/p.csv.part"
cp "$in/portal/p.csv.part" "$in/portal/.p2.csv"
echo 'x' > "$in/visa/v.txt"

test_expect_code 65 'daily takes the inbox; a refused file makes it exit 65' '
	sbyt daily --as-of 2026-12-01 2>err
'
test_expect_success 'a loaded file is archived under the as-of date' '
	test -f "$SBYT_SPOOL/archive/2026-12-01/reg-a.txt" && test ! -e "$in/sberbank/reg-a.txt" &&
	grep -q "sbyt daily: file=.*reg-a.txt read=3 accepted=3 rejected=0 duplicates=0 held=0" err
'
test_expect_success 'a refused file goes to rejected/ with a .why' '
	test -f "$SBYT_SPOOL/rejected/reg-b.txt" &&
	grep -q "trailer count 4 does not match 3 payment lines" "$SBYT_SPOOL/rejected/reg-b.txt.why" &&
	test "$(stat -c %a "$SBYT_SPOOL/rejected/reg-b.txt.why")" = 640
'
test_expect_success 'a file in a folder that names no channel is refused too' '
	test -f "$SBYT_SPOOL/rejected/v.txt" && grep -q "names no channel" "$SBYT_SPOOL/rejected/v.txt.why"
'
test_expect_success 'files still being written (.part, dot files) are left alone' '
	test -f "$in/portal/p.csv.part" && test -f "$in/portal/.p2.csv" &&
	test "$(psql -XtAc "SELECT count(*) FROM reading WHERE source = chr(108) || chr(107) || chr(107)")" = 0
'
test_expect_success 'the summary line counts the stage' '
	grep -q "sbyt daily: stages=inbox,service,debt,limit files=3 archived=1 refused=2 read=" err
'
test_expect_success 'once renamed, the file is taken on the next run' '
	mv "$in/portal/p.csv.part" "$in/portal/p.csv" &&
	sbyt daily --as-of 2026-12-01 2>err2 &&
	test -f "$SBYT_SPOOL/archive/2026-12-01/p.csv" &&
	grep -q "archived=1 refused=0" err2
'
test_expect_success 'the same file again is a no-op and is archived beside the first' '
	cp "$C/sber_crlf.txt" "$in/sberbank/reg-a.txt" &&
	sbyt daily --as-of 2026-12-01 2>err3 &&
	grep -q "status=noop" err3 &&
	test -f "$SBYT_SPOOL/archive/2026-12-01/reg-a.txt.1" &&
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 3
'
test_expect_code 75 'daily while an ingest holds the lock exits 75' '
	psql -Xq -c "SELECT pg_advisory_lock(hashtext('"'sbyt:ingest'"')), pg_sleep(3)" >/dev/null &
	sleep 1 && sbyt daily --as-of 2026-12-01 2>err4; rc=$?; wait; exit $rc
'
test_done
