/*
 * dsectl: the command line of the dse engine. It parses the global options, picks the command
 * and hands it the rest of the command line; every command talks to dsed only through the
 * JSON-RPC API (docs/api.md), so anything done here can be scripted against the API as well.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#ifndef DSE_VERSION
#define DSE_VERSION "unknown"
#endif

/* The core's commands before the services' ... */
static const struct cli_command core_head[] = {
    {"apply", cli_cmd_apply, "apply -f FILE",
     "Replace the engine's desired state with the YAML file FILE (\"-\" reads standard\n"
     "input). Nothing changes if the file has any error; each is printed as\n"
     "FILE:LINE: FIELD: MESSAGE. Prints the ports added, removed and changed."},
    {"show", cli_cmd_show, "", ""}, /* usage and help made from the subjects */
    {"port", cli_cmd_port,
     "port add NAME --kind KIND [--segment S] [--iface I] [--path P] [--tx-path P]\n"
     "         [--devargs D] [--mac M] [--mtu N] [--queues N] [--infinite-rx]\n"
     "         [--vlan VID:SEGMENT]...\n"
     "port del NAME",
     "Add a port to, or remove it from, the running config. KIND is tap, af_packet,\n"
     "af_xdp, vhost-user, memif, pcap, null or devargs; the fields are those of a\n"
     "`ports` entry in the YAML file. --vlan may be repeated."},
    {"stats", cli_cmd_stats, "stats clear", "Reset port, node and drop counters to zero."},
};

/* ... and after them. */
static const struct cli_command core_tail[] = {
    {"call", cli_cmd_call, "call METHOD [JSON]",
     "Call an API method with JSON params (an object or array) and print the result\n"
     "as JSON. See docs/api.md for the methods."},
    {"help", cli_cmd_help, "help [COMMAND]", "Print help for all commands or one command."},
};

#define CLI_MAX_COMMANDS 64
#define CLI_MAX_SUBJECTS 64

static const struct cli_command *command_table[CLI_MAX_COMMANDS];
static const struct cli_show_subject *subject_table[CLI_MAX_SUBJECTS];
const struct cli_command *const *cli_commands = command_table;
size_t cli_command_count;
const struct cli_show_subject *const *cli_show_subjects = subject_table;
size_t cli_show_subject_count;

static struct cli_command show_command;
static char show_usage[1024];
static char show_help[4096];

static void
add_subjects(const struct cli_service *part)
{
	for (size_t i = 0; i < part->nb_subjects && cli_show_subject_count < CLI_MAX_SUBJECTS; i++)
		subject_table[cli_show_subject_count++] = &part->subjects[i];
}

static void
add_command(const struct cli_command *c)
{
	if (cli_command_count < CLI_MAX_COMMANDS)
		command_table[cli_command_count++] = c;
}

/* Assembles the command table and `show`'s subjects, usage and help from the core's parts and
 * every service's. */
static void
cli_tables_init(void)
{
	add_subjects(&cli_core_show);
	for (size_t s = 0; s < cli_service_count; s++)
		add_subjects(cli_services[s]);

	size_t u = 0, h = 0;
	u += (size_t)snprintf(show_usage + u, sizeof(show_usage) - u, "show ");
	bool first = true;
	for (size_t i = 0; i < cli_show_subject_count && u < sizeof(show_usage); i++) {
		if (subject_table[i]->arg != NULL)
			continue;
		u += (size_t)snprintf(show_usage + u, sizeof(show_usage) - u, "%s%s",
		                      first ? "" : "|", subject_table[i]->name);
		first = false;
	}
	if (u < sizeof(show_usage))
		u += (size_t)snprintf(show_usage + u, sizeof(show_usage) - u, " [--all]");
	for (size_t i = 0; i < cli_show_subject_count && u < sizeof(show_usage); i++)
		if (subject_table[i]->arg != NULL)
			u += (size_t)snprintf(show_usage + u, sizeof(show_usage) - u,
			                      "\nshow %s [%s]", subject_table[i]->name,
			                      subject_table[i]->arg);
	for (size_t i = 0; i < cli_show_subject_count && h < sizeof(show_help); i++)
		h += (size_t)snprintf(show_help + h, sizeof(show_help) - h, "%-9s %s\n",
		                      subject_table[i]->name, subject_table[i]->help);
	if (h < sizeof(show_help))
		snprintf(show_help + h, sizeof(show_help) - h, "%-9s %s", "--all",
		         "(stats, drops) list drop reasons at zero too");

	for (size_t i = 0; i < sizeof(core_head) / sizeof(core_head[0]); i++) {
		if (core_head[i].run == cli_cmd_show) {
			show_command = core_head[i];
			show_command.usage = show_usage;
			show_command.help = show_help;
			add_command(&show_command);
		} else {
			add_command(&core_head[i]);
		}
	}
	for (size_t s = 0; s < cli_service_count; s++)
		for (size_t i = 0; i < cli_services[s]->nb_commands; i++)
			add_command(&cli_services[s]->commands[i]);
	for (size_t i = 0; i < sizeof(core_tail) / sizeof(core_tail[0]); i++)
		add_command(&core_tail[i]);
}

