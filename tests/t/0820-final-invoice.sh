#!/bin/sh
# 0820-final-invoice: the final invoice on termination (SPEC 15, App. 3
# table 1: within 5 working days of the notice), worked out by hand on a
# hand-made ledger and validated against xsd/final-invoice.xsd.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
for k in branches accounts meters contracts; do sbyt -q load $k "$FIX/$k.csv"; done
# 7201000033: a legal entity of price category 1.  October billed: 3,100.000
# kWh (100 a day); the balance due 11-18 is 50,000.00, of which 20,000.00
# paid on 11-01.
psql -Xq <<'SQL'
insert into charge_line (account_id, period, line_no, kind, basis, zone, volume, tariff, amount, vat)
 values (7201000033, '2026-10-01', 1, 'charge', 'actual', 1, 3100.000, 7.986585, 3036750, 547600);
insert into obligation (account_id, period, seq, kind, due, amount)
 values (7201000033, '2026-10-01', 10, 'balance', '2026-11-18', 5000000);
insert into payment (account_id, channel, source_id, paid_on, amount, period)
 values (7201000033, 'payments', 'f1', '2026-11-01', 2000000, null);
SQL
# Notice on Monday 11-02 of a termination on 12-01 (the 20th working day
# after it).  Invoice on 11-05: the balance 50,000.00 - 20,000.00 =
# 30,000.00, nothing overdue (due 11-18), no penalty; the energy from 11-01
# to 12-01, 31 days x 100 kWh = 3,100.000 kWh at December's price of
# category 1, 810.0577 kop: 2,511,178.87 kop -> 25,111.79; VAT 22 %:
# 5,524.5938 -> 5,524.59; no compensation; total 30,000.00 + 25,111.79 +
# 5,524.59 = 60,636.38.
test_expect_success 'a termination notice makes the final invoice due in 5 working days' '
	sbyt -q --as-of 2026-11-02 contract terminate F1 --account 7201000033 --date 2026-12-01 &&
	sbyt --as-of 2026-11-02 contract list --open | grep -q "^F1;7201000033;legal;final_invoice;.*;2026-11-10;;;open$"
'
test_expect_success 'contract invoice writes it, valid against its schema' '
	sbyt --as-of 2026-11-05 contract invoice F1 2>err &&
	f=$SBYT_OUT/contracts/F1/final-invoice.xml && [ -f "$f" ] &&
	[ "$(stat -c %a "$f")" = 640 ] &&
	xmllint --noout --schema "$SBYT_TOP/xsd/final-invoice.xsd" "$f"
'
x() { xmllint --xpath "string($1)" "$SBYT_OUT/contracts/F1/final-invoice.xml"; }
test_expect_success 'the debt, the energy to the termination date and the total, by hand' '
	[ "$(x "//*[local-name()=\"Debt\"]/@balance")" = 30000.00 ] &&
	[ "$(x "//*[local-name()=\"Debt\"]/@penalty")" = 0.00 ] &&
	[ "$(x "//*[local-name()=\"Energy\"]/@days")" = 31 ] &&
	[ "$(x "//*[local-name()=\"Energy\"]/@volume")" = 3100.000 ] &&
	[ "$(x "//*[local-name()=\"Energy\"]/@price")" = 8.100577 ] &&
	[ "$(x "//*[local-name()=\"Energy\"]/@amount")" = 25111.79 ] &&
	[ "$(x "//*[local-name()=\"Energy\"]/@vat")" = 5524.59 ] &&
	[ "$(x "//*[local-name()=\"Compensation\"]/@amount")" = 0.00 ] &&
	[ "$(x "/*/@total")" = 60636.38 ] &&
	x "//*[local-name()=\"Compensation\"]" | grep -q "не начисляется"
'
test_expect_success 'the step is met in time, and a second invoice is a no-op' '
	sbyt --as-of 2026-11-05 contract list | grep -q "^F1;.*;final_invoice;.*;2026-11-10;;2026-11-05;done$" &&
	sbyt --as-of 2026-11-06 contract invoice F1 2>err && grep -q "unchanged=1" err
'
test_expect_code 65 'no final invoice without a termination notice' '
	sbyt --as-of 2026-11-06 contract invoice NOPE
'
# A notice the daily job finds: the invoice is made on its next run.
test_expect_success 'the daily job makes the final invoices due' '
	sbyt -q --as-of 2026-11-02 contract terminate F2 --account 7201000066 --date 2026-12-01 &&
	mkdir -p "$T/spool/inbox" && SBYT_SPOOL="$T/spool" sbyt -q --as-of 2026-11-03 daily &&
	xmllint --noout --schema "$SBYT_TOP/xsd/final-invoice.xsd" "$SBYT_OUT/contracts/F2/final-invoice.xml"
'
test_done
