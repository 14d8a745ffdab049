/*
 * endpoints: the counterpart of Kubernetes' Endpoints controller. The core/v1
 * Endpoints object predates EndpointSlices and many clients still read it
 * (`kubectl get endpoints`, `kubectl describe service`): for every Service
 * with a selector it lists the selected pods' addresses, ready ones under
 * `addresses` and the others under `notReadyAddresses`, grouped into subsets
 * by the ports they resolve to, each with a targetRef to its pod. Services
 * without a selector are left alone (the API server writes `kubernetes`).
 *
 * cube_endpoints_desired is the pure decision; sync() writes it when the
 * subsets or labels differ from what is stored, stamping
 * endpoints.kubernetes.io/last-change-trigger-time.
 */
#include "controllers/controllers.h"

#define TRIGGER_TIME "endpoints.kubernetes.io/last-change-trigger-time"

static int cmp_addr(const void *a, const void *b)
{
    const char *ia = json_string_value(json_object_get(*(json_t *const *)a, "ip"));
    const char *ib = json_string_value(json_object_get(*(json_t *const *)b, "ip"));
    return strcmp(ia ? ia : "", ib ? ib : "");
}

/* Sorts an array of addresses by ip in place. */
static void sort_addresses(json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return;
    json_t **v = xcalloc(n, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof(*v), cmp_addr);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

static const char *pod_ip(const json_t *pod)
{
    const char *s = cube_json_str(pod, "status", "podIP", NULL);
    return s && *s ? s : NULL;
}

/* Latest of t and the RFC 3339 time s. */
static int64_t later(int64_t t, const char *s)
{
    time_t v;
    if (s && cube_time_parse(s, &v) == 0 && (int64_t)v > t)
        return (int64_t)v;
    return t;
}

json_t *cube_endpoints_desired(const json_t *svc, json_t *const *pods, size_t n)
{
    bool publish = json_is_true(cube_json_path(svc, "spec", "publishNotReadyAddresses", NULL));
    const char *svc_name = cube_json_str(svc, "metadata", "name", NULL);
    int64_t trigger = later(0, cube_json_str(svc, "metadata", "creationTimestamp", NULL));
    json_auto_t *groups = json_object(); /* dumped ports -> subset */
    json_t *subsets = json_array();
    for (size_t i = 0; i < n; i++) {
        const json_t *pod = pods[i];
        const char *phase = cube_json_str(pod, "status", "phase", NULL);
        json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
        bool terminating = dt && !json_is_null(dt);
        if (!cube_service_selects(svc, pod) || !pod_ip(pod))
            continue;
        if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
            continue;
        if (terminating && !publish)
            continue;
        trigger = later(trigger, cube_json_str(pod, "metadata", "creationTimestamp", NULL));
        size_t ci;
        json_t *c;
        json_array_foreach(cube_json_path(pod, "status", "conditions", NULL), ci, c)
        {
            const char *type = json_string_value(json_object_get(c, "type"));
            if (type && !strcmp(type, "Ready"))
                trigger =
                    later(trigger, json_string_value(json_object_get(c, "lastTransitionTime")));
        }

        json_t *ports = json_array();
        size_t pi;
        json_t *sp;
        json_array_foreach(cube_json_path(svc, "spec", "ports", NULL), pi, sp)
        {
            int port = cube_service_target_port(sp, pod);
            if (port < 0)
                continue;
            const char *name = json_string_value(json_object_get(sp, "name"));
            const char *proto = json_string_value(json_object_get(sp, "protocol"));
            json_t *p = json_object();
            if (name && *name)
                json_object_set_new(p, "name", json_string(name));
            json_object_set_new(p, "port", json_integer(port));
            json_object_set_new(p, "protocol", json_string(proto ? proto : "TCP"));
            json_t *ap = json_object_get(sp, "appProtocol");
            if (json_is_string(ap))
                json_object_set(p, "appProtocol", ap);
            json_array_append_new(ports, p);
        }
        _cleanup_free_ char *key = cube_json_dump(ports, NULL);
        json_t *subset = json_object_get(groups, key);
        if (!subset) {
            subset = json_pack("{s:[], s:[], s:o}", "addresses", "notReadyAddresses", "ports",
                               json_incref(ports));
            json_object_set_new(groups, key, subset);
            json_array_append(subsets, subset);
        }
        json_decref(ports);

        json_t *addr = json_pack("{s:s}", "ip", pod_ip(pod));
        const char *host = cube_json_str(pod, "spec", "hostname", NULL);
        const char *sub = cube_json_str(pod, "spec", "subdomain", NULL);
        if (host && *host && sub && !strcmp(sub, svc_name))
            json_object_set_new(addr, "hostname", json_string(host));
        const char *node = cube_json_str(pod, "spec", "nodeName", NULL);
        if (node && *node)
            json_object_set_new(addr, "nodeName", json_string(node));
        const char *uid = cube_json_str(pod, "metadata", "uid", NULL);
        json_object_set_new(addr, "targetRef",
                            json_pack("{s:s, s:s, s:s, s:s}", "kind", "Pod", "namespace",
                                      cube_json_str(pod, "metadata", "namespace", NULL), "name",
                                      cube_json_str(pod, "metadata", "name", NULL), "uid",
                                      uid ? uid : ""));
        bool ready = publish || cube_pod_is_ready(pod);
        json_array_append_new(json_object_get(subset, ready ? "addresses" : "notReadyAddresses"),
                              addr);
    }
    /* Empty lists and port lists are left out, as Kubernetes serializes them. */
    size_t i;
    json_t *subset;
    json_array_foreach(subsets, i, subset)
    {
        static const char *const keys[] = {"addresses", "notReadyAddresses", "ports"};
        for (size_t k = 0; k < CUBE_ARRAY_SIZE(keys); k++) {
            json_t *a = json_object_get(subset, keys[k]);
            sort_addresses(k < 2 ? a : NULL);
            if (json_array_size(a) == 0)
                json_object_del(subset, keys[k]);
        }
    }

    json_t *labels = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(cube_json_path(svc, "metadata", "labels", NULL), k, v)
        json_object_set(labels, k, v);
    const char *cip = cube_json_str(svc, "spec", "clusterIP", NULL);
    if (cip && !strcmp(cip, "None"))
        json_object_set_new(labels, "service.kubernetes.io/headless", json_string(""));
    char ts[32];
    cube_time_rfc3339((time_t)trigger, ts);
    json_t *ep = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:{s:s}}}", "apiVersion", "v1", "kind",
                           "Endpoints", "metadata", "name", svc_name, "namespace",
                           cube_json_str(svc, "metadata", "namespace", NULL), "labels", labels,
                           "annotations", TRIGGER_TIME, ts);
    if (json_array_size(subsets))
        json_object_set_new(ep, "subsets", subsets);
    else
        json_decref(subsets);
    return ep;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct ep_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_ep;
    cube_informer_t *svcs, *pods, *eps;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
} ep_state_t;

