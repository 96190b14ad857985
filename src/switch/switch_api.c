/*
 * The switch's management API handlers (docs/api.md): macs.list (the MAC table, optionally of
 * one segment) and segments.list (segments with their ports and number of MACs).
 */
#include <stdio.h>
#include <string.h>

#include "core/engine.h"
#include "switch/mac_table.h"
#include "switch/switch.h"
#include "switch/switch_api.h"

struct mac_walk {
	const struct dse_engine *e;
	int segment;   /* only this segment slot, or -1 */
	json_t *macs;  /* output array */
	uint32_t used; /* entries seen (all segments) */
	uint32_t per_segment[DSE_MAX_SEGMENTS];
};

static int
mac_visit(uint64_t key, uint64_t value, void *arg)
{
	struct mac_walk *mw = arg;
	unsigned seg = (unsigned)(key >> 48);
	mw->used++;
	if (seg < DSE_MAX_SEGMENTS)
		mw->per_segment[seg]++;
	if (mw->macs == NULL || (mw->segment >= 0 && (int)seg != mw->segment))
		return 0;
	uint8_t mac[6];
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(key >> (40 - 8 * i));
	uint16_t port = mac_value_port(value);
	const char *port_name =
	    port < DSE_MAX_PORTS && mw->e->ports[port].used ? mw->e->ports[port].config.name : "?";
	const char *seg_name = seg < DSE_MAX_SEGMENTS ? mw->e->segment_names[seg] : "?";
	bool is_static = value & MAC_VALUE_STATIC;
	uint32_t now = __atomic_load_n(&dse_now_s, __ATOMIC_RELAXED);
	json_array_append_new(mw->macs,
	                      json_pack("{s:s, s:o, s:s, s:s, s:i}", "segment", seg_name, "mac",
	                                rpc_json_mac(mac), "port", port_name, "type",
	                                is_static ? "static" : "learned", "age_s",
	                                is_static ? 0 : (int)(now - mac_value_time(value))));
	return 0;
}

json_t *
api_macs_list(json_t *params, struct rpc_error *err, void *ctx)
{
	const struct dse_engine *e = ctx;
	struct mac_walk mw = {.e = e, .segment = -1, .macs = json_array()};
	json_t *seg = json_object_get(params, "segment");
	if (seg != NULL) {
		if (!json_is_string(seg) ||
		    (mw.segment = engine_segment_index(e, json_string_value(seg))) < 0) {
			json_decref(mw.macs);
			rpc_error_field(err, "segment", "expected the name of a segment");
			return NULL;
		}
	}
	mac_table_walk(switch_mac_table(), mac_visit, &mw);
	return json_pack("{s:o, s:I, s:I}", "macs", mw.macs, "capacity",
	                 (json_int_t)switch_mac_table()->capacity, "used", (json_int_t)mw.used);
}

json_t *
api_segments_list(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	const struct dse_engine *e = ctx;
	struct mac_walk mw = {.e = e, .segment = -1};
	mac_table_walk(switch_mac_table(), mac_visit, &mw);
	json_t *segments = json_array();
	for (unsigned i = 0; e->config && i < e->config->nb_segments; i++) {
		const struct dse_segment_config *sc = &e->config->segments[i];
		int slot = engine_segment_index(e, sc->name);
		json_t *ports = json_array();
		for (unsigned p = 0; p < e->config->nb_ports; p++) {
			const struct dse_port_config *pc = &e->config->ports[p];
			bool member = strcmp(pc->segment, sc->name) == 0;
			for (unsigned v = 0; v < pc->nb_vlans; v++)
				member |= strcmp(pc->vlans[v].segment, sc->name) == 0;
			if (member)
				json_array_append_new(ports, json_string(pc->name));
		}
		json_array_append_new(
		    segments, json_pack("{s:s, s:I, s:o, s:I}", "name", sc->name, "vni",
		                        (json_int_t)sc->vni, "ports", ports, "macs",
		                        (json_int_t)(slot >= 0 ? mw.per_segment[slot] : 0)));
	}
	return json_pack("{s:o}", "segments", segments);
}
