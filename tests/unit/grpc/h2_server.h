/*
 * A fake gRPC server for unit tests: nghttp2 server sessions on a unix socket,
 * one connection at a time, on its own thread. The test's handler decides the
 * answer for each call (messages, status, or misbehaviour such as no answer,
 * a bare HTTP error or a dropped connection), so the client's framing,
 * trailers, deadlines, cancellation and reconnection can be checked against
 * the real HTTP/2 library rather than against ourselves.
 */
#ifndef CUBE_TEST_H2_SERVER_H
#define CUBE_TEST_H2_SERVER_H

#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

typedef enum {
    H2_REPLY, /* messages, then grpc-status/grpc-message trailers */
    H2_SILENT, /* never answer */
    H2_HTTP_ERROR, /* :status http_status, no grpc-status */
    H2_DROP, /* close the connection */
    H2_OPEN, /* messages, then keep the stream open */
} h2_mode_t;

typedef struct h2_reply {
    h2_mode_t mode;
    int http_status;
    int grpc_status;
    const char *grpc_message; /* sent as is (the test percent-encodes) */
    cube_buf_t body; /* framed messages: use h2_reply_msg */
} h2_reply_t;

static inline void h2_reply_msg(h2_reply_t *r, const void *data, size_t len)
{
    uint8_t hdr[5] = {0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                      (uint8_t)len};
    cube_buf_append(&r->body, hdr, 5);
    cube_buf_append(&r->body, data, len);
}

/* Called on the server thread with the path and the request's first message. */
typedef void (*h2_handler_fn)(const char *path, const uint8_t *msg, size_t len, h2_reply_t *r,
                              void *ud);

typedef struct h2_stream {
    struct h2_stream *next; /* the connection's open streams */
    int32_t id;
    char path[256];
    cube_buf_t req;
    h2_reply_t reply;
    size_t off;
} h2_stream_t;

typedef struct h2_server {
    char path[108]; /* the unix socket ("" on TCP) */
    int port; /* TCP */
    int lfd;
    pthread_t thread;
    atomic_bool stop;
    atomic_int connections; /* accepted so far */
    atomic_int calls; /* requests seen */
    atomic_int resets; /* RST_STREAM received */
    h2_handler_fn handler;
    void *ud;
    bool drop; /* close the current connection */
} h2_server_t;

typedef struct h2_conn {
    h2_server_t *srv;
    int fd;
    h2_stream_t *streams;
} h2_conn_t;

static void h2_stream_free(h2_conn_t *c, h2_stream_t *st)
{
    for (h2_stream_t **p = &c->streams; *p; p = &(*p)->next)
        if (*p == st) {
            *p = st->next;
            break;
        }
    cube_buf_clear(&st->req);
    cube_buf_clear(&st->reply.body);
    free(st);
}

static ssize_t h2c_send(nghttp2_session *s, const uint8_t *d, size_t n, int fl, void *ud)
{
    h2_conn_t *c = ud;
    ssize_t w = send(c->fd, d, n, MSG_NOSIGNAL);
    if (w < 0)
        return errno == EAGAIN ? NGHTTP2_ERR_WOULDBLOCK : NGHTTP2_ERR_CALLBACK_FAILURE;
    return w;
}

static ssize_t h2c_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
                        nghttp2_data_source *src, void *ud)
{
    h2_stream_t *st = src->ptr;
    size_t n = st->reply.body.len - st->off;
    if (n > len)
        n = len;
    if (n)
        memcpy(buf, st->reply.body.data + st->off, n);
    st->off += n;
    if (st->off == st->reply.body.len) {
        if (st->reply.mode == H2_OPEN)
            return n ? (ssize_t)n : NGHTTP2_ERR_DEFERRED;
        *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
        char status[16];
        snprintf(status, sizeof(status), "%d", st->reply.grpc_status);
        nghttp2_nv tr[2] = {
            {(uint8_t *)"grpc-status", (uint8_t *)status, 11, strlen(status), 0},
            {(uint8_t *)"grpc-message", (uint8_t *)st->reply.grpc_message, 12,
             st->reply.grpc_message ? strlen(st->reply.grpc_message) : 0, 0},
        };
        nghttp2_submit_trailer(s, id, tr, st->reply.grpc_message ? 2 : 1);
    }
    return (ssize_t)n;
}

static int h2c_begin(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    if (f->hd.type != NGHTTP2_HEADERS)
        return 0;
    h2_conn_t *c = ud;
    h2_stream_t *st = xcalloc(1, sizeof(*st));
    st->id = f->hd.stream_id;
    st->next = c->streams;
    c->streams = st;
    nghttp2_session_set_stream_user_data(s, f->hd.stream_id, st);
    return 0;
}

static int h2c_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t nl,
                      const uint8_t *value, size_t vl, uint8_t fl, void *ud)
{
    h2_stream_t *st = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);
    if (st && nl == 5 && !memcmp(name, ":path", 5))
        snprintf(st->path, sizeof(st->path), "%.*s", (int)vl, (const char *)value);
    return 0;
}

static int h2c_data(nghttp2_session *s, uint8_t fl, int32_t id, const uint8_t *d, size_t n,
                    void *ud)
{
    h2_stream_t *st = nghttp2_session_get_stream_user_data(s, id);
    if (st)
        cube_buf_append(&st->req, d, n);
    return 0;
}

