#!/bin/bash
# 802.1Q trunk: port "trunk" (af_packet) carries VLAN 100 mapped to segment web and VLAN 200 to
# segment db, and no untagged segment. Its namespace has VLAN subinterfaces .100 and .200; the
# access workloads a-web (segment web) and a-db (segment db) are untagged. Each VLAN must reach
# exactly its segment's workload, frames leave the trunk tagged with the right VLAN, and the
# engine learns the trunk's MAC on both segments.
. "$(dirname "$0")/lib.sh"
require_cmds ip ethtool ping tcpdump python3

NST=$(ns_name trunk)
NSW=$(ns_name aweb)
NSD=$(ns_name adb)
VTH=vth-$RUN_ID
VTN=vtn-$RUN_ID
VWH=vwh-$RUN_ID
VWN=vwn-$RUN_ID
VDH=vdh-$RUN_ID
VDN=vdn-$RUN_ID
MACT=02:d5:02:00:00:10
MACW=02:d5:02:00:00:01
MACD=02:d5:02:00:00:02

ns_add "$NST"
ns_add "$NSW"
ns_add "$NSD"
veth_ns "$NST" "$VTH" "$VTN" "" $MACT
veth_ns "$NSW" "$VWH" "$VWN" 198.18.1.1/24 $MACW
veth_ns "$NSD" "$VDH" "$VDN" 198.18.2.1/24 $MACD
ip -n "$NST" link add link "$VTN" name "$VTN.100" type vlan id 100 || die "cannot add VLAN 100"
ip -n "$NST" link add link "$VTN" name "$VTN.200" type vlan id 200 || die "cannot add VLAN 200"
if_setup "$NST" "$VTN.100" 198.18.1.10/24 || die "cannot configure $VTN.100"
if_setup "$NST" "$VTN.200" 198.18.2.10/24 || die "cannot configure $VTN.200"

CONFIG=$TMP_DIR/host.yaml
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
  - name: db
ports:
  - name: trunk
    kind: af_packet
    iface: $VTH
    vlans:
      - vlan: 100
        segment: web
      - vlan: 200
        segment: db
  - name: a-web
    kind: af_packet
    segment: web
    iface: $VWH
  - name: a-db
    kind: af_packet
    segment: db
    iface: $VDH
EOF
} >"$CONFIG"

start_dsed "$CONFIG"

PORTS=$(dsectl_j show ports)
assert_eq "show ports: trunk VLAN mappings" '[[100, "web"], [200, "db"]]' \
	"$(echo "$PORTS" | json_get "sorted([v['vlan'], v['segment']] for v in port('trunk')['vlans'])")"

# Everything the trunk receives from each access workload, with its tag.
capture_start "$NST" "$VTN" "ether src $MACW or ether src $MACD" "$TMP_DIR/trunk.pcap"
TRUNK_CAPTURE=$CAPTURE_PID

assert_ok "ping trunk VLAN 100 -> a-web" ping_ok "$NST" 198.18.1.1
assert_ok "ping trunk VLAN 200 -> a-db" ping_ok "$NST" 198.18.2.1
assert_ok "ping a-web -> trunk VLAN 100" ping_ok "$NSW" 198.18.1.10
assert_ok "ping a-db -> trunk VLAN 200" ping_ok "$NSD" 198.18.2.10

# Broadcasts on each VLAN stay in its segment.
capture_start "$NSW" "$VWN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bw100.pcap"
W100=$CAPTURE_PID
capture_start "$NSD" "$VDN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bd100.pcap"
D100=$CAPTURE_PID
nsx "$NST" ping -b -I "$VTN.100" -c 5 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
assert_ge "broadcast on VLAN 100 reaches a-web" 5 "$(capture_count $W100 "$TMP_DIR/bw100.pcap")"
assert_eq "broadcast on VLAN 100 does not reach a-db" 0 "$(capture_count $D100 "$TMP_DIR/bd100.pcap")"

capture_start "$NSW" "$VWN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bw200.pcap"
W200=$CAPTURE_PID
capture_start "$NSD" "$VDN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bd200.pcap"
D200=$CAPTURE_PID
nsx "$NST" ping -b -I "$VTN.200" -c 5 -i 0.2 -W 1 198.18.2.255 >/dev/null 2>&1
assert_ge "broadcast on VLAN 200 reaches a-db" 5 "$(capture_count $D200 "$TMP_DIR/bd200.pcap")"
assert_eq "broadcast on VLAN 200 does not reach a-web" 0 "$(capture_count $W200 "$TMP_DIR/bw200.pcap")"

# Broadcasts from the access side reach the trunk tagged with their segment's VLAN only.
nsx "$NSW" ping -b -c 3 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
nsx "$NSD" ping -b -c 3 -i 0.2 -W 1 198.18.2.255 >/dev/null 2>&1
sleep 0.3
stop_pid $TRUNK_CAPTURE
count_trunk()
{
	tcpdump -n -r "$TMP_DIR/trunk.pcap" "$1" 2>/dev/null | wc -l
}
assert_ge "a-web's frames reach the trunk tagged 100" 5 "$(count_trunk "vlan 100 and ether src $MACW")"
assert_eq "a-web's frames never reach the trunk tagged 200" 0 "$(count_trunk "vlan 200 and ether src $MACW")"
assert_ge "a-db's frames reach the trunk tagged 200" 5 "$(count_trunk "vlan 200 and ether src $MACD")"
assert_eq "a-db's frames never reach the trunk tagged 100" 0 "$(count_trunk "vlan 100 and ether src $MACD")"
assert_eq "no untagged frame from the access ports on the trunk" 0 \
	"$(count_trunk "not vlan and (ether src $MACW or ether src $MACD)")"

# The trunk's MAC is learned on both segments, on the trunk port; the access MACs on their own.
MACS=$(dsectl_j show macs)
mac_port()
{
	echo "$MACS" | json_get "next(m['port'] for m in macs() if m['mac'].lower() == '$1' and m['segment'] == '$2')"
}
assert_eq "show macs: trunk MAC on web via port trunk" trunk "$(mac_port $MACT web)"
assert_eq "show macs: trunk MAC on db via port trunk" trunk "$(mac_port $MACT db)"
assert_eq "show macs: a-web MAC on web" a-web "$(mac_port $MACW web)"
assert_eq "show macs: a-db MAC on db" a-db "$(mac_port $MACD db)"
assert_eq "show macs: a-web MAC not on db" 0 \
	"$(echo "$MACS" | json_get "len([m for m in macs() if m['mac'].lower() == '$MACW' and m['segment'] == 'db'])")"

check_dsed_alive
finish
