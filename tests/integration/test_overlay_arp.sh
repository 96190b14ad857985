#!/bin/bash
# ARP suppression across the overlay: two engines (A, B), Geneve over a shared underlay bridge,
# segment web (VNI 5001). A has a static remote binding with the IPv4 address of B's workload
# wb; B's other workload wc is only learned, from the ARP reply it sends through the tunnel.
# An ARP request of A's workload for an address A knows is answered by engine A: the workload
# gets its reply (its neighbour entry holds the remote MAC) while a capture on the underlay
# shows no ARP request for that address inside a tunnel. A request for an address nobody knows
# does cross (the control that the capture sees them).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ethtool ping tcpdump tshark

MAC1=02:d5:0c:00:00:01
MAC2=02:d5:0c:00:00:02
MAC3=02:d5:0c:00:00:03
underlay_setup
underlay_port uAh-$RUN_ID uAn-$RUN_ID
underlay_port uBh-$RUN_ID uBn-$RUN_ID
NSA=$(ns_name wa)
NSB=$(ns_name wb)
NSC=$(ns_name wc)
for ns in $NSA $NSB $NSC; do ns_add "$ns"; done
veth_ns "$NSA" waH-$RUN_ID waN-$RUN_ID 198.18.1.1/24 $MAC1
veth_ns "$NSB" wbH-$RUN_ID wbN-$RUN_ID 198.18.1.2/24 $MAC2
veth_ns "$NSC" wcH-$RUN_ID wcN-$RUN_ID 198.18.1.3/24 $MAC3

cat >"$TMP_DIR/A.yaml" <<EOF
transport-node:
  name: A
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: 198.19.0.1/24
    uplink: up
segments:
  - name: web
    vni: 5001
    flood-teps: [198.19.0.2]
ports:
  - name: up
    kind: af_packet
    iface: uAh-$RUN_ID
  - name: wa
    kind: af_packet
    segment: web
    iface: waH-$RUN_ID
remote:
  - segment: web
    mac: $MAC2
    ip: 198.18.1.2
    tep: 198.19.0.2
EOF
cat >"$TMP_DIR/B.yaml" <<EOF
transport-node:
  name: B
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: 198.19.0.2/24
    uplink: up
segments:
  - name: web
    vni: 5001
    flood-teps: [198.19.0.1]
ports:
  - name: up
    kind: af_packet
    iface: uBh-$RUN_ID
  - name: wb
    kind: af_packet
    segment: web
    iface: wbH-$RUN_ID
  - name: wc
    kind: af_packet
    segment: web
    iface: wcH-$RUN_ID
EOF
start_host A "$TMP_DIR/A.yaml"
start_host B "$TMP_DIR/B.yaml"

# arp_requests_for FILE IP: ARP requests for IP inside tunnels in the capture FILE.
arp_requests_for()
{
	tshark -r "$1" -Y "geneve && arp.opcode == 1 && arp.dst.proto_ipv4 == $2" 2>/dev/null | wc -l
}
# neigh_mac NS IP: the MAC of IP in NS's neighbour table.
neigh_mac()
{
	ip -n "$1" neigh show "$2" | sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}
counter()
{
	hctl "$1" call tunnels.show | json_get "d['counters']['$2']"
}

# Static binding: A answers for 198.18.1.2.
capture_start "$UNDERLAY_NS" br0 "udp port 6081" "$TMP_DIR/ul-static.pcap"
UL=$CAPTURE_PID
capture_start "$NSB" wbN-$RUN_ID "arp" "$TMP_DIR/wb-arp.pcap"
WBARP=$CAPTURE_PID
assert_ok "static binding: ping A -> B works" ping_ok "$NSA" 198.18.1.2
assert_eq "A's workload got its ARP reply: 198.18.1.2 is at B's MAC" $MAC2 "$(neigh_mac "$NSA" 198.18.1.2)"
capture_count $UL "$TMP_DIR/ul-static.pcap" >/dev/null
assert_ge "control: the underlay capture holds the tunnelled pings" 4 \
	"$(tshark -r "$TMP_DIR/ul-static.pcap" -Y 'geneve && icmp' 2>/dev/null | wc -l)"
