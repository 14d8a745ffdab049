/*
 * replicaset: keeps the number of pods a ReplicaSet (or ReplicationController)
 * asks for, as Kubernetes' pkg/controller/replicaset does. It claims the pods
 * its selector matches (adopting orphans, releasing pods that stopped
 * matching), creates missing pods in slow-start batches, deletes surplus ones
 * in the order Kubernetes prefers, and writes status. Expectations remember
 * the creations and deletions in flight, so a sync that runs before the
 * informer has seen them does not act twice.
 */
#include "controllers/controllers.h"

/* At most this many creations or deletions per sync (Kubernetes' burstReplicas). */
#define BURST_REPLICAS 500
/* Expectations not met within this time are given up (Kubernetes' ExpectationsTimeout). */
#define EXPECTATIONS_TIMEOUT_SEC 300

typedef struct rs_ctrl {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *res; /* replicasets or replicationcontrollers */
    const cube_resource_t *pods;
    const char *kind, *api_version;
    bool is_rc;
    cube_informer_t *rs_inf, *pod_inf;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *workers;
    cube_recorder_t *rec;
    pthread_mutex_t mu;
    json_t *expect; /* key -> {"add": n, "del": {podkey: true}, "ts": sec} (under mu) */
} rs_ctrl_t;

/* ---- pure decisions ------------------------------------------------------ */

static int phase_rank(const json_t *pod)
{
    const char *p = cube_json_str(pod, "status", "phase", NULL);
    if (!p || !strcmp(p, "Pending"))
        return 0;
    if (!strcmp(p, "Unknown"))
        return 1;
    if (!strcmp(p, "Running"))
        return 2;
    return 3;
}

static int64_t ts_of(const char *s)
{
    time_t t;
    return s && cube_time_parse(s, &t) == 0 ? (int64_t)t : 0;
}

static int64_t ready_since(const json_t *pod)
{
    json_t *conds = cube_json_path(pod, "status", "conditions", NULL);
    size_t i;
    json_t *c;
    json_array_foreach(conds, i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "type")) ?: "", "Ready"))
            return ts_of(json_string_value(json_object_get(c, "lastTransitionTime")));
    }
    return 0;
}

static int64_t restarts(const json_t *pod)
{
    int64_t max = 0;
    json_t *st = cube_json_path(pod, "status", "containerStatuses", NULL);
    size_t i;
    json_t *c;
    json_array_foreach(st, i, c)
    {
        int64_t r = json_integer_value(json_object_get(c, "restartCount"));
        if (r > max)
            max = r;
    }
    return max;
}

static int64_t deletion_cost(const json_t *pod)
{
    const char *s = cube_json_str(pod, "metadata", "annotations",
                                  "controller.kubernetes.io/pod-deletion-cost", NULL);
    return s ? strtoll(s, NULL, 10) : 0;
}

/* <0 when a should be deleted before b. */
static int cmp_deletion(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    const char *na = cube_json_str(a, "spec", "nodeName", NULL);
    const char *nb = cube_json_str(b, "spec", "nodeName", NULL);
    bool sa = na && *na, sb = nb && *nb;
    if (sa != sb)
        return sa ? 1 : -1;
    int pa_ = phase_rank(a), pb_ = phase_rank(b);
    if (pa_ != pb_)
        return pa_ < pb_ ? -1 : 1;
    bool ra = cube_pod_is_ready(a), rb = cube_pod_is_ready(b);
    if (ra != rb)
        return ra ? 1 : -1;
    int64_t ca = deletion_cost(a), cb = deletion_cost(b);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    if (ra && rb) {
        int64_t ta = ready_since(a), tb = ready_since(b);
        if (ta != tb)
            return ta > tb ? -1 : 1; /* ready more recently goes first */
    }
    int64_t xa = restarts(a), xb = restarts(b);
    if (xa != xb)
        return xa > xb ? -1 : 1;
    int64_t ka = ts_of(cube_json_str(a, "metadata", "creationTimestamp", NULL));
    int64_t kb = ts_of(cube_json_str(b, "metadata", "creationTimestamp", NULL));
    if (ka != kb)
        return ka > kb ? -1 : 1; /* newer first */
    return strcmp(cube_json_str(a, "metadata", "name", NULL) ?: "",
                  cube_json_str(b, "metadata", "name", NULL) ?: "");
}

