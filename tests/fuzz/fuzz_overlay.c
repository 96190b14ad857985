/*
 * libFuzzer target for the overlay's reading of tunnel packets (src/overlay/overlay_parse.h:
 * outer IPv4/UDP, Geneve per RFC 8926 with its options, VXLAN per RFC 7348). The input is a
 * frame; it is read at the IPv4 offset the frame parser finds and at the plain Ethernet offset,
 * and the promises the decap node relies on are checked: an accepted packet's inner frame lies
 * inside the input and holds at least an Ethernet header.
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/parse.h"
#include "overlay/overlay_parse.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void
check(const uint8_t *data, uint32_t len, uint32_t l3)
{
	struct overlay_decap d;
	enum overlay_parse_result r = overlay_decap_parse(data, len, l3, &d);
	CHECK((unsigned)r < OVP_RESULT_COUNT);
	if (r != OVP_OK)
		return;
	CHECK(d.inner_len >= 14);
	CHECK((uint32_t)d.inner_offset + d.inner_len <= len);
	CHECK(d.inner_offset >= l3 + 20 + 8 + 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t len = size > 65535 ? 65535 : (uint32_t)size;
	struct net_parsed p;

	check(data, len, 14);
	if (net_parse_frame(data, len, &p) == NET_PARSE_OK && p.ethertype == 0x0800)
		check(data, len, p.l3_offset);
	if (len > 0)
		check(data, len, data[0]);
	return 0;
}