static void enqueue(ep_state_t *s, const json_t *obj)
{
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}

static void svc_add(json_t *obj, void *u)
{
    enqueue(u, obj);
}
static void svc_update(json_t *old, json_t *obj, void *u)
{
    enqueue(u, obj);
}

static void enqueue_pod_services(ep_state_t *s, const json_t *pod)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    json_t **svcs = NULL;
    size_t n = cube_informer_by_index(s->svcs, CUBE_CTRL_INDEX_NS, ns ? ns : "", &svcs);
    for (size_t i = 0; i < n; i++)
        if (cube_service_selects(svcs[i], pod))
            enqueue(s, svcs[i]);
    cube_json_refs_free(svcs, n);
}

static void pod_add(json_t *obj, void *u)
{
    enqueue_pod_services(u, obj);
}
static void pod_update(json_t *old, json_t *obj, void *u)
{
    if (old == obj)
        return;
    enqueue_pod_services(u, obj);
    if (!json_equal(cube_json_path(old, "metadata", "labels", NULL),
                    cube_json_path(obj, "metadata", "labels", NULL)))
        enqueue_pod_services(u, old);
}

static void ep_delete(json_t *obj, void *u)
{
    enqueue(u, obj); /* recreated if its service still wants it */
}

static int sync_endpoints(const char *key, void *u)
{
    ep_state_t *s = u;
    if (!cube_informer_synced(s->svcs) || !cube_informer_synced(s->pods) ||
        !cube_informer_synced(s->eps))
        return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *svc = cube_informer_get(s->svcs, ns, name);
    json_auto_t *have = cube_informer_get(s->eps, ns, name);
    if (!svc) {
        /* Kubernetes deletes the Endpoints of a deleted service. */
        if (have && cube_client_delete(s->ctx->client, s->r_ep, ns, name, NULL, &err) < 0 &&
            err.code != 404)
            return -1;
        return 0;
    }
    json_t *sel = cube_json_path(svc, "spec", "selector", NULL);
    if (!json_is_object(sel) || json_object_size(sel) == 0)
        return 0;

    json_t **pods = NULL;
    size_t np = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_NS, ns, &pods);
    json_auto_t *want = cube_endpoints_desired(svc, pods, np);
    cube_json_refs_free(pods, np);

    int rc;
    if (!have) {
        rc = cube_client_create(s->ctx->client, s->r_ep, ns, want, NULL, &err);
        if (rc < 0 && !strcmp(err.reason ? err.reason : "", "AlreadyExists"))
            rc = -1; /* our cache is behind: retry */
    } else {
        if (json_equal(json_object_get(have, "subsets"), json_object_get(want, "subsets")) &&
            json_equal(cube_json_path(have, "metadata", "labels", NULL),
                       cube_json_path(want, "metadata", "labels", NULL)))
            return 0;
        json_auto_t *upd = json_deep_copy(have);
        json_t *meta = cube_json_obj(upd, "metadata");
        json_object_set(meta, "labels", cube_json_path(want, "metadata", "labels", NULL));
        json_object_set(cube_json_obj(meta, "annotations"), TRIGGER_TIME,
                        cube_json_path(want, "metadata", "annotations", TRIGGER_TIME, NULL));
        json_t *subsets = json_object_get(want, "subsets");
        if (subsets)
            json_object_set(upd, "subsets", subsets);
        else
            json_object_del(upd, "subsets");
        rc = cube_client_update(s->ctx->client, s->r_ep, upd, NULL, NULL, &err);
    }
    if (rc < 0)
        cube_log_v(2, "endpoints: syncing \"%s\": %s", key, err.msg);
    return rc;
}

