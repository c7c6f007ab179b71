#!/bin/sh
# bench_ingest.sh BUILD N WORK - the ingest stage of `make bench`
# (tools/bench.sh calls it with the bench database in PGDATABASE and master
# data loaded): time `sbyt ingest` of every file under WORK/inbox/*/ (as
# written by build/tools/gen), then, in the same run, the floor: psql \copy
# of the same rows (the payments, readings and deliveries it loaded,
# exported first, not timed) into tables like the targets: the same
# columns, defaults, checks, indexes and keys, primary, unique and whatever
# foreign keys the targets have (copied from the catalog), so the floor
# pays the same checks as ingest.  Prints
#   bench: stage=ingest n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# where N is the accounts, ratio = F / S and rss_mb the peak resident
# memory of the sbyt process (/usr/bin/time), then the CPU seconds of the
# client and of the server for the stage and its floor and their ratio
# (tools/bench_cpu.sh: steadier than the wall times on a shared machine);
# the record lines read go to stderr.
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
. "$top/tools/bench_cpu.sh"  # measure_cpu, cpu_fields
measure_cpu "$work/t.ingest" sbyt -q --as-of "$asof" ingest $files 2> "$work/ingest.err" ||
	{ tail -5 "$work/ingest.err" >&2; exit 1; }
secs=$(cut -d' ' -f1 "$work/t.ingest")
rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/t.ingest")
read_n=$(sed -n 's/^sbyt ingest: files=[0-9]* read=\([0-9]*\) .*/\1/p' "$work/ingest.err")
[ -n "$read_n" ] || read_n=$(sed -n 's/^sbyt ingest: file=.* read=\([0-9]*\) .*/\1/p' "$work/ingest.err")
echo "bench_ingest: $read_n record lines read" >&2

# The floor: the same rows through psql \copy into tables like the targets.
psql -Xq -c "\\copy (SELECT * FROM payment) TO '$work/floor.payment'"
psql -Xq -c "\\copy (SELECT * FROM reading) TO '$work/floor.reading'"
psql -Xq -c "\\copy (SELECT * FROM delivery) TO '$work/floor.delivery'"
# The floor tables: like the targets, with the targets' own foreign keys.
psql -Xq -c "SET client_min_messages = warning;
	DROP TABLE IF EXISTS f_payment, f_reading, f_delivery;
	CREATE TABLE f_payment (LIKE payment INCLUDING ALL);
	CREATE TABLE f_reading (LIKE reading INCLUDING ALL);
	CREATE TABLE f_delivery (LIKE delivery INCLUDING ALL)"
psql -XtA -c "SELECT 'ALTER TABLE f_' || conrelid::regclass || ' ADD ' ||
	pg_get_constraintdef(oid) || ';' FROM pg_constraint
	WHERE contype = 'f' AND conrelid IN ('payment'::regclass, 'reading'::regclass,
	'delivery'::regclass)" | psql -Xq
measure_cpu "$work/t.ingest-floor" psql -Xq -v ON_ERROR_STOP=1 \
	-c "\\copy f_payment FROM '$work/floor.payment'" \
	-c "\\copy f_reading FROM '$work/floor.reading'" \
	-c "\\copy f_delivery FROM '$work/floor.delivery'"
floor=$(cut -d' ' -f1 "$work/t.ingest-floor")
psql -Xq -c "DROP TABLE f_payment, f_reading, f_delivery"
rm -f "$work"/floor.*
ratio=$(awk -v s="$secs" -v f="$floor" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
echo "bench: stage=ingest n=$n seconds=$secs floor_seconds=$floor ratio=$ratio rss_mb=$rss" \
	"$(cpu_fields "$work/t.ingest" "$work/t.ingest-floor")"
