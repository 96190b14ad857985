# Shared helpers for the dse integration tests (sourced by every test_*.sh; run as root).
# A test builds a topology of network namespaces around one dsed, drives it with dsectl and real
# traffic, and reports one "PASS name" / "FAIL name: why" line per check. Everything the test
# creates (processes, namespaces, interfaces, temp dirs) is recorded here and removed on exit,
# also when the test fails or is interrupted; nothing else is touched. Names carry a per-run id
# so two runs never collide. Addresses: 198.18.0.0/15 and 2001:db8::/32 only.
#
# Environment: DSE_BUILD (build dir holding src/core/dsed, src/cli/dsectl and
# tests/integration/dse-peer; default <repo>/build), DSE_WORKERS (transport-node.workers,
# default 1), DSE_KEEP=1 keeps the temp dir for inspection.

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LIB_DIR/../.." && pwd)
DSE_BUILD=${DSE_BUILD:-$REPO_DIR/build}
DSED=${DSED:-$DSE_BUILD/src/core/dsed}
DSECTL=${DSECTL:-$DSE_BUILD/src/cli/dsectl}
DSE_PEER=${DSE_PEER:-$DSE_BUILD/tests/integration/dse-peer}
DSE_WORKERS=${DSE_WORKERS:-1}
TEST_NAME=$(basename "$0" .sh)

# Bookkeeping: what this run made, so cleanup removes exactly that.
CLEAN_PIDS=()
CLEAN_NETNS=()
CLEAN_LINKS=()
CLEAN_DIRS=()
FAILURES=0
CHECKS=0
DSED_PID=
DSE_SOCK=

# A 4-hex-digit id that no interface or namespace on this machine carries yet.
new_run_id()
{
	local id
	while :; do
		id=$(printf '%04x' $(((RANDOM ^ ($$ << 3) ^ (RANDOM << 7)) & 0xffff)))
		if ! ip -o link show | grep -q "$id" && ! ip netns list | grep -q "$id"; then
			echo "$id"
			return
		fi
	done
}
RUN_ID=$(new_run_id)

TMP_DIR=$(mktemp -d "/tmp/dse-$TEST_NAME.XXXXXX")
CLEAN_DIRS+=("$TMP_DIR")

# Output: one line per check.
pass()
{
	CHECKS=$((CHECKS + 1))
	echo "PASS $1"
}

fail()
{
	CHECKS=$((CHECKS + 1))
	FAILURES=$((FAILURES + 1))
	echo "FAIL $1: $2"
}

info()
{
	echo "# $*"
}

# assert_eq NAME EXPECTED ACTUAL
assert_eq()
{
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

# assert_ge NAME MIN ACTUAL: ACTUAL is an integer >= MIN.
assert_ge()
{
	if [[ "$3" =~ ^-?[0-9]+$ ]] && [ "$3" -ge "$2" ]; then
		pass "$1"
	else
		fail "$1" "expected >= $2, got '$3'"
	fi
}

# assert_ok NAME CMD...: CMD exits 0 (its output is shown on failure).
assert_ok()
{
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "'$*' exited $rc: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
	fi
	return $rc
}

# assert_fail NAME CMD...: CMD exits non-zero.
assert_fail()
{
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		pass "$name"
		return 0
	fi
	fail "$name" "'$*' succeeded but should have failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	return 1
}

# Ends the test: a non-zero status when any check failed or none ran.
finish()
{
	if [ "$CHECKS" -eq 0 ]; then
		fail "$TEST_NAME" "no check ran"
	fi
	info "$TEST_NAME: $((CHECKS - FAILURES))/$CHECKS checks passed"
	[ "$FAILURES" -eq 0 ] && exit 0
	exit 1
}

# Fails the test at once (setup went wrong: nothing after this can be meaningful).
die()
{
	fail "$TEST_NAME" "$*"
	exit 1
}

require_cmds()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || die "required command '$c' is not installed"
	done
}

