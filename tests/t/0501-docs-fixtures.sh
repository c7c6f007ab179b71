#!/bin/sh
# 0501-docs-fixtures: documents of the fixture supplier's month (its debts
# carried from the previous system, its bank, terminal and portal files),
# billed by SQL at one line of 697.41 per account.
. "$SBYT_TOP/tests/lib.sh"
XSD="$SBYT_TOP/xsd/docs.xsd"
OUT="$SBYT_OUT/docs/2026-11"
sbyt -q db init
for k in branches accounts meters contracts reserves balances; do sbyt -q load $k "$FIX/$k.csv" || exit 1; done
sbyt -q --as-of 2026-11-26 ingest "$FIX"/inbox/*/* 2>/dev/null
psql -Xq <<'SQL' || exit 1
-- legal entities' 697.41 holds VAT 22 %: 571.65 + 125.76 (the УПД checks it)
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount, vat)
 SELECT account_id, '2026-11-01', 1, 'charge', 'actual', 1, 1, 123, 5.67, 69741,
 CASE kind WHEN 'legal' THEN 12576 ELSE 0 END FROM account;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
 SELECT account_id, '2026-11-01', 1, 'charge', '2026-12-10', 69741 FROM account;
INSERT INTO period_state (period, branch, state) SELECT '2026-11-01', code, 'billed' FROM branch;
SQL

test_expect_success 'the fixture month issues 300 documents' '
	sbyt --as-of 2026-11-28 docs --period 2026-11 2>err &&
	grep -q "^sbyt docs: period=2026-11 documents=300 packages=" err
'
test_expect_success 'every documents.xml validates' '
	for z in "$OUT"/*/*.zip; do
		unzip -p "$z" documents.xml > d.xml && xmllint --noout --schema "$XSD" d.xml || exit 1
	done
'
test_expect_success 'numbers run 1..n per branch, the packages sum to the documents' '
	for b in 01 02; do
		for z in "$OUT/$b"/*.zip; do unzip -p "$z" documents.xml; done |
			sed -n "s/.*<PaymentDocument number=\"\([0-9]*\)\".*/\1/p" | sort -n > n &&
		[ "$(psql -XtAc "select count(*) from document where branch = \$\$$b\$\$")" = "$(wc -l < n)" ] &&
		seq 1 "$(wc -l < n)" | diff - n || exit 1
	done
'
# 7201000006 owes 1363.54 for each of 2026-08, -09 and -10 (due 09-10,
# 10-10, 11-10; balances.csv) and paid nothing.  Penalty by 10-31: August's
# days 31-51 (10-11..10-31), 21 x 1363.54 x 9.5 % / 300 = 9.0675 -> 9.07.
# Opening 3 x 1363.54 + 9.07 = 4099.69.  By 11-30: August days 31-81 (51
# days) = 22.0212 -> 22.02; September's due date, Saturday 10-10, moves to
# Monday 10-12 (Civil Code 193), so 11-30 is its day 49: days 31-49 (19) =
# 8.2040 -> 8.20; October day 20 (none): 30.22; the period's penalty 30.22 -
# 9.07 = 21.15 (22.02 before the move, with September's days 31-51).
# Total 4099.69 + 697.41 + 21.15 = 4818.25.
test_expect_success 'a debtor worked by hand: opening 4099.69, penalty 21.15, total 4818.25' '
	for z in "$OUT"/01/*.zip; do unzip -p "$z" documents.xml; done |
		awk "/account=\"7201000006\"/ { on = 1 } on { print } /<\/PaymentDocument>/ { on = 0 }" > a &&
		grep -q "total=\"4818.25\"" a && grep -q "<Opening debt=\"4099.69\"/>" a &&
		grep -q "<Line kind=\"penalty\" amount=\"21.15\"/>" a && grep -q "<Paid sum=\"0.00\"/>" a &&
		grep -q "Sum=481825|PaymPeriod=112026" a
'
test_expect_success 'opening + charges + penalty - paid = total on every document' '
	for z in "$OUT"/*/*.zip; do unzip -p "$z" documents.xml; done | awk "
		function cents(s) { sub(/\\./, \"\", s); return s + 0 }
		/<PaymentDocument / { match(\$0, /total=\"-?[0-9]+\\.[0-9]+\"/); t = cents(substr(\$0, RSTART + 7, RLENGTH - 8)) }
		/<Opening / { match(\$0, /debt=\"-?[0-9.]+\"/); o = cents(substr(\$0, RSTART + 6, RLENGTH - 7)) }
		/<Accrued / { split(\$0, q, \"\\\"\"); a = cents(q[2]) + cents(q[4]) + cents(q[6]) }
		/<Paid / { match(\$0, /sum=\"-?[0-9.]+\"/); p = cents(substr(\$0, RSTART + 5, RLENGTH - 6)); n++
			if (o + a - p != t) { print \"bad total\", t, o, a, p; bad = 1 } }
		END { if (n != 300) { print \"documents:\", n; exit 1 } exit bad }"
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
