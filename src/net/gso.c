/*
 * Checksum completion and segment headers for GSO frames over bytes (see gso.h). The IPv6
 * pseudo-header uses the fixed header's destination; a routing header that changes the final
 * destination is not taken into account (no sender of GSO frames uses one).
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "net/gso.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/vlan.h"

#define MAX_VLAN_TAGS 2

enum net_gso_locate_result
net_gso_locate(const uint8_t *frame, uint32_t avail, struct net_gso_hdr *h)
{
	uint32_t off = NET_ETH_HEADER_LEN;
	uint16_t type;

	if (avail < NET_ETH_HEADER_LEN)
		return NET_GSO_TRUNCATED;
	type = net_get_be16(frame + NET_ETH_OFF_ETHERTYPE);
	for (int tags = 0; net_vlan_is_tpid(type); tags++) {
		if (tags == MAX_VLAN_TAGS)
			return NET_GSO_NOT_L4;
		if (avail - off < NET_VLAN_TAG_LEN)
			return NET_GSO_TRUNCATED;
		type = net_get_be16(frame + off + 2);
		off += NET_VLAN_TAG_LEN;
	}
	h->l2_len = (uint16_t)off;
	const uint8_t *ip = frame + off;
	uint32_t l3_len, ip_total;
	uint8_t proto;
	if (type == NET_ETHERTYPE_IPV4) {
		if (avail - off < NET_IPV4_HEADER_LEN)
			return NET_GSO_TRUNCATED;
		l3_len = net_ipv4_header_len(ip);
		ip_total = net_ipv4_total_length(ip);
		if (net_ipv4_version(ip) != 4 || l3_len < NET_IPV4_HEADER_LEN)
			return NET_GSO_NOT_L4;
		if (net_ipv4_is_fragment(ip))
			return NET_GSO_NOT_L4;
		if (l3_len > avail - off || ip_total < l3_len)
			return NET_GSO_TRUNCATED;
		proto = net_ipv4_protocol(ip);
		h->ipv6 = false;
	} else if (type == NET_ETHERTYPE_IPV6) {
		struct net_ipv6_extensions ext;
		if (avail - off < NET_IPV6_HEADER_LEN)
			return NET_GSO_TRUNCATED;
		if (net_ipv6_version(ip) != 6)
			return NET_GSO_NOT_L4;
		ip_total = NET_IPV6_HEADER_LEN + (uint32_t)net_ipv6_payload_length(ip);
		uint32_t ext_room =
		    (avail - off < ip_total ? avail - off : ip_total) - NET_IPV6_HEADER_LEN;
		if (net_ipv6_walk_extensions(ip + NET_IPV6_HEADER_LEN, ext_room,
		                             net_ipv6_next_header(ip), &ext) < 0)
			return NET_GSO_TRUNCATED;
		if (ext.is_fragment || !ext.l4_present)
			return NET_GSO_NOT_L4;
		l3_len = NET_IPV6_HEADER_LEN + ext.l4_offset;
		proto = ext.l4_proto;
		h->ipv6 = true;
	} else {
		return NET_GSO_NOT_L4;
	}
	if (proto != NET_IPPROTO_TCP && proto != NET_IPPROTO_UDP)
		return NET_GSO_NOT_L4;
	off += l3_len;
	uint32_t l4_len = NET_UDP_HEADER_LEN;
	if (proto == NET_IPPROTO_TCP) {
		if (avail - off < NET_TCP_HEADER_LEN)
			return NET_GSO_TRUNCATED;
		l4_len = (uint32_t)(frame[off + NET_TCP_OFF_DATA_OFFSET] >> 4) * 4;
		if (l4_len < NET_TCP_HEADER_LEN)
			return NET_GSO_TRUNCATED;
	}
	if (l4_len > avail - off || l3_len + l4_len > ip_total)
		return NET_GSO_TRUNCATED;
	h->l3_len = (uint16_t)l3_len;
	h->l4_len = (uint16_t)l4_len;
	h->l4_proto = proto;
	h->l4_total = ip_total - l3_len;
	return NET_GSO_OK;
}

uint16_t
net_gso_csum_offset(const struct net_gso_hdr *h)
{
	return h->l4_proto == NET_IPPROTO_TCP ? NET_TCP_OFF_CHECKSUM : NET_UDP_OFF_CHECKSUM;
}

uint32_t
net_checksum_piece(const uint8_t *data, uint32_t len, uint32_t pos, uint32_t sum)
{
	uint16_t piece = net_checksum_fold(net_checksum_partial(data, len, 0));

	return sum + ((pos & 1) ? net_swap16(piece) : piece);
}

void
net_gso_complete_checksum(uint8_t *frame, const struct net_gso_hdr *h)
{
	uint8_t *l4 = frame + h->l2_len + h->l3_len;
	uint16_t csum = net_checksum_finish(net_checksum_partial(l4, h->l4_total, 0));

	if (csum == 0 && h->l4_proto == NET_IPPROTO_UDP)
		csum = 0xffff;
	net_put_be16(l4 + net_gso_csum_offset(h), csum);
}

uint16_t
net_gso_pseudo_sum(const uint8_t *frame, const struct net_gso_hdr *h, uint32_t l4_len)
{
	const uint8_t *ip = frame + h->l2_len;
	uint32_t sum = h->ipv6 ? net_ipv6_pseudo_header_sum(ip, h->l4_proto, l4_len)
	                       : net_ipv4_pseudo_header_sum(ip, h->l4_proto, l4_len);

	return net_checksum_fold(sum);
}

uint16_t
net_gso_write_segment_header(uint8_t *hdr, const struct net_gso_hdr *h, uint32_t index,
                             uint32_t nb_segs, uint32_t payload_offset, uint32_t payload_len)
{
	uint8_t *ip = hdr + h->l2_len;
	uint8_t *l4 = ip + h->l3_len;
	uint32_t l4_total = h->l4_len + payload_len;

	if (h->ipv6) {
		net_put_be16(ip + NET_IPV6_OFF_PAYLOAD_LENGTH,
		             (uint16_t)(h->l3_len - NET_IPV6_HEADER_LEN + l4_total));
	} else {
		net_put_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH, (uint16_t)(h->l3_len + l4_total));
		net_put_be16(ip + NET_IPV4_OFF_ID,
		             (uint16_t)(net_get_be16(ip + NET_IPV4_OFF_ID) + index));
		net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, 0);
		net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, net_checksum(ip, h->l3_len));
	}
	if (h->l4_proto == NET_IPPROTO_TCP) {
		uint8_t flags = l4[NET_TCP_OFF_FLAGS];
		if (index + 1 < nb_segs)
			flags &= (uint8_t) ~(NET_TCP_FLAG_FIN | NET_TCP_FLAG_PSH);
		if (index != 0)
			flags &= (uint8_t)~NET_TCP_FLAG_CWR;
		l4[NET_TCP_OFF_FLAGS] = flags;
		net_put_be32(l4 + NET_TCP_OFF_SEQUENCE,
		             net_get_be32(l4 + NET_TCP_OFF_SEQUENCE) + payload_offset);
	} else {
		net_put_be16(l4 + NET_UDP_OFF_LENGTH, (uint16_t)l4_total);
	}
	uint16_t pseudo = net_gso_pseudo_sum(hdr, h, l4_total);
	net_put_be16(l4 + net_gso_csum_offset(h), pseudo);
	return pseudo;
}
