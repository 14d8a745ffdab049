/*
 * Hollow nodes (see hollow.h). Threads:
 *   - registration: a few threads create the Nodes (status included) and their Leases;
 *   - lease renewers: each renews its share of the leases, spread evenly over the period;
 *   - the pod watcher: lists then watches every bound pod (fieldSelector spec.nodeName!=),
 *     keeps a small record of the pods on our nodes and queues their keys;
 *   - workers: take a pod key from the work queue and write what a kubelet would (status
 *     Running, then Succeeded/Failed for finite pods, or the final delete).
 * Memory stays small: a pod is kept as a record of a few fields (names and images of its
 * containers, QoS class), never as the whole object.
 */
#include "hollow/hollow.h"

#include "client/client.h"

#include <pthread.h>

typedef struct hnode {
    char *name;
    char *ip; /* InternalIP (fake, unique per node) */
    char *pod_cidr; /* learned from the Node (node IPAM) or NULL */
    time_t cidr_checked;
    uint32_t next_ip;
} hnode_t;

typedef struct hollow {
    const cube_hollow_config_t *cfg;
    const atomic_bool *stop;
    cube_client_t *client;
    hnode_t *nodes;
    json_t *node_index; /* name -> index */
    pthread_mutex_t mu; /* guards pods and nodes' mutable fields */
    json_t *pods; /* "ns/name" -> {uid, node, state, containers, qos, finite, fail, deleting} */
    cube_workqueue_t *queue;
    atomic_long started, finished, deleted;
} hollow_t;

enum { POD_NEW, POD_RUNNING, POD_DONE };

static const cube_resource_t *res(const char *group, const char *plural)
{
    return cube_api_resource_find(group, "v1", plural);
}

static void now_micro(char out[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cube_time_rfc3339_micro(&ts, out);
}

/* ---- nodes and leases ---------------------------------------------------- */

static json_t *split_pairs(const char *s, char sep)
{
    json_t *o = json_object();
    if (!s)
        return o;
    _cleanup_free_ char *copy = xstrdup(s);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, sep);
        if (eq)
            *eq++ = 0;
        json_object_set_new(o, t, json_string(eq ? eq : ""));
    }
    return o;
}

static json_t *taints_of(const char *s)
{
    json_t *a = json_array();
    if (!s)
        return a;
    _cleanup_free_ char *copy = xstrdup(s);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strrchr(t, ':');
        if (!colon)
            continue;
        *colon = 0;
        char *eq = strchr(t, '=');
        if (eq)
            *eq++ = 0;
        json_t *taint = json_pack("{s:s, s:s}", "key", t, "effect", colon + 1);
        if (eq)
            json_object_set_new(taint, "value", json_string(eq));
        json_array_append_new(a, taint);
    }
    return a;
}

static json_t *node_conditions(void)
{
    char ts[40];
    cube_time_rfc3339(time(NULL), ts);
    static const char *const c[][4] = {
        {"MemoryPressure", "False", "KubeletHasSufficientMemory",
         "kubelet has sufficient memory available"},
        {"DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
        {"PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
        {"Ready", "True", "KubeletReady", "kubelet is posting ready status"},
    };
    json_t *a = json_array();
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(c); i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", c[i][0], "status",
                                        c[i][1], "lastHeartbeatTime", ts, "lastTransitionTime", ts,
                                        "reason", c[i][2], "message", c[i][3]));
    return a;
}