# pid_alive PID: the process runs (an exited one not yet reaped by its parent, as when this is
# called from a command substitution, counts as gone).
pid_alive()
{
	local state
	kill -0 "$1" 2>/dev/null || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# Stops one recorded process: TERM, then KILL if it is still there after 5 s. Returns the
# process's exit status (128 + signal when a signal ended it; 127 when it was reaped before).
stop_pid()
{
	local pid=$1 i rc
	if pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		for i in $(seq 50); do
			pid_alive "$pid" || break
			sleep 0.1
		done
		if pid_alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	return $rc
}

# Engines whose shutdown is checked at cleanup: "PID LOG" each (see track_dsed).
CLEAN_DSEDS=()

# track_dsed PID LOG: PID is a dsed writing LOG. At cleanup it must exit 0 on SIGTERM and its
# log must hold no sanitizer report; otherwise the test fails. A report printed at shutdown (a
# leak, a use after free while tearing down) is seen nowhere else.
track_dsed()
{
	CLEAN_DSEDS+=("$1 $2")
}

# The marks of a sanitizer report (ASan, LSan, UBSan, TSan) in a log.
SANITIZER_MARKS='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|WARNING: ThreadSanitizer|SUMMARY: [A-Za-z]+Sanitizer'

# check_dsed_exit PID LOG STATUS: one check of an engine's shutdown.
check_dsed_exit()
{
	local pid=$1 log=$2 rc=$3 report
	report=$(grep -E -m 5 "$SANITIZER_MARKS" "$log" 2>/dev/null | tr '\n' '|')
	if [ "$rc" -eq 0 ] && [ -z "$report" ]; then
		pass "dsed $pid exits 0 with a clean log"
		return 0
	fi
	fail "dsed $pid exits 0 with a clean log" \
		"exit status $rc; ${report:-$(tail -n 10 "$log" 2>/dev/null | tr '\n' '|')}"
	# Keep the report where a reader finds it after the temp dir is gone.
	grep -E -A 30 "$SANITIZER_MARKS" "$log" 2>/dev/null | head -n 60 | sed 's/^/# /'
	return 1
}

cleanup()
{
	local status=$? pid ns link dir entry rc
	local -A exit_of
	trap - EXIT INT TERM
	# Engines first, one by one, so each one's exit status is its own.
	for entry in "${CLEAN_DSEDS[@]}"; do
		pid=${entry%% *}
		stop_pid "$pid"
		exit_of[$pid]=$?
	done
	for pid in "${CLEAN_PIDS[@]}"; do
		[ -n "${exit_of[$pid]}" ] || stop_pid "$pid"
	done
	for entry in "${CLEAN_DSEDS[@]}"; do
		pid=${entry%% *}
		check_dsed_exit "$pid" "${entry#* }" "${exit_of[$pid]}" || status=1
	done
	for ns in "${CLEAN_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for link in "${CLEAN_LINKS[@]}"; do
		ip link del "$link" 2>/dev/null
	done
	for dir in "${CLEAN_DIRS[@]}"; do
		if [ "${DSE_KEEP:-0}" == 1 ]; then
			info "kept $dir"
		else
			rm -rf "$dir"
		fi
	done
	exit $status
}
trap cleanup EXIT
trap 'echo "FAIL $TEST_NAME: interrupted"; exit 130' INT
trap 'echo "FAIL $TEST_NAME: terminated"; exit 143' TERM

# Records a background process for cleanup: track_pid PID
track_pid()
{
	CLEAN_PIDS+=("$1")
}

# ns_add NAME: creates namespace NAME (loopback up) and records it.
ns_add()
{
	ip netns add "$1" || die "cannot create namespace $1"
	CLEAN_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# A namespace name for workload SHORT: ns_name vm1 -> dse-vm1-<run id>
ns_name()
{
	echo "dse-$1-$RUN_ID"
}

# nsx NS CMD...: runs CMD in namespace NS. Not for background processes whose PID is recorded:
# a function put in the background runs in a subshell, so $! would not be CMD's PID; use
# `ip netns exec NS CMD &` for those.
nsx()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Configures interface IF (already in NS): optional MAC, IPv4 ADDR/PLEN, optional IPv6, up.
# Addresses are added without duplicate detection so they are usable at once.
if_setup()
{
	local ns=$1 ifname=$2 addr=$3 mac=$4 addr6=$5
	if [ -n "$mac" ]; then
		ip -n "$ns" link set "$ifname" address "$mac" || return 1
	fi
	ip -n "$ns" link set "$ifname" up || return 1
	if [ -n "$addr" ]; then
		ip -n "$ns" addr add "$addr" dev "$ifname" || return 1
	fi
	if [ -n "$addr6" ]; then
		ip -n "$ns" addr add "$addr6" dev "$ifname" nodad || return 1
	fi
	return 0
}

# veth_ns NS IFHOST IFNS ADDR/PLEN [MAC] [ADDR6/PLEN]: a veth pair whose IFHOST end stays in the
# root namespace (for the engine to attach) and whose IFNS end goes into NS, configured.
# The host end carries no addresses and no IPv6, so the host kernel adds no frames of its own.
# Both ends keep the kernel's default offloads (checksumming, TSO/GSO), as a container's veth
# does: the engine gets partial checksums and GSO frames. A test that sets VETH_OFFLOADS=off
# before calling gets them turned off on both ends (frames as on a wire: checksums filled in,
# none larger than the MTU).
VETH_OFFLOADS=${VETH_OFFLOADS:-on}
veth_ns()
{
	local ns=$1 ifhost=$2 ifns=$3 addr=$4 mac=$5 addr6=$6
	[ ${#ifhost} -le 15 ] && [ ${#ifns} -le 15 ] || die "interface name too long: $ifhost/$ifns"
	ip link add "$ifhost" type veth peer name "$ifns" || die "cannot create veth $ifhost"
	CLEAN_LINKS+=("$ifhost")
	sysctl -qw "net.ipv6.conf.$ifhost.disable_ipv6=1" >/dev/null
	ip link set "$ifhost" up || die "cannot set $ifhost up"
	if [ "$VETH_OFFLOADS" = off ]; then
		ethtool -K "$ifhost" tx off tso off gso off gro off >/dev/null 2>&1
		ethtool -K "$ifns" tx off tso off gso off gro off >/dev/null 2>&1 ||
			die "cannot turn offloads off on $ifns"
	fi
	ip link set "$ifns" netns "$ns" || die "cannot move $ifns into $ns"
	if_setup "$ns" "$ifns" "$addr" "$mac" "$addr6" || die "cannot configure $ifns in $ns"
}

# wait_until TIMEOUT_S CMD...: retries CMD every 0.2 s until it succeeds; returns its status.
wait_until()
{
	local timeout=$1 deadline
	shift
	deadline=$((SECONDS + timeout))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}

# link_exists IF [NS]
link_exists()
{
	if [ -n "$2" ]; then
		ip -n "$2" link show "$1" >/dev/null 2>&1
	else
		ip link show "$1" >/dev/null 2>&1
	fi
}

# move_tap_ns IF NS ADDR/PLEN [MAC] [ADDR6/PLEN]: waits for the engine's tap interface IF to
# appear, moves it into NS and configures it there.
move_tap_ns()
{
	local ifname=$1 ns=$2
	wait_until 10 link_exists "$ifname" || die "tap interface $ifname did not appear"
	ip link set "$ifname" netns "$ns" || die "cannot move $ifname into $ns"
	if_setup "$ns" "$ifname" "$3" "$4" "$5" || die "cannot configure $ifname in $ns"
}

# The transport-node block every generated config starts with.
yaml_transport_node()
{
	cat <<EOF
transport-node:
  name: it-$RUN_ID
  workers: $DSE_WORKERS
  idle-sleep-us: 20
EOF
}

# dsectl against this test's engine (people's output), and with --json.
ctl()
{
	"$DSECTL" --socket "$DSE_SOCK" "$@"
}

dsectl_j()
{
	"$DSECTL" --socket "$DSE_SOCK" --json "$@"
}

# json_get EXPR: evaluates the Python expression EXPR over the JSON document on stdin (bound to
# d; helpers: port(name), seg(name) over d's lists). Prints strings and numbers as they are,
# other values as JSON. Exits non-zero (printing nothing) when the expression fails.
json_get()
{
	python3 -c '
import json, sys
d = json.load(sys.stdin)
def _list(key):
    return d[key] if isinstance(d, dict) else d
def port(name):
    return next(p for p in _list("ports") if p["name"] == name)
def seg(name):
    return next(s for s in _list("segments") if s["name"] == name)
def macs():
    return _list("macs")
try:
    v = eval(sys.argv[1])
except Exception as e:
    print("json_get: %s: %r" % (sys.argv[1], e), file=sys.stderr)
    sys.exit(1)
if isinstance(v, bool):
    print("true" if v else "false")
elif isinstance(v, (str, int, float)):
    print(v)
else:
    print(json.dumps(v, sort_keys=True))
' "$1"
}

# port_stat PORT FIELD: one field of one port from `dsectl --json show ports`.
port_stat()
{
	dsectl_j show ports | json_get "port('$1')['$2']"
}

engine_ready()
{
	"$DSECTL" --socket "$DSE_SOCK" show engine >/dev/null 2>&1
}

# A test that sets DSE_LEAK_CHECK=1 before start_dsed runs its engine with leak checking on
# (on a sanitizer build; elsewhere the options do nothing): allocations made by DPDK itself are
# suppressed (lsan.supp), every other block still held at exit is a leak and fails the test
# through the log check at cleanup.
leak_check_env()
{
	[ "${DSE_LEAK_CHECK:-0}" == 1 ] || return 0
	echo "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
	echo "LSAN_OPTIONS=suppressions=$LIB_DIR/lsan.supp:print_suppressions=0"
}

# start_dsed CONFIG [extra dsed args]: starts the engine on CONFIG with this run's socket and
# file prefix, records it, and waits (30 s at most) until it answers on its API socket.
start_dsed()
{
	local config=$1 i
	shift
	[ -x "$DSED" ] || die "no dsed at $DSED (set DSE_BUILD)"
	[ -x "$DSECTL" ] || die "no dsectl at $DSECTL (set DSE_BUILD)"
	DSE_SOCK=$TMP_DIR/dsed.sock
	DSED_LOG=$TMP_DIR/dsed.log
	# shellcheck disable=SC2046 # the leak options are separate words on purpose
	env $(leak_check_env) "$DSED" --config "$config" --socket "$DSE_SOCK" \
		--file-prefix "dse-it-$RUN_ID" --no-huge --memory 512 "$@" >"$DSED_LOG" 2>&1 &
	DSED_PID=$!
	track_pid "$DSED_PID"
	track_dsed "$DSED_PID" "$DSED_LOG"
	for i in $(seq 150); do
		if ! kill -0 "$DSED_PID" 2>/dev/null; then
			die "dsed exited during start-up: $(tail -n 15 "$DSED_LOG" | tr '\n' '|')"
		fi
		engine_ready && return 0
		sleep 0.2
	done
	die "dsed not ready after 30 s: $(tail -n 15 "$DSED_LOG" | tr '\n' '|')"
}

# Checks the engine is still running (a crash would otherwise show up as odd failures).
check_dsed_alive()
{
	if kill -0 "$DSED_PID" 2>/dev/null; then
		pass "dsed still running"
	else
		fail "dsed still running" "dsed exited: $(tail -n 15 "$DSED_LOG" | tr '\n' '|')"
	fi
}

# ping_ok NS ADDR [COUNT]: COUNT (default 3) echo replies out of COUNT, after one warm-up ping
# that resolves neighbours. Works for IPv4 and IPv6 addresses. Every reply is required: a lost
# one fails the check and shows ping's summary with the engine's drop counters, so the cause
# can be found.
ping_ok()
{
	local ns=$1 addr=$2 count=${3:-3}
	local out
	nsx "$ns" ping -c 1 -W 2 "$addr" >/dev/null 2>&1
	out=$(nsx "$ns" ping -c "$count" -i 0.2 -W 1 "$addr" 2>&1)
	echo "$out" | grep -q " $count received" && return 0
	echo "$out" | grep -E "transmitted|unreachable|Unreachable" | head -n 3
	echo "drops: $(ctl show drops 2>/dev/null | tr -s ' \n' ' ')"
	return 1
}

# ping_none NS ADDR [COUNT]: not a single echo reply.
ping_none()
{
	local ns=$1 addr=$2 count=${3:-3}
	local out
	out=$(nsx "$ns" ping -c "$count" -i 0.2 -W 1 "$addr" 2>&1)
	echo "$out" | grep -q " 0 received" && return 0
	echo "$out" | grep -E "transmitted" | head -n 1
	return 1
}

# capture_start NS IF FILTER FILE: starts tcpdump writing FILE; waits until it listens.
# Immediate mode: otherwise the last frames can sit in a kernel ring block that is not handed
# over before tcpdump is stopped, and the capture misses them.
# Sets CAPTURE_PID.
capture_start()
{
	local ns=$1 ifname=$2 filter=$3 file=$4
	ip netns exec "$ns" tcpdump -i "$ifname" -n -U --immediate-mode -s 128 -w "$file" "$filter" 2>"$file.log" &
	CAPTURE_PID=$!
	track_pid "$CAPTURE_PID"
	wait_until 10 grep -q "listening on" "$file.log" || die "tcpdump on $ns/$ifname did not start"
}

# capture_count PID FILE [FILTER]: stops the capture and prints how many frames it holds
# (matching FILTER when given).
capture_count()
{
	local pid=$1 file=$2 filter=$3
	sleep 0.3
	stop_pid "$pid"
	tcpdump -n -r "$file" $filter 2>/dev/null | wc -l
}

# start_peer NAME VDEV IP MAC: runs dse-peer on VDEV (its own file prefix, no hugepages) with
# counters in $TMP_DIR/NAME.json. Sets PEER_PID.
start_peer()
{
	local name=$1 vdev=$2 ip=$3 mac=$4
	[ -x "$DSE_PEER" ] || die "no dse-peer at $DSE_PEER (set DSE_BUILD)"
	"$DSE_PEER" -l 0 --no-huge -m 256 --no-pci --file-prefix "dse-peer-$name-$RUN_ID" \
		--vdev "$vdev" -- --ip "$ip" --mac "$mac" --seconds 600 \
		--stats-file "$TMP_DIR/$name.json" >"$TMP_DIR/$name.log" 2>&1 &
	PEER_PID=$!
	track_pid "$PEER_PID"
}

# tcp_listening NS PORT: something listens on TCP PORT in NS.
tcp_listening()
{
	nsx "$1" ss -Hltn "sport = :$2" | grep -q .
}

# port_add NAME KIND SEGMENT IFACE: adds a kernel-interface port with `dsectl port add`.
port_add()
{
	ctl port add "$1" --kind "$2" --segment "$3" --iface "$4"
}
