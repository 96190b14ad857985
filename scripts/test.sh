#!/bin/bash
# Sets up and runs every dse test: installs what is needed, builds, then runs
#   1. the unit tests (cmocka) and static checks,
#   2. the integration tests (real dsed, network namespaces, real traffic) with 1 and 2 workers,
#   3. the unit and integration tests again on an ASan+UBSan build (integration with two
#      workers only: the one-worker runs add no sanitizer coverage the two-worker runs lack),
#   3b. the unit tests whose threads share tables (MAC table, flow table, API server) on a
#      ThreadSanitizer build of just those tests,
#   4. every fuzz target for a short time over its corpus (clang, libFuzzer, ASan+UBSan),
#   5. the benchmark harness as a smoke check (one second per scenario, no figures judged).
# Prints one line per step and a last line "N passed, N failed"; exits non-zero on any failure.
# Needs root: run as another user, it runs itself again through sudo.
#
# usage: scripts/test.sh [--quick] [--fuzz-seconds N] [--skip STEP]...
#   --quick            steps 1 and 2 only, one worker
#   --fuzz-seconds N   time per fuzz target (default 30)
#   --skip STEP        skip a step: unit, integration, asan, tsan, fuzz, bench
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_SECONDS=30
QUICK=0
SKIP=" "
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1; shift ;;
	--fuzz-seconds) FUZZ_SECONDS=$2; shift 2 ;;
	--skip) SKIP="$SKIP$2 "; shift 2 ;;
	-h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
# Root is needed (network namespaces, DPDK): a user with sudo gets this script again through
# it; root runs it as it is (a fresh machine may have no sudo at all).
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$(readlink -f "$0")" "$@"
	fi
	echo "test: needs root (network namespaces, DPDK), and sudo is not installed" >&2
	exit 1
fi

PASSED=0
FAILED=0
FAILED_STEPS=()
LOGS=$(mktemp -d /tmp/dse-test.XXXXXX)

# step NAME COMMAND...: runs a step, logging to $LOGS/NAME.log and echoing its tail on failure.
step()
{
	local name=$1
	shift
	local start=$SECONDS
	echo "=== $name"
	if "$@" 2>&1 | tee "$LOGS/$name.log"; then
		PASSED=$((PASSED + 1))
		echo "--- ok   $name ($((SECONDS - start)) s)"
	else
		FAILED=$((FAILED + 1))
		FAILED_STEPS+=("$name")
		echo "--- FAIL $name ($((SECONDS - start)) s), log: $LOGS/$name.log"
	fi
}

skipped() { [[ "$SKIP" == *" $1 "* ]]; }

"$ROOT/scripts/deps.sh" || { echo "test: could not install dependencies"; exit 1; }

step build "$ROOT/scripts/build.sh" "$ROOT/build"
if ! skipped unit; then
	step unit meson test -C "$ROOT/build" --print-errorlogs --num-processes 2
fi
if ! skipped integration; then
	if [ $QUICK = 1 ]; then
		step integration "$ROOT/tests/integration/run.sh" --build "$ROOT/build" --workers 1
	else
		step integration "$ROOT/tests/integration/run.sh" --build "$ROOT/build"
	fi
fi

if [ $QUICK = 0 ] && ! skipped asan; then
	# DPDK's own allocations are not ours to account for at exit: leak checking stays on for
	# the unit tests and off for the DPDK processes (dsed, dse-peer), but for the tests that
	# ask for it (DSE_LEAK_CHECK in lib.sh, with DPDK's own allocations suppressed).
	step asan-build "$ROOT/scripts/build.sh" "$ROOT/build-asan" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized -Dmarch=native
	step asan-unit env UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$ROOT/build-asan" --print-errorlogs --num-processes 2
	step asan-integration env ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$ROOT/tests/integration/run.sh" --build "$ROOT/build-asan" --workers 2
fi

# tsan_unit: builds only the threaded unit tests with -fsanitize=thread (the rest of the tree,
# DPDK included, is not instrumented and not needed) and runs them; a race report fails them.
TSAN_TESTS="test_mac_table test_ct_concurrent test_rpc"
tsan_unit()
{
	local t targets=()
	if [ ! -f "$ROOT/build-tsan/build.ninja" ]; then
		meson setup "$ROOT/build-tsan" "$ROOT" -Db_sanitize=thread -Db_lundef=false \
			-Dbuildtype=debugoptimized || return 1
	fi
	for t in $TSAN_TESTS; do
		targets+=("tests/unit/$t")
	done
	ninja -C "$ROOT/build-tsan" "${targets[@]}" || return 1
	# shellcheck disable=SC2086 # one argument per test name
	TSAN_OPTIONS=halt_on_error=1 meson test -C "$ROOT/build-tsan" --no-rebuild \
		--print-errorlogs $TSAN_TESTS
}
if [ $QUICK = 0 ] && ! skipped tsan; then
	step tsan-unit tsan_unit
fi

if [ $QUICK = 0 ] && ! skipped fuzz; then
	step fuzz "$ROOT/tests/fuzz/run.sh" --seconds "$FUZZ_SECONDS"
fi

if [ $QUICK = 0 ] && ! skipped bench; then
	step bench-smoke "$ROOT/bench/run" --smoke
fi

echo
for s in "${FAILED_STEPS[@]}"; do
	echo "failed step: $s (log: $LOGS/$s.log)"
done
echo "test steps: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
