#!/bin/bash
# Runs every integration test (test_*.sh beside this file) once with one worker and once with two
# (DSE_WORKERS=1, 2), each under a timeout, one line per run, and a last line "N passed,
# N failed". Exits non-zero when any run failed. Needs root.
#
# Runs are independent (every name and address carries a per-run id), so up to --jobs of them
# run at once. A test that measures loss or timing says so with a line "# run-alone" near its
# top: it runs after the others, with nothing beside it, so a neighbour's load cannot fail it.
#
# Usage: run.sh [--build DIR] [--filter PATTERN] [--timeout SECONDS] [--workers "1 2"] [--jobs N]
#   --build DIR       build directory holding dsed, dsectl and dse-peer (default <repo>/build)
#   --filter PATTERN  only tests whose name contains PATTERN (a grep -E regex)
#   --timeout S       per-run time limit (default 300)
#   --workers LIST    worker counts to run each test with (default "1 2")
#   --jobs N          runs at once (default 2)
# Logs go to a temp dir printed at the end (one per run); a failed run's FAIL lines are shown.

DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$DIR/../.." && pwd)/build
FILTER=
TIMEOUT=300
WORKERS="1 2"
JOBS=2

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
	--jobs)
		JOBS=$2
		shift 2
		;;
	-h | --help)
		sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
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
if ! [[ "$JOBS" =~ ^[1-9][0-9]*$ ]]; then
	echo "run.sh: --jobs wants a positive integer, got '$JOBS'" >&2
	exit 2
fi

LOG_DIR=$(mktemp -d /tmp/dse-integration.XXXXXX)

# run_one TEST WORKERS: runs one test, prints its result as one write (lines of parallel runs
# never interleave) and leaves PASS or FAIL in <log>.result for the count.
run_one()
{
	local test=$1 workers=$2 name log start rc elapsed checks why msg
	name=$(basename "$test" .sh)
	log=$LOG_DIR/$name.w$workers.log
	start=$SECONDS
	DSE_BUILD=$BUILD DSE_WORKERS=$workers timeout --kill-after=20 "$TIMEOUT" \
		bash "$test" >"$log" 2>&1 </dev/null
	rc=$?
	elapsed=$((SECONDS - start))
	checks=$(grep -cE '^(PASS|FAIL) ' "$log")
	if [ $rc -eq 0 ]; then
		echo PASS >"$log.result"
		msg="PASS $name workers=$workers (${elapsed}s, $checks checks)"
		# A skip says so on the run's line, with its reason.
		if grep -qE '^SKIP ' "$log"; then
			msg+=$'\n'$(grep -E '^SKIP ' "$log" | sed 's/^/    /')
		fi
	else
		echo FAIL >"$log.result"
		why="exit $rc"
		[ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
		msg="FAIL $name workers=$workers (${elapsed}s, $why, log $log)"
		msg+=$'\n'$(grep -E '^FAIL ' "$log" | sed 's/^/    /')
	fi
	printf '%s\n' "$msg"
}

# The runs, in file order: shared ones first, then those that must run alone.
SHARED=()
ALONE=()
for test in "$DIR"/test_*.sh; do
	name=$(basename "$test" .sh)
	if [ -n "$FILTER" ] && ! echo "$name" | grep -qE -- "$FILTER"; then
		continue
	fi
	for workers in $WORKERS; do
		if grep -q '^# run-alone' "$test"; then
			ALONE+=("$test $workers")
		else
			SHARED+=("$test $workers")
		fi
	done
done

START=$SECONDS
running=0
for run in "${SHARED[@]}"; do
	if [ $running -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	# shellcheck disable=SC2086 # "test workers" splits into two arguments on purpose
	run_one $run &
	running=$((running + 1))
done
wait
for run in "${ALONE[@]}"; do
	# shellcheck disable=SC2086
	run_one $run
done

PASSED=$(cat "$LOG_DIR"/*.result 2>/dev/null | grep -c '^PASS$')
FAILED=$(cat "$LOG_DIR"/*.result 2>/dev/null | grep -c '^FAIL$')
echo "# logs in $LOG_DIR; $((SECONDS - START)) s for $((${#SHARED[@]} + ${#ALONE[@]})) runs, $JOBS at once"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
