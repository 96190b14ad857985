/*
 * The switch as a service of the engine: the one place that ties its control functions
 * (switch_ctl.c) and API handlers (switch_api.c) to the registry (core/service.h).
 */
#include "core/service.h"
#include "rpc/rpc.h"
#include "switch/switch.h"
#include "switch/switch_api.h"

static const struct rpc_method switch_methods[] = {
    {"segments.list", api_segments_list, ""},
    {"macs.list", api_macs_list, "{\"segment\": NAME} (optional)"},
};

const struct dse_service dse_service_switch = {
    .name = "switch",
    .init = switch_init,
    .fini = switch_fini,
    .check = switch_check,
    .build = switch_build,
    .part_free = switch_part_free,
    .apply = switch_apply,
    .port_removed = switch_port_removed,
    .segment_removed = switch_segment_removed,
    .config_port_del = switch_config_port_del,
    .tick = switch_tick,
    .worker_counters = switch_counter_names,
    .nb_worker_counters = SWITCH_NB_COUNTERS,
    .worker_counter = switch_worker_counter,
    .methods = switch_methods,
    .nb_methods = sizeof(switch_methods) / sizeof(switch_methods[0]),
};
