#!/bin/sh
# bench_ingest.sh BUILD N WORK - the ingest stage of `make bench`
# (tools/bench.sh calls it with the bench database in PGDATABASE and master
# data loaded): time `sbyt ingest` of every file under WORK/inbox/*/ (as
# written by build/tools/gen), then, in the same run, the floor: psql \copy
# of the same rows (the payments, readings and deliveries it loaded,
# exported first, not timed) into tables like the targets: the same
# columns, defaults, checks, indexes and keys, primary, unique and foreign
# (payment and reading reference account, meter and run as the real tables
# do, so the floor pays the same foreign-key checks as ingest).  Prints
#   bench: stage=ingest n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# where N is the record lines read, ratio = F / S and rss_mb the peak
# resident memory of the sbyt process (/usr/bin/time); and on stderr the
# floor without the foreign keys, for reference.
set -eu
build=${1:-build}
n=${2:-0}
work=${3:?usage: bench_ingest.sh BUILD N WORK}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export PATH="$build:$PATH"
export SBYT_RULES="${SBYT_RULES:-$top/rules}" SBYT_OUT="${SBYT_OUT:-$work/out}"
period=${BENCH_PERIOD:-2026-11}
# the day after the period: every reading of the month is in the past
asof=$(date -d "$period-01 +1 month" +%Y-%m-%d)

files=$(ls "$work"/inbox/*/* 2>/dev/null) || true
[ -n "$files" ] || { echo "bench_ingest: no files under $work/inbox" >&2; exit 66; }
# shellcheck disable=SC2086
/usr/bin/time -f "%e %M" -o "$work/t.ingest" sbyt -q --as-of "$asof" ingest $files 2> "$work/ingest.err" ||
	{ tail -5 "$work/ingest.err" >&2; exit 1; }
secs=$(cut -d' ' -f1 "$work/t.ingest")
rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/t.ingest")
read_n=$(sed -n 's/^sbyt ingest: files=[0-9]* read=\([0-9]*\) .*/\1/p' "$work/ingest.err")
[ -n "$read_n" ] || read_n=$(sed -n 's/^sbyt ingest: file=.* read=\([0-9]*\) .*/\1/p' "$work/ingest.err")
[ "$n" = 0 ] || [ -z "$read_n" ] || n=$read_n

# The floor: the same rows through psql \copy into tables like the targets.
psql -Xq -c "\\copy (SELECT * FROM payment) TO '$work/floor.payment'"
psql -Xq -c "\\copy (SELECT * FROM reading) TO '$work/floor.reading'"
psql -Xq -c "\\copy (SELECT * FROM delivery) TO '$work/floor.delivery'"
# floor_copy FK: \copy the exported rows into fresh tables like the targets,
# with their foreign keys when FK=1; prints the seconds.
floor_copy() {
	psql -Xq -c "SET client_min_messages = warning;
		DROP TABLE IF EXISTS f_payment, f_reading, f_delivery;
		CREATE TABLE f_payment (LIKE payment INCLUDING ALL);
		CREATE TABLE f_reading (LIKE reading INCLUDING ALL);
		CREATE TABLE f_delivery (LIKE delivery INCLUDING ALL)"
	[ "$1" = 1 ] && psql -Xq -c "ALTER TABLE f_payment
			ADD FOREIGN KEY (account_id) REFERENCES account,
			ADD FOREIGN KEY (run_id) REFERENCES run;
		ALTER TABLE f_reading ADD FOREIGN KEY (account_id) REFERENCES account,
			ADD FOREIGN KEY (run_id) REFERENCES run,
			ADD FOREIGN KEY (account_id, meter) REFERENCES meter (account_id, meter);
		ALTER TABLE f_delivery ADD FOREIGN KEY (run_id) REFERENCES run"
	start=$(date +%s.%N)
	psql -Xq -c "\\copy f_payment FROM '$work/floor.payment'"
	psql -Xq -c "\\copy f_reading FROM '$work/floor.reading'"
	psql -Xq -c "\\copy f_delivery FROM '$work/floor.delivery'"
	awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'
	psql -Xq -c "DROP TABLE f_payment, f_reading, f_delivery"
}
nofk=$(floor_copy 0)
floor=$(floor_copy 1)
rm -f "$work"/floor.*
echo "bench_ingest: floor without foreign keys: $nofk s" >&2
ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
echo "bench: stage=ingest n=$n seconds=$secs floor_seconds=$floor ratio=$ratio rss_mb=$rss"
