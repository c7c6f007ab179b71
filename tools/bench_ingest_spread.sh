#!/bin/sh
# bench_ingest_spread.sh BUILD N WORK - not part of the monthly cycle: ingest
# is linear in the lines of a file whatever their spread over meters.  Times
# `sbyt ingest` of M = min(N, 100000) portal readings of one meter (20 a
# day from 2000-01-01, rising) beside M readings of M meters (one each),
# against the bench database (tools/bench.sh: master data and the month's
# files loaded; each file is rolled back by a fresh copy of the database,
# not timed).  Prints
#   bench: stage=ingest-one-meter n=M seconds=S floor_seconds=F ratio=R rss_mb=X
# where S is the one-meter file, F the M-meter file and ratio = F / S (the
# target is >= 1/3: one meter within 3 times the time of M meters).
set -eu
build=${1:-build}
n=${2:-0}
work=${3:?usage: bench_ingest_spread.sh BUILD N WORK}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export PATH="$build:$PATH"
export SBYT_RULES="${SBYT_RULES:-$top/rules}" SBYT_OUT="${SBYT_OUT:-$work/out}"
period=${BENCH_PERIOD:-2026-11}
asof=$(date -d "$period-01 +1 month" +%Y-%m-%d)
m=$n; [ "$m" -gt 100000 ] && m=100000
H='account;meter;zone;value;taken_on;source'
# meters.csv: account;meter;zones;digits;installed_on;verified_until;initial_t1;...
awk -F';' -v m="$m" -v h="$H" -v d="$(date -d "$asof -1 day" +%Y-%m-%d)" '
	NR == 1 { print h; next }
	NR <= m + 1 { printf "%s;%s;1;%d;%s;box\n", $1, $2, $7 + 1, d }' \
	"$work/meters.csv" > "$work/spread-many.csv"
awk -F';' -v m="$m" -v h="$H" '
	NR == 2 { print h; for (i = 0; i < m; i++)
		printf "%s;%s;1;%d;%s;box\n", $1, $2, $7 + i + 1,
			strftime("%Y-%m-%d", 946684800 + int(i / 20) * 86400, 1) }' \
	"$work/meters.csv" > "$work/spread-one.csv"
base=$PGDATABASE
one() { # file -> seconds rss_kb
	db="${base}_spread"
	dropdb --if-exists "$db" >/dev/null 2>&1
	createdb -T "$base" "$db"
	PGDATABASE=$db /usr/bin/time -f "%e %M" -o "$work/t.spread" \
		sbyt -q --as-of "$asof" ingest --channel portal "$1" 2>"$work/spread.err" ||
		{ tail -3 "$work/spread.err" >&2; dropdb "$db"; exit 1; }
	dropdb "$db"
	cat "$work/t.spread"
}
many=$(one "$work/spread-many.csv")
single=$(one "$work/spread-one.csv")
s=${single% *}; f=${many% *}
rss=$(echo "$single" | awk '{ printf "%.0f", $2 / 1024 }')
ratio=$(awk -v s="$s" -v f="$f" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
echo "bench: stage=ingest-one-meter n=$m seconds=$s floor_seconds=$f ratio=$ratio rss_mb=$rss"
