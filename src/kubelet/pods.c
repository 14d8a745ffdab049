/*
 * Pod workers: make the runtime run what a pod says, one sync at a time per
 * pod (pkg/kubelet/kuberuntime/kuberuntime_manager.go SyncPod and
 * computePodActions, pod_workers.go). Each sync reads the runtime's state of
 * the pod (sandboxes and containers found by the pod uid label, so nothing
 * is remembered that a restarted kubelet would lose), then acts: a sandbox
 * when none is ready, the next init container, app containers that never ran
 * or that their restart policy restarts once their crash-loop backoff has
 * passed, and on deletion the graceful stop of everything followed by the
 * final delete of the pod object. The status the sync computes (status.c) is
 * sent through the status subresource only when it changed.
 *
 * The PLEG relist lives here too: every second it lists the runtime's
 * sandboxes and containers and queues each pod whose fingerprint changed
 * (a container exited, a sandbox died), so state changes reach a sync
 * within a second without polling each pod.
 */
#include "kubelet/internal.h"

#include <errno.h>
#include <sys/stat.h>

/* ---- building CRI requests: every allocation in one arena, freed at once ---- */

typedef struct arena {
    void **p;
    size_t n, cap;
} arena_t;

static void arena_clear(arena_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->p[i]);
    free(a->p);
    memset(a, 0, sizeof(*a));
}

static void *ar_keep(arena_t *a, void *m)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->p = xrealloc(a->p, a->cap * sizeof(void *));
    }
    a->p[a->n++] = m;
    return m;
}

static void *ar_new(arena_t *a, size_t size)
{
    return ar_keep(a, xcalloc(1, size));
}

static char *ar_str(arena_t *a, const char *s)
{
    return ar_keep(a, xstrdup(s ? s : ""));
}

static void *ar_msg(arena_t *a, const ProtobufCMessageDescriptor *d)
{
    void *m = ar_new(a, d->sizeof_message);
    protobuf_c_message_init(d, m);
    return m;
}

/* Every generated map entry has this layout (the descriptor tells them apart). */
typedef struct kv_entry {
    ProtobufCMessage base;
    char *key;
    char *value;
} kv_entry_t;

/* A protobuf map from a JSON object of strings; *n gets the count. */
static void *ar_map(arena_t *a, const ProtobufCMessageDescriptor *d, const json_t *obj, size_t *n)
{
    size_t cnt = json_object_size(obj);
    *n = cnt;
    if (!cnt)
        return NULL;
    kv_entry_t **arr = ar_new(a, cnt * sizeof(*arr));
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        kv_entry_t *e = ar_msg(a, d);
        e->key = ar_str(a, key);
        e->value = ar_str(a, json_string_value(v));
        arr[i++] = e;
    }
    return arr;
}

static char **ar_strv(arena_t *a, const json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    if (!*n)
        return NULL;
    char **v = ar_new(a, *n * sizeof(char *));
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) v[i] = ar_str(a, json_string_value(s));
    return v;
}

static const char *pod_str(const json_t *pod, const char *a, const char *b)
{
    const char *s = cube_json_str(pod, a, b, NULL);
    return s ? s : "";
}

/* ---- the sandbox ------------------------------------------------------------ */

/* Appends the host's resolv.conf servers, searches and options to the three arrays. */
static void host_resolv(json_t *servers, json_t *searches, json_t *options)
{
    _cleanup_fclose_ FILE *f = fopen("/etc/resolv.conf", "re");
    char line[512];
    while (f && fgets(line, sizeof(line), f)) {
        char *save = NULL, *w = strtok_r(line, " \t\r\n", &save);
        if (!w || *w == '#' || *w == ';')
            continue;
        json_t *dst = !strcmp(w, "nameserver") ? servers
                      : !strcmp(w, "search")   ? searches
                      : !strcmp(w, "options")  ? options
                                               : NULL;
        if (!dst)
            continue;
        if (dst == searches)
            json_array_clear(searches); /* the last search line wins */
        while ((w = strtok_r(NULL, " \t\r\n", &save)))
            json_array_append_new(dst, json_string(w));
    }
}

static Runtime__V1__DNSConfig *dns_config(arena_t *a, kubelet_t *k, const json_t *pod)
{
    json_auto_t *servers = json_array(), *searches = json_array(), *options = json_array();
    const char *policy = cube_json_str(pod, "spec", "dnsPolicy", NULL);
    if (!policy)
        policy = "ClusterFirst";
    bool host_net = json_is_true(cube_json_path(pod, "spec", "hostNetwork", NULL));
    if (!strcmp(policy, "ClusterFirst") && host_net)
        policy = "Default";
    if (!strcmp(policy, "ClusterFirstWithHostNet"))
        policy = "ClusterFirst";
    if (!strcmp(policy, "ClusterFirst") && k->cfg->cluster_dns) {
        const char *ns = pod_str(pod, "metadata", "namespace");
        const char *dom = k->cfg->cluster_domain ? k->cfg->cluster_domain : "cluster.local";
        json_array_append_new(servers, json_string(k->cfg->cluster_dns));
        json_array_append_new(searches, json_sprintf("%s.svc.%s", ns, dom));
        json_array_append_new(searches, json_sprintf("svc.%s", dom));
        json_array_append_new(searches, json_string(dom));
        json_auto_t *hs = json_array(), *ho = json_array(), *hsv = json_array();
        host_resolv(hsv, hs, ho);
        json_array_extend(searches, hs);
        json_array_append_new(options, json_string("ndots:5"));
    } else if (strcmp(policy, "None")) {
        host_resolv(servers, searches, options);
    }
    json_t *dc = cube_json_path(pod, "spec", "dnsConfig", NULL);
    json_array_extend(servers, json_object_get(dc, "nameservers") ?: json_array());
    json_array_extend(searches, json_object_get(dc, "searches") ?: json_array());
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(dc, "options"), i, o)
    {
        const char *n = cube_json_str(o, "name", NULL), *v = cube_json_str(o, "value", NULL);
        if (n)
            json_array_append_new(options, v ? json_sprintf("%s:%s", n, v) : json_string(n));
    }
    Runtime__V1__DNSConfig *d = ar_msg(a, &runtime__v1__dnsconfig__descriptor);
    d->servers = ar_strv(a, servers, &d->n_servers);
    d->searches = ar_strv(a, searches, &d->n_searches);
    d->options = ar_strv(a, options, &d->n_options);
    return d;
}

static char *log_dir(kubelet_t *k, const json_t *pod)
{
    return xasprintf("%s/%s_%s_%s", k->cfg->pod_log_dir, pod_str(pod, "metadata", "namespace"),
                     pod_str(pod, "metadata", "name"), pod_str(pod, "metadata", "uid"));
}

