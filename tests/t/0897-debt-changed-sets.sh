#!/bin/sh
# 0897-debt-changed-sets: the statement triggers of sql/285 note the
# accounts a statement wrote to as one row of debt_changed, their ids in an
# array: an insert, an update (old and new rows), a delete of obligations
# or payments, a change of an account's kind; a statement writing more than
# 1,000 rows and more than half the accounts notes account 0 alone; an
# empty statement notes nothing.  A day valued from its base takes exactly
# the accounts so noted (with the base's debtors), and the rows every base
# has seen are cleared.  A database of sql/200's rows (one an account and
# statement) migrated to 285 has one row a transaction.
. "$SBYT_TOP/tests/lib.sh"
db_migrate_before 285 || exit 1

# 3,000 accounts, none in debt: 7200000001..7200003000
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
INSERT INTO branch VALUES ('01', 'Участок 1', 'г. Тюмень', '+73452000001');
INSERT INTO account (account_id, branch, kind, name, address, postcode, category, residents,
                     rooms, delivery, remote_metering, opened_on)
SELECT 7200000000 + i, '01', 'individual', 'Абонент ' || i, 'г. Тюмень', '625000', 'urban_gas',
       2, 2, 'post', false, '2020-01-01'
FROM generate_series(1, 3000) i;
ANALYZE account;
SQL

test_expect_success 'sql/200 rows become one row a transaction' '
	psql -Xq -c "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7200000009, DATE \$\$2026-08-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-09-10\$\$, 1),
		(7200000008, DATE \$\$2026-08-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-09-10\$\$, 1)" &&
	psql -Xq -c "DELETE FROM obligation WHERE account_id = 7200000008" &&
	[ "$(psql -XtAc "SELECT count(*) FROM debt_changed")" = 3 ] &&
	sbyt -q db migrate &&
	psql -XtA -c "SELECT array_to_string(ids, \$\$,\$\$) FROM debt_changed ORDER BY xid" > out &&
	printf "7200000008,7200000009\n7200000008\n" > exp && diff -u exp out &&
	psql -Xq -c "DELETE FROM debt_changed"
'

# the rows noted since the mark, one line each: its ids sorted
noted() {
	psql -XtA -c "SELECT array_to_string(ARRAY(SELECT unnest(ids) ORDER BY 1), ',')
		FROM debt_changed WHERE xid > '$(cat mark)'::xid8 ORDER BY xid, ids"
}
mark() { psql -XtA -c "SELECT pg_current_xact_id()" > mark; }

test_expect_success 'an insert of three obligations for two accounts: one row' '
	mark &&
	psql -Xq -c "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7200000001, DATE \$\$2026-10-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-11-10\$\$, 10000),
		(7200000002, DATE \$\$2026-10-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-11-10\$\$, 20000),
		(7200000002, DATE \$\$2026-09-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-10-10\$\$, 30000)" &&
	noted > out && printf "7200000001,7200000002,7200000002\n" > exp && diff -u exp out
'
test_expect_success 'a payment inserted, changed, deleted: a row each, the change old and new' '
	mark &&
	psql -Xq -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7200000003, \$\$qiwi\$\$, \$\$q3\$\$, DATE \$\$2026-11-02\$\$, 5000)" &&
	psql -Xq -c "UPDATE payment SET account_id = 7200000004 WHERE source_id = \$\$q3\$\$" &&
	psql -Xq -c "DELETE FROM payment WHERE source_id = \$\$q3\$\$" &&
	noted > out &&
	printf "7200000003\n7200000003,7200000004\n7200000004\n" > exp && diff -u exp out
'
test_expect_success 'a statement that writes nothing notes nothing' '
	mark &&
	psql -Xq -c "DELETE FROM payment WHERE source_id = \$\$none\$\$" &&
	psql -Xq -c "UPDATE obligation SET amount = 1 WHERE account_id = 7299999999" &&
	noted > out && [ ! -s out ]
'
test_expect_success 'a change of kind notes the account, a change of name does not' '
	mark &&
	psql -Xq -c "UPDATE account SET kind = \$\$legal\$\$, category = \$\$\$\$
		WHERE account_id = 7200000005" &&
	psql -Xq -c "UPDATE account SET name = \$\$Другой\$\$ WHERE account_id = 7200000006" &&
	noted > out && printf "7200000005\n" > exp && diff -u exp out
'
test_expect_success 'over 1,000 rows and half the accounts: account 0 alone' '
	mark &&
	psql -Xq -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		SELECT 7200000000 + i, \$\$sberbank\$\$, \$\$s\$\$ || i, DATE \$\$2026-11-03\$\$, 100
		FROM generate_series(1, 1600) i" &&
	noted > out && printf "0\n" > exp && diff -u exp out &&
	mark &&
	psql -Xq -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		SELECT 7200000000 + i, \$\$sberbank\$\$, \$\$t\$\$ || i, DATE \$\$2026-11-03\$\$, 100
		FROM generate_series(1, 1400) i" &&
	[ "$(noted | wc -l)" = 1 ] && [ "$(noted | tr , "\n" | wc -l)" = 1400 ] &&
	[ "$(noted | tr , "\n" | sort -u | head -1)" = 7200000001 ]
'
# The debtors on 2026-11-26: 7200000001 (10000 due 2026-11-10, the
# payments of 100 made on 2026-11-03 cover 200 of it: 9800) and
# 7200000002 (30000 due 2026-10-10 and 20000 due 2026-11-10, less 200:
# 49800); the legal entity 7200000005 was charged nothing.
test_expect_success 'a day from its base values the debtors and the accounts noted' '
	sbyt -q debt --as-of 2026-11-26 &&
	psql -XtA -c "SELECT account_id, principal FROM debt_snapshot
		WHERE as_of = DATE \$\$2026-11-26\$\$ ORDER BY 1" > out &&
	printf "7200000001|9800\n7200000002|49800\n" > exp && diff -u exp out &&
	psql -Xq -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7200000007, \$\$qiwi\$\$, \$\$q7\$\$, DATE \$\$2026-11-26\$\$, 700)" &&
	sbyt -v debt --as-of 2026-11-27 2> e &&
	grep -q "^sbyt: debt: incremental from 2026-11-26: 3 accounts valued$" e
'
test_expect_success 'the rows every base has seen are cleared' '
	sbyt -q debt --as-of 2026-11-28 &&
	[ "$(psql -XtAc "SELECT count(*) FROM debt_changed")" = 0 ]
'

test_done
