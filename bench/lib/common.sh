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

# other_jiffies: CPU time (clock ticks) used so far by everything on the machine except the
# processes in MEASURED_PIDS (the system being measured)
other_jiffies() {
    local busy ours=0 pid t
    busy=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)
    for pid in $MEASURED_PIDS; do
        t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) && ours=$((ours + t))
    done
    echo $((busy - ours))
}

# take_readings COUNTER_FN N SECONDS: reads the packet counter printed by COUNTER_FN every
# SECONDS and keeps the interval as a reading (Mpps, from the measured time) when the rest of
# the machine used less than OTHERS_MAX_PCT of a core meanwhile (others build and test on
# this machine); up to 3 N intervals. Sets READINGS, MEDIAN_MPPS (the median of the kept
# readings; of all when none was kept; empty when the counter could not be read) and
# READINGS_NOTE (how many were set aside).
OTHERS_MAX_PCT=${OTHERS_MAX_PCT:-20}
take_readings() {
    local fn=$1 n=$2 s=$3 tick t0 c0 o0 t1 c1 o1 kept="" all="" rejected=0 attempts=0 r pct
    tick=$(getconf CLK_TCK)
    READINGS=""; MEDIAN_MPPS=""; READINGS_NOTE=""
    t0=$(date +%s.%N); c0=$($fn) || return 1; o0=$(other_jiffies)
    while (( $(wc -w <<<"$kept") < n && attempts < 3 * n )); do
        sleep "$s"
        t1=$(date +%s.%N); c1=$($fn) || return 1; o1=$(other_jiffies)
        [[ $c0 =~ ^[0-9]+$ && $c1 =~ ^[0-9]+$ ]] || { log "counter read failed: '$c1'"; return 1; }
        read -r r pct < <($PY -c "print('%.3f' % (($c1 - $c0) / ($t1 - $t0) / 1e6), '%.0f' % (100.0 * ($o1 - $o0) / $tick / ($t1 - $t0)))")
        all="$all $r"
        if (( pct < OTHERS_MAX_PCT )) || (( SMOKE )); then
            kept="$kept $r"
        else
            rejected=$((rejected + 1))
        fi
        attempts=$((attempts + 1))
        t0=$t1 c0=$c1 o0=$o1
    done
    local use=$kept
    if [[ -z $kept ]]; then
        use=$all
        READINGS_NOTE="all $attempts readings taken while other processes used >= ${OTHERS_MAX_PCT}% of a core"
    elif (( rejected )); then
        READINGS_NOTE="$rejected readings set aside (other processes used >= ${OTHERS_MAX_PCT}% of a core)"
    fi
    (( $(wc -w <<<"$use") < n )) && READINGS_NOTE="${READINGS_NOTE:+$READINGS_NOTE; }only $(wc -w <<<"$use") of $n readings"
    read -r READINGS MEDIAN_MPPS < <($PY -c "
import statistics
r = [float(x) for x in '$use'.split()]
print(','.join('%.3f' % x for x in r), '%.3f' % statistics.median(r))")
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