static Runtime__V1__PodSandboxConfig *sandbox_config(arena_t *a, kubelet_t *k, const json_t *pod,
                                                     uint32_t attempt)
{
    Runtime__V1__PodSandboxConfig *sc = ar_msg(a, &runtime__v1__pod_sandbox_config__descriptor);
    Runtime__V1__PodSandboxMetadata *m = ar_msg(a, &runtime__v1__pod_sandbox_metadata__descriptor);
    m->name = ar_str(a, pod_str(pod, "metadata", "name"));
    m->namespace_ = ar_str(a, pod_str(pod, "metadata", "namespace"));
    m->uid = ar_str(a, pod_str(pod, "metadata", "uid"));
    m->attempt = attempt;
    sc->metadata = m;
    bool host_net = json_is_true(cube_json_path(pod, "spec", "hostNetwork", NULL));
    const char *hostname = cube_json_str(pod, "spec", "hostname", NULL);
    if (host_net)
        sc->hostname = ar_str(a, k->machine.hostname);
    else
        sc->hostname = ar_keep(a, xstrndup(hostname ? hostname : m->name, 63));
    sc->log_directory = ar_keep(a, log_dir(k, pod));
    sc->dns_config = dns_config(a, k, pod);

    /* host ports */
    json_auto_t *ports = json_array();
    size_t i, j;
    json_t *c, *p;
    json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), i, c)
        json_array_foreach(json_object_get(c, "ports"), j,
                           p) if (json_integer_value(json_object_get(p, "hostPort")) > 0)
            json_array_append(ports, p);
    sc->n_port_mappings = json_array_size(ports);
    if (sc->n_port_mappings) {
        sc->port_mappings = ar_new(a, sc->n_port_mappings * sizeof(void *));
        json_array_foreach(ports, i, p)
        {
            Runtime__V1__PortMapping *pm = ar_msg(a, &runtime__v1__port_mapping__descriptor);
            const char *proto = cube_json_str(p, "protocol", NULL);
            pm->protocol = proto && !strcmp(proto, "UDP")    ? RUNTIME__V1__PROTOCOL__UDP
                           : proto && !strcmp(proto, "SCTP") ? RUNTIME__V1__PROTOCOL__SCTP
                                                             : RUNTIME__V1__PROTOCOL__TCP;
            pm->container_port = (int32_t)json_integer_value(json_object_get(p, "containerPort"));
            pm->host_port = (int32_t)json_integer_value(json_object_get(p, "hostPort"));
            pm->host_ip = ar_str(a, cube_json_str(p, "hostIP", NULL));
            sc->port_mappings[i] = pm;
        }
    }

    json_auto_t *labels = json_deep_copy(cube_json_path(pod, "metadata", "labels", NULL));
    if (!labels)
        labels = json_object();
    json_object_set_new(labels, KL_LABEL_POD_NAME, json_string(m->name));
    json_object_set_new(labels, KL_LABEL_POD_NS, json_string(m->namespace_));
    json_object_set_new(labels, KL_LABEL_POD_UID, json_string(m->uid));
    sc->labels = ar_map(a, &runtime__v1__pod_sandbox_config__labels_entry__descriptor, labels,
                        &sc->n_labels);
    sc->annotations =
        ar_map(a, &runtime__v1__pod_sandbox_config__annotations_entry__descriptor,
               cube_json_path(pod, "metadata", "annotations", NULL), &sc->n_annotations);

    Runtime__V1__LinuxPodSandboxConfig *lx =
        ar_msg(a, &runtime__v1__linux_pod_sandbox_config__descriptor);
    lx->cgroup_parent = ar_keep(a, kl_cgroup_parent(pod));
    Runtime__V1__LinuxSandboxSecurityContext *sec =
        ar_msg(a, &runtime__v1__linux_sandbox_security_context__descriptor);
    Runtime__V1__NamespaceOption *nso = ar_msg(a, &runtime__v1__namespace_option__descriptor);
    nso->network = host_net ? RUNTIME__V1__NAMESPACE_MODE__NODE : RUNTIME__V1__NAMESPACE_MODE__POD;
    nso->pid = json_is_true(cube_json_path(pod, "spec", "hostPID", NULL))
                   ? RUNTIME__V1__NAMESPACE_MODE__NODE
               : json_is_true(cube_json_path(pod, "spec", "shareProcessNamespace", NULL))
                   ? RUNTIME__V1__NAMESPACE_MODE__POD
                   : RUNTIME__V1__NAMESPACE_MODE__CONTAINER;
    nso->ipc = json_is_true(cube_json_path(pod, "spec", "hostIPC", NULL))
                   ? RUNTIME__V1__NAMESPACE_MODE__NODE
                   : RUNTIME__V1__NAMESPACE_MODE__POD;
    sec->namespace_options = nso;
    lx->security_context = sec;
    sc->linux = lx;
    return sc;
}

/* ---- the runtime's view of one pod ------------------------------------------------ */

typedef struct pod_rt {
    char *sandbox_id; /* newest sandbox, or NULL */
    bool sandbox_ready;
    uint32_t sandbox_attempt;
    json_t *old_sandboxes; /* ids of the others (to remove) */
    kl_pod_state_t st;
} pod_rt_t;

static void pod_rt_clear(pod_rt_t *r)
{
    free(r->sandbox_id);
    json_decref(r->old_sandboxes);
    kl_pod_state_clear(&r->st);
    memset(r, 0, sizeof(*r));
}

static Runtime__V1__PodSandboxFilter__LabelSelectorEntry uid_sb_entry(const char *uid)
{
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry e =
        RUNTIME__V1__POD_SANDBOX_FILTER__LABEL_SELECTOR_ENTRY__INIT;
    e.key = (char *)KL_LABEL_POD_UID;
    e.value = (char *)uid;
    return e;
}

