/*
 * The distributed firewall as the rest of the engine sees it: the firewall part of a config
 * snapshot (rules compiled into rte_acl contexts, one pair per class of ports that share the
 * same sections; the connection table; per-state timeouts; the log ring) and the control
 * functions that build, publish, expire, show and flush it.
 *
 * Enforcement happens in dse-firewall, after dse-switch, where both ends are known: a packet is
 * checked with direction "out" against the policy of the port it came in on (the sending
 * workload) and with direction "in" against the policy of the port it leaves on (the receiving
 * workload). A port that no section applies to is not filtered.
 */
#ifndef DSE_FIREWALL_FW_H
#define DSE_FIREWALL_FW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/engine.h"
#include "firewall/fw_config.h"
#include "flow/ct.h"
#include "flow/flow.h"

#define FW_NO_CLASS      0xff /* port_class[]: the port is not filtered */
#define FW_ACL_DIR_OUT   1    /* key dir: checked at the sending workload's port */
#define FW_ACL_DIR_IN    2    /* key dir: checked at the receiving workload's port */
#define FW_PORT_ID_NONE  0xff /* key port id: not a port of this engine */
#define FW_RULE_DEFAULT  0    /* compiled rule index of the policy default */
#define FW_LOG_RING_SIZE 4096 /* log events in flight from workers to the control thread */

struct rte_acl_ctx;
struct rte_ring;

/* rte_acl input of an IPv4 packet. Addresses and ports in network order. */
struct fw_acl_key4 {
	uint8_t proto;   /* IP protocol */
	uint8_t pad0[3]; /* zero */
	uint8_t dir;     /* FW_ACL_DIR_* */
	uint8_t src_id;  /* engine port index the packet came in on */
	uint8_t dst_id;  /* engine port index it leaves on */
	uint8_t pad1;    /* zero */
	uint32_t src;    /* source address */
	uint32_t dst;    /* destination address */
	uint16_t sport;  /* TCP/UDP source port; ICMP type << 8 | code */
	uint16_t dport;  /* TCP/UDP destination port */
};

/* rte_acl input of an IPv6 packet. */
struct fw_acl_key6 {
	uint8_t proto;   /* IP protocol (the upper layer after extension headers) */
	uint8_t pad0[3]; /* zero */
	uint8_t dir;     /* FW_ACL_DIR_* */
	uint8_t src_id;  /* engine port index the packet came in on */
	uint8_t dst_id;  /* engine port index it leaves on */
	uint8_t pad1;    /* zero */
	uint8_t src[16]; /* source address */
	uint8_t dst[16]; /* destination address */
	uint16_t sport;  /* TCP/UDP source port; ICMPv6 type << 8 | code */
	uint16_t dport;  /* TCP/UDP destination port */
};

/* The rules of the ports that share the same sections. */
struct fw_class {
	struct rte_acl_ctx *acl4; /* IPv4 rules, NULL if none */
	struct rte_acl_ctx *acl6; /* IPv6 rules, NULL if none */
	uint32_t default_rule;    /* compiled rule of the policy default for this class */
};

/* What a compiled rule is, indexed by the rte_acl userdata. */
struct fw_rule_info {
	uint32_t id;      /* rule id (0 for section and policy defaults) */
	uint16_t section; /* section index, UINT16_MAX for the policy default */
	uint8_t action;   /* enum dse_fw_action */
	uint8_t log;      /* write log lines for what it decides */
};

/* Per-worker hit counters of one compiled rule. */
struct fw_hits {
	uint64_t packets; /* packets it decided or that belong to connections it allowed */
	uint64_t bytes;   /* their bytes */
};

/* A log event, passed from a worker to the control thread through the log ring. */
struct fw_log_event {
	uint32_t time_s;   /* dse_now_s */
	uint32_t rule;     /* compiled rule index */
	uint8_t family;    /* 4 or 6 */
	uint8_t proto;     /* IP protocol */
	uint8_t action;    /* enum dse_fw_action applied */
	uint8_t dir;       /* FW_ACL_DIR_* of the check that decided */
	uint16_t sport;    /* host order */
	uint16_t dport;    /* host order */
	uint16_t in_port;  /* engine port index */
	uint16_t out_port; /* engine port index */
	uint8_t src[16];   /* source address */
	uint8_t dst[16];   /* destination address */
	uint32_t pad[3];   /* zero; makes the event one cache line */
};
static_assert(sizeof(struct fw_log_event) == 64, "log events are one cache line");

