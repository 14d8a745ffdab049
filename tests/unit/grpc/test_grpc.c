/* Unit tests for src/grpc: status mapping, and the client against a fake nghttp2 server
 * (h2_server.h): unary echo, large and empty messages, trailers-only errors, HTTP errors,
 * deadlines, server streams and their cancellation, reconnection, concurrent callers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "grpc/grpc.h"
#include "unit/grpc/h2_server.h"

/* ---- pure ----------------------------------------------------------------- */

static void test_status_to_err(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(
        cube_grpc_status_to_err(CUBE_GRPC_NOT_FOUND, "container \"x\" not found", &err), -1);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.msg, "rpc error: code = NotFound desc = container \"x\" not found");
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_NOT_FOUND);

    const struct {
        int status, code;
        const char *reason;
    } cases[] = {
        {CUBE_GRPC_DEADLINE_EXCEEDED, 504, "Timeout"},
        {CUBE_GRPC_UNAVAILABLE, 503, "ServiceUnavailable"},
        {CUBE_GRPC_UNIMPLEMENTED, 405, "MethodNotAllowed"},
        {CUBE_GRPC_ALREADY_EXISTS, 409, "AlreadyExists"},
        {CUBE_GRPC_INVALID_ARGUMENT, 400, "BadRequest"},
        {CUBE_GRPC_UNKNOWN, 500, "InternalError"},
        {CUBE_GRPC_DATA_LOSS, 500, "InternalError"},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(cases); i++) {
        cube_err_clear(&err);
        cube_grpc_status_to_err(cases[i].status, "m", &err);
        assert_int_equal(err.code, cases[i].code);
        assert_string_equal(err.reason, cases[i].reason);
        /* recovered even after context was prepended */
        cube_err_prefix(&err, "RunPodSandbox");
        assert_int_equal(cube_grpc_err_status(&err), cases[i].status);
    }
    cube_err_clear(&err);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_OK);
    cube_err_internal(&err, "not from grpc");
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_UNKNOWN);
    assert_string_equal(cube_grpc_status_name(99), "Unknown");
}

static void test_status_from_http(void **state)
{
    assert_int_equal(cube_grpc_status_from_http(404), CUBE_GRPC_UNIMPLEMENTED);
    assert_int_equal(cube_grpc_status_from_http(503), CUBE_GRPC_UNAVAILABLE);
    assert_int_equal(cube_grpc_status_from_http(401), CUBE_GRPC_UNAUTHENTICATED);
    assert_int_equal(cube_grpc_status_from_http(400), CUBE_GRPC_INTERNAL);
    assert_int_equal(cube_grpc_status_from_http(500), CUBE_GRPC_UNKNOWN);
}

static void test_message_decode(void **state)
{
    const char *in = "no such%20file%3A%20%C3%A9%zz%4";
    _cleanup_free_ char *out = cube_grpc_message_decode(in, strlen(in));
    assert_string_equal(out, "no such file: \xc3\xa9%zz%4");
}

static void test_bad_target(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_grpc_conn_t *c = NULL;
    assert_int_equal(cube_grpc_conn_new("tcp://127.0.0.1:1", &c, &err), -1);
    assert_string_equal(err.reason, "BadRequest");
    assert_null(c);
    assert_int_equal(cube_grpc_conn_new("unix:relative.sock", &c, &err), -1);
    assert_int_equal(cube_grpc_conn_new("localhost:80", &c, &err), -1);
    assert_int_equal(cube_grpc_conn_new("10.0.0.1:0", &c, &err), -1);
    /* TCP to numeric addresses (the kubelet's gRPC probes) */
    const char *ok[] = {"10.0.0.1:9000", "ipv4:10.0.0.1:9000", "[fd00::1]:9000"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ok); i++) {
        cube_err_clear(&err);
        assert_int_equal(cube_grpc_conn_new(ok[i], &c, &err), 0);
        cube_grpc_conn_free(c);
        c = NULL;
    }
}

/* ---- against the fake server -------------------------------------------------- */

static void handler(const char *path, const uint8_t *msg, size_t len, h2_reply_t *r, void *ud)
{
    const char *m = strrchr(path, '/');
    m = m ? m + 1 : path;
    if (!strcmp(m, "Echo")) {
        h2_reply_msg(r, msg, len);
    } else if (!strcmp(m, "NotFound")) {
        r->grpc_status = 5;
        r->grpc_message = "container%20%22abc%22%20not%20found";
    } else if (!strcmp(m, "Silent")) {
        r->mode = H2_SILENT;
    } else if (!strcmp(m, "Http404")) {
        r->mode = H2_HTTP_ERROR;
        r->http_status = 404;
    } else if (!strcmp(m, "Drop")) {
        r->mode = H2_DROP;
    } else if (!strcmp(m, "None")) {
        /* OK with no message */
    } else if (!strcmp(m, "Two")) {
        h2_reply_msg(r, "a", 1);
        h2_reply_msg(r, "b", 1);
    } else if (!strcmp(m, "Stream")) {
        h2_reply_msg(r, "one", 3);
        h2_reply_msg(r, "two", 3);
        h2_reply_msg(r, "", 0);
        h2_reply_msg(r, "three", 5);
    } else if (!strcmp(m, "Open")) {
        r->mode = H2_OPEN;
        for (int i = 0; i < 5; i++)
            h2_reply_msg(r, "tick", 4);
    } else {
        r->grpc_status = 12;
        r->grpc_message = "unknown method";
    }
}

