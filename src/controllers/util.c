/*
 * util: what every controller repeats, in one place. A worker pool that
 * drains a work queue through a sync function (client-go's processNextWorkItem
 * loop), ownerReference helpers (the controller reference that ties a pod to
 * its ReplicaSet, a ReplicaSet to its Deployment...), and the pod predicates
 * Kubernetes' podutil package defines (active, ready, available), so that all
 * controllers agree on what those words mean.
 */
#include <pthread.h>

#include "controllers/controllers.h"

struct cube_ctrl_workers {
    cube_ctrl_ctx_t *ctx;
    cube_workqueue_t *q;
    int (*sync)(const char *key, void *state);
    void *state;
    int n;
    pthread_t *threads;
};

/* One worker: take a key, sync it, re-queue it with backoff on failure. */
static void *worker_main(void *arg)
{
    cube_ctrl_workers_t *w = arg;
    /* Decisions need complete caches: wait for the informers' first lists. */
    while (w->ctx && w->ctx->informers && !(w->ctx->stop && atomic_load(w->ctx->stop))) {
        if (!cube_ctrl_sync_begin(w->ctx))
            break;
        int synced = cube_informers_wait_synced(w->ctx->informers, 200);
        cube_ctrl_sync_end(w->ctx);
        if (synced == 0)
            break;
    }
    for (;;) {
        char *key = cube_workqueue_get(w->q);
        if (!key)
            break;
        if (!cube_ctrl_sync_begin(w->ctx)) {
            cube_workqueue_done(w->q, key);
            free(key);
            break;
        }
        if (w->sync(key, w->state) < 0)
            cube_workqueue_add_rate_limited(w->q, key);
        else
            cube_workqueue_forget(w->q, key);
        cube_ctrl_sync_end(w->ctx);
        cube_workqueue_done(w->q, key);
        free(key);
    }
    return NULL;
}

bool cube_ctrl_sync_begin(cube_ctrl_ctx_t *ctx)
{
    if (!ctx)
        return true;
    if (ctx->sync_lock)
        pthread_rwlock_rdlock(ctx->sync_lock);
    if (ctx->stop && atomic_load(ctx->stop)) {
        if (ctx->sync_lock)
            pthread_rwlock_unlock(ctx->sync_lock);
        return false;
    }
    return true;
}

void cube_ctrl_sync_end(cube_ctrl_ctx_t *ctx)
{
    if (ctx && ctx->sync_lock)
        pthread_rwlock_unlock(ctx->sync_lock);
}

void cube_ctrl_enqueue(cube_workqueue_t *q, const json_t *obj)
{
    _cleanup_free_ char *key = cube_object_key(obj);
    if (key)
        cube_workqueue_add(q, key);
}

cube_ctrl_workers_t *cube_ctrl_workers_start(cube_ctrl_ctx_t *ctx, cube_workqueue_t *q, int n,
                                             int (*sync)(const char *key, void *state), void *state)
{
    if (n < 1)
        n = 1;
    cube_ctrl_workers_t *w = xcalloc(1, sizeof(*w));
    w->ctx = ctx;
    w->q = q;
    w->sync = sync;
    w->state = state;
    w->threads = xcalloc((size_t)n, sizeof(pthread_t));
    for (int i = 0; i < n; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
            break;
        w->n++;
    }
    return w;
}

void cube_ctrl_workers_stop(cube_ctrl_workers_t *w)
{
    if (!w)
        return;
    cube_workqueue_shutdown(w->q);
    for (int i = 0; i < w->n; i++)
        pthread_join(w->threads[i], NULL);
    free(w->threads);
    free(w);
}

const json_t *cube_ctrl_controller_ref(const json_t *obj)
{
    json_t *refs = cube_json_path(obj, "metadata", "ownerReferences", NULL);
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        if (json_is_true(json_object_get(ref, "controller")))
            return ref;
    }
    return NULL;
}

json_t *cube_ctrl_new_controller_ref(const json_t *owner, const char *api_version, const char *kind)
{
    const char *name = cube_json_str(owner, "metadata", "name", NULL);
    const char *uid = cube_json_str(owner, "metadata", "uid", NULL);
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "apiVersion", api_version, "kind", kind,
                     "name", name ? name : "", "uid", uid ? uid : "", "controller", 1,
                     "blockOwnerDeletion", 1);
}

bool cube_pod_is_active(const json_t *pod)
{
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed")))
        return false;
    json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
    return !dt || json_is_null(dt);
}

/* The pod's Ready condition, borrowed, or NULL. */
static const json_t *ready_condition(const json_t *pod)
{
    json_t *conds = cube_json_path(pod, "status", "conditions", NULL);
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        const char *type = json_string_value(json_object_get(c, "type"));
        if (type && !strcmp(type, "Ready"))
            return c;
    }
    return NULL;
}

bool cube_pod_is_ready(const json_t *pod)
{
    const json_t *c = ready_condition(pod);
    const char *status = c ? json_string_value(json_object_get(c, "status")) : NULL;
    return status && !strcmp(status, "True");
}

