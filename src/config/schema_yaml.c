/*
 * The schema's YAML reader: walks a loaded document with the field tables of the config
 * sections, checks each value's type and range, stores it where its field says, and records
 * every problem with its line and field path. Lists are stored in heap arrays sized by what the
 * text holds (bounded by each list's maximum). The line of every value read is kept by field
 * path, so the hand-written checks that follow can name the line of what they complain about.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/schema.h"
#include "config/schema_reader.h"

#define FOR_EACH_PAIR(node, pair)                                                                  \
	for (yaml_node_pair_t *pair = (node)->data.mapping.pairs.start;                            \
	     pair < (node)->data.mapping.pairs.top; pair++)

static uint32_t
path_hash(const char *path)
{
	uint32_t h = 2166136261u;

	for (; *path; path++)
		h = (h ^ (uint8_t)*path) * 16777619u;
	return h ? h : 1;
}

/* Slot of path in the table, or the empty slot where it would go. */
static struct schema_seen *
seen_slot(const struct schema_reader *rd, const char *path, uint32_t hash)
{
	size_t mask = rd->seen_size - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct schema_seen *s = &rd->seen[i];

		if (s->hash == 0 || (s->hash == hash && strcmp(s->path, path) == 0))
			return s;
	}
}

static int
seen_grow(struct schema_reader *rd)
{
	size_t size = rd->seen_size ? rd->seen_size * 2 : 256;
	struct schema_seen *old = rd->seen, *table = calloc(size, sizeof(*table));
	size_t old_size = rd->seen_size;

	if (table == NULL)
		return -ENOMEM;
	rd->seen = table;
	rd->seen_size = size;
	for (size_t i = 0; i < old_size; i++)
		if (old[i].hash != 0)
			*seen_slot(rd, old[i].path, old[i].hash) = old[i];
	free(old);
	return 0;
}

void
schema_seen_add(struct schema_reader *rd, const char *path, int line, bool bad)
{
	uint32_t hash = path_hash(path);
	struct schema_seen *s;

	if ((rd->seen_used + 1) * 2 > rd->seen_size && seen_grow(rd) < 0)
		return;
	s = seen_slot(rd, path, hash);
	if (s->hash == 0) {
		s->path = strdup(path);
		if (s->path == NULL)
			return;
		s->hash = hash;
		rd->seen_used++;
	}
	s->line = line;
	s->bad |= bad;
}

void
schema_seen_bad(struct schema_reader *rd, const char *path)
{
	struct schema_seen *s;

	if (rd->seen_size == 0)
		return;
	s = seen_slot(rd, path, path_hash(path));
	if (s->hash != 0)
		s->bad = true;
}

/* The record of path, or NULL. */
static const struct schema_seen *
seen_find(const struct schema_reader *rd, const char *path)
{
	const struct schema_seen *s;

	if (rd == NULL || rd->seen_size == 0)
		return NULL;
	s = seen_slot(rd, path, path_hash(path));
	return s->hash != 0 ? s : NULL;
}

int
schema_line(const struct schema_reader *rd, const char *path)
{
	char p[SCHEMA_PATH_SIZE];

	snprintf(p, sizeof(p), "%s", path);
	while (p[0] != '\0') {
		const struct schema_seen *s = seen_find(rd, p);
		char *dot = strrchr(p, '.'), *bracket = strrchr(p, '[');

		if (s != NULL)
			return s->line;
		if (dot == NULL && bracket == NULL)
			break;
		*(dot > bracket ? dot : bracket) = '\0';
	}
	return 0;
}

bool
schema_given(const struct schema_reader *rd, const char *path)
{
	return seen_find(rd, path) != NULL;
}

bool
schema_valid(const struct schema_reader *rd, const char *path)
{
	const struct schema_seen *s = seen_find(rd, path);

	return s != NULL && !s->bad;
}

void
schema_note(struct schema_reader *rd, const char *path, const yaml_node_t *node)
{
	schema_seen_add(rd, path, schema_node_line(rd, node), false);
}

struct dse_config_errors *
schema_errors(struct schema_reader *rd)
{
	return rd->errs;
}

static uint32_t
load_count(const void *p, size_t size)
{
	return size == 2 ? *(const uint16_t *)p : *(const uint32_t *)p;
}

static int read_table(struct schema_reader *rd, const yaml_node_t *node, const char *path,
                      const struct schema_table *t, void *item, void *cfg, bool null_ok);

/* Reads an enum's word; a word that is also a YAML keyword (kind: null) counts as the word. */
static int
read_enum(struct schema_reader *rd, const yaml_node_t *v, const char *path,
          const struct schema_field *f, void *at)
{
	char text[DSE_NAME_MAX];

	if (v->type == YAML_SCALAR_NODE)
		for (unsigned i = 0; i < f->nb_names; i++)
			if (strlen(f->names[i]) == v->data.scalar.length &&
			    memcmp(f->names[i], v->data.scalar.value, v->data.scalar.length) == 0) {
				schema_store_int(at, f->size, i);
				return 0;
			}
	if (schema_get_string(rd, v, path, text, sizeof(text), f->expected) < 0)
		return -1;
	config_error(rd->errs, schema_node_line(rd, v), path, "expected %s, got \"%s\"",
	             f->expected, text);
	return -1;
}

