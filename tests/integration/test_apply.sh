#!/bin/bash
# Config changes through `dsectl apply -f` and `dsectl port add`: a file with several errors is
# refused as a whole (every error reported as FILE:LINE: FIELD, running state untouched, traffic
# still flowing); a good file adding a segment and ports takes effect; a port added on an
# unknown segment is refused naming the field; static MAC entries show as type static.
. "$(dirname "$0")/lib.sh"
require_cmds ip ethtool ping python3

NS1=$(ns_name vm1)
NS2=$(ns_name vm2)
NS3=$(ns_name vm3)
NS4=$(ns_name vm4)
V1H=v1h-$RUN_ID
V1N=v1n-$RUN_ID
V2H=v2h-$RUN_ID
V2N=v2n-$RUN_ID
V3H=v3h-$RUN_ID
V3N=v3n-$RUN_ID
V4H=v4h-$RUN_ID
V4N=v4n-$RUN_ID
V5H=v5h-$RUN_ID
V5N=v5n-$RUN_ID
MAC1=02:d5:03:00:00:01
MAC2=02:d5:03:00:00:02
MAC3=02:d5:03:00:00:03
MAC4=02:d5:03:00:00:04
STATIC_MAC=02:d5:03:00:00:0b

for n in "$NS1" "$NS2" "$NS3" "$NS4"; do
	ns_add "$n"
done
veth_ns "$NS1" "$V1H" "$V1N" 198.18.0.1/24 $MAC1
veth_ns "$NS2" "$V2H" "$V2N" 198.18.0.2/24 $MAC2
veth_ns "$NS3" "$V3H" "$V3N" 198.18.0.3/24 $MAC3
veth_ns "$NS4" "$V4H" "$V4N" 198.18.0.4/24 $MAC4
# An interface for the refused `port add` (no namespace needed).
ip link add "$V5H" type veth peer name "$V5N" || die "cannot create veth $V5H"
CLEAN_LINKS+=("$V5H")

base_config()
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
    vni: 5001
ports:
  - name: vm1
    kind: af_packet
    segment: web
    iface: $V1H
  - name: vm2
    kind: af_packet
    segment: web
    iface: $V2H
EOF
}
CONFIG=$TMP_DIR/host.yaml
base_config >"$CONFIG"
# This engine runs with leak checking (on a sanitizer build): apply and port add/del build and
# free whole config snapshots, where a leak would grow with every change.
DSE_LEAK_CHECK=1
start_dsed "$CONFIG"
assert_ok "ping vm1 -> vm2 before any apply" ping_ok "$NS1" 198.18.0.2

CONFIG_BEFORE=$(dsectl_j show config | json_get "d")
PORTS_BEFORE=$(dsectl_j show ports | json_get "sorted((p['name'], p['kind'], p['segment']) for p in d['ports'])")
GEN_BEFORE=$(dsectl_j show engine | json_get "d['generation']")

# A file with four errors, each on its own line (marked so the test can find the line).
BAD=$TMP_DIR/bad.yaml
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
    vni: 5001
  - name: db
    vni: 99999999 # E1 segments[1].vni
ports:
  - name: vm1
    kind: af_packet
    segment: web
    iface: $V1H
  - name: vm2
    kind: af_packet
    segment: nosuch # E2 ports[1].segment
    iface: $V2H
  - name: vm3
    kind: af_packet
    segment: db
    iface: $V3H
    mtu: 20 # E3 ports[2].mtu
  - name: vm4
    kind: hovercraft # E4 ports[3].kind
    segment: db
    iface: $V4H
EOF
} >"$BAD"

BAD_OUT=$(ctl apply -f "$BAD" 2>&1)
BAD_RC=$?
if [ $BAD_RC -ne 0 ]; then
	pass "apply of a file with 4 errors exits non-zero"
else
	fail "apply of a file with 4 errors exits non-zero" "exit 0: $BAD_OUT"
fi
# has_line_prefix TEXT PREFIX: some line of TEXT starts with PREFIX.
has_line_prefix()
{
	local l
	while IFS= read -r l; do
		[[ "$l" == "$2"* ]] && return 0
	done <<<"$1"
	return 1
}
for e in E1 E2 E3 E4; do
	line=$(grep -n "# $e " "$BAD" | cut -d: -f1)
	field=$(grep "# $e " "$BAD" | sed 's/.*# E[0-9] //')
	if has_line_prefix "$BAD_OUT" "$BAD:$line: $field:"; then
		pass "apply reports $BAD:$line: $field"
	else
		fail "apply reports $BAD:$line: $field" "not in output: $(echo "$BAD_OUT" | tr '\n' '|')"
	fi
