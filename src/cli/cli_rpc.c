/*
 * dsectl's side of the management API (docs/api.md): opening the connection on first use,
 * calling methods, telling "the engine refused" (exit 1) from "the engine is not there"
 * (exit 3), printing API errors with their field list, and the raw `call` command.
 */
#include <errno.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_table.h"

/* Prints why the engine could not be used, naming the socket. */
static void
cli_print_transport_error(const struct cli *cli, int error)
{
	const char *path = cli->socket_path;

	switch (error) {
	case ENOENT:
		fprintf(stderr,
		        "dsectl: cannot reach the engine: no socket at %s (is dsed running?)\n",
		        path);
		break;
	case ECONNREFUSED:
		fprintf(stderr, "dsectl: cannot reach the engine: nobody listens on %s\n", path);
		break;
	case ETIMEDOUT:
		fprintf(stderr, "dsectl: the engine at %s did not answer within %d ms\n", path,
		        cli->timeout_ms);
		break;
	case ECONNRESET:
	case EPIPE:
		fprintf(stderr, "dsectl: the engine at %s closed the connection\n", path);
		break;
	case EPROTO:
		fprintf(stderr, "dsectl: the engine at %s sent a malformed answer\n", path);
		break;
	default:
		fprintf(stderr, "dsectl: cannot reach the engine at %s: %s\n", path,
		        strerror(error));
		break;
	}
}

int
cli_request(struct cli *cli, const char *method, json_t *params, json_t **result, json_t **error)
{
	*result = NULL;
	*error = NULL;
	if (cli->client == NULL) {
		cli->client = rpc_client_connect(cli->socket_path, cli->timeout_ms);
		if (cli->client == NULL) {
			cli_print_transport_error(cli, errno);
			return CLI_EXIT_UNREACHABLE;
		}
	}
	*result = rpc_client_call(cli->client, method, params, error);
	if (*result != NULL)
		return CLI_EXIT_OK;
	if (*error != NULL)
		return CLI_EXIT_API;
	cli_print_transport_error(cli, errno);
	return CLI_EXIT_UNREACHABLE;
}

void
cli_print_error(json_t *error, const char *source)
{
	json_t *errors = json_object_get(json_object_get(error, "data"), "errors");
	const char *message = json_string_value(json_object_get(error, "message"));
	size_t index;
	json_t *entry;

	fprintf(stderr, "dsectl: %s (code %lld)\n", message != NULL ? message : "error",
	        (long long)json_integer_value(json_object_get(error, "code")));
	json_array_foreach(errors, index, entry)
	{
		const char *field = json_string_value(json_object_get(entry, "field"));
		const char *text = json_string_value(json_object_get(entry, "message"));
		json_int_t line = json_integer_value(json_object_get(entry, "line"));

		if (field == NULL || field[0] == '\0')
			field = "-";
		if (text == NULL)
			text = "";
		if (source != NULL && line > 0)
			fprintf(stderr, "%s:%lld: %s: %s\n", source, (long long)line, field, text);
		else if (source != NULL)
			fprintf(stderr, "%s: %s: %s\n", source, field, text);
		else
			fprintf(stderr, "  %s: %s\n", field, text);
	}
}

int
cli_call(struct cli *cli, const char *method, json_t *params, json_t **result)
{
	json_t *error;
	int status = cli_request(cli, method, params, result, &error);

	if (status == CLI_EXIT_API) {
		cli_print_error(error, NULL);
		json_decref(error);
	}
	return status;
}

void
cli_print_json(json_t *result)
{
	json_dumpf(result, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
	fputc('\n', stdout);
}

const char *
cli_json_text(json_t *object, const char *key)
{
	const char *text = json_string_value(json_object_get(object, key));

	return text != NULL && text[0] != '\0' ? text : "-";
}

const char *
cli_json_number(json_t *object, const char *key, char *buf)
{
	json_t *value = json_object_get(object, key);

	if (json_is_integer(value))
		snprintf(buf, 32, "%lld", (long long)json_integer_value(value));
	else if (json_is_real(value))
		snprintf(buf, 32, "%.2f", json_real_value(value));
	else
		return "-";
	return buf;
}

int
cli_parse_integer(const char *text, long long min, long long max, long long *value)
{
	char *end;

	errno = 0;
	*value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || *value < min || *value > max)
		return -EINVAL;
	return 0;
}

