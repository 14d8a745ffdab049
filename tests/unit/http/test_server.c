/*
 * Unit tests for src/http: a real server on 127.0.0.1 (port 0) in-process,
 * driven by libcurl and by raw sockets where curl would hide the wire
 * (pipelining, HTTP/1.0, malformed requests, slow readers, many streams).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

/* ---- fixture ------------------------------------------------------------ */

typedef struct fixture {
    cube_http_server_t *srv;
    int port;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int closes; /* on_close calls */
    int too_large_seen; /* handler saw body_too_large */
    cube_http_stream_t *held; /* a stream the test drives itself */
    cube_http_stream_t *many[512];
    int nmany;
    int late_started; /* /late requests handed to a worker */
    int late_answered; /* /late answers made (maybe after the client left) */
    char tmp[64]; /* TLS material */
} fixture_t;

static void wait_until(fixture_t *f, int *counter, int want)
{
    pthread_mutex_lock(&f->mu);
    for (int i = 0; i < 500 && *counter < want; i++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&f->cv, &f->mu, &ts);
    }
    pthread_mutex_unlock(&f->mu);
}

static void bump(fixture_t *f, int *counter)
{
    pthread_mutex_lock(&f->mu);
    (*counter)++;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static int get_counter(fixture_t *f, int *counter)
{
    pthread_mutex_lock(&f->mu);
    int v = *counter;
    pthread_mutex_unlock(&f->mu);
    return v;
}

static void on_close(cube_http_stream_t *st, void *ud)
{
    fixture_t *f = ud;
    bump(f, &f->closes);
}

typedef struct job {
    fixture_t *f;
    cube_http_req_t *req;
    cube_http_stream_t *st;
    int n;
} job_t;

static void *async_answer(void *arg)
{
    job_t *j = arg;
    usleep(20000);
    char *msg = xasprintf("async %s", cube_http_req_path(j->req));
    cube_http_respond(j->req, 200, "text/plain", NULL, cube_bytes_new(msg, strlen(msg)));
    free(msg);
    free(j);
    return NULL;
}

static void *stream_writer(void *arg)
{
    job_t *j = arg;
    for (int i = 0; i < j->n; i++) {
        char line[32];
        int len = snprintf(line, sizeof(line), "event %d\n", i);
        assert_int_equal(cube_http_stream_write(j->st, cube_bytes_new(line, (size_t)len)), 0);
    }
    cube_http_stream_end(j->st);
    free(j);
    return NULL;
}

/* Waits until the client is gone (the request's connection closed), then answers. */
static void *late_answer(void *arg)
{
    job_t *j = arg;
    usleep(200000);
    cube_http_respond(j->req, 200, "text/plain", NULL, cube_bytes_new("late", 4));
    bump(j->f, &j->f->late_answered);
    free(j);
    return NULL;
}

static void spawn(void *(*fn)(void *), job_t *j)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fn, j), 0);
    pthread_detach(t);
}

