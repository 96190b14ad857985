/*
 * Frame parsing for the classify node: Ethernet II, IEEE 802.1Q/802.1ad tags, ARP (RFC 826),
 * IPv4 (RFC 791), IPv6 and its extension headers (RFC 8200), the first bytes of TCP, UDP, ICMP
 * and SCTP; and the symmetric flow hash. Every read is checked against the frame length first;
 * every layer is bounded by the length the layer below announced.
 */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/byteorder.h"
#include "net/eth.h"
#include "net/icmp.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/parse.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/vlan.h"

#define NET_SCTP_HEADER_LEN 12 /* SCTP common header: ports, verification tag, checksum */

#define NET_PARSE_NAME_ENTRY(name, text) [name] = text,
static const char *const net_parse_result_names[] = {NET_PARSE_RESULTS(NET_PARSE_NAME_ENTRY)};
#undef NET_PARSE_NAME_ENTRY

_Static_assert(sizeof(net_parse_result_names) / sizeof(net_parse_result_names[0]) ==
                   NET_PARSE_RESULT_COUNT,
               "every parse result has a name");
_Static_assert(sizeof(struct net_parsed) == 16, "net_parsed fits in the packet metadata slot");

const char *
net_parse_result_name(enum net_parse_result r)
{
	if ((unsigned int)r >= NET_PARSE_RESULT_COUNT)
		return "unknown";
	return net_parse_result_names[r];
}

/*
 * Checks that the L4 header of protocol proto is complete in the avail bytes at l4 (what is left
 * of the IP datagram). Protocols the engine does not look into pass unchecked.
 */
static inline enum net_parse_result
net_parse_l4(const uint8_t *l4, uint32_t avail, uint8_t proto)
{
	switch (proto) {
	case NET_IPPROTO_TCP:
		if (avail < NET_TCP_HEADER_LEN)
			return NET_PARSE_L4_TRUNCATED;
		return net_tcp_header_complete(l4, avail) ? NET_PARSE_OK : NET_PARSE_L4_TRUNCATED;
	case NET_IPPROTO_UDP:
		return avail < NET_UDP_HEADER_LEN ? NET_PARSE_L4_TRUNCATED : NET_PARSE_OK;
	case NET_IPPROTO_ICMP:
	case NET_IPPROTO_ICMPV6:
		return avail < NET_ICMP_HEADER_LEN ? NET_PARSE_L4_TRUNCATED : NET_PARSE_OK;
	case NET_IPPROTO_SCTP:
		return avail < NET_SCTP_HEADER_LEN ? NET_PARSE_L4_TRUNCATED : NET_PARSE_OK;
	default:
		return NET_PARSE_OK;
	}
}

/* Parses the IPv4 header at ip, with len bytes of frame left of which avail can be read, into
 * out. */
static inline enum net_parse_result
net_parse_ipv4(const uint8_t *ip, uint32_t avail, uint32_t len, struct net_parsed *out)
{
	uint32_t header_len, total_length;

	if (avail < NET_IPV4_HEADER_LEN)
		return NET_PARSE_IPV4_TRUNCATED;
	switch (net_ipv4_validate(ip, len)) {
	case 0:
		break;
	case -EPROTO:
		return NET_PARSE_IPV4_BAD_HEADER;
	case -EBADMSG:
		return NET_PARSE_IPV4_BAD_LENGTH;
	default:
		return NET_PARSE_IPV4_TRUNCATED;
	}
	header_len = net_ipv4_header_len(ip);
	if (header_len > avail)
		return NET_PARSE_IPV4_TRUNCATED;
	total_length = net_ipv4_total_length(ip);
	out->l3_length = total_length;
	out->l4_proto = net_ipv4_protocol(ip);
	out->is_fragment = net_ipv4_is_fragment(ip);
	/* Later fragments carry no L4 header; only the first (offset 0) is checked. */
	if (net_ipv4_fragment_offset(ip) != 0)
		return NET_PARSE_OK;
	out->l4_offset = (uint16_t)(out->l3_offset + header_len);
	return net_parse_l4(ip + header_len,
	                    (total_length < avail ? total_length : avail) - header_len,
	                    out->l4_proto);
}

