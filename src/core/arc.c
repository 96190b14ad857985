/*
 * The arcs' registry and wiring (core/arc.h): nodes register their place on an arc from
 * constructors; before the graphs are created each arc's features are put in an order that
 * keeps every "after"/"before" constraint (ties keep registration order) and every declared
 * edge is pointed at the node that follows.
 */
#include "core/arc.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ARC_MAX_FEATURES 16

static struct dse_arc_feature *features, **features_tail = &features;
static struct dse_arc_entry *entries, **entries_tail = &entries;

/* Each arc's features in order, and the node each arc starts with, once wired. */
static const char *ordered[DSE_NB_ARCS][ARC_MAX_FEATURES];
static unsigned nb_ordered[DSE_NB_ARCS];
static const char *first[DSE_NB_ARCS];

static const char *const arc_names[DSE_NB_ARCS] = {
    [DSE_ARC_L2] = "l2",
    [DSE_ARC_L2_ARP] = "l2-arp",
    [DSE_ARC_UNDERLAY] = "underlay",
    [DSE_ARC_REMOTE] = "remote",
};

void
dse_arc_feature_register(struct dse_arc_feature *f)
{
	f->link = NULL;
	*features_tail = f;
	features_tail = &f->link;
}

void
dse_arc_entry_register(struct dse_arc_entry *e)
{
	e->link = NULL;
	*entries_tail = e;
	entries_tail = &e->link;
}

const char *
dse_arc_first(enum dse_arc arc)
{
	return arc < DSE_NB_ARCS ? first[arc] : NULL;
}

/* Whether feature a must run before feature b. */
static int
runs_before(const struct dse_arc_feature *a, const struct dse_arc_feature *b)
{
	return (b->after != NULL && strcmp(b->after, a->node) == 0) ||
	       (a->before != NULL && strcmp(a->before, b->node) == 0);
}

/* Orders the features of arc (Kahn's algorithm, lowest registration index first). */
static int
order_arc(enum dse_arc arc)
{
	struct dse_arc_feature *f[ARC_MAX_FEATURES];
	unsigned n = 0;
	for (struct dse_arc_feature *x = features; x != NULL; x = x->link) {
		if (x->arc != arc)
			continue;
		if (n == ARC_MAX_FEATURES) {
			fprintf(stderr, "dsed: arc %s: more than %d features\n", arc_names[arc],
			        ARC_MAX_FEATURES);
			return -1;
		}
		f[n++] = x;
	}
	unsigned pending[ARC_MAX_FEATURES] = {0};
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++)
			pending[j] += i != j && runs_before(f[i], f[j]);
	int placed[ARC_MAX_FEATURES] = {0};
	nb_ordered[arc] = 0;
	for (unsigned k = 0; k < n; k++) {
		unsigned pick = n;
		for (unsigned i = 0; i < n && pick == n; i++)
			if (!placed[i] && pending[i] == 0)
				pick = i;
		if (pick == n) {
			fprintf(stderr, "dsed: arc %s: the after/before constraints form a cycle\n",
			        arc_names[arc]);
			return -1;
		}
		placed[pick] = 1;
		ordered[arc][nb_ordered[arc]++] = f[pick]->node;
		for (unsigned j = 0; j < n; j++)
			pending[j] -= j != pick && runs_before(f[pick], f[j]);
	}
	return 0;
}

/* Points edge of node at next. */
static int
set_edge(const char *node, rte_edge_t edge, const char *next)
{
	rte_node_t id = rte_node_from_name(node);
	const char *names[1] = {next};
	if (id == RTE_NODE_ID_INVALID || rte_node_from_name(next) == RTE_NODE_ID_INVALID ||
	    rte_node_edge_update(id, edge, names, 1) != 1) {
		fprintf(stderr, "dsed: cannot wire %s edge %u to %s\n", node, edge, next);
		return -1;
	}
	return 0;
}

/* Position of node among the features of arc, or -1. */
static int
position(enum dse_arc arc, const char *node)
{
	for (unsigned i = 0; i < nb_ordered[arc]; i++)
		if (strcmp(ordered[arc][i], node) == 0)
			return (int)i;
	return -1;
}

int
dse_arcs_wire(void)
{
	for (unsigned a = 0; a < DSE_NB_ARCS; a++)
		if (order_arc((enum dse_arc)a) < 0)
			return -1;
	/* Where each arc ends, and so where it starts when it has no feature: L2 ARP ends
	 * where L2 starts, so it is resolved after L2. */
	const char *end[DSE_NB_ARCS];
	end[DSE_ARC_L2] = "dse-port-tx";
	end[DSE_ARC_UNDERLAY] = "dse-drop";
	end[DSE_ARC_REMOTE] = "dse-drop";
	first[DSE_ARC_L2] = nb_ordered[DSE_ARC_L2] ? ordered[DSE_ARC_L2][0] : end[DSE_ARC_L2];
	end[DSE_ARC_L2_ARP] = first[DSE_ARC_L2];
	for (unsigned a = 0; a < DSE_NB_ARCS; a++)
		first[a] = nb_ordered[a] ? ordered[a][0] : end[a];

	for (struct dse_arc_feature *f = features; f != NULL; f = f->link) {
		int i = position(f->arc, f->node);
		bool last = i + 1 == (int)nb_ordered[f->arc];
		const char *next = last ? end[f->arc] : ordered[f->arc][i + 1];
		const char *remote = last ? first[DSE_ARC_REMOTE] : next;
		if (f->next != RTE_EDGE_ID_INVALID && set_edge(f->node, f->next, next) < 0)
			return -1;
		f->remote_is_next = f->remote == RTE_EDGE_ID_INVALID || strcmp(remote, next) == 0;
		if (f->remote != RTE_EDGE_ID_INVALID && set_edge(f->node, f->remote, remote) < 0)
			return -1;
	}
	for (struct dse_arc_entry *e = entries; e != NULL; e = e->link)
		if (set_edge(e->node, e->edge, first[e->arc]) < 0)
			return -1;
	return 0;
}
