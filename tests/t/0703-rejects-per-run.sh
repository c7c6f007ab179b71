#!/bin/sh
# 0703-rejects-per-run: one rejects file per input file and run,
# OUT/rejects/STEM.RUN.FILE.rejects.EXT (RUN: the run that ingested the
# file, FILE its id), written before the commit under a temporary name and
# renamed after it.  A sender's daily pay.csv keeps each day's rejects; two
# files named pay.csv in one run keep theirs each (before, the second
# replaced the first's); a run killed between its commit and the rename
# leaves no rejects file, and the re-run (a no-op for the file) writes it,
# the same bytes, under the first run's id.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
export SBYT_SPOOL="$T/spool"
in="$SBYT_SPOOL/inbox/payments"
mkdir -p "$in"
H='txn_id;paid_at;account;sum;period;source'
key() { # RUN.FILE of the file ingested first (ASC) or last (DESC)
	psql -XtAc "SELECT run_id || '.' || file_id FROM ingest_file ORDER BY file_id $1 LIMIT 1"
}
day1() { printf '%s\n' "$H" 'A-1;2026-11-20;7201000123;100.00;2026-11;post' \
	'A-2;2026-11-20;7209999999;5.00;2026-11;post'; }
day2() { printf '%s\n' "$H" 'B-1;2026-11-21;7201000124;200.00;2026-11;post' \
	'B-2;2026-11-21;7209999998;7.00;2026-11;post'; }

test_expect_success 'two days of pay.csv: two rejects files, each its own day'"'"'s line' '
	day1 > "$in/pay.csv" && sbyt daily --as-of 2026-12-01 2>err1 &&
	day2 > "$in/pay.csv" && sbyt daily --as-of 2026-12-02 2>err2 &&
	r1=$(key ASC) && r2=$(key DESC) &&
	test "${r1%.*}" != "${r2%.*}" &&
	test "$(cat out/rejects/pay.$r1.rejects.csv)" = "txn_id;paid_at;account;sum;period;source;reject
A-2;2026-11-20;7209999999;5.00;2026-11;post;unknown_account" &&
	test "$(cat out/rejects/pay.$r2.rejects.csv)" = "txn_id;paid_at;account;sum;period;source;reject
B-2;2026-11-21;7209999998;7.00;2026-11;post;unknown_account" &&
	test "$(stat -c %a out/rejects/pay.$r1.rejects.csv)" = 640 &&
	test "$(ls out/rejects | wc -l)" = 2
'
cp out/rejects/pay.*.rejects.csv . 2>/dev/null
test_expect_success 'two files named pay.csv in one run: a rejects file each, its own line' '
	reset_ingest && rm -rf out/rejects && mkdir -p a b && day1 > a/pay.csv && day2 > b/pay.csv &&
	sbyt ingest --channel payments a/pay.csv b/pay.csv 2>err &&
	r1=$(key ASC) && r2=$(key DESC) && test "${r1%.*}" = "${r2%.*}" &&
	test "$(tail -n +2 out/rejects/pay.$r1.rejects.csv)" = "A-2;2026-11-20;7209999999;5.00;2026-11;post;unknown_account" &&
	test "$(tail -n +2 out/rejects/pay.$r2.rejects.csv)" = "B-2;2026-11-21;7209999998;7.00;2026-11;post;unknown_account" &&
	test "$(ls out/rejects | wc -l)" = 2
'
# A sender's name of 240 characters: the rejects file's name, with the run,
# the file id, ".rejects" and the temporary's dot and ".tmp", would pass a
# file name's 255 bytes (the file could never be ingested: it failed at
# creating the temporary, exit 73); the stem is cut to fit, the rest kept.
test_expect_success 'a 240-character name: ingested, its rejects file named within 255 bytes' '
	reset_ingest && rm -rf out/rejects && mkdir -p long &&
	stem=$(printf "%0240d" 0 | tr 0 p) && day1 > "long/$stem.csv" &&
	{ sbyt ingest --channel payments "long/$stem.csv" 2>err; rc=$?; } && test $rc = 0 -o $rc = 65 &&
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 1 &&
	r=$(key ASC) && f=$(ls out/rejects) &&
	test "${#f}" -le 250 && case "$f" in ppp*.$r.rejects.csv) ;; *) false ;; esac &&
	test "$(tail -n +2 "out/rejects/$f")" = "A-2;2026-11-20;7209999999;5.00;2026-11;post;unknown_account"
