#!/bin/sh
# 0874-debt-swap: a debt run of every account writes its day into a new
# table, indexed once at the end, and swaps it in for the day's partition
# (sql/251).  The ledgers of tests/data/debt-ledger.sh (0300's figures) in
# two databases: "swap" runs as the job does, "old" with SBYT_DEBT_SWAP=0
# (delete the day's rows, COPY into the indexed partition); the rows, the
# checkpoints and the days taken are the same.  The new partition is the
# day's partition under its name, its key a partition of debt_snapshot's;
# rows of the day written by hand into the default partition are dropped
# with the old ones; the first run's checkpoints (every one anew, sql/252:
# into the emptied table, its key built at the end; 0871 compares them with
# the full valuation) leave the table keyed; a run that cannot swap (a
# reader holds the snapshots past its lock_timeout) fails and leaves the
# day as it was; the operator may run it, the auditor may not call the
# functions.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1
. "$SBYT_TOP/tests/data/debt-ledger.sh"
q() { psql -XAtq -c "$1"; }

SWAP=$PGDATABASE
OLD=${PGDATABASE}_old
createdb -T "$SWAP" "$OLD" || exit 1
au=t0874_au_$$ op=t0874_op_$$
trap 'psql -Xq -c "drop owned by $op, $au" -c "drop role $op" -c "drop role $au" >/dev/null 2>&1;
	dropdb --if-exists "$OLD" >/dev/null 2>&1; cleanup' EXIT

# both SQL: the same statement on both databases
both() { psql -Xq -d "$SWAP" -c "$1" && psql -Xq -d "$OLD" -c "$1"; }
# outputs DB: the day's rows, the checkpoints, the days taken
outputs() {
	psql -XtA -d "$1" -c "SELECT account_id, as_of, principal, periods, penalty, oldest_due
		FROM debt_snapshot ORDER BY as_of, account_id" \
		-c "SELECT account_id, period_from, cut, due_max, penalty, made, carry_id, carry_date,
		carry_amount FROM debt_checkpoint ORDER BY 1" \
		-c "SELECT as_of FROM debt_snapshot_day ORDER BY 1"
}
# day DAY: the day on both (-v of "swap" in swap-DAY.err), outputs compared
day() {
	sbyt -v debt --as-of "$1" 2> "swap-$1.err" &&
		PGDATABASE=$OLD SBYT_DEBT_SWAP=0 sbyt -v debt --as-of "$1" 2> "old-$1.err" &&
		outputs "$SWAP" > swap.out && outputs "$OLD" > old.out && diff -u old.out swap.out
}

# A row of 2026-11-26 written by hand before the day has a partition: it
# goes to the default partition.  7201000099 has no ledger: it owes nothing
# and has no row once the day is taken.
test_expect_success 'a hand-written row of a day without a partition is in the default one' '
	both "INSERT INTO debt_snapshot VALUES (7201000099, DATE \$\$2026-11-26\$\$, 100, 1, 0, NULL, NULL)" &&
	[ "$(q "SELECT count(*) FROM debt_snapshot_other")" = 1 ]
'
# 2026-11-26 (0300's ledgers): 7201000001 owes July's 1000.00 (its payment
# comes on 12-01); 7201000003 owes 500.00 for August and for September and
# paid 700.00 unnamed on 10-20: August whole, 200.00 of September, 300.00
# of it overdue since 10-11.
test_expect_success 'the day swapped in: the same rows, checkpoints and days as the old way' '
	day 2026-11-26 &&
	grep -q "^sbyt: debt: the day.s snapshot written into a new partition, indexed at the end$" swap-2026-11-26.err &&
	! grep -q "new partition" old-2026-11-26.err &&
	[ "$(q "SELECT count(*) FROM debt_snapshot_other")" = 0 ] &&
	[ "$(q "SELECT count(*) FROM debt_snapshot WHERE account_id = 7201000099")" = 0 ] &&
	[ "$(q "SELECT principal FROM debt_snapshot WHERE account_id = 7201000001 AND as_of = \$\$2026-11-26\$\$")" = 100000 ] &&
	[ "$(q "SELECT principal FROM debt_snapshot WHERE account_id = 7201000003 AND as_of = \$\$2026-11-26\$\$")" = 30000 ]
