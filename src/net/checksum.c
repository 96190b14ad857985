/*
 * Internet checksum (RFC 1071) over byte buffers. The sum is computed on native-order 32-bit
 * loads and byte-swapped once at the end, which RFC 1071 (section 2, "byte order independence")
 * shows gives the same result as summing big-endian 16-bit words.
 */
#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/ipv4.h"
#include "net/ipv6.h"

uint32_t
net_checksum_partial(const uint8_t *data, uint32_t len, uint32_t sum)
{
	uint64_t native = 0;
	uint32_t i = 0;
	uint16_t folded;

	for (; i + 4 <= len; i += 4) {
		uint32_t word;

		memcpy(&word, data + i, sizeof(word));
		native += word;
	}
	if (i + 2 <= len) {
		uint16_t half;

		memcpy(&half, data + i, sizeof(half));
		native += half;
		i += 2;
	}
	if (i < len) {
		/* The odd last byte is the high byte of a word whose low byte is zero. */
		uint16_t half = 0;

		memcpy(&half, data + i, 1);
		native += half;
	}
	native = (native & 0xffffffff) + (native >> 32);
	native = (native & 0xffffffff) + (native >> 32);
	folded = net_checksum_fold((uint32_t)native);
	return sum + net_swap16(folded);
}

uint16_t
net_checksum_update_bytes(uint16_t old_checksum, const uint8_t *old_bytes, const uint8_t *new_bytes,
                          uint32_t len)
{
	uint32_t sum = (uint16_t)~old_checksum;

	for (uint32_t i = 0; i + 2 <= len; i += 2) {
		sum += (uint16_t)~net_get_be16(old_bytes + i);
		sum += net_get_be16(new_bytes + i);
	}
	return (uint16_t)~net_checksum_fold(sum);
}

uint32_t
net_ipv4_pseudo_header_sum(const uint8_t *ip, uint8_t protocol, uint32_t l4_len)
{
	/* Source and destination are adjacent: one 8-byte run. */
	uint32_t sum = net_checksum_partial(ip + NET_IPV4_OFF_SRC, 8, 0);

	sum += protocol;
	sum += l4_len & 0xffff;
	sum += l4_len >> 16;
	return sum;
}

uint32_t
net_ipv6_pseudo_header_sum(const uint8_t *ip, uint8_t protocol, uint32_t l4_len)
{
	uint32_t sum = net_checksum_partial(ip + NET_IPV6_OFF_SRC, 2 * NET_IPV6_ADDR_LEN, 0);

	sum += l4_len & 0xffff;
	sum += l4_len >> 16;
	sum += protocol;
	return sum;
}

uint16_t
net_ipv4_l4_checksum(const uint8_t *ip, const uint8_t *l4, uint32_t l4_len)
{
	uint32_t sum = net_ipv4_pseudo_header_sum(ip, net_ipv4_protocol(ip), l4_len);

	return net_checksum_finish(net_checksum_partial(l4, l4_len, sum));
}

uint16_t
net_ipv6_l4_checksum(const uint8_t *ip, uint8_t protocol, const uint8_t *l4, uint32_t l4_len)
{
	uint32_t sum = net_ipv6_pseudo_header_sum(ip, protocol, l4_len);

	return net_checksum_finish(net_checksum_partial(l4, l4_len, sum));
}
