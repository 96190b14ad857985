# The benchmark scenarios (sourced by bench/run). A scenario is a case in scenario_define
# that sets the SC_* variables below; most reuse a family function (l2_scenario). To add one:
# add its name to ALL_SCENARIOS, a case line, and if it is a new kind of traffic, a config
# function for the engine and a setup function for OVS.
#
#   SC_DESC             one line: what the scenario measures
#   SC_UNAVAILABLE      non-empty: skip the scenario with this message (nothing is faked)
#   SC_FLOWS SC_DST_MACS SC_FRAME_SIZE SC_GEN_ARGS   the traffic (dse-gen-traffic options)
#   SC_PACKETS          packets in the traffic file (net_pcap keeps them all in mbufs)
#   SC_DSE_CONFIG_FN    prints the engine's YAML config
#   SC_DSE_MEMORY       dsed --memory (MB of hugepages)
#   SC_DSE_MBUFS        dsed --mbufs (0 = its default)
#   SC_OVS_SETUP_FN     builds the OVS bridges, sets OVS_OUT_BRIDGE and OVS_OUT_PORT
#   SC_OVS_UNAVAILABLE  non-empty: OVS not measured, with this reason
#   SC_OVS_MEMORY       OVS dpdk-socket-mem (MB)
#   SC_CONDITIONS       what exactly is measured (goes into the JSON and the table notes)
#   SC_OVS_DESC         how OVS is configured (table notes)
#   SC_GENEVE_DIR       geneve scenarios: encap or decap
#   SC_REPLY            1: a second file with every flow's replies (SC_TRAFFIC_REPLY), replayed
#                       on a second port; throughput counts both directions
#   SC_DSE_TX_PORTS     the engine ports whose transmitted packets are counted (default sink)
#   SC_MEASURE          empty: Mpps; ct-new: new connections/s (bench/lib/fw.sh)

ALL_SCENARIOS=(l2 l2-1m geneve-encap geneve-decap fw-est-1k fw-est-100k fw-est-1k-100r fw-est-100k-100r fw-new tcp)
SCALING_FLOWS=(1 10 100 1000 10000 100000 1000000)

# At most this many destination MACs: each is a static-macs entry of the engine config, and
# DSE_MAX_STATIC_MACS (src/switch/switch_config.h) is 1024.
L2_MAX_DST_MACS=1000

scenario_reset() {
    SC_DESC="" SC_UNAVAILABLE="" SC_FLOWS=10000 SC_DST_MACS=1 SC_FRAME_SIZE=64 SC_GEN_ARGS=""
    SC_PACKETS=0 SC_DSE_CONFIG_FN="" SC_DSE_MEMORY=1024 SC_DSE_MBUFS=0 SC_OVS_SETUP_FN="" SC_OVS_UNAVAILABLE=""
    SC_OVS_MEMORY=1024 SC_CONDITIONS="" SC_MAC_TABLE_SIZE=65536 SC_GEN_ARGS_TAG="" SC_GENEVE_DIR=""
    SC_OVS_DESC="actions=NORMAL, destination MACs as static FDB entries (fdb/add) on sink, EMC/SMC at their defaults"
    SC_REPLY=0 SC_TRAFFIC_REPLY="" SC_DSE_TX_PORTS=sink SC_MEASURE="" SC_FW_RULES=0
    SC_SERVER_PORT=sink SC_KIND=""
}

# scenario_define NAME: sets SC_* for NAME; returns 1 for an unknown name
scenario_define() {
    scenario_reset
    case $1 in
    l2) l2_scenario 10000 ;;
    l2-1m) l2_scenario 1000000 ;;
    l2-flows-[0-9]*) l2_scenario "${1#l2-flows-}" ;;
    geneve-encap) geneve_scenario encap 10000 ;;
    geneve-decap) geneve_scenario decap 10000 ;;
    fw-est-1k) fw_est_scenario 1000 10000 ;;
    fw-est-100k) fw_est_scenario 100000 10000 ;;
    fw-est-1k-100r) fw_est_scenario 1000 100 ;;
    fw-est-100k-100r) fw_est_scenario 100000 100 ;;
    fw-new) fw_new_scenario 10000 ;;
    tcp) SC_KIND=tcp SC_DESC="iperf3 TCP between namespace workloads at default offloads (bench/lib/tcp.sh)" ;;
    *) return 1 ;;
    esac
    SC_TRAFFIC=$TRAFFIC_DIR/udp-f$SC_FLOWS-d$SC_DST_MACS-s$SC_FRAME_SIZE$SC_GEN_ARGS_TAG.pcap
    (( SC_REPLY )) && SC_TRAFFIC_REPLY=${SC_TRAFFIC%.pcap}-reply.pcap
    return 0
}

