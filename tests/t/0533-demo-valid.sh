#!/bin/sh
# 0533-demo-valid: the fixtures demo (tools/demo.sh, what `make demo` runs)
# in a database and folders of its own, then every XML it produced -
# documents.xml, notices.xml, requests.xml, manifest.xml - validated
# against its schema in xsd/.  The demo bills the fixture legal entities at
# the prices of rules/prices.xml (six-decimal tariffs).
. "$SBYT_TOP/tests/lib.sh"
D="$T/demo"

test_expect_success 'the demo runs' '
	DEMO_DB="${PGDATABASE}_demo" DEMO_OUT="$D" DEMO_SPOOL="$T/spool" \
		sh "$SBYT_TOP/tools/demo.sh" "${SBYT_BUILD#$SBYT_TOP/}" > demo.log 2>&1 ||
		{ tail -20 demo.log; exit 1; }
'
dropdb_demo() { dropdb --if-exists "${PGDATABASE}_demo" >/dev/null 2>&1; }
test_expect_success 'it wrote every kind of XML: documents, notices, requests, manifests' '
	for z in $(find "$D" -name "*.zip"); do unzip -Z1 "$z"; done | grep "\.xml$" | sort | uniq -c > kinds &&
	cat kinds &&
	grep -q " documents.xml$" kinds && grep -q " notices.xml$" kinds &&
	grep -q " requests.xml$" kinds && grep -q " manifest.xml$" kinds
'
# The legal run comes after the households' publication: its documents are
# the branches' part 2, edo-2.zip (sbyt-docs(1), Re-issue).
test_expect_success 'legal entities are billed at six-decimal tariffs' '
	for z in "$D"/docs/*/*/edo*.zip; do unzip -p "$z" documents.xml; done |
		grep -q "<Line kind=\"charge\" [^>]*tariff=\"[0-9]*\.[0-9]\{6\}\""
'
test_expect_success 'every XML of every package of the demo validates against its schema in xsd/' '
	xml_validate_out "$D" > v.log && cat v.log &&
	n=$(sed -n "s/^validated \([0-9]*\) .*/\1/p" v.log) &&
	test "$n" = "$(awk "{ s += \$1 } END { print s }" kinds)"
'
dropdb_demo
test_done
