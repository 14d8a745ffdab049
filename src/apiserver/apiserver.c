/*
 * The API server's life: data directory, certificates and kubeconfig,
 * store, cache, the system namespaces, then HTTPS until SIGTERM. The
 * request chain itself is handler.c.
 */
#include "apiserver/internal.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>

static int first_service_ip(const char *cidr, char **ret, cube_err_t *err)
{
    char net[64];
    const char *slash = strchr(cidr, '/');
    size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
    if (!slash || n >= sizeof(net))
        return cube_err_badrequest(err, "invalid --service-cluster-ip-range \"%s\"", cidr);
    memcpy(net, cidr, n);
    net[n] = 0;
    struct in_addr a;
    int bits = atoi(slash + 1);
    if (inet_pton(AF_INET, net, &a) != 1 || bits < 1 || bits > 30)
        return cube_err_badrequest(err, "invalid --service-cluster-ip-range \"%s\"", cidr);
    uint32_t h = ntohl(a.s_addr) & (bits == 32 ? 0xffffffffu : ~((1u << (32 - bits)) - 1));
    a.s_addr = htonl(h + 1);
    char out[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a, out, sizeof(out));
    *ret = xstrdup(out);
    return 0;
}

static int sa_token_authn(void *userdata, const char *token, cube_user_t **ret)
{
    return cube_sa_token_authenticate(userdata, token, ret);
}

int cube_apiserver_ensure_object(cube_apiserver_t *srv, const char *group, const char *version,
                                 const char *plural, json_t *obj, cube_err_t *err)
{
    const cube_resource_t *r = cube_api_resource_find(group, version, plural);
    if (!r)
        return cube_err_internal(err, "resource %s not registered", plural);
    json_t *meta = cube_json_obj(obj, "metadata");
    const char *ns = cube_json_str(meta, "namespace", NULL);
    const char *name = cube_json_str(meta, "name", NULL);
    _cleanup_free_ char *key = cube_key(r, ns, name);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (o) {
        cube_obj_unref(o);
        return 0;
    }
    char uid[37], ts[32];
    cube_uuid4(uid);
    cube_time_rfc3339(time(NULL), ts);
    json_object_set_new(meta, "uid", json_string(uid));
    json_object_set_new(meta, "creationTimestamp", json_string(ts));
    cube_api_default(r, obj);
    cube_api_prepare(r, CUBE_OP_CREATE, obj, NULL);
    size_t len;
    _cleanup_free_ char *s = cube_encode_for_store(obj, &len);
    int64_t rev;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_store_create(srv->store, key, s, len, &rev, &e) < 0 && e.code != 409) {
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

static int bootstrap(cube_apiserver_t *srv, cube_err_t *err)
{
    static const char *const system_ns[] = {"default", "kube-system", "kube-public",
                                            "kube-node-lease"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(system_ns); i++) {
        json_auto_t *ns = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}}", "apiVersion", "v1", "kind",
                                    "Namespace", "metadata", "name", system_ns[i], "labels",
                                    "kubernetes.io/metadata.name", system_ns[i]);
        if (cube_apiserver_ensure_object(srv, "", "v1", "namespaces", ns, err) < 0)
            return -1;
    }
    if (cube_rbac_bootstrap(srv, err) < 0)
        return -1;
    return cube_cache_sync(srv->cache, 5000) < 0
               ? cube_err_internal(err, "cache did not catch up with the store")
               : 0;
}

