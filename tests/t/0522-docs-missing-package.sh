#!/bin/sh
# 0522-docs-missing-package: a published branch one of whose packages is
# not in place (removed after the run) is issued again by `month` for that
# package alone: the documents of that channel and part with their numbers
# as issued, the same documents.xml byte for byte; the other channel's
# package is not written again.  (docs numbers a branch in the client since
# session 10: the resumed run keeps only the documents of the packages
# docs_packages_missing() lists, "{part:channel,...}".)
#
# By hand: three legal entities of branch 01 billed on readings (1,000 kWh
# each, 0706's figures: 9,813.17 a document); L1 and L2 by post, L3 by
# e-mail.  Numbers: post (channel 0) before email (1); within post by the
# address sort key: "ул. Мира, д. 1" (L1) before "д. 2" (L2): L1 1, L2 2,
# L3 3.  post.zip holds 2 documents, email.zip 1.
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
  echo "7201000012;01;legal;ООО Л2;г. Тюмень, ул. Мира, д. 2;625000;;;;;;post;0;2020-01-15"
  echo "7201000011;01;legal;ООО Л1;г. Тюмень, ул. Мира, д. 1;625000;;;;;;post;0;2020-01-15"
  echo "7201000013;01;legal;ООО Л3;г. Тюмень, ул. Мира, д. 3;625000;;;;;l3@example.ru;email;0;2020-01-15"
} > accounts.csv
{ echo 'account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3'
  for n in 1 2 3; do echo "720100001$n;L$n;1;8;2020-01-15;2032-01-15;10000;;"; done; } > meters.csv
{ echo 'account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day'
  for n in 1 2 3; do echo "720100001$n;Д-1$n;2020-01-15;1;standard;7202123456;720201001;"; done; } > contracts.csv
for k in branches accounts meters contracts; do sbyt -q load $k $k.csv || exit 1; done
for n in 1 2 3; do
	q "INSERT INTO reading (account_id, meter, zone, value, taken_on, period, channel, source, status)
	   VALUES (720100001$n, 'L$n', 1, 11000, '2026-11-30', '2026-11-01', 'portal', 'lkk', 'accepted')" || exit 1
done
D="$SBYT_OUT/docs/2026-11/01"
rows() { q "select number, part, channel, account_id, total from document order by number"; }

test_expect_success '12-04: the three documents issued, numbered post first, by address' '
	sbyt --as-of 2026-12-04 month --period 2026-11 --kind legal 2>err &&
	grep -qx "sbyt month: period=2026-11 accounts=3 documents=3 packages=2 total=29439.51 billed=legal refused=0" err &&
	[ "$(rows | tr "\n" " ")" = "1|1|post|7201000011|981317 2|1|post|7201000012|981317 3|1|email|7201000013|981317 " ]
'
rows > rows.before
unzip -p "$D/post.zip" documents.xml > post.before
sha256sum "$D/email.zip" > email.sum
test_expect_success 'post.zip gone: month issues it alone again, the same documents' '
	rm "$D/post.zip" &&
	sbyt --as-of 2026-12-05 month --period 2026-11 --kind legal 2>err &&
	grep -q "packages=1 " err &&
	unzip -p "$D/post.zip" documents.xml | cmp - post.before &&
	[ "$(grep -c "<PaymentDocument " post.before)" = 2 ] &&
	sha256sum -c email.sum >/dev/null &&
	rows | diff rows.before -
'
test_done
