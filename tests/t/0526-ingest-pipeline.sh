#!/bin/sh
# 0526-ingest-pipeline: ingest looks up the next chunk of 8192 record lines
# while it decides the one before; each line is still decided against what
# the file kept before it, two and three chunks back too.  Here every chunk
# after the first begins with a line that depends on the chunk before:
# records 1-8192 (chunk 1) and the filler after each marked line are lines
# of an unknown account, rejected.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }

# Payments, marked lines at the start of chunks 2-5 (records 8193, 16385,
# 24577, 32769-32770), 8191 filler payments of 7209999999 after each but
# the last:
#   chunk 2  C-1 7201000123 1.00: accepted
#   chunk 3  C-1 7201000124 2.00: duplicate (kept in chunk 2, one back)
#   chunk 4  C-2 7201000125 3.00: accepted
#   chunk 5  C-1 7201000125 4.00: duplicate (three back)
#            C-2 7201000123 5.00: duplicate (one back)
# read 8192 + 3 x 8192 + 2 = 32770; accepted 2, duplicates 3, rejected
# 32770 - 5 = 32765.
fill() {  # N: N filler lines of kind $2 (pay or rd)
	awk -v n="$1" -v k="$2" 'BEGIN { for (i = 0; i < n; i++)
		if (k == "pay") printf "F-%d-%d;2026-11-19;7209999999;1.00;2026-10;post\n", n, i;
		else print "7209999999;;1;1;2026-11-01;lkk" }'
}
{
	echo 'txn_id;paid_at;account;sum;period;source'
	fill 8192 pay
	echo 'C-1;2026-11-19;7201000123;1.00;2026-10;post'; fill 8191 pay
	echo 'C-1;2026-11-19;7201000124;2.00;2026-10;post'; fill 8191 pay
	echo 'C-2;2026-11-19;7201000125;3.00;2026-10;post'; fill 8191 pay
	echo 'C-1;2026-11-19;7201000125;4.00;2026-10;post'
	echo 'C-2;2026-11-19;7201000123;5.00;2026-10;post'
} > pay.csv
# Readings of meter M-7201000123 (initial 4000), one at the start of chunks
# 2-6 (records 8193, 16385, 24577, 32769, 40961):
#   chunk 2  4100 on 09-20: accepted (100 over the initial value)
#   chunk 3  4050 on 10-01: decreasing (below 4100 of chunk 2, no rollover
#            of 6 digits)
#   chunk 4  4100 on 09-20 again: duplicate (two back)
#   chunk 5  4200 on 10-26: accepted
#   chunk 6  6000 on 11-20: held: its window 2025-11-20..2026-11-19 holds
#            4100 (09-20, chunk 2) and 4200 (10-26, chunk 5): 100 kWh in 36
#            days = 100 x 30.4375 / 36 = 84.549 kWh a month; 1800 > 1000
#            and 1800 > 10 x 84.549.
# read 40961; accepted 2, duplicates 1, held 1, rejected 40961 - 4 = 40957.
{
	echo 'account;meter;zone;value;taken_on;source'
	fill 8192 rd
	echo '7201000123;M-7201000123;1;4100;2026-09-20;lkk'; fill 8191 rd
	echo '7201000123;M-7201000123;1;4050;2026-10-01;lkk'; fill 8191 rd
	echo '7201000123;M-7201000123;1;4100;2026-09-20;lkk'; fill 8191 rd
	echo '7201000123;M-7201000123;1;4200;2026-10-26;lkk'; fill 8191 rd
	echo '7201000123;M-7201000123;1;6000;2026-11-20;lkk'
} > rd.csv

pay_ok() {
	grep -qx "sbyt ingest: file=pay.csv read=32770 accepted=2 rejected=32765 duplicates=3 held=0 channel=payments status=ingested" err &&
	test "$(q "SELECT string_agg(source_id || chr(61) || account_id || chr(47) || amount, chr(44) ORDER BY payment_id) FROM payment")" = \
		"C-1=7201000123/100,C-2=7201000125/300"
}
rd_ok() {
	grep -qx "sbyt ingest: file=rd.csv read=40961 accepted=2 rejected=40957 duplicates=1 held=1 channel=portal status=ingested" err &&
	test "$(q "SELECT line || chr(32) || reason FROM ingest_reject WHERE code = '"'decreasing'"'")" = \
		"16386 zone 1 value 4050.000 is lower than the previous 4100.000 and no rollover" &&
	test "$(q "SELECT h.line || chr(32) || h.consumption || chr(32) || h.average FROM reading_hold h")" = "40962 1800.000 84.549" &&
	test "$(q "SELECT string_agg(value || chr(47) || taken_on || chr(47) || status, chr(44) ORDER BY reading_id) FROM reading")" = \
		"4100.000/2026-09-20/accepted,4200.000/2026-10-26/accepted,6000.000/2026-11-20/held"
}
test_expect_success 'payments: duplicates one and three chunks back' '
	reset_ingest && sbyt $AS ingest pay.csv 2>err && pay_ok
'
test_expect_success 'readings: previous, duplicate and window from chunks back' '
	reset_ingest && sbyt $AS ingest rd.csv 2>err && rd_ok
'
# A budget of 0 for what the file kept: the first kept row (chunk 2) puts
# the file over it once chunk 3 is looked up; chunk 3 is decided with what
# was kept, then the rest is looked up on the file's own connection: the
# same outcomes.
test_expect_success 'payments, memory budget 0: the same outcomes' '
	reset_ingest && SBYT_INGEST_MEMORY=0 sbyt $AS ingest pay.csv 2>err && pay_ok
'
test_expect_success 'readings, memory budget 0: the same outcomes' '
	reset_ingest && SBYT_INGEST_MEMORY=0 sbyt $AS ingest rd.csv 2>err && rd_ok
'
test_done
