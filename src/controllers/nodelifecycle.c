/*
 * nodelifecycle: the counterpart of Kubernetes' node lifecycle controller and
 * its NoExecute taint manager. A kubelet proves it is alive by renewing its
 * Lease (kube-node-lease/<node>) and posting the Ready condition; when
 * neither has changed for --node-monitor-grace-period, the node's Ready and
 * pressure conditions become Unknown ("Kubelet stopped posting node
 * status."), its pods are marked not ready, and it is tainted
 * node.kubernetes.io/unreachable (NoSchedule at once, NoExecute at most
 * --node-eviction-rate nodes per second). A node reporting Ready=False is
 * tainted node.kubernetes.io/not-ready the same way; the taints go when it
 * recovers.
 *
 * The taint manager then evicts pods from NoExecute-tainted nodes: at once
 * when they do not tolerate the taint, after tolerationSeconds when they do
 * for a while (the API server gives every pod 300 s for not-ready and
 * unreachable). Staleness is judged from when this controller last saw the
 * heartbeat change (its own monotonic clock), as Kubernetes does, so clock
 * skew between machines does not matter. The decisions are pure functions
 * (conditions, taints, eviction time); sync() applies them.
 */
#include <math.h>
#include <pthread.h>

#include "controllers/controllers.h"

#define T_NOT_READY "node.kubernetes.io/not-ready"
#define T_UNREACHABLE "node.kubernetes.io/unreachable"

/* ---- pure pieces ---------------------------------------------------------- */

bool cube_toleration_tolerates(const json_t *tol, const json_t *taint)
{
    const char *teff = json_string_value(json_object_get(tol, "effect"));
    const char *eff = json_string_value(json_object_get(taint, "effect"));
    if (teff && *teff && (!eff || strcmp(teff, eff)))
        return false;
    const char *tkey = json_string_value(json_object_get(tol, "key"));
    const char *key = json_string_value(json_object_get(taint, "key"));
    const char *op = json_string_value(json_object_get(tol, "operator"));
    bool exists = op && !strcmp(op, "Exists");
    if (!tkey || !*tkey)
        return exists; /* an empty key with Exists tolerates everything */
    if (!key || strcmp(tkey, key))
        return false;
    if (exists)
        return true;
    const char *tval = json_string_value(json_object_get(tol, "value"));
    const char *val = json_string_value(json_object_get(taint, "value"));
    return !strcmp(tval ? tval : "", val ? val : "");
}

static int64_t parse_time(const char *s)
{
    time_t t;
    return s && cube_time_parse(s, &t) == 0 ? (int64_t)t : 0;
}

int64_t cube_taint_eviction_time(const json_t *pod, const json_t *taints, int64_t now)
{
    json_t *tols = cube_json_path(pod, "spec", "tolerations", NULL);
    int64_t min_sec = INT64_MAX, start = 0;
    bool any = false;
    size_t i, j;
    json_t *taint, *tol;
    json_array_foreach(taints, i, taint)
    {
        const char *eff = json_string_value(json_object_get(taint, "effect"));
        if (!eff || strcmp(eff, "NoExecute"))
            continue;
        any = true;
        int64_t added = parse_time(json_string_value(json_object_get(taint, "timeAdded")));
        if (added && (!start || added < start))
            start = added;
        bool tolerated = false;
        json_array_foreach(tols, j, tol)
        {
            if (!cube_toleration_tolerates(tol, taint))
                continue;
            tolerated = true;
            json_t *secs = json_object_get(tol, "tolerationSeconds");
            if (json_is_integer(secs)) {
                int64_t v = json_integer_value(secs);
                min_sec = v < min_sec ? (v < 0 ? 0 : v) : min_sec;
            }
        }
        if (!tolerated)
            return now;
    }
    if (!any || min_sec == INT64_MAX)
        return -1;
    return (start ? start : now) + min_sec;
}

