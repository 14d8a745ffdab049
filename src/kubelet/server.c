/*
 * The kubelet's own HTTPS server (port 10250; pkg/kubelet/server): /healthz,
 * /pods (the pods this kubelet runs, as a PodList) and
 * /containerLogs/<ns>/<pod>/<container> (tailLines, timestamps, previous,
 * limitBytes), read from the CRI log files the runtime writes under the
 * pod's log directory. The API server's pods/log proxy comes to this
 * endpoint. The serving certificate is self-signed for the node's name and
 * address (root-dir/pki/kubelet.crt, as the kubelet makes one when none is
 * given); client certificates are verified against the CA the kubeconfig
 * trusts (the cluster CA) and required for everything but /healthz.
 */
#include "kubelet/internal.h"

#include "http/http.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

/* Writes a self-signed EC P-256 certificate for the node to cert/key (once). */
static int self_signed(kubelet_t *k, const char *cert, const char *key, cube_err_t *err)
{
    struct stat sb;
    if (stat(cert, &sb) == 0 && stat(key, &sb) == 0)
        return 0;
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (!pk || !x) {
        EVP_PKEY_free(pk);
        X509_free(x);
        return cube_err_internal(err, "generating the kubelet's serving key");
    }
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL));
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
    X509_set_pubkey(x, pk);
    _cleanup_free_ char *cn = xasprintf("%s@%lld", k->cfg->node_name, (long long)time(NULL));
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    _cleanup_free_ char *san = k->node_ip ? xasprintf("DNS:%s,IP:%s", k->cfg->node_name, k->node_ip)
                                          : xasprintf("DNS:%s", k->cfg->node_name);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
    if (ext) {
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, pk, EVP_sha256());
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(cb, x);
    PEM_write_bio_PrivateKey(kb, pk, NULL, NULL, 0, NULL, NULL);
    char *cd, *kd;
    long cl = BIO_get_mem_data(cb, &cd), kl = BIO_get_mem_data(kb, &kd);
    int rc = cube_file_write(key, kd, (size_t)kl, 0600, err) < 0 ||
                     cube_file_write(cert, cd, (size_t)cl, 0644, err) < 0
                 ? -1
                 : 0;
    BIO_free(cb);
    BIO_free(kb);
    X509_free(x);
    EVP_PKEY_free(pk);
    return rc;
}

static void respond_text(cube_http_req_t *req, int status, const char *text)
{
    cube_http_respond(req, status, "text/plain; charset=utf-8", NULL,
                      cube_bytes_new(text, strlen(text)));
}

static void serve_pods(kubelet_t *k, cube_http_req_t *req)
{
    json_t **pods = NULL;
    size_t n = cube_informer_list(k->pods, &pods);
    json_auto_t *list = json_pack("{s:s,s:s,s:{},s:[]}", "kind", "PodList", "apiVersion", "v1",
                                  "metadata", "items");
    for (size_t i = 0; i < n; i++)
        json_array_append(json_object_get(list, "items"), pods[i]);
    cube_json_refs_free(pods, n);
    size_t len;
    char *s = cube_json_dump(list, &len);
    cube_http_respond(req, 200, "application/json", NULL, cube_bytes_new(s, len));
    free(s);
}

/* The attempts of container name's log files in dir, highest first (up to 2). */
static int log_attempts(const char *dir, long out[2])
{
    out[0] = out[1] = -1;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long v = strtol(e->d_name, &end, 10);
        if (end == e->d_name || strcmp(end, ".log"))
            continue;
        if (v > out[0]) {
            out[1] = out[0];
            out[0] = v;
        } else if (v > out[1]) {
            out[1] = v;
        }
    }
    closedir(d);
    return out[0] >= 0;
}

/* CRI log lines ("<time> <stream> <P|F> <text>") to what `kubectl logs` prints: the text
 * (with the time first when timestamps), partial (P) lines joined to the next; tail >= 0
 * keeps only the last tail lines. */
void kl_cri_log_decode(const char *data, size_t len, bool timestamps, long tail, cube_buf_t *out)
{
    size_t n = 0, cap = 64;
    size_t *offs = xmalloc(cap * sizeof(size_t) * 2);
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (n == cap) {
            cap *= 2;
            offs = xrealloc(offs, cap * sizeof(size_t) * 2);
        }
        offs[2 * n] = i;
        offs[2 * n + 1] = end - i;
        n++;
        i = end + 1;
    }
    size_t first = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        long seen = 0;
        for (size_t idx = n; pass == 0 && tail >= 0 && idx-- > 0;) {
            const char *line = data + offs[2 * idx];
            size_t ll = offs[2 * idx + 1];
            const char *sp1 = memchr(line, ' ', ll);
            const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + ll - sp1 - 1)) : NULL;
            if (sp2 && sp2[1] == 'P')
                continue;
            if (seen == tail) {
                first = idx + 1;
                break;
            }
            seen++;
        }
        if (pass == 0)
            continue;
        for (size_t idx = first; idx < n; idx++) {
            const char *line = data + offs[2 * idx];
            size_t ll = offs[2 * idx + 1];
            const char *sp1 = memchr(line, ' ', ll);
            const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + ll - sp1 - 1)) : NULL;
            const char *sp3 = sp2 ? memchr(sp2 + 1, ' ', (size_t)(line + ll - sp2 - 1)) : NULL;
            if (!sp3)
                continue;
            if (timestamps) {
                cube_buf_append(out, line, (size_t)(sp1 - line));
                cube_buf_putc(out, ' ');
            }
            cube_buf_append(out, sp3 + 1, (size_t)(line + ll - sp3 - 1));
            if (sp2[1] != 'P')
                cube_buf_putc(out, '\n');
        }
    }
    free(offs);
}

