/*
 * Firewall logging from the data path: a worker never writes a log line; it hands a fixed-size
 * event to the control thread through a ring, within a per-worker budget of events per second
 * (what is over budget or finds the ring full is counted, not queued). Hot path of
 * dse-firewall; the control thread writes the lines (fw_ctl.c).
 */
#ifndef DSE_FIREWALL_FW_LOG_H
#define DSE_FIREWALL_FW_LOG_H

#include <stdint.h>
#include <string.h>

#include <rte_ring.h>

#include "firewall/fw.h"
#include "firewall/fw_tuple.h"

/* Hands a log event to the control thread, within the worker's rate budget. */
static inline void
log_event(const struct fw_snapshot *f, struct fw_worker_state *ws, const struct fw_tuple *t,
          const struct fw_decision *d, uint16_t in_port, uint16_t out_port)
{
	uint32_t now = dse_now_s;
	/* log_second holds the second + 1, so the budget of second 0 is filled too. */
	if (ws->log_second != now + 1) {
		ws->log_second = now + 1;
		ws->log_budget = f->log_tokens_per_s;
	}
	if (ws->log_budget == 0) {
		ws->counters[FW_C_LOG_DROPPED]++;
		return;
	}
	ws->log_budget--;
	struct fw_log_event ev = {
	    .time_s = now,
	    .rule = d->decider,
	    .family = t->family,
	    .proto = t->proto,
	    .action = d->action,
	    .dir = d->dir,
	    .sport = is_icmp(t->proto) ? 0 : net_get_be16((const uint8_t *)&t->sport),
	    .dport = is_icmp(t->proto) ? 0 : net_get_be16((const uint8_t *)&t->dport),
	    .in_port = in_port,
	    .out_port = out_port,
	};
	memcpy(ev.src, t->src, 16);
	memcpy(ev.dst, t->dst, 16);
	if (rte_ring_mp_enqueue_elem(f->log_ring, &ev, sizeof(ev)) != 0)
		ws->counters[FW_C_LOG_DROPPED]++;
}

#endif