/* Parses the IPv6 header at ip and its extension headers, with len bytes of frame left of
 * which avail can be read. */
static inline enum net_parse_result
net_parse_ipv6(const uint8_t *ip, uint32_t avail, uint32_t len, struct net_parsed *out)
{
	struct net_ipv6_extensions extensions;
	uint32_t payload_length, readable;

	if (avail < NET_IPV6_HEADER_LEN)
		return NET_PARSE_IPV6_TRUNCATED;
	if (net_ipv6_version(ip) != 6)
		return NET_PARSE_IPV6_TRUNCATED;
	payload_length = net_ipv6_payload_length(ip);
	if (payload_length > len - NET_IPV6_HEADER_LEN)
		return NET_PARSE_IPV6_BAD_LENGTH;
	out->l3_length = NET_IPV6_HEADER_LEN + payload_length;
	readable = avail - NET_IPV6_HEADER_LEN;
	if (readable > payload_length)
		readable = payload_length;
	if (net_ipv6_walk_extensions(ip + NET_IPV6_HEADER_LEN, readable, net_ipv6_next_header(ip),
	                             &extensions) != 0)
		return NET_PARSE_IPV6_BAD_EXTENSION;
	out->l4_proto = extensions.l4_proto;
	out->is_fragment = extensions.is_fragment;
	if (!extensions.l4_present)
		return NET_PARSE_OK;
	out->l4_offset = (uint16_t)(out->l3_offset + NET_IPV6_HEADER_LEN + extensions.l4_offset);
	return net_parse_l4(ip + NET_IPV6_HEADER_LEN + extensions.l4_offset,
	                    readable - extensions.l4_offset, extensions.l4_proto);
}

enum net_parse_result
net_parse_frame(const uint8_t *frame, uint32_t len, struct net_parsed *out)
{
	return net_parse_frame_head(frame, len, len, out);
}

enum net_parse_result
net_parse_frame_head(const uint8_t *frame, uint32_t head_len, uint32_t len, struct net_parsed *out)
{
	uint32_t offset = NET_ETH_HEADER_LEN;
	uint32_t avail = head_len < len ? head_len : len;
	uint16_t ethertype;

	memset(out, 0, sizeof(*out));
	if (avail < NET_ETH_HEADER_LEN)
		return NET_PARSE_RUNT;
	ethertype = net_eth_get_ethertype(frame);
	/* Each tag is TPID (already read) + TCI + the next EtherType. */
	while (net_vlan_is_tpid(ethertype)) {
		if (out->nb_tags == 2)
			return NET_PARSE_TOO_MANY_TAGS;
		if (avail - offset < NET_VLAN_TAG_LEN)
			return NET_PARSE_VLAN_TRUNCATED;
		if (out->nb_tags == 0)
			out->vlan_tci = net_get_be16(frame + offset);
		ethertype = net_get_be16(frame + offset + 2);
		offset += NET_VLAN_TAG_LEN;
		out->nb_tags++;
	}
	out->l3_offset = (uint16_t)offset;
	out->ethertype = ethertype;
	switch (ethertype) {
	case NET_ETHERTYPE_IPV4:
		return net_parse_ipv4(frame + offset, avail - offset, len - offset, out);
	case NET_ETHERTYPE_IPV6:
		return net_parse_ipv6(frame + offset, avail - offset, len - offset, out);
	case NET_ETHERTYPE_ARP:
		return avail - offset < NET_ARP_LEN ? NET_PARSE_ARP_TRUNCATED : NET_PARSE_OK;
	default:
		return NET_PARSE_OK;
	}
}

/*
 * The flow hash is symmetric by construction: each endpoint (address and port) is scrambled on
 * its own and the two results are added, and addition does not care about order. The two
 * endpoint scrambles are independent, so the CPU runs them side by side; one final scramble
 * mixes in the protocol. The constants are odd 64-bit multipliers with good bit diffusion.
 */
