#!/bin/sh
# 0959-refused-accounts: debt and limit name every account they leave out,
# with its reason, in out/rejects/JOB-DATE-runN.accounts.csv; their
# summaries say refused=N (also under -q); the terminal gets one line with
# the count and the first accounts; the daily cron job exits 65 (the rest
# completed); debt by hand exits 0.  docs refuses none: refused=0 (0958).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/ops-setup.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
# The rules without the 2027 calendar, as they were before it shipped: the
# limitation steps that fall in January 2027 wait for it (the scenarios
# below date them by hand from the November-December 2026 calendar).
cp -R "$SBYT_RULES" "$T/rules" && rm "$T/rules/calendar/ru-2027.xml" && export SBYT_RULES="$T/rules"
# on_record FILE: the runs that list FILE as an output
on_record() { q "select count(*) from run_file where direction = 'out' and path = '$1'"; }
ops_load
mkdir -p "$SBYT_SPOOL/inbox"
# The snapshot of 2026-11-30 before anything is refused.
sbyt -q --as-of $DAY debt 2>/dev/null &&
	q "select account_id from debt_snapshot where as_of = '$DAY' order by 1" > before.txt
# that run refused none: it wrote no rejects file
NFILES=$(ls "$SBYT_OUT"/rejects/debt-* 2>/dev/null | wc -l)
# Two balances carried over from 2019 (a history import): the production
# calendars in rules/ start with 2024, so a due date of 2019-06-10 cannot
# be moved over days off; those two accounts cannot be valued.
# 7201000006 is in debt already (the fixture's balances of 2026-08, 09);
# 7201000010 has no other entry.
printf 'account;period;due;amount\n7201000006;2019-05;2019-06-10;100.00\n7201000010;2019-05;2019-06-10;250.00\n' > old.csv
sbyt -q load balances old.csv
# accounts the debt job valued before: those with an obligation or payment
A0=$(q "select count(distinct account_id) from (select account_id from obligation where kind <> 'penalty' and amount <> 0 and account_id not in (7201000006, 7201000010) union all select account_id from obligation where account_id = 7201000006 and due > '2020-01-01' union all select account_id from payment where paid_on <= '$DAY') s")

test_expect_success 'debt by hand: exit 0, refused=2, the rest valued' '
	sbyt --as-of $DAY debt 2> d.err &&
	grep -q "^sbyt debt: as_of=$DAY accounts=$((A0 - 1)) in_debt=[0-9]* principal=[0-9.]* penalty=[0-9.]* refused=2$" d.err
'
test_expect_success 'one warning line: the count, the accounts, their reason, the file' '
	[ "$(grep -c "refused" d.err)" = 2 ] &&
	grep -q "^sbyt: warning: 2 accounts refused for their data, left out of the debt snapshot: 7201000006 (no production calendar for 2019 in .*); 7201000010 (no production calendar for 2019 in .*); every one in .*/rejects/debt-$DAY-run[0-9]*.accounts.csv.$" d.err
'
test_expect_success 'the rejects file names each with its reason, mode 0640, on the run record' '
	f=$(ls "$SBYT_OUT"/rejects/debt-$DAY-run*.accounts.csv) &&
	head -1 "$f" | grep -qx "account;reason" &&
	[ "$(tail -n +2 "$f" | cut -d";" -f1 | tr "\n" " ")" = "7201000006 7201000010 " ] &&
	[ "$(grep -c ";no production calendar for 2019 in " "$f")" = 2 ] &&
	test "$(stat -c %a "$f")" = 640 && [ "$(on_record "$f")" = 1 ]
'
test_expect_success 'the snapshot holds every other account as before, the refused ones none' '
	q "select account_id from debt_snapshot where as_of = '"'$DAY'"' order by 1" > after.txt &&
	grep -v "^7201000006$" before.txt | diff - after.txt &&
	grep -qx 7201000006 before.txt && ! grep -qx 7201000010 before.txt
'
test_expect_success 'no temporary file left; the run that refused none wrote no file' '
	! ls "$SBYT_OUT"/rejects/*.tmp 2>/dev/null && [ "$NFILES" = 0 ]
'
test_expect_code 65 'daily (cron) under -q: exit 65, the rest completed' '
	sbyt -q --as-of $DAY daily 2> q.err
'
test_expect_success 'its summary says refused_accounts=2; the error names out/rejects' '
	grep -q "^sbyt daily: .* in_debt=[0-9]* principal=[0-9.]* refused_accounts=2 waiting_accounts=[0-9]* notices=" q.err &&
	grep -q "^sbyt: error: 2 accounts refused for their data (the rest completed)$" q.err &&
	grep -q "^sbyt: detail: each with its reason in .*/rejects/debt-$DAY-run[0-9]*.accounts.csv$" q.err &&
	ls "$SBYT_OUT"/rejects/debt-$DAY-run*.accounts.csv | wc -l | grep -qx 2 &&
	[ "$(q "select count(*) from debt_snapshot where as_of = '"'$DAY'"'")" = "$(wc -l < after.txt)" ] &&
	[ "$(q "select status from run where command = '"'daily'"' order by run_id desc limit 1")" != running ]
