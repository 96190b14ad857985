/*
 * Unit tests of the JSON-RPC 2.0 layer (src/rpc): request validation and error objects as
 * the specification and docs/api.md define them, handler errors with data.errors, and a real
 * server on a temporary unix socket driven by a thread while the test talks to it with the
 * client library and with raw writes (split requests, several requests per write, the 4 MiB
 * bound, the client limit).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "rpc/rpc.h"
#include "rpc/rpc_client.h"
#include "rpc/rpc_server.h"

/* What the test handlers saw. */
struct test_context {
	atomic_int calls;       /* handler invocations */
	atomic_int params_type; /* json_typeof() of the last params */
	atomic_int params_size; /* members/elements of the last params */
};

/* Returns its params, so a test can see exactly what the handler received. */
static json_t *
handle_echo(json_t *params, struct rpc_error *err, void *ctx)
{
	struct test_context *test = ctx;

	(void)err;
	atomic_fetch_add(&test->calls, 1);
	atomic_store(&test->params_type, json_typeof(params));
	atomic_store(&test->params_size, json_is_array(params) ? (int)json_array_size(params)
	                                                       : (int)json_object_size(params));
	return json_incref(params);
}

/* Rejects two fields, like a config handler finding two problems. */
static json_t *
handle_two_field_errors(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	atomic_fetch_add(&((struct test_context *)ctx)->calls, 1);
	rpc_error_field(err, "name", "expected 1..31 characters");
	rpc_error_field(err, "vlans[0].vlan", "expected an integer 1..4094");
	return NULL;
}

/* Fails while carrying out the request: code -32000 with one located error. */
static json_t *
handle_server_error(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)ctx;
	rpc_error_append(err, 14, "ports[1].segment", "unknown segment \"%s\"", "db");
	rpc_error_set(err, RPC_SERVER_ERROR, "cannot create port %s", "vm1");
	return NULL;
}

/* Returns NULL without saying why. */
static json_t *
handle_silent_failure(json_t *params, struct rpc_error *err, void *ctx)
{
	(void)params;
	(void)err;
	(void)ctx;
	return NULL;
}

static const struct rpc_method test_methods[] = {
    {"echo", handle_echo, "anything"},
    {"check", handle_two_field_errors, "{}"},
    {"create", handle_server_error, "{}"},
    {"silent", handle_silent_failure, "{}"},
};

#define TEST_METHOD_COUNT (sizeof(test_methods) / sizeof(test_methods[0]))

/* Handles a NUL-terminated request line with the test table. */
static json_t *
handle(struct test_context *test, const char *line)
{
	return rpc_handle_request(test_methods, TEST_METHOD_COUNT, line, strlen(line), test);
}

/* Checks that response is an error with the given code and id (NULL: JSON null). */
static void
assert_error(json_t *response, int code, json_t *id)
{
	json_t *error;

	assert_non_null(response);
	assert_string_equal(json_string_value(json_object_get(response, "jsonrpc")), "2.0");
	assert_null(json_object_get(response, "result"));
	error = json_object_get(response, "error");
	assert_true(json_is_object(error));
	assert_int_equal(json_integer_value(json_object_get(error, "code")), code);
	assert_true(json_is_string(json_object_get(error, "message")));
	assert_true(json_equal(json_object_get(response, "id"), id != NULL ? id : json_null()));
}

static void
test_parse_error(void **state)
{
	struct test_context test = {0};
	json_t *response;

	(void)state;
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"");
	assert_error(response, RPC_PARSE_ERROR, NULL);
	json_decref(response);
	/* A duplicate key makes the request ambiguous: refused as unparseable. */
	response =
	    handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"method\":\"x\"}");
	assert_error(response, RPC_PARSE_ERROR, NULL);
	json_decref(response);
	/* A length shorter than the text: only the given bytes are parsed. */
	response =
	    rpc_handle_request(test_methods, TEST_METHOD_COUNT,
	                       "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}", 20, &test);
	assert_error(response, RPC_PARSE_ERROR, NULL);
	json_decref(response);
	assert_int_equal(test.calls, 0);
}

