#!/bin/sh
# 0531-load-control: a control character (U+0000-U+001F but TAB, U+007F)
# or invalid UTF-8 (or U+FFFE/U+FFFF, which XML cannot hold) in any field
# of any master-data file refuses the whole file: exit 65,
# `FILE:LINE: control_character: WHAT in field N (column)` and nothing of
# the file kept.  TAB is text.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init

# bad KIND LINE N BYTES: the fixture of KIND with BYTES put at the start of
# field N of line LINE (sed's \xHH), as KIND.csv.
bad() { sed "$2s/;/;$4/$(($3 - 1))" "$FIX/$1.csv" > "$1.csv"; }
rows() { psql -XtAc "SELECT count(*) FROM $1"; }

test_expect_success 'a vertical tab in an address: the accounts refused at that line' '
	sbyt -q load branches "$FIX/branches.csv" &&
	bad accounts 3 5 "ул.\\x0b" && grep -c "$(printf "\\v")" accounts.csv | grep -qx 1 &&
	{ sbyt load accounts accounts.csv 2>err; test $? = 65; } &&
	grep -qx "accounts.csv:3: control_character: U+000B in field 5 (address)" err &&
	test "$(rows account)" = 0
'
test_expect_success 'the same file without it loads, and TAB is text' '
	sed "3s/;/;ул.\\t/4" "$FIX/accounts.csv" > tab.csv &&
	sbyt -q load accounts tab.csv && test "$(rows account)" -gt 0 &&
	psql -XtAc "SELECT count(*) FROM account WHERE address LIKE E'\''ул.\\t%'\''" | grep -qx 1
'
test_expect_success 'branches: a CR inside a name' '
	bad branches 2 2 "\\x0d" &&
	{ sbyt load branches branches.csv 2>err; test $? = 65; } &&
	grep -qx "branches.csv:2: control_character: U+000D in field 2 (name)" err
'
test_expect_success 'branches: U+FFFF (valid UTF-8, no XML character) in a phone' '
	bad branches 3 4 "\\xef\\xbf\\xbf" &&
	{ sbyt load branches branches.csv 2>err; test $? = 65; } &&
	grep -qx "branches.csv:3: control_character: U+FFFF in field 4 (phone)" err
'
test_expect_success 'meters: ESC in a meter number, NUL in a reading' '
	bad meters 4 2 "\\x1b" && sed -i "6s/;/;\\x00/6" meters.csv &&
	{ sbyt load meters meters.csv 2>err; test $? = 65; } &&
	grep -qx "meters.csv:4: control_character: U+001B in field 2 (meter)" err &&
	grep -qx "meters.csv:6: control_character: U+0000 in field 7 (initial_t1)" err &&
	test "$(rows meter)" = 0
'
test_expect_success 'contracts: DEL in a contract number' '
	bad contracts 2 2 "\\x7f" &&
	{ sbyt load contracts contracts.csv 2>err; test $? = 65; } &&
	grep -qx "contracts.csv:2: control_character: U+007F in field 2 (contract)" err &&
	test "$(rows contract)" = 0
'
test_expect_success 'reserves: invalid UTF-8 in the authorities'\'' e-mails' '
	sbyt -q load contracts "$FIX/contracts.csv" &&
	bad reserves 3 5 "\\xe9" &&
	{ sbyt load reserves reserves.csv 2>err; test $? = 65; } &&
	grep -qx "reserves.csv:3: control_character: invalid UTF-8 byte 0xE9 in field 5 (authority_emails)" err &&
	test "$(rows reserve)" = 0
'
test_expect_success 'balances: a form feed in a due date' '
	bad balances 2 3 "\\x0c" &&
	{ sbyt load balances balances.csv 2>err; test $? = 65; } &&
	grep -qx "balances.csv:2: control_character: U+000C in field 3 (due)" err &&
	test "$(rows obligation)" = 0
'
test_expect_success 'a control character in the header line refuses the file at line 1' '
	{ printf "code;na\\033me;address;phone\\n"; sed 1d "$FIX/branches.csv"; } > h.csv &&
	{ sbyt load branches h.csv 2>err; test $? = 65; } &&
	grep -q "^h.csv:1: control_character: U+001B in field 2" err
'
test_done
