#!/bin/sh
# 0110-limit-dates: sbyt limit dates, end to end: the worked examples of
# SPEC 9.3 in text and XML (read back with xmllint), --remote, --planned,
# the exit statuses 64/65/78 and faults in rules/limitation.xml.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1  # scratch files stay out of the worktree

help_synopsis() { sbyt "$1" --help | sed -n 's/^usage: sbyt /sbyt /p; s/^   or: sbyt /sbyt /p'; }
man_synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.fi/p' "$SBYT_TOP/man/sbyt-$1.1" | sed '1,2d;$d' | sed 's/\\-/-/g'
}
# step NAME FILE: the date of step NAME in a <Dates> document
step() { xmllint --xpath "string(/Dates/Step[@name='$1']/@date)" "$2"; }
rule() { xmllint --xpath "string(/Dates/Step[@name='$1']/@rule)" "$2"; }

test_expect_success 'limit --help agrees with the man page SYNOPSIS' '
	help_synopsis limit > h && man_synopsis limit > m && test -s h && diff h m
'
test_expect_success 'individual, warning delivered 2026-04-14 (SPEC 9.3), xml' '
	sbyt limit dates individual --delivered 2026-04-14 --format xml > x.xml &&
	xmllint --noout x.xml &&
	test "$(step partial x.xml)" = 2026-05-05 &&
	test "$(step full_notice_from x.xml)" = 2026-05-26 &&
	test "$(step full x.xml)" = 2026-06-08 &&
	test "$(rule partial x.xml)" = individual.partial &&
	test "$(xmllint --xpath "string(/Dates/@procedure)" x.xml)" = individual &&
	test "$(xmllint --xpath "string(/Dates/@delivered)" x.xml)" = 2026-04-14 &&
	test "$(xmllint --xpath "count(/Dates/Step)" x.xml)" = 3
'
test_expect_success 'the steps come in order: partial, full_notice_from, full' '
	xmllint --xpath "/Dates/Step/@name" x.xml | tr -s " \n" " " |
		grep -q "name=\"partial\" name=\"full_notice_from\" name=\"full\""
'
test_expect_success 'individual text: the arithmetic and the assumption are printed' '
	sbyt limit dates individual --delivered 2026-04-14 > out &&
	grep -qF "delivered 2026-04-14 + 20 calendar days = 2026-05-04 (Mon, working): window ends 2026-05-04; next step on 2026-05-05" out &&
	grep -qF "2026-05-24 (Sun, weekend): window ends 2026-05-25" out &&
	grep -q "assuming full_notice is delivered on its earliest date 2026-05-26" out &&
	grep -q "ПП № 354" out && grep -q "calendar: .*ru-2026.xml" out
'
# Full notice assumed on Tue 05-26: + 3 = Fri 05-29 with remote metering.
test_expect_success 'individual --remote: full 3 days after the full notice' '
	sbyt limit dates individual --delivered 2026-04-14 --remote --format xml > r.xml &&
	test "$(step full r.xml)" = 2026-05-29 &&
	test "$(xmllint --xpath "string(/Dates/@remote)" r.xml)" = true
'
test_expect_success 'legal, notice delivered 2026-04-27 (SPEC 9.3)' '
	sbyt limit dates legal --delivered 2026-04-27 --format xml > l.xml &&
	test "$(step partial l.xml)" = 2026-05-07 &&
	test "$(step full l.xml)" = 2026-05-14 &&
	test "$(rule full l.xml)" = legal.full
'
test_expect_success 'legal_reserve, notice delivered 2026-04-24 (SPEC 9.3)' '
	sbyt limit dates legal_reserve --delivered 2026-04-24 --format xml > rr.xml &&
	test "$(step tech_reserve rr.xml)" = 2026-05-04 &&
	test "$(step emergency_reserve rr.xml)" = 2026-05-13 &&
	test "$(step full rr.xml)" = 2026-05-19
'
test_expect_success 'legal_reserve text shows the holidays skipped' '
	sbyt limit dates legal_reserve --delivered 2026-04-24 |
		grep -qF "window ends 2026-05-12 (Tue) after 05-09 holiday, 05-10 weekend, 05-11 transferred day off; next step on 2026-05-13"
'
# 28, 29, 30, [1-3 May], 4, 5, 6, 7, 8, [9-11], 12, 13: the 10th is 05-13.
test_expect_success 'refusal, notice delivered 2026-04-27: the 10th working day 05-13' '
	sbyt limit dates refusal --delivered 2026-04-27 --format xml > f.xml &&
	test "$(step refusal f.xml)" = 2026-05-13 &&
	test "$(xmllint --xpath "count(/Dates/Step)" f.xml)" = 1
