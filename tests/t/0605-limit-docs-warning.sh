#!/bin/sh
# 0605-limit-docs-warning: a warning sent inside the payment document goes
# from limit run through docs (printed in <Warning>) and back to limit run
# (delivered with the document), end to end.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
printf 'code;name;address;phone\n01;Участок;г. Тюмень;+73452000001\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7201000006;01;individual;Попов Илья;г. Тюмень, ул. Мира, д. 13, кв. 6;625001;urban_gas;2;2;;;post;0;2019-06-01
CSV
printf 'account;period;due;amount\n7201000006;2026-08;2026-09-10;3000.00\n7201000006;2026-09;2026-10-10;3000.00\n7201000006;2026-10;2026-11-10;3000.00\n' > bal.csv
for k in branches:b accounts:a balances:bal; do sbyt -q load ${k%%:*} ${k#*:}.csv; done
psql -Xq -c "insert into limit_channel values (7201000006, 'payment_document')"

# 2026-11-16 (Mon): 9,000.00 overdue over 3 periods, above twice the norm's
# charge: the case opens with a warning to go inside the next document.
test_expect_success 'limit run puts the warning in the queue for the payment document' '
	sbyt -q debt --as-of 2026-11-16 && sbyt -q limit run --as-of 2026-11-16 &&
	psql -XtAc "select count(*) from limit_doc_warning where account_id = 7201000006 and printed_period is null" | grep -qx 1
'
# The month job of 2026-11 on Fri 2026-11-27 bills the account (no meter:
# the norm) and prints the warning in its document.
test_expect_success 'the November document carries it in <Warning>' '
	sbyt -q --as-of 2026-11-27 month --period 2026-11 &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml > d.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/docs.xsd" d.xml &&
	[ "$(xmllint --xpath "string(//*[local-name()=\"Warning\"]/@procedure)" d.xml)" = individual ] &&
	[ "$(xmllint --xpath "string(//*[local-name()=\"Warning\"]/@debt)" d.xml)" = 9000.00 ] &&
	[ "$(xmllint --xpath "string(//*[local-name()=\"Warning\"]/@date)" d.xml)" = 2026-11-16 ]
'
test_expect_success 'and the warning is marked printed in that period' '
	psql -XtAc "select printed_period from limit_doc_warning where account_id = 7201000006" | grep -qx 2026-11-01
'
test_expect_success 'the document re-issued is the same, warning included' '
	sbyt -q --as-of 2026-11-27 docs --period 2026-11 &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml | cmp - d.xml
'
# The document was issued 2026-11-27 and is deemed delivered 7 days later,
# 2026-12-04 (Fri): the warning's 20 days run 12-05 .. 12-24 (Thu, working),
# so the partial limitation is due Fri 2026-12-25.
test_expect_success 'limit run of 2026-12-04 records the delivery with the document' '
	sbyt -q limit run --as-of 2026-12-04 &&
	sbyt limit explain 7201000006 --as-of 2026-12-04 --format xml > x.xml &&
	[ "$(xmllint --xpath "string(//Step[@name=\"warning\"]/@delivered)" x.xml)" = 2026-12-04 ] &&
	[ "$(xmllint --xpath "string(//Step[@name=\"partial\"]/@date)" x.xml)" = 2026-12-25 ]
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
