#!/bin/sh
# 0200-ingest: every corpus file with its exit status and message, exact
# counts of hand-made files, no-op re-ingest, duplicates across files,
# rejects files, kill -9 and re-run, two concurrent runs.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
C="$SBYT_TOP/tests/corpus"
AS="--as-of 2026-12-01"

# Every corpus file on a clean slate: exit status, and the message fragment
# on stderr (a file-level fault, a FILE:LINE: code reject, or the summary).
while IFS='	' read -r file chan code frag; do
	case $file in '#'*|'') continue ;; esac
	opt="--channel $chan"
	[ "$chan" = auto ] && opt=""
	test_expect_code "$code" "corpus $file exits $code" "
		reset_ingest && sbyt $AS ingest $opt '$C/$file' 2>'$T/err.$file'
	"
	want=$frag
	test_expect_success "corpus $file says: $frag" '
		grep -qF -- "$want" "$T/err.$file"
	'
	if [ "$code" = 65 ]; then
		test_expect_success "corpus $file loaded nothing" "
			test \$(psql -XtAc 'SELECT (SELECT count(*) FROM payment) + (SELECT count(*) FROM reading)
				+ (SELECT count(*) FROM delivery) + (SELECT count(*) FROM ingest_file)') = 0
		"
	fi
done < "$C/EXPECTED"

# A registry by hand: 100,00 + 200,00 + 50,00 + 200,00 + 10,00 = 560,00.
# S-1 ok, S-2 ok, S-3 unknown account, S-2 again (duplicate in the file),
# S-5 dated 31/02 (bad_date): read 5 = accepted 2 + rejected 2 + duplicates 1.
printf '%s\r\n' \
	'20/11/2026;10-00-00;8647;1;S-1;7201000123;X;Y;102026;100,00;0,00;' \
	'20/11/2026;10-01-00;8647;1;S-2;7201000124;X;Y;102026;200,00;0,00;' \
	'20/11/2026;10-02-00;8647;1;S-3;7209999999;X;Y;102026;50,00;0,00;' \
	'20/11/2026;10-03-00;8647;1;S-2;7201000125;X;Y;102026;200,00;0,00;' \
	'31/02/2026;10-04-00;8647;1;S-5;7201000123;X;Y;102026;10,00;0,00;' \
	'=5;560,00;0,00;777;21/11/2026' > reg1.txt
# Overlapping: S-2 again (duplicate of the first file), S-6 has the account,
# sum and date of S-1 but its own id (kept): 200,00 + 100,00 = 300,00.
printf '%s\n' \
	'20/11/2026;10-01-00;8647;1;S-2;7201000124;X;Y;102026;200,00;0,00;' \
	'20/11/2026;10-00-00;8647;1;S-6;7201000123;X;Y;102026;100,00;0,00;' \
	'=2;300,00;0,00;778;21/11/2026' > reg2.txt

test_expect_success 'a registry gives its exact counts' '
	reset_ingest && sbyt $AS ingest reg1.txt 2>err &&
	grep -qx "sbyt ingest: file=reg1.txt read=5 accepted=2 rejected=2 duplicates=1 held=0 channel=sberbank status=ingested" err &&
	grep -qx "reg1.txt:3: unknown_account: account 7209999999 is not known" err &&
	grep -qx "reg1.txt:5: bad_date: date is not a real dd/mm/yyyy date" err
'
test_expect_success 'the payments are in the database with their sums' '
	test "$(psql -XtAc "SELECT string_agg(source_id || chr(61) || amount, chr(44) ORDER BY source_id) FROM payment")" = "S-1=10000,S-2=20000"
'
test_expect_success 'rejected lines are written back in the bank format (CP1251, trailer), mode 0640' '
	f=$(echo out/rejects/reg1.*.rejects.txt) && test -f "$f" &&
	test "$(stat -c %a $f)" = 640 &&
	test "$(sed -n 1p $f | tr -d "\r")" = "20/11/2026;10-02-00;8647;1;S-3;7209999999;X;Y;102026;50,00;0,00;;unknown_account" &&
	test "$(sed -n 2p $f | tr -d "\r")" = "31/02/2026;10-04-00;8647;1;S-5;7201000123;X;Y;102026;10,00;0,00;;bad_date" &&
	test "$(sed -n 3p $f)" = "=2;60,00;0,00;777;21/11/2026"
'
test_expect_success 'the same file again is a no-op that says so, with the same counts' '
	sbyt $AS ingest reg1.txt 2>err &&
	grep -q "was ingested before" err &&
	grep -qx "sbyt ingest: file=reg1.txt read=5 accepted=2 rejected=2 duplicates=1 held=0 channel=sberbank status=noop" err &&
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 2
'
test_expect_success 'an overlapping file: shared ids are duplicates, look-alikes are kept' '
	sbyt $AS ingest reg2.txt 2>err &&
	grep -q "file=reg2.txt read=2 accepted=1 rejected=0 duplicates=1 held=0" err &&
	test "$(psql -XtAc "SELECT count(*) FROM payment WHERE account_id = 7201000123 AND amount = 10000")" = 2 &&
	! ls out/rejects/reg2.* 2>/dev/null
'
test_expect_success 'several files end with a total line' '
	reset_ingest && sbyt $AS ingest reg1.txt reg2.txt 2>err &&
	grep -qx "sbyt ingest: files=2 read=7 accepted=3 rejected=2 duplicates=2 held=0 noop=0 refused=0" err
'
test_expect_code 65 'a refused file among good ones: the others load, exit 65' '
	reset_ingest && sbyt $AS ingest reg1.txt "$C/sber_count_plus1.txt" reg2.txt 2>err
'
test_expect_success 'and the good ones were loaded' '
	grep -q "files=3 read=10 accepted=3 rejected=5 duplicates=2 held=0 noop=0 refused=1" err &&
	test "$(psql -XtAc "SELECT count(*) FROM ingest_file")" = 2
'
test_expect_code 66 'a missing file exits 66' 'sbyt $AS ingest nowhere.txt'
test_expect_code 64 'an unknown channel is a usage error' 'sbyt ingest --channel visa reg1.txt'
test_expect_success 'the run record carries the files and counts' '
	test "$(psql -XtAc "SELECT count(*) FROM run_file f JOIN run r USING (run_id) WHERE r.command = '"'ingest'"' AND f.direction = '"'out'"'")" -ge 1
'

# A large file: kill -9 part way, then run again; the end state and the
# counts equal an uninterrupted run's.  200,000 payments cycling over three
# accounts, 1.00 + ... each i kopecks + 100.
awk 'BEGIN { print "txn_id;paid_at;account;sum;period;source";
	for (i = 1; i <= 200000; i++) printf "B-%d;2026-11-19;72010001%d;%d.%02d;2026-10;post\n", i, 23 + i % 3, 1 + i % 50, i % 100 }' > big.csv
