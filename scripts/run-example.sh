#!/bin/bash
# Sets up and runs the example single-host topology (examples/host.yaml): installs what is
# needed, builds, starts dsed, and attaches three workloads, each a network namespace:
#
#   dse-vm1  198.18.0.1/24  2001:db8::1/64   tap port vm1        segment web
#   dse-vm2  198.18.0.2/24  2001:db8::2/64   af_packet port vm2  segment web
#   dse-vm3  198.18.0.3/24  2001:db8::3/64   af_packet port vm3  segment db
#
# vm1 and vm2 reach each other; vm3 has an address in the same subnet but sits on another
# segment, so nothing reaches it. Runs until Ctrl-C (or SIGTERM), then removes everything it
# made. Needs root: run as another user, it runs itself again through sudo.
#
# usage: scripts/run-example.sh [--workers N] [--no-build]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORKERS=1
BUILD_IT=1
while [ $# -gt 0 ]; do
	case "$1" in
	--workers) WORKERS=$2; shift 2 ;;
	--no-build) BUILD_IT=0; shift ;;
	-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
# Root is needed (network namespaces, DPDK): a user with sudo gets this script again through
# it; root runs it as it is (a fresh machine may have no sudo at all).
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$(readlink -f "$0")" "$@"
	fi
	echo "run-example: needs root (network namespaces, DPDK), and sudo is not installed" >&2
	exit 1
fi

if [ $BUILD_IT = 1 ]; then
	"$ROOT/scripts/deps.sh"
	"$ROOT/scripts/build.sh" "$ROOT/build" >/dev/null
fi
DSED=$ROOT/build/src/core/dsed
DSECTL=$ROOT/build/src/cli/dsectl
RUN=$(mktemp -d /tmp/dse-example.XXXXXX)
SOCK=$RUN/dsed.sock
CONFIG=$RUN/host.yaml
DSED_PID=

cleanup()
{
	set +e
	if [ -n "$DSED_PID" ] && kill -0 "$DSED_PID" 2>/dev/null; then
		kill "$DSED_PID"
		wait "$DSED_PID" 2>/dev/null
	fi
	for ns in dse-vm1 dse-vm2 dse-vm3; do
		ip netns del "$ns" 2>/dev/null
	done
	ip link del dse-vm2 2>/dev/null
	ip link del dse-vm3 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for ns in dse-vm1 dse-vm2 dse-vm3; do
	if ip netns list | awk "{print \$1}" | grep -qx "$ns"; then
		echo "run-example: namespace $ns exists (another example running?)" >&2
		exit 1
	fi
done

# The example file, with the worker count asked for and idle workers resting, so the machine
# stays usable while nothing is sent.
sed -e "s/^  workers: 1/  workers: $WORKERS/" "$ROOT/examples/host.yaml" >"$CONFIG"
python3 - "$CONFIG" <<'PY'
import sys
p = sys.argv[1]
text = open(p).read().replace("transport-node:\n", "transport-node:\n  idle-sleep-us: 50\n", 1)
open(p, "w").write(text)
PY

# The veth workloads exist before dsed attaches to them; the tap one is created by dsed.
n=2
for vm in vm2 vm3; do
	ip netns add "dse-$vm"
	ip link add "dse-$vm" type veth peer name eth0 netns "dse-$vm"
	# The host end carries only the workload's frames: no addresses, no IPv6 chatter.
	sysctl -qw "net.ipv6.conf.dse-$vm.disable_ipv6=1"
	ip link set "dse-$vm" up
	ip -n "dse-$vm" addr add "198.18.0.$n/24" dev eth0
	ip -n "dse-$vm" addr add "2001:db8::$n/64" dev eth0 nodad
	ip -n "dse-$vm" link set eth0 up
	ip -n "dse-$vm" link set lo up
	n=$((n + 1))
done

"$DSED" --config "$CONFIG" --socket "$SOCK" --file-prefix "dse-example-$$" --no-huge -m 512 &
DSED_PID=$!
for _ in $(seq 100); do
	"$DSECTL" --socket "$SOCK" show engine >/dev/null 2>&1 && break
	kill -0 "$DSED_PID" 2>/dev/null || { echo "run-example: dsed exited" >&2; exit 1; }
	sleep 0.2
done

ip netns add dse-vm1
ip link set dse-vm1 netns dse-vm1
ip -n dse-vm1 addr add 198.18.0.1/24 dev dse-vm1
ip -n dse-vm1 addr add 2001:db8::1/64 dev dse-vm1 nodad
ip -n dse-vm1 link set dse-vm1 up
ip -n dse-vm1 link set lo up

echo
"$DSECTL" --socket "$SOCK" show ports
echo
cat <<EOT
dsed is running (pid $DSED_PID) with the example topology. In another shell, try:

  ip netns exec dse-vm1 ping -c 3 198.18.0.2          # vm1 -> vm2, same segment: replies
  ip netns exec dse-vm1 ping -c 3 2001:db8::2         # the same over IPv6
  ip netns exec dse-vm1 ping -c 3 -W 1 198.18.0.3     # vm1 -> vm3, other segment: no reply
  $DSECTL --socket $SOCK show macs
  $DSECTL --socket $SOCK show stats

Press Ctrl-C to stop dsed and remove the namespaces.
EOT
wait "$DSED_PID"
