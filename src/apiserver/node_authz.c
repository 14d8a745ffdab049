/*
 * The Node authorizer: what a kubelet (user system:node:<name>, group
 * system:nodes) may do. It may read a Secret, ConfigMap or
 * PersistentVolumeClaim only when a pod bound to its node uses it, and ask for
 * a service-account token only for an account one of its pods runs as; for
 * everything else it has the rules of the system:node role. Which objects a
 * pod uses is read from the pod's spec: volumes (also projected sources),
 * env and envFrom of every container, image pull secrets, service account.
 *
 * Upstream keeps a graph of these edges updated from informers; here the pods
 * on the node are looked up in the cache per request, which is what a few
 * kubelets on one control plane need (a per-node index is the next step).
 */
#include "apiserver/internal.h"

#define NODE_PREFIX "system:node:"

/* The node a user speaks for, or NULL when it is not a node. */
static const char *node_of(const cube_user_t *u)
{
    if (!u || !cube_user_in_group(u, "system:nodes"))
        return NULL;
    size_t n = strlen(NODE_PREFIX);
    return strncmp(u->name, NODE_PREFIX, n) || !u->name[n] ? NULL : u->name + n;
}

static bool name_is(const json_t *v, const char *name)
{
    return json_is_string(v) && !strcmp(json_string_value(v), name);
}

/* Whether one pod uses object `name` of `kind` ("secrets", "configmaps",
   "persistentvolumeclaims", "serviceaccounts"). */
static bool pod_uses(const json_t *pod, const char *kind, const char *name)
{
    const json_t *spec = json_object_get(pod, "spec");
    if (!strcmp(kind, "serviceaccounts")) {
        const json_t *sa = json_object_get(spec, "serviceAccountName");
        return sa ? name_is(sa, name) : !strcmp(name, "default");
    }
    bool secret = !strcmp(kind, "secrets"), cm = !strcmp(kind, "configmaps");
    size_t i, j;
    json_t *v, *src;
    json_array_foreach(json_object_get(spec, "volumes"), i, v)
    {
        if (secret && name_is(cube_json_path(v, "secret", "secretName", NULL), name))
            return true;
        if (cm && name_is(cube_json_path(v, "configMap", "name", NULL), name))
            return true;
        if (!strcmp(kind, "persistentvolumeclaims") &&
            name_is(cube_json_path(v, "persistentVolumeClaim", "claimName", NULL), name))
            return true;
        json_array_foreach(cube_json_path(v, "projected", "sources", NULL), j, src)
        {
            if (secret && name_is(cube_json_path(src, "secret", "name", NULL), name))
                return true;
            if (cm && name_is(cube_json_path(src, "configMap", "name", NULL), name))
                return true;
        }
    }
    if (secret) {
        json_array_foreach(json_object_get(spec, "imagePullSecrets"), i,
                           v) if (name_is(json_object_get(v, "name"), name)) return true;
    }
    if (!secret && !cm)
        return false;
    const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    for (size_t l = 0; l < CUBE_ARRAY_SIZE(lists); l++) {
        json_t *c;
        json_array_foreach(json_object_get(spec, lists[l]), i, c)
        {
            json_t *e;
            json_array_foreach(json_object_get(c, "env"), j, e)
            {
                const char *ref = secret ? "secretKeyRef" : "configMapKeyRef";
                if (name_is(cube_json_path(e, "valueFrom", ref, "name", NULL), name))
                    return true;
            }
            json_array_foreach(json_object_get(c, "envFrom"), j, e)
            {
                const char *ref = secret ? "secretRef" : "configMapRef";
                if (name_is(cube_json_path(e, ref, "name", NULL), name))
                    return true;
            }
        }
    }
    return false;
}

/* Whether some pod in ns bound to node uses the object. */
static bool node_pod_uses(cube_apiserver_t *srv, const char *node, const char *ns, const char *kind,
                          const char *name)
{
    const cube_resource_t *pods = cube_api_resource_find("", "v1", "pods");
    _cleanup_free_ char *prefix = cube_key(pods, ns, NULL);
    cube_obj_t **objs = NULL;
    size_t n = 0, remaining;
    int64_t rev;
    _cleanup_free_ char *next = NULL;
    cube_selector_t *fields = NULL;
    _cleanup_free_ char *fs = xasprintf("spec.nodeName=%s", node);
    cube_err_t e _cleanup_err_ = CUBE_ERR_INIT;
    if (cube_field_selector_parse(fs, &fields, &e) < 0)
        return false;
    cube_cache_list_req_t req = {.prefix = prefix, .fields = fields};
    cube_cache_list(srv->cache, &req, &objs, &n, &rev, &next, &remaining);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        json_auto_t *pod = json_loadb(objs[i]->json->data, objs[i]->json->len, 0, NULL);
        found = pod && pod_uses(pod, kind, name);
    }
    cube_objs_free(objs, n);
    cube_selector_free(fields);
    return found;
}

int cube_node_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a)
{
    const char *node = node_of(a->user);
    if (!node)
        return 0; /* no opinion */
    const char *r = a->resource;
    const char *g = a->group ? a->group : "";
    if (r && !g[0] &&
        (!strcmp(r, "secrets") || !strcmp(r, "configmaps") ||
         !strcmp(r, "persistentvolumeclaims")) &&
        !a->subresource) {
        /* only one named object at a time, and only one its pods use */
        if (strcmp(a->verb, "get") || !a->name || !a->ns)
            return -1;
        return node_pod_uses(srv, node, a->ns, r, a->name) ? 1 : -1;
    }
    if (r && !g[0] && !strcmp(r, "serviceaccounts") && a->subresource &&
        !strcmp(a->subresource, "token")) {
        if (strcmp(a->verb, "create") || !a->name || !a->ns)
            return -1;
        return node_pod_uses(srv, node, a->ns, "serviceaccounts", a->name) ? 1 : -1;
    }
    return cube_rbac_node_rules_allow(a) ? 1 : 0;
}
