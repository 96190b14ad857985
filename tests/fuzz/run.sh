#!/bin/bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time over a
# copy of its seed corpus. A crash, a sanitizer report or a leak fails the run and leaves the
# reproducer in the work directory printed at the end.
#
# usage: tests/fuzz/run.sh [--seconds N] [--build DIR]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_EACH=30
BUILD=$ROOT/build-fuzz
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) SECONDS_EACH=$2; shift 2 ;;
	--build) BUILD=$2; shift 2 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done

if [ ! -f "$BUILD/build.ninja" ]; then
	CC=clang meson setup "$BUILD" "$ROOT" -Dfuzz=true -Dtests=false -Dbuildtype=debugoptimized \
		>/dev/null || exit 1
fi
# Every target there is: each tests/fuzz/fuzz_<name>.c, with its seeds in corpus/<name>.
TARGETS=()
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	TARGETS+=("${name#fuzz_}")
done
ninja -C "$BUILD" "${TARGETS[@]/#/tests/fuzz/fuzz_}" || {
	echo "a fuzz target did not build (is each fuzz_<name>.c in fuzz_candidates of" \
		"tests/fuzz/meson.build?)" >&2
	exit 1
}

WORK=$(mktemp -d /tmp/dse-fuzz.XXXXXX)
passed=0
failed=0
for target in "${TARGETS[@]}"; do
	exe=$BUILD/tests/fuzz/fuzz_$target
	mkdir -p "$WORK/$target"
	if [ -d "$ROOT/tests/fuzz/corpus/$target" ]; then
		cp -r "$ROOT/tests/fuzz/corpus/$target/." "$WORK/$target/"
	fi
	if (cd "$WORK" && "$exe" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 "$WORK/$target" >"$WORK/$target.log" 2>&1); then
		echo "PASS fuzz_$target ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
			"$WORK/$target.log" | grep -o '[0-9]*$') inputs in ${SECONDS_EACH} s)"
		passed=$((passed + 1))
	else
		echo "FAIL fuzz_$target: see $WORK/$target.log"
		tail -30 "$WORK/$target.log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
if [ "$failed" = 0 ]; then
	rm -rf "$WORK"
fi
[ "$failed" = 0 ]
