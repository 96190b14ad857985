/*
 * Packet tests of the overlay with offload state, through the engine's real graph: ring ports
 * for a workload (p0) and the uplink (up), a TEP with a fixed next-hop MAC and a remote binding.
 * A GSO frame to the remote workload must leave the uplink as exactly the segments the
 * reference (gso_ref.h) computes, each Geneve-encapsulated; a partial checksum must be
 * completed before encapsulation; a tunnel packet whose outer UDP checksum is wrong is
 * delivered only when the uplink marked it verified or partial. Also the marks a decapsulated
 * frame gets (overlay_decap_offload).
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
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/engine.h"
#include "gso_ref.h"
#include "config/config.h"
#include "overlay/overlay.h"
#include "overlay/overlay_offload.h"

static const char config_yaml[] =
    "transport-node:\n"
    "  name: t\n"
    "  tep: {address: 198.19.0.1/24, uplink: up, next-hop-mac: 02:00:00:00:00:fe}\n"
    "segments:\n"
    "  - {name: web, vni: 5001}\n"
    "ports:\n"
    "  - {name: p0, kind: null, segment: web}\n"
    "  - {name: up, kind: null}\n"
    "remote:\n"
    "  - {segment: web, mac: '02:00:00:00:00:0b', tep: 198.19.0.2}\n";

#define NB_PORTS 2
#define UPLINK   1
static struct rte_ring *rx_ring[NB_PORTS], *tx_ring[NB_PORTS];
static struct dse_engine *e = &dse_engine;
static struct ref_frame frame;
static uint8_t want[REF_MAX_FRAME];
static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

/* Makes frame a TCP or UDP frame from mac_a to mac_b with a partial checksum. */
static void
make(bool v6, bool tcp, uint32_t payload)
{
	ref_make(&frame, v6, tcp, payload, 0);
	memcpy(frame.bytes, mac_b, 6);
	memcpy(frame.bytes + 6, mac_a, 6);
}

static void
inject(unsigned p, const uint8_t *bytes, uint32_t len, uint64_t flags, uint16_t mss)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), bytes, len);
	m->port = e->ports[p].ethdev;
	m->ol_flags = flags;
	m->tso_segsz = mss;
	assert_int_equal(rte_ring_enqueue(rx_ring[p], m), 0);
}

static void
walk(void)
{
	struct dse_worker *w = &e->workers[0];
	w->snap = e->snap;
	for (int i = 0; i < 4; i++)
		rte_graph_walk(w->graph);
}

