/*
 * endpointslice: the counterpart of Kubernetes' EndpointSlice controller.
 * Every Service with a selector gets discovery.k8s.io/v1 EndpointSlices that
 * list the pods it selects: their IPv4 address, node, zone and readiness
 * (ready, serving, terminating), with the service's ports resolved per pod
 * (named targetPorts looked up in the pod's containers). kube-proxy and DNS
 * read these slices to route traffic, so they must follow pods' readiness.
 * Services without a selector are left alone: whoever manages their
 * endpoints (the API server for `kubernetes`) writes them.
 *
 * The desired slices are a pure function of the service and its pods
 * (cube_endpointslice_desired); sync() compares them with the slices the
 * controller owns and creates, updates or deletes the difference.
 */
#include "controllers/controllers.h"

#define MAX_ENDPOINTS 100
#define MANAGED_BY "endpointslice.kubernetes.io/managed-by"
#define MANAGER "endpointslice-controller.k8s.io"
#define SERVICE_NAME "kubernetes.io/service-name"

bool cube_service_selects(const json_t *svc, const json_t *pod)
{
    json_t *sel = cube_json_path(svc, "spec", "selector", NULL);
    if (!json_is_object(sel) || json_object_size(sel) == 0)
        return false;
    const char *ns = cube_json_str(svc, "metadata", "namespace", NULL);
    const char *pns = cube_json_str(pod, "metadata", "namespace", NULL);
    if (!ns || !pns || strcmp(ns, pns))
        return false;
    json_t *labels = cube_json_path(pod, "metadata", "labels", NULL);
    const char *k;
    json_t *v;
    json_object_foreach(sel, k, v)
    {
        const char *have = json_string_value(json_object_get(labels, k));
        if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
            return false;
    }
    return true;
}

int cube_service_target_port(const json_t *svc_port, const json_t *pod)
{
    json_t *tp = json_object_get(svc_port, "targetPort");
    if (!tp)
        tp = json_object_get(svc_port, "port");
    if (json_is_integer(tp))
        return (int)json_integer_value(tp);
    const char *name = json_string_value(tp);
    if (!name)
        return -1;
    /* A numeric string is a number (IntOrString from YAML). */
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end)
        return (int)v;
    const char *proto = json_string_value(json_object_get(svc_port, "protocol"));
    if (!proto)
        proto = "TCP";
    json_t *containers = cube_json_path(pod, "spec", "containers", NULL);
    size_t i, j;
    json_t *c, *p;
    json_array_foreach(containers, i, c)
    {
        json_array_foreach(json_object_get(c, "ports"), j, p)
        {
            const char *pn = json_string_value(json_object_get(p, "name"));
            const char *pp = json_string_value(json_object_get(p, "protocol"));
            if (pn && !strcmp(pn, name) && !strcmp(pp ? pp : "TCP", proto))
                return (int)json_integer_value(json_object_get(p, "containerPort"));
        }
    }
    return -1;
}

/* The pod's first IPv4 address, borrowed, or NULL. */
static const char *pod_ipv4(const json_t *pod)
{
    size_t i;
    json_t *ip;
    json_array_foreach(cube_json_path(pod, "status", "podIPs", NULL), i, ip)
    {
        const char *s = json_string_value(json_object_get(ip, "ip"));
        if (s && strchr(s, '.'))
            return s;
    }
    const char *s = cube_json_str(pod, "status", "podIP", NULL);
    return s && strchr(s, '.') ? s : NULL;
}

static bool pod_terminating(const json_t *pod)
{
    json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
    return dt && !json_is_null(dt);
}

static int cmp_pod_name(const void *a, const void *b)
{
    const json_t *pa = *(json_t *const *)a, *pb = *(json_t *const *)b;
    const char *na = cube_json_str(pa, "metadata", "name", NULL);
    const char *nb = cube_json_str(pb, "metadata", "name", NULL);
    return strcmp(na ? na : "", nb ? nb : "");
}

/* The service's ports resolved for pod, as EndpointSlice ports. Owned. */
static json_t *slice_ports(const json_t *svc, const json_t *pod)
{
    json_t *out = json_array();
    size_t i;
    json_t *sp;
    json_array_foreach(cube_json_path(svc, "spec", "ports", NULL), i, sp)
    {
        int port = cube_service_target_port(sp, pod);
        if (port < 0)
            continue;
        const char *name = json_string_value(json_object_get(sp, "name"));
        const char *proto = json_string_value(json_object_get(sp, "protocol"));
        json_t *p = json_pack("{s:s, s:i, s:s}", "name", name ? name : "", "port", port, "protocol",
                              proto ? proto : "TCP");
        json_t *ap = json_object_get(sp, "appProtocol");
        if (json_is_string(ap))
            json_object_set(p, "appProtocol", ap);
        json_array_append_new(out, p);
    }
    return out;
}

