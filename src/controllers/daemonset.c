/*
 * daemonset: the counterpart of Kubernetes' DaemonSet controller. A
 * DaemonSet runs one copy of its pod on every eligible node: one whose labels
 * fit the template's nodeSelector and required node affinity, and whose
 * taints the template tolerates (plus the tolerations Kubernetes adds to
 * every daemon pod, so that node agents survive not-ready, unreachable and
 * pressure conditions). As in Kubernetes, pods are not bound by the
 * controller: each gets a required node affinity to its node's
 * metadata.name and the scheduler binds it.
 *
 * Template versions are kept as ControllerRevisions (<ds>-<hash>, the hash
 * also labels the pods), and a RollingUpdate replaces old pods node by node
 * without exceeding maxUnavailable. The per-node decision
 * (cube_daemonset_node_fit) and the pod (cube_daemonset_new_pod) are pure;
 * sync() compares nodes with pods and writes the status.
 */
#include "controllers/controllers.h"

#define HASH_LABEL "controller-revision-hash"

/* ---- pure pieces ---------------------------------------------------------- */

char *cube_ctrl_revision_hash(const json_t *template_spec)
{
    _cleanup_free_ char *text =
        json_dumps(template_spec, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    uint32_t h = 2166136261u;
    for (const char *p = text ? text : ""; *p; p++) {
        h ^= (uint8_t)*p;
        h *= 16777619u;
    }
    /* Kubernetes' rand.SafeEncodeString of the decimal value: no vowels, no look-alikes. */
    static const char alphanums[] = "bcdfghjklmnpqrstvwxz2456789";
    char dec[16];
    snprintf(dec, sizeof(dec), "%u", h);
    char *out = xstrdup(dec);
    for (char *p = out; *p; p++)
        *p = alphanums[(uint8_t)*p % (sizeof(alphanums) - 1)];
    return out;
}

static bool str_in_values(const json_t *values, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        if (s && json_is_string(v) && !strcmp(json_string_value(v), s))
            return true;
    }
    return false;
}

/* One requirement (key, operator, values) against a value that may be absent. */
static bool requirement_matches(const json_t *req, const char *have)
{
    const char *op = json_string_value(json_object_get(req, "operator"));
    json_t *values = json_object_get(req, "values");
    if (!op)
        return false;
    if (!strcmp(op, "In"))
        return have && str_in_values(values, have);
    if (!strcmp(op, "NotIn"))
        return !have || !str_in_values(values, have);
    if (!strcmp(op, "Exists"))
        return have != NULL;
    if (!strcmp(op, "DoesNotExist"))
        return have == NULL;
    if (!strcmp(op, "Gt") || !strcmp(op, "Lt")) {
        const char *v = json_string_value(json_array_get(values, 0));
        if (!have || !v)
            return false;
        char *e1, *e2;
        long long a = strtoll(have, &e1, 10), b = strtoll(v, &e2, 10);
        if (*e1 || *e2)
            return false;
        return op[0] == 'G' ? a > b : a < b;
    }
    return false;
}

bool cube_node_selector_matches(const json_t *node_selector, const json_t *node)
{
    json_t *labels = cube_json_path(node, "metadata", "labels", NULL);
    const char *name = cube_json_str(node, "metadata", "name", NULL);
    size_t i, j;
    json_t *term, *req;
    json_array_foreach(json_object_get(node_selector, "nodeSelectorTerms"), i, term)
    {
        json_t *exprs = json_object_get(term, "matchExpressions");
        json_t *fields = json_object_get(term, "matchFields");
        if (json_array_size(exprs) == 0 && json_array_size(fields) == 0)
            continue; /* an empty term matches nothing */
        bool ok = true;
        json_array_foreach(exprs, j, req)
        {
            const char *key = json_string_value(json_object_get(req, "key"));
            ok = ok && key &&
                 requirement_matches(req, json_string_value(json_object_get(labels, key)));
        }
        json_array_foreach(fields, j, req)
        {
            const char *key = json_string_value(json_object_get(req, "key"));
            ok = ok && key && !strcmp(key, "metadata.name") && requirement_matches(req, name);
        }
        if (ok)
            return true;
    }
    return false;
}

