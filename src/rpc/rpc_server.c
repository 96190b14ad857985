/*
 * The management API's unix-socket server: accepts clients, splits their byte streams into
 * '\n'-terminated JSON-RPC requests (docs/api.md, "Framing"), answers each through
 * rpc_handle_request() and writes the responses back, all with non-blocking sockets driven by
 * one level-triggered epoll set so a slow or hostile client never stalls the control thread.
 * Memory per client is bounded: a request may not exceed RPC_MAX_REQUEST_SIZE, and a client
 * whose unread responses pile up past RPC_SERVER_OUTPUT_HIGH_WATER is not read from until it
 * catches up.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpc/rpc_server.h"

#define RPC_SERVER_READ_CHUNK     (64u * 1024) /* bytes asked of one read() */
#define RPC_SERVER_READS_PER_TURN 8            /* reads per client per event, for fairness */
#define RPC_SERVER_BACKLOG        16           /* listen() backlog */
#define RPC_SERVER_EVENTS         16           /* epoll events handled per poll */
#define RPC_SERVER_LISTEN_TAG     UINT64_MAX   /* epoll tag of the listening socket */

/* Largest input buffer: a partial request of the maximal size plus one more read. */
#define RPC_SERVER_INPUT_MAX (RPC_MAX_REQUEST_SIZE + RPC_SERVER_READ_CHUNK)

/* One connected client. */
struct rpc_connection {
	int fd;               /* socket, or -1 when the slot is free */
	uint32_t events;      /* epoll events currently registered for fd */
	bool peer_closed;     /* the client shut down its sending side (read returned 0) */
	bool closing;         /* framing broken: close once pending output is written */
	char *input;          /* received bytes not yet handled */
	size_t input_len;     /* bytes in input */
	size_t input_cap;     /* allocated size of input */
	size_t input_scanned; /* leading bytes of input known to hold no '\n' */
	char *output;         /* responses not yet written */
	size_t output_len;    /* bytes in output, including those already sent */
	size_t output_sent;   /* bytes of output already written */
	size_t output_cap;    /* allocated size of output */
};

/* The server: its socket, its method table and its clients. */
struct rpc_server {
	int listen_fd; /* listening unix socket */
	int epoll_fd;  /* epoll set of listen_fd and the clients */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* socket file */
	dev_t socket_dev;               /* device of the socket file we created */
	ino_t socket_ino;               /* inode of the socket file we created */
	const struct rpc_method *table; /* methods (borrowed) */
	size_t method_count;            /* entries in table */
	void *ctx;                      /* passed to every handler */
	size_t client_count;            /* slots of clients in use (atomic: read from any thread) */
	struct rpc_connection clients[RPC_SERVER_MAX_CLIENTS]; /* connected clients */
};

/* Creates every missing directory above the file path, like mkdir -p on its dirname. */
static int
rpc_make_parent_dirs(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Returns true if a server accepts connections on the unix socket at addr. */
static bool
rpc_socket_answers(const struct sockaddr_un *addr)
{
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool answers;

	if (probe < 0)
		return true; /* cannot tell: do not remove what may be a live socket */
	answers = connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) == 0 ||
	          errno != ECONNREFUSED;
	close(probe);
	return answers;
}

/* Binds fd to addr, replacing a stale socket file left by a server that is gone. */
static int
rpc_bind_socket(int fd, const struct sockaddr_un *addr)
{
	struct stat st;

	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0)
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	if (lstat(addr->sun_path, &st) < 0)
		return -EADDRINUSE;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	if (rpc_socket_answers(addr))
		return -EADDRINUSE;
	if (unlink(addr->sun_path) < 0 && errno != ENOENT)
		return -errno;
	if (bind(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0)
		return -errno;
	return 0;
}

