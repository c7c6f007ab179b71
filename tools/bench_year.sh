#!/bin/sh
# bench_year.sh BUILD - `make bench-year` (SPEC 13, steady state): does a
# year of history make the daily and monthly jobs slower?
#
# Two databases of the same BENCH_N accounts (default 100000), the same
# master data and the same recent state: the last three months' bills,
# obligations and payments with every 10th account behind by them, and
# yesterday's debt snapshot.  The "year" database has besides, made with
# SQL (generate_series), a year of history: 12 months of readings,
# consumption, charge lines, obligations, payments and published payment
# documents, 365 daily debt snapshots of the debtors (about 10 % of the
# accounts) and a year of closed limitation cases with their steps and
# events.  Yesterday's debt job (2026-11-29, untimed, after the
# migrations) gives each its real last snapshot, the base of day 366's
# incremental debt stage.  Then, on day 366 (2026-11-30), the same `sbyt daily` (the
# month's inbox of build/tools/gen) and `sbyt month --period 2026-11` run on
# both, timed, and one line each is printed:
#   bench: stage=year-daily n=N seconds=S day1_seconds=D ratio=R
#   bench: stage=year-month n=N seconds=S day1_seconds=D ratio=R
# ratio = S / D (the target is at most 1.2), followed on these two lines by
# cpu_seconds= day1_cpu_seconds= cpu_ratio= (each job's CPU, its own and
# the server backends': the ratio a loaded machine moves less), then one
# line per stage of each job (its `-v` timings: inbox, service, debt,
# limit; bill, docs):
#   bench: stage=year-daily-debt n=N seconds=S day1_seconds=D ratio=R
# The documents' PDFs are off (SBYT_DOCS_PDF=0, as in make bench's cycle).
# BENCH_MONTHS=R runs the month R times in each database (R-1 on copies of
# it as the daily left it), the two databases taking turns, and prints the
# median of each figure: a loaded machine's noise.  Not a timed test.  BENCH_KEEP=1 keeps the databases (their names are
# printed) to time single commands on them.  BENCH_BASE=DIR (an older build
# directory) compares before and after in the same run: the databases are
# made by DIR's sbyt, copied, DIR's jobs run on the originals and BUILD's
# (after `sbyt db migrate`, timed: stage=year-migrate) on the copies; the
# base build's lines end with build=base.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
n=${BENCH_N:-100000}
period=2026-11
day=2026-11-30
prev=2026-11-29
work="$top/var/bench/$n"
export PATH="$build/tools:$PATH"
export PGHOST="$(cat "$top/var/pghost")"
export SBYT_RULES="$top/rules" SBYT_VAR="$top/var"
dbs="year_$$ day1_$$"
cleanup() { for d in $dbs; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done; }
[ "${BENCH_KEEP:-}" ] || trap cleanup EXIT

mkdir -p "$work"
if [ ! -f "$work/usage.csv" ]; then
	# the same files as make bench's, with usage.csv (the history's rates)
	echo "bench-year: generating $n accounts into $work" >&2
	gen --accounts "$n" --period "$period" --seed 1 --out "$work" --usage >&2
fi

