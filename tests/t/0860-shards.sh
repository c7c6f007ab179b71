#!/bin/sh
# 0860-shards: the fixture's 300 accounts over two PostgreSQL clusters (SPEC
# 13 "Scale beyond one machine", README "Past one machine").  Shard 0 is a
# database of the private cluster, shard 1 the database `sbyt` of a second
# cluster this script starts; sbyt.conf's shard map names both.  Each shard
# loads its accounts (`sbyt --shard I/2 load`), runs the day 2026-11-26
# (the month's bank, terminal, SMS and portal files of fixtures/inbox/ in
# its spool, then debt and limitation: the 12 debtors of balances.csv get
# their cases),
# bills November, writes its documents and runs the day 2026-12-11 (the
# November bills fell due the 10th) on its own server; the
# union of the shards' rows must equal a single-cluster run of the same
# fixture, and so must the coordinator's view through postgres_fdw.
. "$SBYT_TOP/tests/lib.sh"

S0="${PGDATABASE}_s0" CO="${PGDATABASE}_co"
B="$T/b"
stop_b() {
	SBYT_VAR="$B" sh "$SBYT_TOP/tools/pg.sh" stop
	[ -f "$B/pgbase" ] && case $(cat "$B/pgbase") in /tmp/sbyt-pg.*) rm -rf "$(cat "$B/pgbase")" ;; esac
	dropdb --if-exists "$S0" >/dev/null 2>&1
	dropdb --if-exists "$CO" >/dev/null 2>&1
	cleanup
}
trap stop_b EXIT
SBYT_PG_SHARED_BUFFERS=32MB SBYT_VAR="$B" sh "$SBYT_TOP/tools/pg.sh" start 2>/dev/null ||
	{ echo "not ok 1 - the second cluster does not start"; exit 1; }
HB=$(cat "$B/pghost")
createdb "$S0" && createdb "$CO" || { echo "not ok 1 - createdb"; exit 1; }
cat > sbyt.conf <<EOF
# two shards: the private cluster and a second one
shard.1 = host=$HB dbname=sbyt
shard.0 = host=$PGHOST dbname=$S0
EOF
export SBYT_CONF="$T/sbyt.conf"

# The service journals (SPEC 11) of the day 2026-11-26: appeals of a
# household of shard 0 (7201000001) and of shard 1 (7201000002), one without
# an account (shard 0's) and one without an account whose time is not a time
# (rejected, once: on shard 0); a contract case of a legal entity of each
# shard (7201000099: 0, 7201000033: 1), answered by an event that names only
# the case (the shard holding the case applies it).
cat > journal.csv <<CSV
id;received_at;channel;kind;account;answered_at;extended_to
A1;2026-11-20T10:00:00+05:00;office;question;7201000001;2026-11-23T10:00:00+05:00;
A2;2026-11-20T11:00:00+05:00;email;complaint;7201000002;;
A3;2026-11-21T12:00:00+05:00;email;complaint;;;
A4;2026-11-21;email;question;;;
CSV
cat > events.csv <<CSV
id;account;event;at;date
S1;7201000099;apply;2026-11-02;
S1;;answer;2026-11-06;
S2;7201000033;apply;2026-11-03;
S2;;answer;2026-11-09;
CSV

# run OUT [GLOBAL-OPTIONS]: the whole scenario on one server, output in OUT
run() {
	o=$1; shift
	mkdir -p "$T/$o/spool" && cp -r "$FIX/inbox" "$T/$o/spool/" &&
	mkdir -p "$T/$o/spool/inbox/appeals" "$T/$o/spool/inbox/contracts" &&
	cp journal.csv "$T/$o/spool/inbox/appeals/" && cp events.csv "$T/$o/spool/inbox/contracts/" &&
	export SBYT_SPOOL="$T/$o/spool" &&
	sbyt "$@" -q db init 2>>"$o.log" &&
	for k in branches accounts meters contracts reserves balances; do
		sbyt "$@" load $k "$FIX/$k.csv" 2>>"$o.log" || return 1
	done &&
	sbyt "$@" --out "$T/$o/out" daily --as-of 2026-11-26 2>>"$o.log" &&
	sbyt "$@" --out "$T/$o/out" --as-of 2026-12-01 bill --period 2026-11 2>>"$o.log" &&
	sbyt "$@" --out "$T/$o/out" --as-of 2026-12-01 docs --period 2026-11 2>>"$o.log" &&
	sbyt "$@" --out "$T/$o/out" daily --as-of 2026-12-11 2>>"$o.log"
}

# dump CONNINFO: every account-scoped table that ingest, bill, docs and the
# days wrote, one sorted line per row, without run, file, payment and
# reading ids (each server's own sequences) and without document numbers
# (each shard numbers its documents from its own range, README "Past one
# machine"; checked below)
TABLES="account meter contract reserve payment reading reading_hold obligation charge_line
	consumption document debt_snapshot limit_case limit_step limit_event limit_notice
	limit_request"
