#!/bin/sh
# 0100-calendar: sbyt calendar is-working | add | check, end to end, on the
# official calendars of rules/ and on broken copies of them.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1  # scratch files stay out of the worktree

# The usage lines of --help, and the SYNOPSIS of the man page, in plain text.
help_synopsis() { sbyt "$1" --help | sed -n 's/^usage: sbyt /sbyt /p; s/^   or: sbyt /sbyt /p'; }
man_synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.fi/p' "$SBYT_TOP/man/sbyt-$1.1" | sed '1,2d;$d' | sed 's/\\-/-/g'
}

test_expect_success 'calendar --help agrees with the man page SYNOPSIS' '
	help_synopsis calendar > h && man_synopsis calendar > m && test -s h && diff h m
'
test_expect_success 'is-working: Sat 9 May 2026 is a holiday (exit 0)' '
	test "$(sbyt calendar is-working 2026-05-09)" = "2026-05-09 day-off holiday"
'
test_expect_success 'is-working: Fri 8 May 2026 is a shortened working day' '
	test "$(sbyt calendar is-working 2026-05-08)" = "2026-05-08 working shortened"
'
test_expect_success 'is-working: Mon 11 May 2026 is off, moved from 9 May (-v says so)' '
	sbyt calendar is-working -v 2026-05-11 > out &&
	sed -n 1p out | grep -qx "2026-05-11 day-off holiday" &&
	sed -n 2p out | grep -q "transferred from 2026-05-09"
'
test_expect_success 'is-working: Sat 1 Nov 2025 works, Wed 31 Dec 2025 is off' '
	test "$(sbyt calendar is-working 2025-11-01)" = "2025-11-01 working shortened" &&
	test "$(sbyt calendar is-working 2025-12-31)" = "2025-12-31 day-off holiday"
'
test_expect_success 'is-working: Sat 28 Dec 2024 is a working weekend day, Sun a weekend' '
	test "$(sbyt calendar is-working 2024-12-28)" = "2024-12-28 working transferred" &&
	test "$(sbyt calendar is-working 2024-12-29)" = "2024-12-29 day-off weekend" &&
	test "$(sbyt calendar is-working 2026-05-06)" = "2026-05-06 working weekday"
'
# 2027 (rules/calendar/ru-2027.xml): Sat 20 Feb works shortened for Mon 22
# Feb; Sat 2 Jan moved to Fri 5 Nov.
test_expect_success 'is-working 2027: 01-11 works, Sat 02-20 works shortened, 11-05 is off' '
	test "$(sbyt calendar is-working 2027-01-11)" = "2027-01-11 working weekday" &&
	test "$(sbyt calendar is-working 2027-02-20)" = "2027-02-20 working shortened" &&
	sbyt calendar is-working 2027-11-05 | grep -q "^2027-11-05 day-off"
'
test_expect_code 78 'is-working on a 2028 date stops with 78' '
	sbyt calendar is-working 2028-01-11 2>err
'
test_expect_success 'and names 2028' 'grep -q "no production calendar for 2028" err'
test_expect_code 64 'is-working with an impossible date is a usage error' '
	sbyt calendar is-working 2026-02-29
'

# add: 7 May 2026 + 3 working days = 8 (short), [9-11 off], 12, 13.
test_expect_success 'add --working: 3 working days after 2026-05-07 is 2026-05-13' '
	test "$(sbyt calendar add 2026-05-07 3 --working)" = "2026-05-13"
'
test_expect_success 'add --working -3 goes back: 2026-05-13 -> 2026-05-07' '
	test "$(sbyt calendar add 2026-05-13 -3 --working)" = "2026-05-07"
'
# Tue 30 Dec 2025 + 1 working day: 31 Dec and 1-11 Jan off -> Mon 12 Jan 2026.
test_expect_success 'add --working over New Year: 2025-12-30 + 1 = 2026-01-12' '
	test "$(sbyt calendar add 2025-12-30 1 --working)" = "2026-01-12"
'
test_expect_success 'add: calendar days ignore days off: 2026-04-14 + 40 = 2026-05-24' '
	test "$(sbyt calendar add 2026-04-14 40)" = "2026-05-24"
'
test_expect_success 'add -v: the date alone first, then the days off skipped' '
	sbyt calendar add 2026-05-07 3 --working -v > out &&
	sed -n 1p out | grep -qx 2026-05-13 &&
	grep -q "05-09 holiday, 05-10 weekend, 05-11 transferred day off" out &&
	grep -q "ru-2026.xml" out
'
test_expect_code 64 'add --working 0 is a usage error' 'sbyt calendar add 2026-05-07 0 --working'
test_expect_code 64 'add with a count that is not a number is a usage error' '
	sbyt calendar add 2026-05-07 three
'
# Wed 30 Dec 2026 + 1 working day: 31 Dec off, 1-8 Jan holidays, 9-10
# weekend -> Mon 11 Jan 2027.
test_expect_success 'add --working over New Year: 2026-12-30 + 1 = 2027-01-11' '
	test "$(sbyt calendar add 2026-12-30 1 --working)" = "2027-01-11"
