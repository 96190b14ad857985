/*
 * A blocking JSON-RPC 2.0 client for the management API's unix socket, as used by dsectl and
 * tests: one request at a time, each sent as one line, each answered by one line whose id must
 * match (docs/api.md, "Framing"). Every wait is bounded by the timeout given at connect.
 */
#ifndef DSE_MGMT_RPC_CLIENT_H
#define DSE_MGMT_RPC_CLIENT_H

#include <jansson.h>

/* Largest response accepted, in bytes; a longer one fails the call with EMSGSIZE. */
#define RPC_CLIENT_MAX_RESPONSE_SIZE (256u * 1024 * 1024)

struct rpc_client;

/*
 * Connects to the server at the unix socket path; timeout_ms bounds this and every later wait
 * (<= 0: no bound). Returns the client, or NULL with errno set (ENOENT, ECONNREFUSED,
 * ETIMEDOUT, ENAMETOOLONG, ...).
 */
struct rpc_client *rpc_client_connect(const char *path, int timeout_ms);

/*
 * Calls method with params (borrowed; NULL sends no params) and waits for the answer.
 * Returns the result (a new reference). On an error answer returns NULL and stores the error
 * object ({code, message[, data]}, a new reference) in *error_out. On a transport failure
 * (timeout, connection lost, malformed or mismatched response) returns NULL, sets *error_out to
 * NULL and errno (ETIMEDOUT, ECONNRESET, EPROTO, EMSGSIZE, ...).
 */
json_t *rpc_client_call(struct rpc_client *client, const char *method, json_t *params,
                        json_t **error_out);

/* Closes the connection. Accepts NULL. */
void rpc_client_close(struct rpc_client *client);

#endif /* DSE_MGMT_RPC_CLIENT_H */