struct rpc_server *
rpc_server_create(const char *path, const struct rpc_method *table, size_t n, void *ctx)
{
	struct epoll_event event = {.events = EPOLLIN, .data.u64 = RPC_SERVER_LISTEN_TAG};
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct rpc_server *srv;
	struct stat st;
	int ret;

	if (path == NULL || path[0] == '\0' || (table == NULL && n > 0)) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return NULL;
	srv->listen_fd = -1;
	srv->epoll_fd = -1;
	for (size_t i = 0; i < RPC_SERVER_MAX_CLIENTS; i++)
		srv->clients[i].fd = -1;
	srv->table = table;
	srv->method_count = n;
	srv->ctx = ctx;
	memcpy(addr.sun_path, path, strlen(path) + 1);

	ret = rpc_make_parent_dirs(path);
	if (ret < 0)
		goto fail;
	srv->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = rpc_bind_socket(srv->listen_fd, &addr);
	if (ret < 0)
		goto fail;
	/* From here on the file is ours and destroy removes it. */
	memcpy(srv->path, path, strlen(path) + 1);
	if (stat(path, &st) == 0) {
		srv->socket_dev = st.st_dev;
		srv->socket_ino = st.st_ino;
	}
	if (chmod(path, 0660) < 0 || listen(srv->listen_fd, RPC_SERVER_BACKLOG) < 0) {
		ret = -errno;
		goto fail;
	}
	srv->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epoll_fd < 0 || epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, srv->listen_fd, &event)) {
		ret = -errno;
		goto fail;
	}
	return srv;
fail:
	rpc_server_destroy(srv);
	errno = -ret;
	return NULL;
}

int
rpc_server_fd(const struct rpc_server *srv)
{
	return srv->epoll_fd;
}

size_t
rpc_server_client_count(const struct rpc_server *srv)
{
	return __atomic_load_n(&srv->client_count, __ATOMIC_RELAXED);
}

/* Bytes of responses queued and not yet written. */
static size_t
rpc_output_pending(const struct rpc_connection *conn)
{
	return conn->output_len - conn->output_sent;
}

