#!/bin/bash
# Overlay between three hosts: engines A, B and C, uplinks as veths into one underlay bridge,
# Geneve between their TEPs. Segment web (VNI 5001) spans all three hosts; segment db
# (VNI 5002) only A and B. Checks ping and TCP between every pair of web's workloads, that
# broadcasts are replicated head-end to every host of their segment and to no other (C, which
# does not carry db, receives not one db packet on its uplink), and that the config shown by
# `dsectl show config` applies again with the overlay intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/overlay_lib.sh"
require_cmds ip ethtool ping iperf3 tcpdump tshark

underlay_setup
for h in A B C; do underlay_port u${h}h-$RUN_ID u${h}n-$RUN_ID; done
declare -A WEB_IP=([a]=198.18.1.1 [b]=198.18.1.2 [c]=198.18.1.3)
declare -A WEB_MAC=([a]=02:d5:0d:00:01:01 [b]=02:d5:0d:00:01:02 [c]=02:d5:0d:00:01:03)
for l in a b c; do
	ns_add "$(ns_name w$l)"
	veth_ns "$(ns_name w$l)" w${l}H-$RUN_ID w${l}N-$RUN_ID ${WEB_IP[$l]}/24 ${WEB_MAC[$l]}
done
for l in a b; do
	ns_add "$(ns_name d$l)"
	veth_ns "$(ns_name d$l)" d${l}H-$RUN_ID d${l}N-$RUN_ID 198.18.2.$([ $l = a ] && echo 1 || echo 2)/24
done

# host_config L TEP WEB_FLOOD [DB_FLOOD]: host L's config (L = a, b or c); DB_FLOOD set when the
# host carries db.
host_config()
{
	local l=$1 tep=$2 web=$3 dbf=$4 u
	u=$(echo "$l" | tr abc ABC)
	cat <<EOF
transport-node:
  name: $u
  workers: $DSE_WORKERS
  idle-sleep-us: 20
  tep:
    address: $tep/24
    uplink: up
segments:
  - name: web
    vni: 5001
    flood-teps: [$web]
EOF
	[ -n "$dbf" ] && cat <<EOF
  - name: db
    vni: 5002
    flood-teps: [$dbf]
EOF
	cat <<EOF
ports:
  - name: up
    kind: af_packet
    iface: u${u}h-$RUN_ID
  - name: w$l
    kind: af_packet
    segment: web
    iface: w${l}H-$RUN_ID
EOF
	[ -n "$dbf" ] && cat <<EOF
  - name: d$l
    kind: af_packet
    segment: db
    iface: d${l}H-$RUN_ID
EOF
	return 0
}
host_config a 198.19.0.1 "198.19.0.2, 198.19.0.3" 198.19.0.2 >"$TMP_DIR/A.yaml"
host_config b 198.19.0.2 "198.19.0.1, 198.19.0.3" 198.19.0.1 >"$TMP_DIR/B.yaml"
host_config c 198.19.0.3 "198.19.0.1, 198.19.0.2" >"$TMP_DIR/C.yaml"
for h in A B C; do start_host $h "$TMP_DIR/$h.yaml"; done

# Every pair of web's workloads, both ways.
for from in a b c; do
	for to in a b c; do
		[ $from = $to ] && continue
		assert_ok "web: ping $from -> $to" ping_ok "$(ns_name w$from)" ${WEB_IP[$to]}
	done
done
assert_ok "db: ping a -> b" ping_ok "$(ns_name da)" 198.18.2.2
assert_ok "db: ping b -> a" ping_ok "$(ns_name db)" 198.18.2.1