static void
test_invalid_requests(void **state)
{
	struct test_context test = {0};
	json_t *seven = json_integer(7);
	json_t *response;

	(void)state;
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":7}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":5}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response = handle(&test, "{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"echo\"}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response = handle(&test, "{\"jsonrpc\":2.0,\"id\":7,\"method\":\"echo\"}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response = handle(&test, "{\"id\":7,\"method\":\"echo\"}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":5}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	response =
	    handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"echo\",\"params\":\"x\"}");
	assert_error(response, RPC_INVALID_REQUEST, seven);
	json_decref(response);
	/* An id of the wrong type cannot be echoed: the answer carries null. */
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"echo\"}");
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	response = handle(&test, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]");
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	response = handle(&test, "\"echo\"");
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	/* Invalid without an id is still answered (with null), unlike a valid notification. */
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"method\":7}");
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	assert_int_equal(test.calls, 0);
	json_decref(seven);
}

static void
test_method_not_found(void **state)
{
	struct test_context test = {0};
	json_t *id = json_string("q1");
	json_t *response;

	(void)state;
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":\"q1\",\"method\":\"ech\"}");
	assert_error(response, RPC_METHOD_NOT_FOUND, id);
	assert_non_null(strstr(
	    json_string_value(json_object_get(json_object_get(response, "error"), "message")),
	    "ech"));
	json_decref(response);
	/* Lookup is exact, not by prefix. */
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":\"q1\",\"method\":\"echo2\"}");
	assert_error(response, RPC_METHOD_NOT_FOUND, id);
	json_decref(response);
	assert_int_equal(test.calls, 0);
	json_decref(id);
}

static void
test_notifications(void **state)
{
	struct test_context test = {0};

	(void)state;
	assert_null(handle(&test, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{}}"));
	assert_int_equal(test.calls, 1);
	/* Errors of a notification are not answered either. */
	assert_null(handle(&test, "{\"jsonrpc\":\"2.0\",\"method\":\"nothing\"}"));
	assert_null(handle(&test, "{\"jsonrpc\":\"2.0\",\"method\":\"check\"}"));
	assert_int_equal(test.calls, 2);
}

static void
test_ids_echoed(void **state)
{
	static const char *const ids[] = {"\"abc\"", "42", "-3", "1.5", "null", "\"\""};
	struct test_context test = {0};
	char line[200];

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		json_t *id = json_loads(ids[i], JSON_DECODE_ANY, NULL);
		json_t *response;

		snprintf(line, sizeof(line),
		         "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"echo\",\"params\":[1,2]}",
		         ids[i]);
		response = handle(&test, line);
		assert_non_null(response);
		assert_true(json_equal(json_object_get(response, "id"), id));
		assert_null(json_object_get(response, "error"));
		assert_int_equal(json_array_size(json_object_get(response, "result")), 2);
		json_decref(response);
		json_decref(id);
	}
	assert_int_equal(test.calls, 6);
}

static void
test_params_passed(void **state)
{
	struct test_context test = {0};
	json_t *response;

	(void)state;
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}");
	assert_int_equal(test.params_type, JSON_OBJECT);
	assert_int_equal(test.params_size, 0);
	assert_true(json_is_object(json_object_get(response, "result")));
	json_decref(response);
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\","
	                         "\"params\":{\"name\":\"vm1\",\"mtu\":9000}}");
	assert_int_equal(test.params_type, JSON_OBJECT);
	assert_int_equal(test.params_size, 2);
	assert_int_equal(
	    json_integer_value(json_object_get(json_object_get(response, "result"), "mtu")), 9000);
	json_decref(response);
	response =
	    handle(&test, "{\"params\":[true],\"method\":\"echo\",\"id\":1,\"jsonrpc\":\"2.0\"}");
	assert_int_equal(test.params_type, JSON_ARRAY);
	assert_int_equal(test.params_size, 1);
	json_decref(response);
}

