#!/bin/sh
# 0512-docs-pdf-full-disk: the disk fills up while the PDFs are written (a
# small tmpfs as --out): docs exits 74, the period stays billed, nothing is
# final-named and nothing is left behind; with room again the documents
# come out whole, PDFs included.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv" || exit 1; done
sbyt -q --as-of 2026-11-27 bill --period 2026-11 2>/dev/null
trap 'umount "$T/tfs" 2>/dev/null; cleanup' EXIT
states() { psql -XtAc "SELECT string_agg(branch || ':' || state, ' ' ORDER BY branch) FROM period_state"; }
mkdir -p tfs
# 600 kB holds the XML and registers of a branch (about 150 kB each zipped)
# but not its PDFs (documents.pdf alone is about 850 kB for 100 documents).
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=600k,mode=0755 tmpfs "$T/tfs" 2>/dev/null; then
	test_expect_code 74 'a full disk while drawing the PDFs: exit 74' '
		sbyt --as-of 2026-11-28 --out "$T/tfs" docs --period 2026-11 --branch 01 2>err; rc=$?;
		cat err; grep -q "No space left on device\|cannot write" err; exit $rc
	'
	test_expect_success 'the branch stays billed, nothing final-named, no leftovers' '
		test "$(states)" = "01:billed 02:billed" &&
		test -z "$(find tfs -name "*.zip")" &&
		test -z "$(find tfs -name "*.tmp*" -o -name "*.parts*" -o -name "*.pdf")"
	'
	test_expect_success 'with room again: the documents and their PDFs come out whole' '
		mount -o remount,size=64m tfs &&
		sbyt -q --as-of 2026-11-28 --out "$T/tfs" docs --period 2026-11 --branch 01 &&
		test "$(states)" = "01:published 02:billed" &&
		unzip -p tfs/docs/2026-11/01/post.zip documents.pdf > p.pdf &&
		pages=$(pdfinfo p.pdf | sed -n "s/^Pages: *//p") &&
		unzip -p tfs/docs/2026-11/01/post.zip manifest.xml | grep -q "name=\"pages\" value=\"$pages\"" &&
		[ "$pages" -ge "$(unzip -p tfs/docs/2026-11/01/post.zip documents.xml | grep -c "<PaymentDocument ")" ]
	'
	umount tfs
else
	test_expect_success 'full disk: needs root to mount a tmpfs (skipped)' 'true'
fi
test_done
