#!/bin/sh
# 0511-docs-pdf-warning: a limitation warning sent inside the payment
# document is printed in its PDF in full (SPEC 8.1), as in the XML: limit
# run queues it (2026-11-16), the month job of 2026-11-27 prints it.
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
sbyt -q debt --as-of 2026-11-16 && sbyt -q limit run --as-of 2026-11-16 &&
	sbyt -q --as-of 2026-11-27 month --period 2026-11 || exit 1

# Text without its spacing (pdftotext wraps lines where Pango did).
squash() { tr -d ' \n\t\f' | sed 's/\xc2\xa0//g'; }

test_expect_success 'the document carries a warning' '
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml | grep -q "<Warning "
'
test_expect_success 'its PDF holds the warning with its full text' '
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.pdf > d.pdf &&
	pdftotext d.pdf d.txt &&
	grep -q "Предупреждение о возможном ограничении" d.txt &&
	psql -XtAc "select text from limit_doc_warning where account_id = 7201000006" > w.txt &&
	[ "$(wc -c < w.txt)" -gt 200 ] &&
	squash < d.txt > d.sq && squash < w.txt > w.sq &&
	grep -qF "$(cat w.sq)" d.sq
'
test_expect_success 'nothing is cut off: every page has its footer, all fonts embedded' '
	pages=$(pdfinfo d.pdf | sed -n "s/^Pages: *//p") &&
	[ "$(grep -c "лицевой счёт 7201000006 · ноябрь 2026 г. · страница" d.txt)" = "$pages" ] &&
	pdffonts d.pdf | awk "NR > 2 && \$(NF - 4) != \"yes\" { bad = 1 } END { exit bad }"
'
test_expect_success 'a reprint prints the same warning' '
	sbyt -q docs render --account 7201000006 --period 2026-11 --out r.pdf &&
	pdftotext r.pdf - | squash | grep -qF "$(cat w.sq)"
'
test_done
