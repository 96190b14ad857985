/*
 * dsed: the engine process. Parses its options and the initial desired state, starts DPDK's
 * EAL with one control lcore and the configured worker lcores, launches the workers and then
 * runs the control loop: the management API socket, the engine clock and MAC aging.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "core/engine.h"
#include "mgmt/api.h"
#include "config/config.h"
#include "rpc/rpc_server.h"

#define DEFAULT_SOCKET "/run/dse/dsed.sock"
#define MAX_EAL_ARGS   64

extern unsigned dse_engine_mbufs;

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: dsed [options]\n"
	    "\n"
	    "The dse engine: a virtual switch on DPDK, managed over a JSON-RPC socket (dsectl).\n"
	    "\n"
	    "options:\n"
	    "  -c, --config FILE       desired state to apply at start (YAML, see docs/config.md)\n"
	    "  -s, --socket PATH       management API socket (default " DEFAULT_SOCKET ")\n"
	    "  -l, --lcores MAP        EAL lcore map; the first lcore is the control thread, the\n"
	    "                          next transport-node.workers lcores are the workers\n"
	    "                          (default: lcore 0 on the first CPU, worker lcores 1..N on\n"
	    "                          the next CPUs, wrapping around)\n"
	    "      --file-prefix NAME  EAL file prefix, distinct per process (default dse)\n"
	    "      --no-huge           run without hugepages (tests, small machines)\n"
	    "  -m, --memory MB         memory to reserve (EAL -m)\n"
	    "      --mbufs N           packet buffers in the pool (default 32768)\n"
	    "      --pci               let EAL probe PCI devices (default: virtual devices only)\n"
	    "      --eal ARGS          more EAL arguments, space-separated\n"
	    "      --log-level LEVEL   EAL log level (e.g. notice, info, debug)\n"
	    "  -h, --help              this help\n"
	    "  -V, --version           print the version\n");
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static void
print_errors(const char *source, const struct dse_config_errors *errs)
{
	unsigned stored = errs->count < DSE_CONFIG_MAX_ERRORS ? errs->count : DSE_CONFIG_MAX_ERRORS;
	for (unsigned i = 0; i < stored; i++)
		fprintf(stderr, "%s:%d: %s: %s\n", source, errs->e[i].line, errs->e[i].field,
		        errs->e[i].message);
	if (errs->count > stored)
		fprintf(stderr, "%s: %u more errors\n", source, errs->count - stored);
}

/* The default lcore map: control on the first allowed CPU, worker i on the (i+1)-th, wrapping. */
static void
default_lcores(unsigned nb_workers, char *buf, size_t len)
{
	cpu_set_t set;
	int cpus[CPU_SETSIZE], nb = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				cpus[nb++] = c;
	if (nb == 0)
		cpus[nb++] = 0;
	size_t off = 0;
	for (unsigned l = 0; l <= nb_workers && off < len; l++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u@%d", l ? "," : "", l,
		                        cpus[l % (unsigned)nb]);
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"socket", required_argument, NULL, 's'},
	    {"lcores", required_argument, NULL, 'l'},
	    {"file-prefix", required_argument, NULL, 'f'},
	    {"no-huge", no_argument, NULL, 'n'},
	    {"memory", required_argument, NULL, 'm'},
	    {"mbufs", required_argument, NULL, 'b'},
	    {"pci", no_argument, NULL, 'p'},
	    {"eal", required_argument, NULL, 'e'},
	    {"log-level", required_argument, NULL, 'L'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *config_path = NULL, *socket_path = DEFAULT_SOCKET, *lcores = NULL;
	const char *file_prefix = "dse", *memory = NULL, *log_level = NULL;
	char *extra_eal = NULL;
	bool no_huge = false, pci = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "c:s:l:m:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'l':
			lcores = optarg;
			break;
		case 'f':
			file_prefix = optarg;
			break;
		case 'n':
			no_huge = true;
			break;
		case 'm':
			memory = optarg;
			break;
		case 'b':
			dse_engine_mbufs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			pci = true;
			break;
		case 'e':
			extra_eal = strdup(optarg);
			break;
		case 'L':
			log_level = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("dsed %s\n", DSE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (dse_engine_mbufs < 1024) {
		fprintf(stderr, "dsed: --mbufs must be at least 1024\n");
		return 2;
	}

	struct dse_config *cfg = malloc(sizeof(*cfg));
	struct dse_config_errors *errs = calloc(1, sizeof(*errs));
	if (cfg == NULL || errs == NULL)
		return 1;
	if (config_init(cfg) < 0)
		return 1;
	if (config_path != NULL) {
		size_t len;
		char *text = read_file(config_path, &len);
		if (text == NULL) {
			fprintf(stderr, "dsed: cannot read %s: %s\n", config_path, strerror(errno));
			return 1;
		}
		int rc = config_parse_yaml(text, len, cfg, errs);
		free(text);
		if (rc < 0) {
			print_errors(config_path, errs);
			return 1;
		}
	}

	char lcore_map[256];
	if (lcores == NULL) {
		default_lcores(cfg->nb_workers, lcore_map, sizeof(lcore_map));
		lcores = lcore_map;
	}
	char *eal_argv[MAX_EAL_ARGS];
	int eal_argc = 0;
	char prefix_arg[128], lcores_arg[300], log_arg[64];
	eal_argv[eal_argc++] = argv[0];
	snprintf(lcores_arg, sizeof(lcores_arg), "--lcores=%s", lcores);
	eal_argv[eal_argc++] = lcores_arg;
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", file_prefix);
	eal_argv[eal_argc++] = prefix_arg;
	if (no_huge)
		eal_argv[eal_argc++] = "--no-huge";
	if (memory != NULL) {
		eal_argv[eal_argc++] = "-m";
		eal_argv[eal_argc++] = (char *)memory;
	}
	if (!pci)
		eal_argv[eal_argc++] = "--no-pci";
	if (log_level != NULL) {
		snprintf(log_arg, sizeof(log_arg), "--log-level=%s", log_level);
		eal_argv[eal_argc++] = log_arg;
	}
	for (char *tok = extra_eal ? strtok(extra_eal, " ") : NULL;
	     tok != NULL && eal_argc < MAX_EAL_ARGS - 1; tok = strtok(NULL, " "))
		eal_argv[eal_argc++] = tok;
	eal_argv[eal_argc] = NULL;

	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "dsed: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	struct dse_engine *e = &dse_engine;
	int status = 1;
	if (engine_init(e, cfg) < 0)
		goto out;
	struct dse_apply_result result;
	if (engine_apply(e, cfg, &result, errs) < 0) {
		print_errors(config_path ? config_path : "config", errs);
		goto out;
	}
	size_t nb_methods;
	const struct rpc_method *methods = api_methods(&nb_methods);
	struct rpc_server *srv = rpc_server_create(socket_path, methods, nb_methods, e);
	if (srv == NULL) {
		fprintf(stderr, "dsed: cannot serve the API on %s: %s\n", socket_path,
		        strerror(errno));
		goto out;
	}
	if (engine_start_workers(e) < 0) {
		rpc_server_destroy(srv);
		goto out;
	}
	fprintf(stderr, "dsed: running: %u worker%s, %u port%s, API on %s\n", e->nb_workers,
	        e->nb_workers == 1 ? "" : "s", e->config->nb_ports,
	        e->config->nb_ports == 1 ? "" : "s", socket_path);
	while (!quit) {
		rpc_server_poll(srv, 100);
		engine_tick(e);
	}
	fprintf(stderr, "dsed: stopping\n");
	rpc_server_destroy(srv);
	status = 0;
out:
	engine_fini(e);
	rte_eal_cleanup();
	config_free(cfg);
	free(cfg);
	free(errs);
	free(extra_eal);
	return status;
}
