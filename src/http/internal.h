/*
 * http/internal.h: what the files of src/http share and nobody else sees.
 *
 * tls.c builds the server's OpenSSL context (TLS 1.2+, ALPN http/1.1 only,
 * optional client certificates, no renegotiation, session cache) and reads
 * the verified client identity off a finished handshake; server.c owns the
 * event loops, connections and requests.
 */
#ifndef CUBE_HTTP_INTERNAL_H
#define CUBE_HTTP_INTERNAL_H

#include "http/http.h"

#include <openssl/ssl.h>

/*
 * The verified client certificate's identity, shared by the connection and
 * every request read from it (a request may outlive its connection).
 */
typedef struct cube_http_peer {
    atomic_int refs;
    char *cn; /* subject CN (the last one, as Go's pkix.Name does); NULL if none */
    size_t norgs;
    char **orgs; /* subject O values, in order; NULL-terminated */
} cube_http_peer_t;

/* Builds the serving context from cfg's files. Errors: InternalError. */
int cube_http_tls_ctx_new(const cube_http_server_config_t *cfg, SSL_CTX **ret, cube_err_t *err);
/* The verified peer of a finished handshake, or NULL (no certificate, or not verified). */
cube_http_peer_t *cube_http_peer_from_ssl(SSL *ssl);
cube_http_peer_t *cube_http_peer_ref(cube_http_peer_t *p);
void cube_http_peer_unref(cube_http_peer_t *p); /* accepts NULL */

#endif
