# bench_cpu.sh - sourced by tools/bench.sh and tools/bench_limit.sh (needs
# $top): the CPU seconds of a stage on the client and on the server, beside
# its wall time (a shared machine stretches wall time, CPU time much less).
#
#   srv_cpu                   the server's CPU seconds so far ("" unknown)
#   measure_cpu FILE CMD...   run CMD; FILE gets "seconds rss_kb cpu srv_cpu"
#   cpu_fields STAGE FLOOR    "cli_cpu_s=.. srv_cpu_s=.. floor_cli_cpu_s=..
#                             floor_srv_cpu_s=.. cpu_ratio=.." of two such
#                             files (FLOOR may list several, summed)
#
# The server is the private cluster of var/pgbase, read through /proc on
# this machine: what its postmaster has reaped of its ended backends and
# workers, plus the live ones, leaving out its auxiliary processes
# (checkpointer, background writer, WAL writer, launchers: the cluster's
# own background work).  A backend whose client just left is waited for
# (at most a second) until the postmaster has reaped it.

srv_cpu() {
	_pm=$(head -1 "$(cat "$top/var/pgbase" 2>/dev/null)/data/postmaster.pid" 2>/dev/null) ||
		return 0
	[ -r "/proc/$_pm/stat" ] || return 0
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_live=0; _busy=0
		for _c in $(cat "/proc/$_pm/task/$_pm/children" 2>/dev/null); do
			case "$(tr '\0' ' ' 2>/dev/null < "/proc/$_c/cmdline")" in
			*checkpointer*|*"background writer"*|*walwriter*|*launcher*) continue ;;
			esac
			_busy=1
			_live=$((_live + $(awk '{ print $14 + $15 }' "/proc/$_c/stat" 2>/dev/null || echo 0)))
		done
		[ "$_busy" = 0 ] && break
		sleep 0.05
	done
	awk -v l="$_live" -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($16 + $17 + l) / hz }' \
		"/proc/$_pm/stat"
}

measure_cpu() {
	_out=$1; shift
	_s0=$(srv_cpu)
	/usr/bin/time -f "%e %M %U %S" -o "$_out" "$@" || return
	_s1=$(srv_cpu)
	awk -v a="$_s0" -v b="$_s1" '{ printf "%s %s %.2f %s\n", $1, $2, $3 + $4,
		(a != "" && b != "") ? sprintf("%.2f", b - a) : "na" }' "$_out" > "$_out.cpu"
	mv "$_out.cpu" "$_out"
}

cpu_fields() {
	_st=$1; shift
	awk 'NR == FNR { c = $3; s = $4; next }
	     { fc += $3; if ($4 == "na") fna = 1; else fs += $4 }
	     END { t = c + (s == "na" ? 0 : s); ft = fc + fs
		   printf "cli_cpu_s=%.2f srv_cpu_s=%s floor_cli_cpu_s=%.2f floor_srv_cpu_s=%s cpu_ratio=%.2f",
			  c, s, fc, (fna ? "na" : sprintf("%.2f", fs)), (t > 0 ? ft / t : 0) }' "$_st" "$@"
}
