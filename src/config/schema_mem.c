/*
 * The config's memory, driven by the schema: defaults of every field, and the heap arrays that
 * hold the config's lists (found by walking the section tables), so that a config is freed,
 * copied deeply, or made equal to another by copying only the lists that differ (a `port add`
 * replaces the ports list and leaves the rest of the running config where it is).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/schema.h"

/* A heap array of struct dse_config. */
struct heap_list {
	size_t ptr;       /* offset of the array pointer */
	size_t count;     /* offset of the count */
	uint8_t count_sz; /* width of the count */
	size_t elem;      /* element size */
};

#define MAX_HEAP_LISTS 32

long long
schema_load_int(const void *p, size_t size, bool is_signed)
{
	if (size == 1)
		return is_signed ? *(const int8_t *)p : *(const uint8_t *)p;
	if (size == 2)
		return is_signed ? *(const int16_t *)p : *(const uint16_t *)p;
	if (size == 4 && is_signed)
		return *(const int32_t *)p;
	if (size == 4)
		return *(const uint32_t *)p;
	return 0;
}

void
schema_store_int(void *p, size_t size, long long v)
{
	if (size == 1)
		*(uint8_t *)p = (uint8_t)v;
	else if (size == 2)
		*(uint16_t *)p = (uint16_t)v;
	else if (size == 4)
		*(uint32_t *)p = (uint32_t)v;
}

void
schema_fields_init(const struct schema_field *fields, unsigned count, void *item)
{
	for (unsigned i = 0; i < count; i++) {
		const struct schema_field *f = &fields[i];
		char *at = (char *)item + f->offset;

		switch (f->type) {
		case SCHEMA_STRING:
		case SCHEMA_NAME:
			if (f->def_text != NULL)
				strncpy(at, f->def_text, f->size - 1);
			break;
		case SCHEMA_UINT:
		case SCHEMA_ENUM:
		case SCHEMA_CUSTOM:
			if (f->def != 0 && f->size <= 4)
				schema_store_int(at, f->size, f->def);
			break;
		case SCHEMA_BOOL:
			*(bool *)at = f->def != 0;
			break;
		case SCHEMA_MAP:
			schema_fields_init(f->sub->fields, f->sub->nb_fields, at);
			break;
		default:
			break;
		}
	}
}

void
schema_item_init(const struct schema_table *table, void *item)
{
	memset(item, 0, table->size);
	schema_fields_init(table->fields, table->nb_fields, item);
}

void
config_init(struct dse_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < config_nb_sections; i++)
		schema_fields_init(config_sections[i]->field, 1, cfg);
}

/* Adds the heap arrays found in fields (at base in the config) to lists. */
static void
collect(const struct schema_field *fields, unsigned count, size_t base, struct heap_list *lists,
        unsigned *nb)
{
	for (unsigned i = 0; i < count && *nb < MAX_HEAP_LISTS; i++) {
		const struct schema_field *f = &fields[i];

		if (f->type == SCHEMA_MAP)
			collect(f->sub->fields, f->sub->nb_fields, base + f->offset, lists, nb);
		if (f->type == SCHEMA_POOL) {
			bool known = false;

			for (unsigned j = 0; j < *nb; j++)
				known |= lists[j].ptr == f->pool->ptr;
			if (!known)
				lists[(*nb)++] = (struct heap_list){
				    f->pool->ptr, f->pool->count, f->pool->count_sz, f->pool->elem};
		}
		if (f->type != SCHEMA_LIST || (f->flags & SCHEMA_INLINE))
			continue;
		lists[(*nb)++] = (struct heap_list){base + f->offset, base + (size_t)f->aux,
		                                    f->count_sz, f->size};
		/* Pools are reached from the items of a list. */
		collect(f->sub->fields, f->sub->nb_fields, 0, lists, nb);
	}
}

/* The heap arrays of struct dse_config (computed once; the tables are constant). */
static const struct heap_list *
heap_lists(unsigned *nb)
{
	static struct heap_list lists[MAX_HEAP_LISTS];
	static unsigned count;

	if (count == 0)
		for (unsigned i = 0; i < config_nb_sections; i++)
			collect(config_sections[i]->field, 1, 0, lists, &count);
	*nb = count;
	return lists;
}

static void **
list_ptr(struct dse_config *cfg, const struct heap_list *l)
{
	return (void **)((char *)cfg + l->ptr);
}

/* A copy of src's list l (NULL when empty); *fail set when out of memory. */
static void *
list_dup(const struct dse_config *src, const struct heap_list *l, bool *fail)
{
	const void *from = *(void *const *)((const char *)src + l->ptr);
	size_t n = (size_t)schema_load_int((const char *)src + l->count, l->count_sz, false);
	void *copy;

	if (n == 0 || from == NULL)
		return NULL;
	copy = malloc(n * l->elem);
	if (copy == NULL) {
		*fail = true;
		return NULL;
	}
	memcpy(copy, from, n * l->elem);
	return copy;
}

void
config_free(struct dse_config *cfg)
{
	unsigned nb;
	const struct heap_list *lists = heap_lists(&nb);

	if (cfg == NULL)
		return;
	for (unsigned i = 0; i < nb; i++) {
		free(*list_ptr(cfg, &lists[i]));
		*list_ptr(cfg, &lists[i]) = NULL;
		schema_store_int((char *)cfg + lists[i].count, lists[i].count_sz, 0);
	}
}

int
config_assign(struct dse_config *dst, const struct dse_config *src)
{
	unsigned nb;
	const struct heap_list *lists = heap_lists(&nb);
	void *before[MAX_HEAP_LISTS];
	bool fail = false;

	if (dst == src)
		return 0;
	for (unsigned i = 0; i < nb; i++)
		before[i] = *list_ptr(dst, &lists[i]);
	memcpy(dst, src, sizeof(*dst));
	for (unsigned i = 0; i < nb; i++) {
		void **p = list_ptr(dst, &lists[i]);

		if (before[i] == *p && *p != NULL)
			continue;
		free(before[i]);
		*p = list_dup(src, &lists[i], &fail);
	}
	if (fail) {
		config_free(dst);
		return -ENOMEM;
	}
	return 0;
}

int
config_copy(struct dse_config *dst, const struct dse_config *src)
{
	memset(dst, 0, sizeof(*dst));
	return config_assign(dst, src);
}

bool
config_equal(const struct dse_config *a, const struct dse_config *b)
{
	unsigned nb;
	const struct heap_list *lists = heap_lists(&nb);
	struct dse_config ha, hb;

	memcpy(&ha, a, sizeof(ha));
	memcpy(&hb, b, sizeof(hb));
	for (unsigned i = 0; i < nb; i++) {
		*list_ptr(&ha, &lists[i]) = NULL;
		*list_ptr(&hb, &lists[i]) = NULL;
	}
	if (memcmp(&ha, &hb, sizeof(ha)) != 0)
		return false;
	for (unsigned i = 0; i < nb; i++) {
		const void *pa = *(void *const *)((const char *)a + lists[i].ptr);
		const void *pb = *(void *const *)((const char *)b + lists[i].ptr);
		size_t n = (size_t)schema_load_int((const char *)a + lists[i].count,
		                                   lists[i].count_sz, false);

		if (n > 0 && memcmp(pa, pb, n * lists[i].elem) != 0)
			return false;
	}
	return true;
}
