/*
 * Admission: what a create must pass after defaulting and before
 * validation. Today: NamespaceLifecycle (no new objects in a namespace that
 * does not exist or is terminating; the four system namespaces cannot be
 * deleted is enforced in the delete path later).
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

int cube_admission_create(cube_apiserver_t *srv, const cube_resource_t *r, json_t *obj,
                          cube_err_t *err)
{
    return namespace_lifecycle(srv, r, obj, err);
}
