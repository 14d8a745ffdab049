/*
 * grpc.c: the gRPC client of grpc.h on nghttp2. One I/O thread per connection
 * owns the socket and the nghttp2 session; a call is a struct on its caller's
 * stack that the I/O thread starts as an HTTP/2 stream, fills with the
 * messages and trailers it receives, and completes exactly once (status and
 * message, under the connection's mutex) before forgetting it. Callers wait
 * on their call's condition variable and run their own stream callbacks, so a
 * slow consumer never stalls the connection's other streams.
 */
#include "grpc/grpc.h"

#include <errno.h>
#include <fcntl.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

typedef struct msg {
    struct msg *next;
    size_t len;
    char data[];
} msg_t;

typedef struct call {
    struct call *next; /* pending list, then active list */
    const char *method;
    uint8_t *tx; /* the framed request */
    size_t tx_len, tx_off;
    uint64_t deadline_ns; /* monotonic; 0 = none */
    int timeout_ms;
    int32_t stream_id;

    /* I/O thread only, while active */
    cube_buf_t rx; /* bytes of a message not complete yet */
    int http_status;
    int grpc_status; /* -1 until the trailer is seen */
    char *grpc_message;

    /* under conn->mu */
    msg_t *msgs, **msgs_tail;
    bool done;
    bool cancel; /* the caller asks the stream to stop */
    int status; /* final, once done */
    char *status_msg; /* final, once done; the caller frees */
    pthread_cond_t cond;
} call_t;

struct cube_grpc_conn {
    char *path; /* the unix socket, or NULL for a TCP target */
    char *host; /* TCP: a numeric IPv4/IPv6 address */
    int port; /* TCP */
    pthread_t thread;
    int wakefd; /* eventfd: a caller has something for the I/O thread */

    pthread_mutex_t mu;
    call_t *pending; /* submitted, not started yet (FIFO via pending_tail) */
    call_t **pending_tail;
    call_t *active; /* started; I/O thread only, but flags read under mu */
    bool stopping;

    /* I/O thread only */
    int fd;
    nghttp2_session *session;
    nghttp2_session_callbacks *callbacks;
};

/* ---- status mapping ------------------------------------------------------ */

static const struct {
    const char *name;
    int code;
    const char *reason;
} statuses[] = {
    [CUBE_GRPC_OK] = {"OK", 200, NULL},
    [CUBE_GRPC_CANCELLED] = {"Canceled", 499, "InternalError"},
    [CUBE_GRPC_UNKNOWN] = {"Unknown", 500, "InternalError"},
    [CUBE_GRPC_INVALID_ARGUMENT] = {"InvalidArgument", 400, "BadRequest"},
    [CUBE_GRPC_DEADLINE_EXCEEDED] = {"DeadlineExceeded", 504, "Timeout"},
    [CUBE_GRPC_NOT_FOUND] = {"NotFound", 404, "NotFound"},
    [CUBE_GRPC_ALREADY_EXISTS] = {"AlreadyExists", 409, "AlreadyExists"},
    [CUBE_GRPC_PERMISSION_DENIED] = {"PermissionDenied", 403, "Forbidden"},
    [CUBE_GRPC_RESOURCE_EXHAUSTED] = {"ResourceExhausted", 429, "TooManyRequests"},
    [CUBE_GRPC_FAILED_PRECONDITION] = {"FailedPrecondition", 400, "BadRequest"},
    [CUBE_GRPC_ABORTED] = {"Aborted", 409, "Conflict"},
    [CUBE_GRPC_OUT_OF_RANGE] = {"OutOfRange", 400, "BadRequest"},
    [CUBE_GRPC_UNIMPLEMENTED] = {"Unimplemented", 405, "MethodNotAllowed"},
    [CUBE_GRPC_INTERNAL] = {"Internal", 500, "InternalError"},
    [CUBE_GRPC_UNAVAILABLE] = {"Unavailable", 503, "ServiceUnavailable"},
    [CUBE_GRPC_DATA_LOSS] = {"DataLoss", 500, "InternalError"},
    [CUBE_GRPC_UNAUTHENTICATED] = {"Unauthenticated", 401, "Unauthorized"},
};