static json_t *slice_labels(const json_t *svc)
{
    json_t *labels = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(cube_json_path(svc, "metadata", "labels", NULL), k, v)
    {
        if (strcmp(k, MANAGED_BY) && strcmp(k, SERVICE_NAME))
            json_object_set(labels, k, v);
    }
    const char *cip = cube_json_str(svc, "spec", "clusterIP", NULL);
    if (cip && !strcmp(cip, "None"))
        json_object_set_new(labels, "service.kubernetes.io/headless", json_string(""));
    json_object_set_new(labels, SERVICE_NAME,
                        json_string(cube_json_str(svc, "metadata", "name", NULL)));
    json_object_set_new(labels, MANAGED_BY, json_string(MANAGER));
    return labels;
}

static json_t *new_slice(const json_t *svc, json_t *ports)
{
    const char *name = cube_json_str(svc, "metadata", "name", NULL);
    const char *uid = cube_json_str(svc, "metadata", "uid", NULL);
    _cleanup_free_ char *gen = xasprintf("%s-", name);
    json_t *owner =
        json_pack("[{s:s, s:s, s:s, s:s, s:b, s:b}]", "apiVersion", "v1", "kind", "Service", "name",
                  name, "uid", uid ? uid : "", "controller", 1, "blockOwnerDeletion", 1);
    return json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:o}, s:s, s:[], s:o}", "apiVersion",
                     "discovery.k8s.io/v1", "kind", "EndpointSlice", "metadata", "generateName",
                     gen, "namespace", cube_json_str(svc, "metadata", "namespace", NULL), "labels",
                     slice_labels(svc), "ownerReferences", owner, "addressType", "IPv4",
                     "endpoints", "ports", ports ? ports : json_null());
}

json_t *cube_endpointslice_desired(const json_t *svc, json_t *const *pods, size_t n,
                                   const json_t *zones)
{
    bool publish = json_is_true(cube_json_path(svc, "spec", "publishNotReadyAddresses", NULL));
    const char *svc_name = cube_json_str(svc, "metadata", "name", NULL);
    json_t **sel = xcalloc(n + 1, sizeof(*sel));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *phase = cube_json_str(pods[i], "status", "phase", NULL);
        if (!cube_service_selects(svc, pods[i]) || !pod_ipv4(pods[i]))
            continue;
        if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
            continue;
        sel[m++] = pods[i];
    }
    qsort(sel, m, sizeof(*sel), cmp_pod_name);

    /* groups: ports (dumped) -> index into out of the group's last slice */
    json_t *out = json_array();
    json_auto_t *groups = json_object();
    for (size_t i = 0; i < m; i++) {
        const json_t *pod = sel[i];
        json_t *ports = slice_ports(svc, pod);
        _cleanup_free_ char *key = cube_json_dump(ports, NULL);
        json_t *slot = json_object_get(groups, key);
        json_t *slice = slot ? json_array_get(out, (size_t)json_integer_value(slot)) : NULL;
        if (!slice || json_array_size(json_object_get(slice, "endpoints")) >= MAX_ENDPOINTS) {
            slice = new_slice(svc, json_incref(ports));
            json_array_append_new(out, slice);
            json_object_set_new(groups, key, json_integer((json_int_t)json_array_size(out) - 1));
        }
        json_decref(ports);

        bool serving = cube_pod_is_ready(pod);
        bool terminating = pod_terminating(pod);
        bool ready = publish || (serving && !terminating);
        json_t *ep =
            json_pack("{s:[s], s:{s:b, s:b, s:b}}", "addresses", pod_ipv4(pod), "conditions",
                      "ready", ready, "serving", serving, "terminating", terminating);
        const char *host = cube_json_str(pod, "spec", "hostname", NULL);
        const char *sub = cube_json_str(pod, "spec", "subdomain", NULL);
        if (host && *host && sub && !strcmp(sub, svc_name))
            json_object_set_new(ep, "hostname", json_string(host));
        const char *node = cube_json_str(pod, "spec", "nodeName", NULL);
        if (node && *node)
            json_object_set_new(ep, "nodeName", json_string(node));
        json_object_set_new(ep, "targetRef",
                            json_pack("{s:s, s:s, s:s, s:s}", "kind", "Pod", "namespace",
                                      cube_json_str(pod, "metadata", "namespace", NULL), "name",
                                      cube_json_str(pod, "metadata", "name", NULL), "uid",
                                      cube_json_str(pod, "metadata", "uid", NULL)
                                          ? cube_json_str(pod, "metadata", "uid", NULL)
                                          : ""));
        const char *zone = node ? json_string_value(json_object_get(zones, node)) : NULL;
        if (zone)
            json_object_set_new(ep, "zone", json_string(zone));
        json_array_append_new(json_object_get(slice, "endpoints"), ep);
    }
    free(sel);
    /* No endpoints: one placeholder slice without ports, as Kubernetes keeps. */
    if (json_array_size(out) == 0)
        json_array_append_new(out, new_slice(svc, NULL));
    return out;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct eps_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_svc, *r_pod, *r_slice;
    cube_informer_t *svcs, *pods, *slices, *nodes;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
} eps_state_t;