static json_t *node_status(const hollow_t *h, const hnode_t *n)
{
    const cube_hollow_config_t *cfg = h->cfg;
    json_t *cap = json_pack("{s:s, s:s, s:s, s:s}", "cpu", cfg->cpu, "memory", cfg->memory, "pods",
                            cfg->pods, "ephemeral-storage", "100Gi");
    char uuid[37];
    cube_uuid4(uuid);
    return json_pack(
        "{s:O, s:o, s:o, s:[{s:s, s:s}, {s:s, s:s}], s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
        "s:s, s:s}, s:{s:{s:i}}}",
        "capacity", cap, "allocatable", cap, "conditions", node_conditions(), "addresses", "type",
        "InternalIP", "address", n->ip, "type", "Hostname", "address", n->name, "nodeInfo",
        "kubeletVersion", CUBE_GIT_VERSION, "kubeProxyVersion", "", "containerRuntimeVersion",
        "hollow://1.0", "osImage", "Hollow Node", "kernelVersion", "hollow", "operatingSystem",
        "linux", "architecture", "amd64", "machineID", uuid, "systemUUID", uuid, "bootID", uuid,
        "daemonEndpoints", "kubeletEndpoint", "Port", 10250);
}

static int register_node(hollow_t *h, hnode_t *n)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_t *labels = split_pairs(h->cfg->labels, '=');
    json_object_set_new(labels, "kubernetes.io/hostname", json_string(n->name));
    json_object_set_new(labels, "kubernetes.io/os", json_string("linux"));
    json_object_set_new(labels, "kubernetes.io/arch", json_string("amd64"));
    json_object_set_new(labels, "beta.kubernetes.io/os", json_string("linux"));
    json_object_set_new(labels, "beta.kubernetes.io/arch", json_string("amd64"));
    json_object_set_new(labels, "node.cube.dev/hollow", json_string("true"));
    if (h->cfg->zones > 0) {
        char zone[32];
        snprintf(zone, sizeof(zone), "zone-%d",
                 (int)(n - h->nodes + h->cfg->first) % h->cfg->zones);
        json_object_set_new(labels, "topology.kubernetes.io/zone", json_string(zone));
    }
    json_auto_t *node = json_pack("{s:s, s:s, s:{s:s, s:o}, s:{s:o}}", "apiVersion", "v1", "kind",
                                  "Node", "metadata", "name", n->name, "labels", labels, "spec",
                                  "taints", taints_of(h->cfg->taints));
    json_auto_t *created = NULL;
    if (cube_client_create(h->client, res("", "nodes"), NULL, node, &created, &err) < 0 &&
        err.code != 409) {
        cube_log_error("hollow: node %s: %s", n->name, err.msg);
        return -1;
    }
    cube_err_clear(&err);
    /* status through its subresource (a kubelet's create may carry it; an existing node not) */
    json_auto_t *patch = json_pack("{s:o}", "status", node_status(h, n));
    if (cube_client_patch(h->client, res("", "nodes"), NULL, n->name,
                          "application/strategic-merge-patch+json", patch, "status", NULL,
                          &err) < 0) {
        cube_log_error("hollow: node %s status: %s", n->name, err.msg);
        return -1;
    }
    json_auto_t *cur = NULL;
    const char *uid = NULL;
    if (cube_client_get(h->client, res("", "nodes"), NULL, n->name, &cur, &err) == 0)
        uid = cube_json_str(cur, "metadata", "uid", NULL);
    char ts[40];
    now_micro(ts);
    json_auto_t *lease =
        json_pack("{s:s, s:s, s:{s:s, s:s, s:[{s:s, s:s, s:s, s:s}]}, s:{s:s, s:i, s:s}}",
                  "apiVersion", "coordination.k8s.io/v1", "kind", "Lease", "metadata", "name",
                  n->name, "namespace", "kube-node-lease", "ownerReferences", "apiVersion", "v1",
                  "kind", "Node", "name", n->name, "uid", uid ? uid : "", "spec", "holderIdentity",
                  n->name, "leaseDurationSeconds", 40, "renewTime", ts);
    if (cube_client_create(h->client, res("coordination.k8s.io", "leases"), "kube-node-lease",
                           lease, NULL, &err) < 0 &&
        err.code != 409) {
        cube_log_error("hollow: lease %s: %s", n->name, err.msg);
        return -1;
    }
    return 0;
}

typedef struct range {
    hollow_t *h;
    int from, step;
} range_t;

