/*
 * Unit tests for src/apiserver/pki.c: what is generated (checked with OpenSSL:
 * chains, SANs, usages, subjects, modes), reuse and renewal, a real TLS
 * handshake with the generated certificates, and a kubeconfig kubectl reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "apiserver/internal.h"

static const char *const extra[] = {"cube.example.com", "192.0.2.7", NULL};

typedef struct fixture {
    char dir[64];
    char pki_dir[96];
    cube_pki_t pki;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = xcalloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/cube-pki-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->pki_dir, sizeof(f->pki_dir), "%s/pki", f->dir);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_pki_ensure(f->pki_dir, "10.43.0.1", extra, &f->pki, &err) < 0) {
        fprintf(stderr, "cube_pki_ensure: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    cube_pki_clear(&f->pki);
    free(f);
    return 0;
}

static X509 *cert_at(const char *path)
{
    FILE *fp = fopen(path, "re");
    assert_non_null(fp);
    X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(x);
    return x;
}

static EVP_PKEY *key_at(const char *path)
{
    FILE *fp = fopen(path, "re");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    return k;
}

static char *slurp(const char *path)
{
    char *s = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_file_read(path, &s, NULL, &err), 0);
    return s;
}

static int mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 0777;
}

/* Verifies x against the CA for an SSL purpose; returns the X509_V_* result. */
static int verify(const char *ca_path, X509 *x, int purpose)
{
    X509 *ca = cert_at(ca_path);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, x, NULL);
    X509_STORE_CTX_set_purpose(ctx, purpose);
    int ok = X509_verify_cert(ctx);
    int res = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    if (res == X509_V_OK)
        assert_int_equal(ok, 1);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    return res;
}

static char *subject_field(X509 *x, int nid, int nth)
{
    X509_NAME *n = X509_get_subject_name(x);
    int idx = -1;
    for (int i = 0; i <= nth; i++) {
        idx = X509_NAME_get_index_by_NID(n, nid, idx);
        if (idx < 0)
            return NULL;
    }
    ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, idx));
    return xstrndup((const char *)ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s));
}

static void test_files_and_modes(void **state)
{
    fixture_t *f = *state;
    const cube_pki_t *p = &f->pki;
    assert_string_equal(p->dir, f->pki_dir);
    assert_int_equal(mode_of(p->dir), 0700);
    const char *keys[] = {p->ca_key, p->serving_key, p->admin_key, p->sa_key};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(keys); i++)
        assert_int_equal(mode_of(keys[i]), 0600);
    const char *pub[] = {p->ca_crt, p->serving_crt, p->admin_crt, p->sa_pub};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(pub); i++)
        assert_int_equal(mode_of(pub[i]), 0644);
}

static void test_ca(void **state)
{
    fixture_t *f = *state;
    X509 *ca = cert_at(f->pki.ca_crt);
    assert_true(X509_check_ca(ca) > 0);
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(ca, NID_basic_constraints, NULL, NULL);
    assert_non_null(bc);
    assert_true(bc->ca);
    BASIC_CONSTRAINTS_free(bc);
    assert_true(X509_get_key_usage(ca) & KU_KEY_CERT_SIGN);
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(ca)), 0);
    assert_non_null(X509_get0_subject_key_id(ca));
    assert_int_equal(verify(f->pki.ca_crt, ca, X509_PURPOSE_ANY), X509_V_OK);
    /* about ten years */
    int days, secs;
    assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca), X509_get0_notAfter(ca)),
                     1);
    assert_true(days >= 3649 && days <= 3651);
    EVP_PKEY *k = key_at(f->pki.ca_key);
    assert_int_equal(X509_check_private_key(ca, k), 1);
    EVP_PKEY_free(k);
    X509_free(ca);
}