bool cube_pod_is_available(const json_t *pod, int min_ready_sec, int64_t now_sec)
{
    if (!cube_pod_is_ready(pod))
        return false;
    if (min_ready_sec <= 0)
        return true;
    const char *ltt =
        json_string_value(json_object_get(ready_condition(pod), "lastTransitionTime"));
    time_t t;
    if (!ltt || cube_time_parse(ltt, &t) < 0)
        return false;
    /* Kubernetes: lastTransitionTime + minReadySeconds strictly before now. */
    return (int64_t)t + min_ready_sec < now_sec;
}

cube_claim_t cube_ctrl_claim(const json_t *owner, const cube_selector_t *sel, const json_t *obj)
{
    const char *owner_uid = cube_json_str(owner, "metadata", "uid", NULL);
    bool owner_deleting = cube_json_path(owner, "metadata", "deletionTimestamp", NULL) != NULL;
    bool obj_deleting = cube_json_path(obj, "metadata", "deletionTimestamp", NULL) != NULL;
    json_t *labels = cube_json_path(obj, "metadata", "labels", NULL);
    bool match = sel && !cube_selector_empty(sel) && cube_selector_matches(sel, labels);
    const json_t *ref = cube_ctrl_controller_ref(obj);
    if (ref) {
        const char *uid = json_string_value(json_object_get(ref, "uid"));
        if (!uid || !owner_uid || strcmp(uid, owner_uid))
            return CUBE_CLAIM_IGNORE;
        if (match)
            return CUBE_CLAIM_OWNED;
        /* Kubernetes leaves the dependents of an owner being deleted alone (the GC handles
         * them); a terminating object is not released either. */
        return owner_deleting || obj_deleting ? CUBE_CLAIM_IGNORE : CUBE_CLAIM_RELEASE;
    }
    if (!match || owner_deleting || obj_deleting)
        return CUBE_CLAIM_IGNORE;
    return CUBE_CLAIM_ADOPT;
}

int cube_ctrl_adopt(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                    const json_t *owner, const char *owner_api_version, const char *owner_kind,
                    cube_err_t *err)
{
    json_t *ref = cube_ctrl_new_controller_ref(owner, owner_api_version, owner_kind);
    json_auto_t *patch = json_pack("{s:{s:[o], s:s?}}", "metadata", "ownerReferences", ref, "uid",
                                   cube_json_str(obj, "metadata", "uid", NULL));
    return cube_client_patch(c, r, cube_json_str(obj, "metadata", "namespace", NULL),
                             cube_json_str(obj, "metadata", "name", NULL),
                             "application/strategic-merge-patch+json", patch, NULL, NULL, err);
}

int cube_ctrl_release(cube_client_t *c, const cube_resource_t *r, const json_t *obj,
                      const char *owner_uid, cube_err_t *err)
{
    /* The last reference goes with the whole field, as Kubernetes leaves no empty list. */
    json_t *refs = cube_json_path(obj, "metadata", "ownerReferences", NULL);
    bool last = json_array_size(refs) == 1 &&
                !strcmp(json_string_value(json_object_get(json_array_get(refs, 0), "uid")) ?: "",
                        owner_uid ?: "");
    const char *uid = cube_json_str(obj, "metadata", "uid", NULL);
    json_auto_t *patch =
        last ? json_pack("{s:{s:n, s:s?}}", "metadata", "ownerReferences", "uid", uid)
             : json_pack("{s:{s:[{s:s, s:s}], s:s?}}", "metadata", "ownerReferences", "$patch",
                         "delete", "uid", owner_uid, "uid", uid);
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(c, r, cube_json_str(obj, "metadata", "namespace", NULL),
                          cube_json_str(obj, "metadata", "name", NULL),
                          last ? "application/merge-patch+json"
                               : "application/strategic-merge-patch+json",
                          patch, NULL, NULL, &e) < 0) {
        if (e.code == 404 || e.code == 422)
            return 0; /* gone, or (Invalid: uid precondition) no longer the object we saw */
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

json_t *cube_ctrl_pod_from_template(const json_t *tmpl, const char *ns, const char *prefix,
                                    const json_t *controller_ref)
{
    json_t *pod = json_pack("{s:s, s:s, s:{}}", "apiVersion", "v1", "kind", "Pod", "metadata");
    json_t *meta = json_object_get(pod, "metadata");
    _cleanup_free_ char *gen = xasprintf("%s-", prefix);
    json_object_set_new(meta, "generateName", json_string(gen));
    if (ns)
        json_object_set_new(meta, "namespace", json_string(ns));
    static const char *const copied[] = {"labels", "annotations", "finalizers"};
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(copied); i++) {
        json_t *v = cube_json_path(tmpl, "metadata", copied[i], NULL);
        if ((json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v)))
            json_object_set_new(meta, copied[i], json_deep_copy(v));
    }
    if (controller_ref)
        json_object_set_new(meta, "ownerReferences",
                            json_pack("[o]", json_deep_copy(controller_ref)));
    json_t *spec = json_object_get(tmpl, "spec");
    json_object_set_new(pod, "spec", spec ? json_deep_copy(spec) : json_object());
    return pod;
}
