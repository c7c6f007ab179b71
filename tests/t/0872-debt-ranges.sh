#!/bin/sh
# 0872-debt-ranges: the accounts read from their checkpoints by index range
# (lib/debt.c lat_body: per account its obligations of period_from on and
# its payments after cut, two index ranges, instead of a merge of the whole
# tables that passes the settled rows over; the job takes it when the
# ledgers hold 16 rows or more an account).  The same year of ledgers and
# the same events as 0871, every day compared row by row with the full
# valuation, with SBYT_DEBT_SHAPE=range; then the job's own choice from the
# planner's counts: this ledger (7 accounts, a year of monthly charges and
# payments: over 16 rows an account once analysed) is read by range, the
# rows the same as the full valuation's and as the merge's.
SBYT_DEBT_SHAPE=range
export SBYT_DEBT_SHAPE
body=$(mktemp "${TMPDIR:-/tmp}/sbyt-0872-body.XXXXXX")
sed '/^test_done$/d' "$SBYT_TOP/tests/t/0871-debt-checkpoint.sh" > "$body"
. "$body"
rm -f "$body"

# every day that read checkpoints read them by range
test_expect_success 'every day with checkpoints read them by index range' '
	n=0 &&
	for f in inc-*.err; do
		if grep -q "accounts read from their checkpoints" "$f"; then
			grep -q "^sbyt: debt: the ledgers read by index range from the checkpoints$" "$f" ||
				{ echo "$f: not by range"; exit 1; }
			n=$((n + 1))
		fi
	done && [ "$n" -ge 5 ]
'
# the job's choice: without SBYT_DEBT_SHAPE, after ANALYZE the counts say
# (obligations + payments) / accounts >= 16: by range; SBYT_DEBT_SHAPE=merge
# reads the same day by the merge; both give the full valuation's rows
test_expect_success 'the job chooses the ranges from the counts; the merge gives the same rows' '
	psql -Xq -d "$INC" -c "ANALYZE account, obligation, payment" &&
	[ "$(psql -XtA -d "$INC" -c "SELECT (SELECT reltuples FROM pg_class WHERE oid = \$\$obligation\$\$::regclass)
		+ (SELECT reltuples FROM pg_class WHERE oid = \$\$payment\$\$::regclass)
		>= 16 * (SELECT reltuples FROM pg_class WHERE oid = \$\$account\$\$::regclass)")" = t ] &&
	PGDATABASE=$FULL SBYT_DEBT_FULL=1 sbyt debt --as-of 2026-12-19 2>/dev/null &&
	rows "$FULL" 2026-12-19 > full-2026-12-19 &&
	env -u SBYT_DEBT_SHAPE SBYT_RULES=$PWD/rules3 sbyt -v debt --as-of 2026-12-19 2> auto.err &&
	grep -q "accounts read from their checkpoints" auto.err &&
	grep -q "^sbyt: debt: the ledgers read by index range from the checkpoints$" auto.err &&
	rows "$INC" 2026-12-19 > auto-2026-12-19 && diff -u full-2026-12-19 auto-2026-12-19 &&
	SBYT_DEBT_SHAPE=merge SBYT_RULES=$PWD/rules3 sbyt -v debt --as-of 2026-12-19 2> merge.err &&
	grep -q "accounts read from their checkpoints" merge.err &&
	! grep -q "index range" merge.err &&
	rows "$INC" 2026-12-19 > merge-2026-12-19 && diff -u full-2026-12-19 merge-2026-12-19
'
test_done
