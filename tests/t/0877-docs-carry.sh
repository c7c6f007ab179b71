#!/bin/sh
# 0877-docs-carry: the documents read the period's work, not all of an
# account's history (issue 18; sql/260 docs_carry, lib/docmodel.h
# docmodel_settle): a document carries the settled part of the history
# forward, and every document comes out byte-identical to one composed
# from the whole history (the same data in a second database whose carries
# are emptied before every run); a late payment dated before a carry's cut,
# or a change to an obligation of a period it covered, removes the carry.
#
# The ledger is written by SQL (the bill has its own tests): households,
# each period's charge due the 10th of the next month (all working days:
# Fri 07-10, Mon 08-10, Thu 09-10, Sat 10-10 moves to Mon 10-12 only when
# valued, Tue 11-10, Thu 12-10).  Key rate capped at 9.5 % (PP 474, to
# 2026-12-31); households owe no penalty for the first 30 days overdue,
# then 1/300 of the rate a day (ЖК РФ ст. 155 п. 14).
#   A 7201000001: charged 500.00 for each of 06..11, pays 500.00 naming
#     each period on the 5th of the next month.
#     docs 09 (no carry yet): periods up to 08 are paid by the payment of
#     09-05 -> carry (08, cut max(08-31, 09-05) = 09-05, 0.00, penalty 0.00)
#     docs 10 -> (09, 10-05, 0, 0); docs 11 -> (10, 11-05, 0, 0).
#     November's document: opening = 06..10 charged 2,500.00 - paid before
#     11-01 (07-05 .. 10-05) 2,000.00 = 500.00; charged 500.00; paid
#     (11-05) 500.00; total 500.00.
#   B 7201000002: charged 500.00 each month, never pays: no period is ever
#     settled, no carry; its debt and penalty grow (compared, not by hand).
#   C 7201000003: charged 500.00 each month; pays 1,500.00 unnamed on
#     2026-09-20 (06, 07, 08 oldest first), then each period on the 5th.
#     Penalty: 06 due 07-10 paid 09-20: 72 days overdue, days 31..72 = 42
#     days x 500.00 x 9.5 % / 300 = 6.65; 07 due 08-10: 41 days, days
#     31..41 = 11 days x 500.00 x 9.5 % / 300 = 1.7416.. -> 1.74; 08 due
#     09-10: 10 days, none.  docs 09 -> carry (08, 09-20, 0.00, 8.39).
#     October's document: opening = 06..09 2,000.00 - 1,500.00 + penalty
#     8.39 = 508.39.
#   L 7201000004, a legal entity: each period M owes 150.00 due M-10, 200.00
#     due M-25 (the advances) and 150.00 due (M+1)-18 (the rest); it pays
#     500.00 unnamed on the 20th of every month.  The ledger puts each
#     payment on the oldest entries by due date: 06-20 on A1(06), A2(06),
#     A1(07); 07-20 on B(06), A2(07), A1(08); 08-20 on B(07), A2(08),
#     A1(09); 09-20 on B(08), A2(09), B(09) (A1(10) is not in September's
#     rows).  docs 09: 08 and before are paid off, the last of it on 09-20;
#     the payments of 08-20 and 09-20 went partly to 09: rests 150.00 and
#     350.00; amount 1,500.00 - (500.00 + 500.00 + 350.00 + 150.00) = 0.
#     Its penalty (advances paid 10 days late, rests 2) is the one the
#     whole-history database works out.
# Every run's carries equal those the whole-history database works out.
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
  for a in 7201000001 7201000002 7201000003; do
	echo "$a;01;individual;Абонент $a;г. Тюмень, ул. Мира, д. ${a#72010000};625000;urban_gas;1;1;;;post;0;2020-01-15"
  done
  echo "7201000004;01;legal;ООО «Ромашка»;г. Тюмень, ул. Мира, д. 4;625000;;;;;;post;0;2020-01-15"; } > accounts.csv
{ echo 'account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;edo_id'
  echo '7201000004;ЭС-01-000004;2020-01-15;1;standard;7203001235;720301001;;'; } > contracts.csv
