#!/bin/sh
# 0001-db: the program's face and the database commands.
. "$SBYT_TOP/tests/lib.sh"

test_expect_success 'sbyt --version names the version' '
	sbyt --version | grep -q "^sbyt [0-9]"
'
test_expect_code 64 'an unknown command is a usage error' 'sbyt frobnicate'
test_expect_code 64 'a bad --as-of is a usage error' 'sbyt --as-of 2026-02-30 db status'
test_expect_success 'db init applies every migration, a second init nothing' '
	sbyt db init 2>err1 && grep -q "applied=[1-9]" err1 &&
	sbyt db init 2>err2 && grep -q "applied=0" err2
'
test_expect_success 'db init creates the operator and auditor roles' "
	psql -XtAc \"select count(*) from pg_roles where rolname in ('sbyt_operator', 'sbyt_auditor')\" | grep -qx 2
"
test_expect_success 'the auditor role may read but not write' "
	psql -XtAc \"select has_table_privilege('sbyt_auditor', 'account', 'SELECT'),
	                    has_table_privilege('sbyt_auditor', 'account', 'INSERT')\" | grep -qx 't|f'
"

test_expect_success 'db status lists applied migrations' '
	sbyt db status > out && grep -q "0 pending" out
'
test_expect_code 69 'a database that is down: db status exits 69' '
	sbyt --db "host=$T/nowhere dbname=sbyt" db status 2>err
'
test_expect_success 'and the message names the server' '
	grep -q "could not connect to the database server at .host=$T/nowhere" err
'
test_done