const char *cube_grpc_status_name(int status)
{
    if (status < 0 || (size_t)status >= CUBE_ARRAY_SIZE(statuses))
        return "Unknown";
    return statuses[status].name;
}

int cube_grpc_status_to_err(int status, const char *msg, cube_err_t *err)
{
    if (status <= 0 || (size_t)status >= CUBE_ARRAY_SIZE(statuses))
        status = CUBE_GRPC_UNKNOWN;
    return cube_err_set(err, statuses[status].code, statuses[status].reason,
                        "rpc error: code = %s desc = %s", statuses[status].name, msg ? msg : "");
}

int cube_grpc_err_status(const cube_err_t *err)
{
    static const char marker[] = "rpc error: code = ";
    if (!err || !err->code)
        return CUBE_GRPC_OK;
    const char *p = strstr(err->msg, marker);
    if (!p)
        return CUBE_GRPC_UNKNOWN;
    p += sizeof(marker) - 1;
    for (size_t i = 1; i < CUBE_ARRAY_SIZE(statuses); i++) {
        size_t n = strlen(statuses[i].name);
        if (!strncmp(p, statuses[i].name, n) && (p[n] == ' ' || p[n] == '\0'))
            return (int)i;
    }
    return CUBE_GRPC_UNKNOWN;
}

