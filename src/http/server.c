/*
 * The HTTP/1.1 server: N I/O threads, each running its own libevent loop and
 * owning the connections it accepted; http-parser turns bytes into requests;
 * OpenSSL (through bufferevent_openssl) does TLS. Why this stack and how it
 * measured against libmicrohttpd and nginx: docs/design/http.md.
 *
 * Threads. Everything about a connection (its bufferevent, parser, current
 * request, stream) is touched only by its I/O thread. Other threads talk to
 * an I/O thread through its queue of operations (respond, stream start,
 * write, end, a handed-over socket, stop): a mutex-guarded list plus one
 * libevent "wake" event that is activated only when the list goes from
 * empty to non-empty, so a watch event written to a thousand streams costs
 * one wakeup per I/O thread, not one per stream.
 *
 * Lifetimes. A request is created by the parser, handed to the handler and
 * freed when its answer has been applied on the I/O thread (or, for a
 * stream, when the stream is freed); a connection that dies first only
 * detaches itself (req->conn = NULL), so late answers from workers are safe.
 * A stream has two references: the connection side (dropped when the
 * connection closes or the end is written) and the owner's (dropped by
 * cube_http_stream_end). Requests and streams also hold a reference on the
 * server, so its queues outlive cube_http_server_stop() until the last late
 * answer has been dropped.
 */
#include "http/http.h"
#include "http/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#define MAX_HEADER_BYTES (1u << 20) /* request line + headers */
#define READ_HIGH_WATER (4u << 20) /* unparsed input kept while a request is active */
#define IDLE_TIMEOUT_SEC 120 /* no bytes from a client between requests */
#define DEFAULT_MAX_BODY (3u << 20) /* cfg->max_body == 0 (the API server's 3 MiB) */
#define DEFAULT_BACKLOG (64u << 20) /* cfg->max_stream_backlog == 0 */
#define COPY_BODY_MAX (64u << 10) /* bodies up to this are copied next to the head */
#define COPY_CHUNK_MAX (4u << 10) /* stream chunks up to this are copied */
#define LISTEN_BACKLOG 1024

typedef struct conn conn_t;
typedef struct io_thread io_thread_t;

typedef enum { OP_ACCEPT, OP_RESPOND, OP_START, OP_WRITE, OP_END, OP_STOP } op_kind_t;

/* One unit of work handed to an I/O thread. */
typedef struct op {
    struct op *next;
    op_kind_t kind;
    int fd; /* OP_ACCEPT */
    char *remote; /* OP_ACCEPT */
    cube_http_req_t *req; /* OP_RESPOND */
    cube_http_stream_t *st; /* OP_START, OP_WRITE, OP_END */
    cube_buf_t head; /* OP_RESPOND, OP_START */
    cube_bytes_t *body; /* OP_RESPOND, OP_WRITE */
} op_t;

struct io_thread {
    cube_http_server_t *srv;
    struct event_base *base;
    struct event *wake;
    struct evconnlistener *listener;
    pthread_t tid;
    pthread_t self; /* written by the thread itself before it reports ready */
    pthread_mutex_t mu; /* guards head, tail, dead */
    op_t *head, *tail;
    bool dead;
    bool stopping; /* I/O thread only */
    conn_t *conns; /* I/O thread only */
};

struct cube_http_server {
    atomic_int refs; /* the owner's, plus one per live request */
    cube_http_handler_fn handler;
    void *userdata;
    size_t max_body;
    size_t max_backlog;
    SSL_CTX *ssl_ctx; /* NULL: plain HTTP */
    int port;
    bool reuseport; /* one SO_REUSEPORT listener per thread, else round-robin from thread 0 */
    atomic_uint rr;
    int nthreads;
    io_thread_t *threads;
    pthread_mutex_t ready_mu;
    pthread_cond_t ready_cv;
    int ready;
};

typedef enum { HS_NONE, HS_FIELD, HS_VALUE } hdr_state_t;

struct conn {
    conn_t *prev, *next;
    io_thread_t *t;
    struct bufferevent *bev;
    SSL *ssl;
    http_parser parser;
    hdr_state_t hs;
    cube_http_req_t *cur; /* being parsed */
    cube_http_req_t *ready; /* parsed, about to be dispatched */
    cube_http_req_t *active; /* with the handler, not answered yet */
    cube_http_stream_t *stream;
    cube_http_peer_t *peer;
    bool peer_done;
    bool in_input; /* process_input() is on the stack */
    bool no_more; /* parse no further request (close, upgrade, too large, error) */
    bool closing; /* close as soon as the output has drained */
    char remote[64];
};

