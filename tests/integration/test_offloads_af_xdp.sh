#!/bin/bash
# test_offloads.sh with its third workload on af_xdp: partial checksums arrive unmarked through
# the XDP socket (the veth peer keeps tx checksumming; attaching XDP turns its GSO off) and are
# recognised by dse-classify; GSO frames for it are cut and checksums completed by the engine.
OFFL_THIRD=af_xdp
. "$(dirname "$0")/test_offloads.sh"
