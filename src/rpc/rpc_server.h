/*
 * The management API's unix-socket server (docs/api.md, "Framing"): newline-delimited JSON-RPC
 * 2.0 requests from up to RPC_SERVER_MAX_CLIENTS clients at once, served from the engine's
 * control thread without ever blocking it. The owner calls rpc_server_poll() from its loop, or
 * waits on rpc_server_fd() with its own poll/epoll and then calls rpc_server_poll(srv, 0).
 */
#ifndef DSE_MGMT_RPC_SERVER_H
#define DSE_MGMT_RPC_SERVER_H

#include <stddef.h>

#include "rpc/rpc.h"

#define RPC_SERVER_MAX_CLIENTS 64 /* connections served at once; more are closed on accept */

/* Responses waiting for a slow reader, in bytes, beyond which no further request of that client
 * is read or handled until the backlog drains. */
#define RPC_SERVER_OUTPUT_HIGH_WATER (4u * 1024 * 1024)

struct rpc_server;

/*
 * Creates a server listening on the unix socket path, dispatching to table (n entries, which
 * must outlive the server) with ctx. Creates the parent directory (mode 0755) if it is missing.
 * An existing socket file is replaced only if nobody answers on it. The socket gets mode 0660.
 * Returns the server, or NULL with errno set: EADDRINUSE if another server answers on path,
 * EEXIST if path exists and is not a socket, ENAMETOOLONG if path does not fit a sockaddr_un.
 */
struct rpc_server *rpc_server_create(const char *path, const struct rpc_method *table, size_t n,
                                     void *ctx);

/* Returns a descriptor that becomes readable when rpc_server_poll() has work to do. */
int rpc_server_fd(const struct rpc_server *srv);

/*
 * Waits up to timeout_ms (0: do not wait, -1: forever) for socket events and handles them:
 * accepts clients, reads and answers complete requests, writes pending responses, closes
 * clients that hung up or broke the framing. Handlers run in the caller's thread.
 * Returns the number of events handled, or a negative errno if waiting failed.
 */
int rpc_server_poll(struct rpc_server *srv, int timeout_ms);

/* Returns the number of connected clients; may be called from a thread other than the one
 * polling the server. */
size_t rpc_server_client_count(const struct rpc_server *srv);

/* Closes every client and the listening socket and removes the socket file. Accepts NULL. */
void rpc_server_destroy(struct rpc_server *srv);

#endif /* DSE_MGMT_RPC_SERVER_H */