# The history is what a real year leaves: every zone of every meter read
# each month (households on the 20th, in the window; legal entities on the
# month's last day, which closes it), the registers running at the rate of
# the month's generated readings and ending where they begin (gen --usage:
# each zone's consumption; the register of day d is the meter's November
# start plus that rate times the days from 2026-11-01, never below 0), so
# that the month's readings continue it.  The months are billed by sbyt
# itself (real consumption, charge lines, obligations, legal advances),
# every obligation is paid five days before it falls due (before day 366's
# month: what falls due later is the generated inbox's), every 10th account
# stops paying in the last three months; the months before the last get
# their published documents by SQL and the last one its documents by `sbyt
# docs` (numbers, totals and the carries that day 366's documents start
# from).
#
# readings SBYT FIRST_MONTH LAST_MONTH: the readings of the month before
# FIRST_MONTH to LAST_MONTH, the meters' initial registers at the start of
# the month before FIRST_MONTH
readings() {
	psql -Xq -v ON_ERROR_STOP=1 \
		-c 'CREATE TABLE bench_usage (account_id bigint, meter text, zone smallint, tenths bigint)' \
		-c "\\copy bench_usage FROM '$work/usage.csv' WITH (FORMAT csv, DELIMITER ';', HEADER)"
	psql -Xq -v ON_ERROR_STOP=1 -v m0="$2" -v m1="$3" <<'SQL'
CREATE FUNCTION pg_temp.reg(base numeric, tenths bigint, d date) RETURNS numeric
 LANGUAGE sql IMMUTABLE AS
 $$ SELECT greatest(0, round(base + tenths / 10.0 * (d - DATE '2026-11-01') / 30, 1)) $$;
CREATE TEMP TABLE u AS
SELECT u.account_id, u.meter, u.zone, u.tenths, a.kind, m.installed_on,
       CASE u.zone WHEN 1 THEN m.initial_t1 WHEN 2 THEN m.initial_t2 ELSE m.initial_t3 END AS base
FROM bench_usage u JOIN meter m USING (account_id, meter) JOIN account a USING (account_id);
-- the meters' UPDATE below looks each zone up by key: without the index
-- every meter scanned all of u (quadratic: hours at N = 100,000)
CREATE INDEX ON u (account_id, meter, zone);
ANALYZE u;
CREATE TEMP TABLE months AS
 SELECT m::date AS period, (m + interval '1 month' - interval '1 day')::date AS last
 FROM generate_series(:'m0'::date - interval '1 month', :'m1'::date, interval '1 month') AS m;
INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
SELECT u.account_id, u.meter, u.zone, pg_temp.reg(u.base, u.tenths, r.taken_on), r.taken_on,
       -- the window rule: after the 25th, the next month
       CASE WHEN extract(day FROM r.taken_on) > 25
            THEN (date_trunc('month', r.taken_on) + interval '1 month')::date
            ELSE date_trunc('month', r.taken_on)::date END,
       'portal', CASE u.kind WHEN 'legal' THEN 'lkk' ELSE 'site' END, 'accepted'
FROM u CROSS JOIN months mo
CROSS JOIN LATERAL (SELECT CASE u.kind WHEN 'legal' THEN mo.last ELSE mo.period + 19 END) AS r(taken_on)
WHERE r.taken_on >= u.installed_on
-- in the order a real year's ingest wrote them: a month's readings as
-- they arrived, day by day, each day's files in account order (until
-- 2026-12-06 account by account across the 13 months, which no daily
-- ingest makes: a bill batch's window then read one heap page per row)
ORDER BY 5, 1, 2, 3;
-- a meter's initial register: where it stood when the history begins, or
-- when it was installed (no readings before)
UPDATE meter m SET
	initial_t1 = pg_temp.reg(m.initial_t1, (SELECT tenths FROM u WHERE (u.account_id, u.meter, u.zone) = (m.account_id, m.meter, 1)), s.d),
	initial_t2 = CASE WHEN m.zones >= 2 THEN pg_temp.reg(m.initial_t2, (SELECT tenths FROM u WHERE (u.account_id, u.meter, u.zone) = (m.account_id, m.meter, 2)), s.d) END,
	initial_t3 = CASE WHEN m.zones >= 3 THEN pg_temp.reg(m.initial_t3, (SELECT tenths FROM u WHERE (u.account_id, u.meter, u.zone) = (m.account_id, m.meter, 3)), s.d) END
FROM (SELECT account_id, meter, greatest(installed_on, (SELECT min(period) FROM months)) AS d
      FROM meter) s
WHERE (s.account_id, s.meter) = (m.account_id, m.meter);
DROP TABLE bench_usage;
VACUUM (ANALYZE) reading, meter;
SQL
}

