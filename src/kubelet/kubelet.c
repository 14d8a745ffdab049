/*
 * The kubelet's main loop and threads (see kubelet.h): start-up checks of
 * the runtime, node registration, the node's network, the pod informer
 * feeding the work queue, pod workers, the PLEG relist, and the node loop
 * keeping the Lease and node status fresh (pkg/kubelet/kubelet.go Run,
 * syncLoop). The runtime is the only record of what runs: a kubelet that
 * starts finds running pods through the informer's adds and the first
 * relist, and its syncs adopt their containers instead of starting new ones.
 */
#include "kubelet/internal.h"

#include "http/http.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/stat.h>

#define LEASE_PERIOD_S 10
#define STATUS_REPORT_S 300
#define INFORMER_RESYNC_S 60

/* The IPv4 address of the interface holding the default route, or NULL. */
static char *default_ip(void)
{
    char iface[IF_NAMESIZE + 1] = "";
    _cleanup_fclose_ FILE *f = fopen("/proc/net/route", "re");
    char line[512];
    while (f && fgets(line, sizeof(line), f)) {
        char name[64];
        unsigned long dst, mask;
        if (sscanf(line, "%63s %lx %*x %*x %*d %*d %*d %lx", name, &dst, &mask) == 3 && dst == 0 &&
            mask == 0) {
            snprintf(iface, sizeof(iface), "%s", name);
            break;
        }
    }
    struct ifaddrs *ifa = NULL;
    if (getifaddrs(&ifa) < 0)
        return NULL;
    char *ip = NULL;
    for (struct ifaddrs *i = ifa; i && !ip; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        if (*iface && strcmp(i->ifa_name, iface))
            continue;
        char buf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof(buf));
        ip = xstrdup(buf);
    }
    freeifaddrs(ifa);
    return ip;
}

/* "containerd.sock"'s directory + /cni/net.d when cube's own containerd made it, else the
 * machine's /etc/cni/net.d. */
static char *cni_dir(const cube_kubelet_config_t *cfg)
{
    if (cfg->cni_conf_dir)
        return xstrdup(cfg->cni_conf_dir);
    const char *ep = cfg->runtime_endpoint;
    if (!strncmp(ep, "unix://", 7))
        ep += 7;
    else if (!strncmp(ep, "unix:", 5))
        ep += 5;
    _cleanup_free_ char *dir = xstrdup(ep);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        _cleanup_free_ char *cand = xasprintf("%s/cni/net.d", dir);
        struct stat sb;
        if (stat(cand, &sb) == 0 && S_ISDIR(sb.st_mode))
            return TAKE_PTR(cand);
    }
    return xstrdup("/etc/cni/net.d");
}

/* Asks the runtime for Status; updates k->runtime_msg. Returns true when it changed. */
static bool check_runtime(kubelet_t *k)
{
    char msg[sizeof(k->runtime_msg)] = "";
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__StatusResponse *st = NULL;
    if (cube_cri_status(k->cri, false, &st, &err) < 0) {
        snprintf(msg, sizeof(msg), "container runtime is down: %s", err.msg);
    } else {
        const Runtime__V1__RuntimeCondition *rr = cube_cri_status_condition(st, "RuntimeReady");
        const Runtime__V1__RuntimeCondition *nr = cube_cri_status_condition(st, "NetworkReady");
        if (!rr || !rr->status)
            snprintf(msg, sizeof(msg),
                     "container runtime not ready: RuntimeReady=false reason:%s message:%s",
                     rr && rr->reason ? rr->reason : "", rr && rr->message ? rr->message : "");
        else if (!nr || !nr->status)
            snprintf(msg, sizeof(msg),
                     "container runtime network not ready: NetworkReady=false reason:%s "
                     "message:%s",
                     nr && nr->reason ? nr->reason : "", nr && nr->message ? nr->message : "");
    }
    pthread_mutex_lock(&k->lock);
    bool changed = strcmp(msg, k->runtime_msg) != 0;
    memcpy(k->runtime_msg, msg, sizeof(msg));
    pthread_mutex_unlock(&k->lock);
    atomic_store(&k->runtime_ready, msg[0] == 0);
    return changed;
}

