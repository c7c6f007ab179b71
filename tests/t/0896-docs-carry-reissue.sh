#!/bin/sh
# 0896-docs-carry-reissue: a re-issue of a published period starts from a
# carry too (issue 18; sql/281): the carries of an account's last two
# document runs are kept, and a document issued before (its package lost,
# issued again) starts from the usable carry made by its own run or before
# it; it comes out byte-identical to the package first written and to the
# re-issue of a database that reads the whole history (its carries emptied
# before every run).  A carry made after the document's run is not used.
#
# The ledger is written by SQL: households, each period's charge 500.00 due
# the 10th of the next month.
#   A 7201000001: pays 500.00 naming each period on the 5th of the next
#     month.  docs 09 (as of 09-28): carry (08, cut 09-05); docs 10: (09,
#     10-05); docs 11: (10, 11-05).  Kept after November: those made for
#     10 and 11 (09's goes).  November's re-issue: the one made for 11 has
#     its cut in November (after the period's first day: its payment of
#     11-05 is one the document shows as paid), so it starts from the one
#     made for 10 (up to 09, cut 10-05): opening 06..10 2,500.00 - 2,000.00
#     = 500.00, paid 500.00, total 500.00.
#   B 7201000002: never pays: no carry, the whole history each time.
#   L 7201000004, a legal entity as in 0877 (advances due M-10 and M-25, the
#     rest due (M+1)-18; pays 500.00 unnamed on the 20th): carries with
#     rests; its November re-issue starts from its carry made for 10.
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
  for a in 7201000001 7201000002; do
	echo "$a;01;individual;Абонент $a;г. Тюмень, ул. Мира, д. ${a#72010000};625000;urban_gas;1;1;;;post;0;2020-01-15"
  done
  echo "7201000004;01;legal;ООО «Ромашка»;г. Тюмень, ул. Мира, д. 4;625000;;;;;;post;0;2020-01-15"; } > accounts.csv
{ echo 'account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id'
  echo '7201000004;ЭС-01-000004;2020-01-15;1;standard;7203001235;720301001;;'; } > contracts.csv
for k in branches accounts contracts; do sbyt -q load $k $k.csv || exit 1; done
q "INSERT INTO obligation (account_id, period, seq, kind, due, amount)
   SELECT a, m::date, 10, 'charge', (m + interval '1 month' + interval '9 days')::date, 50000
   FROM unnest(ARRAY[7201000001, 7201000002]::bigint[]) a,
        generate_series(DATE '2026-06-01', DATE '2026-12-01', interval '1 month') m;
   INSERT INTO obligation (account_id, period, seq, kind, due, amount)
   SELECT 7201000004, m::date, s, k, (m + (o || ' month')::interval + ((d - 1) || ' days')::interval)::date, a
   FROM generate_series(DATE '2026-06-01', DATE '2026-12-01', interval '1 month') m,
        (VALUES (1, 'advance', 0, 10, 15000), (2, 'advance', 0, 25, 20000), (10, 'balance', 1, 18, 15000)) v(s, k, o, d, a);
   INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount)
   SELECT account_id, period, 1, 'charge', 'actual', 1, 1, 166.667, 3.00, sum(amount) FROM obligation
   GROUP BY account_id, period;
   INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
   SELECT 7201000004, 'payments', 'L' || to_char(m, 'YYYYMM'), (m + interval '19 days')::date, 50000, NULL
   FROM generate_series(DATE '2026-06-01', DATE '2026-12-01', interval '1 month') m;
   INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
   SELECT 7201000001, 'payments', 'A' || to_char(m, 'YYYYMM'), (m + interval '1 month' + interval '4 days')::date,
          50000, m::date FROM generate_series(DATE '2026-06-01', DATE '2026-11-01', interval '1 month') m;
   INSERT INTO period_state (period, branch, state)
   SELECT m::date, '01', 'billed' FROM generate_series(DATE '2026-09-01', DATE '2026-12-01', interval '1 month') m" || exit 1
# W: the same data, its carries emptied before every run: the whole history
W="${PGDATABASE}_w"
createdb -T "$PGDATABASE" "$W" || exit 1
trap 'dropdb --if-exists "$W" >/dev/null 2>&1; cleanup' EXIT
wq() { psql -XtAq -v ON_ERROR_STOP=1 -d "$W" -c "$1"; }

# docs PERIOD AS_OF: the period's documents in both databases
docs() {
	sbyt -q --as-of "$2" docs --period "$1" &&
	wq "DELETE FROM docs_carry" &&
	PGDATABASE="$W" SBYT_OUT="$T/outw" sbyt -q --as-of "$2" docs --period "$1"
}
# reissue: November's post package lost in both databases, issued again
reissue() {
	rm -f "$SBYT_OUT/docs/2026-11/01/post.zip" "$T/outw/docs/2026-11/01/post.zip" &&
	sbyt -q --as-of 2026-11-29 docs --period 2026-11 &&
	wq "DELETE FROM docs_carry" &&
	PGDATABASE="$W" SBYT_OUT="$T/outw" sbyt -q --as-of 2026-11-29 docs --period 2026-11
}
# same: November's documents.xml as first written, and both re-issues, equal
same() {
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml > a.xml &&
	unzip -p "$T/outw/docs/2026-11/01/post.zip" documents.xml > w.xml &&
	cmp first.xml a.xml && cmp first.xml w.xml
}
KEPT="SELECT string_agg(account_id || ':' || made_for, ' ' ORDER BY account_id, made_for) FROM docs_carry"
USED="7201000001:2026-10-01 7201000001:2026-11-01 7201000004:2026-10-01 7201000004:2026-11-01"