static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int cube_apiserver_run(const cube_apiserver_config_t *cfg, cube_err_t *err)
{
    sigset_t sigs;
    block_signals(&sigs);
    cube_apiserver_t srv = {.cfg = cfg};
    cube_http_server_t *https = NULL, *http = NULL;
    cube_encryption_t *enc = NULL;
    int rc = -1;
    const char *dir = cfg->data_dir ? cfg->data_dir : "/var/lib/cube";
    _cleanup_free_ char *pki_dir = xasprintf("%s/pki", dir);
    _cleanup_free_ char *db_dir = xasprintf("%s/db", dir);
    _cleanup_free_ char *db = xasprintf("%s/db/state.db", dir);
    _cleanup_free_ char *kubeconfig = xasprintf("%s/admin.kubeconfig", dir);
    const char *adv = cfg->advertise_address ? cfg->advertise_address : "127.0.0.1";
    int port = cfg->secure_port;
    _cleanup_free_ char *url = NULL;

    cube_log_info("starting cube apiserver %s (data dir \"%s\")", CUBE_GIT_VERSION, dir);
    if (cube_mkdir_p(dir, 0700, err) < 0 || cube_mkdir_p(db_dir, 0700, err) < 0)
        goto out;
    if (first_service_ip(cfg->service_cluster_ip_range ? cfg->service_cluster_ip_range
                                                       : "10.43.0.0/16",
                         &srv.service_ip, err) < 0)
        goto out;
    const char *sans[] = {adv, NULL};
    if (cube_pki_ensure(pki_dir, srv.service_ip, sans, &srv.pki, err) < 0) {
        cube_err_prefix(err, "certificates");
        goto out;
    }
    cube_log_info("certificates ready in \"%s\"", pki_dir);
    /* the client certificate kubelets see for logs (pods/log), as kubeadm names it */
    srv.kubelet_client_crt = xasprintf("%s/apiserver-kubelet-client.crt", pki_dir);
    srv.kubelet_client_key = xasprintf("%s/apiserver-kubelet-client.key", pki_dir);
    if (access(srv.kubelet_client_crt, R_OK) != 0 || access(srv.kubelet_client_key, R_OK) != 0) {
        static const char *const orgs[] = {"system:masters", NULL};
        if (cube_pki_issue_client(&srv.pki, "kube-apiserver-kubelet-client", orgs,
                                  srv.kubelet_client_crt, srv.kubelet_client_key, err) < 0) {
            cube_err_prefix(err, "certificates");
            goto out;
        }
    }

    cube_store_options_t so = {
        .backend = "sqlite", .path = db, .compact_interval_sec = cfg->compact_interval_sec};
    if (cube_store_open(&so, &srv.store, err) < 0) {
        cube_err_prefix(err, "store");
        goto out;
    }
    cube_log_info("store open: sqlite \"%s\" at revision %lld", db,
                  (long long)cube_store_revision(srv.store));
    if (cfg->audit_policy_file && *cfg->audit_policy_file) {
        if (cube_audit_new(cfg->audit_policy_file, cfg->audit_log_path, cfg->audit_log_maxsize,
                           cfg->audit_log_maxbackup, &srv.audit, err) < 0)
            goto out;
        cube_log_info("audit log: policy \"%s\", log \"%s\"", cfg->audit_policy_file,
                      cfg->audit_log_path ? cfg->audit_log_path : "-");
    }
    if (cfg->encryption_provider_config && *cfg->encryption_provider_config) {
        if (cube_encryption_load(cfg->encryption_provider_config, &enc, err) < 0)
            goto out;
        cube_store_set_transformer(srv.store, cube_encryption_transformer(enc));
        cube_log_info("encryption at rest: providers from \"%s\"", cfg->encryption_provider_config);
    }
    if (cube_cache_new(srv.store, cfg->watch_cache_events > 0 ? (size_t)cfg->watch_cache_events : 0,
                       &srv.cache, err) < 0) {
        cube_err_prefix(err, "cache");
        goto out;
    }
    cube_rbac_new(&srv.rbac);
    if (bootstrap(&srv, err) < 0)
        goto out;
    if (cube_bootstrap_start(&srv, err) < 0)
        goto out;
    if (cube_authn_new(cfg->token_auth_file, &srv.authn, err) < 0)
        goto out;
    if (cube_jwt_key_load(srv.pki.sa_key, &srv.sa_key, err) < 0)
        goto out;
    cube_authn_set_token_authenticator(srv.authn, sa_token_authn, &srv);
    srv.metrics = cube_metrics_new();
    srv.workers = cube_pool_new(cfg->workers > 0 ? cfg->workers : 64, "write");
    srv.advertise = xasprintf("%s:%d", adv, port);
    cube_discovery_build(&srv);

    cube_http_server_config_t hc = {
        .address = cfg->bind_address ? cfg->bind_address : "0.0.0.0",
        .port = port,
        .tls = true,
        .cert_file = srv.pki.serving_crt,
        .key_file = srv.pki.serving_key,
        .client_ca_file = srv.pki.ca_crt,
        .threads = cfg->threads,
        .max_body = 3u << 20,
        .handler = cube_apiserver_handle,
        .userdata = &srv,
    };
    if (cube_http_server_start(&hc, &https, err) < 0) {
        cube_err_prefix(err, "serving on %s:%d", hc.address, port);
        goto out;
    }
    port = cube_http_server_port(https);
    if (cube_bootstrap_serve(&srv, port, err) < 0)
        goto out;
    url = xasprintf("https://%s:%d", adv, port);
    if (cube_kubeconfig_write(kubeconfig, url, srv.pki.ca_crt, srv.pki.admin_crt, srv.pki.admin_key,
                              err) < 0)
        goto out;
    if (cfg->write_kubeconfig && *cfg->write_kubeconfig) {
        _cleanup_free_ char *kdir = xstrdup(cfg->write_kubeconfig);
        char *slash = strrchr(kdir, '/');
        if (slash && slash != kdir) {
            *slash = 0;
            cube_mkdir_p(kdir, 0755, NULL);
        }
        if (cube_kubeconfig_write(cfg->write_kubeconfig, url, srv.pki.ca_crt, srv.pki.admin_crt,
                                  srv.pki.admin_key, err) < 0)
            goto out;
    }
    if (cfg->insecure_address && cfg->insecure_port > 0) {
        cube_http_server_config_t ic = hc;
        ic.address = cfg->insecure_address;
        ic.port = cfg->insecure_port;
        ic.tls = false;
        if (cube_http_server_start(&ic, &http, err) < 0) {
            cube_err_prefix(err, "serving plain HTTP on %s:%d", ic.address, ic.port);
            goto out;
        }
        cube_log_info("serving plain HTTP on %s:%d (loopback only)", ic.address,
                      cube_http_server_port(http));
    }
    cube_log_info("serving securely on %s:%d; admin kubeconfig \"%s\"", hc.address, port,
                  kubeconfig);
    cube_log_info("ready");

    int sig = 0;
    sigwait(&sigs, &sig);
    cube_log_info("received signal %d, shutting down", sig);
    rc = 0;
out:
    cube_http_server_stop(http);
    cube_http_server_stop(https);
    cube_bootstrap_stop(&srv);
    cube_pool_free(srv.workers);
    cube_cache_free(srv.cache);
    cube_store_close(srv.store);
    cube_encryption_free(enc); /* after the store: it reads through it to the end */
    cube_audit_free(srv.audit); /* after the HTTP servers: no request logs any more */
    cube_discovery_free(&srv);
    cube_authn_free(srv.authn);
    cube_rbac_free(srv.rbac);
    cube_jwt_key_free(srv.sa_key);
    cube_metrics_free(srv.metrics);
    cube_pki_clear(&srv.pki);
    free(srv.kubelet_client_crt);
    free(srv.kubelet_client_key);
    free(srv.service_ip);
    free(srv.advertise);
    return rc;
}
