#!/bin/bash
# 802.1Q trunk: port "trunk" (af_packet) carries VLAN 100 mapped to segment web and VLAN 200 to
# segment db, and no untagged segment. Behind it, vlan_host.py plays one host per VLAN (same
# MAC, as VLAN subinterfaces of one NIC would): 198.18.1.10 on VLAN 100 and 198.18.1.20 on VLAN
# 200, each answering only frames carrying its own tag. (It stands in for kernel VLAN
# subinterfaces, which need the 8021q module that test kernels may lack.) The access workloads
# a-web (web) and a-db (db) are untagged and share the subnet, so only the switch keeps them
# apart. Each VLAN must reach exactly its segment's workload, frames must leave the trunk tagged
# with the right VLAN, and the engine learns the trunk's MAC on both segments.
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
IP_T100=198.18.1.10
IP_T200=198.18.1.20
IP_W=198.18.1.1
IP_D=198.18.1.2

ns_add "$NST"
ns_add "$NSW"
ns_add "$NSD"
veth_ns "$NST" "$VTH" "$VTN" "" $MACT
ip netns exec "$NST" sysctl -qw "net.ipv6.conf.$VTN.disable_ipv6=1"
veth_ns "$NSW" "$VWH" "$VWN" $IP_W/24 $MACW
veth_ns "$NSD" "$VDH" "$VDN" $IP_D/24 $MACD

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

# Everything the trunk receives from the access workloads, tags included.
capture_start "$NST" "$VTN" "ether src $MACW or ether src $MACD" "$TMP_DIR/trunk.pcap"
TRUNK_CAPTURE=$CAPTURE_PID

HOSTS_STATS=$TMP_DIR/vlan-hosts.json
ip netns exec "$NST" python3 "$LIB_DIR/vlan_host.py" serve "$VTN" --host "100,$IP_T100,$MACT" \
	--host "200,$IP_T200,$MACT" --stats "$HOSTS_STATS" >"$TMP_DIR/vlan-hosts.log" 2>&1 &
HOSTS_PID=$!
track_pid $HOSTS_PID
wait_until 10 grep -q serving "$TMP_DIR/vlan-hosts.log" || die "vlan_host.py did not start"

assert_ok "ping a-web -> trunk host on VLAN 100" ping_ok "$NSW" $IP_T100
assert_ok "ping a-db -> trunk host on VLAN 200" ping_ok "$NSD" $IP_T200
assert_ok "ping a-web -> trunk host on VLAN 200 fails" ping_none "$NSW" $IP_T200
assert_ok "ping a-db -> trunk host on VLAN 100 fails" ping_none "$NSD" $IP_T100
assert_ok "ping a-web -> a-db fails (same subnet, other segment)" ping_none "$NSW" $IP_D

# Broadcasts sent on each VLAN of the trunk stay in that VLAN's segment.
trunk_broadcast()
{
	local vlan=$1 src=$2 w d
	capture_start "$NSW" "$VWN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bw$vlan.pcap"
	w=$CAPTURE_PID
	capture_start "$NSD" "$VDN" "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/bd$vlan.pcap"
	d=$CAPTURE_PID
	nsx "$NST" python3 "$LIB_DIR/vlan_host.py" broadcast "$VTN" --vlan "$vlan" --ip "$src" \
		--mac $MACT --dst 198.18.1.255 --count 5 || fail "send broadcast on VLAN $vlan" "vlan_host.py failed"
	BCAST_WEB=$(capture_count $w "$TMP_DIR/bw$vlan.pcap")
	BCAST_DB=$(capture_count $d "$TMP_DIR/bd$vlan.pcap")
}
trunk_broadcast 100 $IP_T100
assert_eq "broadcast on VLAN 100 reaches a-web" 5 "$BCAST_WEB"
assert_eq "broadcast on VLAN 100 does not reach a-db" 0 "$BCAST_DB"
trunk_broadcast 200 $IP_T200
assert_eq "broadcast on VLAN 200 reaches a-db" 5 "$BCAST_DB"
assert_eq "broadcast on VLAN 200 does not reach a-web" 0 "$BCAST_WEB"

# Broadcasts from the access side reach the trunk tagged with their segment's VLAN only.
nsx "$NSW" ping -b -c 3 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
nsx "$NSD" ping -b -c 3 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
sleep 0.3
stop_pid $TRUNK_CAPTURE
count_trunk()
{
	tcpdump -n -r "$TMP_DIR/trunk.pcap" "$1" 2>/dev/null | wc -l
}
assert_ge "a-web's frames reach the trunk tagged 100" 8 "$(count_trunk "vlan 100 and ether src $MACW")"
assert_eq "a-web's frames never reach the trunk tagged 200" 0 "$(count_trunk "vlan 200 and ether src $MACW")"
assert_ge "a-db's frames reach the trunk tagged 200" 8 "$(count_trunk "vlan 200 and ether src $MACD")"
assert_eq "a-db's frames never reach the trunk tagged 100" 0 "$(count_trunk "vlan 100 and ether src $MACD")"
assert_eq "no untagged frame from the access ports on the trunk" 0 \
	"$(count_trunk "not vlan and (ether src $MACW or ether src $MACD)")"

stop_pid $HOSTS_PID
hosts_count()
{
	json_get "$1" <"$HOSTS_STATS"
}
assert_ge "trunk host on VLAN 100 answered echo requests" 4 "$(hosts_count "d['100']['echo']")"
assert_ge "trunk host on VLAN 200 answered echo requests" 4 "$(hosts_count "d['200']['echo']")"
assert_eq "trunk received no untagged frame" 0 "$(hosts_count "d['untagged']['frames']")"
assert_eq "trunk received no frame on another VLAN" 0 "$(hosts_count "d['other-vlan']['frames']")"

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
