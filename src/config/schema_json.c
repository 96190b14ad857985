/*
 * The schema's JSON writer: a config item as the JSON object the reader takes back (field names
 * of the YAML file, defaults included), for `config.get`. A field is left out when its table
 * says so (an optional value not given, an empty list), so that JSON -> config -> JSON gives
 * the same text.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "config/schema.h"
#include "net/eth.h"

json_t *
schema_mac_json(const uint8_t *mac)
{
	char text[NET_MAC_STRING_SIZE];

	if (net_mac_format(mac, text, sizeof(text)) < 0)
		return NULL;
	return json_string(text);
}

json_t *
schema_ipv4_json(uint32_t ip, unsigned prefix_len)
{
	char text[32];

	if (prefix_len)
		snprintf(text, sizeof(text), "%u.%u.%u.%u/%u", ip >> 24, (ip >> 16) & 255,
		         (ip >> 8) & 255, ip & 255, prefix_len);
	else
		snprintf(text, sizeof(text), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		         (ip >> 8) & 255, ip & 255);
	return json_string(text);
}

/* The items of a LIST or POOL field as a JSON array. */
static json_t *
list_to_json(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	const struct schema_pool *pool = f->pool;
	const char *array;
	size_t elem, first = 0, n;
	json_t *list = json_array();

	if (pool != NULL) {
		array =
		    *(const char *const *)((const char *)schema_pool_base(pool, cfg) + pool->ptr);
		elem = pool->elem;
		first = (size_t)schema_load_int((const char *)item + pool->first, pool->index_sz,
		                                false);
		n = (size_t)schema_load_int((const char *)item + pool->nb, pool->index_sz, false);
	} else {
		array = f->flags & SCHEMA_INLINE
		            ? (const char *)item + f->offset
		            : *(const char *const *)((const char *)item + f->offset);
		elem = f->size;
		n = (size_t)schema_load_int((const char *)item + f->aux, f->count_sz, false);
	}
	for (size_t i = 0; list != NULL && i < n; i++) {
		const char *at = array + (first + i) * elem;
		json_t *v = f->sub != NULL ? schema_item_to_json(f->sub, at, cfg)
		                           : f->custom->write(f, at, cfg, fail);

		if (v == NULL || json_array_append_new(list, v) < 0)
			*fail = true;
	}
	if (list == NULL)
		*fail = true;
	return list;
}

/* True if the value of f in item is zero, empty or an empty list. */
static bool
is_empty(const struct schema_field *f, const void *item, const void *cfg, json_t *value)
{
	(void)item;
	(void)cfg;
	if (json_is_array(value))
		return json_array_size(value) == 0;
	if (json_is_string(value))
		return json_string_length(value) == 0;
	if (json_is_integer(value))
		return json_integer_value(value) == 0;
	return f->type == SCHEMA_IPV4 && json_is_string(value) &&
	       strcmp(json_string_value(value), "0.0.0.0") == 0;
}

/* The JSON value of field f of item, or NULL when it is left out (*fail on failure). */
static json_t *
field_value(const struct schema_field *f, const void *item, const void *cfg, bool *fail)
{
	item = schema_field_base(f, item, cfg);
	const char *at = (const char *)item + f->offset;
	bool is_signed = f->flags & SCHEMA_SIGNED;
	long long v;
	json_t *value = NULL;

	if (f->has && !*(const bool *)((const char *)item + f->has - 1))
		return NULL;
	if (f->present != NULL && !f->present(item))
		return NULL;
	switch (f->type) {
	case SCHEMA_STRING:
	case SCHEMA_NAME:
		value = json_stringn(at, strnlen(at, f->size));
		break;
	case SCHEMA_UINT:
		value = json_integer(schema_load_int(at, f->size, is_signed));
		break;
	case SCHEMA_BOOL:
		value = json_boolean(*(const bool *)at);
		break;
	case SCHEMA_ENUM:
		v = schema_load_int(at, f->size, false);
		value = json_string(v >= 0 && v < (long long)f->nb_names ? f->names[v] : "");
		break;
	case SCHEMA_MAC:
		value = schema_mac_json((const uint8_t *)at);
		break;
	case SCHEMA_IPV4:
		if (f->flags & SCHEMA_OMIT_EMPTY && *(const uint32_t *)at == 0)
			return NULL;
		value = schema_ipv4_json(*(const uint32_t *)at, 0);
		break;
	case SCHEMA_IPV4_PREFIX:
		value = schema_ipv4_json(*(const uint32_t *)at, *((const uint8_t *)item + f->aux));
		break;
	case SCHEMA_MAP:
		value = schema_item_to_json(f->sub, at, cfg);
		break;
	case SCHEMA_LIST:
	case SCHEMA_POOL:
		value = list_to_json(f, item, cfg, fail);
		break;
	case SCHEMA_CUSTOM:
		if (f->custom->write != NULL)
			return f->custom->write(f, item, cfg, fail);
		value = json_stringn(at, strnlen(at, f->size));
		break;
	}
	if (value == NULL) {
		*fail = true;
		return NULL;
	}
	if ((f->flags & SCHEMA_OMIT_EMPTY) && is_empty(f, item, cfg, value)) {
		json_decref(value);
		return NULL;
	}
	return value;
}

int
schema_field_to_json(json_t *obj, const struct schema_field *f, const void *item, const void *cfg)
{
	bool fail = false;
	json_t *value = field_value(f, item, cfg, &fail);

	if (value != NULL && json_object_set_new(obj, f->name, value) < 0)
		fail = true;
	return fail ? -1 : 0;
}

json_t *
schema_item_to_json(const struct schema_table *table, const void *item, const void *cfg)
{
	json_t *obj = json_object();
	int rc = obj == NULL ? -1 : 0;

	for (unsigned i = 0; rc == 0 && i < table->nb_fields; i++)
		rc = schema_field_to_json(obj, &table->fields[i], item, cfg);
	if (rc != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
