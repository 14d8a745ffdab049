/*
 * statefulset: the counterpart of Kubernetes' StatefulSet controller.
 * StatefulSet pods have identities that outlive them: ordinal names
 * <sts>-0..N-1, a stable hostname under the governing service
 * (hostname <sts>-<i>, subdomain serviceName) and their own
 * PersistentVolumeClaims <template>-<sts>-<i>, created before the pod and
 * kept after it. With podManagementPolicy OrderedReady (the default) pod i
 * is created only when pods 0..i-1 are Running and Ready, and scale-down
 * removes the highest ordinal first, one at a time; Parallel does both at
 * once. A RollingUpdate replaces pods from the highest ordinal down to the
 * partition, one at a time, each only when the others are healthy.
 *
 * Templates are versioned as ControllerRevisions (<sts>-<hash>; the revision
 * name labels the pods as controller-revision-hash). cube_statefulset_plan is
 * the pure decision of one sync; sync() carries it out and writes the status.
 */
#include "controllers/controllers.h"

#define HASH_LABEL "controller-revision-hash"
#define POD_NAME_LABEL "statefulset.kubernetes.io/pod-name"
#define POD_INDEX_LABEL "apps.kubernetes.io/pod-index"

/* ---- pure pieces ---------------------------------------------------------- */

/* The ordinal of pod within sts (name "<sts>-<i>"), or -1. */
static int pod_ordinal(const json_t *sts, const json_t *pod)
{
    const char *set = cube_json_str(sts, "metadata", "name", NULL);
    const char *name = cube_json_str(pod, "metadata", "name", NULL);
    size_t l = set ? strlen(set) : 0;
    if (!set || !name || strncmp(name, set, l) || name[l] != '-' || !name[l + 1])
        return -1;
    char *end;
    long v = strtol(name + l + 1, &end, 10);
    if (*end || v < 0 || v > 1000000 || (name[l + 1] == '0' && name[l + 2]))
        return -1;
    return (int)v;
}

static bool terminating(const json_t *pod)
{
    json_t *dt = cube_json_path(pod, "metadata", "deletionTimestamp", NULL);
    return dt && !json_is_null(dt);
}

static bool healthy(const json_t *pod)
{
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    return phase && !strcmp(phase, "Running") && cube_pod_is_ready(pod) && !terminating(pod);
}

