/*
 * The pipeline's arcs, after VPP's feature arcs: named paths a packet takes through the graph,
 * on which nodes declare their place ("after dse-switch, before ...") instead of naming the node
 * after them. Core knows where each arc starts (an edge of dse-classify, or of any node that
 * declares an entry into it) and where it ends; when the graphs are built it orders each arc's
 * features by their constraints and writes every feature's "next" edge (rte_node_edge_update,
 * before rte_graph_create). A node still names the node after it when that is its own decision
 * (dse-drop, dse-port-tx for a reply it built).
 *
 * Nodes enqueue on their arc edge exactly as on any edge: the wiring costs the data path
 * nothing.
 */
#ifndef DSE_CORE_ARC_H
#define DSE_CORE_ARC_H

#include <stdbool.h>

#include <rte_common.h>
#include <rte_graph.h>

/* The arcs. */
enum dse_arc {
	DSE_ARC_L2,     /* frames of a segment: learned, switched, filtered; ends at port-tx */
	DSE_ARC_L2_ARP, /* ARP of a segment whose ARP a service intercepts; ends where L2 starts */
	DSE_ARC_UNDERLAY, /* frames received on an uplink; ends at drop (nothing took them) */
	DSE_ARC_REMOTE,   /* frames to a remote port (DSE_PORT_REMOTE); ends at drop */
	DSE_NB_ARCS
};

/* A node's place on an arc. */
struct dse_arc_feature {
	const char *node;    /* the node's name */
	enum dse_arc arc;    /* the arc it joins */
	const char *after;   /* a feature it runs after, or NULL */
	const char *before;  /* a feature it runs before, or NULL */
	rte_edge_t next;     /* its edge to the next feature (or the arc's end), or
	                        RTE_EDGE_ID_INVALID when it ends the arc itself (every packet
	                        leaves it by an edge of its own decision) */
	rte_edge_t remote;   /* DSE_ARC_L2 only: its edge for frames to remote ports: the next
	                        feature, or where DSE_ARC_REMOTE starts at the arc's end;
	                        RTE_EDGE_ID_INVALID if it has none */
	bool remote_is_next; /* set by the wiring: remote leads where next does, so
	                        the node need not tell its packets apart */
	struct dse_arc_feature *link; /* registration list (set by the registry) */
};

/* An edge of a node that leads into an arc: wired to the arc's first feature (or its end). */
struct dse_arc_entry {
	const char *node;           /* the node's name */
	rte_edge_t edge;            /* its edge */
	enum dse_arc arc;           /* the arc it leads into */
	struct dse_arc_entry *link; /* registration list (set by the registry) */
};

void dse_arc_feature_register(struct dse_arc_feature *f);
void dse_arc_entry_register(struct dse_arc_entry *e);

/* Declares a feature / an entry from the node's file, next to its RTE_NODE_REGISTER. */
#define DSE_ARC_FEATURE(f)                                                                         \
	RTE_INIT(dse_arc_feature_##f)                                                              \
	{                                                                                          \
		dse_arc_feature_register(&f);                                                      \
	}
#define DSE_ARC_ENTRY(e)                                                                           \
	RTE_INIT(dse_arc_entry_##e)                                                                \
	{                                                                                          \
		dse_arc_entry_register(&e);                                                        \
	}

/* Orders every arc and writes the declared edges of the registered nodes. Call once, before
 * the first graph is created. Returns 0, or -1 after printing why (an unknown node, a cycle
 * in the constraints). */
int dse_arcs_wire(void);

/* The name of an arc's first node as wired (its first feature, or its end), for reports. */
const char *dse_arc_first(enum dse_arc arc);

#endif