typedef struct hdr {
    size_t name, value; /* offsets into req->hdrbuf */
} hdr_t;

struct cube_http_req {
    cube_http_server_t *srv;
    io_thread_t *t;
    conn_t *conn; /* I/O thread only; NULL once the connection is gone */
    const char *method;
    bool is_head;
    bool http10;
    bool keep_alive;
    bool too_large;
    cube_buf_t url;
    char *path;
    char *query;
    cube_buf_t hdrbuf;
    hdr_t *hdrs;
    size_t nhdrs, caphdrs;
    cube_buf_t body;
    cube_http_peer_t *peer;
    void *data;
    char remote[64];
};

struct cube_http_stream {
    atomic_int refs; /* connection side + owner */
    cube_http_req_t *req;
    io_thread_t *t;
    conn_t *conn; /* I/O thread only */
    atomic_bool closed;
    atomic_bool ended;
    bool chunked;
    cube_http_stream_close_fn on_close;
    void *userdata;
};

static void process_input(conn_t *c);
static void conn_close(conn_t *c);

/* ---- server and request lifetimes --------------------------------------- */

static void srv_unref(cube_http_server_t *srv)
{
    if (atomic_fetch_sub_explicit(&srv->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (int i = 0; i < srv->nthreads; i++)
        pthread_mutex_destroy(&srv->threads[i].mu);
    free(srv->threads);
    if (srv->ssl_ctx)
        SSL_CTX_free(srv->ssl_ctx);
    pthread_mutex_destroy(&srv->ready_mu);
    pthread_cond_destroy(&srv->ready_cv);
    free(srv);
}

static cube_http_req_t *req_new(conn_t *c)
{
    cube_http_server_t *srv = c->t->srv;
    cube_http_req_t *r = xcalloc(1, sizeof(*r));
    atomic_fetch_add_explicit(&srv->refs, 1, memory_order_relaxed);
    r->srv = srv;
    r->t = c->t;
    memcpy(r->remote, c->remote, sizeof(r->remote));
    if (c->ssl && !c->peer_done && SSL_is_init_finished(c->ssl)) {
        c->peer = cube_http_peer_from_ssl(c->ssl);
        c->peer_done = true;
    }
    r->peer = cube_http_peer_ref(c->peer);
    return r;
}

static void req_free(cube_http_req_t *r)
{
    if (!r)
        return;
    cube_http_server_t *srv = r->srv;
    cube_buf_clear(&r->url);
    cube_buf_clear(&r->hdrbuf);
    cube_buf_clear(&r->body);
    free(r->hdrs);
    free(r->path);
    free(r->query);
    cube_http_peer_unref(r->peer);
    free(r);
    srv_unref(srv);
}

static void stream_unref(cube_http_stream_t *st)
{
    if (atomic_fetch_sub_explicit(&st->refs, 1, memory_order_acq_rel) != 1)
        return;
    req_free(st->req);
    free(st);
}

static bool on_thread(const io_thread_t *t)
{
    return pthread_equal(pthread_self(), t->self);
}

/* ---- the operation queue ------------------------------------------------ */

static void op_free(op_t *op)
{
    cube_buf_clear(&op->head);
    cube_bytes_unref(op->body);
    free(op->remote);
    free(op);
}

static void op_run(io_thread_t *t, op_t *op, bool io);

/* Hands op to t's loop; once t is stopped, the op is applied right here (every
 * connection is gone by then, so that only releases what the op holds). */
static void enqueue(io_thread_t *t, op_t *op)
{
    pthread_mutex_lock(&t->mu);
    if (t->dead) {
        pthread_mutex_unlock(&t->mu);
        op_run(t, op, false);
        return;
    }
    bool was_empty = !t->head;
    if (t->tail)
        t->tail->next = op;
    else
        t->head = op;
    t->tail = op;
    /* Under the lock: once dead is set the wake event may be freed. */
    if (was_empty)
        event_active(t->wake, EV_READ, 0);
    pthread_mutex_unlock(&t->mu);
}

static op_t *op_new(op_kind_t kind)
{
    op_t *op = xcalloc(1, sizeof(*op));
    op->kind = kind;
    op->fd = -1;
    return op;
}

/* Runs the batch queued so far; ops queued meanwhile re-activate the event,
 * so a flood of writes cannot starve the loop's sockets. */
static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
    io_thread_t *t = arg;
    pthread_mutex_lock(&t->mu);
    op_t *list = t->head;
    t->head = t->tail = NULL;
    pthread_mutex_unlock(&t->mu);
    while (list) {
        op_t *op = list;
        list = op->next;
        op_run(t, op, true);
    }
}

/* ---- writing ------------------------------------------------------------ */

static void unref_bytes_cb(const void *data, size_t len, void *extra)
{
    cube_bytes_unref(extra);
}

/* Appends head and body to the output; small bodies are copied into the
 * same chain as the head so that TLS sends them in one record. */
static void write_head_body(conn_t *c, const cube_buf_t *head, cube_bytes_t *body, bool send_body)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    size_t blen = send_body && body ? body->len : 0;
    if (blen && blen <= COPY_BODY_MAX) {
        evbuffer_expand(out, head->len + blen);
        evbuffer_add(out, head->data, head->len);
        evbuffer_add(out, body->data, blen);
    } else {
        evbuffer_add(out, head->data, head->len);
        if (blen)
            evbuffer_add_reference(out, body->data, blen, unref_bytes_cb, cube_bytes_ref(body));
    }
}

