/*
 * Conversion of the config model to and from JSON (jansson) for the API: the sections' schema
 * writes a config or a port (schema_json.c), in the form the reader takes back. A port object is
 * read by printing it as JSON text and handing that to the YAML port reader: JSON is a subset of
 * YAML 1.2, JSON strings become quoted scalars and numbers plain ones, so both forms get exactly
 * the same type checks, ranges and error messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_json.h"
#include "config/config_sections.h"
#include "config/schema.h"

json_t *
config_port_to_json(const struct dse_port_config *p)
{
	return schema_item_to_json(&config_port_table, p, NULL);
}

json_t *
config_to_json(const struct dse_config *cfg)
{
	json_t *obj = json_object();

	for (unsigned i = 0; obj != NULL && i < config_nb_sections; i++)
		if (schema_field_to_json(obj, config_sections[i]->field, cfg, cfg) < 0) {
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
