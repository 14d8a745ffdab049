/*
 * Admission: what a write must pass after defaulting and before validation,
 * as the ordered plugins of Kubernetes' API server. On create:
 * NamespaceLifecycle (no new objects in a namespace that does not exist or
 * is terminating), then for Services the ClusterIP and NodePort allocators
 * (alloc.c), and for Pods LimitRanger (container defaults from the
 * namespace's LimitRanges, then their min/max checks), ServiceAccount
 * (serviceAccountName defaults to "default"; the account must exist when
 * --service-account-admission-check says so), DefaultTolerationSeconds (300 s
 * tolerations of the not-ready and unreachable NoExecute taints) and Priority
 * (priorityClassName resolved to spec.priority and spec.preemptionPolicy; the
 * global default class; an unknown class is refused). PriorityClasses: only
 * one may be the global default. PodSecurity (podsecurity.c) checks pods and
 * pod templates on create, pods on update. On update: the Service allocators (a type
 * change to NodePort gets its node ports).
 */
#include "apiserver/internal.h"

static int namespace_lifecycle(cube_apiserver_t *srv, const cube_resource_t *r, json_t *obj,
                               cube_err_t *err)
{
    if (!r->namespaced)
        return 0;
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (!ns || !*ns)
        return 0;
    const cube_resource_t *nsr = cube_api_resource_find("", "v1", "namespaces");
    _cleanup_free_ char *key = cube_key(nsr, NULL, ns);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o) { /* maybe created a moment ago: catch up with the store once */
        cube_cache_sync(srv->cache, 5000);
        o = cube_cache_get(srv->cache, key);
    }
    if (!o) {
        cube_err_notfound(err, "namespaces \"%s\" not found", ns);
        err->details = json_pack("{s:s, s:s}", "name", ns, "kind", "namespaces");
        return -1;
    }
    json_auto_t *nsobj = json_loadb(o->json->data, o->json->len, 0, NULL);
    cube_obj_unref(o);
    bool terminating = cube_json_path(nsobj, "metadata", "deletionTimestamp", NULL) != NULL;
    /* Events may still be written into a terminating namespace, as in Kubernetes. */
    if (terminating && strcmp(r->plural, "events")) {
        const char *name = cube_json_str(obj, "metadata", "name", NULL);
        char qr[160];
        cube_qualified_resource(r, qr, sizeof(qr));
        cube_err_set(err, 403, "Forbidden",
                     "%s \"%s\" is forbidden: unable to create new content in namespace %s "
                     "because it is being terminated",
                     qr, name ? name : "", ns);
        err->details =
            json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", name ? name : "", "kind",
                      r->plural, "causes", "reason", "NamespaceTerminating", "message",
                      "namespace is being terminated", "field", "metadata.namespace");
        return -1;
    }
    return 0;
}

/* 403 `<resource> "<name>" is forbidden: <msg>`, as admission.NewForbidden words it. */
static int forbidden(cube_err_t *err, const cube_resource_t *r, const json_t *obj, const char *msg)
{
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    char qr[160];
    cube_qualified_resource(r, qr, sizeof(qr));
    cube_err_set(err, 403, "Forbidden", "%s \"%s\" is forbidden: %s", qr, name ? name : "", msg);
    err->details = cube_status_details(r, name ? name : "");
    return -1;
}

/* The cached object group/plural ns/name as a JSON tree, or NULL. */
static json_t *cached(cube_apiserver_t *srv, const char *group, const char *plural, const char *ns,
                      const char *name)
{
    const cube_resource_t *r = cube_api_resource_find(group, "v1", plural);
    if (!r)
        return NULL;
    _cleanup_free_ char *key = cube_key(r, ns, name);
    cube_obj_t *o = cube_cache_get(srv->cache, key);
    if (!o)
        return NULL;
    json_t *j = json_loadb(o->json->data, o->json->len, 0, NULL);
    cube_obj_unref(o);
    return j;
}