'
# The fixture's legal entity with a reserve act, 7202000079, gets its notice
# by e-mail today; counted from the sending, its next step falls in 2027,
# which rules/calendar lacks: it waits, named by this first run of the day
# (from the pass over the accounts e-mailed today), not making the run fail.
test_expect_success 'the account the limit stage leaves waiting is named, waiting_accounts=1' '
	grep -q "^sbyt daily: .* refused_accounts=2 waiting_accounts=1 " q.err &&
	f=$(ls "$SBYT_OUT"/rejects/limit-$DAY-run*.accounts.csv) &&
	[ "$(tail -n +2 "$f")" = "7202000079;no production calendar for 2027 in '"'$SBYT_RULES/calendar'"'" ]
'
test_expect_code 78 'rules that do not cover the as-of date itself stop the job: 78, nothing refused' '
	sbyt -q --as-of 2030-01-15 debt 2> y.err; rc=$?;
	grep -q "no production calendar for 2030" y.err && ! ls "$SBYT_OUT"/rejects/debt-2030-* 2>/dev/null;
	exit $rc
'
test_expect_success 'debt --account of a refused account still says why, exit 65' '
	! sbyt --as-of $DAY debt --account 7201000010 2> a.err &&
	grep -q "account 7201000010: no production calendar for 2019" a.err
'

# limit: a household whose next step falls in 2027, which has no calendar
# in rules/ (as 0600's ..09): warning 2026-11-25, delivered Tue 12-01:
# the full notice from 12-01 + 40 = 2027-01-10 cannot be dated.  It waits
# (never a guess), and the run of 12-01 names it; so do its two copies
# ..19 and ..39.  The run advances the accounts in two parts at once
# (abs(hashint8(id)) % 2: ..09 and ..19 in part 1, ..39 in part 0): they
# are named in account order all the same.
export PGDATABASE="${PGDATABASE}_l" SBYT_OUT="$T/out-limit"
createdb "$PGDATABASE"
trap 'dropdb --if-exists "$PGDATABASE" >/dev/null 2>&1; dropdb --if-exists "${PGDATABASE%_l}" >/dev/null 2>&1; [ "${KEEP:-}" ] || rm -rf "$T"' EXIT
sbyt -q db init && sbyt -q load branches "$FIX/branches.csv" &&
{ head -1 "$FIX/accounts.csv"; for a in 09 19 39; do
	grep "^7201000009;" "$FIX/accounts.csv" | sed "s/^7201000009;/72010000$a;/; s/;email;/;post;/; s/;lkk;/;post;/"
  done; } > acc9.csv &&
sbyt -q load accounts acc9.csv
psql -Xq <<'SQL'
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select a, '2026-11-25', 300000, 2, 0, '2026-10-10'
 from (values (7201000009), (7201000019), (7201000039)) v (a);
SQL
rm -f walk.log
# deliver NN: the warning of 72010000NN delivered by the post on 12-01
deliver() {
	psql -Xq -c "insert into delivery (notice_id, status, at, evidence)
	 values ('N72010000$1-1-1', 'delivered', '2026-12-01', 'ШПИ 625000123456$1')"
}
test_expect_success 'limit run: the days before refuse nothing and write no rejects file' '
	walk 2026-11-25 2026-11-30 && deliver 09 && deliver 19 && deliver 39 &&
	! grep -q "refused=[1-9]" walk.log && ! ls "$SBYT_OUT"/rejects/limit-* 2>/dev/null
'
test_expect_success 'limit run of 12-01: exit 0, refused=3, one warning line with the accounts' '
	sbyt -v limit run --as-of 2026-12-01 2> l.err &&
	grep -q "^sbyt: limit: the accounts advanced in 2 parts at once: 1 and 2 accounts$" l.err &&
	grep -q "^sbyt limit run: as_of=2026-12-01 .* refused=3 pending_calendar=3 " l.err &&
	grep -q "^sbyt: warning: 3 accounts left waiting, a step needs a calendar year not loaded (the rest completed): 7201000009 (no production calendar for 2027[^;]*); 7201000019 (no production calendar for 2027[^;]*); 7201000039 (no production calendar for 2027[^;]*); every one in .*/rejects/limit-2026-12-01-run[0-9]*.accounts.csv.$" l.err
'
test_expect_success 'the limit rejects file names them with the year in account order, on the run record' '
	f=$(ls "$SBYT_OUT"/rejects/limit-2026-12-01-run*.accounts.csv) &&
	[ "$(tail -n +2 "$f" | cut -d";" -f1 | tr "\n" " ")" = "7201000009 7201000019 7201000039 " ] &&
	[ "$(grep -c "^72010000[013]9;.*no production calendar for 2027" "$f")" = 3 ] &&
	[ "$(on_record "$f")" = 1 ]
'
test_done
