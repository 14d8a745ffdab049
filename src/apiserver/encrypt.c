/*
 * Encryption at rest (--encryption-provider-config): Kubernetes' EncryptionConfiguration
 * (apiserver.config.k8s.io/v1) read into a store transformer, so that the values of the
 * resources it names (secrets, configmaps, "*.apps", "*.*") reach SQLite encrypted and
 * come back decrypted for the cache and every reader. Providers, as Kubernetes writes them:
 *   aescbc   "k8s:enc:aescbc:v1:<key name>:" + IV (16) + AES-CBC with PKCS#7 padding
 *   aesgcm   "k8s:enc:aesgcm:v1:<key name>:" + nonce (12) + AES-GCM ciphertext + tag (16),
 *            the storage key as additional data
 *   identity the value as it is
 * The first provider of a resource's entry writes; every provider reads, chosen by the
 * value's prefix (identity: values without one). Keys rotate by putting the new key first
 * and rewriting the objects (`kubectl get secrets -A -o json | kubectl replace -f -`).
 * A value no provider can read is an InternalError, as in Kubernetes.
 */
#include "apiserver/internal.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

typedef enum { P_IDENTITY, P_AESCBC, P_AESGCM } ptype_t;

typedef struct pkey {
    char *name;
    unsigned char secret[32];
    int len; /* 16, 24 or 32 */
} pkey_t;

typedef struct provider {
    ptype_t type;
    pkey_t *keys; /* aescbc/aesgcm: the first encrypts, all decrypt */
    size_t nkeys;
} provider_t;

typedef struct rule {
    char **prefixes; /* storage key prefixes ("" = every resource) */
    size_t nprefixes;
    provider_t *providers;
    size_t nproviders;
} rule_t;

struct cube_encryption {
    rule_t *rules;
    size_t nrules;
    cube_store_transformer_t xform;
};

static const char *const names[] = {"identity", "aescbc", "aesgcm"};

/* The rule for key (the first whose resources name it), or NULL. */
static const rule_t *rule_for(const cube_encryption_t *e, const char *key)
{
    for (size_t i = 0; i < e->nrules; i++)
        for (size_t j = 0; j < e->rules[i].nprefixes; j++)
            if (!strncmp(key, e->rules[i].prefixes[j], strlen(e->rules[i].prefixes[j])))
                return &e->rules[i];
    return NULL;
}

static const EVP_CIPHER *cipher(ptype_t t, int len)
{
    if (t == P_AESCBC)
        return len == 16 ? EVP_aes_128_cbc() : len == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
    return len == 16 ? EVP_aes_128_gcm() : len == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
}

static int seal(const provider_t *p, const char *key, const void *in, size_t len,
                cube_bytes_t **out, cube_err_t *err)
{
    const pkey_t *k = &p->keys[0];
    cube_buf_t b = CUBE_BUF_INIT;
    cube_buf_printf(&b, "k8s:enc:%s:v1:%s:", names[p->type], k->name);
    size_t ivlen = p->type == P_AESCBC ? 16 : 12;
    unsigned char iv[16];
    RAND_bytes(iv, (int)ivlen);
    cube_buf_append(&b, iv, ivlen);
    cube_buf_reserve(&b, len + 32);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, n2 = 0, ok = c && EVP_EncryptInit_ex(c, cipher(p->type, k->len), NULL, NULL, NULL);
    if (ok && p->type == P_AESGCM)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL);
    ok = ok && EVP_EncryptInit_ex(c, NULL, NULL, k->secret, iv);
    if (ok && p->type == P_AESGCM)
        ok = EVP_EncryptUpdate(c, NULL, &n, (const unsigned char *)key, (int)strlen(key));
    unsigned char *dst = (unsigned char *)b.data + b.len;
    ok = ok && EVP_EncryptUpdate(c, dst, &n, in, (int)len);
    ok = ok && EVP_EncryptFinal_ex(c, dst + n, &n2);
    b.len += (size_t)(n + n2);
    if (ok && p->type == P_AESGCM) {
        cube_buf_reserve(&b, 16);
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, b.data + b.len);
        b.len += 16;
    }
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        cube_buf_clear(&b);
        return cube_err_internal(err, "encrypting %s: OpenSSL failed", key);
    }
    *out = cube_bytes_from_buf(&b);
    return 0;
}

