/*
 * ResourceQuota usage (pkg/quota/v1/evaluator/core): what one object counts against a
 * quota, in milli-units per resource name, shared by the API server's quota admission and
 * the controller manager's quota controller so that both count alike. Pods count "pods",
 * "count/pods" and their requests and limits (the larger of the containers' sum and any one
 * init container), unless terminal; Services their node ports and load balancers; claims
 * their storage requests; every type "count/<plural>[.<group>]", and the core types that
 * have one their legacy name ("configmaps", "secrets", ...).
 */
#include "api/internal.h"

static void add(json_t *u, const char *k, int64_t milli)
{
    json_int_t have = json_integer_value(json_object_get(u, k));
    json_object_set_new(u, k, json_integer(have + milli));
}

static int64_t qty(const json_t *v)
{
    int64_t m = 0;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    const char *s = json_string_value(v);
    if (!s && json_is_number(v))
        return (int64_t)(json_number_value(v) * 1000);
    return s && cube_quantity_parse(s, &m, &err) == 0 ? m : 0;
}

/* Pod requests or limits (which: "requests"/"limits") for one resource, as the scheduler
 * and quota count them: max(sum over containers, each init container). */
static int64_t pod_amount(const json_t *pod, const char *which, const char *res)
{
    int64_t sum = 0, init = 0;
    size_t i;
    json_t *c;
    json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), i, c) sum +=
        qty(cube_json_path(c, "resources", which, res, NULL));
    json_array_foreach(cube_json_path(pod, "spec", "initContainers", NULL), i, c)
    {
        int64_t v = qty(cube_json_path(c, "resources", which, res, NULL));
        if (v > init)
            init = v;
    }
    return sum > init ? sum : init;
}

static bool pod_terminal(const json_t *pod)
{
    const char *phase = cube_json_str(pod, "status", "phase", NULL);
    return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

static bool best_effort(const json_t *pod)
{
    const char *const which[] = {"requests", "limits"};
    size_t i;
    json_t *c;
    json_t *lists[] = {cube_json_path(pod, "spec", "containers", NULL),
                       cube_json_path(pod, "spec", "initContainers", NULL)};
    for (size_t l = 0; l < 2; l++)
        json_array_foreach(lists[l], i, c) for (size_t w = 0; w < 2; w++)
        {
            json_t *m = cube_json_path(c, "resources", which[w], NULL);
            if (json_object_get(m, "cpu") || json_object_get(m, "memory"))
                return false;
        }
    return true;
}

bool cube_quota_scopes_match(const json_t *quota, const cube_resource_t *r, const json_t *obj)
{
    json_t *scopes = cube_json_path(quota, "spec", "scopes", NULL);
    json_t *sel = cube_json_path(quota, "spec", "scopeSelector", "matchExpressions", NULL);
    if (!json_array_size(scopes) && !json_array_size(sel))
        return true;
    bool pod = !strcmp(r->group, "") && !strcmp(r->plural, "pods");
    if (!pod)
        return false; /* scoped quotas count pods only */
    size_t i;
    json_t *s;
    json_array_foreach(scopes, i, s)
    {
        const char *n = json_string_value(s) ?: "";
        bool term = cube_json_path(obj, "spec", "activeDeadlineSeconds", NULL) != NULL;
        if ((!strcmp(n, "Terminating") && !term) || (!strcmp(n, "NotTerminating") && term) ||
            (!strcmp(n, "BestEffort") && !best_effort(obj)) ||
            (!strcmp(n, "NotBestEffort") && best_effort(obj)))
            return false;
    }
    json_array_foreach(sel, i, s)
    {
        const char *name = cube_json_str(s, "scopeName", NULL) ?: "";
        const char *op = cube_json_str(s, "operator", NULL) ?: "";
        if (strcmp(name, "PriorityClass"))
            continue;
        const char *pc = cube_json_str(obj, "spec", "priorityClassName", NULL);
        bool in = false;
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(s, "values"), j,
                           v) if (pc && !strcmp(json_string_value(v) ?: "", pc)) in = true;
        if ((!strcmp(op, "In") && !in) || (!strcmp(op, "NotIn") && in) ||
            (!strcmp(op, "Exists") && !pc) || (!strcmp(op, "DoesNotExist") && pc))
            return false;
    }
    return true;
}

json_t *cube_quota_usage(const cube_resource_t *r, const json_t *obj)
{
    json_t *u = json_object();
    _cleanup_free_ char *count = *r->group ? xasprintf("count/%s.%s", r->plural, r->group)
                                           : xasprintf("count/%s", r->plural);
    bool core = !*r->group;
    if (core && !strcmp(r->plural, "pods")) {
        if (pod_terminal(obj) || cube_json_str(obj, "metadata", "deletionTimestamp", NULL))
            return u;
        add(u, "pods", 1000);
        add(u, count, 1000);
        static const char *const res[] = {"cpu", "memory", "ephemeral-storage"};
        for (size_t i = 0; i < 3; i++) {
            int64_t req = pod_amount(obj, "requests", res[i]);
            int64_t lim = pod_amount(obj, "limits", res[i]);
            _cleanup_free_ char *rk = xasprintf("requests.%s", res[i]);
            _cleanup_free_ char *lk = xasprintf("limits.%s", res[i]);
            add(u, rk, req);
            add(u, res[i], req);
            add(u, lk, lim);
        }
        return u;
    }
    add(u, count, 1000);
    if (core && !strcmp(r->plural, "services")) {
        add(u, "services", 1000);
        const char *type = cube_json_str(obj, "spec", "type", NULL) ?: "ClusterIP";
        bool lb = !strcmp(type, "LoadBalancer");
        if (lb)
            add(u, "services.loadbalancers", 1000);
        if (lb || !strcmp(type, "NodePort"))
            add(u, "services.nodeports",
                1000 * (int64_t)json_array_size(cube_json_path(obj, "spec", "ports", NULL)));
        else
            add(u, "services.nodeports", 0);
        return u;
    }
    if (core && !strcmp(r->plural, "persistentvolumeclaims")) {
        add(u, "persistentvolumeclaims", 1000);
        add(u, "requests.storage",
            qty(cube_json_path(obj, "spec", "resources", "requests", "storage", NULL)));
        return u;
    }
    static const char *const legacy[] = {"configmaps", "secrets", "replicationcontrollers",
                                         "resourcequotas"};
    for (size_t i = 0; core && i < CUBE_ARRAY_SIZE(legacy); i++)
        if (!strcmp(r->plural, legacy[i]))
            add(u, legacy[i], 1000);
    return u;
}

char *cube_quota_format(const char *resource, int64_t milli)
{
    if (milli % 1000) {
        /* a fraction: milli-units, as Kubernetes prints 500m */
        return xasprintf("%lldm", (long long)milli);
    }
    int64_t v = milli / 1000;
    if (v > 0 && (strstr(resource, "memory") || strstr(resource, "storage"))) {
        static const char *const sfx[] = {"Gi", "Mi", "Ki"};
        static const int64_t unit[] = {1LL << 30, 1LL << 20, 1LL << 10};
        for (size_t i = 0; i < 3; i++)
            if (v % unit[i] == 0)
                return xasprintf("%lld%s", (long long)(v / unit[i]), sfx[i]);
    }
    _cleanup_free_ char *plain = xasprintf("%lld", (long long)(milli / 1000));
    char *canon = NULL;
    cube_err_t err _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_quantity_canonical(plain, &canon, &err) < 0)
        return TAKE_PTR(plain);
    return canon;
}