static void *register_main(void *arg)
{
    range_t *r = arg;
    for (int i = r->from; i < r->h->cfg->count && !atomic_load(r->h->stop); i += r->step)
        register_node(r->h, &r->h->nodes[i]);
    return NULL;
}

/* Renews the leases of nodes from, from+step, ..., spread over the period. */
static void *lease_main(void *arg)
{
    range_t *r = arg;
    hollow_t *h = r->h;
    int mine = 0;
    for (int i = r->from; i < h->cfg->count; i += r->step)
        mine++;
    if (!mine)
        return NULL;
    uint64_t period_ns = (uint64_t)h->cfg->lease_sec * 1000000000ull;
    uint64_t gap = period_ns / (uint64_t)mine;
    uint64_t next = cube_time_mono_ns();
    int64_t last_status = time(NULL);
    while (!atomic_load(h->stop)) {
        bool status_round = time(NULL) - last_status >= 300; /* node status every 5 minutes */
        if (status_round)
            last_status = time(NULL);
        for (int i = r->from; i < h->cfg->count && !atomic_load(h->stop); i += r->step) {
            uint64_t now = cube_time_mono_ns();
            if (next > now) {
                struct timespec d = {(time_t)((next - now) / 1000000000ull),
                                     (long)((next - now) % 1000000000ull)};
                nanosleep(&d, NULL);
            }
            next += gap;
            char ts[40];
            now_micro(ts);
            json_auto_t *p = json_pack("{s:{s:s}}", "spec", "renewTime", ts);
            cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_client_patch(h->client, res("coordination.k8s.io", "leases"),
                                  "kube-node-lease", h->nodes[i].name,
                                  "application/merge-patch+json", p, NULL, NULL, &err) < 0)
                cube_log_v(1, "hollow: renew %s: %s", h->nodes[i].name, err.msg);
            if (status_round) {
                json_auto_t *sp = json_pack("{s:{s:o}}", "status", "conditions", node_conditions());
                cube_err_clear(&err);
                cube_client_patch(h->client, res("", "nodes"), NULL, h->nodes[i].name,
                                  "application/strategic-merge-patch+json", sp, "status", NULL,
                                  &err);
            }
        }
    }
    return NULL;
}

/* ---- pods ---------------------------------------------------------------- */

/* BestEffort, Burstable or Guaranteed, as Kubernetes' GetPodQOS decides (containers only). */
static const char *qos_class(const json_t *spec)
{
    bool any = false, guaranteed = true;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(spec, "containers"), i, c)
    {
        json_t *req = cube_json_path(c, "resources", "requests", NULL);
        json_t *lim = cube_json_path(c, "resources", "limits", NULL);
        if (json_object_size(req) || json_object_size(lim))
            any = true;
        const char *const rs[] = {"cpu", "memory"};
        for (size_t k = 0; k < 2; k++) {
            json_t *l = json_object_get(lim, rs[k]);
            json_t *q = json_object_get(req, rs[k]);
            if (!l || (q && !json_equal(l, q)))
                guaranteed = false;
        }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

/* Records (or updates) a pod on one of our nodes; returns whether work is due. */
static bool track_pod(hollow_t *h, const json_t *pod, int node)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(pod, "metadata", "name", NULL);
    if (!ns || !name)
        return false;
    _cleanup_free_ char *key = xasprintf("%s/%s", ns, name);
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    bool deleting = cube_json_path(pod, "metadata", "deletionTimestamp", NULL) != NULL;
    pthread_mutex_lock(&h->mu);
    json_t *rec = json_object_get(h->pods, key);
    const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
    if (rec && uid && strcmp(uid, cube_json_str(rec, "uid", NULL))) {
        json_object_del(h->pods, key); /* a new pod under an old name */
        rec = NULL;
    }
    bool due = false;
    if (!rec) {
        json_t *spec = json_object_get(pod, "spec");
        json_t *cs = json_array();
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(spec, "containers"), i, c)
            json_array_append_new(cs, json_pack("[s, s]", cube_json_str(c, "name", NULL),
                                                cube_json_str(c, "image", NULL)));
        const char *rp = cube_json_str(spec, "restartPolicy", NULL);
        const char *fail =
            cube_json_str(pod, "metadata", "annotations", "hollow.cube.dev/fail", NULL);
        int state = POD_NEW;
        if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
            state = POD_DONE;
        else if (phase && !strcmp(phase, "Running"))
            state = POD_RUNNING;
        rec = json_pack("{s:s, s:i, s:i, s:o, s:s, s:b, s:b, s:b}", "uid", uid ? uid : "", "node",
                        node, "state", state, "containers", cs, "qos", qos_class(spec), "finite",
                        rp && strcmp(rp, "Always"), "fail", fail && !strcmp(fail, "true"),
                        "deleting", deleting);
        json_object_set_new(h->pods, key, rec);
        due = state != POD_DONE || deleting;
        if (state == POD_RUNNING && json_is_true(json_object_get(rec, "finite")))
            due = true;
    } else if (deleting && !json_is_true(json_object_get(rec, "deleting"))) {
        json_object_set_new(rec, "deleting", json_true());
        due = true;
    }
    pthread_mutex_unlock(&h->mu);
    if (due)
        cube_workqueue_add(h->queue, key);
    return due;
}