static unsigned
take(unsigned p, struct rte_mbuf **out, unsigned max)
{
	unsigned n = 0;
	struct rte_mbuf *m;
	while (rte_ring_dequeue(tx_ring[p], (void **)&m) == 0) {
		if (n < max)
			out[n] = m;
		else
			rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

static const struct overlay_worker_counters *
counters(void)
{
	return &overlay_snap_of(e->snap)->shared->wc[0];
}

/* Checks the outer headers of a Geneve packet carrying inner_len bytes of inner frame. */
static void
check_outer(const uint8_t *o, uint32_t inner_len)
{
	assert_memory_equal(o, "\x02\x00\x00\x00\x00\xfe", 6);
	assert_int_equal(ref_get16(o + 12), 0x0800);
	assert_int_equal(ref_get16(o + 16), 20 + 8 + 8 + inner_len);
	assert_int_equal(ref_sum(o + 14, 20, 0), 0xffff); /* header checksum valid */
	assert_int_equal(ref_get16(o + 36), 6081);
	assert_int_equal(ref_get16(o + 38), 8 + 8 + inner_len);
	assert_int_equal(ref_get16(o + 40), 0); /* UDP checksum zero over IPv4 */
	assert_int_equal(ref_get32(o + 46) >> 8, 5001);
}

/* A GSO frame to a remote workload leaves as the reference's segments, each encapsulated. */
static void
test_gso_frame_cut_before_encap(void **state)
{
	(void)state;
	struct rte_mbuf *out[16];
	for (unsigned v6 = 0; v6 < 2; v6++) {
		uint64_t frames = counters()->gso_frames, segs = counters()->gso_segments;
		make(v6, true, 1800);
		inject(0, frame.bytes, frame.len, RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE,
		       500);
		walk();
		assert_int_equal(take(UPLINK, out, 16), 4);
		for (unsigned i = 0; i < 4; i++) {
			uint32_t len = ref_segment(&frame, 500, i, 4, want);
			assert_int_equal(out[i]->pkt_len, 50 + len);
			const uint8_t *o = rte_pktmbuf_mtod(out[i], const uint8_t *);
			check_outer(o, len);
			assert_memory_equal(o + 50, want, len);
			rte_pktmbuf_free(out[i]);
		}
		assert_int_equal(take(0, out, 16), 0);
		assert_int_equal(counters()->gso_frames, frames + 1);
		assert_int_equal(counters()->gso_segments, segs + 4);
	}
}

/* A partial checksum is completed before encapsulation; the frame is otherwise unchanged. */
static void
test_partial_checksum_completed(void **state)
{
	(void)state;
	struct rte_mbuf *out[4];
	uint64_t done = counters()->csum_completed;
	make(false, false, 333);
	inject(0, frame.bytes, frame.len, RTE_MBUF_F_RX_L4_CKSUM_NONE, 0);
	walk();
	assert_int_equal(take(UPLINK, out, 4), 1);
	memcpy(want, frame.bytes, frame.len);
	ref_put16(want + ref_csum_off(&frame), ref_l4_checksum(&frame, want, frame.len - frame.l4));
	assert_int_equal(out[0]->pkt_len, 50 + frame.len);
	check_outer(rte_pktmbuf_mtod(out[0], const uint8_t *), frame.len);
	assert_memory_equal(rte_pktmbuf_mtod(out[0], const uint8_t *) + 50, want, frame.len);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(counters()->csum_completed, done + 1);
}

/* Builds in buf a Geneve packet from TEP 198.19.0.2 carrying frame (mac_b -> mac_a, complete
 * checksum) with a wrong non-zero outer UDP checksum. Returns its length. */
static uint32_t
tunnel_packet(uint8_t *buf)
{
	make(false, true, 200);
	memcpy(frame.bytes, mac_a, 6);
	memcpy(frame.bytes + 6, mac_b, 6);
	ref_put16(frame.bytes + ref_csum_off(&frame),
	          ref_l4_checksum(&frame, frame.bytes, frame.len - frame.l4));
	uint8_t *o = buf;
	memset(o, 0, 50);
	memcpy(o, "\x02\x00\x00\x00\x00\x01", 6); /* any: the uplink takes what reaches it */
	memcpy(o + 6, "\x02\x00\x00\x00\x00\xfe", 6);
	ref_put16(o + 12, 0x0800);
	o[14] = 0x45;
	ref_put16(o + 16, 20 + 8 + 8 + frame.len);
	o[22] = 64;
	o[23] = 17;
	memcpy(o + 26, "\xc6\x13\x00\x02\xc6\x13\x00\x01", 8);
	ref_put16(o + 24, ~ref_sum(o + 14, 20, 0) & 0xffff);
	ref_put16(o + 34, 50000);
	ref_put16(o + 36, 6081);
	ref_put16(o + 38, 8 + 8 + frame.len);
	ref_put16(o + 40, 0x1234); /* wrong */
	ref_put16(o + 44, 0x6558);
	o[46] = 0x00, o[47] = 0x13, o[48] = 0x89; /* VNI 5001 */
	memcpy(o + 50, frame.bytes, frame.len);
	return 50 + frame.len;
}

/* The outer checksum is checked only when the uplink has not vouched for it. */
static void
test_outer_checksum_trusted_when_marked(void **state)
{
	(void)state;
	static uint8_t pkt[4096];
	struct rte_mbuf *out[4];
	/* mac_a learned on p0 first, so the decapsulated frame has one way to go. */
	make(false, true, 10);
	memcpy(frame.bytes, mac_b, 6);
	memcpy(frame.bytes + 6, mac_a, 6);
	inject(0, frame.bytes, frame.len, 0, 0);
	walk();
	take(UPLINK, out, 0);

	uint64_t bad = e->workers[0].counters.drops[DSE_DROP_OVL_BAD_UDP_CHECKSUM];
	uint32_t len = tunnel_packet(pkt);
	inject(UPLINK, pkt, len, 0, 0);
	walk();
	assert_int_equal(take(0, out, 0), 0);
	assert_int_equal(e->workers[0].counters.drops[DSE_DROP_OVL_BAD_UDP_CHECKSUM], bad + 1);

	static const uint64_t marks[] = {RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_NONE};
	for (unsigned k = 0; k < 2; k++) {
		uint64_t trusted = counters()->csum_trusted;
		inject(UPLINK, pkt, len, marks[k], 0);
		walk();
		assert_int_equal(take(0, out, 4), 1);
		assert_int_equal(out[0]->pkt_len, frame.len);
		assert_memory_equal(rte_pktmbuf_mtod(out[0], const uint8_t *), frame.bytes,
		                    frame.len);
		/* The inner checksum is complete: no partial mark is passed on. */
		assert_int_equal(out[0]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, 0);
		rte_pktmbuf_free(out[0]);
		assert_int_equal(counters()->csum_trusted, trusted + 1);
	}
	assert_int_equal(e->workers[0].counters.drops[DSE_DROP_OVL_BAD_UDP_CHECKSUM], bad + 1);
}

/* The marks of a decapsulated frame describe the inner frame. */
static void
test_decap_marks(void **state)
{
	(void)state;
	struct rte_mbuf *m = rte_pktmbuf_alloc(e->pool);
	make(true, true, 3000);
	/* Inner partial (field = pseudo-header sum) under a partial outer mark: partial. */
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	overlay_decap_offload(m, frame.bytes, frame.len);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_NONE);
	/* Inner complete under a partial outer mark: no mark. */
	ref_put16(frame.bytes + ref_csum_off(&frame),
	          ref_l4_checksum(&frame, frame.bytes, frame.len - frame.l4));
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	overlay_decap_offload(m, frame.bytes, frame.len);
	assert_int_equal(m->ol_flags & (RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_LRO), 0);
	/* A tunnel GSO packet: the inner frame is a GSO frame with a partial checksum. */
	m->ol_flags = RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE;
	m->tso_segsz = 1398;
	overlay_decap_offload(m, frame.bytes, frame.len);
	assert_int_equal(m->ol_flags & (RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_LRO),
	                 RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO);
	assert_int_equal(m->tso_segsz, 1398);
	/* Verified outer: nothing said of the inner. */
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	overlay_decap_offload(m, frame.bytes, frame.len);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK, 0);
	rte_pktmbuf_free(m);
}