static void
test_handler_field_errors(void **state)
{
	struct test_context test = {0};
	json_t *response, *error, *errors, *second;

	(void)state;
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"check\"}");
	assert_error(response, RPC_INVALID_PARAMS, json_object_get(response, "id"));
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 3);
	error = json_object_get(response, "error");
	assert_string_equal(json_string_value(json_object_get(error, "message")),
	                    "invalid params: 2 errors");
	errors = json_object_get(json_object_get(error, "data"), "errors");
	assert_int_equal(json_array_size(errors), 2);
	second = json_array_get(errors, 1);
	assert_int_equal(json_integer_value(json_object_get(second, "line")), 0);
	assert_string_equal(json_string_value(json_object_get(second, "field")), "vlans[0].vlan");
	assert_string_equal(json_string_value(json_object_get(second, "message")),
	                    "expected an integer 1..4094");
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")),
	                    "name");
	json_decref(response);

	/* An explicit code and message win over the field errors' defaults. */
	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"create\"}");
	error = json_object_get(response, "error");
	assert_int_equal(json_integer_value(json_object_get(error, "code")), RPC_SERVER_ERROR);
	assert_string_equal(json_string_value(json_object_get(error, "message")),
	                    "cannot create port vm1");
	errors = json_object_get(json_object_get(error, "data"), "errors");
	assert_int_equal(json_array_size(errors), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")),
	                 14);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(errors, 0), "message")),
	    "unknown segment \"db\"");
	json_decref(response);

	response = handle(&test, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"silent\"}");
	assert_error(response, RPC_INTERNAL_ERROR, json_object_get(response, "id"));
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 5);
	json_decref(response);
}

static void
test_error_helpers(void **state)
{
	struct rpc_error err = {0};

	(void)state;
	assert_int_equal(rpc_error_field(&err, "a", "first"), 0);
	assert_int_equal(err.code, RPC_INVALID_PARAMS);
	assert_string_equal(err.message, "invalid params: 1 error");
	rpc_error_set(&err, RPC_INVALID_PARAMS, "invalid config: %d errors", 2);
	assert_int_equal(rpc_error_append(&err, 9, "b", "second %d", 2), 0);
	assert_string_equal(err.message, "invalid config: 2 errors");
	assert_int_equal(json_array_size(json_object_get(err.data, "errors")), 2);
	rpc_error_clear(&err);
	assert_int_equal(err.code, 0);
	assert_null(err.data);
	/* A message cut inside a UTF-8 sequence must still make a valid response. */
	{
		char long_name[400];
		json_t *response;

		memset(long_name, 'a', sizeof(long_name));
		memcpy(long_name + 250, "\xc3\xa9\xc3\xa9", 4);
		long_name[sizeof(long_name) - 1] = '\0';
		rpc_error_set(&err, RPC_SERVER_ERROR, "x%s", long_name);
		response = rpc_error_response(NULL, err.code, err.message, NULL);
		assert_non_null(response);
		json_decref(response);
	}
}

/* A server polled by a thread until stop is set. */
struct test_server {
	struct rpc_server *srv;   /* the server */
	pthread_t thread;         /* thread calling rpc_server_poll() */
	atomic_bool stop;         /* asks the thread to return */
	struct test_context test; /* what the handlers saw */
	char dir[64];             /* temporary directory */
	char path[128];           /* socket path inside dir */
};

static void *
serve(void *arg)
{
	struct test_server *server = arg;

	while (!atomic_load(&server->stop))
		rpc_server_poll(server->srv, 20);
	return NULL;
}

/* Creates a server on a socket in a new directory two levels below a fresh temporary one. */
static int
setup_server(void **state)
{
	struct test_server *server = calloc(1, sizeof(*server));

	if (server == NULL)
		return -1;
	snprintf(server->dir, sizeof(server->dir), "/tmp/test_rpc.XXXXXX");
	if (mkdtemp(server->dir) == NULL)
		return -1;
	snprintf(server->path, sizeof(server->path), "%s/run/dse/dsed.sock", server->dir);
	server->srv =
	    rpc_server_create(server->path, test_methods, TEST_METHOD_COUNT, &server->test);
	if (server->srv == NULL)
		return -1;
	if (pthread_create(&server->thread, NULL, serve, server) != 0)
		return -1;
	*state = server;
	return 0;
}

