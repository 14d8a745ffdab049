/*
 * What the API server keeps in the API about itself, as Kubernetes' control
 * plane controllers do: the Service allocators (alloc.c) the admission steps
 * use, the built-in PriorityClasses, and the `kubernetes` Service in
 * `default` with its Endpoints and EndpointSlice naming this server's
 * address, created at start and put back every few seconds when deleted or
 * stale.
 */
#include "apiserver/internal.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <pthread.h>

#define UPKEEP_INTERVAL_SEC 10

struct cube_svc_state {
    cube_svc_alloc_t *alloc;
    char *endpoint_ip; /* the address put in the Endpoints */
    int port; /* the secure port actually served */
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
};

cube_svc_alloc_t *cube_bootstrap_svc_alloc(cube_apiserver_t *srv)
{
    return srv->svc ? srv->svc->alloc : NULL;
}

/* --advertise-address, else 127.0.0.1 when bound to loopback, else the host's first
   non-loopback IPv4 address. Owned. */
static char *endpoint_address(const cube_apiserver_config_t *cfg)
{
    if (cfg->advertise_address && *cfg->advertise_address)
        return xstrdup(cfg->advertise_address);
    struct in_addr b;
    const char *bind = cfg->bind_address ? cfg->bind_address : "0.0.0.0";
    if (inet_pton(AF_INET, bind, &b) == 1 && (ntohl(b.s_addr) >> 24) == 127)
        return xstrdup("127.0.0.1");
    if (inet_pton(AF_INET, bind, &b) == 1 && b.s_addr != 0)
        return xstrdup(bind);
    struct ifaddrs *ifs = NULL;
    char *out = NULL;
    if (getifaddrs(&ifs) == 0) {
        for (struct ifaddrs *i = ifs; i && !out; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
                (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
                continue;
            char buf[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof(buf));
            out = xstrdup(buf);
        }
        freeifaddrs(ifs);
    }
    return out ? out : xstrdup("127.0.0.1");
}

/* ---- built-in PriorityClasses ------------------------------------------ */

static int priority_classes(cube_apiserver_t *srv, cube_err_t *err)
{
    static const struct {
        const char *name;
        json_int_t value;
        const char *desc;
    } pcs[] = {
        {"system-node-critical", 2000001000,
         "Used for system critical pods that must not be moved from their current node."},
        {"system-cluster-critical", 2000000000,
         "Used for system critical pods that must run in the cluster, but can be moved to another "
         "node if necessary."},
    };
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(pcs); i++) {
        json_auto_t *pc =
            json_pack("{s:s, s:s, s:{s:s}, s:I, s:s, s:b}", "apiVersion", "scheduling.k8s.io/v1",
                      "kind", "PriorityClass", "metadata", "name", pcs[i].name, "value",
                      pcs[i].value, "description", pcs[i].desc, "globalDefault", 0);
        if (cube_apiserver_ensure_object(srv, "scheduling.k8s.io", "v1", "priorityclasses", pc,
                                         err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the `kubernetes` Service ----------------------------------------- */

static json_t *kubernetes_service(cube_apiserver_t *srv, const char *ip)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}, s:{s:s, s:[s], s:s, s:[s], s:s,"
                     " s:[{s:s, s:i, s:s, s:i}], s:s}}",
                     "apiVersion", "v1", "kind", "Service", "metadata", "name", "kubernetes",
                     "namespace", "default", "labels", "component", "apiserver", "provider",
                     "kubernetes", "spec", "clusterIP", ip, "clusterIPs", ip, "ipFamilyPolicy",
                     "SingleStack", "ipFamilies", "IPv4", "type", "ClusterIP", "ports", "name",
                     "https", "port", 443, "protocol", "TCP", "targetPort", srv->svc->port,
                     "sessionAffinity", "None");
}

static json_t *kubernetes_endpoints(cube_apiserver_t *srv)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:[{s:[{s:s}], s:[{s:s, s:i, s:s}]}]}",
                     "apiVersion", "v1", "kind", "Endpoints", "metadata", "name", "kubernetes",
                     "namespace", "default", "labels", "endpointslice.kubernetes.io/skip-mirror",
                     "true", "subsets", "addresses", "ip", srv->svc->endpoint_ip, "ports", "name",
                     "https", "port", srv->svc->port, "protocol", "TCP");
}

static json_t *kubernetes_slice(cube_apiserver_t *srv)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:s, s:[{s:[s], s:{s:b}}],"
                     " s:[{s:s, s:i, s:s}]}",
                     "apiVersion", "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata",
                     "name", "kubernetes", "namespace", "default", "labels",
                     "kubernetes.io/service-name", "kubernetes", "addressType", "IPv4", "endpoints",
                     "addresses", srv->svc->endpoint_ip, "conditions", "ready", 1, "ports", "name",
                     "https", "port", srv->svc->port, "protocol", "TCP");
}

/*
 * Makes the stored object match want on the given top-level paths ("spec.ports" style: one or
 * two keys), creating it when missing. want is modified.
 */