int cube_grpc_status_from_http(int http_status)
{
    switch (http_status) {
    case 400:
        return CUBE_GRPC_INTERNAL;
    case 401:
        return CUBE_GRPC_UNAUTHENTICATED;
    case 403:
        return CUBE_GRPC_PERMISSION_DENIED;
    case 404:
        return CUBE_GRPC_UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
        return CUBE_GRPC_UNAVAILABLE;
    default:
        return CUBE_GRPC_UNKNOWN;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *cube_grpc_message_decode(const char *s, size_t len)
{
    char *out = xmalloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* ---- completion (I/O thread) ----------------------------------------------- */

static void wake(cube_grpc_conn_t *c)
{
    uint64_t one = 1;
    ssize_t n _unused_ = write(c->wakefd, &one, sizeof(one));
}

static void unlink_active(cube_grpc_conn_t *c, call_t *call)
{
    for (call_t **p = &c->active; *p; p = &(*p)->next)
        if (*p == call) {
            *p = call->next;
            break;
        }
    call->next = NULL;
}

/* The one place a call ends: after this the I/O thread never touches it. */
static void complete(cube_grpc_conn_t *c, call_t *call, int status, const char *msg)
{
    char *text = xstrdup(msg ? msg : ""); /* msg may be call->grpc_message */
    unlink_active(c, call);
    if (c->session && call->stream_id > 0)
        nghttp2_session_set_stream_user_data(c->session, call->stream_id, NULL);
    cube_buf_clear(&call->rx);
    free(call->grpc_message);
    call->grpc_message = NULL;
    pthread_mutex_lock(&c->mu);
    call->status = status;
    call->status_msg = text;
    call->done = true;
    pthread_cond_signal(&call->cond);
    pthread_mutex_unlock(&c->mu);
}

/* Ends a call whose stream may still be open: resets the stream first. */
static void abort_call(cube_grpc_conn_t *c, call_t *call, int status, const char *msg)
{
    if (c->session && call->stream_id > 0)
        nghttp2_submit_rst_stream(c->session, NGHTTP2_FLAG_NONE, call->stream_id, NGHTTP2_CANCEL);
    complete(c, call, status, msg);
}

static void drop_connection(cube_grpc_conn_t *c, int status, const char *msg)
{
    while (c->active)
        complete(c, c->active, status, msg);
    if (c->session) {
        nghttp2_session_del(c->session);
        c->session = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

/* ---- nghttp2 callbacks (I/O thread) ------------------------------------------ */

static ssize_t send_cb(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *ud)
{
    cube_grpc_conn_t *c = ud;
    ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? NGHTTP2_ERR_WOULDBLOCK
                                                       : NGHTTP2_ERR_CALLBACK_FAILURE;
    return n;
}

static ssize_t read_cb(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t len,
                       uint32_t *flags, nghttp2_data_source *src, void *ud)
{
    call_t *call = nghttp2_session_get_stream_user_data(s, stream_id);
    if (!call)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    size_t n = call->tx_len - call->tx_off;
    if (n > len)
        n = len;
    memcpy(buf, call->tx + call->tx_off, n);
    call->tx_off += n;
    if (call->tx_off == call->tx_len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

static int header_cb(nghttp2_session *s, const nghttp2_frame *frame, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *ud)
{
    if (frame->hd.type != NGHTTP2_HEADERS)
        return 0;
    call_t *call = nghttp2_session_get_stream_user_data(s, frame->hd.stream_id);
    if (!call)
        return 0;
    if (namelen == 7 && !memcmp(name, ":status", 7)) {
        call->http_status = atoi((const char *)value);
    } else if (namelen == 11 && !memcmp(name, "grpc-status", 11)) {
        call->grpc_status = atoi((const char *)value);
    } else if (namelen == 12 && !memcmp(name, "grpc-message", 12)) {
        free(call->grpc_message);
        call->grpc_message = cube_grpc_message_decode((const char *)value, valuelen);
    }
    return 0;
}

static int data_cb(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data,
                   size_t len, void *ud)
{
    cube_grpc_conn_t *c = ud;
    call_t *call = nghttp2_session_get_stream_user_data(s, stream_id);
    if (!call)
        return 0;
    cube_buf_append(&call->rx, data, len);
    while (call->rx.len >= 5) {
        const uint8_t *p = (const uint8_t *)call->rx.data;
        uint32_t n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
        if (p[0] != 0) {
            abort_call(c, call, CUBE_GRPC_INTERNAL,
                       "grpc: compressed message received but no compression was negotiated");
            return 0;
        }
        if (n > CUBE_GRPC_MAX_MESSAGE) {
            char msg[128];
            snprintf(msg, sizeof(msg), "grpc: received message larger than max (%u vs. %u)", n,
                     CUBE_GRPC_MAX_MESSAGE);
            abort_call(c, call, CUBE_GRPC_RESOURCE_EXHAUSTED, msg);
            return 0;
        }
        if (call->rx.len < 5 + (size_t)n)
            break;
        msg_t *m = xmalloc(sizeof(*m) + n + 1);
        m->next = NULL;
        m->len = n;
        memcpy(m->data, p + 5, n);
        m->data[n] = '\0';
        memmove(call->rx.data, call->rx.data + 5 + n, call->rx.len - 5 - n);
        call->rx.len -= 5 + n;
        call->rx.data[call->rx.len] = '\0';
        pthread_mutex_lock(&c->mu);
        *call->msgs_tail = m;
        call->msgs_tail = &m->next;
        pthread_cond_signal(&call->cond);
        pthread_mutex_unlock(&c->mu);
    }
    return 0;
}

static int stream_close_cb(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *ud)
{
    cube_grpc_conn_t *c = ud;
    call_t *call = nghttp2_session_get_stream_user_data(s, stream_id);
    if (!call)
        return 0;
    char msg[160];
    int status;
    const char *text = call->grpc_message;
    if (call->grpc_status >= 0) {
        status = call->grpc_status;
    } else if (error_code != NGHTTP2_NO_ERROR) {
        status = error_code == NGHTTP2_REFUSED_STREAM ? CUBE_GRPC_UNAVAILABLE : CUBE_GRPC_INTERNAL;
        snprintf(msg, sizeof(msg), "stream terminated by RST_STREAM with error code: %s",
                 nghttp2_http2_strerror(error_code));
        text = msg;
    } else if (call->http_status != 200) {
        status = cube_grpc_status_from_http(call->http_status);
        snprintf(msg, sizeof(msg), "unexpected HTTP status code received from server: %d",
                 call->http_status);
        text = msg;
    } else {
        status = CUBE_GRPC_INTERNAL;
        text = "server closed the stream without sending trailers";
    }
    if (status == CUBE_GRPC_OK && call->rx.len) {
        status = CUBE_GRPC_INTERNAL;
        text = "grpc: the stream ended inside a message";
    }
    complete(c, call, status, text);
    return 0;
}

/* ---- connection (I/O thread) ----------------------------------------------- */

/* A connected TCP socket to c->host:c->port, or -1 with errno. Blocking connect: TCP
 * targets are probes, whose callers bound the whole call with their deadline. */
static int tcp_connect(const cube_grpc_conn_t *c)
{
    struct sockaddr_storage ss = {0};
    socklen_t len;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, c->host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)c->port);
        len = sizeof(*in4);
    } else if (inet_pton(AF_INET6, c->host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)c->port);
        len = sizeof(*in6);
    } else {
        errno = EINVAL;
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

static int conn_open(cube_grpc_conn_t *c, char *errbuf, size_t errlen)
{
    int fd;
    if (c->path) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            int e = errno;
            close(fd);
            fd = -1;
            errno = e;
        }
    } else {
        fd = tcp_connect(c);
    }
    if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
        if (c->path)
            snprintf(errbuf, errlen, "connection error: dial unix %s: connect: %s", c->path,
                     strerror(errno));
        else
            snprintf(errbuf, errlen, "connection error: dial tcp %s:%d: connect: %s", c->host,
                     c->port, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    c->fd = fd;
    nghttp2_session_client_new(&c->session, c->callbacks, c);
    nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 4u << 20},
        {NGHTTP2_SETTINGS_MAX_FRAME_SIZE, 1u << 20},
    };
    nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, iv, CUBE_ARRAY_SIZE(iv));
    nghttp2_session_set_local_window_size(c->session, NGHTTP2_FLAG_NONE, 0, 32 << 20);
    return 0;
}

#define NV(n, v, vlen)                                                                             \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, (vlen), NGHTTP2_NV_FLAG_NO_COPY_NAME        \
    }