/* Reads sandboxes and containers of pod uid from the runtime. */
static int runtime_state(kubelet_t *k, const char *uid, pod_rt_t *r, cube_err_t *err)
{
    memset(r, 0, sizeof(*r));
    r->old_sandboxes = json_array();
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry e = uid_sb_entry(uid);
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry *ep = &e;
    Runtime__V1__PodSandboxFilter f = RUNTIME__V1__POD_SANDBOX_FILTER__INIT;
    f.n_label_selector = 1;
    f.label_selector = &ep;
    _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *sbs = NULL;
    if (cube_cri_list_pod_sandbox(k->cri, &f, &sbs, err) < 0)
        return -1;
    const Runtime__V1__PodSandbox *best = NULL;
    for (size_t i = 0; i < sbs->n_items; i++) {
        const Runtime__V1__PodSandbox *s = sbs->items[i];
        if (!best || s->created_at > best->created_at)
            best = s;
    }
    for (size_t i = 0; i < sbs->n_items; i++)
        if (sbs->items[i] != best)
            json_array_append_new(r->old_sandboxes, json_string(sbs->items[i]->id));
    if (!best)
        return 0;
    r->sandbox_id = xstrdup(best->id);
    r->sandbox_ready = best->state == RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY;
    r->sandbox_attempt = best->metadata ? best->metadata->attempt : 0;
    r->st.sandbox_ready = r->sandbox_ready;
    if (r->sandbox_ready) {
        _cleanup_cri_ Runtime__V1__PodSandboxStatusResponse *ss = NULL;
        if (cube_cri_pod_sandbox_status(k->cri, best->id, false, &ss, err) < 0)
            return -1;
        if (ss->status && ss->status->network && ss->status->network->ip &&
            *ss->status->network->ip)
            r->st.pod_ip = xstrdup(ss->status->network->ip);
    }
    Runtime__V1__ContainerFilter cf = RUNTIME__V1__CONTAINER_FILTER__INIT;
    cf.pod_sandbox_id = best->id;
    _cleanup_cri_ Runtime__V1__ListContainersResponse *cs = NULL;
    if (cube_cri_list_containers(k->cri, &cf, &cs, err) < 0)
        return -1;
    r->st.ctrs = xcalloc(cs->n_containers ? cs->n_containers : 1, sizeof(kl_ctr_t));
    for (size_t i = 0; i < cs->n_containers; i++) {
        _cleanup_cri_ Runtime__V1__ContainerStatusResponse *st = NULL;
        cube_err_t e2 _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_cri_container_status(k->cri, cs->containers[i]->id, false, &st, &e2) < 0 ||
            !st->status)
            continue; /* removed meanwhile */
        const Runtime__V1__ContainerStatus *s = st->status;
        kl_ctr_t *c = &r->st.ctrs[r->st.nctrs++];
        c->id = xstrdup(s->id);
        c->name = xstrdup(s->metadata && s->metadata->name ? s->metadata->name : "");
        c->attempt = s->metadata ? s->metadata->attempt : 0;
        c->state = s->state;
        c->exit_code = s->exit_code;
        c->created_ns = s->created_at;
        c->started_ns = s->started_at;
        c->finished_ns = s->finished_at;
        c->image = xstrdup(s->image && s->image->image ? s->image->image : "");
        c->image_ref = xstrdup(s->image_ref ? s->image_ref : "");
        c->reason = s->reason && *s->reason ? xstrdup(s->reason) : NULL;
        c->message = s->message && *s->message ? xstrdup(s->message) : NULL;
    }
    return 0;
}

/* ---- per-pod memory: waiting reasons and backoff ---------------------------------- */

static void set_waiting(kubelet_t *k, const char *uid, const char *name, const char *reason,
                        const char *msg)
{
    pthread_mutex_lock(&k->lock);
    json_t *w = cube_json_obj(k->waiting, uid);
    if (reason)
        json_object_set_new(w, name,
                            msg ? json_pack("{s:s,s:s}", "reason", reason, "message", msg)
                                : json_pack("{s:s}", "reason", reason));
    else
        json_object_del(w, name);
    pthread_mutex_unlock(&k->lock);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Crash-loop backoff of uid/name for a container that finished at finished_ns after running
 * since started_ns: ms left to wait (0: may restart now). */
static int64_t backoff_left(kubelet_t *k, const char *uid, const char *name, const kl_ctr_t *l)
{
    _cleanup_free_ char *key = xasprintf("%s/%s", uid, name);
    pthread_mutex_lock(&k->lock);
    json_t *b = json_object_get(k->backoff, key);
    int64_t left = 0;
    if (b && (l->finished_ns - l->started_ns) / 1000000000 >= KL_BACKOFF_RESET_S) {
        json_object_del(k->backoff, key); /* it ran long enough: forgive */
        b = NULL;
    }
    if (b) {
        int64_t delay = json_integer_value(json_object_get(b, "delay"));
        left = l->finished_ns / 1000000 + delay - now_ms();
        if (left < 0)
            left = 0;
    }
    pthread_mutex_unlock(&k->lock);
    return left;
}

static int64_t backoff_delay(kubelet_t *k, const char *uid, const char *name)
{
    _cleanup_free_ char *key = xasprintf("%s/%s", uid, name);
    pthread_mutex_lock(&k->lock);
    int64_t d = json_integer_value(json_object_get(json_object_get(k->backoff, key), "delay"));
    pthread_mutex_unlock(&k->lock);
    return d;
}

static void backoff_next(kubelet_t *k, json_t *map, const char *uid, const char *name)
{
    _cleanup_free_ char *key = xasprintf("%s/%s", uid, name);
    pthread_mutex_lock(&k->lock);
    json_t *b = json_object_get(map, key);
    int64_t d = b ? json_integer_value(json_object_get(b, "delay")) * 2 : KL_BACKOFF_BASE_MS;
    if (d > KL_BACKOFF_MAX_MS)
        d = KL_BACKOFF_MAX_MS;
    json_object_set_new(
        map, key,
        json_pack("{s:I,s:I}", "delay", (json_int_t)d, "until", (json_int_t)(now_ms() + d)));
    pthread_mutex_unlock(&k->lock);
}

static void forget_pod(kubelet_t *k, const char *uid)
{
    pthread_mutex_lock(&k->lock);
    json_object_del(k->waiting, uid);
    json_object_del(k->pod_keys, uid);
    size_t ul = strlen(uid);
    json_t *maps[] = {k->backoff, k->image_backoff};
    for (size_t m = 0; m < 2; m++) {
        const char *key;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(maps[m], tmp, key, v) if (!strncmp(key, uid, ul) && key[ul] == '/')
            json_object_del(maps[m], key);
    }
    pthread_mutex_unlock(&k->lock);
    kl_probes_forget(k, uid);
}

/* ---- images ------------------------------------------------------------------------ */

/* The image ref to create container c with, or NULL with the waiting reason set. */
static char *ensure_image(kubelet_t *k, const json_t *pod, const json_t *c, int64_t *requeue)
{
    const char *uid = pod_str(pod, "metadata", "uid");
    const char *name = cube_json_str(c, "name", NULL);
    const char *image = cube_json_str(c, "image", NULL);
    const char *policy = cube_json_str(c, "imagePullPolicy", NULL);
    if (!policy) {
        const char *colon = image ? strrchr(image, ':') : NULL;
        bool latest = !colon || strchr(colon, '/') || !strcmp(colon, ":latest");
        policy = latest ? "Always" : "IfNotPresent";
    }
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__ImageStatusResponse *st = NULL;
    if (cube_cri_image_status(k->cri, image, false, &st, &err) < 0) {
        set_waiting(k, uid, name, "ErrImagePull", err.msg);
        *requeue = 5000;
        return NULL;
    }
    if (st->image && strcmp(policy, "Always")) {
        cube_recorder_event(k->rec, pod, "Normal", "Pulled",
                            "Container image \"%s\" already present on machine", image);
        return xstrdup(st->image->id);
    }
    if (!strcmp(policy, "Never")) {
        _cleanup_free_ char *msg =
            xasprintf("Container image \"%s\" is not present with pull policy of Never", image);
        set_waiting(k, uid, name, "ErrImageNeverPull", msg);
        cube_recorder_event(k->rec, pod, "Warning", "ErrImageNeverPull", "%s", msg);
        *requeue = 10000;
        return NULL;
    }
    /* pull, unless still backing off from the last failure */
    _cleanup_free_ char *key = xasprintf("%s/%s", uid, name);
    pthread_mutex_lock(&k->lock);
    json_t *b = json_object_get(k->image_backoff, key);
    int64_t until = b ? json_integer_value(json_object_get(b, "until")) : 0;
    pthread_mutex_unlock(&k->lock);
    if (until > now_ms()) {
        _cleanup_free_ char *msg = xasprintf("Back-off pulling image \"%s\"", image);
        set_waiting(k, uid, name, "ImagePullBackOff", msg);
        *requeue = until - now_ms();
        return NULL;
    }
    cube_recorder_event(k->rec, pod, "Normal", "Pulling", "Pulling image \"%s\"", image);
    char *ref = NULL;
    if (cube_cri_pull_image(k->cri, image, NULL, NULL, &ref, &err) < 0) {
        _cleanup_free_ char *msg = xasprintf("Failed to pull image \"%s\": %s", image, err.msg);
        cube_recorder_event(k->rec, pod, "Warning", "Failed", "%s", msg);
        set_waiting(k, uid, name, "ErrImagePull", msg);
        backoff_next(k, k->image_backoff, uid, name);
        pthread_mutex_lock(&k->lock);
        *requeue =
            json_integer_value(json_object_get(json_object_get(k->image_backoff, key), "delay"));
        pthread_mutex_unlock(&k->lock);
        return NULL;
    }
    pthread_mutex_lock(&k->lock);
    json_object_del(k->image_backoff, key);
    pthread_mutex_unlock(&k->lock);
    return ref;
}

/* ---- containers ------------------------------------------------------------------- */

static json_t *lookup_obj(const char *kind, const char *ns, const char *name, void *ud)
{
    kubelet_t *k = ud;
    const cube_resource_t *r =
        cube_api_resource_find("", "v1", !strcmp(kind, "ConfigMap") ? "configmaps" : "secrets");
    json_t *obj = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_get(k->client, r, ns, name, &obj, &err) < 0)
        return NULL;
    return obj;
}

