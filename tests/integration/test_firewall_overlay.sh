#!/bin/bash
# The distributed firewall across the overlay: two engines (A, B) joined by Geneve over an
# underlay bridge, workload wa on A (198.18.1.1) and wb on B (198.18.1.2) in segment web. Each
# host enforces its own workload's policy: frames a workload sends to a remote workload are
# checked against the sending port's "out" rules before encapsulation, and decapsulated frames
# against the receiving port's "in" rules. Checks: an allowed cross-host TCP flow works and its
# replies cross back through conntrack; a drop rule on wb's "in" side blocks a cross-host flow
# on B; an "out" drop rule on wa blocks a flow at A although B would allow it; unsolicited
# inbound from the tunnel is blocked at A; a reject answers across the tunnel; a rule change
# lets a blocked flow pass; ct show names the tunnel end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ethtool ping curl python3

MAC1=02:d5:0f:00:00:01
MAC2=02:d5:0f:00:00:02
underlay_setup
underlay_port uAh-$RUN_ID uAn-$RUN_ID
underlay_port uBh-$RUN_ID uBn-$RUN_ID
NSA=$(ns_name wa)
NSB=$(ns_name wb)
ns_add "$NSA"
ns_add "$NSB"
veth_ns "$NSA" waH-$RUN_ID waN-$RUN_ID 198.18.1.1/24 $MAC1
veth_ns "$NSB" wbH-$RUN_ID wbN-$RUN_ID 198.18.1.2/24 $MAC2

# host_config NAME TEP PEER_TEP L POLICY_FILE
host_config()
{
	local name=$1 tep=$2 peer=$3 l=$4 u
	u=$(echo "$l" | tr ab AB)
	cat <<EOF
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
ports:
  - name: up
    kind: af_packet
    iface: u${u}h-$RUN_ID
  - name: w$l
    kind: af_packet
    segment: web
    iface: w${l}H-$RUN_ID
EOF
	cat "$5"
}

# A: wa may send anything but TCP 8083, and receives only what it asked for (default drop).
cat >"$TMP_DIR/policy-a.yaml" <<EOF
firewall:
  default: drop
  sections:
    - name: client
      applied-to: [wa]
      rules:
        - {id: 1, src: any, dst: any, service: {protocol: tcp, ports: "8083"}, action: drop, direction: out}
        - {id: 2, src: any, dst: any, action: allow, direction: out}
EOF
# B: wb may send anything; 8080 and 8083 allowed in, 8082 dropped, 8084 rejected, ping allowed.
policy_b()
{
	cat <<EOF
firewall:
  default: drop
  sections:
    - name: server
      applied-to: [wb]
      rules:
        - {id: 10, src: 198.18.1.0/24, dst: 198.18.1.2, service: {protocol: tcp, ports: "8080,8083"}, action: allow, direction: in}
        - {id: 11, src: any, dst: any, service: {protocol: tcp, ports: "8082"}, action: ${1:-drop}, direction: in}
        - {id: 12, src: any, dst: any, service: {protocol: tcp, ports: "8084"}, action: reject, direction: in}
        - {id: 13, src: any, dst: any, service: {protocol: icmp, icmp-type: 8}, action: allow, direction: in}
        - {id: 14, src: any, dst: any, action: allow, direction: out}
EOF
}
policy_b >"$TMP_DIR/policy-b.yaml"
host_config A 198.19.0.1 198.19.0.2 a "$TMP_DIR/policy-a.yaml" >"$TMP_DIR/A.yaml"
host_config B 198.19.0.2 198.19.0.1 b "$TMP_DIR/policy-b.yaml" >"$TMP_DIR/B.yaml"
start_host A "$TMP_DIR/A.yaml"
start_host B "$TMP_DIR/B.yaml"

# fw_drops H REASON: packets host H's firewall dropped for REASON
fw_drops()
{
	hctl "$1" call stats.show |
		json_get "sum(x['packets'] for x in d['drops'] if x['reason'] == '$2')"
}

# Listeners in wb: 8080, 8082, 8083 answer "open"; wa listens on 22 (never asked for).
listen()
{
	ip netns exec "$1" python3 -c '
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.sendall(b"open\n"); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
' "${@:2}" >/dev/null 2>&1 &
	track_pid $!
}
listen "$NSB" 8080 8082 8083 8084
listen "$NSA" 22
wait_until 5 tcp_listening "$NSB" 8083 || fail "wb listeners" "not after 5 s"
wait_until 5 tcp_listening "$NSA" 22 || fail "wa listener" "not after 5 s"

