#!/bin/sh
# 0870-debt-incremental: a day whose day before was taken values only the
# accounts whose row can have changed (lib/debt.h), and its snapshot is the
# full valuation's, row by row; so is a snapshot read by two connections.  Two databases with the same ledgers (those
# of tests/data/debt-ledger.sh): "inc" runs `sbyt debt` day after day (the
# incremental path), "full" runs the same days with SBYT_DEBT_FULL=1 (every
# account valued); the same money events are written to both between the
# days: a new charge, payments (one clearing a debtor's principal, one dated
# back before the base day), a recalculation credit, an account changing
# kind.  The days run over a weekend (no run on Saturday and Sunday), a
# due date on a day off (Saturday 2026-10-10, due Monday 10-12: overdue
# from Tuesday 10-13), the end of October and of November.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/data/debt-ledger.sh"

INC=$PGDATABASE
FULL=${PGDATABASE}_full
createdb -T "$INC" "$FULL" || exit 1
trap 'dropdb --if-exists "$FULL" >/dev/null 2>&1; cleanup' EXIT

# both SQL: the same statement on both databases
both() { psql -Xq -d "$INC" -c "$1" && psql -Xq -d "$FULL" -c "$1"; }
# rows DB DAY: the day's snapshot, one line per account
rows() {
	psql -XtA -d "$1" -c "SELECT account_id, principal, periods, penalty,
		coalesce(oldest_due::text, '-') FROM debt_snapshot WHERE as_of = '$2' ORDER BY 1"
}
# day DAY: the day on both, its rows compared; inc-DAY.err / full-DAY.err
# hold the -v output.  "inc" reads with two connections (each half of the
# accounts, as from 50,000 accounts), "full" with one.
day() {
	SBYT_DEBT_READERS=2 sbyt -v debt --as-of "$1" 2> "inc-$1.err" &&
		PGDATABASE=$FULL SBYT_DEBT_FULL=1 SBYT_DEBT_READERS=1 sbyt -v debt --as-of "$1" \
			2> "full-$1.err" &&
		rows "$INC" "$1" > "inc-$1" && rows "$FULL" "$1" > "full-$1" &&
		diff -u "full-$1" "inc-$1"
}
# accounts FILE: accounts= of the summary in FILE
accounts() { sed -n 's/^sbyt debt: .* accounts=\([0-9]*\) .*/\1/p' "$1"; }
inc() { grep -q "^sbyt: debt: incremental from $2: " "inc-$1.err"; }

test_expect_success 'the first day has no base: every account valued, on both' '
	day 2026-10-09 &&
	grep -q "^sbyt: debt: every account valued$" inc-2026-10-09.err &&
	grep -q "^sbyt: debt: the ledgers read by 2 connections$" inc-2026-10-09.err &&
	grep -q "^sbyt: debt: the ledgers read by 1 connection$" full-2026-10-09.err &&
	[ "$(accounts inc-2026-10-09.err)" = 7 ] && [ "$(accounts full-2026-10-09.err)" = 7 ]
'
# Monday after a weekend without runs: the base is Friday.  The advance of
# 7202000001 due Saturday 10-10 is due Monday 10-12: not overdue yet.
test_expect_success 'Monday after a weekend: incremental from Friday, the same rows' '
	day 2026-10-12 && inc 2026-10-12 2026-10-09 &&
	! grep -q "^7202000001|" inc-2026-10-12
'
# Tuesday 10-13: the advance (300.00, legal entity: 1/130 from day 1) is
# overdue.  7202000001 had no row on Monday and nothing was written to it:
# it is valued because a due date moved to Monday falls between.  Day 1:
# 30000 x 950 / 1 300 000 = 21.92 kop -> 0.22.
test_expect_success 'an entry due on a day off becomes overdue the day after the moved date' '
	day 2026-10-13 && inc 2026-10-13 2026-10-12 &&
	grep -qx "7202000001|30000|1|22|2026-10-12" inc-2026-10-13
'
test_expect_success 'a payment dated on the day (written before) counts on its day' '
	day 2026-10-14 && day 2026-10-20 && day 2026-10-21 && inc 2026-10-21 2026-10-20
