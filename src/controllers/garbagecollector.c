/*
 * garbagecollector: deletes objects whose owners are gone, as Kubernetes'
 * garbage collector does. It watches every served resource that can be
 * listed, watched and deleted, and follows metadata.ownerReferences:
 *  - background: a dependent whose owners are all gone (checked with a GET,
 *    never from a cache miss alone) is deleted; one with some owners left
 *    loses the references to the gone ones;
 *  - foreground: an owner marked with the foregroundDeletion finalizer has
 *    its dependents deleted (in foreground too) and loses the finalizer once
 *    no dependent with blockOwnerDeletion is left;
 *  - orphan: an owner marked with the orphan finalizer has its reference
 *    removed from every dependent, then loses the finalizer.
 * Work items are "<group>/<plural>|<namespace>|<name>".
 */
#include "controllers/controllers.h"

/* Resources the manager pre-creates informers for (with the owner index). */
static const char *const preindexed[] = {
    "/pods",
    "apps/replicasets",
    "apps/deployments",
    "/replicationcontrollers",
    "batch/jobs",
    "batch/cronjobs",
    "apps/daemonsets",
    "apps/statefulsets",
    "apps/controllerrevisions",
    "/services",
    "/endpoints",
    "discovery.k8s.io/endpointslices",
    "/configmaps",
    "/secrets",
    "/serviceaccounts",
    "/persistentvolumeclaims",
};

typedef struct gc_ctrl gc_ctrl_t;

typedef struct watched {
    gc_ctrl_t *gc;
    const cube_resource_t *r;
    cube_informer_t *inf;
} watched_t;

struct gc_ctrl {
    cube_ctrl_ctx_t *ctx;
    watched_t *w;
    size_t n;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *workers;
};

static char *item_key(const cube_resource_t *r, const char *ns, const char *name)
{
    return xasprintf("%s/%s|%s|%s", r->group, r->plural, ns ?: "", name ?: "");
}

static void enqueue(gc_ctrl_t *gc, const cube_resource_t *r, const json_t *obj)
{
    _cleanup_free_ char *k = item_key(r, cube_json_str(obj, "metadata", "namespace", NULL),
                                      cube_json_str(obj, "metadata", "name", NULL));
    cube_workqueue_add(gc->q, k);
}

static watched_t *find_watched(gc_ctrl_t *gc, const char *group, const char *plural)
{
    for (size_t i = 0; i < gc->n; i++)
        if (!strcmp(gc->w[i].r->group, group) && !strcmp(gc->w[i].r->plural, plural))
            return &gc->w[i];
    return NULL;
}

/* The watched resource an ownerReference points to (by apiVersion's group and kind). */
static watched_t *owner_resource(gc_ctrl_t *gc, const json_t *ref)
{
    const char *av = json_string_value(json_object_get(ref, "apiVersion")) ?: "";
    const char *kind = json_string_value(json_object_get(ref, "kind")) ?: "";
    const char *slash = strchr(av, '/');
    _cleanup_free_ char *group = slash ? xstrndup(av, (size_t)(slash - av)) : xstrdup("");
    const cube_resource_t *r = cube_api_resource_by_kind(group, kind);
    return r ? find_watched(gc, r->group, r->plural) : NULL;
}

static bool has_finalizer(const json_t *obj, const char *f)
{
    json_t *fins = cube_json_path(obj, "metadata", "finalizers", NULL);
    size_t i;
    json_t *v;
    json_array_foreach(fins, i, v) if (!strcmp(json_string_value(v) ?: "", f)) return true;
    return false;
}

/* Every object owned by uid, across watched resources (references; the parallel array says
 * which resource each is). */
static size_t dependents(gc_ctrl_t *gc, const char *uid, json_t ***ret, watched_t ***ret_w)
{
    json_t **out = NULL;
    watched_t **ws = NULL;
    size_t m = 0;
    for (size_t i = 0; i < gc->n; i++) {
        json_t **objs = NULL;
        size_t k = cube_informer_by_index(gc->w[i].inf, CUBE_CTRL_INDEX_OWNER, uid, &objs);
        if (k) {
            out = xrealloc(out, (m + k) * sizeof(*out));
            ws = xrealloc(ws, (m + k) * sizeof(*ws));
            for (size_t j = 0; j < k; j++) {
                out[m + j] = objs[j];
                ws[m + j] = &gc->w[i];
            }
            m += k;
        }
        free(objs);
    }
    *ret = out;
    *ret_w = ws;
    return m;
}