static int ep_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    ep_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_ep = cube_api_resource_find("", "v1", "endpoints");
    s->svcs =
        cube_informers_get(ctx->informers, cube_api_resource_find("", "v1", "services"), NULL);
    s->pods = cube_informers_get(ctx->informers, cube_api_resource_find("", "v1", "pods"), NULL);
    s->eps = cube_informers_get(ctx->informers, s->r_ep, NULL);
    s->q = cube_workqueue_new("endpoint", 5, 60000, 0, 0);
    cube_informer_add_handlers(s->svcs, &(cube_informer_handlers_t){.on_add = svc_add,
                                                                    .on_update = svc_update,
                                                                    .on_delete = svc_add,
                                                                    .userdata = s});
    cube_informer_add_handlers(s->pods, &(cube_informer_handlers_t){.on_add = pod_add,
                                                                    .on_update = pod_update,
                                                                    .on_delete = pod_add,
                                                                    .userdata = s});
    cube_informer_add_handlers(s->eps,
                               &(cube_informer_handlers_t){.on_delete = ep_delete, .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_endpoints, s);
    *ret_state = s;
    return 0;
}

static void ep_stop(void *state)
{
    ep_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    free(s);
}

const cube_controller_ops_t cube_ctrl_endpoints = {
    .name = "endpoints",
    .start = ep_start,
    .stop = ep_stop,
};