wait_unlocked() {
	for i in $(seq 1 100); do
		n=$(psql -XtAc "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
test_expect_success 'an uninterrupted run of a large file' '
	reset_ingest && sbyt $AS ingest big.csv 2>ref.err &&
	grep -q "read=200000 accepted=200000 rejected=0 duplicates=0 held=0" ref.err &&
	psql -XtAc "SELECT count(*), sum(amount) FROM payment" > ref.db
'
test_expect_success 'killed with SIGKILL and run again: the same counts and rows' '
	reset_ingest &&
	{ sbyt $AS ingest big.csv 2>/dev/null & pid=$!; } &&
	sleep 0.4 && kill -9 $pid; wait $pid 2>/dev/null;
	wait_unlocked &&
	sbyt $AS ingest big.csv 2>again.err &&
	grep -q "read=200000 accepted=200000 rejected=0 duplicates=0 held=0" again.err &&
	psql -XtAc "SELECT count(*), sum(amount) FROM payment" > again.db &&
	cmp ref.db again.db
'
test_expect_code 75 'two concurrent ingests: the second exits 75' '
	reset_ingest &&
	{ sbyt $AS ingest big.csv 2>/dev/null & pid=$!; } &&
	for i in $(seq 1 50); do
		test "$(psql -XtAc "SELECT count(*) FROM pg_locks WHERE locktype = '"'advisory'"' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" = 1 && break
		sleep 0.05
	done &&
	sbyt $AS ingest reg1.txt 2>lock.err; rc=$?; wait $pid; exit $rc
'
test_expect_success 'and says retry later' 'grep -q "another .ingest. run holds the lock" lock.err'
test_done