void cube_rs_rank_for_deletion(json_t **pods, size_t n)
{
    if (n > 1)
        qsort(pods, n, sizeof(*pods), cmp_deletion);
}

int cube_slow_start(int count, int initial, int (*fn)(void *ud), void *ud)
{
    int ok = 0, remaining = count;
    int batch = initial < remaining ? initial : remaining;
    if (batch < 1 && remaining > 0)
        batch = 1;
    while (batch > 0) {
        int failed = 0;
        for (int i = 0; i < batch; i++) {
            if (fn(ud) < 0)
                failed++;
            else
                ok++;
        }
        if (failed)
            break;
        remaining -= batch;
        batch = 2 * batch < remaining ? 2 * batch : remaining;
    }
    return ok;
}

static void set_or_omit(json_t *st, const char *key, int64_t v)
{
    if (v)
        json_object_set_new(st, key, json_integer(v));
    else
        json_object_del(st, key);
}

json_t *cube_rs_status(const json_t *rs, json_t *const *pods, size_t n, int64_t now)
{
    json_t *old = json_object_get(rs, "status");
    json_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
    json_t *tmpl_labels = cube_json_path(rs, "spec", "template", "metadata", "labels", NULL);
    int min_ready = (int)json_integer_value(cube_json_path(rs, "spec", "minReadySeconds", NULL));
    int64_t full = 0, ready = 0, avail = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *labels = cube_json_path(pods[i], "metadata", "labels", NULL);
        bool fully = true;
        const char *k;
        json_t *v;
        json_object_foreach(tmpl_labels, k, v)
        {
            const char *pv = json_string_value(json_object_get(labels, k));
            if (!pv || strcmp(pv, json_string_value(v) ?: ""))
                fully = false;
        }
        if (fully)
            full++;
        if (cube_pod_is_ready(pods[i])) {
            ready++;
            if (cube_pod_is_available(pods[i], min_ready, now))
                avail++;
        }
    }
    json_object_set_new(st, "replicas", json_integer((json_int_t)n));
    set_or_omit(st, "fullyLabeledReplicas", full);
    set_or_omit(st, "readyReplicas", ready);
    set_or_omit(st, "availableReplicas", avail);
    set_or_omit(st, "observedGeneration",
                json_integer_value(cube_json_path(rs, "metadata", "generation", NULL)));
    return st;
}

/* ---- expectations -------------------------------------------------------- */

static json_t *expect_entry(rs_ctrl_t *c, const char *key)
{
    json_t *e = json_object_get(c->expect, key);
    if (!e) {
        e = json_pack("{s:i, s:{}, s:I}", "add", 0, "del", "ts", (json_int_t)time(NULL));
        json_object_set_new(c->expect, key, e);
    }
    return e;
}

static bool expect_satisfied(rs_ctrl_t *c, const char *key)
{
    pthread_mutex_lock(&c->mu);
    json_t *e = json_object_get(c->expect, key);
    bool ok = !e ||
              (json_integer_value(json_object_get(e, "add")) <= 0 &&
               json_object_size(json_object_get(e, "del")) == 0) ||
              time(NULL) - json_integer_value(json_object_get(e, "ts")) > EXPECTATIONS_TIMEOUT_SEC;
    pthread_mutex_unlock(&c->mu);
    return ok;
}

static void expect_adds(rs_ctrl_t *c, const char *key, int delta, bool reset)
{
    pthread_mutex_lock(&c->mu);
    json_t *e = expect_entry(c, key);
    json_int_t v = reset ? 0 : json_integer_value(json_object_get(e, "add"));
    json_object_set_new(e, "add", json_integer(v + delta));
    if (reset) {
        json_object_set_new(e, "ts", json_integer((json_int_t)time(NULL)));
        json_object_clear(json_object_get(e, "del"));
    }
    pthread_mutex_unlock(&c->mu);
}