static int
teardown_server(void **state)
{
	struct test_server *server = *state;
	char command[200];

	atomic_store(&server->stop, true);
	pthread_join(server->thread, NULL);
	rpc_server_destroy(server->srv);
	snprintf(command, sizeof(command), "rm -rf '%s'", server->dir);
	if (system(command) != 0)
		return -1;
	free(server);
	return 0;
}

/* Connects a plain blocking socket with a receive timeout, for raw framing tests. */
static int
raw_connect(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timeval timeout = {.tv_sec = 10};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	return fd;
}

static void
raw_send(int fd, const char *text, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t sent = send(fd, text + done, len - done, MSG_NOSIGNAL);

		assert_true(sent > 0);
		done += sent;
	}
}

/*
 * Reads until lines '\n' were received, EOF or the timeout; returns the bytes read (NUL-
 * terminated in buf) and sets *eof if the server closed the connection.
 */
static size_t
raw_receive(int fd, char *buf, size_t cap, int lines, bool *eof)
{
	size_t len = 0;
	int seen = 0;

	*eof = false;
	while (seen < lines && len + 1 < cap) {
		ssize_t got = recv(fd, buf + len, cap - 1 - len, 0);

		if (got <= 0) {
			*eof = got == 0;
			break;
		}
		for (ssize_t i = 0; i < got; i++)
			seen += buf[len + i] == '\n';
		len += got;
	}
	buf[len] = '\0';
	return len;
}

/* Parses the index-th line of text as JSON. */
static json_t *
line_json(const char *text, int index)
{
	const char *start = text;

	for (int i = 0; i < index; i++) {
		start = strchr(start, '\n');
		assert_non_null(start);
		start++;
	}
	return json_loadb(start, strcspn(start, "\n"), 0, NULL);
}

