#!/bin/bash
# Real workload traffic with the kernel's default offloads (tx checksumming, TSO/GSO on the
# veths): three workloads on one engine, vm1 on tap, vm2 on af_packet, vm3 on af_packet (or on
# the kind in OFFL_THIRD: test_offloads_af_xdp.sh runs this with af_xdp). Between every pair:
# exact TCP transfers both ways over IPv4 and IPv6 (bytes counted and hashed at the receiver),
# iperf3 TCP, and UDP over IPv4 and IPv6 with every datagram delivered; curl of a 20 MB file
# with its sha256 checked at the far end; then the same through the firewall with allow rules.
# Checks that the engine dropped nothing and that its offload counters show which way each
# port was served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/traffic_lib.sh"
require_cmds ip ethtool ping iperf3 curl python3 sha256sum
OFFL_THIRD=${OFFL_THIRD:-af_packet}

NAMES=(vm1 vm2 vm3)
KINDS=(tap af_packet $OFFL_THIRD)
declare -A NS IF4 IF6
for i in 0 1 2; do
	n=${NAMES[$i]}
	NS[$n]=$(ns_name "$n")
	IF4[$n]=198.18.9.$((i + 1))
	IF6[$n]=2001:db8:9::$((i + 1))
	ns_add "${NS[$n]}"
done
TAP1=t1-$RUN_ID
V2H=o2h-$RUN_ID
V2N=o2n-$RUN_ID
V3H=o3h-$RUN_ID
V3N=o3n-$RUN_ID
veth_ns "${NS[vm2]}" "$V2H" "$V2N" 198.18.9.2/24 02:d5:09:00:00:02 2001:db8:9::2/64
veth_ns "${NS[vm3]}" "$V3H" "$V3N" 198.18.9.3/24 02:d5:09:00:00:03 2001:db8:9::3/64
assert_eq "vm2's veth keeps tx checksumming (kernel default)" on \
	"$(nsx "${NS[vm2]}" ethtool -k "$V2N" | sed -n 's/^tx-checksumming: \([a-z]*\).*/\1/p')"
assert_eq "vm2's veth keeps TSO (kernel default)" on \
	"$(nsx "${NS[vm2]}" ethtool -k "$V2N" | sed -n 's/^tcp-segmentation-offload: \([a-z]*\).*/\1/p')"

# config FIREWALL: the engine's config; with FIREWALL=yes, a default-drop firewall on every
# port whose rules allow exactly what this test sends.
config()
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
ports:
  - {name: vm1, kind: tap, segment: web, iface: $TAP1}
  - {name: vm2, kind: af_packet, segment: web, iface: $V2H}
  - {name: vm3, kind: $OFFL_THIRD, segment: web, iface: $V3H}
EOF
	[ "$1" = yes ] || return 0
	cat <<EOF
firewall:
  default: drop
  sections:
    - name: workloads
      applied-to: [web]
      rules:
        - {id: 1, src: any, dst: any, service: {protocol: tcp, ports: "5201,5301,8000"}, action: allow, direction: in}
        - {id: 2, src: any, dst: any, service: {protocol: udp, ports: "5302"}, action: allow, direction: in}
        - {id: 3, src: any, dst: any, service: {protocol: icmp}, action: allow, direction: in}
        - {id: 4, src: any, dst: any, service: {protocol: icmpv6}, action: allow, direction: in}
        - {id: 5, src: any, dst: any, action: allow, direction: out}
EOF
}
config no >"$TMP_DIR/host.yaml"
config yes >"$TMP_DIR/fw.yaml"
start_dsed "$TMP_DIR/host.yaml"
move_tap_ns "$TAP1" "${NS[vm1]}" 198.18.9.1/24 02:d5:09:00:00:01 2001:db8:9::1/64

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

total_drops()
{
	dsectl_j show stats | json_get "sum(x['packets'] for x in d['drops'])"
}

TCP_BYTES=$((24 * 1024 * 1024)) # a multiple of iperf3's 128 KiB TCP block
UDP_LEN=1200
UDP_COUNT=2000
BIG_BYTES=$((20 * 1024 * 1024))

traffic_file