static void format_head(cube_buf_t *b, const cube_http_req_t *req, int status,
                        const char *content_type, const char *const *headers)
{
    cube_buf_reserve(b, 256);
    cube_buf_printf(b, "HTTP/1.1 %d %s\r\n", status, cube_http_status_text(status));
    if (content_type)
        cube_buf_printf(b, "Content-Type: %s\r\n", content_type);
    for (size_t i = 0; headers && headers[i] && headers[i + 1]; i += 2)
        cube_buf_printf(b, "%s: %s\r\n", headers[i], headers[i + 1]);
}

/* ---- answering, on the I/O thread -------------------------------------- */

/* The connection is free for its next request (or done). */
static void conn_request_done(conn_t *c)
{
    if (c->no_more)
        c->closing = true;
    if (c->in_input)
        return; /* the parsing loop up the stack carries on (or closes) */
    process_input(c);
}

static void apply_respond(cube_http_req_t *req, cube_buf_t *head, cube_bytes_t *body)
{
    conn_t *c = req->conn;
    if (c && c->active == req) {
        c->active = NULL;
        req->conn = NULL;
        write_head_body(c, head, body, !req->is_head);
        conn_request_done(c);
    }
    req_free(req);
}

static void stream_closed(cube_http_stream_t *st, bool notify)
{
    atomic_store(&st->closed, true);
    if (notify && st->on_close && !atomic_load(&st->ended))
        st->on_close(st, st->userdata);
    stream_unref(st); /* the connection side */
}

static void apply_start(cube_http_stream_t *st, cube_buf_t *head, bool notify)
{
    cube_http_req_t *req = st->req;
    conn_t *c = req->conn;
    if (!c || c->active != req) {
        stream_closed(st, notify);
        return;
    }
    c->active = NULL;
    req->conn = NULL;
    c->stream = st;
    st->conn = c;
    bufferevent_set_timeouts(c->bev, NULL, NULL);
    evbuffer_add(bufferevent_get_output(c->bev), head->data, head->len);
}

static void apply_write(cube_http_stream_t *st, cube_bytes_t *chunk)
{
    conn_t *c = st->conn;
    if (!c || !chunk || chunk->len == 0)
        return;
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (st->chunked) {
        char size[24];
        int n = snprintf(size, sizeof(size), "%zx\r\n", chunk->len);
        if (chunk->len <= COPY_CHUNK_MAX) {
            evbuffer_expand(out, (size_t)n + chunk->len + 2);
            evbuffer_add(out, size, (size_t)n);
            evbuffer_add(out, chunk->data, chunk->len);
            evbuffer_add(out, "\r\n", 2);
        } else {
            evbuffer_add(out, size, (size_t)n);
            evbuffer_add_reference(out, chunk->data, chunk->len, unref_bytes_cb,
                                   cube_bytes_ref(chunk));
            evbuffer_add(out, "\r\n", 2);
        }
    } else if (chunk->len <= COPY_CHUNK_MAX) {
        evbuffer_add(out, chunk->data, chunk->len);
    } else {
        evbuffer_add_reference(out, chunk->data, chunk->len, unref_bytes_cb, cube_bytes_ref(chunk));
    }
    if (evbuffer_get_length(out) > c->t->srv->max_backlog) {
        cube_log_v(4, "http: closing slow stream client %s (backlog %zu bytes)", c->remote,
                   evbuffer_get_length(out));
        conn_close(c);
    }
}

static void apply_end(cube_http_stream_t *st)
{
    conn_t *c = st->conn;
    if (c) {
        c->stream = NULL;
        st->conn = NULL;
        atomic_store(&st->closed, true);
        if (st->chunked) {
            evbuffer_add(bufferevent_get_output(c->bev), "0\r\n\r\n", 5);
        } else {
            c->no_more = true; /* an HTTP/1.0 stream ends with the connection */
        }
        struct timeval idle = {IDLE_TIMEOUT_SEC, 0};
        bufferevent_set_timeouts(c->bev, &idle, NULL);
        stream_unref(st); /* the connection side */
        conn_request_done(c);
    }
    stream_unref(st); /* the owner's */
}

