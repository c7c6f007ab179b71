#!/bin/sh
# 0705-month-new-accounts: the 28th's scheduled `month` after publication
# bills only what is new (issue 16, Deliver 4): an account loaded into a
# published branch, with its reading, is billed and issued in the branch's
# next part, the supplementary package post-2.zip with a manifest of its
# own (and one loaded into branch 02, in 02/post-2.zip); every published
# file stays byte-identical; a payment of the 27th raises no alarm; a
# second re-run adds nothing; a run killed between a branch's commit and
# its package's rename ends, re-run, as the uninterrupted one.
#
# By hand (shipped rules/, November 2026: households urban_gas single rate
# 3.34 roubles per kWh, band 1; no opening debt, no penalty; due the 10th of
# the next month).  Meters start at 1000; the readings are taken on 11-20,
# in the window (15th-25th), so they count for November:
#   A1 7201000001 (01, post)   1100: 100 kWh x 3.34 = 334.00
#   A2 7201000002 (01, e-mail) 1200: 200 kWh x 3.34 = 668.00
#   B1 7202000001 (02, post)   1150: 150 kWh x 3.34 = 501.00
#   first run, 11-26: 334.00 + 668.00 + 501.00 = 1,503.00, 3 documents, 3
#   packages (01/post, 01/email, 02/post), numbers 1, 2 in 01 and 1 in 02.
#   A3 7201000003 (01, post), loaded on the 27th, reading 1120 of 11-20:
#   120 kWh x 3.34 = 400.80; its document is number 3 of branch 01 (the
#   next after 2), part 2, in 01/post-2.zip; total 400.80 (nothing paid).
#   B2 7202000002 (02, post), loaded on the 27th, reading 1180 of 11-20:
#   180 kWh x 3.34 = 601.20; number 2 of branch 02, part 2, 02/post-2.zip.
#   the 28th's run: 2 accounts, 400.80 + 601.20 = 1,002.00, 2 packages.
#   A1 pays 100.00 on 11-27: its published document (334.00) stands; the
#   payment shows in December's.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
export SBYT_DOCS_PDF=0   # the PDFs have their own tests; the packages are the point
sbyt -q db init
q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Ишимский участок;г. Ишим, ул. Ленина, д. 2;+73455100002
CSV
acc() { # account branch delivery email
	echo "$1;$2;individual;Абонент $1;г. Тюмень, ул. Мира, д. ${1#72?}00;625000;urban_gas;1;1;;${4:-};$3;0;2020-01-15"
}
{ echo "$H"; acc 7201000001 01 post; acc 7201000002 01 email a2@example.ru; acc 7202000001 02 post; } > accounts.csv
met() { echo "$1;$2;1;6;2020-01-15;2032-01-15;1000;;"; }
{ echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
  met 7201000001 M1; met 7201000002 M2; met 7202000001 M3; } > meters.csv
{ echo 'account;meter;zone;value;taken_on;source'
  echo '7201000001;M1;1;1100;2026-11-20;lkk'
  echo '7201000002;M2;1;1200;2026-11-20;lkk'
  echo '7202000001;M3;1;1150;2026-11-20;lkk'; } > portal-1.csv
for k in branches accounts meters; do sbyt -q load $k $k.csv || exit 1; done
sbyt -q --as-of 2026-11-21 ingest portal-1.csv 2>/dev/null || exit 1

