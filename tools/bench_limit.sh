#!/bin/sh
# bench_limit.sh BUILD N WORKDIR - the limitation stage of `make bench`.
# Called by tools/bench.sh with N accounts loaded into the exported
# PGDATABASE.  Puts about 5 % of the accounts in debt (a debt_snapshot row
# of 2026-12-01 for every 20th account, above every threshold; an
# obligation for the legal ones), times `sbyt limit run --as-of 2026-12-01`
# (Tue, a working day: triggers, notices, packages, register; without the
# PDFs, SBYT_DOCS_PDF=0: rendering is measured apart), and compares
# it with the raw floor measured in the same run (SPEC 13: the same elements
# and cells): bare libxml2 writing as many Notice elements making as many
# bytes of XML as the run's notices.xml and requests.xml, with bare
# libxlsxwriter writing the register's cells (build/tools/bench_limit_floor),
# plus psql \copy of the rows the run wrote into tables like the limitation
# tables.  Prints exactly one line, the floor's parts after the usual fields
# (floor_v1: the elements without their text and no register, the floor
# before issue 18):
#   bench: stage=limit n=N seconds=S floor_seconds=F ratio=R rss_mb=M
#          xml_xlsx_s=X copy_s=C floor_v1_seconds=V ratio_v1=Q
#          cli_cpu_s=.. srv_cpu_s=.. floor_cli_cpu_s=.. floor_srv_cpu_s=.. cpu_ratio=..
# (the CPU seconds of the run and of its floor's processes on the client
# and the server, tools/bench_cpu.sh).
set -eu
build=$1; n=$2; work=$3
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/bench_cpu.sh"
day=2026-12-01
export PATH="$build:$build/tools:$PATH"
mkdir -p "$work"

psql -Xq -v ON_ERROR_STOP=1 <<SQL >&2
delete from debt_snapshot where as_of = '$day';
insert into debt_snapshot (account_id, as_of, principal, periods, penalty, oldest_due)
 select account_id, '$day', 50000000, 3, 0, '2026-09-10' from account
 where account_id % 20 = 0;
insert into obligation (account_id, period, seq, kind, due, amount)
 select account_id, '2026-08-01', 99, 'balance', '2026-09-18', 100000 from account
 where account_id % 20 = 0 and kind = 'legal'
 on conflict do nothing;
SQL

SBYT_DOCS_PDF=0 measure_cpu "$work/t.limit" sbyt -q limit run --as-of "$day" 2> "$work/limit.log" ||
	{ cat "$work/limit.log" >&2; exit 1; }
seconds=$(cut -d' ' -f1 "$work/t.limit")
rss=$(awk '{ printf "%.0f", $2 / 1024 }' "$work/t.limit")
notices=$(psql -XAtq -c "select count(*) from limit_notice where issued = '$day'")
steps=$(psql -XAtq -c "select count(*) from limit_step s join limit_case c using (account_id, case_no) where c.opened_on = '$day'")

# the floor: libxml2 alone, then \copy of the rows the run wrote into
# tables like the limitation tables (columns, checks, indexes, keys, and
# their foreign keys among themselves), as the ingest, bill and debt floors
tables="limit_case limit_step limit_notice limit_request limit_doc_warning limit_event"
xml_bytes=$(find "${SBYT_OUT:-out}/limit/$day" -name '*.zip' | while read -r z; do
	unzip -p "$z" notices.xml requests.xml 2>/dev/null || :; done | wc -c)
psql -Xq -v ON_ERROR_STOP=1 -c "\\copy (SELECT account_id, case_no, procedure, step, what, rule,
	inputs_ru, dates_ru FROM limit_event WHERE day = '$day' ORDER BY account_id, n) TO '$work/floor.events'"
measure_cpu "$work/t.limit-floor-xml" "$build/tools/bench_limit_floor" "$notices" "$work/floor.xml" \
	"$xml_bytes" "$work/floor.events" "$work/floor.xlsx" > "$work/floor.xml_s"
xml_s=$(cat "$work/floor.xml_s")
xml1_s=$("$build/tools/bench_limit_floor" "$notices" "$work/floor.xml")
for t in $tables; do
	psql -Xq -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM $t) TO '$work/floor.$t'"
	psql -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning;
		DROP TABLE IF EXISTS f_$t CASCADE; CREATE TABLE f_$t (LIKE $t INCLUDING ALL)"
	psql -XtA -c "SELECT 'ALTER TABLE f_$t ADD ' || replace(pg_get_constraintdef(oid),
		'REFERENCES limit_', 'REFERENCES f_limit_') || ';'
		FROM pg_constraint WHERE contype = 'f' AND conrelid = '$t'::regclass" | psql -Xq
done
set --
for t in $tables; do
	set -- "$@" -c "\\copy f_$t FROM '$work/floor.$t'"
done
measure_cpu "$work/t.limit-floor-copy" psql -Xq -v ON_ERROR_STOP=1 "$@"
copy_s=$(awk '{ printf "%.3f", $1 }' "$work/t.limit-floor-copy")
for t in $tables; do
	psql -Xq -c "DROP TABLE f_$t CASCADE"
	rm -f "$work/floor.$t"
done
rm -f "$work/floor.xml" "$work/floor.xlsx" "$work/floor.events" "$work/floor.xml_s"
floor=$(awk -v a="$xml_s" -v b="$copy_s" 'BEGIN { printf "%.2f", a + b }')
ratio=$(awk -v s="$seconds" -v f="$floor" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
floor1=$(awk -v a="$xml1_s" -v b="$copy_s" 'BEGIN { printf "%.2f", a + b }')
ratio1=$(awk -v s="$seconds" -v f="$floor1" 'BEGIN { printf "%.2f", (s > 0 ? f / s : 0) }')
cpu=$(cpu_fields "$work/t.limit" "$work/t.limit-floor-xml" "$work/t.limit-floor-copy")
rm -f "$work/t.limit-floor-xml" "$work/t.limit-floor-copy"
echo "bench: stage=limit n=$n seconds=$seconds floor_seconds=$floor ratio=$ratio rss_mb=$rss" \
	"xml_xlsx_s=$xml_s copy_s=$copy_s floor_v1_seconds=$floor1 ratio_v1=$ratio1 $cpu"
