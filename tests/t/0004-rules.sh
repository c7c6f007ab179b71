#!/bin/sh
# 0004-rules: the shipped rules are valid; every fault names file and line.
. "$SBYT_TOP/tests/lib.sh"

test_expect_success 'the shipped rules pass the check' '
	sbyt rules check > out && grep -q "^rules version [0-9a-f]\{64\}$" out
'
test_expect_success 'the version is the same twice and changes with any file' '
	cp -R "$SBYT_TOP/rules" r &&
	v1=$(sbyt --rules r rules check | sed -n "s/^rules version //p") &&
	v2=$(sbyt --rules r rules check | sed -n "s/^rules version //p") &&
	echo "<!-- -->" >> r/README.md &&
	v3=$(sbyt --rules r rules check | sed -n "s/^rules version //p") &&
	[ "$v1" = "$v2" ] && [ "$v1" != "$v3" ]
'
test_expect_success 'run records carry the rules version' '
	sbyt -q db init &&
	printf "code;name;address;phone\n01;У;г. Тюмень;+73452000001\n" > b.csv &&
	sbyt -q load branches b.csv &&
	v=$(sbyt rules check | sed -n "s/^rules version //p") &&
	psql -XtAc "select rules_version from run order by run_id desc limit 1" | grep -qx "$v"
'
test_expect_code 78 'a key rate that is not a number: exit 78' '
	rm -rf r && cp -R "$SBYT_TOP/rules" r &&
	sed -i "s/rate=\"17.00\"/rate=\"seventeen\"/" r/keyrate.xml &&
	sbyt --rules r rules check 2>err
'
test_expect_success 'the fault names keyrate.xml and its line' '
	line=$(grep -n seventeen r/keyrate.xml | cut -d: -f1) &&
	grep -q "^r/keyrate.xml:$line: " err
'
test_expect_code 78 'a rules file that is not XML at all: exit 78' '
	rm -rf r && cp -R "$SBYT_TOP/rules" r && echo "<KeyRates>" > r/keyrate.xml &&
	sbyt --rules r rules check 2>err
'
test_expect_success 'named with its file' 'grep -q "^r/keyrate.xml:" err'
test_expect_code 78 'a missing rules directory: exit 78' 'sbyt --rules nowhere rules check'
test_expect_code 64 'rules without a subcommand is a usage error' 'sbyt rules'
test_done
