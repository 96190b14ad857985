/*
 * Blocking JSON-RPC 2.0 client over a unix stream socket (https://www.jsonrpc.org/specification,
 * docs/api.md). The socket is non-blocking underneath so that every wait — connecting, sending,
 * receiving — ends at the caller's deadline instead of hanging on a stuck engine.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rpc/rpc_client.h"

/* A connection to one server. */
struct rpc_client {
	int fd;             /* connected socket */
	int timeout_ms;     /* bound on each call; <= 0 means none */
	json_int_t next_id; /* id of the next request */
	char *input;        /* received bytes not yet consumed */
	size_t input_len;   /* bytes in input */
	size_t input_cap;   /* allocated size of input */
};

/* Milliseconds on the monotonic clock. */
static long long
rpc_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Deadline for an operation starting now, or -1 for none. */
static long long
rpc_deadline(int timeout_ms)
{
	return timeout_ms > 0 ? rpc_now_ms() + timeout_ms : -1;
}

/* Waits until fd is ready for events or the deadline passes. Returns 0 or a negative errno. */
static int
rpc_wait(int fd, short events, long long deadline)
{
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = events};
		int timeout = -1, ready;

		if (deadline >= 0) {
			long long left = deadline - rpc_now_ms();

			if (left <= 0)
				return -ETIMEDOUT;
			timeout = left > 60000 ? 60000 : (int)left;
		}
		ready = poll(&pfd, 1, timeout);
		if (ready > 0)
			return 0;
		if (ready < 0 && errno != EINTR)
			return -errno;
	}
}

