/*
 * Unit tests of the answers the engine builds to a packet (src/net): the ICMP/ICMPv6 error
 * (icmp_error.c), in place over the packet it quotes and into a separate buffer, and the TCP
 * reset (tcp_reset.c): every field, lengths and checksums.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/byteorder.h"
#include "net/checksum.h"
#include "net/icmp.h"
#include "net/icmp_error.h"
#include "net/ipproto.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/tcp.h"
#include "net/tcp_reset.h"

#define SRC4 0xc6120001u /* 198.18.0.1 */
#define DST4 0xc6120002u /* 198.18.0.2 */

/* Writes an IPv4/UDP packet of len bytes (payload bytes 0xab). */
static void
make_udp4(uint8_t *ip, uint16_t len)
{
	memset(ip, 0xab, len);
	net_ipv4_write_header(ip, 0, len, 7, NET_IPV4_FLAG_DONT_FRAGMENT, 64, NET_IPPROTO_UDP, SRC4,
	                      DST4);
	net_put_be16(ip + NET_IPV4_OFF_CHECKSUM, net_checksum(ip, NET_IPV4_HEADER_LEN));
}

static void
test_icmp4_frag_needed(void **state)
{
	(void)state;
	uint8_t pkt[100], out[200];
	make_udp4(pkt, sizeof(pkt));
	const struct net_icmp_error e = {.type = NET_ICMP_DEST_UNREACHABLE,
	                                 .code = NET_ICMP_FRAG_NEEDED_CODE,
	                                 .info = 1400,
	                                 .ttl = 64};
	int len = net_icmp_error_build(out, sizeof(out), pkt, 48, false, &e);
	assert_int_equal(len, 20 + 8 + 48);
	assert_int_equal(net_get_be16(out + NET_IPV4_OFF_TOTAL_LENGTH), 76);
	assert_int_equal(net_get_be16(out + NET_IPV4_OFF_FRAGMENT), 0);
	assert_int_equal(out[NET_IPV4_OFF_TTL], 64);
	assert_int_equal(out[NET_IPV4_OFF_PROTOCOL], NET_IPPROTO_ICMP);
	assert_int_equal(net_ipv4_src(out), DST4);
	assert_int_equal(net_ipv4_dst(out), SRC4);
	assert_int_equal(net_checksum(out, 20), 0);
	const uint8_t *icmp = out + 20;
	assert_int_equal(icmp[0], NET_ICMP_DEST_UNREACHABLE);
	assert_int_equal(icmp[1], NET_ICMP_FRAG_NEEDED_CODE);
	assert_int_equal(net_get_be16(icmp + 4), 0);
	assert_int_equal(net_get_be16(icmp + 6), 1400);
	assert_memory_equal(icmp + 8, pkt, 48);
	assert_int_equal(net_checksum(icmp, 8 + 48), 0);
	/* Too small a buffer: nothing built. */
	assert_int_equal(net_icmp_error_build(out, 75, pkt, 48, false, &e), -1);
}

static void
test_icmp4_in_place(void **state)
{
	(void)state;
	/* The answer written 4 bytes before the packet it quotes, in the same buffer. */
	uint8_t buf[200], copy[60];
	make_udp4(buf + 4, 60);
	memcpy(copy, buf + 4, 60);
	const struct net_icmp_error e = {
	    .type = NET_ICMP_DEST_UNREACHABLE, .code = 13, .ttl = 64, .dont_fragment = true};
	int len = net_icmp_error_build(buf, sizeof(buf), buf + 4, 60, false, &e);
	assert_int_equal(len, 88);
	assert_int_equal(net_get_be16(buf + NET_IPV4_OFF_FRAGMENT), NET_IPV4_FLAG_DONT_FRAGMENT);
	assert_int_equal(net_ipv4_src(buf), DST4);
	assert_int_equal(net_ipv4_dst(buf), SRC4);
	assert_memory_equal(buf + 28, copy, 60);
	assert_int_equal(net_checksum(buf + 20, 68), 0);
}

