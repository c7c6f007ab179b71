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
# events.  Then, on day 366 (2026-11-30), the same `sbyt daily` (the
# month's inbox of build/tools/gen) and `sbyt month --period 2026-11` run on
# both, timed, and one line each is printed:
#   bench: stage=year-daily n=N seconds=S day1_seconds=D ratio=R
#   bench: stage=year-month n=N seconds=S day1_seconds=D ratio=R
# ratio = S / D (the target is at most 1.2).  Not a timed test.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$top/$build" ;; esac
n=${BENCH_N:-100000}
period=2026-11
day=2026-11-30
work="$top/var/bench/$n"
export PATH="$build:$build/tools:$PATH"
export PGHOST="$(cat "$top/var/pghost")"
export SBYT_RULES="$top/rules" SBYT_VAR="$top/var"
dbs="year_$$ day1_$$"
cleanup() { for d in $dbs; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

mkdir -p "$work"
if [ ! -f "$work/accounts.csv" ]; then
	echo "bench-year: generating $n accounts into $work" >&2
	gen --accounts "$n" --period "$period" --seed 1 --out "$work" >&2
fi

# ledger FIRST_MONTH LAST_MONTH FIRST_SNAPSHOT: the history of those months
# and the daily snapshots from FIRST_SNAPSHOT to the day before day 366.
ledger() {
	psql -Xq -v ON_ERROR_STOP=1 -v m0="$1" -v m1="$2" -v s0="$3" <<'SQL'
CREATE TEMP TABLE months AS
 SELECT m::date AS period, (m + interval '1 month')::date AS next
 FROM generate_series(:'m0'::date, :'m1'::date, interval '1 month') AS m;
INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
SELECT m.account_id, m.meter, z.zone, 1000 + (mo.period - DATE '2025-01-01') * 3.5 + z.zone,
       mo.period + 19, mo.period, 'sms', 'sms', 'accepted'
FROM meter m CROSS JOIN generate_series(1, 3) AS z(zone) CROSS JOIN months mo
WHERE z.zone <= m.zones;
INSERT INTO consumption (account_id, period, billed_in, meter, basis, volume_t1, reading_t1)
SELECT m.account_id, mo.period, mo.period, m.meter, 'actual', 105,
       1000 + (mo.period - DATE '2025-01-01') * 3.5 + 1
FROM (SELECT DISTINCT ON (account_id) account_id, meter FROM meter
      ORDER BY account_id, meter) m CROSS JOIN months mo;
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount)
SELECT a.account_id, mo.period, 1, 'charge', 'actual', 1, 1, 105, 3.00, 31500
FROM account a CROSS JOIN months mo;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT a.account_id, mo.period, 10, 'charge', mo.next + 9, 31500
FROM account a CROSS JOIN months mo;
-- every 10th account stops paying in the last three months
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
SELECT a.account_id, 'payments', 'y' || a.account_id || '-' || to_char(mo.period, 'YYYYMM'),
       mo.next + 4, 31500, mo.period
FROM account a CROSS JOIN months mo
WHERE a.account_id % 10 <> 0 OR mo.period < :'m1'::date - interval '2 months';
INSERT INTO document (account_id, period, branch, number, channel, issued_on, due, total, qr)
SELECT a.account_id, mo.period, a.branch,
       row_number() OVER (PARTITION BY a.branch, mo.period ORDER BY a.account_id),
       a.delivery, mo.period + 27, mo.next + 9, 31500, 'ST00012'
FROM account a CROSS JOIN months mo;
INSERT INTO period_state (period, branch, state)
SELECT mo.period, b.code, 'published' FROM branch b CROSS JOIN months mo
ON CONFLICT DO NOTHING;
INSERT INTO debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
SELECT a.account_id, d::date, 31500 * 3, 3, 1000, :'m1'::date - 20
FROM account a CROSS JOIN generate_series(:'s0'::date, DATE '2026-11-29', interval '1 day') AS d
WHERE a.account_id % 10 = 0;
ANALYZE;
SQL
}

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
ANALYZE;
SQL
}

for d in $dbs; do
	export PGDATABASE="$d"
	createdb "$d"
	sbyt -q db init
	for k in branches accounts meters contracts reserves; do
		sbyt -q load $k "$work/$k.csv"
	done
	case $d in
	year_*)
		echo "bench-year: a year of history in $d" >&2
		ledger 2025-11-01 2026-10-01 2025-12-01
		cases ;;
	*)
		ledger 2026-08-01 2026-10-01 2026-11-29 ;;
	esac
	rm -rf "$work/spool-$d" "$work/out-$d"
	mkdir -p "$work/spool-$d"
	cp -R "$work/inbox" "$work/spool-$d/inbox"
	SBYT_SPOOL="$work/spool-$d" SBYT_OUT="$work/out-$d" \
		/usr/bin/time -f "%e" -o "$work/t.daily-$d" sbyt -q --as-of "$day" daily \
		2> "$work/daily-$d.err" || [ $? = 65 ] || { tail -5 "$work/daily-$d.err" >&2; exit 1; }
	SBYT_OUT="$work/out-$d" \
		/usr/bin/time -f "%e" -o "$work/t.month-$d" sbyt -q --as-of "$day" month --period "$period" \
		2> "$work/month-$d.err" || { tail -5 "$work/month-$d.err" >&2; exit 1; }
done
for stage in daily month; do
	s=$(tail -1 "$work/t.$stage-year_$$")
	d1=$(tail -1 "$work/t.$stage-day1_$$")
	ratio=$(awk -v s="$s" -v d="$d1" 'BEGIN { printf "%.2f", (d > 0 ? s / d : 0) }')
	echo "bench: stage=year-$stage n=$n seconds=$s day1_seconds=$d1 ratio=$ratio"
done
rm -rf "$work"/spool-year_* "$work"/spool-day1_* "$work"/out-year_* "$work"/out-day1_*
