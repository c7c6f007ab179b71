#!/bin/sh
# 0205-ingest-chunks: ingest decides a file 8192 record lines at a time; a
# line is decided against what was kept before it, in the database or
# earlier in the same file, whether that is in its own chunk or an earlier
# one.  The same readings give the same outcomes in one chunk and across a
# chunk boundary.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }

P='account;meter;zone;value;taken_on;source'
# The readings of meter M-7201000123 (initial 4000):
#   4100 on 09-20: accepted (100 over the initial value)
#   4100 on 09-20 again: duplicate
#   4050 on 10-01: decreasing (below 4100 by 50, far from a 6-digit rollover)
#   4200 on 10-26: accepted
#   6000 on 11-20: held: window 2025-11-20..2026-11-19 holds 4100 (09-20) and
#     4200 (10-26): 100 kWh in 36 days = 100 x 30.4375 / 36 = 84.549 kWh a
#     month; 1800 > 1000 and 1800 > 10 x 84.549 = 845.49.
readings() {
	printf '%s\n' \
		'7201000123;M-7201000123;1;4100;2026-09-20;lkk' \
		'7201000123;M-7201000123;1;4100;2026-09-20;lkk' \
		'7201000123;M-7201000123;1;4050;2026-10-01;lkk' \
		'7201000123;M-7201000123;1;4200;2026-10-26;lkk' \
		'7201000123;M-7201000123;1;6000;2026-11-20;lkk'
}
# Filler: lines of an unknown account, each rejected.
filler() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "7209999999;;1;1;2026-11-01;lkk" }'
}
{ echo "$P"; readings; } > one.csv
# The first reading is record 1 (chunk 1); 8200 filler records follow, so
# that the other four are records 8202-8205 (chunk 2).
{ echo "$P"; readings | head -1; filler 8200; readings | tail -4; } > two.csv

test_expect_success 'one chunk: accepted 2, duplicate 1, decreasing 1, held 1' '
	reset_ingest && sbyt $AS ingest one.csv 2>err &&
	grep -qx "sbyt ingest: file=one.csv read=5 accepted=2 rejected=1 duplicates=1 held=1 channel=portal status=ingested" err &&
	grep -qx "one.csv:4: decreasing: zone 1 value 4050.000 is lower than the previous 4100.000 and no rollover" err
'
test_expect_success 'one chunk: the held reading with its consumption and average' '
	test "$(q "SELECT h.line || chr(32) || h.consumption || chr(32) || h.average FROM reading_hold h")" = "6 1800.000 84.549"
'
test_expect_success 'across chunks: the same outcomes' '
	reset_ingest && sbyt $AS ingest two.csv 2>err &&
	grep -qx "sbyt ingest: file=two.csv read=8205 accepted=2 rejected=8201 duplicates=1 held=1 channel=portal status=ingested" err &&
	test "$(q "SELECT line || chr(32) || reason FROM ingest_reject WHERE code = '"'decreasing'"'")" = \
		"8204 zone 1 value 4050.000 is lower than the previous 4100.000 and no rollover" &&
	test "$(q "SELECT h.line || chr(32) || h.consumption || chr(32) || h.average FROM reading_hold h")" = "8206 1800.000 84.549" &&
	test "$(q "SELECT string_agg(value || chr(47) || status, chr(44) ORDER BY reading_id) FROM reading")" = "4100.000/accepted,4200.000/accepted,6000.000/held"