static void test_serving_cert(void **state)
{
    fixture_t *f = *state;
    X509 *x = cert_at(f->pki.serving_crt);
    assert_int_equal(verify(f->pki.ca_crt, x, X509_PURPOSE_SSL_SERVER), X509_V_OK);
    assert_int_equal(X509_check_ca(x), 0);
    assert_true(X509_get_extended_key_usage(x) & XKU_SSL_SERVER);
    assert_false(X509_get_extended_key_usage(x) & XKU_SSL_CLIENT);
    assert_true(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE);
    const char *dns[] = {"localhost",
                         "kubernetes",
                         "kubernetes.default",
                         "kubernetes.default.svc",
                         "kubernetes.default.svc.cluster.local",
                         "cube.example.com"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(dns); i++)
        assert_int_equal(X509_check_host(x, dns[i], 0, 0, NULL), 1);
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    if (*host)
        assert_int_equal(X509_check_host(x, host, 0, 0, NULL), 1);
    const char *ips[] = {"127.0.0.1", "::1", "10.43.0.1", "192.0.2.7"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(ips); i++)
        assert_int_equal(X509_check_ip_asc(x, ips[i], 0), 1);
    assert_int_not_equal(X509_check_host(x, "evil.example.org", 0, 0, NULL), 1);
    assert_int_not_equal(X509_check_ip_asc(x, "10.43.0.2", 0), 1);
    /* authorityKeyIdentifier = CA's subjectKeyIdentifier */
    X509 *ca = cert_at(f->pki.ca_crt);
    const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(x);
    assert_non_null(aki);
    assert_int_equal(ASN1_OCTET_STRING_cmp(aki, X509_get0_subject_key_id(ca)), 0);
    assert_non_null(X509_get0_subject_key_id(x));
    /* random, positive, distinct serials */
    const ASN1_INTEGER *s1 = X509_get0_serialNumber(x), *s2 = X509_get0_serialNumber(ca);
    assert_true(ASN1_INTEGER_cmp(s1, s2) != 0);
    BIGNUM *bn = ASN1_INTEGER_to_BN(s1, NULL);
    assert_false(BN_is_negative(bn));
    assert_true(BN_num_bits(bn) > 64);
    BN_free(bn);
    X509_free(ca);
    X509_free(x);
}

