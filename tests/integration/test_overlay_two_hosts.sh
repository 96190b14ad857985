#!/bin/bash
# Overlay between two hosts: two engines (A, B) whose uplinks are veths into one underlay
# bridge, Geneve between their TEPs. Segments web (VNI 5001) and db (VNI 5002) both span the
# hosts, with the same workload MACs and IPs on both, so only the VNI keeps them apart. Checks
# ping and TCP across hosts, isolation, broadcast scope, ARP and echo of the TEP, learned
# bindings, tshark's reading of what the engine sends, path MTU (ICMP fragmentation-needed from
# the engine), and that crafted malformed tunnel packets are dropped under their reasons while
# forwarding goes on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ethtool ping iperf3 tcpdump tshark /usr/bin/python3

MAC1=02:d5:0a:00:00:01
MAC2=02:d5:0a:00:00:02
underlay_setup
underlay_port uAh-$RUN_ID uAn-$RUN_ID
underlay_port uBh-$RUN_ID uBn-$RUN_ID
# A host of the underlay that is no engine: pings TEPs and sends crafted tunnel packets.
NSX=$(ns_name x)
ns_add "$NSX"
ip link add xh-$RUN_ID type veth peer name xn-$RUN_ID || die "veth"
ip link set xh-$RUN_ID netns "$UNDERLAY_NS" && ip -n "$UNDERLAY_NS" link set xh-$RUN_ID master br0 up
ip link set xn-$RUN_ID netns "$NSX" && if_setup "$NSX" xn-$RUN_ID 198.19.0.9/24 || die "x setup"

for w in wa da wb db; do ns_add "$(ns_name $w)"; done
veth_ns "$(ns_name wa)" waH-$RUN_ID waN-$RUN_ID 198.18.1.1/24 $MAC1 2001:db8:1::1/64
veth_ns "$(ns_name da)" daH-$RUN_ID daN-$RUN_ID 198.18.1.1/24 $MAC1
veth_ns "$(ns_name wb)" wbH-$RUN_ID wbN-$RUN_ID 198.18.1.2/24 $MAC2 2001:db8:1::2/64
veth_ns "$(ns_name db)" dbH-$RUN_ID dbN-$RUN_ID 198.18.1.2/24 $MAC2

# host_config NAME TEP PEER_TEP L: L is a (host A) or b.
host_config()
{
	local name=$1 tep=$2 peer=$3 l=$4 u
	u=$(echo "$l" | tr ab AB)
	cat <<EOF2
transport-node:
  name: $name
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: $tep/24
    uplink: up
    encapsulation: geneve
segments:
  - name: web
    vni: 5001
    flood-teps: [$peer]
  - name: db
    vni: 5002
    flood-teps: [$peer]
ports:
  - name: up
    kind: af_packet
    iface: u${u}h-$RUN_ID
  - name: w$l
    kind: af_packet
    segment: web
    iface: w${l}H-$RUN_ID
  - name: d$l
    kind: af_packet
    segment: db
    iface: d${l}H-$RUN_ID
EOF2
}
host_config A 198.19.0.1 198.19.0.2 a >"$TMP_DIR/A.yaml"
host_config B 198.19.0.2 198.19.0.1 b >"$TMP_DIR/B.yaml"
start_host A "$TMP_DIR/A.yaml"
start_host B "$TMP_DIR/B.yaml"

# The TEP is a host on the underlay: it answers ARP and ping.
assert_ok "TEP A answers ping (ARP resolved by the engine)" ping_ok "$NSX" 198.19.0.1
assert_ok "TEP B answers ping" ping_ok "$NSX" 198.19.0.2

# Everything on the underlay while the workloads talk, for tshark.
capture_start "$UNDERLAY_NS" br0 "udp port 6081" "$TMP_DIR/underlay.pcap"
UL_CAPTURE=$CAPTURE_PID
capture_start "$(ns_name wb)" wbN-$RUN_ID "icmp" "$TMP_DIR/wb-icmp.pcap"
WB_ICMP=$CAPTURE_PID

assert_ok "web: ping A -> B across the overlay" ping_ok "$(ns_name wa)" 198.18.1.2
assert_ok "web: ping B -> A" ping_ok "$(ns_name wb)" 198.18.1.1
WB_AFTER_WEB=$(capture_count $WB_ICMP "$TMP_DIR/wb-icmp.pcap")
capture_start "$(ns_name wb)" wbN-$RUN_ID "icmp" "$TMP_DIR/wb-icmp2.pcap"
WB_ICMP=$CAPTURE_PID
assert_ok "db (same MACs and IPs): ping A -> B" ping_ok "$(ns_name da)" 198.18.1.2
assert_ok "db: ping B -> A" ping_ok "$(ns_name db)" 198.18.1.1
assert_ge "control: web's B workload saw web's pings" 6 "$WB_AFTER_WEB"
assert_eq "web's B workload saw none of db's pings" 0 "$(capture_count $WB_ICMP "$TMP_DIR/wb-icmp2.pcap")"