/* The tolerations Kubernetes adds to every daemon pod: {key, effect}. */
static const char *const daemon_tolerations[][2] = {
    {"node.kubernetes.io/not-ready", "NoExecute"},
    {"node.kubernetes.io/unreachable", "NoExecute"},
    {"node.kubernetes.io/disk-pressure", "NoSchedule"},
    {"node.kubernetes.io/memory-pressure", "NoSchedule"},
    {"node.kubernetes.io/pid-pressure", "NoSchedule"},
    {"node.kubernetes.io/unschedulable", "NoSchedule"},
    {"node.kubernetes.io/network-unavailable", "NoSchedule"}, /* hostNetwork pods only */
};

/* The template's tolerations plus the daemon ones (owned). */
static json_t *with_daemon_tolerations(const json_t *pod_spec)
{
    json_t *tols = json_deep_copy(json_object_get(pod_spec, "tolerations"));
    if (!json_is_array(tols)) {
        json_decref(tols);
        tols = json_array();
    }
    bool host_net = json_is_true(json_object_get(pod_spec, "hostNetwork"));
    for (size_t i = 0; i < CUBE_ARRAY_SIZE(daemon_tolerations); i++) {
        if (i == CUBE_ARRAY_SIZE(daemon_tolerations) - 1 && !host_net)
            break;
        bool have = false;
        size_t k;
        json_t *t;
        json_array_foreach(tols, k, t)
        {
            const char *key = json_string_value(json_object_get(t, "key"));
            const char *eff = json_string_value(json_object_get(t, "effect"));
            if (key && eff && !strcmp(key, daemon_tolerations[i][0]) &&
                !strcmp(eff, daemon_tolerations[i][1]))
                have = true;
        }
        if (!have)
            json_array_append_new(tols, json_pack("{s:s, s:s, s:s}", "key",
                                                  daemon_tolerations[i][0], "operator", "Exists",
                                                  "effect", daemon_tolerations[i][1]));
    }
    return tols;
}

void cube_daemonset_node_fit(const json_t *ds, const json_t *node, bool *ret_should_run,
                             bool *ret_should_continue)
{
    json_t *spec = cube_json_path(ds, "spec", "template", "spec", NULL);
    *ret_should_run = *ret_should_continue = false;
    json_t *labels = cube_json_path(node, "metadata", "labels", NULL);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(spec, "nodeSelector"), k, v)
    {
        const char *have = json_string_value(json_object_get(labels, k));
        if (!have || !json_is_string(v) || strcmp(have, json_string_value(v)))
            return;
    }
    json_t *req = cube_json_path(spec, "affinity", "nodeAffinity",
                                 "requiredDuringSchedulingIgnoredDuringExecution", NULL);
    if (json_is_object(req) && !cube_node_selector_matches(req, node))
        return;
    json_auto_t *tols = with_daemon_tolerations(spec);
    bool run = true, cont = true;
    size_t i, j;
    json_t *taint, *tol;
    json_array_foreach(cube_json_path(node, "spec", "taints", NULL), i, taint)
    {
        const char *eff = json_string_value(json_object_get(taint, "effect"));
        if (!eff || !strcmp(eff, "PreferNoSchedule"))
            continue;
        bool tolerated = false;
        json_array_foreach(tols, j, tol)
        {
            tolerated = tolerated || cube_toleration_tolerates(tol, taint);
        }
        if (tolerated)
            continue;
        run = false;
        if (!strcmp(eff, "NoExecute"))
            cont = false;
    }
    *ret_should_run = run;
    *ret_should_continue = cont;
}

