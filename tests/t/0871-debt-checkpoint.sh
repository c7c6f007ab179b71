#!/bin/sh
# 0871-debt-checkpoint: a year of ledgers; the debt job keeps per account a
# checkpoint of its settled history (sql/250, lib/debt.h "Checkpoints") and
# reads only what came after it, and every day's snapshot is still the full
# valuation's, row by row.  Two databases with the same ledgers: "inc" runs
# `sbyt debt` day after day (checkpoints read and made), "full" the same
# days with SBYT_DEBT_FULL=1 (every ledger read whole, no checkpoint).  The
# same events are written to both between the days, each of the kinds that
# reach back into settled history and must undo a checkpoint: a payment
# dated back before the cut, a payment reversed (deleted), a payment whose
# date is corrected back, a recalculation credit of a settled period, a
# charge added to a settled period, an account changing its kind; and the
# kinds that must not: a payment of today, the next month's charge.
. "$SBYT_TOP/tests/lib.sh"

sbyt -q db init
cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Вовремя В.В.;г. Тюмень, ул. Ленина, д. 1;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000002;01;individual;Поздно П.П.;г. Тюмень, ул. Ленина, д. 2;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000003;01;individual;Бросил Б.Б.;г. Тюмень, ул. Ленина, д. 3;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000004;01;individual;Частями Ч.Ч.;г. Тюмень, ул. Ленина, д. 4;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000005;01;individual;Вперёд В.В.;г. Тюмень, ул. Ленина, д. 5;625000;urban_gas;2;2;;;post;0;2020-01-15
7201000006;01;individual;Поправка П.П.;г. Тюмень, ул. Ленина, д. 6;625000;urban_gas;2;2;;;post;0;2020-01-15
7202000001;01;legal;ООО Авансы;г. Тюмень, ул. Мира, д. 10;625000;;0;0;;;post;1;2021-02-01
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1

# A year: periods 2025-11 .. 2026-10, households charged 1,000.00 due the
# 10th of the next month.  01 pays each period on the 5th of the next month
# naming it; 02 pays each 45 days late (the 25th of the month after next,
# unnamed: penalties from day 31); 03 paid until 2026-05 and stopped; 04 pays
# 650.00 every month on the 5th, unnamed (always behind); 05 paid the year
# ahead on 2025-11-20 (12,000.00, unnamed); 06 like 01, with a recalculation
# credit of -200.00 in 2026-03.  The legal entity: 30 % on the 10th and 40 %
# on the 25th of the period, the rest on the 18th of the next month, each
# paid on its day.
psql -Xq -v ON_ERROR_STOP=1 <<'SQL' || exit 1
CREATE TEMP TABLE months AS
 SELECT m::date AS period, (m + interval '1 month')::date AS next
 FROM generate_series(DATE '2025-11-01', DATE '2026-10-01', interval '1 month') m;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT a, period, 1, 'charge', next + 9, 100000
FROM months, unnest(ARRAY[7201000001, 7201000002, 7201000003, 7201000004, 7201000005,
                          7201000006]::bigint[]) a;
INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
 (7201000006, '2026-03-01', 2, 'recalc', '2026-04-10', -20000);
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
SELECT 7202000001, period, s, k, d, amt FROM months, LATERAL (VALUES
 (1, 'advance', period + 9, 300000), (2, 'advance', period + 24, 400000),
 (3, 'balance', next + 17, 300000)) x(s, k, d, amt);
INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
SELECT 7201000001, 'sberbank', '1-' || period, next + 4, 100000, period FROM months
UNION ALL
SELECT 7201000002, 'qiwi', '2-' || period, (next + interval '1 month')::date + 24, 100000, NULL
FROM months WHERE (next + interval '1 month')::date + 24 < DATE '2026-11-09'
UNION ALL
SELECT 7201000003, 'payments', '3-' || period, next + 4, 100000, period
FROM months WHERE period < DATE '2026-05-01'
UNION ALL
SELECT 7201000004, 'payments', '4-' || period, next + 4, 65000, NULL FROM months
UNION ALL
SELECT 7201000005, 'payments', '5', DATE '2025-11-20', 1200000, NULL
UNION ALL
SELECT 7201000006, 'sberbank', '6-' || period, next + 4, 100000 - CASE WHEN period = DATE '2026-03-01'
       THEN 20000 ELSE 0 END, period FROM months