# ledger SBYT FIRST_MONTH LAST_MONTH FIRST_SNAPSHOT: bill those months with
# SBYT, pay, publish; the daily snapshots from FIRST_SNAPSHOT to the day
# before day 366
ledger() {
	readings "$@"
	m=$2
	while :; do
		SBYT_OUT="$work/out-hist-$PGDATABASE" "$1/sbyt" -q bill --period "${m%-01}" >/dev/null
		[ "$m" = "$3" ] && break
		m=$(date -d "$m + 1 month" +%Y-%m-%d)
	done
	psql -Xq -v ON_ERROR_STOP=1 -v m0="$2" -v m1="$3" -v s0="$4" -v keep="$keep_days" \
		-v ends="$keep_ends" <<'SQL'
-- each obligation (of a period and due date) paid five days before its due
-- date, when that is before day 366's month
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
SELECT account_id, 'payments', 'y' || account_id || '-' || to_char(period, 'YYYYMM') || '-' || to_char(due, 'DD'),
       due - 5, sum(amount), period
FROM obligation
WHERE due - 5 < DATE '2026-11-01'
  -- every 10th account stops paying in the last three months
  AND (account_id % 10 <> 0 OR period < :'m1'::date - interval '2 months')
GROUP BY account_id, period, due HAVING sum(amount) > 0;
INSERT INTO document (account_id, period, branch, number, channel, issued_on, due, total, qr)
SELECT a.account_id, o.period, a.branch,
       row_number() OVER (PARTITION BY a.branch, o.period ORDER BY a.account_id),
       a.delivery, o.period + 27, max(o.due), sum(o.amount), 'ST00012'
FROM account a JOIN obligation o USING (account_id)
WHERE o.period < :'m1'::date
GROUP BY a.account_id, o.period;
INSERT INTO period_state (period, branch, state)
SELECT DISTINCT d.period, d.branch, 'published' FROM document d
ON CONFLICT DO NOTHING;
-- one partition a day, as the debt job makes them (sql/170), not the
-- default partition a bare INSERT would fill
SELECT count(sbyt_snapshot_partition(d::date))
FROM generate_series(:'s0'::date, DATE '2026-11-29', interval '1 day') AS d \g /dev/null
INSERT INTO debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
SELECT a.account_id, d::date, 31500 * 3, 3, 1000, :'m1'::date - 20
FROM account a CROSS JOIN generate_series(:'s0'::date, DATE '2026-11-29', interval '1 day') AS d
WHERE a.account_id % 10 = 0;
-- and the retention rule applied as every day's daily job did: what is
-- left of the year is what a steady state holds (rules/retention.xml)
SELECT sbyt_snapshot_retire(DATE '2026-11-29', :keep, :ends) \g /dev/null
SQL
	# the last month's documents, as its month job made them on its 28th
	SBYT_OUT="$work/out-hist-$PGDATABASE" SBYT_DOCS_PDF=0 \
		"$1/sbyt" -q --as-of "$(date -d "$3 + 27 days" +%Y-%m-%d)" docs --period "${3%-01}" >/dev/null
	rm -rf "$work/out-hist-$PGDATABASE"
	# vacuumed as a steady state's history is: autovacuum does not vacuum the
	# bulk of it during the timed jobs (its workers' CPU would count)
	psql -Xq -c 'VACUUM (ANALYZE)'
}
# the retention rule of the rules (rules/retention.xml)
keep_days=$(sed -n 's/.*<Snapshots daily="\([0-9]*\)".*/\1/p' "$top/rules/retention.xml")
keep_ends=$(sed -n 's/.*<Snapshots .*monthEnds="\([a-z]*\)".*/\1/p' "$top/rules/retention.xml")
: "${keep_days:=90}" "${keep_ends:=true}"

# A year of limitation cases: every 50th account had one, opened each month
# in turn and closed by payment, with its steps and events.
cases() {
	psql -Xq -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO limit_case (account_id, case_no, procedure, status, opened_on, snap_as_of,
	stated_debt, periods, threshold, ended_on, reason)
SELECT a.account_id, 1, CASE a.kind WHEN 'legal' THEN 'legal' ELSE 'individual' END, 'closed',
       DATE '2025-12-01' + (a.account_id % 11)::int * 30, DATE '2025-12-01' + (a.account_id % 11)::int * 30,
       94500, 3, 63000, DATE '2025-12-01' + (a.account_id % 11)::int * 30 + 25, 'paid'
FROM account a WHERE a.account_id % 50 = 0;
INSERT INTO limit_step (account_id, case_no, seq, name, state, date, rule)
SELECT c.account_id, 1, s.seq, s.name, CASE s.seq WHEN 1 THEN 'done' ELSE 'cancelled' END,
       c.opened_on + s.seq * 10, c.procedure || '.' || s.name
FROM limit_case c CROSS JOIN (VALUES (1, 'warning'), (2, 'partial')) AS s(seq, name);
INSERT INTO limit_event (account_id, day, n, case_no, procedure, step, what, rule, inputs, dates)
SELECT c.account_id, c.opened_on + k, 1, 1, c.procedure, 'warning', 'issued',
       c.procedure || '.warning', 'history', 'history'
FROM limit_case c CROSS JOIN generate_series(0, 20, 5) AS k;
-- the history's days were run and their packages written (sql/063)
INSERT INTO limit_day_written (day, written_on, packages)
SELECT DISTINCT day, day, 0 FROM limit_event ON CONFLICT (day) DO NOTHING;
VACUUM (ANALYZE);
SQL
}

