#!/bin/sh
# 0600-limit-individual: households (SPEC 9.1 `individual`) walked day by day
# through `sbyt limit run` from 2026-10-01 to 2026-12-31 with their delivery
# confirmations and payments, every date worked out by hand below from the
# 2026 production calendar (rules/calendar/ru-2026.xml).  Days off in the
# period: Oct 3 4 10 11 17 18 24 25 31; Nov 1, 4 (holiday), 7 8 14 15 21 22
# 28 29; Dec 5 6 12 13 19 20 26 27 31.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;urban_gas;2;2;+79123456789;;post;0;2020-01-15
7201000002;01;individual;Петрова Анна Сергеевна;с. Каскара, ул. Школьная, д. 3;625530;urban_gas;2;2;;petrova@mail.ru;email;1;2019-06-01
7201000003;01;individual;Сидоров Пётр;г. Тюмень, ул. Мира, д. 7, кв. 2;625001;urban_gas;2;2;;;post;0;2019-06-01
7201000004;01;individual;Кузнецова Мария;г. Тюмень, ул. Мира, д. 9, кв. 4;625001;urban_gas;2;2;;;lkk;0;2019-06-01
7201000005;01;individual;Смирнов Олег;г. Тюмень, ул. Мира, д. 11, кв. 5;625001;urban_gas;2;2;+79120000005;;post;0;2019-06-01
7201000006;01;individual;Попов Илья;г. Тюмень, ул. Мира, д. 13, кв. 6;625001;urban_gas;2;2;;;post;0;2019-06-01
7201000007;01;individual;Волков Антон;г. Тюмень, ул. Мира, д. 15, кв. 7;625001;urban_gas;2;2;;;post;0;2019-06-01
7201000008;01;individual;Орлова Вера;г. Тюмень, ул. Мира, д. 17, кв. 8;625001;urban_gas;1;2;;;post;0;2019-06-01
7201000009;01;individual;Зайцев Глеб;г. Тюмень, ул. Мира, д. 19, кв. 9;625001;urban_gas;2;2;;;post;0;2019-06-01
7201000010;01;individual;Белова Ада;г. Тюмень, ул. Мира, д. 21, кв. 10;625001;urban_gas;2;2;;;post;0;2019-06-01
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1

# Threshold (SPEC 9.1 "2 monthly charges computed from the norm"): urban_gas,
# 2 rooms, 2 residents: norm 96 kWh per person (rules/norms.xml), tariff from
# 2026-10-01 band 1 = 3.34 (rules/tariffs.xml): 2 x (96 x 2 x 3.34) =
# 2 x 641.28 = 1282.56.
# Debt snapshots on 2026-10-01 (kopecks):
#   ..01 3000.00 over 2 periods  > 1282.56: a case
#   ..07 3000.00 over 1 period:  no case (one period only)
#   ..08 1200.00 over 2 periods: 1 resident: 2 x (96 x 1 x 3.34) = 641.28 <
#        1200.00: a case (see the threshold check below) - not walked further
psql -Xq <<'SQL'
insert into limit_channel values (7201000005, 'sms'), (7201000006, 'payment_document');
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7201000001, '2026-10-01', 300000, 2, 0, '2026-08-10'),
 (7201000002, '2026-10-01', 450000, 3, 0, '2026-07-10'),
 (7201000003, '2026-10-01', 200000, 2, 0, '2026-08-10'),
 (7201000004, '2026-10-01', 250000, 2, 0, '2026-08-10'),
 (7201000005, '2026-10-01', 260000, 2, 0, '2026-08-10'),
 (7201000006, '2026-10-01', 270000, 2, 0, '2026-08-10'),
 (7201000007, '2026-10-01', 300000, 1, 0, '2026-09-10'),
 (7201000009, '2026-11-25', 300000, 2, 0, '2026-10-10'),
 (7201000010, '2026-10-01', 300000, 2, 0, '2026-08-10');
SQL

