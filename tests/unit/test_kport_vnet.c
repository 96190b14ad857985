/*
 * Unit tests for the virtio-net header mapping of kernel ports (src/core/kport/kport_vnet.h):
 * every receive header state gives exactly the mbuf marks of offload.h, and frames readied by
 * offload_tx_prepare() for a device that takes everything give exactly the header the kernel
 * expects (checksum start and offset, GSO type and size, header length), with the TSO
 * pseudo-header sum moved from DPDK's convention (no length) to the kernel's (with it) and back.
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
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "core/kport/kport_vnet.h"
#include "core/offload.h"
#include "core/pkt_meta.h"
#include "gso_ref.h"

static struct rte_mempool *pool;
static struct ref_frame frame;
static const struct dse_tx_caps all_caps = {true, true, true};

/* One buffer holding frame, marked as a kernel port marks it. */
static struct rte_mbuf *
make_mbuf(uint64_t ol_flags, uint16_t mss)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	assert_non_null(m);
	assert_true(frame.len <= rte_pktmbuf_tailroom(m));
	memcpy(rte_pktmbuf_append(m, (uint16_t)frame.len), frame.bytes, frame.len);
	m->ol_flags = ol_flags;
	m->tso_segsz = mss;
	return m;
}

static uint16_t
fold(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Receive: header -> marks. */
static void
test_rx_marks(void **state)
{
	(void)state;
	static const struct {
		uint8_t flags, gso_type;
		uint16_t gso_size;
		bool ok;
		uint64_t ol;
		uint16_t mss;
	} cases[] = {
	    {0, VIRTIO_NET_HDR_GSO_NONE, 0, true, 0, 0},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, 0, true,
	     RTE_MBUF_F_RX_L4_CKSUM_NONE, 0},
	    {VIRTIO_NET_HDR_F_DATA_VALID, VIRTIO_NET_HDR_GSO_NONE, 0, true,
	     RTE_MBUF_F_RX_L4_CKSUM_GOOD, 0},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 1448, true,
	     RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, 1448},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN, 1428,
	     true, RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, 1428},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP_L4, 1200, true,
	     RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, 1200},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 0, false, 0, 0},
	    {VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP, 1472, false, 0, 0},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		m->ol_flags = RTE_MBUF_F_RX_VLAN; /* stale: must be replaced */
		struct virtio_net_hdr vh = {.flags = cases[i].flags,
		                            .gso_type = cases[i].gso_type,
		                            .gso_size = cases[i].gso_size};
		assert_int_equal(kport_vnet_to_mbuf(m, &vh), cases[i].ok);
		if (cases[i].ok) {
			assert_int_equal(m->ol_flags, cases[i].ol);
			if (cases[i].mss)
				assert_int_equal(m->tso_segsz, cases[i].mss);
		}
		rte_pktmbuf_free(m);
	}
}

/* Transmit: no offload asked, no header; a partial checksum, NEEDS_CSUM at the L4 field. */
static void
test_tx_checksum(void **state)
{
	(void)state;
	struct virtio_net_hdr vh;
	for (unsigned n = 0; n < 16; n++) {
		bool v6 = n & 1, tcp = n & 2;
		ref_make(&frame, v6, tcp, 1 + ref_rand() % 1400, (n >> 2) % 3);
		struct rte_mbuf *m = make_mbuf(0, 0);
		memset(&vh, 0xff, sizeof(vh));
		kport_vnet_from_mbuf(m, &vh);
		static const struct virtio_net_hdr zero;
		assert_memory_equal(&vh, &zero, sizeof(vh));
		rte_pktmbuf_free(m);

		m = make_mbuf(RTE_MBUF_F_RX_L4_CKSUM_NONE, 0);
		struct rte_mbuf *out[1];
		enum dse_drop_reason why = DSE_DROP_NONE;
		assert_int_equal(offload_tx_prepare(m, &all_caps, pool, out, 1, &why), 1);
		kport_vnet_from_mbuf(out[0], &vh);
		assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(vh.csum_start, frame.l4);
		assert_int_equal(vh.csum_offset, tcp ? 16 : 6);
		/* The partial sum is left as it was: the kernel's convention for checksums. */
		assert_memory_equal(rte_pktmbuf_mtod(out[0], uint8_t *), frame.bytes, frame.len);
		rte_pktmbuf_free(out[0]);
	}
}

/* Transmit: a GSO frame for a TSO device becomes a GSO header, its checksum field the kernel's
 * pseudo-header sum (with the length), the IPv4 header checksum valid; the length comes out
 * again for a frame the kernel did not take. */
static void
test_tx_tso(void **state)
{
	(void)state;
	struct virtio_net_hdr vh;
	for (unsigned n = 0; n < 16; n++) {
		bool v6 = n & 1;
		uint16_t mss = n & 2 ? 600 : 536; /* the frame fits one buffer */
		ref_make(&frame, v6, true, 2 * mss + 1 + ref_rand() % 200, (n >> 2) % 3);
		struct rte_mbuf *m =
		    make_mbuf(RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, mss);
		struct rte_mbuf *out[1];
		enum dse_drop_reason why = DSE_DROP_NONE;
		assert_int_equal(offload_tx_prepare(m, &all_caps, pool, out, 1, &why), 1);
		assert_true(out[0]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
		uint8_t *b = rte_pktmbuf_mtod(out[0], uint8_t *);
		uint32_t l4_len = frame.len - frame.l4;
		uint8_t *field = b + frame.l4 + 16;
		uint16_t dpdk = (uint16_t)ref_get16(field);
		assert_int_equal(fold(ref_pseudo(&frame, b, 0)), dpdk);

		kport_vnet_from_mbuf(out[0], &vh);
		assert_int_equal(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(vh.gso_type,
		                 v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4);
		assert_int_equal(vh.gso_size, mss);
		assert_int_equal(vh.csum_start, frame.l4);
		assert_int_equal(vh.csum_offset, 16);
		assert_int_equal(vh.hdr_len, frame.payload);
		assert_int_equal(ref_get16(field), fold(ref_pseudo(&frame, b, l4_len)));
		if (!v6)
			assert_int_equal(
			    rte_ipv4_cksum((const struct rte_ipv4_hdr *)(b + frame.l3)), 0);

		assert_ptr_equal(kport_gso_csum(out[0]), field);
		kport_csum_add_len(field, 0xffff - l4_len);
		uint16_t back = (uint16_t)ref_get16(field);
		assert_true(back == dpdk || (back == 0xffff && dpdk == 0) ||
		            (back == 0 && dpdk == 0xffff));
		rte_pktmbuf_free(out[0]);
	}
}

static int
setup(void **state)
{
	(void)state;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=test-kport-vnet-%d", (int)getpid());
	char *argv[] = {
	    "test_kport_vnet",   "--no-huge", "-m", "128", "--no-pci", "--lcores=0", prefix,
	    "--log-level=error", NULL};
	if (rte_eal_init(8, argv) < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("test_kport_vnet", 1024, 0, DSE_MBUF_PRIV_SIZE,
	                               RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rx_marks),
	    cmocka_unit_test(test_tx_checksum),
	    cmocka_unit_test(test_tx_tso),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