static void expect_del(rs_ctrl_t *c, const char *key, const char *pod_key, bool expect)
{
    pthread_mutex_lock(&c->mu);
    json_t *e = json_object_get(c->expect, key);
    if (expect) {
        e = expect_entry(c, key);
        json_object_set_new(json_object_get(e, "del"), pod_key, json_true());
        json_object_set_new(e, "ts", json_integer((json_int_t)time(NULL)));
    } else if (e) {
        json_object_del(json_object_get(e, "del"), pod_key);
    }
    pthread_mutex_unlock(&c->mu);
}

static void expect_forget(rs_ctrl_t *c, const char *key)
{
    pthread_mutex_lock(&c->mu);
    json_object_del(c->expect, key);
    pthread_mutex_unlock(&c->mu);
}

/* ---- informer handlers --------------------------------------------------- */

/* The key of the RS/RC that owns pod through its controller ref, if it is ours. Owned. */
static char *owner_key(rs_ctrl_t *c, const json_t *pod)
{
    const json_t *ref = cube_ctrl_controller_ref(pod);
    if (!ref || strcmp(json_string_value(json_object_get(ref, "kind")) ?: "", c->kind))
        return NULL;
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    const char *name = json_string_value(json_object_get(ref, "name"));
    if (!ns || !name)
        return NULL;
    json_auto_t *rs = cube_informer_get(c->rs_inf, ns, name);
    const char *uid = json_string_value(json_object_get(ref, "uid"));
    if (!rs || strcmp(cube_json_str(rs, "metadata", "uid", NULL) ?: "", uid ?: ""))
        return NULL;
    return xasprintf("%s/%s", ns, name);
}

static bool selector_matches(rs_ctrl_t *c, const json_t *rs, const json_t *pod)
{
    json_t *sel_json = cube_json_path(rs, "spec", "selector", NULL);
    json_auto_t *wrapped = NULL;
    if (c->is_rc) {
        wrapped = json_pack("{s:O?}", "matchLabels", sel_json);
        sel_json = wrapped;
    }
    cube_selector_t *sel = NULL;
    if (cube_label_selector_from_json(sel_json, &sel, NULL) < 0)
        return false;
    bool m = !cube_selector_empty(sel) &&
             cube_selector_matches(sel, cube_json_path(pod, "metadata", "labels", NULL));
    cube_selector_free(sel);
    return m;
}

/* An orphan changed: every RS of its namespace whose selector matches it may adopt it. */
static void enqueue_matching(rs_ctrl_t *c, const json_t *pod)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    if (!ns)
        return;
    json_t **rss = NULL;
    size_t n = cube_informer_by_index(c->rs_inf, CUBE_CTRL_INDEX_NS, ns, &rss);
    for (size_t i = 0; i < n; i++)
        if (selector_matches(c, rss[i], pod))
            cube_ctrl_enqueue(c->q, rss[i]);
    cube_json_refs_free(rss, n);
}

static bool is_deleting(const json_t *obj)
{
    return cube_json_path(obj, "metadata", "deletionTimestamp", NULL) != NULL;
}

static void pod_deleted(rs_ctrl_t *c, const json_t *pod)
{
    _cleanup_free_ char *key = owner_key(c, pod);
    if (!key)
        return;
    _cleanup_free_ char *pk = cube_object_key(pod);
    expect_del(c, key, pk, false);
    cube_workqueue_add(c->q, key);
}

static void on_pod_add(json_t *pod, void *ud)
{
    rs_ctrl_t *c = ud;
    if (is_deleting(pod)) {
        pod_deleted(c, pod);
        return;
    }
    _cleanup_free_ char *key = owner_key(c, pod);
    if (key) {
        expect_adds(c, key, -1, false);
        cube_workqueue_add(c->q, key);
        return;
    }
    if (!cube_ctrl_controller_ref(pod))
        enqueue_matching(c, pod);
}

