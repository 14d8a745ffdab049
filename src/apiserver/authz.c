/*
 * Authorization: the step between authentication and admission. Members of
 * system:masters may do everything (as Kubernetes' privileged-group
 * authorizer allows, without consulting RBAC); kubelets are judged by the
 * Node authorizer (node_authz.c) first; then RBAC (rbac.c) decides. Anonymous requests reach this
 * step only for the public health and version paths, which the system:public-info-viewer binding
 * grants to system:unauthenticated.
 */
#include "apiserver/internal.h"

/* Kubernetes' words: `User "bob" cannot list resource "pods" in API group "" in the namespace
   "default"`, `... at the cluster scope`, `User "bob" cannot get path "/metrics"`. */
static int forbidden(const cube_authz_attrs_t *a, cube_err_t *err)
{
    const char *who = a->user ? a->user->name : "system:anonymous";
    if (!a->resource)
        return cube_err_set(err, 403, "Forbidden", "forbidden: User \"%s\" cannot %s path \"%s\"",
                            who, a->verb, a->path ? a->path : "");
    _cleanup_free_ char *res =
        a->subresource ? xasprintf("%s/%s", a->resource, a->subresource) : xstrdup(a->resource);
    _cleanup_free_ char *qr =
        a->group && *a->group ? xasprintf("%s.%s", a->resource, a->group) : xstrdup(a->resource);
    _cleanup_free_ char *scope = a->ns && *a->ns ? xasprintf("in the namespace \"%s\"", a->ns)
                                                 : xstrdup("at the cluster scope");
    _cleanup_free_ char *subject =
        a->name && *a->name ? xasprintf("%s \"%s\"", qr, a->name) : xstrdup(qr);
    cube_err_set(err, 403, "Forbidden",
                 "%s is forbidden: User \"%s\" cannot %s resource \"%s\" in API group \"%s\" %s",
                 subject, who, a->verb, res, a->group ? a->group : "", scope);
    err->details = json_pack("{s:s}", "kind", a->resource);
    if (a->name && *a->name)
        json_object_set_new(err->details, "name", json_string(a->name));
    if (a->group && *a->group)
        json_object_set_new(err->details, "group", json_string(a->group));
    return -1;
}

int cube_authz_authorize(cube_apiserver_t *srv, const cube_authz_attrs_t *a, cube_err_t *err)
{
    if (a->user && cube_user_in_group(a->user, "system:masters"))
        return 0;
    if (cube_node_authorize(srv, a) > 0)
        return 0;
    if (srv->rbac && cube_rbac_allows(srv, a))
        return 0;
    if (!a->user)
        return cube_err_set(err, 401, "Unauthorized", "Unauthorized");
    return forbidden(a, err);
}