static int
read_uint(struct schema_reader *rd, const yaml_node_t *v, const char *path,
          const struct schema_field *f, void *at)
{
	long long value;

	if (schema_get_integer(rd, v, path, f->min, f->max, f->expected, &value) < 0)
		return -1;
	if (value > 0 && value < f->low) {
		config_error(rd->errs, schema_node_line(rd, v), path, "expected %s, got %lld",
		             f->expected, value);
		return -1;
	}
	schema_store_int(at, f->size, value);
	return 0;
}

/* Reads a list of table items (LIST) or a list whose items join a pool of the config (POOL). */
static void
read_list(struct schema_reader *rd, const yaml_node_t *v, const char *path,
          const struct schema_field *f, void *item, void *cfg)
{
	const struct schema_pool *pool = f->pool;
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	bool inline_array = f->flags & SCHEMA_INLINE;
	void *inline_at = (char *)item + f->offset;
	void **array = pool           ? (void **)((char *)schema_pool_base(pool, cfg) + pool->ptr)
	               : inline_array ? &inline_at
	                              : (void **)((char *)item + f->offset);
	void *count_at =
	    pool ? (char *)schema_pool_base(pool, cfg) + pool->count : (char *)item + f->aux;
	size_t count_sz = pool ? pool->count_sz : f->count_sz;
	size_t elem = pool ? pool->elem : f->size;
	uint32_t count = load_count(count_at, count_sz), nb = 0, pos = 0;
	char ipath[SCHEMA_PATH_SIZE];

	if (pool != NULL) {
		schema_store_int((char *)item + pool->first, pool->index_sz, count);
		schema_store_int((char *)item + pool->nb, pool->index_sz, 0);
	}
	if (count >= (uint64_t)f->max)
		n = 0;
	else if (n > (size_t)f->max - count)
		n = (size_t)f->max - count;
	if (n > 0 && !inline_array) {
		void *grown = realloc(*array, (count + n) * elem);

		if (grown == NULL) {
			config_error(rd->errs, 0, path, "out of memory");
			return;
		}
		*array = grown;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const yaml_node_t *in = schema_node(rd, *it);
		unsigned before = rd->errs->count;
		char *elem_at;

		if (in == NULL)
			continue;
		schema_path_index(ipath, path, pool ? pos : count);
		pos++;
		if (count >= (uint64_t)f->max) {
			config_error(rd->errs, schema_node_line(rd, in),
			             f->flags & SCHEMA_ITEM_LIMIT ? ipath : path, f->too_many,
			             (int)f->max);
			return;
		}
		elem_at = (char *)*array + (size_t)count * elem;
		if (f->sub != NULL) {
			schema_item_init(f->sub, elem_at);
			schema_seen_add(rd, ipath, schema_node_line(rd, in), false);
			if (read_table(rd, in, ipath, f->sub, elem_at, cfg, false) < 0)
				schema_seen_bad(rd, ipath);
		} else {
			memset(elem_at, 0, elem);
			schema_seen_add(rd, ipath, schema_node_line(rd, in), false);
			if (f->custom->read(rd, in, ipath, f, elem_at, cfg) < 0 ||
			    rd->errs->count != before) {
				schema_seen_bad(rd, ipath);
				continue;
			}
		}
		count++;
		nb++;
		schema_store_int(count_at, count_sz, count);
		if (pool != NULL)
			schema_store_int((char *)item + pool->nb, pool->index_sz, nb);
	}
}

/* Reads one field's value v (at path) into item. Returns 0 or -1 (error recorded). */
static int
read_field(struct schema_reader *rd, const yaml_node_t *v, const char *path,
           const struct schema_field *f, void *item, void *cfg)
{
	item = schema_field_base(f, item, cfg);
	void *at = (char *)item + f->offset;
	bool *has = f->has ? (bool *)((char *)item + f->has - 1) : NULL;
	int rc = -1;

	switch (f->type) {
	case SCHEMA_STRING:
		rc = schema_get_string(rd, v, path, at, f->size, f->expected);
		break;
	case SCHEMA_NAME:
		rc = schema_get_name(rd, v, path, at);
		break;
	case SCHEMA_UINT:
		rc = read_uint(rd, v, path, f, at);
		break;
	case SCHEMA_BOOL:
		rc = schema_get_bool(rd, v, path, at);
		break;
	case SCHEMA_ENUM:
		rc = read_enum(rd, v, path, f, at);
		break;
	case SCHEMA_MAC:
		rc = schema_get_mac(rd, v, path, at);
		break;
	case SCHEMA_IPV4:
		rc = schema_get_ipv4(rd, v, path, at, NULL);
		break;
	case SCHEMA_IPV4_PREFIX:
		rc = schema_get_ipv4(rd, v, path, at, (uint8_t *)item + f->aux);
		break;
	case SCHEMA_MAP:
		rc = read_table(rd, v, path, f->sub, at, cfg, f->flags & SCHEMA_NULL_OK);
		if (has != NULL && rc >= 0)
			*has = true;
		return rc < 0 ? -1 : 0;
	case SCHEMA_LIST:
	case SCHEMA_POOL:
		if (schema_expect_sequence(rd, v, path, f->expected) <= 0)
			return 0;
		read_list(rd, v, path, f, item, cfg);
		return 0;
	case SCHEMA_CUSTOM:
		rc = f->custom->read(rd, v, path, f, item, cfg);
		break;
	}
	if (rc == 0 && has != NULL)
		*has = true;
	return rc;
}