static void serve_logs(kubelet_t *k, cube_http_req_t *req, const char *rest)
{
    _cleanup_free_ char *copy = xstrdup(rest);
    char *save = NULL;
    char *ns = strtok_r(copy, "/", &save), *pod = strtok_r(NULL, "/", &save),
         *ctr = strtok_r(NULL, "/", &save);
    if (!ns || !pod || !ctr || strstr(rest, "..")) {
        respond_text(req, 400, "bad path: want /containerLogs/<namespace>/<pod>/<container>");
        return;
    }
    json_auto_t *p = cube_informer_get(k->pods, ns, pod);
    if (!p) {
        _cleanup_free_ char *m = xasprintf("pod %s/%s not found", ns, pod);
        respond_text(req, 404, m);
        return;
    }
    const char *q = cube_http_req_query(req);
    _cleanup_free_ char *tail_s = cube_http_query_get(q, "tailLines");
    _cleanup_free_ char *ts_s = cube_http_query_get(q, "timestamps");
    _cleanup_free_ char *prev_s = cube_http_query_get(q, "previous");
    _cleanup_free_ char *limit_s = cube_http_query_get(q, "limitBytes");
    bool prev = prev_s && !strcmp(prev_s, "true");
    _cleanup_free_ char *dir = xasprintf("%s/%s_%s_%s/%s", k->cfg->pod_log_dir, ns, pod,
                                         cube_json_str(p, "metadata", "uid", NULL) ?: "", ctr);
    long att[2];
    if (!log_attempts(dir, att) || (prev && att[1] < 0)) {
        _cleanup_free_ char *m =
            prev ? xasprintf("previous terminated container \"%s\" in pod \"%s\" not found", ctr,
                             pod)
                 : xasprintf("container \"%s\" in pod \"%s\" is waiting to start", ctr, pod);
        respond_text(req, 400, m);
        return;
    }
    _cleanup_free_ char *path = xasprintf("%s/%ld.log", dir, prev ? att[1] : att[0]);
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_file_read(path, &data, &len, &err) < 0) {
        respond_text(req, 500, err.msg);
        return;
    }
    cube_buf_t out = CUBE_BUF_INIT;
    kl_cri_log_decode(data, len, ts_s && !strcmp(ts_s, "true"), tail_s ? atol(tail_s) : -1, &out);
    long limit = limit_s ? atol(limit_s) : 0;
    if (limit > 0 && out.len > (size_t)limit)
        out.len = (size_t)limit;
    cube_http_respond(req, 200, "text/plain", NULL, cube_bytes_from_buf(&out));
}

static void handle(cube_http_req_t *req, void *ud)
{
    kubelet_t *k = ud;
    const char *path = cube_http_req_path(req);
    if (!strcmp(path, "/healthz")) {
        respond_text(req, 200, "ok");
        return;
    }
    if (k->server_auth && !cube_http_req_peer_cn(req)) {
        respond_text(req, 401, "Unauthorized");
        return;
    }
    if (strcmp(cube_http_req_method(req), "GET")) {
        respond_text(req, 405, "Method Not Allowed");
        return;
    }
    if (!strcmp(path, "/pods") || !strcmp(path, "/pods/"))
        serve_pods(k, req);
    else if (!strncmp(path, "/containerLogs/", 15))
        serve_logs(k, req, path + 15);
    else
        respond_text(req, 404, "404 page not found");
}

int kl_server_start(kubelet_t *k, cube_err_t *err)
{
    if (k->cfg->port <= 0)
        return 0;
    _cleanup_free_ char *dir = xasprintf("%s/pki", k->cfg->root_dir);
    _cleanup_free_ char *cert = xasprintf("%s/kubelet.crt", dir);
    _cleanup_free_ char *key = xasprintf("%s/kubelet.key", dir);
    if (cube_mkdir_p(dir, 0700, err) < 0 || self_signed(k, cert, key, err) < 0)
        return -1;
    /* the cluster CA the kubeconfig trusts verifies client certificates (--client-ca-file) */
    _cleanup_free_ char *ca = xasprintf("%s/client-ca.crt", dir);
    bool have_ca = false;
    cube_client_config_t cc = {0};
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_config_load(k->cfg->kubeconfig, &cc, &e) == 0 && cc.ca_pem &&
        cube_file_write(ca, cc.ca_pem, strlen(cc.ca_pem), 0644, &e) == 0)
        have_ca = true;
    cube_client_config_clear(&cc);
    k->server_auth = have_ca;
    cube_http_server_config_t sc = {
        .address = "0.0.0.0",
        .port = k->cfg->port,
        .tls = true,
        .cert_file = cert,
        .key_file = key,
        .client_ca_file = have_ca ? ca : NULL,
        .threads = 1,
        .max_body = 1 << 20,
        .handler = handle,
        .userdata = k,
    };
    if (cube_http_server_start(&sc, &k->server, err) < 0) {
        cube_err_prefix(err, "kubelet server on port %d", k->cfg->port);
        return -1;
    }
    cube_log_info("Kubelet server listening on port %d%s", cube_http_server_port(k->server),
                  have_ca ? " (client certificates verified against the cluster CA)" : "");
    return 0;
}