# ..01 post, the whole way: warning issued Thu 10-01 (N7201000001-1-1),
# delivered (уведомление о вручении) Thu 10-08.
#   partial: 10-08 + 20 = Wed 10-28, working: window ends 10-28, partial Thu 10-29
#   full notice from: 10-08 + 40 = Tue 11-17, working: from Wed 11-18
#   full notice issued Wed 11-18 by post: states 11-18 + 7 = 11-25, + 11 =
#   Sun 12-06 -> Mon 12-07; delivered Tue 11-24: 11-24 + 11 = 12-05 <= 12-07,
#   valid: full Mon 12-07.  Paid 3000.00 Thu 12-10: reconnect 12-10 + 2 =
#   Sat 12-12 -> Mon 12-14.
# ..02 e-mail, remote metering: warning sent Thu 10-01 = delivered 10-01.
#   partial: 10-01 + 20 = Wed 10-21 -> Thu 10-22
#   full notice from: 10-01 + 40 = Tue 11-10 -> Wed 11-11; sent 11-11, states
#   11-11 + 0 + 3 = Sat 11-14 -> Mon 11-16; full Mon 11-16; never paid: open.
# ..03 post, paid in full (2000.00) Mon 10-05 before the warning is delivered:
#   cancelled, no request at all (the letter delivered on 10-07 changes nothing).
# ..04 portal (lkk): opened Fri 10-02: partial 10-02 + 20 = Thu 10-22 -> Fri 10-23,
#   request sent 10-02; paid 1000.00 10-09 and 1500.00 Thu 10-15 (in full on
#   10-15): cancel request dated 10-15, case cancelled.
# ..05 sms (operator's channel): gateway confirms Thu 10-01: partial Thu 10-22;
#   operator cancels Mon 10-12 "рассрочка": cancel request 10-12.
# ..09 post, in debt from the snapshot of Wed 11-25: warning 11-25, delivered
#   Tue 12-01: 12-01 + 20 = Mon 12-21 -> Tue 12-22; but the warning printed
#   11-25 + 7 = 12-02, + 20 = Tue 12-22 -> Wed 12-23, and a step is never
#   earlier than printed (SPEC 9.2.9): partial Wed 12-23; full notice from
#   12-01 + 40 = Sun 2027-01-10 (ru-2027.xml: 9-10 weekend) -> window ends
#   Mon 01-11, not before Tue 2027-01-12 (printed: 12-02 + 40 = Mon 01-11,
#   the same); not reached by the walk.
# ..10 post, as ..01 until the full notice of Wed 11-18 (states Mon 12-07),
#   which is delivered late, Mon 11-30: 11-30 + 11 = 12-11 > 12-07: void;
#   re-issued 11-30 stating 11-30 + 7 = 12-07, + 11 = Fri 12-18; delivered
#   Fri 12-04: 12-04 + 11 = 12-15 <= 12-18, valid: full Fri 12-18.
# ..06 inside the payment document: issued 10-01, its text waits in
#   limit_doc_warning; docs prints it in the October document issued Fri
#   10-30 (simulated below), deemed delivered 10-30 + 7 = Fri 11-06:
#   partial 11-06 + 20 = Thu 11-26, working -> Fri 11-27.
psql -Xq <<'SQL'
insert into delivery (notice_id, status, at, evidence) values
 ('N7201000001-1-1', 'delivered', '2026-10-08', 'ШПИ 62500012345678'),
 ('N7201000001-1-2', 'delivered', '2026-11-24', 'ШПИ 62500012345679'),
 ('N7201000003-1-1', 'delivered', '2026-10-07', 'ШПИ 62500012345680'),
 ('N7201000004-1-1', 'delivered', '2026-10-02', 'ЛКК: открыто'),
 ('N7201000005-1-1', 'delivered', '2026-10-01', 'SMS доставлено'),
 ('N7201000009-1-1', 'delivered', '2026-12-01', 'ШПИ 62500012345681'),
 ('N7201000010-1-1', 'delivered', '2026-10-08', 'ШПИ 62500012345682'),
 ('N7201000010-1-2', 'delivered', '2026-11-30', 'ШПИ 62500012345683'),
 ('N7201000010-1-3', 'delivered', '2026-12-04', 'ШПИ 62500012345684');
insert into payment (account_id, channel, source_id, paid_on, amount) values
 (7201000001, 'sberbank', 'p1', '2026-12-10', 300000),
 (7201000003, 'sberbank', 'p2', '2026-10-05', 200000),
 (7201000004, 'sberbank', 'p3', '2026-10-09', 100000),
 (7201000004, 'sberbank', 'p4', '2026-10-15', 150000);
SQL

test_expect_success 'day 1 (Thu 2026-10-01): warnings to the seven households in debt' '
	walk 2026-10-01 2026-10-01 &&
	grep -q "^sbyt limit run: as_of=2026-10-01 notices=7 requests=2 cancelled=0" walk.log &&
	test "$(q "select count(*) from limit_case where account_id=7201000007")" = 0
