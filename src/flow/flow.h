/*
 * The flow table as the engine and the services see it: one connection table (flow/ct.h)
 * shared by every service, owned here and created by the first service that needs it, with the
 * size that service asks for. Keys carry a zone, the routing domain (both directions of a
 * routed connection meet one entry), which the snapshot gives each segment (dse_snap_segment.zone:
 * until a router joins segments into one domain, each segment is a zone of its own).
 * Each service that keeps state per connection reserves its bytes of an entry's service area
 * once at start (flow_reserve) and finds them at the same offset in every entry.
 */
#ifndef DSE_FLOW_FLOW_H
#define DSE_FLOW_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "flow/ct.h"

/* Reserves size bytes (8-byte aligned) of every entry's service area. Returns the offset, or
 * -1 when the area is full. Control thread, at start. */
int flow_reserve(size_t size);

/* The table, creating it with room for max_connections on first use. Returns NULL if it
 * cannot be created. Control thread. */
struct ct_table *flow_table_ensure(uint32_t max_connections);
/* The table, or NULL before any service needed it. */
struct ct_table *flow_table(void);
/* Frees the table (at shut-down, after the workers stopped). */
void flow_table_destroy(void);
/* Bytes of memory of the table, 0 when there is none. */
size_t flow_table_memory(void);

/* The bytes of entry e at offset off of its service area. */
static inline void *
flow_service_state(struct ct_entry *e, int off)
{
	return e->service + off;
}

#endif
