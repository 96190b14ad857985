/*
 * The engine's management API: the JSON-RPC method table served on the control socket
 * (docs/api.md). Handlers run on the control thread and change the engine only through
 * engine_apply / engine_port_add / engine_port_del.
 */
#ifndef DSE_MGMT_API_H
#define DSE_MGMT_API_H

#include <stddef.h>

#include "mgmt/rpc/rpc.h"

/* The method table and its size. ctx passed to handlers is the struct dse_engine. */
const struct rpc_method *api_methods(size_t *count);

/* Handlers of the read-only methods (api_show.c). */
json_t *api_ports_list(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_segments_list(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_macs_list(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_graph_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_stats_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_stats_clear(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_engine_info(json_t *params, struct rpc_error *err, void *ctx);

/* Handlers of the firewall methods (firewall/fw_api.c). */
json_t *api_fw_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_fw_revalidate(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_ct_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_ct_flush(json_t *params, struct rpc_error *err, void *ctx);
/* Handlers of the overlay (src/overlay/overlay_api.c). */
json_t *api_overlay_tunnels_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_overlay_remote_list(json_t *params, struct rpc_error *err, void *ctx);

#endif
