/*
 * The frame parser the classify node runs on every received packet: Ethernet II, up to two
 * VLAN tags (IEEE 802.1Q/802.1ad), ARP (RFC 826), IPv4 (RFC 791), IPv6 with its extension headers
 * (RFC 8200) and the presence of the TCP/UDP/ICMP/SCTP header. It records where each layer starts
 * so later nodes never parse again, and names the reason when a frame is malformed. Also the
 * symmetric flow hash that spreads flows over workers and conntrack buckets.
 */
#ifndef DSE_NET_PARSE_H
#define DSE_NET_PARSE_H

#include <stdint.h>

/* Why a frame was refused by net_parse_frame(); 0 = accepted. X-macro so names and enum agree. */
/* clang-format off */
#define NET_PARSE_RESULTS(X) \
	X(NET_PARSE_OK, "ok") \
	X(NET_PARSE_RUNT, "runt-frame")            /* shorter than an Ethernet header */ \
	X(NET_PARSE_VLAN_TRUNCATED, "vlan-truncated") \
	X(NET_PARSE_TOO_MANY_TAGS, "too-many-vlan-tags")  /* more than 2 tags */ \
	X(NET_PARSE_IPV4_TRUNCATED, "ipv4-truncated") \
	X(NET_PARSE_IPV4_BAD_HEADER, "ipv4-bad-header")   /* version/IHL wrong */ \
	X(NET_PARSE_IPV4_BAD_LENGTH, "ipv4-bad-length")   /* total length < header or > frame */ \
	X(NET_PARSE_IPV6_TRUNCATED, "ipv6-truncated") \
	X(NET_PARSE_IPV6_BAD_LENGTH, "ipv6-bad-length") \
	X(NET_PARSE_IPV6_BAD_EXTENSION, "ipv6-bad-extension") /* truncated or too many ext headers */ \
	X(NET_PARSE_L4_TRUNCATED, "l4-truncated")         /* TCP/UDP/ICMP header cut short (first fragment or unfragmented only) */ \
	X(NET_PARSE_ARP_TRUNCATED, "arp-truncated")
/* clang-format on */

#define NET_PARSE_ENUM_ENTRY(name, text) name,
/* Result of net_parse_frame(); the names come from net_parse_result_name(). */
enum net_parse_result { NET_PARSE_RESULTS(NET_PARSE_ENUM_ENTRY) NET_PARSE_RESULT_COUNT };
#undef NET_PARSE_ENUM_ENTRY

/* Returns the name of r (e.g. "runt-frame"), or "unknown" if r is out of range. */
const char *net_parse_result_name(enum net_parse_result r);

/* Where the layers of a frame start, filled by net_parse_frame(). */
struct net_parsed {
	uint16_t l3_offset;  /* bytes from frame start to the L3 header (after all VLAN tags) */
	uint16_t l4_offset;  /* bytes to the L4 header, 0 if none/not first fragment */
	uint16_t ethertype;  /* innermost ethertype, host order */
	uint16_t vlan_tci;   /* outer 802.1Q tag TCI, host order, valid if nb_tags > 0 */
	uint8_t nb_tags;     /* number of VLAN tags (0..2) */
	uint8_t l4_proto;    /* IP protocol of the L4 header (after IPv6 ext headers), 0 if none;
	                        set on non-first fragments too, where l4_offset is 0 */
	uint8_t is_fragment; /* IPv4/IPv6 fragment (any) */
	uint8_t pad;         /* zero; keeps l3_length aligned */
	uint32_t l3_length;  /* IP total length as the header says (payload+header), 0 if not IP */
};

/* Parses Ethernet, up to two VLAN tags, ARP, IPv4, IPv6 (with extension headers) and the L4 header
 * presence. Returns NET_PARSE_OK or the reason the frame is malformed. Never reads beyond len.
 * Frames longer than the IP total length (Ethernet padding) are fine. Non-IP/non-ARP ethertypes are
 * OK with l3_offset set and nothing else checked. Two cases share the reason of their nearest kin:
 * an IPv6 version other than 6 is NET_PARSE_IPV6_TRUNCATED (no IPv6 header is there) and a TCP data
 * offset below 5 words is NET_PARSE_L4_TRUNCATED (a header shorter than its fixed part). The L4
 * header is bounded by the IP length, not by len. Protocols other than TCP, UDP, ICMP, ICMPv6 and
 * SCTP get l4_offset set with no check of their header; IPv6 "no next header" gets l4_proto 59 and
 * l4_offset 0. On failure the fields of out hold what was parsed before the error. */
enum net_parse_result net_parse_frame(const uint8_t *frame, uint32_t len, struct net_parsed *out);

/* The same for a frame of len bytes of which only the first head_len are contiguous at frame (the
 * first buffer of a chain): reads only within head_len, checks the IP lengths against len. A
 * header that does not lie whole within head_len is reported as truncated. */
enum net_parse_result net_parse_frame_head(const uint8_t *frame, uint32_t head_len, uint32_t len,
                                           struct net_parsed *out);

/* Symmetric flow hash: the same value for both directions of a 5-tuple (IPv4/IPv6, TCP/UDP ports,
 * else addresses+protocol; non-IP: MAC pair). Cheap (this runs per packet).
 * p must come from a successful net_parse_frame() of the same frame; fragments (all of them,
 * including the first) hash without ports so a datagram's fragments stay together. Reads only
 * within len even if p does not match the frame. */
uint32_t net_flow_hash_symmetric(const uint8_t *frame, uint32_t len, const struct net_parsed *p);

#endif /* DSE_NET_PARSE_H */
