/*
 * The switch's control side: owns the MAC table (created at start with its configured size,
 * which then cannot change), installs and removes the static MACs of the config, forgets the
 * addresses of ports and segments that leave, and ages learned addresses. Control thread only;
 * workers learn into the same table lock-free (mac_table.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "switch/mac_table.h"
#include "switch/switch.h"
#include "switch/switch_config.h"

static struct mac_table *macs; /* every segment's addresses */

struct switch_worker_counters switch_worker_counters[DSE_MAX_WORKERS];

const char *const switch_counter_names[] = {
#define SWITCH_COUNTER_NAME(field, help) #field,
    SWITCH_COUNTERS(SWITCH_COUNTER_NAME)
#undef SWITCH_COUNTER_NAME
};

uint64_t
switch_worker_counter(unsigned worker, unsigned i)
{
	const uint64_t *c = (const uint64_t *)&switch_worker_counters[worker];
	return __atomic_load_n(&c[i], __ATOMIC_RELAXED);
}

struct mac_table *
switch_mac_table(void)
{
	return macs;
}

int
switch_init(struct dse_engine *e, const struct dse_config *initial)
{
	(void)e;
	macs = mac_table_create(switch_config(initial)->mac_table_size);
	return macs == NULL ? -ENOMEM : 0;
}

void
switch_fini(struct dse_engine *e)
{
	(void)e;
	mac_table_destroy(macs);
	macs = NULL;
}

void
switch_check(const struct dse_engine *e, const struct dse_config *cfg,
             struct dse_config_errors *errs)
{
	const struct dse_config *old = e->config;
	if (old != NULL && switch_config(cfg)->mac_table_size != switch_config(old)->mac_table_size)
		config_error(
		    errs, 0, "switch.mac-table-size",
		    "the MAC table size cannot change while the engine runs (running: %u); "
		    "restart dsed",
		    switch_config(old)->mac_table_size);
}

int
switch_build(struct dse_engine *e, const struct dse_config *cfg,
             char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s)
{
	(void)e;
	(void)cfg;
	(void)names;
	struct switch_snap *sw = calloc(1, sizeof(*sw));
	if (sw == NULL)
		return -ENOMEM;
	sw->macs = macs;
	sw->mac_refresh_s = 1;
	s->part[DSE_SERVICE_SWITCH] = sw;
	return 0;
}

void
switch_part_free(void *part)
{
	free(part);
}

void
switch_apply(struct dse_engine *e, const struct dse_config *old, const struct dse_config *cfg)
{
	/* Static MACs that went away first (those of removed segments went with the segment),
	 * then every static MAC of the new config. */
	if (old != NULL)
		for (unsigned i = 0; i < switch_config(old)->nb_static_macs; i++) {
			const struct dse_static_mac *sm = &switch_config(old)->static_macs[i];
			int seg = engine_segment_index(e, sm->segment);
			if (seg < 0)
				continue;
			bool kept = false;
			for (unsigned j = 0; j < switch_config(cfg)->nb_static_macs && !kept; j++)
				kept =
				    strcmp(switch_config(cfg)->static_macs[j].segment,
				           sm->segment) == 0 &&
				    memcmp(switch_config(cfg)->static_macs[j].mac, sm->mac, 6) == 0;
			if (!kept)
				mac_table_delete(macs, mac_key_make((uint16_t)seg, sm->mac));
		}
	for (unsigned i = 0; i < switch_config(cfg)->nb_static_macs; i++) {
		const struct dse_static_mac *sm = &switch_config(cfg)->static_macs[i];
		int port = engine_port_index(e, sm->port);
		int seg = engine_segment_index(e, sm->segment);
		if (port < 0 || mac_table_add_static(macs, mac_key_make((uint16_t)seg, sm->mac),
		                                     (uint16_t)port, dse_now_s) < 0)
			fprintf(stderr,
			        "dsed: static MAC of static-macs[%u] not installed: table "
			        "full\n",
			        i);
	}
}

void
switch_port_removed(struct dse_engine *e, unsigned slot)
{
	(void)e;
	mac_table_flush(macs, (int)slot, -1, true);
}

void
switch_segment_removed(struct dse_engine *e, unsigned segment)
{
	(void)e;
	mac_table_flush(macs, -1, (int)segment, true);
}

void
switch_config_port_del(struct dse_config *cfg, const char *port)
{
	/* Static MACs pinned to the port go with it. */
	unsigned kept = 0;
	struct dse_switch_config *sw = switch_config(cfg);

	for (unsigned i = 0; i < sw->nb_static_macs; i++)
		if (strcmp(sw->static_macs[i].port, port) != 0)
			sw->static_macs[kept++] = sw->static_macs[i];
	sw->nb_static_macs = kept;
}

void
switch_tick(struct dse_engine *e)
{
	static uint32_t last_aging;
	uint32_t now = __atomic_load_n(&dse_now_s, __ATOMIC_RELAXED);
	if (e->config && switch_config(e->config)->mac_aging_s && now != last_aging) {
		last_aging = now;
		mac_table_age(macs, now, switch_config(e->config)->mac_aging_s);
	}
}