test_expect_success 'September to November issued; kept: the carries made for 10 and 11 (those for 09 gone), each with its run' '
	docs 2026-09 2026-09-28 && docs 2026-10 2026-10-28 && docs 2026-11 2026-11-28 &&
	[ "$(q "$KEPT")" = "$USED" ] &&
	[ "$(q "SELECT count(*) FROM docs_carry k JOIN document d ON d.account_id = k.account_id
		AND d.period = k.made_for AND d.run_id = k.made_run")" = 4 ] &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml > first.xml &&
	unzip -p "$T/outw/docs/2026-11/01/post.zip" documents.xml | cmp - first.xml &&
	xmllint --xpath "string(//*[local-name()='"'"'PaymentDocument'"'"'][@account='"'"'7201000001'"'"']/@total)" first.xml |
		grep -qx 500.00
'
test_expect_success 'a re-issue of November comes out as first written and as from the whole history; the carries stay' '
	reissue && same && [ "$(q "$KEPT")" = "$USED" ]
'
test_expect_code 65 'the re-issue starts from the carry made for 10: that carry 1.00 off changes A'"'"'s document, which is refused' '
	q "UPDATE docs_carry SET amount = amount + 100 WHERE account_id = 7201000001 AND made_for = DATE '"'"'2026-10-01'"'"'" &&
	rm -f "$SBYT_OUT/docs/2026-11/01/post.zip" &&
	sbyt -q --as-of 2026-11-29 docs --period 2026-11 2> err; rc=$?
	grep -q "would change (account 7201000001" err && exit $rc
'
test_expect_success 'a carry made by a later run than the document'"'"'s is not used (the same carry, its run after November'"'"'s)' '
	q "UPDATE docs_carry SET made_run = (SELECT max(run_id) + 1 FROM run)
	   WHERE account_id = 7201000001 AND made_for = DATE '"'"'2026-10-01'"'"'" &&
	reissue && same &&
	q "UPDATE docs_carry SET amount = amount - 100, made_run = (SELECT run_id FROM document
	   WHERE account_id = 7201000001 AND period = DATE '"'"'2026-10-01'"'"')
	   WHERE account_id = 7201000001 AND made_for = DATE '"'"'2026-10-01'"'"'"
'
# A payment of A for 11 dated 11-20, written by a run after November's
# documents: the re-issue leaves it out (it shows in December's), with the
# carry as without it.  One dated 10-01 (before the cut of both of A's
# carries) removes both: the whole history, the same documents.
test_expect_success 'a later run'"'"'s payment after the cut is left out; one dated before the cuts removes A'"'"'s carries; the same documents' '
	for d in "$PGDATABASE" "$W"; do
		psql -XtAq -v ON_ERROR_STOP=1 -d "$d" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount, run_id)
			VALUES (7201000001, '"'"'payments'"'"', '"'"'NOV20'"'"', DATE '"'"'2026-11-20'"'"', 7000,
			(SELECT max(run_id) + 1 FROM run))" || return 1
	done &&
	[ "$(q "$KEPT")" = "$USED" ] && reissue && same &&
	for d in "$PGDATABASE" "$W"; do
		psql -XtAq -v ON_ERROR_STOP=1 -d "$d" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount, run_id)
			VALUES (7201000001, '"'"'payments'"'"', '"'"'OCT01'"'"', DATE '"'"'2026-10-01'"'"', 3000,
			(SELECT max(run_id) + 1 FROM run))" || return 1
	done &&
	[ "$(q "$KEPT")" = "7201000004:2026-10-01 7201000004:2026-11-01" ] && reissue && same
'
test_expect_success 'December, new: each from its latest usable carry, the same documents as from the whole history' '
	docs 2026-12 2026-12-28 &&
	unzip -p "$SBYT_OUT/docs/2026-12/01/post.zip" documents.xml > a12.xml &&
	unzip -p "$T/outw/docs/2026-12/01/post.zip" documents.xml | cmp - a12.xml &&
	q "SELECT account_id, number, total, qr, due FROM document WHERE period = DATE '"'"'2026-12-01'"'"' ORDER BY 1" > a.rows &&
	wq "SELECT account_id, number, total, qr, due FROM document WHERE period = DATE '"'"'2026-12-01'"'"' ORDER BY 1" | cmp - a.rows &&
	CARRY="SELECT concat_ws(chr(32), account_id, period, cut, amount, penalty, rest::text) FROM docs_carry
		WHERE made_for = DATE '"'"'2026-12-01'"'"' ORDER BY account_id" &&
	q "$CARRY" > a.carry && wq "$CARRY" | cmp - a.carry && [ -s a.carry ]
'
test_done
