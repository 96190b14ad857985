/*
 * libFuzzer target for the config readers: arbitrary bytes as a host.yaml (config_parse_yaml),
 * and, when they are JSON, as a `port.add` request (config_port_from_json). A valid config must
 * also survive the trip through config_to_json and back unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "overlay/overlay_config.h"
#include "switch/switch_config.h"
#include "firewall/fw_config.h"
#include "config/config_json.h"

/* Clears the source lines, which legitimately differ between two texts of one config. */
static void
clear_lines(struct dse_config *cfg)
{
	for (unsigned i = 0; i < cfg->nb_segments; i++)
		cfg->segments[i].line = 0;
	for (unsigned i = 0; i < cfg->nb_ports; i++)
		cfg->ports[i].line = 0;
	for (unsigned i = 0; i < switch_config(cfg)->nb_static_macs; i++)
		switch_config(cfg)->static_macs[i].line = 0;
	for (unsigned i = 0; i < fw_config(cfg)->nb_groups; i++)
		fw_config(cfg)->groups[i].line = 0;
	for (unsigned i = 0; i < fw_config(cfg)->nb_sections; i++)
		fw_config(cfg)->sections[i].line = 0;
	for (unsigned i = 0; i < fw_config(cfg)->nb_rules; i++)
		fw_config(cfg)->rules[i].line = 0;
	for (unsigned i = 0; i < overlay_config(cfg)->nb_remote; i++)
		overlay_config(cfg)->remote[i].line = 0;
	overlay_config(cfg)->tep.line = overlay_config(cfg)->tep.uplink_line =
	    overlay_config(cfg)->tep.next_hop_line = 0;
}

/* Checks that a valid config reads back the same from its JSON form, and that this JSON read
 * and written again is the same text. */
static void
check_round_trip(struct dse_config *cfg, struct dse_config_errors *errs)
{
	struct dse_config *again = calloc(1, sizeof(*again));
	json_t *json = config_to_json(cfg), *json2 = NULL;
	char *text = json ? json_dumps(json, 0) : NULL, *text2 = NULL;

	if (again != NULL && text != NULL) {
		if (config_parse_yaml(text, strlen(text), again, errs) != 0)
			abort();
		json2 = config_to_json(again);
		text2 = json2 ? json_dumps(json2, 0) : NULL;
		if (text2 != NULL && strcmp(text, text2) != 0)
			abort();
		clear_lines(cfg);
		clear_lines(again);
		if (!config_equal(cfg, again))
			abort();
	}
	/* A deep copy, services' parts included, equals its source. */
	struct dse_config copy;
	if (config_copy(&copy, cfg) == 0) {
		if (!config_equal(&copy, cfg))
			abort();
		config_free(&copy);
	}
	free(text);
	free(text2);
	json_decref(json);
	json_decref(json2);
	config_free(again);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dse_config *cfg = calloc(1, sizeof(*cfg));
	struct dse_config_errors errs;
	struct dse_port_config port;
	json_t *obj;

	if (cfg == NULL)
		return 0;
	if (config_parse_yaml((const char *)data, size, cfg, &errs) == 0) {
		check_round_trip(cfg, &errs);
	} else {
		json_t *list = config_errors_to_json(&errs);

		if (list == NULL || json_array_size(list) == 0)
			abort();
		json_decref(list);
	}

	obj = json_loadb((const char *)data, size, 0, NULL);
	if (obj != NULL) {
		errs.count = 0;
		if (config_port_from_json(obj, &port, "port", &errs) == 0) {
			json_t *back = config_port_to_json(&port);

			config_validate_port(cfg, &port, "port", &errs);
			json_decref(back);
		}
		json_decref(obj);
	}
	config_free(cfg);
	free(cfg);
	return 0;
}