static void enqueue_obj(eps_state_t *s, const json_t *svc)
{
    _cleanup_free_ char *key = cube_object_key(svc);
    cube_workqueue_add(s->q, key);
}

static void svc_add(json_t *obj, void *u)
{
    enqueue_obj(u, obj);
}
static void svc_update(json_t *old, json_t *obj, void *u)
{
    enqueue_obj(u, obj);
}

/* Every service of pod's namespace selecting it. */
static void enqueue_pod_services(eps_state_t *s, const json_t *pod)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    json_t **svcs = NULL;
    size_t n = cube_informer_by_index(s->svcs, CUBE_CTRL_INDEX_NS, ns ? ns : "", &svcs);
    for (size_t i = 0; i < n; i++)
        if (cube_service_selects(svcs[i], pod))
            enqueue_obj(s, svcs[i]);
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
    json_t *ol = cube_json_path(old, "metadata", "labels", NULL);
    json_t *nl = cube_json_path(obj, "metadata", "labels", NULL);
    if (!json_equal(ol, nl))
        enqueue_pod_services(u, old);
}

static void slice_event(json_t *obj, void *u)
{
    eps_state_t *s = u;
    const char *svc = cube_json_str(obj, "metadata", "labels", SERVICE_NAME, NULL);
    const char *mgr = cube_json_str(obj, "metadata", "labels", MANAGED_BY, NULL);
    if (!svc || !mgr || strcmp(mgr, MANAGER))
        return;
    _cleanup_free_ char *key =
        xasprintf("%s/%s", cube_json_str(obj, "metadata", "namespace", NULL), svc);
    cube_workqueue_add(s->q, key);
}
static void slice_update(json_t *old, json_t *obj, void *u)
{
    slice_event(obj, u);
}

static int cmp_slice_name(const void *a, const void *b)
{
    return cmp_pod_name(a, b);
}

/* Copies the desired content into a copy of an existing slice; NULL when already equal. */
static json_t *slice_update_of(const json_t *have, const json_t *want)
{
    static const char *const fields[] = {"addressType", "endpoints", "ports"};
    bool same = true;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(fields); i++)
        same =
            same && json_equal(json_object_get(have, fields[i]), json_object_get(want, fields[i]));
    json_t *hl = cube_json_path(have, "metadata", "labels", NULL);
    json_t *wl = cube_json_path(want, "metadata", "labels", NULL);
    json_t *ho = cube_json_path(have, "metadata", "ownerReferences", NULL);
    json_t *wo = cube_json_path(want, "metadata", "ownerReferences", NULL);
    if (same && json_equal(hl, wl) && json_equal(ho, wo))
        return NULL;
    json_t *upd = json_deep_copy(have);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(fields); i++)
        json_object_set(upd, fields[i], json_object_get(want, fields[i]));
    json_t *meta = cube_json_obj(upd, "metadata");
    json_object_set(meta, "labels", wl);
    json_object_set(meta, "ownerReferences", wo);
    return upd;
}