# The documents of a run: the rows, then each package's name and documents.xml.
state() { # database out
	psql -XtA -d "$1" -c "SELECT branch, number, part, channel, account_id, total, qr, due, issued_on FROM document ORDER BY branch, number"
	for z in $(cd "$2/docs/2026-11" && ls */*.zip); do echo "$z"; unzip -p "$2/docs/2026-11/$z" documents.xml; done
}
sums() { (cd "$1" && find docs -type f | sort | xargs sha256sum); }
lines() { q "select concat_ws(' ', kind, basis, zone, volume, tariff, amount, vat) from charge_line where account_id = $1 and period = '2026-11-01' order by line_no"; }

test_expect_success 'the 26th: both branches billed and published, 1,503.00' '
	sbyt --as-of 2026-11-26 month --period 2026-11 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=3 documents=3 packages=3 total=1503.00 billed=individual refused=0" err &&
	[ "$(q "select string_agg(branch || chr(58) || state, chr(32) order by branch) from period_state")" = "01:published 02:published" ] &&
	[ "$(cd "$SBYT_OUT/docs/2026-11" && ls */*.zip | tr "\n" " ")" = "01/email.zip 01/post.zip 02/post.zip " ]
'
sums "$SBYT_OUT" > sums.published
q "select account_id, line_no, amount, run_id from charge_line order by 1, 2" > lines.published
q "select branch, number, account_id, total, qr, due, issued_on, run_id from document order by 1, 2" > docs.published

# The 27th: A3 loaded into branch 01 with its meter and reading; A1 pays.
{ echo "$H"; acc 7201000003 01 post; acc 7202000002 02 post; } > new-account.csv
{ echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
  met 7201000003 M4; met 7202000002 M5; } > new-meter.csv
{ echo 'account;meter;zone;value;taken_on;source'; echo '7201000003;M4;1;1120;2026-11-20;lkk'
  echo '7202000002;M5;1;1180;2026-11-20;lkk'; } > portal-2.csv
printf '%s\n' 'txn_id;paid_at;account;sum;period;source' 'LATE-1;2026-11-27;7201000001;100.00;2026-11;post' > late.csv
test_expect_success 'the 27th: a new account in each published branch, a payment of A1' '
	sbyt -q load accounts new-account.csv && sbyt -q load meters new-meter.csv &&
	sbyt -q --as-of 2026-11-27 ingest portal-2.csv late.csv 2>/dev/null &&
	[ "$(q "select count(*) from reading where account_id in (7201000003, 7202000002) and status = chr(97) || chr(99) || chr(99) || chr(101) || chr(112) || chr(116) || chr(101) || chr(100)")" = 2 ]
'
# Copies of this state, for the runs killed below.
createdb -T "$PGDATABASE" "${PGDATABASE}_kill"
createdb -T "$PGDATABASE" "${PGDATABASE}_kill2"
trap 'dropdb --if-exists "${PGDATABASE}_kill" >/dev/null 2>&1; dropdb --if-exists "${PGDATABASE}_kill2" >/dev/null 2>&1; cleanup' EXIT
cp -a "$SBYT_OUT" "$T/k"
cp -a "$SBYT_OUT" "$T/k2"

test_expect_success 'the 28th: month bills only A3 and B2 (1,002.00) and issues them in part 2, exit 0' '
	sbyt --as-of 2026-11-28 month --period 2026-11 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=2 documents=2 packages=2 total=1002.00 billed=individual refused=0" err &&
	grep -q "branch .01. of 2026-11 is published: 1 account(s) billed since are issued in its next part" err &&
	grep -q "branch .02. of 2026-11 is published: 1 account(s) billed since are issued in its next part" err
'
test_expect_success 'A3: 120 kWh x 3.34 = 400.80, its document number 3 of 01, part 2, issued on the 28th' '
	[ "$(lines 7201000003)" = "charge actual 1 120.000 3.340000 40080 0" ] &&
	[ "$(q "select concat_ws(chr(32), branch, number, part, channel, total, due, issued_on) from document where account_id = 7201000003")" = "01 3 2 post 40080 2026-12-10 2026-11-28" ]
'
test_expect_success 'B2: 180 kWh x 3.34 = 601.20, number 2 of 02, part 2' '
	[ "$(lines 7202000002)" = "charge actual 1 180.000 3.340000 60120 0" ] &&
	[ "$(q "select concat_ws(chr(32), branch, number, part, channel, total, due, issued_on) from document where account_id = 7202000002")" = "02 2 2 post 60120 2026-12-10 2026-11-28" ]
'
NEW="7201000003, 7202000002"
test_expect_success 'nothing else billed again: the other charge lines and documents as published' '
	q "select account_id, line_no, amount, run_id from charge_line where account_id not in ($NEW) order by 1, 2" | diff lines.published - &&
	q "select branch, number, account_id, total, qr, due, issued_on, run_id from document where account_id not in ($NEW) order by 1, 2" | diff docs.published -
'
test_expect_success 'every published file byte-identical (sha256); the new ones beside them' '
	sums "$SBYT_OUT" | grep -v "post-2.zip" | diff sums.published - &&
	[ "$(cd "$SBYT_OUT/docs/2026-11" && ls */*.zip | tr "\n" " ")" = "01/email.zip 01/post-2.zip 01/post.zip 02/post-2.zip 02/post.zip " ]
'
Z="$SBYT_OUT/docs/2026-11/01/post-2.zip"
test_expect_success 'the supplementary package 01/post-2.zip holds document 3 alone, 400.80' '
	unzip -p "$Z" documents.xml > d2.xml &&
	[ "$(grep -c "<PaymentDocument " d2.xml)" = 1 ] &&
	grep -q "<PaymentDocument number=\"3\" account=\"7201000003\"" d2.xml &&
	grep -q "total=\"400.80\"" d2.xml &&
	unzip -p "$SBYT_OUT/docs/2026-11/02/post-2.zip" documents.xml > e2.xml &&
	[ "$(grep -c "<PaymentDocument " e2.xml)" = 1 ] &&
	grep -q "<PaymentDocument number=\"2\" account=\"7202000002\"" e2.xml
'
test_expect_success 'with a manifest of its own: part 2, 1 document, first = last = 3, every entry hashed' '
	rm -rf x && mkdir x && (cd x && unzip -q "$Z") &&
	grep -q "package=\"post-2.zip\"" x/manifest.xml &&
	for f in "part 2" "documents 1" "first 3" "last 3" "total 400.80" "paid 0.00"; do
		grep -q "<Fact name=\"${f% *}\" value=\"${f#* }\"/>" x/manifest.xml || { echo "no $f"; exit 1; }; done &&
	for f in documents.xml register.xlsx; do
		grep -q "<Entry name=\"$f\" bytes=\"$(stat -c %s "x/$f")\" sha256=\"$(sha256sum "x/$f" | cut -d" " -f1)\"/>" x/manifest.xml || exit 1
	done
'
test_expect_success 'the run record lists post-2.zip with its SHA-256, mode 0640' '
	[ "$(q "select f.sha256 from run_file f join run r using (run_id) where r.command = chr(109) || chr(111) || chr(110) || chr(116) || chr(104) and f.path = \$\$$Z\$\$")" = "$(sha256sum "$Z" | cut -d" " -f1)" ] &&
	[ "$(stat -c %a "$Z")" = 640 ]
'
test_expect_success 'the payment of the 27th is kept for December, no alarm' '
	[ "$(q "select amount from payment where account_id = 7201000001 and paid_on = date(chr(50) || chr(48) || chr(50) || chr(54) || chr(45) || chr(49) || chr(49) || chr(45) || chr(50) || chr(55))")" = 10000 ] &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml | grep "account=\"7201000001\"" | grep -q "total=\"334.00\""
'
test_expect_success 'every XML of every package validates' 'xml_validate_out "$SBYT_OUT"'
state "$PGDATABASE" "$SBYT_OUT" > want
sums "$SBYT_OUT" > sums.after
test_expect_success 'a second re-run adds nothing: no bill, no package, no file changed' '
	sbyt --as-of 2026-11-28 month --period 2026-11 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=0 documents=0 packages=0 total=0.00 billed=none skipped=2 refused=0" err &&
	sums "$SBYT_OUT" | diff sums.after - &&
	state "$PGDATABASE" "$SBYT_OUT" | diff want -
'
test_expect_success 'sbyt bill still refuses the published period (exit 65)' '
	sbyt --as-of 2026-11-28 bill --period 2026-11 2>err; [ $? = 65 ] &&
	grep -q "is published" err
'

# Killed between branch 02's commit and the rename that publishes its
# post-2.zip: the main thread renames 01/post-2.zip into place, then
# 02/post-2.zip (strace counts each thread's calls apart; a package's own
# thread renames once, in libzip).
KDB="${PGDATABASE}_kill"
test_expect_success 'killed after 02'"'"'s commit, before 02/post-2.zip takes its name' '
	PGDATABASE=$KDB strace -f -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 \
		sbyt --as-of 2026-11-28 --out "$T/k" month --period 2026-11 2>err;
	[ "$(psql -XtA -d "$KDB" -c "select string_agg(number || chr(58) || part, chr(32) order by account_id) from document where account_id in ($NEW)")" = "3:2 2:2" ] &&
	test -e k/docs/2026-11/01/post-2.zip && test ! -e k/docs/2026-11/02/post-2.zip &&
	sums "$T/k" | grep -v "\.tmp-\|01/post-2.zip" | diff sums.published -
'
# (accounts= counts the documents issued when nothing is billed, as before.)
test_expect_success 'the re-run bills nothing, writes 02/post-2.zip alone, and ends as the uninterrupted run' '
	sums "$T/k" | grep "01/post-2.zip" > sums.01 &&
	PGDATABASE=$KDB sbyt --as-of 2026-11-28 --out "$T/k" month --period 2026-11 2>err &&
	grep -q "branch .02. of 2026-11 is published without its packages: issuing them again" err &&
	grep -q "branch .01. of 2026-11 is published and its packages are in place" err &&
	grep -qx "sbyt month: period=2026-11 accounts=1 documents=1 packages=1 total=601.20 billed=none skipped=1 refused=0" err &&
	test -z "$(find k -name "*.tmp*" -o -name "*.parts*")" &&
	sums "$T/k" | grep -v "post-2.zip" | diff sums.published - &&
	sums "$T/k" | grep "01/post-2.zip" | diff sums.01 - &&
	state "$KDB" "$T/k" | diff want -
'

# Killed earlier: month bills and issues branch by branch; after the bill
# stage committed A3's charge line, while branch 01's package is sealed,
# before its documents commit (the first rename of any thread is libzip's,
# on the package's thread); B2 not billed yet.  The re-run bills A3 again
# (the same rows), B2, and issues both.
K2="${PGDATABASE}_kill2"
test_expect_success 'killed between the bill'"'"'s commit and the documents'"'"' commit' '
	PGDATABASE=$K2 strace -f -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
		sbyt --as-of 2026-11-28 --out "$T/k2" month --period 2026-11 2>err;
	[ "$(psql -XtA -d "$K2" -c "select string_agg(account_id::text, chr(32)) from charge_line where account_id in ($NEW)")" = 7201000003 ] &&
	[ "$(psql -XtA -d "$K2" -c "select count(*) from document where account_id in ($NEW)")" = 0 ] &&
	sums "$T/k2" | grep -v "\.tmp-\|\.parts-" | diff sums.published -
'
test_expect_success 'the re-run bills A3 and B2 again, the same, and ends as the uninterrupted run' '
	PGDATABASE=$K2 sbyt --as-of 2026-11-28 --out "$T/k2" month --period 2026-11 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=2 documents=2 packages=2 total=1002.00 billed=individual refused=0" err &&
	[ "$(PGDATABASE=$K2 lines 7201000003)" = "charge actual 1 120.000 3.340000 40080 0" ] &&
	[ "$(PGDATABASE=$K2 lines 7202000002)" = "charge actual 1 180.000 3.340000 60120 0" ] &&
	test -z "$(find k2 -name "*.tmp*" -o -name "*.parts*")" &&
	sums "$T/k2" | grep -v "post-2.zip" | diff sums.published - &&
	state "$K2" "$T/k2" | diff want -
'
test_done