json_t *cube_daemonset_new_pod(const json_t *ds, const char *node_name, const char *hash)
{
    json_t *tmpl = cube_json_path(ds, "spec", "template", NULL);
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
    const char *name = cube_json_str(ds, "metadata", "name", NULL);
    json_t *labels = cube_json_obj(meta, "labels");
    json_object_set_new(labels, HASH_LABEL, json_string(hash));
    char gen[32];
    snprintf(gen, sizeof(gen), "%lld",
             (long long)json_integer_value(cube_json_path(ds, "metadata", "generation", NULL)));
    json_object_set_new(labels, "pod-template-generation", json_string(gen));
    json_object_del(meta, "name");
    char *gname = xasprintf("%s-", name);
    json_object_set_new(meta, "generateName", json_string(gname));
    free(gname);
    json_object_set_new(meta, "namespace",
                        json_string(cube_json_str(ds, "metadata", "namespace", NULL)));
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[o]", cube_ctrl_new_controller_ref(ds, "apps/v1", "DaemonSet")));
    json_object_set_new(spec, "tolerations", with_daemon_tolerations(spec));
    json_t *na = cube_json_obj(cube_json_obj(spec, "affinity"), "nodeAffinity");
    json_object_set_new(na, "requiredDuringSchedulingIgnoredDuringExecution",
                        json_pack("{s:[{s:[{s:s, s:s, s:[s]}]}]}", "nodeSelectorTerms",
                                  "matchFields", "key", "metadata.name", "operator", "In", "values",
                                  node_name));
    return json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "v1", "kind", "Pod", "metadata", meta,
                     "spec", spec);
}

/* The node a daemon pod is for: spec.nodeName, else its metadata.name node affinity. */
static const char *pod_node(const json_t *pod)
{
    const char *n = cube_json_str(pod, "spec", "nodeName", NULL);
    if (n && *n)
        return n;
    json_t *terms =
        cube_json_path(pod, "spec", "affinity", "nodeAffinity",
                       "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", NULL);
    size_t i, j;
    json_t *t, *f;
    json_array_foreach(terms, i, t)
    {
        json_array_foreach(json_object_get(t, "matchFields"), j, f)
        {
            const char *key = json_string_value(json_object_get(f, "key"));
            json_t *vals = json_object_get(f, "values");
            if (key && !strcmp(key, "metadata.name") && json_array_size(vals) == 1)
                return json_string_value(json_array_get(vals, 0));
        }
    }
    return NULL;
}

static int resolve_max_unavailable(const json_t *ds, int desired)
{
    json_t *v =
        cube_json_path(ds, "spec", "updateStrategy", "rollingUpdate", "maxUnavailable", NULL);
    int n = 1;
    if (json_is_integer(v))
        n = (int)json_integer_value(v);
    else if (json_is_string(v)) {
        int pct = atoi(json_string_value(v));
        n = (pct * desired + 99) / 100;
    }
    return n < 1 ? 1 : n;
}

static int cmp_created(const void *a, const void *b)
{
    const char *ta = cube_json_str(*(json_t *const *)a, "metadata", "creationTimestamp", NULL);
    const char *tb = cube_json_str(*(json_t *const *)b, "metadata", "creationTimestamp", NULL);
    int c = strcmp(ta ? ta : "", tb ? tb : "");
    if (c)
        return c;
    const char *na = cube_json_str(*(json_t *const *)a, "metadata", "name", NULL);
    const char *nb = cube_json_str(*(json_t *const *)b, "metadata", "name", NULL);
    return strcmp(na ? na : "", nb ? nb : "");
}

void cube_daemonset_plan_clear(cube_ds_plan_t *p)
{
    json_decref(p->create_nodes);
    json_decref(p->delete_pods);
    json_decref(p->status);
    memset(p, 0, sizeof(*p));
}

