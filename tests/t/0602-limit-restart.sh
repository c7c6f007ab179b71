#!/bin/sh
# 0602-limit-restart: `sbyt limit run` killed with SIGKILL part way and run
# again gives the same database rows and the same packages (the XML and CSV
# entries, compared byte for byte) as an uninterrupted run of the same day in
# a second database; a second run of the day adds nothing.
. "$SBYT_TOP/tests/lib.sh"
. "$SBYT_TOP/tests/limit-lib.sh"
cd "$T" || exit 1
sbyt -q db init

cat > branches.csv <<'CSV'
code;name;address;phone
01;Тюменский участок;г. Тюмень, ул. Ленина, д. 1;+73452000001
02;Тобольский участок;г. Тобольск, ул. Мира, д. 2;+73456000002
CSV
{
	echo 'account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;delivery;remote_metering;opened_on'
	i=1
	while [ $i -le 400 ]; do
		case $((i % 4)) in 0) ch=post ;; 1) ch=email ;; 2) ch=lkk ;; 3) ch=edo ;; esac
		b=0$((i % 2 + 1))
		if [ $((i % 5)) = 0 ]; then
			printf '72%08d;%s;legal;ООО Номер %d;г. Тобольск, д. %d;626150;;0;0;;o%d@x.example;%s;0;2020-01-01\n' $i $b $i $i $i $ch
		else
			[ $ch = edo ] && ch=post
			printf '72%08d;%s;individual;Житель %d;г. Тюмень, д. %d;625000;urban_gas;2;2;;p%d@x.example;%s;%d;2020-01-01\n' $i $b $i $i $i $ch $((i % 3 == 0))
		fi
		i=$((i + 1))
	done
} > accounts.csv
sbyt -q load branches branches.csv && sbyt -q load accounts accounts.csv || exit 1
cat > data.sql <<'SQL'
insert into obligation (account_id, period, seq, kind, due, amount)
 select a, '2026-08-01', 1, 'balance', '2026-09-18', 5000000
 from generate_series(7200000001, 7200000400) a where a % 5 = 0;
insert into debt_snapshot (account_id, as_of, principal, periods, penalty)
 select a, '2026-10-01', 6000000, 2, 0 from generate_series(7200000001, 7200000400) a;
insert into payment (account_id, channel, source_id, paid_on, amount)
 select a, 'sberbank', 'p' || a, '2026-10-06', 6000000
 from generate_series(7200000001, 7200000400) a where a % 7 = 0;
insert into delivery (notice_id, status, at)
 select 'N' || a || '-1-1', 'delivered', '2026-10-05'
 from generate_series(7200000001, 7200000400) a where a % 3 = 0;
SQL
psql -Xq -f data.sql || exit 1
B="${PGDATABASE}_b"
createdb "$B" || exit 1
trap 'dropdb --if-exists "$B" >/dev/null 2>&1; cleanup' EXIT
PGDATABASE=$B sbyt -q db init && PGDATABASE=$B sbyt -q load branches branches.csv &&
	PGDATABASE=$B sbyt -q load accounts accounts.csv && PGDATABASE=$B psql -Xq -f data.sql || exit 1

dump() {
	psql -XAtq -c "select n.*, null from limit_notice n order by notice_id" \
		-c "select * from limit_request order by request_id" \
		-c "select account_id, case_no, seq, name, state, date, rule, derivation from limit_step order by 1, 2, 3" \
		-c "select * from limit_case order by 1, 2"
}
# entries DIR: every XML/CSV entry of every package under DIR, in order
entries() {
	find "$1" -name '*.zip' | sort | while read -r z; do
		echo "== ${z#$1}"; unzip -p "$z" notices.xml requests.xml mailing.csv 2>/dev/null || :
	done
}

# rerun DAY: run again; while the server has not yet noticed that the killed
# client is gone, its session holds the job lock and the run exits 75
# ("retry later"): retry as cron would.
rerun() {
	n=0
	while :; do
		PGDATABASE=$B SBYT_OUT=$T/b sbyt limit run --as-of $1 2>> b.log
		rc=$?
		[ $rc = 75 ] && [ $n -lt 100 ] || return $rc
		n=$((n + 1)); sleep 0.1
	done
}
test_expect_success 'uninterrupted: 10-01, 10-02, 10-05, 10-06 in the first database' '
	for d in 2026-10-01 2026-10-02 2026-10-05 2026-10-06; do
		SBYT_OUT=$T/a sbyt limit run --as-of $d 2>> a.log || return 1
	done &&
	dump > a.dump && test -s a.dump &&
	grep -q "as_of=2026-10-01 notices=400 " a.log
'
test_expect_success 'killed at several moments and run again: same rows, same packages' '
	for d in 2026-10-01 2026-10-02 2026-10-05 2026-10-06; do
		for delay in 0.05 0.15 0.3; do
			PGDATABASE=$B SBYT_OUT=$T/b timeout -s KILL $delay sbyt limit run --as-of $d 2>/dev/null
		done
		rerun $d || return 1
	done &&
	PGDATABASE=$B dump > b.dump && diff a.dump b.dump &&
	entries "$T/a" > a.ent && entries "$T/b" > b.ent && test -s a.ent && diff a.ent b.ent &&
	test -z "$(find "$T/b" -name "*.tmp*" -o -name ".*" -type f)"
'
test_expect_success 'a second run of 10-06 adds nothing' '
	SBYT_OUT=$T/a sbyt limit run --as-of 2026-10-06 2> c.log &&
	grep -q "notices=0 requests=0 cancelled=0" c.log &&
	dump > c.dump && diff a.dump c.dump
'
test_expect_success 'every XML of every package validates against its schema in xsd/' '
	xml_validate_out "$T"
'
test_done
