#!/bin/sh
# 0351-limit-explain-ru: the explanations an auditor reads in the limitation
# workbooks are Russian (SPEC 11.1, issue 15): the day's register.xlsx
# ("Исходные данные", "Даты (расчёт)") and `sbyt report limitation` (the
# steps' "Расчёт даты") are worded by rules/limitation.xml <explanations>,
# with dates as ДД.ММ.ГГГГ and day counts in their Russian plural, while
# `sbyt limit explain` (the terminal) keeps the English arithmetic.  A
# household walked through warning, delivery, partial, full notice, full,
# payment and reconnect; a household cancelled by payment; one cancelled by
# the operator; a household whose full notice is void and re-issued; a legal
# entity through notice, partial, full (working days) and a reconnect moved
# off the 4 November holiday.  Every expected text below is worked out by
# hand from the 2026 production calendar (rules/calendar/ru-2026.xml): days
# off Oct 3 4 10 11 17 18 24 25 31; Nov 1, 4 (holiday), 7 8 14 15 21 22 28
# 29; Dec 5 6 12 13.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
H='account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
cat > accounts.csv <<CSV
$H
7201000001;01;individual;Иванов Иван Иванович;г. Тюмень, ул. Ленина, д. 5, кв. 1;625000;urban_gas;2;2;+79123456789;;post;0;2020-01-15
7201000003;01;individual;Сидоров Пётр;г. Тюмень, ул. Мира, д. 7, кв. 2;625001;urban_gas;2;2;;;post;0;2019-06-01
7201000005;01;individual;Смирнов Олег;г. Тюмень, ул. Мира, д. 11, кв. 5;625001;urban_gas;2;2;+79120000005;;post;0;2019-06-01
7201000010;01;individual;Белова Ада;г. Тюмень, ул. Мира, д. 21, кв. 10;625001;urban_gas;2;2;;;post;0;2019-06-01
7202000001;02;legal;ООО Лесник;г. Тобольск, ул. Мира, д. 10;626150;;0;0;;office@lesnik.example;post;0;2021-02-01
CSV
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1

# Households: urban_gas, 2 rooms, 2 residents: threshold 2 x (96 x 2 x 3.34)
# = 1282.56 (see 0600).  Legal: obligations of 2026-08 50000.00; overdue
# 60000.00 over 2 periods (see 0601).
psql -Xq <<'SQL'
insert into limit_channel values (7201000005, 'sms');
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due) values
 (7201000001, '2026-10-01', 300000, 2, 0, '2026-08-10'),
 (7201000003, '2026-10-01', 200000, 2, 0, '2026-08-10'),
 (7201000005, '2026-10-01', 260000, 2, 0, '2026-08-10'),
 (7201000010, '2026-10-01', 300000, 2, 0, '2026-08-10'),
 (7202000001, '2026-10-01', 6000000, 2, 0, '2026-08-18');
insert into obligation (account_id, period, seq, kind, due, amount)
 values (7202000001, '2026-08-01', 1, 'balance', '2026-09-18', 5000000);
insert into delivery (notice_id, status, at, evidence) values
 ('N7201000001-1-1', 'delivered', '2026-10-08', 'ШПИ 62500012345678'),
 ('N7201000001-1-2', 'delivered', '2026-11-24', 'ШПИ 62500012345679'),
 ('N7201000003-1-1', 'delivered', '2026-10-07', 'ШПИ 62500012345680'),
 ('N7201000005-1-1', 'delivered', '2026-10-01', 'SMS доставлено'),
 ('N7201000010-1-1', 'delivered', '2026-10-08', 'ШПИ 62500012345682'),
 ('N7201000010-1-2', 'delivered', '2026-11-30', 'ШПИ 62500012345683'),
 ('N7201000010-1-3', 'delivered', '2026-12-04', 'ШПИ 62500012345684'),
 ('N7202000001-1-1', 'returned', '2026-10-08', 'ШПИ 62615012345678: истёк срок хранения');
insert into payment (account_id, channel, source_id, paid_on, amount) values
 (7201000001, 'sberbank', 'p1', '2026-12-10', 300000),
 (7201000003, 'sberbank', 'p2', '2026-10-05', 200000),
 (7202000001, 'payments', 'l1', '2026-11-02', 6000000);
SQL

