/*
 * pki: the certificates a cluster needs before its first request, made on
 * first start the way k3s and kubeadm do, so that `cube server` works with
 * no manual setup: a cluster CA, the API server's serving certificate (valid
 * for every name and address clients may use to reach it, in-cluster names
 * included), an admin client certificate in the system:masters group, the
 * service-account signing key pair, and the admin kubeconfig.
 *
 * Later starts reuse what is on disk. A serving or client certificate that no
 * longer chains to the CA, no longer matches its key, is close to expiry or
 * (serving) no longer covers the host's current names and addresses is made
 * again; the CA itself is never replaced once it exists. Keys are P-256
 * (RSA 2048 for service-account tokens, which expect RS256), PKCS#8 PEM,
 * mode 0600; every file is written atomically.
 */
#include "apiserver/internal.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CA_DAYS 3650
#define LEAF_DAYS 365
#define RENEW_BEFORE_DAYS 30 /* leaf certificates closer to expiry are made again */
#define BACKDATE_SECS 300 /* tolerate small clock skew between nodes */

static void x509_freep(X509 **p)
{
    X509_free(*p);
}
static void pkey_freep(EVP_PKEY **p)
{
    EVP_PKEY_free(*p);
}
static void bio_freep(BIO **p)
{
    BIO_free(*p);
}
#define _cleanup_x509_ _cleanup_(x509_freep)
#define _cleanup_pkey_ _cleanup_(pkey_freep)
#define _cleanup_bio_ _cleanup_(bio_freep)

/* An OpenSSL failure: the message plus the first queued OpenSSL error. */
static int ossl_err(cube_err_t *err, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    ERR_clear_error();
    return cube_err_internal(err, "%s: %s", what, buf);
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* ---- reading and writing PEM -------------------------------------------- */

static int write_bio(const char *path, BIO *bio, int mode, cube_err_t *err)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    if (len <= 0)
        return cube_err_internal(err, "encoding %s: empty PEM", path);
    return cube_file_write(path, data, (size_t)len, mode, err);
}

static int write_key(const char *path, EVP_PKEY *key, cube_err_t *err)
{
    _cleanup_bio_ BIO *bio = BIO_new(BIO_s_mem());
    if (!PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL))
        return ossl_err(err, "encoding private key");
    return write_bio(path, bio, 0600, err);
}

static int write_cert(const char *path, X509 *cert, cube_err_t *err)
{
    _cleanup_bio_ BIO *bio = BIO_new(BIO_s_mem());
    if (!PEM_write_bio_X509(bio, cert))
        return ossl_err(err, "encoding certificate");
    return write_bio(path, bio, 0644, err);
}

static int write_pub(const char *path, EVP_PKEY *key, cube_err_t *err)
{
    _cleanup_bio_ BIO *bio = BIO_new(BIO_s_mem());
    if (!PEM_write_bio_PUBKEY(bio, key))
        return ossl_err(err, "encoding public key");
    return write_bio(path, bio, 0644, err);
}

static BIO *open_file_bio(const char *path, cube_err_t *err)
{
    char *data = NULL;
    size_t len;
    if (cube_file_read(path, &data, &len, err) < 0)
        return NULL;
    /* a mem BIO over a copy that the BIO owns: freed with it */
    BIO *bio = BIO_new(BIO_s_mem());
    BIO_write(bio, data, (int)len);
    OPENSSL_cleanse(data, len);
    free(data);
    return bio;
}

static EVP_PKEY *load_key(const char *path, cube_err_t *err)
{
    _cleanup_bio_ BIO *bio = open_file_bio(path, err);
    if (!bio)
        return NULL;
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    if (!k) {
        _cleanup_free_ char *what = xasprintf("reading private key %s", path);
        ossl_err(err, what);
    }
    return k;
}

static X509 *load_cert(const char *path, cube_err_t *err)
{
    _cleanup_bio_ BIO *bio = open_file_bio(path, err);
    if (!bio)
        return NULL;
    X509 *c = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    if (!c) {
        _cleanup_free_ char *what = xasprintf("reading certificate %s", path);
        ossl_err(err, what);
    }
    return c;
}

/* ---- making keys and certificates --------------------------------------- */