'
# New events after 10-21: a charge for the account without debts (300.00
# of 2026-10 due Tuesday 11-10) and 7201000006 becomes a managing
# organisation... of kind legal with category managing (the households'
# scale on the legal schedule): its row is valued again.
test_expect_success 'a new charge and a change of kind: valued, the same rows' '
	both "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7201000099, DATE \$\$2026-10-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-11-10\$\$, 30000)" &&
	both "UPDATE account SET kind = \$\$legal\$\$, category = \$\$managing\$\$ WHERE account_id = 7201000006" &&
	day 2026-10-30 && inc 2026-10-30 2026-10-21 &&
	day 2026-10-31 && day 2026-11-01 && day 2026-11-02 && inc 2026-11-02 2026-11-01
'
# 7201000002 pays its August (800.00) on 11-03: no principal left, its
# penalty stays; 7201000005 (no debt) gets a payment dated back to 10-01.
test_expect_success 'a payment clearing a debtor, a payment dated back: the same rows' '
	both "INSERT INTO payment (account_id, channel, source_id, paid_on, amount) VALUES
		(7201000002, \$\$sberbank\$\$, \$\$s-2\$\$, DATE \$\$2026-11-03\$\$, 80000),
		(7201000005, \$\$qiwi\$\$, \$\$q-5\$\$, DATE \$\$2026-10-01\$\$, 10000)" &&
	day 2026-11-03 && inc 2026-11-03 2026-11-02 &&
	grep -q "^7201000002|0|0|[1-9][0-9]*|-$" inc-2026-11-03
'
# 7201000099: its charge due Tuesday 11-10 is overdue on 11-11, with no
# write since 10-21: valued for the due date between.
test_expect_success 'a charge falling due with nothing written: a row the day after' '
	day 2026-11-10 && ! grep -q "^7201000099|" inc-2026-11-10 &&
	day 2026-11-11 && inc 2026-11-11 2026-11-10 &&
	grep -qx "7201000099|30000|1|0|2026-11-10" inc-2026-11-11
'
test_expect_success 'a recalculation credit, the end of November, December: the same rows' '
	both "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7201000003, DATE \$\$2026-09-01\$\$, 2, \$\$recalc\$\$, DATE \$\$2026-10-10\$\$, -20000)" &&
	day 2026-11-18 && day 2026-11-19 && day 2026-11-30 && day 2026-12-01 &&
	inc 2026-12-01 2026-11-30 && day 2026-12-02 && inc 2026-12-02 2026-12-01
'
test_expect_success 'days without a due date between valued fewer accounts than the full ones' '
	for d in 2026-10-12 2026-10-14 2026-10-31 2026-11-10 2026-12-02; do
		[ "$(accounts inc-$d.err)" -lt "$(accounts full-$d.err)" ] || exit 1
	done
'
test_expect_success 'a day re-run out of order is valued in full, the same rows' '
	day 2026-11-11 && grep -q "^sbyt: debt: every account valued$" inc-2026-11-11.err
'
test_expect_success 'other rules (another version) value the next day in full' '
	cp -R "$SBYT_RULES" rules2 && echo "<!-- another version -->" >> rules2/keyrate.xml &&
	SBYT_RULES=$PWD/rules2 sbyt -v debt --as-of 2026-12-03 2> inc-2026-12-03.err &&
	grep -q "^sbyt: debt: every account valued$" inc-2026-12-03.err &&
	SBYT_RULES=$PWD/rules2 sbyt -v debt --as-of 2026-12-04 2> inc-2026-12-04.err &&
	inc 2026-12-04 2026-12-03
'
test_expect_success 'rows of the base day changed by hand: the next day in full' '
	psql -Xq -c "DELETE FROM debt_snapshot WHERE as_of = DATE \$\$2026-12-04\$\$ AND account_id = 7201000001" &&
	SBYT_RULES=$PWD/rules2 sbyt -v debt --as-of 2026-12-05 2> inc-2026-12-05.err &&
	grep -q "^sbyt: debt: every account valued$" inc-2026-12-05.err
'
test_expect_success 'the changes every base has seen are cleared' '
	[ "$(psql -XtAc "SELECT count(*) FROM debt_changed")" = 0 ]
'
test_expect_success 'sbyt debt --full values every account' '
	sbyt -v debt --full --as-of 2026-12-06 2> e && grep -q "every account valued" e &&
	[ "$(accounts e)" = 8 ]
'
test_done