for k in branches accounts contracts; do sbyt -q load $k $k.csv || exit 1; done
q "INSERT INTO obligation (account_id, period, seq, kind, due, amount)
   SELECT a, m::date, 10, 'charge', (m + interval '1 month' + interval '9 days')::date, 50000
   FROM unnest(ARRAY[7201000001, 7201000002, 7201000003]::bigint[]) a,
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
   INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
   VALUES (7201000003, 'payments', 'C1', DATE '2026-09-20', 150000, NULL);
   INSERT INTO payment (account_id, channel, source_id, paid_on, amount, period)
   SELECT 7201000003, 'payments', 'C' || to_char(m, 'YYYYMM'), (m + interval '1 month' + interval '4 days')::date,
          50000, m::date FROM generate_series(DATE '2026-09-01', DATE '2026-11-01', interval '1 month') m;
   INSERT INTO period_state (period, branch, state)
   SELECT m::date, '01', 'billed' FROM generate_series(DATE '2026-09-01', DATE '2026-12-01', interval '1 month') m" || exit 1
# B: the same data, its carries emptied before every run: the whole history
B="${PGDATABASE}_b"
createdb -T "$PGDATABASE" "$B" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; cleanup' EXIT

# each account's latest carry (sql/281 keeps the one before too)
CARRY="SELECT DISTINCT ON (account_id) concat_ws(' ', account_id, period, cut, amount, penalty, rest::text, made_for) FROM docs_carry ORDER BY account_id, made_for DESC"
carry() { q "$CARRY"; }
# docs PERIOD AS_OF: the period's documents in both databases
docs() {
	sbyt -q --as-of "$2" docs --period "$1" &&
	psql -XtAq -d "$B" -c "DELETE FROM docs_carry" &&
	PGDATABASE="$B" SBYT_OUT="$T/outb" sbyt -q --as-of "$2" docs --period "$1"
}
# same PERIOD: the documents (rows and XML) of both databases are the same
same() {
	q "SELECT account_id, number, total, qr, due FROM document WHERE period = '$1-01' ORDER BY 1" > a.rows &&
	psql -XtAq -d "$B" -c "SELECT account_id, number, total, qr, due FROM document WHERE period = '$1-01' ORDER BY 1" > b.rows &&
	cmp a.rows b.rows && [ -s a.rows ] &&
	unzip -p "$SBYT_OUT/docs/$1/01/post.zip" documents.xml > a.xml &&
	unzip -p "$T/outb/docs/$1/01/post.zip" documents.xml > b.xml &&
	cmp a.xml b.xml &&
	carry > a.carry && psql -XtAq -d "$B" -c "$CARRY" > b.carry && cmp a.carry b.carry
}
# doc PERIOD ACCOUNT: the document's Opening, Paid and total
doc() {
	unzip -p "$SBYT_OUT/docs/$1/01/post.zip" documents.xml |
	xmllint --xpath "concat(//*[local-name()='PaymentDocument'][@account='$2']/*[local-name()='Opening']/@debt, ' ',
		//*[local-name()='PaymentDocument'][@account='$2']/*[local-name()='Paid']/@sum, ' ',
		//*[local-name()='PaymentDocument'][@account='$2']/@total)" -
}

test_expect_success 'September: the settled periods carried (A: up to 08, cut 09-05; C: 8.39 of penalty; L: up to 08, cut 09-20, rests 150.00 and 350.00); B none' '
	docs 2026-09 2026-09-28 && same 2026-09 &&
	carry | grep -v ^7201000004 > got &&
	printf "%s\n" "7201000001 2026-08-01 2026-09-05 0 0 {} 2026-09-01" \
		"7201000003 2026-08-01 2026-09-20 0 839 {} 2026-09-01" | cmp - got &&
	carry | grep -q "^7201000004 2026-08-01 2026-09-20 0 [1-9][0-9]* {15000,35000} 2026-09-01\$"