static void start_call(cube_grpc_conn_t *c, call_t *call)
{
    char errbuf[512];
    if (!c->session && conn_open(c, errbuf, sizeof(errbuf)) < 0) {
        complete(c, call, CUBE_GRPC_UNAVAILABLE, errbuf);
        return;
    }
    if (!nghttp2_session_check_request_allowed(c->session)) {
        if (c->active) {
            complete(c, call, CUBE_GRPC_UNAVAILABLE, "connection error: the peer is going away");
            return;
        }
        drop_connection(c, CUBE_GRPC_UNAVAILABLE, "");
        if (conn_open(c, errbuf, sizeof(errbuf)) < 0) {
            complete(c, call, CUBE_GRPC_UNAVAILABLE, errbuf);
            return;
        }
    }
    char timeout[32];
    nghttp2_nv hdrs[8] = {
        NV(":method", "POST", 4),
        NV(":scheme", "http", 4),
        NV(":path", call->method, strlen(call->method)),
        NV(":authority", "localhost", 9),
        NV("content-type", "application/grpc", 16),
        NV("te", "trailers", 8),
        NV("user-agent", "cube-grpc/1.0", 13),
    };
    size_t nhdrs = 7;
    if (call->timeout_ms > 0) {
        int n = call->timeout_ms < 100000000
                    ? snprintf(timeout, sizeof(timeout), "%dm", call->timeout_ms)
                    : snprintf(timeout, sizeof(timeout), "%dS", call->timeout_ms / 1000);
        hdrs[nhdrs++] = (nghttp2_nv)NV("grpc-timeout", timeout, (size_t)n);
    }
    nghttp2_data_provider prd = {.source.ptr = call, .read_callback = read_cb};
    int32_t id = nghttp2_submit_request(c->session, NULL, hdrs, nhdrs, &prd, call);
    if (id < 0) {
        complete(c, call, CUBE_GRPC_UNAVAILABLE, nghttp2_strerror(id));
        return;
    }
    call->stream_id = id;
    call->next = c->active;
    c->active = call;
}