static void on_pod_update(json_t *old, json_t *pod, void *ud)
{
    rs_ctrl_t *c = ud;
    if (old == pod)
        return;
    if (is_deleting(pod)) {
        pod_deleted(c, pod);
        return;
    }
    _cleanup_free_ char *old_key = owner_key(c, old);
    _cleanup_free_ char *key = owner_key(c, pod);
    if (old_key && (!key || strcmp(old_key, key)))
        cube_workqueue_add(c->q, old_key);
    if (key) {
        cube_workqueue_add(c->q, key);
        /* A pod that just became ready becomes available minReadySeconds later. */
        if (!cube_pod_is_ready(old) && cube_pod_is_ready(pod)) {
            const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
            _cleanup_free_ char *ons = NULL, *name = NULL;
            cube_split_key(key, &ons, &name);
            json_auto_t *rs = cube_informer_get(c->rs_inf, ns, name);
            int mr = (int)json_integer_value(cube_json_path(rs, "spec", "minReadySeconds", NULL));
            if (mr > 0)
                cube_workqueue_add_after(c->q, key, mr * 1000 + 1000);
        }
        return;
    }
    if (!cube_ctrl_controller_ref(pod))
        enqueue_matching(c, pod);
}

static void on_pod_delete(json_t *pod, void *ud)
{
    pod_deleted(ud, pod);
}

static void on_rs_add(json_t *rs, void *ud)
{
    cube_ctrl_enqueue(((rs_ctrl_t *)ud)->q, rs);
}

static void on_rs_update(json_t *old, json_t *rs, void *ud)
{
    cube_ctrl_enqueue(((rs_ctrl_t *)ud)->q, rs);
}

static void on_rs_delete(json_t *rs, void *ud)
{
    rs_ctrl_t *c = ud;
    _cleanup_free_ char *key = cube_object_key(rs);
    expect_forget(c, key);
}

/* ---- sync ---------------------------------------------------------------- */

typedef struct create_job {
    rs_ctrl_t *c;
    const json_t *rs;
    const char *key;
    json_t *pod;
} create_job_t;

static int create_one(void *ud)
{
    create_job_t *j = ud;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_auto_t *created = NULL;
    const char *ns = cube_json_str(j->rs, "metadata", "namespace", NULL);
    if (cube_client_create(j->c->ctx->client, j->c->pods, ns, j->pod, &created, &err) < 0) {
        /* A terminating namespace refuses new pods: expected, not worth an event. */
        if (!(err.code == 403 && strstr(err.msg, "being terminated")))
            cube_recorder_event(j->c->rec, j->rs, "Warning", "FailedCreate", "Error creating: %s",
                                err.msg);
        return -1;
    }
    cube_recorder_event(j->c->rec, j->rs, "Normal", "SuccessfulCreate", "Created pod: %s",
                        cube_json_str(created, "metadata", "name", NULL) ?: "");
    return 0;
}

static int manage_replicas(rs_ctrl_t *c, const char *key, const json_t *rs, json_t **pods, size_t n,
                           cube_err_t *err)
{
    json_t *r = cube_json_path(rs, "spec", "replicas", NULL);
    int64_t want = json_is_integer(r) ? json_integer_value(r) : 1;
    int64_t diff = (int64_t)n - want;
    if (diff < 0) {
        int count = (int)(-diff > BURST_REPLICAS ? BURST_REPLICAS : -diff);
        expect_adds(c, key, count, true);
        const char *name = cube_json_str(rs, "metadata", "name", NULL);
        json_auto_t *ref = cube_ctrl_new_controller_ref(rs, c->api_version, c->kind);
        json_auto_t *pod = cube_ctrl_pod_from_template(
            cube_json_path(rs, "spec", "template", NULL),
            cube_json_str(rs, "metadata", "namespace", NULL), name, ref);
        create_job_t job = {.c = c, .rs = rs, .key = key, .pod = pod};
        int ok = cube_slow_start(count, 1, create_one, &job);
        /* Failed and never attempted creations will not be observed. */
        if (ok < count) {
            expect_adds(c, key, -(count - ok), false);
            return cube_err_internal(err, "created %d of %d pods", ok, count);
        }
        return 0;
    }
    if (diff > 0) {
        int count = (int)(diff > BURST_REPLICAS ? BURST_REPLICAS : diff);
        cube_rs_rank_for_deletion(pods, n);
        for (int i = 0; i < count; i++) {
            _cleanup_free_ char *pk = cube_object_key(pods[i]);
            expect_del(c, key, pk, true);
        }
        int failures = 0;
        for (int i = 0; i < count; i++) {
            const char *pname = cube_json_str(pods[i], "metadata", "name", NULL);
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_client_delete(c->ctx->client, c->pods,
                                   cube_json_str(pods[i], "metadata", "namespace", NULL), pname,
                                   NULL, &e) < 0) {
                _cleanup_free_ char *pk = cube_object_key(pods[i]);
                expect_del(c, key, pk, false);
                if (e.code == 404)
                    continue;
                failures++;
                cube_recorder_event(c->rec, rs, "Warning", "FailedDelete", "Error deleting: %s",
                                    e.msg);
                continue;
            }
            cube_recorder_event(c->rec, rs, "Normal", "SuccessfulDelete", "Deleted pod: %s", pname);
        }
        if (failures)
            return cube_err_internal(err, "%d pod deletions failed", failures);
    }
    return 0;
}

