#!/bin/sh
# 0955-clock-install: the time zone is configuration (--tz, SBYT_TZ,
# sbyt.conf) read through the C library's zone database, one clock for the
# as-of date, run records, status and reports; identity comes from the OS
# and the database session, never from $USER; the lock-held message names
# the holder; `make install PREFIX=...` is honoured whatever was built
# before, installs jobs/ and sbyt.conf, which the program reads.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
me=$(id -un)

test_expect_success 'the default as-of date is today in Asia/Yekaterinburg' '
	sbyt -v rules check >/dev/null 2>&1
	want=$(TZ=Asia/Yekaterinburg date +%F)
	sbyt -q load branches "$FIX/branches.csv" &&
	[ "$(psql -XtAc "select as_of from run order by run_id desc limit 1")" = "$want" ]
'
test_expect_success '--tz moves the as-of date with the zone (Pacific/Kiritimati, UTC+14)' '
	want=$(TZ=Pacific/Kiritimati date +%F)
	sbyt -q --tz Pacific/Kiritimati load branches "$FIX/branches.csv" &&
	[ "$(psql -XtAc "select as_of from run order by run_id desc limit 1")" = "$want" ]
'
test_expect_success 'so does SBYT_TZ (Pacific/Pago_Pago, UTC-11)' '
	want=$(TZ=Pacific/Pago_Pago date +%F)
	SBYT_TZ=Pacific/Pago_Pago sbyt -q load branches "$FIX/branches.csv" &&
	[ "$(psql -XtAc "select as_of from run order by run_id desc limit 1")" = "$want" ]
'
test_expect_code 78 'an unknown zone is a configuration error' 'sbyt --tz Mars/Olympus status 2>err'
test_expect_success 'naming it' 'grep -q "unknown time zone .Mars/Olympus." err'
test_expect_code 78 'a zone name with ../ is refused too' 'sbyt --tz ../../etc/passwd status'
test_expect_success 'status shows run times in the zone: the same run at +05 and at +14 differ by 9 hours' '
	sbyt status 2>/dev/null | grep " load " | tail -1 | awk "{print \$3, \$4}" > a &&
	sbyt --tz Pacific/Kiritimati status 2>/dev/null | grep " load " | tail -1 | awk "{print \$3, \$4}" > b &&
	[ $(( $(date -d "$(cat b)" +%s) - $(date -d "$(cat a)" +%s) )) = 32400 ]
'
test_expect_success 'the runs workbook says the time in the zone, as status does' '
	sbyt -q --out o5 report runs --from 2020-01-01 --to 2040-01-01 &&
	sbyt -q --out o14 --tz Pacific/Kiritimati report runs --from 2020-01-01 --to 2040-01-01 &&
	for z in o5 o14; do
		python3 -c "
