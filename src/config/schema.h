/*
 * The config schema: each config section is a table of fields (name, type, range, default,
 * where the value lives in the C struct, a one-line doc) read and written by one generic engine.
 * The same table drives the YAML reader (schema_yaml.c: type and range checks, errors as
 * LINE + field path + message), the JSON writer (schema_json.c: `config.get`, in the form the
 * reader takes back) and the field tables of docs/config.md (schema_doc.c). What no single field
 * shows (references between sections, uniqueness) is checked by hand-written functions next to
 * each section's table.
 */
#ifndef DSE_CONFIG_SCHEMA_H
#define DSE_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <yaml.h>

#include "config/config.h"

/* What a field holds and how it is written in YAML. */
enum schema_type {
	SCHEMA_STRING,      /* char[size]: a non-empty string shorter than size */
	SCHEMA_NAME,        /* char[size]: a name (config_name_is_valid) */
	SCHEMA_UINT,        /* an unsigned integer of size 1, 2 or 4 bytes in min..max */
	SCHEMA_BOOL,        /* bool: true or false */
	SCHEMA_ENUM,        /* an integer of size 1 or 4 bytes: index of its word in names */
	SCHEMA_MAC,         /* uint8_t[6]: a unicast MAC address */
	SCHEMA_IPV4,        /* uint32_t (host order): a unicast IPv4 address */
	SCHEMA_IPV4_PREFIX, /* uint32_t + uint8_t prefix length at aux: "a.b.c.d/n" */
	SCHEMA_LIST,        /* a heap array of sub-table items; pointer at offset, count at aux */
	SCHEMA_POOL,        /* a list whose items go to a shared heap array of the config (see
	                       struct schema_pool); the item records its first index and count */
	SCHEMA_MAP,         /* a nested mapping: the sub-table's struct at offset */
	SCHEMA_CUSTOM,      /* read and written by the hooks of custom */
};

/* Field flags. */
#define SCHEMA_REQUIRED   0x01 /* missing -> "missing field" at the mapping's line */
#define SCHEMA_OMIT_EMPTY 0x02 /* JSON: left out when zero, empty or an empty list */
#define SCHEMA_NULL_OK    0x04 /* MAP: an empty value means the defaults */
#define SCHEMA_ITEM_LIMIT 0x08 /* LIST/POOL: "too many" is reported on the item, not the list */
#define SCHEMA_INLINE     0x10 /* LIST: a fixed array inside the item (capacity max), not heap */
#define SCHEMA_SIGNED     0x20 /* UINT/CUSTOM: the C integer is signed (default -1 = none) */

struct schema_reader;
struct schema_field;
struct config_section;

/* How a custom field is read, written and documented. */
struct schema_custom {
	/* Reads node into the field of item (cfg: the whole config, or NULL for a lone port).
	 * Returns 0, or -1 with an error recorded. */
	int (*read)(struct schema_reader *rd, const yaml_node_t *node, const char *path,
	            const struct schema_field *f, void *item, void *cfg);
	/* Returns the field's JSON value (new reference), or NULL when it is left out; NULL as
	 * write means the field is written as a string. *fail is set when out of memory. For the
	 * items of a POOL field without a sub-table, read and write get one pool element as item.
	 */
	json_t *(*write)(const struct schema_field *f, const void *item, const void *cfg,
	                 bool *fail);
};

/* A shared heap array of struct dse_config that POOL fields append to (firewall rules, group
 * members): offsets are from the start of struct dse_config. */
struct schema_pool {
	size_t ptr;       /* offset of the array pointer */
	size_t count;     /* offset of the uint16_t or uint32_t count */
	uint8_t count_sz; /* 2 or 4 */
	size_t elem;      /* size of one element */
	size_t first;     /* offset in the owning item of its first index (uint16_t or uint32_t) */
	size_t nb;        /* offset in the owning item of its count (same width as first) */
	uint8_t index_sz; /* width of first and nb */
	uint8_t part;     /* 1 + id of the service whose config part holds the array (ptr and
	                     count are then offsets in that part), or 0 */
};

/* A mapping: its fields, in the order they are written (JSON, docs). */
struct schema_table {
	const struct schema_field *fields; /* the fields */
	unsigned nb_fields;                /* entries in fields (at most 32) */
	const char *expected;              /* "a mapping of ..." for type errors */
	size_t size;                       /* sizeof the C struct of one item */
	long line;                         /* 1 + offset of an int for the item's line, or 0 */
	/* Called after a mapping was read (defaults that depend on other fields, derived values);
	 * seen has bit i set for each field i given. */
	void (*finish)(struct schema_reader *rd, const yaml_node_t *node, const char *path,
	               void *item, void *cfg, uint32_t seen);
};