static json_t *find_condition(const json_t *conds, const char *type)
{
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && !strcmp(t, type))
            return c;
    }
    return NULL;
}

json_t *cube_node_conditions_unknown(const json_t *node, int64_t now)
{
    static const char *const types[] = {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"};
    json_t *old = cube_json_path(node, "status", "conditions", NULL);
    json_t *conds = json_is_array(old) ? json_deep_copy(old) : json_array();
    char ts[32];
    cube_time_rfc3339((time_t)now, ts);
    bool changed = false;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(types); i++) {
        json_t *c = find_condition(conds, types[i]);
        if (!c) {
            const char *created = cube_json_str(node, "metadata", "creationTimestamp", NULL);
            json_array_append_new(
                conds, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", types[i], "status",
                                 "Unknown", "lastHeartbeatTime", created ? created : ts,
                                 "lastTransitionTime", ts, "reason", "NodeStatusNeverUpdated",
                                 "message", "Kubelet never posted node status."));
            changed = true;
            continue;
        }
        const char *st = json_string_value(json_object_get(c, "status"));
        if (st && !strcmp(st, "Unknown"))
            continue;
        json_object_set_new(c, "status", json_string("Unknown"));
        json_object_set_new(c, "reason", json_string("NodeStatusUnknown"));
        json_object_set_new(c, "message", json_string("Kubelet stopped posting node status."));
        json_object_set_new(c, "lastTransitionTime", json_string(ts));
        changed = true;
    }
    if (!changed) {
        json_decref(conds);
        return NULL;
    }
    return conds;
}

json_t *cube_node_desired_taints(const json_t *node, int64_t now, bool no_execute)
{
    json_t *ready = find_condition(cube_json_path(node, "status", "conditions", NULL), "Ready");
    const char *st = ready ? json_string_value(json_object_get(ready, "status")) : NULL;
    const char *want = NULL; /* the taint key the node should carry */
    if (st && !strcmp(st, "False"))
        want = T_NOT_READY;
    else if (st && !strcmp(st, "Unknown"))
        want = T_UNREACHABLE;
    json_t *old = cube_json_path(node, "spec", "taints", NULL);
    json_t *out = json_array();
    bool have_ns = false, have_ne = false;
    size_t i;
    json_t *t;
    json_array_foreach(old, i, t)
    {
        const char *key = json_string_value(json_object_get(t, "key"));
        const char *eff = json_string_value(json_object_get(t, "effect"));
        bool ours = key && (!strcmp(key, T_NOT_READY) || !strcmp(key, T_UNREACHABLE));
        if (ours && !st) {
            json_array_append(out, t); /* no Ready condition yet: nothing to judge by */
            continue;
        }
        if (ours && (!want || strcmp(key, want)))
            continue;
        if (ours && eff && !strcmp(eff, "NoSchedule"))
            have_ns = true;
        if (ours && eff && !strcmp(eff, "NoExecute"))
            have_ne = true;
        json_array_append(out, t);
    }
    if (want && !have_ns)
        json_array_append_new(out, json_pack("{s:s, s:s}", "key", want, "effect", "NoSchedule"));
    if (want && !have_ne && no_execute) {
        char ts[32];
        cube_time_rfc3339((time_t)now, ts);
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "key", want, "effect", "NoExecute", "timeAdded", ts));
    }
    return out;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct nlc_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_node, *r_pod;
    cube_informer_t *nodes, *leases, *pods;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
    pthread_mutex_t lock; /* guards probes and the eviction token bucket */
    json_t *probes; /* node -> [heartbeat seen, monotonic ms when it last changed] */
    double tokens;
    uint64_t tokens_at_ns;
} nlc_state_t;

static void enqueue_node(nlc_state_t *s, const char *name)
{
    _cleanup_free_ char *key = xasprintf("node/%s", name);
    cube_workqueue_add(s->q, key);
}

