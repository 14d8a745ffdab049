/*
 * podgc: the counterpart of Kubernetes' pod garbage collector. Pods outlive
 * what should end them in three ways, and this controller ends them:
 * terminated pods pile up (only terminated_pod_gc_threshold are kept, the
 * oldest deleted first); pods stay bound to a node that was deleted (no
 * kubelet will ever finish them: after a short quarantine and a GET that
 * confirms the node is gone they are force-deleted); and pods that were
 * deleted before they were scheduled wait for a kubelet that will never come
 * (force-deleted at once).
 *
 * It runs every CHECK_PERIOD seconds from its work queue (one key, so never
 * twice at once). Choosing which terminated pods go is the pure
 * cube_podgc_terminated_excess.
 */
#include "controllers/controllers.h"

#define CHECK_PERIOD 10 /* seconds between passes (Kubernetes: 20) */
#define QUARANTINE 10 /* seconds a node must stay missing before its pods go (Kubernetes: 40) */
#define GC_KEY "gc"

typedef struct term_pod {
    const char *created;
    const char *name;
    size_t index;
} term_pod_t;

static int cmp_term(const void *a, const void *b)
{
    const term_pod_t *x = a, *y = b;
    int c = strcmp(x->created, y->created);
    return c ? c : strcmp(x->name, y->name);
}

size_t cube_podgc_terminated_excess(json_t *const *pods, size_t n, int threshold, size_t **ret)
{
    *ret = NULL;
    if (threshold <= 0)
        return 0;
    term_pod_t *t = xcalloc(n + 1, sizeof(*t));
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *phase = cube_json_str(pods[i], "status", "phase", NULL);
        if (!phase || (strcmp(phase, "Succeeded") && strcmp(phase, "Failed")))
            continue;
        const char *c = cube_json_str(pods[i], "metadata", "creationTimestamp", NULL);
        const char *nm = cube_json_str(pods[i], "metadata", "name", NULL);
        t[m++] = (term_pod_t){c ? c : "", nm ? nm : "", i};
    }
    size_t excess = m > (size_t)threshold ? m - (size_t)threshold : 0;
    if (excess) {
        qsort(t, m, sizeof(*t), cmp_term);
        *ret = xcalloc(excess, sizeof(size_t));
        for (size_t i = 0; i < excess; i++)
            (*ret)[i] = t[i].index;
    }
    free(t);
    return excess;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct podgc_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_pod, *r_node;
    cube_informer_t *pods, *nodes;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    json_t *missing; /* node name -> monotonic second first seen missing (worker only) */
} podgc_state_t;

static int delete_pod(podgc_state_t *s, const json_t *pod, bool force)
{
    json_auto_t *opts = force ? json_pack("{s:s, s:s, s:i}", "kind", "DeleteOptions", "apiVersion",
                                          "v1", "gracePeriodSeconds", 0)
                              : NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = cube_json_str(pod, "metadata", "name", NULL);
    if (cube_client_delete(s->ctx->client, s->r_pod, ns, name, opts, &err) < 0 && err.code != 404) {
        cube_log_v(2, "podgc: deleting pod \"%s/%s\": %s", ns, name, err.msg);
        return -1;
    }
    cube_log_v(2, "podgc: deleted pod \"%s/%s\"", ns, name);
    return 0;
}

/* Whether the node is really gone (the cache may lag): a GET answers NotFound. */
static bool node_gone(podgc_state_t *s, const char *node)
{
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *obj = NULL;
    if (cube_client_get(s->ctx->client, s->r_node, NULL, node, &obj, &err) == 0)
        return false;
    return err.code == 404;
}

static int gc_pass(const char *key, void *u)
{
    podgc_state_t *s = u;
    if (!cube_informer_synced(s->pods) || !cube_informer_synced(s->nodes))
        return -1;
    int rc = 0;
    json_t **pods = NULL;
    size_t n = cube_informer_list(s->pods, &pods);

    /* 1. terminated pods over the threshold */
    size_t *excess = NULL;
    size_t ne =
        cube_podgc_terminated_excess(pods, n, s->ctx->cfg->terminated_pod_gc_threshold, &excess);
    for (size_t i = 0; i < ne; i++)
        rc |= delete_pod(s, pods[excess[i]], false);
    free(excess);

    /* 2. pods on nodes that are gone; 3. unscheduled pods being deleted */
    int64_t now = (int64_t)(cube_time_mono_ns() / 1000000000ull);
    json_auto_t *seen_missing = json_object();
    json_auto_t *confirmed = json_object(); /* node -> true (gone) / false (exists) */
    for (size_t i = 0; i < n; i++) {
        const char *node = cube_json_str(pods[i], "spec", "nodeName", NULL);
        json_t *dt = cube_json_path(pods[i], "metadata", "deletionTimestamp", NULL);
        bool deleting = dt && !json_is_null(dt);
        if (!node || !*node) {
            if (deleting)
                rc |= delete_pod(s, pods[i], true);
            continue;
        }
        json_auto_t *nobj = cube_informer_get(s->nodes, NULL, node);
        if (nobj)
            continue;
        json_t *first = json_object_get(s->missing, node);
        if (!first) {
            json_object_set_new(s->missing, node, json_integer(now));
            json_object_set_new(seen_missing, node, json_true());
            continue;
        }
        json_object_set_new(seen_missing, node, json_true());
        if (now - json_integer_value(first) < QUARANTINE)
            continue;
        json_t *gone = json_object_get(confirmed, node);
        if (!gone) {
            gone = json_boolean(node_gone(s, node));
            json_object_set_new(confirmed, node, gone);
        }
        if (json_is_true(gone))
            rc |= delete_pod(s, pods[i], true);
    }
    /* forget nodes no pod points at any more */
    const char *k;
    void *tmp;
    json_t *v;
    json_object_foreach_safe(s->missing, tmp, k, v)
    {
        if (!json_object_get(seen_missing, k))
            json_object_del(s->missing, k);
    }
    cube_json_refs_free(pods, n);
    cube_workqueue_add_after(s->q, GC_KEY, CHECK_PERIOD * 1000);
    return rc < 0 ? -1 : 0;
}

static int podgc_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    podgc_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->missing = json_object();
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->r_node = cube_api_resource_find("", "v1", "nodes");
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->nodes = cube_informers_get(ctx->informers, s->r_node, NULL);
    s->q = cube_workqueue_new("podgc", 1000, 10000, 0, 0);
    cube_workqueue_add(s->q, GC_KEY);
    s->w = cube_ctrl_workers_start(ctx, s->q, 1, gc_pass, s);
    *ret_state = s;
    return 0;
}

static void podgc_stop(void *state)
{
    podgc_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    json_decref(s->missing);
    free(s);
}

const cube_controller_ops_t cube_ctrl_podgc = {
    .name = "podgc",
    .start = podgc_start,
    .stop = podgc_stop,
};
