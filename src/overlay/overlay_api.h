/*
 * The overlay's management API handlers (docs/api.md: tunnels.show, remote.list). ctx is the
 * engine.
 */
#ifndef DSE_OVERLAY_OVERLAY_API_H
#define DSE_OVERLAY_OVERLAY_API_H

#include "rpc/rpc.h"

json_t *api_overlay_tunnels_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_overlay_remote_list(json_t *params, struct rpc_error *err, void *ctx);

#endif
