/*
 * Every reason the data path drops a packet, declared once, next to whoever decides it: the
 * core nodes' rows here, each service's in its own drops.h (collected by the build, in the
 * order of the service list, into DSE_SERVICE_DROP_REASONS). The table generates the enum used
 * by the nodes and the names shown by `dsectl show drops`, the API and metrics, so a user can
 * always find out, by name, why a packet did not arrive. Each row names the node that decides
 * the drop.
 */
#ifndef DSE_CORE_DROP_H
#define DSE_CORE_DROP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "core/dse_services.h"
#include "core/pkt_meta.h"

/* X(enum suffix, node, reason name, what it means) */
#define DSE_DROP_REASONS_CORE_IN(X)                                                                \
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
	X(VLAN_UNKNOWN, "dse-classify", "vlan-unknown", "tag not mapped to a segment on this port")

#define DSE_DROP_REASONS_CORE_OUT(X)                                                               \
	X(PORT_GONE, "dse-port-tx", "port-removed", "output port removed while in flight")         \
	X(QUEUE_FULL, "dse-port-tx", "queue-full", "output queue full, the device took no more")   \
	X(OFFLOAD_HEADERS, "dse-port-tx", "offload-bad-headers",                                   \
	  "partial-checksum or GSO frame whose TCP/UDP headers are not whole in its first buffer") \
	X(GSO_TOO_MANY, "dse-port-tx", "gso-too-many-segments",                                    \
	  "GSO frame that makes more segments than one burst holds")                               \
	X(GSO_SEG_TOO_BIG, "dse-port-tx", "gso-segment-too-big",                                   \
	  "a GSO segment (MSS plus headers) does not fit one buffer")                              \
	X(GSO_NO_MBUF, "dse-port-tx", "gso-no-mbuf", "no buffers for the segments of a GSO frame")

/* Every reason, in pipeline order: input, the services' (in the order of the meson list), then
 * output. */
#define DSE_DROP_REASONS(X)                                                                        \
	DSE_DROP_REASONS_CORE_IN(X) DSE_SERVICE_DROP_REASONS(X) DSE_DROP_REASONS_CORE_OUT(X)

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
