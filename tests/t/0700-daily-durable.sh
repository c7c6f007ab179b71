#!/bin/sh
# 0700-daily-durable: a file leaves the inbox only when its rows are
# durable, and every file ends ingested exactly once whatever stops the
# daily job: the server stopped as by a power cut right after a file's
# commit (its WAL not flushed by the server's own schedule), the job killed
# between a commit and the archive move, a commit lost after the move (rows
# gone, file in archive/).  Each ends, after a re-run, in the state of an
# uninterrupted run (a copy of the database that ran once, undisturbed).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
pg() { SBYT_VAR="$SBYT_TOP/var" sh "$SBYT_TOP/tools/pg.sh" "$@"; }
REF="${PGDATABASE}_ref"
createdb -T "$PGDATABASE" "$REF"
trap 'dropdb --if-exists "$REF" >/dev/null 2>&1; cleanup' EXIT

# Three payment files of 20,000 lines: file F's ids are F-0..F-19999 over
# the five accounts of ingest-setup (7201000123..7201000127), sums 1.00 up.
mkfiles() { # spool
	mkdir -p "$1/inbox/payments"
	for f in 1 2 3; do
		awk -v f=$f 'BEGIN { print "txn_id;paid_at;account;sum;period;source";
			for (i = 0; i < 20000; i++)
				printf "P%d-%d;2026-11-20;720100012%d;%d.00;2026-11;post\n", f, i, 3 + i % 5, 1 + i % 977 }' \
			> "$1/inbox/payments/pay-$f.csv"
	done
}
# What the tables hold, ids and runs aside.
state() { # database
	psql -XtA -d "$1" -c "SELECT account_id, channel, source_id, paid_on, amount, period FROM payment ORDER BY source_id" | md5sum
	psql -XtA -d "$1" -c "SELECT sha256, channel, read, accepted, rejected, duplicates, held FROM ingest_file ORDER BY sha256"
}
mkfiles ref
SBYT_SPOOL=ref PGDATABASE=$REF sbyt $AS daily 2>/dev/null
state "$REF" > want

test_expect_success 'the uninterrupted run: 60000 payments, 3 files archived' '
	test "$(psql -XtA -d "$REF" -c "SELECT count(*) FROM payment")" = 60000 &&
	test "$(ls ref/archive/2026-12-01 | wc -l)" = 3 && test "$(ls ref/inbox/payments | wc -l)" = 0
'

# 1. The server stops as by a power cut right after pay-1.csv committed.
# The server flushes an asynchronous commit within wal_writer_delay, here
# 10 s; the job's commit must not wait for it.  The job is held 6 s at its
# first rename (the archive move of pay-1.csv) so that the stop comes
# between the commit and the move, long before the server's own flush.
mkfiles s1
psql -Xq -d postgres -c "ALTER SYSTEM SET wal_writer_delay = '10s'" -c "SELECT pg_reload_conf()" >/dev/null
SBYT_SPOOL=s1 strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
	-e inject=rename,renameat,renameat2:delay_enter=6000000:when=1 sbyt $AS daily 2>s1.err &
job=$!
for i in $(seq 1 300); do
	[ "$(psql -XtAc "SELECT count(*) FROM ingest_file" 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
pg crash
wait $job; echo "daily exited $?" >> s1.err
pg start 2>/dev/null
psql -Xq -d postgres -c "ALTER SYSTEM RESET wal_writer_delay" -c "SELECT pg_reload_conf()" >/dev/null
test_expect_success 'power cut after a commit: the file committed is still there' '
	cat s1.err &&
	test "$(psql -XtAc "SELECT count(*) FROM payment WHERE source_id LIKE chr(80) || chr(49) || chr(45) || chr(37)")" = 20000 &&
	test -f s1/archive/2026-12-01/pay-1.csv && test -f s1/inbox/payments/pay-2.csv &&
	! grep -q "daily exited 0" s1.err
'
test_expect_success 'power cut: the re-run ends as an uninterrupted run' '
	SBYT_SPOOL=s1 sbyt $AS daily 2>err && grep -q "archived=2" err &&
	state "$PGDATABASE" > got && diff want got &&
	test "$(ls s1/archive/2026-12-01 | wc -l)" = 3 && test "$(ls s1/inbox/payments | wc -l)" = 0
'

# 2. The job is killed between a commit and the archive move: the file is
# still in the inbox and committed; the re-run finds it ingested (a no-op)
# and archives it.
reset_ingest
mkfiles s2
test_expect_success 'killed between the commit and the move: nothing moved, the rows kept' '
	SBYT_SPOOL=s2 strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
		-e inject=rename,renameat,renameat2:signal=KILL:when=1 sbyt $AS daily 2>err;
	test -f s2/inbox/payments/pay-1.csv && test ! -e s2/archive/2026-12-01/pay-1.csv &&
	test "$(psql -XtAc "SELECT count(*) FROM ingest_file")" = 1
'
test_expect_success 'killed before the move: the re-run ends as an uninterrupted run' '
	SBYT_SPOOL=s2 sbyt $AS daily 2>err && grep -q "pay-1.csv.*status=noop" err &&
	state "$PGDATABASE" > got && diff want got &&
	test "$(ls s2/archive/2026-12-01 | wc -l)" = 3 && test "$(ls s2/inbox/payments | wc -l)" = 0
'

# 3. A commit lost after the move (a server whose commits were not
# durable, a database restored from a backup): pay-2.csv is in archive/,
# its rows are gone.  The next daily ingests it again where it lies.
test_expect_success 'a file archived without its rows is ingested again, once' '
	psql -Xq -c "DELETE FROM payment WHERE source_id LIKE chr(80) || chr(50) || chr(45) || chr(37)" \
		-c "DELETE FROM ingest_file WHERE name LIKE chr(37) || chr(112) || chr(97) || chr(121) || chr(45) || chr(50) || chr(46) || chr(99) || chr(115) || chr(118)" &&
	test "$(psql -XtAc "SELECT count(*) FROM payment")" = 40000 &&
	SBYT_SPOOL=s2 sbyt --as-of 2026-12-02 daily 2>err &&
	grep -q "archive/2026-12-01/pay-2.csv. is archived but its rows are not in the database" err &&
	grep -q "recovered=1" err &&
	state "$PGDATABASE" > got && diff want got &&
	SBYT_SPOOL=s2 sbyt --as-of 2026-12-03 daily 2>err && grep -q "files=0 .*recovered=0" err
'
# 4. A file in archive/ that the database does not hold and that is no
# longer a file ingest takes (put there by hand, or damaged): it is tried
# once, refused into rejected/ with its .why, and the next daily does not
# see it again.
test_expect_success 'an archived file refused when ingested again goes to rejected/ with its .why' '
	printf "what;is;this\n1;2;3\n" > s2/archive/2026-12-01/junk.csv &&
	SBYT_SPOOL=s2 sbyt --as-of 2026-12-04 daily 2>err; echo $? > rc; cat err &&
	test "$(cat rc)" = 65 &&
	grep -q "archive/2026-12-01/junk.csv. is archived but its rows are not in the database" err &&
	grep -q "junk.csv. refused: moved to" err &&
	test -f s2/rejected/junk.csv && test -s s2/rejected/junk.csv.why &&
	test ! -e s2/archive/2026-12-01/junk.csv &&
	state "$PGDATABASE" > got && diff want got &&
	SBYT_SPOOL=s2 sbyt --as-of 2026-12-05 daily 2>err && grep -q "files=0 .*recovered=0" err
'
test_done