static void test_admin_cert(void **state)
{
    fixture_t *f = *state;
    X509 *x = cert_at(f->pki.admin_crt);
    assert_int_equal(verify(f->pki.ca_crt, x, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    assert_true(X509_get_extended_key_usage(x) & XKU_SSL_CLIENT);
    _cleanup_free_ char *cn = subject_field(x, NID_commonName, 0);
    _cleanup_free_ char *o = subject_field(x, NID_organizationName, 0);
    assert_string_equal(cn, "admin");
    assert_string_equal(o, "system:masters");
    assert_null(subject_field(x, NID_organizationName, 1));
    EVP_PKEY *k = key_at(f->pki.admin_key);
    assert_int_equal(X509_check_private_key(x, k), 1);
    EVP_PKEY_free(k);
    X509_free(x);
}

static void test_sa_keys(void **state)
{
    fixture_t *f = *state;
    EVP_PKEY *k = key_at(f->pki.sa_key);
    assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_RSA);
    assert_int_equal(EVP_PKEY_get_bits(k), 2048);
    FILE *fp = fopen(f->pki.sa_pub, "re");
    assert_non_null(fp);
    EVP_PKEY *pub = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(pub);
    assert_int_equal(EVP_PKEY_eq(k, pub), 1);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

static void test_reuse_and_renew(void **state)
{
    fixture_t *f = *state;
    const cube_pki_t *p = &f->pki;
    _cleanup_free_ char *ca = slurp(p->ca_crt);
    _cleanup_free_ char *srv = slurp(p->serving_crt);
    _cleanup_free_ char *adm = slurp(p->admin_crt);
    _cleanup_free_ char *sa = slurp(p->sa_key);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;

    /* a second start reuses everything */
    cube_pki_t again = {0};
    assert_int_equal(cube_pki_ensure(f->pki_dir, "10.43.0.1", extra, &again, &err), 0);
    _cleanup_free_ char *ca2 = slurp(again.ca_crt);
    _cleanup_free_ char *srv2 = slurp(again.serving_crt);
    _cleanup_free_ char *adm2 = slurp(again.admin_crt);
    _cleanup_free_ char *sa2 = slurp(again.sa_key);
    assert_string_equal(ca, ca2);
    assert_string_equal(srv, srv2);
    assert_string_equal(adm, adm2);
    assert_string_equal(sa, sa2);
    cube_pki_clear(&again);

    /* a new SAN makes the serving certificate again, under the same CA */
    static const char *const more[] = {"cube.example.com", "192.0.2.7", "new.example.com", NULL};
    assert_int_equal(cube_pki_ensure(f->pki_dir, "10.43.0.1", more, &again, &err), 0);
    _cleanup_free_ char *ca3 = slurp(again.ca_crt);
    _cleanup_free_ char *srv3 = slurp(again.serving_crt);
    _cleanup_free_ char *adm3 = slurp(again.admin_crt);
    assert_string_equal(ca, ca3);
    assert_string_not_equal(srv, srv3);
    assert_string_equal(adm, adm3);
    X509 *x = cert_at(again.serving_crt);
    assert_int_equal(X509_check_host(x, "new.example.com", 0, 0, NULL), 1);
    assert_int_equal(verify(again.ca_crt, x, X509_PURPOSE_SSL_SERVER), X509_V_OK);
    X509_free(x);

    /* a deleted admin key: the pair is made again */
    unlink(again.admin_key);
    cube_pki_clear(&again);
    assert_int_equal(cube_pki_ensure(f->pki_dir, "10.43.0.1", more, &again, &err), 0);
    _cleanup_free_ char *adm4 = slurp(again.admin_crt);
    assert_string_not_equal(adm, adm4);
    x = cert_at(again.admin_crt);
    EVP_PKEY *k = key_at(again.admin_key);
    assert_int_equal(X509_check_private_key(x, k), 1);
    assert_int_equal(verify(again.ca_crt, x, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    EVP_PKEY_free(k);
    X509_free(x);
    cube_pki_clear(&again);
    cube_pki_clear(NULL);
}

static void test_ca_without_key(void **state)
{
    char dir[] = "/tmp/cube-pki2-XXXXXX";
    assert_non_null(mkdtemp(dir));
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    cube_pki_t p = {0};
    assert_int_equal(cube_pki_ensure(dir, NULL, NULL, &p, &err), 0);
    unlink(p.ca_key);
    cube_pki_t p2 = {0};
    assert_int_equal(cube_pki_ensure(dir, NULL, NULL, &p2, &err), -1);
    assert_non_null(strstr(err.msg, "refusing to replace the CA"));
    assert_null(p2.dir); /* ret untouched on failure */
    cube_pki_clear(&p);
    _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_issue_client(void **state)
{
    fixture_t *f = *state;
    _cleanup_free_ char *crt = xasprintf("%s/node.crt", f->dir);
    _cleanup_free_ char *key = xasprintf("%s/node.key", f->dir);
    static const char *const orgs[] = {"system:nodes", "extra", NULL};
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_pki_issue_client(&f->pki, "system:node:n1", orgs, crt, key, &err), 0);
    assert_int_equal(mode_of(key), 0600);
    X509 *x = cert_at(crt);
    assert_int_equal(verify(f->pki.ca_crt, x, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    _cleanup_free_ char *cn = subject_field(x, NID_commonName, 0);
    _cleanup_free_ char *o1 = subject_field(x, NID_organizationName, 0);
    _cleanup_free_ char *o2 = subject_field(x, NID_organizationName, 1);
    assert_string_equal(cn, "system:node:n1");
    assert_string_equal(o1, "system:nodes");
    assert_string_equal(o2, "extra");
    X509_free(x);
    assert_int_equal(cube_pki_issue_client(&f->pki, "", orgs, crt, key, &err), -1);
    assert_string_equal(err.reason, "Invalid");
}

/* ---- a TLS handshake with the generated files, through a BIO pair -------- */

static SSL_CTX *tls_ctx(bool server, const char *crt, const char *key, const char *ca)
{
    SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    assert_int_equal(SSL_CTX_use_certificate_chain_file(c, crt), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM), 1);
    assert_int_equal(SSL_CTX_load_verify_locations(c, ca, NULL), 1);
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    return c;
}

static void test_tls_handshake(void **state)
{
    fixture_t *f = *state;
    const cube_pki_t *p = &f->pki;
    SSL_CTX *sc = tls_ctx(true, p->serving_crt, p->serving_key, p->ca_crt);
    SSL_CTX *cc = tls_ctx(false, p->admin_crt, p->admin_key, p->ca_crt);
    SSL *s = SSL_new(sc), *c = SSL_new(cc);
    BIO *sb, *cb;
    assert_int_equal(BIO_new_bio_pair(&sb, 0, &cb, 0), 1);
    SSL_set_bio(s, sb, sb);
    SSL_set_bio(c, cb, cb);
    SSL_set_accept_state(s);
    SSL_set_connect_state(c);
    assert_int_equal(SSL_set1_host(c, "kubernetes.default.svc"), 1);
    int rs = 0, rc = 0;
    for (int i = 0; i < 50 && (rs != 1 || rc != 1); i++) {
        if (rc != 1)
            rc = SSL_do_handshake(c);
        if (rs != 1)
            rs = SSL_do_handshake(s);
    }
    assert_int_equal(rc, 1);
    assert_int_equal(rs, 1);
    assert_int_equal(SSL_get_verify_result(c), X509_V_OK);
    assert_int_equal(SSL_get_verify_result(s), X509_V_OK);
    X509 *peer = SSL_get1_peer_certificate(s);
    assert_non_null(peer);
    _cleanup_free_ char *o = subject_field(peer, NID_organizationName, 0);
    assert_string_equal(o, "system:masters");
    X509_free(peer);
    SSL_free(s);
    SSL_free(c);
    SSL_CTX_free(sc);
    SSL_CTX_free(cc);
}

/* ---- kubeconfig, read back by the real kubectl ------------------------- */

static char *run(const char *cmd)
{
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    cube_buf_t b = CUBE_BUF_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
        cube_buf_append(&b, buf, n);
    assert_int_equal(pclose(fp), 0);
    return b.data ? cube_buf_steal(&b, NULL) : xstrdup("");
}

static char *b64(const char *path)
{
    _cleanup_free_ char *data = slurp(path);
    size_t len = strlen(data);
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
    return out;
}

static void test_kubeconfig(void **state)
{
    fixture_t *f = *state;
    const cube_pki_t *p = &f->pki;
    _cleanup_free_ char *path = xasprintf("%s/etc/cube/cube.yaml", f->dir);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_kubeconfig_write(path, "https://127.0.0.1:6443", p->ca_crt, p->admin_crt,
                                           p->admin_key, &err),
                     0);
    assert_int_equal(mode_of(path), 0600);
    _cleanup_free_ char *text = slurp(path);
    _cleanup_free_ char *key64 = b64(p->admin_key);
    assert_non_null(strstr(text, key64));

    if (system("kubectl version --client >/dev/null 2>&1") != 0) {
        fprintf(stderr, "kubectl not found: kubeconfig not checked with kubectl\n");
        return;
    }
    _cleanup_free_ char *cmd =
        xasprintf("kubectl config view --kubeconfig '%s' --raw -o jsonpath='{.current-context}|"
                  "{.clusters[0].name}|{.clusters[0].cluster.server}|{.contexts[0].context.user}|"
                  "{.users[0].user.client-key-data}|{.users[0].user.client-certificate-data}|"
                  "{.clusters[0].cluster.certificate-authority-data}'",
                  path);
    _cleanup_free_ char *out = run(cmd);
    _cleanup_free_ char *crt64 = b64(p->admin_crt);
    _cleanup_free_ char *ca64 = b64(p->ca_crt);
    _cleanup_free_ char *want =
        xasprintf("cube|cube|https://127.0.0.1:6443|cube|%s|%s|%s", key64, crt64, ca64);
    assert_string_equal(out, want);
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    close(fd);
    return ntohs(sin.sin_port);
}

static bool port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
    close(fd);
    return ok;
}

/*
 * Go's certificate checks are not OpenSSL's: kubectl itself connects, with the
 * generated kubeconfig, to `openssl s_server` serving the generated
 * certificate and requiring a client certificate from the same CA.
 */
static void test_kubectl_tls(void **state)
{
    fixture_t *f = *state;
    const cube_pki_t *p = &f->pki;
    if (system("kubectl version --client >/dev/null 2>&1") != 0 ||
        system("openssl version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "kubectl or openssl not found: TLS with kubectl not checked\n");
        return;
    }
    int port = free_port();
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        dup2(null, 1);
        dup2(null, 2);
        execlp("openssl", "openssl", "s_server", "-accept", portstr, "-cert", p->serving_crt,
               "-key", p->serving_key, "-CAfile", p->ca_crt, "-Verify", "1", "-www", "-quiet",
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100 && !port_open(port); i++)
        usleep(30000);
    _cleanup_free_ char *kc = xasprintf("%s/tls.kubeconfig", f->dir);
    _cleanup_free_ char *url = xasprintf("https://kubernetes.default.svc:%d", port);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    assert_int_equal(cube_kubeconfig_write(kc, url, p->ca_crt, p->admin_crt, p->admin_key, &err),
                     0);
    /* the server name checked is the one a client dials: 127.0.0.1 and localhost */
    _cleanup_free_ char *cmd1 = xasprintf(
        "kubectl --kubeconfig '%s' --server https://127.0.0.1:%d get --raw / 2>&1", kc, port);
    _cleanup_free_ char *cmd2 = xasprintf(
        "kubectl --kubeconfig '%s' --server https://localhost:%d get --raw / 2>&1", kc, port);
    _cleanup_free_ char *out1 = run(cmd1);
    _cleanup_free_ char *out2 = run(cmd2);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    /* s_server -www echoes the session, including the client certificate it verified */
    assert_non_null(strstr(out1, "Subject: O=system:masters, CN=admin"));
    assert_non_null(strstr(out2, "Subject: O=system:masters, CN=admin"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_and_modes), cmocka_unit_test(test_ca),
        cmocka_unit_test(test_serving_cert),    cmocka_unit_test(test_admin_cert),
        cmocka_unit_test(test_sa_keys),         cmocka_unit_test(test_issue_client),
        cmocka_unit_test(test_tls_handshake),   cmocka_unit_test(test_kubeconfig),
        cmocka_unit_test(test_kubectl_tls),     cmocka_unit_test(test_reuse_and_renew),
        cmocka_unit_test(test_ca_without_key),
    };
    return cmocka_run_group_tests_name("pki", tests, setup, teardown);
}
