/*
 * Unit tests for src/net/gso.c: finding the L4 header, completing partial checksums and writing
 * GSO segment headers, checked against the RFC-level reference of gso_ref.h over random frames
 * (odd lengths, VLAN tags, IPv4 options, IPv6 extension headers, TCP options).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gso_ref.h"
#include "net/checksum.h"
#include "net/gso.h"
#include "net/ipproto.h"

static struct ref_frame frame;
static uint8_t seg[REF_MAX_FRAME];
static uint8_t want[REF_MAX_FRAME];

/* Locates the headers of every kind of random frame exactly where the generator put them. */
static void
test_locate(void **state)
{
	(void)state;
	for (unsigned n = 0; n < 400; n++) {
		bool v6 = n & 1, tcp = (n >> 1) & 1;
		unsigned tags = (n >> 2) % 3;
		uint32_t payload = ref_rand() % 3000;
		ref_make(&frame, v6, tcp, payload, tags);
		struct net_gso_hdr h;
		assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_OK);
		assert_int_equal(h.l2_len, frame.l3);
		assert_int_equal(h.l3_len, frame.l4 - frame.l3);
		assert_int_equal(h.l4_len, frame.payload - frame.l4);
		assert_int_equal(h.l4_proto, tcp ? NET_IPPROTO_TCP : NET_IPPROTO_UDP);
		assert_int_equal(h.ipv6, v6);
		assert_int_equal(h.l4_total, frame.len - frame.l4);
		/* Headers only (the payload elsewhere, as in a chain) are enough. */
		assert_int_equal(net_gso_locate(frame.bytes, frame.payload, &h), NET_GSO_OK);
		/* One byte short of the headers is not. */
		assert_int_equal(net_gso_locate(frame.bytes, frame.payload - 1, &h),
		                 NET_GSO_TRUNCATED);
	}
}

/* Refuses what carries no TCP/UDP header to work on. */
static void
test_locate_refuses(void **state)
{
	(void)state;
	struct net_gso_hdr h;
	ref_make(&frame, false, true, 100, 0);
	frame.bytes[frame.l3 + 6] = 0x20; /* MF: a first fragment */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_NOT_L4);
	ref_make(&frame, false, true, 100, 0);
	frame.bytes[frame.l3 + 9] = 1; /* ICMP */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_NOT_L4);
	ref_make(&frame, false, true, 100, 0);
	ref_put16(frame.bytes + 12, 0x0806); /* ARP */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_NOT_L4);
	ref_make(&frame, false, true, 100, 0);
	frame.bytes[frame.l4 + 12] = 0x40; /* TCP data offset 4 words */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_TRUNCATED);
	ref_make(&frame, false, true, 0, 0);
	ref_put16(frame.bytes + frame.l3 + 2, frame.l4 - frame.l3 + 10); /* IP ends in TCP */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_TRUNCATED);
	ref_make(&frame, true, false, 10, 2);
	frame.bytes[frame.l3] = 0x40; /* version 4 in an IPv6 ethertype */
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_NOT_L4);
	assert_int_equal(net_gso_locate(frame.bytes, 13, &h), NET_GSO_TRUNCATED);
	/* Three tags. */
	uint8_t three[80] = {0};
	ref_put16(three + 12, 0x8100);
	ref_put16(three + 16, 0x8100);
	ref_put16(three + 20, 0x8100);
	ref_put16(three + 24, 0x0800);
	assert_int_equal(net_gso_locate(three, sizeof(three), &h), NET_GSO_NOT_L4);
}

/* Completed partial checksums equal the reference's over random frames of every length. */
static void
test_complete_checksum(void **state)
{
	(void)state;
	for (unsigned n = 0; n < 1000; n++) {
		bool v6 = n & 1, tcp = (n >> 1) & 1;
		uint32_t payload = n < 64 ? n : ref_rand() % 9001;
		ref_make(&frame, v6, tcp, payload, (n >> 2) % 3);
		struct net_gso_hdr h;
		assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_OK);
		uint16_t expect = ref_l4_checksum(&frame, frame.bytes, frame.len - frame.l4);
		net_gso_complete_checksum(frame.bytes, &h);
		assert_int_equal(ref_get16(frame.bytes + ref_csum_off(&frame)), expect);
	}
}

/* A message summed in pieces of any length, odd positions included, sums as a whole. */
static void
test_checksum_pieces(void **state)
{
	(void)state;
	static uint8_t buf[5000];
	for (unsigned n = 0; n < 300; n++) {
		uint32_t len = ref_rand() % sizeof(buf);
		for (uint32_t i = 0; i < len; i++)
			buf[i] = (uint8_t)ref_rand();
		uint32_t sum = 0, pos = 0;
		while (pos < len) {
			uint32_t piece = 1 + ref_rand() % 97;
			if (piece > len - pos)
				piece = len - pos;
			sum = net_checksum_piece(buf + pos, piece, pos, sum);
			pos += piece;
		}
		assert_int_equal(net_checksum_fold(sum), ref_sum(buf, len, 0));
	}
}

