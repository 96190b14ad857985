/*
 * Ownership of the flow table and of its entries' service area (flow/flow.h). Control thread
 * only; workers reach the table through the services' snapshot parts.
 */
#include "flow/flow.h"

static struct ct_table *table; /* created on first use */
static size_t reserved;        /* bytes of the service area handed out */

int
flow_reserve(size_t size)
{
	size_t off = (reserved + 7) & ~(size_t)7;
	if (off + size > CT_SERVICE_BYTES)
		return -1;
	reserved = off + size;
	return (int)off;
}

struct ct_table *
flow_table_ensure(uint32_t max_connections)
{
	if (table == NULL)
		table = ct_table_create(max_connections);
	return table;
}

struct ct_table *
flow_table(void)
{
	return table;
}

void
flow_table_destroy(void)
{
	ct_table_destroy(table);
	table = NULL;
}

size_t
flow_table_memory(void)
{
	return table ? ct_table_memory(table) : 0;
}