static void read_socket(cube_grpc_conn_t *c)
{
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            char msg[160];
            snprintf(msg, sizeof(msg), "connection error: %s",
                     n == 0 ? "the peer closed the connection" : strerror(errno));
            drop_connection(c, CUBE_GRPC_UNAVAILABLE, msg);
            return;
        }
        ssize_t rv = nghttp2_session_mem_recv(c->session, buf, (size_t)n);
        if (rv < 0) {
            char msg[160];
            snprintf(msg, sizeof(msg), "connection error: http2: %s", nghttp2_strerror((int)rv));
            drop_connection(c, CUBE_GRPC_INTERNAL, msg);
            return;
        }
    }
}

static void *io_main(void *arg)
{
    cube_grpc_conn_t *c = arg;
    for (;;) {
        /* take new calls */
        pthread_mutex_lock(&c->mu);
        bool stopping = c->stopping;
        call_t *todo = c->pending;
        c->pending = NULL;
        c->pending_tail = &c->pending;
        pthread_mutex_unlock(&c->mu);
        if (stopping) {
            while (todo) {
                call_t *next = todo->next;
                complete(c, todo, CUBE_GRPC_CANCELLED, "grpc: the client connection is closing");
                todo = next;
            }
            drop_connection(c, CUBE_GRPC_CANCELLED, "grpc: the client connection is closing");
            return NULL;
        }
        while (todo) {
            call_t *next = todo->next;
            start_call(c, todo);
            todo = next;
        }
        /* the callers' cancellations (complete() takes the lock: find, then abort) */
        for (;;) {
            call_t *cancelled = NULL;
            pthread_mutex_lock(&c->mu);
            for (call_t *a = c->active; a && !cancelled; a = a->next)
                if (a->cancel)
                    cancelled = a;
            pthread_mutex_unlock(&c->mu);
            if (!cancelled)
                break;
            abort_call(c, cancelled, CUBE_GRPC_CANCELLED, "context canceled");
        }

        /* deadlines */
        uint64_t now = cube_time_mono_ns(), first = 0;
        for (call_t *a = c->active, *next; a; a = next) {
            next = a->next;
            if (!a->deadline_ns)
                continue;
            if (a->deadline_ns <= now)
                abort_call(c, a, CUBE_GRPC_DEADLINE_EXCEEDED, "context deadline exceeded");
            else if (!first || a->deadline_ns < first)
                first = a->deadline_ns;
        }

        if (c->session && nghttp2_session_send(c->session) != 0)
            drop_connection(c, CUBE_GRPC_UNAVAILABLE, "connection error: write failed");
        if (c->session && !c->active && !nghttp2_session_want_read(c->session) &&
            !nghttp2_session_want_write(c->session))
            drop_connection(c, CUBE_GRPC_UNAVAILABLE, "");

        struct pollfd pfd[2] = {{.fd = c->wakefd, .events = POLLIN}, {.fd = -1}};
        if (c->session) {
            pfd[1].fd = c->fd;
            pfd[1].events = POLLIN | (nghttp2_session_want_write(c->session) ? POLLOUT : 0);
        }
        int timeout = -1;
        if (first)
            timeout = (int)((first - now + 999999) / 1000000);
        if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
            continue;
        if (pfd[0].revents & POLLIN) {
            uint64_t v;
            ssize_t n _unused_ = read(c->wakefd, &v, sizeof(v));
        }
        if (c->session && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
            read_socket(c);
    }
}

/* ---- public ------------------------------------------------------------------ */

int cube_grpc_conn_new(const char *target, cube_grpc_conn_t **ret, cube_err_t *err)
{
    const char *path = target;
    _cleanup_free_ char *host = NULL;
    int port = 0;
    if (!strncmp(path, "unix://", 7)) {
        path += 7;
    } else if (!strncmp(path, "unix:", 5)) {
        path += 5;
    } else if (path[0] != '/') {
        /* ipv4:ADDR:PORT, or ADDR:PORT / [ADDR6]:PORT with a numeric address */
        const char *t = !strncmp(target, "ipv4:", 5) ? target + 5 : target;
        const char *colon = strrchr(t, ':');
        char *end = NULL;
        long p = colon ? strtol(colon + 1, &end, 10) : 0;
        if (!colon || !end || *end || p <= 0 || p > 65535)
            return cube_err_badrequest(err,
                                       "grpc target %s: want unix:/absolute/path of a unix socket "
                                       "or a numeric ADDRESS:PORT",
                                       target);
        if (t[0] == '[' && colon > t + 1 && colon[-1] == ']')
            host = xstrndup(t + 1, (size_t)(colon - t - 2));
        else
            host = xstrndup(t, (size_t)(colon - t));
        port = (int)p;
        path = NULL;
        unsigned char addr[16];
        if (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1)
            return cube_err_badrequest(err,
                                       "grpc target %s: want unix:/absolute/path of a unix socket "
                                       "or a numeric ADDRESS:PORT",
                                       target);
    }
    if (path && (path[0] != '/' || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)))
        return cube_err_badrequest(err, "grpc target %s: want unix:/absolute/path of a unix socket",
                                   target);
    cube_grpc_conn_t *c = xcalloc(1, sizeof(*c));
    c->path = path ? xstrdup(path) : NULL;
    c->host = TAKE_PTR(host);
    c->port = port;
    c->fd = -1;
    c->pending_tail = &c->pending;
    pthread_mutex_init(&c->mu, NULL);
    c->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->wakefd < 0) {
        int e = errno;
        free(c->path);
        free(c->host);
        free(c);
        return cube_err_errno(err, e, "grpc: eventfd");
    }
    nghttp2_session_callbacks_new(&c->callbacks);
    nghttp2_session_callbacks_set_send_callback(c->callbacks, send_cb);
    nghttp2_session_callbacks_set_on_header_callback(c->callbacks, header_cb);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(c->callbacks, data_cb);
    nghttp2_session_callbacks_set_on_stream_close_callback(c->callbacks, stream_close_cb);
    pthread_create(&c->thread, NULL, io_main, c);
    *ret = c;
    return 0;
}

