#!/bin/sh
# 0518-notice-unpaid: the household warning lists the unpaid periods, one
# row each (FORMS.md, ПП № 354 пп. 117-119: "the table of unpaid periods
# with amounts"), and every date its text prints reads ДД.ММ.ГГГГ as its
# tables do, while notices.xml's data fields stay ISO (xsd/limitation.xsd).
# Read back the way a person reads it: pdftotext of the post print file.
#
# The account's obligations (household: one charge per period, due the
# 10th of the next month) and payments, snapshot 2026-06-15:
#   2026-02  1800.00 due 03-10   2026-03  2100.50 due 04-10
#   2026-04  1950.25 due 05-10   2026-05  2000.00 due 06-10
#   2026-06  1500.00 due 07-10 (not due on 06-15: not listed)
#   paid 03-05 1000.00 naming no period; 05-20 500.00 naming 2026-04;
#   06-20 3000.00 (after the snapshot: not counted)
# Worked by hand (a payment naming a period goes there first, the rest to
# the oldest period first):
#   2026-04 gets the named 500.00; the unnamed 1000.00 goes to 2026-02.
#   февраль 2026  1800.00  10.03.2026  1000.00   800.00
#   март 2026     2100.50  10.04.2026     0.00  2100.50
#   апрель 2026   1950.25  10.05.2026   500.00  1450.25
#   май 2026      2000.00  10.06.2026     0.00  2000.00
#   total not paid: 800.00 + 2100.50 + 1450.25 + 2000.00 = 6350.75
# (the snapshot states the same: 6350.75 over 4 periods).
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
07;Ишимский участок;г. Ишим, ул. Ленина, д. 7;+73455100007
CSV
cat > accounts.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7207000002;07;individual;Буквин Пётр Ильич;г. Ишим, ул. Мира, д. 2, кв. 3;627750;urban_gas;2;2;;;post;0;2020-01-15
CSV
for k in branches accounts; do sbyt -q load $k $k.csv || exit 1; done
psql -Xq <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount) values
 (7207000002, '2026-02-01', 1, 'charge', '2026-03-10', 180000),
 (7207000002, '2026-03-01', 1, 'charge', '2026-04-10', 210050),
 (7207000002, '2026-04-01', 1, 'charge', '2026-05-10', 195025),
 (7207000002, '2026-05-01', 1, 'charge', '2026-06-10', 200000),
 (7207000002, '2026-06-01', 1, 'charge', '2026-07-10', 150000);
insert into payment (account_id, channel, source_id, paid_on, amount, period) values
 (7207000002, 'sberbank', 'p1', '2026-03-05', 100000, null),
 (7207000002, 'sberbank', 'p2', '2026-05-20', 50000, '2026-04-01'),
 (7207000002, 'sberbank', 'p3', '2026-06-20', 300000, null);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7207000002, '2026-06-15', 635075, 4, 0, '2026-03-10');
SQL
test_expect_success 'the warning is issued on 06-15' '
	walk 2026-06-15 2026-06-15 &&
	P="$SBYT_OUT/limit/2026-06-15/07" &&
	unzip -p "$P/notices-post.zip" notices.pdf > post.pdf &&
	unzip -p "$P/notices-post.zip" notices.xml > post.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/limitation.xsd" post.xml
'
# "6 350,75" -> "6350.75" (no-break spaces between thousands).
plain() { sed 's/\xc2\xa0/ /g; s/\([0-9]\) \([0-9][0-9][0-9]\)/\1\2/g; s/\([0-9]\),\([0-9][0-9]\)\b/\1.\2/g; s/−/-/g'; }
test_expect_success 'one row per unpaid period: charged, due, paid, not paid' '
	pdftotext -layout post.pdf - | plain > n.txt &&
	grep -q "Неоплаченные расчётные периоды (платежи по 15\.06\.2026 включительно)" n.txt &&
	grep -Eq "февраль 2026 г\. +1800\.00 +10\.03\.2026 +1000\.00 +800\.00\$" n.txt &&
	grep -Eq "март 2026 г\. +2100\.50 +10\.04\.2026 +0\.00 +2100\.50\$" n.txt &&
	grep -Eq "апрель 2026 г\. +1950\.25 +10\.05\.2026 +500\.00 +1450\.25\$" n.txt &&
	grep -Eq "май 2026 г\. +2000\.00 +10\.06\.2026 +0\.00 +2000\.00\$" n.txt &&
	grep -Eq "Итого не оплачено +6350\.75\$" n.txt &&
	! grep -q "июнь 2026" n.txt && ! grep -q "январь 2026" n.txt
'
test_expect_success 'the periods in order, the stated debt the same as the rows' '
	grep -Eo "^ *(январь|февраль|март|апрель|май|июнь) 2026" n.txt | sed "s/^ *//" > got &&
	printf "февраль 2026\nмарт 2026\nапрель 2026\nмай 2026\n" > want && diff want got &&
	grep -Fq "6350.75" n.txt
'
# 06-15 + 7 (post) = 06-22, + 20 = Sun 07-12, window ends Mon 07-13: not
# before Tue 07-14 (as in 0614).
test_expect_success 'the text prints its dates as ДД.ММ.ГГГГ, none ISO' '
	tr -s " \n" "  " < n.txt > flat &&
	grep -q "ПРЕДУПРЕЖДЕНИЕ № N7207000002-1-1 от 15\.06\.2026" flat &&
	grep -q "По состоянию на 15\.06\.2026 за Вами числится задолженность" flat &&
	grep -q "не ранее 14\.07\.2026" flat &&
	! grep -Eq "[0-9]{4}-[0-9]{2}-[0-9]{2}" n.txt
'
N='/*[local-name()="Notices"]/*[local-name()="Notice"]'
test_expect_success 'notices.xml: the same text, its data fields still ISO' '
	xmllint --xpath "string($N/*[local-name()=\"Text\"])" post.xml > text &&
	grep -q "от 15\.06\.2026" text && grep -q "не ранее 14\.07\.2026" text &&
	! grep -Eq "[0-9]{4}-[0-9]{2}-[0-9]{2}" text &&
	test "$(xmllint --xpath "string($N/@issued)" post.xml)" = 2026-06-15
'
test_done