done

assert_eq "refused apply left the running config unchanged" "$CONFIG_BEFORE" \
	"$(dsectl_j show config | json_get "d")"
assert_eq "refused apply left the ports unchanged" "$PORTS_BEFORE" \
	"$(dsectl_j show ports | json_get "sorted((p['name'], p['kind'], p['segment']) for p in d['ports'])")"
assert_eq "refused apply did not bump the generation" "$GEN_BEFORE" \
	"$(dsectl_j show engine | json_get "d['generation']")"
assert_ok "ping vm1 -> vm2 after the refused apply" ping_ok "$NS1" 198.18.0.2

# A good file: segment db with vm3 and vm4, and a static MAC on web at vm1.
GOOD=$TMP_DIR/good.yaml
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
    kind: af_packet
    segment: web
    iface: $V1H
  - name: vm2
    kind: af_packet
    segment: web
    iface: $V2H
  - name: vm3
    kind: af_packet
    segment: db
    iface: $V3H
  - name: vm4
    kind: af_packet
    segment: db
    iface: $V4H
static-macs:
  - segment: web
    mac: $STATIC_MAC
    port: vm1
EOF
} >"$GOOD"
assert_ok "apply of a good file adding segment db, ports vm3/vm4 and a static MAC" ctl apply -f "$GOOD"
assert_ge "good apply bumped the generation" $((GEN_BEFORE + 1)) \
	"$(dsectl_j show engine | json_get "d['generation']")"
PORTS=$(dsectl_j show ports)
assert_eq "show ports: vm3 on segment db" db "$(echo "$PORTS" | json_get "port('vm3')['segment']")"
assert_eq "show ports: vm4 on segment db" db "$(echo "$PORTS" | json_get "port('vm4')['segment']")"
assert_eq "show segments: db has vm3 and vm4" '["vm3", "vm4"]' \
	"$(dsectl_j show segments | json_get "sorted(seg('db')['ports'])")"
assert_eq "show config: segment db with vni 5002" 5002 \
	"$(dsectl_j show config | json_get "next(s['vni'] for s in d['segments'] if s['name'] == 'db')")"
assert_ok "ping vm3 -> vm4 on the new segment" ping_ok "$NS3" 198.18.0.4
assert_ok "ping vm1 -> vm2 still works after the good apply" ping_ok "$NS1" 198.18.0.2
assert_ok "ping vm1 -> vm3 fails (other segment)" ping_none "$NS1" 198.18.0.3

MACS=$(dsectl_j show macs)
assert_eq "show macs: static MAC on web at vm1, type static" "vm1 static" \
	"$(echo "$MACS" | json_get "' '.join(next((m['port'], m['type']) for m in macs() if m['mac'].lower() == '$STATIC_MAC' and m['segment'] == 'web'))")"
assert_eq "show macs: vm2's MAC is type learned" learned \
	"$(echo "$MACS" | json_get "next(m['type'] for m in macs() if m['mac'].lower() == '$MAC2')")"

# port add on an unknown segment: refused, naming the field, nothing added.
GEN=$(dsectl_j show engine | json_get "d['generation']")
ADD_OUT=$(port_add vm5 af_packet nosuch "$V5H" 2>&1)
ADD_RC=$?
if [ $ADD_RC -ne 0 ]; then
	pass "port add with an unknown segment exits non-zero"
else
	fail "port add with an unknown segment exits non-zero" "exit 0: $ADD_OUT"
fi
if echo "$ADD_OUT" | grep -q "segment" && echo "$ADD_OUT" | grep -q "nosuch"; then
	pass "port add error names the field segment and the value"
else
	fail "port add error names the field segment and the value" "$(echo "$ADD_OUT" | tr '\n' '|')"
fi
assert_eq "refused port add added no port" 0 \
	"$(dsectl_j show ports | json_get "len([p for p in d['ports'] if p['name'] == 'vm5'])")"
assert_eq "refused port add did not bump the generation" "$GEN" \
	"$(dsectl_j show engine | json_get "d['generation']")"
# The same port on a known segment works, and port del removes it.
assert_ok "port add vm5 on segment db" port_add vm5 af_packet db "$V5H"
assert_eq "show ports: vm5 on db" db "$(port_stat vm5 segment)"
assert_ok "port del vm5" ctl port del vm5
assert_eq "vm5 gone after port del" 0 \
	"$(dsectl_j show ports | json_get "len([p for p in d['ports'] if p['name'] == 'vm5'])")"

check_dsed_alive
finish