static void
test_icmp6_too_big(void **state)
{
	(void)state;
	uint8_t pkt[80], out[200];
	memset(pkt, 0x5a, sizeof(pkt));
	net_put_be32(pkt, 6u << 28);
	net_put_be16(pkt + NET_IPV6_OFF_PAYLOAD_LENGTH, 40);
	pkt[NET_IPV6_OFF_NEXT_HEADER] = NET_IPPROTO_UDP;
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	        b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
	memcpy(pkt + NET_IPV6_OFF_SRC, a, 16);
	memcpy(pkt + NET_IPV6_OFF_DST, b, 16);
	const struct net_icmp_error e = {
	    .type = NET_ICMPV6_PACKET_TOO_BIG, .info = 1280, .ttl = 255};
	int len = net_icmp_error_build(out, sizeof(out), pkt, sizeof(pkt), true, &e);
	assert_int_equal(len, 40 + 8 + 80);
	assert_int_equal(out[0] >> 4, 6);
	assert_int_equal(net_get_be16(out + NET_IPV6_OFF_PAYLOAD_LENGTH), 88);
	assert_int_equal(out[NET_IPV6_OFF_NEXT_HEADER], NET_IPPROTO_ICMPV6);
	assert_int_equal(out[NET_IPV6_OFF_HOP_LIMIT], 255);
	assert_memory_equal(out + NET_IPV6_OFF_SRC, b, 16);
	assert_memory_equal(out + NET_IPV6_OFF_DST, a, 16);
	const uint8_t *icmp = out + 40;
	assert_int_equal(icmp[0], NET_ICMPV6_PACKET_TOO_BIG);
	assert_int_equal(icmp[1], 0);
	assert_int_equal(net_get_be32(icmp + 4), 1280);
	assert_memory_equal(icmp + 8, pkt, 80);
	assert_int_equal(net_ipv6_l4_checksum(out, NET_IPPROTO_ICMPV6, icmp, 88), 0);
}

/* Writes an IPv4/TCP segment with flags, sequence and acknowledgement and data bytes. */
static void
make_tcp4(uint8_t *ip, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t data)
{
	uint16_t len = (uint16_t)(20 + 20 + data);
	memset(ip, 0, len);
	net_ipv4_write_header(ip, 0, len, 1, 0, 64, NET_IPPROTO_TCP, SRC4, DST4);
	uint8_t *tcp = ip + 20;
	net_put_be16(tcp, 40000);
	net_put_be16(tcp + 2, 80);
	net_put_be32(tcp + NET_TCP_OFF_SEQUENCE, seq);
	net_put_be32(tcp + NET_TCP_OFF_ACKNOWLEDGE, ack);
	tcp[NET_TCP_OFF_DATA_OFFSET] = 5 << 4;
	tcp[NET_TCP_OFF_FLAGS] = flags;
}

static void
test_tcp_reset(void **state)
{
	(void)state;
	uint8_t pkt[100], out[100];

	/* A SYN: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>. */
	make_tcp4(pkt, NET_TCP_FLAG_SYN, 1000, 0, 0);
	int len = net_tcp_reset_build(out, sizeof(out), pkt, pkt + 20, false);
	assert_int_equal(len, 40);
	assert_int_equal(net_ipv4_src(out), DST4);
	assert_int_equal(net_ipv4_dst(out), SRC4);
	assert_int_equal(net_get_be16(out + NET_IPV4_OFF_FRAGMENT), NET_IPV4_FLAG_DONT_FRAGMENT);
	assert_int_equal(net_checksum(out, 20), 0);
	const uint8_t *t = out + 20;
	assert_int_equal(net_get_be16(t), 80);
	assert_int_equal(net_get_be16(t + 2), 40000);
	assert_int_equal(net_tcp_sequence(t), 0);
	assert_int_equal(net_tcp_acknowledge(t), 1001);
	assert_int_equal(t[NET_TCP_OFF_FLAGS], NET_TCP_FLAG_RST | NET_TCP_FLAG_ACK);
	assert_int_equal(net_ipv4_l4_checksum(out, t, 20), 0);

	/* Data with ACK: <SEQ=SEG.ACK><CTL=RST>, in place over the segment. */
	make_tcp4(pkt, NET_TCP_FLAG_ACK | NET_TCP_FLAG_PSH, 5000, 7000, 30);
	len = net_tcp_reset_build(pkt, sizeof(pkt), pkt, pkt + 20, false);
	assert_int_equal(len, 40);
	assert_int_equal(net_tcp_sequence(pkt + 20), 7000);
	assert_int_equal(net_tcp_acknowledge(pkt + 20), 0);
	assert_int_equal(pkt[20 + NET_TCP_OFF_FLAGS], NET_TCP_FLAG_RST);
	assert_int_equal(net_ipv4_src(pkt), DST4);

	/* A FIN with data and no ACK: the ACK covers data and FIN. */
	make_tcp4(pkt, NET_TCP_FLAG_FIN, 100, 0, 10);
	assert_int_equal(net_tcp_reset_build(out, sizeof(out), pkt, pkt + 20, false), 40);
	assert_int_equal(net_tcp_acknowledge(out + 20), 111);

	/* Never a reset for a reset. */
	make_tcp4(pkt, NET_TCP_FLAG_RST, 100, 0, 0);
	assert_int_equal(net_tcp_reset_build(out, sizeof(out), pkt, pkt + 20, false), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_icmp4_frag_needed),
	    cmocka_unit_test(test_icmp4_in_place),
	    cmocka_unit_test(test_icmp6_too_big),
	    cmocka_unit_test(test_tcp_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
