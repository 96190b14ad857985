#!/bin/bash
# Shared-memory ports: the engine serves a memif port and a vhost-user port; a dse-peer process on
# the far side of each (a memif client, a virtio-user device) answers ARP and ICMP echo for its
# address. A namespace workload on the same segment (af_packet) pings both peers: the replies
# prove frames crossed each shared-memory port in both directions, and the peers' own counters
# show the echoes they answered.
#
# Memory: every DPDK process here runs with --no-huge. That is enough for both kinds (checked
# with DPDK 22.11): the memif client allocates the shared regions itself (memfd) and the server
# maps them; virtio-user must hand its memory to the vhost-user backend as file descriptors, and
# EAL's --no-huge memory is memfd-backed, so neither --in-memory nor --single-file-segments is
# needed.
. "$(dirname "$0")/lib.sh"
require_cmds ip ethtool ping python3

NS1=$(ns_name vm1)
V1H=v1h-$RUN_ID
V1N=v1n-$RUN_ID
MAC1=02:d5:04:00:00:01
MEMIF_IP=198.18.0.101
MEMIF_MAC=02:d5:04:00:00:65
VHOST_IP=198.18.0.102
VHOST_MAC=02:d5:04:00:00:66
MEMIF_SOCK=$TMP_DIR/memif.sock
VHOST_SOCK=$TMP_DIR/vhost.sock
PINGS=5

ns_add "$NS1"
veth_ns "$NS1" "$V1H" "$V1N" 198.18.0.1/24 $MAC1

CONFIG=$TMP_DIR/host.yaml
{
	yaml_transport_node
	cat <<EOF
segments:
  - name: web
ports:
  - name: vm1
    kind: af_packet
    segment: web
    iface: $V1H
  - name: mem
    kind: memif
    segment: web
    path: $MEMIF_SOCK
  - name: vhu
    kind: vhost-user
    segment: web
    path: $VHOST_SOCK
EOF
} >"$CONFIG"

start_dsed "$CONFIG"
# DPDK's memif listens on the abstract socket named by the path unless told otherwise
# (socket-abstract=no), so look for listeners rather than files.
unix_listening()
{
	ss -xlH | grep -qF -- "$1 "
}
wait_until 10 unix_listening "$MEMIF_SOCK" || fail "memif socket listening" "nothing on $MEMIF_SOCK"
wait_until 10 unix_listening "$VHOST_SOCK" || fail "vhost-user socket listening" "nothing on $VHOST_SOCK"

start_peer memif "net_memif0,role=client,socket=$MEMIF_SOCK" $MEMIF_IP $MEMIF_MAC
MEMIF_PEER=$PEER_PID
start_peer vhost "virtio_user0,path=$VHOST_SOCK,queues=1" $VHOST_IP $VHOST_MAC
VHOST_PEER=$PEER_PID

# The ports come up once the peers connect (the state is read again at every try).
link_up() { [ "$(port_stat "$1" link 2>/dev/null)" == up ]; }
wait_until 20 link_up mem
assert_eq "memif port link up with the peer connected" up "$(port_stat mem link)"
wait_until 20 link_up vhu
assert_eq "vhost-user port link up with the peer connected" up "$(port_stat vhu link)"

assert_ok "ping vm1 -> memif peer" ping_ok "$NS1" $MEMIF_IP $PINGS
assert_ok "ping vm1 -> vhost-user peer" ping_ok "$NS1" $VHOST_IP $PINGS

# Port counters while the peers are connected (the memif device resets its counters when the
# peer goes away).
PORTS=$(dsectl_j show ports)
for p in mem vhu; do
	assert_ge "show ports: $p rx_packets (replies from the peer)" $((PINGS + 2)) \
		"$(echo "$PORTS" | json_get "port('$p')['rx_packets']")"
	assert_ge "show ports: $p tx_packets (requests to the peer)" $((PINGS + 2)) \
		"$(echo "$PORTS" | json_get "port('$p')['tx_packets']")"
done
assert_eq "show ports: mem kind" memif "$(echo "$PORTS" | json_get "port('mem')['kind']")"
assert_eq "show ports: vhu kind" vhost-user "$(echo "$PORTS" | json_get "port('vhu')['kind']")"

# The peers write their counters on exit.
peer_counter()
{
	json_get "d['$2']" <"$TMP_DIR/$1.json"
}
for peer in memif vhost; do
	if [ $peer == memif ]; then pid=$MEMIF_PEER; else pid=$VHOST_PEER; fi
	kill -0 "$pid" 2>/dev/null || fail "dse-peer ($peer) still running" "$(tail -n 5 "$TMP_DIR/$peer.log" | tr '\n' '|')"
	stop_pid "$pid"
	# One warm-up ping plus PINGS counted ones.
	assert_ge "$peer peer answered the echo requests" $((PINGS + 1)) "$(peer_counter $peer echo_replies)"
	assert_ge "$peer peer answered ARP" 1 "$(peer_counter $peer arp_replies)"
	assert_eq "$peer peer sent every reply it made" 0 "$(peer_counter $peer tx_failed)"
done

# With the peers gone, pings go unanswered (the replies came from them, not from elsewhere).
assert_ok "no reply from the memif peer's address once it stopped" ping_none "$NS1" $MEMIF_IP

check_dsed_alive
finish
