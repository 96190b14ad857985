/*
 * The control thread's side of packet injection (core/inject.h).
 */
#include "core/inject.h"

#include <errno.h>

#include <rte_lcore.h>
#include <rte_ring.h>

struct rte_ring *dse_inject_ring;

int
inject_init(void)
{
	dse_inject_ring = rte_ring_create("dse_inject", DSE_INJECT_RING, (int)rte_socket_id(),
	                                  RING_F_SP_ENQ | RING_F_SC_DEQ);
	return dse_inject_ring == NULL ? -ENOMEM : 0;
}

void
inject_fini(void)
{
	void *m;
	while (dse_inject_ring != NULL && rte_ring_sc_dequeue(dse_inject_ring, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(dse_inject_ring);
	dse_inject_ring = NULL;
}

int
dse_inject(struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(dse_inject_ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}
