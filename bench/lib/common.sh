# Shared helpers of bench/run (sourced): logging, waiting for a quiet machine, taking readings
# of a packet counter and their median, hugepages, and small JSON queries.

PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] error: $*" >&2; exit 1; }

# busy % of a /proc/stat cpu line pair (user..steal; idle = idle + iowait)
cpu_busy_pct() {
    $PY - "$1" "$2" <<'PYEOF'
import sys
a = [int(x) for x in sys.argv[1].split()[1:9]]; b = [int(x) for x in sys.argv[2].split()[1:9]]
d = [y - x for x, y in zip(a, b)]
tot = sum(d); idle = d[3] + d[4]
print("%.0f" % (100.0 * (tot - idle) / tot if tot else 0))
PYEOF
}

# wait_quiet MAX_S: wait until both cores are > 90 % idle over 2 s (others compile on this
# machine), at most MAX_S seconds; then measure anyway and say so. Sets QUIET_NOTE.
QUIET_NOTE="not checked"
wait_quiet() {
    local max=${1:-600} t=0 a b busy
    while :; do
        a=$(grep '^cpu ' /proc/stat); sleep 2; b=$(grep '^cpu ' /proc/stat)
        busy=$(cpu_busy_pct "$a" "$b")
        if (( busy < 10 )); then QUIET_NOTE="machine ${busy}% busy before"; return 0; fi
        t=$((t + 2))
        if (( t >= max )); then
            log "WARNING: machine still ${busy}% busy after ${max}s; measuring anyway"
            QUIET_NOTE="machine ${busy}% busy before (not quiet)"; return 0
        fi
        (( t % 30 == 0 )) && log "waiting for a quiet machine: ${busy}% busy"
    done
}

# take_readings COUNTER_FN N SECONDS: samples the packet counter printed by COUNTER_FN
# N+1 times, SECONDS apart, and sets READINGS (Mpps of each interval, from the measured
# time), MEDIAN_MPPS (empty when a sample failed) and CPU0_BUSY (% busy of core 0 meanwhile).
take_readings() {
    local fn=$1 n=$2 s=$3 k t c times="" counts="" cpu0_start
    READINGS=""; MEDIAN_MPPS=""; CPU0_BUSY=""
    cpu0_start=$(grep '^cpu0 ' /proc/stat)
    for ((k = 0; k <= n; k++)); do
        t=$(date +%s.%N); c=$($fn) || return 1
        [[ $c =~ ^[0-9]+$ ]] || { log "counter read failed: '$c'"; return 1; }
        times="$times $t"; counts="$counts $c"
        (( k < n )) && sleep "$s"
    done
    # core 0 should idle while core 1 forwards: anything else there disturbs the readings
    CPU0_BUSY=$(cpu_busy_pct "$cpu0_start" "$(grep '^cpu0 ' /proc/stat)")
    read -r READINGS MEDIAN_MPPS < <($PY - "$times" "$counts" <<'PYEOF'
import statistics, sys
t = [float(x) for x in sys.argv[1].split()]; c = [int(x) for x in sys.argv[2].split()]
r = [(c[k + 1] - c[k]) / (t[k + 1] - t[k]) / 1e6 for k in range(len(t) - 1)]
print(",".join("%.3f" % x for x in r), "%.3f" % statistics.median(r))
PYEOF
)
}

# ensure_hugepages PAGES: at least PAGES 2 MiB pages reserved, hugetlbfs at /dev/hugepages.
ensure_hugepages() {
    local want=$1 have
    have=$(cat /proc/sys/vm/nr_hugepages)
    if (( have < want )); then
        echo "$want" >/proc/sys/vm/nr_hugepages
        have=$(cat /proc/sys/vm/nr_hugepages)
        (( have >= want )) || log "WARNING: only $have of $want hugepages could be reserved"
    fi
    mkdir -p /dev/hugepages
    mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
}

# json_get FILE EXPR: prints a Python expression evaluated on the JSON document in FILE
# (bound to d); find(d, key) finds the first value of key anywhere in it. Empty on failure.
json_get() {
    $PY - "$1" "$2" <<'PYEOF' 2>/dev/null
import json, sys
def find(o, key):
    if isinstance(o, dict):
        if key in o:
            return o[key]
        o = list(o.values())
    if isinstance(o, list):
        for v in o:
            r = find(v, key)
            if r is not None:
                return r
    return None
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
if v is not None:
    print(v)
PYEOF
}

# stop_pid PID: SIGTERM, up to 10 s, then SIGKILL; only the process we started.
stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