assert_eq "no ARP request for 198.18.1.2 crossed the underlay" 0 \
	"$(arp_requests_for "$TMP_DIR/ul-static.pcap" 198.18.1.2)"
assert_eq "B's workload saw no ARP request for itself from A" 0 \
	"$(capture_count $WBARP "$TMP_DIR/wb-arp.pcap" "arp[7] == 1 and arp[24:4] == 0xc6120102")"
assert_ge "A counts the suppressed request" 1 "$(counter A arp_suppressed)"

# Unknown address: the request crosses, once per try (the capture can see them).
capture_start "$UNDERLAY_NS" br0 "udp port 6081" "$TMP_DIR/ul-unknown.pcap"
UL=$CAPTURE_PID
nsx "$NSA" ping -c 2 -W 1 198.18.1.50 >/dev/null 2>&1
capture_count $UL "$TMP_DIR/ul-unknown.pcap" >/dev/null
assert_ge "control: ARP request for an unknown address crosses the underlay" 1 \
	"$(arp_requests_for "$TMP_DIR/ul-unknown.pcap" 198.18.1.50)"
assert_ge "A counts requests it did not answer" 1 "$(counter A arp_not_suppressed)"

# Learned binding: the first request for wc crosses; wc's reply teaches A its address.
assert_ok "ping A -> wc (first time: ARP floods)" ping_ok "$NSA" 198.18.1.3
wc_learned()
{
	"$DSECTL" --socket "${HOST_SOCK[A]}" show remote web |
		grep -q "$MAC3 *198.18.1.3 *198.19.0.2 *learned"
}
assert_ok "A learned wc's IP from its tunnelled ARP (dsectl show remote)" wait_until 5 wc_learned
assert_ge "A holds a learned IP binding" 1 "$(counter A ip_bindings_learned)"
assert_ok "dsectl show remote reports ARP suppression" bash -c \
	"'$DSECTL' --socket '${HOST_SOCK[A]}' show remote | grep -q '^ARP suppression: [1-9][0-9]* requests answered here'"
ip -n "$NSA" neigh flush dev waN-$RUN_ID
BEFORE=$(counter A arp_suppressed)
capture_start "$UNDERLAY_NS" br0 "udp port 6081" "$TMP_DIR/ul-learned.pcap"
UL=$CAPTURE_PID
assert_ok "ping A -> wc again after the workload forgot its neighbours" ping_ok "$NSA" 198.18.1.3
assert_eq "A's workload got wc's MAC" $MAC3 "$(neigh_mac "$NSA" 198.18.1.3)"
capture_count $UL "$TMP_DIR/ul-learned.pcap" >/dev/null
assert_eq "no ARP request for the learned 198.18.1.3 crossed the underlay" 0 \
	"$(arp_requests_for "$TMP_DIR/ul-learned.pcap" 198.18.1.3)"
assert_ge "A counts the request answered from the learned binding" $((BEFORE + 1)) \
	"$(counter A arp_suppressed)"

# A learned address lives as long as its MAC: with 10 s MAC aging on A and no more traffic from
# wc, the MAC ages out and the IP binding goes with it (the static one stays).
sed 's/^segments:/switch:\n  mac-aging: 10\nsegments:/' "$TMP_DIR/A.yaml" >"$TMP_DIR/A-aging.yaml"
assert_ok "apply: A ages MACs after 10 s" \
	"$DSECTL" --socket "${HOST_SOCK[A]}" apply -f "$TMP_DIR/A-aging.yaml"
no_learned_ip()
{
	[ "$(counter A ip_bindings_learned)" = 0 ]
}
assert_ok "learned IP binding expires with its MAC" wait_until 30 no_learned_ip
BEFORE=$(counter A arp_suppressed)
ip -n "$NSA" neigh flush dev waN-$RUN_ID
assert_ok "ping A -> B after the expiry (static binding)" ping_ok "$NSA" 198.18.1.2
assert_ge "static binding still answered" $((BEFORE + 1)) "$(counter A arp_suppressed)"

check_host_alive A
check_host_alive B
finish
