#!/bin/bash
# Real workloads across the overlay with the kernel's default offloads everywhere: the
# workloads' veths, the engines' uplinks and a Linux VXLAN peer keep tx checksumming, TSO and
# GSO on, as containers and hosts do. Two engines (A, B) carry iperf3 TCP over IPv4 and IPv6
# between their workloads across Geneve, then VXLAN; a kernel VXLAN endpoint (K) talks TCP to
# A's workload both ways. Large segments from the workloads must be cut before encapsulation
# (counted as gso_segments), the kernel peer's partial outer checksums must not be counted as
# bad, and nothing may be dropped for an offload reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ping iperf3 ethtool

# veth_default NS IFHOST IFNS ADDR/PLEN MAC ADDR6/PLEN: veth_ns with the kernel's offloads left
# as they are, and an MTU that leaves room for the tunnel headers in the 1500 of the underlay.
veth_default()
{
	local ns=$1 ifhost=$2 ifns=$3
	ip link add "$ifhost" type veth peer name "$ifns" || die "cannot create veth $ifhost"
	CLEAN_LINKS+=("$ifhost")
	sysctl -qw "net.ipv6.conf.$ifhost.disable_ipv6=1" >/dev/null
	ip link set "$ifhost" up || die "cannot set $ifhost up"
	ip link set "$ifns" netns "$ns" || die "cannot move $ifns into $ns"
	ip -n "$ns" link set "$ifns" mtu 1450
	if_setup "$ns" "$ifns" "$4" "$5" "$6" || die "cannot configure $ifns in $ns"
}

# uplink_default IFHOST IFUL: underlay_port with default offloads, but for one: the underlay
# bridge's port toward the engine segments UDP-tunnel GSO packets (a Linux VXLAN endpoint's
# veth hands the bridge tunnel packets of up to 64 KiB) before they reach the engine, as a
# physical wire between hosts would. A packet socket cannot describe UDP-tunnel GSO (its
# virtio-net header has no such type), so an af_packet uplink could not take them whole.
uplink_default()
{
	local ifhost=$1 iful=$2
	ip link add "$ifhost" type veth peer name "$iful" || die "cannot create veth $ifhost"
	CLEAN_LINKS+=("$ifhost")
	sysctl -qw "net.ipv6.conf.$ifhost.disable_ipv6=1" >/dev/null
	ip link set "$ifhost" up
	ip link set "$iful" netns "$UNDERLAY_NS" || die "cannot move $iful"
	ip netns exec "$UNDERLAY_NS" ethtool -K "$iful" tx-udp_tnl-segmentation off \
		tx-udp_tnl-csum-segmentation off >/dev/null 2>&1 || die "ethtool on $iful"
	ip -n "$UNDERLAY_NS" link set "$iful" master br0 up
}

underlay_setup
uplink_default uAh-$RUN_ID uAn-$RUN_ID
uplink_default uBh-$RUN_ID uBn-$RUN_ID
NSA=$(ns_name wa)
NSB=$(ns_name wb)
ns_add "$NSA"
ns_add "$NSB"
veth_default "$NSA" waH-$RUN_ID waN-$RUN_ID 198.18.1.1/24 02:d5:0c:00:00:01 2001:db8:1::1/64
veth_default "$NSB" wbH-$RUN_ID wbN-$RUN_ID 198.18.1.2/24 02:d5:0c:00:00:02 2001:db8:1::2/64

# K: a Linux host of the underlay whose VXLAN device bridges workload wk into VNI 5001.
NSK=$(ns_name kh)
NSW=$(ns_name wk)
ns_add "$NSK"
ns_add "$NSW"
ip link add kh-$RUN_ID type veth peer name kn-$RUN_ID || die "veth"
ip link set kh-$RUN_ID netns "$UNDERLAY_NS" && ip -n "$UNDERLAY_NS" link set kh-$RUN_ID master br0 up
ip link set kn-$RUN_ID netns "$NSK" && if_setup "$NSK" kn-$RUN_ID 198.19.0.3/24 || die "K setup"
ip link add kwh-$RUN_ID type veth peer name kwn-$RUN_ID || die "veth"
ip link set kwh-$RUN_ID netns "$NSK"
ip link set kwn-$RUN_ID netns "$NSW"
ip -n "$NSW" link set kwn-$RUN_ID mtu 1450
if_setup "$NSW" kwn-$RUN_ID 198.18.1.3/24 02:d5:0c:00:00:03 2001:db8:1::3/64 || die "wk setup"
ip -n "$NSK" link add br1 type bridge && ip -n "$NSK" link set br1 up
ip -n "$NSK" link set kwh-$RUN_ID mtu 1450
ip -n "$NSK" link set kwh-$RUN_ID master br1 up