/* The node's pod network, once its pod CIDR is known. Returns true when written. */
static bool setup_network(kubelet_t *k)
{
    if (!k->pod_cidr) {
        k->pod_cidr = k->cfg->pod_cidr ? xstrdup(k->cfg->pod_cidr) : kl_node_pod_cidr(k);
        if (!k->pod_cidr)
            return false;
    }
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    bool masq_rule = k->cfg->cluster_cidr && *k->cfg->cluster_cidr;
    _cleanup_free_ char *ipam = xasprintf("%s/cni-ipam", k->cfg->root_dir);
    json_auto_t *conf = kl_cni_conflist(k->cfg->cni_bridge ? k->cfg->cni_bridge : "cni0",
                                        k->pod_cidr, !masq_rule, ipam);
    if (kl_cni_write(k->cni_dir, conf, &err) < 0) {
        cube_log_error("writing the CNI config to %s: %s", k->cni_dir, err.msg);
        return false;
    }
    if (masq_rule && kl_cni_masquerade(k->pod_cidr, k->cfg->cluster_cidr, &err) < 0)
        cube_log_warn("%s", err.msg);
    cube_log_info("Pod network: %s/10-cube.conflist for pod CIDR %s", k->cni_dir, k->pod_cidr);
    return true;
}

/* ---- threads ---------------------------------------------------------------- */

static void enqueue(json_t *obj, void *ud)
{
    kubelet_t *k = ud;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(k->queue, key);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    (void)old;
    enqueue(obj, ud);
}

static void *worker(void *arg)
{
    kubelet_t *k = arg;
    char *key;
    while ((key = cube_workqueue_get(k->queue))) {
        int rq = kl_pod_sync(k, key);
        cube_workqueue_done(k->queue, key);
        if (rq > 0 && !atomic_load(k->stop))
            cube_workqueue_add_after(k->queue, key, rq);
        free(key);
    }
    return NULL;
}

static void *pleg(void *arg)
{
    kubelet_t *k = arg;
    while (!atomic_load(k->stop)) {
        kl_pleg_relist(k);
        for (int i = 0; i < 10 && !atomic_load(k->stop); i++)
            usleep(100 * 1000);
    }
    return NULL;
}

static void *prober(void *arg)
{
    kubelet_t *k = arg;
    while (!atomic_load(k->stop)) {
        kl_probe_all(k);
        usleep(200 * 1000);
    }
    return NULL;
}

static void kubelet_clear(kubelet_t *k)
{
    cube_informers_free(k->informers);
    cube_recorder_free(k->rec);
    if (k->queue)
        cube_workqueue_free(k->queue);
    cube_client_free(k->client);
    cube_cri_free(k->cri);
    free(k->node_ip);
    free(k->node_uid);
    free(k->runtime_version);
    free(k->pod_cidr);
    free(k->cni_dir);
    json_decref(k->backoff);
    json_decref(k->pod_keys);
    json_decref(k->pleg);
    json_decref(k->waiting);
    json_decref(k->image_backoff);
    json_decref(k->probes);
    json_decref(k->static_pods);
    free(k->api_service_ip);
    pthread_mutex_destroy(&k->lock);
}

static bool sleep_stop(const atomic_bool *stop, int ms)
{
    for (int i = 0; i < ms / 100 && !atomic_load(stop); i++)
        usleep(100 * 1000);
    return atomic_load(stop);
}

