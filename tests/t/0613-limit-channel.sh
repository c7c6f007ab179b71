#!/bin/sh
# 0613-limit-channel: `sbyt limit channel ACCOUNT CHANNEL --reason TEXT`: the
# operator's choice of a notice channel, recorded with the database user, the
# operating-system user (not $USER) and the time; `personal` (against
# signature) end to end: the notice goes in notices-personal.zip and its
# delivery is the signature date.  Dates by hand from the 2026 calendar
# (rules/calendar/ru-2026.xml): days off Jun 20 21 27 28, Jul 4 5 11 12.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
06;Тавдинский участок;г. Тавда, ул. Ленина, д. 6;+73436000006
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7206000001;06;individual;Житель Первый;г. Тавда, д. 1;623950;urban_gas;2;2;;;post;0;2020-01-15
7206000002;06;individual;Житель Второй;г. Тавда, д. 2;623950;urban_gas;2;2;+79120000002;;post;0;2020-01-15
7206000003;06;legal;ООО Третье;г. Тавда, д. 3;623950;;0;0;;o3@x.example;post;0;2021-02-01
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1

test_expect_code 64 'an unknown channel is a usage error' '
	sbyt limit channel 7206000001 pigeon --reason "x"
'
test_expect_code 64 'the reason is required' '
	sbyt limit channel 7206000001 personal
'
test_expect_code 65 'e-mail needs an address' '
	sbyt limit channel 7206000001 email --reason "просьба клиента" 2>err; rc=$?
	grep -q "account .7206000001. has no e-mail address: channel .email. refused" err && exit $rc
'
test_expect_code 65 'edo is for legal entities' '
	sbyt limit channel 7206000001 edo --reason "x"
'
test_expect_code 65 'a legal entity has no payment-document warning' '
	sbyt limit channel 7206000003 document --reason "x"
'
test_expect_code 65 'an unknown account' '
	sbyt limit channel 7206999999 post --reason "x"
'
test_expect_success 'personal, recorded with who and when (not $USER)' '
	USER=mallory LOGNAME=mallory sbyt limit channel 7206000001 personal \
		--reason "вручить под расписку в офисе" --as-of 2026-06-12 2>err &&
	grep -q "^sbyt limit channel: account=7206000001 channel=personal previous=post" err &&
	test "$(q "select channel||chr(124)||reason||chr(124)||db_user||chr(124)||os_user from limit_channel where account_id = 7206000001")" = \
		"personal|вручить под расписку в офисе|$(q "select session_user")|$(id -un)" &&
	test "$(q "select count(*) from limit_channel where account_id = 7206000001 and set_at > now() - interval $(printf "\04710 minutes\047")")" = 1 &&
	test "$(q "select seq||chr(124)||channel||chr(124)||coalesce(previous, chr(45))||chr(124)||os_user||chr(124)||as_of from limit_channel_log where account_id = 7206000001")" = \
		"1|personal|-|$(id -un)|2026-06-12"
'
test_expect_success 'a second choice keeps the first in the log' '
	sbyt limit channel 7206000002 sms --reason "просьба клиента" &&
	sbyt limit channel 7206000002 document --reason "SMS не доходят" &&
	test "$(q "select string_agg(channel||chr(58)||coalesce(previous, chr(45)), chr(32) order by seq) from limit_channel_log where account_id = 7206000002")" = \
		"sms:- payment_document:sms" &&
	test "$(q "select channel from limit_channel where account_id = 7206000002")" = payment_document
'
# ..01 by hand (personal, allowance 0): warning issued Mon 06-15, printed
# 06-15 + 0 + 20 = Sun 07-05, window ends Mon 07-06: Tue 07-07.  Signed for
# Wed 06-17: 06-17 + 20 = Tue 07-07, working, window ends 07-07: Wed 07-08
# (later than printed): partial Wed 07-08.
test_expect_success 'the personal warning: package, signature date, partial from it' '
	psql -Xq -c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
		values (7206000001, date $(printf "\047%s\047" 2026-06-15), 500000, 3, 0, date $(printf "\047%s\047" 2026-04-10))" &&
	walk 2026-06-15 2026-06-16 &&
	zipxml 2026-06-15 06 notices-personal notices.xml > p.xml &&
	xmllint --noout --schema "$SBYT_TOP/xsd/limitation.xsd" p.xml &&
	N="/*[local-name()=\"Notices\"]/*[local-name()=\"Notice\"][@account=\"7206000001\"]" &&
	test "$(xmllint --xpath "string($N/@channel)" p.xml)" = personal &&
	test "$(xmllint --xpath "string($N/@planned)" p.xml)" = 2026-07-07 &&
	q "insert into delivery (notice_id, status, at, evidence) values ($(printf "\047N7206000001-1-1\047"), $(printf "\047delivered\047"), date $(printf "\047%s\047" 2026-06-17), $(printf "\047подпись\047"))" &&
	walk 2026-06-17 2026-07-08 &&
	requests 7206000001 > r && printf "%s\n" "partial 2026-07-08 2026-06-17" | diff - r &&
	nopast > past && empty past
'
test_done
