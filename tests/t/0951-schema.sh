#!/bin/sh
# 0951-schema: every command that touches the database checks the schema
# first: an empty database exits 78 "run `sbyt db init`", one that lacks a
# migration 78 "run `sbyt db migrate`", never 70 with a missing relation.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
mkdir -p "$SBYT_SPOOL/inbox"
cmds='load branches '"$FIX"'/branches.csv
ingest '"$FIX"'/inbox/sms/sms-2026-11.log
daily
month --period 2026-11
bill --period 2026-11
docs --period 2026-11
debt
debt --account 7201000006
report runs
report aging
report rejects
limit run
limit explain 7201000006
review list
status'
n=0
echo "$cmds" > cmds
while read -r c; do
	n=$((n + 1))
	test_expect_code 78 "uninitialised: sbyt $c exits 78" "sbyt --as-of $DAY $c 2>e$n"
	test_expect_success "and says to run sbyt db init" "
		grep -q 'is not initialised' e$n && grep -q 'run .sbyt db init.' e$n &&
		! grep -q 'does not exist' e$n
	"
done < cmds
test_expect_success 'db status still works on an empty database and hints at init' '
	sbyt db status > st && grep -q "hint: run .sbyt db init." st
'
sbyt -q db init
# 130 (this issue's) can be applied again: an older database in effect
psql -XqAc "delete from schema_migration where version = 130"
n=0
while read -r c; do
	n=$((n + 1))
	test_expect_code 78 "a migration missing: sbyt $c exits 78" "sbyt --as-of $DAY $c 2>m$n"
	test_expect_success "and says to run sbyt db migrate" "
		grep -q 'lacks 1 of this program.s migrations' m$n && grep -q 'run .sbyt db migrate.' m$n
	"
done < cmds
test_expect_success 'after db migrate, status works' '
	sbyt -q db migrate && sbyt status >/dev/null
'
test_expect_success 'the demo prints a command that works as printed (with its --db)' '
	grep -q "try  sbyt --db .\$db. limit explain" "$SBYT_TOP/tools/demo.sh" &&
	grep -q "dbname=sbyt_demo" "$SBYT_TOP/README.md"
'
test_done