void cube_daemonset_plan(const json_t *ds, json_t *const *nodes, size_t nn, json_t *const *pods,
                         size_t no, const char *hash, int64_t now, cube_ds_plan_t *ret)
{
    const char *uid = cube_json_str(ds, "metadata", "uid", NULL);
    json_t **owned = xcalloc(no + 1, sizeof(*owned));
    memcpy(owned, pods, no * sizeof(*owned));
    qsort(owned, no, sizeof(*owned), cmp_created);
    int min_ready = (int)json_integer_value(cube_json_path(ds, "spec", "minReadySeconds", NULL));
    const char *strategy = cube_json_str(ds, "spec", "updateStrategy", "type", NULL);
    bool rolling = !strategy || !strcmp(strategy, "RollingUpdate");

    json_t *to_create = json_array(); /* node names */
    json_t *to_delete = json_array(); /* pod names */
    json_auto_t *old_avail = json_array(); /* old, available pods: rolling update candidates */
    int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
    int unavailable = 0;
    for (size_t i = 0; i < nn; i++) {
        const char *node = cube_json_str(nodes[i], "metadata", "name", NULL);
        bool run, cont;
        cube_daemonset_node_fit(ds, nodes[i], &run, &cont);
        json_t *mine = NULL; /* the oldest active pod on the node */
        int count = 0;
        for (size_t k = 0; k < no; k++) {
            const json_t *ref = cube_ctrl_controller_ref(owned[k]);
            const char *ruid = ref ? json_string_value(json_object_get(ref, "uid")) : NULL;
            const char *pn = pod_node(owned[k]);
            if (!ruid || !uid || strcmp(ruid, uid) || !pn || strcmp(pn, node))
                continue;
            const char *pname = cube_json_str(owned[k], "metadata", "name", NULL);
            const char *phase = cube_json_str(owned[k], "status", "phase", NULL);
            json_t *pdt = cube_json_path(owned[k], "metadata", "deletionTimestamp", NULL);
            if (pdt && !json_is_null(pdt))
                continue;
            if (phase && !strcmp(phase, "Failed")) {
                json_array_append_new(to_delete, json_string(pname));
                continue;
            }
            if (!cont || count > 0) {
                json_array_append_new(to_delete, json_string(pname));
                count++;
                continue;
            }
            mine = owned[k];
            count++;
        }
        if (!run && count > 0)
            misscheduled++;
        if (!run)
            continue;
        desired++;
        if (!mine) {
            json_array_append_new(to_create, json_string(node));
            unavailable++;
            continue;
        }
        current++;
        const char *phash = cube_json_str(mine, "metadata", "labels", HASH_LABEL, NULL);
        bool is_new = phash && !strcmp(phash, hash);
        bool avail = cube_pod_is_available(mine, min_ready, now);
        if (cube_pod_is_ready(mine))
            ready++;
        if (is_new)
            updated++;
        if (avail)
            available++;
        else
            unavailable++;
        if (!is_new && rolling) {
            if (avail)
                json_array_append_new(old_avail,
                                      json_string(cube_json_str(mine, "metadata", "name", NULL)));
            else
                json_array_append_new(to_delete,
                                      json_string(cube_json_str(mine, "metadata", "name", NULL)));
        }
    }
    free(owned);
    int budget = resolve_max_unavailable(ds, desired) - unavailable;
    for (size_t i = 0; i < json_array_size(old_avail) && (int)i < budget; i++)
        json_array_append(to_delete, json_array_get(old_avail, i));

    json_t *status =
        json_pack("{s:i, s:i, s:i, s:i, s:I, s:i, s:i}", "currentNumberScheduled", current,
                  "desiredNumberScheduled", desired, "numberMisscheduled", misscheduled,
                  "numberReady", ready, "observedGeneration",
                  json_integer_value(cube_json_path(ds, "metadata", "generation", NULL)),
                  "updatedNumberScheduled", updated, "numberAvailable", available);
    if (desired - available > 0)
        json_object_set_new(status, "numberUnavailable", json_integer(desired - available));
    if (!available)
        json_object_del(status, "numberAvailable");
    ret->create_nodes = to_create;
    ret->delete_pods = to_delete;
    ret->status = status;
}

/* ---- the controller ------------------------------------------------------ */