'
# Payments: an id kept before is a duplicate, in its chunk or an earlier
# one; an id whose first line was rejected (unknown account) is decided on
# its own the next time.
#   record 1  B-1 7201000123: accepted
#   record 2  B-2 7209999999: rejected (unknown account)
#   record 3  B-1 again: duplicate (same chunk)
#   records 4-8195: 8192 filler payments F-n of the unknown account: rejected
#   record 8196  B-1 again: duplicate (an earlier chunk)
#   record 8197  B-2 with account 7201000124: accepted
#   record 8198  B-3 7201000125: accepted
{
	echo 'txn_id;paid_at;account;sum;period;source'
	echo 'B-1;2026-11-19;7201000123;100.00;2026-10;post'
	echo 'B-2;2026-11-19;7209999999;200.00;2026-10;post'
	echo 'B-1;2026-11-19;7201000123;100.00;2026-10;post'
	awk 'BEGIN { for (i = 0; i < 8192; i++) printf "F-%d;2026-11-19;7209999999;1.00;2026-10;post\n", i }'
	echo 'B-1;2026-11-19;7201000123;100.00;2026-10;post'
	echo 'B-2;2026-11-19;7201000124;200.00;2026-10;post'
	echo 'B-3;2026-11-19;7201000125;300.00;2026-10;post'
} > pay.csv
test_expect_success 'payments across chunks: 3 accepted, 8193 rejected, 2 duplicates' '
	reset_ingest && sbyt $AS ingest pay.csv 2>err &&
	grep -qx "sbyt ingest: file=pay.csv read=8198 accepted=3 rejected=8193 duplicates=2 held=0 channel=payments status=ingested" err &&
	test "$(q "SELECT string_agg(source_id || chr(61) || account_id, chr(44) ORDER BY payment_id) FROM payment")" = "B-1=7201000123,B-2=7201000124,B-3=7201000125"
'
# Each zone has its own previous value.  Meter M-7201000125 starts at
# 100 / 50: zone 1 at 150 is accepted, zone 2 at 40 is decreasing.
test_expect_success 'each zone against its own previous value' '
	reset_ingest &&
	printf "%s\n" "$P" "7201000125;M-7201000125;1;150;2026-11-10;lkk" \
		"7201000125;M-7201000125;2;40;2026-11-10;lkk" > z.csv &&
	sbyt $AS ingest z.csv 2>err &&
	grep -q "file=z.csv read=2 accepted=1 rejected=1 " err &&
	grep -q "^z.csv:3: decreasing: zone 2 value 40.000 is lower than the previous 50.000" err
'
# With no memory for what a file kept (SBYT_INGEST_MEMORY=0), ingest
# remembers the first chunk, then looks the rest up on the file's own
# connection: the same outcomes.
test_expect_success 'across chunks, memory budget 0: the same readings outcomes' '
	reset_ingest && SBYT_INGEST_MEMORY=0 sbyt $AS ingest two.csv 2>err &&
	grep -qx "sbyt ingest: file=two.csv read=8205 accepted=2 rejected=8201 duplicates=1 held=1 channel=portal status=ingested" err &&
	test "$(q "SELECT h.line || chr(32) || h.consumption || chr(32) || h.average FROM reading_hold h")" = "8206 1800.000 84.549" &&
	test "$(q "SELECT line FROM ingest_reject WHERE code = '"'decreasing'"'")" = 8204
'
test_expect_success 'across chunks, memory budget 0: the same payments outcomes' '
	reset_ingest && SBYT_INGEST_MEMORY=0 sbyt $AS ingest pay.csv 2>err &&
	grep -qx "sbyt ingest: file=pay.csv read=8198 accepted=3 rejected=8193 duplicates=2 held=0 channel=payments status=ingested" err
'
test_expect_code 78 'a memory budget that is not a number is refused' '
	SBYT_INGEST_MEMORY=lots sbyt $AS ingest one.csv 2>err
'
test_expect_success 'and says so' 'grep -q "SBYT_INGEST_MEMORY .lots. is not a number of megabytes" err'
# The database gone while a file is ingested (both the file's connection
# and the look-ups' are cut once the look-ups have begun): exit 69 with the
# server named, and nothing of the file kept.
awk 'BEGIN { print "txn_id;paid_at;account;sum;period;source";
	for (i = 1; i <= 300000; i++) printf "G-%d;2026-11-19;72010001%d;1.00;2026-10;post\n", i, 23 + i % 3 }' > gone.csv
test_expect_code 69 'the database gone mid-file: exit 69' '
	reset_ingest &&
	{ sbyt $AS ingest gone.csv 2>gone.err & pid=$!; } &&
	for i in $(seq 1 200); do
		test "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid()")" -ge 2 && break
		sleep 0.05
	done &&
	q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null;
	wait $pid
'
test_expect_success 'says so, and kept nothing of the file' '
	grep -q "lost the database server" gone.err &&
	test "$(q "SELECT (SELECT count(*) FROM ingest_file) + (SELECT count(*) FROM payment)")" = 0
'
test_done
