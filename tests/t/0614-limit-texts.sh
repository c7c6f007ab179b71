#!/bin/sh
# 0614-limit-texts: every text a person reads in the limitation workflow is
# a template in rules/limitation.xml, expanded whole: the legal notice, the
# household warning letter and the warning inside the payment document
# (longer than the 511 bytes that used to cut it), a grid request; compared
# in full.  A template with an unknown placeholder, or a missing text, is a
# rules error naming FILE:LINE (exit 78).  Dates by hand from the 2026
# calendar: days off Jun 20 21 27 28, Jul 4 5 11 12.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
07;Ишимский участок;г. Ишим, ул. Ленина, д. 7;+73455100007
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7207000001;07;legal;ООО Текст;г. Ишим, ул. Мира, д. 1;627750;;0;0;;t@x.example;post;0;2021-02-01
7207000002;07;individual;Буквин Пётр Ильич;г. Ишим, ул. Мира, д. 2, кв. 3;627750;urban_gas;2;2;;;post;0;2020-01-15
7207000003;07;individual;Строкова Анна;г. Ишим, ул. Мира, д. 4;627750;urban_gas;2;2;;;post;0;2020-01-15
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1
psql -Xq <<'SQL'
insert into obligation values (7207000001, '2026-04-01', 1, 'balance', '2026-05-18', 5000000);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7207000001, '2026-06-15', 6000000, 2, 0, '2026-05-18'),
 (7207000002, '2026-06-15', 500000, 3, 0, '2026-04-10'),
 (7207000003, '2026-06-15', 500000, 3, 0, '2026-04-10');
insert into limit_channel (account_id, channel) values (7207000003, 'payment_document');
insert into delivery (notice_id, status, at, evidence) values
 ('N7207000001-1-1', 'delivered', '2026-06-22', 'ШПИ 1');
SQL
test_expect_success 'run 06-15 .. 06-22' '
	walk 2026-06-15 2026-06-22
