/*
 * Impersonation (kubectl --as, --as-group, --as-uid): a user allowed the
 * `impersonate` verb on users, groups, uids or service accounts may act as
 * another identity by sending Impersonate-User, Impersonate-Group and
 * Impersonate-Uid headers. Each requested attribute is authorized on its
 * own, as Kubernetes does; the request then runs as the impersonated user,
 * who is authenticated (system:authenticated, and the service-account groups
 * for a service account).
 */
#include "apiserver/internal.h"

#define MAX_GROUPS 32

static int may_impersonate(cube_apiserver_t *srv, const cube_user_t *u, const char *group,
                           const char *resource, const char *ns, const char *name, cube_err_t *err)
{
    cube_authz_attrs_t a = {.user = u,
                            .verb = "impersonate",
                            .group = group,
                            .version = "",
                            .resource = resource,
                            .ns = ns,
                            .name = name};
    return cube_authz_authorize(srv, &a, err);
}

int cube_impersonate(cube_apiserver_t *srv, const cube_http_req_t *req, cube_user_t **user,
                     cube_err_t *err)
{
    const char *as = cube_http_req_header(req, "Impersonate-User");
    const char *groups[MAX_GROUPS];
    size_t ng = cube_http_req_headers(req, "Impersonate-Group", groups, MAX_GROUPS);
    const char *uid = cube_http_req_header(req, "Impersonate-Uid");
    if (!as && !ng && !uid)
        return 0;
    if (!as)
        return cube_err_set(err, 500, "InternalError",
                            "Internal error occurred: requested impersonation of groups or uid "
                            "without impersonating a user");
    const cube_user_t *me = *user;
    const char *sa_prefix = "system:serviceaccount:";
    size_t spl = strlen(sa_prefix);
    if (!strncmp(as, sa_prefix, spl) && strchr(as + spl, ':')) {
        const char *colon = strchr(as + spl, ':');
        _cleanup_free_ char *ns = xstrndup(as + spl, (size_t)(colon - as - spl));
        if (may_impersonate(srv, me, "", "serviceaccounts", ns, colon + 1, err) < 0)
            return -1;
    } else if (may_impersonate(srv, me, "", "users", NULL, as, err) < 0) {
        return -1;
    }
    for (size_t i = 0; i < ng; i++)
        if (may_impersonate(srv, me, "", "groups", NULL, groups[i], err) < 0)
            return -1;
    if (uid && may_impersonate(srv, me, "authentication.k8s.io", "uids", NULL, uid, err) < 0)
        return -1;

    const char *all[MAX_GROUPS + 2];
    size_t n = 0;
    for (size_t i = 0; i < ng; i++)
        all[n++] = groups[i];
    _cleanup_free_ char *ns_group = NULL;
    if (!strncmp(as, sa_prefix, spl) && strchr(as + spl, ':')) {
        const char *colon = strchr(as + spl, ':');
        ns_group = xasprintf("system:serviceaccounts:%.*s", (int)(colon - as - spl), as + spl);
        all[n++] = "system:serviceaccounts";
        all[n++] = ns_group;
    }
    cube_user_t *nu = cube_user_new(as, uid, all, n);
    cube_user_free(*user);
    *user = nu;
    return 0;
}
