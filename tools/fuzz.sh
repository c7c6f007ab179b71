#!/bin/sh
# fuzz.sh - build the libFuzzer harnesses of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined, the lib/ sources linked directly)
# into build/fuzz/, and run each for $FUZZ_SECONDS (default 10) from a seed
# corpus made of tests/corpus/ (by channel, from its EXPECTED manifest) and
# fixtures/inbox/<channel>/ when present.  A crash leaves its input in
# build/fuzz/crash-NAME-* and makes this script fail.
#   FUZZ_SECONDS=60 sh tools/fuzz.sh            every harness
#   sh tools/fuzz.sh gpb sms                    only these
set -eu
cd "$(dirname "$0")/.."
: "${FUZZ_SECONDS:=10}"
CLANG=${CLANG:-clang}
out=build/fuzz
mkdir -p "$out"
command -v "$CLANG" >/dev/null || { echo "fuzz: clang is needed (apt-get install clang)" >&2; exit 69; }

src="lib/ingest_rec.c lib/ingest_detect.c lib/sms_rules.c lib/parse_csvutil.c lib/parse_sber.c
     lib/parse_gpb.c lib/parse_payments.c lib/parse_sms.c lib/parse_portal.c
     lib/parse_delivery.c lib/csv.c lib/text.c lib/date.c lib/money.c lib/error.c lib/faults.c lib/rulesxml.c
     lib/infile.c lib/log.c lib/scrub.c"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -Ilib $(pkg-config --cflags libxml-2.0 libpcre2-8)"
libs="$(pkg-config --libs libxml-2.0 libpcre2-8)"

channel_of() {
	case $1 in
	sber) echo sberbank ;; gpb) echo gazprombank ;; detect) echo '*' ;; *) echo "$1" ;;
	esac
}

names=${*:-"sber gpb qiwi payments sms portal delivery detect"}
failed=""
for n in $names; do
	echo "fuzz: building fuzz_$n" >&2
	# shellcheck disable=SC2086
	$CLANG $cflags -o "$out/fuzz_$n" "tests/fuzz/fuzz_$n.c" $src $libs
	seeds="$out/seed_$n"
	rm -rf "$seeds"; mkdir -p "$seeds"
	ch=$(channel_of "$n")
	grep -v '^#' tests/corpus/EXPECTED | while IFS='	' read -r file chan _rest; do
		case $ch in '*') ;; *) [ "$chan" = "$ch" ] || continue ;; esac
		cp "tests/corpus/$file" "$seeds/" 2>/dev/null || true
	done
	for d in fixtures/inbox/$ch; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			# big generated files: the first 64 KB are seed enough
			head -c 65536 "$f" > "$seeds/fixture-$(basename "$f")"
		done
	done
	work="$out/corpus_$n"
	mkdir -p "$work"
	echo "fuzz: running fuzz_$n for ${FUZZ_SECONDS}s" >&2
	if ! "$out/fuzz_$n" -max_total_time="$FUZZ_SECONDS" -max_len=131072 -rss_limit_mb=1024 \
		-timeout=20 -print_final_stats=1 -artifact_prefix="$out/crash-$n-" \
		"$work" "$seeds" > "$out/fuzz_$n.log" 2>&1; then
		failed="$failed $n"
		tail -40 "$out/fuzz_$n.log" >&2
	else
		grep -E '^stat::number_of_executed_units' "$out/fuzz_$n.log" | sed "s/^/fuzz: $n: /" >&2
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: crashes in:$failed (inputs in $out/crash-*)" >&2
	exit 1
fi
echo "fuzz: $names: no crash in ${FUZZ_SECONDS}s each" >&2
