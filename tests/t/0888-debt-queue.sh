#!/bin/sh
# 0888-debt-queue: the snapshot run reading the accounts, the obligations
# and the payments each on a connection of its own (SBYT_DEBT_READERS=3,
# lib/debt.c merge_read) reads each on a thread of its own, queued ahead of
# the merge in chunks of 64 KB; 20,000 accounts make some 60,000
# obligations and 35,000 payments, a few megabytes over many chunks.  The
# same rows as one connection's, whether the queue holds 8 MB (the
# default) or a kilobyte (SBYT_DEBT_QUEUE=1: every reader waits for the
# merge after each chunk).  The payments' reader ended midway (its backend
# terminated while the merge waits for it): the run fails, naming the lost
# connection, and the day's rows are those of the run before.
#
# Every obligation falls due before the as-of date 2026-11-26 (the last,
# October's, on 2026-11-10, a legal entity's balance on 2026-11-18) and every
# payment is dated on or before it, so whatever period a payment names, an
# account's overdue principal is what it was charged less what it paid, or
# nothing (an overpayment waits for the next charge):
#   sum over accounts of greatest(0, charged - paid)
# is computed below by SQL from the ledgers and is the snapshot's total.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init

psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
INSERT INTO branch VALUES ('01', 'Участок 1', 'г. Тюмень', '+73452000001');
INSERT INTO account (account_id, branch, kind, name, address, postcode, category, residents,
                     rooms, delivery, remote_metering, opened_on)
SELECT 7200000000 + i, '01', CASE WHEN i % 10 = 0 THEN 'legal' ELSE 'individual' END,
       'Абонент ' || i, 'г. Тюмень', '625000', CASE WHEN i % 10 = 0 THEN '' ELSE 'urban_gas' END,
       2, 2, 'post', false, '2020-01-01'
FROM generate_series(1, 20000) i;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT 7200000000 + i, make_date(2026, m, 1), 1, 'charge', make_date(2026, m + 1, 10),
       50000 + (i * 37 + m * 101) % 150000
FROM generate_series(1, 20000) i, generate_series(8, 10) m WHERE i % 10 <> 0;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT 7200000000 + i, make_date(2026, m, 1), s.seq, s.kind,
       CASE s.seq WHEN 1 THEN make_date(2026, m, 10) WHEN 2 THEN make_date(2026, m, 25)
                  ELSE make_date(2026, m + 1, 18) END,
       (1000000 + (i * 53 + m * 7) % 900000) * s.pct / 100
FROM generate_series(1, 20000) i, generate_series(8, 10) m,
     (VALUES (1, 'advance', 30), (2, 'advance', 40), (3, 'balance', 30)) s(seq, kind, pct)
WHERE i % 10 = 0;
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
SELECT 7200000000 + i, 'sberbank', 'b' || i, make_date(2026, 10, 1 + i % 20),
       40000 + (i * 13) % 100000, CASE WHEN i % 3 = 0 THEN DATE '2026-09-01' END
FROM generate_series(1, 20000) i;
INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
SELECT 7200000000 + i, 'qiwi', 'q' || i, make_date(2026, 11, 1 + i % 25), 30000 + (i * 29) % 120000
FROM generate_series(1, 20000) i WHERE i % 4 <> 0;
SQL
psql -Xq -c "VACUUM ANALYZE"

rows() {
	psql -XtA -c "SELECT account_id, principal, periods, penalty, oldest_due FROM debt_snapshot
		WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > "$1"
}

test_expect_success 'one connection: the total principal is charged less paid' '
	SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=1 sbyt -v debt --as-of 2026-11-26 2> one.err &&
	grep -q "^sbyt: debt: the ledgers read by 1 connection$" one.err &&
	rows one.rows && [ "$(wc -l < one.rows)" -gt 15000 ] &&
	want=$(psql -XtA -c "SELECT sum(greatest(0, o - coalesce(p, 0))) FROM
		(SELECT account_id, sum(amount) AS o FROM obligation GROUP BY 1) ob LEFT JOIN
		(SELECT account_id, sum(amount) AS p FROM payment GROUP BY 1) pa USING (account_id)") &&
	got=$(psql -XtA -c "SELECT sum(principal) FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$") &&
	[ "$want" -gt 0 ] && [ "$got" = "$want" ]
'
test_expect_success 'three connections, a queue of 8 MB: the same rows' '
	SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=3 sbyt -v debt --as-of 2026-11-26 2> three.err &&
	grep -q "^sbyt: debt: the ledgers read by 3 connections$" three.err &&
	rows three.rows && diff -u one.rows three.rows
'
test_expect_success 'three connections, a queue of a kilobyte: the same rows' '
	SBYT_DEBT_QUEUE=1 SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=3 sbyt -v debt --as-of 2026-11-26 2> q1.err &&
	grep -q "^sbyt: debt: the ledgers read by 3 connections$" q1.err &&
	rows q1.rows && diff -u one.rows q1.rows
'
# the payments' COPY of a run, terminated once seen (within 30 s): the
# count of backends ended into the file killed
pay_copy="query LIKE \$\$COPY (SELECT account_id, NULL::int2, NULL::text, period, paid_on%\$\$"
terminate_payments() {
	i=0
	while [ $i -lt 3000 ]; do
		n=$(psql -XtA -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND state = 'active' AND $pay_copy")
		[ "$n" -ge 1 ] && break
		i=$((i + 1)); sleep 0.01
	done
	echo "$n" > killed
}
test_expect_success 'the payments reader ended midway: the run fails, the day as it was' '
	rm -f killed && terminate_payments & tries=0 &&
	while [ $tries -lt 50 ]; do
		SBYT_DEBT_QUEUE=1 SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=3 sbyt debt --as-of 2026-11-26 \
			2> killed.err; rc=$?; echo $rc > killed.rc; tries=$((tries + 1))
		# the run that lost its reader fails; a run that ended before the
		# killer saw its COPY succeeds and the next one is tried
		[ $rc != 0 ] && break
		[ -f killed ] && break
	done; wait &&
	[ "$(cat killed)" = 1 ] && [ "$(cat killed.rc)" != 0 ] &&
	grep -qi "terminat\|lost the database" killed.err &&
	rows after.rows && diff -u one.rows after.rows
'
test_done