#define NET_HASH_K1 0x9e3779b97f4a7c15ULL
#define NET_HASH_K2 0xff51afd7ed558ccdULL
#define NET_HASH_K3 0xc4ceb9fe1a85ec53ULL

/* Scrambles one endpoint value so that its bits spread over the whole word. */
static inline uint64_t
net_hash_endpoint(uint64_t value)
{
	value *= NET_HASH_K1;
	value ^= value >> 29;
	return value * NET_HASH_K2;
}

/* Combines two scrambled endpoints and the protocol (or EtherType) into the 32-bit hash. */
static inline uint32_t
net_hash_finish(uint64_t endpoint_a, uint64_t endpoint_b, uint64_t protocol)
{
	uint64_t h = endpoint_a + endpoint_b + protocol * NET_HASH_K3;

	h ^= h >> 32;
	h *= NET_HASH_K3;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* Returns true if the L4 header of p carries ports at offsets 0 and 2 the hash may use. */
static inline int
net_hash_has_ports(const struct net_parsed *p, uint32_t len)
{
	if (p->is_fragment || p->l4_offset == 0 || (uint32_t)p->l4_offset + 4 > len)
		return 0;
	return p->l4_proto == NET_IPPROTO_TCP || p->l4_proto == NET_IPPROTO_UDP ||
	       p->l4_proto == NET_IPPROTO_SCTP;
}

/* Reads 8 bytes at p as a native 64-bit number (only equal bytes giving equal values matters). */
static inline uint64_t
net_load64(const uint8_t *p)
{
	uint64_t value;

	memcpy(&value, p, sizeof(value));
	return value;
}

/* Hashes the MAC pair and EtherType of a frame with at least 12 bytes. */
static inline uint32_t
net_flow_hash_macs(const uint8_t *frame, uint16_t ethertype)
{
	uint64_t dst = ((uint64_t)net_get_be16(frame) << 32) | net_get_be32(frame + 2);
	uint64_t src = ((uint64_t)net_get_be16(frame + 6) << 32) | net_get_be32(frame + 8);

	return net_hash_finish(net_hash_endpoint(dst), net_hash_endpoint(src), ethertype);
}

uint32_t
net_flow_hash_symmetric(const uint8_t *frame, uint32_t len, const struct net_parsed *p)
{
	uint16_t src_port = 0, dst_port = 0;

	if (net_hash_has_ports(p, len)) {
		src_port = net_get_be16(frame + p->l4_offset);
		dst_port = net_get_be16(frame + p->l4_offset + 2);
	}
	if (p->ethertype == NET_ETHERTYPE_IPV4 &&
	    (uint32_t)p->l3_offset + NET_IPV4_HEADER_LEN <= len) {
		const uint8_t *ip = frame + p->l3_offset;
		uint64_t src = ((uint64_t)net_ipv4_src(ip) << 16) | src_port;
		uint64_t dst = ((uint64_t)net_ipv4_dst(ip) << 16) | dst_port;

		return net_hash_finish(net_hash_endpoint(src), net_hash_endpoint(dst), p->l4_proto);
	}
	if (p->ethertype == NET_ETHERTYPE_IPV6 &&
	    (uint32_t)p->l3_offset + NET_IPV6_HEADER_LEN <= len) {
		const uint8_t *ip = frame + p->l3_offset;
		/* Fold each 16-byte address and its port to one word, then scramble it. */
		uint64_t src = net_load64(ip + NET_IPV6_OFF_SRC) * NET_HASH_K3 +
		               (net_load64(ip + NET_IPV6_OFF_SRC + 8) ^ src_port);
		uint64_t dst = net_load64(ip + NET_IPV6_OFF_DST) * NET_HASH_K3 +
		               (net_load64(ip + NET_IPV6_OFF_DST + 8) ^ dst_port);

		return net_hash_finish(net_hash_endpoint(src), net_hash_endpoint(dst), p->l4_proto);
	}
	if (len < 2 * NET_MAC_LEN)
		return 0;
	return net_flow_hash_macs(frame, p->ethertype);
}
