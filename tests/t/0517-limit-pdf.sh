#!/bin/sh
# 0517-limit-pdf: the limitation notices and the grid request as PDF a
# person reads (SPEC 8.1), checked the way a reader would: pdftotext holds
# the account, the debt, the dates and the citation, and the same text
# notices.xml carries; pdffonts shows every font embedded; the post print
# file has one notice per page in notices.xml's order and its page count
# in the manifest; e-mail gets one ACCOUNT-NOTICE.pdf per notice; `sbyt
# limit render --notice` reprints a notice and its request byte for byte.
# The set-up of 0614 (2026 calendar: days off Jun 20 21 27 28).
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
7207000004;07;individual;Почтовая Ирина Олеговна;г. Ишим, ул. Мира, д. 6, кв. 1;627750;urban_gas;1;1;;ip@x.example;email;0;2020-01-15
7207000005;07;legal;АО Бронь;г. Ишим, ул. Мира, д. 8;627750;;0;0;;b@x.example;post;0;2021-02-01
CSV
cat > reserves.csv <<'CSV'
account;tech_kw;emergency_kw;no_below_emergency;authority_emails
7207000005;31.3;15.6;0;edds@adm-ishim.example
CSV
cat > meters.csv <<'CSV'
account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;initial_t3
7207000001;CE6803-0042;1;6;2021-02-01;2033-01-01;100;;
CSV
for k in branches accounts meters reserves; do sbyt -q load $k $k.csv || exit 1; done
psql -Xq <<'SQL'
insert into obligation values (7207000001, '2026-04-01', 1, 'balance', '2026-05-18', 5000000),
 (7207000005, '2026-04-01', 1, 'balance', '2026-05-18', 5000000);
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7207000001, '2026-06-15', 6000000, 2, 0, '2026-05-18'),
 (7207000002, '2026-06-15', 500000, 3, 0, '2026-04-10'),
 (7207000004, '2026-06-15', 612345, 4, 0, '2026-03-10'),
 (7207000005, '2026-06-15', 7000000, 2, 0, '2026-05-18');
insert into delivery (notice_id, status, at, evidence) values
 ('N7207000001-1-1', 'delivered', '2026-06-22', 'ШПИ 1');
SQL
test_expect_success 'run 06-15 .. 06-22' '
	walk 2026-06-15 2026-06-22
'
P="$SBYT_OUT/limit/2026-06-15/07"
# "60 000,00" -> "60000.00", "15.06.2026" stays.
plain() { sed 's/\xc2\xa0/ /g; s/\([0-9]\) \([0-9][0-9][0-9]\)/\1\2/g; s/\([0-9]\),\([0-9][0-9]\)\b/\1.\2/g; s/−/-/g'; }
N='/*[local-name()="Notices"]/*[local-name()="Notice"]'

test_expect_success 'the post package holds notices.pdf beside notices.xml' '
	unzip -Z1 "$P/notices-post.zip" > list && grep -qx notices.pdf list && grep -qx notices.xml list &&
	unzip -p "$P/notices-post.zip" notices.pdf > post.pdf &&
	unzip -p "$P/notices-post.zip" notices.xml > post.xml &&
	pdftotext -layout post.pdf - | plain > post.txt
'
# The legal notice (post, Mon 06-15): 60000.00 over 2 periods, threshold
# 50000.00; partial 06-15 + 7 + 10 = Thu 07-02, full once 3 working days
# after it (07-03, 07-06, 07-07) have run out: Wed 07-08 (as in 0614).
test_expect_success 'the legal notice: account, debt, dates and citation' '
	pdftotext -f 1 -l 1 -layout post.pdf - | plain > n1.txt &&
	grep -q "7207000001" n1.txt && grep -q "ООО Текст" n1.txt &&
	grep -q "№ N7207000001-1-1 от 15\.06\.2026" n1.txt &&
	grep -Fq "60000.00" n1.txt && grep -Fq "50000.00" n1.txt &&
	grep -q "02\.07\.2026" n1.txt && grep -q "08\.07\.2026" n1.txt &&
	grep -q "с 02\.07\.2026 самостоятельно" n1.txt &&
	tr -s " \n" "  " < n1.txt > n1.flat &&
	grep -Fq "Основание: ПП РФ от 04.05.2012 № 442, Правила полного и (или) частичного ограничения режима потребления электрической энергии, пп. 8-10." n1.flat
