/*
 * Unit tests for offload_tx_prepare() (src/core/offload.c) over real mbufs: frames from the
 * gso_ref.h generator, cut into chains at random (odd) buffer boundaries and marked as the ports
 * mark them (partial checksum, GSO with tso_segsz), prepared for devices with each set of
 * capabilities; the output must equal the reference's segments byte for byte, or carry exactly
 * the TX offload fields DPDK's drivers expect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_eal.h>
#include <rte_mbuf.h>

#include "core/offload.h"
#include "core/pkt_meta.h"
#include "gso_ref.h"

#define MAX_OUT 64

static struct rte_mempool *pool;
static struct ref_frame frame;
static uint8_t want[REF_MAX_FRAME];
static const struct dse_tx_caps no_caps = {false, false, false};

/* Copies frame into a chain of buffers of random sizes (1..max_piece bytes; the headers in
 * the first), with the offload marks a port sets. */
static struct rte_mbuf *
make_chain(uint32_t max_piece, bool gso, uint16_t mss)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;
	while (off < frame.len) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		uint32_t n = head == NULL ? frame.payload : 1 + ref_rand() % max_piece;
		if (n > frame.len - off)
			n = frame.len - off;
		if (n > rte_pktmbuf_tailroom(m))
			n = rte_pktmbuf_tailroom(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)n), frame.bytes + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += n;
		}
		last = m;
	}
	head->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE | (gso ? RTE_MBUF_F_RX_LRO : 0);
	head->tso_segsz = gso ? mss : 0;
	dse_meta(head)->out_port = 7;
	dse_meta(head)->segment = 3;
	return head;
}

/* Copies the bytes of chain m into buf; returns its length. */
static uint32_t
flatten(const struct rte_mbuf *m, uint8_t *buf)
{
	uint32_t n = 0;
	for (; m != NULL; m = m->next) {
		memcpy(buf + n, rte_pktmbuf_mtod(m, const uint8_t *), m->data_len);
		n += m->data_len;
	}
	return n;
}