/* Every cached object of group/plural (in ns, or all for cluster-scoped) as a JSON array. */
static json_t *cached_list(cube_apiserver_t *srv, const char *group, const char *plural,
                           const char *ns)
{
    json_t *out = json_array();
    const cube_resource_t *r = cube_api_resource_find(group, "v1", plural);
    if (!r)
        return out;
    _cleanup_free_ char *prefix = cube_key(r, ns, NULL);
    cube_obj_t **objs = NULL;
    size_t n = cube_cache_list_prefix(srv->cache, prefix, &objs);
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_loadb(objs[i]->json->data, objs[i]->json->len, 0, NULL);
        if (j)
            json_array_append_new(out, j);
    }
    cube_objs_free(objs, n);
    return out;
}

/* ---- LimitRanger ------------------------------------------------------------ */

/* Sets the resources of c missing from defaults; notes what it set for the annotation. */
static void merge_defaults(json_t *c, const json_t *defaults, const char *field, const char *what,
                           const char *prefix, cube_buf_t *note)
{
    if (!json_object_size(defaults))
        return;
    json_t *res = cube_json_obj(c, "resources");
    json_t *have = cube_json_obj(res, field);
    /* sorted names, as Kubernetes sorts them */
    const char *names[32];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)defaults, k, v)
    {
        if (json_object_get(have, k) || n == CUBE_ARRAY_SIZE(names))
            continue;
        json_object_set(have, k, v);
        size_t i = n++;
        while (i > 0 && strcmp(names[i - 1], k) > 0) {
            names[i] = names[i - 1];
            i--;
        }
        names[i] = k;
    }
    if (!n)
        return;
    if (note->len)
        cube_buf_puts(note, "; ");
    for (size_t i = 0; i < n; i++) {
        if (i)
            cube_buf_puts(note, ", ");
        cube_buf_puts(note, names[i]);
    }
    cube_buf_printf(note, " %s for %s %s", what, prefix, cube_json_str(c, "name", NULL) ?: "");
}

static char *canonical(const char *q)
{
    char *out = NULL;
    if (q && cube_quantity_canonical(q, &out, NULL) == 0)
        return out;
    return xstrdup(q ? q : "");
}

static bool milli(const json_t *v, int64_t *ret)
{
    const char *s = json_string_value(v);
    return s && cube_quantity_parse(s, ret, NULL) == 0;
}

/* min/max/ratio of one Container item against one container's resources, as Kubernetes' limit
   ranger words each failure. */
static void check_container(const json_t *item, const json_t *c, json_t *errs)
{
    const json_t *req = cube_json_path(c, "resources", "requests", NULL);
    const json_t *lim = cube_json_path(c, "resources", "limits", NULL);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(item, "min"), k, v)
    {
        int64_t want, r, l;
        json_t *rq = json_object_get(req, k), *lm = json_object_get(lim, k);
        if (!milli(v, &want))
            continue;
        _cleanup_free_ char *e = canonical(json_string_value(v));
        if (!rq) {
            json_array_append_new(errs, json_sprintf("minimum %s usage per Container is %s.  No "
                                                     "request is specified",
                                                     k, e));
        } else if (milli(rq, &r) && r < want) {
            _cleanup_free_ char *o = canonical(json_string_value(rq));
            json_array_append_new(errs, json_sprintf("minimum %s usage per Container is %s, but "
                                                     "request is %s",
                                                     k, e, o));
        } else if (lm && milli(lm, &l) && l < want) {
            _cleanup_free_ char *o = canonical(json_string_value(lm));
            json_array_append_new(errs, json_sprintf("minimum %s usage per Container is %s, but "
                                                     "limit is %s",
                                                     k, e, o));
        }
    }
    json_object_foreach(json_object_get(item, "max"), k, v)
    {
        int64_t want, r, l;
        json_t *rq = json_object_get(req, k), *lm = json_object_get(lim, k);
        if (!milli(v, &want))
            continue;
        _cleanup_free_ char *e = canonical(json_string_value(v));
        if (!lm) {
            json_array_append_new(errs, json_sprintf("maximum %s usage per Container is %s.  No "
                                                     "limit is specified",
                                                     k, e));
        } else if (milli(lm, &l) && l > want) {
            _cleanup_free_ char *o = canonical(json_string_value(lm));
            json_array_append_new(errs, json_sprintf("maximum %s usage per Container is %s, but "
                                                     "limit is %s",
                                                     k, e, o));
        } else if (rq && milli(rq, &r) && r > want) {
            _cleanup_free_ char *o = canonical(json_string_value(rq));
            json_array_append_new(errs, json_sprintf("maximum %s usage per Container is %s, but "
                                                     "request is %s",
                                                     k, e, o));
        }
    }
    json_object_foreach(json_object_get(item, "maxLimitRequestRatio"), k, v)
    {
        int64_t ratio, r, l;
        json_t *rq = json_object_get(req, k), *lm = json_object_get(lim, k);
        if (!milli(v, &ratio))
            continue;
        _cleanup_free_ char *e = canonical(json_string_value(v));
        if (!rq || !lm) {
            json_array_append_new(errs, json_sprintf("%s max limit to request ratio per Container "
                                                     "is %s, but no %s is specified",
                                                     k, e, !rq ? "request" : "limit"));
        } else if (milli(rq, &r) && milli(lm, &l) && r > 0 &&
                   (double)l / (double)r > (double)ratio / 1000.0) {
            json_array_append_new(errs, json_sprintf("%s max limit to request ratio per Container "
                                                     "is %s, but provided ratio is %f",
                                                     k, e, (double)l / (double)r));
        }
    }
}

