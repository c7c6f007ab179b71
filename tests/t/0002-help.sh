#!/bin/sh
# 0002-help: every command has --help and a man page, and they agree.
. "$SBYT_TOP/tests/lib.sh"

# The SYNOPSIS block of a man page, roff escapes removed.
synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$1" | sed -n '/^\.nf/,/^\.fi/p' |
		grep -v '^\.' | sed 's/\\-/-/g; s/\\f[BIRP]//g'
}
# The usage lines of --help, prefixes removed.
usage_lines() {
	grep -E '^(usage|   or): ' | sed -E 's/^(usage|   or): //'
}

commands=$(sbyt --help | sed -n '/^Commands:/,$p' | awk 'NR > 1 { print $1 }')
test_expect_success 'the command list is not empty' '[ -n "$commands" ]'
test_expect_success 'sbyt --help agrees with sbyt(1)' '
	synopsis "$SBYT_TOP/man/sbyt.1" > want &&
	sbyt --help | usage_lines > got && diff -u want got
'
for c in $commands; do
	test_expect_success "sbyt $c has a man page" "[ -f \"\$SBYT_TOP/man/sbyt-$c.1\" ]"
	test_expect_success "sbyt $c --help agrees with sbyt-$c(1)" "
		synopsis \"\$SBYT_TOP/man/sbyt-$c.1\" > want &&
		sbyt $c --help | usage_lines > got && diff -u want got
	"
	test_expect_success "sbyt(1) lists $c" "grep -q '^\\.B $c' \"\$SBYT_TOP/man/sbyt.1\""
	test_expect_success "README mentions sbyt $c" "grep -q 'sbyt $c' \"\$SBYT_TOP/README.md\""
done
test_expect_success 'every man page is well-formed for man(1)' '
	for m in "$SBYT_TOP"/man/*.1; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$m" 2>&1 >/dev/null |
			grep -v "cannot adjust line\|cannot break line" | grep . && exit 1
	done; true
'
test_done