static int h2c_frame(nghttp2_session *s, const nghttp2_frame *f, void *ud)
{
    h2_conn_t *c = ud;
    if (f->hd.type == NGHTTP2_RST_STREAM)
        atomic_fetch_add(&c->srv->resets, 1);
    if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) ||
        !(f->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    h2_stream_t *st = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);
    if (!st)
        return 0;
    atomic_fetch_add(&c->srv->calls, 1);
    const uint8_t *msg = (const uint8_t *)st->req.data;
    size_t len = 0;
    if (st->req.len >= 5)
        len = (size_t)msg[1] << 24 | (size_t)msg[2] << 16 | (size_t)msg[3] << 8 | msg[4];
    st->reply.http_status = 200;
    c->srv->handler(st->path, st->req.len >= 5 ? msg + 5 : NULL, len, &st->reply, c->srv->ud);
    char status[8];
    snprintf(status, sizeof(status), "%d", st->reply.http_status);
    nghttp2_nv hdrs[2] = {
        {(uint8_t *)":status", (uint8_t *)status, 7, strlen(status), 0},
        {(uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16, 0},
    };
    nghttp2_data_provider prd = {.source.ptr = st, .read_callback = h2c_read};
    switch (st->reply.mode) {
    case H2_SILENT:
        break;
    case H2_DROP:
        c->srv->drop = true;
        break;
    case H2_HTTP_ERROR:
        nghttp2_submit_response(s, st->id, hdrs, 1, NULL);
        break;
    case H2_REPLY:
    case H2_OPEN:
        nghttp2_submit_response(s, st->id, hdrs, 2, &prd);
        break;
    }
    return 0;
}

static int h2c_close(nghttp2_session *s, int32_t id, uint32_t code, void *ud)
{
    h2_stream_t *st = nghttp2_session_get_stream_user_data(s, id);
    if (st)
        h2_stream_free(ud, st);
    return 0;
}

static void h2_serve(h2_server_t *srv, int fd)
{
    h2_conn_t c = {.srv = srv, .fd = fd};
    nghttp2_session_callbacks *cb;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_send_callback(cb, h2c_send);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, h2c_begin);
    nghttp2_session_callbacks_set_on_header_callback(cb, h2c_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, h2c_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, h2c_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, h2c_close);
    nghttp2_session *s;
    nghttp2_session_server_new(&s, cb, &c);
    nghttp2_submit_settings(s, NGHTTP2_FLAG_NONE, NULL, 0);
    srv->drop = false;
    while (!atomic_load(&srv->stop) && !srv->drop) {
        if (nghttp2_session_send(s) != 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (nghttp2_session_want_write(s))
            p.events |= POLLOUT;
        if (poll(&p, 1, 20) <= 0)
            continue;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t buf[65536];
            ssize_t n = recv(fd, buf, sizeof(buf), 0);
            if (n <= 0 && !(n < 0 && errno == EAGAIN))
                break;
            if (n > 0 && nghttp2_session_mem_recv(s, buf, (size_t)n) < 0)
                break;
        }
    }
    nghttp2_session_del(s); /* calls no stream-close callback: free what is left */
    while (c.streams)
        h2_stream_free(&c, c.streams);
    nghttp2_session_callbacks_del(cb);
    close(fd);
}

static void *h2_main(void *arg)
{
    h2_server_t *srv = arg;
    while (!atomic_load(&srv->stop)) {
        struct pollfd p = {.fd = srv->lfd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int fd = accept4(srv->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            continue;
        atomic_fetch_add(&srv->connections, 1);
        h2_serve(srv, fd);
    }
    return NULL;
}

static inline h2_server_t *h2_server_start(h2_handler_fn handler, void *ud)
{
    h2_server_t *srv = xcalloc(1, sizeof(*srv));
    srv->handler = handler;
    srv->ud = ud;
    snprintf(srv->path, sizeof(srv->path), "/tmp/cube-h2-test-%d-%p.sock", (int)getpid(),
             (void *)srv);
    unlink(srv->path);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", srv->path);
    srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(srv->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv->lfd, 16) < 0)
        abort();
    pthread_create(&srv->thread, NULL, h2_main, srv);
    return srv;
}

/* The same on TCP, 127.0.0.1 and a free port (srv->port). */
static inline h2_server_t *h2_server_start_tcp(h2_handler_fn handler, void *ud)
{
    h2_server_t *srv = xcalloc(1, sizeof(*srv));
    srv->handler = handler;
    srv->ud = ud;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    srv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(srv->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(srv->lfd, 16) < 0 ||
        getsockname(srv->lfd, (struct sockaddr *)&sa, &len) < 0)
        abort();
    srv->port = ntohs(sa.sin_port);
    pthread_create(&srv->thread, NULL, h2_main, srv);
    return srv;
}

static inline void h2_server_stop(h2_server_t *srv)
{
    atomic_store(&srv->stop, true);
    pthread_join(srv->thread, NULL);
    close(srv->lfd);
    if (srv->path[0])
        unlink(srv->path);
    free(srv);
}

#endif
