#!/bin/sh
# 0953-roles: the roles `db init` creates work.  A login role granted
# sbyt_operator runs every job and status; one granted sbyt_auditor runs
# status, every report and limit explain, writing its run records only
# through the SECURITY DEFINER functions of sql/130, and may change nothing
# else: a job it may not run exits 77 naming what was refused.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
sbyt -q db init
op=t0953_op_$$ au=t0953_au_$$
psql -Xq -c "create role $op login in role sbyt_operator" -c "create role $au login in role sbyt_auditor"
cleanup_roles() { psql -Xq -c "drop owned by $op, $au" -c "drop role $op" -c "drop role $au" >/dev/null 2>&1; }
trap 'cleanup_roles; cleanup' EXIT
OP="host=$PGHOST dbname=$PGDATABASE user=$op"
AU="host=$PGHOST dbname=$PGDATABASE user=$au"
ops_inbox

for kind in branches accounts meters contracts reserves balances; do
	test_expect_success "the operator loads $kind" "sbyt -q --db '$OP' load $kind '$FIX/$kind.csv'"
done
test_expect_success 'the operator ingests a file' "
	sbyt -q --db '$OP' ingest '$FIX/inbox/qiwi/qiwi-2026-11.csv'
"
test_expect_success 'the operator runs daily (inbox, debt, limit)' "
	sbyt -q --db '$OP' --as-of $DAY daily 2>err; rc=\$?; [ \$rc = 0 ] || [ \$rc = 65 ]
"
test_expect_success 'the operator runs month (bill, docs)' "
	sbyt -q --db '$OP' --as-of $DAY month --period 2026-11 2>err; rc=\$?; [ \$rc = 0 ] || [ \$rc = 65 ]
"
test_expect_success 'the operator runs bill, docs, debt and limit run on their own' "
	for c in 'bill --period 2026-11' 'docs --period 2026-11' debt 'limit run'; do
		sbyt -q --db '$OP' --as-of $DAY \$c 2>err; rc=\$?
		[ \$rc = 0 ] || [ \$rc = 65 ] || { echo \"\$c: \$rc\"; cat err; exit 1; }
	done
"
test_expect_success 'the operator runs status and review list' "
	sbyt --db '$OP' status > st && grep -q 'latest runs' st &&
	sbyt -q --db '$OP' review list >/dev/null
"
test_expect_success 'the operator runs remind and the service registers (appeal list)' "
	sbyt -q --db '$OP' --as-of $DAY remind 2>err; rc=\$?; [ \$rc = 0 ] || [ \$rc = 65 ] || { cat err; exit 1; }
	sbyt -q --db '$OP' appeal list >/dev/null
"
test_expect_success 'the run records name the database role of the session' "
	[ \"\$(psql -XtAc \"select count(*) from run where db_user = '$op'\")\" -ge 10 ]
"
test_expect_success 'the auditor runs status' "sbyt --db '$AU' status >/dev/null"
for r in aging runs rejects limitation control-plan service; do
	test_expect_success "the auditor runs report $r" "sbyt -q --db '$AU' --as-of $DAY report $r"
done
test_expect_success 'the auditor runs report reconciliation and kpi' "
	sbyt -q --db '$AU' --as-of $DAY report reconciliation --account 7201000033 --from 2026-11-01 --to 2026-11-30 &&
	sbyt -q --db '$AU' --as-of $DAY report kpi --period 2026-11 --appeals '$FIX/journal/appeals.csv' \
		--calls '$FIX/journal/calls.csv' >/dev/null
"
test_expect_success 'the auditor runs limit explain' "
	sbyt --db '$AU' limit explain 7201000006 --as-of $DAY > ex && test -s ex
"
test_expect_success 'the auditor run records are on file, under its role' "
	[ \"\$(psql -XtAc \"select count(*) from run where db_user = '$au' and status = 'done'\")\" -ge 7 ]
"
test_expect_code 77 'the auditor may not load master data: exit 77' "
	sbyt --db '$AU' load branches '$FIX/branches.csv' 2>denied
"
test_expect_success 'the message names what was refused and the role' "
	grep -q 'permission denied for table' denied && grep -q \"role '$au' may not do this\" denied
"
test_expect_code 77 'nor run the daily job' "sbyt --db '$AU' --as-of $DAY daily 2>denied2"
test_expect_success 'the auditor cannot write run records but through the functions' "
	! psql -X -d '$AU' -c \"insert into run (command, command_line, os_user, pid, as_of)
		values ('x', 'x', 'x', 1, '2026-11-30')\" 2>/dev/null &&
	! psql -X -d '$AU' -c \"update run set status = 'done'\" 2>/dev/null &&
	! psql -X -d '$AU' -c \"delete from run_file\" 2>/dev/null
"
test_expect_success 'nor close a record of another role through them' "
	id=\$(psql -XtAc \"select max(run_id) from run where db_user = '$op'\") &&
	psql -X -d '$AU' -qc \"select sbyt_run_end(\$id, 'failed', 99, 'forged', '{}', null, null)\" &&
	[ \"\$(psql -XtAc \"select exit_code from run where run_id = \$id\")\" != 99 ]
"
test_expect_success 'nor the operator rewrite the history of runs' "
	! psql -X -d '$OP' -c \"update run set exit_code = 0\" 2>/dev/null
"
test_done
