/*
 * dse-overlay-gso: readies frames that carry offload state for a tunnel. A workload's kernel
 * hands the engine TCP/UDP frames with partial checksums, and GSO frames far larger than the
 * underlay MTU; a tunnel carries neither (the uplinks here take no tunnel offload: the
 * af_packet, af_xdp and pcap devices offer no RTE_ETH_TX_OFFLOAD_*_TNL_TSO or outer checksum
 * offload). dse-overlay-encap passes such frames here; each is cut into MSS-sized segments, or
 * completed in place, with its inner checksums done in software (offload_tx_prepare() with no
 * device capability), and the results go back to dse-overlay-encap, which encapsulates each
 * segment like any frame (outer UDP checksum zero over IPv4, RFC 7348 / RFC 8926).
 */
#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/drop.h"
#include "core/node_util.h"
#include "core/offload.h"
#include "overlay/overlay.h"

/* Segments of one GSO frame: a 64 KiB frame at the smallest IPv4 MSS (536) makes 123. */
#define OVERLAY_GSO_MAX_SEGS 128

enum overlay_gso_next {
	OVERLAY_GSO_NEXT_ENCAP,
	OVERLAY_GSO_NEXT_DROP,
	OVERLAY_GSO_NEXT_COUNT,
};

static uint16_t
overlay_gso_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t nb_objs)
{
	struct dse_worker *w = dse_node_ctx(node)->worker;
	const struct overlay_snap *ov = overlay_snap_of(w->snap);
	static const struct dse_tx_caps tunnel = {
	    .l4_csum = false, .tso = false, .multi_seg = false};

	for (uint16_t i = 0; i < nb_objs; i++) {
		struct rte_mbuf *m = objs[i];
		struct rte_mbuf *segs[OVERLAY_GSO_MAX_SEGS];
		enum dse_drop_reason why = DSE_DROP_NONE;
		bool gso = (m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz != 0;
		uint16_t n =
		    offload_tx_prepare(m, &tunnel, m->pool, segs, OVERLAY_GSO_MAX_SEGS, &why);
		if (unlikely(n == 0)) {
			dse_drop_mark(m, why);
			rte_node_enqueue_x1(graph, node, OVERLAY_GSO_NEXT_DROP, m);
			continue;
		}
		if (ov != NULL) {
			struct overlay_worker_counters *wc = &ov->shared->wc[w->index];
			if (gso) {
				wc->gso_frames++;
				wc->gso_segments += n;
			} else {
				wc->csum_completed += n;
			}
		}
		rte_node_enqueue(graph, node, OVERLAY_GSO_NEXT_ENCAP, (void **)segs, n);
	}
	return nb_objs;
}

static int
overlay_gso_init(const struct rte_graph *graph, struct rte_node *node)
{
	return dse_node_bind_worker(graph, node);
}

static struct rte_node_register overlay_gso_node = {
    .process = overlay_gso_process,
    .name = "dse-overlay-gso",
    .init = overlay_gso_init,
    .nb_edges = OVERLAY_GSO_NEXT_COUNT,
    .next_nodes =
        {
            [OVERLAY_GSO_NEXT_ENCAP] = "dse-overlay-encap",
            [OVERLAY_GSO_NEXT_DROP] = "dse-drop",
        },
};

RTE_NODE_REGISTER(overlay_gso_node);