typedef struct ds_state {
    cube_ctrl_ctx_t *ctx;
    const cube_resource_t *r_ds, *r_pod;
    cube_informer_t *dss, *pods, *nodes, *revs;
    cube_workqueue_t *q;
    cube_ctrl_workers_t *w;
    cube_recorder_t *rec;
    cube_expectations_t *exp;
} ds_state_t;

static void ds_event(json_t *obj, void *u)
{
    ds_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_workqueue_add(s->q, key);
}
static void ds_update(json_t *old, json_t *obj, void *u)
{
    ds_event(obj, u);
}
static void ds_delete(json_t *obj, void *u)
{
    ds_state_t *s = u;
    _cleanup_free_ char *key = cube_object_key(obj);
    cube_expectations_forget(s->exp, key);
}

static char *pod_ds_key(const json_t *pod)
{
    const json_t *ref = cube_ctrl_controller_ref(pod);
    const char *kind = ref ? json_string_value(json_object_get(ref, "kind")) : NULL;
    if (!kind || strcmp(kind, "DaemonSet"))
        return NULL;
    return xasprintf("%s/%s", cube_json_str(pod, "metadata", "namespace", NULL),
                     json_string_value(json_object_get(ref, "name")));
}

static void pod_add(json_t *obj, void *u)
{
    ds_state_t *s = u;
    _cleanup_free_ char *key = pod_ds_key(obj);
    if (!key)
        return;
    cube_expectations_observe(s->exp, key, 1, 0);
    cube_workqueue_add(s->q, key);
}
static void pod_update(json_t *old, json_t *obj, void *u)
{
    ds_state_t *s = u;
    _cleanup_free_ char *key = pod_ds_key(obj);
    if (key && old != obj)
        cube_workqueue_add(s->q, key);
}
static void pod_delete(json_t *obj, void *u)
{
    ds_state_t *s = u;
    _cleanup_free_ char *key = pod_ds_key(obj);
    if (!key)
        return;
    cube_expectations_observe(s->exp, key, 0, 1);
    cube_workqueue_add(s->q, key);
}

static void enqueue_all(ds_state_t *s)
{
    json_t **all = NULL;
    size_t n = cube_informer_list(s->dss, &all);
    for (size_t i = 0; i < n; i++)
        ds_event(all[i], s);
    cube_json_refs_free(all, n);
}
static void node_add(json_t *obj, void *u)
{
    enqueue_all(u);
}
static void node_update(json_t *old, json_t *obj, void *u)
{
    if (old == obj)
        return;
    if (json_equal(cube_json_path(old, "metadata", "labels", NULL),
                   cube_json_path(obj, "metadata", "labels", NULL)) &&
        json_equal(cube_json_path(old, "spec", "taints", NULL),
                   cube_json_path(obj, "spec", "taints", NULL)))
        return;
    enqueue_all(u);
}

int cube_ctrl_ensure_revision(cube_client_t *c, cube_informer_t *revs_inf, const json_t *ds,
                              const char *kind, const char *hash, cube_err_t *err)
{
    const char *ns = cube_json_str(ds, "metadata", "namespace", NULL);
    const char *name = cube_json_str(ds, "metadata", "name", NULL);
    _cleanup_free_ char *rname = xasprintf("%s-%s", name, hash);
    json_auto_t *have = cube_informer_get(revs_inf, ns, rname);
    if (have)
        return 0;
    const char *uid = cube_json_str(ds, "metadata", "uid", NULL);
    json_t **revs = NULL;
    size_t n = cube_informer_by_index(revs_inf, CUBE_CTRL_INDEX_OWNER, uid ? uid : "", &revs);
    json_int_t max = 0;
    for (size_t i = 0; i < n; i++) {
        json_int_t r = json_integer_value(json_object_get(revs[i], "revision"));
        max = r > max ? r : max;
    }
    cube_json_refs_free(revs, n);
    json_t *tmpl = json_deep_copy(cube_json_path(ds, "spec", "template", NULL));
    json_object_set_new(tmpl, "$patch", json_string("replace"));
    json_t *labels =
        json_deep_copy(cube_json_path(ds, "spec", "template", "metadata", "labels", NULL));
    if (!json_is_object(labels)) {
        json_decref(labels);
        labels = json_object();
    }
    json_object_set_new(labels, HASH_LABEL, json_string(hash));
    json_auto_t *rev = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:o, s:[o]}, s:{s:{s:o}}, s:I}", "apiVersion", "apps/v1", "kind",
        "ControllerRevision", "metadata", "name", rname, "namespace", ns, "labels", labels,
        "ownerReferences", cube_ctrl_new_controller_ref(ds, "apps/v1", kind), "data", "spec",
        "template", tmpl, "revision", max + 1);
    const cube_resource_t *r_rev = cube_api_resource_find("apps", "v1", "controllerrevisions");
    if (cube_client_create(c, r_rev, ns, rev, NULL, err) < 0 &&
        strcmp(err->reason ? err->reason : "", "AlreadyExists"))
        return -1;
    cube_err_clear(err);
    return 0;
}