dump() {
	for t in $TABLES; do
		cols=$(psql -d "$1" -XAtc "SELECT string_agg(column_name, ',' ORDER BY ordinal_position)
			FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$t'
			AND column_name NOT IN ('run_id', 'number', 'file_id', 'payment_id', 'reading_id')") &&
		psql -d "$1" -XAtc "COPY (SELECT '$t', $cols FROM $t) TO STDOUT" || return 1
	done
}

test_expect_success 'the single-cluster run: load, the day 2026-11-26, bill November, documents, the day 2026-12-11' '
	run one &&
	grep -q "sbyt daily: .*in_debt=" one.log &&
	dump "$PGDATABASE" | LC_ALL=C sort > one.rows &&
	test $(grep -c "^limit_case	" one.rows) -ge 12 && test $(grep -c "^charge_line	" one.rows) -gt 0 &&
	test $(grep -c "^payment	" one.rows) -gt 1000 && test $(grep -c "^reading	" one.rows) -gt 200
'
test_expect_success 'shard 0 and shard 1 each load only their accounts, on their own server' '
	run s0 --shard 0/2 && run s1 --shard 1/2 &&
	a0=$(psql -d "$S0" -XAtc "SELECT count(*) FROM account") &&
	a1=$(psql -h "$HB" -d sbyt -XAtc "SELECT count(*) FROM account") &&
	echo "shard 0: $a0, shard 1: $a1" &&
	test "$a0" -gt 0 && test "$a1" -gt 0 && test $((a0 + a1)) = 300 &&
	psql -d "$S0" -XAtc "SELECT count(*) FROM account WHERE abs(hashint8(account_id)::bigint) % 2 <> 0" | grep -qx 0 &&
	psql -h "$HB" -d sbyt -XAtc "SELECT count(*) FROM account WHERE abs(hashint8(account_id)::bigint) % 2 <> 1" | grep -qx 0 &&
	grep -q "sbyt load: kind=accounts shard=0/2 read=300 inserted=$a0 updated=0 unchanged=0 skipped=$a1" s0.log &&
	grep -q "sbyt load: kind=branches shard=1/2 read=2 inserted=2 " s1.log
'
test_expect_success 'the two shards together wrote exactly the rows of the single run' '
	{ dump "host=$PGHOST dbname=$S0" && dump "host=$HB dbname=sbyt"; } | LC_ALL=C sort > two.rows &&
	diff -u one.rows two.rows
'
# Document numbers: 1, 2, ... per branch on one server; shard 1 numbers its
# own from 1 x 10,000,000 + 1 (lib/shard.h SHARD_DOC_RANGE), shard 0 from 1,
# each without gaps per branch, so no number is printed twice.
nums() { psql "$@" -XAtc "SELECT branch, count(*), min(number), max(number) FROM document
	GROUP BY branch ORDER BY branch"; }
test_expect_success 'each shard numbers its documents from its own range, without gaps' '
	nums -d "$PGDATABASE" > n1 && nums -d "$S0" > n0 && nums -h "$HB" -d sbyt > ns1 &&
	cat n1 n0 ns1 &&
	awk -F"|" "\$3 != 1 || \$4 != \$2 { exit 1 }" n1 &&
	awk -F"|" "\$3 != 1 || \$4 != \$2 { exit 1 }" n0 &&
	awk -F"|" "\$3 != 10000001 || \$4 != 10000000 + \$2 { exit 1 }" ns1 &&
	test $(wc -l < ns1) -ge 1 && test $(wc -l < n0) -ge 1
'
# The journals: the union of the shards' appeals, contract cases and steps
# is the single run's (without the FILE:LINE sources, which name each run's
# spool); every line of a journal file is accepted, rejected or another
# shard's on each shard, and the rejected line is rejected once, on shard 0.
svc() { psql "$@" -XAtc "SELECT 'appeal', appeal_id, account_id, kind, received_on, register_due,
	answer_due, answered_on FROM appeal UNION ALL SELECT 'case', case_id, account_id, customer,
	opened_on, NULL, NULL, NULL FROM contract_case UNION ALL SELECT 'step', case_id, NULL, step,
	from_on, due, done_on, NULL FROM contract_step"; }
jn() { psql "$@" -XAtc "SELECT channel, read, accepted, rejected, duplicates, other_shard
	FROM ingest_file WHERE channel IN ('appeals', 'contracts') ORDER BY channel"; }
test_expect_success 'the shards hold the service journals of the single run, each line once' '
	svc -d "$PGDATABASE" | LC_ALL=C sort > svc1 &&
	{ svc -d "$S0" && svc -h "$HB" -d sbyt; } | LC_ALL=C sort > svc2 &&
	test $(grep -c "^appeal|" svc1) = 3 && test $(grep -c "^case|" svc1) = 2 &&
	diff -u svc1 svc2 &&
	jn -d "$PGDATABASE" > j1 && jn -d "$S0" > j0 && jn -h "$HB" -d sbyt > js1 && cat j1 j0 js1 &&
	grep -qx "appeals|4|3|1|0|0" j1 && grep -qx "contracts|4|4|0|0|0" j1 &&
	grep -qx "appeals|4|2|1|0|1" j0 && grep -qx "contracts|4|2|0|0|2" j0 &&
	grep -qx "appeals|4|1|0|0|3" js1 && grep -qx "contracts|4|2|0|0|2" js1
'
# bill's and the day's summary counts add up: accounts= and documents= of
# bill, in_debt= and notices= of the day
# (the daily's closing line, with stages=: its inbox totals too)
sumkey() { grep -v "file=" "$1" | sed -n "s/.*sbyt $2: .* $3=\([0-9]*\).*/\1/p" | awk "{s+=\$1} END {print s+0}"; }
test_expect_success 'the summary counts of the shards add up to the single run' '
	for k in "bill accounts" "bill documents" "daily in_debt" "daily notices" "daily accepted"; do
		set -- $k
		one=$(sumkey one.log $1 $2) two=$(( $(sumkey s0.log $1 $2) + $(sumkey s1.log $1 $2) )) &&
		echo "$1 $2: $one = $two" && test "$one" -gt 0 && test "$one" = "$two" || return 1
	done
'
# XML the runs wrote: every document's total and every notice's debt, per
# account, from the packages of the single run and of the two shards
xmltotals() {
	for z in $(find "$1" -name "*.zip" | sort); do
		for x in $(unzip -Z1 "$z" | grep -E "^(documents|notices)\.xml$"); do
			unzip -p "$z" "$x" | xmllint --xpath "//*[local-name()=\"PaymentDocument\"]/@account | //*[local-name()=\"PaymentDocument\"]/@total" - 2>/dev/null |
				tr " " "\n" | grep . | paste - - | sed "s/^/doc /"
		done
	done | LC_ALL=C sort
}
# On a shard, a payment or reading line of another shard's account is
# neither accepted nor rejected: other_shard=.
# fixtures/README.md: the Sberbank registry holds 961 payments, all of
# known accounts.
cnt() { grep "/sber-2026-11-p01.txt read=" "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
test_expect_success 'each shard leaves the other shard'"'"'s lines of the inbox files alone' '
	a=$(cnt one.log accepted) a0=$(cnt s0.log accepted) a1=$(cnt s1.log accepted) &&
	o0=$(cnt s0.log other_shard) o1=$(cnt s1.log other_shard) &&
	echo "sberbank: accepted $a = $a0 + $a1; other_shard $o0 and $o1" &&
	test "$a" = 961 && test $((a0 + a1)) = 961 && test $((a0 + o0)) = 961 &&
	test $((a1 + o1)) = 961 && test "$o0" -gt 0 && test "$o1" -gt 0 &&
	test "$(psql -d "$S0" -XAtc "SELECT read - accepted - other_shard FROM ingest_file WHERE channel = \$\$sberbank\$\$")" = 0 &&
	grep "stages=" s0.log | head -1 > l0 && r=$(sed -n "s/.* read=\([0-9]*\) .*/\1/p" l0) &&
	o=$(sed -n "s/.* other_shard=\([0-9]*\)$/\1/p" l0) && test "$o" -gt 0 &&
	test $(( $(sumkey l0 daily accepted) + $(sumkey l0 daily rejected) + $(sumkey l0 daily duplicates) + $(sumkey l0 daily held) + o )) = "$r"
'
test_expect_success 'the documents XML of the shards carry the totals of the single run' '
	xmltotals one/out > one.xml && xmltotals s0/out > two.xml && xmltotals s1/out >> two.xml &&
	LC_ALL=C sort -o two.xml two.xml &&
	test $(wc -l < one.xml) -gt 100 && diff -u one.xml two.xml
'
test_expect_success 'the limitation packages of the shards hold the notices of the single run' '
	for d in one s0 s1; do
		for z in $(find $d/out/limit -name "notices-*.zip"); do unzip -p "$z" notices.xml; done |
			grep -o "account=\"[0-9]*\"" | LC_ALL=C sort > n-$d || return 1
	done &&
	test -s n-one && LC_ALL=C sort n-s0 n-s1 | diff -u n-one -
'
test_expect_success 'every XML of every shard package validates against its schema' '
	xml_validate_out s0/out && xml_validate_out s1/out
'

# The coordinator: a sbyt database whose sbyt_shards schema reads both.
test_expect_success 'db shard-attach builds the coordinator over the shard map' '
	sbyt --db "dbname=$CO" -q db init 2>/dev/null &&
	sbyt --db "dbname=$CO" db shard-attach 2>err &&
	grep -q "sbyt db shard-attach: shards=2 tables=" err &&
	psql -d "$CO" -XAtc "SELECT count(*) FROM pg_foreign_table" > nft &&
	t=$(sed -n "s/.*tables=\([0-9]*\).*/\1/p" err) && test "$(cat nft)" = $((2 * t))
'
test_expect_success 'through the coordinator every table reads the rows of the single run' '
	dump "dbname=$CO options=--search_path=sbyt_shards,public" | LC_ALL=C sort > co.rows &&
	diff -u one.rows co.rows
'
test_expect_success 'a query for one account reads only its shard (partition pruning)' '
	a=$(psql -d "$S0" -XAtc "SELECT min(account_id) FROM limit_case") && test -n "$a" &&
	psql -d "$CO" -XAtc "EXPLAIN SELECT * FROM sbyt_shards.limit_case WHERE account_id = $a" > plan &&
	grep -q "limit_case_0" plan && ! grep -q "limit_case_1" plan
'
test_expect_success 'limit explain on the coordinator equals the single cluster, for every case' '
	for a in $(psql -XAtc "SELECT DISTINCT account_id FROM limit_case ORDER BY 1"); do
		sbyt limit explain $a --as-of 2026-12-11 --format xml > e1 &&
		sbyt --db "dbname=$CO options=--search_path=sbyt_shards,public" limit explain $a \
			--as-of 2026-12-11 --format xml > e2 && cmp e1 e2 || return 1
	done
'
# The aging and limitation workbooks: every sheet of the coordinator's the
# same as the single cluster's (the workbook properties hold the time).
sheets() { unzip -o -q "$1" "xl/worksheets/*" -d "$2"; }
test_expect_success 'report aging and report limitation on the coordinator equal the single cluster' '
	for r in aging limitation; do
		sbyt --out one-r --as-of 2026-12-11 report $r 2>e1 &&
		sbyt --db "dbname=$CO options=--search_path=sbyt_shards,public" --out co-r \
			--as-of 2026-12-11 report $r 2>e2 &&
		sed "s/.*report: //; s/ file=.*//" e1 > r1 && sed "s/.*report: //; s/ file=.*//" e2 > r2 &&
		cat r1 && diff -u r1 r2 &&
		sheets one-r/reports/$r-2026-12-11.xlsx x1-$r && sheets co-r/reports/$r-2026-12-11.xlsx x2-$r &&
		diff -r x1-$r x2-$r || return 1
	done
'
test_expect_success 'attaching again rebuilds the same coordinator' '
	sbyt --db "dbname=$CO" -q db shard-attach 2>/dev/null &&
	dump "dbname=$CO options=--search_path=sbyt_shards,public" | LC_ALL=C sort | cmp - co.rows
'

# The shard map is checked.
test_expect_code 78 'a job on the wrong shard server (map lines swapped) is refused' '
	sed "s/^shard.1/shard.x/; s/^shard.0/shard.1/; s/^shard.x/shard.0/" sbyt.conf > swapped.conf &&
	SBYT_CONF=swapped.conf sbyt --shard 0/2 --as-of 2026-12-12 daily 2>err; rc=$?; cat err;
	grep -q "holds account [0-9]* (shard 1), not of shard 0/2" err &&
	test $(psql -h "$HB" -d sbyt -XAtc "SELECT count(*) FROM debt_snapshot WHERE as_of = \$\$2026-12-12\$\$") = 0 &&
	exit $rc
'
test_expect_code 78 '--shard of a map of another size is a configuration error' '
	sbyt --shard 0/3 status
'
test_expect_code 64 'a malformed --shard is a usage error' 'sbyt --shard 2/2 status'
test_expect_code 78 'a gap in the shard map is refused with the file' '
	printf "shard.0 = dbname=a\nshard.2 = dbname=c\n" > gap.conf &&
	SBYT_CONF=gap.conf sbyt status 2>err; rc=$?; cat err;
	grep -q "gap.conf: shard.1 is missing" err; exit $rc
'
test_expect_code 78 'a shard given twice is refused with its line' '
	printf "shard.0 = dbname=a\nshard.0 = dbname=b\n" > dup.conf &&
	SBYT_CONF=dup.conf sbyt status 2>err; rc=$?; cat err;
	grep -q "dup.conf:2: shard.0 given again (first on line 1)" err; exit $rc
'
test_expect_code 78 '--shard without a shard map says what to write' '
	: > empty.conf && SBYT_CONF=empty.conf sbyt --shard 0/2 status 2>err; rc=$?; cat err;
	grep -q "needs a shard map" err; exit $rc
'
test_done