static int limit_ranger(cube_apiserver_t *srv, const cube_resource_t *r, json_t *pod,
                        cube_err_t *err)
{
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    json_auto_t *lrs = cached_list(srv, "", "limitranges", ns);
    if (!json_array_size(lrs))
        return 0;
    json_t *spec = json_object_get(pod, "spec");
    cube_buf_t note _cleanup_buf_ = CUBE_BUF_INIT;
    json_auto_t *errs = json_array();
    static const struct {
        const char *field, *prefix;
    } lists[] = {{"initContainers", "init container"}, {"containers", "container"}};
    size_t i, j, k;
    json_t *lr, *item, *c;
    json_array_foreach(lrs, i, lr)
    {
        json_array_foreach(cube_json_path(lr, "spec", "limits", NULL), j, item)
        {
            const char *type = cube_json_str(item, "type", NULL);
            if (!type || strcmp(type, "Container"))
                continue;
            for (size_t l = 0; l < CUBE_ARRAY_SIZE(lists); l++)
                json_array_foreach(json_object_get(spec, lists[l].field), k, c)
                {
                    merge_defaults(c, json_object_get(item, "defaultRequest"), "requests",
                                   "request", lists[l].prefix, &note);
                    merge_defaults(c, json_object_get(item, "default"), "limits", "limit",
                                   lists[l].prefix, &note);
                }
        }
    }
    json_array_foreach(lrs, i, lr)
    {
        json_array_foreach(cube_json_path(lr, "spec", "limits", NULL), j, item)
        {
            const char *type = cube_json_str(item, "type", NULL);
            if (!type || strcmp(type, "Container"))
                continue;
            for (size_t l = 0; l < CUBE_ARRAY_SIZE(lists); l++)
                json_array_foreach(json_object_get(spec, lists[l].field), k, c)
                    check_container(item, c, errs);
        }
    }
    if (note.len) {
        json_t *ann = cube_json_obj(cube_json_obj(pod, "metadata"), "annotations");
        json_object_set_new(ann, "kubernetes.io/limit-ranger",
                            json_sprintf("LimitRanger plugin set: %s", note.data));
    }
    if (!json_array_size(errs))
        return 0;
    /* an aggregate of several errors reads "[a, b]" */
    cube_buf_t msg _cleanup_buf_ = CUBE_BUF_INIT;
    if (json_array_size(errs) > 1)
        cube_buf_puts(&msg, "[");
    json_array_foreach(errs, i, c)
    {
        if (i)
            cube_buf_puts(&msg, ", ");
        cube_buf_puts(&msg, json_string_value(c));
    }
    if (json_array_size(errs) > 1)
        cube_buf_puts(&msg, "]");
    return forbidden(err, r, pod, msg.data);
}

