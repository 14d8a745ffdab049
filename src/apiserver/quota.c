/*
 * ResourceQuota admission (plugin/pkg/admission/resourcequota): a create in a namespace
 * with quotas is admitted only if, for every quota that covers it, what it adds (the
 * shared evaluator, api/quota.c) keeps each tracked resource within spec.hard; the usage is
 * then charged to the quota's status.used at once, with a compare-and-swap write of the
 * quota, so that two creates racing for the last unit cannot both pass. Deletions are not
 * credited here: the quota controller recounts (as in Kubernetes).
 */
#include "apiserver/internal.h"

/* A quota's hard resources that the usage u touches ("pods", "requests.cpu", ...). */
static json_t *touched(const json_t *hard, const json_t *u)
{
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)hard, k, v)
    {
        if (json_object_get(u, k))
            json_array_append_new(out, json_string(k));
    }
    return out;
}

/* Pods must say what a quota tracks: "must specify limits.cpu for: c" when they do not. */
static int pod_constraints(const json_t *quota, const json_t *pod, cube_err_t *err)
{
    json_t *hard = cube_json_path(quota, "spec", "hard", NULL);
    /* sorted: the message lists them in this order, as Kubernetes sorts them */
    static const char *const tracked[] = {"cpu",    "limits.cpu",   "limits.memory",
                                          "memory", "requests.cpu", "requests.memory"};
    cube_buf_t missing = CUBE_BUF_INIT, who = CUBE_BUF_INIT;
    for (size_t t = 0; t < CUBE_ARRAY_SIZE(tracked); t++) {
        if (!json_object_get(hard, tracked[t]))
            continue;
        const char *dot = strchr(tracked[t], '.');
        const char *which = dot && !strncmp(tracked[t], "limits", 6) ? "limits" : "requests";
        const char *res = dot ? dot + 1 : tracked[t];
        size_t i;
        json_t *c;
        bool any = false;
        json_array_foreach(cube_json_path(pod, "spec", "containers", NULL), i, c)
        {
            if (cube_json_path(c, "resources", which, res, NULL))
                continue;
            const char *n = cube_json_str(c, "name", NULL) ?: "";
            if (!who.data || !strstr(who.data, n))
                cube_buf_printf(&who, "%s%s", who.len ? "," : "", n);
            any = true;
        }
        if (any)
            cube_buf_printf(&missing, "%s%s", missing.len ? "," : "", tracked[t]);
    }
    int rc = 0;
    if (missing.len)
        rc = cube_err_set(err, 403, "Forbidden", "must specify %s for: %s", missing.data,
                          who.data ? who.data : "");
    cube_buf_clear(&missing);
    cube_buf_clear(&who);
    return rc;
}

static int forbidden(cube_err_t *err, const cube_resource_t *r, const json_t *obj, const char *msg)
{
    char qr[128];
    cube_qualified_resource(r, qr, sizeof(qr));
    const char *name = cube_json_str(obj, "metadata", "name", NULL);
    cube_err_set(err, 403, "Forbidden", "%s \"%s\" is forbidden: %s", qr, name ? name : "", msg);
    err->details = json_pack("{s:s,s:s}", "name", name ? name : "", "kind", r->plural);
    return -1;
}

