/*
 * resourcequota: the counterpart of Kubernetes' resource quota controller. It keeps each
 * ResourceQuota's status current: status.hard mirrors spec.hard, status.used is recounted
 * from the objects in the quota's namespace with the evaluator the API server's quota
 * admission charges with (api/quota.c), so that deletions and terminal pods are credited
 * back and a new quota gets its first usage (until then admission refuses what it tracks:
 * "status unknown"). A quota is resynced when it changes and every RESYNC seconds.
 */
#include "controllers/controllers.h"

#define RESYNC 5 /* seconds between full recounts (Kubernetes: 5 minutes, plus events) */

/* The namespaced resources counted (those the manager keeps indexed by namespace). */
static const char *const counted[][2] = {
    {"", "pods"},
    {"", "services"},
    {"", "configmaps"},
    {"", "secrets"},
    {"", "persistentvolumeclaims"},
    {"", "replicationcontrollers"},
    {"apps", "deployments"},
    {"apps", "replicasets"},
    {"apps", "statefulsets"},
    {"apps", "daemonsets"},
    {"batch", "jobs"},
    {"batch", "cronjobs"},
    {"", "serviceaccounts"},
};

typedef struct rq_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_quota;
    cube_informer_t *quotas;
    const cube_resource_t *res[CUBE_ARRAY_SIZE(counted)];
    cube_informer_t *infs[CUBE_ARRAY_SIZE(counted)];
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
} rq_state_t;

static void enqueue(json_t *obj, void *ud)
{
    rq_state_t *s = ud;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}

static void on_update(json_t *old, json_t *obj, void *ud)
{
    (void)old;
    enqueue(obj, ud);
}

static int sync_quota(const char *key, void *u)
{
    rq_state_t *s = u;
    if (!cube_informer_synced(s->quotas))
        return -1;
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(counted); i++)
        if (!cube_informer_synced(s->infs[i]))
            return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *q = cube_informer_get(s->quotas, ns, name);
    if (!q)
        return 0;
    json_t *hard = cube_json_path(q, "spec", "hard", NULL);
    json_auto_t *total = json_object(); /* resource -> milli */
    const char *k;
    json_t *v;
    json_object_foreach(hard, k, v) json_object_set_new(total, k, json_integer(0));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(counted); i++) {
        json_t **objs = NULL;
        size_t n = cube_informer_by_index(s->infs[i], CUBE_CTRL_INDEX_NS, ns, &objs);
        for (size_t j = 0; j < n; j++) {
            if (!cube_quota_scopes_match(q, s->res[i], objs[j]))
                continue;
            json_auto_t *use = cube_quota_usage(s->res[i], objs[j]);
            json_object_foreach(use, k, v)
            {
                json_t *t = json_object_get(total, k);
                if (t)
                    json_object_set_new(
                        total, k, json_integer(json_integer_value(t) + json_integer_value(v)));
            }
        }
        cube_json_refs_free(objs, n);
    }
    /* the quotas themselves count for count/resourcequotas and resourcequotas */
    json_t **qs = NULL;
    size_t nq = cube_informer_by_index(s->quotas, CUBE_CTRL_INDEX_NS, ns, &qs);
    const char *qkeys[] = {"resourcequotas", "count/resourcequotas"};
    for (size_t i = 0; i < 2; i++)
        if (json_object_get(total, qkeys[i]))
            json_object_set_new(total, qkeys[i], json_integer((json_int_t)nq * 1000));
    cube_json_refs_free(qs, nq);

    json_auto_t *used = json_object();
    json_object_foreach(total, k, v)
    {
        _cleanup_free_ char *f = cube_quota_format(k, json_integer_value(v));
        json_object_set_new(used, k, json_string(f));
    }
    json_t *st = json_object_get(q, "status");
    if (json_equal(json_object_get(st, "hard"), hard) &&
        json_equal(json_object_get(st, "used"), used))
        return 0;
    json_auto_t *nq2 = json_deep_copy(q);
    json_object_set_new(nq2, "status",
                        json_pack("{s:O,s:O}", "hard", hard ? hard : json_object(), "used", used));
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *out = NULL;
    if (cube_client_update(s->ctx->client, s->r_quota, nq2, "status", &out, &err) < 0) {
        cube_log_v(2, "resourcequota: updating %s: %s", key, err.msg);
        return -1; /* retried with backoff (a conflict: the newer copy next time) */
    }
    return 0;
}

/* Every RESYNC seconds, every quota: deletions and pods ending are credited this way. */
static int resync(const char *key, void *u)
{
    rq_state_t *s = u;
    if (strcmp(key, "!resync"))
        return sync_quota(key, u);
    json_t **qs = NULL;
    size_t n = cube_informer_list(s->quotas, &qs);
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *k = cube_object_key(qs[i]);
        cube_workqueue_add(s->q, k);
    }
    cube_json_refs_free(qs, n);
    cube_workqueue_add_after(s->q, "!resync", RESYNC * 1000);
    return 0;
}

static int rq_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    (void)err;
    rq_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_quota = cube_api_resource_find("", "v1", "resourcequotas");
    s->quotas = cube_informers_get(ctx->informers, s->r_quota, NULL);
    cube_informer_add_index(s->quotas, CUBE_CTRL_INDEX_NS, cube_index_namespace);
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(counted); i++) {
        s->res[i] = cube_api_resource_find(counted[i][0], "v1", counted[i][1]);
        s->infs[i] = cube_informers_get(ctx->informers, s->res[i], NULL);
    }
    s->q = cube_workqueue_new("resourcequota", 500, 10000, 0, 0);
    cube_informer_handlers_t h = {enqueue, on_update, NULL, s};
    cube_informer_add_handlers(s->quotas, &h);
    cube_workqueue_add(s->q, "!resync");
    s->w = cube_ctrl_workers_start(ctx, s->q, 2, resync, s);
    *ret_state = s;
    return 0;
}

static void rq_stop(void *state)
{
    rq_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    free(s);
}

const cube_controller_ops_t cube_ctrl_resourcequota = {
    .name = "resourcequota",
    .start = rq_start,
    .stop = rq_stop,
};