int cube_kubelet_run(const cube_kubelet_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    kubelet_t k _cleanup_(kubelet_clear) = {.cfg = cfg, .stop = stop};
    pthread_mutex_init(&k.lock, NULL);
    k.backoff = json_object();
    k.pod_keys = json_object();
    k.pleg = json_object();
    k.waiting = json_object();
    k.image_backoff = json_object();
    k.probes = json_object();
    k.static_pods = json_object();
    if (cube_mkdir_p(cfg->root_dir, 0750, err) < 0 || cube_mkdir_p(cfg->pod_log_dir, 0755, err) < 0)
        return -1;
    kl_machine_read(cfg->root_dir, &k.machine);
    k.node_ip = cfg->node_ip ? xstrdup(cfg->node_ip) : default_ip();
    k.cni_dir = cni_dir(cfg);

    if (cube_cri_new(cfg->runtime_endpoint, 0, &k.cri, err) < 0)
        return -1;
    _cleanup_cri_ Runtime__V1__VersionResponse *ver = NULL;
    if (cube_cri_version(k.cri, &ver, err) < 0) {
        cube_err_prefix(err, "container runtime at %s", cfg->runtime_endpoint);
        return -1;
    }
    k.runtime_version = xasprintf("%s://%s", ver->runtime_name, ver->runtime_version);
    cube_log_info("Container runtime initialized: %s (API %s)", k.runtime_version,
                  ver->runtime_api_version);
    check_runtime(&k);

    _cleanup_free_ char *ua =
        xasprintf("kubelet/%s (linux/%s) kubernetes/cube", CUBE_GIT_VERSION, k.machine.arch);
    if (cube_client_from_kubeconfig(cfg->kubeconfig, ua, &k.client, err) < 0)
        return -1;
    k.rec = cube_recorder_new(k.client, "kubelet", cfg->node_name);

    /* register, retrying while the API server is away */
    for (int attempt = 0;; attempt++) {
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (kl_node_register(&k, &e) == 0)
            break;
        if (e.code == 400 || e.code == 422) {
            cube_err_move(err, &e);
            return -1;
        }
        if (attempt % 10 == 0)
            cube_log_warn("Unable to register node with API server: %s", e.msg);
        if (sleep_stop(stop, 1000))
            return 0;
    }
    cube_err_t le _cleanup_err_ = CUBE_ERR_INIT;
    if (kl_lease_renew(&k, &le) < 0)
        cube_log_warn("Failed to update lease: %s", le.msg);
    bool net = setup_network(&k);

    /* pods bound to this node */
    k.queue = cube_workqueue_new("pods", 500, 30000, 0, 0);
    k.informers = cube_informers_new(k.client, INFORMER_RESYNC_S);
    _cleanup_free_ char *sel = xasprintf("spec.nodeName=%s", cfg->node_name);
    k.pods = cube_informers_get(k.informers, cube_api_resource_find("", "v1", "pods"), sel);
    cube_informer_handlers_t h = {enqueue, on_update, enqueue, &k};
    cube_informer_add_handlers(k.pods, &h);
    cube_informers_start(k.informers);
    if (cube_informers_wait_synced(k.informers, 30000) < 0)
        cube_log_warn("pod informer not synced after 30s; continuing");

    /* static pods known before any worker runs: their mirrors are not orphans */
    kl_static_sync(&k);
    int nworkers = cfg->workers > 0 ? cfg->workers : 4;
    pthread_t *workers = xcalloc((size_t)nworkers, sizeof(pthread_t));
    for (int i = 0; i < nworkers; i++)
        pthread_create(&workers[i], NULL, worker, &k);
    pthread_t pleg_th;
    pthread_create(&pleg_th, NULL, pleg, &k);
    cube_err_t se _cleanup_err_ = CUBE_ERR_INIT;
    if (kl_server_start(&k, &se) < 0)
        cube_log_error("%s", se.msg);
    pthread_t prober_th;
    pthread_create(&prober_th, NULL, prober, &k);

    /* the node loop: lease, runtime readiness, node status */
    uint64_t last_lease = cube_time_mono_ns(), last_status = cube_time_mono_ns();
    uint64_t last_runtime = 0;
    bool ready_reported = atomic_load(&k.runtime_ready);
    while (!sleep_stop(stop, 500)) {
        uint64_t now = cube_time_mono_ns();
        if (!net && now - last_runtime > 2000000000ull)
            net = setup_network(&k);
        bool changed = false;
        kl_static_sync(&k);
        /* runtime Status: every second until ready, then every 5 s */
        if (now - last_runtime > (ready_reported ? 5000000000ull : 1000000000ull)) {
            changed = check_runtime(&k);
            last_runtime = now;
        }
        if (changed || now - last_status > STATUS_REPORT_S * 1000000000ull) {
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (kl_node_update_status(&k, &e) < 0) {
                cube_log_warn("Error updating node status: %s", e.msg);
            } else {
                last_status = now;
                ready_reported = atomic_load(&k.runtime_ready);
                if (changed)
                    cube_log_info("Node \"%s\" status updated: %s", cfg->node_name,
                                  ready_reported ? "Ready" : "NotReady");
            }
        }
        if (now - last_lease > LEASE_PERIOD_S * 1000000000ull) {
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (kl_lease_renew(&k, &e) < 0)
                cube_log_warn("Failed to update lease: %s", e.msg);
            else
                last_lease = now;
        }
    }

    cube_log_info("kubelet stopping (containers keep running)");
    cube_workqueue_shutdown(k.queue);
    for (int i = 0; i < nworkers; i++)
        pthread_join(workers[i], NULL);
    free(workers);
    pthread_join(pleg_th, NULL);
    pthread_join(prober_th, NULL);
    cube_http_server_stop(k.server);
    k.server = NULL;
    cube_informers_free(k.informers);
    k.informers = NULL;
    return 0;
}