static int reconcile(cube_apiserver_t *srv, const char *group, const char *plural, json_t *want,
                     const char *const (*paths)[2], size_t npaths, cube_err_t *err)
{
    const cube_resource_t *r = cube_api_resource_find(group, "v1", plural);
    if (!r)
        return cube_err_internal(err, "resource %s not registered", plural);
    _cleanup_free_ char *key = cube_key(r, "default", "kubernetes");
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o)
        return cube_apiserver_ensure_object(srv, group, "v1", plural, want, err);
    json_auto_t *cur = json_loadb(o->json->data, o->json->len, 0, NULL);
    int64_t rev = o->rev;
    cube_obj_unref(o);
    if (!cur)
        return cube_err_internal(err, "stored %s is not JSON", plural);
    json_auto_t *next = json_deep_copy(cur);
    cube_api_default(r, want);
    for (size_t i = 0; i < npaths; i++) {
        json_t *w = paths[i][1] ? cube_json_path(want, paths[i][0], paths[i][1], NULL)
                                : json_object_get(want, paths[i][0]);
        json_t *parent = paths[i][1] ? cube_json_obj(next, paths[i][0]) : next;
        const char *k = paths[i][1] ? paths[i][1] : paths[i][0];
        if (w)
            json_object_set(parent, k, w);
    }
    if (json_equal(cur, next))
        return 0;
    cube_api_prepare(r, CUBE_OP_UPDATE, next, cur);
    size_t len;
    _cleanup_free_ char *s = cube_encode_for_store(next, &len);
    int64_t nrev;
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_store_update(srv->store, key, s, len, rev, &nrev, &e) < 0 && e.code != 409 &&
        e.code != 404) {
        cube_err_move(err, &e);
        return -1;
    }
    return 0; /* a concurrent change: the next round looks again */
}

static int upkeep_once(cube_apiserver_t *srv, cube_err_t *err)
{
    static const char *const svc_paths[][2] = {{"spec", "ports"}, {"metadata", "labels"}};
    static const char *const ep_paths[][2] = {{"subsets", NULL}, {"metadata", "labels"}};
    static const char *const es_paths[][2] = {
        {"endpoints", NULL}, {"ports", NULL}, {"addressType", NULL}, {"metadata", "labels"}};
    _cleanup_free_ char *ip = cube_svc_alloc_first_ip(srv->svc->alloc);
    json_auto_t *svc = kubernetes_service(srv, ip);
    json_auto_t *ep = kubernetes_endpoints(srv);
    json_auto_t *es = kubernetes_slice(srv);
    if (reconcile(srv, "", "services", svc, svc_paths, CUBE_ARRAY_SIZE(svc_paths), err) < 0 ||
        reconcile(srv, "", "endpoints", ep, ep_paths, CUBE_ARRAY_SIZE(ep_paths), err) < 0 ||
        reconcile(srv, "discovery.k8s.io", "endpointslices", es, es_paths,
                  CUBE_ARRAY_SIZE(es_paths), err) < 0)
        return -1;
    return 0;
}

static void *upkeep_loop(void *arg)
{
    cube_apiserver_t *srv = arg;
    cube_svc_state_t *st = srv->svc;
    pthread_mutex_lock(&st->lock);
    while (!st->stop) {
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += UPKEEP_INTERVAL_SEC;
        while (!st->stop && pthread_cond_timedwait(&st->cond, &st->lock, &dl) == 0)
            ;
        if (st->stop)
            break;
        pthread_mutex_unlock(&st->lock);
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (upkeep_once(srv, &err) < 0)
            cube_log_v(2, "kubernetes service upkeep: %s", err.msg);
        pthread_mutex_lock(&st->lock);
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

/* ---- life ------------------------------------------------------------------ */

int cube_bootstrap_start(cube_apiserver_t *srv, cube_err_t *err)
{
    const cube_apiserver_config_t *cfg = srv->cfg;
    cube_svc_state_t *st = xcalloc(1, sizeof(*st));
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->cond, NULL);
    srv->svc = st;
    if (cube_svc_alloc_new(
            srv->store,
            cfg->service_cluster_ip_range ? cfg->service_cluster_ip_range : "10.43.0.0/16",
            cfg->service_node_port_range ? cfg->service_node_port_range : "30000-32767", 0,
            &st->alloc, err) < 0) {
        cube_err_prefix(err, "service allocators");
        return -1;
    }
    st->endpoint_ip = endpoint_address(cfg);
    return priority_classes(srv, err);
}

int cube_bootstrap_serve(cube_apiserver_t *srv, int port, cube_err_t *err)
{
    cube_svc_state_t *st = srv->svc;
    st->port = port;
    if (upkeep_once(srv, err) < 0) {
        cube_err_prefix(err, "the kubernetes service");
        return -1;
    }
    if (pthread_create(&st->thread, NULL, upkeep_loop, srv) != 0)
        return cube_err_internal(err, "cannot start the kubernetes service upkeep thread");
    st->started = true;
    return 0;
}

void cube_bootstrap_stop(cube_apiserver_t *srv)
{
    cube_svc_state_t *st = srv->svc;
    if (!st)
        return;
    if (st->started) {
        pthread_mutex_lock(&st->lock);
        st->stop = true;
        pthread_cond_broadcast(&st->cond);
        pthread_mutex_unlock(&st->lock);
        pthread_join(st->thread, NULL);
    }
    cube_svc_alloc_free(st->alloc);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->cond);
    free(st->endpoint_ip);
    free(st);
    srv->svc = NULL;
}
