/*
 * Conversion of the config model to and from JSON (jansson) for the API. A port object is read
 * by printing it as JSON text and handing that to the YAML port reader: JSON is a subset of YAML
 * 1.2, JSON strings become quoted scalars and numbers plain ones, so both forms get exactly the
 * same type checks, ranges and error messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt/config_json.h"

/* Returns a JSON string of the fixed-size field s (size bytes), which may lack a NUL. */
static json_t *
json_text(const char *s, size_t size)
{
	return json_stringn(s, strnlen(s, size));
}

/* Returns a JSON string "aa:bb:cc:dd:ee:ff" of mac. */
static json_t *
json_mac(const uint8_t *mac)
{
	char text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	         mac[3], mac[4], mac[5]);
	return json_string(text);
}

/* Sets key of obj to value (which it takes); returns -1 if value is NULL or on failure. */
static int
set(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL)
		return -1;
	return json_object_set_new(obj, key, value);
}

json_t *
config_port_to_json(const struct dse_port_config *p)
{
	json_t *obj = json_object();
	json_t *vlans = json_array();
	int rc = 0;

	if (obj == NULL || vlans == NULL)
		goto fail;
	for (unsigned i = 0; i < p->nb_vlans && i < DSE_MAX_VLANS; i++) {
		json_t *map = json_object();

		if (map == NULL || json_array_append_new(vlans, map) < 0)
			goto fail;
		rc |= set(map, "vlan", json_integer(p->vlans[i].vlan));
		rc |= set(map, "segment", json_text(p->vlans[i].segment, DSE_NAME_MAX));
	}
	rc |= set(obj, "name", json_text(p->name, sizeof(p->name)));
	rc |= set(obj, "kind", json_string(config_port_kind_name(p->kind)));
	if (p->segment[0] != '\0')
		rc |= set(obj, "segment", json_text(p->segment, sizeof(p->segment)));
	if (p->iface[0] != '\0')
		rc |= set(obj, "iface", json_text(p->iface, sizeof(p->iface)));
	if (p->path[0] != '\0')
		rc |= set(obj, "path", json_text(p->path, sizeof(p->path)));
	if (p->tx_path[0] != '\0')
		rc |= set(obj, "tx-path", json_text(p->tx_path, sizeof(p->tx_path)));
	if (p->kind == DSE_PORT_PCAP)
		rc |= set(obj, "infinite-rx", json_boolean(p->infinite_rx));
	if (p->devargs[0] != '\0')
		rc |= set(obj, "devargs", json_text(p->devargs, sizeof(p->devargs)));
	if (p->has_mac)
		rc |= set(obj, "mac", json_mac(p->mac));
	rc |= set(obj, "mtu", json_integer(p->mtu));
	rc |= set(obj, "queues", json_integer(p->queues));
	rc |= set(obj, "vlans", vlans);
	vlans = NULL;
	if (rc != 0)
		goto fail;
	return obj;
fail:
	json_decref(vlans);
	json_decref(obj);
	return NULL;
}

