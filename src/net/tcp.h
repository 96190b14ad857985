/*
 * TCP header (RFC 9293): field offsets, flags, accessors and the data offset check.
 */
#ifndef DSE_NET_TCP_H
#define DSE_NET_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "net/byteorder.h"

#define NET_TCP_HEADER_LEN      20 /* header without options */
#define NET_TCP_MAX_HEADER_LEN  60 /* data offset is 4 bits of 32-bit words */
#define NET_TCP_OFF_SRC_PORT    0
#define NET_TCP_OFF_DST_PORT    2
#define NET_TCP_OFF_SEQUENCE    4
#define NET_TCP_OFF_ACKNOWLEDGE 8
#define NET_TCP_OFF_DATA_OFFSET 12 /* data offset in the high nibble */
#define NET_TCP_OFF_FLAGS       13
#define NET_TCP_OFF_WINDOW      14
#define NET_TCP_OFF_CHECKSUM    16
#define NET_TCP_OFF_URGENT      18
#define NET_TCP_FLAG_FIN        0x01
#define NET_TCP_FLAG_SYN        0x02
#define NET_TCP_FLAG_RST        0x04
#define NET_TCP_FLAG_PSH        0x08
#define NET_TCP_FLAG_ACK        0x10
#define NET_TCP_FLAG_URG        0x20
#define NET_TCP_FLAG_ECE        0x40
#define NET_TCP_FLAG_CWR        0x80

/* Returns the source port (host order) of the TCP header at tcp. */
static inline uint16_t
net_tcp_src_port(const uint8_t *tcp)
{
	return net_get_be16(tcp + NET_TCP_OFF_SRC_PORT);
}

/* Returns the destination port (host order) of the TCP header at tcp. */
static inline uint16_t
net_tcp_dst_port(const uint8_t *tcp)
{
	return net_get_be16(tcp + NET_TCP_OFF_DST_PORT);
}

/* Returns the sequence number (host order) of the TCP header at tcp. */
static inline uint32_t
net_tcp_sequence(const uint8_t *tcp)
{
	return net_get_be32(tcp + NET_TCP_OFF_SEQUENCE);
}

/* Returns the acknowledgement number (host order) of the TCP header at tcp. */
static inline uint32_t
net_tcp_acknowledge(const uint8_t *tcp)
{
	return net_get_be32(tcp + NET_TCP_OFF_ACKNOWLEDGE);
}

/* Returns the flags byte (NET_TCP_FLAG_*) of the TCP header at tcp. */
static inline uint8_t
net_tcp_flags(const uint8_t *tcp)
{
	return tcp[NET_TCP_OFF_FLAGS];
}

/* Returns the header length in bytes (data offset * 4), options included. */
static inline uint32_t
net_tcp_header_len(const uint8_t *tcp)
{
	return (uint32_t)(tcp[NET_TCP_OFF_DATA_OFFSET] >> 4) * 4;
}

/*
 * Returns true if the len bytes at tcp hold a complete TCP header: the fixed 20 bytes, a data
 * offset of at least 5 words, and all the options the data offset announces.
 */
static inline bool
net_tcp_header_complete(const uint8_t *tcp, uint32_t len)
{
	uint32_t header_len;

	if (len < NET_TCP_HEADER_LEN)
		return false;
	header_len = net_tcp_header_len(tcp);
	return header_len >= NET_TCP_HEADER_LEN && header_len <= len;
}

#endif /* DSE_NET_TCP_H */