static int node_of(hollow_t *h, const json_t *pod)
{
    const char *n = cube_json_str(pod, "spec", "nodeName", NULL);
    json_t *idx = n ? json_object_get(h->node_index, n) : NULL;
    return idx ? (int)json_integer_value(idx) : -1;
}

static void forget_pod(hollow_t *h, const json_t *pod)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(pod, "metadata", "name", NULL);
    _cleanup_free_ char *key = xasprintf("%s/%s", ns ? ns : "", name ? name : "");
    pthread_mutex_lock(&h->mu);
    json_object_del(h->pods, key);
    pthread_mutex_unlock(&h->mu);
}

typedef struct watch_state {
    hollow_t *h;
    char *rv;
    bool expired;
} watch_state_t;

static int on_pod_event(const char *type, json_t *obj, void *ud)
{
    watch_state_t *ws = ud;
    const char *rv = cube_json_str(obj, "metadata", "resourceVersion", NULL);
    if (!strcmp(type, "ERROR")) {
        ws->expired = true;
        return 1;
    }
    if (rv) {
        free(ws->rv);
        ws->rv = xstrdup(rv);
    }
    if (!strcmp(type, "BOOKMARK"))
        return 0;
    int node = node_of(ws->h, obj);
    if (node < 0)
        return 0;
    if (!strcmp(type, "DELETED"))
        forget_pod(ws->h, obj);
    else
        track_pod(ws->h, obj, node);
    return 0;
}

static void *watch_main(void *arg)
{
    hollow_t *h = arg;
    const char *sel = "spec.nodeName%21%3D";
    int backoff_ms = 100;
    watch_state_t ws = {.h = h};
    while (!atomic_load(h->stop)) {
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (!ws.rv) {
            json_auto_t *list = NULL;
            if (cube_client_list(h->client, res("", "pods"), NULL, NULL, "spec.nodeName!=", &list,
                                 &err) < 0) {
                cube_log_error("hollow: list pods: %s", err.msg);
                usleep((useconds_t)backoff_ms * 1000);
                backoff_ms = backoff_ms < 5000 ? backoff_ms * 2 : backoff_ms;
                continue;
            }
            size_t i;
            json_t *pod;
            json_array_foreach(json_object_get(list, "items"), i, pod)
            {
                int node = node_of(h, pod);
                if (node >= 0)
                    track_pod(h, pod, node);
            }
            ws.rv = xstrdup(cube_json_str(list, "metadata", "resourceVersion", NULL) ?: "0");
        }
        _cleanup_free_ char *path =
            xasprintf("/api/v1/pods?fieldSelector=%s&resourceVersion=%s&allowWatchBookmarks=true",
                      sel, ws.rv);
        ws.expired = false;
        if (cube_client_watch(h->client, path, on_pod_event, &ws, h->stop, &err) < 0) {
            cube_log_v(1, "hollow: watch pods: %s", err.msg);
            usleep((useconds_t)backoff_ms * 1000);
            backoff_ms = backoff_ms < 5000 ? backoff_ms * 2 : backoff_ms;
        } else {
            backoff_ms = 100;
        }
        if (ws.expired) { /* 410: start over from a fresh list */
            free(ws.rv);
            ws.rv = NULL;
        }
    }
    free(ws.rv);
    return NULL;
}

