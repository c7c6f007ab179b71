#!/bin/sh
# 0800-service: the appeals and contracts registers on the clock (SPEC 15,
# rules/service.xml), every due date worked out by hand on the 2026
# calendar: 2026-11-02 is a Monday, 11-03 a shortened working day, Wednesday
# 11-04 a holiday (День народного единства).
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
for k in branches accounts meters contracts; do sbyt -q load $k "$FIX/$k.csv"; done
LEGAL=$(awk -F";" 'NR > 1 && $3 == "legal" { print $1; exit }' "$FIX/accounts.csv")
HOUSE=$(awk -F";" 'NR > 1 && $3 == "individual" && $11 != "" { print $1; exit }' "$FIX/accounts.csv")
# field F of the list line whose first field is ID (appeal list / contract list)
field() { awk -F";" -v id="$1" -v s="$2" -v f="$3" '$1 == id && (s == "" || $4 == s) { print $f }'; }

# appeal.answer: received Sunday 11-01: 11-01 + 3 = Wednesday 11-04, a
# holiday: the term ends Thursday 11-05.  Received Monday 11-02: 11-05.
# Received Thursday 11-05: + 3 = Sunday 11-08: Monday 11-09.
test_expect_success 'appeal terms: 3 days from receipt, a last day off moved' '
	sbyt -q --as-of 2026-11-05 appeal add A1 --received 2026-11-01T10:00:00+05:00 \
		--channel email --kind complaint --account $HOUSE &&
	sbyt -q --as-of 2026-11-05 appeal add A2 --received 2026-11-02T09:30:00+05:00 \
		--channel office --kind question &&
	sbyt -q --as-of 2026-11-05 appeal add A3 --received 2026-11-05T18:00:00+05:00 \
		--channel phone --kind application &&
	sbyt --as-of 2026-11-05 appeal list > l &&
	[ "$(field A1 "" 6 < l)" = 2026-11-05 ] && [ "$(field A2 "" 6 < l)" = 2026-11-05 ] &&
	[ "$(field A3 "" 6 < l)" = 2026-11-09 ] &&
	[ "$(field A1 "" 10 < l)" = due_today ] && [ "$(field A3 "" 10 < l)" = open ]
'
# appeal.extend: the 10th working day after the term of 11-05: 11-06, 09,
# 10, 11, 12, 13, 16, 17, 18, 19 -> 11-19 at most; 11-20 is the 11th.
test_expect_code 65 'an extension by 11 working days is refused' '
	sbyt --as-of 2026-11-05 appeal extend A2 --to 2026-11-20 2>err
'
test_expect_success 'naming the latest lawful date' '
	grep -q "at most 2026-11-19 (appeal.extend)" err
'
test_expect_success 'an extension by 10 working days is taken, the customer told' '
	sbyt -q --as-of 2026-11-05 appeal extend A2 --to 2026-11-19 --notified 2026-11-05 &&
	[ "$(psql -XtAc "select extended_to || \$\$ \$\$ || notified_on from appeal where appeal_id = \$\$A2\$\$")" = "2026-11-19 2026-11-05" ]
'
# A1 (term 11-05, over the holiday) answered on 11-05, the 4th calendar
# day but within the moved term; A3 (term 11-09) answered on 11-10: late.
test_expect_success 'answered on the moved last day: on time; a day after: late' '
	sbyt -q --as-of 2026-11-05 appeal answer A1 --at 2026-11-05T16:00:00+05:00 &&
	sbyt -q --as-of 2026-11-10 appeal answer A3 --at 2026-11-10T09:00:00+05:00 &&
	sbyt --as-of 2026-11-10 appeal list > l &&
	[ "$(field A1 "" 10 < l)" = answered ] && [ "$(field A3 "" 10 < l)" = answered_late ]
'
test_expect_success 'the answer goes by the customer'"'"'s choice: the channel it came by' '
	[ "$(field A1 "" 9 < l)" = email ] && [ "$(field A3 "" 9 < l)" = phone ]
'
test_expect_code 65 'an answer before receipt is refused' '
	sbyt --as-of 2026-11-10 appeal add A4 --received 2026-11-09T10:00:00+05:00 --channel post \
		--kind question && sbyt --as-of 2026-11-10 appeal answer A4 --at 2026-11-08T10:00:00+05:00
'

