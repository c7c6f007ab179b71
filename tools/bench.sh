#!/bin/sh
# bench.sh BUILD - `make bench`: the monthly cycle at BENCH_N accounts
# (default 100000; BENCH_N=1000000 for the design point), each stage beside
# its raw floor measured in the same run, one line per stage:
#   bench: stage=NAME n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# and a line `bench: stage=total n=N seconds=S rss_mb=M` for the monthly
# cycle (ingest, bill, docs, debt, limit); loading master data is shown first
# but is not part of the cycle, nor are the lines after the total:
# stage=render (the documents' PDFs, tools/bench_render.sh: pages, pages per
# second and per CPU second of rendering besides the usual fields) and
# stage=ingest-one-meter (tools/bench_ingest_spread.sh): M readings of one
# meter beside M readings of M meters, ratio = many / one (target >= 1/3).
# ratio = floor_seconds / seconds (1.0 = as fast as the floor; the target
# is >= 0.5).  rss_mb is the peak resident memory of the sbyt process.
# Stages whose commands are not built yet are skipped with a note.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
n=${BENCH_N:-100000}
period=${BENCH_PERIOD:-2026-11}
work="$top/var/bench/$n"
export PATH="$build:$build/tools:$PATH"
export PGHOST="$(cat "$top/var/pghost")" PGDATABASE="bench_$$"
export SBYT_RULES="$top/rules" SBYT_OUT="$work/out" SBYT_VAR="$top/var"
total=0; total_rss=0

# measure FILE CMD... : run CMD, write "seconds rss_kb" to FILE.
measure() {
	out=$1; shift
	/usr/bin/time -f "%e %M" -o "$out" "$@"
}
secs() { cut -d' ' -f1 "$1"; }
rss_mb() { awk '{ printf "%.0f", $2 / 1024 }' "$1"; }
line() { # stage seconds floor rss
	ratio=$(awk -v s="$2" -v f="$3" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
	echo "bench: stage=$1 n=$n seconds=$2 floor_seconds=$3 ratio=$ratio rss_mb=$4"
	return 0
}
cleanup() { dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1 || true; }
trap cleanup EXIT

mkdir -p "$work"
if [ ! -f "$work/accounts.csv" ]; then
	echo "bench: generating $n accounts into $work" >&2
	gen --accounts "$n" --period "$period" --seed 1 --out "$work" >&2
fi
createdb "$PGDATABASE"
sbyt -q db init

# load: master data, against psql \copy of the same files into plain tables.
measure "$work/t.load" sh -c '
	for k in branches accounts meters contracts reserves; do
		sbyt -q load $k "$0/$k.csv" || exit 1
	done' "$work"
psql -Xq -c "create unlogged table f_acc (a text, b text, c text, d text, e text, f text, g text,
	h text, i text, j text, k text, l text, m text, n text);
	create unlogged table f_met (a text, b text, c text, d text, e text, f text, g text, h text, i text)"
start=$(date +%s.%N)
psql -Xq -c "\\copy f_acc from '$work/accounts.csv' with (format csv, delimiter ';', header true)"
psql -Xq -c "\\copy f_met from '$work/meters.csv' with (format csv, delimiter ';', header true)"
floor=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
line load "$(secs "$work/t.load")" "$floor" "$(rss_mb "$work/t.load")"

# The later stages come with their commands.
for stage in ingest bill docs debt limit; do
	if [ -x "$top/tools/bench_$stage.sh" ] || [ -f "$top/tools/bench_$stage.sh" ]; then
		if [ $stage = debt ]; then  # standalone: makes its own ledgers
			set -- env SBYT_BUILD="$build" PGDATABASE= sh "$top/tools/bench_debt.sh" "$n"
		else
			set -- sh "$top/tools/bench_$stage.sh" "$build" "$n" "$work"
		fi
		out=$("$@") || {
			echo "bench: stage=$stage failed" >&2; exit 1; }
		echo "$out" | grep '^bench: ' | while read -r l; do echo "$l"; done
		s=$(echo "$out" | sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' | head -1)
		r=$(echo "$out" | sed -n 's/.* rss_mb=\([0-9]*\).*/\1/p' | head -1)
		total=$(awk -v a="$total" -v b="${s:-0}" 'BEGIN { printf "%.2f", a + b }')
		[ "${r:-0}" -gt "$total_rss" ] && total_rss=${r:-0}
	fi
done
echo "bench: stage=total n=$n seconds=$total rss_mb=$total_rss"

# Not part of the cycle: the PDFs of the documents (issued again with them),
# beside bare Cairo + Pango + libqrencode drawing as many pages
# (BENCH_RENDER=0 leaves them out: about 100 pages per CPU second).
if [ "${BENCH_RENDER:-1}" != 0 ] && [ -f "$top/tools/bench_render.sh" ] && [ -x "$build/tools/bench_render_floor" ] &&
   [ "$(psql -XtAc "select count(*) from document")" != 0 ]; then
	sh "$top/tools/bench_render.sh" "$build" "$n" "$work" | grep '^bench: ' || {
		echo "bench: stage=render failed" >&2; exit 1; }
fi

# Not part of the cycle: ingest of many readings of one meter beside as
# many readings of as many meters (tools/bench_ingest_spread.sh).
if [ -f "$work/meters.csv" ]; then
	sh "$top/tools/bench_ingest_spread.sh" "$build" "$n" "$work"
fi

# Not part of the cycle: a million deadline computations in one process.
if [ -x "$build/tools/bench_deadline" ]; then
	"$build/tools/bench_deadline" "$top/rules"
fi
