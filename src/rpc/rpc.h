/*
 * JSON-RPC 2.0 message handling for the management API (https://www.jsonrpc.org/specification),
 * independent of any socket: one request line in, one response object out. The API server and
 * the fuzz target drive it the same way, so every check on untrusted requests lives here.
 * Batch requests are not part of the dse API (docs/api.md: one request per line) and are refused.
 */
#ifndef DSE_MGMT_RPC_H
#define DSE_MGMT_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Error codes from the JSON-RPC 2.0 specification and docs/api.md. */
#define RPC_PARSE_ERROR      -32700 /* the request is not valid JSON */
#define RPC_INVALID_REQUEST  -32600 /* valid JSON, but not a request object */
#define RPC_METHOD_NOT_FOUND -32601 /* no such method */
#define RPC_INVALID_PARAMS   -32602 /* params rejected by the method */
#define RPC_INTERNAL_ERROR   -32603 /* the server failed */
#define RPC_SERVER_ERROR     -32000 /* a valid request could not be carried out */

/* Largest request line accepted, without its '\n' (docs/api.md). */
#define RPC_MAX_REQUEST_SIZE (4u * 1024 * 1024)

/* Size of the message buffer in struct rpc_error, including the NUL. */
#define RPC_ERROR_MESSAGE_SIZE 256

/* The error a handler reports instead of a result. */
struct rpc_error {
	int code;                             /* JSON-RPC error code; 0 = no error yet */
	char message[RPC_ERROR_MESSAGE_SIZE]; /* one-line summary for people */
	json_t *data;                         /* optional error.data object (owned), or NULL */
	bool message_is_summary;              /* message was generated from the error count and
	                                         is updated as field errors are appended */
};

/*
 * A method handler. params is the request's params (an object or an array; an empty object when
 * the request had none), borrowed. Returns the result (a new reference), or NULL with err filled.
 */
typedef json_t *(*rpc_handler_fn)(json_t *params, struct rpc_error *err, void *ctx);

/* One entry of a server's method table. */
struct rpc_method {
	const char *name;        /* method name, e.g. "ports.list" */
	rpc_handler_fn fn;       /* handler */
	const char *params_help; /* short description of the params, for help texts */
};

/*
 * Handles one request line (without its '\n'; need not be NUL-terminated) against a method
 * table of n entries, passing ctx to the handler. Returns the response object (a new
 * reference), or NULL when the request was a valid notification (no id) and needs no answer.
 */
json_t *rpc_handle_request(const struct rpc_method *table, size_t n, const char *line, size_t len,
                           void *ctx);

/*
 * Builds an error response {"jsonrpc":"2.0","id":id,"error":{code,message[,data]}}. id is
 * borrowed (NULL stands for JSON null); data is stolen (may be NULL). Returns a new reference,
 * or NULL if out of memory.
 */
json_t *rpc_error_response(json_t *id, int code, const char *message, json_t *data);

/* Sets the error code and message (printf format), keeping any data already attached. */
void rpc_error_set(struct rpc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Appends {"line":line,"field":field,"message":...} to err->data.errors. If err has no code yet
 * it becomes RPC_INVALID_PARAMS; while no message was set explicitly the message summarizes the
 * count ("invalid params: 2 errors"). Returns 0 or -ENOMEM.
 */
int rpc_error_append(struct rpc_error *err, int line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* rpc_error_append() for API parameters, which have no line: line 0. */
int rpc_error_field(struct rpc_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Returns the string member field of params (borrowed), or NULL after adding a field error
 * whose message is expected when it is missing or not a string.
 */
json_t *rpc_param_string(json_t *params, const char *field, const char *expected,
                         struct rpc_error *err);

/*
 * Reads the optional integer member field of params into *value. Returns 1 when it is given and
 * in [min, max], 0 when it is absent (*value unchanged), or -EINVAL after adding a field error
 * whose message is expected.
 */
int rpc_param_integer(json_t *params, const char *field, long long min, long long max,
                      long long *value, const char *expected, struct rpc_error *err);

/* Releases err->data and resets err to "no error". */
void rpc_error_clear(struct rpc_error *err);

/* A MAC address as a result value: the string "aa:bb:cc:dd:ee:ff" (a new reference). */
json_t *rpc_json_mac(const uint8_t mac[6]);

#endif /* DSE_MGMT_RPC_H */
