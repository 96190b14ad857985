/*
 * The engine's management API: the JSON-RPC method table served on the control socket
 * (docs/api.md): the engine's own methods and those every service declares (core/service.h).
 * Handlers run on the control thread and change the engine only through engine_apply /
 * engine_port_add / engine_port_del.
 */
#ifndef DSE_MGMT_API_H
#define DSE_MGMT_API_H

#include <stddef.h>

#include "rpc/rpc.h"

/* The method table and its size. ctx passed to handlers is the struct dse_engine. */
const struct rpc_method *api_methods(size_t *count);

/* Handlers of the read-only methods (api_show.c). */
json_t *api_ports_list(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_graph_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_stats_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_stats_clear(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_engine_info(json_t *params, struct rpc_error *err, void *ctx);

#endif
