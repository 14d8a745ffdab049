/*
 * manager: the process around the controllers, as kube-controller-manager's
 * app package is. It connects to the API server, takes the
 * kube-system/kube-controller-manager Lease when leader election is on, builds
 * the shared informers (with the indexes controllers rely on), starts the
 * enabled controllers and, on stop or lost leadership, takes everything down
 * in an order that never lets a handler or a sync touch freed state.
 */
#include <sys/random.h>

#include "controllers/controllers.h"

/* The controllers this binary has, in start order. A row per controller file. */
static const cube_controller_ops_t *const all_controllers[] = {
    &cube_ctrl_serviceaccount,
    &cube_ctrl_namespace,
    &cube_ctrl_garbagecollector,
    &cube_ctrl_replicaset,
    &cube_ctrl_replicationcontroller,
    &cube_ctrl_deployment,
    &cube_ctrl_endpoints,
    &cube_ctrl_endpointslice,
    &cube_ctrl_nodeipam,
    &cube_ctrl_nodelifecycle,
    &cube_ctrl_podgc,
    &cube_ctrl_resourcequota,
    &cube_ctrl_job,
    &cube_ctrl_cronjob,
    &cube_ctrl_daemonset,
    &cube_ctrl_statefulset,
};

/* The namespaced resources whose informers get the namespace and owner indexes. */
static const char *const indexed[][2] = {
    {"", "pods"},
    {"apps", "replicasets"},
    {"apps", "deployments"},
    {"", "replicationcontrollers"},
    {"batch", "jobs"},
    {"batch", "cronjobs"},
    {"apps", "daemonsets"},
    {"apps", "statefulsets"},
    {"apps", "controllerrevisions"},
    {"", "services"},
    {"", "endpoints"},
    {"discovery.k8s.io", "endpointslices"},
    {"", "configmaps"},
    {"", "secrets"},
    {"", "serviceaccounts"},
    {"", "persistentvolumeclaims"},
};

typedef struct manager {
    const cube_ctrl_config_t *cfg;
    const atomic_bool *stop; /* the caller's */
    cube_client_t *client;
    bool enabled[CUBE_ARRAY_SIZE(all_controllers)];
    /* Set while controllers run; protected by being touched only on the election thread. */
    bool running;
    cube_informers_t *informers;
    void *states[CUBE_ARRAY_SIZE(all_controllers)];
    atomic_bool ctrl_stop;
    pthread_rwlock_t sync_lock;
    cube_ctrl_ctx_t ctx;
} manager_t;

/* Parses --controllers ("*", "a,b", "*,-a") into enabled[]. */
static int parse_controllers(const char *spec, bool *enabled, cube_err_t *err)
{
    size_t n = CUBE_ARRAY_SIZE(all_controllers);
    _cleanup_free_ char *copy = xstrdup(spec && *spec ? spec : "*");
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!strcmp(tok, "*")) {
            for (size_t i = 0; i < n; i++)
                enabled[i] = true;
            continue;
        }
        bool on = *tok != '-';
        const char *name = on ? tok : tok + 1;
        size_t i;
        for (i = 0; i < n; i++)
            if (!strcmp(all_controllers[i]->name, name))
                break;
        if (i == n)
            return cube_err_badrequest(err, "unknown controller \"%s\"", name);
        enabled[i] = on;
    }
    return 0;
}

