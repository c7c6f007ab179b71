#!/bin/sh
# run.sh [--unit-only] BUILD - run every test and print the closing line
#   check: N passed, M failed
# Unit tests are BUILD/tests/t_* programs; integration tests are
# tests/t/NNNN-*.sh scripts run against the private cluster (tools/pg.sh).
# Each prints TAP lines; failures are shown with their output.
# TESTS='0002*' limits the integration scripts run (several patterns: '051* 0332*').
unit_only=0
[ "${1:-}" = "--unit-only" ] && { unit_only=1; shift; }
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
export SBYT_TOP="$top" SBYT_BUILD="$build"
logdir="$top/var/test-logs"
rm -rf "$logdir"; mkdir -p "$logdir"
pass=0; fail=0; failed_names=""

count() { # name logfile rc
	p=$(grep -c '^ok ' "$2"); f=$(grep -c '^not ok ' "$2")
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		f=1; echo "not ok - $1 exited $3 after $p passing checks" >> "$2"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$f" != 0 ]; then
		failed_names="$failed_names $1"
		echo "--- $1: $f failed" >&2
		grep -B2 -A12 '^not ok' "$2" | head -60 >&2
	else
		printf '  %-44s %d passed\n' "$1" "$p" >&2
	fi
}

for t in "$build"/tests/t_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	(cd "$top" && "$t") > "$logdir/$n.log" 2>&1
	count "$n" "$logdir/$n.log" $?
done

if [ $unit_only = 0 ]; then
	# TESTS may hold several patterns ('051* 0332*'): each names scripts
	set -f; pats=${TESTS:-*}; set +f
	for t in $(set -f; for p in $pats; do set +f; ls "$top"/tests/t/$p.sh 2>/dev/null; done | sort -u); do
		[ -f "$t" ] || continue
		n=$(basename "$t" .sh)
		(cd "$top" && sh "$t") > "$logdir/$n.log" 2>&1
		count "$n" "$logdir/$n.log" $?
	done
fi

[ -n "$failed_names" ] && echo "failed:$failed_names (logs in var/test-logs/)" >&2
echo "check: $pass passed, $fail failed"
[ "$fail" = 0 ]
