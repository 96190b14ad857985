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
#   SC_REPLY            1: a second file with every flow's replies (SC_TRAFFIC_REPLY), replayed
#                       on a second port; throughput counts both directions
#   SC_DSE_TX_PORTS     the engine ports whose transmitted packets are counted (default sink)
#   SC_MEASURE          empty: Mpps; ct-new: new connections/s (bench/lib/fw.sh)
#   SC_OVS_NOTE         how OVS is configured, for the notes

ALL_SCENARIOS=(l2 l2-1m geneve-encap geneve-decap fw-est-1k fw-est-100k fw-est-1k-100r fw-est-100k-100r fw-new)
SCALING_FLOWS=(1 10 100 1000 10000 100000 1000000)

# At most this many destination MACs: each is a static-macs entry of the engine config, and
# DSE_MAX_STATIC_MACS (src/mgmt/config.h) is 1024.
L2_MAX_DST_MACS=1000

scenario_reset() {
    SC_DESC="" SC_UNAVAILABLE="" SC_FLOWS=10000 SC_DST_MACS=1 SC_FRAME_SIZE=64 SC_GEN_ARGS=""
    SC_PACKETS=0 SC_DSE_CONFIG_FN="" SC_DSE_MEMORY=1024 SC_DSE_MBUFS=0 SC_OVS_SETUP_FN="" SC_OVS_UNAVAILABLE=""
    SC_OVS_MEMORY=1024 SC_CONDITIONS="" SC_MAC_TABLE_SIZE=65536 SC_GEN_ARGS_TAG=""
    SC_REPLY=0 SC_TRAFFIC_REPLY="" SC_DSE_TX_PORTS=sink SC_MEASURE="" SC_FW_RULES=0
    SC_SERVER_PORT=sink SC_OVS_NOTE=""
}

# scenario_define NAME: sets SC_* for NAME; returns 1 for an unknown name
scenario_define() {
    scenario_reset
    case $1 in
    l2) l2_scenario 10000 ;;
    l2-1m) l2_scenario 1000000 ;;
    l2-flows-[0-9]*) l2_scenario "${1#l2-flows-}" ;;
    geneve-encap)
        SC_DESC="segment with a VNI: frames from a local port leave the uplink Geneve-encapsulated"
        SC_UNAVAILABLE="not yet available: the overlay (src/overlay) does not exist yet" ;;
    geneve-decap)
        SC_DESC="Geneve frames from the uplink delivered decapsulated to a local port"
        SC_UNAVAILABLE="not yet available: the overlay (src/overlay) does not exist yet" ;;
    fw-est-1k) fw_est_scenario 1000 10000 ;;
    fw-est-100k) fw_est_scenario 100000 10000 ;;
    fw-est-1k-100r) fw_est_scenario 1000 100 ;;
    fw-est-100k-100r) fw_est_scenario 100000 100 ;;
    fw-new) fw_new_scenario 10000 ;;
    *) return 1 ;;
    esac
    SC_TRAFFIC=$TRAFFIC_DIR/udp-f$SC_FLOWS-d$SC_DST_MACS-s$SC_FRAME_SIZE$SC_GEN_ARGS_TAG.pcap
    (( SC_REPLY )) && SC_TRAFFIC_REPLY=${SC_TRAFFIC%.pcap}-reply.pcap
    return 0
}

# ---- fw-*: the stateful firewall (bench/lib/fw.sh)
. "$(dirname "${BASH_SOURCE[0]}")/lib/fw.sh"

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
