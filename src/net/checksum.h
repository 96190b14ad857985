/*
 * The Internet checksum (RFC 1071), its incremental update after a field changes (RFC 1624,
 * equation 3), and the TCP/UDP/ICMPv6 checksums over the IPv4 (RFC 791/793) and IPv6 (RFC 8200,
 * section 8.1) pseudo-headers.
 *
 * Partial sums are 32-bit accumulators of 16-bit big-endian words taken as host-order numbers,
 * so they can be added together and with values read by net_get_be16(). Checksums are returned
 * in host order: store them with net_put_be16().
 */
#ifndef DSE_NET_CHECKSUM_H
#define DSE_NET_CHECKSUM_H

#include <stdint.h>

/*
 * Adds the len bytes at data to the partial sum and returns the new partial sum. Only the last
 * piece of a message may have an odd length (it is padded with a zero byte).
 */
uint32_t net_checksum_partial(const uint8_t *data, uint32_t len, uint32_t sum);

/* Folds a partial sum to 16 bits (end-around carry), without complementing it. */
static inline uint16_t
net_checksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Returns the checksum (one's complement of the folded sum) for a partial sum, host order. */
static inline uint16_t
net_checksum_finish(uint32_t sum)
{
	return (uint16_t)~net_checksum_fold(sum);
}

/*
 * Returns the Internet checksum of len bytes at data, host order. Over data that includes a
 * correct checksum field the result is 0.
 */
static inline uint16_t
net_checksum(const uint8_t *data, uint32_t len)
{
	return net_checksum_finish(net_checksum_partial(data, len, 0));
}

/*
 * Returns the checksum after a 16-bit field covered by old_checksum changed from old_value to
 * new_value (all host order), per RFC 1624: HC' = ~(~HC + ~m + m').
 */
static inline uint16_t
net_checksum_update16(uint16_t old_checksum, uint16_t old_value, uint16_t new_value)
{
	uint32_t sum = (uint16_t)~old_checksum;

	sum += (uint16_t)~old_value;
	sum += new_value;
	return (uint16_t)~net_checksum_fold(sum);
}

/* Same as net_checksum_update16() for a 32-bit field (an IPv4 address, a TCP sequence). */
static inline uint16_t
net_checksum_update32(uint16_t old_checksum, uint32_t old_value, uint32_t new_value)
{
	uint32_t sum = (uint16_t)~old_checksum;

	sum += (uint16_t) ~(old_value >> 16);
	sum += (uint16_t) ~(old_value & 0xffff);
	sum += new_value >> 16;
	sum += new_value & 0xffff;
	return (uint16_t)~net_checksum_fold(sum);
}

/*
 * Same as net_checksum_update16() for a field of len bytes (even, e.g. an IPv6 address or a
 * MAC) at an even offset of the checksummed data, changing from old_bytes to new_bytes.
 */
uint16_t net_checksum_update_bytes(uint16_t old_checksum, const uint8_t *old_bytes,
                                   const uint8_t *new_bytes, uint32_t len);

/*
 * Returns the partial sum of the IPv4 pseudo-header for the IPv4 header at ip: source,
 * destination, protocol and l4_len, the length of the L4 header plus payload.
 */
uint32_t net_ipv4_pseudo_header_sum(const uint8_t *ip, uint8_t protocol, uint32_t l4_len);

/*
 * Returns the partial sum of the IPv6 pseudo-header for the IPv6 header at ip: source,
 * destination, l4_len and protocol (the upper-layer one, after any extension headers).
 */
uint32_t net_ipv6_pseudo_header_sum(const uint8_t *ip, uint8_t protocol, uint32_t l4_len);

/*
 * Returns the TCP/UDP checksum (host order) of the l4_len bytes at l4 carried in the IPv4 header
 * at ip, with the protocol taken from that header. Computed with the checksum field zeroed it is
 * the value to store (for UDP, store 0xffff if it is 0); computed over a received segment it is 0
 * when the checksum is right.
 */
uint16_t net_ipv4_l4_checksum(const uint8_t *ip, const uint8_t *l4, uint32_t l4_len);

/*
 * Returns the TCP/UDP/ICMPv6 checksum (host order) of the l4_len bytes at l4 carried with
 * upper-layer protocol in the IPv6 header at ip. Same conventions as net_ipv4_l4_checksum().
 */
uint16_t net_ipv6_l4_checksum(const uint8_t *ip, uint8_t protocol, const uint8_t *l4,
                              uint32_t l4_len);

#endif /* DSE_NET_CHECKSUM_H */