static void enqueue_pod(nlc_state_t *s, const json_t *pod, int delay_ms)
{
    _cleanup_free_ char *k = cube_object_key(pod);
    _cleanup_free_ char *key = xasprintf("pod/%s", k);
    if (delay_ms > 0)
        cube_workqueue_add_after(s->q, key, delay_ms);
    else
        cube_workqueue_add(s->q, key);
}

static void node_add(json_t *obj, void *u)
{
    enqueue_node(u, cube_json_str(obj, "metadata", "name", NULL));
}

static void node_update(json_t *old, json_t *obj, void *u)
{
    nlc_state_t *s = u;
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    enqueue_node(s, name);
    if (old == obj || json_equal(cube_json_path(old, "spec", "taints", NULL),
                                 cube_json_path(obj, "spec", "taints", NULL)))
        return;
    /* taints changed: every pod on the node is re-judged by the taint manager */
    json_t **pods = NULL;
    size_t n = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_NODE, name, &pods);
    for (size_t i = 0; i < n; i++)
        enqueue_pod(s, pods[i], 0);
    cube_json_refs_free(pods, n);
}

static void node_delete(json_t *obj, void *u)
{
    nlc_state_t *s = u;
    pthread_mutex_lock(&s->lock);
    json_object_del(s->probes, cube_json_str(obj, "metadata", "name", NULL));
    pthread_mutex_unlock(&s->lock);
}

static void lease_event(json_t *obj, void *u)
{
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (ns && !strcmp(ns, "kube-node-lease"))
        enqueue_node(u, cube_json_str(obj, "metadata", "name", NULL));
}
static void lease_update(json_t *old, json_t *obj, void *u)
{
    if (old != obj)
        lease_event(obj, u);
}

static void pod_add(json_t *obj, void *u)
{
    const char *node = cube_json_str(obj, "spec", "nodeName", NULL);
    if (node && *node)
        enqueue_pod(u, obj, 0);
}
static void pod_update(json_t *old, json_t *obj, void *u)
{
    if (old == obj)
        return;
    if (!json_equal(cube_json_path(old, "spec", NULL), cube_json_path(obj, "spec", NULL)))
        pod_add(obj, u);
}

/* One token of the NoExecute tainting rate (burst 1). */
static bool take_token(nlc_state_t *s, int *ret_wait_ms)
{
    double rate = s->ctx->cfg->node_eviction_rate > 0 ? s->ctx->cfg->node_eviction_rate : 0.1;
    pthread_mutex_lock(&s->lock);
    uint64_t now = cube_time_mono_ns();
    s->tokens += (double)(now - s->tokens_at_ns) / 1e9 * rate;
    if (s->tokens > 1)
        s->tokens = 1;
    s->tokens_at_ns = now;
    bool ok = s->tokens >= 1;
    if (ok)
        s->tokens -= 1;
    else
        *ret_wait_ms = (int)ceil((1 - s->tokens) / rate * 1000);
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* Seconds since the node's heartbeat (Ready's lastHeartbeatTime or the Lease's renewTime)
 * last changed, as this process saw it. */
static double heartbeat_age(nlc_state_t *s, const json_t *node, const json_t *lease)
{
    json_t *ready = find_condition(cube_json_path(node, "status", "conditions", NULL), "Ready");
    const char *hb = ready ? json_string_value(json_object_get(ready, "lastHeartbeatTime")) : NULL;
    const char *renew = lease ? cube_json_str(lease, "spec", "renewTime", NULL) : NULL;
    _cleanup_free_ char *seen = xasprintf("%s|%s", hb ? hb : "", renew ? renew : "");
    const char *name = cube_json_str(node, "metadata", "name", NULL);
    uint64_t now_ms = cube_time_mono_ns() / 1000000;
    pthread_mutex_lock(&s->lock);
    json_t *p = json_object_get(s->probes, name);
    const char *was = p ? json_string_value(json_array_get(p, 0)) : NULL;
    if (!was || strcmp(was, seen)) {
        json_object_set_new(s->probes, name, json_pack("[s, I]", seen, (json_int_t)now_ms));
        p = json_object_get(s->probes, name);
    }
    double age = (double)(now_ms - (uint64_t)json_integer_value(json_array_get(p, 1))) / 1000.0;
    pthread_mutex_unlock(&s->lock);
    return age;
}

/* Sets the Ready condition of every pod on the node to False (MarkPodsNotReady). */
static int mark_pods_not_ready(nlc_state_t *s, const char *node, int64_t now)
{
    json_t **pods = NULL;
    size_t n = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_NODE, node, &pods);
    int rc = 0;
    char ts[32];
    cube_time_rfc3339((time_t)now, ts);
    for (size_t i = 0; i < n; i++) {
        if (!cube_pod_is_ready(pods[i]))
            continue;
        json_auto_t *upd = json_deep_copy(pods[i]);
        json_t *c = find_condition(cube_json_path(upd, "status", "conditions", NULL), "Ready");
        json_object_set_new(c, "status", json_string("False"));
        json_object_set_new(c, "lastTransitionTime", json_string(ts));
        cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_update(s->ctx->client, s->r_pod, upd, "status", NULL, &err) < 0 &&
            err.code != 404)
            rc = -1;
    }
    cube_json_refs_free(pods, n);
    return rc;
}

