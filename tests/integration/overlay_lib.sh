# Helpers of the overlay tests (sourced after lib.sh): several hosts, each one dsed whose uplink
# is a veth into a shared underlay bridge namespace, and kernel tunnel peers. Host H's engine
# answers on $TMP_DIR/H.sock with file prefix dse-it-H-<run id>; its PID is in HOST_PID[H].
# Addresses: underlay 198.19.0.0/24, workloads 198.18.x.y.

declare -A HOST_PID HOST_SOCK HOST_LOG
UNDERLAY_NS=$(ns_name ul)

# underlay_setup: the underlay namespace with bridge br0.
underlay_setup()
{
	ns_add "$UNDERLAY_NS"
	ip -n "$UNDERLAY_NS" link add br0 type bridge || die "cannot create the underlay bridge"
	ip -n "$UNDERLAY_NS" link set br0 up
}

# underlay_port IFHOST IFUL: a veth whose IFHOST end stays in the root namespace (an engine's
# uplink) and whose IFUL end is a port of the underlay bridge.
underlay_port()
{
	local ifhost=$1 iful=$2
	ip link add "$ifhost" type veth peer name "$iful" || die "cannot create veth $ifhost"
	CLEAN_LINKS+=("$ifhost")
	sysctl -qw "net.ipv6.conf.$ifhost.disable_ipv6=1" >/dev/null
	ethtool -K "$ifhost" tx off tso off gso off gro off >/dev/null 2>&1
	ethtool -K "$iful" tx off tso off gso off gro off >/dev/null 2>&1
	ip link set "$ifhost" up
	ip link set "$iful" netns "$UNDERLAY_NS" || die "cannot move $iful"
	ip -n "$UNDERLAY_NS" link set "$iful" master br0 up
}

# start_host H CONFIG: starts host H's engine and waits until it answers. (Engines in one
# namespace never share a fanout group: the af_packet driver asks the kernel for a unique id.)
start_host()
{
	local h=$1 config=$2 i
	HOST_SOCK[$h]=$TMP_DIR/$h.sock
	HOST_LOG[$h]=$TMP_DIR/$h.log
	"$DSED" --config "$config" --socket "${HOST_SOCK[$h]}" \
		--file-prefix "dse-it-$h-$RUN_ID" --no-huge --memory 256 --mbufs 8192 \
		>"${HOST_LOG[$h]}" 2>&1 &
	HOST_PID[$h]=$!
	track_pid "${HOST_PID[$h]}"
	for i in $(seq 150); do
		if ! kill -0 "${HOST_PID[$h]}" 2>/dev/null; then
			die "dsed of $h exited: $(tail -n 15 "${HOST_LOG[$h]}" | tr '\n' '|')"
		fi
		if "$DSECTL" --socket "${HOST_SOCK[$h]}" show engine >/dev/null 2>&1; then
			track_dsed "${HOST_PID[$h]}" "${HOST_LOG[$h]}"
			return 0
		fi
		sleep 0.2
	done
	die "dsed of $h not ready after 30 s"
}

# hctl H ARGS...: dsectl --json against host H.
hctl()
{
	local h=$1
	shift
	"$DSECTL" --socket "${HOST_SOCK[$h]}" --json "$@"
}

# drop_count H REASON: packets host H dropped for REASON.
drop_count()
{
	hctl "$1" call stats.show | json_get "next(x['packets'] for x in d['drops'] if x['reason'] == '$2')"
}

# host_alive H: host H's engine still runs.
check_host_alive()
{
	if kill -0 "${HOST_PID[$1]}" 2>/dev/null; then
		pass "dsed of $1 still running"
	else
		fail "dsed of $1 still running" "exited: $(tail -n 15 "${HOST_LOG[$1]}" | tr '\n' '|')"
	fi
}
