#!/bin/sh
# 0952-lost-connection: the network goes away in the middle of a job, at
# every stage: each job runs through a proxy (tests/cutproxy.py) that cuts
# all its connections, without a word from the server, after K bytes, for
# K growing until the job completes.  Each cut run exits 69 (retry later),
# never 70 ("bug"), whatever connection (the job's, a worker's, a look-up
# connection) and whatever stage (lock, run record, COPY, commit) it hit;
# the run that gets through exits as an uncut run would.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
ops_load && ops_inbox
sock=$PGHOST

cut_run() { # K ARGS...: run sbyt through a proxy cutting after K bytes
	k=$1; shift
	rm -f port
	python3 "$SBYT_TOP/tests/cutproxy.py" "$sock" "$k" port > bytes &
	ppid_=$!
	while [ ! -s port ]; do sleep 0.05; done
	sbyt --db "host=127.0.0.1 port=$(cat port) dbname=$PGDATABASE" "$@" > job.out 2> err
	rc=$?
	kill "$ppid_"; wait "$ppid_" 2>/dev/null
	return $rc
}

jobs='load accounts '"$FIX"'/accounts.csv
ingest '"$FIX"'/inbox/sberbank/sber-2026-11-p01.txt '"$FIX"'/inbox/sms/sms-2026-11.log
--as-of 2026-11-30 daily
--as-of 2026-11-30 month --period 2026-11
--as-of 2026-11-30 debt
--as-of 2026-11-30 limit run
--as-of 2026-11-30 report aging
--as-of 2026-11-30 report limitation
report runs
review list
limit explain 7201000006 --as-of 2026-11-30
status'
echo "$jobs" > jobs
: > codes
while read -r j; do
	for k in 600 1500 3000 6000 12000 25000 50000 100000 200000 400000 800000 1600000 3200000 6400000; do
		# shellcheck disable=SC2086
		cut_run $k $j; rc=$?
		echo "$rc K=$k sbyt $j" >> codes
		if [ $rc = 69 ]; then
			grep -q "lost the database server\|could not connect to the database server" err ||
				{ echo "no message: K=$k $j"; cat err; } >> bad
			continue
		fi
		[ $rc = 0 ] || [ $rc = 65 ] || { echo "exit $rc at K=$k: sbyt $j"; cat err; } >> bad
		break
	done
done < jobs
test_expect_success 'every cut run exited 69 with the lost server named' '
	cat codes && test ! -s bad
'
test_expect_success 'each job was cut at least twice before it got through' '
	for j in load ingest daily month debt "limit run" "report aging" "report runs"; do
		n=$(grep -c "^69 .*sbyt.* $j" codes)
		[ "$n" -ge 2 ] || { echo "$j: $n cuts"; exit 1; }
	done
'
test_expect_success 'and every job completed in the end' '
	[ "$(grep -c "^0 \|^65 " codes)" = "$(wc -l < jobs)" ]
'
test_expect_success 'the runs cut are aborted or failed on record, none left running' '
	sbyt --as-of 2026-11-30 status >/dev/null &&
	[ "$(psql -XtAc "select count(*) from run r where status = '"'running'"'")" = 0 ] ||
	psql -XtAc "select command, status from run where status = '"'running'"'"
'
# The server ends the sessions itself (pg_terminate_backend: FATAL 57P01,
# the administrator's command) at growing delays in the middle of a month
# job on a fresh period: 69 each time, or the run got through.
: > term
for d in 0.02 0.05 0.1 0.2 0.3 0.5; do
	( sleep $d; psql -XqAtc "select pg_terminate_backend(pid) from pg_stat_activity
		where application_name = 'sbyt' and pid <> pg_backend_pid()" >/dev/null ) &
	sbyt --as-of 2026-12-28 month --period 2026-12 > job.out 2> err; rc=$?
	wait
	echo "$rc $d" >> term
	[ $rc = 69 ] && ! grep -q "lost the database server" err && echo "no message at $d" >> term
done
test_expect_success 'a session the server terminates (57P01) exits 69, never 70' '
	cat term; ! grep -v "^69 \|^0 \|^65 " term && grep -q "^69 " term
'
test_done
