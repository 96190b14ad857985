/*
 * The firewall's log on the control thread: the ring the workers put log events on
 * (fw_log.h), and the file the events are written to as EVE-style JSON lines (one object a
 * line: timestamp, addresses, ports, protocol, interfaces, the rule and its action).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_lcore.h>
#include <rte_ring.h>

#include "firewall/fw.h"
#include "config/config.h"

char fw_log_path[108] = "/var/log/dse/fw.json";

static struct rte_ring *log_ring; /* events from the workers */
static FILE *log_file;            /* opened at the first event */
static char log_file_name[108];   /* where events go */

int
fw_log_init(void)
{
	log_ring = rte_ring_create_elem("fw_log", sizeof(struct fw_log_event), FW_LOG_RING_SIZE,
	                                (int)rte_socket_id(), RING_F_SC_DEQ);
	return log_ring == NULL ? -ENOMEM : 0;
}

void
fw_log_fini(void)
{
	rte_ring_free(log_ring);
	log_ring = NULL;
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

struct rte_ring *
fw_log_ring(void)
{
	return log_ring;
}

void
fw_log_set_file(const char *name)
{
	if (log_file_name[0] != '\0' && strcmp(log_file_name, name) == 0)
		return;
	if (log_file)
		fclose(log_file);
	log_file = NULL;
	snprintf(log_file_name, sizeof(log_file_name), "%s", name);
}

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "IPv6-ICMP";
	default:
		return NULL;
	}
}

/* Writes one event as an EVE-style JSON line. */
static void
write_event(FILE *out, const struct dse_engine *e, const struct fw_snapshot *f,
            const struct fw_log_event *ev)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], ts[40], proto[8];
	int af = ev->family == 6 ? AF_INET6 : AF_INET;
	struct timespec now;
	struct tm tm;

	inet_ntop(af, ev->src, src, sizeof(src));
	inet_ntop(af, ev->dst, dst, sizeof(dst));
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%06ld+0000", now.tv_nsec / 1000);
	const char *pn = proto_name(ev->proto);
	if (pn == NULL) {
		snprintf(proto, sizeof(proto), "%u", ev->proto);
		pn = proto;
	}
	const struct fw_rule_info *r = ev->rule < f->nb_rules ? &f->rules[ev->rule] : NULL;
	/* A remote end (a tunnel endpoint) is named "tunnel". */
	const char *in = dse_port_is_remote(ev->in_port) ? "tunnel"
	                 : ev->in_port < DSE_MAX_PORTS && e->ports[ev->in_port].used
	                     ? e->ports[ev->in_port].config.name
	                     : "";
	const char *outp = dse_port_is_remote(ev->out_port) ? "tunnel"
	                   : ev->out_port < DSE_MAX_PORTS && e->ports[ev->out_port].used
	                       ? e->ports[ev->out_port].config.name
	                       : "";
	bool allowed = ev->action == DSE_FW_ALLOW;
	fprintf(out,
	        "{\"timestamp\":\"%s\",\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%u,"
	        "\"dest_ip\":\"%s\",\"dest_port\":%u,\"proto\":\"%s\",\"in_iface\":\"%s\","
	        "\"out_iface\":\"%s\",\"%s\":{\"action\":\"%s\",\"rule_id\":%u,"
	        "\"direction\":\"%s\"%s}}\n",
	        ts, allowed ? "flow" : "drop", src, ev->sport, dst, ev->dport, pn, in, outp,
	        allowed ? "flow" : "drop", config_fw_action_name(ev->action), r ? r->id : 0,
	        ev->dir == FW_ACL_DIR_IN ? "in" : "out", allowed ? ",\"state\":\"new\"" : "");
}

void
fw_log_drain(const struct dse_engine *e, const struct fw_snapshot *f)
{
	struct fw_log_event ev[64];
	unsigned n;
	while ((n = rte_ring_dequeue_burst_elem(log_ring, ev, sizeof(ev[0]), RTE_DIM(ev), NULL)) >
	       0) {
		if (log_file == NULL && log_file_name[0])
			log_file = fopen(log_file_name, "a");
		if (log_file == NULL)
			continue;
		for (unsigned i = 0; i < n; i++)
			write_event(log_file, e, f, &ev[i]);
		fflush(log_file);
	}
}
