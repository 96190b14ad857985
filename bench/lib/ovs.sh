# The peer (sourced by bench/run): Open vSwitch with DPDK (Debian's openvswitch-switch-dpdk),
# started by this script with a private run directory, its ovs-vswitchd inside a private
# network namespace (its bridges' tap devices never touch the host), one PMD thread pinned to
# core 1 and everything else on core 0, ports = the same DPDK virtual devices as the engine's.
# Stopped by PID. Mpps = delta of the sink port's tx packets from `ovs-ofctl dump-ports`.

OVS_VSWITCHD=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
OVS_NS="dse-bench-ovs-$$"
OVS_PORTS=0

ovs_available() { [[ -x $OVS_VSWITCHD ]] && command -v ovs-vsctl >/dev/null; }

ovs_env() { export OVS_RUNDIR=$OVS_RUN OVS_LOGDIR=$OVS_RUN OVS_DBDIR=$OVS_RUN OVS_SYSCONFDIR=$OVS_RUN; }
ovs_vsctl() { ovs_env; ovs-vsctl --timeout=60 --db=unix:"$OVS_RUN/db.sock" "$@"; }
ovs_appctl() { ovs-appctl --timeout=60 -t "$OVS_RUN/ovs-vswitchd.ctl" "$@"; }
ovs_ofctl() { ovs_env; ovs-ofctl "$@"; }

ovs_start() {
    OVS_RUN=$WORK/ovs-run
    rm -rf "$OVS_RUN"; mkdir -p "$OVS_RUN"; ovs_env
    ip netns add "$OVS_NS"
    ip netns exec "$OVS_NS" ip link set lo up
    ovsdb-tool create "$OVS_RUN/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    taskset -c 0 ovsdb-server "$OVS_RUN/conf.db" --remote=punix:"$OVS_RUN/db.sock" \
        --pidfile="$OVS_RUN/ovsdb-server.pid" --detach --log-file="$OVS_RUN/ovsdb-server.log"
    ovs_vsctl --no-wait init
    ovs_vsctl --no-wait set Open_vSwitch . \
        other_config:dpdk-init=true other_config:dpdk-lcore-mask=0x1 \
        other_config:pmd-cpu-mask=0x2 other_config:dpdk-socket-mem="$1" \
        other_config:dpdk-extra="--no-pci --file-prefix=bench-ovs-$$" ${OVS_EXTRA_OTHER_CONFIG:-}
    # the PMD thread pins itself to core 1; the rest stays on core 0
    ip netns exec "$OVS_NS" taskset -c 0 "$OVS_VSWITCHD" unix:"$OVS_RUN/db.sock" \
        --pidfile="$OVS_RUN/ovs-vswitchd.pid" --unixctl="$OVS_RUN/ovs-vswitchd.ctl" \
        --detach --log-file="$OVS_RUN/ovs-vswitchd.log"
    [[ $(ovs_vsctl get Open_vSwitch . dpdk_initialized) == true ]]
}

ovs_stop() {
    local d pid
    [[ -n ${OVS_RUN:-} ]] || return 0
    for d in ovs-vswitchd ovsdb-server; do
        if [[ -f $OVS_RUN/$d.pid ]]; then
            pid=$(cat "$OVS_RUN/$d.pid")
            if kill -0 "$pid" 2>/dev/null; then
                kill "$pid"
                for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
                kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
            fi
            rm -f "$OVS_RUN/$d.pid"
        fi
    done
    ip netns del "$OVS_NS" 2>/dev/null || true
    rm -f /dev/hugepages/bench-ovs-$$*
}