static int open_value(ptype_t t, const pkey_t *k, const char *key, const unsigned char *in,
                      size_t len, cube_bytes_t **out, cube_err_t *err)
{
    size_t ivlen = t == P_AESCBC ? 16 : 12, taglen = t == P_AESGCM ? 16 : 0;
    if (len < ivlen + taglen)
        return cube_err_internal(err, "decrypting %s: value too short", key);
    const unsigned char *iv = in, *ct = in + ivlen;
    size_t ctlen = len - ivlen - taglen;
    unsigned char *plain = xmalloc(ctlen + 32);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, n2 = 0, ok = c && EVP_DecryptInit_ex(c, cipher(t, k->len), NULL, NULL, NULL);
    if (ok && t == P_AESGCM)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)ivlen, NULL);
    ok = ok && EVP_DecryptInit_ex(c, NULL, NULL, k->secret, iv);
    if (ok && t == P_AESGCM)
        ok = EVP_DecryptUpdate(c, NULL, &n, (const unsigned char *)key, (int)strlen(key));
    ok = ok && EVP_DecryptUpdate(c, plain, &n, ct, (int)ctlen);
    if (ok && t == P_AESGCM)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)(ct + ctlen));
    ok = ok && EVP_DecryptFinal_ex(c, plain + n, &n2);
    EVP_CIPHER_CTX_free(c);
    if (!ok) {
        free(plain);
        return cube_err_internal(err, "decrypting %s with key %s: the value does not decrypt", key,
                                 k->name);
    }
    *out = cube_bytes_new((char *)plain, (size_t)(n + n2));
    free(plain);
    return 0;
}

static int to_storage(void *ud, const char *key, const void *value, size_t len, cube_bytes_t **out,
                      cube_err_t *err)
{
    const rule_t *r = rule_for(ud, key);
    if (!r || r->providers[0].type == P_IDENTITY)
        return 0;
    return seal(&r->providers[0], key, value, len, out, err);
}

static int from_storage(void *ud, const char *key, const cube_bytes_t *value, cube_bytes_t **out,
                        cube_err_t *err)
{
    const rule_t *r = rule_for(ud, key);
    bool sealed = value->len > 8 && !memcmp(value->data, "k8s:enc:", 8);
    if (!sealed) {
        /* plain JSON: read by identity; without it Kubernetes refuses too */
        for (size_t i = 0; r && i < r->nproviders; i++)
            if (r->providers[i].type == P_IDENTITY)
                return 0;
        if (!r)
            return 0;
        return cube_err_internal(err, "no matching prefix found for %s (identity is not listed)",
                                 key);
    }
    for (size_t i = 0; r && i < r->nproviders; i++) {
        const provider_t *p = &r->providers[i];
        if (p->type == P_IDENTITY)
            continue;
        for (size_t j = 0; j < p->nkeys; j++) {
            char prefix[300];
            int pl = snprintf(prefix, sizeof(prefix), "k8s:enc:%s:v1:%s:", names[p->type],
                              p->keys[j].name);
            if (pl <= 0 || (size_t)pl > value->len || memcmp(value->data, prefix, (size_t)pl))
                continue;
            return open_value(p->type, &p->keys[j], key, (const unsigned char *)value->data + pl,
                              value->len - (size_t)pl, out, err);
        }
    }
    return cube_err_internal(err, "no key to decrypt %s (stored as %.*s)", key,
                             (int)strcspn(value->data + 8, ":") + 8, value->data);
}

static bool stale(void *ud, const char *key, const cube_bytes_t *stored)
{
    const rule_t *r = rule_for(ud, key);
    if (!r)
        return false;
    bool sealed = stored->len > 8 && !memcmp(stored->data, "k8s:enc:", 8);
    const provider_t *p = &r->providers[0];
    if (p->type == P_IDENTITY)
        return sealed;
    char prefix[300];
    int pl = snprintf(prefix, sizeof(prefix), "k8s:enc:%s:v1:%s:", names[p->type], p->keys[0].name);
    return !sealed || (size_t)pl > stored->len || memcmp(stored->data, prefix, (size_t)pl);
}

/* "secrets" -> the storage prefix of secrets, "deployments.apps" -> of deployments, "*.*" ->
 * "" (everything). */
static int resource_prefix(const char *res, char **ret, cube_err_t *err)
{
    if (!strcmp(res, "*.*")) {
        *ret = xstrdup("");
        return 0;
    }
    const char *dot = strchr(res, '.');
    _cleanup_free_ char *plural = dot ? xstrndup(res, (size_t)(dot - res)) : xstrdup(res);
    const char *group = dot ? dot + 1 : "";
    if (!strcmp(plural, "*"))
        return cube_err_badrequest(err,
                                   "resource \"%s\": whole groups are not supported yet "
                                   "(name the resources, or \"*.*\")",
                                   res);
    size_t n = 0;
    const cube_resource_t *const *all = cube_api_resources(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i]->group, group) || strcmp(all[i]->plural, plural))
            continue;
        *ret = cube_key(all[i], NULL, NULL);
        return 0;
    }
    return cube_err_badrequest(err, "resource \"%s\" is not served", res);
}

