#!/bin/sh
# 0810-remind: the day's reminders (rules/reminders.xml) as SMS and e-mail
# packages, on hand-made documents, payments, snapshots and the tariffs of
# rules/tariffs.xml.  Fixture accounts: 7201000001 urban_gas with a phone,
# post; 7201000003 rural with a phone, e-mail documents; 7201000008
# urban_gas with a phone, e-mail; 7201000006 urban_gas, no phone, post.
. "$SBYT_TOP/tests/lib.sh"
sbyt -q db init
for k in branches accounts meters; do sbyt -q load $k "$FIX/$k.csv"; done
OUT=$SBYT_OUT/remind
csv() { unzip -p "$OUT/$1/$2/$3.zip" reminders.csv; }

# Documents due Thursday 2026-12-10 (issued 11-28): 7201000001 500.00
# unpaid; 7201000003 300.00 paid in full on 12-01; 7201000008 1,000.00 of
# which 400.00 paid on 12-02 -> 600.00 left; 7201000006 due 12-11.  As of
# 12-07, 3 days before 12-10: 7201000001 (SMS) and 7201000008 (SMS and
# e-mail) are reminded; 7201000006 is not due in 3 days.
psql -Xq <<'SQL'
insert into document (account_id, period, branch, number, channel, issued_on, due, total, qr) values
 (7201000001, '2026-11-01', '01', 1, 'post', '2026-11-28', '2026-12-10', 50000, 'x'),
 (7201000003, '2026-11-01', '01', 2, 'email', '2026-11-28', '2026-12-10', 30000, 'x'),
 (7201000008, '2026-11-01', '01', 3, 'email', '2026-11-28', '2026-12-10', 100000, 'x'),
 (7201000006, '2026-11-01', '01', 4, 'post', '2026-11-28', '2026-12-11', 70000, 'x');
insert into payment (account_id, channel, source_id, paid_on, amount, period) values
 (7201000003, 'payments', 'p1', '2026-12-01', 30000, null),
 (7201000008, 'payments', 'p2', '2026-12-02', 40000, null);
SQL
test_expect_success 'payment due in 3 days: the unpaid rest, SMS to phones, e-mail to e-mail customers' '
	sbyt --as-of 2026-12-07 remind 2>err &&
	grep -q "sbyt remind: as_of=2026-12-07 payment_due=2 debt=0 tariff=0 sms=2 email=1 packages=2 no_contact=0$" err &&
	csv 2026-12-07 01 sms > sms.csv &&
	grep -q "^7201000001;.*;payment_due;ЛС 7201000001: к оплате 500.00 руб. за 11.2026, срок 10.12.2026" sms.csv &&
	grep -q "^7201000008;.*;payment_due;ЛС 7201000008: к оплате 600.00 руб." sms.csv &&
	! grep -q "7201000003\|7201000006" sms.csv &&
	csv 2026-12-07 01 email > email.csv && [ $(wc -l < email.csv) = 2 ] &&
	grep -q "^7201000008;[^;]*@[^;]*;payment_due;Срок оплаты за электроэнергию — 10.12.2026;" email.csv
'
test_expect_success 'the packages carry a manifest and mode 0640; a re-run writes the same' '
	unzip -p "$OUT/2026-12-07/01/sms.zip" manifest.xml | grep -q "messages" &&
	[ "$(stat -c %a "$OUT/2026-12-07/01/sms.zip")" = 640 ] &&
	sbyt -q --as-of 2026-12-07 remind && csv 2026-12-07 01 sms | cmp - sms.csv
'
# As of 12-08, 7201000006's 700.00 is due in 3 days (12-11), but it has no
# phone and takes its documents by post: nothing is sent, and it is counted.
test_expect_success 'a reminder due to an account without a phone or e-mail is counted, not sent' '
	sbyt --as-of 2026-12-08 remind 2>err &&
	grep -q "sbyt remind: as_of=2026-12-08 payment_due=0 debt=0 tariff=0 sms=0 email=0 packages=0 no_contact=1$" err
'
# Debt on the 20th, from the day's snapshot, at least 100.00: 7201000001
# 250.00 -> reminded; 7201000004 50.00 -> not.  On the 19th: none.
psql -Xq <<'SQL'
insert into debt_snapshot (account_id, as_of, principal, periods, penalty) values
 (7201000001, '2026-12-20', 25000, 1, 0), (7201000004, '2026-12-20', 5000, 1, 0),
 (7201000001, '2026-12-19', 25000, 1, 0);
SQL
test_expect_success 'debt: on the 20th, from the snapshot, above the minimum' '
	sbyt --as-of 2026-12-19 remind 2>err && grep -q " debt=0 " err &&
	sbyt --as-of 2026-12-20 remind 2>err && grep -q " debt=1 " err &&
	csv 2026-12-20 01 sms | grep -q "^7201000001;.*;debt;ЛС 7201000001: задолженность 250.00 руб. на 20.12.2026"
'
# Tariffs change on 2026-10-01: urban_gas band 1 3.34; urban_electric and
# rural 3.34 x 0.7 = 2.338 -> 2.34.  On 09-21, 10 days before, every
# household with a phone or e-mail documents is told; on 09-20 nobody.
test_expect_success 'tariff: 10 days before the change, each category its own rate' '
	sbyt --as-of 2026-09-20 remind 2>err && grep -q " tariff=0 " err &&
	sbyt --as-of 2026-09-21 remind 2>err &&
	want=$(awk -F";" "NR > 1 && \$3 == \"individual\" && (\$10 != \"\" || (\$12 == \"email\" && \$11 != \"\"))" "$FIX/accounts.csv" | wc -l) &&
	grep -q " tariff=$want " err &&
	csv 2026-09-21 01 sms > t.csv &&
	grep -q "^7201000001;.*;tariff;С 01.10.2026 тариф на электроэнергию (городское население, газовые плиты): 3.34 руб./кВт·ч" t.csv &&
	grep -q "^7201000003;.*;tariff;С 01.10.2026 тариф на электроэнергию (сельское население): 2.34 руб./кВт·ч" t.csv
'
test_expect_code 78 'a template with an unknown name is a rules fault' '
	cp -R "$SBYT_TOP/rules" r2 &&
	sed -i "s/{amount} руб. за {period}/{amount} руб. за {month}/" r2/reminders.xml &&
	sbyt --rules r2 rules check
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
