#!/bin/sh
# 0003-jobs: the cron wrapper logs every run and tells retry-later from bad
# data from a bug; the job lock makes a second run exit 75.
. "$SBYT_TOP/tests/lib.sh"
export SBYT_HOME="$T" SBYT_BIN="$SBYT_BUILD/sbyt"
job="$SBYT_TOP/jobs/sbyt-job"
cd "$T"
sbyt -q db init
printf 'code;name;address;phone\n01;Участок;г. Тюмень;+73452000001\n' > b.csv
printf 'code;name;address;phone\n01;Участок\n' > bad.csv

test_expect_success 'a good run exits 0 and logs "done"' '
	"$job" load branches b.csv &&
	grep -q " load exit=0 done" var/log/sbyt-*.log
'
test_expect_code 65 'bad data exits 65' '"$job" load branches bad.csv 2>err'
test_expect_success 'and is reported as bad data with the line at fault' '
	grep -q "load exit=65 bad-data" err && grep -q "bad.csv:2: 2 fields, expected 4" var/log/sbyt-*.log
'
test_expect_success 'while another session holds the load lock, a run exits 75: retry later' '
	psql -Xq -c "select pg_advisory_lock(hashtext(\$\$sbyt:load\$\$)), pg_sleep(4)" >/dev/null &
	sleep 1.5
	"$job" load branches b.csv 2>err; rc=$?
	wait
	[ $rc = 75 ] && grep -q "retry-later: another run holds the lock" err
'
test_expect_code 69 'a database that is down exits 69: retry later' '
	PGHOST="$T/nowhere" "$job" status 2>err
'
test_expect_success 'reported as retry-later' 'grep -q "exit=69 retry-later: database unavailable" err'
test_expect_success 'the crontab runs daily and the month job after the window' '
	grep -q "^0 1 \* \* \*.*sbyt-job daily" "$SBYT_TOP/jobs/crontab" &&
	grep -q "^30 20 25 \* \*.*sbyt-job month" "$SBYT_TOP/jobs/crontab"
'
test_done
