#!/bin/bash
# Interoperation with the Linux kernel's own tunnel endpoints: host A is a dse engine, host K is a
# namespace whose kernel runs a geneve (then vxlan) device bridged to a workload. The workloads
# of A and K share segment web (VNI 5001) and talk both ways (ping, TCP), for both
# encapsulations, with the engine switched from Geneve to VXLAN by `dsectl apply`. tshark reads
# the engine's packets as Geneve/VXLAN with VNI 5001 and without malformed-packet warnings.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ethtool ping iperf3 tcpdump tshark

underlay_setup
underlay_port uAh-$RUN_ID uAn-$RUN_ID
NSK=$(ns_name kh)
NSW=$(ns_name wk)
ns_add "$NSK"
ns_add "$NSW"
ip link add kh-$RUN_ID type veth peer name kn-$RUN_ID || die "veth"
ip link set kh-$RUN_ID netns "$UNDERLAY_NS" && ip -n "$UNDERLAY_NS" link set kh-$RUN_ID master br0 up
ip link set kn-$RUN_ID netns "$NSK" && if_setup "$NSK" kn-$RUN_ID 198.19.0.3/24 || die "K setup"
# K's workload behind K's bridge; the tunnel device takes 50 bytes of the 1500 underlay.
ip link add kwh-$RUN_ID type veth peer name kwn-$RUN_ID || die "veth"
ip link set kwh-$RUN_ID netns "$NSK"
ip link set kwn-$RUN_ID netns "$NSW"
ip -n "$NSW" link set kwn-$RUN_ID mtu 1450
if_setup "$NSW" kwn-$RUN_ID 198.18.1.3/24 02:d5:0b:00:00:03 || die "wk setup"
ip -n "$NSK" link add br1 type bridge && ip -n "$NSK" link set br1 up
ip -n "$NSK" link set kwh-$RUN_ID mtu 1450
ip -n "$NSK" link set kwh-$RUN_ID master br1 up

NSA=$(ns_name wa)
ns_add "$NSA"
veth_ns "$NSA" waH-$RUN_ID waN-$RUN_ID 198.18.1.1/24 02:d5:0b:00:00:01

config()
{
	cat <<EOF2
transport-node:
  name: A
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: 198.19.0.1/24
    uplink: up
    encapsulation: $1
segments:
  - name: web
    vni: 5001
    flood-teps: [198.19.0.3]
ports:
  - name: up
    kind: af_packet
    iface: uAh-$RUN_ID
  - name: wa
    kind: af_packet
    segment: web
    iface: waH-$RUN_ID
EOF2
}

# kernel_tunnel KIND: K's tunnel device of KIND toward TEP A, in K's bridge.
kernel_tunnel()
{
	ip -n "$NSK" link del tun0 2>/dev/null
	if [ "$1" = geneve ]; then
		ip -n "$NSK" link add tun0 type geneve id 5001 remote 198.19.0.1 || return 1
	else
		ip -n "$NSK" link add tun0 type vxlan id 5001 remote 198.19.0.1 dstport 4789 \
			dev kn-$RUN_ID || return 1
	fi
	ip -n "$NSK" link set tun0 master br1 up
}

# Encapsulations this kernel has a device for (some kernels are built without geneve).
ENCAPS=
for encap in geneve vxlan; do
	if ip -n "$NSW" link add probe0 type $encap id 1 remote 198.19.0.1 dstport 4789 \
		>/dev/null 2>&1; then
		ip -n "$NSW" link del probe0
		ENCAPS="$ENCAPS $encap"
	else
		why="this kernel has no $encap device type"
		opt=CONFIG_$(echo $encap | tr a-z A-Z)
		if zgrep -q "^# $opt is not set" /proc/config.gz 2>/dev/null; then
			why="$why: $(uname -r) is built without $opt and 'modprobe $encap' finds no module"
		elif ! modprobe -q $encap 2>/dev/null; then
			why="$why: 'modprobe $encap' failed on $(uname -r)"
		fi
		info "SKIP $encap interop with the kernel: $why (interop for it is untested here)"
	fi
