#!/bin/sh
# 0886-bench-load: `make bench`'s load and ingest lines (tools/bench.sh at N = 200): the
# five files loaded by one `sbyt load` and \copied by its floor into tables
# like the targets, one line with the wall times, the old floor, and the
# CPU seconds of both, whose fields add up; the ingest line has the same CPU
# fields.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"

test_expect_success 'bench.sh at N = 200: a load line, every stage, a total' '
	BENCH_N=200 BENCH_RENDER=0 BENCH_WORK="$T/w" sh "$SBYT_TOP/tools/bench.sh" "$SBYT_BUILD" \
		> out 2> err &&
	grep "^bench: stage=load " out > line &&
	test "$(wc -l < line)" = 1 &&
	grep -q "^bench: stage=limit " out && grep -q "^bench: stage=total " out
'
CPU="cli_cpu_s=[0-9.]+ srv_cpu_s=([0-9.]+|na) floor_cli_cpu_s=[0-9.]+ floor_srv_cpu_s=([0-9.]+|na) cpu_ratio=[0-9.]+"
# add_up LINE: ratio = floor / seconds, ratio_v1 = floor_v1 / seconds where
# there is one, cpu_ratio = floor CPU / CPU where the server's is known
add_up() {
	tr " " "\n" < "$1" | grep = |
	awk -F= "{ v[\$1] = \$2 } END {
		s = v[\"seconds\"]; f = v[\"floor_seconds\"]
		if (s <= 0 || f <= 0) exit 1
		if (sprintf(\"%.2f\", f / s) != v[\"ratio\"]) exit 2
		if ((\"ratio_v1\" in v) && sprintf(\"%.2f\", v[\"floor_v1_seconds\"] / s) != v[\"ratio_v1\"]) exit 3
		if (v[\"srv_cpu_s\"] != \"na\" && v[\"floor_srv_cpu_s\"] != \"na\") {
			t = v[\"cli_cpu_s\"] + v[\"srv_cpu_s\"]
			ft = v[\"floor_cli_cpu_s\"] + v[\"floor_srv_cpu_s\"]
			if (t <= 0 || sprintf(\"%.2f\", ft / t) != v[\"cpu_ratio\"]) exit 4
		}
	}"
}
test_expect_success 'the load line: its fields, ratio = floor / seconds, cpu_ratio = floor CPU / CPU' '
	grep -Eq "^bench: stage=load n=200 seconds=[0-9.]+ floor_seconds=[0-9.]+ ratio=[0-9.]+ rss_mb=[0-9]+ $CPU floor_v1_seconds=[0-9.]+ ratio_v1=[0-9.]+$" line &&
	add_up line
'
test_expect_success 'the ingest line: its fields, ratio = floor / seconds, cpu_ratio = floor CPU / CPU' '
	grep "^bench: stage=ingest " out > iline &&
	grep -Eq "^bench: stage=ingest n=200 seconds=[0-9.]+ floor_seconds=[0-9.]+ ratio=[0-9.]+ rss_mb=[0-9]+ $CPU$" iline &&
	add_up iline
'
# the total: the five stages' seconds and floors summed here (load left out),
# ratio = floors / seconds (N = 200 above gave 1.98 s against 0.38: 0.19)
test_expect_success 'the total line: the cycle and its floors are the sums of the five stages' '
	grep "^bench: stage=total " out > tline &&
	grep -Eq "^bench: stage=total n=200 seconds=[0-9.]+ rss_mb=[0-9]+ floor_seconds=[0-9.]+ ratio=[0-9.]+$" tline &&
	grep -E "^bench: stage=(ingest|bill|docs|debt|limit) " out | tr " " "\n" |
		awk -F= "\$1 == \"seconds\" { s += \$2 } \$1 == \"floor_seconds\" { f += \$2 }
			END { printf \"seconds=%.2f\nfloor_seconds=%.2f\nratio=%.2f\n\", s, f, f / s }" > sums &&
	tr " " "\n" < tline | grep -E "^(seconds|floor_seconds|ratio)=" > got &&
	cmp sums got
'
test_expect_success 'the stage loaded the five files in one run record (the bench database is gone)' '
	grep -q "kind=branches read=" err && grep -q "kind=reserves read=" err &&
	test "$(grep -c "^sbyt load: kind=" err)" = 5 &&
	! psql -XtAc "select datname from pg_database" | grep -q "^bench_"
'
test_done