/* ---- handlers ------------------------------------------------------------ */

static void enqueue_owners(gc_ctrl_t *gc, const json_t *obj)
{
    json_t *refs = cube_json_path(obj, "metadata", "ownerReferences", NULL);
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        watched_t *w = owner_resource(gc, ref);
        if (!w)
            continue;
        _cleanup_free_ char *k = item_key(w->r, w->r->namespaced ? ns : NULL,
                                          json_string_value(json_object_get(ref, "name")));
        cube_workqueue_add(gc->q, k);
    }
}

static void on_add(json_t *obj, void *ud)
{
    watched_t *w = ud;
    if (json_array_size(cube_json_path(obj, "metadata", "ownerReferences", NULL)) ||
        (cube_json_path(obj, "metadata", "deletionTimestamp", NULL) &&
         (has_finalizer(obj, "orphan") || has_finalizer(obj, "foregroundDeletion"))))
        enqueue(w->gc, w->r, obj);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    if (old != obj)
        on_add(obj, ud);
}

static void on_delete(json_t *obj, void *ud)
{
    watched_t *w = ud;
    gc_ctrl_t *gc = w->gc;
    const char *uid = cube_json_str(obj, "metadata", "uid", NULL);
    if (uid) {
        json_t **deps = NULL;
        watched_t **ws = NULL;
        size_t n = dependents(gc, uid, &deps, &ws);
        for (size_t i = 0; i < n; i++)
            enqueue(gc, ws[i]->r, deps[i]);
        cube_json_refs_free(deps, n);
        free(ws);
    }
    /* An owner deleting in foreground may be waiting for this one. */
    enqueue_owners(gc, obj);
}

/* ---- sync ---------------------------------------------------------------- */

static int remove_finalizer(gc_ctrl_t *gc, watched_t *w, const json_t *obj, const char *fin,
                            cube_err_t *err)
{
    json_t *fins = cube_json_path(obj, "metadata", "finalizers", NULL);
    json_t *keep = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(fins, i, v) if (strcmp(json_string_value(v) ?: "", fin))
        json_array_append(keep, v);
    const char *rv = cube_json_str(obj, "metadata", "resourceVersion", NULL);
    json_auto_t *patch =
        json_pack("{s:{s:o, s:s?}}", "metadata", "finalizers", keep, "resourceVersion", rv);
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_patch(gc->ctx->client, w->r, cube_json_str(obj, "metadata", "namespace", NULL),
                          cube_json_str(obj, "metadata", "name", NULL),
                          "application/merge-patch+json", patch, NULL, NULL, &e) < 0 &&
        e.code != 404) {
        cube_err_move(err, &e);
        return -1;
    }
    return 0;
}

static int delete_obj(gc_ctrl_t *gc, watched_t *w, const json_t *obj, const char *policy,
                      cube_err_t *err)
{
    json_auto_t *opts = json_pack("{s:s, s:s, s:s, s:{s:s?}}", "kind", "DeleteOptions",
                                  "apiVersion", "v1", "propagationPolicy", policy, "preconditions",
                                  "uid", cube_json_str(obj, "metadata", "uid", NULL));
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_client_delete(gc->ctx->client, w->r, cube_json_str(obj, "metadata", "namespace", NULL),
                           cube_json_str(obj, "metadata", "name", NULL), opts, &e) < 0 &&
        e.code != 404 && e.code != 409) {
        cube_err_move(err, &e);
        return -1;
    }
    cube_log_v(2, "garbage collector: deleted %s %s/%s (%s)", w->r->kind,
               cube_json_str(obj, "metadata", "namespace", NULL) ?: "",
               cube_json_str(obj, "metadata", "name", NULL) ?: "", policy);
    return 0;
}

/* Owner with the orphan finalizer: drop its reference from every dependent, then the finalizer. */
static int orphan_dependents(gc_ctrl_t *gc, watched_t *w, const json_t *owner, cube_err_t *err)
{
    const char *uid = cube_json_str(owner, "metadata", "uid", NULL) ?: "";
    json_t **deps = NULL;
    watched_t **ws = NULL;
    size_t n = dependents(gc, uid, &deps, &ws);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = cube_ctrl_release(gc->ctx->client, ws[i]->r, deps[i], uid, err);
    cube_json_refs_free(deps, n);
    free(ws);
    if (rc < 0)
        return -1;
    return remove_finalizer(gc, w, owner, "orphan", err);
}

