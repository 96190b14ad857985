# Traffic checks between namespace workloads for the integration tests (sourced after lib.sh):
# exact TCP transfers (bytes counted and hashed at the receiver), iperf3 TCP runs, numbered UDP
# datagrams counted at the receiver, and
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
	# iperf3 -n stops once it has written at least that much, in 128 KiB writes: at most one
	# write past it.
	local over=$((sent - TCP_BYTES))
	if [ "$over" -ge 0 ] && [ "$over" -le 131072 ]; then
		pass "$label: all $TCP_BYTES bytes sent ($gbps Gbit/s)"
	else
		fail "$label: all $TCP_BYTES bytes sent" "iperf3 sent $sent"
	fi
}

# udp_exact LABEL CLIENT SERVER ADDR [-R]: UDP_COUNT datagrams of UDP_LEN bytes, each numbered,
# paced at about 20 Mbit/s, from CLIENT to SERVER (bound to ADDR), or with -R from SERVER back to
# CLIENT (which first sends SERVER one unnumbered datagram to learn where to send). Exact: the
# receiver got every number once, none twice.
udp_exact()
{
	local label=$1 client=$2 server=$3 addr=$4 out=$TMP_DIR/udp-$RANDOM sender receiver
	local reverse=0
	[ "${5:-}" = -R ] && reverse=1
	# The side bound to ADDR: receives the data, or (-R) waits for the hello and sends.
	ip netns exec "${NS[$server]}" python3 -c '
import socket, struct, sys, time
addr, out, count, size, reverse = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((addr, 5302))
s.settimeout(15)
def receive(sock):
    seen, dups = set(), 0
    sock.settimeout(15)
    while len(seen) < count:
        try:
            b = sock.recv(65536)
        except socket.timeout:
            break
        if len(b) < 4:
            continue
        n = struct.unpack("!I", b[:4])[0]
        if n in seen:
            dups += 1
        seen.add(n)
        sock.settimeout(2)
    open(out, "w").write("%d %d\n" % (len(seen), dups))
if reverse:
    _, peer = s.recvfrom(64)
    pad = bytes(size - 4)
    for i in range(count):
        s.sendto(struct.pack("!I", i) + pad, peer)
        if i % 10 == 9:
            time.sleep(0.005)
else:
    receive(s)
' "$addr" "$out" "$UDP_COUNT" "$UDP_LEN" "$reverse" >/dev/null 2>&1 &
	local spid=$!
	track_pid $spid
	if ! wait_until 5 udp_bound "${NS[$server]}" 5302; then
		fail "$label" "UDP peer not bound"
		stop_pid $spid
		return
	fi
	nsx "${NS[$client]}" timeout 30 python3 -c '
import socket, struct, sys, time
addr, out, count, size, reverse = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.connect((addr, 5302))
if reverse:
    s.send(b"go")
    seen, dups = set(), 0
    s.settimeout(15)
    while len(seen) < count:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        n = struct.unpack("!I", b[:4])[0]
        if n in seen:
            dups += 1
        seen.add(n)
        s.settimeout(2)
    open(out, "w").write("%d %d\n" % (len(seen), dups))
else:
    pad = bytes(size - 4)
    for i in range(count):
        s.send(struct.pack("!I", i) + pad)
        if i % 10 == 9:
            time.sleep(0.005)
' "$addr" "$out" "$UDP_COUNT" "$UDP_LEN" "$reverse" >/dev/null 2>&1
	wait $spid 2>/dev/null
	assert_eq "$label: datagrams received once each, duplicates" "$UDP_COUNT 0" \
		"$(cat "$out" 2>/dev/null)"
}

# udp_bound NS PORT: true when a UDP socket in namespace NS is bound to PORT.
udp_bound()
{
	nsx "$1" ss -Hlun "sport = :$2" | grep -q .
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

