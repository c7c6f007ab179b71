#!/bin/sh
# 0050-gen: the sample-data generator (tools/gen) and the committed fixtures.
# Every count and sum is recomputed here from the files themselves, with
# iconv, awk, grep and xmllint, independently of the generator's code.
. "$SBYT_TOP/tests/lib.sh"
cd "$T" || exit 1  # scratch files (err, ha, nomatch...) stay out of the tree

# SPEC 5.4 forms of an SMS text, as extended regular expressions that do
# not depend on the locale (Cyrillic letters as alternations).
A='[0-9]{10}'
V='[0-9]+(,[0-9])?'
TZ='(Т|т|T|t)'
SMS_RE="^$A $V( $V)?\$|^$A\\*$V(\\*$V)?\$|^(п|П)(о|О)(к|К) $A $V( $V)?\$|^(Л|л)(С|с) ?$A( $TZ[1-3] $V)+\$"

# hashes DIR: "sha256  relative/path" of every file, sorted
hashes() {
	(cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum)
}

# sber_check FILE: the trailer's count and sums equal the lines (kopecks)
sber_check() {
	iconv -f CP1251 -t UTF-8 "$1" | awk -F';' '
		/^=/ { trailer++; tc = substr($1, 2); ts = $2; tf = $3; gsub(",", "", ts); gsub(",", "", tf); next }
		trailer { after++ }
		{ n++; s = $10; f = $11
		  if (s !~ /^[0-9]+,[0-9][0-9]$/ || f !~ /^[0-9]+,[0-9][0-9]$/) bad++
		  gsub(",", "", s); gsub(",", "", f); sum += s; fee += f }
		END {
			if (trailer != 1 || after) { print "trailer missing or not last"; exit 1 }
			if (bad) { print bad " sums without a comma"; exit 1 }
			if (tc != n || ts + 0 != sum || tf + 0 != fee) {
				printf "trailer %s %s %s but lines %d %d %d\n", tc, ts, tf, n, sum, fee; exit 1 }
		}'
}

test_expect_code 64 'gen without options is a usage error' 'gen'
test_expect_code 64 'gen rejects a bad period' 'gen --accounts 10 --period 2026-13 --out "$T/x"'

test_expect_success 'gen writes every file and a summary line' '
	gen --accounts 2000 --period 2026-11 --seed 5 --out "$T/a" --sber-lines 300 --sber-payments 3 2>err &&
	grep -Eq "^gen: accounts=2000 files=[0-9]+ bytes=[0-9]+ seconds=[0-9.]+\$" err &&
	for f in branches accounts meters contracts reserves; do test -s "$T/a/$f.csv" || exit 1; done &&
	test -s "$T/a/inbox/gazprombank/gpb-2026-11.xml" &&
	test -s "$T/a/inbox/qiwi/qiwi-2026-11.csv" &&
	test -s "$T/a/inbox/payments/payments-2026-11.csv" &&
	test -s "$T/a/inbox/sms/sms-2026-11.log" &&
	test -s "$T/a/inbox/portal/portal-2026-11.csv" &&
	test -s "$T/a/journal/appeals.csv" && test -s "$T/a/journal/calls.csv" &&
	test -s "$T/a/inbox/sberbank/sber-2026-11-p02.txt"
'
test_expect_success 'the same seed gives the same bytes in every file' '
	gen --accounts 2000 --period 2026-11 --seed 5 --out "$T/b" --sber-lines 300 --sber-payments 3 2>/dev/null &&
	hashes "$T/a" > ha && hashes "$T/b" > hb && test -s ha && cmp ha hb
'
test_expect_success 'another seed gives other data' '
	gen --accounts 2000 --period 2026-11 --seed 6 --out "$T/c" --sber-lines 300 --sber-payments 3 2>/dev/null &&
	hashes "$T/c" > hc && ! cmp -s ha hc &&
	! cmp -s "$T/a/accounts.csv" "$T/c/accounts.csv" &&
	! cmp -s "$T/a/inbox/sms/sms-2026-11.log" "$T/c/inbox/sms/sms-2026-11.log"
'
test_expect_success 'accounts.csv has N lines and a header, account numbers 72BBNNNNNN' '
	test "$(wc -l < "$T/a/accounts.csv")" = 2001 &&
	head -1 "$T/a/accounts.csv" | grep -qx "account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on" &&
	awk -F";" "NR > 1 && (\$1 !~ /^72[0-9]+\$/ || length(\$1) != 10 || substr(\$1, 3, 2) != \$2 || NF != 14) { bad++ }
		END { exit bad != 0 }" "$T/a/accounts.csv" &&
	test "$(cut -d";" -f1 "$T/a/accounts.csv" | sort | uniq -d | wc -l)" = 0