# Broadcast on web reaches B's web workload, not B's db workload.
capture_start "$(ns_name wb)" wbN-$RUN_ID "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bc-wb.pcap"
BCW=$CAPTURE_PID
capture_start "$(ns_name db)" dbN-$RUN_ID "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bc-db.pcap"
BCD=$CAPTURE_PID
nsx "$(ns_name wa)" ping -b -c 5 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
assert_ge "broadcast on web reaches web on host B" 5 "$(capture_count $BCW "$TMP_DIR/bc-wb.pcap")"
assert_eq "broadcast on web does not reach db on host B" 0 "$(capture_count $BCD "$TMP_DIR/bc-db.pcap")"

# What went over the underlay is Geneve as tshark reads it, with the segments' VNIs.
NPKT=$(capture_count $UL_CAPTURE "$TMP_DIR/underlay.pcap")
assert_ge "underlay carried Geneve packets" 20 "$NPKT"
VNIS=$(for v in $(tshark -r "$TMP_DIR/underlay.pcap" -Y geneve -T fields -e geneve.vni 2>/dev/null); do
	echo $((v))
done | sort -u | tr '\n' ' ')
assert_eq "tshark: Geneve VNIs seen are exactly web's and db's" "5001 5002 " "$VNIS"
assert_eq "tshark: no malformed packet" 0 \
	"$(tshark -r "$TMP_DIR/underlay.pcap" -Y '_ws.malformed || _ws.expert.severity >= 0x800000' 2>/dev/null | wc -l)"
assert_ge "tshark: inner ICMP of the workloads inside Geneve" 10 \
	"$(tshark -r "$TMP_DIR/underlay.pcap" -Y 'geneve && icmp && ip.src == 198.18.1.1' 2>/dev/null | wc -l)"
assert_eq "outer IPv4 DF set on every packet" 0 \
	"$(tshark -r "$TMP_DIR/underlay.pcap" -Y 'geneve && ip.flags.df#1 == 0' 2>/dev/null | wc -l)"

# TCP both ways; the workloads' MTU (1500) is above what the underlay carries, so their path
# MTU comes down from the engine's ICMP fragmentation-needed.
ERR=$(nsx "$(ns_name wa)" ping -M do -s 1472 -c 2 -W 1 198.18.1.2 2>&1)
assert_ok "ping -M do 1500 bytes: engine answers frag-needed with mtu 1450" \
	grep -q "mtu = 1450\|mtu=1450" <<<"$ERR"
# The same for IPv6: a packet-too-big from the engine lowers the workload's path MTU.
assert_ok "IPv6: ping A -> B across the overlay" ping_ok "$(ns_name wa)" 2001:db8:1::2
nsx "$(ns_name wa)" ping -6 -M do -s 1452 -c 2 -i 0.5 -W 1 2001:db8:1::2 >"$TMP_DIR/ping6-big.txt" 2>&1
assert_ok "IPv6 1500-byte packet: engine's packet-too-big gave A a path MTU of 1450" \
	bash -c "ip -n '$(ns_name wa)' -6 route get 2001:db8:1::2 | grep -q 'mtu 1450'"
assert_ok "IPv6: 1450-byte packets then cross (ping -s 1402)" bash -c \
	"ip netns exec '$(ns_name wa)' ping -6 -M do -s 1402 -c 2 -i 0.3 -W 1 2001:db8:1::2 | grep -q ' 2 received'"
assert_ge "A: ICMP errors sent for both families" 2 \
	"$(hctl A call tunnels.show | json_get "d['counters']['icmp_too_big']")"
ip netns exec "$(ns_name wb)" iperf3 -s -1 -B 198.18.1.2 >"$TMP_DIR/iperf3-s.log" 2>&1 &
IPS=$!
track_pid $IPS
wait_until 5 tcp_listening "$(ns_name wb)" 5201 || fail "iperf3 server" "not listening"
nsx "$(ns_name wa)" timeout 20 iperf3 -c 198.18.1.2 -t 3 --json >"$TMP_DIR/iperf3.json" 2>&1
assert_ge "iperf3 TCP A -> B across the overlay (bytes)" 1000000 \
	"$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf3.json")"
stop_pid $IPS
ip netns exec "$(ns_name wa)" iperf3 -s -1 -B 198.18.1.1 >"$TMP_DIR/iperf3-s2.log" 2>&1 &
IPS=$!
track_pid $IPS
wait_until 5 tcp_listening "$(ns_name wa)" 5201 || fail "iperf3 server" "not listening"
nsx "$(ns_name wb)" timeout 20 iperf3 -c 198.18.1.1 -t 3 --json >"$TMP_DIR/iperf3b.json" 2>&1
assert_ge "iperf3 TCP B -> A (bytes)" 1000000 \
	"$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf3b.json")"
stop_pid $IPS

# Bindings learned from the tunnel and the TEP's counters.
REMOTE=$(hctl A call remote.list)
assert_eq "A learned B's web workload behind TEP B" "198.19.0.2" \
	"$(echo "$REMOTE" | json_get "next(r['tep'] for r in d['remote'] if r['segment'] == 'web' and r['mac'] == '$MAC2')")"