# The CPU a job cost, for a machine shared with other work (wall seconds
# move with the load, CPU seconds much less): its own user and system time
# and the server's, the clock ticks the postmaster's reaped children (the
# backends of the job's sessions, once closed) gained meanwhile; the cluster
# is the worktree's own.  No server share (0) when its process is not
# readable.
tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
server_ticks() {
	pmpid=$(head -1 "$(cat "$top/var/pgbase" 2>/dev/null)/data/postmaster.pid" 2>/dev/null) &&
		awk '{ print $16 + $17 }' "/proc/$pmpid/stat" 2>/dev/null || echo 0
}
# timed NAME DB CMD...: CMD's wall seconds into t.NAME-DB, its CPU seconds
# (its own and the server's) into c.NAME-DB; CMD's exit status
timed() {
	tn=$1 tdb=$2
	shift 2
	ts0=$(server_ticks)
	trc=0
	/usr/bin/time -f "%e %U %S" -o "$work/t.$tn-$tdb" "$@" || trc=$?
	sleep 0.3
	ts1=$(server_ticks)
	tail -1 "$work/t.$tn-$tdb" | awk -v a="$ts0" -v b="$ts1" -v hz="$tck" \
		'{ printf "%.2f\n", $2 + $3 + (b - a) / hz }' > "$work/c.$tn-$tdb"
	return $trc
}

# daily BUILD DB: the day's daily on DB with the sbyt of BUILD (sbyt db
# migrate first: a database made by an older build is converted).
daily() {
	export PGDATABASE="$2"
	/usr/bin/time -f "%e" -o "$work/t.migrate-$2" "$1/sbyt" -q db migrate
	# yesterday's daily debt ran (untimed): day 366's debt stage starts from
	# its snapshot, as every day of a steady state does (an incremental
	# day, lib/debt.h); the history's snapshots above are made by SQL
	"$1/sbyt" -q --as-of "$prev" debt 2>/dev/null
	rm -rf "$work/spool-$2" "$work/out-$2"
	mkdir -p "$work/spool-$2"
	cp -R "$work/inbox" "$work/spool-$2/inbox"
	# the documents' PDFs are not the history's cost (make bench times them apart)
	SBYT_SPOOL="$work/spool-$2" SBYT_OUT="$work/out-$2" SBYT_DOCS_PDF=0 \
		timed daily "$2" "$1/sbyt" -v --as-of "$day" daily \
		2> "$work/daily-$2.err" || [ $? = 65 ] || { tail -5 "$work/daily-$2.err" >&2; exit 1; }
	# the day's writes vacuumed and analyzed before the month, as autovacuum
	# does between a steady state's jobs: not during the timed month (its
	# workers' CPU would count, and a plan would depend on whether the
	# statistics were renewed yet)
	psql -Xq -c 'VACUUM (ANALYZE)'
	: > "$work/tm.month-$2"
	: > "$work/cm.month-$2"
	: > "$work/sm.month-$2"
}

# month BUILD DB R: the month's R-th run of BENCH_MONTHS on DB as the
# daily left it: the last on DB itself, the others on copies of it; each
# figure is later the median of the runs
month() {
	mdb=$2
	if [ "$3" -lt "${BENCH_MONTHS:-1}" ]; then
		mdb=m${3}_$2
		dbs="$dbs $mdb"
		createdb -T "$2" "$mdb"
	fi
	rm -rf "$work/out-$2"
	PGDATABASE=$mdb SBYT_OUT="$work/out-$2" SBYT_DOCS_PDF=0 \
		timed month "$2" "$1/sbyt" -v --as-of "$day" month --period "$period" \
		2> "$work/month-$2.err" || { tail -5 "$work/month-$2.err" >&2; exit 1; }
	[ "$mdb" = "$2" ] || dropdb "$mdb"
	tail -1 "$work/t.month-$2" | cut -d' ' -f1 >> "$work/tm.month-$2"
	cat "$work/c.month-$2" >> "$work/cm.month-$2"
	for name in bill docs; do
		echo "$name $(stage_s "month-$2.err" "$name")"
	done >> "$work/sm.month-$2"
}

# jobs BUILD YEAR DAY1: the dailies, then the months taking turns between
# the two databases, the first of each pair alternating (year, day 1, day
# 1, year, ...): a machine that changes speed during the run (a shared
# one does, by a third and more) then slows or speeds both alike, where
# all of one database's runs before all of the other's gave the ratio the
# change
jobs() {
	daily "$1" "$2"
	daily "$1" "$3"
	r=1
	while [ "$r" -le "${BENCH_MONTHS:-1}" ]; do
		if [ $((r % 2)) = 1 ]; then
			month "$1" "$2" "$r"; month "$1" "$3" "$r"
		else
			month "$1" "$3" "$r"; month "$1" "$2" "$r"
		fi
		r=$((r + 1))
	done
}