UNION ALL
SELECT 7202000001, 'payments', 'L-' || period || '-' || s, d, amt, NULL FROM months, LATERAL (VALUES
 (1, period + 9, 300000), (2, period + 24, 400000), (3, next + 17, 300000)) x(s, d, amt)
WHERE d < DATE '2026-11-09';
SQL

INC=$PGDATABASE
FULL=${PGDATABASE}_full
createdb -T "$INC" "$FULL" || exit 1
trap 'dropdb --if-exists "$FULL" >/dev/null 2>&1; cleanup' EXIT

both() { psql -Xq -d "$INC" -c "$1" && psql -Xq -d "$FULL" -c "$1"; }
rows() {
	psql -XtA -d "$1" -c "SELECT account_id, principal, periods, penalty,
		coalesce(oldest_due::text, '-') FROM debt_snapshot WHERE as_of = '$2' ORDER BY 1"
}
day() {
	sbyt -v debt --as-of "$1" 2> "inc-$1.err" &&
		PGDATABASE=$FULL SBYT_DEBT_FULL=1 sbyt -v debt --as-of "$1" 2> "full-$1.err" &&
		rows "$INC" "$1" > "inc-$1" && rows "$FULL" "$1" > "full-$1" &&
		diff -u "full-$1" "inc-$1"
}
ck() { psql -XtA -d "$INC" -c "SELECT period_from, cut, due_max, penalty FROM debt_checkpoint WHERE account_id = $1"; }
carry() { psql -XtA -d "$INC" -c "SELECT carry_date, carry_amount FROM debt_checkpoint WHERE account_id = $1"; }
used() { sed -n 's/^sbyt: debt: \([0-9]*\) accounts read from their checkpoints.*/\1/p' "inc-$1.err"; }

test_expect_success 'the first day: every ledger read whole, checkpoints made, the same rows' '
	day 2026-11-09 && grep -q "^sbyt: debt: no checkpoints read, [1-9][0-9]* made$" inc-2026-11-09.err &&
	[ "$(wc -l < inc-2026-11-09)" -ge 3 ]
'
# 01 on 2026-11-09: a cut at most 31 days back, 10-09.  Periods up to
# 2026-08 are paid (August on 09-05, due 09-10); September's payment of
# 10-05 goes to September, not settled by 10-09 (due 10-10): the cut is the
# day before that payment, 10-04; the settled entries fell due by 09-10;
# no penalty (every payment before its due date).
test_expect_success 'an account paying on time: settled through August, cut the day before the next payment' '
	[ "$(ck 7201000001)" = "2026-09-01|2026-10-04|2026-09-10|0" ]
'
# 03 stopped after 2026-04 (paid 05-05): settled through April; May onwards
# unpaid; the cut is 10-09 (nothing was paid after 05-05).
test_expect_success 'a debtor: settled through its last period paid' '
	[ "$(ck 7201000003)" = "2026-05-01|2026-10-09|2026-05-10|0" ]
'
# 05 paid 12,000.00 ahead on 2025-11-20: that one payment went to every
# period; through August they are settled (due 09-10 <= 10-09), and the
# 2,000.00 it gave September and October is carried as a payment of
# 2025-11-20 (the cut 10-09: nothing was paid after it).
test_expect_success 'a payment spread over settled and open periods: its rest carried' '
	[ "$(ck 7201000005)" = "2026-09-01|2026-10-09|2026-09-10|0" ] &&
	[ "$(carry 7201000005)" = "2025-11-20|200000" ]
'
# 04 pays 650.00 a month from 2025-12-05: by 10-05 (the 11th payment)
# 7,150.00, periods 2025-11 .. 2026-05 paid (7,000.00), the 11th payment
# paid the last 500.00 of May and 150.00 of June: settled through May,
# 150.00 carried at 10-05, the cut 10-09 (the next payment is 11-05).
test_expect_success 'a partial payer: settled through May, the rest of its last payment carried' '
	ck 7201000004 | grep -q "^2026-06-01|2026-10-09|2026-06-10|[1-9][0-9]*$" &&
	[ "$(carry 7201000004)" = "2026-10-05|15000" ]