/* Returns the command called name, or NULL. */
static const struct cli_command *
cli_find_command(const char *name)
{
	for (size_t i = 0; i < cli_command_count; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

/* Prints text (NULL: nothing) with every line indented by indent spaces. */
static void
cli_print_indented(FILE *out, const char *text, int indent)
{
	while (text != NULL && *text != '\0') {
		size_t len = strcspn(text, "\n");

		fprintf(out, "%*s%.*s\n", indent, "", (int)len, text);
		text += len;
		if (*text == '\n')
			text++;
	}
}

int
cli_print_help(FILE *out, const char *name)
{
	const struct cli_command *command;

	if (name != NULL) {
		command = cli_find_command(name);
		if (command == NULL)
			return -1;
		fputs("usage:\n", out);
		cli_print_indented(out, command->usage, 2);
		fputc('\n', out);
		cli_print_indented(out, command->help, 2);
		return 0;
	}
	fputs("usage: dsectl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]\n"
	      "\n"
	      "Control the dse engine (dsed) through its API socket.\n"
	      "\n"
	      "options:\n"
	      "  -s, --socket PATH      the engine's API socket (default: $" CLI_SOCKET_ENV
	      ", else " CLI_DEFAULT_SOCKET ")\n"
	      "  -j, --json             print results as JSON instead of tables\n"
	      "  -t, --timeout SECONDS  how long to wait for the engine (default: 10)\n"
	      "  -h, --help             print this help\n"
	      "  -V, --version          print the version\n"
	      "\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < cli_command_count; i++) {
		cli_print_indented(out, cli_commands[i]->usage, 2);
		cli_print_indented(out, cli_commands[i]->help, 6);
		fputc('\n', out);
	}
	fputs("Options of a command may follow it (show --all, port add --json, ...).\n"
	      "\n"
	      "exit status: 0 success, 1 the engine refused the request (or the file given to\n"
	      "apply is not usable text), 2 usage error, 3 the engine could not be reached.\n",
	      out);
	return 0;
}

int
cli_usage_error(const char *command, const char *fmt, ...)
{
	const struct cli_command *entry = command != NULL ? cli_find_command(command) : NULL;
	va_list args;

	fputs("dsectl: ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	if (entry != NULL) {
		fputs("usage:\n", stderr);
		cli_print_indented(stderr, entry->usage, 2);
	} else {
		fputs("usage: dsectl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]\n"
		      "`dsectl --help` lists the commands.\n",
		      stderr);
	}
	return CLI_EXIT_USAGE;
}

int
cli_cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc > 2)
		return cli_usage_error("help", "expected at most one command name");
	if (cli_print_help(stdout, argc == 2 ? argv[1] : NULL) < 0)
		return cli_usage_error("help", "unknown command \"%s\"", argv[1]);
	return CLI_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"socket", required_argument, NULL, 's'},  {"json", no_argument, NULL, 'j'},
	    {"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
	};
	struct cli cli = {.timeout_ms = CLI_DEFAULT_TIMEOUT * 1000};
	const struct cli_command *command;
	const char *env = getenv(CLI_SOCKET_ENV);
	int option, status;

	cli_tables_init();
	cli.socket_path = env != NULL && env[0] != '\0' ? env : CLI_DEFAULT_SOCKET;
	opterr = 0;
	/* "+": stop at the command, whose own options are parsed by the command. */
	while ((option = getopt_long(argc, argv, "+s:jt:hV", options, NULL)) != -1) {
		switch (option) {
		case 's':
			cli.socket_path = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 't': {
			char *end;
			double seconds;

			errno = 0;
			seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(seconds > 0) ||
			    seconds > 86400)
				return cli_usage_error(NULL,
				                       "--timeout: expected seconds in (0, 86400], "
				                       "got \"%s\"",
				                       optarg);
			cli.timeout_ms = (int)(seconds * 1000);
			if (cli.timeout_ms == 0)
				cli.timeout_ms = 1;
			break;
		}
		case 'h':
			cli_print_help(stdout, NULL);
			return CLI_EXIT_OK;
		case 'V':
			printf("dsectl %s\n", DSE_VERSION);
			return CLI_EXIT_OK;
		default:
			if (optopt != 0)
				return cli_usage_error(
				    NULL, "option -%c: unknown or missing its value", optopt);
			return cli_usage_error(NULL, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error(NULL, "missing COMMAND");
	command = cli_find_command(argv[optind]);
	if (command == NULL)
		return cli_usage_error(NULL, "unknown command \"%s\"", argv[optind]);
	status = command->run(&cli, argc - optind, argv + optind);
	rpc_client_close(cli.client);
	if (fflush(stdout) != 0 && status == CLI_EXIT_OK)
		status = CLI_EXIT_API;
	return status;
}