/* ---- ServiceAccount ----------------------------------------------------------- */

#define SA_MOUNT "/var/run/secrets/kubernetes.io/serviceaccount"

/* The kube-api-access-<5> projected volume and its mounts, as Kubernetes adds them: the
 * bound token (refreshed by the kubelet), the cluster CA and the namespace. */
static void add_token_volume(json_t *pod)
{
    json_t *spec = json_object_get(pod, "spec");
    static const char *const lists[] = {"initContainers", "containers"};
    for (size_t l = 0; l < 2; l++) { /* a mount of its own at the path: nothing to add */
        size_t i, j;
        json_t *c, *m;
        json_array_foreach(json_object_get(spec, lists[l]), i, c) json_array_foreach(
            json_object_get(c, "volumeMounts"), j,
            m) if (!strcmp(cube_json_str(m, "mountPath", NULL) ?: "", SA_MOUNT)) return;
    }
    char suffix[6];
    cube_random_suffix(suffix, 5);
    _cleanup_free_ char *name = xasprintf("kube-api-access-%s", suffix);
    json_t *vol = json_pack(
        "{s:s,s:{s:i,s:[{s:{s:i,s:s}},{s:{s:s,s:[{s:s,s:s}]}},{s:{s:[{s:s,s:{s:s,s:s}}]}}]}}",
        "name", name, "projected", "defaultMode", 420, "sources", "serviceAccountToken",
        "expirationSeconds", 3607, "path", "token", "configMap", "name", "kube-root-ca.crt",
        "items", "key", "ca.crt", "path", "ca.crt", "downwardAPI", "items", "path", "namespace",
        "fieldRef", "apiVersion", "v1", "fieldPath", "metadata.namespace");
    json_t *vols = json_object_get(spec, "volumes");
    if (!json_is_array(vols))
        json_object_set_new(spec, "volumes", vols = json_array());
    json_array_append_new(vols, vol);
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(spec, lists[l]), i, c)
        {
            json_t *mounts = json_object_get(c, "volumeMounts");
            if (!json_is_array(mounts))
                json_object_set_new(c, "volumeMounts", mounts = json_array());
            json_array_append_new(mounts, json_pack("{s:s,s:b,s:s}", "name", name, "readOnly", 1,
                                                    "mountPath", SA_MOUNT));
        }
    }
}

static int service_account(cube_apiserver_t *srv, const cube_resource_t *r, json_t *pod,
                           cube_err_t *err)
{
    json_t *spec = json_object_get(pod, "spec");
    /* mirror pods (static pods of a kubelet) are left as their manifest says */
    if (cube_json_str(pod, "metadata", "annotations", "kubernetes.io/config.mirror", NULL))
        return 0;
    const char *sa = cube_json_str(spec, "serviceAccountName", NULL);
    if (!sa || !*sa) {
        sa = cube_json_str(spec, "serviceAccount", NULL);
        json_object_set_new(spec, "serviceAccountName", json_string(sa && *sa ? sa : "default"));
        sa = cube_json_str(spec, "serviceAccountName", NULL);
    }
    json_object_set_new(spec, "serviceAccount", json_string(sa));
    const char *ns = cube_json_str(pod, "metadata", "namespace", NULL);
    json_auto_t *acct = cached(srv, "", "serviceaccounts", ns, sa);
    /* the token volume unless the pod, else its account, says automount: false */
    json_t *am = json_object_get(spec, "automountServiceAccountToken");
    if (!json_is_boolean(am))
        am = json_object_get(acct, "automountServiceAccountToken");
    if (!json_is_false(am))
        add_token_volume(pod);
    if (!srv->cfg->service_account_admission_check)
        return 0;
    if (!acct) {
        cube_cache_sync(srv->cache, 2000);
        acct = cached(srv, "", "serviceaccounts", ns, sa);
    }
    if (acct)
        return 0;
    _cleanup_free_ char *msg = xasprintf(
        "error looking up service account %s/%s: serviceaccount \"%s\" not found", ns, sa, sa);
    return forbidden(err, r, pod, msg);
}