static int sync_ds(const char *key, void *u)
{
    ds_state_t *s = u;
    if (!cube_informer_synced(s->dss) || !cube_informer_synced(s->pods) ||
        !cube_informer_synced(s->nodes) || !cube_informer_synced(s->revs))
        return -1;
    _cleanup_free_ char *ns = NULL, *name = NULL;
    cube_split_key(key, &ns, &name);
    json_auto_t *ds = cube_informer_get(s->dss, ns, name);
    if (!ds)
        return 0;
    json_t *dt = cube_json_path(ds, "metadata", "deletionTimestamp", NULL);
    if ((dt && !json_is_null(dt)) || !cube_expectations_satisfied(s->exp, key))
        return 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    _cleanup_free_ char *hash =
        cube_ctrl_revision_hash(cube_json_path(ds, "spec", "template", NULL));
    if (cube_ctrl_ensure_revision(s->ctx->client, s->revs, ds, "DaemonSet", hash, &err) < 0) {
        cube_log_v(2, "daemonset: revision of \"%s\": %s", key, err.msg);
        return -1;
    }
    const char *uid = cube_json_str(ds, "metadata", "uid", NULL);
    json_t **owned = NULL, **nodes = NULL;
    size_t no = cube_informer_by_index(s->pods, CUBE_CTRL_INDEX_OWNER, uid ? uid : "", &owned);
    size_t nn = cube_informer_list(s->nodes, &nodes);
    cube_ds_plan_t plan;
    cube_daemonset_plan(ds, nodes, nn, owned, no, hash, (int64_t)time(NULL), &plan);
    cube_json_refs_free(nodes, nn);
    cube_json_refs_free(owned, no);
    json_t *to_delete = plan.delete_pods, *to_create = plan.create_nodes, *status = plan.status;
    int min_ready = (int)json_integer_value(cube_json_path(ds, "spec", "minReadySeconds", NULL));
    json_int_t ready = json_integer_value(json_object_get(status, "numberReady"));
    json_int_t available = json_integer_value(json_object_get(status, "numberAvailable"));

    int rc = 0;
    size_t i;
    json_t *v;
    if (json_array_size(to_delete))
        cube_expectations_expect(s->exp, key, 0, (int)json_array_size(to_delete));
    json_array_foreach(to_delete, i, v)
    {
        if (cube_client_delete(s->ctx->client, s->r_pod, ns, json_string_value(v), NULL, &err) <
            0) {
            cube_expectations_observe(s->exp, key, 0, 1);
            if (err.code != 404)
                rc = -1;
        } else {
            cube_recorder_event(s->rec, ds, "Normal", "SuccessfulDelete", "Deleted pod: %s",
                                json_string_value(v));
        }
        cube_err_clear(&err);
    }
    if (json_array_size(to_create))
        cube_expectations_expect(s->exp, key, (int)json_array_size(to_create), 0);
    json_array_foreach(to_create, i, v)
    {
        json_auto_t *pod = cube_daemonset_new_pod(ds, json_string_value(v), hash);
        json_auto_t *created = NULL;
        if (cube_client_create(s->ctx->client, s->r_pod, ns, pod, &created, &err) < 0) {
            cube_expectations_observe(s->exp, key, 1, 0);
            cube_recorder_event(s->rec, ds, "Warning", "FailedCreate", "Error creating: %s",
                                err.msg);
            rc = -1;
        } else {
            cube_recorder_event(s->rec, ds, "Normal", "SuccessfulCreate", "Created pod: %s",
                                cube_json_str(created, "metadata", "name", NULL));
        }
        cube_err_clear(&err);
    }

    json_t *old = json_object_get(ds, "status");
    json_auto_t *merged = json_is_object(old) ? json_deep_copy(old) : json_object();
    json_object_del(merged, "numberUnavailable");
    json_object_del(merged, "numberAvailable");
    json_object_update(merged, status);
    if (!json_equal(merged, old)) {
        json_auto_t *upd = json_deep_copy(ds);
        json_object_set(upd, "status", merged);
        if (cube_client_update(s->ctx->client, s->r_ds, upd, "status", NULL, &err) < 0) {
            cube_log_v(2, "daemonset: status of \"%s\": %s", key, err.msg);
            rc = -1;
        }
    }
    /* Pods become available minReadySeconds after they are ready: look again then. */
    if (min_ready > 0 && ready > available)
        cube_workqueue_add_after(s->q, key, min_ready * 1000);
    cube_daemonset_plan_clear(&plan);
    return rc;
}

