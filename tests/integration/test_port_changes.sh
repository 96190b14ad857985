#!/bin/bash
# Ports changed while the engine runs. An apply that passes validation and then fails (a port on
# an interface that does not exist) is rolled back whole: the error names the port, the running
# config and ports are those from before, traffic goes on. A port added with `dsectl port add`
# carries traffic at once (every echo reply, its counters move). A port removed while a UDP
# stream runs through it goes without harm: the engine keeps running, the other ports keep
# carrying every reply, the removed port's stream is not delivered any more, and the port can
# be added back and carries traffic again.
. "$(dirname "$0")/lib.sh"
require_cmds ip ethtool ping python3 iperf3

NS1=$(ns_name vm1)
NS2=$(ns_name vm2)
NS3=$(ns_name vm3)
V1H=v1h-$RUN_ID
V1N=v1n-$RUN_ID
V2H=v2h-$RUN_ID
V2N=v2n-$RUN_ID
V3H=v3h-$RUN_ID
V3N=v3n-$RUN_ID
NO_IF=nx-$RUN_ID

for n in "$NS1" "$NS2" "$NS3"; do
	ns_add "$n"
done
veth_ns "$NS1" "$V1H" "$V1N" 198.18.6.1/24 02:d5:06:00:00:01
veth_ns "$NS2" "$V2H" "$V2N" 198.18.6.2/24 02:d5:06:00:00:02
veth_ns "$NS3" "$V3H" "$V3N" 198.18.6.3/24 02:d5:06:00:00:03

# config [EXTRA_PORT_IFACE]: vm1 and vm2 on segment web, and vm3 on EXTRA_PORT_IFACE when given.
config()
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
ports:
  - {name: vm1, kind: af_packet, segment: web, iface: $V1H}
  - {name: vm2, kind: af_packet, segment: web, iface: $V2H}
EOF
	[ -n "$1" ] && echo "  - {name: vm3, kind: af_packet, segment: web, iface: $1}"
}
config >"$TMP_DIR/host.yaml"
config "$NO_IF" >"$TMP_DIR/missing-if.yaml"
start_dsed "$TMP_DIR/host.yaml"
port_names() { dsectl_j show ports | json_get "sorted(p['name'] for p in d['ports'])"; }

assert_ok "ping vm1 -> vm2 at start" ping_ok "$NS1" 198.18.6.2 5

# Rollback: the file is valid, the interface is missing; the apply fails and changes nothing.
CONFIG_BEFORE=$(dsectl_j show config | json_get "d")
GEN_BEFORE=$(dsectl_j show engine | json_get "d['generation']")
OUT=$(ctl apply -f "$TMP_DIR/missing-if.yaml" 2>&1)
RC=$?
assert_eq "apply with a missing interface fails" 1 $((RC != 0))
if echo "$OUT" | grep -q "missing-if.yaml:[0-9]*: ports\[2\]: .*$NO_IF"; then
	pass "the error names the file's line, the field and the interface"
else
	fail "the error names the file's line, the field and the interface" "$(echo "$OUT" | tr '\n' ' ')"
fi
assert_eq "running config unchanged after the failed apply" "$CONFIG_BEFORE" \
	"$(dsectl_j show config | json_get "d")"
assert_eq "config generation unchanged after the failed apply" "$GEN_BEFORE" \
	"$(dsectl_j show engine | json_get "d['generation']")"
assert_eq "ports unchanged after the failed apply" '["vm1", "vm2"]' "$(port_names)"
assert_ok "ping vm1 -> vm2 after the failed apply" ping_ok "$NS1" 198.18.6.2 5

# Hot add: the new port carries traffic at once.
assert_ok "port add vm3" port_add vm3 af_packet web "$V3H"
assert_eq "ports after port add" '["vm1", "vm2", "vm3"]' "$(port_names)"
RX3=$(port_stat vm3 rx_packets)
assert_ok "ping vm1 -> vm3 through the added port" ping_ok "$NS1" 198.18.6.3 5
# Five requests in, five replies out (after the warm-up ping: at least its reply and ARP too).
assert_ge "vm3 received the replies (rx_packets)" $((RX3 + 6)) "$(port_stat vm3 rx_packets)"

# Busy removal: vm1 streams UDP to vm3 while vm3's port is removed.
ip netns exec "$NS3" iperf3 -s -1 -B 198.18.6.3 >"$TMP_DIR/iperf3-server.log" 2>&1 &
track_pid $!
wait_until 5 tcp_listening "$NS3" 5201 || fail "iperf3 server listening" "not after 5 s"
ip netns exec "$NS1" timeout 30 iperf3 -c 198.18.6.3 -u -b 50M -l 1200 -t 4 --json \
	>"$TMP_DIR/iperf3.json" 2>&1 &
IPERF_CLIENT=$!
track_pid $IPERF_CLIENT
rx_moving() { [ "$(port_stat vm3 tx_packets)" -gt "$1" ] 2>/dev/null; }
TX3=$(port_stat vm3 tx_packets)
wait_until 5 rx_moving $((TX3 + 1000))
assert_ge "the stream flows to vm3 before the removal" $((TX3 + 1000)) "$(port_stat vm3 tx_packets)"
assert_ok "port del vm3 under traffic" ctl port del vm3
assert_eq "ports after port del" '["vm1", "vm2"]' "$(port_names)"
check_dsed_alive
assert_ok "ping vm1 -> vm2 while vm1 still streams" ping_ok "$NS1" 198.18.6.2 5
# Its server is unreachable now: the client would wait for the results to its time-out.
stop_pid $IPERF_CLIENT
assert_ok "ping vm1 -> vm3 fails with its port gone" ping_none "$NS1" 198.18.6.3 3

# The port comes back and carries traffic again.
assert_ok "port add vm3 again" port_add vm3 af_packet web "$V3H"
assert_ok "ping vm1 -> vm3 after adding the port back" ping_ok "$NS1" 198.18.6.3 5

check_dsed_alive
finish