/* The API server's Service variables every container gets, as the kubelet sets them
 * (KUBERNETES_SERVICE_HOST, _PORT, ...: what in-cluster clients read), before the
 * container's own env, which wins for a name it sets. */
static void add_api_service_env(kubelet_t *k, const json_t *c, json_t *env)
{
    pthread_mutex_lock(&k->lock);
    _cleanup_free_ char *ip = k->api_service_ip ? xstrdup(k->api_service_ip) : NULL;
    int port = k->api_service_port;
    pthread_mutex_unlock(&k->lock);
    if (!ip) {
        json_auto_t *svc = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_get(k->client, cube_api_resource_find("", "v1", "services"), "default",
                            "kubernetes", &svc, &err) < 0)
            return;
        const char *cip = cube_json_str(svc, "spec", "clusterIP", NULL);
        json_int_t p = json_integer_value(
            json_object_get(json_array_get(cube_json_path(svc, "spec", "ports", NULL), 0), "port"));
        if (!cip || !*cip || p <= 0)
            return;
        ip = xstrdup(cip);
        port = (int)p;
        pthread_mutex_lock(&k->lock);
        free(k->api_service_ip);
        k->api_service_ip = xstrdup(ip);
        k->api_service_port = port;
        pthread_mutex_unlock(&k->lock);
    }
    char ps[16];
    snprintf(ps, sizeof(ps), "%d", port);
    _cleanup_free_ char *url = xasprintf("tcp://%s:%d", ip, port);
    _cleanup_free_ char *p443 = xasprintf("KUBERNETES_PORT_%d_TCP", port);
    _cleanup_free_ char *p443p = xasprintf("%s_PROTO", p443);
    _cleanup_free_ char *p443port = xasprintf("%s_PORT", p443);
    _cleanup_free_ char *p443a = xasprintf("%s_ADDR", p443);
    const char *vars[][2] = {{"KUBERNETES_SERVICE_HOST", ip},
                             {"KUBERNETES_SERVICE_PORT", ps},
                             {"KUBERNETES_SERVICE_PORT_HTTPS", ps},
                             {"KUBERNETES_PORT", url},
                             {p443, url},
                             {p443p, "tcp"},
                             {p443port, ps},
                             {p443a, ip}};
    json_auto_t *head = json_array();
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(vars); i++) {
        bool own = false;
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(c, "env"), j,
                           e) if (!strcmp(cube_json_str(e, "name", NULL) ?: "", vars[i][0])) own =
            true;
        if (!own)
            json_array_append_new(head, json_pack("[s,s]", vars[i][0], vars[i][1]));
    }
    json_array_extend(head, env);
    json_array_clear(env);
    json_array_extend(env, head);
}

