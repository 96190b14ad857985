/*
 * The overlay's management API methods (docs/api.md): tunnels.show (this host's TEP, every
 * remote TEP with its underlay next hop and traffic counters, the overlay's own counters, ARP
 * suppression's among them) and remote.list (remote workload bindings, static and learned, with
 * their IPv4 address when known and their age). Read-only;
 * counters are summed over workers with relaxed loads.
 */
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "overlay/overlay_api.h"
#include "overlay/overlay.h"
#include "switch/mac_table.h"
#include "switch/switch.h"

static json_t *
ip_json(uint32_t ip)
{
	char s[16];
	snprintf(s, sizeof(s), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
	         ip & 255);
	return json_string(s);
}

/* Counts remote bindings per TEP slot. */
struct binding_walk {
	const struct dse_engine *e;
	const struct overlay_shared *sh;
	json_t *out;                        /* remote.list entries, or NULL */
	uint32_t per_tep[OVERLAY_MAX_TEPS]; /* bindings per TEP slot */
	int segment;                        /* only this segment slot, or -1 */
};

static int
binding_visit(uint64_t key, uint64_t value, void *arg)
{
	struct binding_walk *bw = arg;
	uint16_t port = mac_value_port(value);
	if (!dse_port_is_remote(port))
		return 0;
	unsigned tep = port & DSE_PORT_REMOTE_MASK;
	unsigned seg = (unsigned)(key >> 48);
	if (tep >= OVERLAY_MAX_TEPS || (bw->segment >= 0 && (int)seg != bw->segment))
		return 0;
	bw->per_tep[tep]++;
	if (bw->out == NULL)
		return 0;
	uint8_t mac[6];
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(key >> (40 - 8 * i));
	bool is_static = value & MAC_VALUE_STATIC;
	uint32_t now = __atomic_load_n(&dse_now_s, __ATOMIC_RELAXED);
	json_t *o = json_pack("{s:s, s:o, s:o, s:s, s:i}", "segment",
	                      seg < DSE_MAX_SEGMENTS ? bw->e->segment_names[seg] : "?", "mac",
	                      rpc_json_mac(mac), "tep", ip_json(bw->sh->teps[tep].ip), "type",
	                      is_static ? "static" : "learned", "age_s",
	                      is_static ? 0 : (int)(now - mac_value_time(value)));
	/* A static binding's IP, when configured; a learned one's, when seen in its ARP. */
	uint32_t ip;
	if (!is_static && seg < DSE_MAX_SEGMENTS && overlay_ctl_learned_ip((uint16_t)seg, mac, &ip))
		json_object_set_new(o, "ip", ip_json(ip));
	const struct dse_config *cfg = bw->e->config;
	for (unsigned i = 0; is_static && cfg && i < overlay_config(cfg)->nb_remote; i++) {
		const struct dse_remote_binding *b = &overlay_config(cfg)->remote[i];
		if (b->has_ip && memcmp(b->mac, mac, 6) == 0 && seg < DSE_MAX_SEGMENTS &&
		    strcmp(b->segment, bw->e->segment_names[seg]) == 0)
			json_object_set_new(o, "ip", ip_json(b->ip));
	}
	json_array_append_new(bw->out, o);
	return 0;
}

