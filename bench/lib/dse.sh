# The engine under test (sourced by bench/run): starts dsed with the scenario's config on
# hugepages (worker lcore 1, control lcore 0), reads the sink port's tx_packets through dsectl
# over each reading, then the engine's own latency figures, its TSC rate and its memory.

DSE_PID="" DSE_SOCK="" DSE_LOG=""

dse_available() { [[ -x $DSED && -x $DSECTL ]]; }

dsectl_run() { "$DSECTL" --socket "$DSE_SOCK" "$@"; }

# the transmitted packets of the scenario's output ports (SC_DSE_TX_PORTS), summed
dse_sink_tx_packets() {
    dsectl_run --json show ports >"$WORK/dse-ports.json" 2>>"$DSE_LOG" || return 1
    json_get "$WORK/dse-ports.json" \
        "sum(p['tx_packets'] for p in (d['ports'] if isinstance(d, dict) else d) if p['name'] in '${SC_DSE_TX_PORTS:-sink}'.split())"
}

dse_stop() {
    stop_pid "$DSE_PID"
    DSE_PID=""
    rm -f /dev/hugepages/bench-dse-$$*
    [[ -n $DSE_SOCK ]] && rm -f "$DSE_SOCK"
}

# dse_memory_mb PID: resident memory plus mapped hugepages, in MB
dse_memory_mb() {
    local rss huge
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null)
    huge=$(awk '/_Hugetlb:/ {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup" 2>/dev/null)
    [[ -n $rss ]] || return 1
    echo $(( (rss + huge) / 1024 ))
}

# tsc_hz: the engine's own figure, else the kernel's calibration, else /proc/cpuinfo
tsc_hz_fallback() {
    local mhz
    mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -1)
    [[ -n $mhz ]] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -1)
    [[ -n $mhz ]] || mhz=$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo)
    $PY -c "print(int(float('$mhz') * 1e6))"
}

# measure_dse: sets DSE_MPPS DSE_READINGS DSE_CYCLES DSE_P50 DSE_P99 DSE_P999 DSE_MEM DSE_NOTE
measure_dse() {
    DSE_MPPS="" DSE_READINGS="" DSE_CYCLES="" DSE_P50="" DSE_P99="" DSE_P999="" DSE_MEM=""
    DSE_NOTE="" DSE_SEGMENT_MACS="" DSE_FW_NOTE=""
    dse_available || { DSE_NOTE="engine not built ($DSED)"; return 0; }
    local config=$WORK/dse-$SCENARIO.yaml i
    DSE_SOCK=$WORK/dse-$SCENARIO.sock DSE_LOG=$WORK/dse-$SCENARIO.log
    "$SC_DSE_CONFIG_FN" >"$config"
    "$DSED" --config "$config" --socket "$DSE_SOCK" --file-prefix "bench-dse-$$" \
        --lcores 0@0,1@1 --memory "$SC_DSE_MEMORY" \
        $( ((SC_DSE_MBUFS)) && echo "--mbufs $SC_DSE_MBUFS") >"$DSE_LOG" 2>&1 &
    DSE_PID=$!
    for i in $(seq 240); do
        kill -0 "$DSE_PID" 2>/dev/null || break
        dse_sink_tx_packets >/dev/null 2>&1 && break
        sleep 0.5
    done
    if ! kill -0 "$DSE_PID" 2>/dev/null || ! dse_sink_tx_packets >/dev/null 2>&1; then
        DSE_NOTE="dsed did not come up (see $DSE_LOG)"; dse_stop; return 0
    fi
    sleep "$WARMUP_S"
    dsectl_run stats clear >>"$DSE_LOG" 2>&1 || log "dsectl stats clear failed"
    MEASURED_PIDS=$DSE_PID
    if [[ $SC_MEASURE == ct-new ]]; then
        # new connections/s: passes of the file into an empty table (bench/lib/fw.sh)
        if dse_ct_new_readings "$READINGS_N"; then
            DSE_MPPS=$MEDIAN_MPPS DSE_READINGS=$READINGS
        else
            DSE_NOTE="dsed connection set-up readings failed (see $DSE_LOG)"
        fi
    elif take_readings dse_sink_tx_packets "$READINGS_N" "$SECONDS_PER_READING"; then
        DSE_MPPS=$MEDIAN_MPPS DSE_READINGS=$READINGS
    else
        DSE_NOTE="dsed readings failed (see $DSE_LOG)"
    fi
    DSE_FW_NOTE=""
    (( SC_FW_RULES )) && DSE_FW_NOTE=$(fw_conntrack_note)
    local stats=$WORK/dse-$SCENARIO-stats.json engine=$WORK/dse-$SCENARIO-engine.json hz=""
    if dsectl_run --json show stats >"$stats" 2>>"$DSE_LOG"; then
        DSE_P50=$(json_get "$stats" "find(d, 'latency')['p50_us']")
        DSE_P99=$(json_get "$stats" "find(d, 'latency')['p99_us']")
        DSE_P999=$(json_get "$stats" "find(d, 'latency')['p999_us']")
        # why packets did not reach the sink, for the person reading the log
        json_get "$stats" "'\n'.join('drop %s/%s: %s' % (x['node'], x['reason'], x['packets']) for x in find(d, 'drops') if x['packets'])" >>"$DSE_LOG"
    fi
    # learning really happened: the segment holds the static plus the learned MACs
    DSE_SEGMENT_MACS=""
    if dsectl_run --json show segments >"$WORK/dse-segments.json" 2>>"$DSE_LOG"; then
        DSE_SEGMENT_MACS=$(json_get "$WORK/dse-segments.json" "find(d, 'macs')")
    fi
    if dsectl_run --json show engine >"$engine" 2>>"$DSE_LOG"; then
        hz=$(json_get "$engine" "find(d, 'tsc_hz')")
    fi
    [[ -n $hz ]] || hz=$(tsc_hz_fallback)
    TSC_HZ=$hz
    if [[ -n $DSE_MPPS ]] && $PY -c "import sys; sys.exit(not float('$DSE_MPPS') > 0)"; then
        DSE_CYCLES=$($PY -c "print('%.1f' % ($hz / ($DSE_MPPS * 1e6)))")
    fi
    DSE_MEM=$(dse_memory_mb "$DSE_PID") || DSE_MEM=""
    dse_stop
}
