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
test_done
