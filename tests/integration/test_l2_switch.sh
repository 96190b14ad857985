#!/bin/bash
# L2 switching through tap and af_packet ports: vm1 (tap) and vm2 (af_packet) share segment web,
# vm3 (af_packet) is alone on segment db but in the same IP subnet, so only the switch keeps it
# apart. Checks unicast IPv4/IPv6 and TCP between vm1 and vm2, isolation of vm3 (no reply, not a
# single frame of vm1's reaching it), MAC learning as shown by the API, broadcast scope and the
# port counters.
. "$(dirname "$0")/lib.sh"
require_cmds ip ethtool ping iperf3 tcpdump python3

NS1=$(ns_name vm1)
NS2=$(ns_name vm2)
NS3=$(ns_name vm3)
TAP1=t1-$RUN_ID
V2H=v2h-$RUN_ID
V2N=v2n-$RUN_ID
V3H=v3h-$RUN_ID
V3N=v3n-$RUN_ID
MAC1=02:d5:01:00:00:01
MAC2=02:d5:01:00:00:02
MAC3=02:d5:01:00:00:03

ns_add "$NS1"
ns_add "$NS2"
ns_add "$NS3"
veth_ns "$NS2" "$V2H" "$V2N" 198.18.0.2/24 $MAC2 2001:db8::2/64
veth_ns "$NS3" "$V3H" "$V3N" 198.18.0.3/24 $MAC3 2001:db8::3/64

CONFIG=$TMP_DIR/host.yaml
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
    vni: 5001
  - name: db
    vni: 5002
ports:
  - name: vm1
    kind: tap
    segment: web
    iface: $TAP1
  - name: vm2
    kind: af_packet
    segment: web
    iface: $V2H
  - name: vm3
    kind: af_packet
    segment: db
    iface: $V3H
EOF
} >"$CONFIG"

start_dsed "$CONFIG"
move_tap_ns "$TAP1" "$NS1" 198.18.0.1/24 $MAC1 2001:db8::1/64

# Everything vm3 receives from vm1 during the whole test; must stay empty.
capture_start "$NS3" "$V3N" "ether src $MAC1" "$TMP_DIR/vm3-from-vm1.pcap"
VM3_CAPTURE=$CAPTURE_PID
# A control capture on vm2 proves the same capture method sees vm1's frames where it should.
capture_start "$NS2" "$V2N" "ether src $MAC1 and not tcp" "$TMP_DIR/vm2-from-vm1.pcap"
VM2_CAPTURE=$CAPTURE_PID

assert_ok "ping vm1 -> vm2 (IPv4)" ping_ok "$NS1" 198.18.0.2
assert_ok "ping vm2 -> vm1 (IPv4)" ping_ok "$NS2" 198.18.0.1
assert_ok "ping vm1 -> vm2 (IPv6)" ping_ok "$NS1" 2001:db8::2
assert_ok "ping vm2 -> vm1 (IPv6)" ping_ok "$NS2" 2001:db8::1

# TCP throughput vm1 -> vm2 for 3 s.
ip netns exec "$NS2" iperf3 -s -1 -B 198.18.0.2 >"$TMP_DIR/iperf3-server.log" 2>&1 &
IPERF_SERVER=$!
track_pid $IPERF_SERVER
wait_until 5 tcp_listening "$NS2" 5201 || fail "iperf3 server listening" "not after 5 s"
nsx "$NS1" timeout 20 iperf3 -c 198.18.0.2 -t 3 --json >"$TMP_DIR/iperf3-tcp.json" 2>&1
TCP_BYTES=$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf3-tcp.json")
# 1 MB in 3 s is far below what the path carries; a broken path moves nothing.
assert_ge "iperf3 TCP vm1 -> vm2 moved data (bytes received)" 1000000 "$TCP_BYTES"
stop_pid $IPERF_SERVER

# vm3 is in vm1's subnet but on another segment: no answer, not even to ARP.
assert_ok "ping vm1 -> vm3 fails (100% loss)" ping_none "$NS1" 198.18.0.3
assert_ok "ping vm1 -> vm3 fails (IPv6)" ping_none "$NS1" 2001:db8::3
assert_ok "ping vm3 -> vm1 fails" ping_none "$NS3" 198.18.0.1

