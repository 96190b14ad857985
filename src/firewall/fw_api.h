/*
 * The firewall's management API handlers (docs/api.md: fw.*, ct.*). ctx is the engine.
 */
#ifndef DSE_FIREWALL_FW_API_H
#define DSE_FIREWALL_FW_API_H

#include "rpc/rpc.h"

json_t *api_fw_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_fw_revalidate(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_ct_show(json_t *params, struct rpc_error *err, void *ctx);
json_t *api_ct_flush(json_t *params, struct rpc_error *err, void *ctx);

#endif