'
test_expect_success 'the new partition is the day partition, its key a partition of the parent key; the checkpoints keyed' '
	[ "$(q "SELECT DISTINCT tableoid::regclass FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$")" = debt_snapshot_20261126 ] &&
	[ "$(q "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = \$\$debt_snapshot_20261126\$\$")" = \
		"FOR VALUES FROM ('\''2026-11-26'\'') TO ('\''2026-11-27'\'')" ] &&
	[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = \$\$debt_snapshot_pkey\$\$::regclass
		AND inhrelid = \$\$debt_snapshot_20261126_pkey\$\$::regclass")" = 1 ] &&
	[ "$(q "SELECT count(*) FROM pg_constraint WHERE conname = \$\$debt_snapshot_20261126_day\$\$")" = 1 ] &&
	[ "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE \$\$debt\\_snapshot\\_%\\_new%\$\$")" = 0 ] &&
	[ "$(q "SELECT to_regclass(\$\$debt_snapshot_20261127\$\$) IS NOT NULL")" = t ] &&
	[ "$(q "SELECT count(*) FROM pg_constraint WHERE conname = \$\$debt_checkpoint_pkey\$\$
		AND contype = \$\$p\$\$ AND conrelid = \$\$debt_checkpoint\$\$::regclass")" = 1 ] &&
	[ "$(q "SELECT count(*) FROM debt_checkpoint")" -ge 1 ]
'
# 7201000003 pays the 300.00 of September it owes on 11-20: a re-run
# leaves it no principal (its penalty for the late August and September
# stays: a penalty-only row).
test_expect_success 'a re-run of the day replaces its rows, as the old way' '
	both "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7201000003, \$\$qiwi\$\$, \$\$q-0874\$\$, DATE \$\$2026-11-20\$\$, 30000)" &&
	day 2026-11-26 &&
	[ "$(q "SELECT principal FROM debt_snapshot WHERE account_id = 7201000003 AND as_of = \$\$2026-11-26\$\$")" = 0 ] &&
	day 2026-11-27 && day 2026-12-28
'
test_expect_success 'a run that cannot take the snapshots for its swap fails and leaves the day as it was' '
	outputs "$SWAP" > before.out &&
	{ psql -Xq -c "BEGIN" -c "SELECT count(*) FROM debt_snapshot" -c "SELECT pg_sleep(30)" -c "COMMIT" >/dev/null 2>&1 & } &&
	n=0; until [ "$(q "SELECT count(*) FROM pg_locks WHERE relation = \$\$debt_snapshot\$\$::regclass
		AND mode = \$\$AccessShareLock\$\$ AND granted AND pid <> pg_backend_pid()")" = 1 ]; do
		n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.05; done &&
	! PGOPTIONS="-c lock_timeout=300" SBYT_DEBT_FULL=1 sbyt -q debt --as-of 2026-12-28 2> lock.err &&
	grep -q "lock" lock.err &&
	q "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database()
		AND query = \$\$SELECT pg_sleep(30)\$\$" > /dev/null &&
	wait &&
	outputs "$SWAP" > after.out && diff -u before.out after.out &&
	[ "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE \$\$debt\\_snapshot\\_%\\_new%\$\$")" = 0 ]
'
test_expect_success 'the operator runs it; the auditor may not call the functions' '
	psql -Xq -c "create role $op login in role sbyt_operator" -c "create role $au login in role sbyt_auditor" &&
	sbyt -q --db "host=$PGHOST dbname=$SWAP user=$op" debt --as-of 2026-12-29 &&
	[ "$(q "SELECT DISTINCT tableoid::regclass FROM debt_snapshot WHERE as_of = \$\$2026-12-29\$\$")" = debt_snapshot_20261229 ] &&
	! psql -Xq "host=$PGHOST dbname=$SWAP user=$au" -c "SELECT sbyt_snapshot_stage(DATE \$\$2027-01-05\$\$)" 2> au.err &&
	grep -q "permission denied" au.err &&
	! psql -Xq "host=$PGHOST dbname=$SWAP user=$au" -c "SELECT sbyt_snapshot_swap(DATE \$\$2026-12-29\$\$)" 2> au2.err &&
	grep -q "permission denied" au2.err
'
test_done
