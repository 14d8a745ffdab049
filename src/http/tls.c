/*
 * TLS for the HTTP server: one OpenSSL context per server, configured the
 * way kubectl and client-go expect of a Kubernetes API server: TLS 1.2 or
 * newer, ALPN that offers only "http/1.1" (so Go clients never try h2),
 * client certificates requested and verified when a client CA is configured
 * (anonymous clients still connect), renegotiation off and a server-side
 * session cache so reconnecting clients skip the full handshake.
 */
#include "http/internal.h"

#include <openssl/err.h>
#include <openssl/x509.h>

static int tls_fail(cube_err_t *err, const char *what, const char *file)
{
    char ossl[256] = "";
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, ossl, sizeof(ossl));
    ERR_clear_error();
    return cube_err_internal(err, "%s%s%s%s: %s", what, file ? " \"" : "", file ? file : "",
                             file ? "\"" : "", ossl[0] ? ossl : "unknown OpenSSL error");
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char ours[] = "\x08http/1.1";
    unsigned char *sel = NULL;
    if (SSL_select_next_proto(&sel, outlen, ours, sizeof(ours) - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

int cube_http_tls_ctx_new(const cube_http_server_config_t *cfg, SSL_CTX **ret, cube_err_t *err)
{
    if (!cfg->cert_file || !cfg->key_file)
        return cube_err_internal(err, "TLS needs a certificate and a key file");
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return tls_fail(err, "creating TLS context", NULL);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* Idle watch connections number in the thousands: give their buffers back. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    static const unsigned char sid_ctx[] = "cube-http";
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);

    if (SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
        SSL_CTX_free(ctx);
        return tls_fail(err, "loading serving certificate", cfg->cert_file);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1) {
        SSL_CTX_free(ctx);
        return tls_fail(err, "loading serving key", cfg->key_file);
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return tls_fail(err, "serving key does not match certificate", cfg->key_file);
    }
    if (cfg->client_ca_file && cfg->client_ca_file[0]) {
        if (SSL_CTX_load_verify_locations(ctx, cfg->client_ca_file, NULL) != 1) {
            SSL_CTX_free(ctx);
            return tls_fail(err, "loading client CA", cfg->client_ca_file);
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->client_ca_file);
        if (!names) {
            SSL_CTX_free(ctx);
            return tls_fail(err, "reading client CA names", cfg->client_ca_file);
        }
        SSL_CTX_set_client_CA_list(ctx, names);
        /* Ask for a certificate, verify it if given, let anonymous clients in. */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    *ret = ctx;
    return 0;
}

static char *entry_utf8(X509_NAME *name, int idx)
{
    X509_NAME_ENTRY *e = X509_NAME_get_entry(name, idx);
    unsigned char *s = NULL;
    int n = e ? ASN1_STRING_to_UTF8(&s, X509_NAME_ENTRY_get_data(e)) : -1;
    if (n < 0)
        return NULL;
    char *r = xstrndup((const char *)s, (size_t)n);
    OPENSSL_free(s);
    return r;
}

cube_http_peer_t *cube_http_peer_from_ssl(SSL *ssl)
{
    X509 *cert = SSL_get0_peer_certificate(ssl);
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK)
        return NULL;
    X509_NAME *name = X509_get_subject_name(cert);
    cube_http_peer_t *p = xcalloc(1, sizeof(*p));
    atomic_init(&p->refs, 1);
    for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;) {
        free(p->cn);
        p->cn = entry_utf8(name, i);
    }
    size_t cap = 0;
    for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_organizationName, i)) >= 0;) {
        char *o = entry_utf8(name, i);
        if (!o)
            continue;
        if (p->norgs + 2 > cap) {
            cap = cap ? cap * 2 : 4;
            p->orgs = xrealloc(p->orgs, cap * sizeof(*p->orgs));
        }
        p->orgs[p->norgs++] = o;
        p->orgs[p->norgs] = NULL;
    }
    return p;
}

cube_http_peer_t *cube_http_peer_ref(cube_http_peer_t *p)
{
    if (p)
        atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

void cube_http_peer_unref(cube_http_peer_t *p)
{
    if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
        return;
    free(p->cn);
    for (size_t i = 0; i < p->norgs; i++)
        free(p->orgs[i]);
    free(p->orgs);
    free(p);
}