static int start_container(kubelet_t *k, const json_t *pod, const json_t *c, pod_rt_t *r,
                           Runtime__V1__PodSandboxConfig *sc, uint32_t attempt, int64_t *requeue)
{
    const char *uid = pod_str(pod, "metadata", "uid");
    const char *name = cube_json_str(c, "name", NULL);
    _cleanup_free_ char *ref = ensure_image(k, pod, c, requeue);
    if (!ref)
        return -1;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *env = NULL, *mounts = NULL;
    if (kl_container_env(pod, c, k->node_ip, r->st.pod_ip, lookup_obj, k, &env, &err) < 0 ||
        kl_volume_mounts(k, pod, c, &mounts, &err) < 0) {
        set_waiting(k, uid, name, "CreateContainerConfigError", err.msg);
        cube_recorder_event(k->rec, pod, "Warning", "Failed", "Error: %s", err.msg);
        *requeue = 10000;
        return -1;
    }
    add_api_service_env(k, c, env); /* always: enableServiceLinks covers only other Services */
    arena_t a _cleanup_(arena_clear) = {0};
    Runtime__V1__ContainerConfig *cc = ar_msg(&a, &runtime__v1__container_config__descriptor);
    Runtime__V1__ContainerMetadata *m = ar_msg(&a, &runtime__v1__container_metadata__descriptor);
    m->name = ar_str(&a, name);
    m->attempt = attempt;
    cc->metadata = m;
    Runtime__V1__ImageSpec *is = ar_msg(&a, &runtime__v1__image_spec__descriptor);
    is->image = ar_str(&a, ref);
    is->user_specified_image = ar_str(&a, cube_json_str(c, "image", NULL));
    cc->image = is;
    /* command and args: $(VAR) references expand from the container's environment */
    const char *fields[] = {"command", "args"};
    for (size_t f = 0; f < 2; f++) {
        json_t *arr = json_object_get(c, fields[f]);
        size_t n = json_array_size(arr);
        char **v = n ? ar_new(&a, n * sizeof(char *)) : NULL;
        size_t i;
        json_t *s;
        json_array_foreach(arr, i, s)
        {
            cube_buf_t b = CUBE_BUF_INIT;
            const char *p = json_string_value(s) ?: "";
            while (*p) {
                if (p[0] == '$' && p[1] == '$') {
                    cube_buf_putc(&b, '$');
                    p += 2;
                    continue;
                }
                const char *end = p[0] == '$' && p[1] == '(' ? strchr(p, ')') : NULL;
                const char *val = NULL;
                size_t j;
                json_t *pair;
                if (end)
                    json_array_foreach(env, j, pair)
                    {
                        const char *en = json_string_value(json_array_get(pair, 0));
                        if (strlen(en) == (size_t)(end - p - 2) && !strncmp(en, p + 2, strlen(en)))
                            val = json_string_value(json_array_get(pair, 1));
                    }
                if (val) {
                    cube_buf_puts(&b, val);
                    p = end + 1;
                } else {
                    cube_buf_putc(&b, *p++);
                }
            }
            v[i] = ar_keep(&a, b.data ? cube_buf_steal(&b, NULL) : xstrdup(""));
        }
        if (f == 0) {
            cc->command = v;
            cc->n_command = n;
        } else {
            cc->args = v;
            cc->n_args = n;
        }
    }
    const char *wd = cube_json_str(c, "workingDir", NULL);
    if (wd)
        cc->working_dir = ar_str(&a, wd);
    cc->n_envs = json_array_size(env);
    if (cc->n_envs) {
        cc->envs = ar_new(&a, cc->n_envs * sizeof(void *));
        size_t i;
        json_t *pair;
        json_array_foreach(env, i, pair)
        {
            Runtime__V1__KeyValue *kv = ar_msg(&a, &runtime__v1__key_value__descriptor);
            kv->key = ar_str(&a, json_string_value(json_array_get(pair, 0)));
            kv->value = ar_str(&a, json_string_value(json_array_get(pair, 1)));
            cc->envs[i] = kv;
        }
    }
    cc->n_mounts = json_array_size(mounts);
    if (cc->n_mounts) {
        cc->mounts = ar_new(&a, cc->n_mounts * sizeof(void *));
        size_t i;
        json_t *mj;
        json_array_foreach(mounts, i, mj)
        {
            Runtime__V1__Mount *mt = ar_msg(&a, &runtime__v1__mount__descriptor);
            mt->container_path = ar_str(&a, cube_json_str(mj, "containerPath", NULL));
            mt->host_path = ar_str(&a, cube_json_str(mj, "hostPath", NULL));
            mt->readonly = json_is_true(json_object_get(mj, "readOnly"));
            cc->mounts[i] = mt;
        }
    }
    json_auto_t *labels = json_pack("{s:s,s:s,s:s,s:s}", KL_LABEL_CTR_NAME, name, KL_LABEL_POD_NAME,
                                    pod_str(pod, "metadata", "name"), KL_LABEL_POD_NS,
                                    pod_str(pod, "metadata", "namespace"), KL_LABEL_POD_UID, uid);
    cc->labels =
        ar_map(&a, &runtime__v1__container_config__labels_entry__descriptor, labels, &cc->n_labels);
    json_int_t grace =
        json_integer_value(cube_json_path(pod, "spec", "terminationGracePeriodSeconds", NULL));
    json_auto_t *ann = json_object();
    json_object_set_new(ann, KL_ANN_RESTART_COUNT, json_sprintf("%u", attempt));
    json_object_set_new(ann, KL_ANN_GRACE, json_sprintf("%lld", (long long)grace));
    cc->annotations = ar_map(&a, &runtime__v1__container_config__annotations_entry__descriptor, ann,
                             &cc->n_annotations);
    cc->log_path = ar_keep(&a, xasprintf("%s/%u.log", name, attempt));
    cc->stdin = json_is_true(json_object_get(c, "stdin"));
    cc->stdin_once = json_is_true(json_object_get(c, "stdinOnce"));
    cc->tty = json_is_true(json_object_get(c, "tty"));

    Runtime__V1__LinuxContainerConfig *lc =
        ar_msg(&a, &runtime__v1__linux_container_config__descriptor);
    Runtime__V1__LinuxContainerResources *lr =
        ar_msg(&a, &runtime__v1__linux_container_resources__descriptor);
    kl_resources_t res;
    kl_container_resources(c, &res);
    lr->cpu_shares = res.cpu_shares;
    lr->cpu_quota = res.cpu_quota;
    lr->cpu_period = res.cpu_period;
    lr->memory_limit_in_bytes = res.memory_limit;
    lc->resources = lr;
    Runtime__V1__LinuxContainerSecurityContext *sec =
        ar_msg(&a, &runtime__v1__linux_container_security_context__descriptor);
    Runtime__V1__NamespaceOption *nso = ar_msg(&a, &runtime__v1__namespace_option__descriptor);
    *nso = *sc->linux->security_context->namespace_options;
    sec->namespace_options = nso;
    json_t *csc = json_object_get(c, "securityContext");
    sec->privileged = json_is_true(json_object_get(csc, "privileged"));
    sec->readonly_rootfs = json_is_true(json_object_get(csc, "readOnlyRootFilesystem"));
    sec->no_new_privs = json_is_false(json_object_get(csc, "allowPrivilegeEscalation"));
    json_t *ru = json_object_get(csc, "runAsUser")
                     ?: cube_json_path(pod, "spec", "securityContext", "runAsUser", NULL);
    if (json_is_integer(ru)) {
        sec->run_as_user = ar_msg(&a, &runtime__v1__int64_value__descriptor);
        sec->run_as_user->value = json_integer_value(ru);
    }
    json_t *rg = json_object_get(csc, "runAsGroup")
                     ?: cube_json_path(pod, "spec", "securityContext", "runAsGroup", NULL);
    if (json_is_integer(rg)) {
        sec->run_as_group = ar_msg(&a, &runtime__v1__int64_value__descriptor);
        sec->run_as_group->value = json_integer_value(rg);
    }
    json_t *caps = json_object_get(csc, "capabilities");
    if (caps) {
        sec->capabilities = ar_msg(&a, &runtime__v1__capability__descriptor);
        sec->capabilities->add_capabilities =
            ar_strv(&a, json_object_get(caps, "add"), &sec->capabilities->n_add_capabilities);
        sec->capabilities->drop_capabilities =
            ar_strv(&a, json_object_get(caps, "drop"), &sec->capabilities->n_drop_capabilities);
    }
    lc->security_context = sec;
    cc->linux = lc;

    _cleanup_free_ char *id = NULL;
    if (cube_cri_create_container(k->cri, r->sandbox_id, cc, sc, &id, &err) < 0) {
        set_waiting(k, uid, name, "CreateContainerError", err.msg);
        cube_recorder_event(k->rec, pod, "Warning", "Failed", "Error: %s", err.msg);
        *requeue = 10000;
        return -1;
    }
    cube_recorder_event(k->rec, pod, "Normal", "Created", "Created container: %s", name);
    if (cube_cri_start_container(k->cri, id, &err) < 0) {
        set_waiting(k, uid, name, "RunContainerError", err.msg);
        cube_recorder_event(k->rec, pod, "Warning", "Failed", "Error: %s", err.msg);
        *requeue = 10000;
        return -1;
    }
    cube_recorder_event(k->rec, pod, "Normal", "Started", "Started container: %s", name);
    json_t *post = cube_json_path(c, "lifecycle", "postStart", NULL);
    if (post) {
        /* the hook runs before the container counts as started; a failure kills it and the
         * restart policy decides (the waiting reason is PostStartHookError) */
        json_int_t hook_grace =
            json_integer_value(cube_json_path(pod, "spec", "terminationGracePeriodSeconds", NULL));
        char msg[1024] = "";
        if (kl_run_hook(k, pod, c, id, post, hook_grace > 0 ? (int)hook_grace : 30, msg,
                        sizeof(msg)) < 0) {
            cube_recorder_event(k->rec, pod, "Warning", "FailedPostStartHook", "%s", msg);
            cube_recorder_event(k->rec, pod, "Normal", "Killing", "FailedPostStartHook");
            if (cube_cri_stop_container(k->cri, id, hook_grace, &err) < 0)
                cube_log_warn("stopping container %s: %s", id, err.msg);
            set_waiting(k, uid, name, "PostStartHookError", msg);
            *requeue = 1000;
            return -1;
        }
    }
    set_waiting(k, uid, name, NULL, NULL);
    return 0;
}