# ---- fw-*: the stateful firewall (bench/lib/fw.sh)
. "$(dirname "${BASH_SOURCE[0]}")/lib/fw.sh"

# ---- tcp: iperf3 between namespace workloads, its own table (bench/lib/tcp.sh)
. "$(dirname "${BASH_SOURCE[0]}")/lib/tcp.sh"

# ---- l2: one segment, MAC learning on the source port, static destination MACs on the sink

# l2_scenario FLOWS: FLOWS flows, each with its own source MAC (learned by the engine on
# port src), IPv4 source and UDP source port; min(FLOWS, 1000) destination MACs, all static
# on port sink, so that every frame is unicast-switched to sink.
l2_scenario() {
    local flows=$1
    SC_FLOWS=$flows
    SC_DST_MACS=$(( flows < L2_MAX_DST_MACS ? flows : L2_MAX_DST_MACS ))
    SC_PACKETS=$(( flows >= 1024 ? flows : (1024 + flows - 1) / flows * flows ))
    # the learning table holds every source MAC plus the static ones, at most half full
    SC_MAC_TABLE_SIZE=65536
    while (( SC_MAC_TABLE_SIZE < 2 * (flows + SC_DST_MACS) )); do
        SC_MAC_TABLE_SIZE=$((SC_MAC_TABLE_SIZE * 2))
    done
    # net_pcap infinite_rx holds the whole file in mbufs of the engine's pool (2.5 KB each)
    if (( SC_PACKETS > 16384 )); then
        SC_DSE_MBUFS=$((SC_PACKETS + 32768))
        SC_DSE_MEMORY=$(( (SC_DSE_MBUFS * 5 / 2 / 1024 + 511) / 512 * 512 + 1024 ))
    fi
    if (( SC_PACKETS > 200000 )); then
        SC_OVS_UNAVAILABLE="OVS-DPDK 3.1 sizes a port's mempool to at most 262,144 mbufs; net_pcap infinite_rx must hold all $SC_PACKETS packets of the file in mbufs"
    fi
    SC_DESC="L2 switch, one segment: $flows flows from port src to port sink"
    SC_DSE_CONFIG_FN=l2_dse_config
    SC_OVS_SETUP_FN=l2_ovs_setup
    SC_CONDITIONS="$flows flows = $flows source MACs (learned on src) x $SC_DST_MACS destination MACs (static on sink; static-macs are capped at 1024 per config) = $flows distinct MAC pairs and $flows distinct UDP 5-tuples; every frame unicast-switched src->sink; MAC table $SC_MAC_TABLE_SIZE entries in both engines"
}

l2_dse_config() {
    cat <<YAML
# generated by bench/run for scenario $SCENARIO
transport-node:
  name: bench
  workers: 1
switch:
  mac-table-size: $SC_MAC_TABLE_SIZE
segments:
  - name: s
ports:
  - name: src
    kind: pcap
    segment: s
    path: $SC_TRAFFIC
    infinite-rx: true
  - name: sink
    kind: null
    segment: s
static-macs:
YAML
    "$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --print-dst-macs |
        awk '{printf "  - segment: s\n    mac: %s\n    port: sink\n", $1}'
}

