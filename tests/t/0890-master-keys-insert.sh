#!/bin/sh
# 0890-master-keys-insert: the inserting side of the master data's keys
# (sql/230).  load checks branches and accounts by the set (sql/220, 0880);
# a row written by anything else (a DBA's INSERT, a repair script) that
# names a branch or an account that does not exist fails as the foreign
# key did: SQLSTATE 23503, the foreign key's message, the statement undone.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
sbyt -q db init
for k in branches accounts meters contracts reserves; do sbyt -q load $k "$FIX/$k.csv" || exit 1; done
acc() { psql -XAtc "SELECT count(*) FROM account"; }
n0=$(acc)

state() { # SQL: the SQLSTATE of the statement's failure, and its message
	psql -Xq -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "\\set VERBOSITY verbose" -c "$1" 2>&1
}
test_expect_success 'an account of a branch that does not exist: 23503, nothing written' '
	state "INSERT INTO account (account_id, branch, kind, name, address, postcode, category,
		residents, rooms, delivery, remote_metering, opened_on) SELECT 7209000001, \$\$01\$\$,
		\$\$individual\$\$, \$\$x\$\$, \$\$y\$\$, \$\$625000\$\$, \$\$urban_gas\$\$, 1, 1, \$\$post\$\$, false,
		\$\$2020-01-01\$\$::date UNION ALL SELECT 7209000002, \$\$77\$\$, \$\$individual\$\$, \$\$x\$\$, \$\$y\$\$,
		\$\$625000\$\$, \$\$urban_gas\$\$, 1, 1, \$\$post\$\$, false, \$\$2020-01-01\$\$::date" > out;
	cat out && grep -q "ERROR:  23503: insert or update on table \"account\" violates foreign key constraint \"account_branch_fkey\"" out &&
	grep -q "Key (branch)=(77) is not present in table \"branch\"" out && test "$(acc)" = "$n0"
'
test_expect_success 'moving an account to a branch that does not exist: 23503' '
	state "UPDATE account SET branch = \$\$77\$\$ WHERE account_id = 7201000001" > out;
	grep -q "23503" out && test "$(psql -XAtc "SELECT branch FROM account WHERE account_id = 7201000001")" = 01
'
test_expect_success 'a meter, a contract and a reserve of an account that does not exist: 23503' '
	state "INSERT INTO meter SELECT 7209999999, meter || \$\$-x\$\$, zones, digits, installed_on,
		verified_until, initial_t1, initial_t2, initial_t3 FROM meter LIMIT 1" > out;
	grep -q "violates foreign key constraint \"meter_account_id_fkey\"" out &&
	grep -q "Key (account_id)=(7209999999) is not present in table \"account\"" out &&
	state "UPDATE contract SET account_id = 7209999999 WHERE account_id = (SELECT min(account_id) FROM contract)" > out;
	grep -q "violates foreign key constraint \"contract_account_id_fkey\"" out &&
	state "UPDATE reserve SET account_id = 7209999999 WHERE account_id = (SELECT min(account_id) FROM reserve)" > out;
	grep -q "violates foreign key constraint \"reserve_account_id_fkey\"" out
'
test_expect_success 'rows of known branches and accounts go in; load again changes nothing' '
	psql -Xq -v ON_ERROR_STOP=1 -c "INSERT INTO account (account_id, branch, kind, name, address,
		postcode, category, residents, rooms, delivery, remote_metering, opened_on) VALUES
		(7209000001, \$\$01\$\$, \$\$individual\$\$, \$\$x\$\$, \$\$y\$\$, \$\$625000\$\$, \$\$urban_gas\$\$, 1, 1,
		\$\$post\$\$, false, \$\$2020-01-01\$\$)" &&
	test "$(acc)" = $((n0 + 1)) &&
	sbyt load accounts "$FIX/accounts.csv" 2>e && grep -q "updated=0 unchanged=$n0" e
'
test_done
