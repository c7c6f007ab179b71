#!/bin/sh
# bench_render.sh BUILD N WORKDIR - the render stage of `make bench`, apart
# from the monthly cycle (tools/bench.sh runs it after the cycle, whose docs
# stage leaves the PDFs out with SBYT_DOCS_PDF=0).  It issues the period's
# documents again (set back to billed), with the PDFs (`sbyt -v docs
# --period 2026-11`: post.zip documents.pdf and the e-mail and portal files,
# drawn on as many threads as processors) and, as the floor in the same
# run, build/tools/bench_render_floor drawing as many pages with bare
# Cairo + Pango + libqrencode on the same number of threads,
# and prints
#   bench: stage=render n=N seconds=S floor_seconds=F ratio=R rss_mb=M pages=P
#          pages_per_s=X cpu_pages_per_s=Y
# seconds: the whole re-issue with its PDFs (wall); cpu_pages_per_s: pages
# per CPU second of the rendering threads (the per-core rate).
set -eu
build=$1 n=$2 work=$3
period=2026-11
export PATH="$build:$build/tools:$PATH"
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

rm -rf "$work/render-floor"
mkdir -p "$work/render-floor"
# The later stages of the cycle changed the data the documents were made
# from (a re-issue would refuse): issue them afresh from the billed period.
psql -Xq -c "update period_state set state = 'billed' where period = '$period-01'"
/usr/bin/time -f "%e %M" -o "$work/t.render" sbyt -v --as-of 2026-11-28 docs --period "$period" \
	2> "$work/render.log" >&2 || { cat "$work/render.log" >&2; exit 1; }
# "... N PDF pages rendered in X CPU s"
pages=$(sed -n 's/.*, \([0-9]*\) PDF pages rendered in \([0-9.]*\) CPU s.*/\1/p' "$work/render.log")
cpu=$(sed -n 's/.*, \([0-9]*\) PDF pages rendered in \([0-9.]*\) CPU s.*/\2/p' "$work/render.log")
post=$(psql -XtAc "select count(*) from document where period = '$period-01' and channel = 'post'")
files=$(psql -XtAc "select count(*) from document where period = '$period-01'
	and channel in ('email', 'lkk')")
/usr/bin/time -f "%e %M" -o "$work/t.render-floor" \
	bench_render_floor "$post" "$files" "$cores" "$work/render-floor"
rm -rf "$work/render-floor"
s=$(cut -d' ' -f1 "$work/t.render")
f=$(cut -d' ' -f1 "$work/t.render-floor")
awk -v n="$n" -v s="$s" -v f="$f" -v kb="$(cut -d' ' -f2 "$work/t.render")" \
	-v p="${pages:-0}" -v c="${cpu:-0}" 'BEGIN {
	printf "bench: stage=render n=%s seconds=%.2f floor_seconds=%.2f ratio=%.2f rss_mb=%.0f" \
		" pages=%d pages_per_s=%.0f cpu_pages_per_s=%.0f\n",
		n, s, f, (s > 0 ? f / s : 0), kb / 1024, p, (s > 0 ? p / s : 0), (c > 0 ? p / c : 0) }'