static EVP_PKEY *gen_key(bool rsa, cube_err_t *err)
{
    EVP_PKEY *k = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    if (!k)
        ossl_err(err, "generating key");
    return k;
}

typedef struct cert_spec {
    const char *cn;
    const char *const *orgs; /* NULL-terminated or NULL */
    bool ca;
    int days;
    const char *eku; /* "serverAuth", "clientAuth" or NULL */
    const char *const *sans; /* NULL-terminated or NULL */
} cert_spec_t;

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, cube_err_t *err)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ext)
        return ossl_err(err, "making certificate extension");
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : ossl_err(err, "adding certificate extension");
}

static bool is_ip(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int add_sans(X509 *x, const char *const *sans, cube_err_t *err)
{
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    for (size_t i = 0; sans[i]; i++) {
        GENERAL_NAME *g = GENERAL_NAME_new();
        if (is_ip(sans[i])) {
            ASN1_OCTET_STRING *ip = a2i_IPADDRESS(sans[i]);
            if (!ip) {
                GENERAL_NAME_free(g);
                GENERAL_NAMES_free(gens);
                return ossl_err(err, "encoding IP address");
            }
            GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
        } else {
            ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
            ASN1_STRING_set(dns, sans[i], -1);
            GENERAL_NAME_set0_value(g, GEN_DNS, dns);
        }
        sk_GENERAL_NAME_push(gens, g);
    }
    int ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(gens);
    return ok == 1 ? 0 : ossl_err(err, "adding subjectAltName");
}

static int set_serial(X509 *x, cube_err_t *err)
{
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        return ossl_err(err, "random serial");
    raw[0] &= 0x7f; /* positive */
    raw[0] |= 0x01; /* and never zero */
    BIGNUM *bn = BN_bin2bn(raw, sizeof(raw), NULL);
    ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
    BN_free(bn);
    int ok = serial && X509_set_serialNumber(x, serial);
    ASN1_INTEGER_free(serial);
    return ok ? 0 : ossl_err(err, "setting serial");
}

/* A certificate for key per spec, signed by ca/ca_key, or self-signed when ca is NULL. */
static X509 *make_cert(const cert_spec_t *s, EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key,
                       cube_err_t *err)
{
    _cleanup_x509_ X509 *x = X509_new();
    X509_set_version(x, 2); /* v3 */
    if (set_serial(x, err) < 0)
        return NULL;
    X509_gmtime_adj(X509_getm_notBefore(x), -BACKDATE_SECS);
    X509_gmtime_adj(X509_getm_notAfter(x), (long)s->days * 86400);
    X509_set_pubkey(x, key);

    X509_NAME *name = X509_get_subject_name(x);
    for (size_t i = 0; s->orgs && s->orgs[i]; i++)
        if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)s->orgs[i],
                                        -1, -1, 0)) {
            ossl_err(err, "setting subject O");
            return NULL;
        }
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)s->cn, -1, -1,
                                    0)) {
        ossl_err(err, "setting subject CN");
        return NULL;
    }
    X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name);

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca ? ca : x, x, NULL, NULL, 0);
    if (add_ext(x, &ctx, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE",
                err) < 0 ||
        add_ext(x, &ctx, NID_key_usage,
                s->ca ? "critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign"
                      : "critical,digitalSignature,keyEncipherment",
                err) < 0 ||
        (s->eku && add_ext(x, &ctx, NID_ext_key_usage, s->eku, err) < 0) ||
        add_ext(x, &ctx, NID_subject_key_identifier, "hash", err) < 0 ||
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err) < 0 ||
        (s->sans && s->sans[0] && add_sans(x, s->sans, err) < 0))
        return NULL;

    if (!X509_sign(x, ca ? ca_key : key, EVP_sha256())) {
        ossl_err(err, "signing certificate");
        return NULL;
    }
    return TAKE_PTR(x);
}

/* Makes a new key and certificate and writes both (key first). */
static int issue(const cert_spec_t *s, X509 *ca, EVP_PKEY *ca_key, const char *crt_path,
                 const char *key_path, cube_err_t *err)
{
    _cleanup_pkey_ EVP_PKEY *key = gen_key(false, err);
    if (!key)
        return -1;
    _cleanup_x509_ X509 *x = make_cert(s, key, ca, ca_key, err);
    if (!x)
        return -1;
    if (write_key(key_path, key, err) < 0 || write_cert(crt_path, x, err) < 0)
        return -1;
    return 0;
}