static int parse_provider(const char *type, const json_t *body, provider_t *p, cube_err_t *err)
{
    if (!strcmp(type, "identity")) {
        p->type = P_IDENTITY;
        return 0;
    }
    if (strcmp(type, "aescbc") && strcmp(type, "aesgcm"))
        return cube_err_badrequest(err, "provider %s is not supported (aescbc, aesgcm, identity)",
                                   type);
    p->type = !strcmp(type, "aescbc") ? P_AESCBC : P_AESGCM;
    json_t *keys = json_object_get(body, "keys");
    p->nkeys = json_array_size(keys);
    if (!p->nkeys)
        return cube_err_badrequest(err, "provider %s: keys: at least one key is required", type);
    p->keys = xcalloc(p->nkeys, sizeof(*p->keys));
    for (size_t i = 0; i < p->nkeys; i++) {
        json_t *k = json_array_get(keys, i);
        const char *name = cube_json_str(k, "name", NULL),
                   *secret = cube_json_str(k, "secret", NULL);
        if (!name || !*name || !secret)
            return cube_err_badrequest(err, "provider %s: key %zu: name and secret are required",
                                       type, i);
        p->keys[i].name = xstrdup(name);
        unsigned char raw[64];
        int n = EVP_DecodeBlock(raw, (const unsigned char *)secret, (int)strlen(secret));
        size_t sl = strlen(secret);
        if (n > 0 && sl >= 2 && secret[sl - 1] == '=')
            n -= secret[sl - 2] == '=' ? 2 : 1;
        if (n != 16 && n != 24 && n != 32)
            return cube_err_badrequest(err,
                                       "provider %s: key %s: secret must be the base64 of 16, 24 "
                                       "or 32 bytes",
                                       type, name);
        memcpy(p->keys[i].secret, raw, (size_t)n);
        p->keys[i].len = n;
    }
    return 0;
}

void cube_encryption_free(cube_encryption_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nrules; i++) {
        rule_t *r = &e->rules[i];
        for (size_t j = 0; j < r->nprefixes; j++)
            free(r->prefixes[j]);
        free(r->prefixes);
        for (size_t j = 0; j < r->nproviders; j++) {
            for (size_t k = 0; k < r->providers[j].nkeys; k++) {
                free(r->providers[j].keys[k].name);
                OPENSSL_cleanse(r->providers[j].keys[k].secret, 32);
            }
            free(r->providers[j].keys);
        }
        free(r->providers);
    }
    free(e->rules);
    free(e);
}

int cube_encryption_load(const char *path, cube_encryption_t **ret, cube_err_t *err)
{
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    if (cube_file_read(path, &data, &len, err) < 0)
        return -1;
    json_auto_t *doc = NULL;
    if (cube_yaml_decode(data, len, &doc, err) < 0) {
        cube_err_prefix(err, "encryption provider config %s", path);
        return -1;
    }
    if (strcmp(cube_json_str(doc, "kind", NULL) ?: "", "EncryptionConfiguration"))
        return cube_err_badrequest(err, "%s: kind must be EncryptionConfiguration", path);
    cube_encryption_t *e = xcalloc(1, sizeof(*e));
    json_t *rules = json_object_get(doc, "resources");
    e->nrules = json_array_size(rules);
    e->rules = xcalloc(e->nrules ? e->nrules : 1, sizeof(*e->rules));
    for (size_t i = 0; i < e->nrules; i++) {
        json_t *rj = json_array_get(rules, i);
        rule_t *r = &e->rules[i];
        json_t *res = json_object_get(rj, "resources");
        json_t *prov = json_object_get(rj, "providers");
        r->nprefixes = json_array_size(res);
        r->prefixes = xcalloc(r->nprefixes ? r->nprefixes : 1, sizeof(char *));
        r->nproviders = json_array_size(prov);
        r->providers = xcalloc(r->nproviders ? r->nproviders : 1, sizeof(*r->providers));
        if (!r->nprefixes || !r->nproviders) {
            cube_encryption_free(e);
            return cube_err_badrequest(err,
                                       "%s: resources[%zu]: resources and providers are "
                                       "required",
                                       path, i);
        }
        for (size_t j = 0; j < r->nprefixes; j++) {
            const char *name = json_string_value(json_array_get(res, j)) ?: "";
            if (resource_prefix(name, &r->prefixes[j], err) < 0) {
                cube_encryption_free(e);
                cube_err_prefix(err, "%s", path);
                return -1;
            }
        }
        for (size_t j = 0; j < r->nproviders; j++) {
            const char *type;
            json_t *body;
            json_object_foreach(json_array_get(prov, j), type, body)
            {
                if (parse_provider(type, body, &r->providers[j], err) < 0) {
                    cube_encryption_free(e);
                    cube_err_prefix(err, "%s", path);
                    return -1;
                }
                break;
            }
        }
    }
    e->xform = (cube_store_transformer_t){
        .to_storage = to_storage, .from_storage = from_storage, .stale = stale, .ud = e};
    *ret = e;
    return 0;
}

const cube_store_transformer_t *cube_encryption_transformer(const cube_encryption_t *e)
{
    return &e->xform;
}
