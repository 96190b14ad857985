/*
 * JSON-RPC 2.0 request validation and dispatch (https://www.jsonrpc.org/specification, sections
 * 4 and 5). A request is checked completely before its handler runs: the handler only ever sees
 * a known method with object or array params. Errors about the request itself are answered even
 * when the id is missing, with a null id, as section 5 requires.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rpc/rpc.h"

/*
 * Returns a JSON string for text that may have been cut in the middle of a UTF-8 sequence by
 * snprintf() or may echo invalid bytes from a request: bytes jansson rejects become '?'.
 */
static json_t *
rpc_json_text(const char *text)
{
	json_t *string = json_string(text);
	char copy[RPC_ERROR_MESSAGE_SIZE];
	size_t i;

	if (string != NULL)
		return string;
	for (i = 0; text[i] != '\0' && i + 1 < sizeof(copy); i++)
		copy[i] = (unsigned char)text[i] < 0x80 ? text[i] : '?';
	copy[i] = '\0';
	return json_string(copy);
}

/* Builds {"jsonrpc":"2.0","id":id} with id borrowed (NULL means JSON null). */
static json_t *
rpc_response_base(json_t *id)
{
	json_t *response = json_object();

	if (response == NULL)
		return NULL;
	if (json_object_set_new(response, "jsonrpc", json_string("2.0")) < 0 ||
	    json_object_set(response, "id", id != NULL ? id : json_null()) < 0) {
		json_decref(response);
		return NULL;
	}
	return response;
}

json_t *
rpc_error_response(json_t *id, int code, const char *message, json_t *data)
{
	json_t *response = rpc_response_base(id);
	json_t *error = json_object();

	if (response == NULL || error == NULL)
		goto fail;
	if (json_object_set_new(error, "code", json_integer(code)) < 0 ||
	    json_object_set_new(error, "message", rpc_json_text(message)) < 0)
		goto fail;
	if (data != NULL && json_object_set_new(error, "data", data) < 0) {
		data = NULL; /* json_object_set_new() released it */
		goto fail;
	}
	data = NULL;
	if (json_object_set_new(response, "error", error) < 0) {
		error = NULL;
		goto fail;
	}
	return response;
fail:
	json_decref(data);
	json_decref(error);
	json_decref(response);
	return NULL;
}

void
rpc_error_set(struct rpc_error *err, int code, const char *fmt, ...)
{
	va_list args;

	err->code = code;
	va_start(args, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	va_end(args);
	err->message_is_summary = false;
}

/* Appends one entry to err->data.errors, creating data and the array on first use. */
static int
rpc_error_vappend(struct rpc_error *err, int line, const char *field, const char *fmt, va_list args)
{
	char message[RPC_ERROR_MESSAGE_SIZE];
	json_t *errors, *entry;

	vsnprintf(message, sizeof(message), fmt, args);
	if (err->data == NULL) {
		err->data = json_object();
		if (err->data == NULL)
			return -ENOMEM;
	}
	errors = json_object_get(err->data, "errors");
	if (!json_is_array(errors)) {
		errors = json_array();
		if (json_object_set_new(err->data, "errors", errors) < 0)
			return -ENOMEM;
	}
	entry = json_object();
	if (entry == NULL)
		return -ENOMEM;
	if (json_object_set_new(entry, "line", json_integer(line)) < 0 ||
	    json_object_set_new(entry, "field", rpc_json_text(field != NULL ? field : "")) < 0 ||
	    json_object_set_new(entry, "message", rpc_json_text(message)) < 0) {
		json_decref(entry);
		return -ENOMEM;
	}
	if (json_array_append_new(errors, entry) < 0) /* releases entry on failure */
		return -ENOMEM;
	if (err->code == 0) {
		err->code = RPC_INVALID_PARAMS;
		err->message_is_summary = true;
	}
	if (err->message_is_summary || err->message[0] == '\0') {
		size_t count = json_array_size(errors);

		snprintf(err->message, sizeof(err->message), "invalid params: %zu error%s", count,
		         count == 1 ? "" : "s");
		err->message_is_summary = true;
	}
	return 0;
}

int
rpc_error_append(struct rpc_error *err, int line, const char *field, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = rpc_error_vappend(err, line, field, fmt, args);
	va_end(args);
	return ret;
}

int
rpc_error_field(struct rpc_error *err, const char *field, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	ret = rpc_error_vappend(err, 0, field, fmt, args);
	va_end(args);
	return ret;
}

json_t *
rpc_param_string(json_t *params, const char *field, const char *expected, struct rpc_error *err)
{
	json_t *v = json_object_get(params, field);

	if (json_is_string(v))
		return v;
	rpc_error_field(err, field, "%s", expected);
	return NULL;
}

int
rpc_param_integer(json_t *params, const char *field, long long min, long long max, long long *value,
                  const char *expected, struct rpc_error *err)
{
	json_t *v = json_object_get(params, field);

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		rpc_error_field(err, field, "%s", expected);
		return -EINVAL;
	}
	*value = json_integer_value(v);
	return 1;
}