/* The node's pod CIDR (asked of the API at most every 10 s until node IPAM has set it). */
static void pod_ip(hollow_t *h, int node, char out[64])
{
    hnode_t *n = &h->nodes[node];
    pthread_mutex_lock(&h->mu);
    bool ask = !n->pod_cidr && time(NULL) - n->cidr_checked >= 10;
    if (ask)
        n->cidr_checked = time(NULL);
    pthread_mutex_unlock(&h->mu);
    if (ask) {
        json_auto_t *obj = NULL;
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_get(h->client, res("", "nodes"), NULL, n->name, &obj, &err) == 0) {
            const char *cidr = cube_json_str(obj, "spec", "podCIDR", NULL);
            pthread_mutex_lock(&h->mu);
            if (cidr && !n->pod_cidr)
                n->pod_cidr = xstrdup(cidr);
            pthread_mutex_unlock(&h->mu);
        }
    }
    pthread_mutex_lock(&h->mu);
    uint32_t k = ++n->next_ip;
    unsigned a, b, c, d, bits;
    if (n->pod_cidr && sscanf(n->pod_cidr, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &bits) == 5 &&
        bits >= 8 && bits <= 30) {
        uint32_t base = a << 24 | b << 16 | c << 8 | d;
        uint32_t size = 1u << (32 - bits);
        uint32_t ip = base + 2 + (k - 1) % (size - 3);
        snprintf(out, 64, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    } else { /* no podCIDR yet: one /24 per node out of 10.128.0.0/9 */
        uint32_t ip = (10u << 24 | 128u << 16) + ((uint32_t)node << 8) + 2 + (k - 1) % 252;
        snprintf(out, 64, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    }
    pthread_mutex_unlock(&h->mu);
}

static json_t *pod_conditions(const char *ts, bool ready)
{
    const char *s = ready ? "True" : "False";
    json_t *a = json_array();
    const char *const types[] = {"PodReadyToStartContainers", "Initialized", "Ready",
                                 "ContainersReady", "PodScheduled"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(types); i++) {
        bool always = i == 1 || i == 4;
        json_t *c = json_pack("{s:s, s:s, s:n, s:s}", "type", types[i], "status",
                              always ? "True" : s, "lastProbeTime", "lastTransitionTime", ts);
        if (!always && !ready)
            json_object_set_new(c, "reason", json_string("PodCompleted"));
        json_array_append_new(a, c);
    }
    return a;
}

/* The status a kubelet would write: running (ready) or terminated with exit_code. */
static json_t *pod_status(hollow_t *h, const json_t *rec, const char *ip, bool done, int exit_code)
{
    int node = (int)json_integer_value(json_object_get(rec, "node"));
    char ts[40];
    cube_time_rfc3339(time(NULL), ts);
    json_t *cstat = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "containers"), i, c)
    {
        const char *name = json_string_value(json_array_get(c, 0));
        const char *image = json_string_value(json_array_get(c, 1));
        char cid[80];
        snprintf(cid, sizeof(cid), "containerd://%016llx%016llx", (unsigned long long)random(),
                 (unsigned long long)random());
        json_t *state = done ? json_pack("{s:{s:i, s:s, s:s, s:s, s:s}}", "terminated", "exitCode",
                                         exit_code, "reason", exit_code ? "Error" : "Completed",
                                         "startedAt", ts, "finishedAt", ts, "containerID", cid)
                             : json_pack("{s:{s:s}}", "running", "startedAt", ts);
        json_array_append_new(cstat,
                              json_pack("{s:s, s:o, s:b, s:b, s:i, s:s, s:s, s:s}", "name", name,
                                        "state", state, "ready", !done, "started", !done,
                                        "restartCount", 0, "image", image ? image : "", "imageID",
                                        image ? image : "", "containerID", cid));
    }
    const char *phase = !done ? "Running" : exit_code ? "Failed" : "Succeeded";
    return json_pack("{s:{s:s, s:o, s:s, s:[{s:s}], s:s, s:[{s:s}], s:s, s:O, s:o}}", "status",
                     "phase", phase, "conditions", pod_conditions(ts, !done), "hostIP",
                     h->nodes[node].ip, "hostIPs", "ip", h->nodes[node].ip, "podIP", ip, "podIPs",
                     "ip", ip, "startTime", ts, "qosClass", json_object_get(rec, "qos"),
                     "containerStatuses", cstat);
}

