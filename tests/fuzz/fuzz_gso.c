/*
 * libFuzzer target for src/net/gso.c: the L4 header finder runs on the input as the first
 * buffer of a frame, and on what it accepts the invariants the offload code relies on are
 * checked: the headers lie within the readable bytes and the IP length; a completed checksum
 * verifies; the segment headers of a cut (MSS from the input) keep their lengths consistent.
 * Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/gso.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"

#define FUZZ_MAX_FRAME 9100

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FUZZ_MAX_FRAME];
	static uint8_t hdr[FUZZ_MAX_FRAME];
	uint32_t len = size > FUZZ_MAX_FRAME ? FUZZ_MAX_FRAME : (uint32_t)size;
	struct net_gso_hdr h;

	memcpy(frame, data, len);
	if (net_gso_locate(frame, len, &h) != NET_GSO_OK)
		return 0;
	uint32_t hdr_len = (uint32_t)h.l2_len + h.l3_len + h.l4_len;
	CHECK(hdr_len <= len);
	CHECK(h.l4_total >= h.l4_len);
	CHECK(h.l4_proto == NET_IPPROTO_TCP || h.l4_proto == NET_IPPROTO_UDP);
	if ((uint32_t)h.l2_len + h.l3_len + h.l4_total > len)
		return 0;
	/* Made partial as a sender leaves it, then completed, a checksum verifies over the
	 * pseudo-header and the L4 part. */
	const uint8_t *ip = frame + h.l2_len;
	uint8_t *l4 = frame + h.l2_len + h.l3_len;
	net_put_be16(l4 + net_gso_csum_offset(&h), net_gso_pseudo_sum(frame, &h, h.l4_total));
	net_gso_complete_checksum(frame, &h);
	uint32_t sum = h.ipv6 ? net_ipv6_pseudo_header_sum(ip, h.l4_proto, h.l4_total)
	                      : net_ipv4_pseudo_header_sum(ip, h.l4_proto, h.l4_total);
	CHECK(net_checksum_fold(net_checksum_partial(l4, h.l4_total, sum)) == 0xffff ||
	      net_checksum_finish(net_checksum_partial(l4, h.l4_total, sum)) == 0);
	/* Segment headers of a cut at an MSS taken from the input. */
	uint32_t payload = net_gso_payload_len(&h);
	uint32_t mss = 1 + (len > 0 ? data[len - 1] : 0) * 8;
	uint32_t nb = net_gso_nb_segments(payload, mss);
	for (uint32_t i = 0, off = 0; i < nb; i++) {
		uint32_t seg = payload - off < mss ? payload - off : mss;
		memcpy(hdr, frame, hdr_len);
		net_gso_write_segment_header(hdr, &h, i, nb, off, seg);
		struct net_gso_hdr again;
		CHECK(net_gso_locate(hdr, hdr_len, &again) == NET_GSO_OK);
		CHECK(again.l4_total == h.l4_len + seg);
		if (!h.ipv6)
			CHECK(net_checksum(hdr + h.l2_len, h.l3_len) == 0);
		off += seg;
	}
	return 0;
}