/* ---- reuse checks ------------------------------------------------------- */

/*
 * True when crt_path/key_path hold a pair that chains to ca and stays valid
 * for RENEW_BEFORE_DAYS, and (sans not NULL) covers every name in sans.
 */
static bool leaf_usable(const char *crt_path, const char *key_path, X509 *ca, EVP_PKEY *ca_key,
                        const char *const *sans)
{
    if (!file_exists(crt_path) || !file_exists(key_path))
        return false;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_x509_ X509 *x = load_cert(crt_path, &err);
    _cleanup_pkey_ EVP_PKEY *key = x ? load_key(key_path, &err) : NULL;
    bool ok = x && key && X509_check_private_key(x, key) == 1 && X509_verify(x, ca_key) == 1 &&
              X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(ca)) == 0;
    if (ok) {
        time_t renew = time(NULL) + (time_t)RENEW_BEFORE_DAYS * 86400;
        ok = X509_cmp_time(X509_get0_notAfter(x), &renew) > 0;
    }
    for (size_t i = 0; ok && sans && sans[i]; i++)
        ok = is_ip(sans[i])
                 ? X509_check_ip_asc(x, sans[i], 0) == 1
                 : X509_check_host(x, sans[i], 0, X509_CHECK_FLAG_NO_WILDCARDS, NULL) == 1;
    ERR_clear_error();
    if (!ok)
        cube_log_v(2, "certificate %s needs to be made again", crt_path);
    return ok;
}

/* ---- subject alternative names ------------------------------------------ */

typedef struct strv {
    char **v;
    size_t n;
} strv_t;

static void strv_add(strv_t *s, const char *name)
{
    if (!name || !*name)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (!strcasecmp(s->v[i], name))
            return;
    s->v = xrealloc(s->v, (s->n + 2) * sizeof(char *));
    s->v[s->n++] = xstrdup(name);
    s->v[s->n] = NULL;
}

static void strv_clear(strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static void host_addresses(strv_t *out)
{
    struct ifaddrs *ifs;
    if (getifaddrs(&ifs) < 0)
        return;
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
            continue;
        char buf[INET6_ADDRSTRLEN];
        if (i->ifa_addr->sa_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)i->ifa_addr;
            inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)i->ifa_addr;
            if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
                continue; /* needs a zone to be reached: no client uses it in a URL */
            inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
        } else {
            continue;
        }
        strv_add(out, buf);
    }
    freeifaddrs(ifs);
}

static void serving_sans(const char *service_ip, const char *const *extra, strv_t *out)
{
    static const char *const fixed[] = {"localhost",
                                        "127.0.0.1",
                                        "::1",
                                        "kubernetes",
                                        "kubernetes.default",
                                        "kubernetes.default.svc",
                                        "kubernetes.default.svc.cluster.local"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(fixed); i++)
        strv_add(out, fixed[i]);
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) == 0)
        strv_add(out, host);
    strv_add(out, service_ip);
    host_addresses(out);
    for (size_t i = 0; extra && extra[i]; i++)
        strv_add(out, extra[i]);
}

/* ---- the public functions ----------------------------------------------- */

void cube_pki_clear(cube_pki_t *pki)
{
    if (!pki)
        return;
    free(pki->dir);
    free(pki->ca_crt);
    free(pki->ca_key);
    free(pki->serving_crt);
    free(pki->serving_key);
    free(pki->admin_crt);
    free(pki->admin_key);
    free(pki->sa_key);
    free(pki->sa_pub);
    memset(pki, 0, sizeof(*pki));
}