void cube_grpc_conn_shutdown(cube_grpc_conn_t *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    pthread_mutex_unlock(&c->mu);
    wake(c);
}

void cube_grpc_conn_free(cube_grpc_conn_t *c)
{
    if (!c)
        return;
    cube_grpc_conn_shutdown(c);
    pthread_join(c->thread, NULL);
    nghttp2_session_callbacks_del(c->callbacks);
    close(c->wakefd);
    pthread_mutex_destroy(&c->mu);
    free(c->path);
    free(c->host);
    free(c);
}

/* Runs one call to its end on the calling thread. Unary calls collect the one
 * message into ret_resp; streaming calls hand each message to on_msg. */
static int run_call(cube_grpc_conn_t *c, const char *method, const void *req, size_t req_len,
                    int timeout_ms, cube_grpc_msg_fn on_msg, void *userdata, cube_buf_t *ret_resp,
                    cube_err_t *err)
{
    if (req_len > CUBE_GRPC_MAX_MESSAGE)
        return cube_grpc_status_to_err(CUBE_GRPC_RESOURCE_EXHAUSTED,
                                       "grpc: trying to send message larger than max", err);
    call_t call = {.method = method, .timeout_ms = timeout_ms, .grpc_status = -1};
    call.msgs_tail = &call.msgs;
    call.tx_len = 5 + req_len;
    call.tx = xmalloc(call.tx_len);
    call.tx[0] = 0;
    call.tx[1] = (uint8_t)(req_len >> 24);
    call.tx[2] = (uint8_t)(req_len >> 16);
    call.tx[3] = (uint8_t)(req_len >> 8);
    call.tx[4] = (uint8_t)req_len;
    if (req_len)
        memcpy(call.tx + 5, req, req_len);
    if (timeout_ms > 0)
        call.deadline_ns = cube_time_mono_ns() + (uint64_t)timeout_ms * 1000000;
    pthread_cond_init(&call.cond, NULL);

    pthread_mutex_lock(&c->mu);
    if (c->stopping) {
        pthread_mutex_unlock(&c->mu);
        pthread_cond_destroy(&call.cond);
        free(call.tx);
        return cube_grpc_status_to_err(CUBE_GRPC_CANCELLED,
                                       "grpc: the client connection is closing", err);
    }
    *c->pending_tail = &call;
    c->pending_tail = &call.next;
    pthread_mutex_unlock(&c->mu);
    wake(c);

    _cleanup_buf_ cube_buf_t resp = CUBE_BUF_INIT;
    size_t nmsgs = 0;
    bool cancelled = false;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!call.done && !call.msgs)
            pthread_cond_wait(&call.cond, &c->mu);
        msg_t *m = call.msgs;
        call.msgs = NULL;
        call.msgs_tail = &call.msgs;
        bool done = call.done;
        pthread_mutex_unlock(&c->mu);
        bool want_cancel = false;
        while (m) {
            msg_t *next = m->next;
            if (!cancelled && !want_cancel) {
                nmsgs++;
                if (on_msg)
                    want_cancel = on_msg(m->data, m->len, userdata) < 0;
                else if (nmsgs == 1)
                    cube_buf_append(&resp, m->data, m->len);
            }
            free(m);
            m = next;
        }
        pthread_mutex_lock(&c->mu);
        if (want_cancel && !done) {
            call.cancel = true;
            cancelled = true;
            pthread_mutex_unlock(&c->mu);
            wake(c);
            pthread_mutex_lock(&c->mu);
        } else if (want_cancel) {
            cancelled = true;
        }
        if (done && !call.msgs)
            break;
    }
    pthread_mutex_unlock(&c->mu);
    pthread_cond_destroy(&call.cond);
    free(call.tx);
    _cleanup_free_ char *status_msg = call.status_msg;

    if (cancelled)
        return 0;
    if (call.status != CUBE_GRPC_OK)
        return cube_grpc_status_to_err(call.status, status_msg, err);
    if (!on_msg && nmsgs != 1)
        return cube_grpc_status_to_err(CUBE_GRPC_INTERNAL,
                                       nmsgs ? "grpc: the server sent more than one response"
                                             : "grpc: the server sent no response message",
                                       err);
    if (!on_msg)
        cube_buf_append(ret_resp, resp.data ? resp.data : "", resp.len);
    return 0;
}

