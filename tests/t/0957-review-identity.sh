#!/bin/sh
# 0957-review-identity: who decided a held reading comes from the OS (the
# process owner, getpwuid(geteuid())) and the database session
# (session_user), never from $USER or $LOGNAME, which anyone sets.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ingest-setup.sh"
AS="--as-of 2026-12-01"
q() { psql -XtAc "$1"; }
P='account;meter;zone;value;taken_on;source'
# History 4100 (09-20) .. 4200 (10-26): 100 kWh in 36 days = 84.549 kWh a
# month; 6000 on 11-20 consumes 1800 > 10 x 84.549: held (as test 0201).
printf '%s\n' "$P" '7201000123;M-7201000123;1;4100;2026-09-20;lkk' \
	'7201000123;M-7201000123;1;4200;2026-10-26;lkk' > h.csv
printf '%s\n' "$P" '7201000123;M-7201000123;1;6000;2026-11-20;lkk' > p2.csv
sbyt -q $AS ingest h.csv && sbyt -q $AS ingest p2.csv

test_expect_success 'a reading is held' '[ "$(q "select count(*) from reading_hold")" = 1 ]'
test_expect_success 'accepted with USER and LOGNAME set to someone else' '
	id=$(q "select reading_id from reading_hold") &&
	USER=mallory LOGNAME=mallory sbyt -q review accept $id
'
test_expect_success 'the decision names the process owner and the session role' '
	[ "$(q "select decided_by || chr(124) || decided_db_user from reading_hold")" = "$(id -un)|$(q "select session_user")" ]
'
test_expect_success 'and so does the run record of the review' '
	[ "$(q "select os_user || chr(124) || db_user from run where command = \$\$review\$\$")" = "$(id -un)|$(q "select session_user")" ] &&
	! q "select decided_by from reading_hold union all select os_user from run" | grep -q mallory
'
test_done