/* One step of a pod's life; <0 to retry with backoff. */
static int sync_pod(hollow_t *h, const char *key)
{
    pthread_mutex_lock(&h->mu);
    json_t *r = json_object_get(h->pods, key);
    json_auto_t *rec = r ? json_deep_copy(r) : NULL;
    pthread_mutex_unlock(&h->mu);
    if (!rec)
        return 0;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int state = (int)json_integer_value(json_object_get(rec, "state"));
    const cube_resource_t *pods = res("", "pods");

    if (json_is_true(json_object_get(rec, "deleting"))) {
        json_auto_t *opts = json_pack("{s:s, s:s, s:i, s:{s:s}}", "kind", "DeleteOptions",
                                      "apiVersion", "v1", "gracePeriodSeconds", 0, "preconditions",
                                      "uid", cube_json_str(rec, "uid", NULL));
        if (cube_client_delete(h->client, pods, ns, name, opts, &err) < 0 && err.code != 404 &&
            err.code != 409)
            return -1;
        atomic_fetch_add(&h->deleted, 1);
        return 0;
    }
    bool finite = json_is_true(json_object_get(rec, "finite"));
    if (state == POD_NEW) {
        char ip[64];
        pod_ip(h, (int)json_integer_value(json_object_get(rec, "node")), ip);
        json_auto_t *st = pod_status(h, rec, ip, false, 0);
        if (cube_client_patch(h->client, pods, ns, name, "application/merge-patch+json", st,
                              "status", NULL, &err) < 0)
            return err.code == 404 ? 0 : -1;
        atomic_fetch_add(&h->started, 1);
        pthread_mutex_lock(&h->mu);
        json_t *live = json_object_get(h->pods, key);
        if (live) {
            json_object_set_new(live, "state", json_integer(POD_RUNNING));
            json_object_set_new(live, "ip", json_string(ip));
        }
        pthread_mutex_unlock(&h->mu);
        if (finite)
            cube_workqueue_add_after(h->queue, key, h->cfg->task_ms);
        return 0;
    }
    if (state == POD_RUNNING && finite) {
        const char *ip = cube_json_str(rec, "ip", NULL);
        int code = json_is_true(json_object_get(rec, "fail")) ? 1 : 0;
        json_auto_t *st = pod_status(h, rec, ip ? ip : "", true, code);
        if (cube_client_patch(h->client, pods, ns, name, "application/merge-patch+json", st,
                              "status", NULL, &err) < 0)
            return err.code == 404 ? 0 : -1;
        atomic_fetch_add(&h->finished, 1);
        pthread_mutex_lock(&h->mu);
        json_t *live = json_object_get(h->pods, key);
        if (live)
            json_object_set_new(live, "state", json_integer(POD_DONE));
        pthread_mutex_unlock(&h->mu);
    }
    return 0;
}