/* ---- connections -------------------------------------------------------- */

static void fail_conn(conn_t *c, int status)
{
    req_free(c->cur);
    c->cur = NULL;
    c->no_more = true;
    c->closing = true;
    const char *text = cube_http_status_text(status);
    char buf[256];
    int n = snprintf(buf, sizeof(buf),
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%d %s",
                     status, text, strlen(text) + 4, status, text);
    evbuffer_add(bufferevent_get_output(c->bev), buf, (size_t)n);
}

static void dispatch(conn_t *c)
{
    cube_http_req_t *req = c->ready;
    c->ready = NULL;
    c->active = req;
    req->conn = c;
    cube_http_server_t *srv = c->t->srv;
    srv->handler(req, srv->userdata);
}

static const http_parser_settings parser_settings;

/* Parses what has arrived, one request at a time: the parser pauses at the
 * end of each request and stays idle while that request is being answered.
 * May free c (a connection that is closing and has nothing left to send). */
static void process_input(conn_t *c)
{
    c->in_input = true;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    while (!c->active && !c->stream && !c->no_more && !c->closing) {
        struct evbuffer_iovec v;
        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0)
            break;
        size_t done = http_parser_execute(&c->parser, &parser_settings, v.iov_base, v.iov_len);
        evbuffer_drain(in, done);
        enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
        if (e == HPE_PAUSED) {
            http_parser_pause(&c->parser, 0);
        } else if (e != HPE_OK) {
            cube_log_v(4, "http: bad request from %s: %s", c->remote, http_errno_name(e));
            fail_conn(c, e == HPE_HEADER_OVERFLOW ? 431 : 400);
            break;
        }
        if (c->ready)
            dispatch(c);
        else if (done == 0)
            break;
    }
    c->in_input = false;
    /* Closing with nothing left to flush: no write callback will come. */
    if (c->closing && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
        conn_close(c);
}

static void conn_close(conn_t *c)
{
    io_thread_t *t = c->t;
    if (c->prev)
        c->prev->next = c->next;
    else
        t->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->active)
        c->active->conn = NULL; /* freed when answered */
    req_free(c->cur);
    req_free(c->ready);
    cube_http_stream_t *st = c->stream;
    c->stream = NULL;
    if (st) {
        st->conn = NULL;
        stream_closed(st, true);
    }
    cube_http_peer_unref(c->peer);
    if (c->ssl && SSL_is_init_finished(c->ssl)) {
        /* A close_notify after a complete answer (best effort); otherwise a
         * quiet close that still keeps the session resumable. */
        if (c->closing)
            SSL_shutdown(c->ssl);
        else
            SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    }
    bufferevent_free(c->bev);
    free(c);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    if (!c->in_input)
        process_input(c);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
    conn_t *c = arg;
    if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        conn_close(c);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
    conn_t *c = arg;
    if (what & BEV_EVENT_CONNECTED)
        return;
    if (what & BEV_EVENT_ERROR)
        cube_log_v(5, "http: connection %s error: %s", c->remote,
                   evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
    conn_close(c);
}

static void conn_new(io_thread_t *t, int fd, const char *remote)
{
    cube_http_server_t *srv = t->srv;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    conn_t *c = xcalloc(1, sizeof(*c));
    c->t = t;
    snprintf(c->remote, sizeof(c->remote), "%s", remote);
    int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
    if (srv->ssl_ctx) {
        c->ssl = SSL_new(srv->ssl_ctx);
        if (!c->ssl) {
            close(fd);
            free(c);
            return;
        }
        c->bev =
            bufferevent_openssl_socket_new(t->base, fd, c->ssl, BUFFEREVENT_SSL_ACCEPTING, opts);
        if (c->bev)
            bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    } else {
        c->bev = bufferevent_socket_new(t->base, fd, opts);
    }
    if (!c->bev) {
        if (c->ssl)
            SSL_free(c->ssl);
        close(fd);
        free(c);
        return;
    }
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    c->next = t->conns;
    if (t->conns)
        t->conns->prev = c;
    t->conns = c;
    bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
    bufferevent_setwatermark(c->bev, EV_READ, 0, READ_HIGH_WATER);
    struct timeval idle = {IDLE_TIMEOUT_SEC, 0};
    bufferevent_set_timeouts(c->bev, &idle, NULL);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void format_remote(const struct sockaddr *sa, char *out, size_t outlen)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(out, outlen, "%s:%d", ip, ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        snprintf(out, outlen, "[%s]:%d", ip, ntohs(in6->sin6_port));
    } else {
        snprintf(out, outlen, "unknown");
    }
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                      void *arg)
{
    io_thread_t *t = arg;
    cube_http_server_t *srv = t->srv;
    char remote[64];
    format_remote(sa, remote, sizeof(remote));
    io_thread_t *to = t;
    if (!srv->reuseport)
        to = &srv->threads[atomic_fetch_add_explicit(&srv->rr, 1, memory_order_relaxed) %
                           (unsigned)srv->nthreads];
    if (to == t) {
        conn_new(t, fd, remote);
        return;
    }
    op_t *op = op_new(OP_ACCEPT);
    op->fd = fd;
    op->remote = xstrdup(remote);
    enqueue(to, op);
}

