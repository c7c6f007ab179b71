#!/bin/sh
# 0300-debt: the daily debt snapshot and one account's debt, from ledgers
# inserted here by hand, with every figure worked out below.
#
# Penalty arithmetic (SPEC 10, rules/keyrate.xml): in 2026 the key rate of
# 15.00 % is capped at 9.50 %.  One day on a base of B kopecks costs
#   households, days 31-90:  B x 950 / 3 000 000   (1/300 of 9.5 %)
#   households, day 91 on:   B x 950 / 1 300 000   (1/130)
#   legal entities, day 1 on: B x 950 / 1 300 000  (1/130)
# Day 1 is the day after the due date, moved over days off to the next
# working day (Civil Code 193: Saturday 2026-10-10 counts as Monday 10-12,
# Sunday 10-25 as Monday 10-26; 08-10, 09-10, 04-10 and 11-18 are working
# days); a paid piece accrues through its payment day, the unpaid rest
# through the as-of date; each period's penalty is rounded once, half-up.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/data/debt-ledger.sh"

# debt ACCOUNT DATE: the account's debt as XML in ACCOUNT-DATE.xml
debt() { sbyt debt --account "$1" --as-of "$2" --format xml > "$1-$2.xml"; }
# x FILE XPATH: the string value
x() { xmllint --xpath "string($2)" "$1"; }
snap() { psql -XtAc "SELECT principal, periods, penalty, coalesce(oldest_due::text, '-')
	FROM debt_snapshot WHERE account_id = $1 AND as_of = '$2'"; }

# 7201000001: 1000.00 of 2026-07 due 2026-08-10, unpaid (the payment of
# 2026-12-01 is after every as-of date below, so it is not yet made).
# 2026-08-11 is day 1, 2026-09-09 day 30, 2026-09-10 day 31, 2026-11-08 day
# 90 (Aug 21 + Sep 30 + Oct 31 + 8), 2026-11-09 day 91, 2026-11-26 day 108.
#   day 30: nothing yet                                            -> 0.00
#   day 31: 1 x 100000 x 950 / 3e6 = 31.667 kop                    -> 0.32
#   day 90: 60 x 31.6667 = 1900.000                                -> 19.00
#   day 91: 1900 + 1 x 100000 x 950 / 1.3e6 (73.0769) = 1973.0769   -> 19.73
#   day 108: 1900 + 18 x 73.0769 = 3215.3846                       -> 32.15
test_expect_success 'household: nothing to day 30, 1/300 from day 31' '
	debt 7201000001 2026-09-09 && debt 7201000001 2026-09-10 &&
	[ "$(x 7201000001-2026-09-09.xml /Debt/@penalty)" = 0.00 ] &&
	[ "$(x 7201000001-2026-09-09.xml /Debt/@principal)" = 1000.00 ] &&
	[ "$(x 7201000001-2026-09-10.xml /Debt/@penalty)" = 0.32 ]
'
test_expect_success 'household: 1/300 to day 90, 1/130 from day 91' '
	debt 7201000001 2026-11-08 && debt 7201000001 2026-11-09 && debt 7201000001 2026-11-26 &&
	[ "$(x 7201000001-2026-11-08.xml /Debt/@penalty)" = 19.00 ] &&
	[ "$(x 7201000001-2026-11-09.xml /Debt/@penalty)" = 19.73 ] &&
	[ "$(x 7201000001-2026-11-26.xml /Debt/@penalty)" = 32.15 ]
'
test_expect_success 'the XML is exactly the interface of SPEC 14' '
	tail -n 1 7201000001-2026-11-26.xml > got &&
	echo "<Debt account=\"7201000001\" asOf=\"2026-11-26\" principal=\"1000.00\" penalty=\"32.15\"><Period period=\"2026-07\" due=\"2026-08-10\" principal=\"1000.00\" penalty=\"32.15\"/></Debt>" > want &&
	diff -u want got
'
test_expect_success 'the text form shows days overdue and, with -v, the segments in Russian' '
	sbyt -v debt --account 7201000001 --as-of 2026-11-26 > t.txt &&
	grep -Eq "^2026-07 +2026-08-10 +108 +1000.00 +32.15$" t.txt &&
	grep -q "2026-09-10 – 2026-11-08, дни 31–90 (60 дн.) × 1000.00 × 9.50 % / 300 = 19.0000" t.txt &&
	grep -q "2026-11-09 – 2026-11-26, дни 91–108 (18 дн.) × 1000.00 × 9.50 % / 130 = 13.1538" t.txt
'

# 7201000002: 800.00 of 2026-08 due 09-10, 600.00 of 2026-09 due 10-10; the
# payment of 600.00 on 10-05 names 2026-09, so it pays September before its
# due date (oldest-first would have put it on August).  August is unpaid:
# 2026-11-26 is day 77 (Sep 20 + Oct 31 + 26); days 31-77 = 47 days x
# 80000 x 950 / 3e6 (25.3333) = 1190.6667 -> 11.91.
test_expect_success 'a payment naming a period goes to that period' '
	debt 7201000002 2026-11-26 && f=7201000002-2026-11-26.xml &&
	[ "$(x $f /Debt/@principal)" = 800.00 ] && [ "$(x $f /Debt/@penalty)" = 11.91 ] &&
	[ "$(x $f "count(/Debt/Period)")" = 1 ] &&
	[ "$(x $f "/Debt/Period/@period")" = 2026-08 ] && [ "$(x $f "/Debt/Period/@due")" = 2026-09-10 ]
'

# 7201000003: 500.00 of 2026-08 (due 09-10) and 500.00 of 2026-09 (due
# 10-10, moved to 10-12); 700.00 paid on 10-20 naming nothing: oldest first,
# 500.00 to August (paid on day 40: Sep 20 + Oct 20) and 200.00 to September
# (day 8, free).  As of 2026-11-26:
#   August: 10 days (31-40) x 50000 x 950 / 3e6 (15.8333) = 158.3333 -> 1.58, principal 0
#   September: 300.00 unpaid, day 45 (Oct 19 + Nov 26): days 31-45 = 15 x
#   30000 x 950 / 3e6 (9.5) = 142.5 -> 1.43 (the half kopeck rounds up);
#   total 300.00 and 3.01 (3.20 before the move).
test_expect_success 'a partial payment, oldest charge first; half a kopeck rounds up' '
	debt 7201000003 2026-11-26 && f=7201000003-2026-11-26.xml &&
	[ "$(x $f /Debt/@principal)" = 300.00 ] && [ "$(x $f /Debt/@penalty)" = 3.01 ] &&
	[ "$(x $f "/Debt/Period[@period=\"2026-08\"]/@principal")" = 0.00 ] &&
	[ "$(x $f "/Debt/Period[@period=\"2026-08\"]/@penalty")" = 1.58 ] &&
	[ "$(x $f "/Debt/Period[@period=\"2026-09\"]/@principal")" = 300.00 ] &&
	[ "$(x $f "/Debt/Period[@period=\"2026-09\"]/@penalty")" = 1.43 ] &&
	[ "$(x $f "/Debt/Period[@period=\"2026-09\"]/@due")" = 2026-10-12 ]
'

# 7202000001, a legal entity, period 2026-10: advances 300.00 due Sat 10-10
# (moved to Mon 10-12) and 400.00 due Sun 10-25 (moved to Mon 10-26), the
# balance 300.00 due Wed 11-18; paid 300.00 on 10-20 and 400.00 on 11-05
# (both late).  One day at 1/130 costs 30000 x 950 / 1.3e6 = 21.9231 on
# 300.00 and 29.2308 on 400.00.
#   as of 10-31: adv1 paid on day 8 (10-13..10-20): 175.3846; adv2 unpaid
#     days 1-5 (10-27..10-31): 146.1538; total 321.5385 -> 3.22, principal 400.00
#   as of 11-18: adv1 175.3846 + adv2 paid on day 10 (11-05) 292.3077 =
#     467.6923 -> 4.68; the balance is due that day, not overdue: principal 0
#   as of 11-26: + the balance unpaid days 1-8 (11-19..11-26) 175.3846 =
#     643.0769 -> 6.43, principal 300.00
# (before the move: 3.95, 5.41 and 7.16)
test_expect_success 'legal entity, advances paid late, as of three dates' '
	debt 7202000001 2026-10-31 && debt 7202000001 2026-11-18 && debt 7202000001 2026-11-26 &&
	[ "$(x 7202000001-2026-10-31.xml /Debt/@principal)" = 400.00 ] &&
	[ "$(x 7202000001-2026-10-31.xml /Debt/@penalty)" = 3.22 ] &&
	[ "$(x 7202000001-2026-11-18.xml /Debt/@principal)" = 0.00 ] &&
	[ "$(x 7202000001-2026-11-18.xml /Debt/@penalty)" = 4.68 ] &&
	[ "$(x 7202000001-2026-11-26.xml /Debt/@principal)" = 300.00 ] &&
	[ "$(x 7202000001-2026-11-26.xml /Debt/@penalty)" = 6.43 ] &&
	[ "$(x 7202000001-2026-11-26.xml /Debt/Period/@due)" = 2026-11-18 ]
'

# 7201000006: 1000.00 of 2026-09 less a recalculation of -400.00 = 600.00
# unpaid (the billed penalty line of 50.00 is not principal), due 10-10
# moved to 10-12: days 31-45 = 15 x 60000 x 950 / 3e6 (19) = 285 -> 2.85.
test_expect_success 'a credit reduces its period; a billed penalty line is not principal' '
	debt 7201000006 2026-11-26 && f=7201000006-2026-11-26.xml &&
	[ "$(x $f /Debt/@principal)" = 600.00 ] && [ "$(x $f /Debt/@penalty)" = 2.85 ]
'
test_expect_success 'an account with no ledger owes nothing' '
	debt 7201000099 2026-11-26 &&
	[ "$(x 7201000099-2026-11-26.xml /Debt/@principal)" = 0.00 ] &&
	[ "$(x 7201000099-2026-11-26.xml "count(/Debt/Period)")" = 0 ]
'
test_expect_code 65 'an unknown account is refused' 'sbyt debt --account 7209999999 --as-of 2026-11-26'
test_expect_code 64 'a bad account number is a usage error' 'sbyt debt --account 12345'
test_expect_code 64 'a bad shard is a usage error' 'sbyt debt --shard 3/3'

# The daily job as of 2026-11-26.  7201000004: 200.00 due 2026-04-10, day 230
# (Apr 20 + May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 + 26): days
# 31-90 = 60 x 20000 x 950 / 3e6 (6.3333) = 380 and days 91-230 = 140 x 20000
# x 950 / 1.3e6 (14.6154) = 2046.1538, 2426.1538 -> 24.26; and 150.00 due
# 10-10 (moved to 10-12), days 31-45 = 15 x 15000 x 950 / 3e6 (4.75) = 71.25
# -> 0.71; 350.00 and 24.97 over 2 periods.  7201000005 paid on its due
# date: no row.
#   principal 1000 + 800 + 300 + 350 + 600 + 300 = 3350.00
#   penalty 32.15 + 11.91 + 3.01 + 24.97 + 2.85 + 6.43 = 81.32
# The oldest due date of a snapshot row is the moved one (2026-10-12).
#   accounts with a ledger: 7 (not 7201000099); in debt: 6
test_expect_success 'the daily job: summary line' '
	sbyt debt --as-of 2026-11-26 2>err &&
	grep -qx "sbyt debt: as_of=2026-11-26 accounts=7 in_debt=6 principal=3350.00 penalty=81.32 refused=0" err
'
test_expect_success 'the snapshot rows, one per account in debt' '
	[ "$(psql -XtAc "SELECT count(*) FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$")" = 6 ] &&
	[ "$(snap 7201000001 2026-11-26)" = "100000|1|3215|2026-08-10" ] &&
	[ "$(snap 7201000002 2026-11-26)" = "80000|1|1191|2026-09-10" ] &&
	[ "$(snap 7201000003 2026-11-26)" = "30000|1|301|2026-10-12" ] &&
	[ "$(snap 7201000004 2026-11-26)" = "35000|2|2497|2026-04-10" ] &&
	[ "$(snap 7201000006 2026-11-26)" = "60000|1|285|2026-10-12" ] &&
	[ "$(snap 7202000001 2026-11-26)" = "30000|1|643|2026-11-18" ] &&
	[ -z "$(snap 7201000005 2026-11-26)" ]
'
test_expect_success 'the snapshot carries the run, which is on record as done' '
	psql -XtAc "SELECT DISTINCT r.command, r.status, r.as_of, r.counts->>\$\$in_debt\$\$
		FROM debt_snapshot s JOIN run r USING (run_id) WHERE s.as_of = \$\$2026-11-26\$\$" > got &&
	echo "debt|done|2026-11-26|6" > want && diff -u want got
'
test_expect_success 'a re-run replaces the rows with the same rows' '
	q="SELECT account_id, principal, periods, penalty, oldest_due FROM debt_snapshot
		WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" &&
	psql -XtAc "$q" > before && sbyt -q debt --as-of 2026-11-26 2>/dev/null &&
	psql -XtAc "$q" > after && diff -u before after && [ $(wc -l < after) = 6 ] &&
	[ "$(psql -XtAc "SELECT count(DISTINCT run_id) FROM debt_snapshot")" = 1 ]
'
# As of 2026-11-18: 7201000001 day 100 = 1900 + 10 x 73.0769 = 2630.7692 ->
# 26.31; the legal entity has a penalty (4.68) and no overdue principal, so a
# row with principal 0 and no oldest due date.
test_expect_success 'another date keeps its own rows; a penalty-only row' '
	sbyt debt --as-of 2026-11-18 2>err &&
	[ "$(snap 7201000001 2026-11-18)" = "100000|1|2631|2026-08-10" ] &&
	[ "$(snap 7202000001 2026-11-18)" = "0|0|468|-" ] &&
	[ "$(snap 7201000001 2026-11-26)" = "100000|1|3215|2026-08-10" ] &&
	grep -q "accounts=7 in_debt=5 " err
'
# 7201000001 pays its 1000.00 on 2026-12-01, day 113: no principal left, and
# the penalty stops there: 1900 + 23 x 73.0769 (days 91-113) = 3580.7692 ->
# 35.81, at the rate of the payment day.
test_expect_success 'a payment after the as-of date counts once it is made' '
	sbyt -q debt --as-of 2026-12-01 2>/dev/null &&
	[ "$(snap 7201000001 2026-12-01)" = "0|0|3581|-" ]
'
test_expect_success 'shards 0/2 and 1/2 together write the rows of the whole run' '
	psql -XtAc "SELECT account_id, principal, penalty FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > whole &&
	psql -Xq -c "DELETE FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$" &&
	sbyt debt --as-of 2026-11-26 --shard 0/2 2>e0 && sbyt debt --as-of 2026-11-26 --shard 1/2 2>e1 &&
	psql -XtAc "SELECT account_id, principal, penalty FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > shards &&
	diff -u whole shards &&
	a0=$(sed -n "s/.* accounts=\([0-9]*\) .*/\1/p" e0) && a1=$(sed -n "s/.* accounts=\([0-9]*\) .*/\1/p" e1) &&
	[ $((a0 + a1)) = 7 ]
'
test_expect_success 'a shard re-run leaves the other shard alone' '
	sbyt -q debt --as-of 2026-11-26 --shard 0/2 2>/dev/null &&
	psql -XtAc "SELECT account_id, principal, penalty FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > again &&
	diff -u whole again
'
test_expect_success 'while another run holds the debt lock, a run exits 75' '
	psql -Xq -c "select pg_advisory_lock(hashtext(\$\$sbyt:debt\$\$)), pg_sleep(4)" >/dev/null &
	sleep 1.5
	sbyt debt --as-of 2026-11-26 2>err; rc=$?
	wait
	[ $rc = 75 ] && grep -q "another .debt. run holds the lock" err
'
test_expect_success 'and the snapshot is untouched by the refused run' '
	psql -XtAc "SELECT account_id, principal, penalty FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > now &&
	diff -u whole now
'
test_expect_success 'two runs started together: one does the work, the other exits 75 or follows it' '
	sbyt -q debt --as-of 2026-11-26 2>e1 & p1=$!
	sbyt -q debt --as-of 2026-11-26 2>e2 & p2=$!
	wait $p1; r1=$?; wait $p2; r2=$?
	{ [ $r1 = 0 ] || [ $r2 = 0 ]; } && { [ $r1 = 0 ] || [ $r1 = 75 ]; } && { [ $r2 = 0 ] || [ $r2 = 75 ]; } &&
	psql -XtAc "SELECT account_id, principal, penalty FROM debt_snapshot WHERE as_of = \$\$2026-11-26\$\$ ORDER BY 1" > now &&
	diff -u whole now
'
test_done
