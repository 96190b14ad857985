/*
 * The config model as JSON, for the API: `config.get` returns config_to_json(), `port.add` reads a
 * port with config_port_from_json(), and config and parameter errors travel as the array built by
 * config_errors_to_json(). Field names are those of the YAML file, so a JSON config can be
 * applied again as it is (JSON text is YAML text).
 */
#ifndef DSE_CONFIG_CONFIG_JSON_H
#define DSE_CONFIG_CONFIG_JSON_H

#include <jansson.h>

#include "config/config.h"

/*
 * Reads a port object (the fields of a YAML `ports` entry) into *port, checking each field's
 * type and range and filling in defaults; errors name field_prefix.field and carry line 0. Does
 * not check the port against a config: the caller then calls config_validate_port().
 * Returns 0, or -EINVAL with errors appended to *errs (-ENOMEM if out of memory).
 */
int config_port_from_json(const json_t *obj, struct dse_port_config *port, const char *field_prefix,
                          struct dse_config_errors *errs);

/* Returns the whole config as a new JSON object (defaults included), or NULL if out of memory. */
json_t *config_to_json(const struct dse_config *cfg);

/* Returns one port as a new JSON object, or NULL if out of memory. */
json_t *config_port_to_json(const struct dse_port_config *p);

/*
 * Returns errs as a new JSON array of {"line", "field", "message"} objects; when more errors were
 * found than stored, a last entry says how many were left out. NULL if out of memory.
 */
json_t *config_errors_to_json(const struct dse_config_errors *errs);

#endif /* DSE_CONFIG_CONFIG_JSON_H */