static int sync_node(nlc_state_t *s, const char *name)
{
    json_auto_t *node = cube_informer_get(s->nodes, NULL, name);
    if (!node)
        return 0;
    json_auto_t *lease = cube_informer_get(s->leases, "kube-node-lease", name);
    int64_t now = (int64_t)time(NULL);
    int grace = s->ctx->cfg->node_monitor_grace_sec > 0 ? s->ctx->cfg->node_monitor_grace_sec : 50;
    int period =
        s->ctx->cfg->node_monitor_period_sec > 0 ? s->ctx->cfg->node_monitor_period_sec : 5;
    double age = heartbeat_age(s, node, lease);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *key = xasprintf("node/%s", name);

    json_auto_t *cur = json_incref(node);
    if (age >= grace) {
        json_auto_t *conds = cube_node_conditions_unknown(node, now);
        if (conds) {
            json_auto_t *upd = json_deep_copy(node);
            json_object_set(cube_json_obj(upd, "status"), "conditions", conds);
            json_decref(cur);
            cur = NULL;
            if (cube_client_update(s->ctx->client, s->r_node, upd, "status", &cur, &err) < 0) {
                cube_log_v(2, "nodelifecycle: status of node \"%s\": %s", name, err.msg);
                return -1;
            }
            cube_recorder_event(s->rec, node, "Normal", "NodeNotReady",
                                "Node %s status is now: NodeNotReady", name);
        }
        if (mark_pods_not_ready(s, name, now) < 0)
            return -1;
    }

    json_auto_t *want = cube_node_desired_taints(cur, now, true);
    json_t *have = cube_json_path(cur, "spec", "taints", NULL);
    /* Adding a NoExecute taint evicts pods: at most node_eviction_rate nodes a second. */
    size_t nh = json_array_size(have), i;
    json_t *t;
    bool adds_ne = false;
    json_array_foreach(want, i, t)
    {
        const char *eff = json_string_value(json_object_get(t, "effect"));
        if (!eff || strcmp(eff, "NoExecute"))
            continue;
        bool present = false;
        for (size_t k = 0; k < nh; k++)
            present = present || json_equal(json_array_get(have, k), t);
        adds_ne = adds_ne || !present;
    }
    int wait_ms = 0;
    if (adds_ne && !take_token(s, &wait_ms)) {
        json_decref(want);
        want = cube_node_desired_taints(cur, now, false);
        cube_workqueue_add_after(s->q, key, wait_ms);
    }
    bool differ = have ? !json_equal(want, have) : json_array_size(want) > 0;
    if (differ && !(json_array_size(want) == 0 && json_array_size(have) == 0)) {
        json_auto_t *upd = json_deep_copy(cur);
        if (json_array_size(want))
            json_object_set(cube_json_obj(upd, "spec"), "taints", want);
        else
            json_object_del(cube_json_obj(upd, "spec"), "taints");
        if (cube_client_update(s->ctx->client, s->r_node, upd, NULL, NULL, &err) < 0) {
            cube_log_v(2, "nodelifecycle: taints of node \"%s\": %s", name, err.msg);
            return -1;
        }
    }
    /* Look again when the grace period would run out. */
    int next_ms = age < grace ? (int)((grace - age) * 1000) + 100 : period * 1000;
    cube_workqueue_add_after(s->q, key, next_ms);
    return 0;
}