/* GSO frames cut in software equal the reference's segments: v4/v6, TCP/UDP, chains. */
static void
test_segment_software(void **state)
{
	(void)state;
	static const uint16_t mss[] = {536, 1448, 1460, 1000};
	static uint8_t got[REF_MAX_FRAME];
	unsigned before = rte_mempool_avail_count(pool);
	for (unsigned n = 0; n < 200; n++) {
		bool v6 = n & 1, tcp = (n & 2) || n % 7 != 0;
		uint16_t m_ss = mss[(n >> 2) % 4];
		uint32_t payload = n % 5 == 0 ? 3u * m_ss : 1 + ref_rand() % 62000;
		ref_make(&frame, v6, tcp, payload, n % 3);
		uint32_t nb = (payload + m_ss - 1) / m_ss;
		if (nb > MAX_OUT)
			continue;
		struct rte_mbuf *m = make_chain(n % 2 ? 2000 : 333, true, m_ss);
		struct rte_mbuf *out[MAX_OUT];
		enum dse_drop_reason why = DSE_DROP_NONE;
		uint16_t got_nb = offload_tx_prepare(m, &no_caps, pool, out, MAX_OUT, &why);
		assert_int_equal(got_nb, nb == 1 ? 1 : nb);
		assert_int_equal(why, DSE_DROP_NONE);
		for (uint32_t i = 0; i < got_nb; i++) {
			uint32_t want_len =
			    nb == 1 ? frame.len : ref_segment(&frame, m_ss, i, nb, want);
			if (nb == 1) {
				memcpy(want, frame.bytes, frame.len);
				ref_put16(want + ref_csum_off(&frame),
				          ref_l4_checksum(&frame, want, frame.len - frame.l4));
			}
			assert_int_equal(out[i]->pkt_len, want_len);
			assert_int_equal(flatten(out[i], got), want_len);
			assert_memory_equal(got, want, want_len);
			assert_int_equal(dse_meta(out[i])->out_port, 7);
			assert_int_equal(dse_meta(out[i])->segment, 3);
			assert_false(offload_pending(out[i]));
			assert_int_equal(out[i]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
			rte_pktmbuf_free(out[i]);
		}
	}
	assert_int_equal(rte_mempool_avail_count(pool), before);
}

/* A device that completes checksums gets segments with partial checksums and the TX fields. */
static void
test_segment_partial(void **state)
{
	(void)state;
	const struct dse_tx_caps caps = {.l4_csum = true};
	for (unsigned v6 = 0; v6 < 2; v6++) {
		ref_make(&frame, v6, true, 4000, 1);
		struct rte_mbuf *m = make_chain(700, true, 1448);
		struct rte_mbuf *out[MAX_OUT];
		enum dse_drop_reason why = DSE_DROP_NONE;
		assert_int_equal(offload_tx_prepare(m, &caps, pool, out, MAX_OUT, &why), 3);
		for (uint32_t i = 0; i < 3; i++) {
			uint32_t len = ref_segment(&frame, 1448, i, 3, want);
			uint32_t l4_len = len - frame.l4;
			ref_put16(want + ref_csum_off(&frame), ref_pseudo(&frame, want, l4_len));
			assert_int_equal(out[i]->data_len, len);
			assert_memory_equal(rte_pktmbuf_mtod(out[i], uint8_t *), want, len);
			assert_int_equal(out[i]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			                 (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
			                     RTE_MBUF_F_TX_TCP_CKSUM);
			assert_int_equal(out[i]->l2_len, frame.l3);
			assert_int_equal(out[i]->l3_len, frame.l4 - frame.l3);
			assert_int_equal(out[i]->l4_len, frame.payload - frame.l4);
			rte_pktmbuf_free(out[i]);
		}
	}
}

/* A TSO device gets the whole frame: DPDK's TSO fields, the pseudo-header sum without the
 * length in the TCP checksum, a zero IPv4 header checksum. */
static void
test_tso_device(void **state)
{
	(void)state;
	const struct dse_tx_caps caps = {.l4_csum = true, .tso = true, .multi_seg = true};
	for (unsigned v6 = 0; v6 < 2; v6++) {
		ref_make(&frame, v6, true, 30000, 0);
		struct rte_mbuf *m = make_chain(1500, true, 1448);
		struct rte_mbuf *out[MAX_OUT];
		enum dse_drop_reason why = DSE_DROP_NONE;
		assert_int_equal(offload_tx_prepare(m, &caps, pool, out, MAX_OUT, &why), 1);
		assert_ptr_equal(out[0], m);
		assert_int_equal(
		    m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
		    RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM |
		        (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM));
		assert_int_equal(m->tso_segsz, 1448);
		assert_int_equal(m->l4_len, frame.payload - frame.l4);
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		assert_int_equal(ref_get16(d + ref_csum_off(&frame)), ref_pseudo(&frame, d, 0));
		if (!v6)
			assert_int_equal(ref_get16(d + frame.l3 + 10), 0);
		rte_pktmbuf_free(m);
	}
	/* Without multi_seg a chain is cut in software instead. */
	const struct dse_tx_caps single = {.l4_csum = true, .tso = true};
	ref_make(&frame, false, true, 3000, 0);
	struct rte_mbuf *m = make_chain(500, true, 1448);
	struct rte_mbuf *out[MAX_OUT];
	enum dse_drop_reason why = DSE_DROP_NONE;
	assert_int_equal(offload_tx_prepare(m, &single, pool, out, MAX_OUT, &why), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(out[i]->nb_segs, 1);
		rte_pktmbuf_free(out[i]);
	}
}

/* Partial checksums: completed in software over chains, or handed to the device. */
static void
test_checksum_only(void **state)
{
	(void)state;
	for (unsigned n = 0; n < 300; n++) {
		ref_make(&frame, n & 1, n & 2, ref_rand() % (n % 50 < 5 ? 1500 : 9000), n % 3);
		struct rte_mbuf *m = make_chain(1 + n % 50, false, 0);
		const struct dse_tx_caps multi = {.multi_seg = true};
		struct rte_mbuf *out[MAX_OUT];
		enum dse_drop_reason why = DSE_DROP_NONE;
		assert_int_equal(offload_tx_prepare(m, &multi, pool, out, MAX_OUT, &why), 1);
		assert_ptr_equal(out[0], m);
		static uint8_t got[REF_MAX_FRAME];
		assert_int_equal(flatten(m, got), frame.len);
		memcpy(want, frame.bytes, frame.len);
		ref_put16(want + ref_csum_off(&frame),
		          ref_l4_checksum(&frame, want, frame.len - frame.l4));
		assert_memory_equal(got, want, frame.len);
		assert_false(offload_pending(m));
		rte_pktmbuf_free(m);
	}
	/* A chain for a device without multi_seg: linearised, the checksum left to it. */
	ref_make(&frame, true, false, 700, 0);
	struct rte_mbuf *m = make_chain(2000, false, 0);
	const struct dse_tx_caps csum = {.l4_csum = true};
	struct rte_mbuf *out[1];
	enum dse_drop_reason why = DSE_DROP_NONE;
	assert_int_equal(offload_tx_prepare(m, &csum, pool, out, 1, &why), 1);
	assert_int_equal(out[0]->nb_segs, 1);
	assert_int_equal(out[0]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
	                 RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM);
	assert_int_equal(out[0]->data_len, frame.len);
	assert_memory_equal(rte_pktmbuf_mtod(out[0], uint8_t *), frame.bytes, frame.len);
	rte_pktmbuf_free(out[0]);
}

/* Unmarked packets pass untouched; what cannot be handled is refused with its reason. */
static void
test_passthrough_and_refusals(void **state)
{
	(void)state;
	struct rte_mbuf *out[MAX_OUT];
	enum dse_drop_reason why = DSE_DROP_NONE;
	ref_make(&frame, false, true, 100, 0);
	struct rte_mbuf *m = make_chain(2000, false, 0);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	assert_int_equal(offload_tx_prepare(m, &no_caps, pool, out, MAX_OUT, &why), 1);
	assert_ptr_equal(out[0], m);
	static uint8_t got[REF_MAX_FRAME];
	assert_int_equal(flatten(m, got), frame.len);
	assert_memory_equal(got, frame.bytes, frame.len);
	rte_pktmbuf_free(m);

	ref_make(&frame, false, true, 60000, 0);
	m = make_chain(2000, true, 536); /* 112 segments */
	assert_int_equal(offload_tx_prepare(m, &no_caps, pool, out, MAX_OUT, &why), 0);
	assert_int_equal(why, DSE_DROP_GSO_TOO_MANY);
	rte_pktmbuf_free(m);

	m = make_chain(2000, true, 9000); /* a segment larger than a buffer */
	assert_int_equal(offload_tx_prepare(m, &no_caps, pool, out, MAX_OUT, &why), 0);
	assert_int_equal(why, DSE_DROP_GSO_SEG_TOO_BIG);
	rte_pktmbuf_free(m);

	ref_make(&frame, false, true, 100, 0);
	frame.bytes[frame.l3 + 9] = 1; /* ICMP */
	m = make_chain(2000, false, 0);
	assert_int_equal(offload_tx_prepare(m, &no_caps, pool, out, MAX_OUT, &why), 0);
	assert_int_equal(why, DSE_DROP_OFFLOAD_HEADERS);
	rte_pktmbuf_free(m);
}

static int
setup(void **state)
{
	(void)state;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=test-offload-%d", (int)getpid());
	char *argv[] = {"test_offload", "--no-huge",         "-m", "128", "--no-pci", "--lcores=0",
	                prefix,         "--log-level=error", NULL};
	if (rte_eal_init(8, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test_offload", 8192, 0, DSE_MBUF_PRIV_SIZE,
	                               RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_segment_software),
	    cmocka_unit_test(test_segment_partial),
	    cmocka_unit_test(test_tso_device),
	    cmocka_unit_test(test_checksum_only),
	    cmocka_unit_test(test_passthrough_and_refusals),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
