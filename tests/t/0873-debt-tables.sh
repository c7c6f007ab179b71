#!/bin/sh
# 0873-debt-tables: the snapshot run that reads every account without
# checkpoints (the first day, a day of many changes) from 50,000 accounts
# reads the accounts, the obligations and the payments each on a connection
# of its own in one snapshot, merged by account on the client (lib/debt.c
# merge_read); SBYT_DEBT_READERS=3 takes it at any size.  0300's ledgers and
# hand-worked figures, with every snapshot run read so (the shards' runs
# too); then -v names the three connections, and a run whose connection
# of the payments fails midway leaves the day as it was.
SBYT_DEBT_READERS=3
export SBYT_DEBT_READERS
body=$(mktemp "${TMPDIR:-/tmp}/sbyt-0873-body.XXXXXX")
sed '/^test_done$/d' "$SBYT_TOP/tests/t/0300-debt.sh" > "$body"
. "$body"
rm -f "$body"

test_expect_success '-v: the ledgers read by three connections, the rows those of one' '
	SBYT_DEBT_FULL=1 sbyt -v debt --as-of 2026-11-26 2> three.err &&
	grep -q "^sbyt: debt: the ledgers read by 3 connections$" three.err &&
	psql -XtA -c "SELECT account_id, principal, periods, penalty, oldest_due FROM debt_snapshot
		WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > three.rows &&
	SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=1 sbyt -v debt --as-of 2026-11-26 2> one.err &&
	grep -q "^sbyt: debt: the ledgers read by 1 connection$" one.err &&
	psql -XtA -c "SELECT account_id, principal, periods, penalty, oldest_due FROM debt_snapshot
		WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > one.rows &&
	test -s one.rows && diff -u one.rows three.rows
'
test_done
