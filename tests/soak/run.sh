#!/bin/bash
# Soak run (not part of CI): one engine with a firewall between three namespace workloads, for
# --minutes N, while
#   - a UDP control stream with sequence numbers (iperf3 -u, 5 Mbit/s) runs vm1 -> vm2 on a
#     port nothing else touches: it must lose no datagram over the whole run;
#   - the config is re-applied (the same file and a changed one, in turn);
#   - port vm3 is removed and added again, with traffic on it;
#   - the flow table is filled with short UDP flows from vm1 to vm3 and drains by expiry;
#   - the API gets malformed requests (bad JSON, unknown methods, wrong parameters).
# At the end: the engine still runs, exits 0 with a clean log (lib.sh's cleanup check; on a
# sanitizer build that includes ASan/UBSan reports), the control stream lost nothing, and the
# engine's RSS after warm-up (the first minute) grew by less than 5 %.
#
# usage: tests/soak/run.sh [--minutes N] [--build DIR] [--workers N]   (root)
MINUTES=30
while [ $# -gt 0 ]; do
	case "$1" in
	--minutes) MINUTES=$2; shift 2 ;;
	--build) export DSE_BUILD=$(cd "$2" && pwd); shift 2 ;;
	--workers) export DSE_WORKERS=$2; shift 2 ;;
	*) echo "soak: unknown option $1" >&2; exit 2 ;;
	esac
done
. "$(dirname "$0")/../integration/lib.sh"
require_cmds ip ethtool ping iperf3 python3

NS1=$(ns_name vm1)
NS2=$(ns_name vm2)
NS3=$(ns_name vm3)
for n in 1 2 3; do
	ns=$(ns_name vm$n)
	ns_add "$ns"
	veth_ns "$ns" "v${n}h-$RUN_ID" "v${n}n-$RUN_ID" "198.18.7.$n/24" "02:d5:07:00:00:0$n"
done

# config [changed]: the changed variant adds a segment with no ports and one more rule.
config()
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
EOF
	[ -n "$1" ] && echo "  - name: spare"
	cat <<EOF
ports:
  - {name: vm1, kind: af_packet, segment: web, iface: v1h-$RUN_ID}
  - {name: vm2, kind: af_packet, segment: web, iface: v2h-$RUN_ID}
  - {name: vm3, kind: af_packet, segment: web, iface: v3h-$RUN_ID}
conntrack:
  max-connections: 20000
  timeouts: {udp: 5}
firewall:
  default: allow
  sections:
    - name: web
      applied-to: [vm2, vm3]
      rules:
        - {id: 10, src: any, dst: any, service: {protocol: udp, ports: "5201-5301"}, action: allow, direction: in}
        - {id: 11, src: any, dst: any, service: {protocol: tcp, ports: "22"}, action: drop, direction: in}
EOF
	[ -n "$1" ] && echo "        - {id: 12, src: any, dst: any, service: {protocol: tcp, ports: \"23\"}, action: drop, direction: in}"
}
config >"$TMP_DIR/a.yaml"
config changed >"$TMP_DIR/b.yaml"
start_dsed "$TMP_DIR/a.yaml"
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$DSED_PID/status"; }

assert_ok "ping vm1 -> vm2 at start" ping_ok "$NS1" 198.18.7.2
assert_ok "ping vm1 -> vm3 at start" ping_ok "$NS1" 198.18.7.3

DURATION=$((MINUTES * 60))
ip netns exec "$NS2" iperf3 -s -1 -B 198.18.7.2 >"$TMP_DIR/iperf3-server.log" 2>&1 &
track_pid $!
wait_until 5 tcp_listening "$NS2" 5201 || die "iperf3 server not listening"
ip netns exec "$NS1" timeout $((DURATION + 60)) iperf3 -c 198.18.7.2 -u -b 5M -l 1000 -w 4M \
	-t "$DURATION" --json >"$TMP_DIR/control.json" 2>&1 &
CONTROL=$!
track_pid $CONTROL

END=$((SECONDS + DURATION))
WARM=$((SECONDS + 60))
RSS_WARM=
ROUND=0
while [ $SECONDS -lt $END ]; do
	ROUND=$((ROUND + 1))
	if [ $((ROUND % 2)) -eq 0 ]; then
		ctl apply -f "$TMP_DIR/a.yaml" >/dev/null || fail "apply a (round $ROUND)" "failed"
	else
		ctl apply -f "$TMP_DIR/b.yaml" >/dev/null || fail "apply b (round $ROUND)" "failed"
	fi
	# Flow table: 2000 short UDP flows vm1 -> vm3, then vm3's port away and back.
	ip netns exec "$NS1" python3 -c '
import socket
for i in range(2000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("198.18.7.3", 6000 + i % 1000)); s.close()
'
	ctl port del vm3 >/dev/null || fail "port del vm3 (round $ROUND)" "failed"
	port_add vm3 af_packet web "v3h-$RUN_ID" >/dev/null || fail "port add vm3 (round $ROUND)" "failed"
	# Malformed API requests: each must be refused, none may hurt the engine.
	for req in '{' '[]' '{"jsonrpc":"2.0","id":1,"method":"no.such"}' \
		'{"jsonrpc":"2.0","id":1,"method":"ct.show","params":{"limit":-1}}' \
		'{"jsonrpc":"2.0","id":1,"method":"config.apply","params":{"yaml":7}}'; do
		echo "$req" | timeout 2 nc -U -q 1 "$DSE_SOCK" >/dev/null 2>&1
	done
	if [ -z "$RSS_WARM" ] && [ $SECONDS -ge $WARM ]; then
		RSS_WARM=$(rss_kb)
		info "RSS after warm-up: $RSS_WARM kB"
	fi
	pid_alive "$DSED_PID" || break
done
check_dsed_alive
RSS_END=$(rss_kb)
info "rounds: $ROUND; RSS at the end: $RSS_END kB"
if [ -n "$RSS_WARM" ]; then
	assert_eq "RSS grew by less than 5 % after warm-up ($RSS_WARM -> $RSS_END kB)" 1 \
		$((RSS_END * 100 < RSS_WARM * 105))
fi
wait $CONTROL
LOST=$(json_get "d['end']['sum']['lost_packets']" <"$TMP_DIR/control.json")
SENT=$(json_get "d['end']['sum']['packets']" <"$TMP_DIR/control.json")
info "control stream: $SENT datagrams, $LOST lost"
assert_eq "control stream lost no datagram" 0 "$LOST"
finish
