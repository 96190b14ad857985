/*
 * Every reason the data path drops a packet, declared once. The table generates the enum used
 * by the nodes and the names shown by `dsectl show drops`, the API and metrics, so a user can
 * always find out, by name, why a packet did not arrive. Each row names the node that decides
 * the drop.
 */
#ifndef DSE_CORE_DROP_H
#define DSE_CORE_DROP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "core/pkt_meta.h"

/* X(enum suffix, node, reason name, what it means) */
#define DSE_DROP_REASONS(X)                                                                        \
	X(NONE, "none", "none", "not dropped")                                                     \
	X(RUNT, "dse-classify", "runt-frame", "shorter than an Ethernet header")                   \
	X(VLAN_TRUNCATED, "dse-classify", "vlan-truncated", "VLAN tag cut short")                  \
	X(TOO_MANY_TAGS, "dse-classify", "too-many-vlan-tags", "more than two VLAN tags")          \
	X(IPV4_TRUNCATED, "dse-classify", "ipv4-truncated", "IPv4 header cut short")               \
	X(IPV4_BAD_HEADER, "dse-classify", "ipv4-bad-header",                                      \
	  "IPv4 version or header length wrong")                                                   \
	X(IPV4_BAD_LENGTH, "dse-classify", "ipv4-bad-length", "IPv4 total length inconsistent")    \
	X(IPV6_TRUNCATED, "dse-classify", "ipv6-truncated", "IPv6 header cut short")               \
	X(IPV6_BAD_LENGTH, "dse-classify", "ipv6-bad-length", "IPv6 payload length inconsistent")  \
	X(IPV6_BAD_EXTENSION, "dse-classify", "ipv6-bad-extension",                                \
	  "IPv6 extension header chain truncated or too long")                                     \
	X(L4_TRUNCATED, "dse-classify", "l4-truncated", "TCP/UDP/ICMP header cut short")           \
	X(ARP_TRUNCATED, "dse-classify", "arp-truncated", "ARP packet cut short")                  \
	X(MULTI_SEGMENT, "dse-classify", "multi-segment-mbuf",                                     \
	  "chain of buffers whose headers are not whole in the first one")                         \
	X(NO_SEGMENT, "dse-classify", "no-segment", "untagged frame on a port without a segment")  \
	X(VLAN_UNKNOWN, "dse-classify", "vlan-unknown",                                            \
	  "tag not mapped to a segment on this port")                                              \
	X(BAD_SOURCE_MAC, "dse-switch", "bad-source-mac", "source MAC is multicast or zero")       \
	X(SAME_PORT, "dse-switch", "same-port", "destination MAC is behind the input port")        \
	X(FLOOD_EMPTY, "dse-switch", "flood-no-ports", "no other port on the segment to flood to") \
	X(MTU, "dse-switch", "mtu-exceeded", "frame larger than the output port's MTU")            \
	X(NO_MBUF, "dse-switch", "no-mbuf", "no buffer to copy a flooded frame")                   \
	X(VLAN_NO_ROOM, "dse-switch", "vlan-no-headroom", "no headroom to push a VLAN tag")        \
	X(SPLIT_HORIZON, "dse-switch", "overlay-split-horizon",                                    \
	  "frame from a remote TEP for a workload behind a remote TEP")                            \
	X(PORT_GONE, "dse-port-tx", "port-removed", "output port removed while in flight")         \
	X(QUEUE_FULL, "dse-port-tx", "queue-full", "output queue full, the device took no more")   \
	X(OFFLOAD_HEADERS, "dse-port-tx", "offload-bad-headers",                                   \
	  "partial-checksum or GSO frame whose TCP/UDP headers are not whole in its first buffer") \
	X(GSO_TOO_MANY, "dse-port-tx", "gso-too-many-segments",                                    \
	  "GSO frame that makes more segments than one burst holds")                               \
	X(GSO_SEG_TOO_BIG, "dse-port-tx", "gso-segment-too-big",                                   \
	  "a GSO segment (MSS plus headers) does not fit one buffer")                              \
	X(GSO_NO_MBUF, "dse-port-tx", "gso-no-mbuf", "no buffers for the segments of a GSO frame") \
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
	  "no headroom for the tunnel headers")                                                    \
	X(FW_RULE_DROP, "dse-firewall", "fw-rule-drop", "a firewall rule or default dropped it")   \
	X(FW_RULE_REJECT, "dse-firewall", "fw-rule-reject",                                        \
	  "a firewall rule rejected it and no answer could be built")                              \
	X(CT_TABLE_FULL, "dse-firewall", "ct-table-full",                                          \
	  "new connection while the connection table is full")                                     \
	X(CT_TCP_NO_CONNECTION, "dse-firewall", "ct-tcp-no-connection",                            \
	  "TCP segment other than a SYN for no tracked connection")                                \
	X(CT_TCP_SYNACK_NO_SYN, "dse-firewall", "ct-tcp-synack-without-syn",                       \
	  "SYN-ACK for no tracked connection")                                                     \
	X(CT_TCP_INVALID_FLAGS, "dse-firewall", "ct-tcp-invalid-flags",                            \
	  "TCP flag combination that is never valid")                                              \
	X(CT_TCP_OUT_OF_WINDOW, "dse-firewall", "ct-tcp-out-of-window",                            \
	  "TCP sequence or acknowledgement outside the window")                                    \
	X(CT_TCP_BAD_RST, "dse-firewall", "ct-tcp-bad-rst", "TCP reset outside the window")        \
	X(CT_UNEXPECTED, "dse-firewall", "ct-unexpected",                                          \
	  "packet not valid in its connection's state")                                            \
	X(CT_ICMP_NO_REQUEST, "dse-firewall", "ct-icmp-reply-without-request",                     \
	  "ICMP echo reply for no tracked request")                                                \
	X(CT_ICMP_ERROR_UNKNOWN, "dse-firewall", "ct-icmp-error-unknown",                          \
	  "ICMP error quoting no tracked connection")

enum dse_drop_reason {
#define DSE_DROP_ENUM(e, node, name, help) DSE_DROP_##e,
	DSE_DROP_REASONS(DSE_DROP_ENUM)
#undef DSE_DROP_ENUM
	    DSE_DROP_COUNT
};

/* Node and reason names of a drop reason, for display. */
const char *dse_drop_node(enum dse_drop_reason r);
const char *dse_drop_name(enum dse_drop_reason r);
const char *dse_drop_help(enum dse_drop_reason r);

/* Marks a packet for the drop node with a reason; the caller then enqueues it on its drop edge. */
static inline void
dse_drop_mark(struct rte_mbuf *m, enum dse_drop_reason reason)
{
	dse_meta(m)->drop_reason = (uint8_t)reason;
}

#endif