int
cli_cmd_call(struct cli *cli, int argc, char **argv)
{
	json_t *params = NULL, *result;
	json_error_t parse_error;
	int status;

	if (argc < 2 || argc > 3)
		return cli_usage_error("call", "expected METHOD and at most one JSON argument");
	if (argc == 3) {
		params = json_loads(argv[2], 0, &parse_error);
		if (params == NULL)
			return cli_usage_error("call", "JSON argument: %s at column %d",
			                       parse_error.text, parse_error.column);
	}
	status = cli_call(cli, argv[1], params, &result);
	json_decref(params);
	if (status == CLI_EXIT_OK)
		cli_print_json(result);
	json_decref(result);
	return status;
}

/* Joins the strings of array (or "-" when empty) into a table cell. */
void
cli_cell_texts(struct cli_table *table, json_t *object, const char *const *keys, size_t count)
{
	for (size_t i = 0; i < count; i++)
		cli_table_cell(table, "%s", cli_json_text(object, keys[i]));
}

void
cli_cell_numbers(struct cli_table *table, json_t *object, const char *const *keys, size_t count)
{
	char buf[32];

	for (size_t i = 0; i < count; i++)
		cli_table_cell(table, "%s", cli_json_number(object, keys[i], buf));
}

void
cli_cell_age(struct cli_table *table, json_t *entry)
{
	char buf[32];

	cli_table_cell(table, "%s",
	               strcmp(cli_json_text(entry, "type"), "static") == 0
	                   ? "-"
	                   : cli_json_number(entry, "age_s", buf));
}

int
cli_cell_join(struct cli_table *table, json_t *array)
{
	size_t index, len = 0;
	char *joined = NULL;
	json_t *item;
	FILE *text;
	int ret;

	text = open_memstream(&joined, &len);
	if (text == NULL)
		return -1;
	json_array_foreach(array, index, item)
	{
		if (json_is_string(item))
			fprintf(text, "%s%s", index > 0 ? "," : "", json_string_value(item));
	}
	fclose(text);
	ret = cli_table_cell(table, "%s", len > 0 ? joined : "-");
	free(joined);
	return ret;
}

int
cli_show_call(struct cli *cli, const char *method, json_t *params, json_t **result)
{
	int status = cli_call(cli, method, params, result);
	if (status != CLI_EXIT_OK) {
		*result = NULL;
		return status;
	}
	if (cli->json) {
		cli_print_json(*result);
		json_decref(*result);
		*result = NULL;
	}
	return CLI_EXIT_OK;
}

int
cli_show_table(struct cli *cli, const char *method, json_t *params,
               const struct cli_column *columns, size_t nb_columns, json_t **result,
               struct cli_table **table)
{
	*table = NULL;
	int status = cli_show_call(cli, method, params, result);
	if (*result == NULL)
		return status;
	*table = cli_table_create(columns, nb_columns);
	if (*table == NULL) {
		json_decref(*result);
		*result = NULL;
		return CLI_EXIT_API;
	}
	return CLI_EXIT_OK;
}

int
cli_show_list(struct cli *cli, const struct cli_list_view *view, const char *segment)
{
	json_t *params = segment != NULL ? json_pack("{s:s}", "segment", segment) : NULL;
	struct cli_table *table;
	json_t *result, *item;
	size_t index;
	int status = cli_show_table(cli, view->method, params, view->columns, view->nb_columns,
	                            &result, &table);

	json_decref(params);
	if (table == NULL)
		return status;
	json_array_foreach(json_object_get(result, view->array), index, item)
	    view->row(table, item);
	cli_table_print(table, stdout);
	if (view->footer != NULL)
		view->footer(result);
	cli_table_destroy(table);
	json_decref(result);
	return CLI_EXIT_OK;
}
