#!/bin/bash
# Runs every integration test (test_*.sh beside this file) once with one worker and once with two
# (DSE_WORKERS=1, 2), each under a timeout, one line per run, and a last line "N passed,
# N failed". Exits non-zero when any run failed. Needs root.
#
# Usage: run.sh [--build DIR] [--filter PATTERN] [--timeout SECONDS] [--workers "1 2"]
#   --build DIR       build directory holding dsed, dsectl and dse-peer (default <repo>/build)
#   --filter PATTERN  only tests whose name contains PATTERN (a grep -E regex)
#   --timeout S       per-run time limit (default 300)
#   --workers LIST    worker counts to run each test with (default "1 2")
# Logs go to a temp dir printed at the end; a failed run's FAIL lines are shown.

DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$DIR/../.." && pwd)/build
FILTER=
TIMEOUT=300
WORKERS="1 2"

while [ $# -gt 0 ]; do
	case "$1" in
	--build)
		BUILD=$(cd "$2" && pwd) || exit 2
		shift 2
		;;
	--filter)
		FILTER=$2
		shift 2
		;;
	--timeout)
		TIMEOUT=$2
		shift 2
		;;
	--workers)
		WORKERS=$2
		shift 2
		;;
	-h | --help)
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
done

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: the integration tests need root" >&2
	exit 2
fi

LOG_DIR=$(mktemp -d /tmp/dse-integration.XXXXXX)
PASSED=0
FAILED=0
for test in "$DIR"/test_*.sh; do
	name=$(basename "$test" .sh)
	if [ -n "$FILTER" ] && ! echo "$name" | grep -qE -- "$FILTER"; then
		continue
	fi
	for workers in $WORKERS; do
		log=$LOG_DIR/$name.w$workers.log
		start=$SECONDS
		DSE_BUILD=$BUILD DSE_WORKERS=$workers timeout --kill-after=20 "$TIMEOUT" \
			bash "$test" >"$log" 2>&1
		rc=$?
		elapsed=$((SECONDS - start))
		checks=$(grep -cE '^(PASS|FAIL) ' "$log")
		if [ $rc -eq 0 ]; then
			PASSED=$((PASSED + 1))
			echo "PASS $name workers=$workers (${elapsed}s, $checks checks)"
		else
			FAILED=$((FAILED + 1))
			why="exit $rc"
			[ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
			echo "FAIL $name workers=$workers (${elapsed}s, $why, log $log)"
			grep -E '^FAIL ' "$log" | sed 's/^/    /'
		fi
	done
done
echo "# logs in $LOG_DIR"
echo "$PASSED passed, $FAILED failed"
[ $FAILED -eq 0 ] && [ $PASSED -gt 0 ]
