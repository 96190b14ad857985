/*
 * The YAML reading helpers of the config model, shared by the files that parse one section of
 * the config each (config.c for the core, config_<service>.c for a service). They work on a
 * libyaml document loaded by config.c, check a field's type and range, and record every problem
 * with its line and field path (struct dse_config_errors).
 */
#ifndef DSE_MGMT_CONFIG_YAML_H
#define DSE_MGMT_CONFIG_YAML_H

#include <stdbool.h>
#include <stdint.h>

#include <yaml.h>

#include "mgmt/config.h"

#define FIELD_SIZE sizeof(((struct dse_config_error *)0)->field)

/* One walk over a loaded YAML document. */
struct parse_ctx {
	yaml_document_t *doc;           /* the loaded document */
	struct dse_config_errors *errs; /* where problems go */
	bool with_lines;                /* false: the text was generated (from JSON); lines are 0 */
};

#define FOR_EACH_PAIR(node, pair)                                                                  \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start;                            \
	     pair < (node)->data.mapping.pairs.top; pair++)

#define FOR_EACH_ITEM(node, item)                                                                  \
	for (yaml_node_item_t *item = (node)->data.sequence.items.start;                           \
	     item < (node)->data.sequence.items.top; item++)

/* Writes prefix.name / prefix[index] into out (FIELD_SIZE bytes). */
void field_join(char *out, const char *prefix, const char *name);
void field_index(char *out, const char *prefix, size_t index);
/* 1-based line of a node, 0 when lines are not meaningful. */
int node_line(const struct parse_ctx *ctx, const yaml_node_t *node);
/* What a node is ("a list", "an integer", ...), for "expected X, got Y" messages. */
const char *node_description(const yaml_node_t *node);
/* True for an empty value (`key:`, `~`, `null`). */
bool node_is_null(const yaml_node_t *node);
/* Typed field readers: 0, or -1 with an error recorded. */
int get_string(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out,
               size_t size, const char *expected);
int get_name(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out);
int get_integer(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, long long min,
                long long max, const char *expected, long long *value);
int get_bool(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, bool *value);
/* Index of a mapping key among names (errors for unknown or repeated keys), or -1. */
int lookup_field(struct parse_ctx *ctx, const yaml_node_t *key, const char *prefix,
                 const char *const *names, int count, uint32_t *seen);
/* Node of the document by id, or NULL. */
yaml_node_t *doc_node(const struct parse_ctx *ctx, int id);
/* 1 if node is a non-empty mapping/list, 0 if empty (null), -1 with an error recorded. */
int expect_mapping(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                   const char *expected, bool null_ok);
int expect_sequence(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                    const char *expected);
/* Records that the mapping at node lacks the required field name. */
void missing_field(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                   const char *name, const char *expected);

#endif