/* Owner with the foregroundDeletion finalizer. */
static int delete_dependents(gc_ctrl_t *gc, watched_t *w, const json_t *owner, cube_err_t *err)
{
    const char *uid = cube_json_str(owner, "metadata", "uid", NULL) ?: "";
    json_t **deps = NULL;
    watched_t **ws = NULL;
    size_t n = dependents(gc, uid, &deps, &ws);
    size_t blocking = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *refs = cube_json_path(deps[i], "metadata", "ownerReferences", NULL);
        size_t k;
        json_t *ref;
        json_array_foreach(refs, k, ref)
        {
            if (!strcmp(json_string_value(json_object_get(ref, "uid")) ?: "", uid) &&
                json_is_true(json_object_get(ref, "blockOwnerDeletion")))
                blocking++;
        }
        if (!cube_json_path(deps[i], "metadata", "deletionTimestamp", NULL) &&
            delete_obj(gc, ws[i], deps[i], "Foreground", err) < 0)
            rc = -1;
    }
    cube_json_refs_free(deps, n);
    free(ws);
    if (rc < 0)
        return -1;
    if (blocking == 0)
        return remove_finalizer(gc, w, owner, "foregroundDeletion", err);
    return 0; /* dependents' deletions requeue us */
}

typedef enum { OWNER_SOLID, OWNER_GONE, OWNER_WAITING } owner_state_t;

static owner_state_t owner_state(gc_ctrl_t *gc, const json_t *obj, const json_t *ref)
{
    const char *uid = json_string_value(json_object_get(ref, "uid")) ?: "";
    const char *name = json_string_value(json_object_get(ref, "name"));
    watched_t *w = owner_resource(gc, ref);
    if (!w || !name)
        return OWNER_SOLID; /* unknown kinds are never collected */
    const char *ns = w->r->namespaced ? cube_json_str(obj, "metadata", "namespace", NULL) : NULL;
    json_auto_t *owner = cube_informer_get(w->inf, ns, name);
    if (!owner || strcmp(cube_json_str(owner, "metadata", "uid", NULL) ?: "", uid)) {
        /* The cache may lag: ask the server before calling the owner gone. */
        json_decref(owner);
        owner = NULL;
        cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
        if (cube_client_get(gc->ctx->client, w->r, ns, name, &owner, &e) < 0)
            return e.code == 404 ? OWNER_GONE : OWNER_SOLID;
        if (strcmp(cube_json_str(owner, "metadata", "uid", NULL) ?: "", uid))
            return OWNER_GONE;
    }
    if (cube_json_path(owner, "metadata", "deletionTimestamp", NULL) &&
        has_finalizer(owner, "foregroundDeletion"))
        return OWNER_WAITING;
    return OWNER_SOLID;
}

/* A dependent: collect it when every owner is gone (or waiting on its dependents). */
static int check_dependent(gc_ctrl_t *gc, watched_t *w, const json_t *obj, cube_err_t *err)
{
    json_t *refs = cube_json_path(obj, "metadata", "ownerReferences", NULL);
    size_t n = json_array_size(refs);
    if (n == 0 || cube_json_path(obj, "metadata", "deletionTimestamp", NULL))
        return 0;
    size_t gone = 0, waiting = 0, solid = 0;
    json_t *gone_uids = json_array();
    size_t i;
    json_t *ref;
    json_array_foreach(refs, i, ref)
    {
        switch (owner_state(gc, obj, ref)) {
        case OWNER_GONE:
            gone++;
            json_array_append(gone_uids, json_object_get(ref, "uid"));
            break;
        case OWNER_WAITING:
            waiting++;
            break;
        default:
            solid++;
        }
    }
    int rc = 0;
    if (gone == n) {
        const char *policy = has_finalizer(obj, "orphan")               ? "Orphan"
                             : has_finalizer(obj, "foregroundDeletion") ? "Foreground"
                                                                        : "Background";
        rc = delete_obj(gc, w, obj, policy, err);
    } else if (solid == 0 && waiting > 0) {
        rc = delete_obj(gc, w, obj, "Foreground", err);
    } else if (gone > 0) {
        json_t *uid;
        json_array_foreach(gone_uids, i, uid)
        {
            if (rc == 0)
                rc = cube_ctrl_release(gc->ctx->client, w->r, obj, json_string_value(uid), err);
        }
    }
    json_decref(gone_uids);
    return rc;
}