# reg DAY BRANCH: the rows of that day's register as TSV (the cells of
# columns A-I), to reg-DAY-BRANCH.tsv
reg() {
	$PY - "$SBYT_OUT/limit/$1/$2/register.xlsx" > "reg-$1-$2.tsv" <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
for r in ws.iter_rows(min_row=1, values_only=True):
    print("\t".join("" if v is None else str(v) for v in r))
PY
}

test_expect_success 'walk 2026-10-01 .. 2026-12-14, the operator cancels ..05 on 10-12' '
	walk 2026-10-01 2026-10-11 &&
	sbyt limit cancel 7201000005 --as-of 2026-10-12 --reason "рассрочка платежа" &&
	walk 2026-10-12 2026-12-14 &&
	sbyt -q --as-of 2026-12-14 report limitation &&
	for d in 2026-10-01 2026-10-05 2026-10-08 2026-10-12 2026-10-19 2026-10-23 2026-10-29 2026-11-02 2026-11-18 2026-11-24 2026-11-30 2026-12-04 2026-12-07 2026-12-10 2026-12-14; do
		for b in 01 02; do test -f "$SBYT_OUT/limit/$d/$b/register.xlsx" && reg $d $b; done; done; true
'

# cell DAY BRANCH ACCOUNT RULE ACTION COLUMN: one cell of the register row
# (columns: 1 account, 6 rule code, 5 action, 8 inputs, 9 dates)
cell() {
	awk -F'\t' -v a="$3" -v r="$4" -v w="$5" -v c="$6" \
		'$1 == a && $6 == r && $5 == w { print $c; exit }' "reg-$1-$2.tsv"
}
NB=$(printf '\302\240')   # the non-breaking space between thousands

# ..01 household by post: the warning issued Thu 10-01 is deemed delivered
# 10-01 + 7 (post) = Thu 10-08.  Debt 3000.00 over 2 periods, threshold
# 1282.56 (2 is "периода": 2-4 take the few form).
test_expect_success 'register 10-01: the warning issued, its inputs and dates in Russian' '
	test "$(cell 2026-10-01 01 7201000001 individual.warning выпущено 8)" = "уведомление N7201000001-1-1 (заказное почтовое отправление); задолженность 3${NB}000,00 руб. (снимок на 01.10.2026) за 2 расчётных периода, порог 1${NB}282,56 руб." &&
	test "$(cell 2026-10-01 01 7201000001 individual.warning выпущено 9)" = "направлено 01.10.2026 (заказное почтовое отправление); считается доставленным через 7 календарных дней — 08.10.2026" &&
	test "$(cell 2026-10-01 01 7201000001 individual.warning выпущено 7)" = "ПП РФ от 06.05.2011 № 354, пп. 117, 119" &&
	test "$(cell 2026-10-01 01 7201000001 individual.trigger "дело открыто" 8)" = "снимок задолженности на 01.10.2026: просрочено 3${NB}000,00 руб. за 2 расчётных периода, порог 1${NB}282,56 руб." &&
	cell 2026-10-01 01 7201000001 individual.trigger "дело открыто" 7 | grep -q "^ПП РФ от 06.05.2011 № 354, пп. 117, 118;"
'
test_expect_success 'every row of every register names its legal basis' '
	! awk -F"\t" "NR > 1 && \$7 == \"\"" reg-*.tsv | grep .
'
# ..01 delivered Thu 10-08 (the post's ШПИ): partial = 10-08 + 20 = Wed
# 10-28, a working day, so the window ends there and the partial is the
# next day, Thu 10-29 (the warning printed 10-01 + 7 + 20 -> 10-29 too).
test_expect_success 'register 10-08: the delivery with its evidence, the partial date worked out' '
	test "$(cell 2026-10-08 01 7201000001 individual.warning вручено 8)" = "уведомление N7201000001-1-1 вручено 08.10.2026; подтверждение: вручено 08.10.2026: ШПИ 62500012345678" &&
	test "$(cell 2026-10-08 01 7201000001 individual.partial назначено 8)" = "дата 29.10.2026; заявка R7201000001-1-1" &&
	test "$(cell 2026-10-08 01 7201000001 individual.partial назначено 9)" = "«Предупреждение о возможном ограничении» вручено 08.10.2026 + 20 календарных дней = 28.10.2026 (ср, рабочий день); срок истекает 28.10.2026 (ср); следующий шаг — 29.10.2026; в предупреждении указана дата 29.10.2026, не позднее расчётной"