static int sync_service(const char *key, void *u)
{
    eps_state_t *s = u;
    if (!cube_informer_synced(s->svcs) || !cube_informer_synced(s->pods) ||
        !cube_informer_synced(s->slices))
        return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *svc = cube_informer_get(s->svcs, ns, name);
    json_t *sel = svc ? cube_json_path(svc, "spec", "selector", NULL) : NULL;
    if (!svc || !json_is_object(sel) || json_object_size(sel) == 0)
        return 0; /* gone (slices go with their owner) or not ours to manage */
    if (pod_terminating(svc))
        return 0;

    json_t **pods = NULL, **all = NULL, **nodes = NULL;
    size_t np = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_NS, ns, &pods);
    json_auto_t *zones = json_object();
    size_t nn = cube_informer_list(s->nodes, &nodes);
    for (size_t i = 0; i < nn; i++) {
        const char *z =
            cube_json_str(nodes[i], "metadata", "labels", "topology.kubernetes.io/zone", NULL);
        if (z)
            json_object_set_new(zones, cube_json_str(nodes[i], "metadata", "name", NULL),
                                json_string(z));
    }
    cube_json_refs_free(nodes, nn);
    json_auto_t *want = cube_endpointslice_desired(svc, pods, np, zones);
    cube_json_refs_free(pods, np);

    /* The slices we manage for this service, by name. */
    size_t na = cube_informer_by_index(s->slices, CUBE_CTRL_INDEX_NS, ns, &all);
    json_t **have = xcalloc(na + 1, sizeof(*have));
    size_t nh = 0;
    for (size_t i = 0; i < na; i++) {
        const char *sn = cube_json_str(all[i], "metadata", "labels", SERVICE_NAME, NULL);
        const char *mgr = cube_json_str(all[i], "metadata", "labels", MANAGED_BY, NULL);
        if (sn && mgr && !strcmp(sn, name) && !strcmp(mgr, MANAGER) && !pod_terminating(all[i]))
            have[nh++] = all[i];
    }
    qsort(have, nh, sizeof(*have), cmp_slice_name);

    int rc = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    size_t nw = json_array_size(want);
    for (size_t i = 0; i < nw || i < nh; i++) {
        json_t *w = json_array_get(want, i);
        if (i < nw && i < nh) {
            json_auto_t *upd = slice_update_of(have[i], w);
            if (upd && cube_client_update(s->ctx->client, s->r_slice, upd, NULL, NULL, &err) < 0)
                rc = -1;
        } else if (i < nw) {
            if (cube_client_create(s->ctx->client, s->r_slice, ns, w, NULL, &err) < 0)
                rc = -1;
        } else {
            if (cube_client_delete(s->ctx->client, s->r_slice, ns,
                                   cube_json_str(have[i], "metadata", "name", NULL), NULL,
                                   &err) < 0 &&
                err.code != 404)
                rc = -1;
        }
        if (rc < 0) {
            cube_log_v(2, "endpointslice: syncing \"%s\": %s", key, err.msg);
            break;
        }
        cube_err_clear(&err);
    }
    free(have);
    cube_json_refs_free(all, na);
    return rc;
}

static int eps_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    eps_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_svc = cube_api_resource_find("", "v1", "services");
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->r_slice = cube_api_resource_find("discovery.k8s.io", "v1", "endpointslices");
    s->svcs = cube_informers_get(ctx->informers, s->r_svc, NULL);
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->slices = cube_informers_get(ctx->informers, s->r_slice, NULL);
    s->nodes = cube_informers_get(ctx->informers, cube_api_resource_find("", "v1", "nodes"), NULL);
    s->q = cube_workqueue_new("endpointslice", 5, 60000, 0, 0);
    cube_informer_add_handlers(
        s->svcs,
        &(cube_informer_handlers_t){.on_add = svc_add, .on_update = svc_update, .userdata = s});
    cube_informer_add_handlers(s->pods, &(cube_informer_handlers_t){.on_add = pod_add,
                                                                    .on_update = pod_update,
                                                                    .on_delete = pod_add,
                                                                    .userdata = s});
    cube_informer_add_handlers(s->slices, &(cube_informer_handlers_t){.on_add = slice_event,
                                                                      .on_update = slice_update,
                                                                      .on_delete = slice_event,
                                                                      .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_service, s);
    *ret_state = s;
    return 0;
}

static void eps_stop(void *state)
{
    eps_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    free(s);
}

const cube_controller_ops_t cube_ctrl_endpointslice = {
    .name = "endpointslice",
    .start = eps_start,
    .stop = eps_stop,
};