/* Returns the segments list of cfg as a JSON array. */
static json_t *
segments_to_json(const struct dse_config *cfg)
{
	json_t *list = json_array();
	int rc = 0;

	for (unsigned i = 0; list != NULL && i < cfg->nb_segments && i < DSE_MAX_SEGMENTS; i++) {
		const struct dse_segment_config *segment = &cfg->segments[i];
		json_t *obj = json_object();

		if (obj == NULL || json_array_append_new(list, obj) < 0) {
			rc = -1;
			break;
		}
		rc |= set(obj, "name", json_text(segment->name, sizeof(segment->name)));
		if (segment->vni != 0)
			rc |= set(obj, "vni", json_integer(segment->vni));
	}
	if (rc != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* Returns the static-macs list of cfg as a JSON array. */
static json_t *
static_macs_to_json(const struct dse_config *cfg)
{
	json_t *list = json_array();
	int rc = 0;

	for (unsigned i = 0; list != NULL && i < cfg->nb_static_macs && i < DSE_MAX_STATIC_MACS;
	     i++) {
		const struct dse_static_mac *entry = &cfg->static_macs[i];
		json_t *obj = json_object();

		if (obj == NULL || json_array_append_new(list, obj) < 0) {
			rc = -1;
			break;
		}
		rc |= set(obj, "segment", json_text(entry->segment, sizeof(entry->segment)));
		rc |= set(obj, "mac", json_mac(entry->mac));
		rc |= set(obj, "port", json_text(entry->port, sizeof(entry->port)));
	}
	if (rc != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

json_t *
config_to_json(const struct dse_config *cfg)
{
	json_t *obj = json_object();
	json_t *node = json_object();
	json_t *sw = json_object();
	json_t *ports = json_array();
	int rc = 0;

	if (obj == NULL || node == NULL || sw == NULL || ports == NULL) {
		json_decref(node);
		json_decref(sw);
		json_decref(ports);
		json_decref(obj);
		return NULL;
	}
	rc |= set(node, "name", json_text(cfg->node_name, sizeof(cfg->node_name)));
	rc |= set(node, "workers", json_integer(cfg->nb_workers));
	rc |= set(node, "idle-sleep-us", json_integer(cfg->idle_sleep_us));
	rc |= set(obj, "transport-node", node);
	rc |= set(sw, "mac-table-size", json_integer(cfg->mac_table_size));
	rc |= set(sw, "mac-aging", json_integer(cfg->mac_aging_s));
	rc |= set(obj, "switch", sw);
	rc |= set(obj, "segments", segments_to_json(cfg));
	for (unsigned i = 0; i < cfg->nb_ports && i < DSE_MAX_PORTS; i++)
		if (json_array_append_new(ports, config_port_to_json(&cfg->ports[i])) < 0)
			rc = -1;
	rc |= set(obj, "ports", ports);
	rc |= set(obj, "static-macs", static_macs_to_json(cfg));
	rc |= config_fw_to_json(cfg, obj);
	if (rc == 0)
		rc = config_overlay_to_json(cfg, obj);
	if (rc != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

json_t *
config_errors_to_json(const struct dse_config_errors *errs)
{
	unsigned stored = errs->count < DSE_CONFIG_MAX_ERRORS ? errs->count : DSE_CONFIG_MAX_ERRORS;
	json_t *list = json_array();
	int rc = 0;

	for (unsigned i = 0; list != NULL && i < stored; i++) {
		const struct dse_config_error *e = &errs->e[i];

		rc |= json_array_append_new(
		    list, json_pack("{s:i, s:s%, s:s%}", "line", e->line, "field", e->field,
		                    strnlen(e->field, sizeof(e->field)), "message", e->message,
		                    strnlen(e->message, sizeof(e->message))));
	}
	if (list != NULL && errs->count > stored) {
		char message[64];

		snprintf(message, sizeof(message), "%u more errors not shown",
		         errs->count - stored);
		rc |= json_array_append_new(
		    list, json_pack("{s:i, s:s, s:s}", "line", 0, "field", "", "message", message));
	}
	if (rc != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

int
config_port_from_json(const json_t *obj, struct dse_port_config *port, const char *field_prefix,
                      struct dse_config_errors *errs)
{
	char *text;
	int rc;

	config_port_init(port);
	if (!json_is_object(obj)) {
		config_error(errs, 0, field_prefix, "expected an object with the fields of a port");
		return -EINVAL;
	}
	/* Indented output keeps the text within YAML's rules (a space after each ':'). */
	text = json_dumps(obj, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		config_error(errs, 0, field_prefix, "out of memory");
		return -ENOMEM;
	}
	rc = config_parse_port_yaml(text, strlen(text), port, field_prefix, false, errs);
	free(text);
	return rc;
}