static json_t *
api_tunnels_show(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	const struct dse_config *cfg = e->config;
	const struct overlay_shared *sh = overlay_shared_get();
	const struct overlay_snap *ov = e->snap ? overlay_snap_of(e->snap) : NULL;

	if (cfg == NULL || !overlay_config(cfg)->tep.enabled || sh == NULL || ov == NULL)
		return json_pack("{s:b}", "enabled", 0);
	const struct dse_tep_config *tep = &overlay_config(cfg)->tep;
	struct binding_walk bw = {.e = e, .sh = sh, .segment = -1};
	mac_table_walk(switch_mac_table(), binding_visit, &bw);

	json_t *teps = json_array();
	uint32_t now = __atomic_load_n(&dse_now_s, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < OVERLAY_MAX_TEPS; i++) {
		uint32_t ip = __atomic_load_n(&sh->teps[i].ip, __ATOMIC_ACQUIRE);
		if (ip == 0)
			continue;
		struct overlay_tep_counters sum = {0};
		for (unsigned w = 0; w < e->nb_workers; w++) {
			const struct overlay_tep_counters *c = &sh->tc[w][i];
			sum.rx_packets += __atomic_load_n(&c->rx_packets, __ATOMIC_RELAXED);
			sum.rx_bytes += __atomic_load_n(&c->rx_bytes, __ATOMIC_RELAXED);
			sum.tx_packets += __atomic_load_n(&c->tx_packets, __ATOMIC_RELAXED);
			sum.tx_bytes += __atomic_load_n(&c->tx_bytes, __ATOMIC_RELAXED);
		}
		uint8_t mac[6];
		uint32_t age = 0;
		bool resolved = overlay_ctl_neighbor(i, mac, &age);
		uint32_t last_rx = __atomic_load_n(&sh->teps[i].last_rx_s, __ATOMIC_RELAXED);
		json_t *o = json_pack(
		    "{s:o, s:s, s:b, s:I, s:I, s:I, s:I, s:I}", "tep", ip_json(ip), "origin",
		    sh->teps[i].configured ? "configured" : "learned", "ready", ov->teps[i].ready,
		    "bindings", (json_int_t)bw.per_tep[i], "rx_packets", (json_int_t)sum.rx_packets,
		    "rx_bytes", (json_int_t)sum.rx_bytes, "tx_packets", (json_int_t)sum.tx_packets,
		    "tx_bytes", (json_int_t)sum.tx_bytes);
		json_object_set_new(o, "next_hop_mac", resolved ? rpc_json_mac(mac) : json_null());
		json_object_set_new(o, "next_hop_age_s",
		                    resolved ? json_integer(age) : json_null());
		json_object_set_new(o, "last_rx_age_s",
		                    last_rx || sum.rx_packets ? json_integer(now - last_rx)
		                                              : json_null());
		json_array_append_new(teps, o);
	}
	struct overlay_worker_counters wc = {0};
	for (unsigned w = 0; w < e->nb_workers; w++) {
		const struct overlay_worker_counters *c = &sh->wc[w];
#define SUM(f) wc.f += __atomic_load_n(&c->f, __ATOMIC_RELAXED)
		SUM(decapsulated);
		SUM(encapsulated);
		SUM(replicated);
		SUM(arp_replies);
		SUM(echo_replies);
		SUM(icmp_too_big);
		SUM(teps_learned);
		SUM(arp_suppressed);
		SUM(arp_flooded);
		SUM(ip_learn_lost);
		SUM(gso_frames);
		SUM(gso_segments);
		SUM(csum_completed);
		SUM(csum_trusted);
#undef SUM
	}
	json_t *counters = json_pack(
	    "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "decapsulated", (json_int_t)wc.decapsulated,
	    "encapsulated", (json_int_t)wc.encapsulated, "replicated", (json_int_t)wc.replicated,
	    "arp_replies", (json_int_t)wc.arp_replies, "echo_replies", (json_int_t)wc.echo_replies,
	    "icmp_too_big", (json_int_t)wc.icmp_too_big, "teps_learned",
	    (json_int_t)wc.teps_learned, "control_frames_sent",
	    (json_int_t)ENGINE_SUM(e, injected));
	uint32_t ips_held;
	uint64_t ips_refused;
	overlay_ctl_ip_stats(&ips_held, &ips_refused);
	json_object_set_new(counters, "gso_frames", json_integer((json_int_t)wc.gso_frames));
	json_object_set_new(counters, "gso_segments", json_integer((json_int_t)wc.gso_segments));
	json_object_set_new(counters, "checksums_completed",
	                    json_integer((json_int_t)wc.csum_completed));
	json_object_set_new(counters, "outer_checksums_trusted",
	                    json_integer((json_int_t)wc.csum_trusted));
	json_object_set_new(counters, "arp_suppressed",
	                    json_integer((json_int_t)wc.arp_suppressed));
	json_object_set_new(counters, "arp_not_suppressed",
	                    json_integer((json_int_t)wc.arp_flooded));
	json_object_set_new(counters, "ip_bindings_learned", json_integer(ips_held));
	json_object_set_new(counters, "ip_bindings_refused",
	                    json_integer((json_int_t)(ips_refused + wc.ip_learn_lost)));
	json_t *local = json_pack(
	    "{s:o, s:i, s:s, s:o, s:o, s:i, s:s, s:i}", "address", ip_json(tep->address),
	    "prefix_len", tep->prefix_len, "uplink", tep->uplink, "mac", rpc_json_mac(ov->tep_mac),
	    "next_hop", tep->next_hop ? ip_json(tep->next_hop) : json_null(), "mtu", tep->mtu,
	    "encapsulation", config_encap_name(tep->encap), "ttl", tep->ttl);
	return json_pack("{s:b, s:o, s:o, s:o}", "enabled", 1, "local", local, "teps", teps,
	                 "counters", counters);
}

static json_t *
api_remote_list(json_t *params, struct rpc_error *err, void *ctx)
{
	const struct dse_engine *e = ctx;
	const struct overlay_shared *sh = overlay_shared_get();
	struct binding_walk bw = {.e = e, .sh = sh, .segment = -1, .out = json_array()};
	json_t *seg = json_object_get(params, "segment");
	if (seg != NULL && (!json_is_string(seg) ||
	                    (bw.segment = engine_segment_index(e, json_string_value(seg))) < 0)) {
		json_decref(bw.out);
		rpc_error_field(err, "segment", "expected the name of a segment");
		return NULL;
	}
	if (sh == NULL)
		return json_pack("{s:o}", "remote", bw.out);
	mac_table_walk(switch_mac_table(), binding_visit, &bw);
	/* ARP suppression answers from these bindings. */
	uint64_t suppressed = 0, not_suppressed = 0, lost = 0, refused;
	uint32_t held;
	for (unsigned w = 0; w < e->nb_workers; w++) {
		suppressed += __atomic_load_n(&sh->wc[w].arp_suppressed, __ATOMIC_RELAXED);
		not_suppressed += __atomic_load_n(&sh->wc[w].arp_flooded, __ATOMIC_RELAXED);
		lost += __atomic_load_n(&sh->wc[w].ip_learn_lost, __ATOMIC_RELAXED);
	}
	overlay_ctl_ip_stats(&held, &refused);
	return json_pack("{s:o, s:{s:I, s:I, s:I, s:I}}", "remote", bw.out, "arp_suppression",
	                 "suppressed", (json_int_t)suppressed, "not_suppressed",
	                 (json_int_t)not_suppressed, "ip_bindings_learned", (json_int_t)held,
	                 "ip_bindings_refused", (json_int_t)(refused + lost));
}

json_t *
api_overlay_tunnels_show(json_t *params, struct rpc_error *err, void *ctx)
{
	return api_tunnels_show(params, err, ctx);
}

json_t *
api_overlay_remote_list(json_t *params, struct rpc_error *err, void *ctx)
{
	return api_remote_list(params, err, ctx);
}
