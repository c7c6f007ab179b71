#!/bin/sh
# bench_debt.sh [N] - the debt stage of `make bench` (SPEC 13).
#
# Makes N accounts (N defaults to $BENCH_N, else 100000) in a scratch database
# of the private cluster (or of $PGHOST), each with three monthly charges
# (every tenth account a legal entity with advances and a balance) and two
# payments, some naming a period, some partial, some late, all with SQL
# (generate_series).  Times `sbyt debt` as of 2026-11-26 and, as the floor,
# psql's \copy of the same snapshot rows into a twin of debt_snapshot (same
# keys, index and foreign keys), and prints
#   bench: stage=debt n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# with ratio = F / S and M the peak RSS of sbyt (GNU time when installed,
# else build/tools/peakrss); on the private cluster followed by the CPU
# seconds of each side, client and server (tools/bench_cpu.sh: cli_cpu_s=
# srv_cpu_s= floor_cli_cpu_s= floor_srv_cpu_s= cpu_ratio=).  The scratch database is dropped at the end
# (kept when BENCH_KEEP is set, for a look at the plans).
set -eu
N=${1:-${BENCH_N:-100000}}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SBYT_BUILD:-$top/build}
SBYT="$build/sbyt"
[ -x "$SBYT" ] || { echo "bench_debt: build first ($SBYT missing)" >&2; exit 70; }
if [ -z "${PGHOST:-}" ]; then
	PGHOST=$(cat "$top/var/pghost") || { echo "bench_debt: no cluster, run make pg" >&2; exit 69; }