typedef struct fixture {
    h2_server_t *srv;
    cube_grpc_conn_t *conn;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    f->srv = h2_server_start(handler, NULL);
    cube_err_t err = CUBE_ERR_INIT;
    _cleanup_free_ char *target = xasprintf("unix://%s", f->srv->path);
    if (cube_grpc_conn_new(target, &f->conn, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cube_grpc_conn_free(f->conn);
    h2_server_stop(f->srv);
    free(f);
    return 0;
}

static void test_unary_echo(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "hello", 5, 5000, &resp, &err), 0);
    assert_int_equal(resp.len, 5);
    assert_memory_equal(resp.data, "hello", 5);

    /* an empty message is a message */
    cube_buf_clear(&resp);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "", 0, 5000, &resp, &err), 0);
    assert_int_equal(resp.len, 0);

    /* 3 MiB each way: many DATA frames, flow control windows */
    size_t big = 3u << 20;
    _cleanup_free_ char *data = xmalloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)(i * 7 + i / 4099);
    cube_buf_clear(&resp);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", data, big, 10000, &resp, &err), 0);
    assert_int_equal(resp.len, big);
    assert_memory_equal(resp.data, data, big);
    assert_int_equal(atomic_load(&f->srv->connections), 1); /* one connection for all */
}

static void test_unary_status_errors(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/NotFound", "x", 1, 5000, &resp, &err), -1);
    assert_int_equal(err.code, 404);
    assert_string_equal(err.msg, "rpc error: code = NotFound desc = container \"abc\" not found");
    assert_int_equal(resp.len, 0); /* untouched on failure */

    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Nope", "x", 1, 5000, &resp, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_UNIMPLEMENTED);

    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Http404", "x", 1, 5000, &resp, &err), -1);
    assert_string_equal(err.msg, "rpc error: code = Unimplemented desc = unexpected HTTP status "
                                 "code received from server: 404");

    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/None", "x", 1, 5000, &resp, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_INTERNAL);

    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Two", "x", 1, 5000, &resp, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_INTERNAL);

    /* the connection is still good */
    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "ok", 2, 5000, &resp, &err), 0);
    assert_memory_equal(resp.data, "ok", 2);
}

static void test_deadline(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    uint64_t t0 = cube_time_mono_ns();
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Silent", "x", 1, 200, &resp, &err), -1);
    uint64_t ms = (cube_time_mono_ns() - t0) / 1000000;
    assert_true(ms >= 190 && ms < 2000);
    assert_int_equal(err.code, 504);
    assert_string_equal(err.msg, "rpc error: code = DeadlineExceeded desc = context deadline "
                                 "exceeded");
    /* the stream was reset, and the connection serves the next call */
    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "y", 1, 5000, &resp, &err), 0);
    assert_int_equal(atomic_load(&f->srv->resets), 1);
}

typedef struct collected {
    char all[256];
    int n;
    int stop_after;
} collected_t;

static int collect(const void *msg, size_t len, void *ud)
{
    collected_t *c = ud;
    c->n++;
    strncat(c->all, msg, len);
    strcat(c->all, "|");
    return c->stop_after && c->n >= c->stop_after ? -1 : 0;
}

static void test_server_stream(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    collected_t c = {0};
    assert_int_equal(
        cube_grpc_server_stream(f->conn, "/t.S/Stream", "", 0, 5000, collect, &c, &err), 0);
    assert_int_equal(c.n, 4);
    assert_string_equal(c.all, "one|two||three|");

    /* cancelled by the callback: returns 0, the server sees RST_STREAM */
    collected_t d = {.stop_after = 2};
    assert_int_equal(cube_grpc_server_stream(f->conn, "/t.S/Open", "", 0, 5000, collect, &d, &err),
                     0);
    assert_int_equal(d.n, 2);
    for (int i = 0; i < 100 && atomic_load(&f->srv->resets) < 1; i++)
        usleep(10000);
    assert_int_equal(atomic_load(&f->srv->resets), 1);

    /* a stream that never ends runs into its deadline */
    collected_t e = {0};
    assert_int_equal(cube_grpc_server_stream(f->conn, "/t.S/Open", "", 0, 300, collect, &e, &err),
                     -1);
    assert_int_equal(e.n, 5);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_DEADLINE_EXCEEDED);
}