static int
setup(void **state)
{
	(void)state;
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "--file-prefix=test-ovl-gso-%d", (int)getpid());
	char *argv[] = {
	    "test_overlay_gso",  "--no-huge", "-m", "256", "--no-pci", "--lcores=0,1@0", prefix,
	    "--log-level=error", NULL};
	if (rte_eal_init(8, argv) < 0)
		return -1;
	static struct dse_config cfg;
	static struct dse_config_errors errs;
	if (config_parse_yaml(config_yaml, strlen(config_yaml), &cfg, &errs) < 0) {
		for (unsigned i = 0; i < errs.count && i < DSE_CONFIG_MAX_ERRORS; i++)
			fprintf(stderr, "config: %d %s %s\n", errs.e[i].line, errs.e[i].field,
			        errs.e[i].message);
		return -1;
	}
	if (engine_init(e, &cfg) < 0)
		return -1;
	for (unsigned p = 0; p < NB_PORTS; p++) {
		char name[32];
		snprintf(name, sizeof(name), "orx%u", p);
		rx_ring[p] =
		    rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "otx%u", p);
		tx_ring[p] =
		    rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "opipe%u", p);
		int id = rte_eth_from_rings(name, &rx_ring[p], 1, &tx_ring[p], 1, SOCKET_ID_ANY);
		struct rte_eth_conf conf;
		memset(&conf, 0, sizeof(conf));
		if (id < 0 || rte_eth_dev_configure((uint16_t)id, 1, 1, &conf) < 0 ||
		    rte_eth_rx_queue_setup((uint16_t)id, 0, 1024, SOCKET_ID_ANY, NULL, e->pool) <
		        0 ||
		    rte_eth_tx_queue_setup((uint16_t)id, 0, 1024, SOCKET_ID_ANY, NULL) < 0 ||
		    rte_eth_dev_start((uint16_t)id) < 0)
			return -1;
		e->ports[p].used = true;
		e->ports[p].config = cfg.ports[p];
		e->ports[p].ethdev = (uint16_t)id;
		e->ports[p].nb_queues = 1;
	}
	snprintf(e->segment_names[0], DSE_NAME_MAX, "web");
	e->config = &cfg;
	/* What engine_apply does for the overlay: the next hop and the remote binding. */
	overlay_ctl_apply(e, NULL, &cfg);
	return engine_publish(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gso_frame_cut_before_encap),
	    cmocka_unit_test(test_partial_checksum_completed),
	    cmocka_unit_test(test_outer_checksum_trusted_when_marked),
	    cmocka_unit_test(test_decap_marks),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
