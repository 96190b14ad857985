/*
 * The firewall as a service of the engine: the one place that ties its control functions
 * (fw_ctl.c) and API handlers (fw_api.c) to the registry (core/service.h).
 */
#include "core/service.h"
#include "firewall/fw.h"
#include "firewall/fw_api.h"
#include "rpc/rpc.h"

static const struct rpc_method fw_methods[] = {
    {"fw.show", api_fw_show, ""},
    {"fw.revalidate", api_fw_revalidate, ""},
    {"ct.show", api_ct_show,
     "{\"address\": PREFIX, \"port\": N, \"protocol\": P, \"state\": S, \"limit\": N}"},
    {"ct.flush", api_ct_flush, "{\"address\": PREFIX, \"port\": N, \"protocol\": P, \"state\": S}"},
};

const struct dse_service dse_service_firewall = {
    .name = "firewall",
    .init = fw_init,
    .fini = fw_fini,
    .build = fw_snapshot_build,
    .part_free = fw_snapshot_free,
    .tick = fw_tick,
    /* The verdict cache lives in every connection's entry. */
    .flow_state_size = sizeof(struct fw_flow_state),
    .flow_state_offset = &fw_flow_offset,
    .methods = fw_methods,
    .nb_methods = sizeof(fw_methods) / sizeof(fw_methods[0]),
};
