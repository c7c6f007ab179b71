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
# Every day of the month has its morning daily (06:00 Yekaterinburg, 01:00
# UTC: the crontab is in system time, jobs/crontab), once; on the 26th and the
# 3rd-5th it runs first on the month job's line, which waits for it (&&).
test_expect_success 'the crontab runs daily and the month jobs after the morning daily' '
	ct="$SBYT_TOP/jobs/crontab" &&
	grep -q "^0 1 1,2,6-25,27-31 \* \* .*sbyt-job daily$" "$ct" &&
	grep -q "^0 1 26 \* \* .*sbyt-job daily && .*sbyt-job month --period .* --kind individual$" "$ct" &&
	grep -q "^0 1 3-5 \* \* .*sbyt-job daily && .*sbyt-job month --period .* --kind legal$" "$ct" &&
	for d in $(seq 1 31); do
		n=$(grep "^0 1 " "$ct" | grep "sbyt-job daily" | awk "{ print \$3 }" | tr "," "\n" |
			awk -F- -v d=$d "(NF == 1 && \$1 == d) || (NF == 2 && d >= \$1 && d <= \$2)" | wc -l)
		[ "$n" = 1 ] || { echo "day $d: $n morning dailies"; exit 1; }
	done
'
test_expect_success 'the legal run names the month before on the 3rd-5th (@prev-month)' '
	grep -q "^0 1 3-5 .*month --period @prev-month --kind legal$" "$SBYT_TOP/jobs/crontab" &&
	grep -q "prev_month=\$(date -d \"\$(date +%Y-%m-15) -1 month\" +%Y-%m)" "$job" &&
	for d in 2026-12-03 2026-12-05 2027-01-03 2027-03-05 2027-03-31; do
		[ "$(date -d "$(date -d $d +%Y-%m-15) -1 month" +%Y-%m)" = "$(date -d "$d -5 days" +%Y-%m)" ] ||
			[ $d = 2027-03-31 ] || exit 1
	done &&
	[ "$(date -d "$(date -d 2027-03-31 +%Y-%m-15) -1 month" +%Y-%m)" = 2027-02 ] &&
	mkdir -p pm && printf "#!/bin/sh\necho \"\$*\" >&2\n" > pm/fake && chmod +x pm/fake &&
	SBYT_HOME="$T/pm" SBYT_BIN="$T/pm/fake" SBYT_TZ=UTC "$job" month --period @prev-month --kind legal &&
	grep -q "month --period $(TZ=UTC date -d "$(TZ=UTC date +%Y-%m-15) -1 month" +%Y-%m) --kind legal" pm/var/log/sbyt-*.log
'
test_done