static void handler(cube_http_req_t *req, void *ud)
{
    fixture_t *f = ud;
    const char *path = cube_http_req_path(req);
    if (cube_http_req_body_too_large(req)) {
        bump(f, &f->too_large_seen);
        cube_http_respond(req, 413, "text/plain", NULL, cube_bytes_new("too large", 9));
        return;
    }
    if (strcmp(path, "/async") == 0) {
        job_t *j = xcalloc(1, sizeof(*j));
        j->req = req;
        spawn(async_answer, j);
        return;
    }
    if (strcmp(path, "/late") == 0) {
        job_t *j = xcalloc(1, sizeof(*j));
        j->f = f;
        j->req = req;
        bump(f, &f->late_started);
        spawn(late_answer, j);
        return;
    }
    if (strcmp(path, "/stream") == 0) {
        char *n = cube_http_query_get(cube_http_req_query(req), "n");
        job_t *j = xcalloc(1, sizeof(*j));
        j->f = f;
        j->n = n ? atoi(n) : 0;
        free(n);
        static const char *const hdrs[] = {"X-Stream", "yes", NULL};
        j->st = cube_http_stream_start(req, 200, "application/json", hdrs, on_close, f);
        spawn(stream_writer, j);
        return;
    }
    if (strcmp(path, "/hold") == 0 || strcmp(path, "/many") == 0) {
        /* From a worker thread would do too; here the stream starts inline. */
        cube_http_stream_t *st = cube_http_stream_start(req, 200, "text/plain", NULL, on_close, f);
        assert_int_equal(cube_http_stream_write(st, cube_bytes_new("hello\n", 6)), 0);
        pthread_mutex_lock(&f->mu);
        if (path[1] == 'h')
            f->held = st;
        else
            f->many[f->nmany++] = st;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        return;
    }
    if (strcmp(path, "/peer") == 0) {
        cube_buf_t b = CUBE_BUF_INIT;
        const char *cn = cube_http_req_peer_cn(req);
        cube_buf_printf(&b, "cn=%s orgs=", cn ? cn : "(none)");
        const char *const *orgs;
        size_t n = cube_http_req_peer_orgs(req, &orgs);
        for (size_t i = 0; i < n; i++)
            cube_buf_printf(&b, "%s%s", i ? "," : "", orgs[i]);
        cube_http_respond(req, 200, "text/plain", NULL, cube_bytes_from_buf(&b));
        return;
    }
    /* Everything else: echo what was understood. */
    size_t blen;
    const char *body = cube_http_req_body(req, &blen);
    const char *xt = cube_http_req_header(req, "x-TEST");
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "%s %s ?%s x-test=%s len=%zu body=", cube_http_req_method(req), path,
                    cube_http_req_query(req), xt ? xt : "-", blen);
    cube_buf_append(&b, body, blen);
    static const char *const hdrs[] = {"X-Echo", "1", NULL};
    cube_http_respond(req, 200, "text/plain", hdrs, cube_bytes_from_buf(&b));
}

static int start_server(fixture_t *f, bool tls, bool client_ca, size_t max_backlog)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    char cert[128], key[128], ca[128];
    snprintf(cert, sizeof(cert), "%s/server.pem", f->tmp);
    snprintf(key, sizeof(key), "%s/server.key", f->tmp);
    snprintf(ca, sizeof(ca), "%s/ca.pem", f->tmp);
    cube_http_server_config_t cfg = {
        .address = "127.0.0.1",
        .port = 0,
        .tls = tls,
        .cert_file = cert,
        .key_file = key,
        .client_ca_file = client_ca ? ca : NULL,
        .threads = 2,
        .max_body = 1024,
        .max_stream_backlog = max_backlog,
        .handler = handler,
        .userdata = f,
    };
    int r = cube_http_server_start(&cfg, &f->srv, &err);
    if (r < 0)
        fprintf(stderr, "start: %s\n", err.msg);
    assert_int_equal(r, 0);
    f->port = cube_http_server_port(f->srv);
    assert_true(f->port > 0);
    return 0;
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return rc == 0 ? 0 : -1;
}

/* A throwaway CA, a server certificate for 127.0.0.1, a client certificate
 * (CN=alice, O=system:masters, O=team-b) and one from a foreign CA. */
static int make_pki(const char *d)
{
    char *cmd = xasprintf(
        "set -e; cd %s;"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
        " -subj /CN=test-ca -keyout ca.key -out ca.pem;"
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=server"
        " -keyout server.key -out server.csr;"
        "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext;"
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
        " -extfile san.ext -out server.pem;"
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        " -subj '/O=system:masters/O=team-b/CN=alice' -keyout client.key -out client.csr;"
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
        " -out client.pem;"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
        " -subj /CN=mallory -keyout rogue.key -out rogue.pem",
        d);
    char *full = xasprintf("(%s) >/dev/null 2>&1", cmd);
    int r = run(full);
    free(cmd);
    free(full);
    return r;
}

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    snprintf(f->tmp, sizeof(f->tmp), "/tmp/cube-http-test-XXXXXX");
    assert_non_null(mkdtemp(f->tmp));
    assert_int_equal(make_pki(f->tmp), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char *cmd = xasprintf("rm -rf %s", f->tmp);
    run(cmd);
    free(cmd);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
    return 0;
}

