/*
 * The TCP reset builder (net/tcp_reset.h).
 */
#include "net/tcp_reset.h"

#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"

int
net_tcp_reset_build(uint8_t *out, uint32_t room, const uint8_t *ip, const uint8_t *tcp, bool v6)
{
	uint32_t l3 = v6 ? NET_IPV6_HEADER_LEN : NET_IPV4_HEADER_LEN;
	uint8_t flags = net_tcp_flags(tcp);
	if ((flags & NET_TCP_FLAG_RST) || l3 + NET_TCP_HEADER_LEN > room)
		return -1;
	/* Everything read from the segment first: out may overlap it. */
	uint32_t hlen = net_tcp_header_len(tcp);
	uint32_t ip_len = v6 ? NET_IPV6_HEADER_LEN + net_get_be16(ip + NET_IPV6_OFF_PAYLOAD_LENGTH)
	                     : net_get_be16(ip + NET_IPV4_OFF_TOTAL_LENGTH);
	uint32_t seg_len = (uint32_t)(ip + ip_len - tcp);
	uint32_t data = seg_len > hlen ? seg_len - hlen : 0;
	uint32_t seq = 0, ack = 0;
	if (flags & NET_TCP_FLAG_ACK)
		seq = net_tcp_acknowledge(tcp);
	else
		ack = net_tcp_sequence(tcp) + data + !!(flags & NET_TCP_FLAG_SYN) +
		      !!(flags & NET_TCP_FLAG_FIN);
	uint8_t ports[4], src[NET_IPV6_ADDR_LEN], dst[NET_IPV6_ADDR_LEN];
	uint32_t alen = v6 ? NET_IPV6_ADDR_LEN : 4;
	memcpy(ports, tcp + 2, 2);
	memcpy(ports + 2, tcp, 2);
	memcpy(src, ip + (v6 ? NET_IPV6_OFF_SRC : NET_IPV4_OFF_SRC), alen);
	memcpy(dst, ip + (v6 ? NET_IPV6_OFF_DST : NET_IPV4_OFF_DST), alen);

	uint8_t *t = out + l3;
	memset(t, 0, NET_TCP_HEADER_LEN);
	memcpy(t, ports, 4);
	net_put_be32(t + NET_TCP_OFF_SEQUENCE, seq);
	net_put_be32(t + NET_TCP_OFF_ACKNOWLEDGE, ack);
	t[NET_TCP_OFF_DATA_OFFSET] = 5 << 4;
	t[NET_TCP_OFF_FLAGS] =
	    (flags & NET_TCP_FLAG_ACK) ? NET_TCP_FLAG_RST : NET_TCP_FLAG_RST | NET_TCP_FLAG_ACK;
	if (!v6) {
		net_ipv4_write_header(out, 0, (uint16_t)(l3 + NET_TCP_HEADER_LEN), 0,
		                      NET_IPV4_FLAG_DONT_FRAGMENT, 64, NET_IPPROTO_TCP,
		                      net_get_be32(dst), net_get_be32(src));
		net_put_be16(out + NET_IPV4_OFF_CHECKSUM, net_checksum(out, l3));
		net_put_be16(t + NET_TCP_OFF_CHECKSUM,
		             net_ipv4_l4_checksum(out, t, NET_TCP_HEADER_LEN));
		return (int)(l3 + NET_TCP_HEADER_LEN);
	}
	memset(out, 0, l3);
	out[0] = 0x60;
	net_put_be16(out + NET_IPV6_OFF_PAYLOAD_LENGTH, NET_TCP_HEADER_LEN);
	out[NET_IPV6_OFF_NEXT_HEADER] = NET_IPPROTO_TCP;
	out[NET_IPV6_OFF_HOP_LIMIT] = 64;
	memcpy(out + NET_IPV6_OFF_SRC, dst, NET_IPV6_ADDR_LEN);
	memcpy(out + NET_IPV6_OFF_DST, src, NET_IPV6_ADDR_LEN);
	net_put_be16(t + NET_TCP_OFF_CHECKSUM,
	             net_ipv6_l4_checksum(out, NET_IPPROTO_TCP, t, NET_TCP_HEADER_LEN));
	return (int)(l3 + NET_TCP_HEADER_LEN);
}
