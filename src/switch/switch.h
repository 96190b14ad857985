/*
 * The switch as the rest of the engine sees it: its part of a config snapshot (the MAC table
 * of all segments, learned and static entries) and the control functions that own the table:
 * static MACs, flushing what leaves, aging. Other services reach the table through
 * switch_mac_table() (the overlay keeps remote workloads in it).
 */
#ifndef DSE_SWITCH_SWITCH_H
#define DSE_SWITCH_SWITCH_H

#include <stdint.h>

#include "core/snapshot.h"

struct dse_engine;
struct dse_config;
struct dse_config_errors;
struct mac_table;

/* The switch's part of a snapshot. */
struct switch_snap {
	struct mac_table *macs; /* the MAC table (shared, not owned) */
	uint32_t mac_refresh_s; /* seconds between age refreshes of a known MAC */
};

/* The switch's counters of one worker: X(field, what it counts). */
#define SWITCH_COUNTERS(X)                                                                         \
	X(macs_learned, "new MAC entries")                                                         \
	X(macs_moved, "MACs that moved to another port")                                           \
	X(mac_table_full, "addresses not learned: table full")                                     \
	X(flooded, "frames flooded")

#define SWITCH_COUNTER_ONE(field, help) +1
#define SWITCH_NB_COUNTERS              (0 SWITCH_COUNTERS(SWITCH_COUNTER_ONE))

/* Written by its worker only, read by the control thread (relaxed). */
struct switch_worker_counters {
#define SWITCH_COUNTER_FIELD(field, help) uint64_t field;
	SWITCH_COUNTERS(SWITCH_COUNTER_FIELD)
#undef SWITCH_COUNTER_FIELD
} __rte_cache_aligned;

extern struct switch_worker_counters switch_worker_counters[DSE_MAX_WORKERS];

/* The switch's part of a snapshot (always present once built). */
static inline const struct switch_snap *
switch_snap_of(const struct dse_snapshot *s)
{
	return (const struct switch_snap *)s->part[DSE_SERVICE_SWITCH];
}

/* Control side (switch_ctl.c), the hooks of the service. */
int switch_init(struct dse_engine *e, const struct dse_config *initial);
void switch_fini(struct dse_engine *e);
void switch_check(const struct dse_engine *e, const struct dse_config *cfg,
                  struct dse_config_errors *errs);
int switch_build(struct dse_engine *e, const struct dse_config *cfg,
                 char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s);
void switch_part_free(void *part);
void switch_apply(struct dse_engine *e, const struct dse_config *old, const struct dse_config *cfg);
void switch_port_removed(struct dse_engine *e, unsigned slot);
void switch_segment_removed(struct dse_engine *e, unsigned segment);
void switch_config_port_del(struct dse_config *cfg, const char *port);
void switch_tick(struct dse_engine *e);

/* The counters' names, in SWITCH_COUNTERS order, and a worker's i-th counter. */
extern const char *const switch_counter_names[];
uint64_t switch_worker_counter(unsigned worker, unsigned i);

/* The MAC table of all segments, or NULL before init. */
struct mac_table *switch_mac_table(void);

#endif