static int spec_int(const json_t *sts, int dflt, ...)
{
    va_list ap;
    va_start(ap, dflt);
    json_t *v = cube_json_path(sts, "spec", NULL);
    const char *k;
    while (v && (k = va_arg(ap, const char *)))
        v = json_object_get(v, k);
    va_end(ap);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

void cube_statefulset_plan_clear(cube_sts_plan_t *p)
{
    json_decref(p->create);
    json_decref(p->delete_pods);
    memset(p, 0, sizeof(*p));
}

void cube_statefulset_plan(const json_t *sts, json_t *const *pods, size_t n, const char *update_rev,
                           cube_sts_plan_t *ret)
{
    ret->create = json_array();
    ret->delete_pods = json_array();
    int replicas = spec_int(sts, 1, "replicas", NULL);
    int start = spec_int(sts, 0, "ordinals", "start", NULL);
    int partition = spec_int(sts, 0, "updateStrategy", "rollingUpdate", "partition", NULL);
    const char *policy = cube_json_str(sts, "spec", "podManagementPolicy", NULL);
    bool ordered = !policy || strcmp(policy, "Parallel");
    const char *strategy = cube_json_str(sts, "spec", "updateStrategy", "type", NULL);
    bool rolling = !strategy || !strcmp(strategy, "RollingUpdate");
    if (replicas < 0)
        replicas = 0;

    const json_t **by_ord = xcalloc((size_t)replicas + 1, sizeof(*by_ord));
    const json_t **condemned = xcalloc(n + 1, sizeof(*condemned));
    int *cond_ord = xcalloc(n + 1, sizeof(int));
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        int o = pod_ordinal(sts, pods[i]);
        if (o < 0)
            continue;
        if (o >= start && o < start + replicas) {
            by_ord[o - start] = pods[i];
        } else {
            /* insertion sort, highest ordinal first */
            size_t k = nc++;
            while (k > 0 && cond_ord[k - 1] < o) {
                condemned[k] = condemned[k - 1];
                cond_ord[k] = cond_ord[k - 1];
                k--;
            }
            condemned[k] = pods[i];
            cond_ord[k] = o;
        }
    }

    bool blocked = false;
    for (int i = 0; i < replicas && !blocked; i++) {
        const json_t *pod = by_ord[i];
        const char *phase = pod ? cube_json_str(pod, "status", "phase", NULL) : NULL;
        if (!pod) {
            json_array_append_new(ret->create, json_integer(start + i));
            blocked = ordered;
        } else if (terminating(pod)) {
            blocked = ordered;
        } else if (phase && !strcmp(phase, "Failed")) {
            json_array_append_new(ret->delete_pods,
                                  json_string(cube_json_str(pod, "metadata", "name", NULL)));
            blocked = ordered;
        } else if (!healthy(pod)) {
            blocked = ordered;
        }
    }
    for (size_t i = 0; i < nc && !blocked; i++) {
        if (!terminating(condemned[i]))
            json_array_append_new(ret->delete_pods, json_string(cube_json_str(
                                                        condemned[i], "metadata", "name", NULL)));
        blocked = ordered;
    }
    /* Rolling update: highest ordinal first down to the partition, one pod at a time. */
    bool busy = json_array_size(ret->create) || json_array_size(ret->delete_pods) || nc;
    for (int i = replicas - 1; rolling && !busy && !blocked && i >= partition; i--) {
        const json_t *pod = by_ord[i];
        const char *rev = pod ? cube_json_str(pod, "metadata", "labels", HASH_LABEL, NULL) : NULL;
        if (!pod || terminating(pod))
            break;
        if (!rev || strcmp(rev, update_rev)) {
            json_array_append_new(ret->delete_pods,
                                  json_string(cube_json_str(pod, "metadata", "name", NULL)));
            break;
        }
        if (!healthy(pod))
            break;
    }
    free(by_ord);
    free(condemned);
    free(cond_ord);
}

json_t *cube_statefulset_new_pod(const json_t *sts, int ordinal, const char *rev)
{
    const char *set = cube_json_str(sts, "metadata", "name", NULL);
    json_t *tmpl = cube_json_path(sts, "spec", "template", NULL);
    json_t *meta = json_deep_copy(json_object_get(tmpl, "metadata"));
    if (!json_is_object(meta)) {
        json_decref(meta);
        meta = json_object();
    }
    json_t *spec = json_deep_copy(json_object_get(tmpl, "spec"));
    if (!json_is_object(spec)) {
        json_decref(spec);
        spec = json_object();
    }
    char *name = xasprintf("%s-%d", set, ordinal);
    char idx[16];
    snprintf(idx, sizeof(idx), "%d", ordinal);
    json_object_del(meta, "generateName");
    json_object_set_new(meta, "name", json_string(name));
    json_object_set_new(meta, "namespace",
                        json_string(cube_json_str(sts, "metadata", "namespace", NULL)));
    json_t *labels = cube_json_obj(meta, "labels");
    json_object_set_new(labels, HASH_LABEL, json_string(rev));
    json_object_set_new(labels, POD_NAME_LABEL, json_string(name));
    json_object_set_new(labels, POD_INDEX_LABEL, json_string(idx));
    json_object_set_new(
        meta, "ownerReferences",
        json_pack("[o]", cube_ctrl_new_controller_ref(sts, "apps/v1", "StatefulSet")));
    json_object_set_new(spec, "hostname", json_string(name));
    const char *svc = cube_json_str(sts, "spec", "serviceName", NULL);
    if (svc && *svc)
        json_object_set_new(spec, "subdomain", json_string(svc));

    /* Each claim template becomes this pod's own claim, replacing a same-named volume. */
    size_t i;
    json_t *ct;
    json_array_foreach(cube_json_path(sts, "spec", "volumeClaimTemplates", NULL), i, ct)
    {
        const char *tname = cube_json_str(ct, "metadata", "name", NULL);
        if (!tname)
            continue;
        json_t *vols = json_object_get(spec, "volumes");
        if (!json_is_array(vols)) {
            vols = json_array();
            json_object_set_new(spec, "volumes", vols);
        }
        for (size_t k = 0; k < json_array_size(vols); k++) {
            const char *vn = cube_json_str(json_array_get(vols, k), "name", NULL);
            if (vn && !strcmp(vn, tname)) {
                json_array_remove(vols, k);
                break;
            }
        }
        char *claim = xasprintf("%s-%s", tname, name);
        json_array_append_new(vols, json_pack("{s:s, s:{s:s}}", "name", tname,
                                              "persistentVolumeClaim", "claimName", claim));
        free(claim);
    }
    free(name);
    return json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "v1", "kind", "Pod", "metadata", meta,
                     "spec", spec);
}