import sys, zipfile, re, datetime
x = zipfile.ZipFile(sys.argv[1]).read(\"xl/worksheets/sheet1.xml\").decode()
last = None
for row in re.findall(r\"<row[^>]*>(.*?)</row>\", x, re.S):
    cells = dict(re.findall(r\"<c r=.([A-Z]+)[0-9]+.[^>]*>(.*?)</c>\", row, re.S))
    if \" load branches \" in cells.get(\"C\", \"\") and \"<v>\" in cells.get(\"F\", \"\"):
        last = float(re.search(r\"<v>([^<]*)</v>\", cells[\"F\"]).group(1))
t = datetime.datetime(1899, 12, 30) + datetime.timedelta(seconds=int(last * 86400 + 1e-6))
print(t.strftime(\"%Y-%m-%d %H:%M:%S\"))" $z/reports/runs-*.xlsx > $z.t || exit 1
	done &&
	[ "$(cat o5.t)" = "$(cat a)" ] && [ "$(cat o14.t)" = "$(cat b)" ]
'
test_expect_success 'no clock arithmetic or fixed zone is left in the code' '
	! grep -rn "5 \* 3600\|AT TIME ZONE .Asia" "$SBYT_TOP/lib" "$SBYT_TOP/bin"
'
test_expect_success 'the OS user of a run is the process owner, not $USER' '
	USER=mallory LOGNAME=mallory sbyt -q load branches "$FIX/branches.csv" &&
	[ "$(psql -XtAc "select os_user || chr(124) || db_user from run order by run_id desc limit 1")" = "$me|$(psql -XtAc "select session_user")" ]
'
test_expect_success 'the lock-held message names the holder: pid, host, start' '
	psql -XtAc "insert into run (command, command_line, os_user, pid, as_of, host, started_at)
		values (\$\$debt\$\$, \$\$sbyt debt\$\$, \$\$op\$\$, 4242, \$\$2026-11-30\$\$, \$\$billing-1\$\$, \$\$2026-11-30 06:00:05+05\$\$)" >/dev/null &&
	psql -Xq -c "select pg_advisory_lock(hashtext(\$\$sbyt:debt\$\$)), pg_sleep(3)" >/dev/null &
	sleep 1
	sbyt --as-of 2026-11-30 debt 2>lock; rc=$?
	wait
	[ $rc = 75 ] && grep -q "another .debt. run holds the lock" lock &&
	grep -q "pid 4242 on host billing-1, started 2026-11-30 06:00:05+05" lock
'
test_expect_success 'a run records the host it ran on' '
	[ "$(psql -XtAc "select host from run where command = \$\$load\$\$ order by run_id desc limit 1")" = "$(hostname)" ]
'
test_expect_success 'the crontab is in system time with the conversion stated; the wrapper sets TZ' '
	grep -q "ignores CRON_TZ" "$SBYT_TOP/jobs/crontab" && ! grep -q "^CRON_TZ" "$SBYT_TOP/jobs/crontab" &&
	grep -q "^0 1 1,2,6-25,27-31 \* \*.*sbyt-job daily" "$SBYT_TOP/jobs/crontab" &&
	grep -q "06:00 Yekaterinburg (01:00 UTC)" "$SBYT_TOP/jobs/crontab"
'
test_expect_success 'systemd timers state the schedule in Asia/Yekaterinburg' '
	grep -q "^OnCalendar=\*-\*-01,02,06..25,27..31 06:00:00 Asia/Yekaterinburg" "$SBYT_TOP/jobs/sbyt-daily.timer" &&
	grep -q "^OnCalendar=\*-\*-26 06:00:00 Asia/Yekaterinburg" "$SBYT_TOP/jobs/sbyt-month.timer" &&
	grep -q "^OnCalendar=\*-\*-03..05 06:00:00 Asia/Yekaterinburg" "$SBYT_TOP/jobs/sbyt-month-legal.timer" &&
	grep -q "^ExecStartPre=.*sbyt-job daily" "$SBYT_TOP/jobs/sbyt-month.service" &&
	if command -v systemd-analyze >/dev/null; then
		for t in "$SBYT_TOP"/jobs/*.timer; do
			grep "^OnCalendar=" "$t" | cut -d= -f2- | while read -r c; do
				systemd-analyze calendar "$c" >/dev/null || exit 1
			done
		done
	fi
'
test_expect_success 'the wrapper runs sbyt in the zone of SBYT_TZ and turns @month into its month' '
	mkdir -p h && cat > h/fake-sbyt <<-\EOS &&
	#!/bin/sh
	echo "TZ=$TZ SBYT_TZ=$SBYT_TZ args=$*" >&2
	EOS
	chmod +x h/fake-sbyt &&
	SBYT_HOME="$T/h" SBYT_BIN="$T/h/fake-sbyt" SBYT_TZ=Pacific/Kiritimati TZ=UTC \
		"$SBYT_TOP/jobs/sbyt-job" month --period @month &&
	grep -q "TZ=Pacific/Kiritimati SBYT_TZ=Pacific/Kiritimati args=-q month --period $(TZ=Pacific/Kiritimati date +%Y-%m)" h/var/log/sbyt-*.log
'
test_expect_success 'and warns when the system clock is not the zone the crontab is written in' '
	SBYT_HOME="$T/h" SBYT_BIN="$T/h/fake-sbyt" SBYT_CRON_ZONE=Pacific/Kiritimati TZ=UTC \
		"$SBYT_TOP/jobs/sbyt-job" daily &&
	grep -q "the crontab is written for Pacific/Kiritimati but the system clock" h/var/log/sbyt-*.log
'
cat > sbyt.conf <<EOF2
# a test configuration
out = $T/conf-out
timezone = Pacific/Kiritimati
spool=$T/conf-spool
EOF2
test_expect_success 'sbyt.conf (SBYT_CONF) sets out, spool and the zone' '
	mkdir -p conf-spool/inbox &&
	env -u SBYT_OUT SBYT_CONF="$T/sbyt.conf" sbyt -q --as-of 2026-11-30 report aging &&
	test -f conf-out/reports/aging-2026-11-30.xlsx &&
	env -u SBYT_OUT SBYT_CONF="$T/sbyt.conf" sbyt -q load branches "$FIX/branches.csv" &&
	[ "$(psql -XtAc "select as_of from run order by run_id desc limit 1")" = "$(TZ=Pacific/Kiritimati date +%F)" ] &&
	SBYT_CONF="$T/sbyt.conf" sbyt --as-of 2026-11-30 daily 2>d && grep -q "stages=inbox" d &&
	test -d conf-spool/archive || test -d conf-spool/inbox
'
test_expect_code 78 'an unknown key in sbyt.conf is refused with FILE:LINE' '
	printf "out = x\npassword = y\n" > bad.conf; SBYT_CONF="$T/bad.conf" sbyt status 2>err
'
test_expect_success 'naming the line' 'grep -q "bad.conf:2: unknown key .password." err'
test_expect_code 66 'a missing SBYT_CONF is an error' 'SBYT_CONF="$T/none.conf" sbyt status'

test_expect_success 'make install PREFIX=... after a default build: rules found beside the binary' '
	make -s -C "$SBYT_TOP" install PREFIX="$T/p" SYSCONFDIR="$T/etc" BUILD="$SBYT_BUILD" >inst 2>&1 &&
	test -x p/bin/sbyt && test -f p/share/sbyt/rules/calendar/2026.xml -o -d p/share/sbyt/rules &&
	mkdir -p elsewhere && cd elsewhere &&
	env -u SBYT_RULES "$T/p/bin/sbyt" rules check > rc.out 2>&1 &&
	grep -q "p/share/sbyt/rules" rc.out
'
test_expect_success 'and installs jobs/ and an example sbyt.conf that the program reads' '
	test -x p/share/sbyt/jobs/sbyt-job && test -f p/share/sbyt/jobs/sbyt-daily.timer &&
	test -f p/share/sbyt/jobs/crontab && test -f etc/sbyt/sbyt.conf &&
	test "$(stat -c %a etc/sbyt/sbyt.conf)" = 640 &&
	SBYT_CONF="$T/etc/sbyt/sbyt.conf" "$T/p/bin/sbyt" --tz UTC rules check >/dev/null 2>&1
'
test_done