'
# Thu 30 Dec 2027 + 1 working day: Fri 31 Dec off, then 2028 is needed.
test_expect_code 78 'add --working into 2028 stops with 78' '
	sbyt calendar add 2027-12-30 1 --working 2>err
'
test_expect_success 'naming 2028' 'grep -q "2028" err'
test_expect_code 78 'add from a 2028 date stops with 78' 'sbyt calendar add 2028-03-01 5'

test_expect_success 'check 2026: 247 working days, 1972 hours, 15 in January' '
	sbyt calendar check 2026 > out 2>err &&
	grep -q "^total  *247  *118  *4  *1972$" out &&
	grep -q "^2026-01  *15 " out && grep -q "^2026-05  *19 " out &&
	grep -q "sbyt calendar check: year=2026 working=247" err
'
test_expect_success 'check 2025: 247 working days; check 2024: 248' '
	sbyt calendar check 2025 | grep -q "^total  *247 " &&
	sbyt calendar check 2024 | grep -q "^total  *248 "
'
# 2027 by hand from the decree's transfers: 365 - 104 weekend days - 14
# days off on weekdays (1-8 Jan but 2-3 are Sat-Sun: 6; 22-23 Feb, 8 Mar,
# 3 May, 10 May, 14 Jun, 4-5 Nov, 31 Dec: 9) + 1 working Saturday (20 Feb)
# = 365 - 104 - 15 + 1 = 247; shortened 20 Feb, 30 Apr, 11 Jun, 3 Nov:
# 247 x 8 - 4 = 1972 hours; January 31 - 16 = 15.
test_expect_success 'check 2027: 247 working days, 1972 hours, 15 in January' '
	sbyt calendar check 2027 > out &&
	grep -q "^total  *247  *118  *4  *1972$" out &&
	grep -q "^2027-01  *15 " out && grep -q "^2027-02  *19 " out
'
test_expect_code 78 'check 2028 stops with 78' 'sbyt calendar check 2028 2>err'
test_expect_success 'naming 2028' 'grep -q "no production calendar for 2028" err'

# Broken calendars in a copy of the rules.
broken() { # FILE-CONTENT-FILTER: copy rules, then run sed on ru-2026.xml
	rm -rf "$T/rules" && cp -R "$SBYT_RULES" "$T/rules" &&
	sed -i "$1" "$T/rules/calendar/ru-2026.xml"
}
test_expect_code 78 'a day type t=4 stops every calendar command with 78' '
	broken "s|<day d=\"05.09\" t=\"1\" h=\"6\"/>|<day d=\"05.09\" t=\"4\" h=\"6\"/>|" &&
	sbyt --rules "$T/rules" calendar is-working 2026-05-06 2>err
'
test_expect_success 'and the fault names the file and line' '
	line=$(grep -n "d=\"05.09\"" "$T/rules/calendar/ru-2026.xml" | cut -d: -f1) &&
	grep -q "ru-2026.xml:$line: unknown day type t=.4." err
'
test_expect_code 78 'a duplicate day: check 2026 stops with 78' '
	broken "s|<day d=\"05.11\" t=\"1\" f=\"05.09\"/>|<day d=\"05.09\" t=\"1\"/>|" &&
	sbyt --rules "$T/rules" calendar check 2026 2>err
'
test_expect_success 'naming both lines' '
	first=$(grep -n "d=\"05.09\"" "$T/rules/calendar/ru-2026.xml" | sed -n 1p | cut -d: -f1) &&
	second=$(grep -n "d=\"05.09\"" "$T/rules/calendar/ru-2026.xml" | sed -n 2p | cut -d: -f1) &&
	grep -q "ru-2026.xml:$second: duplicate day 05.09 (first at line $first)" err
'
test_expect_code 78 'a wrong year attribute stops with 78' '
	broken "s|year=\"2026\"|year=\"2025\"|" &&
	sbyt --rules "$T/rules" calendar add 2026-05-07 1 2>err
'
test_expect_success 'naming the file and line' '
	grep -q "ru-2026.xml:2: year 2025 does not match the file name" err
'
test_expect_code 78 'a file that is not well-formed stops with 78' '
	broken "s|</days>|</dayz>|" &&
	sbyt --rules "$T/rules" limit dates legal --delivered 2026-04-27 2>err
'
test_expect_success 'naming the file and line' 'grep -q "ru-2026.xml:[0-9][0-9]*: " err'
test_expect_code 78 'an impossible date d=02.30 stops with 78' '
	broken "s|d=\"02.23\"|d=\"02.30\"|" &&
	sbyt --rules "$T/rules" calendar is-working 2025-05-06 2>err
'
test_expect_success 'naming the file and line' '
	line=$(grep -n "d=\"02.30\"" "$T/rules/calendar/ru-2026.xml" | cut -d: -f1) &&
	grep -q "ru-2026.xml:$line: d=.02.30. is not a date of 2026" err
'
test_expect_code 78 'without ru-2026.xml a 2026 date names 2026' '
	broken "s|x|x|" && rm "$T/rules/calendar/ru-2026.xml" &&
	sbyt --rules "$T/rules" calendar is-working 2026-05-06 2>err &&
	grep -q "no production calendar for 2026" err
'
test_done
