#!/bin/sh
# 0889-ingest-lanes: `sbyt ingest` and `sbyt daily` load a file of
# payments alone (qiwi, payments) beside a file of another channel, and
# every other file after the files before it that it could touch
# (lib/ingest_lanes.h): the outcome is that of loading the files one by
# one, in the order given.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
BASE="${PGDATABASE}_base" SER="${PGDATABASE}_serial"
trap 'for d in "$BASE" "$SER"; do dropdb --if-exists "$d" >/dev/null 2>&1; done; cleanup' EXIT
ops_load
createdb -T "$PGDATABASE" "$BASE" && createdb -T "$BASE" "$SER"

IN="$FIX/inbox"
R1="$IN/portal/portal-2026-11.csv"
P1="$IN/payments/payments-2026-11.csv"
S="$IN/sberbank/sber-2026-11-p01.txt"
Q="$IN/qiwi/qiwi-2026-11.csv"
SMS="$IN/sms/sms-2026-11.log"
# P2, of payments too: P1's first payment again (a duplicate only after
# P1), a new one, and one with the id of qiwi's first payment (another
# channel: not a duplicate)
P2="$T/payments-2.csv"
{ echo "txn_id;paid_at;account;sum;period;source"
  echo "CASH-65663252;2026-11-04T16:05:22+05:00;7201000005;1953.42;2026-10;cashdesk"
  echo "LANE-NEW-1;2026-11-20T10:00:00+05:00;7201000005;100.00;2026-11;cashdesk"
  echo "30014831856;2026-11-21T10:00:00+05:00;7201000007;200.00;2026-11;cashdesk"; } > "$P2"
# R2, of the portal: R1's first reading again (a duplicate only after R1)
# and a value below R1's of the same meter zone (decreasing only after R1)
R2="$T/portal-2.csv"
{ echo "account;meter;zone;value;taken_on;source"
  echo "7201000005;012631111085;1;2797;2026-11-30;inspector"
  echo "7201000006;011338888856;1;14000;2026-11-25;lkk"; } > "$R2"
FILES="$R1 $R2 $P1 $P2 $S $Q $SMS"

# what a database holds of the files (by their base names), ids and runs
# left out
state() {
	psql -d "$1" -XAt -c "SELECT channel, source_id, account_id, amount, paid_on, period
		FROM payment ORDER BY 1, 2" \
	  -c "SELECT account_id, meter, zone, value, taken_on, channel, source, status, rollover
		FROM reading ORDER BY 1, 2, 3, 5, 4, 7" \
	  -c "SELECT regexp_replace(f.name, '^.*/', ''), r.line, r.what, r.code
		FROM ingest_reject r JOIN ingest_file f USING (file_id) ORDER BY 1, 2, 3" \
	  -c "SELECT regexp_replace(name, '^.*/', ''), channel, read, accepted, rejected,
		duplicates, held FROM ingest_file ORDER BY 1"
}

# The witness: the first payment of P1 and the first reading of R1 each
# wait in their COPY (up to 10 s) for the other file's COPY to show in
# pg_stat_activity, and write down whether it did (one after the other,
# neither would); then each waits 2 s for a COPY into its own table,
# which must not come (P2 and R2, or S's readings, beside them would
# decide without them).
psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE lane_witness (who text, saw boolean);
CREATE FUNCTION lane_meet(who text, other text, tries int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1..tries LOOP
		IF EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid()
			   AND state = 'active' AND query LIKE 'COPY ' || other || ' %') THEN
			INSERT INTO lane_witness VALUES (who, true);
			RETURN;
		END IF;
		PERFORM pg_sleep(0.1);
	END LOOP;
	INSERT INTO lane_witness VALUES (who, false);
END $$;
CREATE FUNCTION lane_pay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM new_rows WHERE source_id = 'CASH-65663252'
		   AND channel = 'payments') AND NOT EXISTS (SELECT 1 FROM lane_witness) THEN
		PERFORM lane_meet('payments beside readings', 'reading', 100);
		PERFORM lane_meet('payments beside payments', 'payment', 20);
	END IF;
	RETURN NULL;
END $$;
CREATE FUNCTION lane_read() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM new_rows WHERE account_id = 7201000005
		   AND meter = '012631111085' AND taken_on = '2026-11-30') THEN
		PERFORM lane_meet('readings beside payments', 'payment', 100);
		PERFORM lane_meet('readings beside readings', 'reading', 20);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER lane_pay AFTER INSERT ON payment REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION lane_pay();