/* Claims the active pods of rs's namespace; ret: the claimed ones (references). */
static int claim_pods(rs_ctrl_t *c, const json_t *rs, json_t ***ret, size_t *ret_n, cube_err_t *err)
{
    const char *ns = cube_json_str(rs, "metadata", "namespace", NULL);
    json_t *sel_json = cube_json_path(rs, "spec", "selector", NULL);
    json_auto_t *wrapped = NULL;
    if (c->is_rc) {
        wrapped = json_pack("{s:O?}", "matchLabels", sel_json);
        sel_json = wrapped;
    }
    cube_selector_t *sel = NULL;
    if (cube_label_selector_from_json(sel_json, &sel, err) < 0)
        return -1;
    json_t **all = NULL;
    size_t n = cube_informer_by_index(c->pod_inf, CUBE_CTRL_INDEX_NS, ns, &all);
    json_t **out = xcalloc(n + 1, sizeof(*out));
    size_t m = 0;
    bool rechecked = false, can_adopt = true;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cube_pod_is_active(all[i]))
            continue;
        cube_claim_t cl = cube_ctrl_claim(rs, sel, all[i]);
        if (cl == CUBE_CLAIM_OWNED) {
            out[m++] = json_incref(all[i]);
        } else if (cl == CUBE_CLAIM_RELEASE) {
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_ctrl_release(c->ctx->client, c->pods, all[i],
                                  cube_json_str(rs, "metadata", "uid", NULL), &e) < 0) {
                cube_log_v(2, "releasing pod \"%s\": %s",
                           cube_json_str(all[i], "metadata", "name", NULL), e.msg);
                rc = -1;
            }
        } else if (cl == CUBE_CLAIM_ADOPT) {
            if (!rechecked) {
                /* Adopt only for an owner that really exists and is not being deleted. */
                rechecked = true;
                json_auto_t *fresh = NULL;
                cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
                can_adopt =
                    cube_client_get(c->ctx->client, c->res, ns,
                                    cube_json_str(rs, "metadata", "name", NULL), &fresh, &e) == 0 &&
                    !strcmp(cube_json_str(fresh, "metadata", "uid", NULL) ?: "",
                            cube_json_str(rs, "metadata", "uid", NULL) ?: "") &&
                    !is_deleting(fresh);
            }
            if (!can_adopt)
                continue;
            cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
            if (cube_ctrl_adopt(c->ctx->client, c->pods, all[i], rs, c->api_version, c->kind, &e) ==
                0)
                out[m++] = json_incref(all[i]);
            else if (e.code != 404)
                rc = -1;
        }
    }
    cube_json_refs_free(all, n);
    cube_selector_free(sel);
    *ret = out;
    *ret_n = m;
    if (rc < 0)
        cube_err_internal(err, "claiming pods failed");
    return rc;
}

static int update_status(rs_ctrl_t *c, const json_t *rs, json_t *status, cube_err_t *err)
{
    if (json_equal(json_object_get(rs, "status"), status))
        return 0;
    json_auto_t *copy = json_deep_copy(rs);
    json_object_set(copy, "status", status);
    return cube_client_update(c->ctx->client, c->res, copy, "status", NULL, err);
}