# median FILE: the median of FILE's numbers, one a line
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# the stages of each job, from its -v timings ("stage debt: 1.23 s",
# "bill stage: 4.56 s")
stage_s() { sed -n "s/.*stage $2: \([0-9.]*\) s$/\1/p; s/.*: $2 stage: \([0-9.]*\) s$/\1/p" "$work/$1" | tail -1; }

# report TAG YEAR DAY1: the lines of one build
report() {
	for st in daily month daily:inbox daily:service daily:debt daily:limit month:bill month:docs; do
		case $st in
		month:*) name=${st#*:}
		     sed -n "s/^$name //p" "$work/sm.month-$2" > "$work/x.s"
		     sed -n "s/^$name //p" "$work/sm.month-$3" > "$work/x.d"
		     s=$(median "$work/x.s") d1=$(median "$work/x.d")
		     label=month-$name ;;
		*:*) job=${st%%:*} name=${st#*:}
		     s=$(stage_s "$job-$2.err" "$name") d1=$(stage_s "$job-$3.err" "$name")
		     label=$job-$name ;;
		month) s=$(median "$work/tm.month-$2") d1=$(median "$work/tm.month-$3")
		   label=$st ;;
		*) s=$(tail -1 "$work/t.$st-$2" | cut -d' ' -f1) d1=$(tail -1 "$work/t.$st-$3" | cut -d' ' -f1)
		   label=$st ;;
		esac
		[ -n "$s" ] && [ -n "$d1" ] || continue
		ratio=$(awk -v s="$s" -v d="$d1" 'BEGIN { printf "%.2f", (d > 0 ? s / d : 0) }')
		cpu=
		case $st in
		*:*) ;;
		*) if [ "$st" = month ]; then
			cs=$(median "$work/cm.month-$2") cd=$(median "$work/cm.month-$3")
		   else
			cs=$(cat "$work/c.$st-$2") cd=$(cat "$work/c.$st-$3")
		   fi
		   cpu=$(awk -v s="$cs" -v d="$cd" \
			'BEGIN { printf " cpu_seconds=%s day1_cpu_seconds=%s cpu_ratio=%.2f", s, d, (d > 0 ? s / d : 0) }') ;;
		esac
		echo "bench: stage=year-$label n=$n seconds=$s day1_seconds=$d1 ratio=$ratio$cpu$1"
	done
}

# The databases are made by the base build when BENCH_BASE is given (an
# older build directory, to compare before and after in one run): then each
# is copied (CREATE DATABASE ... TEMPLATE), the base build's jobs run on the
# originals and this build's, after its migrations, on the copies.
init=${BENCH_BASE:-$build}
case "$init" in /*) ;; *) init="$top/$init" ;; esac
for d in year_$$ day1_$$; do
	export PGDATABASE="$d"
	createdb "$d"
	"$init/sbyt" -q db init
	for k in branches accounts meters contracts reserves; do
		"$init/sbyt" -q load $k "$work/$k.csv"
	done
	case $d in
	year_*)
		echo "bench-year: a year of history in $d" >&2
		ledger "$init" 2025-11-01 2026-10-01 2025-12-01
		cases ;;
	*)
		ledger "$init" 2026-08-01 2026-10-01 2026-11-29 ;;
	esac
done
if [ "${BENCH_BASE:-}" ]; then
	for d in year_$$ day1_$$; do
		createdb -T "$d" "new$d"
		dbs="$dbs new$d"
	done
	jobs "$init" "year_$$" "day1_$$"
	jobs "$build" "newyear_$$" "newday1_$$"
	report " build=base" "year_$$" "day1_$$"
	report "" "newyear_$$" "newday1_$$"
	m=$(tail -1 "$work/t.migrate-newyear_$$")
	echo "bench: stage=year-migrate n=$n seconds=$m"
else
	jobs "$build" "year_$$" "day1_$$"
	report "" "year_$$" "day1_$$"
fi
[ -z "${BENCH_KEEP:-}" ] || echo "bench-year: kept databases $dbs" >&2
rm -rf "$work"/spool-*year_* "$work"/spool-*day1_* "$work"/out-*year_* "$work"/out-*day1_*
