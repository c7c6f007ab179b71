#!/bin/sh
# 0891-docs-print-volumes: a branch's print file in volumes.  Cairo keeps a
# little of every page of a PDF until the file ends, so a print file of a
# million accounts' pages would hold its memory to the end; the post
# package's print file is cut into volumes of SBYT_PRINT_VOLUME documents
# (default 10,000): documents.pdf, documents-2.pdf, documents-3.pdf... in
# print order, each in the manifest with its size and hash.  Here volumes
# of 2 documents: the pages of the volumes read in order are the register,
# and one file (SBYT_PRINT_VOLUME=0) is the same pages as the volumes.
. "$SBYT_TOP/tests/lib.sh"
OUT="$SBYT_OUT/docs/2026-11"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv" || exit 1; done
sbyt -q --as-of 2026-11-26 ingest "$FIX"/inbox/*/* 2>/dev/null
sbyt -q --as-of 2026-11-27 bill --period 2026-11 2>/dev/null

# the register's accounts, in order, of branch 01's post package
reg() {
	unzip -p "$OUT/01/post.zip" register.xlsx > reg.xlsx &&
	/usr/bin/python3 - reg.xlsx <<-"PY"
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]
	for r in ws.iter_rows(min_row=2, values_only=True):
	    if r[1]:
	        print(r[1])
	PY
}
# the accounts of a PDF's pages, in order
accounts() { pdftotext -layout "$1" - | sed -n 's/.*лицевой счёт \([0-9]*\).*/\1/p'; }

test_expect_success 'volumes of 2 documents: documents.pdf, documents-2.pdf... in order' '
	SBYT_PRINT_VOLUME=2 sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	reg > want && n=$(wc -l < want) && [ "$n" -ge 3 ] &&
	vols=$(( (n + 1) / 2 )) &&
	unzip -Z1 "$OUT/01/post.zip" | grep "\.pdf$" | sort -V > got &&
	{ echo documents.pdf; i=2; while [ $i -le $vols ]; do echo documents-$i.pdf; i=$((i + 1)); done; } > names &&
	diff names got &&
	rm -rf x && mkdir x && (cd x && unzip -q "$OUT/01/post.zip") &&
	for f in $(cat names); do accounts x/$f; done > pages && diff want pages &&
	for f in $(cat names); do
		grep -q "name=\"$f\" bytes=\"$(stat -c %s x/$f)\" sha256=\"$(sha256sum x/$f | cut -c1-64)\"" x/manifest.xml || exit 1
	done
'
test_expect_success 'each volume holds 2 documents, the last the rest' '
	n=$(wc -l < want) && vols=$(wc -l < names) &&
	for f in $(sed \$d names); do [ "$(accounts x/$f | wc -l)" = 2 ] || exit 1; done &&
	[ "$(accounts x/$(tail -1 names) | wc -l)" = $(( n - 2 * (vols - 1) )) ]
'
test_expect_success 'the manifest counts the pages of all the volumes' '
	p=0; for f in $(cat names); do p=$((p + $(pdfinfo x/$f | sed -n "s/^Pages: *//p"))); done &&
	grep -q "<Fact name=\"pages\" value=\"$p\"/>" x/manifest.xml
'
test_expect_success 'one file (SBYT_PRINT_VOLUME=0) holds the same pages' '
	SBYT_PRINT_VOLUME=0 sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	[ "$(unzip -Z1 "$OUT/01/post.zip" | grep -c "\.pdf$")" = 1 ] &&
	unzip -p "$OUT/01/post.zip" documents.pdf > one.pdf &&
	accounts one.pdf | diff want -
'
test_expect_code 78 'a volume that is not a number is refused, before anything is written' '
	rm -rf "$OUT" &&
	SBYT_PRINT_VOLUME=10k sbyt -q --as-of 2026-11-28 docs --period 2026-11 2>err; rc=$?; cat err;
	grep -q "SBYT_PRINT_VOLUME .10k. is not a number of documents" err && [ ! -e "$OUT/01/post.zip" ] && exit $rc
'
# SBYT_RENDER_THREADS was read by atoi() too: 'two' drew on one thread per
# processor and '2x' on two, without a word
test_expect_code 78 'rendering threads that are not a number are refused the same way' '
	SBYT_RENDER_THREADS=2x sbyt -q --as-of 2026-11-28 docs --period 2026-11 2>err; rc=$?; cat err;
	grep -q "SBYT_RENDER_THREADS .2x. is not a number of threads" err && [ ! -e "$OUT/01/post.zip" ] && exit $rc
'
test_expect_success 'and a number of them is taken' '
	SBYT_RENDER_THREADS=1 sbyt -q --as-of 2026-11-28 docs --period 2026-11 && [ -e "$OUT/01/post.zip" ]
'
test_done
