#!/bin/sh
# 0950-secrets: a password given in a connection string is never printed,
# logged or stored: not in connection errors, not in run.command_line, not
# in the runs workbook, not in the cron wrapper's log, not in ps.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
PW=Pl4ntedSecret77
# The private cluster trusts local connections: a password given is not
# needed, but libpq takes it, so it is in every conninfo the jobs see.
DB="host=$PGHOST dbname=$PGDATABASE password=$PW"
URI="postgresql://$(id -un):$PW@/$PGDATABASE?host=$PGHOST"
export SBYT_HOME="$T" SBYT_BIN="$SBYT_BUILD/sbyt"
job="$SBYT_TOP/jobs/sbyt-job"

test_expect_code 69 'a server that is not there: exit 69' '
	sbyt --db "host=$T/nowhere dbname=x password=$PW" status 2>err1
'
test_expect_success 'the error shows the conninfo with password=***' '
	grep -q "could not connect to the database server at .host=$T/nowhere dbname=x password=\*\*\*" err1 &&
	! grep -q "$PW" err1
'
test_expect_code 69 'the same through a URI' '
	sbyt --db "postgresql://u:$PW@/x?host=$T/nowhere" status 2>err2
'
test_expect_success 'the URI is shown as user:***@' '
	grep -q "postgresql://u:\*\*\*@/x" err2 && ! grep -q "$PW" err2
'
test_expect_code 78 'a malformed conninfo quoting the password: refused without showing it' '
	sbyt --db "host=$T/nowhere $PW" status 2>err3
' 
test_expect_success 'libpq quoted a piece of it: not shown' '
	grep -q "the connection string is invalid" err3 && ! grep -q "$PW" err3
'
test_expect_success 'jobs run with the password in --db and in a URI' '
	ops_load --db "$DB" 2>load.err &&
	ops_inbox && sbyt --db "$URI" --as-of $DAY daily > daily.out 2>daily.err;
	rc=$?; [ $rc = 0 ] || [ $rc = 65 ]
'
test_expect_success 'the run records keep the command line with password=***' '
	psql -XtAc "select command_line from run where command = '"'load'"' limit 1" > cl &&
	grep -q "password=\*\*\*" cl &&
	psql -XtAc "select command_line from run where command = '"'daily'"'" | grep -q "postgresql://$(id -un):\*\*\*@"
'
test_expect_success 'the wrapper runs a job with the password; its log keeps none' '
	"$job" --db "$DB" status >/dev/null 2>job.err &&
	grep -q "status exit=0 done" var/log/sbyt-*.log
'
test_expect_success 'the runs workbook for auditors' '
	sbyt --db "$DB" report runs --from 2026-01-01 --to 2030-12-31 2>rep.err &&
	mkdir -p x && (cd x && unzip -qo "$SBYT_OUT"/reports/runs-*.xlsx) &&
	grep -q "password=\*\*\*" x/xl/worksheets/sheet1.xml
'
test_expect_success 'while a job runs, ps shows no password' '
	printf "begin; lock table run in access exclusive mode; select pg_sleep(3); commit;\n" |
		psql -Xq >/dev/null &
	sleep 1
	sbyt --db "$DB" status >/dev/null 2>lock.err &
	pid=$!; sleep 0.7
	tr "\0" " " < /proc/$pid/cmdline > cmdline; wait $pid; wait
	grep -q "password=\*" cmdline && ! grep -q "$PW" cmdline
'
test_expect_success 'nothing anywhere holds the planted password' '
	pg_dump --data-only -d "$PGDATABASE" > dump.sql &&
	! grep -rq "$PW" dump.sql *.err *.out err* var/log "$SBYT_OUT" x "$SBYT_SPOOL"
'
test_expect_success 'the documentation says how to give a password: .pgpass or a service' '
	grep -q "pgpass" "$SBYT_TOP/man/sbyt.1" && grep -q "pgpass" "$SBYT_TOP/README.md" &&
	grep -q "pg_service" "$SBYT_TOP/man/sbyt.1"
'
test_done