static void *worker_main(void *arg)
{
    hollow_t *h = arg;
    char *key;
    while ((key = cube_workqueue_get(h->queue))) {
        if (sync_pod(h, key) < 0)
            cube_workqueue_add_rate_limited(h->queue, key);
        else
            cube_workqueue_forget(h->queue, key);
        cube_workqueue_done(h->queue, key);
        free(key);
    }
    return NULL;
}

/* ---- run ----------------------------------------------------------------- */

int cube_hollow_run(const cube_hollow_config_t *cfg, const atomic_bool *stop, cube_err_t *err)
{
    if (cfg->count <= 0)
        return cube_err_badrequest(err, "--count must be positive");
    hollow_t h = {.cfg = cfg, .stop = stop};
    _cleanup_free_ char *ua = xasprintf("cube-hollow-nodes/%s", CUBE_GIT_VERSION);
    if (cube_client_from_kubeconfig(cfg->kubeconfig, ua, &h.client, err) < 0)
        return -1;
    pthread_mutex_init(&h.mu, NULL);
    h.pods = json_object();
    h.node_index = json_object();
    h.nodes = xcalloc((size_t)cfg->count, sizeof(hnode_t));
    for (int i = 0; i < cfg->count; i++) {
        int idx = cfg->first + i;
        h.nodes[i].name = xasprintf("%s%d", cfg->prefix, idx);
        /* a fake, unique InternalIP per node: 10.224.0.0/11 */
        uint32_t ip = (10u << 24 | 224u << 16) + (uint32_t)idx + 1;
        h.nodes[i].ip = xasprintf("%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
        json_object_set_new(h.node_index, h.nodes[i].name, json_integer(i));
    }
    h.queue = cube_workqueue_new("hollow-pods", 100, 10000, 0, 0);

    int nreg = cfg->count < 8 ? cfg->count : 8;
    pthread_t reg[8];
    range_t regr[8];
    uint64_t t0 = cube_time_mono_ns();
    for (int i = 0; i < nreg; i++) {
        regr[i] = (range_t){&h, i, nreg};
        pthread_create(&reg[i], NULL, register_main, &regr[i]);
    }
    for (int i = 0; i < nreg; i++)
        pthread_join(reg[i], NULL);
    cube_log_info("hollow: %d nodes registered in %.2f s", cfg->count,
                  (double)(cube_time_mono_ns() - t0) / 1e9);

    int nlease = cfg->count < 4 ? cfg->count : 4;
    pthread_t lease[4];
    range_t leaser[4];
    for (int i = 0; i < nlease; i++) {
        leaser[i] = (range_t){&h, i, nlease};
        pthread_create(&lease[i], NULL, lease_main, &leaser[i]);
    }
    pthread_t watcher;
    pthread_create(&watcher, NULL, watch_main, &h);
    int nw = cfg->workers > 0 ? cfg->workers : 16;
    pthread_t *workers = xcalloc((size_t)nw, sizeof(pthread_t));
    for (int i = 0; i < nw; i++)
        pthread_create(&workers[i], NULL, worker_main, &h);

    while (!atomic_load(stop))
        usleep(100 * 1000);

    cube_workqueue_shutdown(h.queue);
    for (int i = 0; i < nw; i++)
        pthread_join(workers[i], NULL);
    pthread_join(watcher, NULL);
    for (int i = 0; i < nlease; i++)
        pthread_join(lease[i], NULL);
    cube_log_info("hollow: stopping; pods started %ld, finished %ld, deleted %ld",
                  atomic_load(&h.started), atomic_load(&h.finished), atomic_load(&h.deleted));
    free(workers);
    cube_workqueue_free(h.queue);
    for (int i = 0; i < cfg->count; i++) {
        free(h.nodes[i].name);
        free(h.nodes[i].ip);
        free(h.nodes[i].pod_cidr);
    }
    free(h.nodes);
    json_decref(h.pods);
    json_decref(h.node_index);
    pthread_mutex_destroy(&h.mu);
    cube_client_free(h.client);
    return 0;
}
