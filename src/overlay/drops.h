/*
 * Why the overlay drops a packet: its rows of the engine's drop table (core/drop.h), declared
 * once here and collected by the build in the order of the service list.
 */
#ifndef DSE_OVERLAY_DROPS_H
#define DSE_OVERLAY_DROPS_H

/* X(enum suffix, node, reason name, what it means) */
#define DSE_DROPS_OVERLAY(X)                                                                       \
	X(OVL_NOT_FOR_TEP, "dse-overlay-input", "overlay-not-for-tep",                             \
	  "frame on the uplink that is not for this host's TEP")                                   \
	X(OVL_NOT_TUNNEL, "dse-overlay-input", "overlay-not-tunnel",                               \
	  "IPv4 to the TEP that is neither Geneve, VXLAN nor an ICMP echo request")                \
	X(OVL_OWN_SOURCE, "dse-overlay-input", "overlay-own-source",                               \
	  "tunnel packet claiming this host's TEP as its source")                                  \
	X(OVL_FRAGMENT, "dse-overlay-input", "overlay-fragment", "fragmented tunnel packet")       \
	X(OVL_BAD_UDP_LENGTH, "dse-overlay-input", "overlay-bad-udp-length",                       \
	  "UDP length inconsistent with the IPv4 packet")                                          \
	X(OVL_BAD_UDP_CHECKSUM, "dse-overlay-input", "overlay-bad-udp-checksum",                   \
	  "non-zero UDP checksum of a tunnel packet is wrong")                                     \
	X(GENEVE_TRUNCATED, "dse-overlay-input", "geneve-truncated",                               \
	  "Geneve header or its options cut short")                                                \
	X(GENEVE_VERSION, "dse-overlay-input", "geneve-bad-version", "Geneve version is not 0")    \
	X(GENEVE_OPTIONS, "dse-overlay-input", "geneve-bad-option-length",                         \
	  "a Geneve option runs past the options area")                                            \
	X(GENEVE_CRITICAL, "dse-overlay-input", "geneve-unknown-critical-option",                  \
	  "a Geneve option this host does not understand is marked critical")                      \
	X(GENEVE_OAM, "dse-overlay-input", "geneve-oam", "Geneve control (OAM) packet")            \
	X(GENEVE_PROTOCOL, "dse-overlay-input", "geneve-not-ethernet",                             \
	  "Geneve payload is not an Ethernet frame")                                               \
	X(VXLAN_TRUNCATED, "dse-overlay-input", "vxlan-truncated", "VXLAN header cut short")       \
	X(VXLAN_FLAGS, "dse-overlay-input", "vxlan-no-vni-flag", "VXLAN I flag clear")             \
	X(OVL_UNKNOWN_VNI, "dse-overlay-input", "overlay-unknown-vni",                             \
	  "VNI of no segment on this host")                                                        \
	X(OVL_INNER_BAD, "dse-overlay-input", "overlay-inner-malformed",                           \
	  "inner frame malformed, tagged, or from a multicast source")                             \
	X(OVL_TEP_FULL, "dse-overlay-input", "overlay-tep-table-full",                             \
	  "tunnel from a new TEP while the TEP table is full")                                     \
	X(OVL_ARP_OTHER, "dse-overlay-input", "overlay-arp-not-ours",                              \
	  "ARP on the uplink for another address")                                                 \
	X(OVL_RING_FULL, "dse-overlay-input", "overlay-control-ring-full",                         \
	  "ARP for the control thread while its ring is full")                                     \
	X(OVL_MTU, "dse-overlay-encap", "overlay-mtu-exceeded",                                    \
	  "too big for the underlay MTU once encapsulated")                                        \
	X(OVL_NO_NEIGHBOR, "dse-overlay-encap", "overlay-no-neighbor",                             \
	  "underlay next hop of the remote TEP not resolved yet")                                  \
	X(OVL_NO_HEADROOM, "dse-overlay-encap", "overlay-no-headroom",                             \
	  "no headroom for the tunnel headers")

#endif
