#!/bin/sh
# bench_docs.sh BUILD N WORKDIR - the docs stage of `make bench`
# (tools/bench.sh calls it after loading N accounts, and after bill when
# bill exists).  When nothing is billed for 2026-11 (charge_line empty), it
# bills by SQL first: one charge line of 123 kWh x 5.67 = 697.41 and one
# obligation per account, every branch's period 'billed'.  Then it times
# `sbyt docs --period 2026-11` (without the PDFs: SBYT_DOCS_PDF=0; the
# render stage, tools/bench_render.sh, measures them) and, as the floor in the same run,
# build/tools/bench_docs_floor writing as many XML elements (5 per document
# + the lines + the readings) and register cells with bare libxml2 and
# libxlsxwriter, and prints
#   bench: stage=docs n=N seconds=S floor_seconds=F ratio=R rss_mb=M
# ratio = F / S; rss_mb: peak RSS of the sbyt process (/usr/bin/time).
set -eu
build=$1 n=$2 work=$3
period=2026-11
export PATH="$build:$build/tools:$PATH"

if [ "$(psql -XtAc "select count(*) from (select 1 from charge_line limit 1) t")" = 0 ]; then
	echo "bench: docs: nothing billed, billing $period by SQL" >&2
	psql -Xq <<SQL
INSERT INTO charge_line (account_id, period, line_no, kind, basis, zone, band, volume, tariff, amount)
 SELECT account_id, '$period-01', 1, 'charge', 'actual', 1, 1, 123.000, 5.67, 69741 FROM account;
INSERT INTO obligation (account_id, period, seq, kind, due, amount)
 SELECT account_id, '$period-01', 1, 'charge', '2026-12-10', 69741 FROM account;
INSERT INTO period_state (period, branch, state)
 SELECT '$period-01', code, 'billed' FROM branch
 ON CONFLICT (period, branch) DO UPDATE SET state = 'billed';
ANALYZE;
SQL
fi
rm -rf "$work/docs-floor" "${SBYT_OUT:-$work/out}/docs/$period"
mkdir -p "$work/docs-floor"
# the cycle's docs leave the PDFs out: bench_render.sh measures them apart
SBYT_DOCS_PDF=0 /usr/bin/time -f "%e %M" -o "$work/t.docs" \
	sbyt -q --as-of 2026-11-28 docs --period "$period" >&2
docs=$(psql -XtAc "select count(*) from document where period = '$period-01'")
lines=$(psql -XtAc "select count(*) from charge_line where period = '$period-01'")
reads=$(psql -XtAc "select coalesce(sum(m.zones), 0) from meter m join document d
	on d.account_id = m.account_id and d.period = '$period-01'")
/usr/bin/time -f "%e %M" -o "$work/t.docs-floor" bench_docs_floor "$docs" "$lines" "$reads" "$work/docs-floor"
rm -rf "$work/docs-floor"
s=$(cut -d' ' -f1 "$work/t.docs")
f=$(cut -d' ' -f1 "$work/t.docs-floor")
awk -v n="$n" -v s="$s" -v f="$f" -v kb="$(cut -d' ' -f2 "$work/t.docs")" 'BEGIN {
	printf "bench: stage=docs n=%s seconds=%.2f floor_seconds=%.2f ratio=%.2f rss_mb=%.0f\n",
		n, s, f, (s > 0 ? f / s : 0), kb / 1024 }'
