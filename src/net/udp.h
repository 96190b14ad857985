/*
 * UDP header (RFC 768): field offsets, accessors, and the well-known ports of the overlay
 * encapsulations the engine terminates.
 */
#ifndef DSE_NET_UDP_H
#define DSE_NET_UDP_H

#include <stdint.h>

#include "net/byteorder.h"

#define NET_UDP_HEADER_LEN   8
#define NET_UDP_OFF_SRC_PORT 0
#define NET_UDP_OFF_DST_PORT 2
#define NET_UDP_OFF_LENGTH   4    /* header plus payload */
#define NET_UDP_OFF_CHECKSUM 6    /* 0 means "none" over IPv4 */
#define NET_UDP_PORT_VXLAN   4789 /* RFC 7348 */
#define NET_UDP_PORT_GENEVE  6081 /* RFC 8926 */

/* Returns the source port (host order) of the UDP header at udp. */
static inline uint16_t
net_udp_src_port(const uint8_t *udp)
{
	return net_get_be16(udp + NET_UDP_OFF_SRC_PORT);
}

/* Returns the destination port (host order) of the UDP header at udp. */
static inline uint16_t
net_udp_dst_port(const uint8_t *udp)
{
	return net_get_be16(udp + NET_UDP_OFF_DST_PORT);
}

/* Returns the length field (host order) of the UDP header at udp. */
static inline uint16_t
net_udp_length(const uint8_t *udp)
{
	return net_get_be16(udp + NET_UDP_OFF_LENGTH);
}

/* Writes an 8-byte UDP header with a zero checksum for the caller to fill in or leave. */
static inline void
net_udp_write_header(uint8_t *udp, uint16_t src_port, uint16_t dst_port, uint16_t length)
{
	net_put_be16(udp + NET_UDP_OFF_SRC_PORT, src_port);
	net_put_be16(udp + NET_UDP_OFF_DST_PORT, dst_port);
	net_put_be16(udp + NET_UDP_OFF_LENGTH, length);
	net_put_be16(udp + NET_UDP_OFF_CHECKSUM, 0);
}

#endif /* DSE_NET_UDP_H */