static int ensure_ca(const cube_pki_t *p, X509 **ret_ca, EVP_PKEY **ret_key, bool *ret_new,
                     cube_err_t *err)
{
    bool have_crt = file_exists(p->ca_crt), have_key = file_exists(p->ca_key);
    if (have_crt != have_key)
        return cube_err_internal(err, "%s exists but %s does not: refusing to replace the CA",
                                 have_crt ? p->ca_crt : p->ca_key,
                                 have_crt ? p->ca_key : p->ca_crt);
    _cleanup_x509_ X509 *ca = NULL;
    _cleanup_pkey_ EVP_PKEY *key = NULL;
    if (have_crt) {
        if (!(ca = load_cert(p->ca_crt, err)) || !(key = load_key(p->ca_key, err)))
            return -1;
        if (X509_check_private_key(ca, key) != 1) {
            ERR_clear_error();
            return cube_err_internal(err, "%s does not match %s", p->ca_key, p->ca_crt);
        }
        *ret_new = false;
    } else {
        if (!(key = gen_key(false, err)))
            return -1;
        _cleanup_free_ char *cn = xasprintf("cube-ca@%lld", (long long)time(NULL));
        cert_spec_t spec = {.cn = cn, .ca = true, .days = CA_DAYS};
        if (!(ca = make_cert(&spec, key, NULL, NULL, err)))
            return -1;
        if (write_key(p->ca_key, key, err) < 0 || write_cert(p->ca_crt, ca, err) < 0)
            return -1;
        *ret_new = true;
    }
    *ret_ca = TAKE_PTR(ca);
    *ret_key = TAKE_PTR(key);
    return 0;
}

static int ensure_sa(const cube_pki_t *p, cube_err_t *err)
{
    _cleanup_pkey_ EVP_PKEY *key = NULL;
    if (file_exists(p->sa_key)) {
        if (file_exists(p->sa_pub))
            return 0;
        if (!(key = load_key(p->sa_key, err)))
            return -1;
    } else {
        if (!(key = gen_key(true, err)) || write_key(p->sa_key, key, err) < 0)
            return -1;
    }
    return write_pub(p->sa_pub, key, err);
}

static int ensure_all(cube_pki_t *p, const char *service_ip, const char *const *extra_sans,
                      cube_err_t *err)
{
    _cleanup_x509_ X509 *ca = NULL;
    _cleanup_pkey_ EVP_PKEY *ca_key = NULL;
    bool fresh_ca = false;
    if (ensure_ca(p, &ca, &ca_key, &fresh_ca, err) < 0)
        return -1;

    _cleanup_(strv_clear) strv_t sans = {0};
    serving_sans(service_ip, extra_sans, &sans);
    if (fresh_ca ||
        !leaf_usable(p->serving_crt, p->serving_key, ca, ca_key, (const char *const *)sans.v)) {
        cert_spec_t spec = {.cn = "kube-apiserver",
                            .days = LEAF_DAYS,
                            .eku = "serverAuth",
                            .sans = (const char *const *)sans.v};
        if (issue(&spec, ca, ca_key, p->serving_crt, p->serving_key, err) < 0)
            return -1;
    }

    if (fresh_ca || !leaf_usable(p->admin_crt, p->admin_key, ca, ca_key, NULL)) {
        static const char *const orgs[] = {"system:masters", NULL};
        cert_spec_t spec = {.cn = "admin", .orgs = orgs, .days = LEAF_DAYS, .eku = "clientAuth"};
        if (issue(&spec, ca, ca_key, p->admin_crt, p->admin_key, err) < 0)
            return -1;
    }
    return ensure_sa(p, err);
}

int cube_pki_ensure(const char *dir, const char *service_ip, const char *const *extra_sans,
                    cube_pki_t *ret, cube_err_t *err)
{
    if (cube_mkdir_p(dir, 0700, err) < 0)
        return -1;
    _cleanup_(cube_pki_clear) cube_pki_t p = {
        .dir = xstrdup(dir),
        .ca_crt = xasprintf("%s/ca.crt", dir),
        .ca_key = xasprintf("%s/ca.key", dir),
        .serving_crt = xasprintf("%s/apiserver.crt", dir),
        .serving_key = xasprintf("%s/apiserver.key", dir),
        .admin_crt = xasprintf("%s/admin.crt", dir),
        .admin_key = xasprintf("%s/admin.key", dir),
        .sa_key = xasprintf("%s/sa.key", dir),
        .sa_pub = xasprintf("%s/sa.pub", dir),
    };
    if (ensure_all(&p, service_ip, extra_sans, err) < 0) {
        cube_err_prefix(err, "certificates in %s", dir);
        return -1;
    }
    *ret = p;
    memset(&p, 0, sizeof(p));
    return 0;
}