/* ---- DefaultTolerationSeconds ------------------------------------------------- */

static void default_toleration_seconds(json_t *pod)
{
    static const char *const taints[] = {"node.kubernetes.io/not-ready",
                                         "node.kubernetes.io/unreachable"};
    json_t *spec = json_object_get(pod, "spec");
    json_t *tols = json_object_get(spec, "tolerations");
    bool tolerated[2] = {false, false};
    size_t i;
    json_t *t;
    json_array_foreach(tols, i, t)
    {
        const char *key = cube_json_str(t, "key", NULL);
        const char *effect = cube_json_str(t, "effect", NULL);
        if (effect && *effect && strcmp(effect, "NoExecute"))
            continue;
        for (size_t k = 0; k < 2; k++)
            if (!key || !*key || !strcmp(key, taints[k]))
                tolerated[k] = true;
    }
    for (size_t k = 0; k < 2; k++) {
        if (tolerated[k])
            continue;
        if (!json_is_array(tols)) {
            tols = json_array();
            json_object_set_new(spec, "tolerations", tols);
        }
        json_array_append_new(tols,
                              json_pack("{s:s, s:s, s:s, s:i}", "key", taints[k], "operator",
                                        "Exists", "effect", "NoExecute", "tolerationSeconds", 300));
    }
}

/* ---- Priority ----------------------------------------------------------------- */

static int priority(cube_apiserver_t *srv, const cube_resource_t *r, json_t *pod, cube_err_t *err)
{
    json_t *spec = json_object_get(pod, "spec");
    const char *name = cube_json_str(spec, "priorityClassName", NULL);
    json_auto_t *pc = NULL;
    bool by_default = false;
    if (name && *name) {
        pc = cached(srv, "scheduling.k8s.io", "priorityclasses", NULL, name);
        if (!pc) {
            cube_cache_sync(srv->cache, 2000);
            pc = cached(srv, "scheduling.k8s.io", "priorityclasses", NULL, name);
        }
        if (!pc) {
            _cleanup_free_ char *msg = xasprintf("no PriorityClass with name %s was found", name);
            return forbidden(err, r, pod, msg);
        }
    } else {
        /* the global default class with the highest value, if any */
        json_auto_t *all = cached_list(srv, "scheduling.k8s.io", "priorityclasses", NULL);
        size_t i;
        json_t *c;
        json_array_foreach(all, i, c)
        {
            if (!json_is_true(json_object_get(c, "globalDefault")))
                continue;
            if (!pc || json_integer_value(json_object_get(c, "value")) >
                           json_integer_value(json_object_get(pc, "value"))) {
                json_decref(pc);
                pc = json_incref(c);
            }
        }
        by_default = true;
    }
    json_int_t value = pc ? json_integer_value(json_object_get(pc, "value")) : 0;
    const char *policy = pc ? cube_json_str(pc, "preemptionPolicy", NULL) : NULL;
    if (!policy || !*policy)
        policy = "PreemptLowerPriority";
    json_t *have = json_object_get(spec, "priority");
    /* without a class name the defaults already put 0 there: that is no request */
    bool defaulted = by_default && json_integer_value(have) == 0;
    if (json_is_integer(have) && !defaulted && json_integer_value(have) != value) {
        _cleanup_free_ char *msg =
            xasprintf("the integer value of priority (%lld) must not be provided in pod spec; "
                      "priority admission controller computed %lld from the given PriorityClass "
                      "name",
                      (long long)json_integer_value(have), (long long)value);
        return forbidden(err, r, pod, msg);
    }
    const char *have_policy = cube_json_str(spec, "preemptionPolicy", NULL);
    if (have_policy && !by_default && strcmp(have_policy, policy)) {
        _cleanup_free_ char *msg =
            xasprintf("the string value of PreemptionPolicy (%s) must not be provided in pod "
                      "spec; priority admission controller computed %s from the given "
                      "PriorityClass name",
                      have_policy, policy);
        return forbidden(err, r, pod, msg);
    }
    if (pc && by_default)
        json_object_set_new(spec, "priorityClassName",
                            json_string(cube_json_str(pc, "metadata", "name", NULL)));
    json_object_set_new(spec, "priority", json_integer(value));
    json_object_set_new(spec, "preemptionPolicy", json_string(policy));
    return 0;
}

