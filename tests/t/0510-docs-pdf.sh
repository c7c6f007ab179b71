#!/bin/sh
# 0510-docs-pdf: the payment documents as a person reads them (SPEC 8.1),
# checked the way a reader would: the text of the PDF (pdftotext), the QR
# image decoded (zbarimg on a pdftoppm PNG), the fonts (pdffonts), the
# pages of the print file against the register.  The fixture supplier's
# month is billed by `sbyt bill`; one account gets a recalculation line by
# hand, so every kind of line is drawn.
. "$SBYT_TOP/tests/lib.sh"
OUT="$SBYT_OUT/docs/2026-11"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv" || exit 1; done
sbyt -q --as-of 2026-11-26 ingest "$FIX"/inbox/*/* 2>/dev/null
sbyt -q --as-of 2026-11-27 bill --period 2026-11 2>/dev/null
# 7201000006 (post) gets a recalculation of -40.00 for October (10 kWh x 4.00).
psql -Xq <<'SQL' || exit 1
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount)
 SELECT 7201000006, '2026-11-01', max(line_no) + 1, 'recalc', 'recalc', 1, -10, 4, -4000
 FROM charge_line WHERE account_id = 7201000006 AND period = '2026-11-01';
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
 SELECT 7201000006, '2026-11-01', max(seq) + 1, 'recalc', '2026-12-10', -4000
 FROM obligation WHERE account_id = 7201000006 AND period = '2026-11-01';
SQL

# Russian sums in the PDF ("4 633,51", "−40,00") back to the XML's form.
plain() { sed 's/\xc2\xa0/ /g; s/\([0-9]\) \([0-9][0-9][0-9]\)/\1\2/g; s/,\([0-9][0-9]\)/.\1/g; s/−/-/g'; }
# The XML of one document by account.
doc_xml() { # account
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done |
		awk -v a="account=\"$1\"" 'index($0, a) && /<PaymentDocument / { on = 1 } on { print } /<\/PaymentDocument>/ { on = 0 }'
}
attrs() { sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p"; }
attr() { attrs "$1" | head -1; }

test_expect_success 'docs issues the documents with their PDFs' '
	sbyt --as-of 2026-11-28 docs --period 2026-11 2>err &&
	grep -q "^sbyt docs: period=2026-11 documents=" err &&
	unzip -l "$OUT/01/post.zip" | grep -q " documents.pdf$"
'
test_expect_success 'the XML is the same with or without the PDFs' '
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done > with.xml &&
	SBYT_DOCS_PDF=0 sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done | cmp - with.xml &&
	! unzip -l "$OUT/01/post.zip" | grep -q "\.pdf$" &&
	sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done | cmp - with.xml
'

# 7201000006 by hand (accounts.csv: 4 residents, 3 rooms): opening
# 4099.69 (three months of 1363.54 owed, due 09-10, 10-10 moved to Mon
# 10-12, 11-10, and 9.07 of penalty by 10-31, as in 0501), the lines bill
# wrote (their amounts are read from the XML below), the recalculation
# -40.00, the period's penalty 21.15 (by 11-30: August 51 days 22.02 +
# September 19 days 8.20 = 30.22, less 9.07), nothing paid; due 2026-12-10
# (the 10th of the next month).
test_expect_success 'a reprint holds the account, period, every amount, total and due date' '
	doc_xml 7201000006 > a.xml && [ -s a.xml ] &&
	sbyt -q docs render --account 7201000006 --period 2026-11 --out a.pdf > path &&
	[ "$(cat path)" = a.pdf ] &&
	pdftotext -layout a.pdf - | plain > a.txt &&
	grep -q "7201000006" a.txt && grep -q "ноябрь 2026" a.txt && grep -q "10\.12\.2026" a.txt &&
	grep -q "№ $(attr number < a.xml) от 28\.11\.2026" a.txt &&
	grep -Fqw "$(attr total < a.xml)" a.txt &&
	grep -Fqw "4099.69" a.txt && grep -Fqw -- "-40.00" a.txt && grep -Fqw "21.15" a.txt &&
	grep "<Line " a.xml | attrs amount > amounts && [ "$(wc -l < amounts)" -ge 3 ] &&
	while read -r m; do grep -Fqw -- "$m" a.txt || { echo "missing $m"; exit 1; }; done < amounts &&
	grep -q "Перерасчёт" a.txt && grep -q "Пени" a.txt && grep -q "кВт·ч" a.txt &&
	grep -q "Марков Владимир Александрович" a.txt &&
	grep -q "Проживает: 4 чел., комнат: 3" a.txt &&
	grep -q "ОБРАЗЕЦ: реквизиты поставщика учебные, документ не для оплаты" a.txt
'
test_expect_success 'its total is opening + lines - paid, worked out: 4099.69 + charges - 40.00 + 21.15' '
	charges=$(grep "<Line kind=\"charge\"" a.xml | attrs amount | awk "{ s += \$1 * 100 } END { print s }") &&
	want=$(awk -v c="$charges" "BEGIN { printf \"%.2f\", (409969 + c - 4000 + 2115) / 100 }") &&
	[ "$(attr total < a.xml)" = "$want" ]
'
test_expect_success 'the QR image decodes to exactly the payload in the XML' '
	pdftoppm -r 200 -png a.pdf page &&
	zbarimg --raw -q page-1.png > qr.txt 2>/dev/null &&
	printf "%s\n" "$(attr qr < a.xml | sed "s/&quot;/\"/g; s/&amp;/\\&/g")" > want.txt &&
	cmp qr.txt want.txt
'
test_expect_success 'every font is embedded' '
	pdffonts a.pdf > fonts && [ "$(awk "NR > 2" fonts | wc -l)" -ge 1 ] &&
	awk "NR > 2 && \$(NF - 4) != \"yes\" { bad = 1 } END { exit bad }" fonts
'
test_expect_success 'the reprint is the page the print house got' '
	pdftotext -layout "$OUT/01/post.zip.d" - >/dev/null 2>&1; mkdir -p p &&
	unzip -p "$OUT/01/post.zip" documents.pdf > post.pdf &&
	n=$(attr number < a.xml) &&
	pdftotext -f "$n" -l "$n" -layout post.pdf - | cmp - "$(pdftotext -layout a.pdf p/a.txt; echo p/a.txt)"
'
test_expect_success 'the QR of the print file decodes to the XML payload too' '
	pdftoppm -r 200 -png -f "$(attr number < a.xml)" -l "$(attr number < a.xml)" post.pdf pp &&
	zbarimg --raw -q pp-*.png > pqr.txt 2>/dev/null && cmp pqr.txt want.txt
'
test_expect_success 'the print file: one page per document, in the register order' '
	for b in 01 02; do
		unzip -p "$OUT/$b/post.zip" documents.pdf > p/$b.pdf &&
		unzip -p "$OUT/$b/post.zip" register.xlsx > p/$b.xlsx &&
		pdftotext -layout p/$b.pdf p/$b.txt &&
		/usr/bin/python3 - p/$b.xlsx p/$b.txt "$(pdfinfo p/$b.pdf | sed -n "s/^Pages: *//p")" <<-"PY" || exit 1
		import re, sys, openpyxl
		ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]
		reg = [str(r[1]) for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
		pages = open(sys.argv[2], encoding="utf-8").read().split("\f")[:-1]
		got = [re.search(r"лицевой счёт (\d+)", p).group(1) for p in pages]
		assert int(sys.argv[3]) == len(reg), (sys.argv[3], len(reg))
		assert got == reg, (got[:5], reg[:5])
		PY
	done
'
test_expect_success 'email and lkk: one ACCOUNT-PERIOD.pdf per document, hashed in the manifest' '
	for c in email lkk; do
		for b in 01 02; do
			z="$OUT/$b/$c.zip"; [ -f "$z" ] || continue
			unzip -p "$z" documents.xml | sed -n "s/.*<PaymentDocument [^>]* account=\"\([0-9]*\)\".*/\1-2026-11.pdf/p" | sort > want &&
			unzip -Z1 "$z" | grep "\.pdf$" | sort > got && diff want got &&
			rm -rf x && mkdir x && (cd x && unzip -q "$z") &&
			for f in $(cat got); do
				grep -q "name=\"$f\" bytes=\"$(stat -c %s x/$f)\" sha256=\"$(sha256sum x/$f | cut -c1-64)\"" x/manifest.xml || exit 1
				[ "$(pdfinfo x/$f | sed -n "s/^Pages: *//p")" = 1 ] || exit 1
			done
		done
	done
'
test_expect_success 'an email PDF is the reprint of its document' '
	f=$(unzip -Z1 "$OUT/01/email.zip" | grep "\.pdf$" | head -1) && acc=${f%%-*} &&
	unzip -p "$OUT/01/email.zip" "$f" > e.pdf &&
	sbyt -q docs render --account "$acc" --period 2026-11 --out r.pdf >/dev/null &&
	cmp e.pdf r.pdf
'
test_expect_success 'the manifest counts the pages' '
	unzip -p "$OUT/01/post.zip" manifest.xml | grep -q "<Fact name=\"pages\" value=\"$(pdfinfo p/01.pdf | sed -n "s/^Pages: *//p")\"/>"
'
test_expect_success 'a reprint goes to OUT/docs/YYYY-MM/reprint by default' '
	sbyt -q docs render --account 7201000006 --period 2026-11 > path &&
	[ "$(cat path)" = "$OUT/reprint/7201000006-2026-11.pdf" ] &&
	[ "$(stat -c %a "$OUT/reprint/7201000006-2026-11.pdf")" = 640 ]
'
test_expect_code 65 'an unknown account is refused' 'sbyt -q docs render --account 7299999999 --period 2026-11'
test_expect_code 65 'a period without documents is refused' 'sbyt -q docs render --account 7201000006 --period 2026-10'
test_expect_code 64 'render without --account is a usage error' 'sbyt -q docs render --period 2026-11'
test_expect_code 64 'a bad account is a usage error' 'sbyt -q docs render --account 72x --period 2026-11'
test_expect_code 65 'a document whose data changed since it was issued is not reprinted' '
	psql -Xq -c "update charge_line set amount = amount + 1 where account_id = 7201000006 and period = date '"'"'2026-11-01'"'"' and line_no = 1" &&
	sbyt -q docs render --account 7201000006 --period 2026-11 --out changed.pdf
'
test_expect_success 'and nothing is left of it' '[ ! -e changed.pdf ] && ! ls changed.pdf.tmp-* 2>/dev/null'

# The texts are rules: a template naming a placeholder it may not use is
# refused by rules check with FILE:LINE.
test_expect_code 78 'rules check refuses a text with an unknown placeholder' '
	cp -R "$SBYT_TOP/rules" r &&
	sed -i "s/>Итого к оплате</>Итого {sum}</" r/documents.xml &&
	sbyt --rules r rules check 2> rc.err; cat rc.err; grep -q "r/documents.xml:[0-9]*: text .total. cannot use {sum}" rc.err; sbyt --rules r rules check
'
test_done