/* Each test gets a fresh server and fresh counters; TLS material is shared. */
static void reset(fixture_t *f)
{
    f->closes = f->too_large_seen = f->late_answered = f->late_started = 0;
    f->held = NULL;
    f->nmany = 0;
    f->srv = NULL;
}

/* ---- client helpers ----------------------------------------------------- */

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    cube_buf_append(ud, p, size * n);
    return size * n;
}

static CURL *client(cube_buf_t *out)
{
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    return c;
}

static long perform(CURL *c, const char *url)
{
    curl_easy_setopt(c, CURLOPT_URL, url);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        return -(long)rc;
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void raw_send(int fd, const char *s)
{
    assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Reads until the peer closes, `until` appears, or timeout_ms passes. Returns true on close. */
static bool raw_read(int fd, cube_buf_t *out, const char *until, int timeout_ms)
{
    uint64_t deadline = cube_time_mono_ns() + (uint64_t)timeout_ms * 1000000;
    for (;;) {
        if (until && out->data && strstr(out->data, until))
            return false;
        int64_t left = (int64_t)(deadline - cube_time_mono_ns()) / 1000000;
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return true;
        cube_buf_append(out, buf, (size_t)n);
    }
}

static void buf_reset(cube_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- helpers' tests ----------------------------------------------------- */

static void test_query_get(void **state)
{
    char *v =
        cube_http_query_get("a=1&labelSelector=app%3Dweb%2Ctier+in+(x)&flag&e=", "labelSelector");
    assert_string_equal(v, "app=web,tier in (x)");
    free(v);
    v = cube_http_query_get("a=1&flag&e=", "flag");
    assert_string_equal(v, "");
    free(v);
    v = cube_http_query_get("a=1&e=", "e");
    assert_string_equal(v, "");
    free(v);
    assert_null(cube_http_query_get("a=1", "b"));
    assert_null(cube_http_query_get("", "a"));
    v = cube_http_query_get("watch=true&watch=false", "watch");
    assert_string_equal(v, "true");
    free(v);
}

static void test_unescape(void **state)
{
    char *s = cube_http_unescape("/api/v1/namespaces/a%20b/pods+x", 31);
    assert_string_equal(s, "/api/v1/namespaces/a b/pods+x");
    free(s);
    assert_null(cube_http_unescape("%zz", 3));
    assert_null(cube_http_unescape("abc%2", 5));
    assert_null(cube_http_unescape("a%00b", 5));
    s = cube_http_unescape("%e2%9C%93", 9);
    assert_string_equal(s, "\xe2\x9c\x93");
    free(s);
}

static void test_status_text(void **state)
{
    assert_string_equal(cube_http_status_text(404), "Not Found");
    assert_string_equal(cube_http_status_text(422), "Unprocessable Entity");
    assert_string_equal(cube_http_status_text(101), "Switching Protocols");
    assert_string_equal(cube_http_status_text(799), "Unknown");
}

/* ---- server tests ------------------------------------------------------- */

static void test_get_keepalive(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = client(&out);
    struct curl_slist *h = curl_slist_append(NULL, "X-Test: hello");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    long first_port = 0;
    for (int i = 0; i < 5; i++) {
        char *url = xasprintf("http://127.0.0.1:%d/api/v1/name%%20spaces?i=%d", f->port, i);
        buf_reset(&out);
        assert_int_equal(perform(c, url), 200);
        char *want = xasprintf("GET /api/v1/name spaces ?i=%d x-test=hello len=0 body=", i);
        assert_string_equal(out.data, want);
        long port = 0, conns = -1;
        curl_easy_getinfo(c, CURLINFO_LOCAL_PORT, &port);
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
        if (i == 0)
            first_port = port;
        else
            assert_int_equal(conns, 0); /* reused */
        assert_int_equal(port, first_port);
        free(url);
        free(want);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_post_body(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = client(&out);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"kind\":\"Pod\"}");
    char *url = xasprintf("http://127.0.0.1:%d/x", f->port);
    assert_int_equal(perform(c, url), 200);
    assert_string_equal(out.data, "POST /x ? x-test=- len=14 body={\"kind\":\"Pod\"}");
    /* PUT through the same connection. */
    buf_reset(&out);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "abc");
    assert_int_equal(perform(c, url), 200);
    assert_string_equal(out.data, "PUT /x ? x-test=- len=3 body=abc");
    free(url);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

typedef struct upload {
    int left;
} upload_t;

static size_t upload_read(char *buf, size_t size, size_t n, void *ud)
{
    upload_t *u = ud;
    if (u->left == 0)
        return 0;
    u->left--;
    memcpy(buf, "0123456789", 10);
    return 10;
}

static void test_chunked_request_body(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = client(&out);
    upload_t u = {.left = 7};
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &u);
    char *url = xasprintf("http://127.0.0.1:%d/up", f->port);
    assert_int_equal(perform(c, url), 200);
    assert_true(strncmp(out.data, "POST /up ? x-test=- len=70 body=0123456789", 42) == 0);
    /* Over max_body (1024) in chunks: the handler sees too_large, answers 413. */
    buf_reset(&out);
    u.left = 500;
    assert_int_equal(perform(c, url), 413);
    assert_int_equal(get_counter(f, &f->too_large_seen), 1);
    free(url);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_body_too_large(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    /* Content-Length over the limit: answered before the body is sent. */
    int fd = raw_connect(f->port);
    raw_send(fd, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789");
    cube_buf_t out = CUBE_BUF_INIT;
    assert_true(raw_read(fd, &out, NULL, 5000)); /* closed after the answer */
    assert_true(strncmp(out.data, "HTTP/1.1 413 Request Entity Too Large\r\n", 39) == 0);
    assert_non_null(strstr(out.data, "Connection: close\r\n"));
    assert_non_null(strstr(out.data, "\r\n\r\ntoo large"));
    close(fd);
    assert_int_equal(get_counter(f, &f->too_large_seen), 1);
    /* Through curl, which sends Expect: 100-continue for big bodies. */
    char *big = xmalloc(200000);
    memset(big, 'a', 199999);
    big[199999] = 0;
    buf_reset(&out);
    CURL *c = client(&out);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, big);
    char *url = xasprintf("http://127.0.0.1:%d/big", f->port);
    assert_int_equal(perform(c, url), 413);
    assert_int_equal(get_counter(f, &f->too_large_seen), 2);
    /* Exactly at the limit is fine. */
    big[1024] = 0;
    buf_reset(&out);
    assert_int_equal(perform(c, url), 200);
    assert_non_null(strstr(out.data, "len=1024 "));
    free(url);
    free(big);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_respond_from_other_thread(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = client(&out);
    char *url = xasprintf("http://127.0.0.1:%d/async", f->port);
    for (int i = 0; i < 3; i++) {
        buf_reset(&out);
        assert_int_equal(perform(c, url), 200);
        assert_string_equal(out.data, "async /async");
    }
    free(url);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_answer_after_client_left(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    int fd = raw_connect(f->port);
    raw_send(fd, "GET /late HTTP/1.1\r\nHost: x\r\n\r\n");
    usleep(50000);
    close(fd);
    wait_until(f, &f->late_answered, 1);
    assert_int_equal(get_counter(f, &f->late_answered), 1);
    cube_http_server_stop(f->srv); /* ASan: the request was freed */
}

static void test_pipelining_in_order(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    int fd = raw_connect(f->port);
    /* The async one is answered last by its worker, yet must come out first. */
    raw_send(fd, "GET /async HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                 "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    cube_buf_t out = CUBE_BUF_INIT;
    assert_true(raw_read(fd, &out, NULL, 5000));
    const char *a = strstr(out.data, "async /async");
    const char *b = strstr(out.data, "GET /one ");
    const char *c = strstr(out.data, "POST /two ? x-test=- len=3 body=abc");
    const char *d = strstr(out.data, "GET /three ");
    assert_true(a && b && c && d && a < b && b < c && c < d);
    assert_int_equal(count(out.data, "HTTP/1.1 200 OK\r\n"), 4);
    assert_int_equal(count(out.data, "Connection: close\r\n"), 1);
    close(fd);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_http10_and_bad_requests(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    /* HTTP/1.0 without keep-alive: answered, then closed. */
    int fd = raw_connect(f->port);
    raw_send(fd, "GET /old HTTP/1.0\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_true(strncmp(out.data, "HTTP/1.1 200 OK\r\n", 17) == 0);
    assert_non_null(strstr(out.data, "Content-Length: 31\r\n"));
    assert_non_null(strstr(out.data, "GET /old ? x-test=- len=0 body="));
    close(fd);
    /* HTTP/1.0 with keep-alive: stays open. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_false(raw_read(fd, &out, "body=", 5000));
    assert_non_null(strstr(out.data, "Connection: keep-alive\r\n"));
    raw_send(fd, "GET /b HTTP/1.0\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_non_null(strstr(out.data, "GET /b "));
    close(fd);
    /* Garbage: a plain 400 and the connection closed. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_true(strncmp(out.data, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
    close(fd);
    /* A bad escape in the path is a 400 too. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_true(strncmp(out.data, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
    close(fd);
    /* Content-Length and chunked together (smuggling): 400. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_true(strncmp(out.data, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
    close(fd);
    /* Headers over 1 MiB: 431, closed. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "GET / HTTP/1.1\r\nHost: x\r\n");
    char *line = xmalloc(8200);
    memset(line, 'v', 8192);
    memcpy(line, "X-Pad: ", 7);
    strcpy(line + 8192, "\r\n");
    bool closed = false;
    for (int i = 0; i < 200 && !closed; i++) {
        if (send(fd, line, strlen(line), MSG_NOSIGNAL) < 0)
            closed = true;
    }
    free(line);
    raw_read(fd, &out, NULL, 5000);
    assert_non_null(out.data);
    assert_true(strncmp(out.data, "HTTP/1.1 431 ", 13) == 0);
    close(fd);
    /* HEAD: the head only, with the body's length. */
    buf_reset(&out);
    fd = raw_connect(f->port);
    raw_send(fd, "HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_true(raw_read(fd, &out, NULL, 5000));
    assert_non_null(strstr(out.data, "Content-Length: 30\r\n"));
    assert_true(out.len > 4 && strcmp(out.data + out.len - 4, "\r\n\r\n") == 0);
    close(fd);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_stream_100_chunks(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = client(&out);
    char *url = xasprintf("http://127.0.0.1:%d/stream?n=100", f->port);
    assert_int_equal(perform(c, url), 200);
    cube_buf_t want = CUBE_BUF_INIT;
    for (int i = 0; i < 100; i++)
        cube_buf_printf(&want, "event %d\n", i);
    assert_string_equal(out.data, want.data);
    /* The connection survives the stream: a plain request on it reuses it. */
    buf_reset(&out);
    free(url);
    url = xasprintf("http://127.0.0.1:%d/after", f->port);
    assert_int_equal(perform(c, url), 200);
    long conns = -1;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
    assert_int_equal(conns, 0);
    assert_int_equal(get_counter(f, &f->closes), 0); /* ended by the owner: no on_close */
    /* On the wire: chunked, with our header. */
    int fd = raw_connect(f->port);
    raw_send(fd, "GET /stream?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    cube_buf_t raw = CUBE_BUF_INIT;
    assert_false(raw_read(fd, &raw, "0\r\n\r\n", 5000));
    assert_non_null(strstr(raw.data, "Transfer-Encoding: chunked\r\n"));
    assert_non_null(strstr(raw.data, "X-Stream: yes\r\n"));
    assert_non_null(strstr(raw.data, "\r\n8\r\nevent 0\n\r\n8\r\nevent 1\n\r\n0\r\n\r\n"));
    close(fd);
    cube_buf_clear(&raw);
    free(url);
    cube_buf_clear(&want);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_stream_client_disconnect(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    int fd = raw_connect(f->port);
    raw_send(fd, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
    cube_buf_t out = CUBE_BUF_INIT;
    assert_false(raw_read(fd, &out, "hello\n\r\n", 5000));
    pthread_mutex_lock(&f->mu);
    cube_http_stream_t *st = f->held;
    pthread_mutex_unlock(&f->mu);
    assert_non_null(st);
    assert_false(cube_http_stream_closed(st));
    assert_int_equal(cube_http_stream_write(st, cube_bytes_new("more\n", 5)), 0);
    assert_false(raw_read(fd, &out, "more\n\r\n", 5000));
    close(fd);
    wait_until(f, &f->closes, 1);
    assert_int_equal(get_counter(f, &f->closes), 1);
    assert_true(cube_http_stream_closed(st));
    assert_int_equal(cube_http_stream_write(st, cube_bytes_new("x", 1)), -1);
    cube_http_stream_end(st); /* the owner's reference: freed now (ASan) */
    cube_buf_clear(&out);
    cube_http_server_stop(f->srv);
}

static void test_stream_slow_client_closed(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 256 * 1024);
    int fd = raw_connect(f->port);
    int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    raw_send(fd, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
    cube_http_stream_t *st = NULL;
    for (int i = 0; i < 500 && !st; i++) {
        pthread_mutex_lock(&f->mu);
        st = f->held;
        pthread_mutex_unlock(&f->mu);
        usleep(1000);
    }
    assert_non_null(st);
    /* The client reads nothing; 64 MiB offered must trip the 256 KiB backlog. */
    char *blob = xmalloc(65536);
    memset(blob, 'z', 65536);
    int written = 0;
    for (; written < 1024; written++) {
        if (cube_http_stream_write(st, cube_bytes_new(blob, 65536)) < 0)
            break;
        if (written % 16 == 0)
            usleep(2000);
    }
    wait_until(f, &f->closes, 1);
    assert_int_equal(get_counter(f, &f->closes), 1);
    assert_true(written < 1024);
    assert_int_equal(cube_http_stream_write(st, cube_bytes_new("x", 1)), -1);
    cube_http_stream_end(st);
    free(blob);
    close(fd);
    cube_http_server_stop(f->srv);
}

static void test_stream_fanout(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, false, false, 0);
    enum { N = 400 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = raw_connect(f->port);
        raw_send(fds[i], "GET /many HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    for (int i = 0; i < 500 && get_counter(f, &f->nmany) < N; i++)
        usleep(10000);
    assert_int_equal(get_counter(f, &f->nmany), N);
    for (int i = 0; i < N; i++) {
        cube_buf_t b = CUBE_BUF_INIT;
        assert_false(raw_read(fds[i], &b, "hello\n\r\n", 5000));
        cube_buf_clear(&b);
    }
    /* One event to every stream from this (non-I/O) thread. */
    uint64_t t0 = cube_time_mono_ns();
    cube_bytes_t *ev = cube_bytes_new("{\"type\":\"ADDED\"}\n", 17);
    for (int i = 0; i < N; i++)
        assert_int_equal(cube_http_stream_write(f->many[i], cube_bytes_ref(ev)), 0);
    cube_bytes_unref(ev);
    uint64_t t1 = cube_time_mono_ns();
    for (int i = 0; i < N; i++) {
        cube_buf_t b = CUBE_BUF_INIT;
        assert_false(raw_read(fds[i], &b, "ADDED\"}\n\r\n", 5000));
        cube_buf_clear(&b);
    }
    uint64_t t2 = cube_time_mono_ns();
    print_message("fan-out to %d streams: queued in %.2f ms, all received in %.2f ms\n", N,
                  (double)(t1 - t0) / 1e6, (double)(t2 - t0) / 1e6);
    for (int i = 0; i < N; i++)
        cube_http_stream_end(f->many[i]);
    for (int i = 0; i < N; i++) {
        cube_buf_t b = CUBE_BUF_INIT;
        assert_false(raw_read(fds[i], &b, "0\r\n\r\n", 5000));
        cube_buf_clear(&b);
        close(fds[i]);
    }
    cube_http_server_stop(f->srv);
}

static void test_stop_with_open_streams(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, true, true, 0);
    /* An idle keep-alive connection, an open stream, a half-sent request, a
     * request whose answer comes after the stop. */
    int idle = raw_connect(f->port);
    int half = raw_connect(f->port);
    raw_send(half, "GET / HTTP/1.1\r\n"); /* not even TLS: parsed as garbage later, or not */
    cube_buf_t out = CUBE_BUF_INIT;
    CURLM *m = curl_multi_init();
    CURL *c = client(&out);
    char *url = xasprintf("https://127.0.0.1:%d/hold", f->port);
    char ca[128];
    snprintf(ca, sizeof(ca), "%s/ca.pem", f->tmp);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_multi_add_handle(m, c);
    cube_buf_t out2 = CUBE_BUF_INIT;
    CURL *c2 = client(&out2);
    char *url2 = xasprintf("https://127.0.0.1:%d/late", f->port);
    curl_easy_setopt(c2, CURLOPT_URL, url2);
    curl_easy_setopt(c2, CURLOPT_CAINFO, ca);
    curl_multi_add_handle(m, c2);
    int running = 1;
    for (int i = 0; i < 500 && !(out.data && strstr(out.data, "hello") &&
                                 get_counter(f, &f->late_started) == 1);
         i++) {
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 10, NULL);
    }
    assert_non_null(out.data);
    assert_string_equal(out.data, "hello\n");
    pthread_mutex_lock(&f->mu);
    cube_http_stream_t *st = f->held;
    pthread_mutex_unlock(&f->mu);
    assert_non_null(st);
    cube_http_server_stop(f->srv);
    assert_int_equal(get_counter(f, &f->closes), 1); /* on_close ran before stop returned */
    assert_true(cube_http_stream_closed(st));
    assert_int_equal(cube_http_stream_write(st, cube_bytes_new("x", 1)), -1);
    cube_http_stream_end(st);
    wait_until(f, &f->late_answered, 1); /* answered after stop: dropped, freed */
    assert_int_equal(get_counter(f, &f->late_answered), 1);
    for (int i = 0; i < 100 && running; i++) {
        curl_multi_perform(m, &running);
        curl_multi_poll(m, NULL, 0, 10, NULL);
    }
    curl_multi_remove_handle(m, c);
    curl_multi_remove_handle(m, c2);
    curl_easy_cleanup(c);
    curl_easy_cleanup(c2);
    curl_multi_cleanup(m);
    close(idle);
    close(half);
    free(url);
    free(url2);
    cube_buf_clear(&out);
    cube_buf_clear(&out2);
}

static CURL *tls_client(fixture_t *f, cube_buf_t *out, const char *cert)
{
    CURL *c = client(out);
    char path[160];
    snprintf(path, sizeof(path), "%s/ca.pem", f->tmp);
    curl_easy_setopt(c, CURLOPT_CAINFO, path);
    if (cert) {
        snprintf(path, sizeof(path), "%s/%s.pem", f->tmp, cert);
        curl_easy_setopt(c, CURLOPT_SSLCERT, path);
        snprintf(path, sizeof(path), "%s/%s.key", f->tmp, cert);
        curl_easy_setopt(c, CURLOPT_SSLKEY, path);
    }
    /* Offer h2 like kubectl does: the server must settle on http/1.1. */
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    return c;
}

static void test_tls_client_cert(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, true, true, 0);
    char *url = xasprintf("https://127.0.0.1:%d/peer", f->port);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = tls_client(f, &out, "client");
    for (int i = 0; i < 2; i++) { /* twice: keep-alive keeps the identity */
        buf_reset(&out);
        assert_int_equal(perform(c, url), 200);
        assert_string_equal(out.data, "cn=alice orgs=system:masters,team-b");
    }
    long ver = 0;
    curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &ver);
    assert_int_equal(ver, CURL_HTTP_VERSION_1_1);
    curl_easy_cleanup(c);
    /* A certificate from another CA is refused at the handshake. */
    buf_reset(&out);
    c = tls_client(f, &out, "rogue");
    assert_true(perform(c, url) < 0);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    free(url);
    cube_http_server_stop(f->srv);
}

static void test_tls_anonymous(void **state)
{
    fixture_t *f = *state;
    reset(f);
    start_server(f, true, true, 0);
    char *url = xasprintf("https://127.0.0.1:%d/peer", f->port);
    cube_buf_t out = CUBE_BUF_INIT;
    CURL *c = tls_client(f, &out, NULL);
    assert_int_equal(perform(c, url), 200);
    assert_string_equal(out.data, "cn=(none) orgs=");
    curl_easy_cleanup(c);
    cube_http_server_stop(f->srv);
    /* Without a client CA no certificate is asked for (nor used). */
    reset(f);
    start_server(f, true, false, 0);
    free(url);
    url = xasprintf("https://127.0.0.1:%d/peer", f->port);
    buf_reset(&out);
    c = tls_client(f, &out, "client");
    assert_int_equal(perform(c, url), 200);
    assert_string_equal(out.data, "cn=(none) orgs=");
    /* A stream over TLS. */
    buf_reset(&out);
    free(url);
    url = xasprintf("https://127.0.0.1:%d/stream?n=50", f->port);
    assert_int_equal(perform(c, url), 200);
    assert_int_equal(count(out.data, "event "), 50);
    curl_easy_cleanup(c);
    cube_buf_clear(&out);
    free(url);
    cube_http_server_stop(f->srv);
}

static void test_start_errors(void **state)
{
    fixture_t *f = *state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_http_server_t *srv = NULL;
    cube_http_server_config_t cfg = {.address = "127.0.0.1",
                                     .tls = true,
                                     .cert_file = "/nonexistent.pem",
                                     .key_file = "/nonexistent.key",
                                     .handler = handler,
                                     .userdata = f};
    assert_int_equal(cube_http_server_start(&cfg, &srv, &err), -1);
    assert_int_equal(err.code, 500);
    assert_non_null(strstr(err.msg, "/nonexistent.pem"));
    cube_err_clear(&err);
    /* A port already taken. */
    reset(f);
    start_server(f, false, false, 0);
    cube_http_server_config_t cfg2 = {
        .address = "127.0.0.1", .port = f->port, .threads = 1, .handler = handler};
    assert_int_equal(cube_http_server_start(&cfg2, &srv, &err), -1);
    assert_non_null(strstr(err.msg, "bind"));
    cube_http_server_stop(f->srv);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_get),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_status_text),
        cmocka_unit_test(test_get_keepalive),
        cmocka_unit_test(test_post_body),
        cmocka_unit_test(test_chunked_request_body),
        cmocka_unit_test(test_body_too_large),
        cmocka_unit_test(test_respond_from_other_thread),
        cmocka_unit_test(test_answer_after_client_left),
        cmocka_unit_test(test_pipelining_in_order),
        cmocka_unit_test(test_http10_and_bad_requests),
        cmocka_unit_test(test_stream_100_chunks),
        cmocka_unit_test(test_stream_client_disconnect),
        cmocka_unit_test(test_stream_slow_client_closed),
        cmocka_unit_test(test_stream_fanout),
        cmocka_unit_test(test_stop_with_open_streams),
        cmocka_unit_test(test_tls_client_cert),
        cmocka_unit_test(test_tls_anonymous),
        cmocka_unit_test(test_start_errors),
    };
    int rc = cmocka_run_group_tests_name("http", tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