static void
test_server_socket_file(void **state)
{
	struct test_server *server = *state;
	struct rpc_server *second;
	struct stat st;

	assert_int_equal(stat(server->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	/* A live server's socket is not taken over. */
	second = rpc_server_create(server->path, test_methods, TEST_METHOD_COUNT, NULL);
	assert_null(second);
	assert_int_equal(errno, EADDRINUSE);
	assert_int_equal(stat(server->path, &st), 0);
}

static void
test_server_stale_socket(void **state)
{
	struct test_server *server = *state;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct rpc_server *srv;
	char path[160], file[160];
	struct stat st;
	int fd;
	FILE *regular;

	/* A socket file nobody listens on, as a crashed engine leaves behind. */
	snprintf(path, sizeof(path), "%s/stale.sock", server->dir);
	assert_true(strlen(path) < sizeof(addr.sun_path));
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	srv = rpc_server_create(path, test_methods, TEST_METHOD_COUNT, &server->test);
	assert_non_null(srv);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	/* Connecting to the dead socket was refused; now someone listens. */
	fd = raw_connect(path);
	close(fd);
	rpc_server_destroy(srv);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(errno, ENOENT);

	/* Something that is not a socket is never removed. */
	snprintf(file, sizeof(file), "%s/file.sock", server->dir);
	regular = fopen(file, "w");
	assert_non_null(regular);
	fclose(regular);
	srv = rpc_server_create(file, test_methods, TEST_METHOD_COUNT, NULL);
	assert_null(srv);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(access(file, F_OK), 0);

	/* Connecting where nothing listens fails at connect. */
	assert_null(rpc_client_connect(path, 1000));
	assert_int_equal(errno, ENOENT);
}

static void
test_client_timeout(void **state)
{
	struct test_server *server = *state;
	struct rpc_server *srv;
	struct rpc_client *client;
	json_t *error = NULL;
	char path[160];

	snprintf(path, sizeof(path), "%s/unpolled.sock", server->dir);
	srv = rpc_server_create(path, test_methods, TEST_METHOD_COUNT, NULL);
	assert_non_null(srv);
	client = rpc_client_connect(path, 200);
	assert_non_null(client);
	assert_null(rpc_client_call(client, "echo", NULL, &error));
	assert_int_equal(errno, ETIMEDOUT);
	assert_null(error);
	rpc_client_close(client);
	rpc_server_destroy(srv);
}

static void
test_client_round_trip(void **state)
{
	struct test_server *server = *state;
	struct rpc_client *client = rpc_client_connect(server->path, 5000);
	json_t *params = json_pack("{s:s, s:i}", "name", "vm1", "mtu", 9000);
	json_t *result, *error = NULL;

	assert_non_null(client);
	result = rpc_client_call(client, "echo", params, &error);
	assert_non_null(result);
	assert_null(error);
	assert_true(json_equal(result, params));
	json_decref(result);

	result = rpc_client_call(client, "check", NULL, &error);
	assert_null(result);
	assert_non_null(error);
	assert_int_equal(json_integer_value(json_object_get(error, "code")), RPC_INVALID_PARAMS);
	assert_int_equal(json_array_size(json_object_get(json_object_get(error, "data"), "errors")),
	                 2);
	json_decref(error);

	result = rpc_client_call(client, "no.such.method", NULL, &error);
	assert_null(result);
	assert_int_equal(json_integer_value(json_object_get(error, "code")), RPC_METHOD_NOT_FOUND);
	json_decref(error);

	/* The same connection keeps working after errors. */
	result = rpc_client_call(client, "echo", NULL, &error);
	assert_true(json_is_object(result));
	assert_int_equal(json_object_size(result), 0);
	json_decref(result);
	rpc_client_close(client);
	json_decref(params);
	assert_int_equal(atomic_load(&server->test.calls), 3);
}

static void
test_split_and_batched_writes(void **state)
{
	struct test_server *server = *state;
	const char *request =
	    "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"echo\",\"params\":[1]}\n";
	const char *two = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":[1]}\n"
	                  "{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}\n"
	                  "\n"
	                  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"echo\",\"params\":[2,2]}\n";
	char buf[4096];
	json_t *response;
	bool eof;
	int fd = raw_connect(server->path);

	/* One request in two writes, with time between them for the server to see the half. */
	raw_send(fd, request, 20);
	usleep(100000);
	raw_send(fd, request + 20, strlen(request) - 20);
	raw_receive(fd, buf, sizeof(buf), 1, &eof);
	response = line_json(buf, 0);
	assert_non_null(response);
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 11);
	assert_int_equal(json_array_size(json_object_get(response, "result")), 1);
	json_decref(response);
	assert_int_equal(strchr(buf, '\n') - buf + 1, (long)strlen(buf));

	/* Two requests and a notification in one write: two answers, in order. */
	raw_send(fd, two, strlen(two));
	raw_receive(fd, buf, sizeof(buf), 2, &eof);
	response = line_json(buf, 0);
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 1);
	json_decref(response);
	response = line_json(buf, 1);
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 2);
	assert_int_equal(json_array_size(json_object_get(response, "result")), 2);
	json_decref(response);

	/* A last request without '\n' is still answered when the client shuts down writing. */
	raw_send(fd, request, strlen(request) - 1);
	shutdown(fd, SHUT_WR);
	raw_receive(fd, buf, sizeof(buf), 2, &eof);
	assert_true(eof);
	response = line_json(buf, 0);
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 11);
	json_decref(response);
	close(fd);
	assert_int_equal(atomic_load(&server->test.calls), 5);
}

/* Builds an echo request line of exactly size bytes plus '\n'. */
static char *
padded_request(size_t size)
{
	static const char head[] =
	    "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"echo\",\"params\":[\"";
	static const char tail[] = "\"]}";
	char *text = malloc(size + 1);

	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'x', size - (sizeof(head) - 1) - (sizeof(tail) - 1));
	memcpy(text + size - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	text[size] = '\n';
	return text;
}