'
test_expect_success 'October: read after the carry, the same documents; C opens with 508.39' '
	docs 2026-10 2026-10-28 && same 2026-10 &&
	carry | grep -v ^7201000004 > got &&
	printf "%s\n" "7201000001 2026-09-01 2026-10-05 0 0 {} 2026-10-01" \
		"7201000003 2026-09-01 2026-10-05 0 839 {} 2026-10-01" | cmp - got &&
	doc 2026-10 7201000003 | grep -q "^508.39 "
'
# Kept (sql/281): each account's carries made for September and October.
# A's of September (cut 09-05) stays: the late payment is after its cut.
KEPT="SELECT string_agg(account_id || ':' || made_for, ' ' ORDER BY account_id, made_for) FROM docs_carry"
test_expect_success 'a payment of A dated before its cut (10-01, 10.00) removes A'"'"'s carry of October, not that of September (cut 09-05); an obligation of C'"'"'s covered periods changed removes both of C'"'"'s' '
	[ "$(q "$KEPT")" = "7201000001:2026-09-01 7201000001:2026-10-01 7201000003:2026-09-01 7201000003:2026-10-01 7201000004:2026-09-01 7201000004:2026-10-01" ] &&
	for d in "$PGDATABASE" "$B"; do
		psql -XtAq -v ON_ERROR_STOP=1 -d "$d" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
			VALUES (7201000001, '"'"'payments'"'"', '"'"'LATE'"'"', DATE '"'"'2026-10-01'"'"', 1000)" || return 1
	done &&
	[ "$(q "$KEPT")" = "7201000001:2026-09-01 7201000003:2026-09-01 7201000003:2026-10-01 7201000004:2026-09-01 7201000004:2026-10-01" ] &&
	q "UPDATE obligation SET amount = 50000 WHERE account_id = 7201000003 AND period = DATE '"'"'2026-08-01'"'"'" &&
	[ "$(q "$KEPT")" = "7201000001:2026-09-01 7201000004:2026-09-01 7201000004:2026-10-01" ]
'
# K: November killed (SIGKILL at its first fsync, a package being sealed,
# before the commit), then run again
K="${PGDATABASE}_k"
createdb -T "$PGDATABASE" "$K" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; dropdb --if-exists "$K" >/dev/null 2>&1; cleanup' EXIT
carry > carry.before
test_expect_success 'November killed before its commit: no document, the carries as they were' '
	PGDATABASE="$K" SBYT_OUT="$T/outk" strace -f -o /dev/null -e trace=fsync \
		-e inject=fsync:signal=KILL:when=1 sbyt -q --as-of 2026-11-28 docs --period 2026-11;
	[ "$(psql -XtAq -d "$K" -c "SELECT count(*) FROM document WHERE period = DATE '"'"'2026-11-01'"'"'")" = 0 ] &&
	psql -XtAq -d "$K" -c "$CARRY" | cmp - carry.before
'
# A, read from its carry made for September (up to 08, cut 09-05; the
# whole-history database agrees): the 10.00 of 10-01 went to 09 (the oldest open), so
# 10-05's payment for 09 leaves 10.00 over, which goes to 10, and 11-05's
# for 10 leaves 10.00, which goes to 11: 10 and before are paid off on
# 11-05, whose rest is 10.00; amount 2,500.00 - (1,500.00 + 10.00 +
# 500.00 + 490.00) = 0.  November: opening 2,500.00 - (2,000.00 + 10.00)
# = 490.00, paid 500.00, total 490.00 + 500.00 - 500.00 = 490.00.
test_expect_success 'November: A from its September carry, the same documents; A: 490.00 opening, 500.00 paid, 490.00 total; carried up to 10 with a rest of 10.00' '
	docs 2026-11 2026-11-28 && same 2026-11 &&
	doc 2026-11 7201000001 | grep -qx "490.00 500.00 490.00" &&
	carry | grep -v ^7201000004 > got &&
	printf "%s\n" "7201000001 2026-10-01 2026-11-05 0 0 {1000} 2026-11-01" \
		"7201000003 2026-10-01 2026-11-05 0 839 {} 2026-11-01" | cmp - got &&
	carry > carry.nov
