/*
 * Unit tests of the TCP connection tracker (src/firewall/ct_tcp.c): the state machine through
 * handshake, data, close and reset, and the sequence-window checks that make out-of-window
 * segments, bad resets and segments out of place invalid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* The tracker is hot-path code built into dsed; compile it here as it is. */
#include "flow/ct_tcp.c"

#define F_S  NET_TCP_FLAG_SYN
#define F_A  NET_TCP_FLAG_ACK
#define F_F  NET_TCP_FLAG_FIN
#define F_R  NET_TCP_FLAG_RST
#define ISS1 1000u
#define ISS2 0xfffff000u /* wraps during the test */

static uint8_t seg_buf[64];

/* Builds a segment (no options unless wscale >= 0) with len bytes of data. */
static struct ct_pkt
seg(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win, uint32_t len, int wscale)
{
	memset(seg_buf, 0, sizeof(seg_buf));
	net_put_be32(seg_buf + NET_TCP_OFF_SEQUENCE, seq);
	net_put_be32(seg_buf + NET_TCP_OFF_ACKNOWLEDGE, ack);
	net_put_be16(seg_buf + NET_TCP_OFF_WINDOW, win);
	seg_buf[NET_TCP_OFF_FLAGS] = flags;
	uint32_t hlen = 20;
	if (wscale >= 0) {
		seg_buf[20] = 3;
		seg_buf[21] = 3;
		seg_buf[22] = (uint8_t)wscale;
		seg_buf[23] = 1;
		hlen = 24;
	}
	seg_buf[NET_TCP_OFF_DATA_OFFSET] = (uint8_t)((hlen / 4) << 4);
	return (struct ct_pkt){.l4 = seg_buf, .l4_len = hlen + len, .tcp_flags = flags};
}

/* Opens e through the three-way handshake. */
static void
handshake(struct ct_entry *e, int ws1, int ws2)
{
	memset(e, 0, sizeof(*e));
	struct ct_pkt p = seg(F_S, ISS1, 0, 65535, 0, ws1);
	assert_true(ct_proto_tcp.may_open(&p));
	ct_proto_tcp.open(e, &p);
	assert_int_equal(e->state, CT_TCP_SYN_SENT);
	p = seg(F_S | F_A, ISS2, ISS1 + 1, 65535, 0, ws2);
	assert_int_equal(ct_proto_tcp.track(e, CT_DIR_REPLY, &p), CT_OK);
	assert_int_equal(e->state, CT_TCP_SYN_RECV);
	p = seg(F_A, ISS1 + 1, ISS2 + 1, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(e, CT_DIR_ORIG, &p), CT_OK);
	assert_int_equal(e->state, CT_TCP_ESTABLISHED);
}