/* ---- the controller ------------------------------------------------------ */

typedef struct sts_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_sts, *r_pod, *r_pvc;
    cube_informer_t *sets, *pods, *revs, *pvcs;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
} sts_state_t;

static void sts_event(json_t *obj, void *u)
{
    sts_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}
static void sts_update(json_t *old, json_t *obj, void *u)
{
    sts_event(obj, u);
}

static void pod_event(json_t *obj, void *u)
{
    sts_state_t *s = u;
    const json_t *ref = cube_ctrl_controller_ref(obj);
    const char *kind = ref ? json_string_value(json_object_get(ref, "kind")) : NULL;
    if (!kind || strcmp(kind, "StatefulSet"))
        return;
    _cleanup_free_ char *key = xasprintf("%s/%s", cube_json_str(obj, "metadata", "namespace", NULL),
                                         json_string_value(json_object_get(ref, "name")));
    cube_workqueue_add(s->q, key);
}
static void pod_update(json_t *old, json_t *obj, void *u)
{
    if (old != obj)
        pod_event(obj, u);
}

/* Creates the claims of ordinal i that do not exist yet. */
static int ensure_claims(sts_state_t *s, const json_t *sts, int ordinal, cube_err_t *err)
{
    const char *ns = cube_json_str(sts, "metadata", "namespace", NULL);
    const char *set = cube_json_str(sts, "metadata", "name", NULL);
    size_t i;
    json_t *ct;
    json_array_foreach(cube_json_path(sts, "spec", "volumeClaimTemplates", NULL), i, ct)
    {
        const char *tname = cube_json_str(ct, "metadata", "name", NULL);
        if (!tname)
            continue;
        _cleanup_free_ char *claim = xasprintf("%s-%s-%d", tname, set, ordinal);
        json_auto_t *have = cube_informer_get(s->pvcs, ns, claim);
        if (have)
            continue;
        json_t *labels = json_deep_copy(cube_json_path(ct, "metadata", "labels", NULL));
        if (!json_is_object(labels)) {
            json_decref(labels);
            labels = json_object();
        }
        json_object_update(labels, cube_json_path(sts, "spec", "selector", "matchLabels", NULL));
        json_t *spec = json_deep_copy(json_object_get(ct, "spec"));
        json_auto_t *pvc =
            json_pack("{s:s, s:s, s:{s:s, s:s, s:o}, s:o}", "apiVersion", "v1", "kind",
                      "PersistentVolumeClaim", "metadata", "name", claim, "namespace", ns, "labels",
                      labels, "spec", spec ? spec : json_object());
        if (cube_client_create(s->ctx->client, s->r_pvc, ns, pvc, NULL, err) < 0) {
            if (strcmp(err->reason ? err->reason : "", "AlreadyExists")) {
                cube_recorder_event(s->rec, sts, "Warning", "FailedCreate",
                                    "create Claim %s for Pod %s-%d in StatefulSet %s failed "
                                    "error: %s",
                                    claim, set, ordinal, set, err->msg);
                return -1;
            }
            cube_err_clear(err);
            continue;
        }
        cube_recorder_event(s->rec, sts, "Normal", "SuccessfulCreate",
                            "create Claim %s Pod %s-%d in StatefulSet %s success", claim, set,
                            ordinal, set);
    }
    return 0;
}

