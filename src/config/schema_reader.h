/*
 * Inside of the schema reader, shared by its files only (schema_load.c loads and bounds the
 * YAML text, schema_scalar.c reads typed values, schema_yaml.c walks the tables). The source map
 * remembers the line of every value read, by field path, so the hand-written checks that run
 * after reading can point at the right line.
 */
#ifndef DSE_CONFIG_SCHEMA_READER_H
#define DSE_CONFIG_SCHEMA_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config/config.h"

#define SCHEMA_PATH_SIZE sizeof(((struct dse_config_error *)0)->field)

/* One value seen in the text. */
struct schema_seen {
	uint32_t hash; /* of the path; 0 = empty slot */
	int line;      /* 1-based line of the value (0 when lines are not kept) */
	bool bad;      /* the value was read with an error */
	char *path;    /* its field path (owned) */
};

struct schema_reader {
	yaml_document_t doc;            /* the loaded document */
	bool loaded;                    /* doc holds a document to delete */
	struct dse_config_errors *errs; /* where problems go */
	bool with_lines;                /* false: the text was generated (from JSON); lines are 0 */
	struct schema_seen *seen;       /* open-addressing table of the values read */
	size_t seen_size;               /* slots (a power of two, or 0) */
	size_t seen_used;               /* slots in use */
};

/* Loads text into rd->doc after checking its size, nesting and features. 0 or -errno. */
int schema_load(struct schema_reader *rd, const char *text, size_t len);

/* Returns the 1-based line of a libyaml mark, or 0 when lines are not meaningful. */
int schema_mark_line(const yaml_mark_t *mark, bool with_lines);

/* Records path as read at node's line; bad marks a value read with an error. */
void schema_seen_add(struct schema_reader *rd, const char *path, int line, bool bad);
/* Marks an already recorded path as read with an error. */
void schema_seen_bad(struct schema_reader *rd, const char *path);

/* Says what a node is, for "expected X, got Y" messages. */
const char *schema_node_description(const yaml_node_t *node);
/* Checks that node is a mapping (an empty value is an empty mapping when null_ok).
 * Returns 1 if it has pairs to read, 0 if empty, -1 with an error recorded. */
int schema_expect_mapping(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                          const char *expected, bool null_ok);
/* Index of a mapping key among fields, or -1 with an error (not a string, unknown, repeated). */
int schema_lookup_field(struct schema_reader *rd, const yaml_node_t *key, const char *prefix,
                        const struct schema_field *fields, unsigned count, uint32_t *seen);
/* Records that the mapping at node lacks field name. */
void schema_missing_field(struct schema_reader *rd, const yaml_node_t *node, const char *prefix,
                          const char *name, const char *expected);
int schema_get_bool(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                    bool *value);
int schema_get_mac(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                   uint8_t *mac);

#endif