struct rpc_client *
rpc_client_connect(const char *path, int timeout_ms)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	long long deadline = rpc_deadline(timeout_ms);
	struct rpc_client *client;
	int ret = 0;

	if (path == NULL || strlen(path) >= sizeof(addr.sun_path)) {
		errno = path == NULL ? EINVAL : ENAMETOOLONG;
		return NULL;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	client = calloc(1, sizeof(*client));
	if (client == NULL)
		return NULL;
	client->timeout_ms = timeout_ms;
	client->next_id = 1;
	client->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (client->fd < 0) {
		ret = -errno;
		goto fail;
	}
	for (;;) {
		if (connect(client->fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			return client;
		if (errno == EINTR)
			continue;
		/* A unix socket whose backlog is full says EAGAIN: try again until the deadline. */
		if (errno == EAGAIN) {
			if (deadline >= 0 && rpc_now_ms() >= deadline) {
				ret = -ETIMEDOUT;
				goto fail;
			}
			usleep(10000);
			continue;
		}
		if (errno == EINPROGRESS) {
			int error = 0;
			socklen_t size = sizeof(error);

			ret = rpc_wait(client->fd, POLLOUT, deadline);
			if (ret == 0 &&
			    getsockopt(client->fd, SOL_SOCKET, SO_ERROR, &error, &size) < 0)
				ret = -errno;
			if (ret == 0 && error != 0)
				ret = -error;
			if (ret == 0)
				return client;
			goto fail;
		}
		ret = -errno;
		goto fail;
	}
fail:
	rpc_client_close(client);
	errno = -ret;
	return NULL;
}

/*
 * After a failed send() or recv(): returns 0 at once when it was interrupted, 0 once the socket
 * is ready for events when it would have blocked, or a negative errno (also on timeout).
 */
static int
rpc_wait_after_failure(int fd, short events, long long deadline)
{
	if (errno == EINTR)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	return rpc_wait(fd, events, deadline);
}

/* Sends all of text, waiting for the socket as needed. Returns 0 or a negative errno. */
static int
rpc_send_all(struct rpc_client *client, const char *text, size_t len, long long deadline)
{
	size_t done = 0;

	while (done < len) {
		ssize_t sent = send(client->fd, text + done, len - done, MSG_NOSIGNAL);
		int ret;

		if (sent >= 0) {
			done += sent;
			continue;
		}
		ret = rpc_wait_after_failure(client->fd, POLLOUT, deadline);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Receives until input holds a complete line; returns the line's length (without '\n') or a
 * negative errno.
 */
static long long
rpc_receive_line(struct rpc_client *client, long long deadline)
{
	size_t scanned = 0;

	for (;;) {
		char *newline = client->input_len > scanned ? memchr(client->input + scanned, '\n',
		                                                     client->input_len - scanned)
		                                            : NULL;
		ssize_t got;
		int ret;

		if (newline != NULL)
			return newline - client->input;
		scanned = client->input_len;
		if (client->input_len > RPC_CLIENT_MAX_RESPONSE_SIZE)
			return -EMSGSIZE;
		if (client->input_cap - client->input_len < 4096) {
			size_t cap = client->input_cap > 0 ? client->input_cap * 2 : 65536;
			char *grown = realloc(client->input, cap);

			if (grown == NULL)
				return -ENOMEM;
			client->input = grown;
			client->input_cap = cap;
		}
		got = recv(client->fd, client->input + client->input_len,
		           client->input_cap - client->input_len, 0);
		if (got > 0) {
			client->input_len += got;
			continue;
		}
		if (got == 0)
			return -ECONNRESET; /* the server hung up before answering */
		ret = rpc_wait_after_failure(client->fd, POLLIN, deadline);
		if (ret < 0)
			return ret;
	}
}

/* Checks a response against the request id and extracts its result or error. */
static json_t *
rpc_take_answer(json_t *response, json_int_t id, json_t **error_out, int *ret)
{
	json_t *version = json_object_get(response, "jsonrpc");
	json_t *answer_id = json_object_get(response, "id");
	json_t *result = json_object_get(response, "result");
	json_t *error = json_object_get(response, "error");

	*ret = -EPROTO;
	if (!json_is_object(response) || !json_is_string(version) ||
	    strcmp(json_string_value(version), "2.0") != 0)
		return NULL;
	/* A null id answers a request the server could not read, which can only be ours. */
	if (!(json_is_integer(answer_id) && json_integer_value(answer_id) == id) &&
	    !(json_is_null(answer_id) && error != NULL))
		return NULL;
	if (result != NULL && error == NULL) {
		*ret = 0;
		return json_incref(result);
	}
	if (json_is_object(error) && result == NULL &&
	    json_is_integer(json_object_get(error, "code")) &&
	    json_is_string(json_object_get(error, "message"))) {
		*ret = 0;
		*error_out = json_incref(error);
	}
	return NULL;
}

json_t *
rpc_client_call(struct rpc_client *client, const char *method, json_t *params, json_t **error_out)
{
	long long deadline = rpc_deadline(client->timeout_ms);
	json_int_t id = client->next_id++;
	json_t *request, *response, *result;
	json_error_t parse_error;
	long long line_len;
	char *text;
	int ret;

	*error_out = NULL;
	request = json_pack("{s:s, s:I, s:s}", "jsonrpc", "2.0", "id", id, "method", method);
	if (request == NULL || (params != NULL && json_object_set(request, "params", params) < 0)) {
		json_decref(request);
		errno = EINVAL;
		return NULL;
	}
	text = json_dumps(request, JSON_COMPACT);
	json_decref(request);
	if (text == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* The terminating NUL becomes the request's '\n'. */
	line_len = strlen(text);
	text[line_len] = '\n';
	ret = rpc_send_all(client, text, line_len + 1, deadline);
	free(text);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	line_len = rpc_receive_line(client, deadline);
	if (line_len < 0) {
		errno = (int)-line_len;
		return NULL;
	}
	response = json_loadb(client->input, line_len, 0, &parse_error);
	client->input_len -= line_len + 1;
	memmove(client->input, client->input + line_len + 1, client->input_len);
	if (response == NULL) {
		errno = EPROTO;
		return NULL;
	}
	result = rpc_take_answer(response, id, error_out, &ret);
	json_decref(response);
	if (ret < 0)
		errno = -ret;
	return result;
}

void
rpc_client_close(struct rpc_client *client)
{
	if (client == NULL)
		return;
	if (client->fd >= 0)
		close(client->fd);
	free(client->input);
	free(client);
}
