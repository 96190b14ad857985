# The I/O limit (sourced by bench/run): dpdk-testpmd io forwarding on one forwarding core
# (lcore 1; lcore 0 runs the interactive control), from the scenario's pcap (net_pcap
# infinite_rx) into net_null no-rx. io forwarding touches no header: the cost of the
# virtual devices alone. Driven through a FIFO; Mpps = delta of the sink's TX-packets.

TP_PID="" TP_FIFO="" TP_LOG=""

testpmd_stop() {
    if [[ -n $TP_PID ]] && kill -0 "$TP_PID" 2>/dev/null; then
        { echo "stop"; echo "quit"; } >&7 2>/dev/null || true
        for _ in $(seq 25); do kill -0 "$TP_PID" 2>/dev/null || break; sleep 0.2; done
        stop_pid "$TP_PID"
    fi
    exec 7>&-
    TP_PID=""
    [[ -n $TP_FIFO ]] && rm -f "$TP_FIFO"
    rm -f /dev/hugepages/bench-tp-$$-*
}

# prints the sink port's TX-packets (two-way scenarios: both ports' summed): asks testpmd,
# then reads its answer from the log
TP_TX_PORTS=1
testpmd_tx_packets() {
    local before n p want
    before=$(grep -c "TX-packets" "$TP_LOG" || true)
    want=0
    for p in $TP_TX_PORTS; do echo "show port stats $p" >&7; want=$((want + 1)); done
    for _ in $(seq 100); do
        n=$(grep -c "TX-packets" "$TP_LOG" || true)
        if (( n >= before + want )); then
            grep "TX-packets" "$TP_LOG" | tail -"$want" | awk '{s += $2} END {print s}'
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# measure_testpmd: sets TP_MPPS and TP_READINGS (empty on failure, with TP_NOTE saying why)
measure_testpmd() {
    local packets=$1 mbufs mbuf_size mem
    TP_MPPS="" TP_READINGS="" TP_NOTE=""
    command -v dpdk-testpmd >/dev/null || { TP_NOTE="dpdk-testpmd not installed"; return 0; }
    # net_pcap infinite_rx copies the whole file into mbufs first: the pool holds it all.
    local vdevs=(--vdev "net_pcap0,rx_pcap=$SC_TRAFFIC,infinite_rx=1" --vdev "net_null1,no-rx=1")
    TP_TX_PORTS=1
    if [[ -n ${SC_TRAFFIC_REPLY:-} ]]; then
        # two-way: each port replays one direction and transmits the other's (io forwarding
        # pairs port 0 with port 1)
        vdevs=(--vdev "net_pcap0,rx_pcap=$SC_TRAFFIC,infinite_rx=1"
               --vdev "net_pcap1,rx_pcap=$SC_TRAFFIC_REPLY,infinite_rx=1")
        TP_TX_PORTS="0 1" packets=$((2 * packets))
    fi
    mbufs=$((packets + 32768)); mbuf_size=2176
    mem=$(( (mbufs * (mbuf_size + 256) / 1048576) + 256 ))
    TP_LOG=$WORK/testpmd-$SCENARIO.log TP_FIFO=$WORK/testpmd-$SCENARIO.fifo
    rm -f "$TP_FIFO"; mkfifo "$TP_FIFO"
    stdbuf -oL dpdk-testpmd -l 0,1 --main-lcore 0 --no-pci --file-prefix "bench-tp-$$" \
        --socket-mem "$mem" --huge-unlink \
        "${vdevs[@]}" -- -i \
        --nb-cores=1 --forward-mode=io --rxq=1 --txq=1 --burst=32 \
        --total-num-mbufs="$mbufs" --mbuf-size="$mbuf_size" <"$TP_FIFO" >"$TP_LOG" 2>&1 &
    TP_PID=$!
    exec 7>"$TP_FIFO"
    local i
    for i in $(seq 120); do
        grep -q "testpmd> " "$TP_LOG" 2>/dev/null && break
        kill -0 "$TP_PID" 2>/dev/null || break
        sleep 0.5
    done
    if ! grep -q "testpmd> " "$TP_LOG"; then
        TP_NOTE="testpmd did not start (see $TP_LOG)"; testpmd_stop; return 0
    fi
    echo "start" >&7
    sleep "$WARMUP_S"
    MEASURED_PIDS=$TP_PID
    if take_readings testpmd_tx_packets "$READINGS_N" "$SECONDS_PER_READING"; then
        TP_MPPS=$MEDIAN_MPPS TP_READINGS=$READINGS
    else
        TP_NOTE="testpmd readings failed (see $TP_LOG)"
    fi
    testpmd_stop
}