static void
test_size_bound(void **state)
{
	struct test_server *server = *state;
	static char buf[RPC_MAX_REQUEST_SIZE + 4096];
	char *text;
	json_t *response;
	size_t len;
	bool eof;
	int fd = raw_connect(server->path);

	/* Exactly 4 MiB is allowed. */
	text = padded_request(RPC_MAX_REQUEST_SIZE);
	raw_send(fd, text, RPC_MAX_REQUEST_SIZE + 1);
	len = raw_receive(fd, buf, sizeof(buf), 1, &eof);
	assert_false(eof);
	response = json_loadb(buf, len - 1, 0, NULL);
	assert_non_null(response);
	assert_int_equal(json_integer_value(json_object_get(response, "id")), 9);
	assert_non_null(json_object_get(response, "result"));
	json_decref(response);

	/* One byte more, not yet terminated: refused with -32600, then the connection closes. */
	text[RPC_MAX_REQUEST_SIZE] = 'x';
	raw_send(fd, text, RPC_MAX_REQUEST_SIZE + 1);
	len = raw_receive(fd, buf, sizeof(buf), 2, &eof);
	assert_true(eof);
	response = line_json(buf, 0);
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	assert_int_equal(strchr(buf, '\n') - buf + 1, (long)len);
	close(fd);

	/* Over the bound but terminated within one read: refused and closed the same way. */
	fd = raw_connect(server->path);
	free(text);
	text = padded_request(RPC_MAX_REQUEST_SIZE + 10);
	raw_send(fd, text, RPC_MAX_REQUEST_SIZE + 11);
	len = raw_receive(fd, buf, sizeof(buf), 2, &eof);
	assert_true(eof);
	response = line_json(buf, 0);
	assert_error(response, RPC_INVALID_REQUEST, NULL);
	json_decref(response);
	close(fd);
	free(text);
	assert_int_equal(atomic_load(&server->test.calls), 1);
}

static void
test_client_limit(void **state)
{
	struct test_server *server = *state;
	int fds[RPC_SERVER_MAX_CLIENTS + 1];
	const char *request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}\n";
	char buf[512];
	bool eof;

	for (int i = 0; i <= RPC_SERVER_MAX_CLIENTS; i++) {
		fds[i] = raw_connect(server->path);
		/* Let the server accept in order, so the last one is the one over the limit. */
		usleep(2000);
	}
	raw_send(fds[0], request, strlen(request));
	raw_receive(fds[0], buf, sizeof(buf), 1, &eof);
	assert_false(eof);
	assert_non_null(strstr(buf, "\"result\""));
	/* The extra client is closed without an answer. */
	assert_int_equal(raw_receive(fds[RPC_SERVER_MAX_CLIENTS], buf, sizeof(buf), 1, &eof), 0);
	assert_true(eof);
	raw_send(fds[RPC_SERVER_MAX_CLIENTS - 1], request, strlen(request));
	raw_receive(fds[RPC_SERVER_MAX_CLIENTS - 1], buf, sizeof(buf), 1, &eof);
	assert_non_null(strstr(buf, "\"result\""));
	for (int i = 0; i <= RPC_SERVER_MAX_CLIENTS; i++)
		close(fds[i]);
	/* Closed clients free their slots (once the server thread has seen them go, 2 s at most):
	 * a new client is served. */
	for (int tries = 0; tries < 200 && rpc_server_client_count(server->srv) != 0; tries++)
		usleep(10000);
	assert_int_equal(rpc_server_client_count(server->srv), 0);
	fds[0] = raw_connect(server->path);
	raw_send(fds[0], request, strlen(request));
	raw_receive(fds[0], buf, sizeof(buf), 1, &eof);
	assert_non_null(strstr(buf, "\"result\""));
	close(fds[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_error),
	    cmocka_unit_test(test_invalid_requests),
	    cmocka_unit_test(test_method_not_found),
	    cmocka_unit_test(test_notifications),
	    cmocka_unit_test(test_ids_echoed),
	    cmocka_unit_test(test_params_passed),
	    cmocka_unit_test(test_handler_field_errors),
	    cmocka_unit_test(test_error_helpers),
	    cmocka_unit_test_setup_teardown(test_server_socket_file, setup_server, teardown_server),
	    cmocka_unit_test_setup_teardown(test_server_stale_socket, setup_server,
	                                    teardown_server),
	    cmocka_unit_test_setup_teardown(test_client_timeout, setup_server, teardown_server),
	    cmocka_unit_test_setup_teardown(test_client_round_trip, setup_server, teardown_server),
	    cmocka_unit_test_setup_teardown(test_split_and_batched_writes, setup_server,
	                                    teardown_server),
	    cmocka_unit_test_setup_teardown(test_size_bound, setup_server, teardown_server),
	    cmocka_unit_test_setup_teardown(test_client_limit, setup_server, teardown_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