'
# ..03 paid 2000.00 in full Mon 10-05: cancelled, no request had gone.
# ..05 (sms) cancelled by the operator Mon 10-12: its partial request of
# 10-01 is withdrawn.
test_expect_success 'register 10-05 and 10-12: cancelled by payment and by the operator' '
	test "$(cell 2026-10-05 01 7201000003 cancel.payment отменено 8)" = "задолженность оплачена полностью 05.10.2026; задолженность по уведомлению 2${NB}000,00 руб." &&
	test "$(cell 2026-10-12 01 7201000005 cancel.operator отменено 8)" = "решение оператора: рассрочка платежа; задолженность по уведомлению 2${NB}600,00 руб.; направлена заявка на отмену"
'
# ..7202000001 legal by post: the notice returned unclaimed Thu 10-08 counts
# as delivered then; partial Mon 10-19 (stated).  Full: once 3 working days
# after Mon 10-19 have run out: Tue 10-20, Wed 10-21, Thu 10-22 -> Fri 10-23.
# Paid in full Mon 11-02: reconnect 11-02 + 2 = Wed 11-04, the National
# Unity Day holiday -> Thu 11-05.
test_expect_success 'register 10-08, 10-19, 11-02 (legal): return, 3 working days, a holiday' '
	test "$(cell 2026-10-08 02 7202000001 legal.notice вручено 8)" = "уведомление N7202000001-1-1 вручено 08.10.2026; подтверждение: возвращено за истечением срока хранения 08.10.2026: ШПИ 62615012345678: истёк срок хранения" &&
	test "$(cell 2026-10-19 02 7202000001 legal.full назначено 9)" = "«Частичное самостоятельное ограничение» 19.10.2026; 3-й рабочий день после этой даты — 22.10.2026 (чт, рабочий день); 3 рабочих дня истекают: следующий шаг — 23.10.2026" &&
	test "$(cell 2026-11-02 02 7202000001 reconnect назначено 8)" = "задолженность оплачена полностью 02.11.2026; заявка R7202000001-1-3" &&
	test "$(cell 2026-11-02 02 7202000001 reconnect назначено 9)" = "оплата 02.11.2026 + 2 календарных дня = 04.11.2026 (ср, нерабочий праздничный день); 04.11.2026 (ср, нерабочий праздничный день): перенос на следующий рабочий день 05.11.2026 (чт); пропущены нерабочие дни: 04.11 (нерабочий праздничный день)"
'
# ..10: its full notice of Wed 11-18 states 11-18 + 7 = 11-25, + 11 = Sun
# 12-06 -> Mon 12-07; delivered late Mon 11-30, when 11-30 + 11 = 12-11 is
# the earliest lawful date: void, re-issued 11-30.
test_expect_success 'register 11-30: the void notice and its re-issue' '
	test "$(cell 2026-11-30 01 7201000010 individual.full_notice недействительно 8)" = "уведомление N7201000010-1-2, вручённое 30.11.2026, указывает дату 07.12.2026, а по правилу нужна не ранее 11.12.2026: уведомление недействительно, направлено повторно" &&
	cell 2026-11-30 01 7201000010 individual.full_notice "выпущено повторно" 8 | grep -q "; взамен уведомления N7201000010-1-2$"
'
# report limitation: ..01 paid in full Thu 12-10: reconnect 12-10 + 2 = Sat
# 12-12, moved over Sat 12-12 and Sun 12-13 to Mon 12-14.
test_expect_success 'report limitation: the steps sheet explains the dates in Russian' '
	$PY - "$SBYT_OUT/reports/limitation-2026-12-14.xlsx" <<-PY
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1])["Шаги"]
	head = [c.value for c in ws[1]]
	assert head[6] == "Код правила" and head[8] == "Расчёт даты", head
	rows = {(r[0], r[2]): r for r in ws.iter_rows(min_row=2, values_only=True)}
	want = "оплата 10.12.2026 + 2 календарных дня = 12.12.2026 (сб, выходной день); 12.12.2026 (сб, выходной день): перенос на следующий рабочий день 14.12.2026 (пн); пропущены нерабочие дни: 12.12 (выходной день), 13.12 (выходной день)"
	assert rows[("7201000001", 5)][8] == want, rows[("7201000001", 5)][8]
	assert rows[("7201000001", 5)][3] == "возобновление подачи", rows[("7201000001", 5)][3]
	want = "«Частичное самостоятельное ограничение» 19.10.2026; 3-й рабочий день после этой даты — 22.10.2026 (чт, рабочий день); 3 рабочих дня истекают: следующий шаг — 23.10.2026"
	assert rows[("7202000001", 3)][8] == want, rows[("7202000001", 3)][8]
	PY