static int sync_pod(nlc_state_t *s, const char *podkey)
{
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(podkey, &ns, &name);
    json_auto_t *pod = cube_informer_get(s->pods, ns, name);
    if (!pod)
        return 0;
    const char *node_name = cube_json_str(pod, "spec", "nodeName", NULL);
    json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
    if (!node_name || !*node_name || (dt && !json_is_null(dt)))
        return 0;
    json_auto_t *node = cube_informer_get(s->nodes, NULL, node_name);
    if (!node)
        return 0;
    int64_t now = (int64_t)time(NULL);
    int64_t at = cube_taint_eviction_time(pod, cube_json_path(node, "spec", "taints", NULL), now);
    if (at < 0)
        return 0;
    if (at > now) {
        enqueue_pod(s, pod, (int)(at - now) * 1000);
        return 0;
    }
    cube_recorder_event(s->rec, pod, "Normal", "TaintManagerEviction",
                        "Marking for deletion Pod %s/%s", ns, name);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_delete(s->ctx->client, s->r_pod, ns, name, NULL, &err) < 0 && err.code != 404) {
        cube_log_v(2, "nodelifecycle: evicting pod \"%s\": %s", podkey, err.msg);
        return -1;
    }
    return 0;
}

static int sync_key(const char *key, void *u)
{
    nlc_state_t *s = u;
    if (!cube_informer_synced(s->nodes) || !cube_informer_synced(s->leases) ||
        !cube_informer_synced(s->pods))
        return -1;
    if (!strncmp(key, "node/", 5))
        return sync_node(s, key + 5);
    if (!strncmp(key, "pod/", 4))
        return sync_pod(s, key + 4);
    return 0;
}

static int nlc_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    nlc_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    pthread_mutex_init(&s->lock, NULL);
    s->probes = json_object();
    s->tokens = 1;
    s->tokens_at_ns = cube_time_mono_ns();
    s->r_node = cube_api_resource_find("", "v1", "nodes");
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->nodes = cube_informers_get(ctx->informers, s->r_node, NULL);
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->leases = cube_informers_get(
        ctx->informers, cube_api_resource_find("coordination.k8s.io", "v1", "leases"), NULL);
    s->rec = cube_recorder_new(ctx->client, "node-controller", NULL);
    s->q = cube_workqueue_new("nodelifecycle", 5, 30000, 0, 0);
    cube_informer_add_handlers(s->nodes, &(cube_informer_handlers_t){.on_add = node_add,
                                                                     .on_update = node_update,
                                                                     .on_delete = node_delete,
                                                                     .userdata = s});
    cube_informer_add_handlers(s->leases, &(cube_informer_handlers_t){.on_add = lease_event,
                                                                      .on_update = lease_update,
                                                                      .userdata = s});
    cube_informer_add_handlers(
        s->pods,
        &(cube_informer_handlers_t){.on_add = pod_add, .on_update = pod_update, .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_key, s);
    *ret_state = s;
    return 0;
}

static void nlc_stop(void *state)
{
    nlc_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    json_decref(s->probes);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const cube_controller_ops_t cube_ctrl_nodelifecycle = {
    .name = "nodelifecycle",
    .start = nlc_start,
    .stop = nlc_stop,
};