static void
rpc_connection_close(struct rpc_server *srv, struct rpc_connection *conn)
{
	epoll_ctl(srv->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
	close(conn->fd);
	free(conn->input);
	free(conn->output);
	memset(conn, 0, sizeof(*conn));
	conn->fd = -1;
	__atomic_fetch_sub(&srv->client_count, 1, __ATOMIC_RELAXED);
}

/* Appends one response line to the client's output. Returns 0 or -ENOMEM. */
static int
rpc_connection_queue(struct rpc_connection *conn, json_t *response)
{
	char *text = json_dumps(response, JSON_COMPACT);
	size_t len, need;

	if (text == NULL)
		return -ENOMEM;
	len = strlen(text);
	if (conn->output_sent > 0) {
		memmove(conn->output, conn->output + conn->output_sent, rpc_output_pending(conn));
		conn->output_len -= conn->output_sent;
		conn->output_sent = 0;
	}
	need = conn->output_len + len + 1;
	if (need > conn->output_cap) {
		size_t cap = conn->output_cap > 0 ? conn->output_cap : 4096;
		char *grown;

		while (cap < need)
			cap *= 2;
		grown = realloc(conn->output, cap);
		if (grown == NULL) {
			free(text);
			return -ENOMEM;
		}
		conn->output = grown;
		conn->output_cap = cap;
	}
	memcpy(conn->output + conn->output_len, text, len);
	conn->output[conn->output_len + len] = '\n';
	conn->output_len += len + 1;
	free(text);
	return 0;
}

/*
 * What a failed send() or recv() on a non-blocking socket means: 1 to try again (interrupted),
 * 0 when the socket would block (the poll loop comes back later), else the negative errno.
 */
static int
rpc_io_failure(void)
{
	if (errno == EINTR)
		return 1;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return -errno;
}

/* Writes as much pending output as the socket takes. Returns 0 or a negative errno. */
static int
rpc_connection_flush(struct rpc_connection *conn)
{
	while (rpc_output_pending(conn) > 0) {
		ssize_t sent = send(conn->fd, conn->output + conn->output_sent,
		                    rpc_output_pending(conn), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (sent < 0) {
			int ret = rpc_io_failure();
			if (ret > 0)
				continue;
			return ret;
		}
		conn->output_sent += sent;
	}
	conn->output_len = 0;
	conn->output_sent = 0;
	return 0;
}

/* Handles one request line and queues its response, if any. */
static int
rpc_connection_answer(struct rpc_server *srv, struct rpc_connection *conn, const char *line,
                      size_t len)
{
	json_t *response;
	int ret;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0)
		return 0; /* blank lines are allowed between requests */
	if (len > RPC_MAX_REQUEST_SIZE)
		conn->closing = true; /* answered with an error below, then the client goes */
	response = rpc_handle_request(srv->table, srv->method_count, line, len, srv->ctx);
	if (response == NULL)
		return 0;
	ret = rpc_connection_queue(conn, response);
	json_decref(response);
	return ret;
}

/*
 * Handles the complete requests in the client's input while its output is below the high-water
 * mark; at end of input an unterminated last request is handled too. A partial request over the
 * size bound is answered with an error and the client is marked for closing.
 */
static int
rpc_connection_handle_input(struct rpc_server *srv, struct rpc_connection *conn)
{
	size_t start = 0;
	int ret = 0;

	while (ret == 0 && !conn->closing &&
	       rpc_output_pending(conn) < RPC_SERVER_OUTPUT_HIGH_WATER) {
		size_t from = start + conn->input_scanned;
		char *newline = conn->input_len > from
		                    ? memchr(conn->input + from, '\n', conn->input_len - from)
		                    : NULL;

		if (newline == NULL) {
			conn->input_scanned = conn->input_len - start;
			break;
		}
		ret = rpc_connection_answer(srv, conn, conn->input + start,
		                            newline - (conn->input + start));
		start = newline - conn->input + 1;
		conn->input_scanned = 0;
	}
	if (start > 0) {
		memmove(conn->input, conn->input + start, conn->input_len - start);
		conn->input_len -= start;
	}
	if (ret < 0)
		return ret;
	if (conn->closing)
		return 0;
	if (conn->input_scanned == conn->input_len && conn->input_len > RPC_MAX_REQUEST_SIZE) {
		json_t *response = rpc_error_response(NULL, RPC_INVALID_REQUEST,
		                                      "request larger than 4 MiB", NULL);

		ret = response != NULL ? rpc_connection_queue(conn, response) : -ENOMEM;
		json_decref(response);
		conn->input_len = 0;
		conn->input_scanned = 0;
		conn->closing = true;
		return ret;
	}
	if (conn->peer_closed && conn->input_scanned == conn->input_len && conn->input_len > 0 &&
	    rpc_output_pending(conn) < RPC_SERVER_OUTPUT_HIGH_WATER) {
		ret = rpc_connection_answer(srv, conn, conn->input, conn->input_len);
		conn->input_len = 0;
		conn->input_scanned = 0;
	}
	return ret;
}

/* Reads what the client sent and handles it. Returns 0 or a negative errno (close). */
static int
rpc_connection_read(struct rpc_server *srv, struct rpc_connection *conn)
{
	for (int turn = 0; turn < RPC_SERVER_READS_PER_TURN; turn++) {
		ssize_t got;
		int ret;

		if (conn->peer_closed || conn->closing ||
		    rpc_output_pending(conn) >= RPC_SERVER_OUTPUT_HIGH_WATER)
			return 0;
		if (conn->input_cap - conn->input_len < RPC_SERVER_READ_CHUNK) {
			size_t cap =
			    conn->input_cap > 0 ? conn->input_cap * 2 : RPC_SERVER_READ_CHUNK;
			char *grown;

			if (cap > RPC_SERVER_INPUT_MAX)
				cap = RPC_SERVER_INPUT_MAX;
			grown = realloc(conn->input, cap);
			if (grown == NULL)
				return -ENOMEM;
			conn->input = grown;
			conn->input_cap = cap;
		}
		got = recv(conn->fd, conn->input + conn->input_len,
		           conn->input_cap - conn->input_len, MSG_DONTWAIT);
		if (got < 0) {
			ret = rpc_io_failure();
			if (ret > 0)
				continue;
			return ret;
		}
		if (got == 0)
			conn->peer_closed = true;
		conn->input_len += got;
		ret = rpc_connection_handle_input(srv, conn);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Registers the events the client's state calls for, or closes it when it is done. */
static void
rpc_connection_update(struct rpc_server *srv, struct rpc_connection *conn)
{
	bool pending = rpc_output_pending(conn) > 0;
	uint32_t wanted = 0;

	if (!pending && (conn->closing || (conn->peer_closed && conn->input_len == 0))) {
		rpc_connection_close(srv, conn);
		return;
	}
	if (!conn->peer_closed && !conn->closing &&
	    rpc_output_pending(conn) < RPC_SERVER_OUTPUT_HIGH_WATER)
		wanted |= EPOLLIN;
	if (pending)
		wanted |= EPOLLOUT;
	if (wanted != conn->events) {
		struct epoll_event event = {.events = wanted,
		                            .data.u64 = (uint64_t)(conn - srv->clients)};

		if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event) < 0) {
			rpc_connection_close(srv, conn);
			return;
		}
		conn->events = wanted;
	}
}

/* Handles the epoll events reported for one client. */
static void
rpc_connection_service(struct rpc_server *srv, struct rpc_connection *conn, uint32_t events)
{
	int ret = 0;

	if (events & EPOLLERR) {
		rpc_connection_close(srv, conn);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP))
		ret = rpc_connection_read(srv, conn);
	if (ret == 0)
		ret = rpc_connection_flush(conn);
	/* Output drained below the mark: requests held back in the buffer can go on. */
	if (ret == 0)
		ret = rpc_connection_handle_input(srv, conn);
	if (ret == 0)
		ret = rpc_connection_flush(conn);
	if (ret < 0) {
		rpc_connection_close(srv, conn);
		return;
	}
	rpc_connection_update(srv, conn);
}

