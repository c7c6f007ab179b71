#!/bin/sh
# 0887-limit-twin-reader: the day's notice and request packages are read on
# a second connection of their own while the run's connection reads the
# events for the registers, and the day's accounts are advanced in two
# parts at once, the second part on that second connection (issue 18 item
# 3: the two reads, and the two parts' loads and COPYs, on the two cores);
# SBYT_LIMIT_READERS=1 does both on the run's one connection, as before.
# Both ways write the same packages and registers, byte for byte, from the
# same rows.  The parts are the shards' (abs(hashint8(id)) % 2): ..08000001-3
# and ..09000001-3 fall three in each.
# Six households in debt (5,000.00 RUB over 3 periods, above any threshold),
# three in each of two branches, one each by e-mail, post and the customer's portal (lkk): each gets
# its first warning on Mon 2026-06-15, 6 notices; the e-mailed ones are
# delivered with their package that day, so the second pass issues their
# grid requests (a partial limitation on Tue 07-07, as in 0875): 2 requests.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
printf 'code;name;address;phone\n08;Восток;г. Тюмень;+73452000008\n09;Запад;г. Тюмень;+73452000009\n' > b.csv
cat > a.csv <<'CSV'
account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on
7208000001;08;individual;Почтов Иван;г. Тюмень, д. 1;625000;urban_gas;2;2;;ivan@x.example;email;0;2020-01-15
7208000002;08;individual;Письмов Олег;г. Тюмень, д. 2;625000;urban_gas;2;2;;;post;0;2020-01-15
7208000003;08;individual;Смсов Пётр;г. Тюмень, д. 3;625000;urban_gas;2;2;;;lkk;0;2020-01-15
7209000001;09;individual;Западов Иван;г. Тюмень, д. 11;625000;urban_gas;2;2;;zap@x.example;email;0;2020-01-15
7209000002;09;individual;Западов Олег;г. Тюмень, д. 12;625000;urban_gas;2;2;;;post;0;2020-01-15
7209000003;09;individual;Западов Пётр;г. Тюмень, д. 13;625000;urban_gas;2;2;;;lkk;0;2020-01-15
CSV
setup() {
	sbyt -q db init && sbyt -q load branches b.csv && sbyt -q load accounts a.csv &&
	psql -Xq -c "insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
	 select a, '2026-06-15', 500000, 3, 0, '2026-04-10' from account a0 (a)"
}
setup || exit 1
B="${PGDATABASE}_b"
createdb "$B" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; cleanup' EXIT
PGDATABASE=$B setup || exit 1
# entries DIR: every entry of every package and register under DIR, in
# order, with its bytes (the registers' creation stamps aside; the PDFs too)
entries() {
	find "$1" -name '*.zip' -o -name '*.xlsx' | sort | while read -r z; do
		unzip -Z1 "$z" | grep -v '^docProps/core.xml$' | sort | while read -r n; do
			printf '\n== %s %s\n' "${z#$1}" "$n"; unzip -p "$z" "$(printf '%s' "$n" | sed 's/\[/[[]/g')"
		done
	done
}
rows() {
	for t in limit_case limit_step limit_notice limit_request limit_doc_warning limit_event; do
		psql -XAtq -c "select * from $t order by 1, 2, 3"
	done
}

test_expect_success 'the run reads the packages and advances half the accounts on a second connection' '
	sbyt -v limit run --as-of 2026-06-15 2> a.log &&
	grep -q "^sbyt: limit: the packages read on a second connection$" a.log &&
	grep -q "^sbyt: limit: the accounts advanced in 2 parts at once: 3 and 3 accounts$" a.log &&
	grep -q "^sbyt: limit: the e-mailed accounts advanced in 2 parts at once: " a.log &&
	grep -q "^sbyt limit run: as_of=2026-06-15 notices=6 requests=2 " a.log
'
test_expect_success 'SBYT_LIMIT_READERS=1: on the run'"'"'s one connection' '
	PGDATABASE=$B SBYT_OUT=$T/b SBYT_LIMIT_READERS=1 sbyt -v limit run --as-of 2026-06-15 2> b.log &&
	! grep -q "packages read on" b.log && ! grep -q "parts at once" b.log &&
	grep -q "^sbyt limit run: as_of=2026-06-15 notices=6 requests=2 " b.log
'
test_expect_success 'both write the same packages and registers, byte for byte' '
	entries "$SBYT_OUT/limit/2026-06-15" > a.ent && entries "$T/b/limit/2026-06-15" > b.ent &&
	test "$(grep -ac "^== /0[89]/register.xlsx xl/worksheets/sheet1.xml$" a.ent)" = 2 &&
	test "$(grep -ac "^== /0[89]/notices-\(email\|post\|lkk\).zip notices.xml$" a.ent)" = 6 &&
	test "$(grep -ac "^== /0[89]/grid-requests.zip requests.xml$" a.ent)" = 2 &&
	diff a.ent b.ent
'
test_expect_success 'from the same rows' '
	rows > a.rows && PGDATABASE=$B rows > b.rows &&
	test "$(q "select count(*) from limit_notice")" = 6 && diff a.rows b.rows
'
test_done