/* Checks one quota and charges it; 1 when the quota changed under us (retry). */
static int charge(cube_apiserver_t *srv, const cube_resource_t *r, const json_t *obj,
                  const char *ns, const char *qname, cube_err_t *err)
{
    const cube_resource_t *rq = cube_api_resource_find("", "v1", "resourcequotas");
    json_auto_t *q = NULL;
    int64_t rev = 0;
    cube_err_t gerr _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_read_object(srv, rq, ns, qname, &q, &rev, &gerr) < 0)
        return 0; /* gone meanwhile */
    if (!cube_quota_scopes_match(q, r, obj))
        return 0;
    json_t *hard = cube_json_path(q, "spec", "hard", NULL);
    json_auto_t *u = cube_quota_usage(r, obj);
    json_auto_t *keys = touched(hard, u);
    if (!json_array_size(keys))
        return 0;
    if (!strcmp(r->group, "") && !strcmp(r->plural, "pods")) {
        cube_err_t cerr _cleanup_err_ = CUBE_ERR_INIT;
        if (pod_constraints(q, obj, &cerr) < 0) {
            _cleanup_free_ char *m = xasprintf("failed quota: %s: %s", qname, cerr.msg);
            return forbidden(err, r, obj, m);
        }
    }
    json_t *used = cube_json_path(q, "status", "used", NULL);
    cube_buf_t req = CUBE_BUF_INIT, have = CUBE_BUF_INIT, lim = CUBE_BUF_INIT;
    json_auto_t *next = json_is_object(used) ? json_deep_copy(used) : json_object();
    size_t i;
    json_t *k;
    bool over = false;
    json_array_foreach(keys, i, k)
    {
        const char *key = json_string_value(k);
        json_t *uv = json_object_get(used, key);
        if (!uv) {
            cube_buf_clear(&req);
            cube_buf_clear(&have);
            cube_buf_clear(&lim);
            _cleanup_free_ char *m =
                xasprintf("status unknown for quota: %s, resource: %s", qname, key);
            return forbidden(err, r, obj, m);
        }
        cube_err_t qe _cleanup_err_ = CUBE_ERR_INIT;
        int64_t h = 0, was = 0;
        cube_quantity_parse(cube_json_str(hard, key, NULL) ?: "0", &h, &qe);
        cube_quantity_parse(json_string_value(uv) ?: "0", &was, &qe);
        int64_t add = json_integer_value(json_object_get(u, key));
        _cleanup_free_ char *now = cube_quota_format(key, was + add);
        json_object_set_new(next, key, json_string(now));
        if (add > 0 && was + add > h) {
            _cleanup_free_ char *a = cube_quota_format(key, add);
            _cleanup_free_ char *w = cube_quota_format(key, was);
            cube_buf_printf(&req, "%s%s=%s", req.len ? "," : "", key, a);
            cube_buf_printf(&have, "%s%s=%s", have.len ? "," : "", key, w);
            cube_buf_printf(&lim, "%s%s=%s", lim.len ? "," : "", key,
                            cube_json_str(hard, key, NULL) ?: "0");
            over = true;
        }
    }
    if (over) {
        _cleanup_free_ char *m =
            xasprintf("exceeded quota: %s, requested: %s, used: %s, limited: %s", qname, req.data,
                      have.data, lim.data);
        cube_buf_clear(&req);
        cube_buf_clear(&have);
        cube_buf_clear(&lim);
        return forbidden(err, r, obj, m);
    }
    cube_buf_clear(&req);
    cube_buf_clear(&have);
    cube_buf_clear(&lim);
    json_object_set_new(cube_json_obj(q, "status"), "used", TAKE_PTR(next));
    size_t len;
    _cleanup_free_ char *stored = cube_encode_for_store(q, &len);
    _cleanup_free_ char *key = cube_key(rq, ns, qname);
    int64_t nrev;
    cube_err_t serr _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_store_update(srv->store, key, stored, len, rev, &nrev, &serr) < 0) {
        if (serr.code == 409)
            return 1;
        cube_err_move(err, &serr);
        return -1;
    }
    cube_cache_wait(srv->cache, nrev, 1000);
    return 0;
}

int cube_quota_admit(cube_apiserver_t *srv, const cube_resource_t *r, const json_t *obj,
                     cube_err_t *err)
{
    const char *ns = cube_json_str(obj, "metadata", "namespace", NULL);
    if (!r->namespaced || !ns || !*ns)
        return 0;
    const cube_resource_t *rq = cube_api_resource_find("", "v1", "resourcequotas");
    _cleanup_free_ char *prefix = cube_key(rq, ns, NULL);
    cube_obj_t **objs = NULL;
    size_t n = cube_cache_list_prefix(srv->cache, prefix, &objs);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        for (int attempt = 0; attempt < 10; attempt++) {
            rc = charge(srv, r, obj, ns, objs[i]->name, err);
            if (rc != 1)
                break;
        }
        if (rc == 1)
            rc = cube_err_set(err, 409, "Conflict",
                              "Operation cannot be fulfilled on resourcequotas \"%s\": the "
                              "object has been modified; please apply your changes to the "
                              "latest version and try again",
                              objs[i]->name);
    }
    cube_objs_free(objs, n);
    return rc < 0 ? -1 : 0;
}