# tcp_open NS ADDR PORT: a TCP connection that gets the server's greeting
tcp_open()
{
	nsx "$1" timeout 4 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
sys.exit(0 if s.recv(16) == b"open\n" else 1)
' "$2" "$3" 2>/dev/null
}

assert_ok "ping wa -> wb across the overlay (B allows echo in; the reply passes A by conntrack)" \
	ping_ok "$NSA" 198.18.1.2
assert_ok "TCP wa -> wb:8080 across the overlay (allowed at both ends)" tcp_open "$NSA" 198.18.1.2 8080

B0=$(fw_drops B fw-rule-drop)
assert_fail "TCP wa -> wb:8082 blocked by wb's 'in' drop rule (decapsulated frames are checked)" \
	tcp_open "$NSA" 198.18.1.2 8082
assert_ge "B's firewall dropped the SYNs from the tunnel" $((B0 + 1)) "$(fw_drops B fw-rule-drop)"

A0=$(fw_drops A fw-rule-drop)
B1=$(fw_drops B fw-rule-drop)
assert_fail "TCP wa -> wb:8083 blocked by wa's 'out' drop rule (before encapsulation)" \
	tcp_open "$NSA" 198.18.1.2 8083
assert_ge "A's firewall dropped the SYNs for the tunnel" $((A0 + 1)) "$(fw_drops A fw-rule-drop)"
assert_eq "B never saw them" "$B1" "$(fw_drops B fw-rule-drop)"

T0=$(date +%s%N)
OUT=$(nsx "$NSA" timeout 6 python3 -c '
import socket
s = socket.socket(); s.settimeout(5)
try:
    s.connect(("198.18.1.2", 8084)); print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error", e)
' 2>&1)
T1=$(date +%s%N)
assert_eq "TCP wa -> wb:8084: B's reject rule answers with a reset across the tunnel" "refused" "$OUT"
assert_ok "the reset came at once (< 2 s)" test $(((T1 - T0) / 1000000)) -lt 2000

A1=$(fw_drops A fw-rule-drop)
assert_fail "unsolicited TCP wb -> wa:22 blocked at A ('in' default drop on the decapsulated frame)" \
	tcp_open "$NSB" 198.18.1.1 22
assert_ge "A's firewall dropped them" $((A1 + 1)) "$(fw_drops A fw-rule-drop)"
A2=$(fw_drops A fw-rule-drop)
assert_ok "ping wb -> wa blocked at A (no in rule for wa)" ping_none "$NSB" 198.18.1.1
assert_ge "A's firewall dropped the echo requests" $((A2 + 3)) "$(fw_drops A fw-rule-drop)"

# Connection tables: each end tracks the flow; the remote end is named "tunnel".
CT_B=$(hctl B call ct.show '{"port": 8080}')
assert_eq "B tracks wa's connection to 8080 from the tunnel to wb" "tunnel wb" \
	"$(echo "$CT_B" | json_get "' '.join((d['entries'][0]['in_port'], d['entries'][0]['out_port']))")"
CT_A=$(hctl A call ct.show '{"port": 8080}')
assert_eq "A tracks it from wa to the tunnel" "wa tunnel" \
	"$(echo "$CT_A" | json_get "' '.join((d['entries'][0]['in_port'], d['entries'][0]['out_port']))")"

# The drop rule becomes an allow rule: the flow passes.
policy_b allow >"$TMP_DIR/policy-b.yaml"
host_config B 198.19.0.2 198.19.0.1 b "$TMP_DIR/policy-b.yaml" >"$TMP_DIR/B2.yaml"
assert_ok "B applies the policy with 8082 allowed" "$DSECTL" --socket "${HOST_SOCK[B]}" apply -f "$TMP_DIR/B2.yaml"
assert_ok "TCP wa -> wb:8082 now passes" tcp_open "$NSA" 198.18.1.2 8082
assert_ok "ping wa -> wb still works" ping_ok "$NSA" 198.18.1.2

check_host_alive A
check_host_alive B
finish
