/*
 * What the control plane needs to know of the transmit side: the latency histogram's bucket
 * scheme (four buckets per power of two of TSC cycles).
 */
#ifndef DSE_CORE_PORT_TX_H
#define DSE_CORE_PORT_TX_H

#include <stdint.h>

#define LATENCY_BUCKETS 64

/* Bucket of a duration in cycles: 4 per power of two from 2^4 up, the last one open-ended. */
static inline unsigned
latency_bucket(uint64_t cycles)
{
	if (cycles < 16)
		return 0;
	unsigned msb = 63 - (unsigned)__builtin_clzll(cycles);
	unsigned b = (msb - 4) * 4 + (unsigned)((cycles >> (msb - 2)) & 3) + 1;
	return b < LATENCY_BUCKETS ? b : LATENCY_BUCKETS - 1;
}

/* Smallest duration in cycles that falls into bucket b. */
static inline uint64_t
latency_bucket_floor(unsigned b)
{
	if (b == 0)
		return 0;
	unsigned msb = (b - 1) / 4 + 4;
	return (1ull << msb) | ((uint64_t)((b - 1) % 4) << (msb - 2));
}

#endif