done
[ -n "$ENCAPS" ] || die "the kernel has neither a geneve nor a vxlan device type"

config geneve >"$TMP_DIR/A.yaml"
start_host A "$TMP_DIR/A.yaml"

for encap in $ENCAPS; do
	port=6081
	[ $encap = vxlan ] && port=4789
	if [ $encap = vxlan ]; then
		config vxlan >"$TMP_DIR/A-vxlan.yaml"
		assert_ok "apply: the engine switches to VXLAN" \
			"$DSECTL" --socket "${HOST_SOCK[A]}" apply -f "$TMP_DIR/A-vxlan.yaml"
	fi
	assert_ok "$encap: kernel tunnel device created" kernel_tunnel $encap
	capture_start "$UNDERLAY_NS" br0 "udp port $port" "$TMP_DIR/ul-$encap.pcap"
	UL=$CAPTURE_PID
	assert_ok "$encap: ping engine workload -> kernel workload" ping_ok "$NSA" 198.18.1.3
	assert_ok "$encap: ping kernel workload -> engine workload" ping_ok "$NSW" 198.18.1.1
	ip netns exec "$NSA" iperf3 -s -1 -B 198.18.1.1 >"$TMP_DIR/iperf-$encap.log" 2>&1 &
	IPS=$!
	track_pid $IPS
	wait_until 5 tcp_listening "$NSA" 5201 || fail "iperf3 server" "not listening"
	nsx "$NSW" timeout 20 iperf3 -c 198.18.1.1 -t 2 --json >"$TMP_DIR/iperf-$encap.json" 2>&1
	assert_ge "$encap: iperf3 TCP kernel -> engine (bytes)" 1000000 \
		"$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf-$encap.json")"
	stop_pid $IPS
	ip netns exec "$NSW" iperf3 -s -1 -B 198.18.1.3 >"$TMP_DIR/iperf2-$encap.log" 2>&1 &
	IPS=$!
	track_pid $IPS
	wait_until 5 tcp_listening "$NSW" 5201 || fail "iperf3 server" "not listening"
	nsx "$NSA" timeout 20 iperf3 -c 198.18.1.3 -t 2 --json >"$TMP_DIR/iperf2-$encap.json" 2>&1
	assert_ge "$encap: iperf3 TCP engine -> kernel (bytes)" 1000000 \
		"$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf2-$encap.json")"
	stop_pid $IPS
	capture_count $UL "$TMP_DIR/ul-$encap.pcap" >/dev/null
	F="$TMP_DIR/ul-$encap.pcap"
	assert_ge "$encap: tshark reads the engine's packets as $encap" 100 \
		"$(tshark -r "$F" -Y "$encap && ip.src == 198.19.0.1" 2>/dev/null | wc -l)"
	assert_eq "$encap: every engine packet carries VNI 5001" 0 \
		"$(tshark -r "$F" -Y "$encap && ip.src == 198.19.0.1 && $encap.vni != 5001" 2>/dev/null | wc -l)"
	assert_ge "$encap: the inner frames are the workloads' TCP" 100 \
		"$(tshark -r "$F" -Y "$encap && ip.src == 198.19.0.1 && tcp && ip.src == 198.18.1.1" 2>/dev/null | wc -l)"
	assert_eq "$encap: no malformed packet or expert error in the engine's packets" 0 \
		"$(tshark -r "$F" -Y 'ip.src == 198.19.0.1 && (_ws.malformed || _ws.expert.severity >= 0x800000)' 2>/dev/null | wc -l)"
done
TUN=$(hctl A call tunnels.show)
assert_eq "tunnels.show: kernel TEP known" 198.19.0.3 "$(echo "$TUN" | json_get "d['teps'][0]['tep']")"
assert_eq "tunnels.show: encapsulation now vxlan" vxlan "$(echo "$TUN" | json_get "d['local']['encapsulation']")"
check_host_alive A
finish