static void
full_connection(void **state)
{
	(void)state;
	struct ct_entry e;
	handshake(&e, 7, 7);
	/* Data both ways, across the responder's sequence wrap. */
	struct ct_pkt p = seg(F_A, ISS1 + 1, ISS2 + 1, 512, 1000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	p = seg(F_A, ISS2 + 1, ISS1 + 1001, 512, 8000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_A, ISS1 + 1001, ISS2 + 8001, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	/* A retransmission of old data is fine. */
	p = seg(F_A, ISS1 + 1, ISS2 + 8001, 512, 1000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	/* Close: FIN from the originator, ACK, FIN from the responder, ACK. */
	p = seg(F_F | F_A, ISS1 + 1001, ISS2 + 8001, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_FIN_WAIT);
	p = seg(F_A, ISS2 + 8001, ISS1 + 1002, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_F | F_A, ISS2 + 8001, ISS1 + 1002, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_CLOSING);
	p = seg(F_A, ISS1 + 1002, ISS2 + 8002, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_TIME_WAIT);
	/* A new SYN on the same ports re-opens it. */
	p = seg(F_S, ISS1 + 50000, 0, 65535, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_REOPEN);
}

static void
window_checks(void **state)
{
	(void)state;
	struct ct_entry e;
	handshake(&e, -1, -1);
	/* Far beyond what the responder allowed. */
	struct ct_pkt p = seg(F_A, ISS1 + 1 + 0x40000000, ISS2 + 1, 512, 10, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OUT_OF_WINDOW);
	/* Far behind. */
	p = seg(F_A, ISS1 - 0x40000000, ISS2 + 1, 512, 10, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OUT_OF_WINDOW);
	/* Acknowledging data the responder never sent. */
	p = seg(F_A, ISS1 + 1, ISS2 + 100000, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OUT_OF_WINDOW);
	/* Reset outside the window, then inside. */
	p = seg(F_R, ISS2 + 0x50000000, 0, 0, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_BAD_RST);
	assert_int_equal(e.state, CT_TCP_ESTABLISHED);
	p = seg(F_R, ISS2 + 1, 0, 0, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_CLOSED);
}

/* GSO frames: one segment carries up to 64 KiB of a workload's data, as its IP length says;
 * the window follows it and the peer's acknowledgement of all of it is in the window. */
static void
gso_frames(void **state)
{
	(void)state;
	struct ct_entry e;
	handshake(&e, 7, 7);
	struct ct_pkt p = seg(F_A, ISS2 + 1, ISS1 + 1, 1024, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_A, ISS1 + 1, ISS2 + 1, 512, 65000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	p = seg(F_A, ISS2 + 1, ISS1 + 65001, 1024, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_A, ISS1 + 65001, ISS2 + 1, 512, 65000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	p = seg(F_A, ISS2 + 1, ISS1 + 130001, 1024, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_ESTABLISHED);
}

static void
window_scaling(void **state)
{
	(void)state;
	struct ct_entry e;
	handshake(&e, 7, 7);
	/* The responder advertises 512 << 7 = 64 KiB: the originator may send that far. */
	struct ct_pkt p = seg(F_A, ISS2 + 1, ISS1 + 1, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_A, ISS1 + 1 + 60000, ISS2 + 1, 512, 1000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OK);
	/* Without scaling on both sides, the same segment is beyond the window. */
	handshake(&e, 7, -1);
	p = seg(F_A, ISS2 + 1, ISS1 + 1, 512, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	p = seg(F_A, ISS1 + 1 + 100000, ISS2 + 1, 512, 1000, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_OUT_OF_WINDOW);
	p = seg(F_S, 1, 0, 1, 0, 14);
	assert_int_equal(ct_tcp_wscale(p.l4, p.l4_len), 14);
	p = seg(F_S, 1, 0, 1, 0, 200);
	assert_int_equal(ct_tcp_wscale(p.l4, p.l4_len), 14);
	p = seg(F_S, 1, 0, 1, 0, -1);
	assert_int_equal(ct_tcp_wscale(p.l4, p.l4_len), 0xf);
}

static void
out_of_place(void **state)
{
	(void)state;
	struct ct_entry e;
	memset(&e, 0, sizeof(e));
	struct ct_pkt p = seg(F_S | F_A, ISS2, ISS1 + 1, 65535, 0, -1);
	assert_false(ct_proto_tcp.may_open(&p));
	p = seg(F_A, ISS1, 0, 1, 0, -1);
	assert_false(ct_proto_tcp.may_open(&p));
	p = seg(F_S, ISS1, 0, 65535, 0, -1);
	ct_proto_tcp.open(&e, &p);
	/* SYN-ACK acknowledging something else. */
	p = seg(F_S | F_A, ISS2, ISS1 + 7, 65535, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OUT_OF_WINDOW);
	/* Data before the handshake. */
	p = seg(F_A, ISS2, ISS1 + 1, 65535, 10, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_UNEXPECTED);
	/* A reset answering the SYN must acknowledge it. */
	p = seg(F_R | F_A, 0, ISS1 + 5, 0, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_BAD_RST);
	/* Flags never valid. */
	p = seg(F_S | F_F, ISS1, 0, 1, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_INVALID_FLAGS);
	p = seg(0, ISS1, 0, 1, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_INVALID_FLAGS);
	p = seg(F_R | F_A, 0, ISS1 + 1, 0, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_REPLY, &p), CT_OK);
	assert_int_equal(e.state, CT_TCP_CLOSED);
	/* SYN in an established connection. */
	handshake(&e, -1, -1);
	p = seg(F_S, ISS1 + 5, 0, 1, 0, -1);
	assert_int_equal(ct_proto_tcp.track(&e, CT_DIR_ORIG, &p), CT_UNEXPECTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(full_connection), cmocka_unit_test(window_checks),
	    cmocka_unit_test(window_scaling),  cmocka_unit_test(gso_frames),
	    cmocka_unit_test(out_of_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