static int sync_item(const char *key, void *state)
{
    gc_ctrl_t *gc = state;
    const char *bar1 = strchr(key, '|');
    const char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    const char *slash = strchr(key, '/');
    if (!bar1 || !bar2 || !slash || slash > bar1)
        return 0;
    _cleanup_free_ char *group = xstrndup(key, (size_t)(slash - key));
    _cleanup_free_ char *plural = xstrndup(slash + 1, (size_t)(bar1 - slash - 1));
    _cleanup_free_ char *ns = xstrndup(bar1 + 1, (size_t)(bar2 - bar1 - 1));
    watched_t *w = find_watched(gc, group, plural);
    if (!w)
        return 0;
    /* Decisions need complete caches: wait for every informer's first list. */
    for (size_t i = 0; i < gc->n; i++) {
        if (!cube_informer_synced(gc->w[i].inf)) {
            cube_workqueue_add_after(gc->q, key, 1000);
            return 0;
        }
    }
    json_auto_t *obj = cube_informer_get(w->inf, *ns ? ns : NULL, bar2 + 1);
    if (!obj)
        return 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    int rc = 0;
    bool deleting = cube_json_path(obj, "metadata", "deletionTimestamp", NULL) != NULL;
    if (deleting && has_finalizer(obj, "orphan"))
        rc = orphan_dependents(gc, w, obj, &err);
    else if (deleting && has_finalizer(obj, "foregroundDeletion"))
        rc = delete_dependents(gc, w, obj, &err);
    else
        rc = check_dependent(gc, w, obj, &err);
    if (rc < 0)
        cube_log_v(2, "garbage collector: %s: %s", key, err.msg);
    return rc;
}

/* ---- start / stop -------------------------------------------------------- */

static bool is_preindexed(const cube_resource_t *r)
{
    char name[160];
    snprintf(name, sizeof(name), "%s/%s", r->group, r->plural);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(preindexed); i++)
        if (!strcmp(preindexed[i], name))
            return true;
    return false;
}

static int start_gc(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    gc_ctrl_t *gc = xcalloc(1, sizeof(*gc));
    gc->ctx = ctx;
    size_t n;
    const cube_resource_t *const *all = cube_api_resources(&n);
    gc->w = xcalloc(n, sizeof(*gc->w));
    gc->q = cube_workqueue_new("garbage_collector", 5, 300 * 1000, 0, 0);
    for (size_t i = 0; i < n; i++) {
        const cube_resource_t *r = all[i];
        unsigned need = CUBE_VERB_LIST | CUBE_VERB_WATCH | CUBE_VERB_DELETE;
        if ((r->verbs & need) != need || !strcmp(r->plural, "events"))
            continue;
        /* The same group/plural served at several versions: watch one. */
        if (find_watched(gc, r->group, r->plural))
            continue;
        watched_t *w = &gc->w[gc->n++];
        w->gc = gc;
        w->r = r;
        w->inf = cube_informers_get(ctx->informers, r, NULL);
        if (!is_preindexed(r))
            cube_informer_add_index(w->inf, CUBE_CTRL_INDEX_OWNER, cube_index_owner_uid);
        const cube_informer_handlers_t h = {on_add, on_update, on_delete, w};
        cube_informer_add_handlers(w->inf, &h);
    }
    gc->workers = cube_ctrl_workers_start(ctx, gc->q, ctx->cfg->workers, sync_item, gc);
    *ret_state = gc;
    (void)err;
    return 0;
}

static void stop_gc(void *state)
{
    gc_ctrl_t *gc = state;
    if (!gc)
        return;
    cube_ctrl_workers_stop(gc->workers);
    cube_workqueue_free(gc->q);
    free(gc->w);
    free(gc);
}

const cube_controller_ops_t cube_ctrl_garbagecollector = {
    .name = "garbagecollector", .start = start_gc, .stop = stop_gc};