# Contracts of a legal entity applying on Monday 11-02:
#   register: the same working day, 11-02;
#   answer, refuse: the 5th working day after: 11-03, (11-04 holiday), 05, 06, 09, 10 -> 11-10;
#   sign: 30 calendar days: 12-02 (Wednesday).
# A protocol received Friday 10-30: the 10th working day after: 11-02, 03,
# (04), 05, 06, 09, 10, 11, 12, 13, 16 -> 11-16.
test_expect_success 'a legal application: register, answer, sign due by their rules' '
	sbyt -q --as-of 2026-11-02 contract apply C1 --account $LEGAL &&
	sbyt -q --as-of 2026-11-02 contract protocol C1 --at 2026-10-30 &&
	sbyt --as-of 2026-11-02 contract list > l &&
	[ "$(field C1 register 7 < l)" = 2026-11-02 ] && [ "$(field C1 register 10 < l)" = done ] &&
	[ "$(field C1 answer 7 < l)" = 2026-11-10 ] && [ "$(field C1 sign 7 < l)" = 2026-12-02 ] &&
	[ "$(field C1 protocol_settled 7 < l)" = 2026-11-16 ] &&
	[ "$(field C1 answer 5 < l)" = contract.legal.answer ]
'
# An application on Monday 10-05: + 30 = 11-04, the holiday: 11-05.
test_expect_success 'thirty days to sign ending on a holiday move to the next working day' '
	sbyt -q --as-of 2026-10-05 contract apply C2 --account $LEGAL &&
	sbyt --as-of 2026-10-05 contract list > l && [ "$(field C2 sign 7 < l)" = 2026-11-05 ]
'
# An application on Saturday 11-07: registered by Monday 11-09.
test_expect_success 'an application on a Saturday is due for registration on Monday' '
	sbyt -q --as-of 2026-11-07 contract apply C3 --account $HOUSE &&
	sbyt --as-of 2026-11-07 contract list > l && [ "$(field C3 register 7 < l)" = 2026-11-09 ] &&
	[ "$(field C3 sign 7 < l)" = 2026-11-09 ] && ! grep -q "^C3;.*;answer;" l
'
# Termination noticed on Monday 11-02: the 20th working day after is
# 11-03, 05, 06, 09, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 24, 25, 26, 27,
# 30 (19th), 12-01 (20th): a termination on 12-01 is lawful, on 11-30 not.
test_expect_code 65 'a termination 19 working days ahead is refused' '
	sbyt --as-of 2026-11-02 contract terminate T1 --account $LEGAL --date 2026-11-30 2>err
'
test_expect_success 'with the earliest lawful date, and nothing recorded' '
	grep -q "the earliest lawful date is 2026-12-01 (contract.legal.terminate)" err &&
	[ "$(psql -XtAc "select count(*) from contract_case where case_id = \$\$T1\$\$")" = 0 ]
'
# The final invoice: the 5th working day after 11-02 -> 11-10.
test_expect_success 'a termination 20 working days ahead is taken; the final invoice due 11-10' '
	sbyt -q --as-of 2026-11-02 contract terminate T1 --account $LEGAL --date 2026-12-01 &&
	sbyt --as-of 2026-11-02 contract list > l &&
	[ "$(field T1 terminate 8 < l)" = 2026-12-01 ] && [ "$(field T1 final_invoice 7 < l)" = 2026-11-10 ]
'
test_expect_success 'a household'"'"'s termination has the same lead' '
	! sbyt -q --as-of 2026-11-02 contract terminate T2 --account $HOUSE --date 2026-11-30 2>/dev/null &&
	sbyt -q --as-of 2026-11-02 contract terminate T2 --account $HOUSE --date 2026-12-01
'