void
rpc_error_clear(struct rpc_error *err)
{
	json_decref(err->data);
	memset(err, 0, sizeof(*err));
}

/* Returns the table entry named method, or NULL. */
static const struct rpc_method *
rpc_find_method(const struct rpc_method *table, size_t n, const char *method)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, method) == 0)
			return &table[i];
	return NULL;
}

/* Runs the handler of a validated request; returns the response, or NULL if id is NULL. */
static json_t *
rpc_dispatch(const struct rpc_method *method, json_t *id, json_t *params, void *ctx)
{
	struct rpc_error err = {0};
	json_t *empty = NULL, *result, *response;

	if (params == NULL) {
		empty = json_object();
		if (empty == NULL)
			return id != NULL ? rpc_error_response(id, RPC_INTERNAL_ERROR,
			                                       "out of memory", NULL)
			                  : NULL;
		params = empty;
	}
	result = method->fn(params, &err, ctx);
	json_decref(empty);
	if (id == NULL) {
		/* A notification gets no answer, whatever happened (section 4.1). */
		json_decref(result);
		rpc_error_clear(&err);
		return NULL;
	}
	if (result == NULL) {
		if (err.code == 0)
			rpc_error_set(&err, RPC_INTERNAL_ERROR, "method %s failed", method->name);
		response = rpc_error_response(id, err.code, err.message, err.data);
		err.data = NULL; /* stolen by rpc_error_response() */
		rpc_error_clear(&err);
		return response;
	}
	rpc_error_clear(&err);
	response = rpc_response_base(id);
	if (response == NULL || json_object_set_new(response, "result", result) < 0) {
		json_decref(response);
		return rpc_error_response(id, RPC_INTERNAL_ERROR, "out of memory", NULL);
	}
	return response;
}

json_t *
rpc_handle_request(const struct rpc_method *table, size_t n, const char *line, size_t len,
                   void *ctx)
{
	const struct rpc_method *method;
	json_t *request, *id, *version, *name, *params, *response;
	json_error_t parse_error;
	char message[RPC_ERROR_MESSAGE_SIZE];

	if (len > RPC_MAX_REQUEST_SIZE)
		return rpc_error_response(NULL, RPC_INVALID_REQUEST, "request larger than 4 MiB",
		                          NULL);
	/* Duplicate keys would make "which method/params did the server see?" ambiguous. */
	request = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &parse_error);
	if (request == NULL) {
		snprintf(message, sizeof(message), "parse error at column %d: %s",
		         parse_error.column, parse_error.text);
		return rpc_error_response(NULL, RPC_PARSE_ERROR, message, NULL);
	}
	if (json_is_array(request)) {
		response = rpc_error_response(NULL, RPC_INVALID_REQUEST,
		                              "batch requests are not supported", NULL);
		goto out;
	}
	if (!json_is_object(request)) {
		response = rpc_error_response(NULL, RPC_INVALID_REQUEST,
		                              "request must be a JSON object", NULL);
		goto out;
	}
	id = json_object_get(request, "id");
	if (id != NULL && !json_is_string(id) && !json_is_number(id) && !json_is_null(id)) {
		response = rpc_error_response(NULL, RPC_INVALID_REQUEST,
		                              "\"id\" must be a string, a number or null", NULL);
		goto out;
	}
	/* From here on an invalid request is answered with its own id (or null if it had none). */
	version = json_object_get(request, "jsonrpc");
	if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0) {
		response = rpc_error_response(id, RPC_INVALID_REQUEST,
		                              "\"jsonrpc\" must be \"2.0\"", NULL);
		goto out;
	}
	name = json_object_get(request, "method");
	if (!json_is_string(name)) {
		response = rpc_error_response(id, RPC_INVALID_REQUEST,
		                              "\"method\" must be a string", NULL);
		goto out;
	}
	params = json_object_get(request, "params");
	if (params != NULL && !json_is_object(params) && !json_is_array(params)) {
		response = rpc_error_response(id, RPC_INVALID_REQUEST,
		                              "\"params\" must be an object or an array", NULL);
		goto out;
	}
	method = rpc_find_method(table, n, json_string_value(name));
	if (method == NULL) {
		if (id == NULL) {
			response = NULL;
			goto out;
		}
		snprintf(message, sizeof(message), "method not found: %.200s",
		         json_string_value(name));
		response = rpc_error_response(id, RPC_METHOD_NOT_FOUND, message, NULL);
		goto out;
	}
	response = rpc_dispatch(method, id, params, ctx);
out:
	json_decref(request);
	return response;
}

json_t *
rpc_json_mac(const uint8_t mac[6])
{
	char s[18];
	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
	         mac[4], mac[5]);
	return json_string(s);
}