# Learned MACs: vm1's and vm2's on web, on their own ports; nothing of theirs on db.
MACS=$(dsectl_j show macs)
assert_eq "show macs: vm1's MAC on segment web, port vm1" "vm1" \
	"$(echo "$MACS" | json_get "next(m['port'] for m in macs() if m['mac'].lower() == '$MAC1' and m['segment'] == 'web')")"
assert_eq "show macs: vm2's MAC on segment web, port vm2" "vm2" \
	"$(echo "$MACS" | json_get "next(m['port'] for m in macs() if m['mac'].lower() == '$MAC2' and m['segment'] == 'web')")"
assert_eq "show macs: vm1's MAC learned (not static)" "learned" \
	"$(echo "$MACS" | json_get "next(m['type'] for m in macs() if m['mac'].lower() == '$MAC1')")"
assert_eq "show macs: no entry of vm1 or vm2 on segment db" "0" \
	"$(echo "$MACS" | json_get "len([m for m in macs() if m['segment'] == 'db' and m['mac'].lower() in ('$MAC1', '$MAC2')])")"
assert_eq "show segments: macs of web equals its entries in show macs" \
	"$(dsectl_j show segments | json_get "seg('web')['macs']")" \
	"$(echo "$MACS" | json_get "len([m for m in macs() if m['segment'] == 'web'])")"

# Broadcast from vm1 reaches vm2 and not vm3.
capture_start "$NS2" "$V2N" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bcast-vm2.pcap"
BC2=$CAPTURE_PID
capture_start "$NS3" "$V3N" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bcast-vm3.pcap"
BC3=$CAPTURE_PID
nsx "$NS1" ping -b -c 5 -i 0.2 -W 1 198.18.0.255 >/dev/null 2>&1
assert_ge "broadcast from vm1 reaches vm2 (frames)" 5 "$(capture_count $BC2 "$TMP_DIR/bcast-vm2.pcap")"
assert_eq "broadcast from vm1 does not reach vm3 (frames)" 0 \
	"$(capture_count $BC3 "$TMP_DIR/bcast-vm3.pcap")"

# Over the whole test, vm3 never saw a frame from vm1, while vm2 did (ARP, ICMP, ND).
assert_ge "control: vm2 captured vm1's non-TCP frames" 10 \
	"$(capture_count $VM2_CAPTURE "$TMP_DIR/vm2-from-vm1.pcap")"
assert_eq "vm3 never received a frame from vm1" 0 \
	"$(capture_count $VM3_CAPTURE "$TMP_DIR/vm3-from-vm1.pcap")"

# Port counters moved where traffic went; the engine sent nothing to vm3.
PORTS=$(dsectl_j show ports)
for p in vm1 vm2; do
	assert_ge "show ports: $p rx_packets moved" 1000 "$(echo "$PORTS" | json_get "port('$p')['rx_packets']")"
	assert_ge "show ports: $p tx_packets moved" 1000 "$(echo "$PORTS" | json_get "port('$p')['tx_packets']")"
	assert_ge "show ports: $p rx_bytes moved" 50000 "$(echo "$PORTS" | json_get "port('$p')['rx_bytes']")"
done
assert_ge "show ports: vm3 rx_packets moved (its own ARP/ping)" 3 \
	"$(echo "$PORTS" | json_get "port('vm3')['rx_packets']")"
assert_eq "show ports: engine sent nothing to vm3" 0 \
	"$(echo "$PORTS" | json_get "port('vm3')['tx_packets']")"
assert_eq "show ports: vm1 segment" web "$(echo "$PORTS" | json_get "port('vm1')['segment']")"
assert_eq "show ports: vm3 segment" db "$(echo "$PORTS" | json_get "port('vm3')['segment']")"
assert_eq "show ports: vm1 kind" tap "$(echo "$PORTS" | json_get "port('vm1')['kind']")"

check_dsed_alive
finish