# The spool: an appeals journal and a contract events file through daily.
export SBYT_SPOOL="$T/spool"
mkdir -p "$SBYT_SPOOL/inbox/appeals" "$SBYT_SPOOL/inbox/contracts"
cat > "$SBYT_SPOOL/inbox/appeals/journal.csv" <<CSV
id;received_at;channel;kind;account;answered_at;extended_to
J1;2026-11-09T10:00:00+05:00;office;question;$HOUSE;2026-11-11T10:00:00+05:00;
J2;2026-11-09T11:00:00+05:00;email;complaint;;;2026-11-30
J3;2026-11-09T12:00:00+05:00;email;complaint;;;
J1;2026-11-09T10:00:00+05:00;office;question;$HOUSE;2026-11-11T10:00:00+05:00;
J4;2026-11-10;email;question;;;
CSV
cat > "$SBYT_SPOOL/inbox/contracts/events.csv" <<CSV
id;account;event;at;date
S1;$LEGAL;apply;2026-11-02;
S1;;answer;2026-11-06;
S1;;sign;2026-11-11;
S2;$LEGAL;terminate_notice;2026-11-02;2026-11-30
CSV
# J2: received Monday 11-09, term 11-12, limit the 10th working day after:
# 11-26: extended to 11-30 -> rejected; J4: a date without a time; the
# second J1 line is a duplicate.  S2 names 11-30, 19 working days ahead.
test_expect_success 'daily takes both journals: every line accounted' '
	sbyt --as-of 2026-11-12 daily 2>err &&
	grep -q "journal.csv: read=5 accepted=2 rejected=2 duplicates=1" err &&
	grep -q "events.csv: read=4 accepted=3 rejected=1 duplicates=0" err &&
	psql -XtAc "select reason from ingest_reject where code = \$\$extension_too_long\$\$" |
		grep -q "at most 2026-11-26 (appeal.extend)" &&
	[ -f "$SBYT_SPOOL/archive/2026-11-12/journal.csv" ] &&
	[ "$(psql -XtAc "select string_agg(code, \$\$,\$\$ order by line) from ingest_reject r join ingest_file f using (file_id) where f.channel = \$\$appeals\$\$")" = "extension_too_long,bad_time" ]
'
test_expect_success 'the same file again is a no-op' '
	cp "$SBYT_SPOOL/archive/2026-11-12/journal.csv" "$SBYT_SPOOL/inbox/appeals/" &&
	sbyt --as-of 2026-11-12 daily 2>err && grep -q "(ingested before)" err &&
	[ "$(psql -XtAc "select count(*) from appeal where appeal_id like \$\$J%\$\$")" = 2 ]
'
# As of 11-12.  Appeals: A2 extended to 11-19 (open), A4 and J3 received
# 11-09 with the term 11-12 (due today), A1, A3, J1 answered (A3 late, on
# 11-10 for 11-09).  Contracts: C1 answer (11-10) open; C2 (applied 10-05)
# answer (10-12) and sign (11-05) open; C3 (a household, 11-07) sign (11-09)
# open; T1's final invoice (due 11-10) was made by the first daily, on
# 11-12: late; T2 is a household (no final invoice); S1 all met.  Overdue:
# C1 answer, C2 answer, C2 sign, C3 sign = 4; done late this month: A3 and
# T1's invoice = 2.
test_expect_success 'daily counts the overdue items of the registers' '
	sbyt --as-of 2026-11-12 daily 2>err && grep -q "service_overdue=4" err &&
	[ -f "$SBYT_OUT/contracts/T1/final-invoice.xml" ]
'
test_expect_success 'report service: due today, overdue, done late, per register and branch' '
	sbyt --as-of 2026-11-12 report service 2>err &&
	grep -q "name=service as_of=2026-11-12 due_today=2 overdue=4 late=2 due_tomorrow=0 " err &&
	f=$SBYT_OUT/reports/service-2026-11-12.xlsx && [ -f "$f" ] &&
	/usr/bin/python3 "$SBYT_TOP/tests/xlsx_check.py" "$SBYT_TOP/rules/names.xml" "$f"
'
# The quality card from the register (November): appeals received A1
# (complaint, account H, answered 11-05 by its moved term 11-05), A2 (open,
# extended), A3 (answered 11-10 after its term 11-09), A4 (open), J1
# (answered 11-11 by 11-12), J3 (complaint, no account, open), A5 (a second
# complaint of H): 7 appeals, 3 answered, 2 in time -> KPI 1 = 2/3 = 66,7 %;
# 3 complaints of 7 -> 42,9 % for the month; the quarter counts customers:
# H and J3's caller, 2 of 7 -> 28,6 %.
test_expect_success 'kpi from the register: in-time answers, complaints per distinct customer' '
	sbyt -q --as-of 2026-11-12 appeal add A5 --received 2026-11-10T10:00:00+05:00 \
		--channel office --kind complaint --account $HOUSE &&
	sbyt -q --as-of 2026-11-30 report kpi --period 2026-11 > card &&
	grep -Eq "^1 +66,7 % +цель не менее 95,0 %" card &&
	grep "^8 " card | head -1 | grep -q "42,9 %" &&
	grep "^8 " card | tail -1 | grep -q "28,6 %" &&
	grep -Eq "^3 +- " card
'
test_done
