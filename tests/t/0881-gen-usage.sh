#!/bin/sh
# 0881-gen-usage: `gen --usage` writes usage.csv, each meter zone's
# consumption over the month in tenths of kWh: the rate its generated
# readings run at, from which `make bench-year` makes a history that the
# month's readings continue.  Checked against the portal file itself with
# awk: a reading of day d is the zone's register at the start of the month
# (meters.csv, whole kWh) plus tenths x d / 30 (November), modulo the
# register's 10^digits kWh, written in whole kWh.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1

test_expect_success 'gen --usage writes usage.csv, the other files unchanged' '
	gen --accounts 500 --period 2026-11 --seed 3 --out "$T/u" --usage 2>/dev/null &&
	gen --accounts 500 --period 2026-11 --seed 3 --out "$T/n" 2>/dev/null &&
	test -s "$T/u/usage.csv" && ! test -e "$T/n/usage.csv" &&
	(cd "$T/u" && find . -type f ! -name usage.csv | LC_ALL=C sort | xargs sha256sum) > hu &&
	(cd "$T/n" && find . -type f | LC_ALL=C sort | xargs sha256sum) > hn &&
	cmp hu hn
'
test_expect_success 'one line per zone of every meter, nothing else' '
	head -1 "$T/u/usage.csv" | grep -qx "account;meter;zone;tenths" &&
	awk -F";" "FNR == 1 { next }
		NR == FNR { for (z = 1; z <= \$3; z++) want[\$1 \";\" \$2 \";\" z] = 1; next }
		{ k = \$1 \";\" \$2 \";\" \$3
		  if (!(k in want) || seen[k]++ || \$4 !~ /^[0-9]+\$/) bad++ }
		END { for (k in want) if (!seen[k]) bad++; exit bad != 0 }" \
		"$T/u/meters.csv" "$T/u/usage.csv"
'
test_expect_success 'every portal reading is the start register plus the rate by days' '
	awk -F";" "FNR == 1 { next }
		FILENAME ~ /meters\\.csv\$/ { d[\$1 \";\" \$2] = \$4; b[\$1 \";\" \$2 \";\" 1] = \$7
			b[\$1 \";\" \$2 \";\" 2] = \$8; b[\$1 \";\" \$2 \";\" 3] = \$9; next }
		FILENAME ~ /usage\\.csv\$/ { t[\$1 \";\" \$2 \";\" \$3] = \$4; next }
		{ k = \$1 \";\" \$2 \";\" \$3; day = substr(\$5, 9, 2) + 0
		  top = 10 ^ d[\$1 \";\" \$2] * 10
		  v = int(((b[k] * 10 + int(t[k] * day / 30)) % top) / 10)
		  n++; if (!(k in t) || v != \$4) { print \"line\", FNR, \$0, \"want\", v; bad++ } }
		END { exit bad != 0 || n < 100 }" \
		"$T/u/meters.csv" "$T/u/usage.csv" "$T/u/inbox/portal/portal-2026-11.csv"
'

test_done
