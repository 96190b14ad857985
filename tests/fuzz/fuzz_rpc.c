/*
 * libFuzzer target for the management API's request handling (src/rpc/rpc.c): every byte
 * string a client can send as one request line goes through rpc_handle_request() with a small
 * method table whose handlers exercise results, field errors and notifications. The response,
 * if any, must be a JSON-RPC 2.0 response object that serializes to one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc.h"

/* Returns its params. */
static json_t *
fuzz_echo(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)err;
	(void)ctx;
	return json_incref(params);
}

/* Reports one field error per params member, echoing member names into the error. */
static json_t *
fuzz_check(json_t *params, struct rpc_error *err, void *ctx)
{
	const char *key;
	json_t *value;

	(void)ctx;
	if (!json_is_object(params))
		return json_object();
	json_object_foreach(params, key, value)
	{
		if (json_is_string(value))
			rpc_error_field(err, key, "unexpected \"%s\"", json_string_value(value));
		else
			rpc_error_append(err, (int)json_object_size(params), key, "not a string");
	}
	return err->code != 0 ? NULL : json_object();
}

/* Fails with a server error. */
static json_t *
fuzz_fail(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)ctx;
	rpc_error_set(err, RPC_SERVER_ERROR, "cannot do %zu things", json_array_size(params));
	return NULL;
}

static const struct rpc_method fuzz_methods[] = {
    {"echo", fuzz_echo, "anything"},
    {"check", fuzz_check, "{name: string}"},
    {"fail", fuzz_fail, "[...]"},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *response = rpc_handle_request(fuzz_methods, 3, (const char *)data, size, NULL);
	json_t *error;
	char *text;

	if (response == NULL)
		return 0;
	if (!json_is_object(response) ||
	    strcmp(json_string_value(json_object_get(response, "jsonrpc")), "2.0") != 0 ||
	    json_object_get(response, "id") == NULL)
		abort();
	error = json_object_get(response, "error");
	if ((error == NULL) == (json_object_get(response, "result") == NULL))
		abort();
	if (error != NULL && (!json_is_integer(json_object_get(error, "code")) ||
	                      !json_is_string(json_object_get(error, "message"))))
		abort();
	text = json_dumps(response, JSON_COMPACT);
	if (text == NULL || strchr(text, '\n') != NULL)
		abort();
	free(text);
	json_decref(response);
	return 0;
}