assert_eq "A learned B's db workload (same MAC) behind TEP B" "learned" \
	"$(echo "$REMOTE" | json_get "next(r['type'] for r in d['remote'] if r['segment'] == 'db' and r['mac'] == '$MAC2')")"
TUN=$(hctl A call tunnels.show)
assert_ge "A: packets sent to TEP B" 1000 "$(echo "$TUN" | json_get "next(t['tx_packets'] for t in d['teps'] if t['tep'] == '198.19.0.2')")"
assert_ge "A: packets received from TEP B" 1000 "$(echo "$TUN" | json_get "next(t['rx_packets'] for t in d['teps'] if t['tep'] == '198.19.0.2')")"
assert_ge "A: ICMP frag-needed sent" 1 "$(echo "$TUN" | json_get "d['counters']['icmp_too_big']")"

# The people's views.
assert_ok "dsectl show tunnels lists TEP B" bash -c \
	"'$DSECTL' --socket '${HOST_SOCK[A]}' show tunnels | grep -q '^198.19.0.2 '"
assert_ok "dsectl show remote web lists B's workload as learned" bash -c \
	"'$DSECTL' --socket '${HOST_SOCK[A]}' show remote web | grep -q '$MAC2 .*198.19.0.2 *learned'"

# Crafted malformed tunnel packets to TEP A, each under its own reason.
AMAC=$(echo "$TUN" | json_get "d['local']['mac']")
cat >"$TMP_DIR/bad.py" <<EOF2
from scapy.all import *
import sys
inner = Ether(src="02:d5:0a:00:00:99", dst="$MAC1")/IP(src="198.18.1.99", dst="198.18.1.1")/ICMP()
outer = Ether(dst="$AMAC")/IP(src="198.19.0.9", dst="198.19.0.1", flags="DF")
def gnv(first, flags, proto=0x6558, vni=5001, opts=b""):
    return bytes([first, flags]) + proto.to_bytes(2, "big") + vni.to_bytes(3, "big") + b"\0" + opts
pkts = {
  "geneve-bad-version": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0x40, 0) + bytes(inner)),
  "geneve-unknown-critical-option": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0x02, 0) [:0] + bytes([0x02, 0]) + (0x6558).to_bytes(2, "big") + (5001).to_bytes(3, "big") + b"\0" + b"\x01\x02\x80\x01" + b"abcd" + bytes(inner)),
  "geneve-bad-option-length": outer/UDP(sport=1234, dport=6081)/Raw(bytes([0x01, 0]) + (0x6558).to_bytes(2, "big") + (5001).to_bytes(3, "big") + b"\0" + b"\x01\x02\x03\x05" + bytes(inner)),
  "geneve-truncated": outer/UDP(sport=1234, dport=6081)/Raw(b"\x00\x00\x65"),
  "geneve-oam": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0, 0x80) + bytes(inner)),
  "geneve-not-ethernet": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0, 0, proto=0x0800) + bytes(inner)),
  "overlay-unknown-vni": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0, 0, vni=777) + bytes(inner)),
  "vxlan-no-vni-flag": outer/UDP(sport=1234, dport=4789)/Raw(b"\0\0\0\0" + (5001).to_bytes(3, "big") + b"\0" + bytes(inner)),
  "overlay-not-tunnel": outer/UDP(sport=1234, dport=53)/Raw(b"x" * 20),
  "overlay-bad-udp-checksum": outer/UDP(sport=1234, dport=6081, chksum=0x1234)/Raw(gnv(0, 0) + bytes(inner)),
  "overlay-inner-malformed": outer/UDP(sport=1234, dport=6081)/Raw(gnv(0, 0) + bytes(inner)[:30]),
}
for reason, p in pkts.items():
    sendp(p, iface="xn-$RUN_ID", count=5, verbose=False)
print(" ".join(pkts))
EOF2
DROPS_BEFORE=$(hctl A call stats.show)
REASONS=$(ip netns exec "$NSX" /usr/bin/python3 "$TMP_DIR/bad.py" 2>"$TMP_DIR/bad.err") ||
	fail "scapy sent the crafted packets" "$(tail -n 3 "$TMP_DIR/bad.err" | tr '\n' ' ')"
# Five of each were sent: wait until each reason has counted them, then require exactly five.
drop_before()
{
	echo "$DROPS_BEFORE" | json_get "next(x['packets'] for x in d['drops'] if x['reason'] == '$1')"
}
drops_reach() { [ "$(drop_count A "$1")" -ge "$2" ] 2>/dev/null; }
for r in $REASONS; do
	B=$(drop_before "$r")
	wait_until 5 drops_reach "$r" $((B + 5))
	assert_eq "malformed tunnel packets dropped as $r" $((B + 5)) "$(drop_count A "$r")"
done
assert_ok "forwarding goes on after the malformed packets" ping_ok "$(ns_name wa)" 198.18.1.2

check_host_alive A
check_host_alive B
finish