/* ---- stopping ---------------------------------------------------------------------- */

/* The spec of the container called name (app, then init containers). */
static const json_t *container_spec(const json_t *pod, const char *name)
{
    static const char *const lists[] = {"containers", "initContainers"};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *c;
        json_array_foreach(cube_json_path(pod, "spec", lists[l], NULL), i, c)
        {
            if (!strcmp(cube_json_str(c, "name", NULL) ?: "", name))
                return c;
        }
    }
    return NULL;
}

/* Runs the preStop hooks of the running containers in cs within the grace period, as the
 * kubelet does before it stops them (a failed hook is an event, not an error). Returns the
 * seconds of grace left for the stop itself: at least 2, upstream's minimum. */
static int64_t run_pre_stop(kubelet_t *k, const json_t *pod,
                            const Runtime__V1__ListContainersResponse *cs, int64_t grace)
{
    int64_t t0 = now_ms();
    for (size_t j = 0; pod && grace > 0 && j < cs->n_containers; j++) {
        const Runtime__V1__Container *rc = cs->containers[j];
        if (rc->state != RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING || !rc->metadata)
            continue;
        const json_t *c = container_spec(pod, rc->metadata->name);
        json_t *hook = cube_json_path(c, "lifecycle", "preStop", NULL);
        if (!hook)
            continue;
        int64_t left = grace - (now_ms() - t0) / 1000;
        char msg[1024] = "";
        if (kl_run_hook(k, pod, c, rc->id, hook, (int)(left > 0 ? left : 1), msg, sizeof(msg)) < 0)
            cube_recorder_event(k->rec, pod, "Warning", "FailedPreStopHook", "%s", msg);
    }
    int64_t left = grace - (now_ms() - t0) / 1000;
    return pod && grace > 0 && left < 2 ? 2 : left;
}

/* Stops every container of the runtime's pod (grace seconds; the preStop hooks first when
 * pod is given), then stops and removes its sandboxes when remove is set. */
static int kill_pod(kubelet_t *k, const json_t *pod, const char *uid, int64_t grace, bool remove,
                    cube_err_t *err)
{
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry e = uid_sb_entry(uid);
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry *ep = &e;
    Runtime__V1__PodSandboxFilter f = RUNTIME__V1__POD_SANDBOX_FILTER__INIT;
    f.n_label_selector = 1;
    f.label_selector = &ep;
    _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *sbs = NULL;
    if (cube_cri_list_pod_sandbox(k->cri, &f, &sbs, err) < 0)
        return -1;
    for (size_t i = 0; i < sbs->n_items; i++) {
        Runtime__V1__ContainerFilter cf = RUNTIME__V1__CONTAINER_FILTER__INIT;
        cf.pod_sandbox_id = sbs->items[i]->id;
        _cleanup_cri_ Runtime__V1__ListContainersResponse *cs = NULL;
        if (cube_cri_list_containers(k->cri, &cf, &cs, err) < 0)
            return -1;
        /* containers stop in parallel in Kubernetes; a grace period each here, so stop the
         * running ones with what is left of the grace after their preStop hooks */
        int64_t left = run_pre_stop(k, pod, cs, grace);
        for (size_t j = 0; j < cs->n_containers; j++) {
            if (cs->containers[j]->state != RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING)
                continue;
            if (pod && cs->containers[j]->metadata)
                cube_recorder_event(k->rec, pod, "Normal", "Killing", "Stopping container %s",
                                    cs->containers[j]->metadata->name);
            if (cube_cri_stop_container(k->cri, cs->containers[j]->id, left, err) < 0)
                return -1;
        }
        if (cube_cri_stop_pod_sandbox(k->cri, sbs->items[i]->id, err) < 0)
            return -1;
        if (remove && cube_cri_remove_pod_sandbox(k->cri, sbs->items[i]->id, err) < 0)
            return -1;
    }
    return 0;
}

/* Sandboxes of pods the API no longer has (by uid), found by their name labels. */
static void kill_orphans(kubelet_t *k, const char *ns, const char *name, const char *keep_uid)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry e[2] = {
        RUNTIME__V1__POD_SANDBOX_FILTER__LABEL_SELECTOR_ENTRY__INIT,
        RUNTIME__V1__POD_SANDBOX_FILTER__LABEL_SELECTOR_ENTRY__INIT};
    e[0].key = (char *)KL_LABEL_POD_NS;
    e[0].value = (char *)ns;
    e[1].key = (char *)KL_LABEL_POD_NAME;
    e[1].value = (char *)name;
    Runtime__V1__PodSandboxFilter__LabelSelectorEntry *ep[2] = {&e[0], &e[1]};
    Runtime__V1__PodSandboxFilter f = RUNTIME__V1__POD_SANDBOX_FILTER__INIT;
    f.n_label_selector = 2;
    f.label_selector = ep;
    _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *sbs = NULL;
    if (cube_cri_list_pod_sandbox(k->cri, &f, &sbs, &err) < 0)
        return;
    json_auto_t *uids = json_object();
    for (size_t i = 0; i < sbs->n_items; i++) {
        const Runtime__V1__PodSandbox *s = sbs->items[i];
        const char *uid = s->metadata ? s->metadata->uid : NULL;
        if (uid && (!keep_uid || strcmp(uid, keep_uid)))
            json_object_set_new(uids, uid, json_true());
    }
    const char *uid;
    json_t *v;
    json_object_foreach(uids, uid, v)
    {
        cube_log_info("Killing unwanted pod \"%s/%s\" (uid %s)", ns, name, uid);
        if (kill_pod(k, NULL, uid, 2, true, &err) < 0)
            cube_log_warn("killing pod %s/%s: %s", ns, name, err.msg);
        else
            kl_volumes_cleanup(k, uid);
        forget_pod(k, uid);
    }
}

/* ---- status -------------------------------------------------------------------------- */