fi
export PGHOST
export PGDATABASE="sbyt_bench_debt_$$"
export SBYT_RULES="${SBYT_RULES:-$top/rules}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sbyt-bench-debt.XXXXXX")
cleanup() {
	[ -n "${BENCH_KEEP:-}" ] || dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
createdb "$PGDATABASE"
"$SBYT" -q db init 2>/dev/null

now() { date +%s.%N; }

psql -Xq -v ON_ERROR_STOP=1 -v n="$N" <<'SQL'
INSERT INTO branch VALUES ('01', 'Участок 1', 'г. Тюмень', '+73452000001'),
                          ('02', 'Участок 2', 'г. Тобольск', '+73456000002');
INSERT INTO account (account_id, branch, kind, name, address, postcode, category, residents,
                     rooms, delivery, remote_metering, opened_on)
SELECT 7200000000 + i, CASE WHEN i % 2 = 0 THEN '01' ELSE '02' END,
       CASE WHEN i % 10 = 0 THEN 'legal' ELSE 'individual' END,
       'Абонент ' || i, 'г. Тюмень', '625000', CASE WHEN i % 10 = 0 THEN '' ELSE 'urban_gas' END,
       2, 2, 'post', false, '2020-01-01'
FROM generate_series(1, :n) i;
-- households: charges of 2026-08..10 due the 10th of the next month
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT 7200000000 + i, make_date(2026, m, 1), 1, 'charge', make_date(2026, m + 1, 10),
       50000 + (i * 37 + m * 101) % 150000
FROM generate_series(1, :n) i, generate_series(8, 10) m WHERE i % 10 <> 0;
-- legal entities: 30 % on the 10th, 40 % on the 25th, the balance on the 18th of the next month
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT 7200000000 + i, make_date(2026, m, 1), s.seq, s.kind,
       CASE s.seq WHEN 1 THEN make_date(2026, m, 10) WHEN 2 THEN make_date(2026, m, 25)
                  ELSE make_date(2026, m + 1, 18) END,
       (1000000 + (i * 53 + m * 7) % 900000) * s.pct / 100
FROM generate_series(1, :n) i, generate_series(8, 10) m,
     (VALUES (1, 'advance', 30), (2, 'advance', 40), (3, 'balance', 30)) s(seq, kind, pct)
WHERE i % 10 = 0;
-- two payments each: one naming September (sometimes short), one unnamed and late
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
SELECT 7200000000 + i, 'sberbank', 'b' || i, make_date(2026, 10, 1 + i % 20),
       40000 + (i * 13) % 100000, CASE WHEN i % 3 = 0 THEN DATE '2026-09-01' END
FROM generate_series(1, :n) i;
INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
SELECT 7200000000 + i, 'qiwi', 'q' || i, make_date(2026, 11, 1 + i % 25), 30000 + (i * 29) % 120000
FROM generate_series(1, :n) i WHERE i % 4 <> 0;
-- the floor's table is debt_snapshot's twin: same columns, keys, index and
-- whatever foreign keys debt_snapshot has (copied from the catalog)
CREATE TABLE debt_snapshot_floor (LIKE debt_snapshot INCLUDING ALL);
SELECT 'ALTER TABLE debt_snapshot_floor ADD ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = 'debt_snapshot'::regclass AND contype = 'f' \gexec
SQL
# vacuumed and analysed in a session of its own, as a ledger is by the time
# a daily job reads it (bench_year.sh does the same): analysed in the
# inserting session, that session's insert counts reach the statistics
# after the ANALYZE, and the job's own analysis of grown tables (job.c,
# db_analyze_grown) analysed obligation and payment inside the timed stage
# (0.14 s of server CPU at N = 20,000); not vacuumed, autovacuum runs
# during it (its workers count as the server's CPU)
psql -Xq -c "VACUUM (ANALYZE)"

rss="$tmp/rss"
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
	measure() { /usr/bin/time -o "$rss" -f %M "$@"; }
	# the CPU seconds of the client and of the server (tools/bench_cpu.sh),
	# when the server is the private cluster
	if [ "$PGHOST" = "$(cat "$top/var/pghost" 2>/dev/null)" ]; then
		. "$top/tools/bench_cpu.sh"
		measure() { measure_cpu "$rss" "$@" && awk '{ print $2 }' "$rss" > "$rss.kb" &&
			mv "$rss" "$rss.cpu" && mv "$rss.kb" "$rss"; }
	fi
else
	[ -x "$build/tools/peakrss" ] || { echo "bench_debt: $build/tools/peakrss missing" >&2; exit 70; }
	measure() { "$build/tools/peakrss" "$rss" "$@"; }
fi

t0=$(now)
measure "$SBYT" -q debt --as-of 2026-11-26 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 70; }
t1=$(now)
kb=$(cat "$rss")
[ ! -f "$rss.cpu" ] || mv "$rss.cpu" "$tmp/cpu"
rows=$(psql -XtAc "SELECT count(*) FROM debt_snapshot WHERE as_of = '2026-11-26'")

psql -Xq -c "\\copy (SELECT * FROM debt_snapshot WHERE as_of = '2026-11-26') TO '$tmp/rows.tsv'"
f0=$(now)
measure psql -Xq -c "\\copy debt_snapshot_floor FROM '$tmp/rows.tsv'"
f1=$(now)
cpu=
if [ -f "$rss.cpu" ]; then
	# the wall seconds GNU time saw (measure_cpu's wait for the server's
	# backends to be reaped is not the stage's)
	cpu=" $(cpu_fields "$tmp/cpu" "$rss.cpu")"
	t0=0 t1=$(cut -d' ' -f1 "$tmp/cpu") f0=0 f1=$(cut -d' ' -f1 "$rss.cpu")
fi

awk -v n="$N" -v t0="$t0" -v t1="$t1" -v f0="$f0" -v f1="$f1" -v kb="$kb" -v cpu="$cpu" 'BEGIN {
	s = t1 - t0; f = f1 - f0;
	printf "bench: stage=debt n=%d seconds=%.2f floor_seconds=%.2f ratio=%.2f rss_mb=%.1f%s\n",
	       n, s, f, (s > 0 ? f / s : 0), kb / 1024, cpu
}'
echo "bench_debt: $rows snapshot rows; $(cat "$tmp/err")" >&2
