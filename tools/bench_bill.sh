#!/bin/sh
# bench_bill.sh BUILD N WORKDIR - the bill stage of `make bench` (tools/bench.sh
# calls it after loading the master data of N accounts into $PGDATABASE).
# It inserts a month of accepted readings (2026-11) for 19 meters in 20 with
# SQL, times `sbyt bill --period 2026-11`, and measures as the floor a psql
# \copy of the rows it wrote (charge_line, obligation, consumption) into
# tables like them (columns, checks, indexes, keys).  Prints exactly one line:
#   bench: stage=bill n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# (ratio = F / S; seconds and rss_mb from /usr/bin/time -f "%e %M").
set -eu
build=${1:?usage: bench_bill.sh BUILD N WORKDIR}
n=${2:?usage: bench_bill.sh BUILD N WORKDIR}
work=${3:?usage: bench_bill.sh BUILD N WORKDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
mkdir -p "$work"
export PATH="$build:$PATH"

# Readings: one per zone, 5..400 kWh more than the initial value, taken on
# the 20th (inside the window) by households and on the 30th, the month's
# last day that closes it, by legal entities (SPEC 7; ingest gives that one
# December's period by the window rule, bill reads the month from the
# date); every 20th meter is not read (estimate or norm).  Readings inserted
# by ingest are accepted rows like these.
psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
SELECT m.account_id, m.meter, z.zone,
       CASE z.zone WHEN 1 THEN m.initial_t1 WHEN 2 THEN coalesce(m.initial_t2, 0)
                   ELSE coalesce(m.initial_t3, 0) END
       + 5 + (m.account_id * 7 + z.zone * 13) % 396 + 0.125,
       CASE a.kind WHEN 'legal' THEN DATE '2026-11-30' ELSE DATE '2026-11-20' END,
       CASE a.kind WHEN 'legal' THEN DATE '2026-12-01' ELSE DATE '2026-11-01' END,
       'sms', 'sms', 'accepted'
FROM meter m JOIN account a ON a.account_id = m.account_id
CROSS JOIN generate_series(1, 3) AS z(zone)
WHERE z.zone <= m.zones AND m.account_id % 20 <> 0;
ANALYZE;
SQL

/usr/bin/time -f "%e %M" -o "$work/t.bill" sbyt -q bill --period 2026-11 2>"$work/bill.err" || {
	cat "$work/bill.err" >&2; exit 1; }
grep '^sbyt bill:' "$work/bill.err" >&2 || true

# Floor: the same rows bill wrote (charge_line, obligation, consumption),
# \copy'd into tables like them: the same columns, defaults, checks,
# indexes and keys, and whatever foreign keys they have (from the catalog),
# logged as they are.
tables="charge_line obligation consumption"
for t in $tables; do
	psql -Xq -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM $t) TO '$work/floor.$t'"
	psql -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning;
		DROP TABLE IF EXISTS f_$t; CREATE TABLE f_$t (LIKE $t INCLUDING ALL)"
	psql -XtA -c "SELECT 'ALTER TABLE f_$t ADD ' || pg_get_constraintdef(oid) || ';'
		FROM pg_constraint WHERE contype = 'f' AND conrelid = '$t'::regclass" | psql -Xq
done
set --
for t in $tables; do
	set -- "$@" -c "\\copy f_$t FROM '$work/floor.$t'"
done
start=$(date +%s.%N)
psql -Xq -v ON_ERROR_STOP=1 "$@"
floor=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
for t in $tables; do
	psql -Xq -c "DROP TABLE f_$t"
	rm -f "$work/floor.$t"
done

secs=$(cut -d' ' -f1 "$work/t.bill")
rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/t.bill")
ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
echo "bench: stage=bill n=$n seconds=$secs floor_seconds=$floor ratio=$ratio rss_mb=$rss"
