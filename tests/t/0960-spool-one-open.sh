#!/bin/sh
# 0960-spool-one-open: an input file is opened once, with O_NOFOLLOW, and
# every reading of it - its hash, the channel's detection, the parser, the
# second pass that writes its rejects file - reads that checked descriptor
# (issue 19 item 9: no window between the check and the reading in which
# the path could be swapped for a link).  strace(1) counts the opens of
# the path; tests/unit/t_infile.c swaps the path between the readers.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
ops_load
# opens FILE TRACE: the open(2) calls of FILE in the trace, one per line
opens() { grep -F "\"$1\"" "$2" | grep -E "open(at)?\(" ; }
# trace OUT ARGS...: sbyt under strace (LeakSanitizer cannot run under
# ptrace: the sanitizer build's leak check is left to the other tests)
trace() { o=$1; shift; ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -qq -e trace=open,openat -o "$o" sbyt "$@"; }
# The fixture's payments and one line for an unknown account: the file is
# ingested and that line goes back in out/rejects/ (the second pass).
PAY=$T/pay.csv
{ cat "$FIX/inbox/payments/payments-2026-11.csv";
  echo "ZZ-1;2026-11-04T10:00:00+05:00;7299999999;10.00;2026-10;cashdesk"; } > "$PAY"

test_expect_success 'ingest, channel detected, a line rejected: the file opened once, O_NOFOLLOW' '
	trace tr1 --as-of $DAY ingest "$PAY" 2> i.err &&
	grep -q "^sbyt ingest: file=$PAY read=82 accepted=81 rejected=1 .*channel=payments status=ingested" i.err &&
	ls "$SBYT_OUT"/rejects/pay.*.rejects.csv &&
	opens "$PAY" tr1 > o1 && [ "$(wc -l < o1)" = 1 ] && grep -q "O_NOFOLLOW" o1
'
test_expect_success 'ingested again (a no-op that writes its lost rejects file anew): opened once' '
	rm "$SBYT_OUT"/rejects/pay.*.rejects.csv &&
	trace tr2 --as-of $DAY ingest "$PAY" 2> n.err &&
	grep -q "status=noop" n.err && ls "$SBYT_OUT"/rejects/pay.*.rejects.csv &&
	opens "$PAY" tr2 > o2 && [ "$(wc -l < o2)" = 1 ]
'
test_expect_success 'daily: each inbox file opened once, then moved to archive/' '
	ops_inbox && f="$SBYT_SPOOL/inbox/sberbank/sber-2026-11-p01.txt" &&
	trace tr3 -q --as-of $DAY daily 2> d.err &&
	opens "$f" tr3 > o3 && [ "$(wc -l < o3)" = 1 ] && grep -q O_NOFOLLOW o3 &&
	test -f "$SBYT_SPOOL/archive/$DAY/sber-2026-11-p01.txt" &&
	g="$SBYT_SPOOL/inbox/gazprombank/gpb-2026-11.xml" && opens "$g" tr3 > o4 &&
	[ "$(wc -l < o4)" = 1 ]
'
test_done
