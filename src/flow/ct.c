/*
 * The control side of connection tracking: creating the table, expiring idle connections a
 * slice at a time (never the whole table at once, so no pause is visible to traffic), and
 * removing entries for `dsectl ct flush`. Removal follows the protocol in ct.h: mark DEAD, wait
 * for every worker's quiescent state, then free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "flow/ct.h"

static const char *const state_names[CT_STATE_COUNT] = {
    [CT_TCP_SYN_SENT] = "syn-sent",       [CT_TCP_SYN_RECV] = "syn-recv",
    [CT_TCP_ESTABLISHED] = "established", [CT_TCP_FIN_WAIT] = "fin-wait",
    [CT_TCP_CLOSING] = "closing",         [CT_TCP_TIME_WAIT] = "time-wait",
    [CT_TCP_CLOSED] = "closed",           [CT_UDP_NEW] = "new",
    [CT_UDP_REPLIED] = "replied",         [CT_ICMP_REQUEST] = "request",
    [CT_ICMP_REPLIED] = "replied",
};

const char *
ct_state_name(unsigned state)
{
	return state < CT_STATE_COUNT ? state_names[state] : "?";
}

struct ct_table *
ct_table_create(uint32_t max_connections)
{
	struct ct_table *t = rte_zmalloc("ct_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return NULL;
	uint64_t slots = (uint64_t)max_connections * CT_LOAD_FACTOR_PCT / 100;
	t->nb_buckets = (uint32_t)((slots + CT_BUCKET_SLOTS - 1) / CT_BUCKET_SLOTS);
	if (t->nb_buckets < 2)
		t->nb_buckets = 2;
	t->nb_slots = t->nb_buckets * CT_BUCKET_SLOTS;
	t->max_connections = max_connections;
	t->sigs =
	    rte_zmalloc("ct_sigs", (size_t)t->nb_slots * sizeof(uint32_t), RTE_CACHE_LINE_SIZE);
	t->entries = rte_malloc("ct_entries", (size_t)t->nb_slots * sizeof(struct ct_entry),
	                        RTE_CACHE_LINE_SIZE);
	t->pending_size = 65536;
	t->pending = malloc(t->pending_size * sizeof(uint32_t));
	if (t->sigs == NULL || t->entries == NULL || t->pending == NULL) {
		ct_table_destroy(t);
		return NULL;
	}
	return t;
}

void
ct_table_destroy(struct ct_table *t)
{
	if (t == NULL)
		return;
	rte_free(t->sigs);
	rte_free(t->entries);
	free(t->pending);
	rte_free(t);
}

size_t
ct_table_memory(const struct ct_table *t)
{
	return (size_t)t->nb_slots * (sizeof(uint32_t) + sizeof(struct ct_entry));
}

/* Frees the pending slots once their grace period is over; returns true if none remain. */
static bool
free_pending(struct ct_table *t, struct rte_rcu_qsbr *qsbr, bool wait)
{
	if (t->nb_pending == 0)
		return true;
	if (rte_rcu_qsbr_check(qsbr, t->pending_token, wait) != 1)
		return false;
	for (uint32_t i = 0; i < t->nb_pending; i++)
		__atomic_store_n(&t->sigs[t->pending[i]], CT_SIG_FREE, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&t->count, t->nb_pending, __ATOMIC_RELAXED);
	t->nb_pending = 0;
	return true;
}

/* Marks slot i DEAD if it is still valid; adds it to pending. Returns false when pending is
 * full. */
static bool
mark_dead(struct ct_table *t, uint32_t i, uint32_t sig)
{
	if (t->nb_pending == t->pending_size)
		return false;
	if (!__atomic_compare_exchange_n(&t->sigs[i], &sig, CT_SIG_DEAD, false, __ATOMIC_RELAXED,
	                                 __ATOMIC_RELAXED))
		return true;
	t->pending[t->nb_pending++] = i;
	return true;
}

void
ct_table_expire(struct ct_table *t, struct rte_rcu_qsbr *qsbr, const struct ct_timeouts *to,
                uint32_t now, uint32_t slice)
{
	/* Slots marked in an earlier slice are freed first; new marks wait for the next call. */
	if (!free_pending(t, qsbr, false))
		return;
	uint32_t i = t->scan_next;
	for (uint32_t n = 0; n < slice && n < t->nb_slots; n++, i = (i + 1) % t->nb_slots) {
		uint32_t sig = __atomic_load_n(&t->sigs[i], __ATOMIC_ACQUIRE);
		if (sig < CT_SIG_MIN)
			continue;
		const struct ct_entry *e = &t->entries[i];
		uint32_t last = __atomic_load_n(&e->last_s, __ATOMIC_RELAXED);
		uint8_t state = __atomic_load_n(&e->state, __ATOMIC_RELAXED);
		uint32_t timeout = state < CT_STATE_COUNT ? to->by_state[state] : 1;
		if ((int32_t)(now - last) < (int32_t)timeout)
			continue;
		if (!mark_dead(t, i, sig))
			break;
	}
	t->scan_next = i;
	if (t->nb_pending)
		t->pending_token = rte_rcu_qsbr_start(qsbr);
}

uint32_t
ct_table_walk(struct ct_table *t, struct rte_rcu_qsbr *qsbr,
              bool (*cb)(struct ct_entry *e, void *arg), void *arg)
{
	uint32_t removed = 0;

	free_pending(t, qsbr, true);
	for (uint32_t i = 0; i < t->nb_slots; i++) {
		uint32_t sig = __atomic_load_n(&t->sigs[i], __ATOMIC_ACQUIRE);
		if (sig < CT_SIG_MIN || !cb(&t->entries[i], arg))
			continue;
		if (t->nb_pending == t->pending_size) {
			t->pending_token = rte_rcu_qsbr_start(qsbr);
			free_pending(t, qsbr, true);
		}
		uint32_t before = t->nb_pending;
		mark_dead(t, i, sig);
		removed += t->nb_pending - before;
	}
	if (t->nb_pending) {
		t->pending_token = rte_rcu_qsbr_start(qsbr);
		free_pending(t, qsbr, true);
	}
	return removed;
}
