#!/bin/bash
# The same kernel port kinds with every offload turned off on the workloads' veths (frames as
# on a wire: checksums filled in, none larger than the MTU): vm1 on tap, vm2 on af_packet, vm3
# on af_xdp. Exact TCP transfers both ways over IPv4 and IPv6 and UDP between every pair, and
# the engine had nothing to complete or cut: every port's offload counters stay at zero.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/traffic_lib.sh"
require_cmds ip ethtool ping iperf3 python3 sha256sum
VETH_OFFLOADS=off

NAMES=(vm1 vm2 vm3)
KINDS=(tap af_packet af_xdp)
declare -A NS IF4 IF6
for i in 0 1 2; do
	n=${NAMES[$i]}
	NS[$n]=$(ns_name "$n")
	IF4[$n]=198.18.10.$((i + 1))
	IF6[$n]=2001:db8:10::$((i + 1))
	ns_add "${NS[$n]}"
done
TAP1=t1-$RUN_ID
V2H=f2h-$RUN_ID
V2N=f2n-$RUN_ID
V3H=f3h-$RUN_ID
V3N=f3n-$RUN_ID
veth_ns "${NS[vm2]}" "$V2H" "$V2N" 198.18.10.2/24 02:d5:10:00:00:02 2001:db8:10::2/64
veth_ns "${NS[vm3]}" "$V3H" "$V3N" 198.18.10.3/24 02:d5:10:00:00:03 2001:db8:10::3/64
assert_eq "vm2's veth has tx checksumming off" off \
	"$(nsx "${NS[vm2]}" ethtool -k "$V2N" | sed -n 's/^tx-checksumming: \([a-z]*\).*/\1/p')"

{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
ports:
  - {name: vm1, kind: tap, segment: web, iface: $TAP1}
  - {name: vm2, kind: af_packet, segment: web, iface: $V2H}
  - {name: vm3, kind: af_xdp, segment: web, iface: $V3H}
EOF
} >"$TMP_DIR/host.yaml"
start_dsed "$TMP_DIR/host.yaml"
move_tap_ns "$TAP1" "${NS[vm1]}" 198.18.10.1/24 02:d5:10:00:00:01 2001:db8:10::1/64
# The tap end too: the engine's tap has no offloads, but its namespace end could.
nsx "${NS[vm1]}" ethtool -K "$TAP1" tx off tso off gso off gro off >/dev/null 2>&1
for n in "${NAMES[@]}"; do
	for m in "${NAMES[@]}"; do
		[ "$n" = "$m" ] && continue
		assert_ok "ping $n -> $m" ping_ok "${NS[$n]}" "${IF4[$m]}" 1
		assert_ok "ping $n -> $m over IPv6" ping_ok "${NS[$n]}" "${IF6[$m]}" 1
	done
done
# What happened before every workload was up (frames to a tap not yet configured) is not
# this test's business: counters start here.
ctl stats clear >/dev/null || fail "stats clear" "dsectl failed"

TCP_BYTES=$((24 * 1024 * 1024))
UDP_LEN=1200
UDP_COUNT=2000
BIG_BYTES=$((20 * 1024 * 1024))
traffic_file

for p in "vm1 vm2" "vm2 vm3" "vm3 vm1"; do
	set -- $p
	ka=${KINDS[${1#vm} - 1]}
	kb=${KINDS[${2#vm} - 1]}
	tcp_exact "TCP/IPv4 20 MB $1($ka) -> $2($kb), bytes and sha256" "$1" "$2" "${IF4[$2]}"
	tcp_exact "TCP/IPv6 20 MB $2($kb) -> $1($ka), bytes and sha256" "$2" "$1" "${IF6[$1]}"
	udp_exact "UDP/IPv4 $1($ka) -> $2($kb)" "$1" "$2" "${IF4[$2]}"
done

PORTS=$(dsectl_j show ports)
for n in "${NAMES[@]}"; do
	assert_eq "$n: nothing to hand over, complete or cut (offloads off)" '[0, 0, 0, 0]' \
		"$(echo "$PORTS" | json_get "[port('$n')['tx_offload'][k] for k in ('to_device', 'completed', 'segmented', 'segments')]")"
done
assert_eq "no packet dropped by the engine" 0 \
	"$(dsectl_j show stats | json_get "sum(x['packets'] for x in d['drops'])")"
check_dsed_alive
finish