'
# 02 pays 45 days late: its settled periods carry their penalties, which
# are final.  Their sum must be the sum of the periods before period_from
# as the full valuation of one account lists them (sbyt debt --account).
test_expect_success 'a late payer: the checkpoint carries the settled periods'"'"' penalties' '
	c=$(ck 7201000002) && from=$(echo "$c" | cut -d"|" -f1) && pen=$(echo "$c" | cut -d"|" -f4) &&
	[ "$pen" -gt 0 ] &&
	sbyt debt --account 7201000002 --as-of 2026-11-09 --format xml > d2.xml &&
	sum=$(grep -o "<Period [^>]*>" d2.xml | sed -n "s/.*period=\"\([0-9-]*\)\".*penalty=\"\([0-9.]*\)\".*/\1 \2/p" |
		awk -v from="${from%-01}" "\$1 < from { split(\$2, p, \".\"); s += p[1] * 100 + p[2] } END { print s + 0 }") &&
	[ "$sum" = "$pen" ]
'
test_expect_success 'the next day reads the checkpoints, the same rows' '
	day 2026-11-10 && [ "$(used 2026-11-10)" -ge 2 ]
'
test_expect_success 'a payment of today and the next month'"'"'s charge leave the checkpoints' '
	both "INSERT INTO payment (account_id, channel, source_id, paid_on, amount) VALUES
		(7201000001, \$\$qiwi\$\$, \$\$t-1\$\$, DATE \$\$2026-11-11\$\$, 5000)" &&
	both "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7201000001, DATE \$\$2026-11-01\$\$, 1, \$\$charge\$\$, DATE \$\$2026-12-10\$\$, 100000)" &&
	[ "$(ck 7201000001)" = "2026-09-01|2026-10-04|2026-09-10|0" ] &&
	day 2026-11-11
'
# Each of these reaches back before a cut: the checkpoint goes with the
# write, and the next day values the account from its whole ledger.
test_expect_success 'a payment dated back before the cut undoes the checkpoint' '
	both "INSERT INTO payment (account_id, channel, source_id, paid_on, amount) VALUES
		(7201000003, \$\$qiwi\$\$, \$\$t-3\$\$, DATE \$\$2026-02-15\$\$, 50000)" &&
	[ -z "$(ck 7201000003)" ] && day 2026-11-12
'
test_expect_success 'a payment reversed, a payment date corrected back: undone' '
	both "DELETE FROM payment WHERE account_id = 7201000001 AND source_id = \$\$1-2026-02-01\$\$" &&
	both "UPDATE payment SET paid_on = DATE \$\$2026-04-01\$\$ WHERE source_id = \$\$6-2026-05-01\$\$" &&
	[ -z "$(ck 7201000001)" ] && [ -z "$(ck 7201000006)" ] && day 2026-11-13
'
test_expect_success 'a credit of a settled period, a charge added to one: undone' '
	[ -n "$(ck 7201000003)" ] && [ -n "$(ck 7201000002)" ] &&
	both "INSERT INTO obligation (account_id, period, seq, kind, due, amount) VALUES
		(7201000003, DATE \$\$2026-01-01\$\$, 2, \$\$recalc\$\$, DATE \$\$2026-02-10\$\$, -30000),
		(7201000002, DATE \$\$2026-02-01\$\$, 2, \$\$charge\$\$, DATE \$\$2026-03-10\$\$, 25000)" &&
	[ -z "$(ck 7201000003)" ] && [ -z "$(ck 7201000002)" ] && day 2026-11-16
'
test_expect_success 'a change of kind (the penalty scale) undoes the checkpoint' '
	both "UPDATE account SET kind = \$\$legal\$\$, category = \$\$managing\$\$ WHERE account_id = 7201000002" &&
	day 2026-11-17 &&
	both "UPDATE account SET kind = \$\$legal\$\$, category = \$\$\$\$ WHERE account_id = 7201000001" &&
	[ -z "$(ck 7201000001)" ] && day 2026-11-18
'
test_expect_success 'the days after: checkpoints made again, read, the same rows' '
	day 2026-11-19 && day 2026-11-30 && day 2026-12-01 && day 2026-12-10 && day 2026-12-11 &&
	[ "$(used 2026-12-01)" -ge 3 ] && [ -n "$(ck 7201000003)" ]