static int sync_rs(const char *key, void *state)
{
    rs_ctrl_t *c = state;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *rs = cube_informer_get(c->rs_inf, ns, name);
    if (!rs) {
        expect_forget(c, key);
        return 0;
    }
    bool needs_sync = expect_satisfied(c, key);
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    json_t **pods = NULL;
    size_t n = 0;
    int rc = claim_pods(c, rs, &pods, &n, &err);
    if (rc < 0 && !pods) {
        cube_log_v(2, "%s %s: %s", c->kind, key, err.msg);
        return 0; /* a bad selector: nothing to do until the object changes */
    }
    cube_err_clear(&err);
    if (needs_sync && !is_deleting(rs) && manage_replicas(c, key, rs, pods, n, &err) < 0) {
        cube_log_v(2, "%s %s: %s", c->kind, key, err.msg);
        rc = -1;
    }
    cube_err_clear(&err);
    json_auto_t *status = cube_rs_status(rs, pods, n, (int64_t)time(NULL));
    if (update_status(c, rs, status, &err) < 0) {
        cube_log_v(2, "%s %s: status: %s", c->kind, key, err.msg);
        if (err.code != 404)
            rc = -1;
    }
    int min_ready = (int)json_integer_value(cube_json_path(rs, "spec", "minReadySeconds", NULL));
    json_t *r = cube_json_path(rs, "spec", "replicas", NULL);
    int64_t want = json_is_integer(r) ? json_integer_value(r) : 1;
    int64_t ready = json_integer_value(json_object_get(status, "readyReplicas"));
    int64_t avail = json_integer_value(json_object_get(status, "availableReplicas"));
    if (min_ready > 0 && ready == want && avail != want)
        cube_workqueue_add_after(c->q, key, min_ready * 1000);
    cube_json_refs_free(pods, n);
    return rc;
}

/* ---- start / stop -------------------------------------------------------- */

static int start_common(cube_ctrl_ctx_t *ctx, bool is_rc, void **ret_state, cube_err_t *err)
{
    rs_ctrl_t *c = xcalloc(1, sizeof(*c));
    c->ctx = ctx;
    c->is_rc = is_rc;
    c->res = is_rc ? cube_api_resource_find("", "v1", "replicationcontrollers")
                   : cube_api_resource_find("apps", "v1", "replicasets");
    c->pods = cube_api_resource_find("", "v1", "pods");
    if (!c->res || !c->pods) {
        free(c);
        return cube_err_internal(err, "resources not served");
    }
    c->kind = is_rc ? "ReplicationController" : "ReplicaSet";
    c->api_version = is_rc ? "v1" : "apps/v1";
    pthread_mutex_init(&c->mu, NULL);
    c->expect = json_object();
    c->rec = cube_recorder_new(ctx->client,
                               is_rc ? "replication-controller" : "replicaset-controller", NULL);
    c->q = cube_workqueue_new(is_rc ? "replicationmanager" : "replicaset", 5, 1000 * 1000, 10, 100);
    c->rs_inf = cube_informers_get(ctx->informers, c->res, NULL);
    c->pod_inf = cube_informers_get(ctx->informers, c->pods, NULL);
    const cube_informer_handlers_t rh = {on_rs_add, on_rs_update, on_rs_delete, c};
    const cube_informer_handlers_t ph = {on_pod_add, on_pod_update, on_pod_delete, c};
    cube_informer_add_handlers(c->rs_inf, &rh);
    cube_informer_add_handlers(c->pod_inf, &ph);
    c->workers = cube_ctrl_workers_start(ctx, c->q, ctx->cfg->workers, sync_rs, c);
    *ret_state = c;
    return 0;
}

static int start_rs(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    return start_common(ctx, false, ret_state, err);
}

static int start_rc(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    return start_common(ctx, true, ret_state, err);
}

static void stop_rs(void *state)
{
    rs_ctrl_t *c = state;
    if (!c)
        return;
    cube_ctrl_workers_stop(c->workers);
    cube_workqueue_free(c->q);
    cube_recorder_free(c->rec);
    json_decref(c->expect);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

const cube_controller_ops_t cube_ctrl_replicaset = {
    .name = "replicaset", .start = start_rs, .stop = stop_rs};
const cube_controller_ops_t cube_ctrl_replicationcontroller = {
    .name = "replicationcontroller", .start = start_rc, .stop = stop_rs};