# OVS: actions=NORMAL (its MAC-learning switch), the destination MACs as static FDB entries
# on the sink port, the same MAC table size as the engine's.
l2_ovs_setup() {
    ovs_netdev_bridge br0 other_config:mac-table-size="$SC_MAC_TABLE_SIZE"
    ovs_null_port br0 sink 2
    ovs_ofctl del-flows br0
    ovs_ofctl add-flow br0 "actions=NORMAL"
    local mac
    for mac in $("$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --print-dst-macs); do
        ovs_appctl fdb/add br0 sink 0 "$mac" >/dev/null
    done
    # the source last: its first packet already finds every destination MAC
    ovs_pcap_port br0 src 1 "$SC_TRAFFIC"
    OVS_OUT_BRIDGE=br0 OVS_OUT_PORT=sink
}

# ---- geneve: the overlay's tunnel endpoint, one direction each

# Underlay of the Geneve scenarios: this host's TEP 198.19.0.1, the remote TEP 198.19.0.2 (the
# generator's outer addresses), the next hop's MAC fixed so that nothing waits for ARP, and
# OVS-DPDK's br-phy MAC as the outer destination of the decap file.
GENEVE_VNI=5001
GENEVE_NEXT_HOP_MAC=02:54:00:00:00:02
GENEVE_BR_PHY_MAC=aa:55:aa:55:00:01

# geneve_scenario encap|decap FLOWS: 64-byte inner frames, FLOWS flows to 1,000 destination
# MACs. encap: plain frames from port src (pcap) on segment s (VNI 5001); the destination MACs
# are remote bindings behind TEP 198.19.0.2, so every frame leaves the uplink, port sink (null),
# Geneve-encapsulated (114 bytes on the wire). decap: Geneve packets (114 bytes) from
# 198.19.0.2 on the uplink (pcap) are decapsulated and switched to port sink (null), where the
# destination MACs are static; the source MACs are learned behind the remote TEP.
geneve_scenario() {
    local dir=$1 flows=$2
    SC_FLOWS=$flows
    SC_DST_MACS=$(( flows < L2_MAX_DST_MACS ? flows : L2_MAX_DST_MACS ))
    SC_PACKETS=$(( flows >= 1024 ? flows : (1024 + flows - 1) / flows * flows ))
    SC_GENEVE_DIR=$dir
    SC_DSE_CONFIG_FN=geneve_dse_config
    SC_OVS_DESC="userspace tunnelling (br-phy underlay, geneve port on br-int), one OpenFlow rule, EMC/SMC at their defaults"
    if [[ $dir == encap ]]; then
        SC_DESC="Geneve encap: $flows flows of 64-byte frames from port src leave the uplink in Geneve (VNI $GENEVE_VNI) to one remote TEP"
        SC_OVS_SETUP_FN=geneve_encap_ovs_setup
        SC_CONDITIONS="inner frames 64 bytes, $flows flows (source MACs learned on src) to $SC_DST_MACS destination MACs, each a static remote binding (remote:) behind TEP 198.19.0.2; output 114-byte Geneve packets (outer Ethernet/IPv4 DF/UDP 6081, source port from the inner flow hash) on the uplink sink (net_null); next hop MAC fixed by transport-node.tep.next-hop-mac (no ARP); testpmd forwards the same inner pcap unchanged. OVS: userspace tunnelling, br-int in_port=src -> geneve port (remote_ip 198.19.0.2, key $GENEVE_VNI) -> br-phy (198.19.0.1/24, static tnl/arp entry) -> sink; one OpenFlow rule, no MAC learning"
    else
        SC_DESC="Geneve decap: $flows flows of Geneve packets from the uplink delivered decapsulated (64-byte inner frames) to port sink"
        SC_FRAME_SIZE=114
        SC_GEN_ARGS="--geneve $GENEVE_VNI --outer-dst-mac $GENEVE_BR_PHY_MAC"
        SC_GEN_ARGS_TAG=-geneve$GENEVE_VNI
        SC_OVS_SETUP_FN=geneve_decap_ovs_setup
        SC_CONDITIONS="114-byte Geneve packets from TEP 198.19.0.2 to 198.19.0.1 (UDP 6081, VNI $GENEVE_VNI, no options, UDP checksum 0) on the uplink (net_pcap), inner frames 64 bytes, $flows flows: $flows inner source MACs learned behind the remote TEP, $SC_DST_MACS destination MACs static on sink; output the 64-byte inner frames on sink (net_null); testpmd forwards the same Geneve pcap unchanged. OVS: userspace tunnelling, br-phy (198.19.0.1/24, MAC = the outer destination) pops the tunnel into br-int, in_port=geneve -> sink; one OpenFlow rule, no MAC learning"
    fi
}

geneve_dse_config() {
    cat <<YAML
# generated by bench/run for scenario $SCENARIO
transport-node:
  name: bench
  workers: 1
  tep:
    address: 198.19.0.1/24
    uplink: $([[ $SC_GENEVE_DIR == encap ]] && echo sink || echo up)
    next-hop-mac: $GENEVE_NEXT_HOP_MAC
switch:
  mac-table-size: 65536
segments:
  - name: s
    vni: $GENEVE_VNI
    flood-teps: [198.19.0.2]
YAML
    if [[ $SC_GENEVE_DIR == encap ]]; then
        cat <<YAML
ports:
  - name: src
    kind: pcap
    segment: s
    path: $SC_TRAFFIC
    infinite-rx: true
  - name: sink
    kind: null
remote:
YAML
        "$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --print-dst-macs |
            awk '{printf "  - segment: s\n    mac: %s\n    tep: 198.19.0.2\n", $1}'
    else
        cat <<YAML
ports:
  - name: up
    kind: pcap
    path: $SC_TRAFFIC
    infinite-rx: true
  - name: sink
    kind: null
    segment: s
static-macs:
YAML
        "$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --print-dst-macs |
            awk '{printf "  - segment: s\n    mac: %s\n    port: sink\n", $1}'
    fi
}

# OVS userspace tunnelling (the recipe of OVS's own documentation): br-phy holds the underlay
# address in ovs-vswitchd's namespace, a route and a static tunnel ARP entry for the remote TEP.
geneve_ovs_underlay() {
    ip netns exec "$OVS_NS" ip addr add 198.19.0.1/24 dev br-phy
    ip netns exec "$OVS_NS" ip link set br-phy up
    ovs_appctl ovs/route/add 198.19.0.0/24 br-phy >/dev/null
    ovs_appctl tnl/arp/set br-phy 198.19.0.2 "$GENEVE_NEXT_HOP_MAC" >/dev/null
}

geneve_encap_ovs_setup() {
    ovs_netdev_bridge br-phy other-config:hwaddr="$GENEVE_BR_PHY_MAC"
    ovs_null_port br-phy sink 2
    ovs_netdev_bridge br-int
    ovs_vsctl add-port br-int gnv0 -- set Interface gnv0 type=geneve ofport_request=10 \
        options:remote_ip=198.19.0.2 options:key="$GENEVE_VNI"
    geneve_ovs_underlay
    ovs_ofctl del-flows br-int
    ovs_ofctl add-flow br-int "in_port=1,actions=output:10"
    ovs_pcap_port br-int src 1 "$SC_TRAFFIC"
    OVS_OUT_BRIDGE=br-phy OVS_OUT_PORT=sink
}

geneve_decap_ovs_setup() {
    ovs_netdev_bridge br-phy other-config:hwaddr="$GENEVE_BR_PHY_MAC"
    ovs_netdev_bridge br-int
    ovs_vsctl add-port br-int gnv0 -- set Interface gnv0 type=geneve ofport_request=10 \
        options:remote_ip=198.19.0.2 options:key="$GENEVE_VNI"
    ovs_null_port br-int sink 2
    geneve_ovs_underlay
    ovs_ofctl del-flows br-int
    ovs_ofctl add-flow br-int "in_port=10,actions=output:2"
    ovs_pcap_port br-phy src 1 "$SC_TRAFFIC"
    OVS_OUT_BRIDGE=br-int OVS_OUT_PORT=sink
}

# make_traffic: writes the scenario's pcap unless an identical one is there already
make_traffic() {
    mkdir -p "$TRAFFIC_DIR"
    if [[ -n $SC_TRAFFIC_REPLY && ! -s $SC_TRAFFIC_REPLY ]]; then
        "$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --frame-size "$SC_FRAME_SIZE" \
            $SC_GEN_ARGS --reply -o "$SC_TRAFFIC_REPLY.tmp" &&
            mv "$SC_TRAFFIC_REPLY.tmp" "$SC_TRAFFIC_REPLY" || return 1
    fi
    [[ -s $SC_TRAFFIC ]] && return 0
    "$GEN_TRAFFIC" --flows "$SC_FLOWS" --dst-macs "$SC_DST_MACS" --frame-size "$SC_FRAME_SIZE" \
        $SC_GEN_ARGS -o "$SC_TRAFFIC.tmp" && mv "$SC_TRAFFIC.tmp" "$SC_TRAFFIC"
}