static void accept_error_cb(struct evconnlistener *l, void *arg)
{
    int e = EVUTIL_SOCKET_ERROR();
    cube_log_v(2, "http: accept: %s", evutil_socket_error_to_string(e));
}

/* ---- the parser's callbacks --------------------------------------------- */

static int on_message_begin(http_parser *p)
{
    conn_t *c = p->data;
    req_free(c->cur);
    c->cur = req_new(c);
    c->hs = HS_NONE;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    cube_buf_append(&c->cur->url, at, len);
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    cube_http_req_t *r = c->cur;
    if (c->hs != HS_FIELD) {
        if (c->hs == HS_VALUE)
            cube_buf_putc(&r->hdrbuf, '\0');
        if (r->nhdrs == r->caphdrs) {
            r->caphdrs = r->caphdrs ? r->caphdrs * 2 : 16;
            r->hdrs = xrealloc(r->hdrs, r->caphdrs * sizeof(*r->hdrs));
        }
        r->hdrs[r->nhdrs++] = (hdr_t){.name = r->hdrbuf.len};
        c->hs = HS_FIELD;
    }
    cube_buf_append(&r->hdrbuf, at, len);
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    cube_http_req_t *r = c->cur;
    if (c->hs == HS_FIELD) {
        cube_buf_putc(&r->hdrbuf, '\0');
        r->hdrs[r->nhdrs - 1].value = r->hdrbuf.len;
        c->hs = HS_VALUE;
    }
    cube_buf_append(&r->hdrbuf, at, len);
    return 0;
}

/* Splits the request target into the decoded path and the raw query. */
static int split_url(cube_http_req_t *r)
{
    struct http_parser_url u;
    http_parser_url_init(&u);
    const char *url = r->url.data ? r->url.data : "";
    if (http_parser_parse_url(url, r->url.len, 0, &u) != 0) {
        if (strcmp(url, "*") != 0)
            return -1;
        r->path = xstrdup("*");
        r->query = xstrdup("");
        return 0;
    }
    if (u.field_set & (1 << UF_PATH))
        r->path = cube_http_unescape(url + u.field_data[UF_PATH].off, u.field_data[UF_PATH].len);
    else
        r->path = xstrdup("/");
    if (!r->path)
        return -1;
    if (u.field_set & (1 << UF_QUERY))
        r->query = xstrndup(url + u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len);
    else
        r->query = xstrdup("");
    return 0;
}

/* The request goes to the handler without its body; nothing after it is read. */
static void too_large(conn_t *c)
{
    cube_http_req_t *r = c->cur;
    r->too_large = true;
    r->keep_alive = false;
    cube_buf_clear(&r->body);
    c->no_more = true;
    c->ready = r;
    c->cur = NULL;
    http_parser_pause(&c->parser, 1);
}

static int on_headers_complete(http_parser *p)
{
    conn_t *c = p->data;
    cube_http_req_t *r = c->cur;
    if (c->hs == HS_FIELD) { /* a last header without a value */
        cube_buf_putc(&r->hdrbuf, '\0');
        r->hdrs[r->nhdrs - 1].value = r->hdrbuf.len;
    }
    cube_buf_putc(&r->hdrbuf, '\0');
    c->hs = HS_NONE;
    if (split_url(r) < 0)
        return -1;
    r->method = http_method_str(p->method);
    r->is_head = p->method == HTTP_HEAD;
    r->http10 = p->http_major == 1 && p->http_minor == 0;
    r->keep_alive = http_should_keep_alive(p);
    size_t max = c->t->srv->max_body;
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > max) {
        too_large(c);
        return 0;
    }
    if (p->flags & F_CONTENTLENGTH)
        cube_buf_reserve(&r->body, p->content_length);
    const char *expect = cube_http_req_header(r, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && !r->http10)
        evbuffer_add(bufferevent_get_output(c->bev), "HTTP/1.1 100 Continue\r\n\r\n", 25);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    cube_http_req_t *r = c->cur;
    if (!r)
        return 0;
    if (r->body.len + len > c->t->srv->max_body) {
        too_large(c);
        return 0;
    }
    cube_buf_append(&r->body, at, len);
    return 0;
}

