/*
 * Management API methods that change the desired state: config.apply, config.get, port.add,
 * port.del, and the method table. Every error is reported with the field (and for YAML the
 * line) it concerns; on error nothing changes.
 */
#include "mgmt/api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/service.h"
#include "config/config.h"
#include "config/config_json.h"

/* Moves config errors into an RPC error. */
static void
errors_to_rpc(const struct dse_config_errors *errs, struct rpc_error *err, int code,
              const char *what)
{
	unsigned stored = errs->count < DSE_CONFIG_MAX_ERRORS ? errs->count : DSE_CONFIG_MAX_ERRORS;
	for (unsigned i = 0; i < stored; i++)
		rpc_error_append(err, errs->e[i].line, errs->e[i].field, "%s", errs->e[i].message);
	rpc_error_set(err, code, "%s: %u error%s", what, errs->count, errs->count == 1 ? "" : "s");
}

static json_t *
names_json(char names[][DSE_NAME_MAX], unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *
api_config_apply(json_t *params, struct rpc_error *err, void *ctx)
{
	struct dse_engine *e = ctx;
	json_t *yaml =
	    rpc_param_string(params, "yaml", "expected the config as a YAML string", err);
	if (yaml == NULL)
		return NULL;
	struct dse_config *cfg = calloc(1, sizeof(*cfg));
	struct dse_config_errors *errs = calloc(1, sizeof(*errs));
	struct dse_apply_result *result = malloc(sizeof(*result));
	json_t *out = NULL;
	if (cfg == NULL || errs == NULL || result == NULL) {
		rpc_error_set(err, RPC_INTERNAL_ERROR, "out of memory");
		goto done;
	}
	if (config_parse_yaml(json_string_value(yaml), json_string_length(yaml), cfg, errs) < 0) {
		errors_to_rpc(errs, err, RPC_INVALID_PARAMS, "invalid config");
		goto done;
	}
	if (engine_apply(e, cfg, result, errs) < 0) {
		errors_to_rpc(errs, err, RPC_SERVER_ERROR, "config not applied");
		goto done;
	}
	out = json_pack("{s:I, s:o, s:o, s:o}", "generation", (json_int_t)e->generation,
	                "ports_added", names_json(result->added, result->nb_added), "ports_removed",
	                names_json(result->removed, result->nb_removed), "ports_changed",
	                names_json(result->changed, result->nb_changed));
done:
	config_free(cfg);
	free(cfg);
	free(errs);
	free(result);
	return out;
}

static json_t *
api_config_get(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	struct dse_engine *e = ctx;
	return config_to_json(e->config);
}

static json_t *
api_port_add(json_t *params, struct rpc_error *err, void *ctx)
{
	struct dse_engine *e = ctx;
	struct dse_port_config pc;
	struct dse_config_errors *errs = calloc(1, sizeof(*errs));
	json_t *out = NULL;
	if (errs == NULL) {
		rpc_error_set(err, RPC_INTERNAL_ERROR, "out of memory");
		return NULL;
	}
	if (!json_is_object(params) || config_port_from_json(params, &pc, "port", errs) < 0) {
		if (errs->count == 0)
			config_error(errs, 0, "port", "expected a port object");
		errors_to_rpc(errs, err, RPC_INVALID_PARAMS, "invalid port");
		goto done;
	}
	int rc = engine_port_add(e, &pc, errs);
	if (rc < 0) {
		errors_to_rpc(errs, err, rc == -EINVAL ? RPC_INVALID_PARAMS : RPC_SERVER_ERROR,
		              "port not added");
		goto done;
	}
	out = json_pack("{s:I, s:s}", "generation", (json_int_t)e->generation, "port", pc.name);
done:
	free(errs);
	return out;
}

static json_t *
api_port_del(json_t *params, struct rpc_error *err, void *ctx)
{
	struct dse_engine *e = ctx;
	json_t *name = rpc_param_string(params, "name", "expected the port name as a string", err);
	if (name == NULL)
		return NULL;
	struct dse_config_errors *errs = calloc(1, sizeof(*errs));
	if (errs == NULL) {
		rpc_error_set(err, RPC_INTERNAL_ERROR, "out of memory");
		return NULL;
	}
	json_t *out = NULL;
	int rc = engine_port_del(e, json_string_value(name), errs);
	if (rc < 0)
		errors_to_rpc(errs, err, rc == -ENOENT ? RPC_INVALID_PARAMS : RPC_SERVER_ERROR,
		              "port not deleted");
	else
		out = json_pack("{s:I}", "generation", (json_int_t)e->generation);
	free(errs);
	return out;
}

static const struct rpc_method methods[] = {
    {"config.apply", api_config_apply, "{\"yaml\": TEXT, \"source\": NAME}"},
    {"config.get", api_config_get, ""},
    {"port.add", api_port_add, "a port object as in the YAML ports list"},
    {"port.del", api_port_del, "{\"name\": NAME}"},
    {"ports.list", api_ports_list, ""},
    {"graph.show", api_graph_show, ""},
    {"stats.show", api_stats_show, ""},
    {"stats.clear", api_stats_clear, ""},
    {"engine.info", api_engine_info, ""},
};

const struct rpc_method *
api_methods(size_t *count)
{
	/* The engine's own methods, then each service's, in the order of the service list. */
	static struct rpc_method *table;
	static size_t nb;
	if (table == NULL) {
		size_t n = sizeof(methods) / sizeof(methods[0]);
		for (unsigned i = 0; i < DSE_NB_SERVICES; i++)
			n += dse_services[i]->nb_methods;
		table = calloc(n, sizeof(*table));
		if (table == NULL) {
			*count = 0;
			return NULL;
		}
		memcpy(table, methods, sizeof(methods));
		nb = sizeof(methods) / sizeof(methods[0]);
		for (unsigned i = 0; i < DSE_NB_SERVICES; i++) {
			if (dse_services[i]->nb_methods == 0)
				continue;
			memcpy(&table[nb], dse_services[i]->methods,
			       dse_services[i]->nb_methods * sizeof(*table));
			nb += dse_services[i]->nb_methods;
		}
	}
	*count = nb;
	return table;
}