'
# Seven households in debt get a warning (..07 owes one period only);
# ..02 (email, delivered on sending) and ..05 (sms confirmed the same day):
# their partial requests went on 10-01.
test_expect_success 'the same day again creates nothing new' '
	cp -r "$SBYT_OUT/limit/2026-10-01" first &&
	sbyt limit run --as-of 2026-10-01 2> again.log &&
	grep -q "notices=0 requests=0 cancelled=0" again.log &&
	for k in notices-post notices-email notices-sms grid-requests; do
		unzip -p first/01/$k.zip notices.xml requests.xml > a.xml 2>/dev/null;
		zipxml 2026-10-01 01 $k notices.xml > b.xml 2>/dev/null;
		zipxml 2026-10-01 01 $k requests.xml >> b.xml 2>/dev/null;
		cmp a.xml b.xml || return 1;
	done
'
# The warning names the partial date it leads to if delivered when deemed:
# 10-01 + 7 = 10-08, + 20 = Wed 10-28, window ends 10-28: partial Thu 10-29.
test_expect_success 'the post package: XML with the debt and a mailing list' '
	zipxml 2026-10-01 01 notices-post notices.xml > post.xml &&
	xmllint --noout post.xml &&
	N="/*[local-name()=\"Notices\"]/*[local-name()=\"Notice\"][@account=\"7201000001\"]" &&
	test "$(xmllint --xpath "string($N/@step)" post.xml)" = warning &&
	test "$(xmllint --xpath "string($N/@issued)" post.xml)" = 2026-10-01 &&
	test "$(xmllint --xpath "string($N/@id)" post.xml)" = N7201000001-1-1 &&
	test "$(xmllint --xpath "string($N/@planned)" post.xml)" = 2026-10-29 &&
	test "$(xmllint --xpath "string($N/*[local-name()=\"Debt\"]/@overdue)" post.xml)" = 3000.00 &&
	test "$(xmllint --xpath "string($N/*[local-name()=\"Debt\"]/@threshold)" post.xml)" = 1282.56 &&
	test "$(xmllint --xpath "string($N/*[local-name()=\"Debt\"]/@periods)" post.xml)" = 2 &&
	test "$(xmllint --xpath "namespace-uri(/*)" post.xml)" = urn:sbyt:limitation:1 &&
	zipxml 2026-10-01 01 notices-post mailing.csv > mail.csv &&
	grep -q "^Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;N7201000001-1-1$" mail.csv &&
	unzip -l "$SBYT_OUT/limit/2026-10-01/01/notices-post.zip" | grep -q manifest.xml &&
	test -f "$SBYT_OUT/limit/2026-10-01/01/register.xlsx"
'
test_expect_success 'the payment-document warning waits for docs, no package' '
	test "$(q "select notice_id from limit_doc_warning where account_id=7201000006")" = N7201000006-1-1 &&
	q "select text from limit_doc_warning" | grep -q "ПРЕДУПРЕЖДЕНИЕ" &&
	test ! -f "$SBYT_OUT/limit/2026-10-01/01/notices-payment_document.zip" &&
	psql -Xq -c "insert into document values (7201000006, date '"'"'2026-10-01'"'"', '"'"'01'"'"', 1, '"'"'post'"'"', date '"'"'2026-10-30'"'"', date '"'"'2026-11-10'"'"', 270000, '"'"'ST00012'"'"');
		update limit_doc_warning set printed_period = date '"'"'2026-10-01'"'"' where account_id = 7201000006"
'
test_expect_success 'a day off (Sat 10-03) records deliveries only' '
	walk 2026-10-02 2026-10-03 &&
	grep -q "^sbyt limit run: as_of=2026-10-03 notices=0 requests=0 cancelled=0 .*working=0" walk.log &&
	test ! -d "$SBYT_OUT/limit/2026-10-03"
'
# ..05: the operator cancels on Mon 10-12 after the day's run; the run of
# 10-12 again packages the cancel request with the day's other requests.
test_expect_success '..05 sms: the operator cancels with a reason (cancel request)' '
	walk 2026-10-04 2026-10-12 &&
	sbyt limit cancel 7201000005 --reason "рассрочка по заявлению" --as-of 2026-10-12 &&
	test "$(q "select status||chr(32)||reason from limit_case where account_id=7201000005")" = "cancelled рассрочка по заявлению" &&
	sbyt limit run --as-of 2026-10-12 2>> walk.log &&
	zipxml 2026-10-12 01 grid-requests requests.xml | grep -q "account=\"7201000005\" action=\"cancel\" date=\"2026-10-12\"" &&
	! sbyt limit cancel 7201000005 --reason again --as-of 2026-10-12 2>/dev/null
'
test_expect_success 'walk to the end of the year' '
	walk 2026-10-13 2026-12-31
'
test_expect_success '..01 post: warning, partial, full notice, full, reconnect' '
	ex 7201000001 2026-12-31 &&
	test "$(cs 7201000001 1)" = closed &&
	test "$(st 7201000001 "@name=\"warning\"" date)" = 2026-10-01 &&
	test "$(st 7201000001 "@name=\"warning\"" delivered)" = 2026-10-08 &&
	test "$(st 7201000001 "@name=\"warning\"" rule)" = individual.warning &&
	test "$(st 7201000001 "@name=\"partial\"" date)" = 2026-10-29 &&
	test "$(st 7201000001 "@name=\"partial\"" state)" = done &&
	test "$(st 7201000001 "@name=\"partial\"" rule)" = individual.partial &&
	test "$(st 7201000001 "@name=\"full_notice\"" date)" = 2026-11-18 &&
	test "$(st 7201000001 "@name=\"full_notice\"" delivered)" = 2026-11-24 &&
	test "$(st 7201000001 "@name=\"full\"" date)" = 2026-12-07 &&
	test "$(st 7201000001 "@name=\"full\"" state)" = done &&
	test "$(st 7201000001 "@name=\"reconnect\"" date)" = 2026-12-14 &&
	test "$(st 7201000001 "@name=\"reconnect\"" rule)" = reconnect &&
	requests 7201000001 > r && printf "%s\n" "partial 2026-10-29 2026-10-08" \
		"full 2026-12-07 2026-11-24 0" "reconnect 2026-12-14 2026-12-10" | diff - r
'
test_expect_success '..01 the full notice in the 11-18 package states 12-07' '
	zipxml 2026-11-18 01 notices-post notices.xml > fn.xml &&
	N="/*[local-name()=\"Notices\"]/*[local-name()=\"Notice\"][@account=\"7201000001\"]" &&
	test "$(xmllint --xpath "string($N/@step)" fn.xml)" = full_notice &&
	test "$(xmllint --xpath "string($N/@planned)" fn.xml)" = 2026-12-07 &&
	zipxml 2026-12-10 01 grid-requests requests.xml > rq.xml &&
	R="/*[local-name()=\"Requests\"]/*[local-name()=\"Request\"]" &&
	test "$(xmllint --xpath "string($R/@action)" rq.xml)" = reconnect &&
	test "$(xmllint --xpath "string($R/@date)" rq.xml)" = 2026-12-14
'
test_expect_success '..02 e-mail, remote metering: full 3 days after the full notice' '
	ex 7201000002 2026-12-31 &&
	test "$(cs 7201000002 1)" = open &&
	test "$(st 7201000002 "@name=\"warning\"" delivered)" = 2026-10-01 &&
	test "$(st 7201000002 "@name=\"partial\"" date)" = 2026-10-22 &&
	test "$(st 7201000002 "@name=\"full_notice\"" date)" = 2026-11-11 &&
	test "$(st 7201000002 "@name=\"full\"" date)" = 2026-11-16 &&
	test "$(st 7201000002 "@name=\"full\"" state)" = done &&
	zipxml 2026-11-11 01 notices-email notices.xml | grep -q "planned=\"2026-11-16\""
'
test_expect_success '..03 paid before the warning was delivered: cancelled, no request' '
	ex 7201000003 2026-12-31 &&
	test "$(cs 7201000003 1)" = cancelled &&
	test "$(st 7201000003 "@name=\"warning\"" state)" = cancelled &&
	test -z "$(requests 7201000003)" &&
	test "$(q "select reason from limit_case where account_id=7201000003")" = "оплата задолженности 2026-10-05"
'
test_expect_success '..04 portal, paid after the partial request: cancel request' '
	ex 7201000004 2026-12-31 &&
	test "$(cs 7201000004 1)" = cancelled &&
	test "$(st 7201000004 "@name=\"partial\"" state)" = cancelled &&
	test "$(st 7201000004 "@name=\"partial\"" date)" = 2026-10-23 &&
	test "$(st 7201000004 "@name=\"cancel\"" date)" = 2026-10-15 &&
	requests 7201000004 > r && printf "%s\n" "partial 2026-10-23 2026-10-02" \
		"cancel 2026-10-15 2026-10-15" | diff - r
'
test_expect_success '..05 explain: partial cancelled, the cancel step' '
	ex 7201000005 2026-12-31 &&
	test "$(cs 7201000005 1)" = cancelled &&
	test "$(st 7201000005 "@name=\"partial\"" date)" = 2026-10-22 &&
	test "$(st 7201000005 "@name=\"cancel\"" rule)" = cancel.operator &&
	requests 7201000005 > r && printf "%s\n" "partial 2026-10-22 2026-10-01" \
		"cancel 2026-10-12 2026-10-12" | diff - r
'
test_expect_success '..06 payment document: partial from the deemed delivery of the document' '
	ex 7201000006 2026-12-31 &&
	test "$(st 7201000006 "@name=\"warning\"" delivered)" = 2026-11-06 &&
	test "$(st 7201000006 "@name=\"partial\"" date)" = 2026-11-27 &&
	test "$(st 7201000006 "@name=\"partial\"" state)" = done
'
# ..06 (channel payment_document): the full notice states a date, so it is
#   never printed in a payment document: warning delivered 11-06 + 40 =
#   Wed 12-16, not before Thu 12-17: issued 12-17 by registered post,
#   deemed 12-17 + 7 = 12-24, + 11 = Mon 2027-01-04, a holiday; 4-8 Jan
#   holidays, 9-10 weekend -> stated full Mon 2027-01-11.
test_expect_success '..06 the dated full notice goes by post, not in the payment document' '
	notices 7201000006 > n && cat n &&
	grep -q "^N7201000006-1-2 post 2026-12-17 2027-01-11" n
'
test_expect_success '..09 a step in the next year: planned from the 2027 calendar' '
	ex 7201000009 2026-12-31 &&
	test "$(st 7201000009 "@name=\"partial\"" date)" = 2026-12-23 &&
	test "$(st 7201000009 "@name=\"partial\"" state)" = done &&
	test "$(st 7201000009 "@name=\"full_notice\"" date)" = 2027-01-12 &&
	test "$(st 7201000009 "@name=\"full_notice\"" state)" = planned &&
	! grep -q "pending_calendar=[1-9]" walk.log &&
	! grep -q "no production calendar" walk.log
'
test_expect_success '..10 a late full notice is void and re-issued; full on the new date' '
	ex 7201000010 2026-12-31 &&
	notices 7201000010 > n && printf "%s\n" \
		"N7201000010-1-1 post 2026-10-01 2026-10-29 2026-10-08" \
		"N7201000010-1-2 post 2026-11-18 2026-12-07 2026-11-30 void" \
		"N7201000010-1-3 post 2026-11-30 2026-12-18 2026-12-04" | diff - n &&
	test "$(xmllint --xpath "count(//Step[@name=\"full_notice\"])" ex-7201000010.xml)" = 2 &&
	test "$(st 7201000010 "@name=\"full\"" date)" = 2026-12-18 &&
	test "$(st 7201000010 "@name=\"full\"" state)" = done &&
	requests 7201000010 > r && printf "%s\n" "partial 2026-10-29 2026-10-08" \
		"full 2026-12-18 2026-12-04 0" | diff - r
'
# The snapshot explain shows is the latest taken on or before its day: by
# 12-31 that of 11-25, which has no row of ..01 (no overdue debt); by 11-24
# that of 10-01.
test_expect_success 'explain text shows the arithmetic, the snapshot and the calendar' '
	sbyt limit explain 7201000001 --as-of 2026-12-31 > t.txt &&
	grep -qF "delivered 2026-10-08 + 20 calendar days = 2026-10-28 (Wed, working): window ends 2026-10-28; next step on 2026-10-29" t.txt &&
	grep -qx "debt snapshot: no overdue debt on or before 2026-12-31" t.txt &&
	sbyt limit explain 7201000001 --as-of 2026-11-24 > t2.txt &&
	grep -q "debt snapshot 2026-10-01: overdue 3000.00 over 2 periods" t2.txt &&
	grep -q "calendar: .*ru-2026.xml" t.txt &&
	grep -q "ПП № 354" t.txt
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$SBYT_OUT"
'
test_done