'
test_expect_success 'an "extension" of more than 16 bytes stays in the name, as part of the stem' '
	reset_ingest && rm -rf out/rejects &&
	day1 > long/reg.payments_registry_november_part1 &&
	{ sbyt ingest --channel payments long/reg.payments_registry_november_part1 2>err; rc=$?; } &&
	test $rc = 0 -o $rc = 65 && r=$(key ASC) &&
	test "$(ls out/rejects)" = "reg.payments_registry_november_part1.$r.rejects"
'
# A name beginning with a dot: its rejects file was hidden (".csv" gave
# ".csv.RUN.FILE.rejects", which ls does not show); the leading dots are
# left out, and a name of dots alone gives "file".
test_expect_success 'the rejects file of ".csv", ".pay.csv" or "..." is not hidden' '
	reset_ingest && rm -rf out/rejects && mkdir -p dots &&
	day1 > dots/.csv && day2 > dots/.pay.csv && day1 | sed s/A-/C-/ > dots/... &&
	{ sbyt ingest --channel payments dots/.csv dots/.pay.csv dots/... 2>err; rc=$?; } &&
	test $rc = 0 -o $rc = 65 && run=$(key ASC) && run=${run%.*} &&
	f=$(psql -XtAc "SELECT string_agg(file_id::text, chr(32) ORDER BY file_id) FROM ingest_file") &&
	set -- $f && test $# = 3 &&
	printf "%s\n" "csv.$run.$1.rejects" "file.$run.$3.rejects" "pay.$run.$2.rejects.csv" > want &&
	ls -A out/rejects > got && diff -u want got &&
	test "$(tail -n +2 out/rejects/pay.$run.$2.rejects.csv)" = "B-2;2026-11-21;7209999998;7.00;2026-11;post;unknown_account"
'
# Killed at its first rename: the rejects file's (after the commit, before
# the archive move).
test_expect_success 'killed between the commit and the rename: no rejects file yet' '
	reset_ingest && rm -rf out/rejects "$SBYT_SPOOL" && mkdir -p "$in" && day1 > "$in/pay.csv" &&
	strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:signal=KILL:when=1 sbyt daily --as-of 2026-12-01 2>err;
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 1 &&
	test -f "$in/pay.csv" && ! ls out/rejects/pay.*.rejects.csv 2>/dev/null
'
test_expect_success 'the re-run writes it, the same bytes, under the run that ingested the file' '
	r=$(key ASC) &&
	sbyt daily --as-of 2026-12-01 2>err && grep -q "status=noop" err &&
	cmp out/rejects/pay.$r.rejects.csv "$(ls pay.*.rejects.csv | head -1)" &&
	test "$(stat -c %a out/rejects/pay.$r.rejects.csv)" = 640 &&
	test -f "$SBYT_SPOOL/archive/2026-12-01/pay.csv"
'
test_expect_success 'a rejects file present is left as it is' '
	cp "$SBYT_SPOOL/archive/2026-12-01/pay.csv" "$in/pay.csv" &&
	before=$(stat -c %Y.%i out/rejects/pay.*.rejects.csv) &&
	sbyt daily --as-of 2026-12-01 2>err && grep -q "status=noop" err &&
	test "$(stat -c %Y.%i out/rejects/pay.*.rejects.csv)" = "$before"
'
# Killed before the commit, at the first fsync (the temporary rejects
# file's): nothing of the file is kept, its temporary file is left; the
# next run ingests the file anew and removes the leftover.
test_expect_success 'killed before the commit: the next run ingests anew, no leftover' '
	reset_ingest && rm -rf out/rejects "$SBYT_SPOOL" && mkdir -p "$in" && day1 > "$in/pay.csv" &&
	strace -f -o /dev/null -e trace=fsync,fdatasync \
		-e inject=fsync,fdatasync:signal=KILL:when=1 sbyt daily --as-of 2026-12-01 2>err;
	test "$(psql -XtAc "SELECT count(*) FROM ingest_file")" = 0 &&
	ls -a out/rejects | grep -q "^\.pay\..*\.rejects\.csv\.tmp$" &&
	sbyt daily --as-of 2026-12-01 2>err && grep -q "pay.csv.*status=ingested" err &&
	r=$(key ASC) &&
	cmp out/rejects/pay.$r.rejects.csv "$(ls pay.*.rejects.csv | head -1)" &&
	test "$(ls -A out/rejects)" = "pay.$r.rejects.csv"
'
test_done