'
# A day replayed before the cuts (payments up to a cut are not all made by
# then): those checkpoints are not read, the rows are still the full ones.
test_expect_success 'a day replayed before the cuts: the same rows' '
	psql -XtAc "SELECT count(*) FROM debt_checkpoint WHERE cut >= DATE \$\$2026-10-01\$\$" > late &&
	[ "$(cat late)" -ge 1 ] && day 2026-10-01
'
test_expect_success 'other rules: the checkpoints are dropped and made again' '
	cp -R "$SBYT_RULES" rules2 && echo "<!-- another version -->" >> rules2/keyrate.xml &&
	SBYT_RULES=$PWD/rules2 sbyt -v debt --as-of 2026-12-14 2> inc-2026-12-14.err &&
	grep -q "^sbyt: debt: no checkpoints read" inc-2026-12-14.err &&
	PGDATABASE=$FULL SBYT_DEBT_FULL=1 sbyt debt --as-of 2026-12-14 2>/dev/null &&
	rows "$INC" 2026-12-14 > inc-2026-12-14 && rows "$FULL" 2026-12-14 > full-2026-12-14 &&
	diff -u full-2026-12-14 inc-2026-12-14 &&
	SBYT_RULES=$PWD/rules2 sbyt -v debt --as-of 2026-12-15 2> inc-2026-12-15.err &&
	[ "$(used 2026-12-15)" -ge 1 ]
'
# A payment dated back, written by a transaction that commits while the
# job runs: the job's reader does not see it, its trigger holds the shared
# lock until it commits, so the job (remaking every checkpoint: other
# rules) waits to write them, then sees the change and makes none for that
# account; the payment's trigger has deleted the old one.  Then the next
# day is the full valuation's.
test_expect_success 'a payment committed while the job runs: no checkpoint made from the stale ledger' '
	cp -R rules2 rules3 && echo "<!-- a third version -->" >> rules3/keyrate.xml &&
	[ -n "$(ck 7201000004)" ] &&
	psql -Xq -d "$INC" -c "BEGIN" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7201000004, \$\$qiwi\$\$, \$\$race\$\$, DATE \$\$2026-03-03\$\$, 10000)" \
		-c "SELECT pg_sleep(4)" -c "COMMIT" > race.out 2>&1 &
	n=0; until [ "$(psql -XtAc "SELECT count(*) FROM pg_locks WHERE relation = \$\$debt_checkpoint\$\$::regclass
		AND mode = \$\$RowExclusiveLock\$\$ AND granted")" = 1 ]; do
		n=$((n + 1)); [ $n -lt 100 ] || exit 1; sleep 0.1; done &&
	SBYT_RULES=$PWD/rules3 sbyt -v debt --as-of 2026-12-17 2> inc-2026-12-17.err &&
	wait && grep -q "^sbyt: debt: no checkpoints read, [1-9][0-9]* made$" inc-2026-12-17.err &&
	[ -z "$(ck 7201000004)" ] && [ -n "$(ck 7201000003)" ] &&
	psql -Xq -d "$FULL" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7201000004, \$\$qiwi\$\$, \$\$race\$\$, DATE \$\$2026-03-03\$\$, 10000)" &&
	SBYT_RULES=$PWD/rules3 sbyt debt --as-of 2026-12-18 2>/dev/null &&
	PGDATABASE=$FULL SBYT_DEBT_FULL=1 sbyt debt --as-of 2026-12-18 2>/dev/null &&
	rows "$INC" 2026-12-18 > inc-2026-12-18 && rows "$FULL" 2026-12-18 > full-2026-12-18 &&
	diff -u full-2026-12-18 inc-2026-12-18
'
test_expect_success 'sbyt debt --full reads no checkpoint and writes none' '
	psql -XtAc "SELECT count(*), max(made) FROM debt_checkpoint" > n1 &&
	sbyt -v debt --full --as-of 2026-12-16 2> e && ! grep -q checkpoint e &&
	psql -XtAc "SELECT count(*), max(made) FROM debt_checkpoint" > n2 && cmp n1 n2
'
test_done
