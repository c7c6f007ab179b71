#!/bin/sh
# 0706-month-late-reading: an account that had no bill when its branch was
# published is billed by a later `month` once its data is in (issue 16,
# Deliver 4).  A legal entity without a closing reading and without history
# is refused on 12-04 (no calculation method); its closing reading, dated
# 12-01, reaches sbyt on 12-05; the run of 12-05 bills it alone and issues
# its document in the branch's part 2 (post-2.zip); part 1 stays as it was.
#
# By hand (shipped rules/, 0410 has the same figures): price category 1,
# 804.3581 kopecks per kWh in 2026-11, VAT 22 %; meters start at 10,000;
# closing reading 11,000: 1,000 kWh x 804.3581 = 804,358.1 -> 8,043.58; VAT
# 1,769.5876 -> 1,769.59; 9,813.17 for each of L1 and L2.
. "$SBYT_TOP/tests/lib.sh"
cd "$T"
export SBYT_DOCS_PDF=0
sbyt -q db init
q() { psql -XtAq -v ON_ERROR_STOP=1 -c "$1"; }
cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
{ echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
  for n in 1 2; do echo "720100001$n;01;legal;ООО Л$n;г. Тюмень, ул. Мира, д. $n;625000;;;;;;post;0;2020-01-15"; done
} > accounts.csv
{ echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
  for n in 1 2; do echo "720100001$n;L$n;1;8;2020-01-15;2032-01-15;10000;;"; done; } > meters.csv
cat > contracts.csv <<'CSV'
account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day
7201000011;Д-11;2020-01-15;1;standard;7202123456;720201001;
7201000012;Д-12;2020-01-15;1;standard;7202123456;720201001;
CSV
for k in branches accounts meters contracts; do sbyt -q load $k $k.csv || exit 1; done
rd() { # account meter value taken_on: an accepted reading
	q "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	   VALUES ($1, '$2', 1, $3, '$4', date_trunc('month', DATE '$4'), 'portal', 'lkk', 'accepted')"
}
rd 7201000011 L1 11000 2026-11-30 || exit 1
state() { # the document rows, then each package's documents.xml
	q "select number, part, account_id, total, issued_on from document order by number"
	for z in $(cd "$SBYT_OUT/docs/2026-11" && ls */*.zip); do echo "$z"; unzip -p "$SBYT_OUT/docs/2026-11/$z" documents.xml; done
}

test_expect_success '12-04: L1 billed and published, L2 refused (no reading, no history): exit 65' '
	sbyt --as-of 2026-12-04 month --period 2026-11 --kind legal 2>err; [ $? = 65 ] &&
	grep -q "7201000012" err &&
	grep -qx "sbyt month: period=2026-11 accounts=2 documents=1 packages=1 total=9813.17 billed=legal refused=1" err &&
	[ "$(q "select count(*) from charge_line where account_id = 7201000012")" = 0 ] &&
	[ "$(q "select state from period_state")" = published ]
'
(cd "$SBYT_OUT" && find docs -type f | sort | xargs sha256sum) > sums.published
test_expect_success '12-05: L2'"'"'s closing reading of 12-01 is in; month bills L2 alone, 9,813.17, part 2' '
	rd 7201000012 L2 11000 2026-12-01 &&
	sbyt --as-of 2026-12-05 month --period 2026-11 --kind legal 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=1 documents=1 packages=1 total=9813.17 billed=legal refused=0" err &&
	[ "$(q "select concat_ws(chr(32), kind, basis, zone, volume, tariff, amount, vat) from charge_line where account_id = 7201000012")" = "charge actual 1 1000.000 8.043581 981317 176959" ] &&
	[ "$(q "select concat_ws(chr(32), number, part, channel, total, issued_on) from document where account_id = 7201000012")" = "2 2 post 981317 2026-12-05" ]
'
test_expect_success 'L1'"'"'s package untouched; L2'"'"'s document alone in post-2.zip' '
	(cd "$SBYT_OUT" && find docs -type f | sort | xargs sha256sum) | grep -v post-2.zip | diff sums.published - &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post-2.zip" documents.xml > d2.xml &&
	[ "$(grep -c "<PaymentDocument " d2.xml)" = 1 ] &&
	grep -q "<PaymentDocument number=\"2\" account=\"7201000012\"" d2.xml &&
	xml_validate_out "$SBYT_OUT"
'
state > want
test_expect_success 'run again: nothing new, nothing written' '
	sbyt --as-of 2026-12-05 month --period 2026-11 --kind legal 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=0 documents=0 packages=0 total=0.00 billed=none skipped=1 refused=0" err &&
	state | diff want -
'
test_done
