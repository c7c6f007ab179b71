#!/bin/sh
# 0701-ingest-limits: limits at the door.  A reading value that
# reading.value (numeric(12,3): less than 10^9) cannot store, or that has
# more digits than its meter (10^digits or more), is a rejected line
# (`bad_reading`), never a failed COPY (exit 70): the daily job goes on with
# the file, the files after it and its later stages.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
export SBYT_SPOOL="$T/spool"
in="$SBYT_SPOOL/inbox"
mkdir -p "$in/portal" "$in/sberbank" "$in/sms"
q() { psql -XtAc "$1"; }
# Meters (ingest-setup): M-7201000123 6 digits, initial 4000;
# M-7201000124 5 digits, initial 99900.
cat > "$in/portal/a.csv" <<'CSV'
account;meter;zone;value;taken_on;source
7201000123;M-7201000123;1;1000000000;2026-11-20;lkk
7201000123;M-7201000123;1;9999999;2026-11-20;lkk
7201000124;M-7201000124;1;100000;2026-11-20;lkk
7201000124;M-7201000124;1;99999.999;2026-11-21;lkk
7201000123;M-7201000123;1;999999.999;2026-11-21;office
CSV
# Sberbank: S-1's payment is good and its reading (7 digits on a 6-digit
# meter) is not: the payment is kept, the reading rejected.  S-2's reading
# cannot be stored at all: the line is rejected.  Trailer: 2 lines,
# 100,00 + 50,00 = 150,00.
printf '%s\r\n' \
 '20/11/2026;10-15-00;8647;0012;S-1;7201000123;I;A;112026;100,00;0,00;CounterVal_1:9999999' \
 '20/11/2026;10-16-00;8647;0012;S-2;7201000125;I;A;112026;50,00;0,00;CounterVal_1:1000000000' \
 '=2;150,00;0,00;5512;20/11/2026' > "$in/sberbank/b.txt"
# SMS: 8 digits on the 6-digit meter of 7201000123 (its phone is linked).
echo '2026-11-18T09:15:02+05:00;+79123456789;7201000123 99999999' > "$in/sms/c.txt"

test_expect_success 'daily: every file archived, every stage run, exit 0' '
	sbyt daily --as-of 2026-12-01 2>err &&
	grep -q "sbyt daily: stages=inbox,service,debt,limit files=3 archived=3 refused=0" err &&
	test -f "$SBYT_SPOOL/archive/2026-12-01/a.csv" && test -f "$SBYT_SPOOL/archive/2026-12-01/b.txt" &&
	test -f "$SBYT_SPOOL/archive/2026-12-01/c.txt"
'
test_expect_success 'portal: 10^9 and over the meter digits rejected as bad_reading' '
	grep -q "a.csv read=5 accepted=2 rejected=3 " err &&
	grep -q "a.csv:2: bad_reading: value is not a meter value" err &&
	grep -q "a.csv:3: bad_reading: zone 1 value 9999999.000 has more digits than the 6 of meter M-7201000123" err &&
	grep -q "a.csv:4: bad_reading: zone 1 value 100000.000 has more digits than the 5 of meter M-7201000124" err
'
test_expect_success 'the largest values each meter shows are kept' '
	test "$(q "SELECT string_agg(meter || chr(32) || value, chr(44) ORDER BY meter) FROM reading")" = \
		"M-7201000123 999999.999,M-7201000124 99999.999"
'
test_expect_success 'sberbank: the payment kept, its reading rejected; the unstorable line rejected' '
	grep -q "b.txt read=2 accepted=1 rejected=1 " err &&
	test "$(q "SELECT source_id || chr(32) || amount FROM payment")" = "S-1 10000" &&
	test "$(q "SELECT line || chr(32) || what || chr(32) || code FROM ingest_reject r JOIN ingest_file f USING (file_id) WHERE f.channel = chr(115) || chr(98) || chr(101) || chr(114) || chr(98) || chr(97) || chr(110) || chr(107) ORDER BY line")" = \
		"1 reading bad_reading
2 line bad_reading"
'
test_expect_success 'sms: more digits than the meter rejected' '
	grep -q "c.txt:1: bad_reading: zone 1 value 99999999.000 has more digits than the 6 of meter M-7201000123" err
'
test_expect_success 'nothing impossible is billed: no reading of 10^digits or more' '
	test "$(q "SELECT count(*) FROM reading r JOIN meter m USING (account_id, meter) WHERE r.value >= 10 ^ m.digits")" = 0
'
# Sums: payment.amount is bigint kopecks; a sum has at most 13 integer
# digits and 2 decimals (what money_parse reads and int64 adds up safely).
printf '%s\n' 'txn_id;paid_at;account;sum;period;source' \
	'P-1;2026-11-20;7201000124;99999999999999.00;2026-11;post' \
	'P-2;2026-11-20;7201000124;9999999999999.99;2026-11;post' > "$in/pay.csv"
mkdir -p "$in/payments" && mv "$in/pay.csv" "$in/payments/"
test_expect_success 'a sum past 13 digits is bad_sum; the largest is kept, as kopecks' '
	sbyt daily --as-of 2026-12-01 2>err &&
	grep -q "pay.csv read=2 accepted=1 rejected=1 " err &&
	grep -q "pay.csv:2: bad_sum" err &&
	test "$(q "SELECT amount FROM payment WHERE source_id = chr(80) || chr(45) || chr(50)")" = 999999999999999
'
test_done