static int ds_start(cube_ctrl_ctx_t *ctx, void **ret_state, cube_err_t *err)
{
    ds_state_t *s = xcalloc(1, sizeof(*s));
    s->ctx = ctx;
    s->r_ds = cube_api_resource_find("apps", "v1", "daemonsets");
    s->r_pod = cube_api_resource_find("", "v1", "pods");
    s->dss = cube_informers_get(ctx->informers, s->r_ds, NULL);
    s->pods = cube_informers_get(ctx->informers, s->r_pod, NULL);
    s->revs = cube_informers_get(ctx->informers,
                                 cube_api_resource_find("apps", "v1", "controllerrevisions"), NULL);
    s->nodes = cube_informers_get(ctx->informers, cube_api_resource_find("", "v1", "nodes"), NULL);
    s->rec = cube_recorder_new(ctx->client, "daemonset-controller", NULL);
    s->exp = cube_expectations_new();
    s->q = cube_workqueue_new("daemonset", 5, 60000, 0, 0);
    cube_informer_add_handlers(s->dss, &(cube_informer_handlers_t){.on_add = ds_event,
                                                                   .on_update = ds_update,
                                                                   .on_delete = ds_delete,
                                                                   .userdata = s});
    cube_informer_add_handlers(s->pods, &(cube_informer_handlers_t){.on_add = pod_add,
                                                                    .on_update = pod_update,
                                                                    .on_delete = pod_delete,
                                                                    .userdata = s});
    cube_informer_add_handlers(s->nodes, &(cube_informer_handlers_t){.on_add = node_add,
                                                                     .on_update = node_update,
                                                                     .on_delete = node_add,
                                                                     .userdata = s});
    s->w = cube_ctrl_workers_start(ctx, s->q, ctx->cfg->workers, sync_ds, s);
    *ret_state = s;
    return 0;
}

static void ds_stop(void *state)
{
    ds_state_t *s = state;
    if (!s)
        return;
    cube_ctrl_workers_stop(s->w);
    cube_workqueue_free(s->q);
    cube_recorder_free(s->rec);
    cube_expectations_free(s->exp);
    free(s);
}

const cube_controller_ops_t cube_ctrl_daemonset = {
    .name = "daemonset",
    .start = ds_start,
    .stop = ds_stop,
};
