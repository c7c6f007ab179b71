#!/bin/sh
# 0958-progress: long stages draw their progress (count, rate, ETA) on a
# terminal, and nothing of it reaches a file, a pipe or -q.  The terminal is
# a pseudo-terminal from script(1) (util-linux); SBYT_PROGRESS_INTERVAL=0
# redraws at every step, so the small fixture draws too.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
ops_load
export SBYT_PROGRESS_INTERVAL=0
# on a pty: stdout and stderr both go to script's output
tty_run() { script -qec "$*" /dev/null < /dev/null; }
PAY="$FIX/inbox/payments/payments-2026-11.csv"
GPB="$FIX/inbox/gazprombank/gpb-2026-11.xml"
# A payments file of 4000 lines (about 300 kB): larger than one read of
# the parser (64 kB), so the share of the file read grows while it runs.
BIG=big-payments.csv
{ head -1 "$PAY"; i=0; while [ $i -lt 4000 ]; do
	printf "BIG-%08d;2026-11-04T10:00:00+05:00;72010000%02d;10.00;2026-10;cashdesk-with-a-long-name-to-fill-the-file\n" \
		$i $((i % 90 + 10)); i=$((i + 1)); done; } > $BIG

test_expect_success 'ingest on a terminal: lines, rate, how far into the file, ETA' '
	tty_run sbyt --as-of $DAY ingest $BIG > pty.out &&
	grep -aq "sbyt ingest: file=$BIG read=4000 " pty.out &&
	tr "\r" "\n" < pty.out > pty.lines &&
	grep -aq "ingest $BIG: 1 lines, [0-9]* lines/s, [1-9][0-9]\?%, eta [0-9]*s" pty.lines &&
	grep -aq "ingest $BIG: 4000 lines, [0-9]* lines/s, 100%, eta 0s" pty.lines &&
	grep -aq "$(printf "\033\\[K")" pty.out
'
test_expect_success 'the same with stderr in a file: no progress, no escape sequence' '
	sbyt --as-of $DAY ingest "$GPB" 2> file.err &&
	grep -q "^sbyt ingest: file=" file.err &&
	! grep -q "lines/s" file.err &&
	! grep -q "$(printf "\033")" file.err
'
test_expect_success 'and under -q on a terminal: the summary only' '
	tty_run sbyt -q --as-of $DAY ingest "$PAY" > q.out &&
	grep -aq "^sbyt ingest: file=" q.out &&
	! grep -aq "lines/s" q.out && ! grep -aq "$(printf "\033")" q.out
'
ops_inbox
test_expect_success 'daily on a terminal: the limitation stage draws accounts with an ETA' '
	tty_run sbyt --as-of $DAY daily > daily.out &&
	grep -aq "sbyt daily: .* refused_accounts=0 waiting_accounts=[0-9]* " daily.out &&
	grep -aq "limit: [0-9]*/[0-9]* accounts, [0-9]* accounts/s, eta [0-9]*s" daily.out &&
	grep -aq "debt: ledger rows: [0-9]* rows, [0-9]* rows/s" daily.out
'
test_expect_success 'bill, then docs on a terminal: documents counted to the total, with an ETA' '
	sbyt -q --as-of 2026-12-04 bill --period 2026-11 2>/dev/null
	n=$(psql -XtAc "select count(distinct account_id) from charge_line where period = '"'2026-11-01'"'") &&
	[ "$n" -gt 100 ] &&
	SBYT_DOCS_PDF=0 tty_run sbyt --as-of 2026-12-04 docs --period 2026-11 > docs.out &&
	grep -aq "sbyt docs: period=2026-11 documents=$n packages=[0-9]* total=[0-9.]* refused=0" docs.out &&
	grep -aq "docs: 1/$n documents, [0-9]* documents/s, eta [0-9]*s" docs.out &&
	grep -aq "docs: $n/$n documents, [0-9]* documents/s, eta 0s" docs.out
'
test_expect_success 'docs with stderr in a file: no progress' '
	SBYT_DOCS_PDF=0 sbyt --as-of 2026-12-04 docs --period 2026-11 2> docs.err &&
	grep -q "^sbyt docs: period=2026-11 " docs.err && ! grep -q "documents/s" docs.err
'
test_done