# TCP between every pair.
for pair in a:b b:c c:a; do
	from=${pair%:*}
	to=${pair#*:}
	ip netns exec "$(ns_name w$to)" iperf3 -s -1 -B ${WEB_IP[$to]} >"$TMP_DIR/iperf3-s-$to.log" 2>&1 &
	IPS=$!
	track_pid $IPS
	wait_until 5 tcp_listening "$(ns_name w$to)" 5201 || fail "iperf3 server on $to" "not listening"
	nsx "$(ns_name w$from)" timeout 20 iperf3 -c ${WEB_IP[$to]} -t 2 --json >"$TMP_DIR/iperf3-$pair.json" 2>&1
	assert_ge "web: iperf3 TCP $from -> $to (bytes)" 1000000 \
		"$(json_get "int(d['end']['sum_received']['bytes'])" <"$TMP_DIR/iperf3-$pair.json")"
	stop_pid $IPS
done

# Broadcast on web: replicated to B and C. Broadcast on db: to B only; C's uplink carries no
# packet of db, and C's web workload sees none of it.
start_captures()
{
	local tag=$1 h
	for h in A B C; do
		capture_start "$UNDERLAY_NS" u${h}n-$RUN_ID "udp port 6081" "$TMP_DIR/$tag-ul$h.pcap"
		UL_PID[$h]=$CAPTURE_PID
	done
	capture_start "$(ns_name wb)" wbN-$RUN_ID "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/$tag-wb.pcap"
	WB_PID=$CAPTURE_PID
	capture_start "$(ns_name wc)" wcN-$RUN_ID "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/$tag-wc.pcap"
	WC_PID=$CAPTURE_PID
	capture_start "$(ns_name db)" dbN-$RUN_ID "icmp and ether dst ff:ff:ff:ff:ff:ff" "$TMP_DIR/$tag-db.pcap"
	DB_PID=$CAPTURE_PID
}
# vni_count FILE VNI: Geneve packets of VNI in FILE.
vni_count()
{
	tshark -r "$1" -Y "geneve.vni == $2" 2>/dev/null | wc -l
}
# bcast_copies FILE VNI: tunnelled copies of a broadcast echo request of VNI in FILE (a host
# sent a duplicate if this exceeds the broadcasts sent).
bcast_copies()
{
	tshark -r "$1" -Y "geneve.vni == $2 && eth.dst == ff:ff:ff:ff:ff:ff && icmp.type == 8" \
		2>/dev/null | wc -l
}
declare -A UL_PID
start_captures web
nsx "$(ns_name wa)" ping -b -c 5 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
assert_ge "web broadcast from A reaches B's web workload" 5 "$(capture_count $WB_PID "$TMP_DIR/web-wb.pcap")"
assert_ge "web broadcast from A reaches C's web workload" 5 "$(capture_count $WC_PID "$TMP_DIR/web-wc.pcap")"
assert_eq "web broadcast does not reach B's db workload" 0 "$(capture_count $DB_PID "$TMP_DIR/web-db.pcap")"
for h in A B C; do capture_count ${UL_PID[$h]} "$TMP_DIR/web-ul$h.pcap" >/dev/null; done
assert_eq "web broadcast: one copy per broadcast on B's uplink" 5 "$(bcast_copies "$TMP_DIR/web-ulB.pcap" 5001)"
assert_eq "web broadcast: one copy per broadcast on C's uplink" 5 "$(bcast_copies "$TMP_DIR/web-ulC.pcap" 5001)"

UNKNOWN_VNI_C=$(drop_count C overlay-unknown-vni)
start_captures db
nsx "$(ns_name da)" ping -b -c 5 -i 0.2 -W 1 198.18.2.255 >/dev/null 2>&1
assert_ge "db broadcast from A reaches B's db workload" 5 "$(capture_count $DB_PID "$TMP_DIR/db-db.pcap")"
assert_eq "db broadcast does not reach B's web workload" 0 "$(capture_count $WB_PID "$TMP_DIR/db-wb.pcap")"
assert_eq "db broadcast does not reach C's web workload" 0 "$(capture_count $WC_PID "$TMP_DIR/db-wc.pcap")"
for h in A B C; do capture_count ${UL_PID[$h]} "$TMP_DIR/db-ul$h.pcap" >/dev/null; done
assert_eq "db broadcast: one copy per broadcast on B's uplink" 5 "$(bcast_copies "$TMP_DIR/db-ulB.pcap" 5002)"
assert_eq "db broadcast: not one db packet on C's uplink" 0 "$(vni_count "$TMP_DIR/db-ulC.pcap" 5002)"
assert_eq "C dropped no packet of an unknown VNI (none was sent to it)" "$UNKNOWN_VNI_C" \
	"$(drop_count C overlay-unknown-vni)"
assert_ge "A replicated floods to remote TEPs" 15 \
	"$(hctl A call tunnels.show | json_get "d['counters']['replicated']")"
assert_eq "tshark: no malformed packet on the uplinks" 0 \
	"$(for f in "$TMP_DIR"/*-ul?.pcap; do
		tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity >= 0x800000' 2>/dev/null
	done | wc -l)"

# The config shown applies again and keeps the overlay.
"$DSECTL" --socket "${HOST_SOCK[A]}" show config >"$TMP_DIR/A-shown.yaml"
assert_ok "show config holds the TEP" grep -q "198.19.0.1/24" "$TMP_DIR/A-shown.yaml"
assert_ok "apply of show config's output" \
	"$DSECTL" --socket "${HOST_SOCK[A]}" apply -f "$TMP_DIR/A-shown.yaml"
TUN=$(hctl A call tunnels.show)
assert_eq "after re-apply: TEP still 198.19.0.1" 198.19.0.1 "$(echo "$TUN" | json_get "d['local']['address']")"
assert_ok "after re-apply: show config unchanged" bash -c \
	"'$DSECTL' --socket '${HOST_SOCK[A]}' show config | diff - '$TMP_DIR/A-shown.yaml'"
assert_eq "after re-apply: both flood TEPs of web kept" "198.19.0.2 198.19.0.3" \
	"$(hctl A call config.get | json_get "' '.join(next(s['flood-teps'] for s in d['segments'] if s['name'] == 'web'))")"
start_captures again
nsx "$(ns_name wa)" ping -b -c 3 -i 0.2 -W 1 198.18.1.255 >/dev/null 2>&1
assert_ge "after re-apply: web broadcast still reaches C" 3 "$(capture_count $WC_PID "$TMP_DIR/again-wc.pcap")"
for h in A B C; do stop_pid ${UL_PID[$h]}; done
stop_pid $WB_PID
stop_pid $DB_PID
assert_ok "after re-apply: ping a -> c" ping_ok "$(ns_name wa)" 198.18.1.3

for h in A B C; do check_host_alive $h; done
finish
