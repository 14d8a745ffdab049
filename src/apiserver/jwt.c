/*
 * JWT (RFC 7519) with RS256 for service-account tokens: the API server signs
 * TokenRequest tokens with the cluster's service-account key and verifies
 * every bearer token that looks like a JWT with the same key. The key id
 * ("kid") is the unpadded base64url SHA-256 of the public key's DER form, so
 * /openid/v1/jwks names the same key the tokens name, as Kubernetes does.
 *
 * Only what service-account tokens need: compact serialization, RS256,
 * claims as a JSON object. Claim checks (issuer, audience, expiry, bound
 * objects) belong to the caller (sa_token.c).
 */
#include "apiserver/internal.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct cube_jwt_key {
    EVP_PKEY *pkey;
    char kid[64];
};

/* ---- base64url ---------------------------------------------------------- */

static char *b64url(const unsigned char *in, size_t n)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = xmalloc(4 * ((n + 2) / 3) + 1), *p = out;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *p++ = tbl[v >> 18 & 63];
        *p++ = tbl[v >> 12 & 63];
        *p++ = tbl[v >> 6 & 63];
        *p++ = tbl[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        *p++ = tbl[v >> 18 & 63];
        *p++ = tbl[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *p++ = tbl[v >> 18 & 63];
        *p++ = tbl[v >> 12 & 63];
        *p++ = tbl[v >> 6 & 63];
    }
    *p = 0;
    return out;
}

static int b64url_val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Decodes n chars of unpadded base64url; NULL if malformed. */
static unsigned char *b64url_decode(const char *in, size_t n, size_t *ret_len)
{
    if (n % 4 == 1)
        return NULL;
    unsigned char *out = xmalloc(n * 3 / 4 + 3);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_val(in[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits & 0xff);
        }
    }
    *ret_len = o;
    return out;
}

/* ---- keys --------------------------------------------------------------- */

static void make_kid(cube_jwt_key_t *k)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k->pkey, &der);
    unsigned char md[32];
    unsigned int mdlen = sizeof(md);
    EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL);
    OPENSSL_free(der);
    _cleanup_free_ char *s = b64url(md, mdlen);
    snprintf(k->kid, sizeof(k->kid), "%s", s);
}

int cube_jwt_key_load(const char *pem_path, cube_jwt_key_t **ret, cube_err_t *err)
{
    _cleanup_fclose_ FILE *f = fopen(pem_path, "re");
    if (!f)
        return cube_err_internal(err, "service-account key %s: %s", pem_path, strerror(errno));
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    if (!pkey || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return cube_err_internal(err, "service-account key %s: not an RSA private key", pem_path);
    }
    cube_jwt_key_t *k = xcalloc(1, sizeof(*k));
    k->pkey = pkey;
    make_kid(k);
    *ret = k;
    return 0;
}

void cube_jwt_key_free(cube_jwt_key_t *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

const char *cube_jwt_key_id(const cube_jwt_key_t *k)
{
    return k->kid;
}

static char *bn_b64url(const EVP_PKEY *pkey, const char *param)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
        return xstrdup("");
    int n = BN_num_bytes(bn);
    unsigned char *buf = xmalloc((size_t)n + 1);
    BN_bn2bin(bn, buf);
    char *s = b64url(buf, (size_t)n);
    free(buf);
    BN_free(bn);
    return s;
}

json_t *cube_jwt_jwks(const cube_jwt_key_t *k)
{
    _cleanup_free_ char *n = bn_b64url(k->pkey, OSSL_PKEY_PARAM_RSA_N);
    _cleanup_free_ char *e = bn_b64url(k->pkey, OSSL_PKEY_PARAM_RSA_E);
    return json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:s}]}", "keys", "use", "sig", "kty", "RSA",
                     "kid", k->kid, "alg", "RS256", "n", n, "e", e);
}

/* ---- sign and verify ---------------------------------------------------- */

char *cube_jwt_sign(const cube_jwt_key_t *k, const json_t *claims)
{
    json_auto_t *hdr = json_pack("{s:s, s:s}", "alg", "RS256", "kid", k->kid);
    _cleanup_free_ char *h = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    _cleanup_free_ char *c = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER);
    _cleanup_free_ char *hb = b64url((const unsigned char *)h, strlen(h));
    _cleanup_free_ char *cb = b64url((const unsigned char *)c, strlen(c));
    _cleanup_free_ char *input = xasprintf("%s.%s", hb, cb);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t siglen = 0;
    unsigned char *sig = NULL;
    char *out = NULL;
    if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
        EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)input, strlen(input)) == 1) {
        sig = xmalloc(siglen);
        if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)input, strlen(input)) == 1) {
            _cleanup_free_ char *sb = b64url(sig, siglen);
            out = xasprintf("%s.%s", input, sb);
        }
    }
    free(sig);
    EVP_MD_CTX_free(md);
    return out;
}

int cube_jwt_verify(const cube_jwt_key_t *k, const char *token, json_t **ret_claims)
{
    const char *d1 = strchr(token, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.'))
        return -1;
    size_t hl, cl, sl;
    _cleanup_free_ unsigned char *h = b64url_decode(token, (size_t)(d1 - token), &hl);
    _cleanup_free_ unsigned char *c = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &cl);
    _cleanup_free_ unsigned char *sig = b64url_decode(d2 + 1, strlen(d2 + 1), &sl);
    if (!h || !c || !sig)
        return -1;
    json_auto_t *hdr = json_loadb((const char *)h, hl, JSON_REJECT_DUPLICATES, NULL);
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    if (!alg || strcmp(alg, "RS256"))
        return -1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
             EVP_DigestVerify(md, sig, sl, (const unsigned char *)token, (size_t)(d2 - token)) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return -1;
    json_t *claims = json_loadb((const char *)c, cl, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(claims)) {
        json_decref(claims);
        return -1;
    }
    *ret_claims = claims;
    return 0;
}

bool cube_jwt_looks_like(const char *token)
{
    const char *d1 = strchr(token, '.');
    return d1 && strchr(d1 + 1, '.') && token[0] == 'e' && token[1] == 'y';
}