static int on_message_complete(http_parser *p)
{
    conn_t *c = p->data;
    cube_http_req_t *r = c->cur;
    if (!r)
        return 0;
    if (!http_should_keep_alive(p) || p->upgrade)
        r->keep_alive = false;
    if (!r->keep_alive)
        c->no_more = true;
    c->ready = r;
    c->cur = NULL;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- running operations ------------------------------------------------- */

static void op_stop(io_thread_t *t)
{
    t->stopping = true;
    if (t->listener) {
        evconnlistener_free(t->listener);
        t->listener = NULL;
    }
    while (t->conns)
        conn_close(t->conns);
    pthread_mutex_lock(&t->mu);
    t->dead = true;
    op_t *list = t->head;
    t->head = t->tail = NULL;
    pthread_mutex_unlock(&t->mu);
    while (list) {
        op_t *op = list;
        list = op->next;
        op_run(t, op, true);
    }
    event_base_loopbreak(t->base);
}

/* Applies op; io is false when it runs outside the (stopped) I/O thread. */
static void op_run(io_thread_t *t, op_t *op, bool io)
{
    switch (op->kind) {
    case OP_ACCEPT:
        if (io && !t->stopping)
            conn_new(t, TAKE_FD(op->fd), op->remote);
        else
            close(TAKE_FD(op->fd));
        break;
    case OP_RESPOND:
        apply_respond(op->req, &op->head, op->body);
        break;
    case OP_START:
        apply_start(op->st, &op->head, io);
        break;
    case OP_WRITE:
        apply_write(op->st, op->body);
        break;
    case OP_END:
        apply_end(op->st);
        break;
    case OP_STOP:
        op_stop(t);
        break;
    }
    op_free(op);
}

/* ---- threads and listeners ---------------------------------------------- */

static void *io_main(void *arg)
{
    io_thread_t *t = arg;
    cube_http_server_t *srv = t->srv;
    pthread_mutex_lock(&srv->ready_mu);
    t->self = pthread_self();
    srv->ready++;
    pthread_cond_broadcast(&srv->ready_cv);
    pthread_mutex_unlock(&srv->ready_mu);
    event_base_loop(t->base, EVLOOP_NO_EXIT_ON_EMPTY);
    /* Let freed bufferevents finish their deferred cleanup, then go. */
    event_base_loop(t->base, EVLOOP_NONBLOCK);
    event_free(t->wake);
    event_base_free(t->base);
    return NULL;
}

static int listen_socket(const struct addrinfo *ai, int port, bool reuseport, cube_err_t *err)
{
    struct sockaddr_storage ss;
    memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    if (ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
    _cleanup_close_ int fd =
        socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0)
        return cube_err_errno(err, errno, "socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
        return cube_err_errno(err, errno, "SO_REUSEPORT");
    if (bind(fd, (struct sockaddr *)&ss, ai->ai_addrlen) < 0)
        return cube_err_errno(err, errno, "bind port %d", port);
    if (listen(fd, LISTEN_BACKLOG) < 0)
        return cube_err_errno(err, errno, "listen");
    return TAKE_FD(fd);
}

static int bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void init_once(void)
{
    /* A peer that resets mid-write must be an EPIPE, not the end of the
     * process (libevent and OpenSSL's socket BIO use plain write()). */
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
    evthread_use_pthreads();
    http_parser_set_max_header_size(MAX_HEADER_BYTES);
}

static int cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cube_http_server_start(const cube_http_server_config_t *cfg, cube_http_server_t **ret,
                           cube_err_t *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
    if (!cfg->handler)
        return cube_err_internal(err, "http server: no handler");

    cube_http_server_t *srv = xcalloc(1, sizeof(*srv));
    atomic_init(&srv->refs, 1);
    srv->handler = cfg->handler;
    srv->userdata = cfg->userdata;
    srv->max_body = cfg->max_body ? cfg->max_body : DEFAULT_MAX_BODY;
    srv->max_backlog = cfg->max_stream_backlog ? cfg->max_stream_backlog : DEFAULT_BACKLOG;
    srv->nthreads = cfg->threads > 0 ? cfg->threads : cpu_count();
    const char *mode = getenv("CUBE_HTTP_ACCEPT"); /* benchmark knob: "rr" or "reuseport" */
    srv->reuseport = mode && strcmp(mode, "reuseport") == 0;
    pthread_mutex_init(&srv->ready_mu, NULL);
    pthread_cond_init(&srv->ready_cv, NULL);
    srv->threads = xcalloc((size_t)srv->nthreads, sizeof(*srv->threads));
    for (int i = 0; i < srv->nthreads; i++)
        pthread_mutex_init(&srv->threads[i].mu, NULL);

    if (cfg->tls && cube_http_tls_ctx_new(cfg, &srv->ssl_ctx, err) < 0) {
        srv_unref(srv);
        return -1;
    }

    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    const char *addr = cfg->address && cfg->address[0] ? cfg->address : NULL;
    int gai = getaddrinfo(addr, "0", &hints, &ai);
    if (gai != 0) {
        cube_err_internal(err, "resolving listen address \"%s\": %s", addr ? addr : "",
                          gai_strerror(gai));
        srv_unref(srv);
        return -1;
    }
    int nlisteners = srv->reuseport ? srv->nthreads : 1;
    int port = cfg->port;
    int rc = 0;
    if (srv->reuseport && ai) {
        /* SO_REUSEPORT would let us join another process's group on a taken
         * port: claim (or pick) the port alone first, then bind the group. */
        int probe = listen_socket(ai, port, false, err);
        if (probe < 0) {
            cube_err_prefix(err, "listening on %s", addr ? addr : "*");
            rc = -1;
        } else {
            port = bound_port(probe);
            close(probe);
        }
    }
    for (int i = 0; i < srv->nthreads && rc == 0; i++) {
        io_thread_t *t = &srv->threads[i];
        t->srv = srv;
        t->base = event_base_new();
        if (!t->base) {
            rc = cube_err_internal(err, "creating event loop");
            break;
        }
        t->wake = event_new(t->base, -1, 0, wake_cb, t);
        if (i >= nlisteners)
            continue;
        int fd = listen_socket(ai, port, srv->reuseport, err);
        if (fd < 0) {
            cube_err_prefix(err, "listening on %s", addr ? addr : "*");
            rc = -1;
            break;
        }
        if (port == 0)
            port = bound_port(fd);
        t->listener = evconnlistener_new(t->base, accept_cb, t,
                                         LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
        if (!t->listener) {
            close(fd);
            rc = cube_err_internal(err, "creating listener");
            break;
        }
        evconnlistener_set_error_cb(t->listener, accept_error_cb);
    }
    freeaddrinfo(ai);
    srv->port = port;
    int started = 0;
    for (int i = 0; i < srv->nthreads && rc == 0; i++) {
        int e = pthread_create(&srv->threads[i].tid, NULL, io_main, &srv->threads[i]);
        if (e != 0) {
            rc = cube_err_errno(err, e, "starting I/O thread");
            break;
        }
        started++;
    }
    pthread_mutex_lock(&srv->ready_mu);
    while (srv->ready < started)
        pthread_cond_wait(&srv->ready_cv, &srv->ready_mu);
    pthread_mutex_unlock(&srv->ready_mu);
    if (rc < 0) {
        for (int i = 0; i < srv->nthreads; i++) {
            io_thread_t *t = &srv->threads[i];
            if (i < started) {
                enqueue(t, op_new(OP_STOP));
                pthread_join(t->tid, NULL);
                continue;
            }
            if (t->listener)
                evconnlistener_free(t->listener);
            if (t->wake)
                event_free(t->wake);
            if (t->base)
                event_base_free(t->base);
        }
        srv_unref(srv);
        return -1;
    }
    *ret = srv;
    return 0;
}

int cube_http_server_port(const cube_http_server_t *srv)
{
    return srv->port;
}

void cube_http_server_stop(cube_http_server_t *srv)
{
    if (!srv)
        return;
    for (int i = 0; i < srv->nthreads; i++)
        enqueue(&srv->threads[i], op_new(OP_STOP));
    for (int i = 0; i < srv->nthreads; i++)
        pthread_join(srv->threads[i].tid, NULL);
    srv_unref(srv);
}

/* ---- request accessors -------------------------------------------------- */

const char *cube_http_req_method(const cube_http_req_t *req)
{
    return req->method;
}

const char *cube_http_req_path(const cube_http_req_t *req)
{
    return req->path;
}

const char *cube_http_req_query(const cube_http_req_t *req)
{
    return req->query ? req->query : "";
}

const char *cube_http_req_header(const cube_http_req_t *req, const char *name)
{
    for (size_t i = 0; i < req->nhdrs; i++)
        if (strcasecmp(req->hdrbuf.data + req->hdrs[i].name, name) == 0)
            return req->hdrbuf.data + req->hdrs[i].value;
    return NULL;
}

size_t cube_http_req_headers(const cube_http_req_t *req, const char *name, const char **out,
                             size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < req->nhdrs && n < max; i++)
        if (strcasecmp(req->hdrbuf.data + req->hdrs[i].name, name) == 0)
            out[n++] = req->hdrbuf.data + req->hdrs[i].value;
    return n;
}

const char *cube_http_req_body(const cube_http_req_t *req, size_t *ret_len)
{
    if (ret_len)
        *ret_len = req->body.len;
    return req->body.data ? req->body.data : "";
}

bool cube_http_req_body_too_large(const cube_http_req_t *req)
{
    return req->too_large;
}

const char *cube_http_req_remote(const cube_http_req_t *req)
{
    return req->remote;
}

const char *cube_http_req_peer_cn(const cube_http_req_t *req)
{
    return req->peer ? req->peer->cn : NULL;
}

size_t cube_http_req_peer_orgs(const cube_http_req_t *req, const char *const **ret_orgs)
{
    static const char *const none[] = {NULL};
    if (!req->peer || req->peer->norgs == 0) {
        if (ret_orgs)
            *ret_orgs = none;
        return 0;
    }
    if (ret_orgs)
        *ret_orgs = (const char *const *)req->peer->orgs;
    return req->peer->norgs;
}

void cube_http_req_set_data(cube_http_req_t *req, void *data)
{
    req->data = data;
}

void *cube_http_req_get_data(const cube_http_req_t *req)
{
    return req->data;
}

/* ---- answering ---------------------------------------------------------- */

void cube_http_respond(cube_http_req_t *req, int status, const char *content_type,
                       const char *const *headers, cube_bytes_t *body)
{
    cube_buf_t head = CUBE_BUF_INIT;
    format_head(&head, req, status, content_type, headers);
    cube_buf_printf(&head, "Content-Length: %zu\r\n", body ? body->len : 0);
    if (!req->keep_alive)
        cube_buf_puts(&head, "Connection: close\r\n");
    else if (req->http10)
        cube_buf_puts(&head, "Connection: keep-alive\r\n");
    cube_buf_puts(&head, "\r\n");
    if (on_thread(req->t)) {
        apply_respond(req, &head, body);
        cube_buf_clear(&head);
        cube_bytes_unref(body);
        return;
    }
    op_t *op = op_new(OP_RESPOND);
    op->req = req;
    op->head = head;
    op->body = body;
    enqueue(req->t, op);
}

cube_http_stream_t *cube_http_stream_start(cube_http_req_t *req, int status,
                                           const char *content_type, const char *const *headers,
                                           cube_http_stream_close_fn on_close, void *userdata)
{
    cube_http_stream_t *st = xcalloc(1, sizeof(*st));
    atomic_init(&st->refs, 2);
    st->req = req;
    st->t = req->t;
    st->chunked = !req->http10;
    st->on_close = on_close;
    st->userdata = userdata;
    cube_buf_t head = CUBE_BUF_INIT;
    format_head(&head, req, status, content_type, headers);
    cube_buf_puts(&head, st->chunked ? "Transfer-Encoding: chunked\r\n" : "Connection: close\r\n");
    cube_buf_puts(&head, "\r\n");
    if (on_thread(req->t)) {
        /* The caller holds no pointer to st yet: no on_close from in here. */
        apply_start(st, &head, false);
        cube_buf_clear(&head);
        return st;
    }
    op_t *op = op_new(OP_START);
    op->st = st;
    op->head = head;
    enqueue(req->t, op);
    return st;
}

int cube_http_stream_write(cube_http_stream_t *st, cube_bytes_t *chunk)
{
    if (atomic_load(&st->closed)) {
        cube_bytes_unref(chunk);
        return -1;
    }
    if (!chunk || chunk->len == 0) {
        cube_bytes_unref(chunk);
        return 0;
    }
    op_t *op = op_new(OP_WRITE);
    op->st = st;
    op->body = chunk;
    enqueue(st->t, op);
    return 0;
}

void cube_http_stream_end(cube_http_stream_t *st)
{
    if (!st)
        return;
    atomic_store(&st->ended, true);
    if (atomic_load(&st->closed)) {
        stream_unref(st);
        return;
    }
    op_t *op = op_new(OP_END);
    op->st = st;
    enqueue(st->t, op);
}

bool cube_http_stream_closed(const cube_http_stream_t *st)
{
    return atomic_load(&((cube_http_stream_t *)st)->closed);
}