static int sync_sts(const char *key, void *u)
{
    sts_state_t *s = u;
    if (!cube_informer_synced(s->sets) || !cube_informer_synced(s->pods) ||
        !cube_informer_synced(s->revs) || !cube_informer_synced(s->pvcs))
        return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *sts = cube_informer_get(s->sets, ns, name);
    if (!sts || terminating(sts))
        return 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *hash =
        cube_ctrl_revision_hash(cube_json_path(sts, "spec", "template", NULL));
    _cleanup_free_ char *rev = xasprintf("%s-%s", name, hash);
    if (cube_ctrl_ensure_revision(s->ctx->client, s->revs, sts, "StatefulSet", hash, &err) < 0) {
        cube_log_v(2, "statefulset: revision of \"%s\": %s", key, err.msg);
        return -1;
    }
    const char *uid = cube_json_str(sts, "metadata", "uid", NULL);
    json_t **all = NULL;
    size_t na = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_OWNER, uid ? uid : "", &all);
    size_t n = 0;
    for (size_t i = 0; i < na; i++) {
        const json_t *ref = cube_ctrl_controller_ref(all[i]);
        const char *ruid = ref ? json_string_value(json_object_get(ref, "uid")) : NULL;
        if (ruid && uid && !strcmp(ruid, uid))
            all[n++] = all[i];
        else
            json_decref(all[i]);
    }

    cube_sts_plan_t plan;
    cube_statefulset_plan(sts, all, n, rev, &plan);

    /* status from what exists now */
    int min_ready = (int)json_integer_value(cube_json_path(sts, "spec", "minReadySeconds", NULL));
    int64_t now = (int64_t)time(NULL);
    const char *cur_rev = cube_json_str(sts, "status", "currentRevision", NULL);
    if (!cur_rev || !*cur_rev)
        cur_rev = rev;
    int replicas = 0, ready = 0, available = 0, current = 0, updated = 0;
    for (size_t i = 0; i < n; i++) {
        if (terminating(all[i]))
            continue;
        const char *prev = cube_json_str(all[i], "metadata", "labels", HASH_LABEL, NULL);
        replicas++;
        ready += cube_pod_is_ready(all[i]);
        available += cube_pod_is_available(all[i], min_ready, now);
        current += prev && !strcmp(prev, cur_rev);
        updated += prev && !strcmp(prev, rev);
    }
    int want = (int)json_integer_value(cube_json_path(sts, "spec", "replicas", NULL));
    if (!cube_json_path(sts, "spec", "replicas", NULL))
        want = 1;
    _cleanup_free_ char *cur_copy = NULL;
    if (updated == want && ready == want && replicas == want) {
        cur_rev = rev; /* the update is done */
        current = updated;
    }
    cur_copy = xstrdup(cur_rev);
    cube_json_refs_free(all, n);

    int rc = 0;
    size_t i;
    json_t *v;
    json_array_foreach(plan.delete_pods, i, v)
    {
        if (cube_client_delete(s->ctx->client, s->r_pod, ns, json_string_value(v), NULL, &err) <
                0 &&
            err.code != 404) {
            cube_recorder_event(s->rec, sts, "Warning", "FailedDelete",
                                "delete Pod %s in StatefulSet %s failed error: %s",
                                json_string_value(v), name, err.msg);
            rc = -1;
        } else {
            cube_recorder_event(s->rec, sts, "Normal", "SuccessfulDelete",
                                "delete Pod %s in StatefulSet %s successful", json_string_value(v),
                                name);
        }
        cube_err_clear(&err);
    }
    json_array_foreach(plan.create, i, v)
    {
        int ord = (int)json_integer_value(v);
        if (ensure_claims(s, sts, ord, &err) < 0) {
            rc = -1;
            cube_err_clear(&err);
            continue;
        }
        json_auto_t *pod = cube_statefulset_new_pod(sts, ord, rev);
        if (cube_client_create(s->ctx->client, s->r_pod, ns, pod, NULL, &err) < 0) {
            if (strcmp(err.reason ? err.reason : "", "AlreadyExists")) {
                cube_recorder_event(s->rec, sts, "Warning", "FailedCreate",
                                    "create Pod %s-%d in StatefulSet %s failed error: %s", name,
                                    ord, name, err.msg);
                rc = -1;
            }
        } else {
            cube_recorder_event(s->rec, sts, "Normal", "SuccessfulCreate",
                                "create Pod %s-%d in StatefulSet %s successful", name, ord, name);
        }
        cube_err_clear(&err);
    }
    cube_statefulset_plan_clear(&plan);

    json_t *old = json_object_get(sts, "status");
    json_auto_t *st = json_is_object(old) ? json_deep_copy(old) : json_object();
    json_object_set_new(
        st, "observedGeneration",
        json_integer(json_integer_value(cube_json_path(sts, "metadata", "generation", NULL))));
    json_object_set_new(st, "replicas", json_integer(replicas));
    json_object_set_new(st, "readyReplicas", json_integer(ready));
    json_object_set_new(st, "availableReplicas", json_integer(available));
    json_object_set_new(st, "currentReplicas", json_integer(current));
    json_object_set_new(st, "updatedReplicas", json_integer(updated));
    json_object_set_new(st, "currentRevision", json_string(cur_copy));
    json_object_set_new(st, "updateRevision", json_string(rev));
    json_object_set_new(st, "collisionCount", json_integer(0));
    static const char *const zeros[] = {"readyReplicas", "currentReplicas", "updatedReplicas"};
    for (size_t k = 0; k < CUBE_ARRAY_SIZE(zeros); k++)
        if (json_integer_value(json_object_get(st, zeros[k])) == 0)
            json_object_del(st, zeros[k]);
    if (!json_equal(st, old)) {
        json_auto_t *upd = json_deep_copy(sts);
        json_object_set(upd, "status", st);
        if (cube_client_update(s->ctx->client, s->r_sts, upd, "status", NULL, &err) < 0) {
            cube_log_v(2, "statefulset: status of \"%s\": %s", key, err.msg);
            rc = -1;
        }
    }
    if (min_ready > 0 && ready > available)
        cube_workqueue_add_after(s->q, key, min_ready * 1000);
    return rc;
}