/* Priority's check of PriorityClasses: one global default at most. */
static int priority_class_default(cube_apiserver_t *srv, const cube_resource_t *r, json_t *pc,
                                  const json_t *old, cube_err_t *err)
{
    if (!json_is_true(json_object_get(pc, "globalDefault")))
        return 0;
    const char *name = cube_json_str(pc, "metadata", "name", NULL);
    json_auto_t *all = cached_list(srv, "scheduling.k8s.io", "priorityclasses", NULL);
    size_t i;
    json_t *c;
    json_array_foreach(all, i, c)
    {
        const char *other = cube_json_str(c, "metadata", "name", NULL);
        if (json_is_true(json_object_get(c, "globalDefault")) && other && name &&
            strcmp(other, name)) {
            _cleanup_free_ char *msg = xasprintf(
                "PriorityClass %s is already marked as default. Only one default can exist", other);
            return forbidden(err, r, pc, msg);
        }
    }
    return 0;
}

/* ---- the chains ------------------------------------------------------------- */

static bool is(const cube_resource_t *r, const char *group, const char *plural)
{
    return !strcmp(r->group, group) && !strcmp(r->plural, plural);
}

int cube_admission_create(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                          json_t *obj, json_t *warnings, cube_err_t *err)
{
    if (namespace_lifecycle(srv, r, obj, err) < 0)
        return -1;
    if (cube_node_restriction(user, r, CUBE_OP_CREATE, obj, err) < 0 ||
        cube_rbac_admit(srv, user, r, obj, err) < 0)
        return -1;
    /* PodSecurity (podsecurity.c): pods and pod templates; warnings need the request (TODO) */
    if (cube_podsecurity_admit(srv, r, CUBE_OP_CREATE, obj, NULL, warnings, err) < 0)
        return -1;
    if (is(r, "", "pods")) {
        if (limit_ranger(srv, r, obj, err) < 0 || service_account(srv, r, obj, err) < 0)
            return -1;
        default_toleration_seconds(obj);
        if (priority(srv, r, obj, err) < 0)
            return -1;
        /* Kubernetes admits before the strategy runs: what admission set (resources from
           LimitRanges) counts for what the strategy derives (status.qosClass) */
        cube_api_prepare(r, CUBE_OP_CREATE, obj, NULL);
        return cube_quota_admit(srv, r, obj, err);
    }
    if (is(r, "", "services") && cube_bootstrap_svc_alloc(srv) &&
        cube_svc_alloc_admit(cube_bootstrap_svc_alloc(srv), obj, NULL, err) < 0)
        return -1;
    if (is(r, "scheduling.k8s.io", "priorityclasses"))
        return priority_class_default(srv, r, obj, NULL, err);
    if (is(r, "", "secrets"))
        cube_sa_legacy_fill(srv, obj);
    /* ResourceQuota last, as Kubernetes orders it: it counts what the others made */
    return cube_quota_admit(srv, r, obj, err);
}

int cube_admission_update(cube_apiserver_t *srv, const cube_user_t *user, const cube_resource_t *r,
                          cube_api_op_t op, json_t *obj, const json_t *old, json_t *warnings,
                          cube_err_t *err)
{
    if (cube_node_restriction(user, r, op, obj, err) < 0)
        return -1;
    if (op != CUBE_OP_UPDATE)
        return 0;
    if (cube_rbac_admit(srv, user, r, obj, err) < 0)
        return -1;
    if (cube_podsecurity_admit(srv, r, op, obj, old, warnings, err) < 0)
        return -1;
    if (is(r, "", "services") && cube_bootstrap_svc_alloc(srv))
        return cube_svc_alloc_admit(cube_bootstrap_svc_alloc(srv), obj, old, err);
    if (is(r, "scheduling.k8s.io", "priorityclasses"))
        return priority_class_default(srv, r, obj, old, err);
    return 0;
}