/* One field of a table. */
struct schema_field {
	const char *name;         /* YAML / JSON key */
	enum schema_type type;    /* what it holds */
	unsigned flags;           /* SCHEMA_* flags */
	size_t offset;            /* where the value is in the item's struct */
	size_t size;              /* string capacity, integer width, or list element size */
	long aux;                 /* IPV4_PREFIX: offset of the length; LIST: offset of the count */
	long has;                 /* 1 + offset of a bool set when the field is given, or 0 */
	long long min, max;       /* UINT range; LIST/POOL: max is the most items */
	long long low;            /* UINT: a non-zero value must be at least low (0: no gap) */
	long long def;            /* UINT/ENUM/BOOL default */
	const char *def_text;     /* STRING/NAME default */
	const char *const *names; /* ENUM words */
	unsigned nb_names;        /* entries in names */
	const char *expected;     /* what is accepted, for errors (NULL: derived) */
	const char *missing;      /* REQUIRED: what is expected, for "missing field" */
	const char *too_many;     /* LIST/POOL: "too many X; at most %d" */
	uint8_t count_sz;         /* LIST: width of the count (2 or 4) */
	const struct schema_table *sub;     /* LIST/POOL/MAP: the items' table */
	const struct schema_pool *pool;     /* POOL: the shared array */
	const struct schema_custom *custom; /* CUSTOM: hooks */
	bool (*present)(const void *item);  /* JSON: written only when this says so */
	const char *doc_type;               /* docs: type column (NULL: derived) */
	const char *doc_default;            /* docs: default column (NULL: derived) */
	const char *doc_range;              /* docs: range column (NULL: derived) */
	const char *doc_example;            /* docs: an example value */
	const char *doc;                    /* docs: one line saying what it is for */
	uint8_t part; /* 1 + id of the service whose config part holds the value (offset, aux and
	                 has are then offsets in that part; only in tables whose item is the
	                 config), or 0: the value is in the item */
};

/* Where a field's value is: .offset and .size of member m of struct type st. */
#define SCHEMA_AT(st, m)     .offset = offsetof(st, m), .size = sizeof(((st *)0)->m)
#define SCHEMA_HAS(st, m)    .has = (long)offsetof(st, m) + 1
#define SCHEMA_LINE(st, m)   .line = (long)offsetof(st, m) + 1
#define SCHEMA_FIELDS(array) (array), (unsigned)(sizeof(array) / sizeof((array)[0]))
/* The value is in the config part of service id (its DSE_SERVICE_* id). */
#define SCHEMA_PART(id) .part = (uint8_t)((id) + 1)

/* Where the values of field f of item are: item, or the service's part of cfg. */
static inline void *
schema_field_base(const struct schema_field *f, const void *item, const void *cfg)
{
	return f->part ? ((const struct dse_config *)cfg)->part[f->part - 1] : (void *)item;
}

/* Where the array and count of pool are in cfg: the config, or the service's part of it. */
static inline void *
schema_pool_base(const struct schema_pool *pool, const void *cfg)
{
	return pool->part ? ((const struct dse_config *)cfg)->part[pool->part - 1] : (void *)cfg;
}

/* A top-level config section: a key of the config file and the code that owns it. */
struct config_section {
	const char *name;                 /* top-level key */
	const struct schema_field *field; /* how it is read and written; offsets from the config */
	const char *doc_title;            /* heading of its table in docs/config.md */
	/* Checks what no single field shows, once the whole config is read (may be NULL). */
	void (*check)(const struct dse_config *cfg, const struct schema_reader *rd,
	              struct dse_config_errors *errs);
	/* A service's section: written after the section of this name when the list is
	 * assembled (NULL, or a section not known yet: at the end), so adding a service keeps
	 * the order of the others. */
	const char *after;
	/* A service's field of a core section (transport-node.tep; segments[].flood-teps in
	 * the items of a list): the section named parent gets field as the last field of its
	 * table instead of a top-level key. */
	const char *parent;
};

/* A service's part of the config: the struct its sections fill, which struct dse_config
 * holds as an opaque pointer (part[service id]), and its sections. Each service defines
 * dse_config_<name> in its folder; the table of them is generated from the service list. */
struct config_part {
	size_t size; /* bytes of the part's struct, allocated with every config */
	const struct config_section *const *sections; /* its sections, in order */
	unsigned nb_sections;
	/* True if the service takes port for itself so that it carries no segment (the
	 * overlay's uplink); may be NULL. */
	bool (*port_is_own)(const struct dse_config *cfg, const char *port);
};

