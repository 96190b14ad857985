# Results of bench/run (sourced): one JSON object per scenario collected in ROWS_FILE, then
# the table on stdout, bench/results/<date>.json and the gnuplot charts.

# record_row: appends the current scenario's figures (from the measure_* globals) to ROWS_FILE
record_row() {
    SCENARIO=$SCENARIO DSE_MPPS=${DSE_MPPS:-} TP_MPPS=${TP_MPPS:-} OVS_MPPS=${OVS_MPPS:-} \
    DSE_CYCLES=${DSE_CYCLES:-} DSE_P50=${DSE_P50:-} DSE_P99=${DSE_P99:-} DSE_P999=${DSE_P999:-} \
    DSE_MEM=${DSE_MEM:-} CONDITIONS=$1 FLOWS=${SC_FLOWS:-} \
    $PY - >>"$ROWS_FILE" <<'PYEOF'
import json, os
def num(k):
    v = os.environ.get(k, "")
    try:
        return float(v) if v not in ("", "nan", "None", "null") else None
    except ValueError:
        return None
row = {"scenario": os.environ["SCENARIO"], "dse_mpps": num("DSE_MPPS"),
       "testpmd_mpps": num("TP_MPPS"), "ovs_mpps": num("OVS_MPPS"),
       "dse_cycles_per_pkt": num("DSE_CYCLES"), "p50_us": num("DSE_P50"),
       "p99_us": num("DSE_P99"), "p999_us": num("DSE_P999"), "dse_mem_mb": num("DSE_MEM"),
       "conditions": os.environ["CONDITIONS"]}
print(json.dumps(row))
PYEOF
}

# print_table: the table, ratios and one note line per scenario
print_table() {
    $PY - "$ROWS_FILE" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def f(v, fmt="%.2f"):
    return "-" if v is None else fmt % v
def ratio(a, b):
    return "-" if a is None or not b else "%.2f" % (a / b)
head = ["scenario", "dse Mpps", "testpmd Mpps", "OVS Mpps", "dse cyc/pkt", "dse/testpmd",
        "dse/OVS", "p50 us", "p99 us", "p99.9 us", "dse MB"]
table = [head]
for r in rows:
    table.append([r["scenario"], f(r["dse_mpps"]), f(r["testpmd_mpps"]), f(r["ovs_mpps"]),
                  f(r["dse_cycles_per_pkt"], "%.0f"), ratio(r["dse_mpps"], r["testpmd_mpps"]),
                  ratio(r["dse_mpps"], r["ovs_mpps"]), f(r["p50_us"]), f(r["p99_us"]),
                  f(r["p999_us"]), f(r["dse_mem_mb"], "%.0f")])
w = [max(len(t[i]) for t in table) for i in range(len(head))]
for k, t in enumerate(table):
    print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(t)))
    if k == 0:
        print("  ".join("-" * x for x in w))
print()
for r in rows:
    print("%s: %s" % (r["scenario"], r["conditions"]))
PYEOF
}

# write_json FILE: the list of rows
write_json() { write_json_rows "$ROWS_FILE" "$1"; }

# write_json_rows ROWS OUT: the JSON lines of ROWS as one list in OUT
write_json_rows() {
    $PY - "$1" "$2" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
with open(sys.argv[2], "w") as out:
    json.dump(rows, out, indent=2)
    out.write("\n")
PYEOF
}

# plot_results PREFIX TITLE: PREFIX.png (Mpps per scenario) and, when the scaling scenarios
# ran, PREFIX-scaling.png (l2 Mpps against flows)
plot_results() {
    local prefix=$1 title=$2 data=$WORK/plot.dat sdata=$WORK/plot-scaling.dat
    command -v gnuplot >/dev/null || { log "gnuplot not installed: no charts"; return 0; }
    $PY - "$ROWS_FILE" "$data" "$sdata" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def v(x):
    return "NaN" if x is None else "%.3f" % x
with open(sys.argv[2], "w") as out:
    for r in rows:
        if r["dse_mpps"] is None and r["testpmd_mpps"] is None and r["ovs_mpps"] is None:
            continue
        out.write('"%s" %s %s %s\n' % (r["scenario"], v(r["dse_mpps"]), v(r["testpmd_mpps"]),
                                       v(r["ovs_mpps"])))
with open(sys.argv[3], "w") as out:
    for r in rows:
        if r["scenario"].startswith("l2-flows-"):
            out.write("%s %s %s %s\n" % (r["scenario"][len("l2-flows-"):], v(r["dse_mpps"]),
                                         v(r["testpmd_mpps"]), v(r["ovs_mpps"])))
PYEOF
    # gnuplot refuses a series without a single point: draw only those that have one
    local series="" col name
    for col in 3:testpmd\ io\ \(I/O\ limit\) 2:dse 4:OVS-DPDK; do
        name=${col#*:}
        if awk -v c="${col%%:*}" '$c != "NaN" {found = 1} END {exit !found}' "$data" 2>/dev/null; then
            series="$series${series:+, }\"$data\" using ${col%%:*}${series:+}$([[ -z $series ]] && echo ':xtic(1)') title \"$name\""
        fi
    done
    if [[ -s $data && -n $series ]]; then
        gnuplot <<GP && log "chart: $prefix.png"
set terminal pngcairo size 1000,600 noenhanced
set output "$prefix.png"
set title "$title"
set ylabel "Mpps (one forwarding core, 64-byte frames)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set key top right
set grid ytics
set yrange [0:*]
plot $series
GP
    fi
    if [[ -s $sdata ]]; then
        gnuplot <<GP && log "chart: $prefix-scaling.png"
set terminal pngcairo size 1000,600 noenhanced
set output "$prefix-scaling.png"
set title "l2: Mpps as flows grow -- $title"
set xlabel "flows (distinct source MACs / 5-tuples)"
set ylabel "Mpps"
set logscale x
set grid
set key top right
set yrange [0:*]
plot "$sdata" using 1:2 with linespoints title "dse", '' using 1:3 with linespoints title "testpmd io (I/O limit)", '' using 1:4 with linespoints title "OVS-DPDK"
GP
    fi
}
