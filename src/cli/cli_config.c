/*
 * The whole-config commands: `dsectl apply -f FILE` sends a YAML file to `config.apply` and
 * reports every error at its place in the file; `dsectl show config` prints the running config
 * from `config.get` back as YAML (YAML 1.2 block style), so its output can be edited and applied.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rpc/rpc.h"

/* Reads all of file (or standard input for "-") into a NUL-terminated buffer. */
static char *
cli_read_file(const char *path, size_t *len)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t cap = 65536, used = 0;
	char *text = NULL;

	if (in == NULL)
		return NULL;
	for (;;) {
		char *grown = realloc(text, cap + 1);
		size_t got;

		if (grown == NULL) {
			free(text);
			text = NULL;
			errno = ENOMEM;
			break;
		}
		text = grown;
		got = fread(text + used, 1, cap - used, in);
		used += got;
		if (used < cap) {
			if (ferror(in)) {
				free(text);
				text = NULL;
				errno = EIO;
			}
			break;
		}
		/* Anything larger than a request may be cannot be applied anyway. */
		if (cap > RPC_MAX_REQUEST_SIZE) {
			free(text);
			text = NULL;
			errno = EFBIG;
			break;
		}
		cap *= 2;
	}
	if (in != stdin)
		fclose(in);
	if (text != NULL) {
		text[used] = '\0';
		*len = used;
	}
	return text;
}

/* Prints "  LABEL: a, b" for a non-empty list of port names. */
static void
cli_print_port_list(const char *label, json_t *names)
{
	json_t *name;
	size_t index;

	if (json_array_size(names) == 0)
		return;
	printf("  %s:", label);
	json_array_foreach(names, index, name)
	    printf("%s %s", index > 0 ? "," : "", json_string_value(name));
	fputc('\n', stdout);
}

int
cli_cmd_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL, *source;
	json_t *params, *result, *error;
	char generation[32];
	size_t len = 0;
	int option, status;
	char *text;

	optind = 0;
	while ((option = getopt_long(argc, argv, "f:jh", options, NULL)) != -1) {
		switch (option) {
		case 'f':
			path = optarg;
			break;
		case 'j':
			cli->json = true;
			break;
		case 'h':
			cli_print_help(stdout, "apply");
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("apply", "unknown option or missing value: \"%s\"",
			                       argv[optind - 1]);
		}
	}
	if (path == NULL)
		return cli_usage_error("apply", "missing -f FILE");
	if (optind != argc)
		return cli_usage_error("apply", "unexpected argument \"%s\"", argv[optind]);
	source = strcmp(path, "-") == 0 ? "<stdin>" : path;
	text = cli_read_file(path, &len);
	if (text == NULL) {
		fprintf(stderr, "dsectl: cannot read %s: %s\n", source,
		        errno == EFBIG ? "larger than 4 MiB" : strerror(errno));
		return CLI_EXIT_USAGE;
	}
	params = json_object();
	if (json_object_set_new(params, "yaml", json_stringn(text, len)) < 0) {
		fprintf(stderr, "%s: not UTF-8 text (or contains a NUL byte)\n", source);
		free(text);
		json_decref(params);
		return CLI_EXIT_API;
	}
	free(text);
	json_object_set_new(params, "source", json_string(source));
	status = cli_request(cli, "config.apply", params, &result, &error);
	json_decref(params);
	if (status == CLI_EXIT_API) {
		cli_print_error(error, source);
		json_decref(error);
		return status;
	}
	if (status != CLI_EXIT_OK)
		return status;
	if (cli->json) {
		cli_print_json(result);
		json_decref(result);
		return CLI_EXIT_OK;
	}
	printf("applied %s: generation %s\n", source,
	       cli_json_number(result, "generation", generation));
	cli_print_port_list("ports added", json_object_get(result, "ports_added"));
	cli_print_port_list("ports removed", json_object_get(result, "ports_removed"));
	cli_print_port_list("ports changed", json_object_get(result, "ports_changed"));
	if (json_array_size(json_object_get(result, "ports_added")) +
	        json_array_size(json_object_get(result, "ports_removed")) +
	        json_array_size(json_object_get(result, "ports_changed")) ==
	    0)
		printf("  no port changed\n");
	json_decref(result);
	return CLI_EXIT_OK;
}

/* Words a YAML reader would take for something other than a string. */
static bool
cli_yaml_is_reserved(const char *text)
{
	static const char *const words[] = {"true", "false", "yes", "no", "on",
	                                    "off",  "null",  "y",   "n",  "~"};
	char *end;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(text, words[i]) == 0)
			return true;
	strtod(text, &end);
	return *end == '\0';
}

/* Prints a scalar: plain when unambiguous, otherwise as a double-quoted (JSON) string. */
static void
cli_yaml_scalar(json_t *value)
{
	const char *text = json_string_value(value);
	bool plain = text != NULL && text[0] != '\0' && text[0] != '-' && text[0] != '.' &&
	             !cli_yaml_is_reserved(text);

	for (const char *p = text; plain && *p != '\0'; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || strchr("_./-", *p) != NULL;
	if (plain)
		fputs(text, stdout);
	else
		json_dumpf(value, stdout, JSON_ENCODE_ANY);
}

static void cli_yaml_array(json_t *array, int indent);

/* Prints the members of object at indent; with item_start the first goes after "- ". */
static void
cli_yaml_object(json_t *object, int indent, bool item_start)
{
	bool first = true;
	const char *key;
	json_t *value;

	json_object_foreach(object, key, value)
	{
		if (first && item_start)
			printf("%*s- ", indent - 2, "");
		else
			printf("%*s", indent, "");
		first = false;
		printf("%s:", key);
		if (json_is_object(value) && json_object_size(value) > 0) {
			fputc('\n', stdout);
			cli_yaml_object(value, indent + 2, false);
		} else if (json_is_array(value) && json_array_size(value) > 0) {
			fputc('\n', stdout);
			cli_yaml_array(value, indent + 2);
		} else if (json_is_object(value)) {
			fputs(" {}\n", stdout);
		} else if (json_is_array(value)) {
			fputs(" []\n", stdout);
		} else {
			fputc(' ', stdout);
			cli_yaml_scalar(value);
			fputc('\n', stdout);
		}
	}
}

/* Prints the elements of array at indent, each after "- ". */
static void
cli_yaml_array(json_t *array, int indent)
{
	json_t *value;
	size_t index;

	json_array_foreach(array, index, value)
	{
		if (json_is_object(value) && json_object_size(value) > 0) {
			cli_yaml_object(value, indent + 2, true);
		} else if (json_is_array(value) && json_array_size(value) > 0) {
			printf("%*s-\n", indent, "");
			cli_yaml_array(value, indent + 2);
		} else if (json_is_object(value)) {
			printf("%*s- {}\n", indent, "");
		} else if (json_is_array(value)) {
			printf("%*s- []\n", indent, "");
		} else {
			printf("%*s- ", indent, "");
			cli_yaml_scalar(value);
			fputc('\n', stdout);
		}
	}
}

int
cli_show_config(struct cli *cli, const char *arg)
{
	(void)arg;
	json_t *result;
	int status = cli_show_call(cli, "config.get", NULL, &result);

	if (result == NULL)
		return status;
	if (json_is_object(result))
		cli_yaml_object(result, 0, false);
	else
		cli_print_json(result);
	json_decref(result);
	return CLI_EXIT_OK;
}