/* The services' parts, by service id (generated: config_parts.c). */
extern const struct config_part *const config_parts[];
extern const unsigned config_nb_parts;

/* The sections of a config in the order they are written, the services' merged in
 * (config_sections.c, assembled at start). */
extern const struct config_section *config_sections[];
extern unsigned config_nb_sections;

/* --- The reader (schema_yaml.c) --- */

/* Loads text and reads it with the sections into *cfg (initialised with the defaults first).
 * Returns the reader (to look up lines and given fields while checking; free it with
 * schema_reader_free), or NULL with errors recorded when the text is not even YAML. */
struct schema_reader *schema_read_config(const char *text, size_t len, struct dse_config *cfg,
                                         struct dse_config_errors *errs);

/* Loads text and reads it as one item of table into item. with_lines false: errors carry
 * line 0. Returns the reader (free with schema_reader_free) or NULL (errors recorded). */
struct schema_reader *schema_read_item(const char *text, size_t len,
                                       const struct schema_table *table, void *item,
                                       const char *path, bool with_lines,
                                       struct dse_config_errors *errs);

void schema_reader_free(struct schema_reader *rd);

/* Line of the value at path ("ports[2].iface"); the line of the closest enclosing item when the
 * field was not given; 0 when unknown (rd NULL, or text generated from JSON). */
int schema_line(const struct schema_reader *rd, const char *path);
/* True if the value at path was written in the text. */
bool schema_given(const struct schema_reader *rd, const char *path);
/* True if the value at path was written and read without error. */
bool schema_valid(const struct schema_reader *rd, const char *path);

/* For custom readers: the errors, the line of a node, and the typed readers. */
struct dse_config_errors *schema_errors(struct schema_reader *rd);
int schema_node_line(const struct schema_reader *rd, const yaml_node_t *node);
yaml_node_t *schema_node(const struct schema_reader *rd, int id);
bool schema_is_null(const yaml_node_t *node);
bool schema_is_plain(const yaml_node_t *node);
int schema_get_string(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                      char *out, size_t size, const char *expected);
int schema_get_name(struct schema_reader *rd, const yaml_node_t *node, const char *path, char *out);
int schema_get_integer(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                       long long min, long long max, const char *expected, long long *value);
int schema_expect_sequence(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                           const char *expected);
int schema_get_ipv4(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                    uint32_t *ip, uint8_t *prefix_len);
/* True if mac is a unicast address a port may own: not group, not all-zero. */
bool schema_mac_is_unicast(const uint8_t *mac);
/* What a name is, for errors. */
extern const char schema_name_expected[];
/* Records the line of a value at path (custom readers that read lists of scalars). */
void schema_note(struct schema_reader *rd, const char *path, const yaml_node_t *node);

/* Writes prefix.name / prefix[index] into out (a field path, sizeof dse_config_error.field). */
void schema_path_join(char *out, const char *prefix, const char *name);
void schema_path_index(char *out, const char *prefix, size_t index);

/* --- Memory (schema_mem.c) --- */

/* Sets every field of a table's item to its default. */
void schema_item_init(const struct schema_table *table, void *item);
/* Sets the fields of table at item to their defaults, without clearing the rest first. */
void schema_fields_init(const struct schema_field *fields, unsigned count, void *item);
/* Reads an integer of size bytes at p (sign-extended when is_signed). */
long long schema_load_int(const void *p, size_t size, bool is_signed);
void schema_store_int(void *p, size_t size, long long v);

/* --- The JSON writer (schema_json.c) --- */

/* Returns item as a JSON object in table's form (new reference), or NULL if out of memory. */
json_t *schema_item_to_json(const struct schema_table *table, const void *item, const void *cfg);
/* Sets key f->name of obj to the value of field f of item (unless it is left out). 0 or -1. */
int schema_field_to_json(json_t *obj, const struct schema_field *f, const void *item,
                         const void *cfg);
json_t *schema_mac_json(const uint8_t *mac);
json_t *schema_ipv4_json(uint32_t ip, unsigned prefix_len);

/* --- The docs (schema_doc.c) --- */

/* Writes the markdown table of a section's fields (and of its nested mappings and lists). */
void schema_doc_section(FILE *out, const struct config_section *section);
/* Writes every section's table between "<!-- schema: NAME -->" markers. */
void schema_doc_all(FILE *out);
/* Returns in *out (malloc'd) the text doc with each schema block replaced by what the schema
 * writes now. -EINVAL with problem set when doc names a table the schema lacks or lacks one the
 * schema has; -ENOMEM. */
int schema_doc_update(const char *doc, char **out, char *problem, size_t problem_size);

#endif
