/*
 * namespace: finishes the deletion of a Terminating namespace, as Kubernetes'
 * namespace controller does. It deletes every namespaced resource in it (a
 * deletecollection per served resource, or deletes one by one), reports
 * progress in the namespace's conditions, and once nothing is left removes
 * the "kubernetes" finalizer through /finalize so the API server can drop the
 * namespace. Without it `kubectl delete namespace` never returns.
 */
#include "controllers/controllers.h"

typedef struct ns_ctrl {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *nss;
    cube_informer_t *ns_inf;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *workers;
} ns_ctrl_t;

static void on_ns(json_t *ns, void *ud)
{
    if (cube_json_path(ns, "metadata", "deletionTimestamp", NULL))
        cube_ctrl_enqueue(((ns_ctrl_t *)ud)->q, ns);
}

static void on_ns_update(json_t *old, json_t *ns, void *ud)
{
    on_ns(ns, ud);
}

/* Kubernetes' condition for type: status, reason, message (lastTransitionTime kept when the
 * status does not change). */
static void set_cond(json_t *status, const char *type, const char *st, const char *reason,
                     const char *msg)
{
    json_t *conds = json_object_get(status, "conditions");
    if (!json_is_array(conds)) {
        conds = json_array();
        json_object_set_new(status, "conditions", conds);
    }
    char ts[32];
    cube_time_rfc3339(time(NULL), ts);
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "type")) ?: "", type))
            continue;
        if (strcmp(json_string_value(json_object_get(c, "status")) ?: "", st))
            json_object_set_new(c, "lastTransitionTime", json_string(ts));
        json_object_set_new(c, "status", json_string(st));
        json_object_set_new(c, "reason", json_string(reason));
        json_object_set_new(c, "message", json_string(msg));
        return;
    }
    json_array_append_new(conds,
                          json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", type, "status", st,
                                    "lastTransitionTime", ts, "reason", reason, "message", msg));
}

/* Deletes everything of r in ns; counts what is left (and what waits on finalizers). */
static int empty_resource(ns_ctrl_t *c, const cube_resource_t *r, const char *ns, int64_t *ret_left,
                          cube_buf_t *finalizers, cube_err_t *err)
{
    cube_client_t *cl = c->ctx->client;
    json_auto_t *opts = json_pack("{s:s, s:s, s:s}", "kind", "DeleteOptions", "apiVersion", "v1",
                                  "propagationPolicy", "Background");
    if (r->verbs & CUBE_VERB_DELETECOLLECTION) {
        _cleanup_free_ char *path = cube_client_path(r, ns, NULL, NULL);
        if (cube_client_request(cl, "DELETE", path, opts, NULL, NULL, err) < 0 && err->code != 404)
            return -1;
        cube_err_clear(err);
    }
    json_auto_t *list = NULL;
    if (cube_client_list(cl, r, ns, NULL, NULL, &list, err) < 0)
        return err->code == 404 || err->code == 405 ? (cube_err_clear(err), 0) : -1;
    json_t *items = json_object_get(list, "items");
    size_t i;
    json_t *it;
    int64_t left = 0;
    json_array_foreach(items, i, it)
    {
        left++;
        json_t *fins = cube_json_path(it, "metadata", "finalizers", NULL);
        size_t k;
        json_t *f;
        json_array_foreach(fins, k, f)
        {
            const char *name = json_string_value(f);
            if (name && !strstr(finalizers->data ?: "", name)) {
                if (finalizers->len)
                    cube_buf_puts(finalizers, ", ");
                cube_buf_puts(finalizers, name);
            }
        }
        if (cube_json_path(it, "metadata", "deletionTimestamp", NULL))
            continue;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        cube_client_delete(cl, r, ns, cube_json_str(it, "metadata", "name", NULL), opts, &e);
    }
    *ret_left = left;
    return 0;
}