'
# pdftotext may lose a space where the font kerns ("участок,телефон"): the
# texts are compared without their spaces (and the no-break spaces of sums).
test_expect_success 'the PDF carries the text of notices.xml, word for word' '
	for acc in 7207000001 7207000002; do
		xmllint --xpath "string($N[@account=\"$acc\"]/*[local-name()=\"Text\"])" post.xml |
			sed "s/\xc2\xa0//g" | tr -d " \n" > want
		pdftotext -raw post.pdf - | sed "s/\xc2\xa0//g" | tr -d " \n\f" > got
		grep -Fq "$(cat want)" got || { echo "text of $acc not in the PDF"; exit 1; }
	done
'
# 2 x (96 kWh x 2 persons x 3.00) = 1152.00: the household threshold (0614).
test_expect_success 'the household warning: its debt, threshold and earliest partial' '
	grep -Fq "5000.00" post.txt && grep -Fq "1152.00" post.txt && grep -q "14\.07\.2026" post.txt &&
	grep -q "ПРЕДУПРЕЖДЕНИЕ № N7207000002-1-1" post.txt
'
test_expect_success 'every font is embedded' '
	pdffonts post.pdf > fonts && [ "$(awk "NR > 2" fonts | wc -l)" -ge 1 ] &&
	awk "NR > 2 && \$(NF - 4) != \"yes\" { bad = 1 } END { exit bad }" fonts
'
# A notice takes a page or more (its table of unpaid periods may push its
# end to the next page: 7207000005's does); each page's footer names it.
test_expect_success 'the notices in the order of notices.xml, pages in the manifest' '
	grep -o "<Notice id=\"[^\"]*\"" post.xml | cut -d\" -f2 > order &&
	n=$(pdfinfo post.pdf | sed -n "s/^Pages: *//p") && [ "$n" -ge "$(wc -l < order)" ] &&
	pdftotext -layout post.pdf - | tr "\f" "\n" | sed -n "s/.*уведомление \(N[0-9-]*\) от.*/\1/p" > pages &&
	[ "$(wc -l < pages)" = "$n" ] && uniq pages > got &&
	diff order got &&
	unzip -p "$P/notices-post.zip" manifest.xml | grep -q "<Fact name=\"pages\" value=\"$n\"/>"
'
test_expect_success 'e-mail: one ACCOUNT-NOTICE.pdf per notice, hashed in the manifest' '
	z="$P/notices-email.zip" && unzip -Z1 "$z" | grep "\.pdf$" > got &&
	echo 7207000004-N7207000004-1-1.pdf > want && diff want got &&
	rm -rf x && mkdir x && (cd x && unzip -q "$z") &&
	grep -q "name=\"7207000004-N7207000004-1-1.pdf\" bytes=\"$(stat -c %s x/7207000004-N7207000004-1-1.pdf)\" sha256=\"$(sha256sum x/7207000004-N7207000004-1-1.pdf | cut -c1-64)\"" x/manifest.xml &&
	pdftotext -layout x/7207000004-N7207000004-1-1.pdf - | plain > e.txt &&
	grep -Fq "6123.45" e.txt && grep -q "Почтовая Ирина Олеговна" e.txt &&
	grep -q "электронная почта из договора" e.txt
'
test_expect_success 'limit render --notice reprints the e-mail notice byte for byte' '
	sbyt -q limit render --notice N7207000004-1-1 --out re > paths &&
	[ "$(head -1 paths)" = re/7207000004-N7207000004-1-1.pdf ] &&
	cmp re/7207000004-N7207000004-1-1.pdf x/7207000004-N7207000004-1-1.pdf &&
	[ "$(stat -c %a re/7207000004-N7207000004-1-1.pdf)" = 640 ]