'
# December: A read after its carry (up to 10, cut 11-05) with the rest of
# 11-05's payment, 10.00 (it names 10, before the carry: read unnamed): it
# goes to 11, and 12-05's 500.00 for 11 pays the other 490.00 and leaves
# 10.00 for 12.  The document: opening 06..11 3,000.00 - paid before 12-01
# (07-05 .. 11-05 2,500.00 + 10.00) = 490.00, paid 500.00, total 490.00.
# Carried then: up to 11, cut 12-05, 12-05's rest 10.00.
test_expect_success 'December: the rests read as payments, the same documents; A: 490.00 opening, 490.00 total, carried up to 11 with 12-05'"'"'s rest; C'"'"'s carry of other rules not used' '
	q "UPDATE docs_carry SET rules = '"'"'other'"'"', amount = 99999 WHERE account_id = 7201000003" &&
	docs 2026-12 2026-12-28 && same 2026-12 &&
	[ "$(q "SELECT count(*) FROM docs_carry WHERE made_for = DATE '"'"'2026-12-01'"'"' AND (rules = '"'"'other'"'"' OR amount = 99999)")" = 0 ] &&
	doc 2026-12 7201000001 | grep -qx -- "490.00 500.00 490.00" &&
	carry | grep -qx "7201000001 2026-11-01 2026-12-05 0 0 {1000} 2026-12-01"
'
test_expect_success 'the killed November run again: the documents and the carries of the uninterrupted run' '
	PGDATABASE="$K" SBYT_OUT="$T/outk" sbyt -q --as-of 2026-11-28 docs --period 2026-11 &&
	psql -XtAq -d "$K" -c "$CARRY" | cmp - carry.nov &&
	unzip -p "$T/outk/docs/2026-11/01/post.zip" documents.xml > k.xml &&
	unzip -p "$SBYT_OUT/docs/2026-11/01/post.zip" documents.xml | cmp - k.xml
'
# A payment ingested while a period's documents are being written waits for
# them (the run holds obligation and payment in SHARE mode from before its
# reader's snapshot) and then meets their carries: December in K, its first
# fsync delayed 3 s; a payment of A dated 2026-10-01 (before every cut)
# sent 1 s in: it ends after the run and removes A's new carry.
test_expect_success 'a payment written during the documents run waits for it, then removes the carry it made' '
	( PGDATABASE="$K" SBYT_OUT="$T/outk" strace -f -o /dev/null -e trace=fsync \
		-e inject=fsync:delay_enter=3000000:when=1 sbyt -q --as-of 2026-12-28 docs --period 2026-12 ) &
	sleep 1 &&
	psql -XtAq -v ON_ERROR_STOP=1 -d "$K" -c "INSERT INTO payment (account_id, channel, source_id, paid_on, amount)
		VALUES (7201000001, '"'"'payments'"'"', '"'"'RACE'"'"', DATE '"'"'2026-10-01'"'"', 500)" &&
	wait &&
	[ "$(psql -XtAq -d "$K" -c "SELECT count(*) FROM document WHERE period = DATE '"'"'2026-12-01'"'"'")" = 4 ] &&
	[ "$(psql -XtAq -d "$K" -c "SELECT string_agg(account_id::text, chr(32) ORDER BY account_id) FROM docs_carry WHERE made_for = DATE '"'"'2026-12-01'"'"'")" = "7201000003 7201000004" ]
'
test_expect_success 'a re-run of the published period writes nothing and keeps the carries' '
	carry > before && sbyt -q --as-of 2026-12-29 docs --period 2026-12 && carry > after && cmp before after
'
test_done