static int sync_ns(const char *key, void *state)
{
    ns_ctrl_t *c = state;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *ns = NULL;
    if (cube_client_get(c->ctx->client, c->nss, NULL, key, &ns, &err) < 0)
        return err.code == 404 ? 0 : -1;
    if (!cube_json_path(ns, "metadata", "deletionTimestamp", NULL))
        return 0;
    size_t n;
    const cube_resource_t *const *all = cube_api_resources(&n);
    cube_buf_t remaining _cleanup_buf_ = CUBE_BUF_INIT;
    cube_buf_t fins _cleanup_buf_ = CUBE_BUF_INIT;
    cube_buf_t failures _cleanup_buf_ = CUBE_BUF_INIT;
    int64_t total_left = 0;
    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = all[i];
        if (!r->namespaced || !(r->verbs & CUBE_VERB_LIST) || !(r->verbs & CUBE_VERB_DELETE))
            continue;
        int64_t left = 0;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (empty_resource(c, r, key, &left, &fins, &e) < 0) {
            if (failures.len)
                cube_buf_puts(&failures, ", ");
            cube_buf_printf(&failures, "%s", e.msg);
            continue;
        }
        if (left) {
            if (remaining.len)
                cube_buf_puts(&remaining, ", ");
            cube_buf_printf(&remaining, "%s%s%s has %lld resource instances", r->plural,
                            r->group[0] ? "." : "", r->group, (long long)left);
            total_left += left;
        }
    }

    json_auto_t *copy = json_deep_copy(ns);
    json_t *st = cube_json_obj(copy, "status");
    set_cond(st, "NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
             "All resources successfully discovered");
    set_cond(st, "NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
             "All legacy kube types successfully parsed");
    if (failures.len) {
        _cleanup_free_ char *m =
            xasprintf("Failed to delete all resource types, %s", failures.data);
        set_cond(st, "NamespaceDeletionContentFailure", "True", "ContentDeletionFailed", m);
    } else {
        set_cond(st, "NamespaceDeletionContentFailure", "False", "ContentDeleted",
                 "All content successfully deleted, may be waiting on finalization");
    }
    if (total_left) {
        _cleanup_free_ char *m = xasprintf("Some resources are remaining: %s", remaining.data);
        set_cond(st, "NamespaceContentRemaining", "True", "SomeResourcesRemain", m);
    } else {
        set_cond(st, "NamespaceContentRemaining", "False", "ContentRemoved",
                 "All content successfully removed");
    }
    if (fins.len) {
        _cleanup_free_ char *m =
            xasprintf("Some content in the namespace has finalizers remaining: %s", fins.data);
        set_cond(st, "NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", m);
    } else {
        set_cond(st, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                 "All content-preserving finalizers finished");
    }
    if (!json_equal(json_object_get(ns, "status"), st)) {
        json_t *fresh = NULL;
        if (cube_client_update(c->ctx->client, c->nss, copy, "status", &fresh, &err) < 0)
            return err.code == 404 ? 0 : -1;
        json_decref(copy);
        copy = fresh;
    }
    if (total_left || failures.len) {
        /* Pods wait for their grace period, objects for finalizers: look again soon. */
        cube_workqueue_add_after(c->q, key, 2000);
        return 0;
    }
    /* Empty: drop the "kubernetes" finalizer. */
    json_t *spec_fins = cube_json_path(copy, "spec", "finalizers", NULL);
    json_t *keep = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(spec_fins, i, f) if (strcmp(json_string_value(f) ?: "", "kubernetes"))
        json_array_append(keep, f);
    json_object_set_new(cube_json_obj(copy, "spec"), "finalizers", keep);
    _cleanup_free_ char *path = cube_client_path(c->nss, NULL, key, "finalize");
    if (cube_client_request(c->ctx->client, "PUT", path, copy, NULL, NULL, &err) < 0)
        return err.code == 404 ? 0 : -1;
    return 0;
}

static int start_ns(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    ns_ctrl_t *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    c->nss = cube_api_resource_find("", "v1", "namespaces");
    if (!c->nss) {
        free(c);
        return cube_err_internal(err, "namespaces not served");
    }
    c->q = cube_workqueue_new("namespace", 5, 300 * 1000, 0, 0);
    c->ns_inf = cube_informers_get(ctx->informers, c->nss, NULL);
    const cube_informer_handlers_t h = {on_ns, on_ns_update, NULL, c};
    cube_informer_add_handlers(c->ns_inf, &h);
    c->workers = cube_ctrl_workers_start(ctx, c->q, ctx->cfg->workers, sync_ns, c);
    *ret_state = c;
    return 0;
}

static void stop_ns(void *state)
{
    ns_ctrl_t *c = state;
    if (!c)
        return;
    cube_ctrl_workers_stop(c->workers);
    cube_workqueue_free(c->q);
    free(c);
}

const cube_controller_ops_t cube_ctrl_namespace = {
    .name = "namespace", .start = start_ns, .stop = stop_ns};
