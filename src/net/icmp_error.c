/*
 * The ICMP/ICMPv6 error builder (net/icmp_error.h).
 */
#include "net/icmp_error.h"

#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"

int
net_icmp_error_build(uint8_t *out, uint32_t room, const uint8_t *ip, uint32_t quote_len, bool v6,
                     const struct net_icmp_error *e)
{
	uint32_t l3 = v6 ? NET_IPV6_HEADER_LEN : NET_IPV4_HEADER_LEN;
	uint32_t icmp_len = NET_ICMP_HEADER_LEN + quote_len;
	if (l3 + icmp_len > room)
		return -1;
	/* The addresses first: out may overlap ip. */
	uint8_t src[NET_IPV6_ADDR_LEN], dst[NET_IPV6_ADDR_LEN];
	uint32_t alen = v6 ? NET_IPV6_ADDR_LEN : 4;
	memcpy(src, ip + (v6 ? NET_IPV6_OFF_SRC : NET_IPV4_OFF_SRC), alen);
	memcpy(dst, ip + (v6 ? NET_IPV6_OFF_DST : NET_IPV4_OFF_DST), alen);
	uint8_t *icmp = out + l3;
	memmove(icmp + NET_ICMP_HEADER_LEN, ip, quote_len);
	icmp[NET_ICMP_OFF_TYPE] = e->type;
	icmp[NET_ICMP_OFF_CODE] = e->code;
	net_put_be16(icmp + NET_ICMP_OFF_CHECKSUM, 0);
	net_put_be32(icmp + 4, e->info);
	if (!v6) {
		net_ipv4_write_header(out, 0, (uint16_t)(l3 + icmp_len), 0,
		                      e->dont_fragment ? NET_IPV4_FLAG_DONT_FRAGMENT : 0, e->ttl,
		                      NET_IPPROTO_ICMP, net_get_be32(dst), net_get_be32(src));
		net_put_be16(out + NET_IPV4_OFF_CHECKSUM, net_checksum(out, l3));
		net_put_be16(icmp + NET_ICMP_OFF_CHECKSUM, net_checksum(icmp, icmp_len));
		return (int)(l3 + icmp_len);
	}
	net_put_be32(out, 6u << 28);
	net_put_be16(out + NET_IPV6_OFF_PAYLOAD_LENGTH, (uint16_t)icmp_len);
	out[NET_IPV6_OFF_NEXT_HEADER] = NET_IPPROTO_ICMPV6;
	out[NET_IPV6_OFF_HOP_LIMIT] = e->ttl;
	memcpy(out + NET_IPV6_OFF_SRC, dst, NET_IPV6_ADDR_LEN);
	memcpy(out + NET_IPV6_OFF_DST, src, NET_IPV6_ADDR_LEN);
	net_put_be16(icmp + NET_ICMP_OFF_CHECKSUM,
	             net_ipv6_l4_checksum(out, NET_IPPROTO_ICMPV6, icmp, icmp_len));
	return (int)(l3 + icmp_len);
}
