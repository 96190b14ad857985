/*
 * The config reader's building blocks, for the parsers of the services' own sections
 * (config_<service>.c): typed field readers that record errors with their line and field path,
 * the same way the core sections do. Only config.c knows the inside of struct parse_ctx.
 */
#ifndef DSE_MGMT_CONFIG_PARSE_H
#define DSE_MGMT_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "mgmt/config.h"

struct parse_ctx;

/* 1-based line of a node (0 when the text was generated). */
int cfgp_line(const struct parse_ctx *ctx, const yaml_node_t *node);
/* Node of the document by id, or NULL. */
yaml_node_t *cfgp_node(const struct parse_ctx *ctx, int id);
/* Where errors go. */
struct dse_config_errors *cfgp_errors(const struct parse_ctx *ctx);
/* Index of a mapping key among names[0..count), or -1 with an error (unknown or repeated). */
int cfgp_lookup_field(struct parse_ctx *ctx, const yaml_node_t *key, const char *prefix,
                      const char *const *names, int count, uint32_t *seen);
/* 1 if node is a non-empty mapping (or list), 0 if empty, -1 with an error recorded. */
int cfgp_expect_mapping(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                        const char *expected, bool null_ok);
int cfgp_expect_sequence(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                         const char *expected);
/* Records that the mapping at node lacks field name. */
void cfgp_missing_field(struct parse_ctx *ctx, const yaml_node_t *node, const char *prefix,
                        const char *name, const char *expected);
/* Typed readers: 0, or -1 with an error recorded. */
int cfgp_get_string(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out,
                    size_t size, const char *expected);
int cfgp_get_name(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, char *out);
int cfgp_get_integer(struct parse_ctx *ctx, const yaml_node_t *node, const char *field,
                     long long min, long long max, const char *expected, long long *value);
int cfgp_get_bool(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, bool *value);
bool cfgp_is_null(const yaml_node_t *node);
int cfgp_get_mac(struct parse_ctx *ctx, const yaml_node_t *node, const char *field, uint8_t *mac);

#endif