/* Writes the status of pod (what runs) to target (its API object: the pod itself, or the
 * mirror of a static pod) when it changed. */
static void send_status(kubelet_t *k, const json_t *pod, const json_t *target, pod_rt_t *r)
{
    const char *uid = pod_str(pod, "metadata", "uid");
    pthread_mutex_lock(&k->lock);
    r->st.waiting = json_deep_copy(json_object_get(k->waiting, uid));
    pthread_mutex_unlock(&k->lock);
    r->st.host_ip = k->node_ip;
    kl_probe_ready(k, uid, &r->st);
    const json_t *old = json_object_get(target, "status");
    json_auto_t *st = kl_pod_status(pod, &r->st, old, time(NULL));
    if (kl_status_equal(st, old))
        return;
    /* fields we manage but no longer have go away (merge patch: null) */
    const char *clear[] = {"podIP", "podIPs", "initContainerStatuses", "hostIP", "hostIPs"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(clear); i++)
        if (!json_object_get(st, clear[i]) && json_object_get(old, clear[i]))
            json_object_set_new(st, clear[i], json_null());
    json_auto_t *patch = json_pack("{s:{s:s},s:O}", "metadata", "uid",
                                   pod_str(target, "metadata", "uid"), "status", st);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(k->client, cube_api_resource_find("", "v1", "pods"),
                          pod_str(pod, "metadata", "namespace"), pod_str(pod, "metadata", "name"),
                          "application/merge-patch+json", patch, "status", NULL, &err) < 0)
        cube_log_warn("updating status of pod \"%s/%s\": %s", pod_str(pod, "metadata", "namespace"),
                      pod_str(pod, "metadata", "name"), err.msg);
    else
        cube_log_v(2, "status of pod \"%s/%s\": %s", pod_str(pod, "metadata", "namespace"),
                   pod_str(pod, "metadata", "name"), cube_json_str(st, "phase", NULL));
}

/* ---- one sync ------------------------------------------------------------------------ */

static int64_t min_requeue(int64_t a, int64_t b)
{
    if (a <= 0)
        return b;
    if (b <= 0)
        return a;
    return a < b ? a : b;
}

static bool should_restart(const char *policy, const kl_ctr_t *l)
{
    if (!strcmp(policy, "Always"))
        return true;
    if (!strcmp(policy, "OnFailure"))
        return l->exit_code != 0;
    return false;
}

/* Restarts (or waits out the backoff of) container c whose latest instance l exited. */
static void restart_or_backoff(kubelet_t *k, const json_t *pod, const json_t *c, pod_rt_t *r,
                               Runtime__V1__PodSandboxConfig *sc, const kl_ctr_t *l,
                               int64_t *requeue)
{
    const char *uid = pod_str(pod, "metadata", "uid");
    const char *name = cube_json_str(c, "name", NULL);
    int64_t left = backoff_left(k, uid, name, l);
    if (left > 0) {
        int64_t d = backoff_delay(k, uid, name);
        _cleanup_free_ char *msg = xasprintf(
            "back-off %llds restarting failed container=%s pod=%s_%s(%s)", (long long)(d / 1000),
            name, pod_str(pod, "metadata", "name"), pod_str(pod, "metadata", "namespace"), uid);
        set_waiting(k, uid, name, "CrashLoopBackOff", msg);
        cube_recorder_event(k->rec, pod, "Warning", "BackOff",
                            "Back-off restarting failed container %s in pod %s_%s(%s)", name,
                            pod_str(pod, "metadata", "name"), pod_str(pod, "metadata", "namespace"),
                            uid);
        *requeue = min_requeue(*requeue, left + 50);
        return;
    }
    /* keep the dead instance before it (lastState is the newest dead one) */
    const kl_ctr_t *prev = NULL;
    kl_ctr_latest(&r->st, name, &prev);
    if (prev) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        cube_cri_remove_container(k->cri, prev->id, &err);
    }
    backoff_next(k, k->backoff, uid, name);
    int64_t rq = 0;
    if (start_container(k, pod, c, r, sc, l->attempt + 1, &rq) < 0)
        *requeue = min_requeue(*requeue, rq);
}

