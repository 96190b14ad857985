/*
 * The service registry. A service (the switch, the overlay, the firewall, ...) lives in its own
 * folder under src/ and describes itself to the engine with one struct dse_service: its
 * lifecycle hooks, its part of every config snapshot, and the management API methods it
 * serves. The engine calls the hooks of every service in the order of the `dse_services` list
 * in the top-level meson.build, the only place that lists the services; the build generates
 * the table of descriptors (dse_services.c) and the service ids (dse_services.h) from it.
 *
 * A service's snapshot part is an opaque pointer in struct dse_snapshot, indexed by the
 * service's id (DSE_SERVICE_<NAME>, a compile-time constant), so a node reaches its part with
 * one load and no call. Every hook is optional.
 */
#ifndef DSE_CORE_SERVICE_H
#define DSE_CORE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/dse_services.h"
#include "config/config.h"

struct dse_engine;
struct dse_config;
struct dse_config_errors;
struct dse_snapshot;
struct rpc_method;

/* Segment slot names as a snapshot is built over them ("" = free slot). */
typedef char dse_segment_names_t[DSE_MAX_SEGMENTS][DSE_NAME_MAX];

/* Returns the slot named name among names, or -1. */
int dse_segment_slot(dse_segment_names_t names, const char *name);

/* What a service tells the engine about itself. */
struct dse_service {
	const char *name; /* the service's folder name, for messages */

	/* Start-up, once, with the config dsed starts from (EAL is up, the pool exists).
	 * Returns 0 or a negative errno. */
	int (*init)(struct dse_engine *e, const struct dse_config *initial);
	/* Shut-down, after the workers stopped and the last snapshot was freed. */
	void (*fini)(struct dse_engine *e);

	/* Checks that cfg can replace the running config (e->config, NULL at start) without a
	 * restart; reports each problem in errs. Called before anything changes. */
	void (*check)(const struct dse_engine *e, const struct dse_config *cfg,
	              struct dse_config_errors *errs);
	/* Builds the service's part of snapshot s (being built, not yet published) for cfg over
	 * the segment slots names, storing it in s->part[id] (NULL for none). May also fill the
	 * service's fields of the common per-segment tables. Returns 0 or a negative errno. */
	int (*build)(struct dse_engine *e, const struct dse_config *cfg, dse_segment_names_t names,
	             struct dse_snapshot *s);
	/* Frees a part build() made; gets NULL too. */
	void (*part_free)(void *part);

	/* After a snapshot of cfg was published and the removed ports and segments were
	 * reported: brings the service's own running state (tables outside the snapshot) to
	 * cfg. old is the config before, NULL at start. */
	void (*apply)(struct dse_engine *e, const struct dse_config *old,
	              const struct dse_config *cfg);
	/* A port slot / segment slot left the running state (no worker can see it any more). */
	void (*port_removed)(struct dse_engine *e, unsigned slot);
	void (*segment_removed)(struct dse_engine *e, unsigned segment);
	/* `port del` of port: removes what of cfg (a copy of the running config about to be
	 * applied) refers to the port. */
	void (*config_port_del)(struct dse_config *cfg, const char *port);

	/* Periodic control work, about every 100 ms on the control thread. */
	void (*tick)(struct dse_engine *e);

	/* Bytes of state the service keeps in every flow table entry (flow/flow.h), 0 for none;
	 * the engine reserves them at start and stores their offset in *flow_state_offset. */
	size_t flow_state_size;
	int *flow_state_offset;

	/* Per-worker counters the engine reports with its own (stats.show's workers), by name in
	 * this order; counter(worker, i) reads the i-th of a worker. */
	const char *const *worker_counters;
	size_t nb_worker_counters;
	uint64_t (*worker_counter)(unsigned worker, unsigned i);

	/* The management API methods the service serves (handlers get the engine as ctx). */
	const struct rpc_method *methods;
	size_t nb_methods;
};

/* The services, indexed by id (DSE_SERVICE_*), generated from the meson list. */
extern const struct dse_service *const dse_services[DSE_NB_SERVICES];

/* Calls a hook of every service that has it, in list order. */
#define DSE_SERVICES_CALL(hook, ...)                                                               \
	do {                                                                                       \
		for (unsigned svc_ = 0; svc_ < DSE_NB_SERVICES; svc_++)                            \
			if (dse_services[svc_]->hook != NULL)                                      \
				dse_services[svc_]->hook(__VA_ARGS__);                             \
	} while (0)

#endif