'
test_expect_success 'report limitation: the reason of a paid case dated ДД.ММ.ГГГГ' '
	$PY - "$SBYT_OUT/reports/limitation-2026-12-14.xlsx" <<-PY
	import sys, openpyxl
	ws = openpyxl.load_workbook(sys.argv[1])["Дела"]
	why = {r[0]: r[11] for r in ws.iter_rows(min_row=2, values_only=True)}
	assert why["7201000001"] == "оплата задолженности 10.12.2026", why
	assert why["7201000005"] == "рассрочка платежа", why
	PY
'
# No Latin letters in a Russian column of either workbook: only the
# identifier columns (account, rule code, notice and request numbers) and
# the numbers N.../R... quoted inside a text may hold them; "SMS" is the
# channel's Russian name.
test_expect_success 'no Latin code or English word in a Russian column' '
	$PY - "$SBYT_OUT/reports/limitation-2026-12-14.xlsx" $(find "$SBYT_OUT/limit" -name register.xlsx) <<-PY
	import re, sys, openpyxl
	ids = {"Лицевой счёт", "Код правила", "Уведомление", "Заявка"}
	allowed = re.compile(r"\b[NR]\d+-\d+-\d+\b|\bSMS\b")
	bad = 0
	for path in sys.argv[1:]:
	    for ws in openpyxl.load_workbook(path).worksheets:
	        head = [c.value for c in ws[1]]
	        for row in ws.iter_rows(min_row=2):
	            for c in row:
	                h = head[c.column - 1] if c.column - 1 < len(head) else None
	                if not isinstance(c.value, str) or h in ids:
	                    continue
	                if re.search("[A-Za-z]", allowed.sub("", c.value)):
	                    bad += 1
	                    print(path, ws.title, c.coordinate, h, c.value)
	assert bad == 0, bad
	PY
'
test_expect_success 'the registers still pass the reader checks (0350)' '
	$PY "$SBYT_TOP/tests/xlsx_check.py" "$SBYT_TOP/rules/names.xml" \
		"$SBYT_OUT/reports/limitation-2026-12-14.xlsx" $(find "$SBYT_OUT/limit" -name register.xlsx)
'
# The terminal keeps the engine's English arithmetic (README: terminal
# messages are English); the database keeps both.
test_expect_success 'limit explain stays English, the database holds both' '
	sbyt limit explain 7201000001 --as-of 2026-12-14 > ex.txt &&
	grep -qF "delivered 2026-10-08 + 20 calendar days = 2026-10-28 (Wed, working)" ex.txt &&
	! grep -q "календарных дней = " ex.txt &&
	test "$(q "select derivation like $(printf "\047%%calendar days%%\047") and derivation_ru like $(printf "\047%%календарных дней%%\047") from limit_step where account_id = 7201000001 and name = $(printf "\047partial\047")")" = t
'
rules_copy() { rm -rf "$T/rules" && cp -R "$SBYT_RULES" "$T/rules"; }
test_expect_code 78 'a phrase with an unknown placeholder: rules check exits 78' '
	rules_copy && sed -i "s/{window_end_dow}/{weekday}/" "$T/rules/limitation.xml" &&
	sbyt --rules "$T/rules" rules check > chk.out 2> chk.err
'
test_expect_success 'naming limitation.xml, the line and the placeholders allowed' '
	line=$(grep -n "{weekday}" "$T/rules/limitation.xml" | cut -d: -f1) &&
	cat chk.out chk.err | grep -q "limitation.xml:$line: phrase for .window.: unknown placeholder .{weekday}. (it may use: window_end window_end_dow)"
'
test_expect_code 78 'a missing phrase: limit run refuses to start (exit 78)' '
	rules_copy && sed -i "/<phrase for=\"event.paid\">/d" "$T/rules/limitation.xml" &&
	sbyt --rules "$T/rules" limit run --as-of 2026-12-15 2> err
'
test_expect_success 'naming the missing phrase' '
	grep -q "no phrase for .event.paid. in <explanations>" err
'
test_done