CREATE TRIGGER lane_read AFTER INSERT ON reading REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION lane_read();
SQL

test_expect_success 'the files one by one, each in its own sbyt ingest (the reference)' '
	for f in $FILES; do PGDATABASE="$SER" sbyt -q --as-of $DAY ingest "$f" || exit 1; done &&
	state "$SER" > serial.txt && test "$(grep -c . serial.txt)" -gt 100 &&
	grep -q "^payments-2.csv|payments|3|2|0|1|0$" serial.txt &&
	grep -q "^portal-2.csv|portal|2|0|1|1|0$" serial.txt
' 2>/dev/null
test_expect_success 'all in one ingest: each file reported in the order given, the same counts' '
	sbyt --as-of $DAY ingest $FILES 2> all.err &&
	sed -n "s/^sbyt ingest: file=\([^ ]*\) \(read=.*\) channel=.*/\1 \2/p" all.err > order &&
	printf "%s\n" $FILES > given && cut -d" " -f1 order | diff - given &&
	grep -q "^$P2 read=3 accepted=2 rejected=0 duplicates=1 held=0$" order &&
	grep -q "^$R2 read=2 accepted=0 rejected=1 duplicates=1 held=0$" order &&
	grep -q "^$R2:3: decreasing: " all.err &&
	grep -q "^sbyt ingest: files=7 " all.err
'
test_expect_success 'the same payments, readings, rejects and counts as one by one' '
	state "$PGDATABASE" > lanes.txt && diff serial.txt lanes.txt
'
test_expect_success 'the file of payments alone was loaded beside the portal file, no other' '
	psql -XtAc "SELECT who FROM lane_witness WHERE saw ORDER BY 1" > saw &&
	grep -q "beside readings\|beside payments" saw && ! grep -q "payments beside payments" saw &&
	! grep -q "readings beside readings" saw
'

# A deadlock: the server ends one of two transactions that wait for each
# other's locks (their payments' triggers clear the same accounts'
# checkpoints); here the first COPY of P2 fails so, once (a sequence is
# not rolled back), and P2 is loaded again, alone.
test_expect_success 'a file chosen to end a deadlock is loaded again, alone: the same outcome' '
	dropdb "$PGDATABASE" && createdb -T "$BASE" "$PGDATABASE" &&
	psql -Xq -v ON_ERROR_STOP=1 -c "CREATE SEQUENCE lane_fault" \
	  -c "CREATE FUNCTION lane_fault() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN
			IF EXISTS (SELECT 1 FROM new_rows WHERE source_id = '"'"'LANE-NEW-1'"'"')
			   AND nextval('"'"'lane_fault'"'"') = 1 THEN
				RAISE EXCEPTION '"'"'deadlock detected (a test)'"'"' USING ERRCODE = '"'"'40P01'"'"';
			END IF;
			RETURN NULL;
		END \$\$" \
	  -c "CREATE TRIGGER lane_fault AFTER INSERT ON payment REFERENCING NEW TABLE AS new_rows
		FOR EACH STATEMENT EXECUTE FUNCTION lane_fault()" &&
	sbyt --as-of $DAY ingest $FILES 2> dl.err &&
	grep -q "^sbyt: .*payments-2.csv. was chosen by the server to end a deadlock" dl.err &&
	test "$(psql -XtAc "SELECT last_value FROM lane_fault")" = 2 &&
	state "$PGDATABASE" > dl.txt && diff serial.txt dl.txt
'
# daily takes the inbox the same way: the channel folders' files in their
# order (sberbank, gazprombank, qiwi, payments, sms, portal), two at a time
test_expect_success 'daily: the inbox as loaded one by one in the folders order' '
	dropdb "$SER" && createdb -T "$BASE" "$SER" &&
	for c in sberbank gazprombank qiwi payments sms portal; do
		for f in "$IN/$c"/*; do
			PGDATABASE="$SER" sbyt -q --as-of $DAY ingest "$f" || exit 1
		done
	done &&
	state "$SER" > inbox-serial.txt &&
	dropdb "$PGDATABASE" && createdb -T "$BASE" "$PGDATABASE" && ops_inbox &&
	sbyt --as-of $DAY daily 2> daily.err &&
	grep -q "^sbyt daily: file=.*/qiwi-2026-11.csv read=" daily.err &&
	test "$(ls "$SBYT_SPOOL/archive/$DAY" | grep -c "\.")" = 6 &&
	state "$PGDATABASE" > inbox-daily.txt && diff inbox-serial.txt inbox-daily.txt
'
test_done