/* The firewall part of a snapshot: immutable once published (counters aside). */
struct fw_snapshot {
	bool enabled;                      /* a policy is configured */
	uint32_t gen;                      /* generation of the policy (snapshot generation) */
	uint32_t reval_gen;                /* connections decided before this are re-decided */
	uint8_t port_class[DSE_MAX_PORTS]; /* class of each engine port, or FW_NO_CLASS */
	uint16_t nb_classes;               /* entries used in classes */
	struct fw_class classes[DSE_MAX_PORTS];
	uint32_t nb_rules;                     /* compiled rules (info and hit counters) */
	struct fw_rule_info *rules;            /* nb_rules entries */
	struct fw_hits *hits[DSE_MAX_WORKERS]; /* per worker, nb_rules entries each */
	struct fw_hits *hits_base;             /* totals carried over from earlier snapshots */
	struct ct_table *ct;                   /* the connection table (shared, not owned) */
	struct ct_timeouts timeouts;           /* per state */
	struct rte_ring *log_ring;             /* log events (shared, not owned) */
	uint32_t log_tokens_per_s;             /* log events per second per worker */
};

/* The firewall's part of a connection's entry (its bytes of the entry's service area). */
struct fw_flow_state {
	uint8_t verdict;   /* enum dse_fw_action cached for the connection */
	uint8_t log;       /* the deciding rule asked for logging */
	uint16_t pad;      /* zero */
	uint32_t gen;      /* policy generation the cached rules come from */
	uint32_t rule_out; /* compiled rule that allowed it at the sending port, 0 none */
	uint32_t rule_in;  /* compiled rule that allowed it at the receiving port */
};

/* Offset of struct fw_flow_state in an entry's service area (reserved at init). */
extern int fw_flow_offset;

/* The firewall's part of entry e. */
static inline struct fw_flow_state *
fw_flow_of(struct ct_entry *e)
{
	return (struct fw_flow_state *)flow_service_state(e, fw_flow_offset);
}

/* The firewall's part of a snapshot (always present once built). */
static inline const struct fw_snapshot *
fw_snap_of(const struct dse_snapshot *s)
{
	return (const struct fw_snapshot *)s->part[DSE_SERVICE_FIREWALL];
}

/* Firewall counters of one worker (named per reason in fw_counter_names). */
#define FW_COUNTERS(X)                                                                             \
	X(NEW, "connections-new", "connections created")                                           \
	X(LOG_DROPPED, "log-rate-limited", "log events not written: rate limit or ring full")      \
	X(REJECT_SENT, "rejects-sent", "TCP resets and ICMP unreachables sent")                    \
	X(REVALIDATED, "connections-revalidated", "connections re-decided after a policy change")

enum fw_counter {
#define FW_COUNTER_ENUM(e, name, help) FW_C_##e,
	FW_COUNTERS(FW_COUNTER_ENUM)
#undef FW_COUNTER_ENUM
	    FW_C_COUNT
};

/* Per-worker state of the firewall node, also read by the control thread. */
struct fw_worker_state {
	uint64_t counters[FW_C_COUNT]; /* enum fw_counter */
	uint32_t log_second;           /* second of the current log budget, plus one */
	uint32_t log_budget;           /* log events left in that second */
} __rte_cache_aligned;

extern struct fw_worker_state fw_worker_state[DSE_MAX_WORKERS];

/* Control side (fw_ctl.c). */
/* Creates the log ring; the connection table comes with the first policy (fw_snapshot_build).
 * Returns 0 or -errno. */
int fw_init(struct dse_engine *e, const struct dse_config *cfg);
void fw_fini(struct dse_engine *e);
/* Builds the firewall part of snapshot s from cfg; on error the message names the field.
 * Returns 0 or -errno. */
int fw_snapshot_build(struct dse_engine *e, const struct dse_config *cfg,
                      char names[DSE_MAX_SEGMENTS][DSE_NAME_MAX], struct dse_snapshot *s);
/* Frees a snapshot's firewall part (a struct fw_snapshot); accepts NULL. */
void fw_snapshot_free(void *part);
/* Periodic work: expiry slice, log ring drain. */
void fw_tick(struct dse_engine *e);
/* Republishes the snapshot so established connections are re-decided by the current rules. */
int fw_revalidate(struct dse_engine *e);
/* The log (fw_logfile.c): the workers' event ring, the file events go to (reopened when the
 * name changes), and writing the events waiting on the ring. */
int fw_log_init(void);
void fw_log_fini(void);
struct rte_ring *fw_log_ring(void);
void fw_log_set_file(const char *name);
void fw_log_drain(const struct dse_engine *e, const struct fw_snapshot *f);
/* Path of the log file set by dsed's --fw-log (default /var/log/dse/fw.json). */
extern char fw_log_path[108];

#endif