/* Reads the mapping node (at path) with table t into item, which holds its defaults already.
 * Returns what schema_expect_mapping() returned. */
static int
read_table(struct schema_reader *rd, const yaml_node_t *node, const char *path,
           const struct schema_table *t, void *item, void *cfg, bool null_ok)
{
	char fpath[SCHEMA_PATH_SIZE];
	uint32_t seen = 0;
	int m;

	if (t->line)
		*(int *)((char *)item + t->line - 1) = schema_node_line(rd, node);
	m = schema_expect_mapping(rd, node, path, t->expected, null_ok);
	if (m < 0)
		return m;
	if (m > 0)
		FOR_EACH_PAIR(node, pair)
		{
			int i = schema_lookup_field(rd, schema_node(rd, pair->key), path, t->fields,
			                            t->nb_fields, &seen);
			const yaml_node_t *v = schema_node(rd, pair->value);
			unsigned before = rd->errs->count;

			if (i < 0 || v == NULL)
				continue;
			schema_path_join(fpath, path, t->fields[i].name);
			schema_seen_add(rd, fpath, schema_node_line(rd, v), false);
			if (read_field(rd, v, fpath, &t->fields[i], item, cfg) < 0 ||
			    rd->errs->count != before)
				schema_seen_bad(rd, fpath);
		}
	for (unsigned i = 0; i < t->nb_fields; i++)
		if ((t->fields[i].flags & SCHEMA_REQUIRED) && !(seen & (1u << i)))
			schema_missing_field(rd, node, path, t->fields[i].name,
			                     t->fields[i].missing);
	if (t->finish != NULL)
		t->finish(rd, node, path, item, cfg, seen);
	return m;
}

static struct schema_reader *
reader_new(struct dse_config_errors *errs, bool with_lines)
{
	struct schema_reader *rd = calloc(1, sizeof(*rd));

	if (rd == NULL) {
		config_error(errs, 0, "", "out of memory");
		return NULL;
	}
	rd->errs = errs;
	rd->with_lines = with_lines;
	return rd;
}

void
schema_reader_free(struct schema_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->loaded)
		yaml_document_delete(&rd->doc);
	for (size_t i = 0; i < rd->seen_size; i++)
		free(rd->seen[i].path);
	free(rd->seen);
	free(rd);
}

struct schema_reader *
schema_read_config(const char *text, size_t len, struct dse_config *cfg,
                   struct dse_config_errors *errs)
{
	struct schema_field fields[32];
	char expected[200];
	struct schema_table root = {.fields = fields, .expected = expected};
	struct schema_reader *rd = reader_new(errs, true);
	yaml_node_t *node;
	size_t used;

	if (rd == NULL)
		return NULL;
	if (schema_load(rd, text, len) < 0) {
		schema_reader_free(rd);
		return NULL;
	}
	used = (size_t)snprintf(expected, sizeof(expected), "a mapping of");
	for (unsigned i = 0; i < config_nb_sections && i < 32; i++) {
		fields[i] = *config_sections[i]->field;
		if (used < sizeof(expected))
			used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s %s",
			                         i ? "," : "", fields[i].name);
		root.nb_fields++;
	}
	node = yaml_document_get_root_node(&rd->doc);
	if (node != NULL)
		read_table(rd, node, "", &root, cfg, cfg, true);
	return rd;
}

struct schema_reader *
schema_read_item(const char *text, size_t len, const struct schema_table *table, void *item,
                 const char *path, bool with_lines, struct dse_config_errors *errs)
{
	struct schema_reader *rd = reader_new(errs, with_lines);
	yaml_node_t *node;

	if (rd == NULL)
		return NULL;
	if (schema_load(rd, text, len) < 0) {
		schema_reader_free(rd);
		return NULL;
	}
	node = yaml_document_get_root_node(&rd->doc);
	if (node == NULL) {
		config_error(errs, 0, path, "expected a mapping, got nothing");
		return rd;
	}
	schema_seen_add(rd, path, schema_node_line(rd, node), false);
	if (read_table(rd, node, path, table, item, NULL, false) < 0)
		schema_seen_bad(rd, path);
	return rd;
}
