#!/usr/bin/env bash
# The collector processor against the floor of its job, per product, in CPU
# time: otelprocessor's BenchmarkProcessor (ConsumeLogs on batches of 1,000
# records) and BenchmarkProcessorFloor (the same finished records written
# into pdata with no parsing), each less BenchmarkProcessorInput (the fresh
# input batches both make). Each benchmark runs as its own process for two
# run lengths; the CPU time of the whole process (user + system, GNU time:
# every thread, the collector's too) per record is the difference of the
# two over the difference of the records, so start-up and set-up drop out.
# Then BenchmarkProcessorVsFloor: the two (and the parse alone) interleaved
# batch by batch in one process, which a busy machine disturbs less.
#
#   scripts/bench-floor.sh
#   make bench-floor
#
# Settings (environment):
#   ROUNDS=3            rounds; each runs every product and benchmark once
#   SHORT=100 LONG=600  the two run lengths, in batches
#   PRODUCTS="passman capam netwrix"
#   BINS=               otelprocessor test binaries to compare, run
#                       alternately in each round (go test -c ./otelprocessor
#                       on each build); default: this tree's, built here
# Target (docs/performance.md): processor / floor <= 1.25 on every product.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
SHORT=${SHORT:-100}
LONG=${LONG:-600}
PRODUCTS=${PRODUCTS:-passman capam netwrix}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at $TIME (Debian package time)" >&2; exit 1; }
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/bench-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "${BINS:-}" ]; then
	go test -c -o "$work/otelprocessor.test" ./otelprocessor
	BINS=$work/otelprocessor.test
fi
bins=()
for b in $BINS; do bins+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"); done

# cpu BIN BENCH PRODUCT N: the process's CPU seconds for N batches.
cpu() {
	(cd otelprocessor && "$TIME" -f '%U %S' -o "$work/time" "$1" -test.run '^$' \
		-test.bench "^Benchmark$2\$/^$3\$" -test.benchtime "$4x" >"$work/out" 2>&1) ||
		{ cat "$work/out" >&2; exit 1; }
	grep -q "^Benchmark$2/$3" "$work/out" || { echo "no $2/$3 in $1" >&2; cat "$work/out" >&2; exit 1; }
	awk '{ print $1 + $2 }' "$work/time"
}

# perrec BIN BENCH PRODUCT: CPU ns per record from the two run lengths.
perrec() {
	local s l
	s=$(cpu "$1" "$2" "$3" "$SHORT")
	l=$(cpu "$1" "$2" "$3" "$LONG")
	awk -v s="$s" -v l="$l" -v n=$(((LONG - SHORT) * 1000)) 'BEGIN { printf "%.0f", (l - s) * 1e9 / n }'
}

echo "CPU ns per record (whole process, user + system), input batches subtracted"
printf '%-6s %-8s %-4s %10s %10s %10s %8s\n' round product bin input processor floor ratio
for r in $(seq "$ROUNDS"); do
	for p in $PRODUCTS; do
		for i in "${!bins[@]}"; do
			b=${bins[$i]}
			in=$(perrec "$b" ProcessorInput "$p")
			pr=$(perrec "$b" Processor "$p")
			fl=$(perrec "$b" ProcessorFloor "$p")
			ratio=$(awk -v i="$in" -v p="$pr" -v f="$fl" 'BEGIN { if (f - i > 0) printf "%.2f", (p - i) / (f - i); else print "-" }')
			printf '%-6s %-8s %-4s %10s %10s %10s %8s\n' "$r" "$p" "$i" "$in" "$((pr - in))" "$((fl - in))" "$ratio"
			echo "$p $i $((pr - in)) $((fl - in)) $ratio" >>"$work/rows"
		done
	done
done

echo
echo "per product and bin: min / median over $ROUNDS rounds"
printf '%-8s %-4s %17s %17s %13s\n' product bin processor floor ratio
# mm COLUMN: "min / median" of a column of the rows on stdin.
mm() {
	cut -d' ' -f"$1" | sort -g | awk '{ v[NR] = $1 }
		END { printf "%s / %s", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for p in $PRODUCTS; do
	for i in "${!bins[@]}"; do
		rows=$(awk -v p="$p" -v b="$i" '$1 == p && $2 == b' "$work/rows")
		printf '%-8s %-4s %17s %17s %13s\n' "$p" "$i" "$(mm 3 <<<"$rows")" "$(mm 4 <<<"$rows")" "$(mm 5 <<<"$rows")"
	done
done
for i in "${!bins[@]}"; do echo "bin $i: ${bins[$i]}"; done

# The same in one process per product, the processor, the floor and the
# parse alone interleaved batch by batch: steadier on a busy machine.
echo
echo "BenchmarkProcessorVsFloor, $LONG batches, CPU ns per record:"
for i in "${!bins[@]}"; do
	(cd otelprocessor && "${bins[$i]}" -test.run '^$' -test.bench "^BenchmarkProcessorVsFloor\$/^($(echo $PRODUCTS | tr ' ' '|'))\$" \
		-test.benchtime "${LONG}x") | awk -v b="$i" '/^BenchmarkProcessorVsFloor/ {
			for (k = 3; k < NF; k++) if ($(k + 1) ~ /-cpu-ns\/record$|^processor\/floor$/) m[$(k + 1)] = $k
			printf "bin %s %-28s processor %6.0f  floor %6.0f  ratio %.2f  parse alone %6.0f  parse+floor %6.0f\n", b, $1,
				m["processor-cpu-ns/record"], m["floor-cpu-ns/record"], m["processor/floor"],
				m["parse-cpu-ns/record"], m["parse+floor-cpu-ns/record"] }'
done