int kl_pod_sync(kubelet_t *k, const char *key)
{
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    /* a static pod runs from its manifest; the API's copy of it is its mirror */
    json_auto_t *pod = kl_static_get(k, key);
    bool is_static = pod != NULL;
    json_auto_t *mirror = pod ? cube_informer_get(k->pods, ns, name) : NULL;
    if (!pod)
        pod = cube_informer_get(k->pods, ns, name);
    if (!pod || (!mirror && kl_mirror_hash(pod))) {
        /* gone, or the mirror of a static pod that is gone */
        kill_orphans(k, ns, name, NULL);
        return 0;
    }
    const char *uid = pod_str(pod, "metadata", "uid");
    kill_orphans(k, ns, name, uid); /* an older pod of the same name */
    pthread_mutex_lock(&k->lock);
    json_object_set_new(k->pod_keys, uid, json_string(key));
    pthread_mutex_unlock(&k->lock);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;

    if (cube_json_str(pod, "metadata", "deletionTimestamp", NULL)) {
        json_t *g = cube_json_path(pod, "metadata", "deletionGracePeriodSeconds", NULL);
        int64_t grace = g ? json_integer_value(g) : 30;
        cube_log_info("Killing pod \"%s\" (grace %llds)", key, (long long)grace);
        if (kill_pod(k, pod, uid, grace, true, &err) < 0) {
            cube_log_warn("killing pod \"%s\": %s", key, err.msg);
            return 2000;
        }
        kl_volumes_cleanup(k, uid);
        json_auto_t *opts =
            json_pack("{s:s,s:s,s:i,s:{s:s}}", "kind", "DeleteOptions", "apiVersion", "v1",
                      "gracePeriodSeconds", 0, "preconditions", "uid", uid);
        if (cube_client_delete(k->client, cube_api_resource_find("", "v1", "pods"), ns, name, opts,
                               &err) < 0 &&
            err.code != 404 && err.code != 409) {
            cube_log_warn("deleting pod \"%s\": %s", key, err.msg);
            return 2000;
        }
        forget_pod(k, uid);
        return 0;
    }

    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) {
        if (kill_pod(k, NULL, uid, 0, false, &err) < 0)
            cube_log_warn("stopping finished pod \"%s\": %s", key, err.msg);
        return 0;
    }

    pod_rt_t r _cleanup_(pod_rt_clear);
    if (runtime_state(k, uid, &r, &err) < 0) {
        cube_log_warn("runtime state of pod \"%s\": %s", key, err.msg);
        return 2000;
    }
    const char *policy = cube_json_str(pod, "spec", "restartPolicy", NULL) ?: "Always";
    arena_t a _cleanup_(arena_clear) = {0};
    int64_t requeue = 0;
    bool changed = false;

    /* a sandbox that died takes its containers with it: a new one, all containers anew */
    if (!r.sandbox_ready) {
        uint32_t attempt = r.sandbox_id ? r.sandbox_attempt + 1 : 0;
        if (r.sandbox_id) {
            cube_log_info("Sandbox of pod \"%s\" is not ready: creating a new one", key);
            if (kill_pod(k, NULL, uid, 0, true, &err) < 0) {
                cube_log_warn("removing the dead sandbox of \"%s\": %s", key, err.msg);
                return 2000;
            }
        }
        _cleanup_free_ char *ld = log_dir(k, pod);
        mkdir(k->cfg->pod_log_dir, 0755);
        mkdir(ld, 0755);
        Runtime__V1__PodSandboxConfig *sc = sandbox_config(&a, k, pod, attempt);
        _cleanup_free_ char *id = NULL;
        if (cube_cri_run_pod_sandbox(k->cri, sc, NULL, &id, &err) < 0) {
            cube_recorder_event(k->rec, pod, "Warning", "FailedCreatePodSandBox",
                                "Failed to create pod sandbox: %s", err.msg);
            cube_log_warn("creating the sandbox of \"%s\": %s", key, err.msg);
            return 5000;
        }
        pod_rt_clear(&r);
        if (runtime_state(k, uid, &r, &err) < 0 || !r.sandbox_id) {
            cube_log_warn("runtime state of pod \"%s\": %s", key, err.msg);
            return 2000;
        }
        changed = true;
    }
    for (size_t i = 0; i < json_array_size(r.old_sandboxes); i++) {
        const char *id = json_string_value(json_array_get(r.old_sandboxes, i));
        cube_err_t e2 _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_cri_stop_pod_sandbox(k->cri, id, &e2) == 0)
            cube_cri_remove_pod_sandbox(k->cri, id, &e2);
    }
    Runtime__V1__PodSandboxConfig *sc = sandbox_config(&a, k, pod, r.sandbox_attempt);

    /* init containers, one at a time, in order */
    bool init_done = true;
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(pod, "spec", "initContainers", NULL), i, c)
    {
        const char *cname = cube_json_str(c, "name", NULL);
        const kl_ctr_t *l = kl_ctr_latest(&r.st, cname, NULL);
        bool sidecar = !strcmp(cube_json_str(c, "restartPolicy", NULL) ?: "", "Always");
        if (l && l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED && l->exit_code == 0 &&
            !sidecar)
            continue;
        if (l && l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING && sidecar)
            continue;
        init_done = false;
        if (!l) {
            int64_t rq = 0;
            if (start_container(k, pod, c, &r, sc, 0, &rq) < 0)
                requeue = min_requeue(requeue, rq);
            changed = true;
        } else if (l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED) {
            if (!strcmp(policy, "Never") && !sidecar) {
                r.st.terminal_failed = true;
            } else {
                restart_or_backoff(k, pod, c, &r, sc, l, &requeue);
                changed = true;
            }
        } else if (l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_CREATED) {
            cube_cri_start_container(k->cri, l->id, &err);
            changed = true;
        }
        break;
    }

    /* app containers */
    if (init_done) {
        json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), i, c)
        {
            const char *cname = cube_json_str(c, "name", NULL);
            const kl_ctr_t *l = kl_ctr_latest(&r.st, cname, NULL);
            if (!l) {
                int64_t rq = 0;
                if (start_container(k, pod, c, &r, sc, 0, &rq) < 0)
                    requeue = min_requeue(requeue, rq);
                changed = true;
            } else if (l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED) {
                if (should_restart(policy, l)) {
                    restart_or_backoff(k, pod, c, &r, sc, l, &requeue);
                    changed = true;
                } else {
                    set_waiting(k, uid, cname, NULL, NULL);
                }
            } else if (l->state == RUNTIME__V1__CONTAINER_STATE__CONTAINER_CREATED) {
                cube_err_t e2 _cleanup_err_ = CUBE_ERR_INIT;
                cube_cri_remove_container(k->cri, l->id, &e2);
                changed = true;
                requeue = min_requeue(requeue, 100);
            }
        }
    }

    if (changed) {
        pod_rt_clear(&r);
        if (runtime_state(k, uid, &r, &err) < 0) {
            cube_log_warn("runtime state of pod \"%s\": %s", key, err.msg);
            return 2000;
        }
    }
    if (r.sandbox_ready)
        kl_volumes_refresh_tokens(k, pod);
    if (!is_static || mirror) /* a static pod's status goes to its mirror, once there is one */
        send_status(k, pod, is_static ? mirror : pod, &r);
    return (int)requeue;
}

/* ---- PLEG -------------------------------------------------------------------------- */

void kl_pleg_relist(kubelet_t *k)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_cri_ Runtime__V1__ListPodSandboxResponse *sbs = NULL;
    _cleanup_cri_ Runtime__V1__ListContainersResponse *cs = NULL;
    if (cube_cri_list_pod_sandbox(k->cri, NULL, &sbs, &err) < 0 ||
        cube_cri_list_containers(k->cri, NULL, &cs, &err) < 0) {
        cube_log_v(2, "PLEG relist: %s", err.msg);
        return;
    }
    json_auto_t *now = json_object(); /* uid -> fingerprint */
    json_auto_t *keys = json_object(); /* uid -> "ns/name" */
    json_auto_t *sb_uid = json_object(); /* sandbox id -> uid */
    for (size_t i = 0; i < sbs->n_items; i++) {
        const Runtime__V1__PodSandbox *s = sbs->items[i];
        if (!s->metadata || !s->metadata->uid)
            continue;
        const char *uid = s->metadata->uid;
        json_object_set_new(sb_uid, s->id, json_string(uid));
        json_object_set_new(keys, uid,
                            json_sprintf("%s/%s", s->metadata->namespace_, s->metadata->name));
        const char *old = json_string_value(json_object_get(now, uid));
        json_object_set_new(now, uid, json_sprintf("%s%s:%d;", old ? old : "", s->id, s->state));
    }
    for (size_t i = 0; i < cs->n_containers; i++) {
        const Runtime__V1__Container *c = cs->containers[i];
        const char *uid = json_string_value(json_object_get(sb_uid, c->pod_sandbox_id));
        if (!uid)
            continue;
        const char *old = json_string_value(json_object_get(now, uid));
        json_object_set_new(now, uid, json_sprintf("%s%s:%d;", old ? old : "", c->id, c->state));
    }
    json_auto_t *queue = json_array();
    pthread_mutex_lock(&k->lock);
    const char *uid;
    json_t *fp;
    json_object_foreach(now, uid, fp)
    {
        if (!json_equal(fp, json_object_get(k->pleg, uid)))
            json_array_append(queue, json_object_get(keys, uid));
    }
    json_object_foreach(k->pleg, uid, fp)
    {
        if (!json_object_get(now, uid)) {
            json_t *key = json_object_get(k->pod_keys, uid);
            if (key)
                json_array_append(queue, key);
        }
    }
    json_decref(k->pleg);
    k->pleg = json_incref(now);
    pthread_mutex_unlock(&k->lock);
    size_t i;
    json_t *key;
    json_array_foreach(queue, i, key) cube_workqueue_add(k->queue, json_string_value(key));
}