static void start_controllers(manager_t *m)
{
    if (m->running)
        return;
    atomic_store(&m->ctrl_stop, false);
    m->informers = cube_informers_new(m->client, 0);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(indexed); i++) {
        const cube_resource_t *r = cube_api_resource_find(indexed[i][0], "v1", indexed[i][1]);
        if (!r)
            continue;
        cube_informer_t *inf = cube_informers_get(m->informers, r, NULL);
        cube_informer_add_index(inf, CUBE_CTRL_INDEX_NS, cube_index_namespace);
        cube_informer_add_index(inf, CUBE_CTRL_INDEX_OWNER, cube_index_owner_uid);
        if (!strcmp(r->plural, "pods"))
            cube_informer_add_index(inf, CUBE_CTRL_INDEX_NODE, cube_index_node_name);
    }
    m->ctx = (cube_ctrl_ctx_t){.client = m->client,
                               .informers = m->informers,
                               .cfg = m->cfg,
                               .stop = &m->ctrl_stop,
                               .sync_lock = &m->sync_lock};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(all_controllers); i++) {
        if (!m->enabled[i])
            continue;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (all_controllers[i]->start(&m->ctx, &m->states[i], &err) < 0) {
            cube_log_error("controller \"%s\" did not start: %s", all_controllers[i]->name,
                           err.msg);
            m->states[i] = NULL;
            continue;
        }
        cube_log_info("started \"%s\" controller", all_controllers[i]->name);
    }
    cube_informers_start(m->informers);
    m->running = true;
}

/*
 * Order matters: no sync may run once the informers are freed (the write lock waits for the
 * running ones; later ones see the stop flag), and no informer handler may run once a
 * controller's state is freed (the informers are gone first).
 */
static void stop_controllers(manager_t *m)
{
    if (!m->running)
        return;
    atomic_store(&m->ctrl_stop, true);
    pthread_rwlock_wrlock(&m->sync_lock);
    cube_informers_free(m->informers);
    m->informers = NULL;
    pthread_rwlock_unlock(&m->sync_lock);
    for (size_t i = CUBE_ARRAY_SIZE(all_controllers); i-- > 0;) {
        if (m->states[i])
            all_controllers[i]->stop(m->states[i]);
        m->states[i] = NULL;
    }
    m->running = false;
}

static void on_started(void *userdata)
{
    cube_log_info("became leader: starting controllers");
    start_controllers(userdata);
}

static void on_stopped(void *userdata)
{
    manager_t *m = userdata;
    if (m->running && !atomic_load(m->stop))
        cube_log_warn("leadership lost: stopping controllers");
    stop_controllers(m);
}

/* "<hostname>_<random uuid>", as kube-controller-manager's lease identity. */
static char *identity(void)
{
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    unsigned char b[16] = {0};
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)(rand() & 0xff);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    return xasprintf("%s_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     host, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                     b[12], b[13], b[14], b[15]);
}

int cube_controller_manager_run(const cube_ctrl_config_t *cfg, const char *kubeconfig,
                                const char *controllers, bool leader_elect, const atomic_bool *stop,
                                cube_err_t *err)
{
    manager_t m = {.cfg = cfg, .stop = stop};
    if (parse_controllers(controllers, m.enabled, err) < 0)
        return -1;
    _cleanup_free_ char *ua = xasprintf("kube-controller-manager/%s", CUBE_GIT_VERSION);
    if (cube_client_from_kubeconfig(kubeconfig, ua, &m.client, err) < 0)
        return -1;
    pthread_rwlock_init(&m.sync_lock, NULL);
    cube_log_info("starting cube controller-manager %s", CUBE_GIT_VERSION);
    int rc = 0;
    if (leader_elect) {
        _cleanup_free_ char *id = identity();
        const cube_leader_config_t lc = {
            .ns = "kube-system",
            .name = "kube-controller-manager",
            .identity = id,
            .lease_sec = 15,
            .renew_deadline_sec = 10,
            .retry_sec = 2,
            .on_started = on_started,
            .on_stopped = on_stopped,
            .userdata = &m,
        };
        cube_log_info("attempting to acquire leader lease kube-system/kube-controller-manager...");
        rc = cube_leader_run(m.client, &lc, stop, err);
    } else {
        start_controllers(&m);
        while (!atomic_load(stop))
            usleep(100 * 1000);
    }
    stop_controllers(&m);
    pthread_rwlock_destroy(&m.sync_lock);
    cube_client_free(m.client);
    return rc;
}
