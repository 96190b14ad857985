/*
 * The overlay as a service of the engine: the one place that ties its control functions
 * (overlay_ctl.c) and API handlers (overlay_api.c) to the registry (core/service.h).
 */
#include "core/service.h"
#include "rpc/rpc.h"
#include "overlay/overlay.h"
#include "overlay/overlay_api.h"

static int
overlay_service_init(struct dse_engine *e, const struct dse_config *initial)
{
	(void)initial;
	return overlay_ctl_init(e);
}

static const struct rpc_method overlay_methods[] = {
    {"tunnels.show", api_overlay_tunnels_show, ""},
    {"remote.list", api_overlay_remote_list, "{\"segment\": NAME} (optional)"},
};

const struct dse_service dse_service_overlay = {
    .name = "overlay",
    .init = overlay_service_init,
    .fini = overlay_ctl_fini,
    .build = overlay_ctl_build,
    .part_free = overlay_snap_free,
    .apply = overlay_ctl_apply,
    .tick = overlay_ctl_tick,
    .methods = overlay_methods,
    .nb_methods = sizeof(overlay_methods) / sizeof(overlay_methods[0]),
};