/* Cuts frame (a GSO frame) at mss with the library and compares every segment, byte for byte,
 * with the reference's; returns the number of segments. */
static uint32_t
check_segments(uint32_t mss)
{
	struct net_gso_hdr h;
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_OK);
	uint32_t payload = frame.len - frame.payload;
	uint32_t nb = net_gso_nb_segments(payload, mss);
	uint32_t expect_nb = payload == 0 ? 1 : (payload + mss - 1) / mss;
	assert_int_equal(nb, expect_nb);
	for (uint32_t i = 0; i < nb; i++) {
		uint32_t off = i * mss;
		uint32_t len = payload - off < mss ? payload - off : mss;
		memcpy(seg, frame.bytes, frame.payload);
		memcpy(seg + frame.payload, frame.bytes + frame.payload + off, len);
		uint16_t pseudo = net_gso_write_segment_header(seg, &h, i, nb, off, len);
		uint32_t l4_len = frame.payload - frame.l4 + len;
		/* The field is left partial: the pseudo-header sum for this segment's length. */
		assert_int_equal(pseudo, ref_pseudo(&frame, seg, l4_len));
		assert_int_equal(ref_get16(seg + ref_csum_off(&frame)), pseudo);
		struct net_gso_hdr sh = h;
		sh.l4_total = l4_len;
		net_gso_complete_checksum(seg, &sh);
		uint32_t want_len = ref_segment(&frame, mss, i, nb, want);
		assert_int_equal(frame.payload + len, want_len);
		assert_memory_equal(seg, want, want_len);
	}
	return nb;
}

/* TCP over IPv4 and IPv6 at several MSS: exact multiples, a short last segment, one byte. */
static void
test_segments(void **state)
{
	(void)state;
	static const uint32_t mss[] = {536, 1000, 1220, 1448, 1460, 8948};
	for (unsigned v6 = 0; v6 < 2; v6++) {
		for (unsigned m = 0; m < sizeof(mss) / sizeof(mss[0]); m++) {
			uint32_t sizes[] = {1,
			                    mss[m] - 1,
			                    mss[m],
			                    mss[m] + 1,
			                    2 * mss[m],
			                    3 * mss[m] + 7,
			                    45 * mss[m] < 65000 ? 45 * mss[m] : 65000 - 200,
			                    ref_rand() % 60000};
			for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
				ref_make(&frame, v6, true, sizes[s], s % 3);
				uint32_t nb = check_segments(mss[m]);
				if (sizes[s] == 2 * mss[m])
					assert_int_equal(nb, 2);
			}
		}
	}
	/* UDP (USO): each segment its own datagram. */
	ref_make(&frame, false, false, 4000, 0);
	assert_int_equal(check_segments(1472), 3);
	ref_make(&frame, true, false, 2904, 1);
	assert_int_equal(check_segments(1452), 2);
}

/* Flags: FIN and PSH on the last segment only, CWR on the first only, the rest everywhere. */
static void
test_segment_flags(void **state)
{
	(void)state;
	ref_make(&frame, false, true, 3000, 0);
	frame.bytes[frame.l4 + 13] = 0x10 | 0x80 | 0x40 | 0x08 | 0x01; /* ACK CWR ECE PSH FIN */
	ref_put16(frame.bytes + frame.l3 + 4, 0xffff);                 /* the id wraps */
	struct net_gso_hdr h;
	assert_int_equal(net_gso_locate(frame.bytes, frame.len, &h), NET_GSO_OK);
	uint8_t flags[3];
	uint32_t ids[3];
	for (uint32_t i = 0; i < 3; i++) {
		memcpy(seg, frame.bytes, frame.payload);
		net_gso_write_segment_header(seg, &h, i, 3, i * 1000, 1000);
		flags[i] = seg[frame.l4 + 13];
		ids[i] = ref_get16(seg + frame.l3 + 4);
		assert_int_equal(ref_get32(seg + frame.l4 + 4),
		                 ref_get32(frame.bytes + frame.l4 + 4) + i * 1000);
	}
	assert_int_equal(flags[0], 0x10 | 0x80 | 0x40);
	assert_int_equal(flags[1], 0x10 | 0x40);
	assert_int_equal(flags[2], 0x10 | 0x40 | 0x08 | 0x01);
	assert_int_equal(ids[0], 0xffff);
	assert_int_equal(ids[1], 0);
	assert_int_equal(ids[2], 1);
	assert_int_equal(check_segments(1000), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_locate),
	    cmocka_unit_test(test_locate_refuses),
	    cmocka_unit_test(test_complete_checksum),
	    cmocka_unit_test(test_checksum_pieces),
	    cmocka_unit_test(test_segments),
	    cmocka_unit_test(test_segment_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
