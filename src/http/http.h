/*
 * http: the HTTP/1.1 server every cube component serves from (API server,
 * later the kubelet's :10250), on libevent bufferevents with OpenSSL for TLS
 * and http-parser for parsing (the choice and its measurements:
 * docs/design/http.md).
 *
 * Model: N I/O threads, each with its own event loop, each owning the
 * connections it accepted. The handler is called on the connection's I/O
 * thread once a request's head and body are complete. The handler must not
 * block: it either answers at once (cube_http_respond) or hands the request
 * to a worker thread that answers later; the response functions may be
 * called from any thread and are marshalled to the owning I/O thread.
 * A connection serves one request at a time (keep-alive; pipelined requests
 * wait their turn).
 *
 * Streaming (watch): cube_http_stream_start() sends the head with chunked
 * encoding; cube_http_stream_write() queues chunks from any thread. A client
 * that goes away, or lets more than max_stream_backlog bytes pile up, has its
 * connection closed and the stream's on_close called on the I/O thread.
 */
#ifndef CUBE_HTTP_H
#define CUBE_HTTP_H

#include "core/core.h"

typedef struct cube_http_server cube_http_server_t;
typedef struct cube_http_req cube_http_req_t;
typedef struct cube_http_stream cube_http_stream_t;

/* Called on an I/O thread with a complete request. The request belongs to the
 * server; it stays valid until it has been answered (respond or stream end). */
typedef void (*cube_http_handler_fn)(cube_http_req_t *req, void *userdata);

typedef struct cube_http_server_config {
    const char *address; /* bind address, e.g. "0.0.0.0" or "127.0.0.1" */
    int port; /* 0 = pick a free port (see cube_http_server_port) */
    bool tls; /* false: plain HTTP (cmd/ only allows that on loopback) */
    const char *cert_file; /* PEM serving certificate (chain) */
    const char *key_file; /* PEM private key */
    const char *client_ca_file; /* optional: client certs are requested and verified against it */
    int threads; /* I/O threads; 0 = one per CPU */
    size_t max_body; /* larger bodies are not read: req_body_too_large() is true */
    size_t max_stream_backlog; /* 0 = 64 MiB */
    cube_http_handler_fn handler;
    void *userdata;
} cube_http_server_config_t;

/* Binds, starts the I/O threads. Errors: InternalError (bind, TLS setup). */
int cube_http_server_start(const cube_http_server_config_t *cfg, cube_http_server_t **ret,
                           cube_err_t *err);
/* The port actually bound. */
int cube_http_server_port(const cube_http_server_t *srv);
/* Stops accepting, closes every connection, joins the threads, frees. Accepts NULL.
 * Streams still open get their on_close; requests not yet answered are dropped. */
void cube_http_server_stop(cube_http_server_t *srv);

/* ---- request accessors: any thread, until the request is answered ------- */

const char *cube_http_req_method(const cube_http_req_t *req); /* "GET" */
const char *cube_http_req_path(const cube_http_req_t *req); /* percent-decoded path */
const char *cube_http_req_query(const cube_http_req_t *req); /* raw query, "" if none */
/* Case-insensitive header lookup; NULL if absent. */
const char *cube_http_req_header(const cube_http_req_t *req, const char *name);
/* Every value of a repeated header, in order: at most max into out; returns how many. */
size_t cube_http_req_headers(const cube_http_req_t *req, const char *name, const char **out,
                             size_t max);
const char *cube_http_req_body(const cube_http_req_t *req, size_t *ret_len);
bool cube_http_req_body_too_large(const cube_http_req_t *req);
const char *cube_http_req_remote(const cube_http_req_t *req); /* "127.0.0.1:5678" */
/* Verified client certificate: subject CN (NULL if none) and O values. */
const char *cube_http_req_peer_cn(const cube_http_req_t *req);
size_t cube_http_req_peer_orgs(const cube_http_req_t *req, const char *const **ret_orgs);
/* Per-request slot for the handler's own state (not freed by the server). */
void cube_http_req_set_data(cube_http_req_t *req, void *data);
void *cube_http_req_get_data(const cube_http_req_t *req);

/* ---- answering: exactly once per request, from any thread ---------------- */

/*
 * Sends a complete response. headers: NULL or a NULL-terminated array of
 * name, value, name, value, ... (copied). body: reference taken over (may be
 * NULL for an empty body). Content-Length is set; keep-alive honoured.
 */
void cube_http_respond(cube_http_req_t *req, int status, const char *content_type,
                       const char *const *headers, cube_bytes_t *body);

typedef void (*cube_http_stream_close_fn)(cube_http_stream_t *st, void *userdata);

/*
 * Starts a chunked streaming response. on_close (optional) runs on the I/O
 * thread when the client goes away or the server stops; the caller must still
 * call cube_http_stream_end() to release its reference. Returns the stream,
 * owned by the caller until cube_http_stream_end().
 */
cube_http_stream_t *cube_http_stream_start(cube_http_req_t *req, int status,
                                           const char *content_type, const char *const *headers,
                                           cube_http_stream_close_fn on_close, void *userdata);
/* Queues one chunk (reference taken over). Any thread. Returns -1 if the stream is closed. */
int cube_http_stream_write(cube_http_stream_t *st, cube_bytes_t *chunk);
/* Sends the terminating chunk (if still open) and releases the caller's reference.
 * Once it has returned, on_close is not called any more (an on_close already
 * running on the I/O thread at that moment may still finish). */
void cube_http_stream_end(cube_http_stream_t *st);
/* True once the client went away or the server stopped. */
bool cube_http_stream_closed(const cube_http_stream_t *st);

/* ---- small helpers ------------------------------------------------------ */

/* Looks up a query parameter (percent-decoded, '+' as space); caller frees; NULL if absent. */
char *cube_http_query_get(const char *query, const char *name);
/* Percent-decodes into a new string; NULL on a bad escape. */
char *cube_http_unescape(const char *s, size_t len);
/* The standard reason phrase of a status code ("Not Found"). */
const char *cube_http_status_text(int status);

#endif