# helpers for the scenarios' OVS setup functions
ovs_netdev_bridge() { ovs_vsctl add-br "$1" -- set bridge "$1" datapath_type=netdev "${@:2}"; }
ovs_pcap_port() {   # BRIDGE NAME OFPORT PCAP
    OVS_PORTS=$((OVS_PORTS + 1))
    ovs_vsctl add-port "$1" "$2" -- set Interface "$2" type=dpdk ofport_request="$3" \
        options:dpdk-devargs="net_pcap_$2_$$_$OVS_PORTS,rx_pcap=$4,infinite_rx=1"
}
ovs_null_port() {   # BRIDGE NAME OFPORT
    OVS_PORTS=$((OVS_PORTS + 1))
    ovs_vsctl add-port "$1" "$2" -- set Interface "$2" type=dpdk ofport_request="$3" \
        options:dpdk-devargs="net_null_$2_$$_$OVS_PORTS,no-rx=1"
}

# the transmitted packets of OVS_OUT_PORTS (default OVS_OUT_PORT), summed
ovs_sink_tx_packets() {
    local p
    for p in ${OVS_OUT_PORTS:-$OVS_OUT_PORT}; do
        ovs_ofctl dump-ports "$OVS_OUT_BRIDGE" "$p" |
            awk '/tx pkts/ {sub("pkts=", "", $2); sub(",", "", $2); print $2}'
    done | awk '{s += $1} END {print s}'
}

# measure_ovs: sets OVS_MPPS OVS_READINGS OVS_NOTE. The scenario's SC_OVS_SETUP_FN builds
# the bridges and sets OVS_OUT_BRIDGE / OVS_OUT_PORT.
measure_ovs() {
    OVS_MPPS="" OVS_READINGS="" OVS_NOTE="" OVS_OUT_PORTS=""
    ovs_available || { OVS_NOTE="openvswitch-switch-dpdk not installed"; return 0; }
    [[ -z $SC_OVS_UNAVAILABLE ]] || { OVS_NOTE=$SC_OVS_UNAVAILABLE; return 0; }
    if ! ovs_start "$SC_OVS_MEMORY" >"$WORK/ovs-$SCENARIO.log" 2>&1; then
        OVS_NOTE="OVS-DPDK did not start (see $WORK/ovs-$SCENARIO.log, $OVS_RUN)"
        ovs_stop; return 0
    fi
    if ! "$SC_OVS_SETUP_FN" >>"$WORK/ovs-$SCENARIO.log" 2>&1; then
        OVS_NOTE="OVS-DPDK setup failed (see $WORK/ovs-$SCENARIO.log, $OVS_RUN/ovs-vswitchd.log)"
        ovs_stop; return 0
    fi
    sleep "$OVS_WARMUP_S"       # upcalls, megaflows, MAC learning
    ovs_appctl dpif-netdev/pmd-stats-clear >/dev/null 2>&1 || true
    MEASURED_PIDS="$(cat "$OVS_RUN/ovs-vswitchd.pid" "$OVS_RUN/ovsdb-server.pid" 2>/dev/null)"
    if [[ $SC_MEASURE == ct-new ]]; then
        if ovs_ct_new_readings "$READINGS_N"; then
            OVS_MPPS=$MEDIAN_MPPS OVS_READINGS=$READINGS
        else
            OVS_NOTE="OVS connection set-up readings failed (see $WORK/ovs-$SCENARIO.log)"
        fi
    elif take_readings ovs_sink_tx_packets "$READINGS_N" "$SECONDS_PER_READING"; then
        OVS_MPPS=$MEDIAN_MPPS OVS_READINGS=$READINGS
    else
        OVS_NOTE="OVS readings failed (see $OVS_RUN)"
    fi
    { echo "--- pmd-stats-show"; ovs_appctl dpif-netdev/pmd-stats-show
      echo "--- datapath flows: $(ovs_appctl dpctl/dump-flows | wc -l)"
      ovs_ofctl dump-ports "$OVS_OUT_BRIDGE"; } >>"$WORK/ovs-$SCENARIO.log" 2>&1 || true
    # a port whose device could not be set up shows an error here
    if [[ -z $OVS_NOTE ]] && ovs_vsctl --columns=name,error find Interface 'error!=[]' | grep -q error; then
        OVS_NOTE="OVS port error: $(ovs_vsctl --bare --columns=error find Interface 'error!=[]' | head -1)"
    fi
    ovs_stop
}
