/*
 * Names of the drop reasons, generated from the one table in drop.h.
 */
#include "core/drop.h"

static const char *const drop_nodes[] = {
#define DSE_DROP_NODE(e, node, name, help) node,
    DSE_DROP_REASONS(DSE_DROP_NODE)
#undef DSE_DROP_NODE
};

static const char *const drop_names[] = {
#define DSE_DROP_NAME(e, node, name, help) name,
    DSE_DROP_REASONS(DSE_DROP_NAME)
#undef DSE_DROP_NAME
};

static const char *const drop_helps[] = {
#define DSE_DROP_HELP(e, node, name, help) help,
    DSE_DROP_REASONS(DSE_DROP_HELP)
#undef DSE_DROP_HELP
};

const char *
dse_drop_node(enum dse_drop_reason r)
{
	return r < DSE_DROP_COUNT ? drop_nodes[r] : "?";
}

const char *
dse_drop_name(enum dse_drop_reason r)
{
	return r < DSE_DROP_COUNT ? drop_names[r] : "?";
}

const char *
dse_drop_help(enum dse_drop_reason r)
{
	return r < DSE_DROP_COUNT ? drop_helps[r] : "?";
}