# pair_traffic A B: TCP and UDP both ways between workloads A and B.
pair_traffic()
{
	local a=$1 b=$2 ka kb
	ka=${KINDS[${a#vm} - 1]}
	kb=${KINDS[${b#vm} - 1]}
	tcp_exact "TCP/IPv4 20 MB $a($ka) -> $b($kb), bytes and sha256" "$a" "$b" "${IF4[$b]}"
	tcp_exact "TCP/IPv6 20 MB $b($kb) -> $a($ka), bytes and sha256" "$b" "$a" "${IF6[$a]}"
	iperf_tcp "iperf3 TCP/IPv4 $a($ka) -> $b($kb)" "$a" "$b" "${IF4[$b]}"
	iperf_tcp "iperf3 TCP/IPv6 $b($kb) -> $a($ka)" "$a" "$b" "${IF6[$b]}" -R
	udp_exact "UDP/IPv4 $a($ka) -> $b($kb)" "$a" "$b" "${IF4[$b]}"
	udp_exact "UDP/IPv6 $b($kb) -> $a($ka)" "$a" "$b" "${IF6[$b]}" -R
}

for p in "vm1 vm2" "vm2 vm3" "vm3 vm1"; do
	pair_traffic $p
done
curl_check "curl 20 MB vm2(af_packet) -> vm1(tap), sha256" vm1 vm2 "${IF4[vm2]}"
curl_check "curl 20 MB vm1(tap) -> vm3($OFFL_THIRD), sha256" vm3 vm1 "${IF4[vm1]}"
curl_check "curl 20 MB vm3($OFFL_THIRD) -> vm2(af_packet) over IPv6, sha256" vm2 vm3 "${IF6[vm3]}"

assert_eq "no packet dropped by the engine" 0 "$(total_drops)"
# Frames from the veths arrive partial and as GSO frames; each port's counters say how the
# engine served them: the kernel behind an af_packet port takes them whole, a tap gets its GSO
# frames cut here and its checksums completed by its PMD, an af_xdp port gets both done here.
offload_of()
{
	dsectl_j show ports | json_get "port('$1')['tx_offload']['$2']"
}
nonzero()
{
	[ "$1" -gt 0 ] 2>/dev/null && echo yes || echo "no ($1)"
}
assert_eq "vm2 (af_packet) took GSO frames and partial checksums whole" yes "$(nonzero "$(offload_of vm2 to_device)")"
assert_eq "vm2 (af_packet) needed nothing cut" 0 "$(offload_of vm2 segmented)"
assert_eq "vm2 (af_packet) needed no checksum completed" 0 "$(offload_of vm2 completed)"
assert_eq "vm1 (tap) got GSO frames cut by the engine" yes "$(nonzero "$(offload_of vm1 segmented)")"
assert_eq "vm1 (tap) had its checksums completed by its PMD" yes "$(nonzero "$(offload_of vm1 to_device)")"
if [ "$OFFL_THIRD" = af_xdp ]; then
	assert_eq "vm3 (af_xdp) got GSO frames cut by the engine" yes "$(nonzero "$(offload_of vm3 segmented)")"
	assert_eq "vm3 (af_xdp) got checksums completed by the engine" yes "$(nonzero "$(offload_of vm3 completed)")"
	assert_eq "vm3 (af_xdp) handed nothing to its device" 0 "$(offload_of vm3 to_device)"
else
	assert_eq "vm3 (af_packet) needed nothing cut" 0 "$(offload_of vm3 segmented)"
fi

# The same through the firewall: connection tracking follows TCP over GSO frames.
ctl apply -f "$TMP_DIR/fw.yaml" >/dev/null || fail "apply the firewall" "$(ctl apply -f "$TMP_DIR/fw.yaml" 2>&1)"
for p in "vm1 vm2" "vm3 vm2"; do
	set -- $p
	tcp_exact "firewall: TCP/IPv4 20 MB $1 -> $2, bytes and sha256" "$1" "$2" "${IF4[$2]}"
	tcp_exact "firewall: TCP/IPv6 20 MB $2 -> $1, bytes and sha256" "$2" "$1" "${IF6[$1]}"
	iperf_tcp "firewall: iperf3 TCP/IPv4 $1 -> $2" "$1" "$2" "${IF4[$2]}"
	udp_exact "firewall: UDP/IPv6 $1 -> $2" "$1" "$2" "${IF6[$2]}"
done
curl_check "firewall: curl 20 MB vm3($OFFL_THIRD) -> vm1(tap), sha256" vm1 vm3 "${IF4[vm3]}"
curl_check "firewall: curl 20 MB vm2(af_packet) -> vm3($OFFL_THIRD) over IPv6, sha256" vm3 vm2 "${IF6[vm2]}"
assert_eq "no packet dropped through the firewall" 0 "$(total_drops)"
check_dsed_alive
finish