/* Accepts every waiting client; beyond RPC_SERVER_MAX_CLIENTS they are closed at once. */
static void
rpc_server_accept(struct rpc_server *srv)
{
	for (;;) {
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event event = {.events = EPOLLIN};
		size_t slot;

		if (fd < 0)
			return;
		if (srv->client_count == RPC_SERVER_MAX_CLIENTS) {
			close(fd);
			continue;
		}
		for (slot = 0; srv->clients[slot].fd >= 0; slot++)
			;
		event.data.u64 = slot;
		if (epoll_ctl(srv->epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
			close(fd);
			continue;
		}
		srv->clients[slot].fd = fd;
		srv->clients[slot].events = EPOLLIN;
		__atomic_fetch_add(&srv->client_count, 1, __ATOMIC_RELAXED);
	}
}

int
rpc_server_poll(struct rpc_server *srv, int timeout_ms)
{
	struct epoll_event events[RPC_SERVER_EVENTS];
	int count = epoll_wait(srv->epoll_fd, events, RPC_SERVER_EVENTS, timeout_ms);

	if (count < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < count; i++) {
		uint64_t tag = events[i].data.u64;

		if (tag == RPC_SERVER_LISTEN_TAG) {
			rpc_server_accept(srv);
			continue;
		}
		/* The client may have been closed by an earlier event of this round. */
		if (tag < RPC_SERVER_MAX_CLIENTS && srv->clients[tag].fd >= 0)
			rpc_connection_service(srv, &srv->clients[tag], events[i].events);
	}
	return count;
}

void
rpc_server_destroy(struct rpc_server *srv)
{
	struct stat st;

	if (srv == NULL)
		return;
	for (size_t i = 0; i < RPC_SERVER_MAX_CLIENTS; i++)
		if (srv->clients[i].fd >= 0)
			rpc_connection_close(srv, &srv->clients[i]);
	if (srv->epoll_fd >= 0)
		close(srv->epoll_fd);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	/* Remove the socket file only if it is still the one this server created. */
	if (srv->path[0] != '\0' && lstat(srv->path, &st) == 0 && st.st_dev == srv->socket_dev &&
	    st.st_ino == srv->socket_ino)
		unlink(srv->path);
	free(srv);
}
