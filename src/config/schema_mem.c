/*
 * The config's memory, driven by the schema: defaults of every field, and the heap arrays that
 * hold the config's lists (found by walking the section tables), so that a config is freed,
 * copied deeply, or made equal to another by copying only the lists that differ (a `port add`
 * replaces the ports list and leaves the rest of the running config where it is). The
 * services' parts (struct config_part) are allocated with the config and owned by it; their
 * lists are found the same way, at offsets in the part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/schema.h"

/* A heap array of struct dse_config or of one of its parts. */
struct heap_list {
	unsigned part;    /* 1 + service id of the part holding ptr and count, or 0: the config */
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
		/* Part fields sit in tables whose item is the config. */
		char *at = (char *)schema_field_base(f, item, item) + f->offset;

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

int
config_init(struct dse_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < config_nb_parts; i++) {
		cfg->part[i] = calloc(1, config_parts[i]->size ? config_parts[i]->size : 1);
		if (cfg->part[i] == NULL) {
			config_free(cfg);
			return -ENOMEM;
		}
	}
	for (unsigned i = 0; i < config_nb_sections; i++)
		schema_fields_init(config_sections[i]->field, 1, cfg);
	return 0;
}

/* Adds the heap arrays found in fields (at base in the config) to lists. */
static void
collect(const struct schema_field *fields, unsigned count, size_t base, unsigned part,
        struct heap_list *lists, unsigned *nb)
{
	for (unsigned i = 0; i < count && *nb < MAX_HEAP_LISTS; i++) {
		const struct schema_field *f = &fields[i];
		size_t at = f->part ? 0 : base;
		unsigned in = f->part ? f->part : part;

		if (f->type == SCHEMA_MAP)
			collect(f->sub->fields, f->sub->nb_fields, at + f->offset, in, lists, nb);
		if (f->type == SCHEMA_POOL) {
			bool known = false;

			for (unsigned j = 0; j < *nb; j++)
				known |=
				    lists[j].part == f->pool->part && lists[j].ptr == f->pool->ptr;
			if (!known)
				lists[(*nb)++] =
				    (struct heap_list){f->pool->part, f->pool->ptr, f->pool->count,
				                       f->pool->count_sz, f->pool->elem};
		}
		if (f->type != SCHEMA_LIST || (f->flags & SCHEMA_INLINE))
			continue;
		lists[(*nb)++] = (struct heap_list){in, at + f->offset, at + (size_t)f->aux,
		                                    f->count_sz, f->size};
		/* Pools are reached from the items of a list. */
		collect(f->sub->fields, f->sub->nb_fields, 0, 0, lists, nb);
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
			collect(config_sections[i]->field, 1, 0, 0, lists, &count);
	*nb = count;
	return lists;
}

/* Where list l's pointer and count are in cfg: the config or one of its parts. */
static char *
list_base(const struct dse_config *cfg, const struct heap_list *l)
{
	return l->part ? (char *)cfg->part[l->part - 1] : (char *)cfg;
}

static void **
list_ptr(struct dse_config *cfg, const struct heap_list *l)
{
	return (void **)(list_base(cfg, l) + l->ptr);
}

static size_t
list_count(const struct dse_config *cfg, const struct heap_list *l)
{
	return (size_t)schema_load_int(list_base(cfg, l) + l->count, l->count_sz, false);
}

/* A copy of src's list l (NULL when empty); *fail set when out of memory. */
static void *
list_dup(const struct dse_config *src, const struct heap_list *l, bool *fail)
{
	const void *from = *(void *const *)(list_base(src, l) + l->ptr);
	size_t n = list_count(src, l);
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
		if (lists[i].part && cfg->part[lists[i].part - 1] == NULL)
			continue;
		free(*list_ptr(cfg, &lists[i]));
		*list_ptr(cfg, &lists[i]) = NULL;
		schema_store_int(list_base(cfg, &lists[i]) + lists[i].count, lists[i].count_sz, 0);
	}
	for (unsigned i = 0; i < config_nb_parts; i++) {
		free(cfg->part[i]);
		cfg->part[i] = NULL;
	}
}

int
config_assign(struct dse_config *dst, const struct dse_config *src)
{
	unsigned nb;
	const struct heap_list *lists = heap_lists(&nb);
	void *before[MAX_HEAP_LISTS];
	void *parts[DSE_CONFIG_MAX_PARTS];
	bool fail = false;

	if (dst == src)
		return 0;
	/* dst keeps its own parts (allocated here if it has none) and takes src's values. */
	for (unsigned i = 0; i < config_nb_parts; i++) {
		parts[i] = dst->part[i];
		if (parts[i] == NULL) {
			parts[i] = calloc(1, config_parts[i]->size ? config_parts[i]->size : 1);
			fail |= parts[i] == NULL;
		}
	}
	if (fail) {
		for (unsigned i = 0; i < config_nb_parts; i++)
			if (parts[i] != dst->part[i])
				free(parts[i]);
		config_free(dst);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nb; i++)
		before[i] = lists[i].part && dst->part[lists[i].part - 1] == NULL
		                ? NULL
		                : *list_ptr(dst, &lists[i]);
	memcpy(dst, src, sizeof(*dst));
	for (unsigned i = 0; i < config_nb_parts; i++) {
		if (parts[i] != src->part[i])
			memcpy(parts[i], src->part[i], config_parts[i]->size);
		dst->part[i] = parts[i];
	}
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

/* True if a and b hold the same values in the struct at offset 0 of base a / b of size bytes,
 * the list pointers of lists (in this struct: part) left out. */
static bool
struct_equal(const char *a, const char *b, size_t size, unsigned part,
             const struct heap_list *lists, unsigned nb)
{
	char ha[4096], hb[4096];
	size_t done = 0;

	/* Compared in windows, list pointers zeroed in each copy. */
	while (done < size) {
		size_t n = size - done < sizeof(ha) ? size - done : sizeof(ha);

		memcpy(ha, a + done, n);
		memcpy(hb, b + done, n);
		for (unsigned i = 0; i < nb; i++) {
			if (lists[i].part != part || lists[i].ptr < done ||
			    lists[i].ptr + sizeof(void *) > done + n)
				continue;
			memset(ha + lists[i].ptr - done, 0, sizeof(void *));
			memset(hb + lists[i].ptr - done, 0, sizeof(void *));
		}
		if (memcmp(ha, hb, n) != 0)
			return false;
		done += n;
	}
	return true;
}

bool
config_equal(const struct dse_config *a, const struct dse_config *b)
{
	unsigned nb;
	const struct heap_list *lists = heap_lists(&nb);
	struct dse_config ha, hb;

	memcpy(&ha, a, sizeof(ha));
	memcpy(&hb, b, sizeof(hb));
	memset(ha.part, 0, sizeof(ha.part));
	memset(hb.part, 0, sizeof(hb.part));
	if (!struct_equal((const char *)&ha, (const char *)&hb, sizeof(ha), 0, lists, nb))
		return false;
	for (unsigned i = 0; i < config_nb_parts; i++)
		if (!struct_equal(a->part[i], b->part[i], config_parts[i]->size, i + 1, lists, nb))
			return false;
	for (unsigned i = 0; i < nb; i++) {
		const void *pa = *(void *const *)(list_base(a, &lists[i]) + lists[i].ptr);
		const void *pb = *(void *const *)(list_base(b, &lists[i]) + lists[i].ptr);
		size_t n = list_count(a, &lists[i]);

		if (n > 0 && memcmp(pa, pb, n * lists[i].elem) != 0)
			return false;
	}
	return true;
}
