/*
 * Why the switch drops a packet: its rows of the engine's drop table (core/drop.h), declared
 * once here and collected by the build in the order of the service list.
 */
#ifndef DSE_SWITCH_DROPS_H
#define DSE_SWITCH_DROPS_H

/* X(enum suffix, node, reason name, what it means) */
#define DSE_DROPS_SWITCH(X)                                                                        \
	X(BAD_SOURCE_MAC, "dse-switch", "bad-source-mac", "source MAC is multicast or zero")       \
	X(SAME_PORT, "dse-switch", "same-port", "destination MAC is behind the input port")        \
	X(FLOOD_EMPTY, "dse-switch", "flood-no-ports", "no other port on the segment to flood to") \
	X(MTU, "dse-switch", "mtu-exceeded", "frame larger than the output port's MTU")            \
	X(NO_MBUF, "dse-switch", "no-mbuf", "no buffer to copy a flooded frame")                   \
	X(VLAN_NO_ROOM, "dse-switch", "vlan-no-headroom", "no headroom to push a VLAN tag")        \
	X(SPLIT_HORIZON, "dse-switch", "overlay-split-horizon",                                    \
	  "frame from a remote TEP for a workload behind a remote TEP")

#endif
