/*
 * The switch's management API handlers (docs/api.md: macs.list, segments.list). ctx is the
 * engine.
 */
#ifndef DSE_SWITCH_SWITCH_API_H
#define DSE_SWITCH_SWITCH_API_H

#include "rpc/rpc.h"

json_t *api_macs_list(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_segments_list(json_t *params, struct rpc_error *err, void *ctx);

#endif