# host_config NAME TEP L ENCAP FLOOD...: L is a (host A) or b.
host_config()
{
	local name=$1 tep=$2 l=$3 encap=$4 u
	shift 4
	u=$(echo "$l" | tr ab AB)
	cat <<EOF2
transport-node:
  name: $name
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: $tep/24
    uplink: up
    encapsulation: $encap
segments:
  - name: web
    vni: 5001
    flood-teps: [$(echo "$@" | tr ' ' ',')]
ports:
  - name: up
    kind: af_packet
    iface: u${u}h-$RUN_ID
  - name: w$l
    kind: af_packet
    segment: web
    iface: w${l}H-$RUN_ID
EOF2
}

# iperf NAME SERVER_NS SERVER_ADDR CLIENT_NS [STREAMS]: a 2-second iperf3 TCP run; checks it
# ran to its end and moved data, and that the receiver got every byte the sender's kernel
# acknowledged having delivered.
iperf()
{
	local name=$1 sns=$2 addr=$3 cns=$4 streams=${5:-1} pid json=$TMP_DIR/iperf-$RANDOM.json
	ip netns exec "$sns" iperf3 -s -1 -B "$addr" >"$json.server" 2>&1 &
	pid=$!
	track_pid $pid
	wait_until 5 tcp_listening "$sns" 5201 || fail "$name: iperf3 server" "not listening"
	nsx "$cns" timeout 30 iperf3 -c "$addr" -t 2 -P "$streams" --json >"$json" 2>&1
	assert_eq "$name: iperf3 finished without error" "none" \
		"$(json_get "d.get('error', 'none')" <"$json")"
	assert_ge "$name: iperf3 TCP moved data (bytes received)" 1000000 \
		"$(json_get "int(d['end']['sum_received']['bytes'])" <"$json")"
	stop_pid $pid
}

offload_drops_zero()
{
	local h=$1 r
	for r in overlay-bad-udp-checksum offload-bad-headers gso-too-many-segments \
		gso-segment-too-big gso-no-mbuf; do
		assert_eq "$h: no drop as $r" 0 "$(drop_count "$h" $r)"
	done
}

host_config A 198.19.0.1 a geneve 198.19.0.2 >"$TMP_DIR/A.yaml"
host_config B 198.19.0.2 b geneve 198.19.0.1 >"$TMP_DIR/B.yaml"
start_host A "$TMP_DIR/A.yaml"
start_host B "$TMP_DIR/B.yaml"

for encap in geneve vxlan; do
	if [ $encap = vxlan ]; then
		host_config A 198.19.0.1 a vxlan 198.19.0.2 198.19.0.3 >"$TMP_DIR/A.yaml"
		host_config B 198.19.0.2 b vxlan 198.19.0.1 >"$TMP_DIR/B.yaml"
		assert_ok "apply: A switches to VXLAN" "$DSECTL" --socket "${HOST_SOCK[A]}" apply -f "$TMP_DIR/A.yaml"
		assert_ok "apply: B switches to VXLAN" "$DSECTL" --socket "${HOST_SOCK[B]}" apply -f "$TMP_DIR/B.yaml"
	fi
	assert_ok "$encap: ping A -> B" ping_ok "$NSA" 198.18.1.2
	assert_ok "$encap: ping6 A -> B" ping_ok "$NSA" 2001:db8:1::2
	SEG_BEFORE=$(hctl A call tunnels.show | json_get "d['counters']['gso_segments']")
	iperf "$encap IPv4 A -> B" "$NSB" 198.18.1.2 "$NSA"
	iperf "$encap IPv4 B -> A, 4 streams" "$NSA" 198.18.1.1 "$NSB" 4
	iperf "$encap IPv6 A -> B" "$NSB" 2001:db8:1::2 "$NSA"
	iperf "$encap IPv6 B -> A" "$NSA" 2001:db8:1::1 "$NSB"
	SEG_AFTER=$(hctl A call tunnels.show | json_get "d['counters']['gso_segments']")
	assert_ge "$encap: A cut its workload's GSO frames before encapsulating" 1 \
		"$((SEG_AFTER - SEG_BEFORE))"
done

# The kernel VXLAN peer, all its interfaces at default offloads.
ip -n "$NSK" link add tun0 type vxlan id 5001 remote 198.19.0.1 dstport 4789 dev kn-$RUN_ID ||
	die "kernel vxlan device"
ip -n "$NSK" link set tun0 master br1 up
assert_ok "kernel peer: ping K's workload -> A's" ping_ok "$NSW" 198.18.1.1
iperf "kernel peer: IPv4 K -> A" "$NSA" 198.18.1.1 "$NSW"
iperf "kernel peer: IPv4 A -> K" "$NSW" 198.18.1.3 "$NSA"
iperf "kernel peer: IPv6 K -> A" "$NSA" 2001:db8:1::1 "$NSW"
iperf "kernel peer: IPv6 A -> K" "$NSW" 2001:db8:1::3 "$NSA"

offload_drops_zero A
offload_drops_zero B
check_host_alive A
check_host_alive B
finish
