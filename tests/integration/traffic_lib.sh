# Traffic checks between namespace workloads for the integration tests (sourced after lib.sh):
# exact TCP transfers (bytes counted and hashed at the receiver), iperf3 TCP and UDP runs, and
# curl of a file with its sha256 checked. The caller sets NS (workload name -> namespace),
# TCP_BYTES, UDP_LEN, UDP_COUNT, BIG_BYTES, and calls traffic_file before any transfer.

# traffic_file: the 20 MB file the transfers carry ($TMP_DIR/www/big) and its digest (SUM).
traffic_file()
{
	mkdir -p "$TMP_DIR/www"
	head -c $BIG_BYTES /dev/urandom >"$TMP_DIR/www/big"
	SUM=$(sha256sum "$TMP_DIR/www/big" | cut -d' ' -f1)
}

# iperf_run CLIENT SERVER ADDR JSON ARGS...: one iperf3 run from CLIENT's namespace to a
# one-shot server in SERVER's; the client's JSON report goes to JSON. Returns iperf3's status.
iperf_run()
{
	local client=$1 server=$2 addr=$3 json=$4 rc
	shift 4
	ip netns exec "${NS[$server]}" iperf3 -s -1 -B "$addr" >/dev/null 2>&1 &
	local spid=$!
	track_pid $spid
	wait_until 5 tcp_listening "${NS[$server]}" 5201 || {
		echo '{"error": "iperf3 server not listening"}' >"$json"
		stop_pid $spid
		return 1
	}
	nsx "${NS[$client]}" timeout 30 iperf3 -c "$addr" --json "$@" >"$json" 2>&1
	rc=$?
	stop_pid $spid
	return $rc
}

# iperf_tcp LABEL CLIENT SERVER ADDR ARGS...: a TCP stream of TCP_BYTES; passes when iperf3
# completes and sent all of it. (What the receiver counted is not exact: iperf3 stops counting
# when the sender reports the end, with data still in flight; exact delivery is checked by
# tcp_exact and curl.)
iperf_tcp()
{
	local label=$1 client=$2 server=$3 addr=$4 json
	shift 4
	json=$TMP_DIR/iperf-$RANDOM.json
	if ! iperf_run "$client" "$server" "$addr" "$json" -n $TCP_BYTES "$@"; then
		fail "$label" "iperf3: $(json_get "d.get('error', '')" <"$json" 2>/dev/null || tail -c 300 "$json")"
		return
	fi
	local sent gbps
	sent=$(json_get "int(d['end']['sum_sent']['bytes'])" <"$json")
	gbps=$(json_get "round(d['end']['sum_received']['bits_per_second'] / 1e9, 2)" <"$json")
	assert_eq "$label: all $TCP_BYTES bytes sent ($gbps Gbit/s)" $TCP_BYTES "$sent"
}

# udp_in NS: UDP datagrams (IPv4 and IPv6) the stack in namespace NS has received so far.
udp_in()
{
	nsx "$1" awk '/^Udp: / { if (n++) v4 = $2 } /^Udp6InDatagrams/ { v6 = $2 }
		END { print v4 + v6 }' /proc/net/snmp /proc/net/snmp6
}

# iperf_udp LABEL CLIENT SERVER ADDR ARGS...: UDP_COUNT datagrams of UDP_LEN bytes at 20 Mbit/s.
# Exact: the receiving namespace's stack got as many datagrams as the sender sent, and the
# receiver counted none lost (iperf3's own received count leaves out a datagram now and then,
# also over loopback, so it is not used).
iperf_udp()
{
	local label=$1 client=$2 server=$3 addr=$4 json rx before got sent
	shift 4
	rx=$server
	case " $* " in *" -R "*) rx=$client ;; esac
	json=$TMP_DIR/iperf-$RANDOM.json
	before=$(udp_in "${NS[$rx]}")
	if ! iperf_run "$client" "$server" "$addr" "$json" -u -b 20M -l $UDP_LEN -k $UDP_COUNT "$@"; then
		fail "$label" "iperf3: $(json_get "d.get('error', '')" <"$json" 2>/dev/null || tail -c 300 "$json")"
		return
	fi
	sent=$(json_get "d['end']['sum_sent']['packets']" <"$json")
	# In reverse mode (-R) the receiving client's stack also gets the server's reply to its UDP
	# connect datagram (iperf3's handshake), which no sent count includes: one more, always.
	case " $* " in *" -R "*) sent=$((sent + 1)) ;; esac
	got="$(($(udp_in "${NS[$rx]}") - before)) $(json_get "d['end']['sum_received']['lost_packets']" <"$json")"
	assert_eq "$label: datagrams received (of $sent sent), lost" "$sent 0" "$got"
}

# tcp_exact LABEL CLIENT SERVER ADDR: sends the 20 MB file over one TCP connection from CLIENT
# to SERVER; the receiver counts the bytes and hashes them.
tcp_exact()
{
	local label=$1 client=$2 server=$3 addr=$4 out=$TMP_DIR/sink-$RANDOM
	ip netns exec "${NS[$server]}" python3 -c '
import hashlib, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5301))
s.listen(1)
s.settimeout(30)
c, _ = s.accept()
c.settimeout(30)
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    h.update(b)
    n += len(b)
open(sys.argv[2], "w").write("%d %s\n" % (n, h.hexdigest()))
' "$addr" "$out" >/dev/null 2>&1 &
	local spid=$!
	track_pid $spid
	if ! wait_until 5 tcp_listening "${NS[$server]}" 5301; then
		fail "$label" "receiver not listening"
		stop_pid $spid
		return
	fi
	nsx "${NS[$client]}" python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.create_connection((sys.argv[1], 5301), timeout=30)
s.sendall(open(sys.argv[2], "rb").read())
s.close()
' "$addr" "$TMP_DIR/www/big" >/dev/null 2>&1
	wait $spid 2>/dev/null
	assert_eq "$label" "$BIG_BYTES $SUM" "$(cat "$out" 2>/dev/null)"
}

# curl_check LABEL CLIENT SERVER ADDR: fetches the file from an HTTP server in SERVER's namespace
# and compares its sha256.
curl_check()
{
	local label=$1 client=$2 server=$3 addr=$4 url
	ip netns exec "${NS[$server]}" python3 -m http.server 8000 --bind "$addr" \
		--directory "$TMP_DIR/www" >/dev/null 2>&1 &
	local spid=$!
	track_pid $spid
	if ! wait_until 5 tcp_listening "${NS[$server]}" 8000; then
		fail "$label" "http server not listening"
		return
	fi
	case $addr in *:*) url="http://[$addr]:8000/big" ;; *) url="http://$addr:8000/big" ;; esac
	local got
	got=$(nsx "${NS[$client]}" timeout 30 curl -sf "$url" | sha256sum | cut -d' ' -f1)
	assert_eq "$label" "$SUM" "$got"
	stop_pid $spid
}