int cube_grpc_unary(cube_grpc_conn_t *c, const char *method, const void *req, size_t req_len,
                    int timeout_ms, cube_buf_t *ret_resp, cube_err_t *err)
{
    return run_call(c, method, req, req_len, timeout_ms, NULL, NULL, ret_resp, err);
}

int cube_grpc_server_stream(cube_grpc_conn_t *c, const char *method, const void *req,
                            size_t req_len, int timeout_ms, cube_grpc_msg_fn on_msg, void *userdata,
                            cube_err_t *err)
{
    return run_call(c, method, req, req_len, timeout_ms, on_msg, userdata, NULL, err);
}

int cube_grpc_call(cube_grpc_conn_t *c, const char *method, const ProtobufCMessage *req,
                   const ProtobufCMessageDescriptor *resp_desc, int timeout_ms,
                   ProtobufCMessage **ret, cube_err_t *err)
{
    size_t n = protobuf_c_message_get_packed_size(req);
    _cleanup_free_ uint8_t *buf = xmalloc(n ? n : 1);
    protobuf_c_message_pack(req, buf);
    _cleanup_buf_ cube_buf_t resp = CUBE_BUF_INIT;
    if (cube_grpc_unary(c, method, buf, n, timeout_ms, &resp, err) < 0)
        return -1;
    ProtobufCMessage *m =
        protobuf_c_message_unpack(resp_desc, NULL, resp.len, (const uint8_t *)resp.data);
    if (!m)
        return cube_grpc_status_to_err(CUBE_GRPC_INTERNAL,
                                       "grpc: failed to unmarshal the received message", err);
    *ret = m;
    return 0;
}