'
N='/*[local-name()="Notices"]/*[local-name()="Notice"]'
# The legal notice issued Mon 06-15 by post states 06-15 + 7 + 10 = Thu
# 07-02 for the partial; full once 3 working days after it have run out:
# 07-03, 07-06, 07-07 -> Wed 07-08.
test_expect_success 'the legal notice, whole' '
	zipxml 2026-06-15 07 notices-post notices.xml > p.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/limitation.xsd" p.xml &&
	xmllint --xpath "string($N[@account=\"7207000001\"]/*[local-name()=\"Text\"])" p.xml > got &&
	cat > want <<-EOF &&
	УВЕДОМЛЕНИЕ № N7207000001-1-1 от 15.06.2026 о введении ограничения режима потребления электрической энергии.
	ООО Текст, г. Ишим, ул. Мира, д. 1, лицевой счёт (договор) 7207000001.
	По состоянию на 15.06.2026 задолженность по оплате электрической энергии составляет 60 000,00 руб. за 2 расчётных периода(ов), что не менее обязательств за один период платежа (50 000,00 руб.).
	При непогашении задолженности Вам надлежит с 02.07.2026 самостоятельно ввести частичное ограничение режима потребления. Если задолженность не будет погашена, с 08.07.2026 будет введено полное ограничение режима потребления.
	Справки: Ишимский участок, телефон +73455100007.
	Основание: ПП РФ от 04.05.2012 № 442, Правила полного и (или) частичного ограничения режима потребления электрической энергии, пп. 8-10.
	EOF
	diff want got &&
	test "$(xmllint --xpath "string($N[@account=\"7207000001\"]/*[local-name()=\"Text\"]/@citation)" p.xml)" = \
		"ПП РФ от 04.05.2012 № 442, Правила полного и (или) частичного ограничения режима потребления электрической энергии, пп. 8-10"
'
# Threshold: urban_gas, 2 rooms, 2 residents: norm 96 kWh per person, band 1
# from 2026-01-01 3.00: 2 x (96 x 2 x 3.00) = 1152.00.
# The household warning (post, 06-15) prints 06-15 + 7 = 06-22, + 20 = Sun
# 07-12, window ends Mon 07-13: not before Tue 07-14.
test_expect_success 'the household warning letter, whole' '
	xmllint --xpath "string($N[@account=\"7207000002\"]/*[local-name()=\"Text\"])" p.xml > got &&
	cat > want <<-EOF &&
	ПРЕДУПРЕЖДЕНИЕ № N7207000002-1-1 от 15.06.2026 об ограничении (приостановлении) предоставления коммунальной услуги по электроснабжению.
	Буквин Пётр Ильич, г. Ишим, ул. Мира, д. 2, кв. 3, лицевой счёт 7207000002.
	По состоянию на 15.06.2026 за Вами числится задолженность по оплате коммунальной услуги по электроснабжению в сумме 5 000,00 руб. за 3 расчётных периода(ов), что превышает сумму двух месячных размеров платы, исчисленных исходя из норматива потребления (1 152,00 руб.).
	В случае непогашения задолженности в течение 20 календарных дней со дня доставки Вам настоящего предупреждения предоставление коммунальной услуги будет ограничено, а при отсутствии технической возможности введения ограничения — приостановлено без предварительного введения ограничения. Если предупреждение будет доставлено в обычный срок, ограничение может быть введено не ранее 14.07.2026.
	Оплатить задолженность можно в отделениях банков, в платёжных терминалах, в личном кабинете клиента и в офисе (Ишимский участок, телефон +73455100007).
	Основание: ПП РФ от 06.05.2011 № 354, пп. 117, 119.
	EOF
	diff want got
'
test_expect_success 'the warning inside the payment document, whole (past 511 bytes)' '
	q "select text from limit_doc_warning where account_id = 7207000003" > got &&
	cat > want <<-EOF &&
	ПРЕДУПРЕЖДЕНИЕ (уведомление N7207000003-1-1). Задолженность по оплате электроэнергии на 15.06.2026: 5 000,00 руб. за 3 расчётных периода(ов). В случае непогашения задолженности в течение 20 календарных дней со дня доставки настоящего платёжного документа будет введено ограничение предоставления коммунальной услуги, а при отсутствии технической возможности — приостановление её предоставления. Основание: ПП РФ от 06.05.2011 № 354, пп. 117, 119.
	EOF
	diff want got && test "$(wc -c < got)" -gt 512
'
# The delivery of the legal notice on Mon 06-22 fixes the partial of 07-02:
# its request goes on 06-22.
test_expect_success 'the grid request, whole' '
	zipxml 2026-06-22 07 grid-requests requests.xml > r.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/limitation.xsd" r.xml &&
	xmllint --xpath "string(//*[local-name()=\"Request\"][@account=\"7207000001\"]/*[local-name()=\"Text\"])" r.xml > got &&
	cat > want <<-EOF &&
	ЗАЯВКА № R7207000001-1-1 от 22.06.2026 в сетевую организацию: частичное ограничение режима потребления с 02.07.2026.
	Потребитель: ООО Текст, г. Ишим, ул. Мира, д. 1, лицевой счёт 7207000001.
	Основание: уведомление № N7207000001-1-1 от 15.06.2026, доставлено 22.06.2026.
	Об исполнении сообщить: Ишимский участок, телефон +73455100007.
	(ПП РФ от 04.05.2012 № 442, Правила полного и (или) частичного ограничения режима потребления электрической энергии, п. 9)
	EOF
	diff want got
'
test_expect_code 78 'an unknown placeholder is a rules error' '
	cp -R "$SBYT_TOP/rules" r &&
	sed -i "s/{debt} руб. за {periods} расчётных периода(ов), что не менее обязательств за один/{dolg} руб. за {periods} расчётных периода(ов), что не менее обязательств за один/" r/limitation.xml &&
	sbyt --rules r rules check 2>err
'
test_expect_success 'it names the file, the line and the placeholder' '
	line=$(grep -n "for=\"legal.notice\"" r/limitation.xml | cut -d: -f1) &&
	grep -q "^r/limitation.xml:$line: text for .legal.notice.: unknown placeholder .{dolg}." err
'
test_expect_code 78 'a date of a step the procedure lacks, and a missing text' '
	rm -rf r && cp -R "$SBYT_TOP/rules" r &&
	sed -i "s/{date:refusal}/{date:partial}/; /for=\"action.cancel\"/d" r/limitation.xml &&
	sbyt --rules r rules check 2>err; rc=$?
	grep -q "text for .refusal.notice.: unknown placeholder .{date:partial}." err &&
	grep -q "no text for .action.reconnect. or .action.cancel." err && exit $rc
'
test_done