static void test_reconnect(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Drop", "x", 1, 5000, &resp, &err), -1);
    assert_int_equal(err.code, 503);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_UNAVAILABLE);
    cube_err_clear(&err);
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "back", 4, 5000, &resp, &err), 0);
    assert_memory_equal(resp.data, "back", 4);
    assert_int_equal(atomic_load(&f->srv->connections), 2);
}

static void test_unavailable(void **state)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_grpc_conn_t *c;
    assert_int_equal(cube_grpc_conn_new("/nonexistent/cube.sock", &c, &err), 0);
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(c, "/t.S/Echo", "x", 1, 1000, &resp, &err), -1);
    assert_string_equal(err.msg, "rpc error: code = Unavailable desc = connection error: dial unix "
                                 "/nonexistent/cube.sock: connect: No such file or directory");
    cube_grpc_conn_free(c);
}

typedef struct worker {
    cube_grpc_conn_t *conn;
    int id;
    int ok;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < 50; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof(msg), "worker %d call %d", w->id, i);
        cube_err_t err = CUBE_ERR_INIT;
        cube_buf_t resp = CUBE_BUF_INIT;
        if (cube_grpc_unary(w->conn, "/t.S/Echo", msg, (size_t)n, 5000, &resp, &err) == 0 &&
            resp.len == (size_t)n && !memcmp(resp.data, msg, (size_t)n))
            w->ok++;
        cube_buf_clear(&resp);
        cube_err_clear(&err);
    }
    return NULL;
}

static void test_concurrent_callers(void **state)
{
    fixture_t *f = *state;
    pthread_t t[8];
    worker_t w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker_t){.conn = f->conn, .id = i};
        pthread_create(&t[i], NULL, worker_main, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].ok, 50);
    }
    assert_int_equal(atomic_load(&f->srv->connections), 1);
    assert_int_equal(atomic_load(&f->srv->calls), 400);
}

typedef struct blocked {
    cube_grpc_conn_t *conn;
    int rc;
    int status;
} blocked_t;

static void *blocked_main(void *arg)
{
    blocked_t *b = arg;
    cube_err_t err = CUBE_ERR_INIT;
    cube_buf_t resp = CUBE_BUF_INIT;
    b->rc = cube_grpc_unary(b->conn, "/t.S/Silent", "x", 1, 0, &resp, &err);
    b->status = cube_grpc_err_status(&err);
    cube_buf_clear(&resp);
    cube_err_clear(&err);
    return NULL;
}

static void test_shutdown_ends_blocked_calls(void **state)
{
    fixture_t *f = *state;
    blocked_t b = {.conn = f->conn};
    pthread_t t;
    pthread_create(&t, NULL, blocked_main, &b);
    for (int i = 0; i < 200 && atomic_load(&f->srv->calls) < 1; i++)
        usleep(5000);
    cube_grpc_conn_shutdown(f->conn);
    pthread_join(t, NULL);
    assert_int_equal(b.rc, -1);
    assert_int_equal(b.status, CUBE_GRPC_CANCELLED);
    /* later calls fail at once */
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_buf_t resp _cleanup_buf_ = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(f->conn, "/t.S/Echo", "x", 1, 1000, &resp, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_CANCELLED);
}

/* The same calls over TCP to a numeric address (the kubelet's gRPC probes). */
static void test_tcp_unary(void **state)
{
    (void)state;
    h2_server_t *srv = h2_server_start_tcp(handler, NULL);
    _cleanup_free_ char *target = xasprintf("127.0.0.1:%d", srv->port);
    cube_grpc_conn_t *c = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_grpc_conn_new(target, &c, &err), 0);
    cube_buf_t out = CUBE_BUF_INIT;
    assert_int_equal(cube_grpc_unary(c, "/t.S/Echo", "hello", 5, 2000, &out, &err), 0);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data, "hello", 5);
    cube_buf_clear(&out);
    assert_int_equal(cube_grpc_unary(c, "/t.S/NotFound", "x", 1, 2000, &out, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_NOT_FOUND);
    cube_buf_clear(&out);
    cube_grpc_conn_free(c);
    h2_server_stop(srv);
    /* nobody listening: Unavailable with Go's wording */
    cube_err_clear(&err);
    const char *closed = "127.0.0.1:1";
    assert_int_equal(cube_grpc_conn_new(closed, &c, &err), 0);
    assert_int_equal(cube_grpc_unary(c, "/t.S/Echo", "x", 1, 2000, &out, &err), -1);
    assert_int_equal(cube_grpc_err_status(&err), CUBE_GRPC_UNAVAILABLE);
    assert_non_null(strstr(err.msg, "dial tcp 127.0.0.1:1: connect: Connection refused"));
    cube_buf_clear(&out);
    cube_grpc_conn_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_to_err),
        cmocka_unit_test(test_status_from_http),
        cmocka_unit_test(test_message_decode),
        cmocka_unit_test(test_bad_target),
        cmocka_unit_test(test_tcp_unary),
        cmocka_unit_test(test_unavailable),
        cmocka_unit_test_setup_teardown(test_unary_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unary_status_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_callers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_ends_blocked_calls, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