'
test_expect_success 'a reprint of a post notice is its page of the print file' '
	sbyt -q limit render --notice N7207000002-1-1 --out re2 > paths &&
	pdftotext -layout re2/7207000002-N7207000002-1-1.pdf r.txt &&
	p=$(grep -n "^N7207000002-1-1$" order | cut -d: -f1) &&
	pdftotext -f "$p" -l "$p" -layout post.pdf - | cmp - r.txt
'
# The reserve consumer's notice (post, Mon 06-15, deemed delivered 06-22)
# goes to the authorities too (e-mail, one PDF): tech reserve 06-22 + 10 =
# Thu 07-02; emergency once 5 days from it have run out (07-03 .. Tue
# 07-07): Wed 07-08.
test_expect_success 'the copy to the authorities: one PDF that says what it is' '
	z="$P/notices-authorities.zip" && unzip -Z1 "$z" | grep "\.pdf$" > got &&
	[ "$(wc -l < got)" = 1 ] && grep -q "^7207000005-" got &&
	unzip -p "$z" "$(cat got)" | pdftotext -layout - - | plain > a.txt &&
	grep -q "Копия уведомления в уполномоченные органы" a.txt && grep -q "АО Бронь" a.txt &&
	grep -q "В уполномоченные органы" a.txt && grep -q "edds@adm-ishim.example" a.txt &&
	grep -Fq "70000.00" a.txt && grep -q "31.3 кВт" a.txt && grep -q "15.6 кВт" a.txt &&
	grep -q "02\.07\.2026" a.txt && grep -q "08\.07\.2026" a.txt &&
	tr -s " \n" "  " < a.txt | grep -q "ПП РФ от 04.05.2012 № 442, Правила полного и (или) частичного ограничения режима потребления электрической энергии, п. 17"
'
# The delivery of the legal notice on Mon 06-22 fixes the partial of
# 07-02: the request R7207000001-1-1 goes on 06-22 (0614).
R="$SBYT_OUT/limit/2026-06-22/07/grid-requests.zip"
test_expect_success 'the grid request form: account, address, meter, action, date, basis' '
	unzip -Z1 "$R" | grep "\.pdf$" > got && echo 7207000001-R7207000001-1-1.pdf > want && diff want got &&
	unzip -p "$R" 7207000001-R7207000001-1-1.pdf > req.pdf &&
	pdftotext -layout req.pdf - | plain > req.txt &&
	grep -q "R7207000001-1-1 от 22\.06\.2026" req.txt && grep -q "7207000001" req.txt &&
	grep -q "г. Ишим, ул. Мира, д. 1" req.txt && grep -q "CE6803-0042" req.txt &&
	grep -q "частичное ограничение режима потребления" req.txt && grep -q "02\.07\.2026" req.txt &&
	grep -q "уведомление № N7207000001-1-1 от 15\.06\.2026, доставлено 22\.06\.2026" req.txt &&
	grep -q "+73455100007" req.txt && grep -q "п\. 9" req.txt
'
test_expect_success 'limit render --notice reprints the notice and its request' '
	sbyt -q limit render --notice N7207000001-1-1 --out re3 > paths &&
	printf "re3/7207000001-N7207000001-1-1.pdf\nre3/7207000001-R7207000001-1-1.pdf\n" > want &&
	diff want paths && cmp re3/7207000001-R7207000001-1-1.pdf req.pdf &&
	pdftotext -layout re3/7207000001-N7207000001-1-1.pdf - | cmp - "$(pdftotext -f 1 -l 1 -layout post.pdf n1.raw; echo n1.raw)"
'
test_expect_success 'by default a reprint goes to OUT/limit/reprint' '
	sbyt -q limit render --notice N7207000004-1-1 > paths &&
	[ "$(head -1 paths)" = "$SBYT_OUT/limit/reprint/7207000004-N7207000004-1-1.pdf" ] &&
	[ -s "$(head -1 paths)" ]
'
test_expect_code 65 'an unknown notice is refused' 'sbyt -q limit render --notice N7299999999-1-1 --out re4'
test_expect_success 'and nothing is written for it' '[ ! -e re4 ] || [ -z "$(ls re4)" ]'
test_expect_code 64 'a notice id with a slash is a usage error' 'sbyt -q limit render --notice ../x'
test_expect_code 64 'render without --notice is a usage error' 'sbyt -q limit render'
test_done