static int sts_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    sts_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_sts = cube_api_resource_find("apps", "v1", "statefulsets");
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->r_pvc = cube_api_resource_find("", "v1", "persistentvolumeclaims");
    s->sets = cube_informers_get(ctx->informers, s->r_sts, NULL);
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->pvcs = cube_informers_get(ctx->informers, s->r_pvc, NULL);
    s->revs = cube_informers_get(ctx->informers,
                                 cube_api_resource_find("apps", "v1", "controllerrevisions"), NULL);
    s->rec = cube_recorder_new(ctx->client, "statefulset-controller", NULL);
    s->q = cube_workqueue_new("statefulset", 5, 60000, 0, 0);
    cube_informer_add_handlers(
        s->sets,
        &(cube_informer_handlers_t){.on_add = sts_event, .on_update = sts_update, .userdata = s});
    cube_informer_add_handlers(s->pods, &(cube_informer_handlers_t){.on_add = pod_event,
                                                                    .on_update = pod_update,
                                                                    .on_delete = pod_event,
                                                                    .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_sts, s);
    *ret_state = s;
    return 0;
}

static void sts_stop(void *state)
{
    sts_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    free(s);
}

const cube_controller_ops_t cube_ctrl_statefulset = {
    .name = "statefulset",
    .start = sts_start,
    .stop = sts_stop,
};