'
test_expect_success 'every account belongs to a branch of branches.csv' '
	awk -F";" "FNR == 1 { next } NR == FNR { b[\$1] = 1; next } !(\$2 in b) { bad++ }
		END { exit bad != 0 }" "$T/a/branches.csv" "$T/a/accounts.csv"
'
test_expect_success 'value sets of accounts: kind, category, delivery, phones, postcodes' '
	awk -F";" "NR == 1 { next }
		\$3 != \"individual\" && \$3 != \"legal\" { print \"kind\", \$0; bad++ }
		\$3 == \"individual\" && \$7 !~ /^(urban_gas|urban_electric|rural)\$/ { print \"cat\", \$0; bad++ }
		\$3 == \"individual\" && (\$8 !~ /^[1-9]\$/ || \$9 !~ /^[1-9]\$/) { print \"res\", \$0; bad++ }
		\$12 !~ /^(post|email|lkk|edo)\$/ { print \"deliv\", \$0; bad++ }
		\$12 == \"edo\" && \$3 != \"legal\" { print \"edo\", \$0; bad++ }
		\$12 == \"email\" && \$11 == \"\" { print \"email\", \$0; bad++ }
		{ n = split(\$10, p, \",\"); for (i = 1; i <= n; i++) if (p[i] !~ /^[+]7[0-9]+\$/ || length(p[i]) != 12) { print \"phone\", \$0; bad++ } }
		\$6 !~ /^62[5-7][0-9][0-9][0-9]\$/ { print \"post\", \$0; bad++ }
		\$13 !~ /^[01]\$/ || \$14 !~ /^[12][09][0-9][0-9]-[01][0-9]-[0-3][0-9]\$/ { print \"misc\", \$0; bad++ }
		END { exit bad != 0 }" "$T/a/accounts.csv"
'
test_expect_success 'about 3 % are legal entities, each with a contract; a few with reserves' '
	legal=$(awk -F";" "\$3 == \"legal\"" "$T/a/accounts.csv" | wc -l) &&
	contracts=$(($(wc -l < "$T/a/contracts.csv") - 1)) &&
	reserves=$(($(wc -l < "$T/a/reserves.csv") - 1)) &&
	echo "legal=$legal contracts=$contracts reserves=$reserves" &&
	test "$legal" -ge 50 && test "$legal" -le 70 && test "$contracts" = "$legal" &&
	test "$reserves" -ge 1 && test "$reserves" -lt "$legal"
'
test_expect_success 'INNs carry a correct check digit, KPPs have 9 digits' '
	awk -F";" "NR == 1 { next }
		{ split(\"2 4 10 3 5 9 4 6 8\", w, \" \"); s = 0
		  for (i = 1; i <= 9; i++) s += substr(\$6, i, 1) * w[i]
		  if (\$6 !~ /^[0-9]+\$/ || length(\$6) != 10 || (s % 11) % 10 != substr(\$6, 10, 1) + 0) { print; bad++ }
		  if (\$7 !~ /^[0-9]+\$/ || length(\$7) != 9 || \$5 != \"standard\") { print; bad++ } }
		END { exit bad != 0 }" "$T/a/contracts.csv"
'
test_expect_success 'reserves: technological >= emergency kW, authority e-mails given' '
	awk -F";" "NR > 1 && (\$2 + 0 < \$3 + 0 || \$4 !~ /^[01]\$/ || \$5 !~ /@/) { print; bad++ }
		END { exit bad != 0 }" "$T/a/reserves.csv"
'
test_expect_success 'meters: 1, 2 and 3 zones, 5-8 digits, initial readings fit the digits' '
	awk -F";" "NR == 1 { next } { z[\$3]++ }
		\$4 < 5 || \$4 > 8 || \$5 >= \$6 { print; bad++ }
		{ for (i = 1; i <= 3; i++) if ((i <= \$3) != (\$(6 + i) != \"\") || \$(6 + i) + 0 >= 10 ^ \$4) { print; bad++ } }
		END { exit bad != 0 || !z[1] || !z[2] || !z[3] }" "$T/a/meters.csv" &&
	awk -F";" "NR > 1 && \$6 < \"2026-11-01\"" "$T/a/meters.csv" | grep -q .
'
test_expect_success 'every Sberbank file: CP1251, at most L lines, trailer equals the lines' '
	n=0 &&
	for f in "$T"/a/inbox/sberbank/sber-2026-11-p*.txt; do
		n=$((n + 1)) &&
		test "$(wc -l < "$f")" -le 301 && sber_check "$f" || exit 1
	done && test "$n" -ge 2
'
test_expect_success 'Sberbank lines have 12 fields; readings empty or CounterVal_z:value' '
	cat "$T"/a/inbox/sberbank/*.txt | iconv -f CP1251 -t UTF-8 | awk -F";" "
		/^=/ { next }
		NF != 12 || \$1 !~ /^[0-3][0-9]\\/[01][0-9]\\/2026\$/ || \$2 !~ /^[0-2][0-9]-[0-5][0-9]-[0-5][0-9]\$/ { print; bad++ }
		\$9 !~ /^(09|10|11)2026\$/ { print; bad++ }
		\$12 != \"\" && \$12 !~ /^CounterVal_1:[0-9]+(,[0-9])?(\\|CounterVal_2:[0-9]+(,[0-9])?(\\|CounterVal_3:[0-9]+(,[0-9])?)?)?\$/ { print; bad++ }
		\$12 != \"\" { r++ }
		END { exit bad != 0 || r == 0 }"
'
test_expect_success 'the Gazprombank XML parses and its count and total match' '
	x="$T/a/inbox/gazprombank/gpb-2026-11.xml" &&
	xmllint --noout "$x" &&
	count=$(xmllint --xpath "string(/Registry/@count)" "$x") &&
	total=$(xmllint --xpath "string(/Registry/@total)" "$x") &&
	n=$(xmllint --xpath "count(/Registry/Payment)" "$x") &&
	sum=$(grep -o " sum=\"[0-9]*\\.[0-9][0-9]\"" "$x" | tr -dc "0-9\n" | awk "{ s += \$1 } END { print s }") &&
	echo "count=$count n=$n total=$total sum=$sum" &&
	test "$count" = "$n" && test "$(echo "$total" | tr -d .)" = "$sum" &&
	test "$(xmllint --xpath "count(//Reading)" "$x")" -gt 0
'
test_expect_success 'every SMS text is one of the SPEC 5.4 forms' '
	f="$T/a/inbox/sms/sms-2026-11.log" && test -s "$f" &&
	cut -d";" -f3- "$f" | grep -Ev "$SMS_RE" > nomatch; test ! -s nomatch
'
test_expect_success 'every SMS comes from a phone registered on its account' '
	awk -F";" "NR == FNR { if (FNR > 1) { n = split(\$10, p, \",\"); for (i = 1; i <= n; i++) ok[\$1 \";\" p[i]] = 1 }; next }
		{ if (match(\$3, /[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]/)) a = substr(\$3, RSTART, 10); else a = \"\"
		  if (!((a \";\" \$2) in ok)) { print; bad++ } }
		END { exit bad != 0 }" "$T/a/accounts.csv" "$T/a/inbox/sms/sms-2026-11.log"
'
test_expect_success 'portal readings: known meter, a zone it has, value not below the initial one unless it wrapped' '
	awk -F";" "NR == FNR { if (FNR > 1) { z[\$1 \";\" \$2] = \$3; d[\$1 \";\" \$2] = \$4
			for (i = 1; i <= 3; i++) ini[\$1 \";\" \$2 \";\" i] = \$(6 + i) }; next }
		FNR == 1 { next }
		{ k = \$1 \";\" \$2; v = \$4 + 0; i = ini[k \";\" \$3] + 0 }
		!(k in z) || \$3 > z[k] || \$6 !~ /^(lkk|site|ivr|office|box|inspector)\$/ { print \"meter\", \$0; bad++; next }
		v >= 10 ^ d[k] || (v < i && i - v <= 10 ^ d[k] / 2) { print \"value\", \$0; bad++ }
		{ src[\$6]++ }
		END { exit bad != 0 || length(src) != 6 }" "$T/a/meters.csv" "$T/a/inbox/portal/portal-2026-11.csv"
'
test_expect_success 'transaction ids are unique within each channel' '
	test -z "$(cat "$T"/a/inbox/sberbank/*.txt | iconv -f CP1251 -t UTF-8 | grep -v "^=" | cut -d";" -f5 | sort | uniq -d)" &&
	test -z "$(grep -o "Payment id=\"[^\"]*\"" "$T/a/inbox/gazprombank/gpb-2026-11.xml" | sort | uniq -d)" &&
	test -z "$(cut -d, -f1 "$T/a/inbox/qiwi/qiwi-2026-11.csv" | sort | uniq -d)" &&
	test -z "$(cut -d";" -f1 "$T/a/inbox/payments/payments-2026-11.csv" | sort | uniq -d)"
'
test_expect_success 'journals: appeal kinds and call outcomes as SPEC 11 lists them' '
	head -1 "$T/a/journal/appeals.csv" | grep -qx "id;received_at;channel;kind;account;answered_at;extended_to" &&
	head -1 "$T/a/journal/calls.csv" | grep -qx "call_id;queued_at;answered_at;ended_at;topic;abandoned" &&
	awk -F";" "NR > 1 && (NF != 7 || \$4 !~ /^(question|complaint|application)\$/) { bad++ } END { exit bad != 0 }" "$T/a/journal/appeals.csv" &&
	awk -F";" "NR > 1 && (NF != 6 || \$6 !~ /^[01]\$/ || (\$6 == 1) != (\$3 == \"\") || \$4 < \$2) { bad++ } END { exit bad != 0 }" "$T/a/journal/calls.csv"
'
test_expect_success 'a smaller run into the same folder removes the extra Sberbank parts' '
	gen --accounts 2000 --period 2026-11 --seed 5 --out "$T/b" 2>/dev/null &&
	test -f "$T/b/inbox/sberbank/sber-2026-11-p01.txt" &&
	test ! -e "$T/b/inbox/sberbank/sber-2026-11-p02.txt"
'
test_expect_success 'N = 100000 runs' '
	gen --accounts 100000 --period 2026-11 --seed 3 --out "$T/big" 2>err && cat err &&
	test "$(wc -l < "$T/big/accounts.csv")" = 100001 &&
	for f in "$T"/big/inbox/sberbank/*.txt; do sber_check "$f" || exit 1; done
'
rm -rf "$T/big"

# The committed fixtures are exactly what the documented command makes.
test_expect_success 'fixtures/ is what fixtures/README.md says regenerates it' '
	cmd=$(sed -n "s/^    build\\/tools\\/gen /gen /p" "$FIX/README.md" | head -1) &&
	test -n "$cmd" && echo "$cmd" &&
	eval "$(echo "$cmd" | sed "s| --out fixtures| --out \"\$T/fx\"|")" 2>/dev/null &&
	for f in $(cd "$T/fx" && find . -type f); do cmp "$T/fx/$f" "$FIX/$f" || exit 1; done &&
	test -z "$(cd "$FIX" && find . -type f ! -name README.md ! -path "./bad/*" | while read f; do test -e "$T/fx/$f" || echo "$f"; done)"
'
test_expect_success 'fixtures: 2 branches, 300 accounts, exactly 3 reserve acts' '
	test "$(wc -l < "$FIX/branches.csv")" = 3 &&
	test "$(wc -l < "$FIX/accounts.csv")" = 301 &&
	test "$(wc -l < "$FIX/reserves.csv")" = 4
'
test_expect_success 'fixtures: one CP1251 Sberbank registry of about 1,000 lines' '
	set -- "$FIX"/inbox/sberbank/*.txt && test $# = 1 &&
	n=$(wc -l < "$1") && test "$n" -ge 900 && test "$n" -le 1100 &&
	! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 && sber_check "$1"
'
test_expect_success 'fixtures: the SMS log has every SPEC 5.4 example form' '
	t=$(cut -d";" -f3- "$FIX/inbox/sms/sms-2026-11.log") &&
	echo "$t" | grep -Eq "^[0-9]{10} [0-9]+\$" &&
	echo "$t" | grep -Eq "^[0-9]{10} [0-9]+ [0-9]+\$" &&
	echo "$t" | grep -Eq "^ЛС[0-9]{10} Т1 [0-9]+,[0-9] Т2 [0-9]+" &&
	echo "$t" | grep -Eq "^[0-9]{10}\\*[0-9]+\\*[0-9]+\$" &&
	echo "$t" | grep -Eq "^пок [0-9]{10} [0-9]+\$" &&
	echo "$t" | grep -Eq " (T|t)1 " &&
	echo "$t" | grep -Eq "^(ПОК|Лс|лс) " &&
	echo "$t" | grep -Ev "$SMS_RE" > nomatch; test ! -s nomatch
'
test_expect_success 'fixtures/bad/: each file has exactly its three documented bad lines' '
	for f in accounts meters contracts; do
		test -s "$FIX/bad/$f-3-bad.csv" &&
		test "$(grep -c "^| \`bad/$f-3-bad.csv\` | [0-9]* |" "$FIX/README.md")" = 3 || exit 1
	done
'
test_done