int cube_pki_issue_client(const cube_pki_t *pki, const char *cn, const char *const *orgs,
                          const char *crt_path, const char *key_path, cube_err_t *err)
{
    if (!cn || !*cn)
        return cube_err_invalid(err, "a client certificate needs a common name");
    _cleanup_x509_ X509 *ca = load_cert(pki->ca_crt, err);
    if (!ca)
        return -1;
    _cleanup_pkey_ EVP_PKEY *ca_key = load_key(pki->ca_key, err);
    if (!ca_key)
        return -1;
    cert_spec_t spec = {.cn = cn, .orgs = orgs, .days = LEAF_DAYS, .eku = "clientAuth"};
    return issue(&spec, ca, ca_key, crt_path, key_path, err);
}

/* ---- kubeconfig --------------------------------------------------------- */

static char *file_base64(const char *path, cube_err_t *err)
{
    _cleanup_free_ char *data = NULL;
    size_t len;
    if (cube_file_read(path, &data, &len, err) < 0)
        return NULL;
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
    OPENSSL_cleanse(data, len);
    return out;
}

int cube_kubeconfig_write(const char *path, const char *server_url, const char *ca_crt,
                          const char *client_crt, const char *client_key, cube_err_t *err)
{
    _cleanup_free_ char *ca = file_base64(ca_crt, err);
    if (!ca)
        return -1;
    _cleanup_free_ char *crt = file_base64(client_crt, err);
    if (!crt)
        return -1;
    _cleanup_free_ char *key = file_base64(client_key, err);
    if (!key)
        return -1;

    _cleanup_free_ char *dcopy = xstrdup(path);
    const char *parent = dirname(dcopy);
    if (strcmp(parent, ".") && strcmp(parent, "/") && cube_mkdir_p(parent, 0755, err) < 0)
        return -1;

    /* YAML; the server URL as a JSON string, which is a valid YAML double-quoted scalar */
    cube_buf_t b _cleanup_buf_ = CUBE_BUF_INIT;
    cube_buf_printf(&b,
                    "apiVersion: v1\n"
                    "kind: Config\n"
                    "clusters:\n"
                    "- cluster:\n"
                    "    certificate-authority-data: %s\n"
                    "    server: ",
                    ca);
    cube_buf_json_str(&b, server_url);
    cube_buf_printf(&b,
                    "\n"
                    "  name: cube\n"
                    "contexts:\n"
                    "- context:\n"
                    "    cluster: cube\n"
                    "    user: cube\n"
                    "  name: cube\n"
                    "current-context: cube\n"
                    "preferences: {}\n"
                    "users:\n"
                    "- name: cube\n"
                    "  user:\n"
                    "    client-certificate-data: %s\n"
                    "    client-key-data: %s\n",
                    crt, key);
    int rc = cube_file_write(path, b.data, b.len, 0600, err);
    OPENSSL_cleanse(b.data, b.len);
    OPENSSL_cleanse(key, strlen(key));
    return rc;
}

int cube_apiserver_component_kubeconfig(const char *data_dir, const char *server_url,
                                        const char *cn, const char *const *orgs, const char *path,
                                        cube_err_t *err)
{
    if (access(path, R_OK) == 0)
        return 0; /* issued on an earlier start */
    _cleanup_free_ char *pki_dir = xasprintf("%s/pki", data_dir);
    _cleanup_(cube_pki_clear) cube_pki_t pki = {0};
    if (cube_pki_ensure(pki_dir, "10.43.0.1", NULL, &pki, err) < 0)
        return -1;
    _cleanup_free_ char *base = xstrdup(cn);
    for (char *p = base; *p; p++)
        if (*p == ':' || *p == '/')
            *p = '-';
    _cleanup_free_ char *crt = xasprintf("%s/%s.crt", pki_dir, base);
    _cleanup_free_ char *key = xasprintf("%s/%s.key", pki_dir, base);
    if (cube_pki_issue_client(&pki, cn, orgs, crt, key, err) < 0)
        return -1;
    return cube_kubeconfig_write(path, server_url, pki.ca_crt, crt, key, err);
}