'
# Legal notice Mon 2025-12-22: + 10 = 1 Jan -> Mon 12 Jan; 13, 14, 15 -> Fri 16.
test_expect_success 'legal over New Year 2026: partial 01-12, full 01-16' '
	sbyt limit dates legal --delivered 2025-12-22 --format xml > n.xml &&
	test "$(step partial n.xml)" = 2026-01-12 && test "$(step full n.xml)" = 2026-01-16
'
# --planned: stating Fri 05-08 after delivery 04-27 is valid; full 12, 13, 14 -> 15.
test_expect_success '--planned with enough lead: later steps count from it' '
	sbyt limit dates legal --delivered 2026-04-27 --planned 2026-05-08 --format xml > p.xml &&
	test "$(step partial p.xml)" = 2026-05-08 && test "$(step full p.xml)" = 2026-05-15 &&
	test "$(xmllint --xpath "string(/Dates/@verdict)" p.xml)" = valid
'
test_expect_code 65 '--planned with less lead than 10 days: the notice is void (65)' '
	sbyt limit dates legal --delivered 2026-04-27 --planned 2026-05-06 > out 2>err
'
test_expect_success 'and the text says void and the earliest lawful date' '
	grep -q "verdict: void" out && grep -q "earliest lawful date 2026-05-07" out &&
	grep -q "void" err
'
test_expect_code 65 'void in xml too' '
	sbyt limit dates legal --delivered 2026-04-27 --planned 2026-05-06 --format xml > v.xml
'
test_expect_success 'with verdict="void"' '
	test "$(xmllint --xpath "string(/Dates/@verdict)" v.xml)" = void &&
	test "$(step partial v.xml)" = 2026-05-07
'
test_expect_code 64 'an unknown procedure exits 64' '
	sbyt limit dates household --delivered 2026-04-27 2>err
'
test_expect_success 'naming the known ones' 'grep -q "unknown procedure .household." err && grep -q legal_reserve err'
test_expect_code 64 'a missing --delivered exits 64' 'sbyt limit dates legal'
test_expect_code 64 'an unknown format exits 64' 'sbyt limit dates legal --delivered 2026-04-27 --format json'
test_expect_code 64 'an unknown subcommand exits 64' 'sbyt limit frobnicate'
# Fri 2026-12-25 + 10 = Mon 2027-01-04, a holiday (ru-2027.xml): 4-8 Jan
# holidays, 9-10 weekend -> Mon 2027-01-11.
test_expect_success 'a step in 2027: partial 2027-01-04 moves to Mon 2027-01-11' '
	sbyt limit dates legal --delivered 2026-12-25 > out &&
	grep -q "^partial  *2027-01-11 Mon" out
'
# Mon 2027-01-11 + 14 calendar days = Mon 2027-01-25, a working day.
test_expect_success 'a delivery in 2027: refusal on 2027-01-25' '
	sbyt limit dates refusal --delivered 2027-01-11 --format xml > out &&
	grep -q "<Step name=\"refusal\" date=\"2027-01-25\"" out
'
# Sat 2027-12-25 + 10 = 2028-01-04: no 2028 calendar.
test_expect_code 78 'a step in 2028 stops with 78' '
	sbyt limit dates legal --delivered 2027-12-25 2>err
'
test_expect_success 'naming 2028' 'grep -q "no production calendar for 2028" err'
test_expect_code 78 'a delivery in 2028 stops with 78 too' '
	sbyt limit dates refusal --delivered 2028-01-11 --format xml 2>err
'
test_expect_success 'naming 2028' 'grep -q "2028" err'

rules_copy() { rm -rf "$T/rules" && cp -R "$SBYT_RULES" "$T/rules"; }
test_expect_code 78 'an unknown step kind in limitation.xml stops with 78' '
	rules_copy && sed -i "s/kind=\"working_days\"/kind=\"fortnight\"/" "$T/rules/limitation.xml" &&
	sbyt --rules "$T/rules" limit dates legal --delivered 2026-04-27 2>err
'
test_expect_success 'naming limitation.xml and a line' '
	grep -q "limitation.xml:[0-9][0-9]*: .*fortnight" err
'
test_expect_code 78 'a step counting from an unknown step stops with 78' '
	rules_copy && sed -i "s/after=\"tech_reserve\"/after=\"nowhere\"/" "$T/rules/limitation.xml" &&
	sbyt --rules "$T/rules" limit dates legal --delivered 2026-04-27 2>err
'
test_expect_success 'naming limitation.xml and the line of that step' '
	line=$(grep -n "after=\"nowhere\"" "$T/rules/limitation.xml" | cut -d: -f1) &&
	grep -q "limitation.xml:$((line + 1)): step .emergency_reserve.: after=.nowhere." err
'
test_done
