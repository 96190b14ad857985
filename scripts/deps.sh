#!/bin/bash
# Installs what dse needs to build and to run its tests, from Debian's archive. Safe to run
# again: it only calls apt-get when a package is missing. Needs root.
set -euo pipefail

PACKAGES=(
	# build
	gcc clang meson ninja-build pkg-config libdpdk-dev dpdk libjansson-dev libyaml-dev
	libcmocka-dev libpcap-dev
	# sanitizers and fuzzing (clang's runtime)
	libclang-rt-14-dev
	# test peers
	iproute2 iperf3 tcpdump tshark python3 python3-scapy netcat-openbsd ethtool procps
	util-linux kmod iputils-ping
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
