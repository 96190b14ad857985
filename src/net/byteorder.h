/*
 * Big-endian field access for packet headers. Packet headers sit at any byte offset in a frame,
 * so every multi-byte field is read and written through memcpy (one unaligned load or store on
 * the targets we care about) and converted from network order here, never by casting a buffer
 * to a wider type.
 */
#ifndef DSE_NET_BYTEORDER_H
#define DSE_NET_BYTEORDER_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define NET_HOST_IS_BIG_ENDIAN 1
#else
#define NET_HOST_IS_BIG_ENDIAN 0
#endif

/* Converts a 16-bit value between host and network order (the same operation both ways). */
static inline uint16_t
net_swap16(uint16_t value)
{
	return NET_HOST_IS_BIG_ENDIAN ? value : __builtin_bswap16(value);
}

/* Converts a 32-bit value between host and network order (the same operation both ways). */
static inline uint32_t
net_swap32(uint32_t value)
{
	return NET_HOST_IS_BIG_ENDIAN ? value : __builtin_bswap32(value);
}

/* Reads the big-endian 16-bit field at p (any alignment) and returns it in host order. */
static inline uint16_t
net_get_be16(const uint8_t *p)
{
	uint16_t value;

	memcpy(&value, p, sizeof(value));
	return net_swap16(value);
}

/* Reads the big-endian 32-bit field at p (any alignment) and returns it in host order. */
static inline uint32_t
net_get_be32(const uint8_t *p)
{
	uint32_t value;

	memcpy(&value, p, sizeof(value));
	return net_swap32(value);
}

/* Writes the host-order value as a big-endian 16-bit field at p (any alignment). */
static inline void
net_put_be16(uint8_t *p, uint16_t value)
{
	value = net_swap16(value);
	memcpy(p, &value, sizeof(value));
}

/* Writes the host-order value as a big-endian 32-bit field at p (any alignment). */
static inline void
net_put_be32(uint8_t *p, uint32_t value)
{
	value = net_swap32(value);
	memcpy(p, &value, sizeof(value));
}

/* Reads the big-endian 24-bit field at p (VNIs are 24 bits) and returns it in host order. */
static inline uint32_t
net_get_be24(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

/* Writes the low 24 bits of value as a big-endian 24-bit field at p. */
static inline void
net_put_be24(uint8_t *p, uint32_t value)
{
	p[0] = (uint8_t)(value >> 16);
	p[1] = (uint8_t)(value >> 8);
	p[2] = (uint8_t)value;
}

#endif /* DSE_NET_BYTEORDER_H */
