#!/bin/bash
# test_offloads.sh with its third workload on af_xdp: partial checksums arrive unmarked through
# the XDP socket (the veth peer keeps tx checksumming; attaching XDP turns its GSO off) and are
# recognised by dse-classify; GSO frames for it are cut and checksums completed by the engine.
# Known issue (docs/offloads.md): TCP into an af_xdp port from a workload with default offloads
# stalls in some runs, with no drop counted. Until it is found, this test runs only when asked
# (DSE_KNOWN_ISSUES=1); otherwise it says so and why.
if [ "${DSE_KNOWN_ISSUES:-0}" != 1 ]; then
	echo "SKIP test_offloads_af_xdp: TCP into an af_xdp port at default offloads stalls in some" \
		"runs (docs/offloads.md, known issue); DSE_KNOWN_ISSUES=1 runs it"
	exit 0
fi
OFFL_THIRD=af_xdp
. "$(dirname "$0")/test_offloads.sh"
